/* model/analysis/backtest.h
 *
 * The back-test of `dpsim backtest` (docs/validation.md "Back-test"): a run fitted on the
 * reported figures up to a year Y (dp_params.fit_until) and projected from its base is compared
 * with every figure the region files report for a later year. For each figure: the actual, the
 * projected mean over replicates, the 50% (25th-75th percentile) and 90% (5th-95th) intervals,
 * the relative error (mean - actual) / actual, and whether the actual is inside each interval.
 * A bound counts as inside when the interval reaches it from the right side: a lower bound
 * ("more than 12 million") when the interval's upper end is at least the figure, an upper
 * bound ("nearly 15 million") when its lower end is at most the figure. A stock reported at
 * the end of a month m < 12 of year Y is compared with the projection interpolated linearly
 * between the ends of Y - 1 and Y (per replicate); when Y - 1 is not projected (Y is the first
 * projected year) or the figure is a total over several years, or its key is not an indicator
 * (dibao_certified, pension_participants, medical_participants, rehab_recipients), it is
 * counted as not compared. Pure computations on their arguments; thread-safe.
 */
#ifndef DPSIM_BACKTEST_H
#define DPSIM_BACKTEST_H

#include <stddef.h>

#include "core/ctx.h"
#include "core/results.h"
#include "input/region.h"

typedef struct {
    char region[32];               /**< region id */
    char key[48];                  /**< reported-figure key (an indicator) */
    int year, month;               /**< reference point: the end of month of year */
    dp_bound bound;                /**< exact, lower or upper bound */
    double actual;                 /**< the reported figure */
    double mean;                   /**< projected mean over replicates */
    double p5, p25, p50, p75, p95; /**< percentiles over replicates */
    double rel_error;              /**< (mean - actual) / actual */
    int in50, in90;                /**< actual inside the 50% / 90% interval (bounds: see above) */
} dp_backtest_item;

typedef struct {
    int fit_until; /**< the last year fitted */
    size_t n_run;  /**< replicates */
    size_t n_item;
    dp_backtest_item *item;  /**< [n_item], in region and file order */
    size_t n_skipped;        /**< later figures that could not be compared (above) */
    double cover50, cover90; /**< share of the items inside the 50% / 90% intervals (NAN
                                  when none) */
    size_t n_trend;          /**< of the items, recipients of the living and care subsidies
                                  (the figures status_quo: trend fits and projects) */
    double trend50, trend90; /**< their coverage (NAN when none) */
} dp_backtest;

/* Compares the figures of the n_region regions (borrowed, in the run's region order) reported
 * for years after fit_until and up to the results' last year with the run's results res
 * (recipients and indicators tables: any results of an engine), into a new *out (free with
 * dp_backtest_free). Errors: DP_EINPUT when res has no year or region axis; DP_ENOMEM. */
dp_status dp_backtest_compare(dp_ctx *ctx, const dp_region_input *regions, size_t n_region,
                              int fit_until, const dp_results *res, dp_backtest **out);
/* Adds the base tables backtest_items [backtest_item, backtest_stat] and backtest_summary
 * [backtest_summary_stat: fit_until, runs, compared, not_compared, cover50, cover90, trend,
 * trend50, trend90] to res (the writer puts tables named backtest_* in a backtest/
 * group; docs/output-schema.md). */
dp_status dp_backtest_add(dp_ctx *ctx, const dp_backtest *bt, dp_results *res);
void dp_backtest_free(dp_backtest *bt);

/* Adds the scenario's regions' reported figures to res, when any: the axes reported_item
 * (label "<region> <key> <year>-<month>", or "<region> <key> <from>-<year>-<month>" for a
 * total over several years), reported_source and reported_unit (aligned with it),
 * reported_stat, and the table history_reported [reported_item, reported_stat]: year, month,
 * mid, from, value, bound (0 exact, 1 lower, 2 upper), status (0 quoted, 1 derived,
 * 2 assumption, 3 not_verified), region_index (into region; NAN when not on it). The writer
 * puts tables named history_* in a history/ group (docs/output-schema.md). */
typedef struct dp_scenario dp_scenario;
dp_status dp_history_add(dp_ctx *ctx, const dp_scenario *s, dp_results *res);

#endif
