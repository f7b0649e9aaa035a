/* tests/unit/test_sensitivity.c
 *
 * Tests of the sensitivity of total spending to the uncertain parameters
 * (model/analysis/sensitivity.c). Synthetic draws with a known linear budget: independent standard
 * normal x1, x2, x3 (GSL's Mersenne twister, fixed seed) and y = 3 x1 + x2 + 0 x3 + 0.1 e.
 * Every expected value is a closed form with its sampling bound derived in a comment, or an
 * exact identity of the regression.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <hdf5.h>

#include "output/output_impl.h"
#include "dp_test.h"
#include "analysis/analysis.h"
#include "output/output.h"
#include "core/results.h"

typedef struct {
    dp_ctx *ctx;
    gsl_rng *r;
    char dir[64];
    char path[160];
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) {
        return -1;
    }
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    f->ctx = dp_ctx_alloc();
    f->r = gsl_rng_alloc(gsl_rng_mt19937);
    snprintf(f->dir, sizeof f->dir, "/tmp/dp_test_sens.XXXXXX");
    if (!f->ctx || !f->r || !mkdtemp(f->dir)) {
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/results.h5", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    unlink(f->path);
    rmdir(f->dir);
    gsl_rng_free(f->r);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

static int
per_test_setup(void **state)
{
    fixture *f = *state;
    gsl_rng_set(f->r, 20260415UL);
    dp_ctx_clear(f->ctx);
    unlink(f->path);
    return 0;
}

/* x [n][3] independent N(0, 1); y = b1 x1 + b2 x2 + b3 x3 + sigma e, e ~ N(0, 1). */
static void
synthetic(gsl_rng *r, size_t n, const double *b, double sigma, double *x, double *y)
{
    for (size_t i = 0; i < n; i++) {
        y[i] = 0.0;
        for (size_t j = 0; j < 3; j++) {
            x[i * 3 + j] = gsl_ran_gaussian(r, 1.0);
            y[i] += b[j] * x[i * 3 + j];
        }
        y[i] += sigma * gsl_ran_gaussian(r, 1.0);
    }
}

static void
test_sensitivity_linear_budget(void **state)
{
    fixture *f = *state;
    enum { N = 10000 };
    static const double b[3] = {3.0, 1.0, 0.0};
    const double sigma = 0.1;
    double *x = malloc(N * 3 * sizeof *x), *y = malloc(N * sizeof *y);
    double res[3 * DP_N_SENS];
    assert_non_null(x);
    assert_non_null(y);
    synthetic(f->r, N, b, sigma, x, y);
    assert_int_equal(dp_sensitivity_compute(f->ctx, x, N, 3, y, res), DP_OK);

    /* Population values. Var(y) = 9 + 1 + 0.01 = 10.01, SRC_j = b_j sd(x_j) / sd(y):
     * SRC1^2 = 9 / 10.01, SRC2^2 = 1 / 10.01, SRC3^2 = 0; R^2 = 1 - 0.01 / 10.01 = 10 / 10.01.
     * Sampling bounds (5 standard errors, n = 10^4), by the delta method with a = s1^2,
     * b = s2^2, c = s12 (sample moments: Var a = Var b = 2/n, Var c = 1/n, uncorrelated for
     * independent normals) and SRC1^2 ~ 9a / (9a + b + 6c) (the regression slope is exact
     * to 0.001, the noise term is negligible):
     *   dSRC1^2 = 0.09 da - 0.09 db - 0.54 dc -> Var = (0.0162 + 0.0162 + 0.2916) / n,
     *     se = 0.0057, bound 0.029;
     *   SRC2^2 ~ b / (9a + b + 6c): 0.09 db - 0.09 da - 0.06 dc -> Var = 0.036 / n,
     *     se = 0.0019, bound 0.0095;
     *   SRC3 = beta3 sd(x3) / sd(y) with se(beta3) = sigma / sqrt(n) = 0.001, so
     *     se(SRC3) = 0.001 / sqrt(10.01) = 3.2e-4; SRC3^2 < (5 x 3.2e-4)^2 = 2.5e-6;
     *   R^2: Var ~ 4 R^2 (1 - R^2)^2 / n, se = 2e-5, bound 1e-4. */
    const double *r1 = res, *r2 = res + DP_N_SENS, *r3 = res + 2 * DP_N_SENS;
    assert_close(r1[DP_SENS_SRC2], 9.0 / 10.01, 0, 0.029);
    assert_close(r2[DP_SENS_SRC2], 1.0 / 10.01, 0, 0.0095);
    assert_close(r3[DP_SENS_SRC2], 0.0, 0, 2.5e-6);
    assert_close(r1[DP_SENS_R2], 10.0 / 10.01, 0, 1e-4);
    assert_close(r2[DP_SENS_R2], r1[DP_SENS_R2], 0, 0); /* one regression for all */
    /* Signs: SRC1 = +sqrt(0.899) = +0.948. */
    assert_close(r1[DP_SENS_SRC], 3.0 / sqrt(10.01), 0, 0.016);
    assert_close(r1[DP_SENS_SRC2], r1[DP_SENS_SRC] * r1[DP_SENS_SRC], 1e-15, 0);

    /* Spearman for a bivariate normal pair with correlation rho: rho_s = (6 / pi)
     * asin(rho / 2) (Pearson 1907). rho1 = 3 / sqrt(10.01) -> rho_s1 = 0.94386,
     * rho_s1^2 = 0.89088; rho2 = 1 / sqrt(10.01) -> rho_s2 = 0.30197, rho_s2^2 = 0.09118.
     * Standard error via Fisher's z with Var z = 1.06 / (n - 3) (Fieller, Hartley and
     * Pearson 1957): se(r) = (1 - r^2) sqrt(1.06 / (n - 3)) = 0.00112 (x1), 0.00935 (x2),
     * 0.0103 (x3, rho = 0); se(r^2) = 2 |r| se(r) = 0.0021 (x1), 0.0056 (x2); bounds at 5 se:
     * 0.011, 0.028; for x3, r^2 < (5 x 0.0103)^2 = 0.0027. */
    double rs1 = 6.0 / M_PI * asin(3.0 / sqrt(10.01) / 2.0);
    double rs2 = 6.0 / M_PI * asin(1.0 / sqrt(10.01) / 2.0);
    assert_close(r1[DP_SENS_SPEARMAN2], rs1 * rs1, 0, 0.011);
    assert_close(r2[DP_SENS_SPEARMAN2], rs2 * rs2, 0, 0.028);
    assert_close(r3[DP_SENS_SPEARMAN2], 0.0, 0, 0.0027);
    assert_true(r1[DP_SENS_SPEARMAN] > 0.0);

    /* Ranking by SRC^2: x1 > x2 > x3. */
    assert_close(r1[DP_SENS_RANK], 1.0, 0, 0);
    assert_close(r2[DP_SENS_RANK], 2.0, 0, 0);
    assert_close(r3[DP_SENS_RANK], 3.0, 0, 0);
    free(x);
    free(y);
}

static void
test_sensitivity_exact_identity(void **state)
{
    fixture *f = *state;
    enum { N = 57 };
    static const double b[3] = {-2.5, 0.75, 1.25};
    double x[N * 3], y[N], res[3 * DP_N_SENS];
    /* Without noise the regression is exact: R^2 = 1 and each SRC is b_j s_j / s_y with the
     * sample standard deviations (the definition of the standardised coefficient, computed
     * here independently with gsl_stats_sd). */
    synthetic(f->r, N, b, 0.0, x, y);
    assert_int_equal(dp_sensitivity_compute(f->ctx, x, N, 3, y, res), DP_OK);
    double sy = gsl_stats_sd(y, 1, N);
    for (size_t j = 0; j < 3; j++) {
        double sj = gsl_stats_sd(x + j, 3, N);
        assert_close(res[j * DP_N_SENS + DP_SENS_SRC], b[j] * sj / sy, 1e-10, 1e-12);
        assert_close(res[j * DP_N_SENS + DP_SENS_R2], 1.0, 0, 1e-12);
    }
    /* Spearman of a column against itself is 1: give y = x2 exactly (only x2 varies). */
    for (size_t i = 0; i < N; i++) {
        y[i] = x[i * 3 + 1];
    }
    assert_int_equal(dp_sensitivity_compute(f->ctx, x, N, 3, y, res), DP_OK);
    assert_close(res[1 * DP_N_SENS + DP_SENS_SPEARMAN], 1.0, 0, 1e-12);
    assert_close(res[1 * DP_N_SENS + DP_SENS_SRC], 1.0, 0, 1e-10);
    assert_close(res[1 * DP_N_SENS + DP_SENS_RANK], 1.0, 0, 0);
}

static void
test_sensitivity_degenerate(void **state)
{
    fixture *f = *state;
    enum { N = 40 };
    static const double b[3] = {1.5, 2.0, 0.5};
    double x[N * 3], y[N], res[3 * DP_N_SENS];
    synthetic(f->r, N, b, 0.25, x, y);

    /* A parameter whose draws are all equal: NaN for it, the others ranked 1 and 2. */
    double saved[N];
    for (size_t i = 0; i < N; i++) {
        saved[i] = x[i * 3 + 2];
        x[i * 3 + 2] = 0.875;
    }
    assert_int_equal(dp_sensitivity_compute(f->ctx, x, N, 3, y, res), DP_OK);
    for (size_t m = 0; m < DP_N_SENS; m++) {
        assert_true(isnan(res[2 * DP_N_SENS + m]));
    }
    /* x2 (b = 2) ranks above x1 (b = 1.5). */
    assert_close(res[1 * DP_N_SENS + DP_SENS_RANK], 1.0, 0, 0);
    assert_close(res[0 * DP_N_SENS + DP_SENS_RANK], 2.0, 0, 0);
    for (size_t i = 0; i < N; i++) {
        x[i * 3 + 2] = saved[i];
    }

    /* A budget that does not vary: nothing to explain, every measure NaN, not an error. */
    double flat[N];
    for (size_t i = 0; i < N; i++) {
        flat[i] = 1234.5;
    }
    assert_int_equal(dp_sensitivity_compute(f->ctx, x, N, 3, flat, res), DP_OK);
    for (size_t i = 0; i < 3 * DP_N_SENS; i++) {
        assert_true(isnan(res[i]));
    }

    /* Too few runs: 3 parameters need 5. */
    assert_int_equal(dp_sensitivity_compute(f->ctx, x, 4, 3, y, res), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "needs at least 5 runs, got 4"));
    assert_int_equal(dp_sensitivity_compute(f->ctx, x, 5, 3, y, res), DP_OK);
}

/* Results over years 2024..2031 with n_run runs: spending [year, region, programme] whose
 * per-run total in year index yi is coefficient(yi) . x_run + 0.01 e split over 4 cells,
 * and runs/parameters [parameter] = x. */
static dp_results *
make_results(fixture *f, size_t n_run, double *x)
{
    static const char *const year_label[] = {"2024", "2025", "2026", "2027",
                                             "2028", "2029", "2030", "2031"};
    static const double year_value[] = {2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031};
    static const char *const region[] = {"daan", "huzhong"};
    static const char *const prog[] = {"living_subsidy", "care_subsidy"};
    static const char *const param[] = {"rates.onset_multiplier", "rates.dibao_exit",
                                        "programmes.care_subsidy.take_up"};
    static const char *const sp_ax[] = {"year", "region", "programme", NULL};
    static const char *const par_ax[] = {"parameter", NULL};
    dp_results *res = dp_results_alloc(n_run);
    dp_table *sp = NULL, *par = NULL;
    assert_non_null(res);
    assert_int_equal(
        dp_results_add_axis(f->ctx, res, "year", 8, year_label, NULL, year_value, NULL), DP_OK);
    assert_int_equal(dp_results_add_axis(f->ctx, res, "region", 2, region, NULL, NULL, NULL),
                     DP_OK);
    assert_int_equal(dp_results_add_axis(f->ctx, res, "programme", 2, prog, NULL, NULL, NULL),
                     DP_OK);
    assert_int_equal(dp_results_add_axis(f->ctx, res, "parameter", 3, param, NULL, NULL, NULL),
                     DP_OK);
    assert_int_equal(dp_results_add_table(f->ctx, res, "spending", "yuan", "s", "s", 1, sp_ax, &sp),
                     DP_OK);
    assert_int_equal(
        dp_results_add_table(f->ctx, res, "parameters", "value", "p", "p", 1, par_ax, &par), DP_OK);
    for (size_t run = 0; run < n_run; run++) {
        double *xr = dp_table_run(par, run);
        double *d = dp_table_run(sp, run);
        for (size_t j = 0; j < 3; j++) {
            xr[j] = x[run * 3 + j];
        }
        for (size_t yi = 0; yi < 8; yi++) {
            /* 2025 (yi 1): 3 x1 + x2; 2030 (yi 6): x3 only, 2 x3; other years x1 + x2 + x3. */
            static const double c_other[3] = {1.0, 1.0, 1.0};
            static const double c_2025[3] = {3.0, 1.0, 0.0};
            static const double c_2030[3] = {0.0, 0.0, 2.0};
            const double *c = yi == 1 ? c_2025 : (yi == 6 ? c_2030 : c_other);
            double t = 1e6 + c[0] * xr[0] + c[1] * xr[1] + c[2] * xr[2] +
                       0.01 * gsl_ran_gaussian(f->r, 1.0);
            for (size_t k = 0; k < 4; k++) {
                d[yi * 4 + k] = t * (0.125 + 0.25 * (double)k) / 2.0; /* shares sum to 1 */
            }
        }
    }
    return res;
}

static void
test_sensitivity_table(void **state)
{
    fixture *f = *state;
    enum { N = 400 };
    double *x = malloc(N * 3 * sizeof *x), *y = malloc(N * sizeof *y);
    double direct[3 * DP_N_SENS], from_res[3 * DP_N_SENS];
    assert_non_null(x);
    assert_non_null(y);
    for (size_t i = 0; i < N * 3; i++) {
        x[i] = gsl_ran_gaussian(f->r, 1.0);
    }
    dp_results *res = make_results(f, N, x);
    assert_int_equal(dp_sensitivity_add(f->ctx, res), DP_OK);
    dp_table *t = dp_results_find(res, "sensitivity");
    assert_non_null(t);
    assert_false(t->per_run);
    assert_int_equal(t->rank, 3);
    assert_string_equal(res->axis[t->axis[0]].name, "year");
    assert_string_equal(res->axis[t->axis[1]].name, "parameter");
    assert_string_equal(res->axis[t->axis[2]].name, "measure");

    /* 2025 from the table equals dp_sensitivity_compute on the totals summed here by hand
     * (the four cells of a year sum to the total). */
    dp_table *sp = dp_results_find(res, "spending");
    for (size_t run = 0; run < N; run++) {
        const double *d = dp_table_run(sp, run) + 1 * 4;
        y[run] = d[0] + d[1] + d[2] + d[3];
    }
    assert_int_equal(dp_sensitivity_compute(f->ctx, x, N, 3, y, direct), DP_OK);
    assert_int_equal(dp_sensitivity(f->ctx, res, 2025, from_res), DP_OK);
    for (size_t i = 0; i < 3 * DP_N_SENS; i++) {
        assert_close(t->data[1 * 3 * DP_N_SENS + i], direct[i], 1e-9, 1e-12);
        assert_close(from_res[i], direct[i], 1e-9, 1e-12);
    }
    /* Ranking per year: 2025 x1 first (3 x1 + x2), x3 last (coefficient 0); 2030 x3 first
     * (the budget is 2 x3). */
    assert_close(t->data[(1 * 3 + 0) * DP_N_SENS + DP_SENS_RANK], 1.0, 0, 0);
    assert_close(t->data[(1 * 3 + 2) * DP_N_SENS + DP_SENS_RANK], 3.0, 0, 0);
    assert_close(t->data[(6 * 3 + 2) * DP_N_SENS + DP_SENS_RANK], 1.0, 0, 0);
    /* 2030: the budget is 2 x3 + 0.01 e: SRC3^2 = 4 / 4.0001 within sampling error of the
     * tiny other coefficients; the regression explains it all. */
    assert_close(t->data[(6 * 3 + 2) * DP_N_SENS + DP_SENS_SRC2], 1.0, 0, 0.01);
    assert_close(t->data[(6 * 3 + 2) * DP_N_SENS + DP_SENS_R2], 1.0, 0, 1e-4);

    /* Written and read back: the table and its measure axis with Chinese labels. */
    dp_output *o = NULL;
    static const char *const ip[] = {"x.yaml"};
    static const char *const is[] = {
        "0000000000000000000000000000000000000000000000000000000000000000"};
    dp_output_meta meta = {"s", "", "dpsim: 1\n", 1, ip, is, 0, NULL};
    dp_run_info info = {"cohort", N, 1, "philox4x32-10"};
    assert_int_equal(dp_output_open(f->ctx, f->path, "test", &o), DP_OK);
    assert_int_equal(dp_output_write_group(f->ctx, o, &meta, res, &info, 0, NULL, NULL), DP_OK);
    assert_int_equal(dp_output_close(f->ctx, o), DP_OK);
    dp_results *back = NULL;
    assert_int_equal(dp_output_read(f->ctx, f->path, "s", &back), DP_OK);
    dp_table *tb = dp_results_find(back, "sensitivity");
    assert_non_null(tb);
    for (size_t i = 0; i < t->size; i++) {
        assert_true(tb->data[i] == t->data[i] || (isnan(tb->data[i]) && isnan(t->data[i])));
    }
    size_t ma = dp_results_find_axis(back, "measure");
    assert_true(ma != (size_t)-1);
    assert_string_equal(back->axis[ma].label[DP_SENS_SRC2], "src2");
    assert_string_equal(back->axis[ma].label_zh[DP_SENS_SRC2], "标准化回归系数平方");
    dp_results_free(back);

    /* A second call is a programming error (the table exists). */
    assert_int_equal(dp_sensitivity_add(f->ctx, res), DP_EINTERNAL);
    /* Errors of dp_sensitivity: a year outside the horizon. */
    assert_int_equal(dp_sensitivity(f->ctx, res, 2035, from_res), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "year 2035 is not in the results"));
    dp_results_free(res);

    /* Too few runs (4 < 3 + 2): nothing added, not an error. */
    res = make_results(f, 4, x);
    assert_int_equal(dp_sensitivity_add(f->ctx, res), DP_OK);
    assert_null(dp_results_find(res, "sensitivity"));
    dp_results_free(res);

    /* No parameters table: nothing added; dp_sensitivity says why. */
    res = dp_results_alloc(10);
    assert_int_equal(dp_sensitivity_add(f->ctx, res), DP_OK);
    assert_null(dp_results_find(res, "sensitivity"));
    assert_int_equal(dp_sensitivity(f->ctx, res, 2025, from_res), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "no runs/parameters table"));
    dp_results_free(res);
    free(x);
    free(y);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_sensitivity_linear_budget, per_test_setup),
        cmocka_unit_test_setup(test_sensitivity_exact_identity, per_test_setup),
        cmocka_unit_test_setup(test_sensitivity_degenerate, per_test_setup),
        cmocka_unit_test_setup(test_sensitivity_table, per_test_setup),
    };
    return cmocka_run_group_tests_name("sensitivity", tests, setup, teardown);
}
