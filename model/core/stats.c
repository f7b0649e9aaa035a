/* model/core/stats.c
 *
 * Summaries of per-run tables over runs: mean, sample standard deviation and the 2.5, 5, 25,
 * 50, 75, 95 and 97.5th percentiles of every element, as written to the output's summary/ group.
 * The runs of one element are gathered into a contiguous buffer (a block of elements at a time, so
 * the strided reads stay cache-friendly), sorted, and handed to gsl_stats_*. Workload: one pass
 * over the table plus a sort of n_run values per element; a table of 10^5 elements over 1000
 * runs takes well under a second.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "core/stats.h"

/* Elements gathered per block. */
enum { BLOCK = 64 };

const char *const dp_summary_stat_label[DP_N_STAT] = {"mean", "sd",  "p025", "p05", "p25",
                                                      "p50",  "p75", "p95",  "p975"};
const char *const dp_summary_stat_label_zh[DP_N_STAT] = {
    "均值",   "标准差",       "第2.5百分位数", "第5百分位数",   "第25百分位数",
    "中位数", "第75百分位数", "第95百分位数",  "第97.5百分位数"};

/* Quantile levels of the percentile statistics, indexed by DP_STAT_*. */
static const double quantile_level[DP_N_STAT] = {0.0,  0.0,  0.025, 0.05, 0.25,
                                                 0.50, 0.75, 0.95,  0.975};

/* Statistics of one element from its n_run values in x (sorted in place). */
static void
summarise(double *x, size_t n_run, size_t size, double *result)
{
    for (size_t run = 0; run < n_run; run++) {
        if (isnan(x[run])) {
            for (size_t stat = 0; stat < DP_N_STAT; stat++) {
                result[stat * size] = NAN;
            }
            return;
        }
    }
    gsl_sort(x, 1, n_run);
    double mean = gsl_stats_mean(x, 1, n_run);
    result[DP_STAT_MEAN * size] = mean;
    /* GSL's sample sd divides by n - 1, which is 0 for one run: the spread of one run is 0. */
    result[DP_STAT_SD * size] = n_run > 1 ? gsl_stats_sd_m(x, 1, n_run, mean) : 0.0;
    for (size_t stat = DP_STAT_P025; stat < DP_N_STAT; stat++) {
        result[stat * size] =
            gsl_stats_quantile_from_sorted_data(x, 1, n_run, quantile_level[stat]);
    }
}

dp_status
dp_summary_compute(dp_ctx *ctx, const double *data, size_t n_run, size_t size, double *result)
{
    if (n_run == 0) {
        return dp_error(ctx, DP_EINTERNAL, "summary over zero runs");
    }
    double *w = malloc(n_run * BLOCK * sizeof *w);
    if (!w) {
        return dp_error(ctx, DP_ENOMEM, "out of memory for a summary over %zu runs", n_run);
    }
    for (size_t first = 0; first < size; first += BLOCK) {
        size_t n_elem = size - first < BLOCK ? size - first : BLOCK;
        /* w[j * n_run + run] = element first + j of run `run`. */
        for (size_t run = 0; run < n_run; run++) {
            const double *src = data + run * size + first;
            for (size_t j = 0; j < n_elem; j++) {
                w[j * n_run + run] = src[j];
            }
        }
        for (size_t j = 0; j < n_elem; j++) {
            summarise(w + j * n_run, n_run, size, result + first + j);
        }
    }
    free(w);
    return DP_OK;
}
