/* tests/unit/test_trend.c
 *
 * The logistic take-up trend (domain/trend.c): exact recovery of known parameters from a
 * noise-free series; recovery from noisy series within their standard errors, and the spread of
 * the fitted parameters over 400 noisy series against the fit's standard errors; the prior
 * alone fixing the growth of a one-point series (analytic: g = 0, se(g) = growth_sd); the
 * covariance of 20,000 draws against the fit's (4 standard errors of a sample covariance);
 * errors for bad input.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core/ctx.h"
#include "core/rng.h"
#include "domain/trend.h"
#include "dp_test.h"

enum { N_OBS = 6, N_SERIES = 400, N_DRAW = 20000 };
static const double true_a = 0.3, true_g = 0.25, t0 = 2020.0, ceiling = 0.9;

static void
series(double cv, gsl_rng *r, double *t, double *y)
{
    dp_trend_fit ref = {.t0 = t0, .ceiling = ceiling};
    for (size_t i = 0; i < N_OBS; i++) {
        t[i] = 2015.0 + (double)i;
        double s = dp_trend_share(&ref, true_a, true_g, t[i]);
        y[i] = r ? s * (1.0 + cv * gsl_ran_ugaussian(r)) : s;
    }
}

static void
test_trend_exact_series(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    double t[N_OBS], y[N_OBS];
    dp_trend_fit fit;
    series(0.0, NULL, t, y);
    assert_int_equal(dp_trend_fit_series(ctx, t, y, N_OBS, t0, ceiling, 0.02, 1e6, &fit), DP_OK);
    assert_close(fit.a, true_a, 0, 1e-7);
    assert_close(fit.g, true_g, 0, 1e-7);
    assert_true(fit.chi2 < 1e-12);
    assert_true(fit.se_a > 0.0 && fit.se_g > 0.0);
    dp_ctx_free(ctx);
}

static void
test_trend_noisy_within_se(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    gsl_rng *r = dp_rng_alloc();
    dp_rng_stream(r, 7, 0, 0, 0, DP_EV_PARAM);
    double t[N_OBS], y[N_OBS], sum_a = 0, sum_g = 0, ss_a = 0, ss_g = 0, se_a = 0, se_g = 0;
    dp_trend_fit fit;
    for (size_t k = 0; k < N_SERIES; k++) {
        series(0.03, r, t, y);
        assert_int_equal(dp_trend_fit_series(ctx, t, y, N_OBS, t0, ceiling, 0.03, 1e3, &fit),
                         DP_OK);
        if (k == 0) { /* one series: within 4 of its own standard errors */
            assert_true(fabs(fit.a - true_a) < 4 * fit.se_a);
            assert_true(fabs(fit.g - true_g) < 4 * fit.se_g);
        }
        sum_a += fit.a;
        sum_g += fit.g;
        ss_a += (fit.a - true_a) * (fit.a - true_a);
        ss_g += (fit.g - true_g) * (fit.g - true_g);
        se_a += fit.se_a / N_SERIES;
        se_g += fit.se_g / N_SERIES;
    }
    /* Unbiased within 4 standard errors of the mean of 400 fits. */
    assert_true(fabs(sum_a / N_SERIES - true_a) < 4 * se_a / sqrt(N_SERIES));
    assert_true(fabs(sum_g / N_SERIES - true_g) < 4 * se_g / sqrt(N_SERIES));
    /* The spread of the fits is what the standard errors say: the rms error over 400 series has
     * a relative SE of about 1/sqrt(800) = 3.5%; 15% is over 4 of them. */
    assert_close(sqrt(ss_a / N_SERIES), se_a, 0.15, 0);
    assert_close(sqrt(ss_g / N_SERIES), se_g, 0.15, 0);
    dp_rng_free(r);
    dp_ctx_free(ctx);
}

static void
test_trend_prior_fixes_one_point(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    double t = 2016.25, y = 0.5;
    dp_trend_fit fit;
    assert_int_equal(dp_trend_fit_series(ctx, &t, &y, 1, 2017.0, 1.0, 0.05, 0.4, &fit), DP_OK);
    /* One point and the prior g ~ N(0, 0.4): g = 0 and a = logit(0.5) = 0; the information
     * [[d^2, d^2 D], [d^2 D, d^2 D^2 + 1/sd^2]] inverts to var(g) = sd^2. */
    assert_close(fit.g, 0.0, 0, 1e-8);
    assert_close(fit.a, 0.0, 0, 1e-8);
    assert_close(fit.se_g, 0.4, 1e-8, 0);
    /* var(a) = 1/d^2 + D^2 sd^2 with d = s (1 - s) / (cv y) = 0.25 / 0.025 = 10, D = -0.75. */
    assert_close(fit.cov[0][0], 0.01 + 0.5625 * 0.16, 1e-8, 0);
    /* Two points fit too. */
    double t2[2] = {2016.25, 2017.0}, y2[2] = {0.5, 0.55};
    assert_int_equal(dp_trend_fit_series(ctx, t2, y2, 2, 2017.0, 1.0, 0.05, 0.4, &fit), DP_OK);
    assert_true(fit.g > 0.0 && fit.se_g < 0.4);
    dp_ctx_free(ctx);
}

static void
test_trend_draw_covariance(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    gsl_rng *r = dp_rng_alloc();
    double t[N_OBS], y[N_OBS];
    dp_trend_fit fit;
    series(0.0, NULL, t, y);
    assert_int_equal(dp_trend_fit_series(ctx, t, y, 3, t0, ceiling, 0.05, 0.5, &fit), DP_OK);
    assert_true(fabs(fit.cov[0][1]) > 0.1 * fit.se_a * fit.se_g); /* a correlated case */
    double m[2] = {0, 0}, c[2][2] = {{0, 0}, {0, 0}};
    double(*x)[2] = malloc(N_DRAW * sizeof *x);
    assert_non_null(x);
    dp_rng_stream(r, 11, 0, 0, 0, DP_EV_PARAM);
    for (size_t k = 0; k < N_DRAW; k++) {
        dp_trend_draw(&fit, r, &x[k][0], &x[k][1]);
        m[0] += x[k][0] / N_DRAW;
        m[1] += x[k][1] / N_DRAW;
    }
    for (size_t k = 0; k < N_DRAW; k++) {
        for (size_t i = 0; i < 2; i++) {
            for (size_t j = 0; j < 2; j++) {
                c[i][j] += (x[k][i] - m[i]) * (x[k][j] - m[j]) / (N_DRAW - 1);
            }
        }
    }
    assert_true(fabs(m[0] - fit.a) < 4 * fit.se_a / sqrt(N_DRAW));
    assert_true(fabs(m[1] - fit.g) < 4 * fit.se_g / sqrt(N_DRAW));
    for (size_t i = 0; i < 2; i++) {
        for (size_t j = 0; j < 2; j++) {
            /* SE of a sample covariance of normals: sqrt((s_ii s_jj + s_ij^2) / N). */
            double se =
                sqrt((fit.cov[i][i] * fit.cov[j][j] + fit.cov[i][j] * fit.cov[i][j]) / N_DRAW);
            assert_true(fabs(c[i][j] - fit.cov[i][j]) < 4 * se);
        }
    }
    free(x);
    dp_rng_free(r);
    dp_ctx_free(ctx);
}

static void
test_trend_errors(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    double t[2] = {2016, 2017}, y[2] = {0.5, -0.1};
    dp_trend_fit fit;
    assert_int_equal(dp_trend_fit_series(ctx, t, y, 0, 2017, 1, 0.05, 0.5, &fit), DP_EINPUT);
    assert_int_equal(dp_trend_fit_series(ctx, t, y, 2, 2017, 1, 0.05, 0.5, &fit), DP_EINPUT);
    assert_int_equal(dp_trend_fit_series(ctx, t, y, 1, 2017, 0, 0.05, 0.5, &fit), DP_EINPUT);
    assert_int_equal(dp_trend_fit_series(ctx, t, y, 1, 2017, 1, 0.05, 0, &fit), DP_EINPUT);
    dp_ctx_free(ctx);
}

int
main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trend_exact_series),
        cmocka_unit_test(test_trend_noisy_within_se),
        cmocka_unit_test(test_trend_prior_fixes_one_point),
        cmocka_unit_test(test_trend_draw_covariance),
        cmocka_unit_test(test_trend_errors),
    };
    return cmocka_run_group_tests_name("trend", tests, NULL, NULL);
}
