/* tests/unit/test_reconcile.c
 *
 * dp_reconcile (analysis/reconcile.h) on hand-built results of two "engines": the paired
 * differences, their standard error and z by hand; ages summed into the four bands; the special
 * cases of a zero standard error; the tables left out; the errors.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_test.h"

#include "analysis/reconcile.h"
#include "core/results.h"

enum { N_RUN = 4, N_YEAR = 2, N_AGE = 101 };

/* Results with axes year (2021, 2022), sex (2), age (0..100) and a table t [year, sex, age]
 * filled by fill(run, year, sex, age), plus a table `parameters` [year] of garbage. */
static dp_results *
make(dp_ctx *ctx, size_t n_run, double (*fill)(size_t, size_t, size_t, size_t))
{
    static const char *const years[] = {"2021", "2022"};
    static const double year_v[] = {2021, 2022};
    static const char *const sexes[] = {"male", "female"};
    static const char *const ax[] = {"year", "sex", "age", NULL};
    static const char *const ax_p[] = {"year", NULL};
    char lab[N_AGE][8];
    const char *labp[N_AGE];
    double age_v[N_AGE];
    for (size_t a = 0; a < N_AGE; a++) {
        snprintf(lab[a], sizeof lab[a], "%zu", a);
        labp[a] = lab[a];
        age_v[a] = (double)a;
    }
    dp_results *res = dp_results_alloc(n_run);
    dp_table *t = NULL, *p = NULL;
    assert_non_null(res);
    assert_int_equal(dp_results_add_axis(ctx, res, "year", N_YEAR, years, NULL, year_v, NULL), 0);
    assert_int_equal(dp_results_add_axis(ctx, res, "sex", 2, sexes, NULL, NULL, NULL), 0);
    assert_int_equal(dp_results_add_axis(ctx, res, "age", N_AGE, labp, NULL, age_v, NULL), 0);
    assert_int_equal(dp_results_add_table(ctx, res, "t", "persons", "t", "t", 1, ax, &t), 0);
    assert_int_equal(
        dp_results_add_table(ctx, res, "parameters", "value", "p", "p", 1, ax_p, &p), 0);
    for (size_t k = 0; k < n_run; k++) {
        double *x = dp_table_run(t, k);
        for (size_t y = 0; y < N_YEAR; y++) {
            for (size_t s = 0; s < 2; s++) {
                for (size_t a = 0; a < N_AGE; a++) {
                    x[(y * 2 + s) * N_AGE + a] = fill(k, y, s, a);
                }
            }
            dp_table_run(p, k)[y] = (double)(k * 1000 + y); /* differs: must not be compared */
        }
    }
    return res;
}

/* Cohort: 1 person at every age. */
static double
cohort_fill(size_t k, size_t y, size_t s, size_t a)
{
    (void)k, (void)y, (void)s, (void)a;
    return 1.0;
}

/* Micro equal to the cohort but in the 80+ band of males in 2022, where run k adds
 * d_k = {0.1, 0.3, 0.2, 0.4}[k] / 21 at each of the band's 21 ages: the band's paired
 * differences are 0.1, 0.3, 0.2, 0.4, mean 0.25, sample sd sqrt(0.05/3), SE sd / 2, so
 * t = 0.25 / (sqrt(0.05/3) / 2) = sqrt(15) (hand calculation). With 3 degrees of freedom the
 * upper tail has the closed form Q(t) = 1/2 - (atan(u) + u / (1 + u^2)) / pi, u = t / sqrt(3)
 * = sqrt(5): Q = 0.015236; z is the normal deviate with the same tail, about 2.164. */
static double
micro_fill(size_t k, size_t y, size_t s, size_t a)
{
    static const double d[N_RUN] = {0.1, 0.3, 0.2, 0.4};
    return 1.0 + (y == 1 && s == 0 && a >= 80 ? d[k] / 21.0 : 0.0);
}

/* Micro whose 15-59 band of females in 2021 is 5 persons above the cohort in every run: a
 * deterministic difference (sd 0). */
static double
micro_shift(size_t k, size_t y, size_t s, size_t a)
{
    (void)k;
    return 1.0 + (y == 0 && s == 1 && a == 30 ? 5.0 : 0.0);
}

/* Micro with 0 at every age: against a cohort of 1 per age, bands hold 15 to 45 persons; all
 * zero in 4 runs has probability e^(-4 x 15) at most (Poisson): far beyond 4 SE. */
static double
micro_zero(size_t k, size_t y, size_t s, size_t a)
{
    (void)k, (void)y, (void)s, (void)a;
    return 0.0;
}

/* A cohort of 0.01 per age in the 80+ band only (0.21 in the band), else 0: all zero in 4 runs
 * has probability max(e^(-0.84), 0.79^4) = 0.43: no evidence. */
static double
cohort_tiny(size_t k, size_t y, size_t s, size_t a)
{
    (void)k, (void)y, (void)s;
    return a >= 80 ? 0.01 : 0.0;
}

static void
test_z_by_hand(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_results *c = make(ctx, N_RUN, cohort_fill), *m = make(ctx, N_RUN, micro_fill);
    dp_recon *r = NULL;
    assert_int_equal(dp_reconcile(ctx, c, m, 2.0, &r), DP_OK);
    /* One table compared (parameters left out): 2 years x 2 sexes x 4 bands. */
    assert_int_equal(r->n_table, 1);
    assert_string_equal(r->table[0].table, "t");
    assert_int_equal(r->n_tested, 16);
    assert_int_equal(r->n_beyond, 1);
    double u = sqrt(5.0), q = 0.5 - (atan(u) + u / (1.0 + u * u))/ 3.14159265358979323846;
    double z = r->beyond[0].z;
    assert_close(0.5 * erfc(z / sqrt(2.0)), q, 1e-9, 0); /* the same tail as t */
    assert_close(z, 2.164, 0, 0.001);
    assert_close(r->beyond[0].se, sqrt(0.05 / 3.0) / 2.0, 1e-9, 0);
    assert_close(r->beyond[0].cohort, 21.0, 1e-12, 0);
    assert_close(r->beyond[0].micro, 21.25, 1e-12, 0);
    assert_int_equal(r->beyond[0].year, 2022);
    assert_string_equal(r->beyond[0].where, "sex=male, age=80+");
    assert_close(r->worst.z, z, 1e-9, 0);
    /* Only that series-year has SE > 0: the chance expectation is P(|Z| > 2). */
    assert_int_equal(r->n_random, 1);
    assert_close(r->expected, erfc(2.0 / sqrt(2.0)), 1e-12, 0);
    /* One series-year at chance: the family-wise bound is the deviate of 0.005, 2.5758 (the
     * normal table), above z: the verdict is agreement. */
    assert_close(r->z_family, 2.5758, 0, 1e-4);
    assert_int_equal(r->n_family, 0);
    dp_recon_free(r);
    /* Above a threshold of 2.2 (and of 4, where the plain t would be), nothing is beyond. */
    assert_int_equal(dp_reconcile(ctx, c, m, 2.2, &r), DP_OK);
    assert_int_equal(r->n_beyond, 0);
    dp_recon_free(r);
    assert_int_equal(dp_reconcile(ctx, c, m, 3.8, &r), DP_OK);
    assert_int_equal(r->n_beyond, 0);
    dp_recon_free(r);
    dp_results_free(c);
    dp_results_free(m);
    dp_ctx_free(ctx);
}

static void
test_zero_se_cases(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_results *c = make(ctx, N_RUN, cohort_fill);
    dp_results *same = make(ctx, N_RUN, cohort_fill);
    dp_results *shift = make(ctx, N_RUN, micro_shift);
    dp_results *zero = make(ctx, N_RUN, micro_zero);
    dp_results *tiny = make(ctx, N_RUN, cohort_tiny);
    dp_recon *r = NULL;
    /* Identical: every z is 0, nothing beyond. */
    assert_int_equal(dp_reconcile(ctx, c, same, 4.0, &r), DP_OK);
    assert_int_equal(r->n_beyond, 0);
    assert_close(r->worst.z, 0.0, 0, 0);
    dp_recon_free(r);
    /* A deterministic shift of 5 in one band: +inf there only; the band is 15-59 (45 ages). */
    assert_int_equal(dp_reconcile(ctx, c, shift, 4.0, &r), DP_OK);
    assert_int_equal(r->n_beyond, 1);
    assert_true(isinf(r->beyond[0].z) && r->beyond[0].z > 0);
    assert_close(r->beyond[0].cohort, 45.0, 1e-12, 0);
    assert_close(r->beyond[0].micro, 50.0, 1e-12, 0);
    assert_string_equal(r->beyond[0].where, "sex=female, age=15-59");
    assert_int_equal(r->beyond[0].year, 2021);
    dp_recon_free(r);
    /* Micro all zero against 15-45 persons per band: every series-year far beyond (the 0-14
     * band, the smallest: P = e^-60, z about -10.7). */
    assert_int_equal(dp_reconcile(ctx, c, zero, 4.0, &r), DP_OK);
    assert_int_equal(r->n_beyond, 16);
    assert_int_equal(r->n_family, 16);
    for (size_t i = 0; i < r->n_beyond; i++) {
        assert_true(r->beyond[i].z < -10.0);
    }
    dp_recon_free(r);
    /* Micro all zero against 0.21 persons in the 80+ band: z = -0.78, no evidence. */
    assert_int_equal(dp_reconcile(ctx, tiny, zero, 4.0, &r), DP_OK);
    assert_int_equal(r->n_beyond, 0);
    dp_recon_free(r);
    dp_results_free(c);
    dp_results_free(same);
    dp_results_free(shift);
    dp_results_free(zero);
    dp_results_free(tiny);
    dp_ctx_free(ctx);
}

static void
test_errors(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_results *c = make(ctx, N_RUN, cohort_fill), *m3 = make(ctx, 3, cohort_fill);
    dp_results *c1 = make(ctx, 1, cohort_fill), *m1 = make(ctx, 1, cohort_fill);
    dp_recon *r = NULL;
    assert_int_equal(dp_reconcile(ctx, c, m3, 4.0, &r), DP_EINPUT);
    assert_null(r);
    assert_int_equal(dp_reconcile(ctx, c1, m1, 4.0, &r), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(ctx), "at least 2 runs"));
    assert_int_equal(dp_reconcile(ctx, c, c, 0.0, &r), DP_EINPUT);
    dp_results_free(c);
    dp_results_free(m3);
    dp_results_free(c1);
    dp_results_free(m1);
    dp_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_z_by_hand),
        cmocka_unit_test(test_zero_se_cases),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
