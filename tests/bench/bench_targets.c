/* tests/bench/bench_targets.c
 *
 * Benchmark of plan-target evaluation (model/analysis/targets.c): the maximum of 256 targets, over
 * every indicator kind, on results of 1,000 replicates x 15 years x 10 regions (synthetic
 * values: only the work matters), then reading them back with their statistics. Prints the
 * time per call and per target-replicate. Not a test: it checks nothing but that the calls
 * succeed. Usage: bench_targets [DATA] (the argument, given by tests/bench/run.sh, is unused).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/results.h"
#include "analysis/targets.h"

enum { N_RUN = 1000, N_YEAR = 15, N_REG = 10, N_IND = 8, N_PROG = 2 };

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int
main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    static const char *const ind_label[N_IND] = {"disabled", "severe",    "aged60",
                                                 "children", "certified", "severe_certified",
                                                 "dibao",    "marginal"};
    static const char *const prog_label[N_PROG] = {"living_subsidy", "care_subsidy"};
    static const char *const ax_ind[] = {"year", "region", "indicator", NULL};
    static const char *const ax_prog[] = {"year", "region", "programme", NULL};
    const char *year_label[N_YEAR], *reg_label[N_REG];
    char year_text[N_YEAR][8], reg_text[N_REG][8];
    double year_value[N_YEAR];
    dp_ctx *ctx = dp_ctx_alloc();
    dp_results *res = dp_results_alloc(N_RUN);
    dp_table *ind = NULL, *rec = NULL, *sp = NULL;
    dp_target *t = calloc(DP_MAX_TARGETS, sizeof *t);
    dp_target_result *tr = NULL;
    size_t n = 0, n_indicator = dp_indicator_count(), usable[256], n_usable = 0;
    double t0 = 0.0, t1 = 0.0, t2 = 0.0;
    int rc = 1;
    if (!ctx || !res || !t) {
        goto out;
    }
    for (size_t y = 0; y < N_YEAR; y++) {
        snprintf(year_text[y], sizeof year_text[y], "%zu", 2021 + y);
        year_label[y] = year_text[y];
        year_value[y] = (double)(2021 + y);
    }
    for (size_t r = 0; r < N_REG; r++) {
        snprintf(reg_text[r], sizeof reg_text[r], "r%zu", r);
        reg_label[r] = reg_text[r];
    }
    if (dp_results_add_axis(ctx, res, "year", N_YEAR, year_label, NULL, year_value, NULL) ||
        dp_results_add_axis(ctx, res, "region", N_REG, reg_label, NULL, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "indicator", N_IND, ind_label, NULL, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "programme", N_PROG, prog_label, NULL, NULL, NULL) ||
        dp_results_add_table(ctx, res, "indicators", "persons", "i", "i", 1, ax_ind, &ind) ||
        dp_results_add_table(ctx, res, "recipients", "persons", "r", "r", 1, ax_prog, &rec) ||
        dp_results_add_table(ctx, res, "spending", "yuan", "s", "s", 1, ax_prog, &sp)) {
        goto out;
    }
    for (size_t i = 0; i < N_RUN * ind->size; i++) {
        ind->data[i] = 1000.0 + (double)(i % 977);
    }
    for (size_t i = 0; i < N_RUN * rec->size; i++) {
        rec->data[i] = 500.0 + (double)(i % 113);
        sp->data[i] = 1200.0 * rec->data[i];
    }
    /* The indicators these synthetic tables hold (persons, shares, the two programmes'
     * recipients and spending, total spending), each in turn, every year, half on one region. */
    n_usable = 0;
    for (size_t i = 0; i < n_indicator && n_usable < 256; i++) {
        static const char *const keys[] = {
            "disabled", "severe", "aged60", "children", "certified", "severe_certified", "dibao",
            "marginal", "certified_share", "severe_certified_share", "living_subsidy_recipients",
            "care_subsidy_recipients", "living_subsidy_spending", "care_subsidy_spending",
            "total_spending"};
        dp_indicator d;
        dp_indicator_get(i, &d);
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            if (strcmp(d.key, keys[k]) == 0) {
                usable[n_usable++] = i;
            }
        }
    }
    for (size_t i = 0; i < DP_MAX_TARGETS; i++) {
        dp_indicator d;
        dp_indicator_get(usable[i % n_usable], &d);
        snprintf(t[i].indicator, sizeof t[i].indicator, "%s", d.key);
        if (i % 2) {
            snprintf(t[i].region, sizeof t[i].region, "r%zu", i % N_REG);
        }
        t[i].year = 2021 + (int)(i % N_YEAR);
        t[i].op = (dp_target_op)(i % DP_N_OP);
        t[i].value = d.kind == DP_IND_SHARE ? 0.9 : 1500.0;
        t[i].tolerance = dp_target_default_tolerance(d.kind);
        t[i].binding = (int)(i % 3 == 0);
    }
    t0 = now();
    if (dp_targets_eval(ctx, t, DP_MAX_TARGETS, res) != DP_OK) {
        fprintf(stderr, "%s\n", dp_ctx_errmsg(ctx));
        goto out;
    }
    t1 = now();
    if (dp_targets_read(ctx, res, &tr, &n) != DP_OK || n != DP_MAX_TARGETS) {
        fprintf(stderr, "%s\n", dp_ctx_errmsg(ctx));
        goto out;
    }
    t2 = now();
    printf("targets: %d targets x %d replicates (%d years, %d regions)\n", DP_MAX_TARGETS, N_RUN,
           N_YEAR, N_REG);
    printf("  dp_targets_eval  %8.1f ms  (%.0f ns per target and replicate)\n", 1e3 * (t1 - t0),
           1e9 * (t1 - t0) / ((double)DP_MAX_TARGETS * N_RUN));
    printf("  dp_targets_read  %8.1f ms  (statistics of the four tables)\n", 1e3 * (t2 - t1));
    rc = 0;
out:
    free(tr);
    free(t);
    dp_results_free(res);
    dp_ctx_free(ctx);
    return rc;
}
