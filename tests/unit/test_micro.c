/* tests/unit/test_micro.c
 *
 * The micro engine against independent references:
 * - its mean over 400 replicates of Da'an (real data, with a renovation coverage target and
 *   employment programme numbers added) against the cohort engine's expected values, for every
 *   headline series and year, within 4 standard errors of the mean (the engines share the rates
 *   but not the code that applies them: cells vs persons);
 * - the person flags (employed, renovated home) on a tiny model against hand formulas: the
 *   base-year shares, the stationary employed share, entries and exits, the first year's
 *   renovations towards a coverage target; and, with every flag probability 0, flags that
 *   follow their persons through grade, card and household changes unchanged;
 * - the replicate variance of a pure binomial quantity (first-year deaths among 1,000 persons
 *   with q = 0.01) against n p (1 - p), by the chi-square distribution of (R - 1) s^2 / sigma^2;
 * - the mean with net migration of the disabled (leavers and in-migrant clones) against the
 *   cohort engine's cells x (1 + m);
 * - bit-identical tables for 1 and 2 threads, in both of the engine's parallel modes;
 * - common random numbers: a scenario with only the care-subsidy and job-subsidy amounts
 *   changed has the same recipients, flows, employment and renovation paths in every replicate,
 *   and its spending differs by exactly person-months (new jobs) x the amount change;
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

#include "engines/tables.h"
#include "core/rng.h"
#include "input/scenario.h"

enum { N_REP = 400 };

typedef struct {
    dp_ctx *ctx;
    dp_reference *ref;
    dp_scenario *s;
    dp_params p; /* the fixture's parameters (fixture_params) */
    dp_model *m;
    dp_results *cohort; /* one run */
    dp_results *micro;  /* N_REP runs */
} fixture;

/* The fixture's scenario: Da'an's baseline plus what makes every flag series move (test
 * values, not a plan's): a home_renovation coverage target above the base-year share (0.2),
 * rising from 0.25 in 2021 by 0.02 a year, so that homes are renovated every year; trainees,
 * public-welfare posts and over-quota awards. */
static void
fixture_params(dp_params *p)
{
    dp_sched *c = &p->prog[DP_PROG_RENOVATION].coverage;
    c->n = (size_t)(p->year_end - p->year_start + 1);
    for (size_t i = 0; i < c->n; i++) {
        c->year[i] = p->year_start + (int)i;
        c->value[i] = 0.25 + 0.02 * (double)i;
    }
    dp_sched_const(&p->emp.trainees, 120.0);
    dp_sched_const(&p->emp.training_cost, 1500.0);
    dp_sched_const(&p->emp.posts, 40.0);
    dp_sched_const(&p->emp.post_yearly, 12000.0);
    dp_sched_const(&p->emp.awards, 10.0);
    dp_sched_const(&p->emp.award_amount, 5000.0);
}

static int
setup(void **state)
{
    gsl_set_error_handler_off();
    fixture *f = calloc(1, sizeof *f);
    f->ctx = dp_ctx_alloc();
    const char *data = dp_test_data_dir();
    if (dp_reference_load(f->ctx, data, &f->ref) != DP_OK ||
        dp_scenario_load(f->ctx, "scenarios/daan-baseline.yaml", data, &f->s) != DP_OK) {
        fprintf(stderr, "setup: %s\n", dp_ctx_errmsg(f->ctx));
        return -1;
    }
    f->p = *dp_scenario_params(f->s);
    fixture_params(&f->p);
    if (dp_model_alloc(f->ctx, &f->p, f->ref, dp_scenario_region(f->s, 0), 1, &f->m) != DP_OK ||
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
 * the programme indicators of the flags (working age, employed, new jobs, persons in renovated
 * homes, homes renovated so far), and every programme's paid (the pipeline's last stage) and
 * spending. */
static const size_t flag_ind[] = {DP_PI_WORKING_AGE, DP_PI_EMPLOYED, DP_PI_NEW_JOBS,
                                  DP_PI_RENOVATED, DP_PI_RENOVATIONS_CUM};
enum { N_FLAG_IND = sizeof flag_ind / sizeof flag_ind[0] };
enum {
    S_CERT = DP_N_GRADE,
    S_IND = S_CERT + 1,
    S_PAID = S_IND + N_FLAG_IND,
    S_SPENT = S_PAID + DP_N_PROG,
    N_SERIES = S_SPENT + DP_N_PROG
};

/* Name of series i, for messages. */
static const char *
series_name(size_t i, char *buf, size_t size)
{
    static const char *const ind_name[N_FLAG_IND] = {"working_age", "employed", "new_jobs",
                                                     "renovated", "renovations_cumulative"};
    if (i < DP_N_GRADE) {
        snprintf(buf, size, "grade %zu", i + 1);
    } else if (i == S_CERT) {
        snprintf(buf, size, "certified");
    } else if (i < S_PAID) {
        snprintf(buf, size, "%s", ind_name[i - S_IND]);
    } else {
        size_t k = i - S_PAID;
        snprintf(buf, size, "%s %s", dp_prog_key[k % DP_N_PROG],
                 k < DP_N_PROG ? "paid" : "spending");
    }
    return buf;
}

static void
headline(const dp_results *res, size_t run, size_t yi, double *out)
{
    const double *dis = dp_table_run(dp_results_find(res, "disabled"), run) + yi * DP_N_BLOCK;
    const double *ind = dp_table_run(dp_results_find(res, "indicators"), run) + yi * DP_N_IND_ALL;
    const double *rec = dp_table_run(dp_results_find(res, "recipients"), run) + yi * DP_N_PROG;
    const double *pl =
        dp_table_run(dp_results_find(res, "pipeline"), run) + yi * DP_N_PROG * DP_N_STAGE;
    const double *sp = dp_table_run(dp_results_find(res, "spending"), run) + yi * DP_N_PROG;
    for (size_t i = 0; i < N_SERIES; i++) {
        out[i] = 0.0;
    }
    for (size_t k = 0; k < DP_N_BLOCK; k++) {
        out[dp_block_grade(k)] += dis[k];
    }
    out[S_CERT] = ind[DP_IN_CERTIFIED];
    for (size_t i = 0; i < N_FLAG_IND; i++) {
        out[S_IND + i] = ind[DP_N_IND + flag_ind[i]];
    }
    for (size_t p = 0; p < DP_N_PROG; p++) {
        out[S_PAID + p] = pl[p * DP_N_STAGE + DP_STAGE_PAID];
        out[S_SPENT + p] = sp[p];
        /* The recipients table is the pipeline's paid stage (tables.c). */
        assert_true(rec[p] == pl[p * DP_N_STAGE + DP_STAGE_PAID]);
    }
}

/* Every headline series, every year: |micro mean - cohort| <= 4 SE of the micro mean. With
 * 34 x 15 = 510 comparisons (many strongly correlated), the chance that an unbiased engine fails
 * one is at most about 510 x 6.3e-5 = 3% for a random seed; the seed is fixed. The flag series
 * (employed, new jobs, renovated, renovations, home_renovation and employment_support paid and
 * spending) move in both engines: checked below, so that a zero flag series cannot pass as
 * "no noise". */
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
    /* The flag series are not all zero (the micro mean of the last year). */
    double x[N_SERIES], s1[N_SERIES] = {0};
    for (size_t run = 0; run < N_REP; run++) {
        headline(f->micro, run, n_year - 1, x);
        for (size_t i = 0; i < N_SERIES; i++) {
            s1[i] += x[i];
        }
    }
    for (size_t i = 0; i < N_FLAG_IND; i++) {
        assert_true(s1[S_IND + i] > 0.0);
    }
    assert_true(s1[S_PAID + DP_PROG_RENOVATION] > 0.0 && s1[S_PAID + DP_PROG_EMPLOYMENT] > 0.0);
    printf("# largest |z| of micro vs cohort over %zu series-years: %.2f\n", n_year * N_SERIES,
           fabs(worst));
}

/* A tiny hand-built model (as in test_cohort.c): n disabled men aged 30 (physical, grade 2,
 * uncertified, dibao), q = 0.01 at every age, no onsets, births or migration. */
typedef struct {
    dp_reference ref;
    double q[DP_N_SEX * DP_N_AGE];
    dp_model *m;
} tiny;

static void
tiny_build_with(dp_ctx *ctx, tiny *t, double n, double migration, double mig_factor,
                void (*adjust)(dp_params *))
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
    /* A flat national age table: one person per single age (5 per group, 1 at 100+). */
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t g = 0; g < 21; g++) {
            t->ref.pop5[sex][g] = g < 20 ? 5.0 : 1.0;
        }
    }
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
    if (adjust) {
        adjust(&p);
    }
    assert_int_equal(dp_model_alloc(ctx, &p, &t->ref, &in, 1, &t->m), DP_OK);
    dp_region_base *b = &t->m->base[0];
    memset(b->cells, 0, sizeof b->cells);
    memset(b->pop, 0, sizeof b->pop);
    b->cells[dp_cell_index(DP_MALE, 30, DP_PHYSICAL, 1, DP_UNCERT, DP_DIBAO)] = n;
    b->pop[DP_MALE * DP_N_AGE + 30] = 10.0 * n;
    memset(b->onset, 0, sizeof b->onset);
    for (size_t age = 0; age < DP_N_AGE; age++) {
        t->m->q_scale[age] = 1.0;
        b->q_scale[age] = 1.0;
    }
}

static void
tiny_build(dp_ctx *ctx, tiny *t, double n, double migration, double mig_factor)
{
    tiny_build_with(ctx, t, n, migration, mig_factor, NULL);
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

/* The tiny model for the flag tests: its men aged 30 (physical, grade 2) hold the card (moved
 * from the uncertified cell), so that they are in home_renovation's target group (severe
 * card holders in poor households, the rule set here); no grade changes and no dibao exits, so
 * that every person stays in their cell but for age; employment: base share s = 0.5 for every
 * type and grade, exit x = 0.1, hence balanced entry e = x s / (1 - s) = 0.1; renovation:
 * 20% renovated at the base, coverage target 50%. */
static void
flags_params(dp_params *p)
{
    p->worsen_rate[0] = p->worsen_rate[1] = 0.0;
    p->improve_rate = 0.0;
    p->dibao_exit = 0.0;
    p->emp.base_rate = 0.5;
    for (size_t ty = 0; ty < DP_N_TYPE; ty++) {
        p->emp.type_factor[ty] = 1.0;
    }
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        p->emp.grade_factor[g] = 1.0;
    }
    p->emp.exit_rate = 0.1;
    p->emp.entry_multiplier = 1.0;
    dp_prog_params *g = &p->prog[DP_PROG_RENOVATION];
    g->enabled = 1;
    g->need_card = 1;
    g->n_rule = 1;
    g->rule[0] =
        (dp_rule){.from = 0, .types = DP_ALL_TYPES, .grades = 0x3, .hh = (1u << DP_DIBAO) | (1u << DP_MARGINAL), .age_min = 0, .age_max = DP_MAX_AGE};
    g->take_up = 1.0;
    g->capacity.n = 0;
    g->budget_cap.n = 0;
    dp_sched_const(&g->coverage, 0.5);
    p->renovations.n = 0;
    p->renovated_base = 0.2;
}

/* Moves the tiny model's base persons to the certified cell (or half of them: `half`). */
static void
tiny_certify(tiny *t, double n, int half)
{
    dp_region_base *b = &t->m->base[0];
    b->cells[dp_cell_index(DP_MALE, 30, DP_PHYSICAL, 1, DP_UNCERT, DP_DIBAO)] = half ? n / 2 : 0.0;
    b->cells[dp_cell_index(DP_MALE, 30, DP_PHYSICAL, 1, DP_CERT, DP_DIBAO)] = half ? n / 2 : n;
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

/* Flags against hand formulas on the tiny model (n = 4,000 persons, q = 0.01, R = 400
 * replicates, 2021-2023; flags_params). Nobody changes cell but for age and everybody is of
 * working age (30-32), so with S_y = n (1 - q)^y the survivors at the end of year y (expected):
 * - employed: the base share s is kept by the balanced entry, s (1 - x) + (1 - s) e = s, so
 *   E[employed_y] = s S_y = 0.5 S_y; E[entries_y] = (1 - s) e S_y = x s S_y = 0.05 S_y, and
 *   E[exits_y] = s x S_y = 0.05 S_y; everyone lives in a dibao household, so the entries from
 *   dibao equal the entries exactly; working_age = disabled exactly;
 * - renovated, year 1: with R0 of the n renovated at the base (E = 0.2 n), the year asks for
 *   0.5 n - R0 homes, a probability (0.5 n - R0) / (n - R0) for each of the (n - R0) (1 - q)
 *   expected non-renovated survivors: E[renovations_1] = (1 - q) (0.5 - 0.2) n = 0.3 (1 - q) n,
 *   and the renovated stock E = (1 - q) (0.2 n + 0.3 n) = 0.5 (1 - q) n; homes renovated so
 *   far = the year's renovations exactly, and the target group = the disabled exactly.
 * Means within 4 standard errors of the replicate mean. */
static void
test_micro_flags_hand(void **state)
{
    fixture *f = *state;
    enum { R = 400 };
    const double n = 4000.0, q = 0.01, s = 0.5, x = 0.1;
    tiny t;
    tiny_build_with(f->ctx, &t, n, 0.0, 0.0, flags_params);
    tiny_certify(&t, n, 0);
    dp_results *res = NULL;
    assert_int_equal(dp_micro_run(f->ctx, t.m, &(dp_engine_opts){R, 17}, &res), DP_OK);
    const dp_table *ind = dp_results_find(res, "indicators");
    const dp_table *fl = dp_results_find(res, "flows");
    static double v[6][R];
    double mean, se;
    for (size_t yi = 0; yi < 3; yi++) {
        double surv = n * pow(1.0 - q, (double)(yi + 1));
        for (size_t run = 0; run < R; run++) {
            const double *in = dp_table_run(ind, run) + yi * DP_N_IND_ALL;
            const double *pi = in + DP_N_IND;
            const double *fw = dp_table_run(fl, run) + yi * DP_N_FLOW;
            assert_true(pi[DP_PI_WORKING_AGE] == in[DP_IN_DISABLED]);
            assert_true(pi[DP_PI_RENOVATION_GROUP] == in[DP_IN_DISABLED]);
            assert_true(fw[DP_FL_JOBS_FROM_DIBAO] == fw[DP_FL_JOBS_IN]);
            assert_true(pi[DP_PI_NEW_JOBS] == fw[DP_FL_JOBS_IN]);
            if (yi == 0) {
                assert_true(pi[DP_PI_RENOVATIONS_CUM] == fw[DP_FL_RENOVATIONS]);
            }
            v[0][run] = in[DP_IN_DISABLED];
            v[1][run] = pi[DP_PI_EMPLOYED];
            v[2][run] = fw[DP_FL_JOBS_IN];
            v[3][run] = fw[DP_FL_JOBS_OUT];
            v[4][run] = fw[DP_FL_RENOVATIONS];
            v[5][run] = pi[DP_PI_RENOVATED];
        }
        const double expect[6] = {
            surv, s * surv, x * s * surv, s * x * surv, 0.3 * (1.0 - q) * n, 0.5 * (1.0 - q) * n};
        for (size_t k = 0; k < 6; k++) {
            if (k >= 4 && yi > 0) {
                continue; /* renovations: the first year only (see above) */
            }
            mean_se(v[k], R, &mean, &se);
            if (fabs(mean - expect[k]) > 4.0 * se) {
                fprintf(stderr, "year %zu series %zu: mean %.2f expected %.2f se %.3f\n", yi, k,
                        mean, expect[k], se);
            }
            assert_true(se > 0.0 && fabs(mean - expect[k]) <= 4.0 * se);
        }
    }
    dp_results_free(res);
    dp_model_free(t.m);
}

/* With no deaths (q = 0), no exits from work, no entries into work (the target share is the
 * base share and nobody enters working age) and no renovations (target 0 below the base stock), every person keeps the flags drawn in the base year while persons
 * change grade (worsening 0.1), get the card (half start without it) and leave dibao (5% a
 * year): in every replicate the employed count is the same in every year, no flows of the flags
 * occur, and the renovated count (of persons still in the target group: certified, severe, in
 * poor households) can only fall as persons leave dibao, never rise. The base shares: E[employed]
 * = 0.5 n; E[renovated, year 1] = 0.2 x n / 2 x (1 - 0.05): a fifth of the certified half
 * (the only part in the group at the base), less those whose household left dibao in the year
 * (worsening keeps them severe; the uncertified half gets no renovated flag: base share and
 * renovation probability 0). Within 4 SE. */
static void
tiny_follow_params(dp_params *p)
{
    flags_params(p);
    p->worsen_rate[0] = p->worsen_rate[1] = 0.1;
    p->dibao_exit = 0.05;
    p->emp.exit_rate = 0.0;
    /* The target share is the base share: with no exits, a person bringing the share s into
     * the year starts work with (s - s (1 - 0)) / (1 - s) = 0 and stops with 0. */
    p->emp.entry_multiplier = 1.0;
    dp_sched_const(&p->prog[DP_PROG_RENOVATION].coverage, 0.0);
}

static void
test_micro_flags_follow_persons(void **state)
{
    fixture *f = *state;
    enum { R = 100 };
    const double n = 4000.0;
    tiny t;
    tiny_build_with(f->ctx, &t, n, 0.0, 0.0, tiny_follow_params);
    tiny_certify(&t, n, 1);
    for (size_t i = 0; i < DP_N_SEX * DP_N_AGE; i++) {
        t.q[i] = 0.0;
    }
    dp_results *res = NULL;
    assert_int_equal(dp_micro_run(f->ctx, t.m, &(dp_engine_opts){R, 23}, &res), DP_OK);
    const dp_table *ind = dp_results_find(res, "indicators");
    const dp_table *fl = dp_results_find(res, "flows");
    double emp[R], ren[R], mean, se, moves = 0.0;
    for (size_t run = 0; run < R; run++) {
        const double *in = dp_table_run(ind, run);
        const double *fw = dp_table_run(fl, run);
        emp[run] = in[DP_N_IND + DP_PI_EMPLOYED];
        ren[run] = in[DP_N_IND + DP_PI_RENOVATED];
        for (size_t yi = 0; yi < 3; yi++) {
            const double *iy = in + yi * DP_N_IND_ALL, *fy = fw + yi * DP_N_FLOW;
            assert_true(iy[DP_IN_DISABLED] == n); /* no deaths */
            assert_true(iy[DP_N_IND + DP_PI_EMPLOYED] == emp[run]);
            assert_true(fy[DP_FL_JOBS_IN] == 0.0 && fy[DP_FL_JOBS_OUT] == 0.0 &&
                        fy[DP_FL_RENOVATIONS] == 0.0);
            if (yi > 0) {
                assert_true(iy[DP_N_IND + DP_PI_RENOVATED] <=
                            in[(yi - 1) * DP_N_IND_ALL + DP_N_IND + DP_PI_RENOVATED]);
            }
            moves += fy[DP_FL_WORSENED] + fy[DP_FL_CERTIFIED] + fy[DP_FL_DIBAO_OUT];
        }
    }
    assert_true(moves > 0.0); /* the persons did change cells */
    mean_se(emp, R, &mean, &se);
    assert_true(fabs(mean - 0.5 * n) <= 4.0 * se);
    mean_se(ren, R, &mean, &se);
    assert_true(fabs(mean - 0.2 * n / 2 * 0.95) <= 4.0 * se);
    dp_results_free(res);
    dp_model_free(t.m);
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
    /* The flags moved in that run (the default employment rates; in 2022, renovations towards
     * the default coverage target of those who got the card in 2021), so that their tallies
     * were summed over chunks too. */
    const double *fw = dp_table_run(dp_results_find(one, "flows"), 0);
    assert_true(fw[DP_FL_JOBS_IN] > 0.0 && fw[DP_FL_JOBS_OUT] > 0.0);
    assert_true(fw[DP_N_FLOW + DP_FL_RENOVATIONS] > 0.0);
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

/* Common random numbers: the fixture's scenario with only the care-subsidy amounts raised by
 * 50 yuan/month (grades 1-2) and the job subsidy by 500 yuan a new job has identical recipients,
 * flows (employment entries and exits, renovations) and flag indicators (employed, new jobs,
 * renovated) in every replicate: no person's events or flags depend on the amounts. Its care
 * spending is larger by exactly the person-months of grades 1-2 x 50 in every replicate and
 * year, and the job-subsidy spending by exactly the subsidised new jobs x the amount change. */
static void
test_micro_common_random_numbers(void **state)
{
    fixture *f = *state;
    enum { R = 20 };
    dp_params p = f->p;
    for (size_t g = 0; g < 2; g++) {
        dp_sched *s = &p.prog[DP_PROG_CARE].amount[g];
        for (size_t i = 0; i < s->n; i++) {
            s->value[i] += 50.0;
        }
    }
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        dp_sched *s = &p.prog[DP_PROG_EMPLOYMENT].amount[g];
        for (size_t i = 0; i < s->n; i++) {
            s->value[i] += 500.0;
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
    const dp_table *fb = dp_results_find(b, "flows"), *fa = dp_results_find(a, "flows");
    const dp_table *ib = dp_results_find(b, "indicators"), *ia = dp_results_find(a, "indicators");
    const dp_table *eb = dp_results_find(b, "employment_spending");
    const dp_table *ea = dp_results_find(a, "employment_spending");
    size_t n_year = (size_t)(p.year_end - p.year_start + 1);
    double jobs_all = 0.0;
    for (size_t run = 0; run < R; run++) {
        assert_memory_equal(dp_table_run(rb, run), dp_table_run(ra, run),
                            rb->size * sizeof(double));
        assert_memory_equal(dp_table_run(fb, run), dp_table_run(fa, run),
                            fb->size * sizeof(double));
        for (size_t yi = 0; yi < n_year; yi++) {
            const double *xb = dp_table_run(ib, run) + yi * DP_N_IND_ALL + DP_N_IND;
            const double *xa = dp_table_run(ia, run) + yi * DP_N_IND_ALL + DP_N_IND;
            assert_true(xb[DP_PI_EMPLOYED] == xa[DP_PI_EMPLOYED]);
            assert_true(xb[DP_PI_NEW_JOBS] == xa[DP_PI_NEW_JOBS]);
            assert_true(xb[DP_PI_RENOVATED] == xa[DP_PI_RENOVATED]);
            /* Job subsidies: new jobs paid (employment_support's recipients) x the change. */
            int year = p.year_start + (int)yi;
            double jobs = dp_table_run(rb, run)[yi * DP_N_PROG + DP_PROG_EMPLOYMENT];
            double da = dp_prog_amount(&p, DP_PROG_EMPLOYMENT, 0, year) -
                        dp_prog_amount(&f->p, DP_PROG_EMPLOYMENT, 0, year);
            double diff = dp_table_run(ea, run)[yi * DP_N_EMPS + DP_EMPS_JOBS] -
                          dp_table_run(eb, run)[yi * DP_N_EMPS + DP_EMPS_JOBS];
            assert_true(da > 0.0);
            assert_close(diff, jobs * da, 1e-9, 1e-6);
            jobs_all += jobs;
        }
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
    assert_true(jobs_all > 0.0);
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
        cmocka_unit_test(test_micro_flags_hand),
        cmocka_unit_test(test_micro_flags_follow_persons),
        cmocka_unit_test(test_micro_threads_identical),
        cmocka_unit_test(test_micro_common_random_numbers),
        cmocka_unit_test(test_micro_parameter_draws),
    };
    return cmocka_run_group_tests_name("micro", tests, setup, teardown);
}
