/* model/include/dpsim/targets.h
 *
 * Plan targets (DESIGN §2, issue 4 "Targets"; docs/scenarios.md#targets): a scenario lists plan
 * indicators as (indicator, region, year, operator, value, binding or expected). After a run,
 * each target is evaluated in every replicate: the indicator's value, whether the target is
 * met (0/1), the gap (persons short, or yuan for spending indicators) and the yuan it would
 * take to close the gap at the programme's unit cost. These are stored as per-run tables, so
 * the writer's summary/ gives their mean over replicates: the mean of target_met IS the
 * probability that the target is met.
 *
 * The indicators a target may name are one table in targets.c (dp_indicator_count /
 * dp_indicator_get): counts, shares and ratios of cells of the per-run tables (`indicators`,
 * `services`, `pipeline`), per programme its recipients, eligible persons and spending, and
 * spending in total, in base-year prices and by level of government. Each indicator names its
 * cells by table name and axis labels, so evaluation works on results built by an engine or
 * read back from a file.
 *
 * The budget ceiling (docs/scenarios.md) is read back here too: dp_budget_read gives, per year,
 * total spending over replicates and the probability that it exceeds the ceiling.
 *
 * Pure computations on their arguments: no I/O, no printing. Thread-safety: functions touch
 * only their arguments; a dp_ctx belongs to its calling thread.
 */
#ifndef DPSIM_TARGETS_H
#define DPSIM_TARGETS_H

#include <stddef.h>

#include "dpsim/ctx.h"
#include "dpsim/results.h"

typedef struct dp_scenario dp_scenario;

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
    DP_TF_REGION,      /**< index into the `region` axis, -1 for all regions summed */
    DP_TF_GAP_IN_YUAN, /**< 1 when target_gap is in yuan (spending, cash per person), 0 persons
                            or households */
    DP_N_TF
};
/* English and Chinese labels of the fields ("year", ...). */
extern const char *const dp_target_field_label[DP_N_TF];
extern const char *const dp_target_field_label_zh[DP_N_TF];

/* Evaluates the n targets t[] (borrowed) on every run of res and adds to res:
 *   - the axis `target`: labels "<indicator>_<year>" plus "_<region>" when the target names
 *     one region, plus "_2", "_3", ... for a label already taken; label_zh "<name_zh>·<year>年"
 *     (the target's name_zh, else the indicator's Chinese name and the region's);
 *   - the axis `target_field` and the base table `targets [target, target_field]` (the
 *     definition, DP_TF_*);
 *   - per-run tables [target]: `target_values` x_k (the indicator in run k, unit "value":
 *     each target's own), `target_met` (1 met, 0 not), `target_gap` (g_k = max(0, value - x_k)
 *     for >= and >, max(0, x_k - value) for <= and <, for == |x_k - value| when not met else
 *     0; shares and ratios count the shortfall times the run's denominator, in the numerator's
 *     unit: persons short, or yuan for cash per person; spending counts yuan),
 *     `target_gap_yuan` (g_k priced as the indicator's dp_indicator_cost says: NAN for
 *     DP_COST_NONE, g_k for DP_COST_GAP, g_k times the run's unit cost for DP_COST_PER_UNIT
 *     and DP_COST_AMOUNT, 0 when g_k = 0).
 * An indicator that cannot be computed in a run (a share of zero persons) gives NAN for x_k,
 * met and gaps. Nothing is added when n = 0. res needs the tables the targets' indicators read
 * (each cell's table [year, region, X] or [year, region, X, Y] with the labels it names;
 * DP_COST_AMOUNT also `amount` [year, programme, grade] and `person_months` [year, region,
 * programme, grade]).
 * Errors: DP_EINPUT naming the target when its indicator is unknown, the results lack a
 * table or label it needs, or its year or region is not on the results' axes; more than
 * DP_MAX_TARGETS; DP_EINTERNAL when res has a target axis already; DP_ENOMEM. On error res may
 * hold the axes already added but none of the tables. */
dp_status dp_targets_eval(dp_ctx *ctx, const dp_target *t, size_t n, dp_results *res);

/* dp_targets_eval with the scenario's targets (dp_scenario_targets); s is borrowed. Call it
 * after the engine ran and before dp_output_write. */
dp_status dp_targets_add(dp_ctx *ctx, const dp_scenario *s, dp_results *res);

/* One target with its results over the runs, as read back from a dp_results. */
typedef struct {
    char label[96];        /**< the `target` axis label */
    char label_zh[192];    /**< its label_zh */
    char indicator[48];    /**< the indicator key (the label up to "_<year>") */
    char indicator_zh[96]; /**< its Chinese name ("" when this version has no such
                                indicator) */
    const char *unit;      /**< the indicator's unit (static; "" when unknown) */
    const char *gap_unit;  /**< the gap's unit: "persons", "households" or "yuan" (static; from
                                gap_in_yuan when the indicator is unknown) */
    char name_zh[96];      /**< the scenario's own Chinese name ("" when none) */
    char region[32];       /**< the region id, or "" for all regions */
    char region_zh[64];    /**< its Chinese name ("" for all) */
    int year;
    dp_target_op op;
    double value, tolerance; /**< as defined; tolerance NAN unless == */
    int binding;
    int gap_in_yuan;      /**< 1 when the gap is in yuan, else persons */
    size_t n_run;         /**< replicates */
    double mean;          /**< mean of x_k over runs */
    double p05, p95;      /**< 5th and 95th percentiles of x_k (as summary/) */
    double p_met;         /**< mean of met_k: the probability the target is met */
    double mean_gap;      /**< mean of g_k (0 in runs that meet it) */
    double mean_gap_yuan; /**< mean of the yuan to close (NAN: no unit cost) */
} dp_target_result;

/* The targets stored in res (by dp_targets_eval, or read back with dp_output_read) with their
 * statistics over runs (a NAN in any run makes that statistic NAN), in the order of the target
 * axis. *out (malloc'd, *n entries) is the caller's to free(); *out = NULL and *n = 0 when res
 * has no target axis (not an error). Errors: DP_EINPUT when res has a target axis but lacks
 * one of the tables above or a field of `targets`; DP_ENOMEM. */
dp_status dp_targets_read(dp_ctx *ctx, const dp_results *res, dp_target_result **out, size_t *n);

/* ------------------------------------------------------------------------------------------ */
/* Budget ceiling */

/* One year of the `budget` table [year, budget] over the runs. */
typedef struct {
    int year;
    size_t n_run;
    double total;     /**< mean over runs of total spending, all programmes and regions [yuan] */
    double p05, p95;  /**< its 5th and 95th percentiles over runs [yuan] */
    double ceiling;   /**< mean over runs of the ceiling [yuan]; NAN when there is none */
    double p_exceeds; /**< mean over runs of `exceeds` (1 when total > ceiling): the
                           probability that spending exceeds the ceiling; NAN without one */
} dp_budget_year;

/* The budget table of res per year (statistics as summary/: a NAN in any run makes that
 * statistic NAN). *out (malloc'd, *n entries, in the order of the year axis) is the caller's
 * to free(); *out = NULL and *n = 0 when res has no `budget` table (not an error). Errors:
 * DP_EINPUT when `budget` is not a per-run table [year, budget] with the labels total, ceiling
 * and exceeds; DP_ENOMEM. */
dp_status dp_budget_read(dp_ctx *ctx, const dp_results *res, dp_budget_year **out, size_t *n);

#endif
