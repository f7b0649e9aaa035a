/* model/input/indicators.h
 *
 * Plan indicators and targets as a scenario states them (DESIGN §2; docs/scenarios.md#targets):
 * the catalogue of indicators a target may name (one table in indicators.c: counts, shares and
 * ratios of cells of the per-run tables `indicators`, `services`, `pipeline`, per programme its
 * recipients, eligible persons and spending, and spending in total, in base-year prices and by
 * level of government), and the target itself (indicator, region, year, operator, value,
 * binding or expected). Each indicator names its cells by table name and axis labels, so the
 * evaluation (analysis/targets.h) works on results built by an engine or read back from a file.
 * Pure data and lookups: no I/O, no printing; thread-safe.
 */
#ifndef DPSIM_INDICATORS_H
#define DPSIM_INDICATORS_H

#include <stddef.h>

#include "core/ctx.h"

enum { DP_MAX_TARGETS = 256 };

/* ------------------------------------------------------------------------------------------ */
/* Indicators */

/* How an indicator is computed from its cells (dp_indicator_cell) and what its value is. */
typedef enum {
    DP_IND_PERSONS,    /**< a count: the numerator cell [persons, or households where the unit
                            says] */
    DP_IND_SHARE,      /**< numerator / denominator, two counts [share, 0-1] */
    DP_IND_RECIPIENTS, /**< one programme's recipients (`recipients`) [persons; households] */
    DP_IND_SPENDING,   /**< yuan: a programme's spending, all programmes', by level, real */
    DP_IND_RATIO       /**< numerator / denominator in a unit other than a share (cash per
                            disabled person: yuan per person) */
} dp_indicator_kind;

/* How the yuan to close a gap are priced (the target_gap_yuan table). */
typedef enum {
    DP_COST_NONE = 0, /**< no unit cost applies: NaN */
    DP_COST_GAP,      /**< the gap is in yuan already: the gap itself */
    DP_COST_PER_UNIT, /**< the gap times cost_num / cost_den of the same run, year and regions
                           (spending per recipient, training spending per trainee) */
    DP_COST_AMOUNT    /**< the gap times the programme's yearly amount per unit: `amount`
                           [year, programme, grade] weighted by the run's `person_months` of
                           the programme by grade (grade1 when it has none), times 12 for a
                           monthly programme */
} dp_indicator_cost;

/* One cell of a per-run table [year, region, X] or [year, region, X, Y], located by labels and
 * summed over the target's regions (and over X or Y where the label is ""). */
typedef struct {
    char table[32];  /**< the table's name; "" = no cell */
    char label[48];  /**< the label on X; "" = summed over X */
    char label2[16]; /**< the label on Y (tables of four axes); "" = summed over Y */
} dp_indicator_cell;

/* One indicator a target may name. */
typedef struct {
    char key[48];           /**< the name in scenario files, e.g. "certified_share",
                                 "care_subsidy_recipients" */
    char name[128];         /**< English description */
    char name_zh[96];       /**< Chinese name, e.g. 持证率 */
    dp_indicator_kind kind; /**< how it is computed */
    const char *unit;       /**< "persons", "households", "share", "yuan" or "yuan per person"
                                 (static) */
    const char *gap_unit;   /**< the unit of target_gap: "persons", "households" or "yuan"
                                 (static); a share's or ratio's gap is its shortfall times the
                                 denominator, in the numerator's unit */
    dp_indicator_cell num;  /**< the value, or the numerator */
    dp_indicator_cell den;  /**< shares and ratios: the denominator; else table "" */
    dp_indicator_cost cost; /**< how the gap is priced */
    dp_indicator_cell cost_num, cost_den; /**< DP_COST_PER_UNIT: the unit cost's cells */
    char programme[32]; /**< DP_COST_AMOUNT: the programme whose amount prices the gap */
} dp_indicator;

/* Number of indicators (the fixed ones and three per programme of params.h). */
size_t dp_indicator_count(void);
/* Indicator i (< dp_indicator_count()) into *out. */
void dp_indicator_get(size_t i, dp_indicator *out);
/* The indicator named key into *out (may be NULL); returns 1 when it exists, else 0. */
int dp_indicator_find(const char *key, dp_indicator *out);
/* The indicator names for a message, into buf[size] (truncated): the fixed names, then the
 * per-programme patterns ("disabled, severe, ..., or <programme>_recipients, ... of a
 * programme (e.g. care_subsidy_recipients)"). Returns buf. */
const char *dp_indicator_names(char *buf, size_t size);

/* ------------------------------------------------------------------------------------------ */
/* Targets */

typedef enum {
    DP_OP_GE = 0, /**< ">=": met when x >= value */
    DP_OP_GT,     /**< ">":  met when x > value */
    DP_OP_LE,     /**< "<=": met when x <= value */
    DP_OP_LT,     /**< "<":  met when x < value */
    DP_OP_EQ,     /**< "==": met when |x - value| <= tolerance */
    DP_N_OP
} dp_target_op;
/* ">=", ">", "<=", "<", "==" */
extern const char *const dp_target_op_text[DP_N_OP];

/* One plan target as the scenario gives it. */
typedef struct {
    char indicator[48]; /**< a dp_indicator key */
    char region[32];    /**< a region id of the run, or "" for all regions summed */
    int year;           /**< the year whose end-of-year value (or yearly spending) counts */
    dp_target_op op;    /**< comparison */
    double value;       /**< the target value in the indicator's unit (share, persons, yuan) */
    double tolerance;   /**< DP_OP_EQ only: |x - value| <= tolerance is met [indicator's unit];
                             the parser's default is 0.5 for persons, 1e-9 otherwise */
    int binding;        /**< 1 binding (约束性), 0 expected (预期性) */
    char name_zh[96];   /**< the scenario's own Chinese name of the target, or "" */
} dp_target;

/* Default tolerance of an "==" target on an indicator of this kind: 0.5 for persons
 * (persons, recipients), 1e-9 otherwise (shares, yuan). */
double dp_target_default_tolerance(dp_indicator_kind kind);

/* Fields of the base table `targets [target, target_field]`, in this order. */
enum {
    DP_TF_YEAR = 0,    /**< the target's year */
    DP_TF_VALUE,       /**< the target value (indicator's unit) */
    DP_TF_OP,          /**< 1 for >= and >, -1 for <= and <, 0 for == */
    DP_TF_STRICT,      /**< 1 for > and <, else 0 */
    DP_TF_BINDING,     /**< 1 binding, 0 expected */
    DP_TF_TOLERANCE,   /**< == only: the tolerance; NAN otherwise */
    DP_TF_REGION,      /**< index into the `region` axis, -1 for all regions summed; a target on
                            a node of the hierarchy: n_region + its index on the `node` axis */
    DP_TF_GAP_IN_YUAN, /**< 1 when target_gap is in yuan (spending, cash per person), 0 persons
                            or households */
    DP_N_TF
};
/* English and Chinese labels of the fields ("year", ...). */
extern const char *const dp_target_field_label[DP_N_TF];
extern const char *const dp_target_field_label_zh[DP_N_TF];


#endif
