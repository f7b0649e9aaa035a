/* tests/bench/bench_cohort.c
 *
 * Benchmark of the cohort engine (make bench): (a) the five seed regions' baseline scenarios
 * 2021-2035 (Hulan 2018-2035), each loaded, fitted and projected; (b) Da'an 2021-2035 with 1,000
 * parameter draws projected as batches: draws of programme parameters only (care amount,
 * living-subsidy take-up; every replicate shares the transition matrix, so one product per
 * (sex, age band, year) serves a whole batch), then draws of transition rates too (onset and
 * worsening; every replicate has its own matrix), and for reference replicates projected as
 * separate single runs; (c) a generated national set of 2,850 county-sized regions (China's
 * 1.412 billion residents, spread over counties with a log-normal size distribution; 6.34%
 * disabled), fitted and projected 2021-2035. Prints wall times, cell-years and replicate-years
 * per second, persons projected and peak resident memory. Not a test: it asserts nothing; it
 * only measures.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <omp.h>

#include "engines/engines.h"
#include "input/reference.h"
#include "input/scenario.h"

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double
peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static double
total_disabled(const dp_results *res, size_t yi)
{
    const dp_table *t = dp_results_find(res, "indicators");
    size_t n_reg = res->axis[t->axis[1]].n, n_ind = res->axis[t->axis[2]].n;
    double s = 0.0;
    for (size_t r = 0; r < n_reg; r++) {
        s += t->data[(yi * n_reg + r) * n_ind]; /* indicator 0 = disabled */
    }
    return s;
}

/* Adds an uncertain parameter written to the n members at byte offsets off[]. */
static void
add_uncertain(dp_params *p, const char *name, dp_dist d, double min, double max, size_t n,
              const size_t *off)
{
    dp_uncertain *u = &p->uncertain[p->n_uncertain++];
    memset(u, 0, sizeof *u);
    snprintf(u->name, sizeof u->name, "%s", name);
    u->dist = d;
    u->min = min;
    u->max = max;
    u->n_target = n;
    for (size_t i = 0; i < n; i++) {
        u->offset[i] = off[i];
    }
}

/* Draws of the programme parameters (care amount of grades 1-2, living-subsidy take-up). */
static void
programme_draws(dp_params *p)
{
    const size_t care[] = {offsetof(dp_params, prog[DP_PROG_CARE].amount[0].value[0]),
                           offsetof(dp_params, prog[DP_PROG_CARE].amount[1].value[0])};
    const size_t tu[] = {offsetof(dp_params, prog[DP_PROG_LIVING].take_up)};
    add_uncertain(p, "programmes.care_subsidy.monthly", (dp_dist){DP_DIST_NORMAL, 93.0, 9.3, 0},
                  0.0, 1e6, 2, care);
    add_uncertain(p, "programmes.living_subsidy.take_up", (dp_dist){DP_DIST_BETA, 0.94, 0.03, 0},
                  0.0, 1.0, 1, tu);
}

/* Draws of transition rates: onset multiplier and worsening under and over 60. */
static void
transition_draws(dp_params *p)
{
    const size_t on[] = {offsetof(dp_params, onset_multiplier)};
    const size_t u60[] = {offsetof(dp_params, worsen_rate)};
    const size_t o60[] = {offsetof(dp_params, worsen_rate) + sizeof(double)};
    add_uncertain(p, "rates.onset_multiplier", (dp_dist){DP_DIST_LOGNORMAL, 1.0, 0.1, 0}, 0.0, 10.0,
                  1, on);
    add_uncertain(p, "rates.worsening.under60", (dp_dist){DP_DIST_UNIFORM, 0.005, 0.015, 0}, 0.0,
                  1.0, 1, u60);
    add_uncertain(p, "rates.worsening.over60", (dp_dist){DP_DIST_UNIFORM, 0.02, 0.04, 0}, 0.0, 1.0,
                  1, o60);
}

/* Fits Da'an's model with parameters p and projects `runs` replicates; returns the seconds of
 * the projection, or a negative value on failure. */
static double
time_daan(dp_ctx *ctx, const dp_reference *ref, const dp_scenario *s, const dp_params *p,
          size_t runs, size_t times)
{
    dp_model *m = NULL;
    if (dp_model_alloc(ctx, p, ref, dp_scenario_region(s, 0), 1, &m) != DP_OK) {
        return -1.0;
    }
    double t0 = now();
    for (size_t i = 0; i < times; i++) {
        dp_results *res = NULL;
        if (dp_cohort_run(ctx, m, &(dp_engine_opts){runs, 20211}, &res) != DP_OK) {
            dp_model_free(m);
            return -1.0;
        }
        dp_results_free(res);
    }
    double t = now() - t0;
    dp_model_free(m);
    return t;
}

static int
fail(dp_ctx *ctx)
{
    fprintf(stderr, "bench: %s\n", dp_ctx_errmsg(ctx));
    return 1;
}

int
main(int argc, char **argv)
{
    const char *data = argc > 1 ? argv[1] : "data";
    size_t n_county = argc > 2 ? strtoul(argv[2], NULL, 10) : 2850;
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    dp_ctx *ctx = dp_ctx_alloc();
    dp_reference *ref = NULL;
    if (dp_reference_load(ctx, data, &ref) != DP_OK) {
        return fail(ctx);
    }
    printf("cohort engine benchmark: %d threads, %d cells per region\n", omp_get_max_threads(),
           DP_N_CELL);

    /* (a) The five seed regions. */
    static const char *const seeds[] = {"daan", "huzhong", "ningbo", "pudong", "hulan"};
    double t_all = 0.0;
    printf("\n(a) seed regions, baseline scenarios\n");
    printf("%-10s %6s %10s %10s %10s %14s\n", "region", "years", "load s", "fit s", "run s",
           "disabled end");
    for (size_t i = 0; i < 5; i++) {
        char path[256];
        snprintf(path, sizeof path, "scenarios/%s-baseline.yaml", seeds[i]);
        double t0 = now();
        dp_scenario *s = NULL;
        if (dp_scenario_load(ctx, path, data, &s) != DP_OK) {
            return fail(ctx);
        }
        double t1 = now();
        dp_model *m = NULL;
        dp_results *res = NULL;
        if (dp_model_alloc(ctx, dp_scenario_params(s), ref, dp_scenario_region(s, 0), 1, &m) !=
            DP_OK) {
            return fail(ctx);
        }
        double t2 = now();
        if (dp_cohort_run(ctx, m, &(dp_engine_opts){1, 1}, &res) != DP_OK) {
            return fail(ctx);
        }
        double t3 = now();
        const dp_params *p = dp_scenario_params(s);
        size_t n_year = (size_t)(p->year_end - p->year_start + 1);
        printf("%-10s %6zu %10.4f %10.4f %10.4f %14.0f\n", seeds[i], n_year, t1 - t0, t2 - t1,
               t3 - t2, total_disabled(res, n_year - 1));
        t_all += t3 - t0;
        dp_results_free(res);
        dp_model_free(m);
        dp_scenario_free(s);
    }
    printf("all five seed regions (load + fit + project): %.3f s\n", t_all);

    /* (b) Da'an with 1,000 parameter draws. */
    {
        enum { N_DRAW = 1000, N_SEPARATE = 100 };
        dp_scenario *s = NULL;
        if (dp_scenario_load(ctx, "scenarios/daan-baseline.yaml", data, &s) != DP_OK) {
            return fail(ctx);
        }
        dp_params prog = *dp_scenario_params(s), trans;
        size_t n_year = (size_t)(prog.year_end - prog.year_start + 1);
        programme_draws(&prog);
        trans = prog;
        transition_draws(&trans);
        printf("\n(b) Da'an, %d parameter draws, %zu years, one batched run each\n", N_DRAW,
               n_year);
        printf("%-44s %10s %18s\n", "draws", "run s", "replicate-years/s");
        double tp = time_daan(ctx, ref, s, &prog, N_DRAW, 1);
        double tt = time_daan(ctx, ref, s, &trans, N_DRAW, 1);
        double ts = time_daan(ctx, ref, s, &trans, 1, N_SEPARATE);
        if (tp < 0.0 || tt < 0.0 || ts < 0.0) {
            return fail(ctx);
        }
        printf("%-44s %10.2f %18.0f\n", "programme only (shared matrix, batches of 4)", tp,
               N_DRAW * (double)n_year / tp);
        printf("%-44s %10.2f %18.0f\n", "transitions too (a matrix per draw)", tt,
               N_DRAW * (double)n_year / tt);
        printf("%-44s %10.2f %18.0f\n", "reference: 100 single-run calls, one by one", ts,
               N_SEPARATE * (double)n_year / ts);
        printf("peak resident memory %.0f MiB\n", peak_rss_mib());
        dp_scenario_free(s);
    }

    /* (c) A generated national set of county-sized regions. */
    dp_region_input *in = calloc(n_county, sizeof *in);
    if (!in) {
        fprintf(stderr, "bench: out of memory\n");
        return 1;
    }
    double weight_sum = 0.0;
    for (size_t r = 0; r < n_county; r++) {
        /* Deterministic log-normal sizes: quantiles of N(0, 0.8) at (r + 0.5) / n. */
        double z = gsl_cdf_ugaussian_Pinv(((double)r + 0.5) / (double)n_county);
        in[r].population = exp(0.8 * z);
        weight_sum += in[r].population;
    }
    double disabled = 0.0;
    for (size_t r = 0; r < n_county; r++) {
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
        disabled += x->disabled_total;
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
    dp_params p;
    dp_params_default(&p);
    double t0 = now();
    dp_model *m = NULL;
    dp_results *res = NULL;
    if (dp_model_alloc(ctx, &p, ref, in, n_county, &m) != DP_OK) {
        return fail(ctx);
    }
    double t1 = now();
    if (dp_cohort_run(ctx, m, &(dp_engine_opts){1, 1}, &res) != DP_OK) {
        return fail(ctx);
    }
    double t2 = now();
    size_t n_year = (size_t)(p.year_end - p.year_start + 1);
    double cell_years = (double)n_county * DP_N_CELL * (double)n_year;
    printf("\n(c) national scale: %zu county-sized regions, %.1f million disabled in the base "
           "year, %zu years\n",
           n_county, disabled / 1e6, n_year);
    printf("fit (synthesis + IPF) %.2f s; projection %.2f s; total %.2f s\n", t1 - t0, t2 - t1,
           t2 - t0);
    printf("%.1f million cell-years per second; %.1f million disabled persons in %d\n",
           cell_years / (t2 - t1) / 1e6, total_disabled(res, n_year - 1) / 1e6, p.year_end);
    printf("peak resident memory %.0f MiB\n", peak_rss_mib());
    dp_results_free(res);
    dp_model_free(m);
    free(in);
    dp_reference_free(ref);
    dp_ctx_free(ctx);
    return 0;
}
