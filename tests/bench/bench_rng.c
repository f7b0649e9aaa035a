/* tests/bench/bench_rng.c
 *
 * Benchmark of the random streams (make bench): nanoseconds per stream reset plus one uniform
 * draw (the cost of one person-event in the micro engine), per uniform draw within a stream,
 * and per gsl_ran_binomial(n = 1000, p = 0.03) draw (one cohort-cell event). Each figure is the
 * best of three timed passes; the whole run takes about 1.5 s on this machine (budget:
 * 5 s). Not a test: it asserts nothing; it only measures. The "data" argument that make bench
 * passes is ignored.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core/rng.h"

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

enum { N_PASS = 3 };

/* Each pass returns its wall time in seconds and adds its draws to *sink, so that no draw can be
 * optimised away. */

static double
pass_reset_and_draw(gsl_rng *r, uint32_t n, double *sink)
{
    double t0 = now(), s = 0.0;
    for (uint32_t entity = 0; entity < n; entity++) {
        dp_rng_stream(r, 20260401u, 1, entity, 4, DP_EV_ONSET);
        s += gsl_rng_uniform(r);
    }
    *sink += s;
    return now() - t0;
}

static double
pass_draw_in_stream(gsl_rng *r, uint32_t n, double *sink)
{
    double t0 = now(), s = 0.0;
    dp_rng_stream(r, 20260401u, 1, 7, 4, DP_EV_TIMING);
    for (uint32_t i = 0; i < n; i++) {
        s += gsl_rng_uniform(r);
    }
    *sink += s;
    return now() - t0;
}

static double
pass_binomial(gsl_rng *r, uint32_t n, double *sink)
{
    double t0 = now(), s = 0.0;
    dp_rng_stream(r, 20260401u, 1, 7, 4, DP_EV_DEATH);
    for (uint32_t i = 0; i < n; i++) {
        s += (double)gsl_ran_binomial(r, 0.03, 1000);
    }
    *sink += s;
    return now() - t0;
}

static double
best_ns(double (*pass)(gsl_rng *, uint32_t, double *), gsl_rng *r, uint32_t n, double *sink)
{
    double best = 0.0;
    for (int k = 0; k < N_PASS; k++) {
        double t = pass(r, n, sink);
        if (k == 0 || t < best) {
            best = t;
        }
    }
    return 1e9 * best / (double)n;
}

int
main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off();
    gsl_rng *r = dp_rng_alloc();
    if (r == NULL) {
        fprintf(stderr, "bench_rng: out of memory\n");
        return 1;
    }
    double sink = 0.0, t0 = now();
    const uint32_t n_reset = 10000000, n_draw = 40000000, n_binom = 2000000;
    double ns_reset = best_ns(pass_reset_and_draw, r, n_reset, &sink);
    double ns_draw = best_ns(pass_draw_in_stream, r, n_draw, &sink);
    double ns_binom = best_ns(pass_binomial, r, n_binom, &sink);

    printf("random streams benchmark: %s, counter layout %d (best of %d passes)\n", dp_rng_name(),
           DP_RNG_COUNTER_LAYOUT, N_PASS);
    printf("%-46s %8.2f ns\n", "stream reset + one uniform draw", ns_reset);
    printf("%-46s %8.2f ns\n", "uniform draw within a stream", ns_draw);
    printf("%-46s %8.2f ns\n", "gsl_ran_binomial draw (n = 1000, p = 0.03)", ns_binom);
    printf("total %.2f s (checksum %.6g)\n", now() - t0, sink);
    dp_rng_free(r);
    return 0;
}
