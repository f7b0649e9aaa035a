/* model/analysis/reconcile.h
 *
 * Agreement of the two engines (DESIGN §1: the micro engine's mean must converge to the cohort
 * engine's result; docs/validation.md "Engine agreement"). Given the results of both engines for
 * the same scenario, runs and seed — so that replicate k of each projects the same parameter
 * draw — every per-run table present in both is compared element by element over the paired
 * differences d_k = micro_k - cohort_k:
 *     mean d, SE = sd(d) / sqrt(N), t = mean d / SE,
 * and z is the standard normal deviate of the same two-sided tail probability as t under
 * Student's t with N - 1 degrees of freedom (gsl_cdf_tdist_Q, gsl_cdf_ugaussian_Qinv), so that
 * "beyond 4 standard errors" means the same chance, 6.3e-5, whatever the number of runs (with
 * 20 runs a t of 4 is 12 times likelier than a normal 4).
 * A `series` is one element of a table with its age axis (if any) summed into the bands 0-14,
 * 15-59, 60-79 and 80+ (single ages hold too few persons for a z to mean anything); a
 * series-year is a series in one year. Tables whose per-run value is not an expectation of the
 * engines' counts are left out: runs/parameters (the draws themselves), target_met,
 * target_gap, target_gap_yuan and budget (indicator functions and maxima of a replicate).
 * Special cases, when sd(d) = 0:
 *   - |mean d| <= 1e-9 max(1, |cohort|): agreement, z = 0;
 *   - the micro engine gave the same whole number v in every run: the probability P of that
 *     for a count of mean c is taken as e^(-N c) when v = 0 (Poisson) or (1 - |c - v|)^N when
 *     |c - v| < 1 (a rounding of c), the larger; z is the normal deviate of P / 2;
 *   - else a deterministic difference: z = +-inf.
 * With thousands of series-years, some lie beyond 4 SE by chance even when the engines agree
 * (the report says how many to expect). The verdict therefore uses the family-wise bound
 * z_family = max(z_max, the normal deviate of 0.005 / n_random): if the engines agree, the
 * chance that any series-year lies beyond it is at most 1% (Bonferroni).
 * Pure computations on their arguments; thread-safe.
 */
#ifndef DPSIM_RECONCILE_H
#define DPSIM_RECONCILE_H

#include <stddef.h>

#include "core/ctx.h"
#include "core/results.h"

/* One series-year compared. */
typedef struct {
    char table[32];  /**< the table */
    char where[256]; /**< its labels but the year's, "axis=label, ..." ("" for none) */
    int year;        /**< the year, or 0 when the table has no year axis */
    double cohort;   /**< mean over runs of the cohort engine's value */
    double micro;    /**< mean over runs of the micro engine's value */
    double se;       /**< standard error of the mean paired difference */
    double z;        /**< (micro - cohort) / se as a normal deviate (above), with the special
                          cases above */
} dp_recon_item;

/* One table's comparison. */
typedef struct {
    char table[32];
    char unit[24];
    size_t n_tested;   /**< series-years compared */
    size_t n_beyond;   /**< of them with |z| > the threshold */
    dp_recon_item worst; /**< the largest |z| (NAN z when nothing was tested) */
} dp_recon_table;

typedef struct {
    size_t n_run;          /**< paired replicates */
    double z_max;          /**< the threshold */
    size_t n_table;        /**< tables compared */
    dp_recon_table *table; /**< [n_table], in the cohort results' order */
    size_t n_tested;       /**< series-years compared in all */
    size_t n_random;       /**< of them with SE > 0 (those a chance exceedance can happen in) */
    double expected;       /**< series-years expected beyond the threshold by chance alone if
                                the engines agree: n_random x P(|Z| > z_max), Z normal */
    size_t n_beyond;       /**< series-years beyond the threshold */
    double z_family;       /**< the family-wise bound (above) */
    size_t n_family;       /**< series-years beyond it: the engines disagree when > 0 */
    dp_recon_item *beyond; /**< [n_beyond], largest |z| first */
    dp_recon_item worst;   /**< over every table */
} dp_recon;

/* Compares cohort and micro (borrowed; same runs, at least 2) as said above, with the threshold
 * z_max (> 0), into a new *out (free with dp_recon_free). Errors: DP_EINPUT when the numbers of
 * runs differ or are below 2, or when a table present in both has other axes; DP_ENOMEM. */
dp_status dp_reconcile(dp_ctx *ctx, const dp_results *cohort, const dp_results *micro,
                       double z_max, dp_recon **out);
/* Frees r; NULL is a no-op. */
void dp_recon_free(dp_recon *r);

#endif
