/* tests/unit/test_solve.c
 *
 * The goal-seeking solver (analysis/solve.h, docs/solve.md), on the real Da'an scenarios:
 *   - a count with a closed-form answer: Da'an's plan renovates `households` homes a year
 *     (take-up 1, pool far larger), so 2021-2025 renovate 5 h homes and the target of 200 is
 *     met exactly from h = 40; the solver, started at h = 10, must give 40, with 39 not met;
 *   - a linear relation: the care subsidy's spending is amount x person-months, and the
 *     person-months do not depend on the amount, so the amount meeting spending >= V is
 *     a0 V / S(a0) (a0 the scenario's amount, S(a0) its spending), to Brent's tolerance;
 *   - monotonicity under common random numbers: with the micro engine, P(met) over the
 *     evaluations, sorted by the amount, never decreases; the answer meets P >= prob and the
 *     value below it does not;
 *   - a budget ceiling: the smallest ceiling covering 95% of 20 replicates is the 19th
 *     smallest total of the year (k = ceil(0.95 x 20)), computed here from a run of its own;
 *   - an unreachable target ends with DP_SOLVE_UNREACHABLE within the evaluation bound;
 *   - errors: unknown target (the labels listed), unknown key (a suggestion), an == target;
 *   - the overlay: dp_scenario_load_overlay gives the same parameters as a file extending the
 *     scenario with the same text, and dp_solve_overlay_text nests the key path.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "dp_test.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>

#include "analysis/solve.h"
#include "analysis/targets.h"
#include "domain/model.h"
#include "engines/engines.h"
#include "input/reference.h"
#include "input/scenario.h"

/* Writes text (with "extends: <absolute path of base>" first) into a new temporary file whose
 * name goes into path[64]. */
static void
write_overlay(char *path, const char *base, const char *text)
{
    char abs[PATH_MAX];
    assert_non_null(realpath(base, abs));
    snprintf(path, 64, "/tmp/dpsim_test_solve_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "dpsim: 1\nextends: %s\n%s", abs, text);
    assert_int_equal(fclose(f), 0);
}

static dp_solve_opts
opts(const char *target, const char *key)
{
    dp_solve_opts o = {target, key, 0.9, 0, 1, 1, NAN, NAN, 0, NULL, NULL};
    return o;
}

static dp_solve_result *
solve(const char *path, const dp_solve_opts *o)
{
    dp_ctx *ctx = dp_ctx_alloc();
    dp_solve_result *r = NULL;
    dp_status rc = dp_solve(ctx, path, dp_test_data_dir(), o, &r);
    if (rc != DP_OK) {
        fail_msg("%s: %s", path, dp_ctx_errmsg(ctx));
    }
    dp_ctx_free(ctx);
    return r;
}

static void
test_renovations_closed_form(void **state)
{
    (void)state;
    char path[64];
    write_overlay(path, "scenarios/daan-plan.yaml", "programmes:\n  home_renovation:\n    households: 10\n");
    dp_solve_opts o = opts("renovations_cumulative_2025", "programmes.home_renovation.households");
    dp_solve_result *r = solve(path, &o);
    assert_int_equal(r->status, DP_SOLVE_FOUND);
    assert_true(r->integer);
    assert_int_equal(r->direction, 1);
    assert_close(r->x0, 10.0, 0, 0);
    assert_close(r->x, 40.0, 0, 0);
    assert_string_equal(r->x_text, "40");
    assert_close(r->bracket_other, 39.0, 0, 0);
    assert_close(r->eval[r->answer].value, 200.0, 1e-9, 0);
    /* The scenario renovates 10 a year: 50 by 2025, not met. */
    assert_close(r->eval[0].value, 50.0, 1e-9, 0);
    assert_false(r->eval[0].met);
    /* Every evaluation: 5 h homes by 2025, met exactly when h >= 40. */
    for (size_t i = 0; i < r->n_eval; i++) {
        assert_close(r->eval[i].value, 5.0 * r->eval[i].x, 1e-9, 0);
        assert_int_equal(r->eval[i].met, r->eval[i].x >= 40.0);
    }
    /* The renovations' cost: 30 more homes a year from 2021 on, the same amount per home. */
    assert_true(r->eval[r->answer].total > r->eval[0].total);
    dp_solve_result_free(r);
    unlink(path);
}

static void
test_linear_amount(void **state)
{
    (void)state;
    char path[64];
    /* A spending target 10% above the scenario's own 2025 care-subsidy spending (7,365,000
     * yuan in the baseline run: the target only needs to be above it). */
    write_overlay(path, "scenarios/daan-baseline.yaml",
                  "targets:\n  - {indicator: care_subsidy_spending, year: 2025, op: \">=\", "
                  "value: 8100000, kind: expected}\n");
    dp_solve_opts o = opts("care_subsidy_spending_2025", "programmes.care_subsidy.monthly");
    dp_solve_result *r = solve(path, &o);
    assert_int_equal(r->status, DP_SOLVE_FOUND);
    assert_false(r->integer);
    assert_false(r->p_mode);
    assert_int_equal(r->direction, 1);
    double a0 = r->x0, s0 = r->eval[0].value;
    assert_true(a0 > 0 && s0 > 0 && s0 < 8100000);
    double expect = a0 * 8100000 / s0;
    assert_close(r->x, expect, 2e-6, 0);
    assert_true(r->x >= expect * (1 - 1e-12));
    /* Spending at the answer meets the target, by less than the tolerance. */
    assert_true(r->eval[r->answer].value >= 8100000 * (1 - 1e-9));
    assert_close(r->eval[r->answer].value, 8100000, 2e-6, 0);
    /* Brent: far fewer evaluations than bisection to 1e-6 (20 or more). */
    assert_true(r->n_eval <= 16);
    dp_solve_result_free(r);
    unlink(path);
}

static void
test_micro_monotone(void **state)
{
    (void)state;
    char path[64];
    write_overlay(path, "scenarios/daan-baseline.yaml",
                  "targets:\n  - {indicator: care_subsidy_spending, year: 2025, op: \">=\", "
                  "value: 8100000, kind: expected}\n");
    dp_solve_opts o = opts("care_subsidy_spending", "programmes.care_subsidy.monthly");
    o.micro = 1;
    o.runs = 8;
    o.seed = 7;
    o.prob = 0.75;
    dp_solve_result *r = solve(path, &o);
    assert_int_equal(r->status, DP_SOLVE_FOUND);
    assert_true(r->p_mode);
    size_t n = r->n_eval;
    assert_true(n >= 6);
    /* Under common random numbers the persons are the same whatever the amount: P(met) never
     * decreases with the amount. */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            if (isfinite(r->eval[i].x) && isfinite(r->eval[j].x) && r->eval[i].x < r->eval[j].x) {
                assert_true(r->eval[i].p <= r->eval[j].p);
            }
        }
        /* P is a share of 8 runs. */
        assert_close(r->eval[i].p * 8, round(r->eval[i].p * 8), 0, 1e-9);
    }
    assert_true(r->eval[r->answer].p >= 0.75);
    assert_true(r->eval[r->answer].met);
    for (size_t i = 0; i < n; i++) {
        if (r->eval[i].x == r->bracket_other) {
            assert_true(r->eval[i].p < 0.75);
        }
    }
    assert_close(r->x, r->bracket_other, 2e-4, 0);
    dp_solve_result_free(r);
    unlink(path);
}

static void
test_ceiling_order_statistic(void **state)
{
    (void)state;
    const char *path = "scenarios/daan-ceiling.yaml";
    dp_solve_opts o = opts("ceiling_2030", "budget.ceiling");
    o.runs = 20;
    o.prob = 0.95;
    dp_solve_result *r = solve(path, &o);
    assert_int_equal(r->status, DP_SOLVE_FOUND);
    assert_int_equal(r->direction, 1);
    assert_true(r->varies); /* the scenario's ceiling is dated */
    /* The same 20 replicates, run here: the 2030 totals, sorted. */
    dp_ctx *ctx = dp_ctx_alloc();
    dp_scenario *s = NULL;
    dp_reference *ref = NULL;
    dp_model *m = NULL;
    dp_results *res = NULL;
    dp_engine_opts eo = {20, 1};
    assert_int_equal(dp_scenario_load(ctx, path, dp_test_data_dir(), &s), DP_OK);
    assert_int_equal(dp_reference_load(ctx, dp_test_data_dir(), &ref), DP_OK);
    assert_int_equal(dp_model_of_scenario(ctx, s, ref, &m), DP_OK);
    assert_int_equal(dp_cohort_run(ctx, m, &eo, &res), DP_OK);
    const dp_table *b = dp_results_find(res, "budget");
    assert_non_null(b);
    size_t n_item = res->axis[b->axis[1]].n, yi = 2030 - 2021;
    double tot[20];
    for (size_t k = 0; k < 20; k++) {
        tot[k] = b->data[k * b->size + yi * n_item + 0]; /* item 0: total */
    }
    gsl_sort(tot, 1, 20);
    /* 19 of the 20 runs at or under the ceiling: at least the 19th smallest total, and within
     * the bisection's tolerance of it; the value below it covers only 18. */
    assert_true(r->x >= tot[18]);
    assert_close(r->x, tot[18], 3e-4, 0);
    assert_true(r->bracket_other < tot[18]);
    assert_close(r->eval[r->answer].p, 0.95, 0, 1e-12);
    /* The ceiling changes nothing in the model: the same spending at every value. */
    for (size_t i = 1; i < r->n_eval; i++) {
        assert_close(r->eval[i].total, r->eval[0].total, 1e-12, 0);
    }
    dp_results_free(res);
    dp_model_free(m);
    dp_reference_free(ref);
    dp_scenario_free(s);
    dp_ctx_free(ctx);
    dp_solve_result_free(r);
}

static void
test_unreachable(void **state)
{
    (void)state;
    /* At most 30 homes a year: 150 by 2025, never 200. */
    dp_solve_opts o = opts("renovations_cumulative_2025", "programmes.home_renovation.households");
    o.hi = 30;
    o.max_eval = 40;
    dp_solve_result *r = solve("scenarios/daan-plan.yaml", &o);
    assert_int_equal(r->status, DP_SOLVE_UNREACHABLE);
    assert_true(isnan(r->x));
    assert_true(r->n_eval <= 40);
    assert_non_null(strstr(r->message, "no value of programmes.home_renovation.households"));
    dp_solve_result_free(r);
    /* A key the target does not depend on. */
    o = opts("renovations_cumulative_2025", "programmes.care_subsidy.monthly");
    o.max_eval = 12;
    r = solve("scenarios/daan-plan.yaml", &o);
    assert_true(r->status == DP_SOLVE_NO_EFFECT || r->status == DP_SOLVE_LIMIT);
    assert_true(r->n_eval <= 12);
    dp_solve_result_free(r);
}

static void
expect_error(const char *path, const dp_solve_opts *o, const char *part)
{
    dp_ctx *ctx = dp_ctx_alloc();
    dp_solve_result *r = NULL;
    assert_int_equal(dp_solve(ctx, path, dp_test_data_dir(), o, &r), DP_EINPUT);
    assert_null(r);
    if (!strstr(dp_ctx_errmsg(ctx), part)) {
        fail_msg("'%s' lacks '%s'", dp_ctx_errmsg(ctx), part);
    }
    dp_ctx_free(ctx);
}

static void
test_errors(void **state)
{
    (void)state;
    dp_solve_opts o = opts("renovations_2025", "programmes.home_renovation.households");
    expect_error("scenarios/daan-plan.yaml", &o,
                 "unknown target 'renovations_2025'; the scenario's targets: "
                 "renovations_cumulative_2025, child_rehab_coverage_2025");
    o = opts("renovations_cumulative_2025", "programmes.home_renovation.houseolds");
    expect_error("scenarios/daan-plan.yaml", &o,
                 "(did you mean 'programmes.home_renovation.households'?)");
    o = opts("renovations_cumulative_2025", "programmes.home_renovation.enabled");
    expect_error("scenarios/daan-plan.yaml", &o, "is not a number the solver can vary");
    o = opts("ceiling_1999", "budget.ceiling");
    expect_error("scenarios/daan-plan.yaml", &o, "ceiling_YEAR with YEAR in 2021-2035");
    o = opts("renovations_cumulative_2025", "programmes.home_renovation.households");
    o.prob = 0;
    expect_error("scenarios/daan-plan.yaml", &o, "probability");
    char path[64];
    write_overlay(path, "scenarios/daan-baseline.yaml",
                  "targets:\n  - {indicator: disabled, year: 2025, op: \"==\", value: 19000, "
                  "kind: expected}\n");
    o = opts("disabled_2025", "rates.onset_multiplier");
    expect_error(path, &o, "== target");
    unlink(path);
}

/* The kinds of key the solver can vary, from the key table's rows. */
static void
test_key_kinds(void **state)
{
    (void)state;
    dp_key_info k;
    /* A count: a date-ranged number >= 0 (the solver makes it whole by its unit). */
    assert_int_equal(dp_scenario_key_numeric("programmes.home_renovation.households", &k), 1);
    assert_false(k.integer);
    assert_close(k.min, 0, 0, 0);
    assert_true(isinf(k.max));
    /* An age: whole numbers by the row's flag. */
    assert_int_equal(dp_scenario_key_numeric("programmes.child_rehab.eligibility.age_max", &k), 1);
    assert_true(k.integer);
    /* A probability in [0, 1]. */
    assert_int_equal(dp_scenario_key_numeric("programmes.care_subsidy.take_up", &k), 1);
    assert_close(k.max, 1, 0, 0);
    /* Amounts: by grade, or one grade. */
    assert_int_equal(dp_scenario_key_numeric("programmes.care_subsidy.monthly", &k), 1);
    assert_true(k.by_grade);
    assert_int_equal(dp_scenario_key_numeric("programmes.care_subsidy.monthly.grade3", &k), 1);
    assert_false(k.by_grade);
    /* Not numbers: a switch, a list, a funding share (shares must sum to 1 per year). */
    assert_int_equal(dp_scenario_key_numeric("programmes.care_subsidy.enabled", &k), -1);
    assert_int_equal(dp_scenario_key_numeric("programmes.care_subsidy.eligibility.grades", &k),
                     -1);
    assert_int_equal(dp_scenario_key_numeric("programmes.care_subsidy.funding.county", &k), -1);
    /* Not keys. */
    assert_int_equal(dp_scenario_key_numeric("programmes.care_subsidy.enabled.grade1", &k), 0);
    assert_int_equal(dp_scenario_key_numeric("budget.cieling", &k), 0);
    assert_string_equal(dp_scenario_key_suggest("budget.cieling"), "budget.ceiling");
    assert_null(dp_scenario_key_suggest("something.else.entirely"));
}

static void
test_overlay(void **state)
{
    (void)state;
    char buf[256];
    assert_int_equal(dp_solve_overlay_text("programmes.care_subsidy.monthly", "85.5", buf,
                                           sizeof buf),
                     0);
    assert_string_equal(buf, "programmes:\n  care_subsidy:\n    monthly: 85.5\n");
    assert_int_equal(dp_solve_overlay_text("budget.ceiling", "1", buf, 8), -1);
    /* The overlay in memory and the same text in a file that extends the scenario. */
    const char *text = "programmes:\n  care_subsidy:\n    monthly:\n      grade2: 123\n";
    char path[64];
    write_overlay(path, "scenarios/daan-plan.yaml", text);
    dp_ctx *ctx = dp_ctx_alloc();
    dp_scenario *a = NULL, *b = NULL;
    assert_int_equal(dp_scenario_load_overlay(ctx, "scenarios/daan-plan.yaml",
                                              dp_test_data_dir(), "overlay", text, &a),
                     DP_OK);
    assert_int_equal(dp_scenario_load(ctx, path, dp_test_data_dir(), &b), DP_OK);
    dp_test_assert_params_equal(dp_scenario_params(a), dp_scenario_params(b));
    assert_string_equal(dp_scenario_text(a), dp_scenario_text(b));
    double v;
    int varies;
    assert_int_equal(dp_scenario_key_value(ctx, a, "programmes.care_subsidy.monthly.grade2", 2025,
                                           &v, &varies),
                     DP_OK);
    assert_close(v, 123, 0, 0);
    /* grade2 differs from grade1 now: the key without a grade has no single value. */
    assert_int_equal(dp_scenario_key_value(ctx, a, "programmes.care_subsidy.monthly", 2025, &v,
                                           &varies),
                     DP_OK);
    assert_true(varies);
    /* An overlay may not extend anything itself. */
    dp_scenario *c = NULL;
    assert_int_equal(dp_scenario_load_overlay(ctx, "scenarios/daan-plan.yaml", dp_test_data_dir(),
                                              "overlay", "extends: x.yaml\n", &c),
                     DP_EINPUT);
    assert_null(c);
    dp_scenario_free(a);
    dp_scenario_free(b);
    dp_ctx_free(ctx);
    unlink(path);
}

int
main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_kinds),
        cmocka_unit_test(test_overlay),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_renovations_closed_form),
        cmocka_unit_test(test_linear_amount),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_ceiling_order_statistic),
        cmocka_unit_test(test_micro_monotone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
