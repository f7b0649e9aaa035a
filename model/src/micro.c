/* model/src/micro.c
 *
 * The micro engine: Monte Carlo microsimulation of individual disabled persons (docs/model.md,
 * "The micro engine"). The general population stays as counts (general.c, as in the cohort
 * engine); onsets among it create person records, deaths and emigration remove them. Every
 * probability comes from dp_rates_year (rates.c), the same function the cohort engine reads,
 * in the same order of steps, so the micro engine's mean converges to the cohort engine's
 * values: that is the central test of the project (tests/unit/test_micro.c).
 *
 * A person is 10 bytes in a structure of arrays: a 64-bit id, which names the person's random
 * streams, and a 16-bit cell index (sex, age, type, grade, certification, household status:
 * dims.h), which is all of the person's state. Random numbers are keyed, not drawn in
 * sequence: one Philox block per person and year (rng.h, DP_EV_PERSON) gives the person's
 * death, grade-change, certification and household-status numbers, so a person's path depends
 * only on (seed, replicate, region, id) and the rates, never on the order of work, the number
 * of threads or the other persons. Hence two scenarios run with the same seed share their random
 * numbers person by person (common random numbers).
 *
 * Ids: a base-year person is (cell << 32 | k), the k-th person of base cell `cell`; a person
 * whose disability starts in year offset y at (sex, age) sa is (2^63 | y << 48 | sa << 32 | k),
 * the k-th onset there; an in-migrant clone of a person gets a hash of the parent's id and the
 * year with the top two bits set. None depends on other persons' events.
 *
 * Parallelism: a run is a set of (replicate, region) tasks. With many tasks, tasks run in
 * parallel, one per thread; with few (one big replicate), each task's persons are split into
 * fixed chunks of CHUNK persons processed in parallel. All tallies are whole numbers of persons
 * held exactly in doubles or integers, so their sums do not depend on the order of addition:
 * results are bit-identical whatever the number of threads.
 *
 * Workload: persons x years x replicates calls of person_year(), one Philox block each (two
 * with take-up draws), no allocation inside the year loop except growth of the person arrays.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <omp.h>

#include "dpsim/rng.h"
#include "model_impl.h"

enum { CHUNK = 1 << 15 }; /* persons per chunk of a task's person loop */
enum { BATCH = 64 };      /* persons whose random numbers are computed together */

/* The persons of one (replicate, region). */
typedef struct {
    uint64_t *id;   /**< stream id of each person [cap] */
    uint16_t *cell; /**< cell index (dims.h) of each person [cap] */
    size_t n, cap;
} persons;

/* Whole-number tallies of one thread for one year. */
typedef struct {
    uint32_t cells[DP_N_CELL]; /**< persons by cell at the end of the year (after ageing) */
    uint32_t pre[DP_N_CELL];   /**< persons by cell at the end of the year before ageing: what
                                    the programmes count (step 8 precedes step 9) */
    double fl[DP_N_FLOW];      /**< flows of persons */
} tally;

/* What person_year() reads: one year of one (replicate, region). */
typedef struct {
    const dp_year_rates *r;
    uint64_t seed;
    uint32_t region, rep;
    int yoff;                  /**< year - base year */
    int age_now;               /**< 1: age the person and tally the stock in this pass */
} year_ctx;

/* Work space of one worker. */
typedef struct {
    persons P;
    size_t *kept;       /**< survivors per chunk */
    size_t n_kept;      /**< capacity of kept */
    tally *t;           /**< [n_tally] */
    size_t n_tally;
    double cells[DP_N_CELL];
    double nd[DP_N_SEX * DP_N_AGE];
    dp_year_rates rates;
    gsl_rng *rng;
} micro_work;

static int
persons_reserve(persons *P, size_t need)
{
    if (need <= P->cap) {
        return 0;
    }
    size_t cap = P->cap + P->cap / 4 + 4096;
    if (cap < need) {
        cap = need;
    }
    uint64_t *id = realloc(P->id, cap * sizeof *id);
    if (!id) {
        return -1;
    }
    P->id = id;
    uint16_t *cell = realloc(P->cell, cap * sizeof *cell);
    if (!cell) {
        return -1;
    }
    P->cell = cell;
    P->cap = cap;
    return 0;
}

/* Steps 2 and 4-6 of one year for one person, the tally of step 8's counts, and 9 (ageing)
 * when y->age_now: death (when `death`), grade change, certification, household status.
 * u: the person's DP_EV_PERSON block of the year. Updates *cell; returns 0 when the person
 * died. */
static inline int
person_year(const year_ctx *y, const uint32_t u[4], uint16_t *cellp, int death, tally *t)
{
    enum { CH = DP_N_CERT * DP_N_HH };
    const dp_year_rates *r = y->r;
    /* cell = sag * CH + ch, where sag = ((sex, age) x type) x grade indexes q_d, and
     * ch = cert * DP_N_HH + hh (dims.h). */
    size_t cell = *cellp;
    size_t sag = cell / CH, ch = cell - sag * CH;
    size_t g = sag % DP_N_GRADE, age = (sag / (DP_N_TYPE * DP_N_GRADE)) % DP_N_AGE;
    size_t c = ch / DP_N_HH, h = ch - c * DP_N_HH;
    /* 2. Death. */
    if (death && dp_rng_u01(u[0]) < r->q_d[sag]) {
        t->fl[DP_FL_DEATHS_D] += 1.0;
        return 0;
    }
    /* 4. Grade change: one grade more severe (lower index) with prob. w, less severe with
     * prob. u, as in the cohort engine. */
    double x = dp_rng_u01(u[1]);
    double pw = g > 0 ? r->worsen[age] : 0.0;
    double pu = g + 1 < DP_N_GRADE ? r->improve : 0.0;
    if (x < pw) {
        sag--;
        g--;
        t->fl[DP_FL_WORSENED] += 1.0;
    } else if (x < pw + pu) {
        sag++;
        g++;
        t->fl[DP_FL_IMPROVED] += 1.0;
    }
    /* 5. Certification. */
    if (c == DP_UNCERT && dp_rng_u01(u[2]) < r->certify[g * DP_N_HH + h]) {
        c = DP_CERT;
        t->fl[DP_FL_CERTIFIED] += 1.0;
    }
    /* 6. Household status: row h of the certification group's matrix. */
    const double *row = r->hh + ((g * DP_N_CERT + c) * DP_N_HH + h) * DP_N_HH;
    x = dp_rng_u01(u[3]);
    size_t to = x < row[0] ? 0 : (x < row[0] + row[1] ? 1 : 2);
    if (to == DP_DIBAO && h != DP_DIBAO) {
        t->fl[DP_FL_DIBAO_IN] += 1.0;
    } else if (h == DP_DIBAO && to != DP_DIBAO) {
        t->fl[DP_FL_DIBAO_OUT] += 1.0;
    }
    cell = sag * CH + c * DP_N_HH + to;
    /* 8. Programmes count the persons by cell at the end of the year. */
    t->pre[cell]++;
    /* 9. Ageing (100+ stays), and the end-of-year stock. */
    if (y->age_now) {
        if (age < DP_MAX_AGE) {
            cell += DP_N_BLOCK;
        }
        t->cells[cell]++;
    }
    *cellp = (uint16_t)cell;
    return 1;
}

/* person_year for one person outside the batched loop (onsets). */
static void
person_year_one(const year_ctx *y, uint64_t id, uint16_t *cellp, int death, tally *t)
{
    uint32_t u[4];
    dp_rng_block(y->seed, y->region, y->rep, id, y->yoff, DP_EV_PERSON, u);
    person_year(y, u, cellp, death, t);
}

/* splitmix64's finaliser: the id of an in-migrant clone of `parent` in year offset yoff. */
static uint64_t
clone_id(uint64_t parent, int yoff)
{
    uint64_t z = parent ^ ((uint64_t)(yoff + 1) * 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z | (3ULL << 62);
}

/* The person loop of one year over P (deaths and steps 4-8, and ageing when y->age_now), in
 * chunks of CHUNK persons, in parallel when `parallel`; survivors are compacted in order. */
static void
persons_year(const year_ctx *y, micro_work *w, int parallel)
{
    persons *P = &w->P;
    size_t n = P->n, n_chunk = (n + CHUNK - 1) / CHUNK;
    size_t *kept = w->kept;
#pragma omp parallel for schedule(dynamic) if (parallel)
    for (size_t ch = 0; ch < n_chunk; ch++) {
        tally *t = &w->t[parallel ? (size_t)omp_get_thread_num() : 0];
        size_t lo = ch * CHUNK, hi = lo + CHUNK < n ? lo + CHUNK : n, out = lo;
        uint32_t u[BATCH][4];
        for (size_t b0 = lo; b0 < hi; b0 += BATCH) {
            size_t nb = hi - b0 < BATCH ? hi - b0 : BATCH;
            /* The batch's random numbers first, in vector lanes; then the persons. */
            dp_rng_blocks(y->seed, y->region, y->rep, P->id + b0, nb, y->yoff, DP_EV_PERSON, u);
            for (size_t j = 0; j < nb; j++) {
                uint16_t cell = P->cell[b0 + j];
                if (person_year(y, u[j], &cell, 1, t)) {
                    P->id[out] = P->id[b0 + j];
                    P->cell[out] = cell;
                    out++;
                }
            }
        }
        kept[ch] = out - lo;
    }
    size_t dst = n_chunk ? kept[0] : 0;
    for (size_t ch = 1; ch < n_chunk; ch++) {
        memmove(P->id + dst, P->id + ch * CHUNK, kept[ch] * sizeof *P->id);
        memmove(P->cell + dst, P->cell + ch * CHUNK, kept[ch] * sizeof *P->cell);
        dst += kept[ch];
    }
    P->n = dst;
}

/* Step 3: onsets among the surviving non-disabled of each (sex, age), a Poisson number with the
 * cohort engine's expected value, each with a type x grade and household drawn from the
 * region's onset mix; then steps 4-8 (and 9) of their first year. Returns -1 when out of
 * memory. */
static int
onsets(const dp_region_base *b, const year_ctx *y, micro_work *w, tally *t)
{
    const dp_year_rates *r = y->r;
    double cum_mix[DP_N_TYPE * DP_N_GRADE], cum_hh[DP_N_HH];
    double s = 0.0;
    for (size_t i = 0; i < DP_N_TYPE * DP_N_GRADE; i++) {
        s += b->mix[i];
        cum_mix[i] = s;
    }
    s = 0.0;
    for (size_t h = 0; h < DP_N_HH; h++) {
        s += b->onset_hh[h];
        cum_hh[h] = s;
    }
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double lambda = w->nd[sa] * r->onset[sa];
        if (!(lambda > 0.0)) {
            continue;
        }
        dp_rng_stream_at(w->rng, y->seed, y->region, y->rep, (uint32_t)sa, y->yoff, DP_EV_ONSET);
        unsigned int n_on = gsl_ran_poisson(w->rng, lambda);
        w->nd[sa] = w->nd[sa] > (double)n_on ? w->nd[sa] - (double)n_on : 0.0;
        t->fl[DP_FL_ONSETS] += (double)n_on;
        if (persons_reserve(&w->P, w->P.n + n_on) != 0) {
            return -1;
        }
        for (unsigned int j = 0; j < n_on; j++) {
            uint64_t id = (1ULL << 63) | ((uint64_t)y->yoff << 48) | ((uint64_t)sa << 32) | j;
            uint32_t u[4];
            dp_rng_block(y->seed, y->region, y->rep, id, y->yoff, DP_EV_ATTRIBUTES, u);
            double x = dp_rng_u01(u[0]) * cum_mix[DP_N_TYPE * DP_N_GRADE - 1];
            size_t tg = 0;
            while (tg + 1 < DP_N_TYPE * DP_N_GRADE && x >= cum_mix[tg]) {
                tg++;
            }
            x = dp_rng_u01(u[1]) * cum_hh[DP_N_HH - 1];
            size_t h = 0;
            while (h + 1 < DP_N_HH && x >= cum_hh[h]) {
                h++;
            }
            uint16_t cell = (uint16_t)(sa * DP_N_BLOCK + dp_block_index(tg / DP_N_GRADE,
                                                                        tg % DP_N_GRADE,
                                                                        DP_UNCERT, h));
            person_year_one(y, id, &cell, 0, t);
            w->P.id[w->P.n] = id;
            w->P.cell[w->P.n] = cell;
            w->P.n++;
        }
    }
    return 0;
}

/* Step 9 for persons when the disabled migrate (migration_d != 0): each person leaves with
 * probability -m (m < 0) or brings an in-migrant like them with probability m (m > 0), as the
 * cohort engine's cells x (1 + m); then ageing and the stock tally. Returns -1 when out of
 * memory. */
static int
migrate_and_age(const year_ctx *y, micro_work *w, tally *t)
{
    persons *P = &w->P;
    double m = y->r->migration_d;
    size_t n = P->n, out = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u[4];
        dp_rng_block(y->seed, y->region, y->rep, P->id[i], y->yoff, DP_EV_MIGRATION, u);
        double x = dp_rng_u01(u[0]);
        int leave = m < 0.0 && x < -m;
        int twin = m > 0.0 && x < m;
        if (leave) {
            t->fl[DP_FL_MIGRATION_D] -= 1.0;
            continue;
        }
        P->id[out] = P->id[i];
        P->cell[out] = P->cell[i];
        out++;
        if (twin) {
            t->fl[DP_FL_MIGRATION_D] += 1.0;
            if (persons_reserve(P, P->n + 1) != 0) {
                return -1;
            }
            /* Clones go after the n original persons; the survivors never reach them. */
            P->id[P->n] = clone_id(P->id[i], y->yoff);
            P->cell[P->n] = P->cell[i];
            P->n++;
        }
    }
    /* Move the clones down behind the survivors. */
    size_t n_clone = P->n - n;
    memmove(P->id + out, P->id + n, n_clone * sizeof *P->id);
    memmove(P->cell + out, P->cell + n, n_clone * sizeof *P->cell);
    P->n = out + n_clone;
    for (size_t i = 0; i < P->n; i++) {
        size_t cell = P->cell[i];
        if ((cell / DP_N_BLOCK) % DP_N_AGE < DP_MAX_AGE) {
            cell += DP_N_BLOCK;
        }
        P->cell[i] = (uint16_t)cell;
        t->cells[cell]++;
    }
    return 0;
}

static void
tally_clear(tally *t, size_t n)
{
    memset(t, 0, n * sizeof *t);
}

/* Sums the workers' tallies into t[0] (whole numbers: exact in any order). */
static void
tally_reduce(tally *t, size_t n)
{
    for (size_t k = 1; k < n; k++) {
        for (size_t i = 0; i < DP_N_CELL; i++) {
            t[0].cells[i] += t[k].cells[i];
        }
        for (size_t i = 0; i < DP_N_FLOW; i++) {
            t[0].fl[i] += t[k].fl[i];
        }
        for (size_t i = 0; i < DP_N_CELL; i++) {
            t[0].pre[i] += t[k].pre[i];
        }
    }
}

/* The base-year persons of a region: each cell's expected count rounded to whole persons at
 * random (floor, plus one with probability equal to the fraction), so that the mean over
 * replicates is the fitted base population. */
static int
base_persons(const dp_region_base *b, const year_ctx *y, persons *P)
{
    double total = 0.0;
    for (size_t i = 0; i < DP_N_CELL; i++) {
        total += b->cells[i];
    }
    P->n = 0;
    if (persons_reserve(P, (size_t)(total * 1.15) + DP_N_CELL + 4096) != 0) {
        return -1;
    }
    for (size_t i = 0; i < DP_N_CELL; i++) {
        double x = b->cells[i];
        if (!(x > 0.0)) {
            continue;
        }
        double fl = floor(x);
        uint32_t u[4];
        dp_rng_block(y->seed, y->region, y->rep, i, 0, DP_EV_BASE, u);
        size_t n = (size_t)fl + (dp_rng_u01(u[0]) < x - fl ? 1u : 0u);
        if (persons_reserve(P, P->n + n) != 0) {
            return -1;
        }
        for (size_t k = 0; k < n; k++) {
            P->id[P->n] = ((uint64_t)i << 32) | k;
            P->cell[P->n] = (uint16_t)i;
            P->n++;
        }
    }
    return 0;
}

/* Grows the chunk bookkeeping to the persons' capacity. */
static int
reserve_kept(micro_work *w)
{
    size_t need = (w->P.cap + CHUNK - 1) / CHUNK + 1;
    if (need <= w->n_kept) {
        return 0;
    }
    size_t *k = realloc(w->kept, need * sizeof *k);
    if (!k) {
        return -1;
    }
    w->kept = k;
    w->n_kept = need;
    return 0;
}

/* Projects region reg in replicate rep under parameters p. Returns -1 when out of memory. */
static int
run_task(const dp_model *m, const dp_params *p, const dp_tables *tb, uint64_t seed, size_t reg,
         size_t rep, micro_work *w, int parallel)
{
    const dp_region_base *b = &m->base[reg];
    year_ctx y = {.r = &w->rates, .seed = seed, .region = (uint32_t)reg, .rep = (uint32_t)rep};
    dp_prog_state st;
    dp_prog_result pr;

    /* The base year: persons, the non-disabled, and the recipients at its end. */
    if (base_persons(b, &y, &w->P) != 0) {
        return -1;
    }
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double d = 0.0;
        for (size_t k = 0; k < DP_N_BLOCK; k++) {
            d += b->cells[sa * DP_N_BLOCK + k];
        }
        w->nd[sa] = b->pop[sa] - d > 0.0 ? b->pop[sa] - d : 0.0;
    }
    /* The programmes' state at the end of the base year, from its persons. */
    dp_rates_year(m, p, reg, p->year_start - 1, &w->rates);
    memset(w->cells, 0, sizeof w->cells);
    for (size_t i = 0; i < w->P.n; i++) {
        w->cells[w->P.cell[i]] += 1.0;
    }
    dp_prog_state_init(p, &w->rates, &tb->groups[0], w->cells, NULL, &st);

    for (size_t yi = 0; yi < tb->n_year; yi++) {
        int year = p->year_start + (int)yi;
        /* 1. The year's parameters. */
        dp_rates_year(m, p, reg, year, &w->rates);
        y.yoff = (int)yi + 1;
        y.age_now = w->rates.migration_d == 0.0;
        double pop_start = (double)w->P.n;
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            pop_start += w->nd[sa];
        }
        size_t n_tally = parallel ? w->n_tally : 1;
        tally_clear(w->t, n_tally);
        double *fl = dp_tables_flows(tb, rep, yi, reg);
        /* 2. Deaths among the non-disabled (expected values, as in the cohort engine). */
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            double dead = w->nd[sa] * w->rates.q_nd[sa];
            fl[DP_FL_DEATHS_ND] += dead;
            w->nd[sa] -= dead;
        }
        /* 2, 4-8 (9) for the persons alive at the start of the year. */
        if (reserve_kept(w) != 0) {
            return -1;
        }
        persons_year(&y, w, parallel);
        tally_reduce(w->t, n_tally);
        /* 3. Onsets, and their first year's steps 4-8 (9). */
        if (onsets(b, &y, w, &w->t[0]) != 0) {
            return -1;
        }
        /* 9. Migration of the disabled (if any) and ageing; the general population. */
        if (!y.age_now && migrate_and_age(&y, w, &w->t[0]) != 0) {
            return -1;
        }
        dp_general_step(&w->rates, pop_start, w->nd, fl);
        /* Record the year. */
        const tally *t = &w->t[0];
        for (size_t i = 0; i < DP_N_FLOW; i++) {
            fl[i] += t->fl[i];
        }
        /* 8. Programmes on the year-end counts before ageing (programmes.c). */
        for (size_t i = 0; i < DP_N_CELL; i++) {
            w->cells[i] = t->pre[i];
        }
        dp_prog_year(p, &w->rates, &tb->groups[yi + 1], w->cells, NULL, fl, &st, &pr);
        dp_tables_prog(tb, rep, yi, reg, &pr);
        for (size_t i = 0; i < DP_N_CELL; i++) {
            w->cells[i] = t->cells[i];
        }
        dp_tables_stocks(tb, rep, yi, reg, w->cells, w->nd);
    }
    return 0;
}

static void
work_free(micro_work *w)
{
    if (!w) {
        return;
    }
    free(w->P.id);
    free(w->P.cell);
    free(w->kept);
    free(w->t);
    dp_rng_free(w->rng);
    free(w);
}

static micro_work *
work_alloc(size_t n_tally)
{
    micro_work *w = calloc(1, sizeof *w);
    if (!w) {
        return NULL;
    }
    w->t = malloc(n_tally * sizeof *w->t);
    w->rng = dp_rng_alloc();
    w->n_tally = n_tally;
    if (!w->t || !w->rng) {
        work_free(w);
        return NULL;
    }
    return w;
}

dp_status
dp_micro_run(dp_ctx *ctx, const dp_model *m, const dp_engine_opts *opts, dp_results **out)
{
    dp_status rc = DP_OK;
    dp_tables tb;
    dp_results *res = NULL;
    dp_params *rp = NULL;
    gsl_rng *rng = NULL;
    size_t runs = opts->runs ? opts->runs : 1;
    size_t n_task = runs * m->n_region, done = 0;
    int n_thread = omp_get_max_threads();
    int failed = 0;
    *out = NULL;
    if (runs > (1u << 20) || m->n_region > (1u << 12)) {
        return dp_error(ctx, DP_EINPUT,
                        "the micro engine takes at most %u replicates and %u regions", 1u << 20,
                        1u << 12);
    }
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
    if (n_task >= 2 * (size_t)n_thread) {
        /* Many tasks: one per thread at a time. */
#pragma omp parallel
        {
            micro_work *w = work_alloc(1);
#pragma omp for schedule(dynamic)
            for (size_t t = 0; t < n_task; t++) {
                size_t k = t / m->n_region, r = t % m->n_region;
                if (!w || run_task(m, &rp[k], &tb, opts->seed, r, k, w, 0) != 0) {
#pragma omp atomic write
                    failed = 1;
                }
                size_t d;
#pragma omp atomic capture
                d = ++done;
                if (omp_get_thread_num() == 0) { /* the calling thread: ctx is its own */
                    dp_ctx_progress(ctx, d, n_task);
                }
            }
            work_free(w);
        }
        dp_ctx_progress(ctx, n_task, n_task);
    } else {
        /* Few tasks: one at a time, its persons in parallel chunks. */
        micro_work *w = work_alloc((size_t)n_thread);
        for (size_t t = 0; t < n_task && !failed; t++) {
            size_t k = t / m->n_region, r = t % m->n_region;
            if (!w || run_task(m, &rp[k], &tb, opts->seed, r, k, w, 1) != 0) {
                failed = 1;
            }
            dp_ctx_progress(ctx, t + 1, n_task);
        }
        work_free(w);
    }
    if (failed) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the micro engine's persons");
    }
    if (!failed) {
        dp_tables_budget(&tb, rp, runs);
    }
out:
    dp_rng_free(rng);
    free(rp);
    dp_tables_free(&tb);
    if (rc != DP_OK) {
        dp_results_free(res);
        return rc;
    }
    *out = res;
    return DP_OK;
}
