/* tests/unit/test_dynamics.c
 *
 * Dynamics that hold up (docs/model.md §2, §4): what the status quo must keep when nothing
 * changes.
 * - Onset rates for the region's own level (§4.3): under constant rates (the base year's life
 *   table in every year, one relative risk of death for every grade and type, so that grade
 *   changes do not move mortality) and net migration 0, the prevalence of every sex and age
 *   stays at its base-year value for 15 years, within 0.5% (relative), at regions 0.5, 1 and
 *   1.3 times the national prevalence, in the cohort engine; and in the micro engine's mean at
 *   one scale, within 4 standard errors. Expected value: the base year's own prevalence (the
 *   onset rates are derived to keep it; the test would fail with the national rates scaled,
 *   which inflate a region below the national level).
 * - Migration (§2 step 9): one Rogers-Castro age schedule for everyone, scaled to the region's
 *   total; hand values of the profile; the disabled and the others of one age migrate at the
 *   same rate with factor 1 (so prevalence by age stays under migration too).
 * - Balanced certification (§2 step 5): under a seed region's status quo (its baseline scenario,
 *   with its migration), the certified share of every age group (0-14, 15-59, 60+) x severity
 *   group (grades 1-2, 3-4) at the end of every year is the base year's, to 1e-9 in the cohort
 *   engine (expected value: the share computed here from the fitted base cells) and within 4
 *   standard errors in the micro engine's mean.
 * - Age structure (§4.2): 5-year groups split into single ages keep each group's total to 1e-9
 *   (relative) and change from one age to the next by no more than the largest difference of
 *   neighbouring group means per year (no cliff); the broad shares alone are met exactly and
 *   split without a cliff at 15 and 60.
 * Seeds are fixed.
 */
#include "dp_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "engines/tables.h"
#include "input/reference.h"
#include "input/scenario.h"

typedef struct {
    dp_ctx *ctx;
    dp_reference *ref;  /* the real reference, with the base year's q in every year */
    dp_reference *real; /* the real reference as shipped */
} fixture;

static int
setup(void **state)
{
    gsl_set_error_handler_off();
    fixture *f = calloc(1, sizeof *f);
    f->ctx = dp_ctx_alloc();
    if (dp_reference_load(f->ctx, dp_test_data_dir(), &f->ref) != DP_OK ||
        dp_reference_load(f->ctx, dp_test_data_dir(), &f->real) != DP_OK) {
        fprintf(stderr, "setup: %s\n", dp_ctx_errmsg(f->ctx));
        return -1;
    }
    /* Constant rates: the life table of 2020 (the base year) in every year. */
    size_t per = DP_N_SEX * DP_N_AGE, y0 = (size_t)(2020 - f->ref->year0);
    for (size_t y = 0; y < f->ref->n_year; y++) {
        memcpy(f->ref->q + y * per, f->ref->q + y0 * per, per * sizeof *f->ref->q);
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    dp_reference_free(f->ref);
    dp_reference_free(f->real);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

static void
region(dp_region_input *in, double population, double disabled)
{
    memset(in, 0, sizeof *in);
    strcpy(in->id, "stat");
    strcpy(in->name_zh, "稳态");
    strcpy(in->province, "Nowhere");
    in->base_year = 2020;
    in->population = population;
    in->disabled_total = disabled;
    in->birth_rate = 0.01;
    in->migration_rate = 0.0;
    for (size_t i = 0; i < 3; i++) {
        in->age_share[i] = NAN;
    }
    in->sex_ratio = NAN;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        in->type_share[t] = NAN;
    }
    for (size_t k = 0; k < DP_N_MARG; k++) {
        in->marginal[k] = NAN;
    }
    for (size_t k = 0; k < DP_N_PROG; k++) {
        in->recipients[k] = NAN;
    }
}

/* Default rates, 2021-2035, one relative risk (2.0) for every grade and type. */
static void
constant_params(dp_params *p)
{
    dp_params_default(p);
    p->year_start = 2021;
    p->year_end = 2035;
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        p->mort_rr_grade[g] = 2.0;
    }
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        p->mort_rr_type[t] = 1.0;
    }
}

/* A model of a region whose prevalence is `scale` times the national profile's (the scale is
 * found from a first build: disabled_total / the profile's expected count). */
static dp_model *
scaled_model(fixture *f, const dp_params *p, double population, double scale)
{
    dp_region_input in;
    dp_model *m = NULL;
    region(&in, population, 0.06 * population);
    assert_int_equal(dp_model_alloc(f->ctx, p, f->ref, &in, 1, &m), DP_OK);
    double s0 = m->base[0].onset_scale;
    dp_model_free(m);
    region(&in, population, 0.06 * population * scale / s0);
    assert_int_equal(dp_model_alloc(f->ctx, p, f->ref, &in, 1, &m), DP_OK);
    assert_close(m->base[0].onset_scale, scale, 1e-6, 0.0);
    return m;
}

/* Base-year prevalence by sex and age from the model's base. */
static void
base_prevalence(const dp_model *m, double *prev)
{
    const dp_region_base *b = &m->base[0];
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double d = 0.0;
        for (size_t k = 0; k < DP_N_BLOCK; k++) {
            d += b->cells[sa * DP_N_BLOCK + k];
        }
        prev[sa] = b->pop[sa] > 0.0 ? d / b->pop[sa] : 0.0;
    }
}

static void
test_prevalence_stationary_cohort(void **state)
{
    fixture *f = *state;
    dp_params p;
    constant_params(&p);
    const double scales[] = {0.5, 1.0, 1.3};
    for (size_t si = 0; si < 3; si++) {
        dp_model *m = scaled_model(f, &p, 1e6, scales[si]);
        dp_results *res = NULL;
        assert_int_equal(dp_cohort_run(f->ctx, m, &(dp_engine_opts){1, 1}, &res), DP_OK);
        double prev0[DP_N_SEX * DP_N_AGE];
        base_prevalence(m, prev0);
        const double *pop = dp_results_find(res, "population")->data;
        const double *dis = dp_results_find(res, "disabled_age")->data;
        double worst = 0.0;
        size_t n_year = (size_t)(p.year_end - p.year_start + 1), checked = 0;
        for (size_t yi = 0; yi < n_year; yi++) {
            for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
                size_t i = yi * DP_N_SEX * DP_N_AGE + sa;
                if (sa % DP_N_AGE == 0) { /* age 0: the year's births, nobody disabled */
                    assert_true(dis[i] == 0.0 && prev0[sa] == 0.0);
                    continue;
                }
                double rel = fabs(dis[i] / pop[i] / prev0[sa] - 1.0);
                worst = rel > worst ? rel : worst;
                checked++;
            }
        }
        printf("scale %.1f: worst relative drift of prevalence by sex and age %.2e\n",
               scales[si], worst);
        assert_true(checked == n_year * DP_N_SEX * (DP_N_AGE - 1));
        assert_true(worst < 0.005);
        dp_results_free(res);
        dp_model_free(m);
    }
}

/* With net migration, one age schedule for the disabled and the others (factor 1) keeps the
 * prevalence of each age as well: migration moves both groups of an age by the same factor. */
static void
test_prevalence_stationary_migration(void **state)
{
    fixture *f = *state;
    const double rates[] = {-0.03, 0.02};
    for (size_t ri = 0; ri < 2; ri++) {
        dp_params p;
        constant_params(&p);
        dp_sched_const(&p.migration_rate, rates[ri]);
        assert_true(p.disabled_migration_factor == 1.0); /* the default */
        dp_model *m = scaled_model(f, &p, 1e6, 0.8);
        dp_results *res = NULL;
        assert_int_equal(dp_cohort_run(f->ctx, m, &(dp_engine_opts){1, 1}, &res), DP_OK);
        double prev0[DP_N_SEX * DP_N_AGE];
        base_prevalence(m, prev0);
        const double *pop = dp_results_find(res, "population")->data;
        const double *dis = dp_results_find(res, "disabled_age")->data;
        const double *fl = dp_results_find(res, "flows")->data;
        double worst = 0.0;
        for (size_t yi = 0; yi < 15; yi++) {
            /* the disabled do migrate, in the direction of the rate */
            assert_true(fl[yi * DP_N_FLOW + DP_FL_MIGRATION_D] * rates[ri] > 0.0);
            for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
                if (sa % DP_N_AGE == 0) {
                    continue;
                }
                size_t i = yi * DP_N_SEX * DP_N_AGE + sa;
                double rel = fabs(dis[i] / pop[i] / prev0[sa] - 1.0);
                worst = rel > worst ? rel : worst;
            }
        }
        assert_true(worst < 0.005);
        dp_results_free(res);
        dp_model_free(m);
    }
}

/* The migration schedule: Rogers-Castro values by hand, its total, and one rate per age for
 * the disabled and the others. */
static void
test_migration_schedule(void **state)
{
    fixture *f = *state;
    /* Hand values of a1 e^(-alpha1 x) + a2 e^(-alpha2 (x - mu2) - e^(-lambda2 (x - mu2))) + c
     * with a1 0.02, alpha1 0.1, a2 0.06, alpha2 0.1, mu2 20, lambda2 0.4, c 0.003:
     * x = 0: 0.02 + 0.06 e^(2 - e^8) (below 1e-300) + 0.003 = 0.023;
     * x = 20: 0.02 e^-2 + 0.06 e^-1 + 0.003 = 0.0027067 + 0.0220728 + 0.003 = 0.0277795;
     * x = 60: 0.02 e^-6 + 0.06 e^(-4 - e^-16) + 0.003 = 0.0000496 + 0.0010989 + 0.003
     *         = 0.0041485. */
    assert_close(dp_migration_profile(0), 0.023, 1e-12, 0.0);
    assert_close(dp_migration_profile(20), 0.02 * exp(-2.0) + 0.06 * exp(-1.0) + 0.003, 1e-12,
                 0.0);
    assert_close(dp_migration_profile(20), 0.0277795, 1e-5, 0.0);
    assert_close(dp_migration_profile(60), 0.0041485, 1e-4, 0.0);
    /* The older migrate less: 60 against the peak's neighbourhood. */
    assert_true(dp_migration_profile(60) < 0.2 * dp_migration_profile(22));

    for (int factor = 0; factor < 2; factor++) {
        dp_params p;
        constant_params(&p);
        dp_sched_const(&p.migration_rate, -0.023);
        p.disabled_migration_factor = factor ? 1.0 : 0.5;
        dp_model *m = scaled_model(f, &p, 1e6, 1.0);
        const dp_region_base *b = &m->base[0];
        dp_year_rates *r = malloc(sizeof *r);
        dp_rates_year(m, &p, 0, 2021, r);
        /* Some start-of-year state other than the base: the base with everyone aged 50+
         * doubled. */
        double nd[DP_N_SEX * DP_N_AGE], *cells = malloc(DP_N_CELL * sizeof *cells);
        double all = 0.0, total = 0.0;
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            double w = sa % DP_N_AGE >= 50 ? 2.0 : 1.0, d = 0.0;
            for (size_t k = 0; k < DP_N_BLOCK; k++) {
                cells[sa * DP_N_BLOCK + k] = w * b->cells[sa * DP_N_BLOCK + k];
                d += cells[sa * DP_N_BLOCK + k];
            }
            nd[sa] = w * b->pop[sa] - d;
        }
        dp_rates_migration(r, nd, cells);
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            size_t age = sa % DP_N_AGE;
            double d = 0.0;
            for (size_t k = 0; k < DP_N_BLOCK; k++) {
                d += cells[sa * DP_N_BLOCK + k];
            }
            all += nd[sa] + d;
            total += r->migration_nd[age] * nd[sa] + r->migration_d[age] * d;
            /* one rate per age, times the factor for the disabled */
            assert_close(r->migration_d[age], p.disabled_migration_factor * r->migration_nd[age],
                         1e-15, 0.0);
            /* the profile's shape */
            assert_close(r->migration_nd[age] / r->migration_nd[20],
                         dp_migration_profile(age) / dp_migration_profile(20), 1e-12, 0.0);
        }
        /* the schedule sums to the region's total: migration_rate x residents */
        assert_close(total, -0.023 * all, 1e-12, 0.0);
        free(cells);
        free(r);
        dp_model_free(m);
    }
}

static void
test_prevalence_stationary_micro(void **state)
{
    fixture *f = *state;
    dp_params p;
    constant_params(&p);
    enum { N_REP = 200, N_GROUP = 9 }; /* ten-year groups 1-9, ..., 80-89, 90+ */
    dp_model *m = scaled_model(f, &p, 20000, 0.8);
    dp_results *res = NULL;
    assert_int_equal(dp_micro_run(f->ctx, m, &(dp_engine_opts){N_REP, 424242}, &res), DP_OK);
    double prev0[DP_N_SEX * DP_N_AGE];
    base_prevalence(m, prev0);
    const dp_table *pt = dp_results_find(res, "population"), *dt = dp_results_find(res, "disabled_age");
    size_t n_year = (size_t)(p.year_end - p.year_start + 1);
    for (size_t yi = 4; yi < n_year; yi += 5) {
        for (size_t g = 0; g < N_GROUP; g++) {
            /* Per replicate: the group's disabled over what the base-year prevalence of each
             * sex and age gives in that replicate's population (1 if prevalence stays). */
            double s = 0.0, ss = 0.0;
            for (size_t r = 0; r < N_REP; r++) {
                const double *pop = dp_table_run(pt, r) + yi * DP_N_SEX * DP_N_AGE;
                const double *dis = dp_table_run(dt, r) + yi * DP_N_SEX * DP_N_AGE;
                double dn = 0.0, want = 0.0;
                for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
                    size_t age = sa % DP_N_AGE;
                    if (age > 0 && (age / 10 < N_GROUP ? age / 10 : N_GROUP - 1) == g) {
                        dn += dis[sa];
                        want += prev0[sa] * pop[sa];
                    }
                }
                s += dn / want;
                ss += dn / want * dn / want;
            }
            double mean = s / N_REP, sd = sqrt((ss - s * mean) / (N_REP - 1));
            double se = sd / sqrt((double)N_REP);
            assert_true(se > 0.0 && se < 0.05);
            if (fabs(mean - 1.0) > 4.0 * se) {
                fail_msg("year %zu, ages %zu-: micro mean ratio %.5f, SE %.5f", yi, g * 10, mean,
                         se);
            }
        }
    }
    dp_results_free(res);
    dp_model_free(m);
}

static size_t
age_group(size_t age)
{
    return age <= 14 ? 0 : (age <= 59 ? 1 : 2);
}

/* Certified share of each (age group, severity group) at the end of year yi of run `run`. */
static void
cert_shares_of(const dp_results *res, size_t run, size_t yi, double share[3][2])
{
    const double *cag = dp_table_run(dp_results_find(res, "certified_age_grade"), run);
    const double *dag = dp_table_run(dp_results_find(res, "disabled_age_grade"), run);
    double c[3][2] = {{0}}, n[3][2] = {{0}};
    size_t per = DP_N_SEX * DP_N_AGE * DP_N_GRADE;
    for (size_t i = 0; i < per; i++) {
        size_t g = i % DP_N_GRADE, age = i / DP_N_GRADE % DP_N_AGE;
        c[age_group(age)][g <= 1 ? 0 : 1] += cag[yi * per + i];
        n[age_group(age)][g <= 1 ? 0 : 1] += dag[yi * per + i];
    }
    for (size_t G = 0; G < 3; G++) {
        for (size_t k = 0; k < 2; k++) {
            share[G][k] = c[G][k] / n[G][k];
        }
    }
}

static dp_model *
scenario_model(fixture *f, const char *path, dp_scenario **s)
{
    dp_model *m = NULL;
    assert_int_equal(dp_scenario_load(f->ctx, path, dp_test_data_dir(), s), DP_OK);
    assert_int_equal(dp_model_alloc(f->ctx, dp_scenario_params(*s), f->real, dp_scenario_region(*s, 0),
                                    1, &m),
                     DP_OK);
    return m;
}

/* The base year's certified share by (age group, severity group), from the fitted cells. */
static void
base_cert_shares(const dp_model *m, double share[3][2])
{
    double c[3][2] = {{0}}, n[3][2] = {{0}};
    for (size_t i = 0; i < DP_N_CELL; i++) {
        size_t k = i % DP_N_BLOCK, G = age_group(i / DP_N_BLOCK % DP_N_AGE);
        size_t sev = dp_block_grade(k) <= 1 ? 0 : 1;
        n[G][sev] += m->base[0].cells[i];
        c[G][sev] += dp_block_cert(k) == DP_CERT ? m->base[0].cells[i] : 0.0;
    }
    for (size_t G = 0; G < 3; G++) {
        for (size_t k = 0; k < 2; k++) {
            share[G][k] = c[G][k] / n[G][k];
        }
    }
}

static void
test_certified_share_kept_cohort(void **state)
{
    fixture *f = *state;
    const char *sc[] = {"scenarios/pudong-baseline.yaml", "scenarios/ningbo-baseline.yaml",
                        "scenarios/daan-baseline.yaml"};
    for (size_t i = 0; i < 3; i++) {
        dp_scenario *s = NULL;
        dp_model *m = scenario_model(f, sc[i], &s);
        dp_results *res = NULL;
        assert_int_equal(dp_cohort_run(f->ctx, m, &(dp_engine_opts){1, 1}, &res), DP_OK);
        double want[3][2], got[3][2];
        base_cert_shares(m, want);
        size_t n_year = (size_t)(m->p.year_end - m->p.year_start + 1);
        double cert0 = dp_model_marginal(m, 0, DP_MARG_CERTIFIED);
        for (size_t yi = 0; yi < n_year; yi++) {
            cert_shares_of(res, 0, yi, got);
            for (size_t G = 0; G < 3; G++) {
                for (size_t k = 0; k < 2; k++) {
                    assert_close(got[G][k], want[G][k], 1e-9, 0.0);
                }
            }
        }
        /* Not a constant number: card holders follow the disabled population's ageing and
         * migration (the shares are kept, the group sizes are not). */
        const double *ind = dp_results_find(res, "indicators")->data;
        printf("%s: card holders %.0f -> %.0f in %d\n", sc[i], cert0,
               ind[(n_year - 1) * DP_N_IND_ALL + DP_IN_CERTIFIED], m->p.year_end);
        dp_results_free(res);
        dp_model_free(m);
        dp_scenario_free(s);
    }
}

static void
test_certified_share_kept_micro(void **state)
{
    fixture *f = *state;
    enum { N_REP = 200 };
    dp_scenario *s = NULL;
    dp_model *m = scenario_model(f, "scenarios/daan-baseline.yaml", &s);
    dp_results *res = NULL;
    assert_int_equal(dp_micro_run(f->ctx, m, &(dp_engine_opts){N_REP, 99}, &res), DP_OK);
    double want[3][2];
    base_cert_shares(m, want);
    size_t n_year = (size_t)(m->p.year_end - m->p.year_start + 1);
    for (size_t yi = 4; yi < n_year; yi += 5) {
        double s1[3][2] = {{0}}, s2[3][2] = {{0}}, got[3][2];
        for (size_t r = 0; r < N_REP; r++) {
            cert_shares_of(res, r, yi, got);
            for (size_t G = 0; G < 3; G++) {
                for (size_t k = 0; k < 2; k++) {
                    s1[G][k] += got[G][k];
                    s2[G][k] += got[G][k] * got[G][k];
                }
            }
        }
        for (size_t G = 0; G < 3; G++) {
            for (size_t k = 0; k < 2; k++) {
                double mean = s1[G][k] / N_REP;
                double se = sqrt((s2[G][k] - s1[G][k] * mean) / (N_REP - 1) / N_REP);
                assert_true(se > 0.0);
                if (fabs(mean - want[G][k]) > 4.0 * se) {
                    fail_msg("year %zu group %zu severity %zu: micro %.5f base %.5f se %.5f", yi,
                             G, k, mean, want[G][k], se);
                }
            }
        }
    }
    dp_results_free(res);
    dp_model_free(m);
    dp_scenario_free(s);
}

/* Checks the single ages pop [DP_N_SEX * DP_N_AGE] against 5-year groups grp [sex][21]: the
 * totals to 1e-9, and |N(a+1) - N(a)| for a, a + 1 < 100 at most the largest difference of
 * the group means per year among the pairs of groups around a's group. */
static void
check_split(const double *pop, double grp[DP_N_SEX][21])
{
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        const double *n = pop + sex * DP_N_AGE;
        double mean[20];
        for (size_t g = 0; g < 21; g++) {
            double t = 0.0;
            for (size_t a = 5 * g; a < (g == 20 ? DP_N_AGE : 5 * g + 5); a++) {
                assert_true(n[a] >= 0.0);
                t += n[a];
            }
            assert_close(t, grp[sex][g], 1e-9, 0.0);
            if (g < 20) {
                mean[g] = grp[sex][g] / 5.0;
            }
        }
        for (size_t a = 0; a + 1 < 100; a++) {
            size_t g = a / 5, k0 = g > 0 ? g - 1 : 0, k1 = g + 1 < 19 ? g + 1 : 18;
            double bound = 0.0;
            for (size_t k = k0; k <= k1; k++) {
                double d = fabs(mean[k + 1] - mean[k]);
                bound = d > bound ? d : bound;
            }
            if (fabs(n[a + 1] - n[a]) > bound * (1.0 + 1e-12)) {
                fail_msg("sex %zu: N(%zu) = %.1f, N(%zu) = %.1f, bound %.1f", sex, a, n[a], a + 1,
                         n[a + 1], bound);
            }
        }
    }
}

static void
test_age_groups_split_smoothly(void **state)
{
    fixture *f = *state;
    /* Groups with waves (persons; a made-up table shaped like a census with baby booms). */
    const double wave[21] = {3.9, 4.5, 4.3, 3.6, 3.7, 4.6, 6.2, 5.0, 4.7, 5.7, 6.1,
                             5.1, 3.7, 3.7, 2.4, 1.6, 1.0, 0.55, 0.2, 0.04, 0.006};
    dp_region_input in;
    region(&in, 1.0, 0.0);
    in.age_input = DP_AGE_GROUPS;
    double grp[DP_N_SEX][21], total = 0.0;
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t g = 0; g < 21; g++) {
            grp[sex][g] = in.age_pop[sex][g] = 1e5 * wave[g] * (sex ? 1.0 : 1.04);
            total += grp[sex][g];
        }
    }
    in.population = total; /* no rescaling: the groups are the totals to keep */
    in.disabled_total = 0.06 * total;
    dp_params p;
    constant_params(&p);
    dp_model *m = NULL;
    assert_int_equal(dp_model_alloc(f->ctx, &p, f->real, &in, 1, &m), DP_OK);
    check_split(m->base[0].pop, grp);
    dp_model_free(m);
}

static void
test_broad_shares_split_smoothly(void **state)
{
    fixture *f = *state;
    dp_region_input in;
    region(&in, 270911, 19045); /* Da'an's figures (data/regions/daan.yaml) */
    in.age_share[0] = 0.1106;
    in.age_share[1] = 0.6534;
    in.age_share[2] = 0.2360;
    in.sex_ratio = 98.61;
    dp_params p;
    constant_params(&p);
    dp_model *m = NULL;
    assert_int_equal(dp_model_alloc(f->ctx, &p, f->real, &in, 1, &m), DP_OK);
    const double *pop = m->base[0].pop;
    double broad[3] = {0}, sex[2] = {0};
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        size_t a = sa % DP_N_AGE;
        broad[a <= 14 ? 0 : (a <= 59 ? 1 : 2)] += pop[sa];
        sex[sa / DP_N_AGE] += pop[sa];
    }
    assert_close(broad[0], 0.1106 * 270911, 1e-9, 0.0);
    assert_close(broad[1], 0.6534 * 270911, 1e-9, 0.0);
    assert_close(broad[2], 0.2360 * 270911, 1e-9, 0.0);
    assert_close(100.0 * sex[0] / sex[1], 98.61, 1e-9, 0.0);
    /* The national single ages (no shares, no sex ratio) are split smoothly from the national
     * 5-year table; the region's differ from them by one smooth factor, so from one age to the
     * next they change by the nation's own change and at most 5% more (the old life-table split
     * jumped by 20-50% at 15 and at 60). */
    dp_region_input nat;
    region(&nat, 270911, 19045);
    dp_model *mn = NULL;
    assert_int_equal(dp_model_alloc(f->ctx, &p, f->real, &nat, 1, &mn), DP_OK);
    const double *np = mn->base[0].pop;
    double grp[DP_N_SEX][21] = {{0}};
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        grp[sa / DP_N_AGE][sa % DP_N_AGE / 5 < 20 ? sa % DP_N_AGE / 5 : 20] += np[sa];
    }
    check_split(np, grp);
    for (size_t sa = 0; sa + 1 < DP_N_SEX * DP_N_AGE; sa++) {
        if (sa % DP_N_AGE >= 99) {
            continue;
        }
        double d = log(pop[sa + 1] / pop[sa]) - log(np[sa + 1] / np[sa]);
        if (fabs(d) > 0.05) {
            fail_msg("age %zu: the region's step differs from the nation's by %.3f", sa, d);
        }
    }
    for (size_t s2 = 0; s2 < DP_N_SEX; s2++) {
        const double *n = pop + s2 * DP_N_AGE;
        assert_true(fabs(n[15] / n[14] - 1.0) < 0.05);
        assert_true(fabs(n[60] / n[59] - 1.0) < 0.05);
    }
    dp_model_free(mn);
    dp_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prevalence_stationary_cohort),
        cmocka_unit_test(test_prevalence_stationary_micro),
        cmocka_unit_test(test_prevalence_stationary_migration),
        cmocka_unit_test(test_migration_schedule),
        cmocka_unit_test(test_certified_share_kept_cohort),
        cmocka_unit_test(test_certified_share_kept_micro),
        cmocka_unit_test(test_age_groups_split_smoothly),
        cmocka_unit_test(test_broad_shares_split_smoothly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
