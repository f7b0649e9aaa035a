/* model/domain/trend.h
 *
 * The take-up trend of `status_quo: trend` (docs/model.md "Take-up trend"): the share of the
 * base year's eligible persons who receive a programme follows a logistic approach to a
 * ceiling c,
 *     s(t) = c / (1 + exp(-(a + g (t - t0)))),
 * with t in years (the end of December of year Y is t = Y; the end of month m of Y is
 * t = Y - 1 + m / 12) and t0 the base year. (a, g) are fitted to the observed shares y_i at t_i
 * by weighted non-linear least squares (gsl_multifit_nlinear, trust region, Levenberg-
 * Marquardt) minimising
 *     sum_i ((y_i - s(t_i)) / (cv y_i))^2 + (g / growth_sd)^2,
 * the last term a normal prior on the growth, centred on no growth, so that one or two points
 * still give a fit and a covariance. The covariance of (a, g) is (J^T J)^-1 of the weighted
 * residuals (prior row included), not rescaled by the residual variance: cv states the error
 * of a reported figure. Pure functions; thread-safe.
 */
#ifndef DPSIM_TREND_H
#define DPSIM_TREND_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "core/ctx.h"

enum { DP_TREND_MAX_OBS = 32 };

typedef struct {
    int on;            /**< 1 when a fit was made */
    double t0;         /**< the reference time (the base year) */
    double ceiling;    /**< c, share of the base year's eligible persons */
    double cv;         /**< coefficient of variation of a reported figure */
    double growth_sd;  /**< sd of the prior on g [1/yr] */
    double a, g;       /**< fitted logit at t0, growth of the logit [1/yr] */
    double cov[2][2];  /**< covariance of (a, g) */
    double se_a, se_g; /**< sqrt of the diagonal */
    double chi2;       /**< weighted sum of squares, prior row included */
    size_t n_obs;
    double t[DP_TREND_MAX_OBS];     /**< observation times */
    double y[DP_TREND_MAX_OBS];     /**< observed shares */
    double resid[DP_TREND_MAX_OBS]; /**< y - s(t) at the fit */
} dp_trend_fit;

/* s(t) for parameters (a, g) of fit (its t0 and ceiling). */
double dp_trend_share(const dp_trend_fit *fit, double a, double g, double t);

/* Fits (a, g) to the n (1..DP_TREND_MAX_OBS) shares y at times t (y_i > 0), as above, into
 * *fit. Errors: DP_EINPUT for n out of range, a non-positive share or parameters out of their
 * ranges (ceiling > 0, cv > 0, growth_sd > 0); DP_EGSL when the solver fails. */
dp_status dp_trend_fit_series(dp_ctx *ctx, const double *t, const double *y, size_t n, double t0,
                              double ceiling, double cv, double growth_sd, dp_trend_fit *fit);

/* One draw of (a, g) from the fit's bivariate normal (gsl_ran_multivariate_gaussian with the
 * Cholesky factor of cov), using r. */
void dp_trend_draw(const dp_trend_fit *fit, gsl_rng *r, double *a, double *g);

#endif
