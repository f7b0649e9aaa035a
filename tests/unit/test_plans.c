/* tests/unit/test_plans.c
 *
 * The five plans as scenarios (issue 5; docs/plans.md): every baseline and plan scenario loads
 * (the plan extends its region's baseline, over the plan's years), runs with the cohort engine
 * with its targets evaluated, and each plan differs from its baseline in exactly the programmes
 * whose rules the plan changes, compared on the resolved parameter tables (dp_params_describe,
 * every year of the horizon). The base year of every region reproduces the administrative
 * figures its region file reports, where the model computes them.
 *
 * Expected values: the lists of changed programmes are the plans' rules as docs/plans.md and the
 * files' comment blocks state them (one comment per programme below); reported figures are the
 * region files' own numbers; the rest are identities (take-up x eligible persons = recipients).
 */
#include "dp_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "engines/tables.h"
#include "domain/programmes.h"
#include "input/scenario.h"
#include "analysis/targets.h"

enum { N_REGION = 5, MAX_GROUPS = 16 };

/* Each region with the programmes (or top-level sections) its plan changes. */
typedef struct {
    const char *id;
    int year_start;
    const char *changed[MAX_GROUPS]; /* NULL-terminated */
} plan_case;

static const plan_case cases[N_REGION] = {
    /* Da'an (PLANS.md 000): 200 renovations of poor households; every child 0-6 in need helped
     * (coverage 1). Pension premiums for the severe and the dibao supplement are restated
     * baseline rules; the subsidies' "raised when appropriate" has no number. */
    {"daan", 2021, {"child_rehab", "home_renovation", NULL}},
    /* Huzhong (001): dibao >= 30% of consumption (economy); living subsidy to marginal
     * households; care subsidy to grade-3/4 intellectual and mental; single-person dibao entry
     * (dibao_supplement); 一户多残 1,200 -> 1,800; child rehab 0-8 -> 0-14 and away subsidy
     * 3,000 -> 5,000; rehabilitation and devices 80% -> 85%; 96 renovations; public-welfare
     * posts. */
    {"huzhong",
     2021,
     {"economy", "living_subsidy", "care_subsidy", "dibao_supplement", "multi_disabled_household",
      "child_rehab", "adult_rehab", "assistive_devices", "home_renovation", "employment_support",
      NULL}},
    /* Ningbo (002): children under 18, all helped; devices 99%; 4,000 renovations; care
     * services 90%; training and the one-year phase-out. Precision rehabilitation 85% is below
     * the baseline's default coverage (0.882): no change. */
    {"ningbo",
     2021,
     {"child_rehab", "assistive_devices", "home_renovation", "care_services", "employment_support",
      NULL}},
    /* Pudong (003): rehabilitation of children and adults 98%, devices 95%, renovation
     * coverage 50%, 400 care beds, training. */
    {"pudong",
     2021,
     {"child_rehab", "adult_rehab", "assistive_devices", "home_renovation", "care_services",
      "employment_support", NULL}},
    /* Hulan (004): partial pension subsidy for other poor disabled; 200 renovations; the
     * 6 + 6-month phase-out. */
    {"hulan", 2018, {"pension_premium", "home_renovation", "employment_support", NULL}},
};

static dp_scenario *
load(dp_ctx *ctx, const char *id, const char *kind)
{
    char path[128];
    dp_scenario *s = NULL;
    snprintf(path, sizeof path, "scenarios/%s-%s.yaml", id, kind);
    if (dp_scenario_load(ctx, path, dp_test_data_dir(), &s) != DP_OK) {
        fail_msg("%s: %s", path, dp_ctx_errmsg(ctx));
    }
    return s;
}

static int
ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static void
test_plans_every_scenario_loads(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    for (size_t r = 0; r < N_REGION; r++) {
        const plan_case *c = &cases[r];
        dp_scenario *b = load(ctx, c->id, "baseline");
        dp_scenario *p = load(ctx, c->id, "plan");
        char name[64], tail[64];
        /* Names are <region>-baseline and <region>-plan, one region each. */
        snprintf(name, sizeof name, "%s-baseline", c->id);
        assert_string_equal(dp_scenario_name(b), name);
        snprintf(name, sizeof name, "%s-plan", c->id);
        assert_string_equal(dp_scenario_name(p), name);
        assert_int_equal(dp_scenario_n_region(b), 1);
        assert_int_equal(dp_scenario_n_region(p), 1);
        /* The plan extends the baseline: its second input file is the baseline. */
        snprintf(tail, sizeof tail, "%s-baseline.yaml", c->id);
        assert_true(dp_scenario_n_input(p) >= 2);
        assert_true(ends_with(dp_scenario_input_path(p, 1), tail));
        /* Horizon (issue 5): 2021-2035, Hulan 2018-2035. */
        assert_int_equal(dp_scenario_params(b)->year_start, c->year_start);
        assert_int_equal(dp_scenario_params(p)->year_start, c->year_start);
        assert_int_equal(dp_scenario_params(b)->year_end, 2035);
        assert_int_equal(dp_scenario_params(p)->year_end, 2035);
        /* Baselines have no targets; every plan has some. */
        size_t nt = 0;
        dp_scenario_targets(b, &nt);
        assert_int_equal(nt, 0);
        dp_scenario_targets(p, &nt);
        assert_true(nt > 0);
        dp_scenario_free(b);
        dp_scenario_free(p);
    }
    dp_ctx_free(ctx);
}

/* Runs one scenario with the cohort engine (one run) and evaluates its targets. */
static void
run_cohort(dp_ctx *ctx, const dp_reference *ref, const char *id, const char *kind)
{
    dp_scenario *s = load(ctx, id, kind);
    dp_model *m = NULL;
    dp_results *res = NULL;
    if (dp_model_alloc(ctx, dp_scenario_params(s), ref, dp_scenario_region(s, 0), 1, &m) != DP_OK ||
        dp_cohort_run(ctx, m, &(dp_engine_opts){1, 1}, &res) != DP_OK ||
        dp_targets_add(ctx, s, res) != DP_OK) {
        fail_msg("%s-%s: %s", id, kind, dp_ctx_errmsg(ctx));
    }
    const dp_params *p = dp_scenario_params(s);
    size_t n_year = (size_t)(p->year_end - p->year_start + 1);
    const dp_table *sp = dp_results_find(res, "spending");
    assert_non_null(sp);
    /* Spending [year, region, programme]: finite, non-negative, positive in total each year. */
    for (size_t yi = 0; yi < n_year; yi++) {
        double total = 0.0;
        for (size_t k = 0; k < DP_N_PROG; k++) {
            double x = sp->data[yi * DP_N_PROG + k];
            assert_true(isfinite(x) && x >= 0.0);
            total += x;
        }
        assert_true(total > 0.0);
    }
    /* Every target of a plan is computed (no share of zero persons). */
    size_t nt = 0;
    dp_scenario_targets(s, &nt);
    if (nt > 0) {
        const dp_table *tv = dp_results_find(res, "target_values");
        assert_non_null(tv);
        for (size_t i = 0; i < nt; i++) {
            if (!isfinite(tv->data[i])) {
                fail_msg("%s-%s: target %zu is not computed", id, kind, i + 1);
            }
        }
    }
    dp_results_free(res);
    dp_model_free(m);
    dp_scenario_free(s);
}

static void
test_plans_every_scenario_runs_with_the_cohort_engine(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    dp_ctx *ctx = dp_ctx_alloc();
    dp_reference *ref = NULL;
    if (dp_reference_load(ctx, dp_test_data_dir(), &ref) != DP_OK) {
        fail_msg("%s", dp_ctx_errmsg(ctx));
    }
    for (size_t r = 0; r < N_REGION; r++) {
        run_cohort(ctx, ref, cases[r].id, "baseline");
        run_cohort(ctx, ref, cases[r].id, "plan");
    }
    dp_reference_free(ref);
    dp_ctx_free(ctx);
}

/* The group a setting belongs to: the programme for programmes.P.*, else the top-level key. */
static void
setting_group(const char *path, char *out, size_t size)
{
    const char *s = path;
    if (strncmp(path, "programmes.", 11) == 0) {
        s = path + 11;
    }
    size_t n = strcspn(s, ".");
    n = n < size - 1 ? n : size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* Settings of p in year; *n of them. */
static dp_setting *
describe(dp_ctx *ctx, const dp_params *p, int year, size_t *n)
{
    if (dp_params_describe(ctx, p, year, NULL, 0, n) != DP_OK) {
        fail_msg("%s", dp_ctx_errmsg(ctx));
    }
    dp_setting *set = calloc(*n ? *n : 1, sizeof *set);
    assert_non_null(set);
    size_t got = 0;
    if (dp_params_describe(ctx, p, year, set, *n, &got) != DP_OK) {
        fail_msg("%s", dp_ctx_errmsg(ctx));
    }
    assert_int_equal(got, *n);
    return set;
}

static int
same_setting(const dp_setting *a, const dp_setting *b)
{
    if ((a->word == NULL) != (b->word == NULL)) {
        return 0;
    }
    if (a->word && strcmp(a->word, b->word) != 0) {
        return 0;
    }
    return (isnan(a->value) && isnan(b->value)) || a->value == b->value;
}

static void
test_plans_differ_from_baseline_in_exactly_the_plan_programmes(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    for (size_t r = 0; r < N_REGION; r++) {
        const plan_case *c = &cases[r];
        dp_scenario *b = load(ctx, c->id, "baseline");
        dp_scenario *p = load(ctx, c->id, "plan");
        const dp_params *pb = dp_scenario_params(b), *pp = dp_scenario_params(p);
        char seen[64][32];
        size_t n_seen = 0;
        for (int year = pb->year_start; year <= pb->year_end; year++) {
            size_t nb = 0, np = 0;
            dp_setting *sb = describe(ctx, pb, year, &nb);
            dp_setting *sq = describe(ctx, pp, year, &np);
            /* Both scenarios have the same key table. */
            assert_int_equal(nb, np);
            for (size_t i = 0; i < nb; i++) {
                assert_string_equal(sb[i].path, sq[i].path);
                /* Indexed amounts are derived (the dated amount with its indexation, which may
                 * follow the dibao standard of `economy`): the keys themselves are compared. */
                if (strstr(sb[i].path, "_indexed") || same_setting(&sb[i], &sq[i])) {
                    continue;
                }
                char g[32];
                setting_group(sb[i].path, g, sizeof g);
                size_t k = 0;
                while (k < n_seen && strcmp(seen[k], g) != 0) {
                    k++;
                }
                if (k == n_seen && n_seen < 64) {
                    snprintf(seen[n_seen++], sizeof seen[0], "%s", g);
                }
            }
            free(sb);
            free(sq);
        }
        /* Every programme the plan changes differs, and nothing else does. */
        size_t n_expected = 0;
        while (c->changed[n_expected]) {
            n_expected++;
        }
        for (size_t i = 0; i < n_expected; i++) {
            size_t k = 0;
            while (k < n_seen && strcmp(seen[k], c->changed[i]) != 0) {
                k++;
            }
            if (k == n_seen) {
                fail_msg("%s: the plan does not change %s", c->id, c->changed[i]);
            }
        }
        for (size_t k = 0; k < n_seen; k++) {
            size_t i = 0;
            while (i < n_expected && strcmp(seen[k], c->changed[i]) != 0) {
                i++;
            }
            if (i == n_expected) {
                fail_msg("%s: the plan changes %s, which its rules do not", c->id, seen[k]);
            }
        }
        dp_scenario_free(b);
        dp_scenario_free(p);
    }
    dp_ctx_free(ctx);
}

/* Base-year recipients of programme prog: the eligible persons (card included) of the base
 * cells under the base year's rules, times the take-up (no lag applies in the base year). */
static double
base_recipients(const dp_model *m, const dp_params *p, size_t prog)
{
    const double *cells = dp_model_base_cells(m, 0);
    int year = p->year_start - 1;
    double n = 0.0;
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t age = 0; age < DP_N_AGE; age++) {
            for (size_t k = 0; k < DP_N_BLOCK; k++) {
                if (dp_prog_eligible(p, prog, year, 0, age, dp_block_type(k), dp_block_grade(k),
                                     dp_block_cert(k), dp_block_hh(k))) {
                    n += cells[(sex * DP_N_AGE + age) * DP_N_BLOCK + k];
                }
            }
        }
    }
    return n * dp_model_take_up(m, 0, prog);
}

/* Base-year figures the base-year fit does not give, and why (docs/plans.md): the model
 * computes them in the projection years only. */
static const char *const not_computed[] = {
    "medical_participants",  /* participation in insurance, a projection-year indicator */
    "pension_participation", /* as above */
    "medical_participation", /* as above */
};

static int
is_not_computed(const char *key)
{
    for (size_t i = 0; i < sizeof not_computed / sizeof not_computed[0]; i++) {
        if (strcmp(key, not_computed[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static void
test_plans_base_year_reproduces_reported_figures(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    dp_ctx *ctx = dp_ctx_alloc();
    dp_reference *ref = NULL;
    if (dp_reference_load(ctx, dp_test_data_dir(), &ref) != DP_OK) {
        fail_msg("%s", dp_ctx_errmsg(ctx));
    }
    size_t n_compared = 0;
    for (size_t r = 0; r < N_REGION; r++) {
        dp_scenario *s = load(ctx, cases[r].id, "baseline");
        const dp_params *p = dp_scenario_params(s);
        const dp_region_input *in = dp_scenario_region(s, 0);
        dp_model *m = NULL;
        if (dp_model_alloc(ctx, p, ref, in, 1, &m) != DP_OK) {
            fail_msg("%s: %s", cases[r].id, dp_ctx_errmsg(ctx));
        }
        int base = p->year_start - 1;
        for (size_t i = 0; i < in->n_reported; i++) {
            const dp_reported *rep = &in->reported[i];
            double model;
            if (rep->year != base || rep->from != rep->year || rep->month != 12) {
                continue; /* not a figure for the end of the base year */
            }
            if (strcmp(rep->key, "certified") == 0) {
                /* The plans count card holders (the region files' note). */
                model = dp_model_marginal(m, 0, DP_MARG_CERTIFIED);
            } else if (strcmp(rep->key, "dibao_certified") == 0) {
                model = dp_model_marginal(m, 0, DP_MARG_DIBAO_CERTIFIED);
            } else if (strcmp(rep->key, "living_subsidy_recipients") == 0) {
                model = base_recipients(m, p, DP_PROG_LIVING);
            } else if (strcmp(rep->key, "care_subsidy_recipients") == 0) {
                model = base_recipients(m, p, DP_PROG_CARE);
            } else if (strcmp(rep->key, "living_subsidy_coverage") == 0) {
                /* Coverage of the eligible = recipients / eligible = take-up. */
                model = dp_model_take_up(m, 0, DP_PROG_LIVING);
            } else if (strcmp(rep->key, "care_subsidy_coverage") == 0) {
                model = dp_model_take_up(m, 0, DP_PROG_CARE);
            } else if (strcmp(rep->key, "adult_rehab_coverage") == 0) {
                model = dp_sched_at(&p->prog[DP_PROG_ADULT_REHAB].coverage, base);
            } else if (strcmp(rep->key, "device_fitting_rate") == 0) {
                model = dp_sched_at(&p->prog[DP_PROG_DEVICES].coverage, base);
            } else {
                if (!is_not_computed(rep->key)) {
                    fail_msg("%s: reported figure '%s' is neither compared nor listed as not "
                             "computed",
                             cases[r].id, rep->key);
                }
                continue;
            }
            /* Within rounding: half a person for counts, 1e-9 for shares. */
            /* Bounds ("more than 80%") hold the same way. */
            double tol = strcmp(rep->unit, "share") == 0 ? 1e-9 : 0.5;
            int ok = rep->bound == DP_BOUND_LOWER   ? model >= rep->value - tol
                     : rep->bound == DP_BOUND_UPPER ? model <= rep->value + tol
                                                    : fabs(model - rep->value) <= tol;
            if (!ok) {
                fail_msg("%s: %s: model %.6g, reported %.6g", cases[r].id, rep->key, model,
                         rep->value);
            }
            n_compared++;
        }
        dp_model_free(m);
        dp_scenario_free(s);
    }
    /* Da'an's four counts (14,036; 6,818; 6,549; 6,619), Huzhong's four shares, Pudong's
     * 110,000 certified. */
    assert_int_equal(n_compared, 9);
    dp_reference_free(ref);
    dp_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plans_every_scenario_loads),
        cmocka_unit_test(test_plans_every_scenario_runs_with_the_cohort_engine),
        cmocka_unit_test(test_plans_differ_from_baseline_in_exactly_the_plan_programmes),
        cmocka_unit_test(test_plans_base_year_reproduces_reported_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
