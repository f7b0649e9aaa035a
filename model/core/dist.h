/* model/core/dist.h
 *
 * Parameter distributions (DESIGN.md §1 "Uncertainty", §3). Any scenario rate or multiplier may
 * be given as a distribution instead of a number; the Monte Carlo engine then draws it once per
 * replicate, from the replicate's own stream (dp_rng_stream(r, seed, rep, parameter id, 0,
 * DP_EV_PARAM)), so a parameter's draw never depends on other parameters or on threads.
 *
 * Parameterisations, by kind (fields a, b, c of dp_dist; unused fields are ignored):
 *   DP_DIST_FIXED       {value}              always value; draws no random number.
 *   DP_DIST_NORMAL      {mean, sd}           N(mean, sd^2); sd >= 0.
 *   DP_DIST_LOGNORMAL   {median, sd_log}     exp(N(log(median), sd_log^2)); median > 0,
 *                                            sd_log >= 0. Mean median * exp(sd_log^2 / 2).
 *   DP_DIST_BETA        {mean, sd}           Beta(alpha, beta) with the given mean and sd:
 *                                            nu = mean (1 - mean) / sd^2 - 1, alpha = mean nu,
 *                                            beta = (1 - mean) nu. Requires 0 < mean < 1,
 *                                            sd > 0 and sd^2 < mean (1 - mean).
 *   DP_DIST_UNIFORM     {min, max}           U[min, max); min < max.
 *   DP_DIST_TRIANGULAR  {min, mode, max}     triangular density rising linearly from min to
 *                                            mode and falling to max; min <= mode <= max,
 *                                            min < max. GSL has no triangular sampler: draws
 *                                            use the closed-form inverse CDF (see dist.c).
 * Every parameter must be finite, and so must the distribution's mean and sd.
 */
#ifndef DPSIM_DIST_H
#define DPSIM_DIST_H

#include <gsl/gsl_rng.h>

#include "core/ctx.h"

/* Kind of a parameter distribution; see the file comment for the parameterisations. */
typedef enum {
    DP_DIST_FIXED,
    DP_DIST_NORMAL,
    DP_DIST_LOGNORMAL,
    DP_DIST_BETA,
    DP_DIST_UNIFORM,
    DP_DIST_TRIANGULAR
} dp_dist_kind;

/* A parameter distribution. Plain value type: no ownership, copy freely. */
typedef struct {
    dp_dist_kind kind; /**< which distribution */
    double a;          /**< value | mean | median | mean | min | min [parameter's unit] */
    double b;          /**< - | sd | sd_log [log units] | sd | max | mode */
    double c;          /**< - | - | - | - | - | max (triangular only) */
} dp_dist;

/* Validates d's parameters for its kind. Returns DP_OK, or DP_EINPUT with the message
 * "<where>: <what is wrong>" recorded in ctx (where names the source, e.g. "a.yaml:12:5" or a
 * key; NULL reads "distribution"). Messages, with %g for the offending values:
 *   "<where>: unknown distribution kind <k>"
 *   "<where>: <param> must be a finite number, got <v>"
 *   "<where>: sd must be >= 0, got <v>"                  (normal)
 *   "<where>: median must be > 0, got <v>"               (lognormal)
 *   "<where>: sd_log must be >= 0, got <v>"              (lognormal)
 *   "<where>: mean must be in (0, 1), got <v>"           (beta)
 *   "<where>: sd must be > 0, got <v>"                   (beta)
 *   "<where>: sd^2 = <v> must be less than mean*(1-mean) = <w>"  (beta)
 *   "<where>: max (<v>) must be greater than min (<w>)"  (uniform, triangular)
 *   "<where>: mode (<v>) must lie in [min, max] = [<w>, <x>]"  (triangular)
 *   "<where>: mean or sd is not finite (parameters too large)"
 * Borrows d and where. Thread-safe apart from ctx, which only the calling thread may touch. */
dp_status dp_dist_check(dp_ctx *ctx, const dp_dist *d, const char *where);

/* Draws one value of d from r (GSL samplers: gsl_ran_gaussian, gsl_ran_lognormal, gsl_ran_beta,
 * gsl_ran_flat; triangular by inverse CDF from one gsl_rng_uniform). d must have passed
 * dp_dist_check (asserted in check builds; an unknown kind gives NaN). DP_DIST_FIXED consumes no
 * random number. No allocation; safe on any thread that owns r. */
double dp_dist_draw(const dp_dist *d, gsl_rng *r);

/* The distribution's mean, in closed form (NaN for an unknown kind):
 *   fixed value; normal mean; lognormal median exp(sd_log^2 / 2); beta mean;
 *   uniform (min + max) / 2; triangular (min + mode + max) / 3. */
double dp_dist_mean(const dp_dist *d);

/* The distribution's standard deviation, in closed form (NaN for an unknown kind):
 *   fixed 0; normal sd; lognormal mean * sqrt(exp(sd_log^2) - 1); beta sd;
 *   uniform (max - min) / sqrt(12);
 *   triangular sqrt((min^2 + mode^2 + max^2 - min mode - min max - mode max) / 18). */
double dp_dist_sd(const dp_dist *d);

#endif
