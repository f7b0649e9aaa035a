/* tests/bench/bench_micro.c
 *
 * Benchmark of the micro engine (make bench): (a) Da'an's baseline, 1,000 replicates,
 * 2021-2035 (replicates in parallel); (b) a generated national population of 85 million
 * disabled persons (China's 1.412 billion residents as one region; the disabled total of the
 * 2006 survey scaled to 2020, 6.34%... here fixed at 85 million), one replicate 2021-2035 (its
 * persons in parallel chunks). Prints wall time, person-years per second (in all and per
 * core), and peak resident memory per person. Not a test: it asserts nothing.
 *
 * Person-years are counted as the persons alive at the end of each year (indicators:
 * disabled) plus those who died during it (flows: deaths_disabled): every person the year's
 * loop visited.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <omp.h>

#include "engines/tables.h"
#include "input/scenario.h"

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Peak resident memory of the process so far [bytes]. */
static double
peak_rss(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss * 1024.0;
}

/* CPU seconds used by the process so far (all threads). */
static double
cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* Current resident memory [bytes] from /proc/self/statm. */
static double
current_rss(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    double pages = 0.0, rss = 0.0;
    if (f) {
        if (fscanf(f, "%lf %lf", &pages, &rss) != 2) {
            rss = 0.0;
        }
        fclose(f);
    }
    return rss * 4096.0;
}

/* Person-years visited and the largest number of persons alive at a year's end. */
static void
person_years(const dp_results *res, double *py, double *largest)
{
    const dp_table *ind = dp_results_find(res, "indicators");
    const dp_table *fl = dp_results_find(res, "flows");
    size_t n_slot = ind->size / DP_N_IND_ALL;
    *py = 0.0;
    *largest = 0.0;
    for (size_t run = 0; run < res->n_run; run++) {
        for (size_t s = 0; s < n_slot; s++) {
            double alive = dp_table_run(ind, run)[s * DP_N_IND_ALL + DP_IN_DISABLED];
            *py += alive + dp_table_run(fl, run)[s * DP_N_FLOW + DP_FL_DEATHS_D];
            *largest = alive > *largest ? alive : *largest;
        }
    }
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
    double national = argc > 2 ? strtod(argv[2], NULL) : 85e6;
    size_t reps = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000;
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    dp_ctx *ctx = dp_ctx_alloc();
    dp_reference *ref = NULL;
    dp_scenario *s = NULL;
    dp_model *m = NULL;
    dp_results *res = NULL;
    int threads = omp_get_max_threads();
    if (dp_reference_load(ctx, data, &ref) != DP_OK) {
        return fail(ctx);
    }
    printf("micro engine benchmark: %d threads, %zu-byte persons (id + cell + flags)\n",
           threads, sizeof(uint64_t) + sizeof(uint16_t) + sizeof(uint8_t));

    /* (a) Da'an x reps replicates. */
    char path[512];
    snprintf(path, sizeof path, "%s/../scenarios/daan-baseline.yaml", data);
    if (dp_scenario_load(ctx, path, data, &s) != DP_OK ||
        dp_model_alloc(ctx, dp_scenario_params(s), ref, dp_scenario_region(s, 0), 1, &m) !=
            DP_OK) {
        return fail(ctx);
    }
    double t0 = now(), c0 = cpu_seconds();
    if (dp_micro_run(ctx, m, &(dp_engine_opts){reps, 1}, &res) != DP_OK) {
        return fail(ctx);
    }
    double dt = now() - t0, cpu = cpu_seconds() - c0, py, largest;
    person_years(res, &py, &largest);
    printf("\n(a) Da'an baseline x %zu replicates, 2021-2035 (replicates in parallel)\n", reps);
    printf("    wall %.2f s, CPU %.2f s; %.3g person-years; %.1f million person-years/s; %.1f "
           "million per core (per CPU second)\n",
           dt, cpu, py, py / dt / 1e6, py / cpu / 1e6);
    dp_results_free(res);
    res = NULL;

    /* (b) One national replicate: the Da'an scenario's parameters, one region of China's size
     * with `national` disabled persons. */
    dp_region_input in = *dp_scenario_region(s, 0);
    strcpy(in.id, "china");
    strcpy(in.name_zh, "全国");
    in.population = 1.412e9;
    in.disabled_total = national;
    for (size_t k = 0; k < DP_N_MARG; k++) {
        in.marginal[k] = NAN;
    }
    for (size_t k = 0; k < DP_N_PROG; k++) {
        in.recipients[k] = NAN;
    }
    dp_model_free(m);
    m = NULL;
    if (dp_model_alloc(ctx, dp_scenario_params(s), ref, &in, 1, &m) != DP_OK) {
        return fail(ctx);
    }
    double before = current_rss();
    t0 = now();
    c0 = cpu_seconds();
    if (dp_micro_run(ctx, m, &(dp_engine_opts){1, 1}, &res) != DP_OK) {
        return fail(ctx);
    }
    dt = now() - t0;
    cpu = cpu_seconds() - c0;
    double peak = peak_rss();
    person_years(res, &py, &largest);
    printf("\n(b) national population, %.3g disabled persons, one replicate 2021-2035 (chunks "
           "in parallel)\n",
           national);
    printf("    wall %.2f s, CPU %.2f s; %.3g person-years; %.1f million person-years/s; %.1f "
           "million per core (per CPU second)\n",
           dt, cpu, py, py / dt / 1e6, py / cpu / 1e6);
    printf("    peak memory %.0f MiB (%.0f MiB before the run): %.1f bytes per person at the "
           "largest population (%.3g)\n",
           peak / 1048576.0, before / 1048576.0, (peak - before) / largest, largest);
    dp_results_free(res);
    dp_model_free(m);
    dp_scenario_free(s);
    dp_reference_free(ref);
    dp_ctx_free(ctx);
    return 0;
}
