/* model/src/output_impl.h
 *
 * Private to the HDF5 writer: the scenario metadata the writer needs, as plain data, so that
 * the writer can be driven without a loaded dp_scenario (dp_output_write only fills a
 * dp_output_meta from the scenario's accessors and calls dp_output_write_group), and the
 * summary over runs (summary.c). Not installed; tests include it by relative path.
 */
#ifndef DPSIM_OUTPUT_IMPL_H
#define DPSIM_OUTPUT_IMPL_H

#include <stddef.h>

#include "dpsim/output.h"

/* Statistics of a summary table, in the order of its leading `stat` dimension. */
enum {
    DP_STAT_MEAN = 0,
    DP_STAT_SD,
    DP_STAT_P05,
    DP_STAT_P25,
    DP_STAT_P50,
    DP_STAT_P75,
    DP_STAT_P95,
    DP_N_STAT
};

/* Labels of the stat axis: English (the dataset values) and Chinese (its label_zh). */
extern const char *const dp_summary_stat_label[DP_N_STAT];
extern const char *const dp_summary_stat_label_zh[DP_N_STAT];

/* What the writer stores about one scenario. Everything is borrowed for the call. */
typedef struct {
    const char *name;                /**< group name: the scenario's `name:` */
    const char *title;               /**< `title:` or "" */
    const char *text;                /**< resolved scenario as YAML text */
    size_t n_input;                  /**< files read (scenario chain, then regions) */
    const char *const *input_path;   /**< [n_input] paths as given */
    const char *const *input_sha256; /**< [n_input] 64 lowercase hex digits each */
} dp_output_meta;

/* Writes group /<meta->name>/ (see dp_output_write in output.h); the extra files are listed
 * after meta's inputs. On failure the temporary file is closed and removed at once, and o is
 * left failed: dp_output_close then returns the same status without creating the target. */
dp_status dp_output_write_group(dp_ctx *ctx, dp_output *o, const dp_output_meta *meta,
                                const dp_results *res, const dp_run_info *info, size_t n_extra,
                                const char (*extra_path)[256], const char (*extra_sha256)[65]);

/* Marks o failed with status (the first failure wins) and removes its temporary file. Used by
 * dp_output_write when it fails before reaching dp_output_write_group. */
void dp_output_fail(dp_output *o, dp_status status);

/* Summary over runs of one per-run table: data is [n_run][size] (row-major, run slowest);
 * result is [DP_N_STAT][size]: mean, sample sd (0 when n_run is 1), and the 5, 25, 50, 75
 * and 95th percentiles (gsl_stats_quantile_from_sorted_data, i.e. linear interpolation between
 * order statistics). An element with a NaN in any run gets NaN for every statistic.
 * n_run must be at least 1. Allocates one workspace of n_run * 64 doubles; DP_ENOMEM if that
 * fails. */
dp_status dp_summary_compute(dp_ctx *ctx, const double *data, size_t n_run, size_t size,
                             double *result);

#endif
