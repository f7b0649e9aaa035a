/* model/engines/micro.c
 *
 * The micro engine: Monte Carlo microsimulation of individual disabled persons (docs/model.md,
 * "The micro engine"). The general population stays as counts (general.c, as in the cohort
 * engine); onsets among it create person records, deaths and emigration remove them. Every
 * probability comes from dp_rates_year (rates.c), the same function the cohort engine reads,
 * in the same order of steps, so the micro engine's mean converges to the cohort engine's
 * values: that is the central test of the project (tests/unit/test_micro.c).
 *
 * A person is 11 bytes in a structure of arrays: a 64-bit id, which names the person's random
 * streams, a 16-bit cell index (sex, age, type, grade, certification, household status:
 * dims.h) and 8 bits of flags (bit f = DP_FLAG_f, programmes.h: employed, renovated home),
 * which are all of the person's state. Random numbers are keyed, not drawn in sequence: one
 * Philox block per person and year (rng.h, DP_EV_PERSON) gives the person's death, grade-change,
 * certification and household-status numbers, and a second (DP_EV_FLAGS) the step-7 numbers of
 * the flags (word f for flag f; at year offset 0, the base-year flags). A person's path
 * therefore depends only on (seed, replicate, region, id) and the rates, never on the order of
 * work, the number of threads or the other persons. Hence two scenarios run with the same seed
 * share their random numbers person by person (common random numbers).
 *
 * Flags: a base-year person is employed with probability dp_flag_base_share of their cell;
 * the base year's renovated homes are a systematic rounding of the cells' shares
 * (base_persons). A new disabled person of ages 17-59 is employed with their (type, grade)'s
 * share, and has no renovated home; an in-migrant clone copies its parent's flags. Step 7
 * (after the household move) moves employment person by person with dp_emp_moves, from the
 * share the person brings into the year. Renovation is not drawn person by person: after every
 * person's steps of the year, renovate() renovates the homes dp_ren_homes asks for from the
 * year's target group, rounded to a whole number (systematically over the years for a count
 * path, up for a coverage target), among the group's unrenovated members.
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
 * Workload: persons x years x replicates calls of person_move() and person_end(): one Philox
 * block each, and one more for those whose flags may change, computed 256 persons at a time in
 * vector lanes; no allocation inside the year loop except growth of the person arrays.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <omp.h>

#include "core/par.h"
#include "core/rng.h"
#include "engines/tables.h"

enum { CHUNK = 1 << 15 }; /* persons per chunk of a task's person loop */
/* Persons whose random numbers are computed together (the flag blocks of those who need them
 * in whole 64-lane runs, but for the last). */
enum { BATCH = 256 };
enum { DEAD = 0xffff, NO_DRAW = 0xfffe }; /* slot of a dead person / one without flag numbers */

_Static_assert(DP_N_FLAG <= 4, "one DP_EV_FLAGS block (4 words) serves at most 4 flags");
_Static_assert(DP_N_FLAG <= 8, "a person's flags are 8 bits");

/* (age, type, grade) positions: the index of q_d without the sex. */
enum { N_ATG = DP_N_AGE * DP_N_TYPE * DP_N_GRADE };

/* The persons of one (replicate, region). */
typedef struct {
    uint64_t *id;   /**< stream id of each person [cap] */
    uint16_t *cell; /**< cell index (dims.h) of each person [cap] */
    uint8_t *flags; /**< bit f: the person has flag f (DP_FLAG_*) [cap] */
    size_t n, cap;
} persons;

/* Whole-number tallies of one thread for one year. */
typedef struct {
    uint32_t cells[DP_N_CELL]; /**< persons by cell at the end of the year (after ageing) */
    uint32_t ren[DP_N_CELL];   /**< of which renovated, after ageing (with the year's homes) */
    uint32_t pre[DP_N_CELL];   /**< persons by cell at the end of the year before ageing: what
                                    the programmes count (step 8 precedes step 9) */
    uint32_t flag[DP_N_FLAG][DP_N_CELL]; /**< of which with flag f, before ageing */
    double fl[DP_N_FLOW];                /**< flows of persons */
} tally;

/* What the person steps read: one year of one (replicate, region). */
typedef struct {
    const dp_year_rates *r;
    uint64_t seed;
    uint32_t region, rep;
    int yoff;                      /**< year - base year */
    int age_now;                   /**< 1: age the person and tally the stock in this pass */
    const unsigned char *ren_mask; /**< home_renovation eligibility by cell this year */
    const double *f_in;            /**< dp_flag_in [N_ATG][DP_N_FLAG][renovation eligible 0/1] */
    const double *f_out;           /**< dp_flag_out [DP_N_AGE][DP_N_FLAG] */
    const double *e_in, *e_out;    /**< employment at working age (dp_emp_moves): prob. of
                                        starting / stopping work [type][from][grade], from =
                                        the person's grade a year before, or ENTRANT */
} year_ctx;

/* Bits of a person's flags beyond the DP_N_FLAG flags, set by person_end and cleared by
 * renovate() in the same year: the person is in home_renovation's target group without a
 * renovated home after step 7 (POOL), and was not moved up an age by the ageing in person_end
 * (AGE_KEPT: aged 100, or no ageing in that pass). */
enum { POOL = 0x80u, AGE_KEPT = 0x40u };
_Static_assert(DP_N_FLAG <= 6, "the pool bits follow the flags");
/* Entity ids of the engine's own draws (no person has them, rng.h): the base year's offset of
 * the renovated homes' systematic rounding (DP_EV_BASE, entity DP_N_CELL), and the offset of a
 * count path's rounding over the years (DP_EV_FLAGS at year offset 0, word 2) and a coverage
 * target's random rounding of each year's homes (DP_EV_FLAGS at the year's offset, word 3). */
#define REN_ROUND_ID (1ULL << 62)

/* `from` of an entrant into working age (aged 16, or new this year): no share brought in. */
enum { ENTRANT = DP_N_GRADE, N_FROM = DP_N_GRADE + 1 };
enum { N_EMP = DP_N_TYPE * N_FROM * DP_N_GRADE };

/* Flows of a person gaining / losing flag f (-1: none; renovated homes are never lost,
 * dp_flag_out being 0). */
static const int flow_in[DP_N_FLAG] = {
    [DP_FLAG_EMPLOYED] = DP_FL_JOBS_IN, [DP_FLAG_RENOVATED] = DP_FL_RENOVATIONS};
static const int flow_out[DP_N_FLAG] = {
    [DP_FLAG_EMPLOYED] = DP_FL_JOBS_OUT, [DP_FLAG_RENOVATED] = -1};

/* Work space of one worker. */
typedef struct {
    persons P;
    size_t *kept;  /**< survivors per chunk */
    size_t *twins; /**< in-migrants per chunk (migrate_and_age) [n_kept] */
    size_t n_kept; /**< capacity of kept and twins */
    tally *t;      /**< [n_tally] */
    size_t n_tally;
    double cells[DP_N_CELL];
    double ren[DP_N_CELL];             /**< renovated persons by cell at the start of the year */
    double flag[DP_N_FLAG][DP_N_CELL]; /**< flagged persons by cell for step 8 */
    double f_in[DP_N_FLAG * N_ATG * 2];
    double f_out[DP_N_FLAG * DP_N_AGE];
    double e_in[N_EMP], e_out[N_EMP];
    uint64_t *pool;    /**< renovation candidates of a year: key << 32 | position [pool_cap] */
    size_t pool_cap;
    double ren_cum;    /**< homes a count path has asked for so far in this task */
    double ren_off;    /**< the task's offset of their systematic rounding, in [0, 1) */
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
    uint8_t *flags = realloc(P->flags, cap * sizeof *flags);
    if (!flags) {
        return -1;
    }
    P->flags = flags;
    P->cap = cap;
    return 0;
}

/* Steps 2 and 4-6 of one year for one person: death (when `death`), grade change,
 * certification, household status. u: the person's DP_EV_PERSON block of the year. Updates
 * *cellp and sets *atgp to the new cell's (age, type, grade) index; returns 0 when the person
 * died. */
static inline __attribute__((always_inline)) int
person_move(const year_ctx *y, const uint32_t u[4], size_t *cellp, size_t *atgp, int death,
            tally *t)
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
    if (c == DP_UNCERT && dp_rng_u01(u[2]) < r->certify[age * DP_N_GRADE + g]) {
        c = DP_CERT;
        t->fl[DP_FL_CERTIFIED] += 1.0;
    } else if (c == DP_CERT && dp_rng_u01(u[2]) < r->decertify[age * DP_N_GRADE + g]) {
        c = DP_UNCERT; /* the balanced rule's excess card holder (net certifications) */
        t->fl[DP_FL_CERTIFIED] -= 1.0;
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
    *cellp = sag * CH + c * DP_N_HH + to;
    *atgp = sag >= N_ATG ? sag - N_ATG : sag; /* sag = sex x N_ATG + atg */
    return 1;
}

/* Step 7's probabilities that the flags of a person of `cell` (after step 6; atg its (age,
 * type, grade) index) with flags fl change: for flag f, dp_flag_out of the age if the person has
 * it, else dp_flag_in of the age, type, grade and the cell's renovation eligibility. Returns 1 if
 * any is above 0: only then is the person's DP_EV_FLAGS block needed (a number compared with 0
 * never changes a flag, so skipping it changes nothing). */
static inline __attribute__((always_inline)) int
flag_probs(const year_ctx *y, unsigned fl, size_t cell, size_t atg, size_t from,
           double p[DP_N_FLAG])
{
    size_t age = atg / (DP_N_TYPE * DP_N_GRADE);
    const double *in = y->f_in + (atg * DP_N_FLAG * 2 + y->ren_mask[cell]);
    const double *out = y->f_out + age * DP_N_FLAG;
    int any = 0;
    for (size_t f = 0; f < DP_N_FLAG; f++) {
        p[f] = fl >> f & 1u ? out[f] : in[2 * f];
    }
    /* Employment at working age: the balance from the share the person brings (that of their
     * grade a year before; an entrant, at 16 or in their first year, brings none) to the
     * target. */
    if (age >= DP_WORK_AGE_MIN && age <= DP_WORK_AGE_MAX) {
        size_t tg = atg % (DP_N_TYPE * DP_N_GRADE), t = tg / DP_N_GRADE, g = tg % DP_N_GRADE;
        /* At 16 a person was 15 a year before, out of work, but in the first projected year,
         * whose persons of 16 are the base year's with its share. */
        size_t k = (t * N_FROM + (age == DP_WORK_AGE_MIN && y->yoff > 1 ? ENTRANT : from)) *
                       DP_N_GRADE +
                   g;
        p[DP_FLAG_EMPLOYED] = fl >> DP_FLAG_EMPLOYED & 1u ? y->e_out[k] : y->e_in[k];
    }
    for (size_t f = 0; f < DP_N_FLAG; f++) {
        any |= p[f] > 0.0;
    }
    return any;
}

/* Steps 7-9 of one year for one person after person_move: the flags (v: the person's
 * DP_EV_FLAGS block of the year, word f for flag f, and p their flag_probs; v NULL when
 * flag_probs gave 0), the tally of step 8's counts, and ageing with the stock tally when
 * y->age_now. Updates *cellp (aged when y->age_now) and returns the new flags. */
static inline __attribute__((always_inline)) unsigned
person_end(const year_ctx *y, const uint32_t *v, const double *p, size_t *cellp, unsigned fl,
           tally *t)
{
    size_t cell = *cellp;
    /* 7. Flags. */
    if (v) {
        for (size_t f = 0; f < DP_N_FLAG; f++) {
            if (!(dp_rng_u01(v[f]) < p[f])) {
                continue;
            }
            if (fl >> f & 1u) {
                fl &= ~(1u << f);
                if (flow_out[f] >= 0) {
                    t->fl[flow_out[f]] += 1.0;
                }
            } else {
                fl |= 1u << f;
                t->fl[flow_in[f]] += 1.0;
                if (f == DP_FLAG_EMPLOYED && cell % DP_N_HH == DP_DIBAO) {
                    t->fl[DP_FL_JOBS_FROM_DIBAO] += 1.0;
                }
            }
        }
    }
    /* 8. Programmes count the persons and flagged persons by cell at the end of the year;
     * 9. ageing (100+ stays), and the end-of-year stock. Renovation candidates are marked for
     * renovate() (their cell before ageing: AGE_KEPT says whether it is still theirs). */
    t->pre[cell]++;
    size_t aged = cell;
    if (y->age_now) {
        if ((cell / DP_N_BLOCK) % DP_N_AGE < DP_MAX_AGE) {
            aged += DP_N_BLOCK;
        }
        t->cells[aged]++;
    }
    if (y->ren_mask[cell] && !(fl >> DP_FLAG_RENOVATED & 1u)) {
        fl |= POOL | (aged == cell ? AGE_KEPT : 0u);
    }
    if (fl & ((1u << DP_N_FLAG) - 1u)) {
        for (size_t f = 0; f < DP_N_FLAG; f++) {
            t->flag[f][cell] += fl >> f & 1u;
        }
        if (y->age_now) {
            t->ren[aged] += fl >> DP_FLAG_RENOVATED & 1u;
        }
    }
    *cellp = aged;
    return fl;
}

/* Steps 2-9 for one person outside the batched loop (onsets). Returns 0 when the person died. */
static int
person_year_one(const year_ctx *y, uint64_t id, uint16_t *cellp, uint8_t *flagsp, int death,
                tally *t)
{
    uint32_t u[4], v[4];
    double p[DP_N_FLAG];
    size_t cell = *cellp, atg;
    /* A new disabled person of ages 17-59 brings the employment of their (type, grade): in
     * work with its share a year before (word 3 of the flag block; no flow: not a new job), as
     * in the cohort engine's onsets; at 16 they enter working age out of work. */
    size_t age = (cell / DP_N_BLOCK) % DP_N_AGE, blk = cell % DP_N_BLOCK;
    size_t from = ENTRANT;
    dp_rng_block(y->seed, y->region, y->rep, id, y->yoff, DP_EV_FLAGS, v);
    if (age > DP_WORK_AGE_MIN && age <= DP_WORK_AGE_MAX) {
        from = dp_block_grade(blk);
        double s = y->r->prog.emp_prev[dp_block_type(blk) * DP_N_GRADE + from];
        if (dp_rng_u01(v[3]) < s) {
            *flagsp |= 1u << DP_FLAG_EMPLOYED;
        }
    }
    dp_rng_block(y->seed, y->region, y->rep, id, y->yoff, DP_EV_PERSON, u);
    if (!person_move(y, u, &cell, &atg, death, t)) {
        return 0;
    }
    int draw = flag_probs(y, *flagsp, cell, atg, from, p);
    *flagsp = (uint8_t)person_end(y, draw ? v : NULL, p, &cell, *flagsp, t);
    *cellp = (uint16_t)cell;
    return 1;
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

/* Moves each chunk's kept[ch] survivors (compacted at the chunk's start, ch x CHUNK) down
 * behind those of the chunks before it, in order; kept[ch] becomes the chunk's new start.
 * Returns the survivors in all. */
static size_t
compact_chunks(persons *P, size_t *kept, size_t n_chunk)
{
    size_t dst = 0;
    for (size_t ch = 0; ch < n_chunk; ch++) {
        size_t k = kept[ch];
        if (dst != ch * CHUNK) {
            memmove(P->id + dst, P->id + ch * CHUNK, k * sizeof *P->id);
            memmove(P->cell + dst, P->cell + ch * CHUNK, k * sizeof *P->cell);
            memmove(P->flags + dst, P->flags + ch * CHUNK, k * sizeof *P->flags);
        }
        kept[ch] = dst;
        dst += k;
    }
    return dst;
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
        uint32_t u[BATCH][4], v[BATCH][4];
        uint64_t need[BATCH];
        uint16_t moved[BATCH], slot[BATCH];
        double p[BATCH][DP_N_FLAG];
        for (size_t b0 = lo; b0 < hi; b0 += BATCH) {
            size_t nb = hi - b0 < BATCH ? hi - b0 : BATCH, n_need = 0;
            /* The batch's DP_EV_PERSON numbers in vector lanes; steps 2-6; then the DP_EV_FLAGS
             * numbers of the survivors whose flags may change, gathered; steps 7-9. */
            dp_rng_blocks(y->seed, y->region, y->rep, P->id + b0, nb, y->yoff, DP_EV_PERSON, u);
            for (size_t j = 0; j < nb; j++) {
                size_t cell = P->cell[b0 + j], atg;
                size_t from = dp_block_grade(cell % DP_N_BLOCK);
                slot[j] = DEAD;
                if (person_move(y, u[j], &cell, &atg, 1, t)) {
                    moved[j] = (uint16_t)cell;
                    slot[j] = NO_DRAW;
                    if (flag_probs(y, P->flags[b0 + j], cell, atg, from, p[j])) {
                        slot[j] = (uint16_t)n_need;
                        need[n_need++] = P->id[b0 + j];
                    }
                }
            }
            dp_rng_blocks(y->seed, y->region, y->rep, need, n_need, y->yoff, DP_EV_FLAGS, v);
            for (size_t j = 0; j < nb; j++) {
                if (slot[j] == DEAD) {
                    continue;
                }
                size_t cell = moved[j];
                unsigned fl = person_end(y, slot[j] == NO_DRAW ? NULL : v[slot[j]], p[j], &cell,
                                         P->flags[b0 + j], t);
                P->id[out] = P->id[b0 + j];
                P->cell[out] = (uint16_t)cell;
                P->flags[out] = (uint8_t)fl;
                out++;
            }
        }
        kept[ch] = out - lo;
    }
    P->n = compact_chunks(P, kept, n_chunk);
}

/* The new persons of one (sex, age) pool: each with a type x grade and household drawn from the
 * region's onset mix and no flags, then steps 4-8 (and 9) of their first year. Returns -1 when
 * out of memory. */
static int
onset_persons(const year_ctx *y, micro_work *w, tally *t, size_t sa, unsigned int n_on,
              const double *cum_mix, const double *cum_hh)
{
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
        uint16_t cell = (uint16_t)(sa * DP_N_BLOCK +
                                   dp_block_index(tg / DP_N_GRADE, tg % DP_N_GRADE, DP_UNCERT, h));
        uint8_t flags = 0;
        (void)person_year_one(y, id, &cell, &flags, 0, t);
        w->P.id[w->P.n] = id;
        w->P.cell[w->P.n] = cell;
        w->P.flags[w->P.n] = flags;
        w->P.n++;
    }
    return 0;
}

/* Step 3: onsets among the surviving non-disabled of each (sex, age), with the cohort engine's
 * expected value nd x onset, then the new persons' first year (onset_persons). A pool of at
 * least one person draws a binomial on its whole persons, with the probability raised so that
 * the mean is nd x onset: the draw never exceeds the pool, so the non-disabled are never
 * clipped and persons in = out holds exactly. The pools of less than one person (the oldest
 * ages of a small region) form one tail pool: a binomial on its whole persons with the mean of
 * their summed expected onsets, split among them by a multinomial in proportion to each one's
 * expected onsets; what the tail keeps is spread over its ages in proportion to their expected
 * non-disabled survivors nd x (1 - onset). So every age's expected onsets and survivors are the
 * cohort engine's, and the tail's total changes by exactly its onsets. Returns -1 when out of
 * memory. */
static int
onsets(const dp_region_base *b, const year_ctx *y, micro_work *w, tally *t)
{
    enum { N_SA = DP_N_SEX * DP_N_AGE };
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
    double tail_nd = 0.0, tail_on = 0.0, tail_keep = 0.0;
    double tail_p[N_SA], tail_w[N_SA];
    for (size_t sa = 0; sa < N_SA; sa++) {
        double lambda = w->nd[sa] * r->onset[sa];
        tail_p[sa] = 0.0;
        tail_w[sa] = 0.0;
        if (!(lambda > 0.0)) {
            continue;
        }
        double pool = floor(w->nd[sa]);
        if (pool < 1.0) {
            tail_nd += w->nd[sa];
            tail_on += lambda;
            tail_p[sa] = lambda;
            tail_w[sa] = w->nd[sa] - lambda > 0.0 ? w->nd[sa] - lambda : 0.0;
            tail_keep += tail_w[sa];
            continue;
        }
        double prob = lambda / pool;
        dp_rng_stream_at(w->rng, y->seed, y->region, y->rep, (uint32_t)sa, y->yoff, DP_EV_ONSET);
        unsigned int n_on =
            prob >= 1.0 ? (unsigned int)pool : gsl_ran_binomial(w->rng, prob, (unsigned int)pool);
        w->nd[sa] -= (double)n_on;
        t->fl[DP_FL_ONSETS] += (double)n_on;
        if (onset_persons(y, w, t, sa, n_on, cum_mix, cum_hh) != 0) {
            return -1;
        }
    }
    double tail_pool = floor(tail_nd);
    if (tail_pool < 1.0 || !(tail_on > 0.0)) {
        return 0;
    }
    double prob = tail_on / tail_pool;
    dp_rng_stream_at(w->rng, y->seed, y->region, y->rep, (uint32_t)N_SA, y->yoff, DP_EV_ONSET);
    unsigned int n_tail = prob >= 1.0 ? (unsigned int)tail_pool
                                      : gsl_ran_binomial(w->rng, prob, (unsigned int)tail_pool);
    unsigned int n_at[N_SA];
    gsl_ran_multinomial(w->rng, N_SA, n_tail, tail_p, n_at);
    double left = tail_nd - (double)n_tail;
    if (!(tail_keep > 0.0)) { /* every onset certain: what is left goes by the pools' sizes */
        for (size_t sa = 0; sa < N_SA; sa++) {
            tail_w[sa] = tail_p[sa] > 0.0 ? w->nd[sa] : 0.0;
        }
        tail_keep = tail_nd;
    }
    for (size_t sa = 0; sa < N_SA; sa++) {
        if (!(tail_p[sa] > 0.0)) {
            continue;
        }
        w->nd[sa] = left * tail_w[sa] / tail_keep;
        t->fl[DP_FL_ONSETS] += (double)n_at[sa];
        if (onset_persons(y, w, t, sa, n_at[sa], cum_mix, cum_hh) != 0) {
            return -1;
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
    k = realloc(w->twins, need * sizeof *k);
    if (!k) {
        return -1;
    }
    w->twins = k;
    w->n_kept = need;
    return 0;
}

/* Persons whose random blocks are computed at once in vector lanes (dp_rng_blocks). */
enum { LANE_BATCH = 64 };

/* Step 9 for persons when the disabled migrate (some migration_d != 0): each person leaves
 * with probability -m (m < 0) or brings an in-migrant like them (same cell and flags) with
 * probability m (m > 0), m = migration_d of the person's age, as the cohort engine's cells x
 * (1 + m); then ageing and the stock tally. In chunks of CHUNK persons, in parallel when
 * `parallel` (tallies per worker, whole numbers): the survivors are compacted in order, and the
 * in-migrants follow them in the order of the persons they copy, so the result does not depend
 * on the number of workers. Uses the POOL bit (free after renovate()) to mark a person with an
 * in-migrant. Returns -1 when out of memory. */
static int
migrate_and_age(const year_ctx *y, micro_work *w, int parallel)
{
    persons *P = &w->P;
    const double *mig = y->r->migration_d;
    size_t n = P->n, n_chunk = (n + CHUNK - 1) / CHUNK;
    size_t n_tally = parallel ? w->n_tally : 1;
    if (reserve_kept(w) != 0) { /* the onsets may have grown the persons */
        return -1;
    }
    size_t *kept = w->kept, *twins = w->twins;
    /* The workers' tallies other than t[0] were summed into it already: start them afresh. */
    for (size_t k = 1; k < n_tally; k++) {
        memset(w->t[k].cells, 0, sizeof w->t[k].cells);
        memset(w->t[k].ren, 0, sizeof w->t[k].ren);
        w->t[k].fl[DP_FL_MIGRATION_D] = 0.0;
    }
#pragma omp parallel for schedule(dynamic) if (parallel)
    for (size_t ch = 0; ch < n_chunk; ch++) {
        tally *t = &w->t[parallel ? (size_t)omp_get_thread_num() : 0];
        size_t lo = ch * CHUNK, hi = lo + CHUNK < n ? lo + CHUNK : n, out = lo, tw = 0;
        uint32_t u[LANE_BATCH][4];
        for (size_t b0 = lo; b0 < hi; b0 += LANE_BATCH) {
            /* The blocks of the next persons at once (vector lanes), before the compaction
             * overwrites their ids (out <= b0). */
            size_t nb = hi - b0 < LANE_BATCH ? hi - b0 : LANE_BATCH;
            dp_rng_blocks(y->seed, y->region, y->rep, P->id + b0, nb, y->yoff, DP_EV_MIGRATION, u);
            for (size_t j = 0; j < nb; j++) {
                size_t i = b0 + j;
                double m = mig[(size_t)P->cell[i] / DP_N_BLOCK % DP_N_AGE];
                double x = dp_rng_u01(u[j][0]);
                if (m < 0.0 && x < -m) {
                    t->fl[DP_FL_MIGRATION_D] -= 1.0;
                    continue;
                }
                int twin = m > 0.0 && x < m;
                P->id[out] = P->id[i];
                P->cell[out] = P->cell[i];
                P->flags[out] = (uint8_t)(P->flags[i] | (twin ? POOL : 0u));
                out++;
                if (twin) {
                    t->fl[DP_FL_MIGRATION_D] += 1.0;
                    tw++;
                }
            }
        }
        kept[ch] = out - lo;
        twins[ch] = tw;
    }
    /* Survivors to the front in order (kept[] becomes each chunk's start); twins[] becomes
     * the start of each chunk's in-migrants after all survivors. */
    size_t n_surv = compact_chunks(P, kept, n_chunk), n_twin = 0;
    kept[n_chunk] = n_surv;
    for (size_t ch = 0; ch < n_chunk; ch++) {
        size_t tw = twins[ch];
        twins[ch] = n_twin;
        n_twin += tw;
    }
    if (persons_reserve(P, n_surv + n_twin) != 0) {
        return -1;
    }
#pragma omp parallel for schedule(dynamic) if (parallel)
    for (size_t ch = 0; ch < n_chunk; ch++) {
        tally *t = &w->t[parallel ? (size_t)omp_get_thread_num() : 0];
        size_t at = n_surv + twins[ch], first = at;
        for (size_t i = kept[ch]; i < kept[ch + 1]; i++) {
            if (P->flags[i] & POOL) {
                P->flags[i] &= (uint8_t)~POOL;
                P->id[at] = clone_id(P->id[i], y->yoff);
                P->cell[at] = P->cell[i];
                P->flags[at] = P->flags[i];
                at++;
            }
        }
        /* Ageing and the stock tally: the chunk's survivors, then its in-migrants. */
        for (int part = 0; part < 2; part++) {
            size_t i0 = part ? first : kept[ch], i1 = part ? at : kept[ch + 1];
            for (size_t i = i0; i < i1; i++) {
                size_t cell = P->cell[i];
                if ((cell / DP_N_BLOCK) % DP_N_AGE < DP_MAX_AGE) {
                    cell += DP_N_BLOCK;
                }
                P->cell[i] = (uint16_t)cell;
                t->cells[cell]++;
                t->ren[cell] += P->flags[i] >> DP_FLAG_RENOVATED & 1u;
            }
        }
    }
    P->n = n_surv + n_twin;
    for (size_t k = 1; k < n_tally; k++) {
        for (size_t i = 0; i < DP_N_CELL; i++) {
            w->t[0].cells[i] += w->t[k].cells[i];
            w->t[0].ren[i] += w->t[k].ren[i];
        }
        w->t[0].fl[DP_FL_MIGRATION_D] += w->t[k].fl[DP_FL_MIGRATION_D];
    }
    return 0;
}

/* Reorders the n distinct keys a[] so that a[0..k) are the k smallest (in no particular
 * order): Hoare's quickselect on the middle key, O(n) on average. The keys are
 * random numbers in their upper half, so no input is adversarial; which keys end up in
 * a[0..k) does not depend on the order they came in (the k smallest of a set). */
static void
select_smallest(uint64_t *a, size_t n, size_t k)
{
    /* The boundary k lies in a[lo..hi): a[0..lo) are all below a[lo..hi), a[hi..n) above. */
    size_t lo = 0, hi = n;
    while (lo < k && k < hi) {
        /* Hoare's partition on the middle key: a[lo..j] <= piv <= a[j+1..hi), lo <= j < hi - 1. */
        uint64_t piv = a[lo + (hi - 1 - lo) / 2];
        size_t i = lo, j = hi - 1;
        for (;;) {
            while (a[i] < piv) {
                i++;
            }
            while (a[j] > piv) {
                j--;
            }
            if (i >= j) {
                break;
            }
            uint64_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        if (k <= j + 1) {
            hi = j + 1;
        } else {
            lo = j + 1;
        }
    }
}

/* Step 7, renovation, after every person's other steps of the year (persons_year and onsets):
 * the target group G and its renovated members R from the tally (t->pre, t->flag), the homes
 * of dp_ren_homes rounded to a whole number k, and the k candidates (POOL) with the smallest
 * numbers (word DP_FLAG_RENOVATED of their DP_EV_FLAGS block) renovated: their flag, the
 * tallies of step 8 and of the stock after ageing, the flow. The rounding: a count path
 * (households) systematically over the years, k = floor(C + H + u) - floor(C + u) with C the
 * homes asked for in earlier years and u one offset per task, so that each year's mean is H and
 * every total over years is within one home of the path's (a whole count such as 40 exactly,
 * 19.2 a year: 96 in five years); a coverage target at random, k = floor(H) + 1 with
 * probability H - floor(H), so that each year's mean is H, as in the cohort engine (a replicate
 * is within one home of the coverage, and the next year's demand takes any shortfall back). Clears the POOL and AGE_KEPT bits of every person. Returns -1 when
 * out of memory. */
static int
renovate(const year_ctx *y, micro_work *w, tally *t)
{
    persons *P = &w->P;
    uint64_t g_n = 0, r_n = 0; /* whole numbers: exact in any order */
    const uint32_t *ren_pre = t->flag[DP_FLAG_RENOVATED];
    for (size_t i = 0; i < DP_N_CELL; i++) {
        uint64_t on = y->ren_mask[i] != 0;
        g_n += on * t->pre[i];
        r_n += on * ren_pre[i];
    }
    double G = (double)g_n, R = (double)r_n;
    double want = dp_ren_homes(G, R, &w->rates);
    size_t m = 0;
    for (size_t i = 0; i < P->n; i++) {
        m += (P->flags[i] & POOL) != 0;
    }
    double kd;
    if (isfinite(w->rates.prog.renovations)) {
        kd = floor(w->ren_cum + want + w->ren_off) - floor(w->ren_cum + w->ren_off);
        w->ren_cum += want;
    } else {
        /* A coverage target: the homes rounded at random (floor, plus one with probability the
         * fraction), so that each year's mean is the cohort engine's H (one keyed draw per task
         * and year). */
        uint32_t u[4];
        dp_rng_block(y->seed, y->region, y->rep, REN_ROUND_ID, y->yoff, DP_EV_FLAGS, u);
        double fl = floor(want);
        kd = fl + (dp_rng_u01(u[3]) < want - fl ? 1.0 : 0.0);
    }
    size_t k = kd > 0.0 ? (size_t)kd : 0u;
    k = k < m ? k : m;
    if (k > 0) {
        if (m > w->pool_cap) {
            uint64_t *pool = realloc(w->pool, m * sizeof *pool);
            if (!pool) {
                return -1;
            }
            w->pool = pool;
            w->pool_cap = m;
        }
        /* Each candidate's number, 64 candidates' blocks at a time (vector lanes). */
        size_t n = 0, nb = 0, at[LANE_BATCH];
        uint64_t ids[LANE_BATCH];
        uint32_t v[LANE_BATCH][4];
        for (size_t i = 0; i <= P->n; i++) {
            if (nb == LANE_BATCH || (i == P->n && nb > 0)) {
                dp_rng_blocks(y->seed, y->region, y->rep, ids, nb, y->yoff, DP_EV_FLAGS, v);
                for (size_t j = 0; j < nb; j++) {
                    w->pool[n++] = (uint64_t)v[j][DP_FLAG_RENOVATED] << 32 | (uint64_t)at[j];
                }
                nb = 0;
            }
            if (i < P->n && (P->flags[i] & POOL)) {
                ids[nb] = P->id[i];
                at[nb++] = i;
            }
        }
        select_smallest(w->pool, n, k);
        for (size_t j = 0; j < k; j++) {
            size_t i = (size_t)(w->pool[j] & 0xffffffffu);
            size_t cell = P->cell[i];
            size_t pre = y->age_now && !(P->flags[i] & AGE_KEPT) ? cell - DP_N_BLOCK : cell;
            P->flags[i] |= 1u << DP_FLAG_RENOVATED;
            t->flag[DP_FLAG_RENOVATED][pre]++;
            if (y->age_now) {
                t->ren[cell]++;
            }
            t->fl[DP_FL_RENOVATIONS] += 1.0;
        }
    }
    for (size_t i = 0; i < P->n; i++) {
        P->flags[i] &= (uint8_t)~(POOL | AGE_KEPT);
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
        for (size_t i = 0; i < DP_N_CELL; i++) {
            t[0].ren[i] += t[k].ren[i];
        }
        for (size_t f = 0; f < DP_N_FLAG; f++) {
            for (size_t i = 0; i < DP_N_CELL; i++) {
                t[0].flag[f][i] += t[k].flag[f][i];
            }
        }
    }
}

/* The base-year persons of a region: each cell's expected count rounded to whole persons at
 * random (floor, plus one with probability equal to the fraction), so that the mean over
 * replicates is the fitted base population. A person has flag f with probability
 * dp_flag_base_share of their cell (ren_mask: home_renovation's eligibility by cell in the base
 * year), from word f of their DP_EV_FLAGS block at year offset 0. */
static int
base_persons(const dp_region_base *b, const dp_params *p, const unsigned char *ren_mask,
             const year_ctx *y, persons *P)
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
    /* Flags: each person's words compared with their cell's shares, in vector lanes for the
     * persons of cells with a share above 0 (gathered: the others' flags are 0 whatever their
     * words). Persons come cell by cell, so the shares are computed once per cell. */
    size_t last = DP_N_CELL;
    double share[DP_N_FLAG] = {0.0};
    int any = 0;
    for (size_t b0 = 0; b0 < P->n; b0 += BATCH) {
        uint32_t v[BATCH][4];
        uint64_t need[BATCH];
        size_t at[BATCH];
        double sh[BATCH][DP_N_FLAG];
        size_t nb = P->n - b0 < BATCH ? P->n - b0 : BATCH, n_need = 0;
        for (size_t j = 0; j < nb; j++) {
            size_t cell = P->cell[b0 + j];
            P->flags[b0 + j] = 0;
            if (cell != last) {
                size_t blk = cell % DP_N_BLOCK, age = (cell / DP_N_BLOCK) % DP_N_AGE;
                any = 0;
                for (size_t f = 0; f < DP_N_FLAG; f++) {
                    share[f] = dp_flag_base_share(p, (int)f, age, dp_block_type(blk),
                                                  dp_block_grade(blk), ren_mask[cell]);
                    any |= share[f] > 0.0;
                }
                last = cell;
            }
            if (any) {
                memcpy(sh[n_need], share, sizeof share);
                at[n_need] = b0 + j;
                need[n_need++] = P->id[b0 + j];
            }
        }
        dp_rng_blocks(y->seed, y->region, y->rep, need, n_need, 0, DP_EV_FLAGS, v);
        for (size_t k = 0; k < n_need; k++) {
            unsigned bits = 0;
            for (size_t f = 0; f < DP_N_FLAG; f++) {
                if (f != DP_FLAG_RENOVATED) {
                    bits |= (unsigned)(dp_rng_u01(v[k][f]) < sh[k][f]) << f;
                }
            }
            P->flags[at[k]] = (uint8_t)bits;
        }
    }
    /* Renovated homes: systematic rounding over the cells in order, one random offset u for
     * the region and replicate: with C the running sum of share x persons, a cell gets
     * floor(C + u) - floor(C_before + u) renovated persons (its first ones). Each cell's mean
     * is its share x persons, as the cohort engine's, and the total is within one of their sum
     * in every replicate (independent draws would add a binomial spread, and the first year's
     * max(0, target - renovated) would not be linear in it). */
    uint32_t u[4];
    dp_rng_block(y->seed, y->region, y->rep, DP_N_CELL, 0, DP_EV_BASE, u);
    double off = dp_rng_u01(u[0]), run = 0.0;
    for (size_t i = 0; i < P->n;) {
        size_t cell = P->cell[i], j = i;
        while (j < P->n && P->cell[j] == cell) {
            j++;
        }
        size_t blk = cell % DP_N_BLOCK, age = (cell / DP_N_BLOCK) % DP_N_AGE;
        double sh = dp_flag_base_share(p, DP_FLAG_RENOVATED, age, dp_block_type(blk),
                                       dp_block_grade(blk), ren_mask[cell]);
        if (sh > 0.0) {
            double before = floor(run + off);
            run += sh * (double)(j - i);
            size_t k = (size_t)(floor(run + off) - before);
            for (size_t q = i; q < i + k && q < j; q++) {
                P->flags[q] |= 1u << DP_FLAG_RENOVATED;
            }
        }
        i = j;
    }
    return 0;
}

/* Step 7's probabilities of the year by (age, type, grade) and the cell's renovation
 * eligibility (dp_flag_in), and by age (dp_flag_out): the person loop reads tables. */
static void
flag_tables(const dp_year_rates *r, double *f_in, double *f_out, double *e_in, double *e_out)
{
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        for (size_t from = 0; from < N_FROM; from++) {
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                size_t k = (t * N_FROM + from) * DP_N_GRADE + g;
                double s = from == ENTRANT ? 0.0 : r->prog.emp_prev[t * DP_N_GRADE + from];
                dp_emp_moves(s, r->prog.emp_target[t * DP_N_GRADE + g], r->prog.emp_out,
                             &e_in[k], &e_out[k]);
            }
        }
    }
    for (size_t f = 0; f < DP_N_FLAG; f++) {
        for (size_t age = 0; age < DP_N_AGE; age++) {
            f_out[age * DP_N_FLAG + f] = dp_flag_out(r, (int)f, age);
        }
        for (size_t atg = 0; atg < N_ATG; atg++) {
            size_t age = atg / (DP_N_TYPE * DP_N_GRADE);
            size_t type = (atg / DP_N_GRADE) % DP_N_TYPE, grade = atg % DP_N_GRADE;
            for (int e = 0; e < 2; e++) {
                f_in[(atg * DP_N_FLAG + f) * 2 + (size_t)e] =
                    dp_flag_in(r, (int)f, age, type, grade, e);
            }
        }
    }
}

static int run_region(const dp_model *m, const dp_params *p, const dp_tables *tb, uint64_t seed,
                      size_t reg, size_t rep, micro_work *w, int parallel);

/* Projects region reg in replicate rep under parameters p (the replicate's; a region of an
 * earlier base year projects under their dp_params_region copy from its own base year).
 * Returns -1 when out of memory. */
static int
run_task(const dp_model *m, const dp_params *p, const dp_tables *tb, uint64_t seed, size_t reg,
         size_t rep, micro_work *w, int parallel)
{
    if (dp_tables_pre(m, reg) == 0) {
        return run_region(m, p, tb, seed, reg, rep, w, parallel);
    }
    dp_params *own = malloc(sizeof *own);
    if (!own) {
        return -1;
    }
    dp_params_region(p, m->base[reg].base_year, own);
    int rc = run_region(m, own, tb, seed, reg, rep, w, parallel);
    free(own);
    return rc;
}

/* run_task's projection of region reg under p, whose year_start - 1 is the region's base
 * year: the years before the run's first (tables' year index < 0) are projected but not
 * recorded. */
static int
run_region(const dp_model *m, const dp_params *p, const dp_tables *tb, uint64_t seed, size_t reg,
           size_t rep, micro_work *w, int parallel)
{
    const dp_region_base *b = &m->base[reg];
    long n_pre = (long)dp_tables_pre(m, reg);
    year_ctx y = {.r = &w->rates,
                  .seed = seed,
                  .region = (uint32_t)reg,
                  .rep = (uint32_t)rep,
                  .f_in = w->f_in,
                  .f_out = w->f_out,
                  .e_in = w->e_in,
                  .e_out = w->e_out};
    const double *flag[DP_N_FLAG];
    for (size_t f = 0; f < DP_N_FLAG; f++) {
        flag[f] = w->flag[f];
    }
    dp_prog_state st;
    dp_prog_result pr;

    /* The base year: persons, the non-disabled, and the recipients at its end. */
    if (base_persons(b, p, dp_tables_masks(tb, -1 - n_pre, reg) + DP_PROG_RENOVATION * DP_N_CELL, &y, &w->P) != 0) {
        return -1;
    }
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double d = 0.0;
        for (size_t k = 0; k < DP_N_BLOCK; k++) {
            d += b->cells[sa * DP_N_BLOCK + k];
        }
        w->nd[sa] = b->pop[sa] - d > 0.0 ? b->pop[sa] - d : 0.0;
    }
    /* The programmes' state at the end of the base year, from its persons; they are also the
     * first year's start (w->cells, w->ren). */
    dp_rates_year(m, p, reg, p->year_start - 1, &w->rates);
    memset(w->cells, 0, sizeof w->cells);
    memset(w->flag, 0, sizeof w->flag);
    for (size_t i = 0; i < w->P.n; i++) {
        size_t cell = w->P.cell[i];
        w->cells[cell] += 1.0;
        for (size_t f = 0; f < DP_N_FLAG; f++) {
            w->flag[f][cell] += (double)(w->P.flags[i] >> f & 1u);
        }
    }
    memcpy(w->ren, w->flag[DP_FLAG_RENOVATED], sizeof w->ren);
    {
        double dis0[DP_N_SEX * DP_N_AGE] = {0.0};
        for (size_t i = 0; i < DP_N_CELL; i++) {
            dis0[i / DP_N_BLOCK] += w->cells[i];
        }
        dp_tables_base_population(tb, rep, reg, w->nd, dis0);
    }
    dp_prog_state_init(p, &w->rates, dp_tables_groups(tb, -1 - n_pre, reg), w->cells, flag, &st);
    /* The systematic rounding of a count path's homes (renovate()). */
    {
        uint32_t u[4];
        dp_rng_block(seed, (uint32_t)reg, (uint32_t)rep, REN_ROUND_ID, 0, DP_EV_FLAGS, u);
        w->ren_off = dp_rng_u01(u[2]);
        w->ren_cum = 0.0;
    }

    for (size_t yi = 0; yi < (size_t)n_pre + tb->n_year; yi++) {
        int year = p->year_start + (int)yi;
        long ty = (long)yi - n_pre; /* the tables' year index: < 0 before years.start */
        double pre_fl[DP_N_FLOW] = {0.0};
        /* 1. The year's parameters; this year's home_renovation eligibility; step 7's tables
         * (renovation is not drawn person by person: renovate()). */
        dp_rates_year(m, p, reg, year, &w->rates);
        y.ren_mask = dp_tables_masks(tb, ty, reg) + DP_PROG_RENOVATION * DP_N_CELL;
        w->rates.prog.ren_p = 0.0; /* renovations: renovate(), after the persons' steps */
        dp_rates_migration(&w->rates, w->nd, w->cells);
        dp_rates_certify(m, p, reg, &w->rates, w->nd, w->cells);
        flag_tables(&w->rates, w->f_in, w->f_out, w->e_in, w->e_out);
        y.yoff = (int)yi + 1;
        y.age_now = !w->rates.migration_any;
        double pop_start = (double)w->P.n;
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            pop_start += w->nd[sa];
        }
        size_t n_tally = parallel ? w->n_tally : 1;
        tally_clear(w->t, n_tally);
        double *fl = ty >= 0 ? dp_tables_flows(tb, rep, (size_t)ty, reg) : pre_fl;
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
        /* 7. Renovations, now that the year's target group is known. */
        if (renovate(&y, w, &w->t[0]) != 0) {
            return -1;
        }
        /* 9. Migration of the disabled (if any) and ageing; the general population. */
        if (!y.age_now && migrate_and_age(&y, w, parallel) != 0) {
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
        for (size_t f = 0; f < DP_N_FLAG; f++) {
            for (size_t i = 0; i < DP_N_CELL; i++) {
                w->flag[f][i] = t->flag[f][i];
            }
        }
        dp_prog_year(p, &w->rates, dp_tables_groups(tb, ty, reg), w->cells, flag, fl, &st, &pr);
        if (ty >= 0) {
            dp_tables_prog(tb, rep, (size_t)ty, reg, &pr);
        }
        /* The stocks after ageing: the year's end and the next year's start. */
        for (size_t i = 0; i < DP_N_CELL; i++) {
            w->cells[i] = t->cells[i];
            w->ren[i] = t->ren[i];
        }
        if (ty >= 0) {
            dp_tables_stocks(tb, rep, (size_t)ty, reg, w->cells, w->nd);
        }
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
    free(w->P.flags);
    free(w->kept);
    free(w->twins);
    free(w->pool);
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
    size_t n_task = runs * m->n_region, done = 0, lo = 0, hi = n_task, n_local = 0;
    int n_thread = omp_get_max_threads();
    int failed = 0;
    *out = NULL;
    /* Every failure goes through dp_par_agree (core/par.h), so that all ranks fail together. */
    if (runs > (1u << 20) || m->n_region > (1u << 12)) {
        return dp_par_agree(ctx, dp_error(ctx, DP_EINPUT,
                                          "the micro engine takes at most %u replicates and %u "
                                          "regions",
                                          1u << 20, 1u << 12));
    }
    if ((rc = dp_tables_init(ctx, m, runs, &res, &tb)) != DP_OK) {
        return dp_par_agree(ctx, rc);
    }
    rp = malloc(runs * sizeof *rp);
    rng = dp_rng_alloc();
    if (!rp || !rng) {
        rc = dp_par_agree(ctx, dp_error(ctx, DP_ENOMEM,
                                        "out of memory for %zu replicates' parameters", runs));
        goto out;
    }
    for (size_t k = 0; k < runs; k++) {
        dp_tables_replicate(&tb, m, opts, k, rng, &rp[k]);
    }
    /* This rank's block of tasks (core/par.h), weighted by the region's persons: the whole
     * run in one process. */
    if (dp_par_size() > 1) {
        double *wt = malloc(n_task * sizeof *wt);
        if (!wt) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory for the split of %zu tasks", n_task);
        } else {
            for (size_t t = 0; t < n_task; t++) {
                const dp_region_base *b = &m->base[t % m->n_region];
                double w = 1.0;
                for (size_t i = 0; i < DP_N_SEX * DP_N_AGE * DP_N_BLOCK; i++) {
                    w += b->cells[i];
                }
                wt[t] = w;
            }
            dp_par_block(n_task, wt, &lo, &hi);
            free(wt);
        }
    }
    n_local = hi - lo;
    if (rc != DP_OK) {
        failed = 1;
    } else if (n_local >= 2 * (size_t)n_thread) {
        /* Many tasks: one per thread at a time. */
#pragma omp parallel
        {
            micro_work *w = work_alloc(1);
#pragma omp for schedule(dynamic)
            for (size_t t = lo; t < hi; t++) {
                size_t k = t / m->n_region, r = t % m->n_region;
                if (!w || run_task(m, &rp[k], &tb, opts->seed, r, k, w, 0) != 0) {
#pragma omp atomic write
                    failed = 1;
                }
                size_t d;
#pragma omp atomic capture
                d = ++done;
                if (omp_get_thread_num() == 0) { /* the calling thread: ctx is its own */
                    dp_ctx_progress(ctx, d, n_local);
                }
            }
            work_free(w);
        }
    } else {
        /* Few tasks: one at a time, its persons in parallel chunks. */
        micro_work *w = work_alloc((size_t)n_thread);
        for (size_t t = lo; t < hi && !failed; t++) {
            size_t k = t / m->n_region, r = t % m->n_region;
            if (!w || run_task(m, &rp[k], &tb, opts->seed, r, k, w, 1) != 0) {
                failed = 1;
            }
            dp_ctx_progress(ctx, t + 1 - lo, n_local);
        }
        work_free(w);
    }
    /* All of this rank's units are reported, even after a failure (the whole job's bar). */
    dp_ctx_progress(ctx, n_local, n_local);
    if (failed && rc == DP_OK) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the micro engine's persons");
    }
    /* Every rank's tasks done: all succeed or all fail with the first failure's error; the
     * tables merged into rank 0, which alone has the whole run and sums the budget. */
    if ((rc = dp_par_agree(ctx, rc)) == DP_OK && (rc = dp_par_merge(ctx, res)) == DP_OK &&
        dp_par_rank() == 0) {
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
