/* model/core/dist.c
 *
 * Parameter distributions: validation, one draw, and closed-form mean and sd (parameterisations
 * in dpsim/dist.h). Draws go through GSL's samplers, so with a generator from dp_rng_alloc()
 * they come from the caller's Philox stream; the triangular distribution, which GSL lacks, is
 * sampled by its closed-form inverse CDF. Workload: a handful of parameters drawn once per
 * replicate, so clarity beats speed here; dp_dist_draw still allocates nothing.
 */
#include "core/dist.h"

#include <assert.h>
#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* Records "<where>: <name> must be a finite number, got <v>" unless v is finite. */
static dp_status
check_finite(dp_ctx *ctx, const char *where, const char *name, double v)
{
    if (isfinite(v)) {
        return DP_OK;
    }
    return dp_error(ctx, DP_EINPUT, "%s: %s must be a finite number, got %g", where, name, v);
}

/* Beta shape parameters from the mean m and sd s (method of moments):
 * var = m (1 - m) / (nu + 1) with nu = alpha + beta, so nu = m (1 - m) / s^2 - 1. */
static void
beta_shapes(double m, double s, double *alpha, double *beta)
{
    double nu = m * (1.0 - m) / (s * s) - 1.0;
    *alpha = m * nu;
    *beta = (1.0 - m) * nu;
}

dp_status
dp_dist_check(dp_ctx *ctx, const dp_dist *d, const char *where)
{
    assert(d != NULL);
    dp_status rc = DP_OK;
    if (where == NULL) {
        where = "distribution";
    }
    /* Names of a, b, c per kind, as a scenario writes them; NULL = unused. */
    static const char *const names[][3] = {
        [DP_DIST_FIXED] = {"value", NULL, NULL},
        [DP_DIST_NORMAL] = {"mean", "sd", NULL},
        [DP_DIST_LOGNORMAL] = {"median", "sd_log", NULL},
        [DP_DIST_BETA] = {"mean", "sd", NULL},
        [DP_DIST_UNIFORM] = {"min", "max", NULL},
        [DP_DIST_TRIANGULAR] = {"min", "mode", "max"},
    };
    if ((unsigned)d->kind > (unsigned)DP_DIST_TRIANGULAR) {
        return dp_error(ctx, DP_EINPUT, "%s: unknown distribution kind %d", where, (int)d->kind);
    }
    const double v[3] = {d->a, d->b, d->c};
    for (size_t k = 0; k < 3; k++) {
        if (names[d->kind][k] != NULL &&
            (rc = check_finite(ctx, where, names[d->kind][k], v[k])) != DP_OK) {
            return rc;
        }
    }

    switch (d->kind) {
    case DP_DIST_FIXED:
        break;
    case DP_DIST_NORMAL:
        if (!(d->b >= 0.0)) {
            return dp_error(ctx, DP_EINPUT, "%s: sd must be >= 0, got %g", where, d->b);
        }
        break;
    case DP_DIST_LOGNORMAL:
        if (!(d->a > 0.0)) {
            return dp_error(ctx, DP_EINPUT, "%s: median must be > 0, got %g", where, d->a);
        }
        if (!(d->b >= 0.0)) {
            return dp_error(ctx, DP_EINPUT, "%s: sd_log must be >= 0, got %g", where, d->b);
        }
        break;
    case DP_DIST_BETA: {
        if (!(d->a > 0.0 && d->a < 1.0)) {
            return dp_error(ctx, DP_EINPUT, "%s: mean must be in (0, 1), got %g", where, d->a);
        }
        if (!(d->b > 0.0)) {
            return dp_error(ctx, DP_EINPUT, "%s: sd must be > 0, got %g", where, d->b);
        }
        double var = d->b * d->b, vmax = d->a * (1.0 - d->a);
        if (!(var < vmax)) {
            return dp_error(ctx, DP_EINPUT, "%s: sd^2 = %g must be less than mean*(1-mean) = %g",
                            where, var, vmax);
        }
        break;
    }
    case DP_DIST_UNIFORM:
        if (!(d->b > d->a)) {
            return dp_error(ctx, DP_EINPUT, "%s: max (%g) must be greater than min (%g)", where,
                            d->b, d->a);
        }
        break;
    case DP_DIST_TRIANGULAR:
        if (!(d->c > d->a)) {
            return dp_error(ctx, DP_EINPUT, "%s: max (%g) must be greater than min (%g)", where,
                            d->c, d->a);
        }
        if (!(d->b >= d->a && d->b <= d->c)) {
            return dp_error(ctx, DP_EINPUT, "%s: mode (%g) must lie in [min, max] = [%g, %g]",
                            where, d->b, d->a, d->c);
        }
        break;
    }
    /* Finite parameters can still overflow the moments (e.g. sd_log = 30, or min = -1e308 with
     * max = 1e308); a replicate summary of such draws would be meaningless. */
    if (!isfinite(dp_dist_mean(d)) || !isfinite(dp_dist_sd(d))) {
        return dp_error(ctx, DP_EINPUT, "%s: mean or sd is not finite (parameters too large)",
                        where);
    }
    return DP_OK;
}

/* Inverse CDF of the triangular distribution on [lo, hi] with mode m, at u in [0, 1).
 * CDF: F(x) = (x - lo)^2 / ((hi - lo)(m - lo))      for lo <= x <= m,
 *      F(x) = 1 - (hi - x)^2 / ((hi - lo)(hi - m))  for m <= x <= hi,
 * so F(m) = (m - lo) / (hi - lo), and solving F(x) = u on each side gives the two branches. */
static double
triangular_quantile(double lo, double m, double hi, double u)
{
    double width = hi - lo;
    if (u * width < m - lo) { /* u < F(m), without dividing by width */
        return lo + sqrt(u * width * (m - lo));
    }
    return hi - sqrt((1.0 - u) * width * (hi - m));
}

double
dp_dist_draw(const dp_dist *d, gsl_rng *r)
{
    assert(d != NULL && r != NULL);
    switch (d->kind) {
    case DP_DIST_FIXED:
        return d->a;
    case DP_DIST_NORMAL:
        return d->a + gsl_ran_gaussian(r, d->b);
    case DP_DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, log(d->a), d->b);
    case DP_DIST_BETA: {
        double alpha, beta;
        beta_shapes(d->a, d->b, &alpha, &beta);
        return gsl_ran_beta(r, alpha, beta);
    }
    case DP_DIST_UNIFORM:
        return gsl_ran_flat(r, d->a, d->b);
    case DP_DIST_TRIANGULAR:
        return triangular_quantile(d->a, d->b, d->c, gsl_rng_uniform(r));
    }
    assert(!"dp_dist_draw: unknown distribution kind");
    return NAN;
}

double
dp_dist_mean(const dp_dist *d)
{
    assert(d != NULL);
    switch (d->kind) {
    case DP_DIST_FIXED:
    case DP_DIST_NORMAL:
    case DP_DIST_BETA:
        return d->a;
    case DP_DIST_LOGNORMAL:
        return d->a * exp(0.5 * d->b * d->b);
    case DP_DIST_UNIFORM:
        return 0.5 * (d->a + d->b);
    case DP_DIST_TRIANGULAR:
        return (d->a + d->b + d->c) / 3.0;
    }
    return NAN;
}

double
dp_dist_sd(const dp_dist *d)
{
    assert(d != NULL);
    switch (d->kind) {
    case DP_DIST_FIXED:
        return 0.0;
    case DP_DIST_NORMAL:
    case DP_DIST_BETA:
        return d->b;
    case DP_DIST_LOGNORMAL:
        /* Var = (exp(s^2) - 1) exp(2 mu + s^2) with exp(mu) = median; expm1 keeps small s exact. */
        return dp_dist_mean(d) * sqrt(expm1(d->b * d->b));
    case DP_DIST_UNIFORM:
        return (d->b - d->a) / sqrt(12.0);
    case DP_DIST_TRIANGULAR: {
        /* (lo^2 + m^2 + hi^2 - lo m - lo hi - m hi) / 18 rewritten with w = hi - lo and
         * p = m - lo as (w^2 - w p + p^2) / 18: the same polynomial, shifted by lo, without
         * cancelling large squares. */
        double w = d->c - d->a, p = d->b - d->a;
        return sqrt((w * w - w * p + p * p) / 18.0);
    }
    }
    return NAN;
}
