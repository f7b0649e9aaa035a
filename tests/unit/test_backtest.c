/* tests/unit/test_backtest.c
 *
 * The back-test table (analysis/backtest.c) on a synthetic region whose truth is known: results
 * of 100 runs in which care-subsidy recipients in year Y and run k are T(Y) + 10 (k - 49.5),
 * T(Y) = 1000 (Y - 2017), so that the mean is T(Y) and the percentiles follow from GSL's
 * quantile rule (position q (n - 1)): p5 = T - 445.5, p25 = T - 247.5, p75 = T + 247.5,
 * p95 = T + 445.5. Reported figures of every kind (exact, lower and upper bounds, a mid-year
 * stock, a fitted year, a multi-year total, a key that is no indicator, a month of the first
 * projected year) give hand-computed errors, insides and coverage; the backtest_* tables carry
 * them. And a region whose history is made from a known trend: Da'an's 2020 base with its
 * care-subsidy recipients replaced by E s(t) at the ends of 2016-2020 (E the base's eligible
 * persons, s the logistic with a = 1, g = 0.3 a year, c = 1): status_quo: trend recovers a and g
 * and projects the take-up s(2022).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/backtest.h"
#include "core/ctx.h"
#include "core/results.h"
#include "domain/model.h"
#include "domain/programmes.h"
#include "dp_test.h"
#include "input/params.h"
#include "input/reference.h"
#include "input/region.h"
#include "input/scenario.h"

enum { N_RUN = 100, N_YEAR = 3 };

static double
truth(int year)
{
    return 1000.0 * (year - 2017);
}

static dp_results *
synthetic_results(dp_ctx *ctx)
{
    static const char *const ax[] = {"year", "region", "programme", NULL};
    const char *years[N_YEAR] = {"2018", "2019", "2020"};
    double yv[N_YEAR] = {2018, 2019, 2020};
    const char *reg[1] = {"syn"};
    dp_results *res = dp_results_alloc(N_RUN);
    dp_table *rec = NULL, *sp = NULL;
    assert_non_null(res);
    assert_int_equal(dp_results_add_axis(ctx, res, "year", N_YEAR, years, NULL, yv, NULL), DP_OK);
    assert_int_equal(dp_results_add_axis(ctx, res, "region", 1, reg, NULL, NULL, NULL), DP_OK);
    assert_int_equal(
        dp_results_add_axis(ctx, res, "programme", DP_N_PROG, dp_prog_key, NULL, NULL, NULL),
        DP_OK);
    assert_int_equal(dp_results_add_table(ctx, res, "recipients", "persons", "r", "r", 1, ax, &rec),
                     DP_OK);
    assert_int_equal(dp_results_add_table(ctx, res, "spending", "yuan", "s", "s", 1, ax, &sp),
                     DP_OK);
    for (size_t k = 0; k < N_RUN; k++) {
        double *d = dp_table_run(rec, k);
        for (size_t yi = 0; yi < N_YEAR; yi++) {
            d[yi * DP_N_PROG + DP_PROG_CARE] = truth(2018 + (int)yi) + 10.0 * ((double)k - 49.5);
        }
    }
    return res;
}

static dp_reported
fig(const char *key, int year, int month, int from, dp_bound bound, double value)
{
    dp_reported r;
    memset(&r, 0, sizeof r);
    snprintf(r.key, sizeof r.key, "%s", key);
    snprintf(r.unit, sizeof r.unit, "persons");
    r.year = year;
    r.month = month;
    r.from = from;
    r.bound = bound;
    r.value = value;
    return r;
}

static void
test_backtest_known_truth(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_results *res = synthetic_results(ctx);
    const char *care = "care_subsidy_recipients";
    dp_reported rep[] = {
        fig(care, 2017, 12, 2017, DP_BOUND_EXACT, 5.0),  /* fitted: not a back-test figure */
        fig(care, 2019, 12, 2019, DP_BOUND_EXACT, 2000), /* 0: on the mean */
        fig(care, 2020, 12, 2020, DP_BOUND_EXACT, 2400), /* 1: outside both */
        fig(care, 2020, 12, 2020, DP_BOUND_EXACT, 2600), /* 2: inside the 90% only */
        fig(care, 2020, 12, 2020, DP_BOUND_LOWER, 3400), /* 3: p95 3445.5 reaches it */
        fig(care, 2020, 12, 2020, DP_BOUND_UPPER, 2700), /* 4: p5 2554.5 is below it */
        fig(care, 2020, 6, 2020, DP_BOUND_EXACT, 2500),  /* 5: mid-2020 = (2000 + 3000) / 2 */
        fig(care, 2018, 3, 2018, DP_BOUND_EXACT, 1000),  /* skipped: 2017 is not projected */
        fig(care, 2020, 12, 2019, DP_BOUND_EXACT, 5000), /* skipped: a two-year total */
        fig("rehab_recipients", 2020, 12, 2020, DP_BOUND_EXACT, 10), /* skipped: no indicator */
        fig(care, 2021, 12, 2021, DP_BOUND_EXACT, 1), /* beyond the projection: ignored */
    };
    dp_region_input in;
    memset(&in, 0, sizeof in);
    snprintf(in.id, sizeof in.id, "syn");
    in.reported = rep;
    in.n_reported = sizeof rep / sizeof rep[0];
    dp_backtest *bt = NULL;
    assert_int_equal(dp_backtest_compare(ctx, &in, 1, 2017, res, &bt), DP_OK);
    assert_int_equal(bt->n_item, 6);
    assert_int_equal(bt->n_skipped, 3);
    assert_int_equal(bt->n_run, N_RUN);
    const int in50[6] = {1, 0, 0, 0, 0, 1}, in90[6] = {1, 0, 1, 1, 1, 1};
    const double mean[6] = {2000, 3000, 3000, 3000, 3000, 2500};
    const double actual[6] = {2000, 2400, 2600, 3400, 2700, 2500};
    for (size_t i = 0; i < 6; i++) {
        const dp_backtest_item *it = &bt->item[i];
        assert_close(it->mean, mean[i], 1e-12, 1e-9);
        assert_close(it->p5, mean[i] - 445.5, 1e-12, 1e-9);
        assert_close(it->p25, mean[i] - 247.5, 1e-12, 1e-9);
        assert_close(it->p50, mean[i], 1e-12, 1e-9);
        assert_close(it->p75, mean[i] + 247.5, 1e-12, 1e-9);
        assert_close(it->p95, mean[i] + 445.5, 1e-12, 1e-9);
        assert_close(it->rel_error, (mean[i] - actual[i]) / actual[i], 1e-12, 1e-12);
        assert_int_equal(it->in50, in50[i]);
        assert_int_equal(it->in90, in90[i]);
        assert_string_equal(it->region, "syn");
    }
    assert_int_equal(bt->item[5].month, 6);
    assert_close(bt->cover50, 2.0 / 6.0, 1e-12, 0);
    assert_close(bt->cover90, 5.0 / 6.0, 1e-12, 0);
    assert_int_equal(bt->n_trend, 6); /* every item is care-subsidy recipients */
    assert_close(bt->trend90, 5.0 / 6.0, 1e-12, 0);
    /* The tables the writer puts in backtest/. */
    assert_int_equal(dp_backtest_add(ctx, bt, res), DP_OK);
    dp_table *items = dp_results_find(res, "backtest_items");
    dp_table *sum = dp_results_find(res, "backtest_summary");
    assert_non_null(items);
    assert_non_null(sum);
    assert_false(items->per_run);
    assert_int_equal(items->size, 6 * 14);
    assert_close(items->data[1 * 14 + 3], 2400, 0, 0);      /* actual */
    assert_close(items->data[1 * 14 + 10], 0.25, 1e-12, 0); /* rel_error */
    assert_close(items->data[3 * 14 + 2], DP_BOUND_LOWER, 0, 0);
    assert_close(sum->data[2], 6, 0, 0);
    assert_close(sum->data[5], 5.0 / 6.0, 1e-12, 0);
    assert_close(sum->data[6], 6, 0, 0);
    assert_close(sum->data[7], 2.0 / 6.0, 1e-12, 0);
    dp_backtest_free(bt);
    dp_results_free(res);
    dp_ctx_free(ctx);
}

static void
test_backtest_no_year_axis(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_results *res = dp_results_alloc(1);
    dp_region_input in;
    memset(&in, 0, sizeof in);
    dp_backtest *bt = NULL;
    assert_int_equal(dp_backtest_compare(ctx, &in, 1, 2017, res, &bt), DP_EINPUT);
    assert_null(bt);
    dp_results_free(res);
    dp_ctx_free(ctx);
}

static double
known_share(double t)
{
    return 1.0 / (1.0 + exp(-(1.0 + 0.3 * (t - 2020.0))));
}

static void
test_backtest_region_known_trend(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_reference *ref = NULL;
    dp_scenario *s = NULL;
    dp_model *m0 = NULL, *m1 = NULL;
    const char *data = dp_test_data_dir();
    assert_int_equal(dp_reference_load(ctx, data, &ref), DP_OK);
    assert_int_equal(dp_scenario_load(ctx, "scenarios/daan-baseline.yaml", data, &s), DP_OK);
    dp_params p = *dp_scenario_params(s);
    dp_region_input in = *dp_scenario_region(s, 0);
    assert_int_equal(p.base_year, 2020);
    /* The base's eligible persons, from the frozen calibration: E = recipients / take-up. */
    assert_int_equal(dp_model_alloc(ctx, &p, ref, &in, 1, &m0), DP_OK);
    double e = in.recipients[DP_PROG_CARE] / dp_model_take_up(m0, 0, DP_PROG_CARE);
    dp_reported rep[4];
    for (int y = 2016; y <= 2019; y++) {
        rep[y - 2016] =
            fig("care_subsidy_recipients", y, 12, y, DP_BOUND_EXACT, e * known_share((double)y));
    }
    in.reported = rep;
    in.n_reported = 4;
    in.recipients[DP_PROG_CARE] = e * known_share(2020.0);
    p.status_quo = DP_SQ_TREND;
    p.cal_growth_sd = 100.0; /* no pull toward g = 0 to speak of */
    assert_int_equal(dp_model_alloc(ctx, &p, ref, &in, 1, &m1), DP_OK);
    const dp_trend_fit *f = dp_model_trend(m1, 0, DP_PROG_CARE);
    assert_non_null(f);
    assert_int_equal(f->n_obs, 5);
    assert_close(f->a, 1.0, 0, 1e-6);
    assert_close(f->g, 0.3, 0, 1e-6);
    assert_true(f->se_g > 0.0 && f->se_g < 0.3);
    /* The projected take-up is the trend (the base reproduces the fitted level exactly). */
    dp_prog_rules rules;
    dp_prog_rules_year(m1, &p, 0, 2022, &rules);
    assert_close(rules.take_up[DP_PROG_CARE], known_share(2022.0), 1e-6, 0);
    dp_prog_rules_year(m1, &p, 0, 2020, &rules); /* the base year keeps its take-up */
    assert_close(rules.take_up[DP_PROG_CARE], known_share(2020.0), 1e-9, 0);
    dp_model_free(m0);
    dp_model_free(m1);
    dp_scenario_free(s);
    dp_reference_free(ref);
    dp_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backtest_known_truth),
        cmocka_unit_test(test_backtest_no_year_axis),
        cmocka_unit_test(test_backtest_region_known_trend),
    };
    return cmocka_run_group_tests_name("backtest", tests, NULL, NULL);
}
