/* tests/unit/test_budget_sanity.c
 *
 * A budget sanity check per seed region (issue 4): each region's baseline scenario
 * (scenarios/<region>-baseline.yaml) runs with the cohort engine and its micro engine, and in
 * every year every programme's spending per unit paid lies within the range of the amounts in
 * force: for monthly programmes spending / person-months, for yearly ones 12 x spending /
 * person-months, for services spending / units served (child rehabilitation plus its
 * away-from-home subsidy), always between the smallest and largest amount of a grade with
 * recipients. Also identities: the levels of government add up to the spending, real spending is
 * nominal deflated by the price index of the scenario's CPI path, the pipeline narrows
 * (eligible >= certified >= paid; applied >= paid) and nothing is negative.
 * Every expected value is an identity or a bound from the amounts themselves.
 */
#include "dp_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "engines/tables.h"
#include "input/scenario.h"

static const char *const regions[] = {"daan", "hulan", "huzhong", "ningbo", "pudong"};
enum { N_REGIONS = sizeof regions / sizeof regions[0] };

/* One region's baseline run with one engine. */
static dp_results *
run_region(dp_ctx *ctx, const dp_reference *ref, const char *region, int micro,
           dp_scenario **sp)
{
    char path[256];
    dp_model *m = NULL;
    dp_results *res = NULL;
    snprintf(path, sizeof path, "scenarios/%s-baseline.yaml", region);
    if (dp_scenario_load(ctx, path, dp_test_data_dir(), sp) != DP_OK ||
        dp_model_alloc(ctx, dp_scenario_params(*sp), ref, dp_scenario_region(*sp, 0), 1, &m) !=
            DP_OK ||
        (micro ? dp_micro_run(ctx, m, &(dp_engine_opts){1, 7}, &res)
               : dp_cohort_run(ctx, m, &(dp_engine_opts){1, 7}, &res)) != DP_OK) {
        fail_msg("%s: %s", path, dp_ctx_errmsg(ctx));
    }
    dp_model_free(m);
    return res;
}

/* Checks every year and programme of res (one run, one region). */
static void
check_budget(const char *region, const dp_params *p, const dp_results *res)
{
    const dp_table *pm = dp_results_find(res, "person_months");
    const dp_table *amt = dp_results_find(res, "amount");
    const dp_table *sp = dp_results_find(res, "spending");
    const dp_table *real = dp_results_find(res, "spending_real");
    const dp_table *lev = dp_results_find(res, "spending_level");
    const dp_table *pl = dp_results_find(res, "pipeline");
    assert_non_null(pm);
    assert_non_null(lev);
    assert_non_null(pl);
    size_t n_year = (size_t)(p->year_end - p->year_start + 1);
    for (size_t yi = 0; yi < n_year; yi++) {
        int year = p->year_start + (int)yi;
        double price = dp_price_index(p, year);
        for (size_t k = 0; k < DP_N_PROG; k++) {
            const double *pmy = pm->data + (yi * DP_N_PROG + k) * DP_N_GRADE;
            const double *a = amt->data + (yi * DP_N_PROG + k) * DP_N_GRADE;
            const double *st = pl->data + (yi * DP_N_PROG + k) * DP_N_STAGE;
            double s = sp->data[yi * DP_N_PROG + k];
            double lo = HUGE_VAL, hi = 0.0, units = 0.0;
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                if (pmy[g] > 0.0) {
                    lo = a[g] < lo ? a[g] : lo;
                    hi = a[g] > hi ? a[g] : hi;
                    units += pmy[g];
                }
            }
            assert_true(s >= 0.0);
            /* Levels of government add up to the total; real = nominal / price index. */
            double sum_lev = 0.0;
            for (size_t l = 0; l < DP_N_LEVEL; l++) {
                sum_lev += lev->data[(yi * DP_N_PROG + k) * DP_N_LEVEL + l];
            }
            assert_close(sum_lev, s, 1e-12, 1e-6);
            assert_close(real->data[yi * DP_N_PROG + k], s / price, 1e-12, 1e-9);
            /* The pipeline narrows. */
            assert_true(st[DP_STAGE_ELIGIBLE] >= st[DP_STAGE_CERTIFIED] * (1 - 1e-12) - 1e-9);
            if (k != DP_PROG_EMPLOYMENT && k != DP_PROG_RENOVATION) {
                assert_true(st[DP_STAGE_CERTIFIED] >= st[DP_STAGE_PAID] * (1 - 1e-12) - 1e-9);
            }
            /* Spending per unit within the amounts of the grades paid. */
            if (units <= 0.0 || k == DP_PROG_EMPLOYMENT || k == DP_PROG_RENOVATION ||
                k == DP_PROG_DEVICES) {
                continue; /* flows, not person-months: their own tests */
            }
            double per;
            switch (dp_prog_pay[k]) {
            case DP_PAY_MONTHLY:
                per = s / units;
                break;
            case DP_PAY_YEARLY:
                per = 12.0 * s / units;
                break;
            case DP_PAY_SERVICE:
            default:
                per = 12.0 * s / units; /* person_months of services = 12 x served */
                break;
            }
            double extra = k == DP_PROG_CHILD_REHAB
                               ? p->away_share * dp_sched_at(&p->away_yearly, year)
                               : 0.0;
            if (!(per >= lo * (1 - 1e-9) && per <= (hi + (isfinite(extra) ? extra : 0.0)) *
                                                       (1 + 1e-9))) {
                fail_msg("%s %d %s: %.4f yuan per unit outside the amounts [%.4f, %.4f]", region,
                         year, dp_prog_key[k], per, lo, hi);
            }
        }
    }
}

static void
test_budget_sanity_every_seed_region(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    dp_ctx *ctx = dp_ctx_alloc();
    dp_reference *ref = NULL;
    if (dp_reference_load(ctx, dp_test_data_dir(), &ref) != DP_OK) {
        fail_msg("reference: %s", dp_ctx_errmsg(ctx));
    }
    for (size_t i = 0; i < N_REGIONS; i++) {
        for (int micro = 0; micro <= 1; micro++) {
            dp_scenario *s = NULL;
            dp_results *res = run_region(ctx, ref, regions[i], micro, &s);
            check_budget(regions[i], dp_scenario_params(s), res);
            dp_results_free(res);
            dp_scenario_free(s);
        }
    }
    dp_reference_free(ref);
    dp_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_sanity_every_seed_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
