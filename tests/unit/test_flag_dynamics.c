/* tests/unit/test_flag_dynamics.c
 *
 * "Dynamics that hold up": the status quo keeps what it should keep, on the shipped
 * scenarios.
 * - Employment (docs/model.md §9.8): under unchanged rules the employed share of every
 *   working-age (age group x grade) stays at its base level: in the cohort engine to 1e-9
 *   every year (the probe's counts by cell), in the micro engine within 4 standard errors of
 *   the replicate mean; at the national scale (tests/data/regions/national.yaml) the default
 *   reproduces the 8.6 M employed card holders of 2020 (shared/data, QUOTED) within 1%, and
 *   the default pension participation the 27 M insured card holders within 2%.
 * - Renovation (§9.7): a yearly count is renovated exactly (cohort; micro: every replicate for a
 *   whole count, the mean within 4 SE for 19.2), a coverage path is reached to 1e-6 (cohort),
 *   and the engines agree in every year of the five baselines (|z| < 4 at 20 replicates).
 * Expected values: the base shares themselves (the model's documented defaults), the reported
 * national figures, and the other engine.
 */
#include "dp_test.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "engines/cohort_impl.h"
#include "engines/tables.h"
#include "input/region.h"
#include "input/scenario.h"

static const char *const regions[] = {"daan", "hulan", "huzhong", "ningbo", "pudong"};
enum { N_REGIONS = sizeof regions / sizeof regions[0] };

typedef struct {
    dp_ctx *ctx;
    dp_reference *ref;
} fixture;

static int
setup(void **state)
{
    gsl_set_error_handler_off();
    fixture *f = calloc(1, sizeof *f);
    f->ctx = dp_ctx_alloc();
    if (dp_reference_load(f->ctx, dp_test_data_dir(), &f->ref) != DP_OK) {
        fprintf(stderr, "%s\n", dp_ctx_errmsg(f->ctx));
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    dp_reference_free(f->ref);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* The model of a scenario file (its first region); *sp holds the scenario. */
static dp_model *
scenario_model(fixture *f, const char *path, dp_scenario **sp)
{
    dp_model *m = NULL;
    if (dp_scenario_load(f->ctx, path, dp_test_data_dir(), sp) != DP_OK ||
        dp_model_alloc(f->ctx, dp_scenario_params(*sp), f->ref, dp_scenario_region(*sp, 0), 1,
                       &m) != DP_OK) {
        fail_msg("%s: %s", path, dp_ctx_errmsg(f->ctx));
    }
    return m;
}

/* Mean and standard error of the mean of x[0..r). */
static void
mean_se(const double *x, size_t r, double *mean, double *se)
{
    double s1 = 0.0, s2 = 0.0;
    for (size_t i = 0; i < r; i++) {
        s1 += x[i];
    }
    *mean = s1 / (double)r;
    for (size_t i = 0; i < r; i++) {
        s2 += (x[i] - *mean) * (x[i] - *mean);
    }
    *se = sqrt(s2 / (double)(r - 1) / (double)r);
}

/* ------------------------------------------------------------------------------------------ */
/* Employment */

enum { N_AGEGRP = 3 }; /* 16-29, 30-44, 45-59 */

static size_t
age_group(size_t age)
{
    return age < 30 ? 0 : (age < 45 ? 1 : 2);
}

/* The cohort probe: the largest deviation, over the years, age groups and grades, of the
 * employed share from the base share (all types share one base share by default: factors 1). */
typedef struct {
    double share;    /* the base share */
    double max_dev;  /* max |employed / persons - share| */
    size_t n_seen;   /* records seen */
} emp_probe;

static void
emp_check(void *arg, size_t rep, size_t reg, int yi, const double *cells,
          const double *const flag[DP_N_FLAG])
{
    emp_probe *ep = arg;
    (void)yi;
    if (rep != 0 || reg != 0) {
        return;
    }
    double n[N_AGEGRP][DP_N_GRADE] = {{0.0}}, e[N_AGEGRP][DP_N_GRADE] = {{0.0}};
    for (size_t i = 0; i < DP_N_CELL; i++) {
        size_t age = (i / DP_N_BLOCK) % DP_N_AGE, g = dp_block_grade(i % DP_N_BLOCK);
        if (age >= DP_WORK_AGE_MIN && age <= DP_WORK_AGE_MAX) {
            n[age_group(age)][g] += cells[i];
            e[age_group(age)][g] += flag[DP_FLAG_EMPLOYED][i];
        }
    }
    for (size_t a = 0; a < N_AGEGRP; a++) {
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            if (n[a][g] > 0.0) {
                double d = fabs(e[a][g] / n[a][g] - ep->share);
                ep->max_dev = d > ep->max_dev ? d : ep->max_dev;
            }
        }
    }
    ep->n_seen++;
}

/* Status quo (every baseline): the employed share of every age group x grade stays at the base
 * share over the 15 (Hulan 18) years, to 1e-9 in the cohort engine. Before the balance per
 * cell, Da'an's fell from 0.51 to 0.30 by 2035. */
static void
test_employment_status_quo_cohort(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < N_REGIONS; i++) {
        char path[128];
        snprintf(path, sizeof path, "scenarios/%s-baseline.yaml", regions[i]);
        dp_scenario *s = NULL;
        dp_model *m = scenario_model(f, path, &s);
        const dp_params *p = dp_scenario_params(s);
        emp_probe ep = {.share = dp_emp_base_share(p, DP_PHYSICAL, 0)};
        for (size_t t = 0; t < DP_N_TYPE; t++) {
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                assert_true(dp_emp_base_share(p, t, g) == ep.share); /* factors 1 */
            }
        }
        dp_results *res = NULL;
        dp_cohort_set_probe(emp_check, &ep);
        dp_status rc = dp_cohort_run(f->ctx, m, &(dp_engine_opts){1, 1}, &res);
        dp_cohort_set_probe(NULL, NULL);
        assert_int_equal(rc, DP_OK);
        assert_int_equal(ep.n_seen, (size_t)(p->year_end - p->year_start + 2));
        if (ep.max_dev > 1e-9) {
            fprintf(stderr, "%s: employed share off the base %.4f by %.3g\n", regions[i],
                    ep.share, ep.max_dev);
        }
        assert_true(ep.max_dev <= 1e-9);
        dp_results_free(res);
        dp_model_free(m);
        dp_scenario_free(s);
    }
}

/* Status quo, micro engine (R = 40 replicates, seed 3): every year, the employment rate of the
 * working-age disabled and of the working-age card holders is within 4 SE of the base share,
 * and the employed persons and new jobs within 4 SE of the cohort engine's (Da'an and Hulan:
 * the smallest regions with a full age range). */
static void
test_employment_status_quo_micro(void **state)
{
    fixture *f = *state;
    enum { R = 40 };
    static const char *const which[] = {"daan", "hulan"};
    for (size_t i = 0; i < 2; i++) {
        char path[128];
        snprintf(path, sizeof path, "scenarios/%s-baseline.yaml", which[i]);
        dp_scenario *s = NULL;
        dp_model *m = scenario_model(f, path, &s);
        const dp_params *p = dp_scenario_params(s);
        double e = dp_emp_base_share(p, DP_PHYSICAL, 0);
        dp_results *mic = NULL, *coh = NULL;
        assert_int_equal(dp_micro_run(f->ctx, m, &(dp_engine_opts){R, 3}, &mic), DP_OK);
        assert_int_equal(dp_cohort_run(f->ctx, m, &(dp_engine_opts){1, 3}, &coh), DP_OK);
        const dp_table *ind = dp_results_find(mic, "indicators");
        const dp_table *ic = dp_results_find(coh, "indicators");
        size_t n_year = (size_t)(p->year_end - p->year_start + 1);
        for (size_t yi = 0; yi < n_year; yi++) {
            double rate[R], rate_c[R], emp[R], jobs[R], mean, se;
            for (size_t r = 0; r < R; r++) {
                const double *x = dp_table_run(ind, r) + yi * DP_N_IND_ALL + DP_N_IND;
                rate[r] = x[DP_PI_EMPLOYED] / x[DP_PI_WORKING_AGE];
                rate_c[r] = x[DP_PI_EMPLOYED_CERT] / x[DP_PI_WORKING_AGE_CERT];
                emp[r] = x[DP_PI_EMPLOYED];
                jobs[r] = x[DP_PI_NEW_JOBS];
            }
            const double *c = dp_table_run(ic, 0) + yi * DP_N_IND_ALL + DP_N_IND;
            const double *series[4] = {rate, rate_c, emp, jobs};
            const double expect[4] = {e, e, c[DP_PI_EMPLOYED], c[DP_PI_NEW_JOBS]};
            for (size_t k = 0; k < 4; k++) {
                mean_se(series[k], R, &mean, &se);
                if (!(fabs(mean - expect[k]) <= 4.0 * se)) {
                    fprintf(stderr, "%s year %zu series %zu: micro %.5g, expected %.5g, se %.3g\n",
                            which[i], yi, k, mean, expect[k], se);
                }
                assert_true(se > 0.0 && fabs(mean - expect[k]) <= 4.0 * se);
            }
        }
        dp_results_free(mic);
        dp_results_free(coh);
        dp_model_free(m);
        dp_scenario_free(s);
    }
}

/* The national scale: the base year's employed card holders (the probe at the base year) are
 * the reported 8.6 M of 2020 within 1% (the default base rate is derived from them: 8.6 M /
 * 11.29 M card holders aged 16-59 = 0.762, rounded to 0.76); the default pension participation gives
 * the reported 27 M insured card holders within 2% (its end-of-2021 count: a year of change).
 * Before: 6.1 M employed card holders at the rate 0.54. */
typedef struct {
    double employed_cert;
} base_probe;

static void
base_check(void *arg, size_t rep, size_t reg, int yi, const double *cells,
           const double *const flag[DP_N_FLAG])
{
    base_probe *bp = arg;
    if (rep == 0 && reg == 0 && yi == -1) {
        for (size_t i = 0; i < DP_N_CELL; i++) {
            if (dp_block_cert(i % DP_N_BLOCK) == DP_CERT && cells[i] > 0.0) {
                bp->employed_cert += flag[DP_FLAG_EMPLOYED][i];
            }
        }
    }
}

static void
test_national_defaults(void **state)
{
    fixture *f = *state;
    dp_region_input in;
    if (dp_region_load(f->ctx, "tests/data/regions/national.yaml", &in) != DP_OK) {
        fail_msg("%s", dp_ctx_errmsg(f->ctx));
    }
    dp_params p;
    dp_params_default(&p);
    p.year_end = p.year_start;
    dp_model *m = NULL;
    assert_int_equal(dp_model_alloc(f->ctx, &p, f->ref, &in, 1, &m), DP_OK);
    base_probe bp = {0.0};
    dp_results *res = NULL;
    dp_cohort_set_probe(base_check, &bp);
    dp_status rc = dp_cohort_run(f->ctx, m, &(dp_engine_opts){1, 1}, &res);
    dp_cohort_set_probe(NULL, NULL);
    assert_int_equal(rc, DP_OK);
    fprintf(stderr, "national: employed card holders %.4g M (reported 8.6 M)\n",
            bp.employed_cert / 1e6);
    assert_true(fabs(bp.employed_cert / 8.6e6 - 1.0) <= 0.01);
    const double *x = dp_table_run(dp_results_find(res, "indicators"), 0) + DP_N_IND;
    fprintf(stderr, "national: pension participants %.4g M (reported 27 M)\n",
            x[DP_PI_PENSION_PART] / 1e6);
    assert_true(fabs(x[DP_PI_PENSION_PART] / 27e6 - 1.0) <= 0.02);
    dp_results_free(res);
    dp_model_free(m);
    dp_region_clear(&in);
}

/* ------------------------------------------------------------------------------------------ */
/* Renovation */

/* One run of a scenario file with an engine; *sp holds the scenario. */
static dp_results *
run_file(fixture *f, const char *path, int micro, size_t runs, uint64_t seed, dp_scenario **sp)
{
    dp_model *m = scenario_model(f, path, sp);
    dp_results *res = NULL;
    dp_status rc = micro ? dp_micro_run(f->ctx, m, &(dp_engine_opts){runs, seed}, &res)
                         : dp_cohort_run(f->ctx, m, &(dp_engine_opts){runs, seed}, &res);
    dp_model_free(m);
    if (rc != DP_OK) {
        fail_msg("%s: %s", path, dp_ctx_errmsg(f->ctx));
    }
    return res;
}

static double
flow_at(const dp_results *res, size_t run, size_t yi, size_t k)
{
    return dp_table_run(dp_results_find(res, "flows"), run)[yi * DP_N_FLOW + k];
}

static double
ind_at(const dp_results *res, size_t run, size_t yi, size_t k)
{
    return dp_table_run(dp_results_find(res, "indicators"), run)[yi * DP_N_IND_ALL + k];
}

/* Onsets in pools of less than one person */

/* Huzhong at a tenth of its size (1,636 residents, 94 disabled), its baseline's rules: at the
 * oldest ages every (sex, age) pool of non-disabled holds less than one person, and the cohort
 * engine's onsets there (nd x onset) are a tenth of the total. The micro engine's mean onsets
 * over the 15 years, R = 400 replicates (seed 5), are within 4 SE (Student's t equivalent) of
 * the cohort's. Before the tail pool: 103.5 against 114.5 (z about -20), because a pool below
 * one person had no onsets at all. */
static void
test_onsets_small_pools(void **state)
{
    fixture *f = *state;
    enum { R = 400 };
    dp_scenario *s = NULL;
    if (dp_scenario_load(f->ctx, "scenarios/huzhong-baseline.yaml", dp_test_data_dir(), &s) !=
        DP_OK) {
        fail_msg("%s", dp_ctx_errmsg(f->ctx));
    }
    dp_region_input in = *dp_scenario_region(s, 0);
    in.population *= 0.1;
    in.disabled_total *= 0.1;
    for (size_t sx = 0; sx < DP_N_SEX; sx++) {
        for (size_t a = 0; a < DP_N_AGE; a++) {
            in.age_pop[sx][a] *= 0.1; /* NAN (not given) stays NAN */
        }
    }
    for (size_t k = 0; k < DP_N_MARG; k++) {
        in.marginal[k] *= 0.1;
    }
    for (size_t k = 0; k < DP_N_PROG; k++) {
        in.recipients[k] *= 0.1;
    }
    const dp_params *p = dp_scenario_params(s);
    size_t n_year = (size_t)(p->year_end - p->year_start + 1);
    double expect = 0.0, on[R];
    for (int micro = 0; micro < 2; micro++) {
        dp_model *m = NULL;
        assert_int_equal(dp_model_alloc(f->ctx, p, f->ref, &in, 1, &m), DP_OK);
        dp_results *res = NULL;
        dp_status rc = micro ? dp_micro_run(f->ctx, m, &(dp_engine_opts){R, 5}, &res)
                             : dp_cohort_run(f->ctx, m, &(dp_engine_opts){1, 5}, &res);
        dp_model_free(m);
        if (rc != DP_OK) {
            fail_msg("%s", dp_ctx_errmsg(f->ctx));
        }
        for (size_t r = 0; r < (micro ? (size_t)R : 1u); r++) {
            double t = 0.0;
            for (size_t yi = 0; yi < n_year; yi++) {
                t += flow_at(res, r, yi, DP_FL_ONSETS);
            }
            if (micro) {
                on[r] = t;
            } else {
                expect = t;
            }
        }
        dp_results_free(res);
    }
    double mean, se;
    mean_se(on, R, &mean, &se);
    double z = (mean - expect) / se;
    fprintf(stderr, "huzhong/10: onsets micro %.2f (se %.2f), cohort %.2f, z %.2f\n", mean, se,
            expect, z);
    assert_true(fabs(z) < gsl_cdf_tdist_Qinv(gsl_cdf_ugaussian_Q(4.0), R - 1));
    dp_scenario_free(s);
}

/* A count path: Da'an's plan asks for 40 homes a year in 2021-2025 and Huzhong's for 19.2
 * (both continue after 2025). The cohort engine renovates exactly that (to 1e-9); the micro
 * engine exactly 40 in every replicate and year, and 19 or 20 with mean 19.2 within 4 SE, the
 * total after y years being floor or ceil of 19.2 y in every replicate, 96 after the plan's
 * five years exactly (systematic rounding over the years, so that each year's mean is the
 * cohort's; R = 40 replicates x 15 years). Before: 41.31 a year in the cohort (the probability
 * from start-of-year counts applied to a group that grows during the year). */
static void
test_renovation_count_exact(void **state)
{
    fixture *f = *state;
    enum { R = 40 };
    static const char *const path[2] = {"scenarios/daan-plan.yaml", "scenarios/huzhong-plan.yaml"};
    static const double want[2] = {40.0, 19.2};
    for (size_t i = 0; i < 2; i++) {
        dp_scenario *s = NULL;
        dp_results *c = run_file(f, path[i], 0, 1, 1, &s);
        const dp_params *p = dp_scenario_params(s);
        size_t n_year = (size_t)(p->year_end - p->year_start + 1);
        for (size_t yi = 0; yi < n_year; yi++) {
            assert_close(flow_at(c, 0, yi, DP_FL_RENOVATIONS), want[i], 1e-9, 0.0);
        }
        dp_results_free(c);
        dp_scenario_free(s);
        dp_results *m = run_file(f, path[i], 1, R, 5, &s);
        static double x[R * 20];
        size_t n = 0;
        for (size_t r = 0; r < R; r++) {
            double cum = 0.0;
            for (size_t yi = 0; yi < n_year; yi++) {
                double v = flow_at(m, r, yi, DP_FL_RENOVATIONS), asked = want[i] * (double)(yi + 1);
                cum += v;
                assert_true(v == floor(want[i]) || v == ceil(want[i]));
                assert_true(cum == floor(asked + 1e-9) || cum == ceil(asked - 1e-9));
                if (yi == 4) {
                    assert_true(cum == 5.0 * want[i]); /* 200 and 96 */
                }
                x[n++] = v;
            }
        }
        double mean, se;
        mean_se(x, n, &mean, &se);
        if (want[i] == floor(want[i])) {
            assert_true(se == 0.0 && mean == want[i]);
        } else {
            assert_true(se > 0.0 && fabs(mean - want[i]) <= 4.0 * se);
        }
        dp_results_free(m);
        dp_scenario_free(s);
    }
}

/* A coverage path: Pudong's plan asks for 0.26, 0.32, 0.38, 0.44, 0.50 of its target group in
 * 2021-2025, then 0.50: the cohort engine's renovated / group at the end of each year is the
 * path to 1e-6; the micro engine's, in every replicate (R = 3), within one home of it (each
 * year's homes rounded at random, so that the mean is the cohort's). Before: 0.2499, ...,
 * 0.4644 in 2025. */
static void
test_renovation_coverage_reached(void **state)
{
    fixture *f = *state;
    static const double path[] = {0.26, 0.32, 0.38, 0.44, 0.50, 0.50, 0.50};
    dp_scenario *s = NULL;
    dp_results *c = run_file(f, "scenarios/pudong-plan.yaml", 0, 1, 1, &s);
    for (size_t yi = 0; yi < sizeof path / sizeof path[0]; yi++) {
        double cov = ind_at(c, 0, yi, DP_N_IND + DP_PI_RENOVATED) /
                     ind_at(c, 0, yi, DP_N_IND + DP_PI_RENOVATION_GROUP);
        if (fabs(cov - path[yi]) > 1e-6) {
            fprintf(stderr, "pudong-plan year %zu: coverage %.6f, path %.2f\n", yi, cov,
                    path[yi]);
        }
        assert_true(fabs(cov - path[yi]) <= 1e-6);
    }
    dp_results_free(c);
    dp_scenario_free(s);
    dp_results *m = run_file(f, "scenarios/pudong-plan.yaml", 1, 3, 9, &s);
    for (size_t r = 0; r < 3; r++) {
        for (size_t yi = 0; yi < sizeof path / sizeof path[0]; yi++) {
            double ren = ind_at(m, r, yi, DP_N_IND + DP_PI_RENOVATED);
            double grp = ind_at(m, r, yi, DP_N_IND + DP_PI_RENOVATION_GROUP);
            assert_true(fabs(ren - path[yi] * grp) < 1.0);
        }
    }
    dp_results_free(m);
    dp_scenario_free(s);
}

/* The engines agree on renovations and on the total spending in every year of the five
 * baselines: |micro mean - cohort| < 4 SE with R = 20 replicates (seed 11). Before: z of 3-5
 * in the first two years at 20 replicates (9-12 at 200): the micro engine's independent
 * base-year draws gave a first-year demand max(0, 0.2 G - R) > 0 where the cohort's is 0. */
static void
test_renovation_engines_agree(void **state)
{
    fixture *f = *state;
    enum { R = 20 };
    for (size_t i = 0; i < N_REGIONS; i++) {
        char path[128];
        snprintf(path, sizeof path, "scenarios/%s-baseline.yaml", regions[i]);
        dp_scenario *s = NULL;
        dp_results *c = run_file(f, path, 0, 1, 11, &s);
        dp_scenario_free(s);
        dp_results *m = run_file(f, path, 1, R, 11, &s);
        const dp_params *p = dp_scenario_params(s);
        size_t n_year = (size_t)(p->year_end - p->year_start + 1);
        const dp_table *sc = dp_results_find(c, "spending"), *sm = dp_results_find(m, "spending");
        for (size_t yi = 0; yi < n_year; yi++) {
            double ren[R], tot[R], mean, se, tc = 0.0;
            for (size_t k = 0; k < DP_N_PROG; k++) {
                tc += dp_table_run(sc, 0)[yi * DP_N_PROG + k];
            }
            for (size_t r = 0; r < R; r++) {
                ren[r] = flow_at(m, r, yi, DP_FL_RENOVATIONS);
                tot[r] = 0.0;
                for (size_t k = 0; k < DP_N_PROG; k++) {
                    tot[r] += dp_table_run(sm, r)[yi * DP_N_PROG + k];
                }
            }
            const double *series[2] = {ren, tot};
            const double expect[2] = {flow_at(c, 0, yi, DP_FL_RENOVATIONS), tc};
            for (size_t k = 0; k < 2; k++) {
                mean_se(series[k], R, &mean, &se);
                double z = se > 0.0 ? (mean - expect[k]) / se : (mean == expect[k] ? 0.0 : (double)INFINITY);
                if (!(fabs(z) < 4.0)) {
                    fprintf(stderr, "%s year %zu %s: micro %.6g cohort %.6g z %.2f\n", regions[i],
                            yi, k ? "total spending" : "renovations", mean, expect[k], z);
                }
                /* 4 SE of a normal mean: with R runs the same tail probability under
                 * Student's t with R - 1 degrees of freedom (about 5.6 SE for 20 runs). */
                assert_true(fabs(z) < gsl_cdf_tdist_Qinv(gsl_cdf_ugaussian_Q(4.0), R - 1));
            }
        }
        dp_results_free(c);
        dp_results_free(m);
        dp_scenario_free(s);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_employment_status_quo_cohort),
        cmocka_unit_test(test_employment_status_quo_micro),
        cmocka_unit_test(test_national_defaults),
        cmocka_unit_test(test_onsets_small_pools),
        cmocka_unit_test(test_renovation_count_exact),
        cmocka_unit_test(test_renovation_coverage_reached),
        cmocka_unit_test(test_renovation_engines_agree),
    };
    return cmocka_run_group_tests_name("dynamics", tests, setup, teardown);
}
