/* model/core/stats.h
 *
 * Statistics over replicates (stats.c): the mean, sample standard deviation and percentiles of
 * every element of a per-run table, as the output's summary/ group stores them and the
 * analyses read them. Pure computations; thread-safe.
 */
#ifndef DPSIM_STATS_H
#define DPSIM_STATS_H

#include <stddef.h>

#include "core/ctx.h"

/* Statistics of a summary table, in the order of its leading `stat` dimension (schema 4:
 * mean, sd, then the percentiles in ascending order, 2.5 to 97.5). Files of schema 1 to 3 have
 * the seven mean, sd, p05, p25, p50, p75, p95, without p025 and p975: read a summary's
 * statistics by the labels of its stat axis, not by these positions. */
enum {
    DP_STAT_MEAN = 0,
    DP_STAT_SD,
    DP_STAT_P025,
    DP_STAT_P05,
    DP_STAT_P25,
    DP_STAT_P50,
    DP_STAT_P75,
    DP_STAT_P95,
    DP_STAT_P975,
    DP_N_STAT
};

/* Labels of the stat axis: English (the dataset values) and Chinese (its label_zh). */
extern const char *const dp_summary_stat_label[DP_N_STAT];
extern const char *const dp_summary_stat_label_zh[DP_N_STAT];

/* Summary over runs of one per-run table: data is [n_run][size] (row-major, run slowest);
 * result is [DP_N_STAT][size]: mean, sample sd (0 when n_run is 1), and the 2.5, 5, 25, 50,
 * 75, 95 and 97.5th percentiles (gsl_stats_quantile_from_sorted_data, i.e. linear interpolation
 * between order statistics). An element with a NaN in any run gets NaN for every statistic. n_run
 * must be at least 1. Allocates one workspace of n_run * 64 doubles; DP_ENOMEM if that fails. */
dp_status dp_summary_compute(dp_ctx *ctx, const double *data, size_t n_run, size_t size,
                             double *result);

#endif
