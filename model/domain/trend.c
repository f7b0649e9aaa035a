/* model/domain/trend.c
 *
 * The logistic take-up trend and its weighted least-squares fit (trend.h; docs/model.md
 * "Take-up trend").
 */
#include "domain/trend.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_vector.h>

#include "core/error.h"

double
dp_trend_share(const dp_trend_fit *fit, double a, double g, double t)
{
    return fit->ceiling / (1.0 + exp(-(a + g * (t - fit->t0))));
}

/* Data of the residual functions: the fit being made (its observations and settings). */
typedef struct {
    const dp_trend_fit *fit;
} fit_data;

/* Weighted residuals: (s(t_i) - y_i) / (cv y_i) for i < n, then g / growth_sd. */
static int
resid_f(const gsl_vector *x, void *data, gsl_vector *f)
{
    const dp_trend_fit *fit = ((const fit_data *)data)->fit;
    double a = gsl_vector_get(x, 0), g = gsl_vector_get(x, 1);
    for (size_t i = 0; i < fit->n_obs; i++) {
        double s = dp_trend_share(fit, a, g, fit->t[i]);
        gsl_vector_set(f, i, (s - fit->y[i]) / (fit->cv * fit->y[i]));
    }
    gsl_vector_set(f, fit->n_obs, g / fit->growth_sd);
    return GSL_SUCCESS;
}

/* Jacobian: ds/da = s (1 - s / c), ds/dg = (t - t0) ds/da. */
static int
resid_df(const gsl_vector *x, void *data, gsl_matrix *J)
{
    const dp_trend_fit *fit = ((const fit_data *)data)->fit;
    double a = gsl_vector_get(x, 0), g = gsl_vector_get(x, 1);
    for (size_t i = 0; i < fit->n_obs; i++) {
        double s = dp_trend_share(fit, a, g, fit->t[i]);
        double ds = s * (1.0 - s / fit->ceiling) / (fit->cv * fit->y[i]);
        gsl_matrix_set(J, i, 0, ds);
        gsl_matrix_set(J, i, 1, ds * (fit->t[i] - fit->t0));
    }
    gsl_matrix_set(J, fit->n_obs, 0, 0.0);
    gsl_matrix_set(J, fit->n_obs, 1, 1.0 / fit->growth_sd);
    return GSL_SUCCESS;
}

/* Runs the solver from x0 and stores the solution, covariance and residuals in fit. */
static dp_status
solve(dp_ctx *ctx, gsl_multifit_nlinear_fdf *fdf, const gsl_vector *x0,
      gsl_multifit_nlinear_workspace *w, gsl_matrix *cov, dp_trend_fit *fit)
{
    int info = 0;
    int st = gsl_multifit_nlinear_init(x0, fdf, w);
    if (st == GSL_SUCCESS) {
        st = gsl_multifit_nlinear_driver(200, 1e-10, 1e-10, 1e-12, NULL, NULL, &info, w);
    }
    if (st != GSL_SUCCESS && st != GSL_EMAXITER) {
        return dp_error(ctx, DP_EGSL, "trend fit: %s", gsl_strerror(st));
    }
    const gsl_vector *x = gsl_multifit_nlinear_position(w);
    fit->a = gsl_vector_get(x, 0);
    fit->g = gsl_vector_get(x, 1);
    gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, cov);
    for (size_t i = 0; i < 2; i++) {
        for (size_t j = 0; j < 2; j++) {
            fit->cov[i][j] = gsl_matrix_get(cov, i, j);
        }
    }
    fit->se_a = sqrt(fit->cov[0][0]);
    fit->se_g = sqrt(fit->cov[1][1]);
    gsl_vector *f = gsl_multifit_nlinear_residual(w);
    double chi2 = 0.0;
    gsl_blas_ddot(f, f, &chi2);
    fit->chi2 = chi2;
    for (size_t i = 0; i < fit->n_obs; i++) {
        fit->resid[i] = fit->y[i] - dp_trend_share(fit, fit->a, fit->g, fit->t[i]);
    }
    if (!isfinite(fit->a) || !isfinite(fit->g) || !isfinite(fit->se_a) || !isfinite(fit->se_g)) {
        return dp_error(ctx, DP_ENUMERIC, "trend fit: no finite solution");
    }
    fit->on = 1;
    return DP_OK;
}

dp_status
dp_trend_fit_series(dp_ctx *ctx, const double *t, const double *y, size_t n, double t0,
                    double ceiling, double cv, double growth_sd, dp_trend_fit *fit)
{
    dp_status rc = DP_OK;
    gsl_multifit_nlinear_workspace *w = NULL;
    gsl_matrix *cov = NULL;
    if (n < 1 || n > DP_TREND_MAX_OBS) {
        return dp_error(ctx, DP_EINPUT, "trend fit: %zu observations (1 to %d can be fitted)", n,
                        (int)DP_TREND_MAX_OBS);
    }
    if (!(ceiling > 0.0) || !(cv > 0.0) || !(growth_sd > 0.0)) {
        return dp_error(ctx, DP_EINPUT, "trend fit: ceiling, cv and growth_sd must be > 0");
    }
    memset(fit, 0, sizeof *fit);
    fit->t0 = t0;
    fit->ceiling = ceiling;
    fit->cv = cv;
    fit->growth_sd = growth_sd;
    fit->n_obs = n;
    double y_mean = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!(y[i] > 0.0) || !isfinite(t[i])) {
            return dp_error(ctx, DP_EINPUT, "trend fit: observation %zu is not a share > 0", i);
        }
        if (!(y[i] < ceiling)) {
            /* A logistic below c cannot pass through it: the fit would diverge. */
            return dp_error(ctx, DP_EINPUT,
                            "trend fit: the share %.4g at t = %.2f is not below the ceiling %g",
                            y[i], t[i], ceiling);
        }
        fit->t[i] = t[i];
        fit->y[i] = y[i];
        y_mean += y[i] / (double)n;
    }
    /* Start: the logit of the mean share (clamped below the ceiling) at t0, no growth. */
    double q = y_mean / ceiling;
    q = q > 0.98 ? 0.98 : (q < 0.02 ? 0.02 : q);
    double x0[2] = {log(q / (1.0 - q)), 0.0};
    gsl_vector_view x0v = gsl_vector_view_array(x0, 2);
    fit_data data = {fit};
    gsl_multifit_nlinear_fdf fdf = {
        .f = resid_f, .df = resid_df, .fvv = NULL, .n = n + 1, .p = 2, .params = &data};
    gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
    w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, n + 1, 2);
    cov = gsl_matrix_alloc(2, 2);
    if (!w || !cov) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the trend fit");
        goto out;
    }
    rc = solve(ctx, &fdf, &x0v.vector, w, cov, fit);
out:
    gsl_multifit_nlinear_free(w);
    gsl_matrix_free(cov);
    return rc;
}

void
dp_trend_draw(const dp_trend_fit *fit, gsl_rng *r, double *a, double *g)
{
    double l[4] = {fit->cov[0][0], fit->cov[0][1], fit->cov[1][0], fit->cov[1][1]};
    double mu[2] = {fit->a, fit->g}, res[2];
    gsl_matrix_view L = gsl_matrix_view_array(l, 2, 2);
    gsl_vector_view mv = gsl_vector_view_array(mu, 2), rv = gsl_vector_view_array(res, 2);
    if (gsl_linalg_cholesky_decomp1(&L.matrix) != GSL_SUCCESS) {
        *a = fit->a;
        *g = fit->g;
        return;
    }
    gsl_ran_multivariate_gaussian(r, &mv.vector, &L.matrix, &rv.vector);
    *a = res[0];
    *g = res[1];
}
