/* tests/bench/bench_rollup.c
 *
 * Benchmark of the roll-ups (make bench; engines/rollup.h): the synthetic national county set
 * (tests/bench/national_set.py writes it as files; here it is made in memory by the same rule:
 * N county-sized regions, default 2,850, log-normal sizes summing to 1.412 billion residents,
 * 6.34% disabled, 45% certified; counties spread round robin over 333 prefectures and those
 * over 31 provinces under the nation), (a) projected by the cohort engine 2021-2035 as one run,
 * then rolled up to its 365 nodes; (b) one synthetic province (about 92 counties) with the micro
 * engine, RUNS replicates (default 2), then rolled up. Prints the time of the fit, of the run
 * and of the roll-up, the roll-up's share of the whole, and the memory the roll-up tables add.
 * Not a test: it asserts nothing; it only measures.
 *
 * usage: build/bench/bench_rollup [DATA] [N_COUNTY] [RUNS]
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <omp.h>

#include "engines/engines.h"
#include "engines/rollup.h"
#include "input/hierarchy.h"
#include "input/reference.h"

enum { N_PROVINCE = 31, N_PREFECTURE = 333 };

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int
fail(dp_ctx *ctx)
{
    fprintf(stderr, "bench: %s\n", dp_ctx_errmsg(ctx));
    return 1;
}

/* The counties, as tests/bench/bench_cohort.c (c) and tests/bench/national_set.py make them. */
static void
make_counties(dp_region_input *in, size_t n)
{
    double weight_sum = 0.0;
    for (size_t r = 0; r < n; r++) {
        double z = gsl_cdf_ugaussian_Pinv(((double)r + 0.5) / (double)n);
        in[r].population = exp(0.8 * z);
        weight_sum += in[r].population;
    }
    for (size_t r = 0; r < n; r++) {
        dp_region_input *x = &in[r];
        snprintf(x->id, sizeof x->id, "county%04zu", r);
        snprintf(x->province, sizeof x->province, "none");
        x->base_year = 2020;
        x->population = 1.412e9 * x->population / weight_sum;
        x->age_share[0] = x->age_share[1] = x->age_share[2] = NAN;
        x->sex_ratio = NAN;
        x->birth_rate = 0.0085;
        x->migration_rate = 0.0;
        x->disabled_total = 0.0634 * x->population;
        for (size_t t = 0; t < DP_N_TYPE; t++) {
            x->type_share[t] = NAN;
        }
        for (size_t k = 0; k < DP_N_MARG; k++) {
            x->marginal[k] = NAN;
        }
        for (size_t k = 0; k < DP_N_PROG; k++) {
            x->recipients[k] = NAN;
        }
        x->marginal[DP_MARG_CERTIFIED] = 0.45 * x->disabled_total;
    }
}

/* The hierarchy of national_set.py: nation, provinces, prefectures, then the counties. */
static dp_hierarchy *
make_hierarchy(size_t n)
{
    dp_hierarchy *h = calloc(1, sizeof *h);
    size_t n_pref = n < N_PREFECTURE ? n : N_PREFECTURE;
    size_t n_prov = n_pref < N_PROVINCE ? n_pref : N_PROVINCE;
    if (!h || !(h->node = calloc(1 + n_prov + n_pref + n, sizeof *h->node))) {
        free(h);
        return NULL;
    }
    static char name[] = "(synthetic hierarchy)";
    h->path = name; /* not freed: main frees node and h only */
    dp_hnode *c = &h->node[h->n++];
    snprintf(c->id, sizeof c->id, "china");
    snprintf(c->code, sizeof c->code, "100000");
    c->level = DP_ADM_NATION;
    c->parent = DP_HNONE;
    for (size_t p = 0; p < n_prov; p++) {
        dp_hnode *x = &h->node[h->n++];
        snprintf(x->id, sizeof x->id, "p%02zu", p + 1);
        snprintf(x->name_zh, sizeof x->name_zh, "合成省%zu", p + 1);
        x->level = DP_ADM_PROVINCE;
        x->parent = 0;
    }
    for (size_t j = 0; j < n_pref; j++) {
        dp_hnode *x = &h->node[h->n++];
        snprintf(x->id, sizeof x->id, "p%02zuc%02zu", j % n_prov + 1, j / n_prov + 1);
        x->level = DP_ADM_PREFECTURE;
        x->parent = 1 + j % n_prov;
    }
    for (size_t r = 0; r < n; r++) {
        dp_hnode *x = &h->node[h->n++];
        snprintf(x->id, sizeof x->id, "county%04zu", r);
        x->level = DP_ADM_COUNTY;
        x->parent = 1 + n_prov + r % n_pref;
    }
    return h;
}

/* Bytes of the roll-up tables of res (those named *_node). */
static double
rollup_bytes(const dp_results *res)
{
    double b = 0.0;
    for (size_t i = 0; i < res->n_table; i++) {
        const dp_table *t = &res->table[i];
        size_t len = strlen(t->name);
        if (len > 5 && strcmp(t->name + len - 5, "_node") == 0) {
            b += (double)t->size * (double)(t->per_run ? res->n_run : 1) * sizeof(double);
        }
    }
    return b;
}

static double
region_bytes(const dp_results *res)
{
    double b = 0.0;
    for (size_t i = 0; i < res->n_table; i++) {
        const dp_table *t = &res->table[i];
        b += (double)t->size * (double)(t->per_run ? res->n_run : 1) * sizeof(double);
    }
    return b;
}

static int
measure(dp_ctx *ctx, const char *what, const dp_reference *ref, const dp_hierarchy *h,
        const dp_region_input *in, size_t n, size_t runs, int micro)
{
    dp_params p;
    dp_model *m = NULL;
    dp_results *res = NULL;
    dp_params_default(&p);
    double t0 = now();
    if (dp_model_alloc(ctx, &p, ref, in, n, &m) != DP_OK) {
        return fail(ctx);
    }
    double t1 = now();
    dp_status rc = micro ? dp_micro_run(ctx, m, &(dp_engine_opts){runs, 1}, &res)
                         : dp_cohort_run(ctx, m, &(dp_engine_opts){runs, 1}, &res);
    if (rc != DP_OK) {
        return fail(ctx);
    }
    double t2 = now(), before = region_bytes(res);
    if (dp_rollup_add(ctx, h, res) != DP_OK) {
        return fail(ctx);
    }
    double t3 = now();
    size_t na = dp_results_find_axis(res, "node");
    double all = t3 - t0;
    printf("\n%s: %zu regions, %zu nodes, %zu run%s (%s engine)\n", what, n,
           na != (size_t)-1 ? res->axis[na].n : 0, runs, runs == 1 ? "" : "s",
           micro ? "micro" : "cohort");
    printf("fit %.2f s; run %.2f s; roll-up %.3f s = %.2f%% of fit + run + roll-up\n", t1 - t0,
           t2 - t1, t3 - t2, 100.0 * (t3 - t2) / all);
    printf("roll-up tables %.0f MiB beside the run's %.0f MiB of tables (+%.1f%%)\n",
           rollup_bytes(res) / 1048576.0, before / 1048576.0, 100.0 * rollup_bytes(res) / before);
    dp_results_free(res);
    dp_model_free(m);
    return 0;
}

int
main(int argc, char **argv)
{
    const char *data = argc > 1 ? argv[1] : "data";
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 2850;
    size_t runs = argc > 3 ? strtoul(argv[3], NULL, 10) : 2;
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    dp_ctx *ctx = dp_ctx_alloc();
    dp_reference *ref = NULL;
    dp_region_input *in = calloc(n ? n : 1, sizeof *in);
    dp_region_input *prov = calloc(n ? n : 1, sizeof *prov);
    dp_hierarchy *h = make_hierarchy(n);
    if (!ctx || !in || !prov || !h || n == 0) {
        fprintf(stderr, "bench: out of memory (or no counties)\n");
        return 1;
    }
    if (dp_reference_load(ctx, data, &ref) != DP_OK) {
        return fail(ctx);
    }
    printf("roll-up benchmark: %d threads, the synthetic national county set "
           "(tests/bench/national_set.py)\n",
           omp_get_max_threads());
    make_counties(in, n);
    if (measure(ctx, "(a) the nation", ref, h, in, n, 1, 0) != 0) {
        return 1;
    }
    /* (b) Province p01: the counties of its prefectures (r mod 333 = j with j mod 31 = 0). */
    size_t n_pref = n < N_PREFECTURE ? n : N_PREFECTURE;
    size_t n_prov_set = n_pref < N_PROVINCE ? n_pref : N_PROVINCE, k = 0;
    for (size_t r = 0; r < n; r++) {
        if ((r % n_pref) % n_prov_set == 0) {
            prov[k++] = in[r];
        }
    }
    if (measure(ctx, "(b) province p01", ref, h, prov, k, runs, 1) != 0) {
        return 1;
    }
    free(in);
    free(prov);
    free(h->node);
    free(h);
    dp_reference_free(ref);
    dp_ctx_free(ctx);
    return 0;
}
