/* model/analysis/targets.h
 *
 * Plan targets (DESIGN §2, issue 4 "Targets"; docs/scenarios.md#targets): a scenario lists plan
 * indicators as (indicator, region, year, operator, value, binding or expected). After a run,
 * each target is evaluated in every replicate: the indicator's value, whether the target is
 * met (0/1), the gap (persons short, or yuan for spending indicators) and the yuan it would
 * take to close the gap at the programme's unit cost. These are stored as per-run tables, so
 * the writer's summary/ gives their mean over replicates: the mean of target_met IS the
 * probability that the target is met.
 *
 * The indicators a target may name are the catalogue of input/indicators.h (dp_indicator_count /
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

#include "core/ctx.h"
#include "core/results.h"
#include "input/indicators.h"

typedef struct dp_scenario dp_scenario;

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
/* The value of target t's indicator (region, year; its op and value are not used) in every run
 * of res into x[res->n_run]; NAN where it cannot be computed. Errors as dp_targets_eval's for
 * one target. */
dp_status dp_indicator_values(dp_ctx *ctx, const dp_results *res, const dp_target *t,
                              double *x);
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
    double p025, p975;    /**< 2.5th and 97.5th percentiles of x_k (as summary/) */
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

/* One year of the `budget` table [year, budget_item] over the runs. */
typedef struct {
    int year;
    size_t n_run;
    double total;     /**< mean over runs of total spending, all programmes and regions [yuan] */
    double p05, p95;  /**< its 5th and 95th percentiles over runs [yuan] */
    double p025;      /**< its 2.5th percentile over runs [yuan] */
    double p975;      /**< its 97.5th percentile over runs [yuan] */
    double ceiling;   /**< mean over runs of the ceiling [yuan]; NAN when there is none */
    double p_exceeds; /**< mean over runs of `exceeds` (1 when total > ceiling): the
                           probability that spending exceeds the ceiling; NAN without one */
} dp_budget_year;

/* The budget table of res per year (statistics as summary/: a NAN in any run makes that
 * statistic NAN). *out (malloc'd, *n entries, in the order of the year axis) is the caller's
 * to free(); *out = NULL and *n = 0 when res has no `budget` table (not an error). Errors:
 * DP_EINPUT when `budget` is not a per-run table [year, budget_item] with the labels total,
 * ceiling and exceeds; DP_ENOMEM. (The reader gives a schema-2 file's axis `budget` this name.) */
dp_status dp_budget_read(dp_ctx *ctx, const dp_results *res, dp_budget_year **out, size_t *n);

#endif
