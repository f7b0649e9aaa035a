/* model/analysis/analysis.h
 *
 * Analyses of results already computed (docs/compare.md):
 *   - the difference ALT - BASE between two scenarios, table by table and year by year, with
 *     the mean and the 90% interval over paired replicates (run k of ALT with run k of BASE:
 *     common random numbers when both ran with the same seed) and the share of the variance
 *     that pairing removed;
 *   - the settings: every resolved scenario key with its value in force each year, stored in
 *     the results as the base table `settings [setting, year]`, and the keys on which two
 *     scenarios differ, by ranges of years;
 *   - the sensitivity of total spending to the parameters given as distributions: squared
 *     Spearman rank correlation and standardised regression coefficients (SRC) of the stored
 *     draws (runs/parameters), stored as the base table `sensitivity [year, parameter, measure]`.
 * Everything works on dp_results (results.h), as built by an engine or read back from a file
 * by dp_output_read. Pure computations: no I/O, no printing. Thread-safety: functions touch only
 * their arguments; a dp_ctx belongs to its calling thread.
 */
#ifndef DPSIM_ANALYSIS_H
#define DPSIM_ANALYSIS_H

#include <stddef.h>

#include "core/ctx.h"
#include "input/params.h"
#include "core/results.h"
#include "input/settings.h"

/* ------------------------------------------------------------------------------------------ */
/* Scenario differences */

/* The difference ALT - BASE of one table, summed over every axis except the year axis and an
 * optional kept axis ("by"). Arrays are [n_year][n_group], row-major. */
typedef struct {
    char table[32];      /**< the table compared */
    char unit[24];       /**< its unit (as stored: yuan, persons, ...) */
    char title[256];     /**< its English title */
    char title_zh[256];  /**< its Chinese title */
    size_t year_axis;    /**< index of the year axis in BASE's results, or (size_t)-1 when
                              the table has none (then n_year = 1) */
    size_t by_axis;      /**< index of the kept axis in BASE's results, or (size_t)-1 when
                              every axis but year is summed (then n_group = 1) */
    size_t n_year;       /**< rows */
    size_t n_group;      /**< columns */
    size_t n_run_base;   /**< replicates of BASE (1 for a base table) */
    size_t n_run_alt;    /**< replicates of ALT */
    int paired;          /**< 1 when run k of ALT is paired with run k of BASE: both have the
                              same number of runs, at least 2; else 0 */
    double *base_mean;   /**< mean of BASE over its runs */
    double *alt_mean;    /**< mean of ALT over its runs */
    double *mean;        /**< mean of d_k = ALT_k - BASE_k (paired), else alt_mean - base_mean
                              (the same number, computed without pairing) */
    double *p05;         /**< 5th percentile of d_k (gsl_stats_quantile_from_sorted_data);
                              NAN when not paired */
    double *p95;         /**< 95th percentile of d_k; NAN when not paired */
    double *var_removed; /**< variance removed by pairing, 1 - Var(d) / (Var(ALT) + Var(BASE))
                              (sample variances over runs); NAN when not paired or when
                              neither scenario varies over its runs */
} dp_diff;

/* Checks that BASE and ALT have the same axes: every axis present in both (except `parameter`
 * and `target`, whose uncertain parameters and plan targets may legitimately differ) must have
 * the same length and labels,
 * and the axes year and region must be present in both or in neither. base_name and alt_name
 * name the scenarios in the message. Errors: DP_EINPUT "scenarios 'B' and 'A' have different
 * AXIS axes: ..." naming the first difference. */
dp_status dp_compare_axes(dp_ctx *ctx, const dp_results *base, const dp_results *alt,
                          const char *base_name, const char *alt_name);

/* Computes the difference of table `table` between ALT and BASE (both borrowed), keeping the
 * year axis and, when by is not NULL, the axis named by. Each run's table is summed over the
 * other axes; then, per year and group, d_k = ALT_k - BASE_k over the paired runs k. A NaN in
 * a run makes every statistic of that cell NaN. On success *out is owned by the caller (free
 * with dp_diff_free). Errors (DP_EINPUT, the message names the table): a table missing from
 * either, stored per run in one and as a base table in the other, over different axes or axis
 * labels; by not an axis of the table or naming the year axis. DP_ENOMEM. */
dp_status dp_compare_table(dp_ctx *ctx, const dp_results *base, const dp_results *alt,
                           const char *table, const char *by, dp_diff **out);
/* Frees a dp_diff; NULL is a no-op. */
void dp_diff_free(dp_diff *d);

/* ------------------------------------------------------------------------------------------ */
/* Settings: the resolved parameters by year */

/* A range of consecutive years over which one setting has the same pair of values. */
typedef struct {
    char path[96];    /**< the setting (key path) */
    int year_from;    /**< first year of the range */
    int year_to;      /**< last year of the range (inclusive) */
    double base;      /**< value in BASE (NAN: the word) */
    double alt;       /**< value in ALT (NAN: the word) */
    const char *word; /**< the key's word for NAN (static), or NULL when it has none */
    int differs;      /**< 1 when base and alt differ over this range */
} dp_setting_range;

/* The settings on which ALT differs from BASE in at least one year: for each such key (in the
 * order of BASE's setting axis), the ranges of consecutive years with equal (base, alt) pairs,
 * covering the whole year axis ("2021-2022: 99 -> 99; 2023-2035: 99 -> 150"). Values are equal
 * when both are NAN or both are the same number. A key present in one file only is compared
 * with NAN. *out (malloc'd, *n entries; NULL when none differ) is the caller's to free().
 * Errors: DP_EINPUT when either result lacks the base table `settings` (written by dpsim run
 * since the compare release) or their year axes differ; DP_ENOMEM. */
dp_status dp_settings_diff(dp_ctx *ctx, const dp_results *base, const dp_results *alt,
                           dp_setting_range **out, size_t *n);

/* ------------------------------------------------------------------------------------------ */
/* Sensitivity of total spending to the uncertain parameters */

/* Measures per parameter, the `measure` axis of the sensitivity table, in this order. */
enum {
    DP_SENS_SRC2 = 0,  /**< squared standardised regression coefficient: the share of the
                            budget's variance the parameter explains in the linear fit when
                            the draws are independent (ranked by this) */
    DP_SENS_SPEARMAN2, /**< squared Spearman rank correlation with the budget */
    DP_SENS_SRC,       /**< standardised regression coefficient (signed) */
    DP_SENS_SPEARMAN,  /**< Spearman rank correlation (signed) */
    DP_SENS_R2,        /**< R^2 of the regression (the same for every parameter) */
    DP_SENS_RANK,      /**< rank by SRC^2: 1 = explains most */
    DP_N_SENS
};
/* English and Chinese labels of the measures ("src2", ...). */
extern const char *const dp_sens_label[DP_N_SENS];
extern const char *const dp_sens_label_zh[DP_N_SENS];

/* Sensitivity of y to the columns of x over n_run replicates: x is [n_run][n_param] (row
 * major), y [n_run]. result [n_param][DP_N_SENS] receives, per parameter, the measures above:
 * the SRC are the coefficients of the multiple linear regression (gsl_multifit_linear, with an
 * intercept) of the standardised y on the standardised columns of x; R^2 = 1 - RSS / TSS of
 * that regression; Spearman's rho with ties ranked by their mean rank (gsl_stats_spearman).
 * A parameter whose draws do not vary is left out of the regression and gets NAN for every
 * measure; if y does not vary, every measure is NAN. Needs n_run >= k + 2, k the parameters
 * that vary (else DP_EINPUT "needs at least K+2 runs"). Errors: DP_EINPUT as said, DP_EGSL,
 * DP_ENOMEM. */
dp_status dp_sensitivity_compute(dp_ctx *ctx, const double *x, size_t n_run, size_t n_param,
                                 const double *y, double *result);

/* The sensitivity of total spending in `year` (the table `spending` summed over every axis
 * but year: regions and programmes) to the draws of runs/parameters in res, into result
 * [n_param][DP_N_SENS] where n_param is the length of the `parameter` axis. Errors: DP_EINPUT
 * when res has no runs/parameters or runs/spending, year is not on the year axis, or there are
 * too few runs (dp_sensitivity_compute); DP_EGSL; DP_ENOMEM. */
dp_status dp_sensitivity(dp_ctx *ctx, const dp_results *res, int year, double *result);

/* Adds the base table `sensitivity [year, parameter, measure]` (and the axis `measure`) to
 * res, for every year of the horizon (the printed summaries show 2025, 2030 and 2035), when
 * res has runs/parameters, runs/spending and at least (parameters + 2) runs; otherwise it
 * adds nothing and returns DP_OK (dp_results_find(res, "sensitivity") tells which). Call it
 * after the engine ran and before dp_output_write. Errors: DP_EGSL, DP_ENOMEM, DP_EINTERNAL
 * when the table or the measure axis exists already. */
dp_status dp_sensitivity_add(dp_ctx *ctx, dp_results *res);

#endif
