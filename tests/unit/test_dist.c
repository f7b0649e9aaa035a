/* tests/unit/test_dist.c
 *
 * Parameter distributions (dist.c): closed-form means and sds against hand calculations, the
 * triangular inverse CDF at chosen uniforms, sample moments of 20,000 per-replicate draws
 * against the closed forms (4 standard errors), and every dp_dist_check message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "dp_test.h"
#include "core/ctx.h"
#include "core/dist.h"
#include "core/rng.h"

enum { N_DRAW = 20000 };

typedef struct {
    dp_ctx *ctx;
    gsl_rng *r;
    double *x; /* N_DRAW draws */
} fixture;

static int
setup(void **state)
{
    gsl_set_error_handler_off();
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return -1;
    }
    f->ctx = dp_ctx_alloc();
    f->r = dp_rng_alloc();
    f->x = malloc(N_DRAW * sizeof *f->x);
    *state = f;
    return f->ctx && f->r && f->x ? 0 : -1;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    free(f->x);
    dp_rng_free(f->r);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* ---- a test generator whose every uniform is a chosen value ---- */

typedef struct {
    double u;
} fixed_u_state;

static void
fixed_u_set(void *vstate, unsigned long seed)
{
    (void)seed;
    ((fixed_u_state *)vstate)->u = 0.0;
}

static unsigned long
fixed_u_get(void *vstate)
{
    return (unsigned long)(((fixed_u_state *)vstate)->u * 4294967296.0);
}

static double
fixed_u_get_double(void *vstate)
{
    return ((fixed_u_state *)vstate)->u;
}

static const gsl_rng_type fixed_u_type = {
    "fixed_u",   0xffffffffUL,      0, sizeof(fixed_u_state), fixed_u_set,
    fixed_u_get, fixed_u_get_double};

static double
draw_at_u(const dp_dist *d, double u)
{
    gsl_rng *r = gsl_rng_alloc(&fixed_u_type);
    assert_non_null(r);
    ((fixed_u_state *)r->state)->u = u;
    double x = dp_dist_draw(d, r);
    gsl_rng_free(r);
    return x;
}

/* ---- closed forms ---- */

static void
test_dist_closed_form_moments(void **state)
{
    (void)state;
    /* Expected values by hand (python3 math, independently of dist.c). */
    dp_dist fixed = {DP_DIST_FIXED, 3.14, 0, 0};
    assert_close(dp_dist_mean(&fixed), 3.14, 0, 0);
    assert_close(dp_dist_sd(&fixed), 0.0, 0, 0);

    dp_dist normal = {DP_DIST_NORMAL, 2.385, 0.731, 0};
    assert_close(dp_dist_mean(&normal), 2.385, 0, 0);
    assert_close(dp_dist_sd(&normal), 0.731, 0, 0);

    /* median exp(s^2/2) = 1.137 exp(0.2385^2 / 2); sd = mean sqrt(exp(s^2) - 1). */
    dp_dist logn = {DP_DIST_LOGNORMAL, 1.137, 0.2385, 0};
    assert_close(dp_dist_mean(&logn), 1.1698018082099335, 1e-14, 0);
    assert_close(dp_dist_sd(&logn), 0.283012656402049, 1e-13, 0);
    /* The DESIGN.md example {median 1.0, sd_log 0.10}: mean exp(0.005), sd exp(0.005) sqrt(e^0.01
     * - 1). */
    dp_dist logn1 = {DP_DIST_LOGNORMAL, 1.0, 0.10, 0};
    assert_close(dp_dist_mean(&logn1), 1.005012520859401, 1e-14, 0);
    assert_close(dp_dist_sd(&logn1), 0.1007530294462045, 1e-13, 0);

    dp_dist beta = {DP_DIST_BETA, 0.3127, 0.0841, 0};
    assert_close(dp_dist_mean(&beta), 0.3127, 0, 0);
    assert_close(dp_dist_sd(&beta), 0.0841, 0, 0);

    /* (2.385 + 7.91) / 2; (7.91 - 2.385) / sqrt(12). */
    dp_dist unif = {DP_DIST_UNIFORM, 2.385, 7.91, 0};
    assert_close(dp_dist_mean(&unif), 5.1475, 1e-15, 0);
    assert_close(dp_dist_sd(&unif), 1.5949301186363414, 1e-14, 0);

    /* (0.85 + 1.02 + 1.61) / 3 = 1.16; sqrt((a^2 + b^2 + c^2 - ab - ac - bc) / 18). */
    dp_dist tri = {DP_DIST_TRIANGULAR, 0.85, 1.02, 1.61};
    assert_close(dp_dist_mean(&tri), 1.16, 1e-14, 0);
    assert_close(dp_dist_sd(&tri), 0.16283938917432317, 1e-13, 0);
    /* {1, 2.5, 7}: mean 10.5 / 3 = 3.5; variance (1 + 6.25 + 49 - 2.5 - 7 - 17.5) / 18 = 1.625. */
    dp_dist tri2 = {DP_DIST_TRIANGULAR, 1.0, 2.5, 7.0};
    assert_close(dp_dist_mean(&tri2), 3.5, 1e-15, 0);
    assert_close(dp_dist_sd(&tri2), sqrt(1.625), 1e-15, 0);

    /* An unknown kind has no moments. */
    dp_dist bad = {(dp_dist_kind)42, 1, 1, 1};
    assert_true(isnan(dp_dist_mean(&bad)));
    assert_true(isnan(dp_dist_sd(&bad)));
}

static void
test_dist_triangular_inverse_cdf(void **state)
{
    (void)state;
    /* {min 1, mode 2.5, max 7}: F(x) = (x-1)^2 / (6 * 1.5) below the mode, 1 - (7-x)^2 / (6 * 4.5)
     * above it; F(mode) = 1.5 / 6 = 0.25. Inverting by hand: */
    dp_dist tri = {DP_DIST_TRIANGULAR, 1.0, 2.5, 7.0};
    assert_close(draw_at_u(&tri, 0.0), 1.0, 0, 0);                     /* F(1) = 0 */
    assert_close(draw_at_u(&tri, 0.1), 1.9486832980505138, 1e-15, 0);  /* 1 + sqrt(0.9) */
    assert_close(draw_at_u(&tri, 0.25), 2.5, 1e-15, 0);                /* F(mode) = 0.25 */
    assert_close(draw_at_u(&tri, 0.625), 3.818019484660536, 1e-15, 0); /* 7 - sqrt(10.125) */
    /* Mode at the minimum (a falling ramp): F(x) = 1 - (7-x)^2 / 36, F(4) = 0.75. */
    dp_dist ramp = {DP_DIST_TRIANGULAR, 1.0, 1.0, 7.0};
    assert_close(draw_at_u(&ramp, 0.75), 4.0, 1e-15, 0);
    assert_close(draw_at_u(&ramp, 0.0), 1.0, 0, 0);
    /* Mode at the maximum (a rising ramp): F(x) = (x-1)^2 / 36, F(4) = 0.25. */
    dp_dist rise = {DP_DIST_TRIANGULAR, 1.0, 7.0, 7.0};
    assert_close(draw_at_u(&rise, 0.25), 4.0, 1e-15, 0);
    /* Uniform through gsl_ran_flat: min (1 - u) + max u. */
    dp_dist unif = {DP_DIST_UNIFORM, 2.385, 7.91, 0};
    assert_close(draw_at_u(&unif, 0.5), 5.1475, 1e-15, 0);
}

static void
test_dist_fixed_draws_no_number(void **state)
{
    gsl_rng *r = ((fixture *)*state)->r;
    dp_rng_stream(r, 11, 0, 3, 0, DP_EV_PARAM);
    double first = gsl_rng_uniform(r);
    dp_rng_stream(r, 11, 0, 3, 0, DP_EV_PARAM);
    dp_dist fixed = {DP_DIST_FIXED, 0.0457, 0, 0};
    assert_close(dp_dist_draw(&fixed, r), 0.0457, 0, 0);
    assert_close(dp_dist_draw(&fixed, r), 0.0457, 0, 0);
    /* The stream is untouched: its first number is still next (identity). */
    assert_close(gsl_rng_uniform(r), first, 0, 0);
}

/* ---- sample moments ---- */

/* Draws N_DRAW values of d as the engine does, one per replicate from the parameter's own stream
 * (seed, rep, param_id, 0, DP_EV_PARAM), and checks the sample mean and sd against the expected
 * mean and sd (hand values). Standard errors: mean sd / sqrt(n). For the sample sd s, the delta
 * method on Var(s^2) = sd^4 (kurt - (n-3)/(n-1)) / n (kurt = fourth standardised moment, not
 * excess) gives Var(s) ~ sd^2 (kurt - 1) / (4n); with kurt = 3 (normal) this is sd^2 / (2n),
 * the usual sd / sqrt(2(n-1)) to first order. The bound is 4 standard errors. */
static void
check_moments(fixture *f, const dp_dist *d, uint32_t param_id, double mean, double sd, double kurt,
              double lo, double hi)
{
    const double n = N_DRAW;
    for (uint32_t rep = 0; rep < N_DRAW; rep++) {
        dp_rng_stream(f->r, 20260401u, rep, param_id, 0, DP_EV_PARAM);
        f->x[rep] = dp_dist_draw(d, f->r);
        if (!(f->x[rep] >= lo && f->x[rep] <= hi)) {
            fail_msg("draw %u = %g outside the support [%g, %g]", rep, f->x[rep], lo, hi);
        }
    }
    double m = gsl_stats_mean(f->x, 1, N_DRAW);
    double s = gsl_stats_sd_m(f->x, 1, N_DRAW, m);
    assert_close(dp_dist_mean(d), mean, 1e-12, 0);
    assert_close(dp_dist_sd(d), sd, 1e-12, 0);
    assert_close(m, mean, 0, 4.0 * sd / sqrt(n));
    assert_close(s, sd, 0, 4.0 * sd * sqrt((kurt - 1.0) / (4.0 * n)));
}

/* Fraction of the last draws (in f->x) below t. */
static double
fraction_below(const fixture *f, double t)
{
    size_t k = 0;
    for (size_t i = 0; i < N_DRAW; i++) {
        k += f->x[i] < t;
    }
    return (double)k / N_DRAW;
}

static void
test_dist_normal_sample_moments(void **state)
{
    /* Kurtosis of a normal: 3. */
    dp_dist d = {DP_DIST_NORMAL, 2.385, 0.731, 0};
    check_moments(*state, &d, 1, 2.385, 0.731, 3.0, -HUGE_VAL, HUGE_VAL);
}

static void
test_dist_lognormal_sample_moments(void **state)
{
    /* Mean and sd as in test_dist_closed_form_moments. Kurtosis of a lognormal with log-sd s:
     * e^{4s^2} + 2 e^{3s^2} + 3 e^{2s^2} - 3 (Johnson, Kotz & Balakrishnan, ch. 14). */
    const double s2 = 0.2385 * 0.2385;
    const double kurt = exp(4 * s2) + 2 * exp(3 * s2) + 3 * exp(2 * s2) - 3;
    dp_dist d = {DP_DIST_LOGNORMAL, 1.137, 0.2385, 0};
    check_moments(*state, &d, 2, 1.1698018082099335, 0.283012656402049, kurt, 0.0, HUGE_VAL);
    /* The median parameter: half the draws fall below 1.137 (binomial SE sqrt(0.25 / n)). */
    assert_close(fraction_below(*state, 1.137), 0.5, 0, 4.0 * sqrt(0.25 / N_DRAW));
}

static void
test_dist_beta_sample_moments(void **state)
{
    /* Shapes by hand: nu = 0.3127 * 0.6873 / 0.0841^2 - 1, alpha = 0.3127 nu, beta = 0.6873 nu.
     * Excess kurtosis of Beta(a, b): 6 [(a-b)^2 (a+b+1) - ab(a+b+2)] / [ab(a+b+2)(a+b+3)]. */
    const double m = 0.3127, sd = 0.0841;
    const double nu = m * (1 - m) / (sd * sd) - 1, a = m * nu, b = (1 - m) * nu;
    const double kurt = 3.0 + 6.0 * ((a - b) * (a - b) * (a + b + 1) - a * b * (a + b + 2)) /
                                  (a * b * (a + b + 2) * (a + b + 3));
    dp_dist d = {DP_DIST_BETA, m, sd, 0};
    check_moments(*state, &d, 3, m, sd, kurt, 0.0, 1.0);
}

static void
test_dist_wide_beta_sample_moments(void **state)
{
    /* A wide beta, where the "- 1" in nu matters: nu = 0.6 * 0.4 / 0.3^2 - 1 = 5/3, so
     * Beta(1, 2/3), a density rising towards 1. Excess kurtosis as above. */
    const double m = 0.6, sd = 0.3;
    const double a = 1.0, b = 2.0 / 3.0;
    const double kurt = 3.0 + 6.0 * ((a - b) * (a - b) * (a + b + 1) - a * b * (a + b + 2)) /
                                  (a * b * (a + b + 2) * (a + b + 3));
    dp_dist d = {DP_DIST_BETA, m, sd, 0};
    check_moments(*state, &d, 6, m, sd, kurt, 0.0, 1.0);
    /* Beta(1, b) has CDF 1 - (1 - x)^b, so P(X < 0.5) = 1 - 0.5^(2/3) = 0.370039...; binomial
     * SE sqrt(p(1-p)/n). */
    const double p = 1.0 - pow(0.5, 2.0 / 3.0);
    assert_close(fraction_below(*state, 0.5), p, 0, 4.0 * sqrt(p * (1 - p) / N_DRAW));
}

static void
test_dist_uniform_sample_moments(void **state)
{
    /* Kurtosis of a uniform: 9/5. */
    dp_dist d = {DP_DIST_UNIFORM, 2.385, 7.91, 0};
    check_moments(*state, &d, 4, 5.1475, 1.5949301186363414, 1.8, 2.385, 7.91);
}

static void
test_dist_triangular_sample_moments(void **state)
{
    /* Kurtosis of any triangular distribution: 12/5 (excess -3/5). */
    dp_dist d = {DP_DIST_TRIANGULAR, 0.85, 1.02, 1.61};
    check_moments(*state, &d, 5, 1.16, 0.16283938917432317, 2.4, 0.85, 1.61);
    /* F(mode) = (1.02 - 0.85) / (1.61 - 0.85) = 0.2236842...; binomial SE sqrt(p(1-p)/n). */
    const double p = 0.17 / 0.76;
    assert_close(fraction_below(*state, 1.02), p, 0, 4.0 * sqrt(p * (1 - p) / N_DRAW));
}

/* ---- validation ---- */

static void
expect_error(dp_ctx *ctx, dp_dist d, const char *where, const char *msg)
{
    dp_ctx_clear(ctx);
    assert_int_equal(dp_dist_check(ctx, &d, where), DP_EINPUT);
    assert_int_equal(dp_ctx_status(ctx), DP_EINPUT);
    assert_string_equal(dp_ctx_errmsg(ctx), msg);
}

static void
test_dist_check_accepts_valid(void **state)
{
    dp_ctx *ctx = ((fixture *)*state)->ctx;
    const dp_dist ok[] = {
        {DP_DIST_FIXED, -3.5, NAN, NAN}, /* unused fields are ignored */
        {DP_DIST_NORMAL, 1.0, 0.0, NAN}, /* sd 0: no uncertainty */
        {DP_DIST_LOGNORMAL, 1.0, 0.10, 0},   {DP_DIST_LOGNORMAL, 2.385, 0.0, 0},
        {DP_DIST_BETA, 0.85, 0.05, 0},       {DP_DIST_UNIFORM, -1.0, 1.0, 0},
        {DP_DIST_TRIANGULAR, 0.8, 0.8, 1.3}, /* mode at an end */
        {DP_DIST_TRIANGULAR, 0.8, 1.3, 1.3},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        dp_ctx_clear(ctx);
        assert_int_equal(dp_dist_check(ctx, &ok[i], "ok.yaml:1:1"), DP_OK);
        assert_int_equal(dp_ctx_status(ctx), DP_OK);
    }
}

static void
test_dist_check_error_messages(void **state)
{
    dp_ctx *ctx = ((fixture *)*state)->ctx;
    const char *w = "a.yaml:12:5";
    /* Each message is the one documented in dist.h, with the offending values. */
    expect_error(ctx, (dp_dist){(dp_dist_kind)99, 1, 1, 1}, w,
                 "a.yaml:12:5: unknown distribution kind 99");
    expect_error(ctx, (dp_dist){DP_DIST_FIXED, NAN, 0, 0}, w,
                 "a.yaml:12:5: value must be a finite number, got nan");
    expect_error(ctx, (dp_dist){DP_DIST_NORMAL, 1.0, INFINITY, 0}, w,
                 "a.yaml:12:5: sd must be a finite number, got inf");
    expect_error(ctx, (dp_dist){DP_DIST_NORMAL, 1.0, -0.2, 0}, w,
                 "a.yaml:12:5: sd must be >= 0, got -0.2");
    expect_error(ctx, (dp_dist){DP_DIST_LOGNORMAL, 0.0, 0.1, 0}, w,
                 "a.yaml:12:5: median must be > 0, got 0");
    expect_error(ctx, (dp_dist){DP_DIST_LOGNORMAL, -HUGE_VAL, 0.1, 0}, w,
                 "a.yaml:12:5: median must be a finite number, got -inf");
    expect_error(ctx, (dp_dist){DP_DIST_LOGNORMAL, 1.0, -0.1, 0}, w,
                 "a.yaml:12:5: sd_log must be >= 0, got -0.1");
    /* exp(30^2) overflows: the sd is infinite although both parameters are finite. */
    expect_error(ctx, (dp_dist){DP_DIST_LOGNORMAL, 1.0, 30.0, 0}, w,
                 "a.yaml:12:5: mean or sd is not finite (parameters too large)");
    expect_error(ctx, (dp_dist){DP_DIST_BETA, 1.2, 0.1, 0}, w,
                 "a.yaml:12:5: mean must be in (0, 1), got 1.2");
    expect_error(ctx, (dp_dist){DP_DIST_BETA, 0.0, 0.1, 0}, w,
                 "a.yaml:12:5: mean must be in (0, 1), got 0");
    expect_error(ctx, (dp_dist){DP_DIST_BETA, 0.3, 0.0, 0}, w,
                 "a.yaml:12:5: sd must be > 0, got 0");
    /* 0.5^2 = 0.25 and 0.3 * 0.7 = 0.21 by hand. */
    expect_error(ctx, (dp_dist){DP_DIST_BETA, 0.3, 0.5, 0}, w,
                 "a.yaml:12:5: sd^2 = 0.25 must be less than mean*(1-mean) = 0.21");
    /* sd^2 equal to the bound (0.25 = 0.5 * 0.5) is refused too: the shapes would be 0. */
    expect_error(ctx, (dp_dist){DP_DIST_BETA, 0.5, 0.5, 0}, w,
                 "a.yaml:12:5: sd^2 = 0.25 must be less than mean*(1-mean) = 0.25");
    expect_error(ctx, (dp_dist){DP_DIST_UNIFORM, 2.0, 2.0, 0}, w,
                 "a.yaml:12:5: max (2) must be greater than min (2)");
    expect_error(ctx, (dp_dist){DP_DIST_UNIFORM, 3.0, NAN, 0}, w,
                 "a.yaml:12:5: max must be a finite number, got nan");
    /* max - min = 2e308 overflows to inf: the sd is infinite. */
    expect_error(ctx, (dp_dist){DP_DIST_UNIFORM, -1e308, 1e308, 0}, w,
                 "a.yaml:12:5: mean or sd is not finite (parameters too large)");
    expect_error(ctx, (dp_dist){DP_DIST_TRIANGULAR, 1.0, 1.0, 1.0}, w,
                 "a.yaml:12:5: max (1) must be greater than min (1)");
    expect_error(ctx, (dp_dist){DP_DIST_TRIANGULAR, 1.0, 0.5, 3.0}, w,
                 "a.yaml:12:5: mode (0.5) must lie in [min, max] = [1, 3]");
    expect_error(ctx, (dp_dist){DP_DIST_TRIANGULAR, 1.0, 3.5, 3.0}, w,
                 "a.yaml:12:5: mode (3.5) must lie in [min, max] = [1, 3]");
    expect_error(ctx, (dp_dist){DP_DIST_TRIANGULAR, 1.0, 2.0, INFINITY}, w,
                 "a.yaml:12:5: max must be a finite number, got inf");
    /* Without a location the message names the distribution. */
    expect_error(ctx, (dp_dist){DP_DIST_NORMAL, 1.0, -1.0, 0}, NULL,
                 "distribution: sd must be >= 0, got -1");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_closed_form_moments),
        cmocka_unit_test(test_dist_triangular_inverse_cdf),
        cmocka_unit_test(test_dist_fixed_draws_no_number),
        cmocka_unit_test(test_dist_normal_sample_moments),
        cmocka_unit_test(test_dist_lognormal_sample_moments),
        cmocka_unit_test(test_dist_beta_sample_moments),
        cmocka_unit_test(test_dist_wide_beta_sample_moments),
        cmocka_unit_test(test_dist_uniform_sample_moments),
        cmocka_unit_test(test_dist_triangular_sample_moments),
        cmocka_unit_test(test_dist_check_accepts_valid),
        cmocka_unit_test(test_dist_check_error_messages),
    };
    return cmocka_run_group_tests_name("dist", tests, setup, teardown);
}
