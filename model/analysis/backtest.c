/* model/analysis/backtest.c
 *
 * The back-test table (backtest.h; docs/validation.md "Back-test").
 */
#include "analysis/backtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "analysis/targets.h"
#include "input/scenario.h"
#include "input/indicators.h"

void
dp_backtest_free(dp_backtest *bt)
{
    if (bt) {
        free(bt->item);
        free(bt);
    }
}

/* Per-run values of indicator key of region in year into x (n_run). */
static dp_status
values(dp_ctx *ctx, const dp_results *res, const char *key, const char *region, int year, double *x)
{
    dp_target t;
    memset(&t, 0, sizeof t);
    snprintf(t.indicator, sizeof t.indicator, "%s", key);
    snprintf(t.region, sizeof t.region, "%s", region);
    t.year = year;
    return dp_indicator_values(ctx, res, &t, x);
}

/* Mean and percentiles of x[n] (sorted in place) into it; NAN if any run is NAN. */
static void
summarise(double *x, size_t n, dp_backtest_item *it)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i])) {
            it->mean = it->p5 = it->p25 = it->p50 = it->p75 = it->p95 = NAN;
            return;
        }
        s += x[i];
    }
    gsl_sort(x, 1, n);
    it->mean = s / (double)n;
    it->p5 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.05);
    it->p25 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.25);
    it->p50 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.50);
    it->p75 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.75);
    it->p95 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.95);
}

/* Whether the actual lies inside [lo, hi], for an exact figure or a bound (backtest.h). */
static int
inside(const dp_backtest_item *it, double lo, double hi)
{
    /* Within a relative 1e-9: a deterministic run (cohort, one replicate) that lands on the
     * figure is inside. */
    double eps = 1e-9 * fabs(it->actual);
    switch (it->bound) {
    case DP_BOUND_LOWER:
        return hi >= it->actual - eps;
    case DP_BOUND_UPPER:
        return lo <= it->actual + eps;
    default:
        return lo <= it->actual + eps && hi >= it->actual - eps;
    }
}

dp_status
dp_backtest_compare(dp_ctx *ctx, const dp_region_input *regions, size_t n_region, int fit_until,
                    const dp_results *res, dp_backtest **out)
{
    dp_status rc = DP_OK;
    size_t ya = dp_results_find_axis(res, "year");
    *out = NULL;
    if (ya == (size_t)-1 || dp_results_find_axis(res, "region") == (size_t)-1 ||
        !res->axis[ya].value || res->axis[ya].n == 0) {
        return dp_error(ctx, DP_EINPUT, "back-test: the results have no year or region axis");
    }
    int first = (int)res->axis[ya].value[0];
    int last = (int)res->axis[ya].value[res->axis[ya].n - 1];
    size_t n_max = 0;
    for (size_t r = 0; r < n_region; r++) {
        n_max += regions[r].n_reported;
    }
    size_t n_run = res->n_run ? res->n_run : 1;
    size_t n50 = 0, n90 = 0, t50 = 0, t90 = 0;
    dp_backtest *bt = calloc(1, sizeof *bt);
    double *x = malloc(n_run * sizeof *x);
    double *x0 = malloc(n_run * sizeof *x0);
    if (!bt || !x || !x0 || !(bt->item = calloc(n_max ? n_max : 1, sizeof *bt->item))) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the back-test");
        goto fail;
    }
    bt->fit_until = fit_until;
    bt->n_run = res->n_run;
    for (size_t r = 0; r < n_region; r++) {
        const dp_region_input *in = &regions[r];
        for (size_t i = 0; i < in->n_reported; i++) {
            const dp_reported *rp = &in->reported[i];
            if (rp->year <= fit_until || rp->year > last) {
                continue; /* fitted, or beyond the projection */
            }
            int partial = rp->month < 12;
            if (rp->from != rp->year || !dp_indicator_find(rp->key, NULL) || rp->year < first ||
                (partial && rp->year - 1 < first)) {
                bt->n_skipped++;
                continue;
            }
            dp_backtest_item *it = &bt->item[bt->n_item];
            snprintf(it->region, sizeof it->region, "%s", in->id);
            snprintf(it->key, sizeof it->key, "%s", rp->key);
            it->year = rp->year;
            it->month = rp->month;
            it->bound = rp->bound;
            it->actual = rp->value;
            if ((rc = values(ctx, res, rp->key, in->id, rp->year, x)) != DP_OK) {
                goto fail;
            }
            if (partial) { /* the end of month m: linear between the ends of Y - 1 and Y */
                if ((rc = values(ctx, res, rp->key, in->id, rp->year - 1, x0)) != DP_OK) {
                    goto fail;
                }
                double w = (double)rp->month / 12.0;
                for (size_t k = 0; k < n_run; k++) {
                    x[k] = x0[k] + w * (x[k] - x0[k]);
                }
            }
            summarise(x, n_run, it);
            it->rel_error = (it->mean - it->actual) / it->actual;
            it->in50 = inside(it, it->p25, it->p75);
            it->in90 = inside(it, it->p5, it->p95);
            n50 += (size_t)it->in50;
            n90 += (size_t)it->in90;
            if (strcmp(it->key, "living_subsidy_recipients") == 0 ||
                strcmp(it->key, "care_subsidy_recipients") == 0) {
                bt->n_trend++;
                t50 += (size_t)it->in50;
                t90 += (size_t)it->in90;
            }
            bt->n_item++;
        }
    }
    bt->cover50 = bt->n_item ? (double)n50 / (double)bt->n_item : (double)NAN;
    bt->cover90 = bt->n_item ? (double)n90 / (double)bt->n_item : (double)NAN;
    bt->trend50 = bt->n_trend ? (double)t50 / (double)bt->n_trend : (double)NAN;
    bt->trend90 = bt->n_trend ? (double)t90 / (double)bt->n_trend : (double)NAN;
    free(x);
    free(x0);
    *out = bt;
    return DP_OK;
fail:
    free(x);
    free(x0);
    dp_backtest_free(bt);
    return rc;
}

enum { N_STAT = 14, N_SUMMARY = 9, N_REPSTAT = 8 };

dp_status
dp_backtest_add(dp_ctx *ctx, const dp_backtest *bt, dp_results *res)
{
    static const char *const stat_label[N_STAT] = {
        "year", "month", "bound", "actual",    "mean", "p5",   "p25",
        "p50",  "p75",   "p95",   "rel_error", "in50", "in90", "region_index"};
    static const char *const stat_zh[N_STAT] = {
        "年份",        "月份",     "界限(0精确 1下限 2上限)",
        "实际值",      "预测均值", "第5百分位",
        "第25百分位",  "中位数",   "第75百分位",
        "第95百分位",  "相对误差", "在50%区间内",
        "在90%区间内", "地区序号"};
    static const char *const sum_label[N_SUMMARY] = {"fit_until",    "runs",    "compared",
                                                     "not_compared", "cover50", "cover90",
                                                     "trend",        "trend50", "trend90"};
    static const char *const sum_zh[N_SUMMARY] = {"拟合截止年",
                                                  "模拟次数",
                                                  "比较数",
                                                  "未比较数",
                                                  "50%区间覆盖率",
                                                  "90%区间覆盖率",
                                                  "两项补贴受益人数比较数",
                                                  "其50%区间覆盖率",
                                                  "其90%区间覆盖率"};
    static const char *const ax_items[] = {"backtest_item", "backtest_stat", NULL};
    static const char *const ax_sum[] = {"backtest_summary_stat", NULL};
    size_t n = bt->n_item ? bt->n_item : 1;
    char(*lab)[128] = calloc(n, sizeof *lab);
    const char **lp = calloc(n, sizeof *lp);
    dp_table *items = NULL, *sum = NULL;
    dp_status rc = DP_OK;
    size_t ri = dp_results_find_axis(res, "region");
    if (!lab || !lp) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (i < bt->n_item) {
            const dp_backtest_item *it = &bt->item[i];
            snprintf(lab[i], sizeof lab[i], "%s %s %d-%02d", it->region, it->key, it->year,
                     it->month);
        } else {
            snprintf(lab[i], sizeof lab[i], "none");
        }
        lp[i] = lab[i];
    }
    if ((rc = dp_results_add_axis(ctx, res, "backtest_item", n, lp, NULL, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "backtest_stat", N_STAT, stat_label, stat_zh, NULL,
                                  NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "backtest_summary_stat", N_SUMMARY, sum_label, sum_zh,
                                  NULL, NULL)) ||
        (rc = dp_results_add_table(ctx, res, "backtest_items", "mixed",
                                   "back-test: each figure reported after the fitted years, "
                                   "the projection's mean and percentiles over replicates, the "
                                   "relative error and whether the actual is inside the 50% and "
                                   "90% intervals",
                                   "回测：实际值与预测区间", 0, ax_items, &items)) ||
        (rc = dp_results_add_table(ctx, res, "backtest_summary", "mixed",
                                   "back-test: fitted years, runs, figures compared and "
                                   "interval coverage",
                                   "回测汇总：区间覆盖率", 0, ax_sum, &sum))) {
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        double *row = items->data + i * N_STAT;
        if (i >= bt->n_item) {
            for (size_t s = 0; s < N_STAT; s++) {
                row[s] = NAN;
            }
            continue;
        }
        const dp_backtest_item *it = &bt->item[i];
        double reg = NAN;
        for (size_t r = 0; ri != (size_t)-1 && r < res->axis[ri].n; r++) {
            if (strcmp(res->axis[ri].label[r], it->region) == 0) {
                reg = (double)r;
            }
        }
        double v[N_STAT] = {it->year,      it->month, it->bound, it->actual, it->mean,
                            it->p5,        it->p25,   it->p50,   it->p75,    it->p95,
                            it->rel_error, it->in50,  it->in90,  reg};
        memcpy(row, v, sizeof v);
    }
    sum->data[0] = bt->fit_until;
    sum->data[1] = (double)bt->n_run;
    sum->data[2] = (double)bt->n_item;
    sum->data[3] = (double)bt->n_skipped;
    sum->data[4] = bt->cover50;
    sum->data[5] = bt->cover90;
    sum->data[6] = (double)bt->n_trend;
    sum->data[7] = bt->trend50;
    sum->data[8] = bt->trend90;
out:
    free(lab);
    free(lp);
    return rc;
}

/* The region files' reported figures (history/history_reported [reported_item,
 * reported_stat]; the item's source and unit in the axes reported_source and reported_unit,
 * aligned with reported_item; docs/output-schema.md). Added only when a region reports any. */
dp_status
dp_history_add(dp_ctx *ctx, const dp_scenario *s, dp_results *res)
{
    size_t n_region = dp_scenario_n_region(s);
    static const char *const stat_label[N_REPSTAT] = {"year",  "month",  "mid",   "from",
                                                      "value", "bound",  "status",
                                                      "region_index"};
    static const char *const stat_zh[N_REPSTAT] = {"年份",   "月份(月末)", "年中(1是)",
                                                   "起始年", "数值",       "界限(0精确 1下限 2上限)",
                                                   "状态(0引用 1推算 2假设 3未核实)", "地区序号"};
    static const char *const ax[] = {"reported_item", "reported_stat", NULL};
    size_t n = 0;
    for (size_t r = 0; r < n_region; r++) {
        n += dp_scenario_region(s, r)->n_reported;
    }
    if (n == 0) {
        return DP_OK;
    }
    char(*lab)[160] = calloc(n, sizeof *lab);
    const char **lp = calloc(n, sizeof *lp), **sp = calloc(n, sizeof *sp),
               **up = calloc(n, sizeof *up);
    dp_table *t = NULL;
    dp_status rc = DP_OK;
    size_t i = 0;
    size_t ri = dp_results_find_axis(res, "region");
    if (!lab || !lp || !sp || !up) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the reported figures");
        goto out;
    }
    for (size_t r = 0; r < n_region; r++) {
        const dp_region_input *in = dp_scenario_region(s, r);
        for (size_t k = 0; k < in->n_reported; k++, i++) {
            const dp_reported *rp = &in->reported[k];
            if (rp->from < rp->year) {
                snprintf(lab[i], sizeof lab[i], "%s %s %d-%d-%02d", in->id, rp->key,
                         rp->from, rp->year, rp->month);
            } else {
                snprintf(lab[i], sizeof lab[i], "%s %s %d-%02d", in->id, rp->key, rp->year,
                         rp->month);
            }
            lp[i] = lab[i];
            sp[i] = rp->source;
            up[i] = rp->unit;
        }
    }
    if ((rc = dp_results_add_axis(ctx, res, "reported_item", n, lp, NULL, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "reported_source", n, sp, NULL, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "reported_unit", n, up, NULL, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "reported_stat", N_REPSTAT, stat_label, stat_zh,
                                  NULL, NULL)) ||
        (rc = dp_results_add_table(ctx, res, "history_reported", "mixed",
                                   "the region files' reported figures: date, value (in the "
                                   "unit of reported_unit), bound and status; sources in "
                                   "reported_source", "地区文件的历史报告数", 0, ax, &t))) {
        goto out;
    }
    i = 0;
    for (size_t r = 0; r < n_region; r++) {
        const dp_region_input *in = dp_scenario_region(s, r);
        for (size_t k = 0; k < in->n_reported; k++, i++) {
            const dp_reported *rp = &in->reported[k];
            double reg = NAN;
            for (size_t j = 0; ri != (size_t)-1 && j < res->axis[ri].n; j++) {
                if (strcmp(res->axis[ri].label[j], in->id) == 0) {
                    reg = (double)j;
                }
            }
            double v[N_REPSTAT] = {rp->year,         rp->month,          rp->mid,
                                   rp->from,         rp->value,          (double)rp->bound,
                                   (double)rp->status, reg};
            memcpy(t->data + i * N_REPSTAT, v, sizeof v);
        }
    }
out:
    free(lab);
    free(lp);
    free(sp);
    free(up);
    return rc;
}
