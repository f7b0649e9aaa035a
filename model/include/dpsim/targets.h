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
 * dp_indicator_get): end-of-year persons from the `indicators` table, shares of two of them,
 * per programme its recipients and spending (from `recipients` and `spending`), and total
 * spending. Indicators are looked up in a dp_results by axis labels, so evaluation works on
 * results built by an engine or read back from a file.
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

/* How an indicator is computed and in which unit its gap is counted. */
typedef enum {
    DP_IND_PERSONS,    /**< a count from the `indicators` table [persons] */
    DP_IND_SHARE,      /**< numerator / denominator, both counts of `indicators` [share] */
    DP_IND_RECIPIENTS, /**< one programme's recipients (`recipients`) [persons] */
    DP_IND_SPENDING    /**< one programme's spending, or all programmes' (`spending`) [yuan] */
} dp_indicator_kind;

/* One indicator a target may name. */
typedef struct {
    char key[48];           /**< the name in scenario files, e.g. "certified_share",
                                 "care_subsidy_recipients" */
    char name[96];          /**< English description */
    char name_zh[96];       /**< Chinese name, e.g. 持证率 */
    dp_indicator_kind kind; /**< how it is computed */
    const char *unit;       /**< "persons", "share" or "yuan" (static) */
    char source[32];        /**< the `indicator` label (persons), the numerator's (shares) or
                                 the programme key (recipients, spending; "" = all
                                 programmes) */
    char denominator[32];   /**< shares: the denominator's `indicator` label; else "" */
} dp_indicator;

/* Number of indicators (the fixed ones and two per programme of params.h). */
size_t dp_indicator_count(void);
/* Indicator i (< dp_indicator_count()) into *out. */
void dp_indicator_get(size_t i, dp_indicator *out);
/* The indicator named key into *out (may be NULL); returns 1 when it exists, else 0. */
int dp_indicator_find(const char *key, dp_indicator *out);

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
    DP_TF_GAP_IN_YUAN, /**< 1 when target_gap is in yuan (spending indicators), 0 persons */
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
 *     0; shares count persons: the shortfall times the run's denominator; spending counts
 *     yuan), `target_gap_yuan` (recipients: g_k times the programme's spending per recipient
 *     in that run and year, spending / recipients, 0 when g_k = 0; spending: g_k itself;
 *     NAN for persons and shares, which have no unit cost).
 * An indicator that cannot be computed in a run (a share of zero persons) gives NAN for x_k,
 * met and gaps. Nothing is added when n = 0. res needs the tables the indicators read
 * (indicators [year, region, indicator], recipients and spending [year, region, programme]).
 * Errors: DP_EINPUT naming the target when its indicator is unknown, the results lack the
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
    const char *unit;      /**< "persons", "share" or "yuan" (static; "" when unknown) */
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

#endif
