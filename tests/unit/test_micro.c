/* tests/unit/test_micro.c
 *
 * The micro engine against independent references:
 * - its mean over 400 replicates of Da'an (real data) against the cohort engine's expected
 *   values, for every headline series and year, within 4 standard errors of the mean (the
 *   engines share the rates but not the code that applies them: cells vs persons);
 * - the replicate variance of a pure binomial quantity (first-year deaths among 1,000 persons
 *   with q = 0.01) against n p (1 - p), by the chi-square distribution of (R - 1) s^2 / sigma^2;
 * - the mean with net migration of the disabled (leavers and in-migrant clones) against the
 *   cohort engine's cells x (1 + m);
 * - bit-identical tables for 1 and 2 threads, in both of the engine's parallel modes;
 * - common random numbers: a scenario with only the care-subsidy amount changed has the same
 *   recipients in every replicate, and its spending differs by exactly person-months x the
 *   amount change;
 * - parameter draws: runs/parameters holds dp_params_draw's values, the same in both engines.
 * Seeds are fixed, so the statistical tests do not flake.
 */
#include "dp_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <omp.h>

#include "../../model/src/model_impl.h"
#include "dpsim/rng.h"
#include "dpsim/scenario.h"

enum { N_REP = 400 };

typedef struct {
    dp_ctx *ctx;
    dp_reference *ref;
    dp_scenario *s;
    dp_model *m;
    dp_results *cohort; /* one run */
    dp_results *micro;  /* N_REP runs */
} fixture;

static int
setup(void **state)
{
    gsl_set_error_handler_off();
    fixture *f = calloc(1, sizeof *f);
    f->ctx = dp_ctx_alloc();
    const char *data = dp_test_data_dir();
    if (dp_reference_load(f->ctx, data, &f->ref) != DP_OK ||
        dp_scenario_load(f->ctx, "scenarios/daan-baseline.yaml", data, &f->s) != DP_OK ||
        dp_model_alloc(f->ctx, dp_scenario_params(f->s), f->ref, dp_scenario_region(f->s, 0), 1,
                       &f->m) != DP_OK ||
        dp_cohort_run(f->ctx, f->m, &(dp_engine_opts){1, 1}, &f->cohort) != DP_OK ||
        dp_micro_run(f->ctx, f->m, &(dp_engine_opts){N_REP, 20211}, &f->micro) != DP_OK) {
        fprintf(stderr, "setup: %s\n", dp_ctx_errmsg(f->ctx));
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    dp_results_free(f->cohort);
    dp_results_free(f->micro);
    dp_model_free(f->m);
    dp_scenario_free(f->s);
    dp_reference_free(f->ref);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* The headline series of run `run` in year index yi: disabled persons by grade (4), certified,
 * recipients and spending of every programme. */
enum { N_SERIES = DP_N_GRADE + 1 + 2 * DP_N_PROG };

/* Name of series i, for messages. */
static const char *
series_name(size_t i, char *buf, size_t size)
{
    if (i < DP_N_GRADE) {
        snprintf(buf, size, "grade %zu", i + 1);
    } else if (i == DP_N_GRADE) {
        snprintf(buf, size, "certified");
    } else {
        size_t k = i - DP_N_GRADE - 1;
        snprintf(buf, size, "%s %s", dp_prog_key[k % DP_N_PROG],
                 k < DP_N_PROG ? "recipients" : "spending");
    }
    return buf;
}

static void
headline(const dp_results *res, size_t run, size_t yi, double *out)
{
    const double *dis = dp_table_run(dp_results_find(res, "disabled"), run) + yi * DP_N_BLOCK;
    const double *ind = dp_table_run(dp_results_find(res, "indicators"), run) + yi * DP_N_IND_ALL;
    const double *rec = dp_table_run(dp_results_find(res, "recipients"), run) + yi * DP_N_PROG;
    const double *sp = dp_table_run(dp_results_find(res, "spending"), run) + yi * DP_N_PROG;
    for (size_t i = 0; i < N_SERIES; i++) {
        out[i] = 0.0;
    }
    for (size_t k = 0; k < DP_N_BLOCK; k++) {
        out[dp_block_grade(k)] += dis[k];
    }
    out[DP_N_GRADE] = ind[DP_IN_CERTIFIED];
    for (size_t p = 0; p < DP_N_PROG; p++) {
        out[DP_N_GRADE + 1 + p] = rec[p];
        out[DP_N_GRADE + 1 + DP_N_PROG + p] = sp[p];
    }
}

/* Every headline series, every year: |micro mean - cohort| <= 4 SE of the micro mean. With
 * 9 x 15 = 135 comparisons, the chance that an unbiased engine fails one is about 135 x 6.3e-5
 * = 0.9% for a random seed; the seed is fixed. */
static void
test_micro_mean_matches_cohort(void **state)
{
    fixture *f = *state;
    size_t n_year = f->cohort->axis[dp_results_find_axis(f->cohort, "year")].n;
    double worst = 0.0;
    char name[64];
    for (size_t yi = 0; yi < n_year; yi++) {
        double c[N_SERIES], x[N_SERIES], s1[N_SERIES] = {0}, s2[N_SERIES] = {0};
        headline(f->cohort, 0, yi, c);
        for (size_t run = 0; run < N_REP; run++) {
            headline(f->micro, run, yi, x);
            for (size_t i = 0; i < N_SERIES; i++) {
                s1[i] += x[i];
                s2[i] += x[i] * x[i];
            }
        }
        for (size_t i = 0; i < N_SERIES; i++) {
            double mean = s1[i] / N_REP;
            double var = (s2[i] - N_REP * mean * mean) / (N_REP - 1);
            double se = sqrt(var / N_REP);
            if (se == 0.0) {
                /* No noise: a series that is zero in every run (a programme the scenario does
                 * not fund) must be exactly the cohort's. */
                assert_true(mean == c[i]);
                continue;
            }
            double z = (mean - c[i]) / se;
            if (fabs(z) > fabs(worst)) {
                worst = z;
            }
            if (fabs(z) > 4.0) {
                fprintf(stderr, "year %zu %s: micro %.3f cohort %.3f se %.3f z %.2f\n",
                        2021 + yi, series_name(i, name, sizeof name), mean, c[i], se, z);
            }
            assert_true(fabs(z) <= 4.0);
        }
    }
    printf("# largest |z| of micro vs cohort over 135 series-years: %.2f\n", fabs(worst));
}

/* A tiny hand-built model (as in test_cohort.c): n disabled men aged 30 (physical, grade 2,
 * uncertified, dibao), q = 0.01 at every age, no onsets, births or migration. */
typedef struct {
    dp_reference ref;
    double q[DP_N_SEX * DP_N_AGE];
    dp_model *m;
} tiny;

static void
tiny_build(dp_ctx *ctx, tiny *t, double n, double migration, double mig_factor)
{
    memset(&t->ref, 0, sizeof t->ref);
    for (size_t i = 0; i < DP_N_SEX * DP_N_AGE; i++) {
        t->q[i] = 0.01;
    }
    t->ref.year0 = 2020;
    t->ref.n_year = 1;
    t->ref.q = t->q;
    for (size_t ty = 0; ty < DP_N_TYPE; ty++) {
        t->ref.type_share[ty] = 1.0 / DP_N_TYPE;
        t->ref.severe_share_type[ty] = NAN;
    }
    t->ref.severe_share = 0.3;
    t->ref.grade_within[0] = t->ref.grade_within[1] = 0.5;
    t->ref.grade_within[2] = t->ref.grade_within[3] = 0.5;
    t->ref.male_share = 0.5;
    t->ref.agegroup_prevalence[0] = 0.015;
    t->ref.agegroup_prevalence[1] = 0.04;
    t->ref.agegroup_prevalence[2] = 0.3;
    dp_region_input in;
    memset(&in, 0, sizeof in);
    strcpy(in.id, "tiny");
    in.base_year = 2020;
    in.population = 10.0 * n;
    in.disabled_total = n;
    for (size_t i = 0; i < 3; i++) {
        in.age_share[i] = NAN;
    }
    in.sex_ratio = NAN;
    for (size_t ty = 0; ty < DP_N_TYPE; ty++) {
        in.type_share[ty] = NAN;
    }
    for (size_t k = 0; k < DP_N_MARG; k++) {
        in.marginal[k] = NAN;
    }
    for (size_t k = 0; k < DP_N_PROG; k++) {
        in.recipients[k] = NAN;
    }
    dp_params p;
    dp_params_default(&p);
    p.year_start = 2021;
    p.year_end = 2023;
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        p.mort_rr_grade[g] = 1.0;
    }
    for (size_t ty = 0; ty < DP_N_TYPE; ty++) {
        p.mort_rr_type[ty] = 1.0;
    }
    p.worsen_rate[0] = p.worsen_rate[1] = 0.1;
    p.certify_rate[0] = 0.5;
    p.certify_rate[1] = 0.2;
    p.dibao_entry = p.marginal_entry = 0.0;
    p.prog[DP_PROG_LIVING].take_up = 0.8;
    p.prog[DP_PROG_CARE].take_up = 0.9;
    dp_sched_const(&p.birth_rate, 0.0);
    dp_sched_const(&p.migration_rate, migration);
    p.disabled_migration_factor = mig_factor;
    assert_int_equal(dp_model_alloc(ctx, &p, &t->ref, &in, 1, &t->m), DP_OK);
    dp_region_base *b = &t->m->base[0];
    memset(b->cells, 0, sizeof b->cells);
    memset(b->pop, 0, sizeof b->pop);
    b->cells[dp_cell_index(DP_MALE, 30, DP_PHYSICAL, 1, DP_UNCERT, DP_DIBAO)] = n;
    b->pop[DP_MALE * DP_N_AGE + 30] = 10.0 * n;
    memset(t->m->onset, 0, sizeof t->m->onset);
    for (size_t age = 0; age < DP_N_AGE; age++) {
        t->m->q_scale[age] = 1.0;
    }
}

/* First-year deaths among n = 1,000 persons with q = 0.01 (grade-2 relative risk set to 1) are
 * Binomial(n, q): the base cell holds a whole number of persons, so it is not rounded at
 * random. (R - 1) s^2 / (n q (1 - q)) ~ chi-square(R - 1); the bounds are its 0.05% and 99.95%
 * quantiles. The mean is checked too (within 4 SE). */
static void
test_micro_binomial_variance(void **state)
{
    fixture *f = *state;
    enum { R = 2000 };
    const double n = 1000.0, q = 0.01;
    tiny t;
    tiny_build(f->ctx, &t, n, 0.0, 0.0);
    dp_results *res = NULL;
    assert_int_equal(dp_micro_run(f->ctx, t.m, &(dp_engine_opts){R, 7}, &res), DP_OK);
    const dp_table *fl = dp_results_find(res, "flows");
    double s1 = 0.0, s2 = 0.0;
    for (size_t run = 0; run < R; run++) {
        double d = dp_table_run(fl, run)[DP_FL_DEATHS_D]; /* year 2021, region 0 */
        s1 += d;
        s2 += d * d;
    }
    double mean = s1 / R, var = (s2 - R * mean * mean) / (R - 1);
    double sigma2 = n * q * (1.0 - q);
    assert_true(fabs(mean - n * q) <= 4.0 * sqrt(sigma2 / R));
    double chi = (R - 1) * var / sigma2;
    double lo = gsl_cdf_chisq_Pinv(0.0005, R - 1), hi = gsl_cdf_chisq_Pinv(0.9995, R - 1);
    printf("# deaths: mean %.3f (n q = %.1f), variance %.3f (n q (1 - q) = %.3f), chi2 %.1f in "
           "[%.1f, %.1f]\n",
           mean, n * q, var, sigma2, chi, lo, hi);
    assert_true(chi >= lo && chi <= hi);
    dp_results_free(res);
    dp_model_free(t.m);
}

/* With net migration of the disabled, leavers (m < 0) and in-migrant clones (m > 0) give the
 * cohort engine's expected counts: the disabled total in each year within 4 SE. */
static void
test_micro_migration_mean(void **state)
{
    fixture *f = *state;
    const double rates[2] = {-0.05, 0.05};
    for (size_t k = 0; k < 2; k++) {
        tiny t;
        tiny_build(f->ctx, &t, 2000.0, rates[k], 1.0);
        dp_results *c = NULL, *mi = NULL;
        assert_int_equal(dp_cohort_run(f->ctx, t.m, &(dp_engine_opts){1, 1}, &c), DP_OK);
        assert_int_equal(dp_micro_run(f->ctx, t.m, &(dp_engine_opts){300, 99}, &mi), DP_OK);
        const dp_table *ci = dp_results_find(c, "indicators");
        const dp_table *mii = dp_results_find(mi, "indicators");
        const dp_table *cf = dp_results_find(c, "flows");
        const dp_table *mf = dp_results_find(mi, "flows");
        for (size_t yi = 0; yi < 3; yi++) {
            double s1 = 0.0, s2 = 0.0, g1 = 0.0, g2 = 0.0;
            for (size_t run = 0; run < 300; run++) {
                double x = dp_table_run(mii, run)[yi * DP_N_IND + DP_IN_DISABLED];
                double g = dp_table_run(mf, run)[yi * DP_N_FLOW + DP_FL_MIGRATION_D];
                s1 += x;
                s2 += x * x;
                g1 += g;
                g2 += g * g;
            }
            double mean = s1 / 300, se = sqrt((s2 - 300 * mean * mean) / 299 / 300);
            double gm = g1 / 300, gse = sqrt((g2 - 300 * gm * gm) / 299 / 300);
            double cx = ci->data[yi * DP_N_IND + DP_IN_DISABLED];
            double cg = cf->data[yi * DP_N_FLOW + DP_FL_MIGRATION_D];
            assert_true(fabs(mean - cx) <= 4.0 * se);
            assert_true(fabs(gm - cg) <= 4.0 * gse);
            assert_true(cg * rates[k] > 0.0); /* the flow has the sign of the rate */
        }
        dp_results_free(c);
        dp_results_free(mi);
        dp_model_free(t.m);
    }
}

/* Every per-run table of a and b is bit-identical. */
static void
assert_same_tables(const dp_results *a, const dp_results *b, size_t run_a, size_t run_b)
{
    assert_int_equal(a->n_table, b->n_table);
    for (size_t i = 0; i < a->n_table; i++) {
        const dp_table *ta = &a->table[i], *tb = &b->table[i];
        assert_string_equal(ta->name, tb->name);
        if (!ta->per_run) {
            continue;
        }
        assert_memory_equal(dp_table_run(ta, run_a), dp_table_run(tb, run_b),
                            ta->size * sizeof(double));
    }
}

/* 1 vs 2 threads, and the engine's two parallel modes (replicates in parallel; one replicate's
 * persons in parallel chunks), give identical tables. The tiny region has 100,000 persons: four
 * chunks. */
static void
test_micro_threads_identical(void **state)
{
    fixture *f = *state;
    tiny t;
    tiny_build(f->ctx, &t, 100000.0, -0.01, 1.0);
    dp_results *one = NULL, *two = NULL, *many = NULL;
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    assert_int_equal(dp_micro_run(f->ctx, t.m, &(dp_engine_opts){1, 5}, &one), DP_OK);
    omp_set_num_threads(2);
    assert_int_equal(dp_micro_run(f->ctx, t.m, &(dp_engine_opts){1, 5}, &two), DP_OK);
    assert_int_equal(dp_micro_run(f->ctx, t.m, &(dp_engine_opts){4, 5}, &many), DP_OK);
    omp_set_num_threads(saved);
    assert_same_tables(one, two, 0, 0);  /* chunk mode, 1 vs 2 threads */
    assert_same_tables(one, many, 0, 0); /* chunk mode vs replicate mode */
    dp_results_free(one);
    dp_results_free(two);
    dp_results_free(many);
    dp_model_free(t.m);

    /* Da'an, replicates in parallel: 1 vs 2 threads. */
    omp_set_num_threads(1);
    assert_int_equal(dp_micro_run(f->ctx, f->m, &(dp_engine_opts){6, 3}, &one), DP_OK);
    omp_set_num_threads(2);
    assert_int_equal(dp_micro_run(f->ctx, f->m, &(dp_engine_opts){6, 3}, &two), DP_OK);
    omp_set_num_threads(saved);
    for (size_t run = 0; run < 6; run++) {
        assert_same_tables(one, two, run, run);
    }
    dp_results_free(one);
    dp_results_free(two);
}

/* Common random numbers: the same scenario with only the care-subsidy amounts raised by 50
 * yuan/month (grades 1-2) has identical recipients in every replicate (no person's events
 * depend on the amount), and its care spending is larger by exactly the person-months of
 * grades 1-2 x 50 in every replicate and year. */
static void
test_micro_common_random_numbers(void **state)
{
    fixture *f = *state;
    enum { R = 20 };
    dp_params p = *dp_scenario_params(f->s);
    for (size_t g = 0; g < 2; g++) {
        dp_sched *s = &p.prog[DP_PROG_CARE].amount[g];
        for (size_t i = 0; i < s->n; i++) {
            s->value[i] += 50.0;
        }
    }
    /* Take-up as the baseline calibrated it, so that the two scenarios differ only in amounts
     * (calibration divides base-year recipients by eligible persons, which the amount does not
     * change; fixing it keeps the test independent of that). */
    for (size_t prog = 0; prog < DP_N_PROG; prog++) {
        p.prog[prog].take_up = dp_model_take_up(f->m, 0, prog);
    }
    dp_model *alt = NULL;
    dp_results *a = NULL, *b = NULL;
    assert_int_equal(dp_model_alloc(f->ctx, &p, f->ref, dp_scenario_region(f->s, 0), 1, &alt),
                     DP_OK);
    assert_int_equal(dp_micro_run(f->ctx, f->m, &(dp_engine_opts){R, 11}, &b), DP_OK);
    assert_int_equal(dp_micro_run(f->ctx, alt, &(dp_engine_opts){R, 11}, &a), DP_OK);
    const dp_table *rb = dp_results_find(b, "recipients"), *ra = dp_results_find(a, "recipients");
    const dp_table *pb = dp_results_find(b, "person_months");
    const dp_table *sb = dp_results_find(b, "spending"), *sa = dp_results_find(a, "spending");
    size_t n_year = (size_t)(p.year_end - p.year_start + 1);
    for (size_t run = 0; run < R; run++) {
        assert_memory_equal(dp_table_run(rb, run), dp_table_run(ra, run),
                            rb->size * sizeof(double));
        for (size_t yi = 0; yi < n_year; yi++) {
            const double *pm = dp_table_run(pb, run) + (yi * DP_N_PROG + DP_PROG_CARE) * DP_N_GRADE;
            double diff = dp_table_run(sa, run)[yi * DP_N_PROG + DP_PROG_CARE] -
                          dp_table_run(sb, run)[yi * DP_N_PROG + DP_PROG_CARE];
            double expect = 50.0 * (pm[0] + pm[1]);
            assert_close(diff, expect, 1e-9, 1e-6);
            assert_true(expect > 0.0);
            /* The living subsidy is untouched. */
            assert_true(dp_table_run(sa, run)[yi * DP_N_PROG + DP_PROG_LIVING] ==
                        dp_table_run(sb, run)[yi * DP_N_PROG + DP_PROG_LIVING]);
        }
    }
    dp_results_free(a);
    dp_results_free(b);
    dp_model_free(alt);
}

/* Parameter draws: with two uncertain parameters, runs/parameters holds exactly
 * dp_params_draw's values for each replicate, both engines draw the same values, and a single
 * run projects the central values. */
static void
test_micro_parameter_draws(void **state)
{
    fixture *f = *state;
    dp_params p = *dp_scenario_params(f->s);
    p.n_uncertain = 2;
    memset(p.uncertain, 0, 2 * sizeof p.uncertain[0]);
    strcpy(p.uncertain[0].name, "rates.onset_multiplier");
    p.uncertain[0].dist = (dp_dist){DP_DIST_LOGNORMAL, 1.0, 0.1, 0.0};
    p.uncertain[0].min = 0.0;
    p.uncertain[0].max = 10.0;
    p.uncertain[0].n_target = 1;
    p.uncertain[0].offset[0] = offsetof(dp_params, onset_multiplier);
    strcpy(p.uncertain[1].name, "programmes.care_subsidy.take_up");
    p.uncertain[1].dist = (dp_dist){DP_DIST_BETA, 0.9, 0.03, 0.0};
    p.uncertain[1].min = 0.0;
    p.uncertain[1].max = 1.0;
    p.uncertain[1].n_target = 1;
    p.uncertain[1].offset[0] = offsetof(dp_params, prog[DP_PROG_CARE].take_up);
    p.onset_multiplier = dp_dist_mean(&p.uncertain[0].dist);
    p.prog[DP_PROG_CARE].take_up = 0.9;
    dp_model *m = NULL;
    dp_results *mi = NULL, *co = NULL, *single = NULL;
    assert_int_equal(dp_model_alloc(f->ctx, &p, f->ref, dp_scenario_region(f->s, 0), 1, &m),
                     DP_OK);
    assert_int_equal(dp_micro_run(f->ctx, m, &(dp_engine_opts){5, 42}, &mi), DP_OK);
    assert_int_equal(dp_cohort_run(f->ctx, m, &(dp_engine_opts){5, 42}, &co), DP_OK);
    assert_int_equal(dp_cohort_run(f->ctx, m, &(dp_engine_opts){1, 42}, &single), DP_OK);
    const dp_table *tm = dp_results_find(mi, "parameters"), *tc = dp_results_find(co, "parameters");
    assert_non_null(tm);
    assert_non_null(tc);
    gsl_rng *r = dp_rng_alloc();
    dp_params drawn;
    double v[2];
    for (size_t run = 0; run < 5; run++) {
        dp_params_draw(&p, 42, (uint32_t)run, r, &drawn, v);
        assert_true(dp_table_run(tm, run)[0] == v[0] && dp_table_run(tm, run)[1] == v[1]);
        assert_true(dp_table_run(tc, run)[0] == v[0] && dp_table_run(tc, run)[1] == v[1]);
        assert_true(drawn.onset_multiplier == v[0]);
        assert_true(v[1] > 0.0 && v[1] < 1.0);
    }
    /* The parameter axis names them in English and Chinese (the segment names of
     * docs/scenarios.md). */
    const dp_axis *ax = &mi->axis[dp_results_find_axis(mi, "parameter")];
    assert_string_equal(ax->label[1], "programmes.care_subsidy.take_up");
    assert_string_equal(ax->label_zh[0], "新发残疾乘数");
    assert_string_equal(ax->label_zh[1], "重度残疾人护理补贴·领取率");
    /* Draws differ between replicates. */
    assert_true(dp_table_run(tm, 0)[0] != dp_table_run(tm, 1)[0]);
    /* A single run holds the central values. */
    const dp_table *ts = dp_results_find(single, "parameters");
    assert_close(ts->data[0], exp(0.005), 1e-15, 0); /* lognormal mean: median e^(sd^2/2) */
    assert_close(ts->data[1], 0.9, 1e-15, 0);
    dp_rng_free(r);
    dp_results_free(mi);
    dp_results_free(co);
    dp_results_free(single);
    dp_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_micro_mean_matches_cohort),
        cmocka_unit_test(test_micro_binomial_variance),
        cmocka_unit_test(test_micro_migration_mean),
        cmocka_unit_test(test_micro_threads_identical),
        cmocka_unit_test(test_micro_common_random_numbers),
        cmocka_unit_test(test_micro_parameter_draws),
    };
    return cmocka_run_group_tests_name("micro", tests, setup, teardown);
}
