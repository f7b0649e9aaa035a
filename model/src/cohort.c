/* model/src/cohort.c
 *
 * The cohort engine: deterministic expected values. Each region's state is its non-disabled
 * residents by sex and age and its disabled persons by cell; one year applies the steps of
 * DESIGN §1 in order with the probabilities of dp_rates_year (rates.c), block by block: the 168
 * cells of one (sex, age) stay in cache while deaths, onset, grade change, certification and
 * household transitions act on them. Regions are independent and run in parallel; each writes
 * only its own slice of the result tables, so results do not depend on the thread count.
 * Workload: DP_N_CELL (33,936) cells x years x regions; no allocation inside the year loop.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "dpsim/rng.h"
#include "model_impl.h"

/* Workspace of one thread: one region's state and one year's rates. */
typedef struct {
    double cells[DP_N_CELL]; /**< disabled persons by cell */
    double nd[DP_N_SEX * DP_N_AGE]; /**< non-disabled residents */
    dp_year_rates rates;
} cohort_work;

/* Steps 2-6 of one year on one region's state (deaths, onset, grade change, certification,
 * household status). Adds the flows to fl. */
static void
transitions(const dp_region_base *b, const dp_year_rates *r, double *cells, double *nd,
            double *fl)
{
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double *blk = cells + sa * DP_N_BLOCK;
        size_t age = sa % DP_N_AGE;
        /* 2. Deaths. */
        const double *qd = r->q_d + sa * DP_N_TYPE * DP_N_GRADE;
        for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
            double *x = blk + tg * DP_N_CERT * DP_N_HH;
            for (size_t j = 0; j < DP_N_CERT * DP_N_HH; j++) {
                double dead = x[j] * qd[tg];
                fl[DP_FL_DEATHS_D] += dead;
                x[j] -= dead;
            }
        }
        double dead_nd = nd[sa] * r->q_nd[sa];
        fl[DP_FL_DEATHS_ND] += dead_nd;
        nd[sa] -= dead_nd;
        /* 3. Onset among the surviving non-disabled: uncertified, with the region's type x
         * grade mix and the household distribution of the uncertified. */
        double on = nd[sa] * r->onset[sa];
        nd[sa] -= on;
        fl[DP_FL_ONSETS] += on;
        for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
            double *x = blk + tg * DP_N_CERT * DP_N_HH + DP_UNCERT * DP_N_HH;
            double add = on * b->mix[tg];
            for (size_t h = 0; h < DP_N_HH; h++) {
                x[h] += add * b->onset_hh[h];
            }
        }
        /* 4. Grade change: one grade more severe with prob. w, less severe with prob. u. */
        double w = r->worsen[age], u = r->improve;
        for (size_t t = 0; t < DP_N_TYPE; t++) {
            for (size_t ch = 0; ch < DP_N_CERT * DP_N_HH; ch++) {
                double old[DP_N_GRADE];
                for (size_t g = 0; g < DP_N_GRADE; g++) {
                    old[g] = blk[(t * DP_N_GRADE + g) * DP_N_CERT * DP_N_HH + ch];
                }
                for (size_t g = 0; g < DP_N_GRADE; g++) {
                    double stay = 1.0 - (g > 0 ? w : 0.0) - (g + 1 < DP_N_GRADE ? u : 0.0);
                    double v = old[g] * stay;
                    if (g + 1 < DP_N_GRADE) {
                        v += old[g + 1] * w;
                    }
                    if (g > 0) {
                        v += old[g - 1] * u;
                        fl[DP_FL_WORSENED] += old[g] * w;
                    }
                    if (g + 1 < DP_N_GRADE) {
                        fl[DP_FL_IMPROVED] += old[g] * u;
                    }
                    blk[(t * DP_N_GRADE + g) * DP_N_CERT * DP_N_HH + ch] = v;
                }
            }
        }
        /* 5. Certification of the uncertified. 6. Household status. */
        for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
            double *x = blk + tg * DP_N_CERT * DP_N_HH;
            const double *cr = r->certify + (tg % DP_N_GRADE) * DP_N_HH;
            for (size_t h = 0; h < DP_N_HH; h++) {
                double moved = x[DP_UNCERT * DP_N_HH + h] * cr[h];
                x[DP_UNCERT * DP_N_HH + h] -= moved;
                x[DP_CERT * DP_N_HH + h] += moved;
                fl[DP_FL_CERTIFIED] += moved;
            }
            for (size_t c = 0; c < DP_N_CERT; c++) {
                double *y = x + c * DP_N_HH;
                const double *hh = r->hh + c * DP_N_HH * DP_N_HH;
                double old[DP_N_HH] = {y[0], y[1], y[2]};
                for (size_t to = 0; to < DP_N_HH; to++) {
                    double v = 0.0;
                    for (size_t from = 0; from < DP_N_HH; from++) {
                        v += old[from] * hh[from * DP_N_HH + to];
                    }
                    y[to] = v;
                }
                fl[DP_FL_DIBAO_IN] += old[DP_OTHER] * hh[DP_OTHER * DP_N_HH + DP_DIBAO] +
                                   old[DP_MARGINAL] * hh[DP_MARGINAL * DP_N_HH + DP_DIBAO];
                fl[DP_FL_DIBAO_OUT] += old[DP_DIBAO] * (1.0 - hh[DP_DIBAO * DP_N_HH + DP_DIBAO]);
            }
        }
    }
}

/* Step 9: births, migration and ageing by one year (100+ accumulates). */
static void
age_population(const dp_year_rates *r, double pop_start, double *cells, double *nd, double *fl)
{
    /* Births over the year, net of deaths before the year's end (half a year's exposure to
     * q(0) of each sex): they enter age 0 non-disabled. */
    double births = r->birth_rate * pop_start;
    double born[DP_N_SEX] = {births * r->sex_male_birth, births * (1.0 - r->sex_male_birth)};
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        born[sex] *= 1.0 - 0.5 * r->q_nd[sex * DP_N_AGE];
        fl[DP_FL_BIRTHS] += born[sex];
    }
    /* Net migration, proportional to the residents of each group. */
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double mig = nd[sa] * r->migration_nd;
        nd[sa] += mig;
        fl[DP_FL_MIGRATION_ND] += mig;
    }
    if (r->migration_d != 0.0) {
        double f = 1.0 + r->migration_d, before = 0.0;
        for (size_t i = 0; i < DP_N_CELL; i++) {
            before += cells[i];
            cells[i] *= f;
        }
        fl[DP_FL_MIGRATION_D] += before * r->migration_d;
    }
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        double *n = nd + sex * DP_N_AGE;
        n[DP_MAX_AGE] += n[DP_MAX_AGE - 1];
        memmove(n + 1, n, (DP_MAX_AGE - 1) * sizeof *n);
        n[0] = born[sex];
        double *c = cells + sex * DP_N_AGE * DP_N_BLOCK;
        double *last = c + (size_t)DP_MAX_AGE * DP_N_BLOCK;
        double *prev = c + (size_t)(DP_MAX_AGE - 1) * DP_N_BLOCK;
        for (size_t k = 0; k < DP_N_BLOCK; k++) {
            last[k] += prev[k];
        }
        memmove(c + DP_N_BLOCK, c, (size_t)(DP_MAX_AGE - 1) * DP_N_BLOCK * sizeof *c);
        memset(c, 0, DP_N_BLOCK * sizeof *c);
    }
}

static double
sum(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        s += x[i];
    }
    return s;
}

/* Projects one region over the horizon under parameters p, writing its slices of run `run`. */
static void
project_region(const dp_model *m, const dp_params *p, size_t reg, const dp_tables *tb, size_t run,
               cohort_work *w)
{
    const dp_region_base *b = &m->base[reg];
    memcpy(w->cells, b->cells, sizeof w->cells);
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double d = sum(b->cells + sa * DP_N_BLOCK, DP_N_BLOCK);
        w->nd[sa] = b->pop[sa] - d > 0.0 ? b->pop[sa] - d : 0.0;
    }
    /* Recipients at the end of the base year under the base year's rules. */
    double r0[DP_N_PROG * DP_N_GRADE], r1[DP_N_PROG * DP_N_GRADE];
    dp_rates_year(m, p, reg, p->year_start - 1, &w->rates);
    dp_tables_eligible(w->cells, tb->masks, r0);
    for (size_t i = 0; i < DP_N_PROG * DP_N_GRADE; i++) {
        r0[i] *= w->rates.take_up[i / DP_N_GRADE];
    }
    for (size_t yi = 0; yi < tb->n_year; yi++) {
        int year = p->year_start + (int)yi;
        const unsigned char *mask = tb->masks + (yi + 1) * DP_N_PROG * DP_N_CELL;
        double *fl = dp_tables_flows(tb, run, yi, reg);
        /* 1. The year's parameters. */
        dp_rates_year(m, p, reg, year, &w->rates);
        double pop_start = sum(w->nd, DP_N_SEX * DP_N_AGE) + sum(w->cells, DP_N_CELL);
        /* 2-6. */
        transitions(b, &w->rates, w->cells, w->nd, fl);
        /* 7. Services: none in this slice. 8. Programmes: recipients at the year's end. */
        dp_tables_eligible(w->cells, mask, r1);
        for (size_t i = 0; i < DP_N_PROG * DP_N_GRADE; i++) {
            r1[i] *= w->rates.take_up[i / DP_N_GRADE];
        }
        dp_tables_programmes(tb, run, yi, reg, r0, r1, w->rates.amount);
        memcpy(r0, r1, sizeof r0);
        /* 9. Births, migration, ageing. */
        age_population(&w->rates, pop_start, w->cells, w->nd, fl);
        dp_tables_stocks(tb, run, yi, reg, w->cells, w->nd);
    }
}

dp_status
dp_cohort_run(dp_ctx *ctx, const dp_model *m, const dp_engine_opts *opts, dp_results **out)
{
    dp_status rc = DP_OK;
    dp_tables tb;
    dp_results *res = NULL;
    dp_params *rp = NULL;
    gsl_rng *rng = NULL;
    size_t runs = opts->runs ? opts->runs : 1;
    /* One task per (replicate, region); each writes only its own slices. */
    size_t n_task = runs * m->n_region, done = 0;
    int oom = 0;
    *out = NULL;
    if ((rc = dp_tables_init(ctx, m, runs, &res, &tb)) != DP_OK) {
        return rc;
    }
    rp = malloc(runs * sizeof *rp);
    rng = dp_rng_alloc();
    if (!rp || !rng) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for %zu replicates' parameters", runs);
        goto out;
    }
    for (size_t k = 0; k < runs; k++) {
        dp_tables_replicate(&tb, m, opts, k, rng, &rp[k]);
    }
#pragma omp parallel
    {
        cohort_work *w = malloc(sizeof *w);
        if (!w) {
#pragma omp atomic write
            oom = 1;
        }
#pragma omp for schedule(dynamic)
        for (size_t t = 0; t < n_task; t++) {
            size_t k = t / m->n_region, r = t % m->n_region;
            if (w) {
                project_region(m, &rp[k], r, &tb, k, w);
            }
            size_t d;
#pragma omp atomic capture
            d = ++done;
            if (omp_get_thread_num() == 0) { /* the calling thread: ctx is its own */
                dp_ctx_progress(ctx, d, n_task);
            }
        }
        free(w);
    }
    if (oom) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for engine workspaces");
    }
out:
    dp_rng_free(rng);
    free(rp);
    dp_tables_free(&tb);
    if (rc != DP_OK) {
        dp_results_free(res);
        return rc;
    }
    dp_ctx_progress(ctx, n_task, n_task);
    *out = res;
    return DP_OK;
}
