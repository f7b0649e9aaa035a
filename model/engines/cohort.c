/* model/engines/cohort.c
 *
 * The cohort engine: deterministic expected values, for a batch of parameter draws at once.
 * Besides the disabled persons by cell, it keeps the flagged persons by cell for each person
 * flag (programmes.h, DP_FLAG_*: employed, renovated), as expected counts. A region's state for
 * the n replicates of a batch is laid out [sex][age][slot][168] with slot = replicate x
 * (1 + DP_N_FLAG) + s: s = 0 holds all persons, s = 1 + f those with flag f. Within a (sex, age)
 * block the 168 cells are DP_N_TYPE columns of DP_COHORT_SUB (24) contiguous (grade, certified,
 * household) cells, so the ages of one sex that share a worsening rate (an "age band": under 60
 * and 60+ today) form one contiguous 24 x (ages x 3n x 7) column-major matrix. One year applies
 * the steps of DESIGN §1 in order with the probabilities of dp_rates_year (rates.c): deaths and
 * onset elementwise (each replicate its own rates), then grade change, certification and
 * household moves as one product Y = A X per (sex, band) with cblas_dgemm, where the 24 x 24
 * matrix A is built by applying those three steps to unit vectors. Flagged persons go through
 * the same deaths (same probabilities), the same product and the same migration and ageing as
 * everyone; onset adds persons without any flag. Step 7 then moves persons in and out of each
 * flag with the per-cell probabilities of dp_flag_in / dp_flag_out (programmes.c), each
 * replicate its own (they depend on its parameters and, for renovation, its counts).
 * Invariant: 0 <= flagged <= persons in every cell and slot. Flows come from the same steps
 * applied to the all-persons slot's column sums (the steps are linear).
 * Replicates share A when their transition parameters are identical (dp_cohort_group); each
 * batch holds replicates of one group only, so one product serves the whole batch. Programmes
 * and stocks go through dp_tables_* (tables.c), the non-disabled's births, migration and ageing
 * through dp_general_step (general.c), as in the micro engine. Tasks are (batch, region) pairs run
 * in parallel with OpenMP, each writing only its own (replicate, region) slices; OpenBLAS is kept
 * to one thread, so results do not depend on the thread count. Workload: DP_N_CELL (33,936) cells x
 * replicates x years x regions; no allocation inside the year loop.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <omp.h>

#include "engines/cohort_impl.h"
#include "core/par.h"
#include "core/rng.h"
#include "engines/tables.h"

enum { N_SUB = DP_COHORT_SUB, N_SA = DP_N_SEX * DP_N_AGE, N_SLOT = DP_COHORT_SLOTS };

/* The probe of the tests (dp_cohort_set_probe); NULL in normal runs. */
static dp_cohort_probe *probe_fn;
static void *probe_arg;

void
dp_cohort_set_probe(dp_cohort_probe *fn, void *arg)
{
    probe_fn = fn;
    probe_arg = arg;
}

/* Position of (grade, cert, hh) in a 24-row column. */
static inline size_t
sub(size_t g, size_t c, size_t h)
{
    return (g * DP_N_CERT + c) * DP_N_HH + h;
}

/* Workspace of one thread: the state of one batch of up to cap replicates of one region. */
typedef struct {
    size_t cap;           /**< replicates the buffers hold */
    double *x, *y;        /**< disabled persons, all and flagged [sex][age][rep][slot][168]; y is
                               the product target */
    double *nd;           /**< non-disabled residents [rep][sex][age] */
    double *cur;          /**< one replicate's cells in region order [DP_N_CELL] */
    double *flag;         /**< one replicate's flagged persons in region order
                               [DP_N_FLAG][DP_N_CELL] */
    const double *fp[DP_N_FLAG]; /**< flag + f * DP_N_CELL */
    double *sums;         /**< column sums before grade change [rep][band][24] */
    dp_prog_state *st;    /**< programme state of each replicate [rep] */
    double *pop_start;    /**< residents at the start of the year [rep] */
    double **fl;          /**< the year's flows of each replicate (table slices) [rep] */
    double *pre_fl;       /**< flows of a year before years.start, not recorded
                               [rep][DP_N_FLOW] */
    dp_year_rates *rates; /**< the year's rates of each replicate [rep] */
} cohort_work;

static void
work_free(cohort_work *w)
{
    if (!w) {
        return;
    }
    free(w->x);
    free(w->y);
    free(w->nd);
    free(w->cur);
    free(w->flag);
    free(w->sums);
    free(w->st);
    free(w->pop_start);
    free(w->fl);
    free(w->pre_fl);
    free(w->rates);
    free(w);
}

/* 64-byte aligned doubles, so that a batch's products see the same alignment in every run. */
static double *
alloc_doubles(size_t n)
{
    size_t bytes = (n * sizeof(double) + 63) / 64 * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

static cohort_work *
work_alloc(size_t cap)
{
    cohort_work *w = calloc(1, sizeof *w);
    if (!w) {
        return NULL;
    }
    w->cap = cap;
    w->x = alloc_doubles(cap * N_SLOT * DP_N_CELL);
    w->y = alloc_doubles(cap * N_SLOT * DP_N_CELL);
    w->nd = malloc(cap * N_SA * sizeof *w->nd);
    w->cur = malloc(DP_N_CELL * sizeof *w->cur);
    w->flag = malloc(DP_N_FLAG * DP_N_CELL * sizeof *w->flag);
    w->sums = malloc(cap * DP_N_AGE * N_SUB * sizeof *w->sums);
    w->st = malloc(cap * sizeof *w->st);
    w->pop_start = malloc(cap * sizeof *w->pop_start);
    w->fl = malloc(cap * sizeof *w->fl);
    w->pre_fl = malloc(cap * DP_N_FLOW * sizeof *w->pre_fl);
    w->rates = malloc(cap * sizeof *w->rates);
    if (!w->x || !w->y || !w->nd || !w->cur || !w->flag || !w->sums || !w->st || !w->pop_start ||
        !w->fl || !w->pre_fl || !w->rates) {
        work_free(w);
        return NULL;
    }
    for (size_t f = 0; f < DP_N_FLAG; f++) {
        w->fp[f] = w->flag + f * DP_N_CELL;
    }
    return w;
}

/* Steps 4-6 of one year on one 24-row column x (one type's grade x certified x household
 * states) with worsening probability w: grade change, then certification of the uncertified,
 * then household moves; the result goes to y. When fl is not NULL, adds the flows to it
 * (grade worsening and improvement, certifications, dibao entries and exits). The steps are
 * linear in x, so applied to a sum of columns they give the sum of the columns' flows. */
static void
step24(const dp_year_rates *r, double w, size_t age, const double *x, double *y, double *fl)
{
    double a[N_SUB];
    double u = r->improve, worsened = 0.0, improved = 0.0, certified = 0.0, d_in = 0.0, d_out = 0.0;
    /* 4. Grade change: one grade more severe with prob. w, less severe with prob. u. */
    for (size_t ch = 0; ch < DP_N_CERT * DP_N_HH; ch++) {
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            double old = x[g * DP_N_CERT * DP_N_HH + ch];
            double stay = 1.0 - (g > 0 ? w : 0.0) - (g + 1 < DP_N_GRADE ? u : 0.0);
            double v = old * stay;
            if (g + 1 < DP_N_GRADE) {
                v += x[(g + 1) * DP_N_CERT * DP_N_HH + ch] * w;
                improved += old * u;
            }
            if (g > 0) {
                v += x[(g - 1) * DP_N_CERT * DP_N_HH + ch] * u;
                worsened += old * w;
            }
            a[g * DP_N_CERT * DP_N_HH + ch] = v;
        }
    }
    /* 5. Certification of the uncertified, by the grade after step 4 (net of the balanced
     * rule's decertifications, 0 unless it needs fewer card holders). */
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        for (size_t h = 0; h < DP_N_HH; h++) {
            double moved = a[sub(g, DP_UNCERT, h)] * r->certify[age * DP_N_GRADE + g] -
                           a[sub(g, DP_CERT, h)] * r->decertify[age * DP_N_GRADE + g];
            a[sub(g, DP_UNCERT, h)] -= moved;
            a[sub(g, DP_CERT, h)] += moved;
            certified += moved;
        }
    }
    /* 6. Household status: hh[cert][from][to]. */
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        for (size_t c = 0; c < DP_N_CERT; c++) {
            const double *hh = r->hh + (g * DP_N_CERT + c) * DP_N_HH * DP_N_HH;
            const double *old = a + sub(g, c, 0);
            for (size_t to = 0; to < DP_N_HH; to++) {
                double v = 0.0;
                for (size_t from = 0; from < DP_N_HH; from++) {
                    v += old[from] * hh[from * DP_N_HH + to];
                }
                y[sub(g, c, to)] = v;
            }
            d_in += old[DP_OTHER] * hh[DP_OTHER * DP_N_HH + DP_DIBAO] +
                    old[DP_MARGINAL] * hh[DP_MARGINAL * DP_N_HH + DP_DIBAO];
            d_out += old[DP_DIBAO] * (1.0 - hh[DP_DIBAO * DP_N_HH + DP_DIBAO]);
        }
    }
    if (fl) {
        fl[DP_FL_WORSENED] += worsened;
        fl[DP_FL_IMPROVED] += improved;
        fl[DP_FL_CERTIFIED] += certified;
        fl[DP_FL_DIBAO_IN] += d_in;
        fl[DP_FL_DIBAO_OUT] += d_out;
    }
}

/* The 24 x 24 matrix of step24 (column-major: column j is step24 of the unit vector e_j). */
static void
transition_matrix(const dp_year_rates *r, double w, size_t age, double *a)
{
    for (size_t j = 0; j < N_SUB; j++) {
        double e[N_SUB] = {0.0};
        e[j] = 1.0;
        step24(r, w, age, e, a + j * N_SUB, NULL);
    }
}

/* 1 if two replicates' rates of a year have the same grade and household transitions (what A
 * is built from, but for the balanced certification, which depends on each replicate's
 * counts and is compared age by age when the bands are formed). */
static int
same_year_transitions(const dp_year_rates *a, const dp_year_rates *b)
{
    return memcmp(a->worsen, b->worsen, sizeof a->worsen) == 0 &&
           memcmp(&a->improve, &b->improve, sizeof a->improve) == 0 &&
           memcmp(a->hh, b->hh, sizeof a->hh) == 0;
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

/* One slot of the batch state (ns slots per (sex, age)) copied to cells in region order. */
static void
gather(const double *x, size_t ns, size_t slot, double *cells)
{
    for (size_t sa = 0; sa < N_SA; sa++) {
        memcpy(cells + sa * DP_N_BLOCK, x + (sa * ns + slot) * DP_N_BLOCK,
               DP_N_BLOCK * sizeof *cells);
    }
}

/* Replicate j's persons (w->cur) and flagged persons (w->flag) in region order. */
static void
gather_rep(cohort_work *w, size_t nb, size_t j)
{
    size_t ns = nb * N_SLOT;
    gather(w->x, ns, j * N_SLOT, w->cur);
    for (size_t f = 0; f < DP_N_FLAG; f++) {
        gather(w->x, ns, j * N_SLOT + 1 + f, w->flag + f * DP_N_CELL);
    }
}

/* The base year's flagged persons of one (sex, age) block: blk holds the block's persons
 * (slot 0) and receives in the DP_N_FLAG slots that follow it flag f of each cell =
 * dp_flag_base_share (parameters p; ren: the base year's home_renovation mask of the block,
 * card included) x the cell. */
static void
base_flags(const dp_params *p, size_t age, const unsigned char *ren, double *blk)
{
    for (size_t k = 0; k < DP_N_BLOCK; k++) {
        size_t t = dp_block_type(k), g = dp_block_grade(k);
        for (int f = 0; f < DP_N_FLAG; f++) {
            blk[(size_t)(1 + f) * DP_N_BLOCK + k] =
                dp_flag_base_share(p, f, age, t, g, ren[k] != 0) * blk[k];
        }
    }
}

/* Steps 2-3 on every (sex, age, replicate) block: deaths, then onset among the surviving
 * non-disabled; adds each replicate's column sums after onset to its band's row of w->sums.
 * Flagged persons die with the same probabilities; the new persons carry no flag. */
static void
deaths_onset(const dp_region_base *b, size_t nb, const unsigned char *band_of, size_t n_band,
             cohort_work *w)
{
    size_t ns = nb * N_SLOT;
    memset(w->sums, 0, nb * n_band * N_SUB * sizeof *w->sums);
    for (size_t sa = 0; sa < N_SA; sa++) {
        size_t band = band_of[sa % DP_N_AGE];
        for (size_t j = 0; j < nb; j++) {
            const dp_year_rates *r = &w->rates[j];
            double *blk = w->x + (sa * ns + j * N_SLOT) * DP_N_BLOCK;
            double *nd = w->nd + j * N_SA;
            double *fl = w->fl[j];
            /* 2. Deaths. The flow is q times the sum of each (type, grade)'s six cells,
             * accumulated in a register (a sum kept in the table would make every cell wait
             * for the previous one's store). */
            const double *qd = r->q_d + sa * DP_N_TYPE * DP_N_GRADE;
            double dead_d = 0.0;
            for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
                double *x = blk + tg * DP_N_CERT * DP_N_HH, alive = 0.0;
                for (size_t k = 0; k < DP_N_CERT * DP_N_HH; k++) {
                    alive += x[k];
                    x[k] -= x[k] * qd[tg];
                }
                dead_d += alive * qd[tg];
            }
            fl[DP_FL_DEATHS_D] += dead_d;
            /* The flagged persons (no flow: they are among the deaths above). */
            for (size_t f = 1; f < N_SLOT; f++) {
                for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
                    double *x = blk + f * DP_N_BLOCK + tg * DP_N_CERT * DP_N_HH;
                    for (size_t k = 0; k < DP_N_CERT * DP_N_HH; k++) {
                        x[k] -= x[k] * qd[tg];
                    }
                }
            }
            double dead_nd = nd[sa] * r->q_nd[sa];
            fl[DP_FL_DEATHS_ND] += dead_nd;
            nd[sa] -= dead_nd;
            /* 3. Onset: uncertified, with the region's type x grade mix and the household
             * distribution of the uncertified. */
            double on = nd[sa] * r->onset[sa];
            nd[sa] -= on;
            fl[DP_FL_ONSETS] += on;
            /* New disabled persons of ages 17-59 bring the employment of their (type, grade):
             * its share a year before (prog.emp_prev; not new jobs); at 16 they enter working
             * age out of work (step 7 balances them). */
            size_t age = sa % DP_N_AGE;
            int emp_on = age > DP_WORK_AGE_MIN && age <= DP_WORK_AGE_MAX;
            for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
                double *x = blk + tg * DP_N_CERT * DP_N_HH + DP_UNCERT * DP_N_HH;
                double *xe = x + (1 + DP_FLAG_EMPLOYED) * DP_N_BLOCK;
                double add = on * b->mix[tg];
                double es = emp_on ? r->prog.emp_prev[tg] : 0.0;
                for (size_t h = 0; h < DP_N_HH; h++) {
                    x[h] += add * b->onset_hh[h];
                    xe[h] += add * b->onset_hh[h] * es;
                }
            }
            double *s = w->sums + (j * n_band + band) * N_SUB;
            for (size_t t = 0; t < DP_N_TYPE; t++) {
                for (size_t i = 0; i < N_SUB; i++) {
                    s[i] += blk[t * N_SUB + i];
                }
            }
        }
    }
}

/* Flagged persons may exceed a cell's persons by this much (relative) through rounding. */
#define FLAG_ROUNDING 1e-9

/* One cell's flag transition: n persons of whom *v carry the flag; a person without it gets
 * it with prob. in, one with it loses it with prob. out: *v' = *v (1 - out) + (n - *v) in.
 * Returns the entries and adds the exits to *exits. The bounds only absorb the rounding of
 * the matrix products (in exact arithmetic 0 <= *v <= n holds before and after); an excess
 * beyond rounding sets *over (an engine error). */
static inline double
move_flag(double n, double *v, double in, double out, double *exits, int *over)
{
    double without = n - *v > 0.0 ? n - *v : 0.0;
    double enter = without * in, leave = *v * out;
    double next = *v * (1.0 - out) + enter;
    if (next > n) {
        *over |= next - n > FLAG_ROUNDING * n + 1e-12;
        next = n;
    }
    *v = next;
    *exits += leave;
    return enter;
}

/* Step 7 for replicate j of the batch, after grade change, certification and household moves:
 * each cell's flags move with the replicate's dp_flag_in / dp_flag_out (ren: this year's
 * home_renovation mask [DP_N_CELL]); adds DP_FL_JOBS_IN, DP_FL_JOBS_OUT, DP_FL_JOBS_FROM_DIBAO
 * (the entries of cells in dibao households) and DP_FL_RENOVATIONS to its flows. Returns 1 if
 * some cell had more flagged persons than persons beyond rounding (an engine error). */
static int
flag_step(size_t nb, size_t j, const unsigned char *ren, cohort_work *w)
{
    int over = 0;
    const dp_year_rates *r = &w->rates[j];
    size_t ns = nb * N_SLOT;
    double jobs_in = 0.0, jobs_out = 0.0, jobs_dibao = 0.0, renovated = 0.0;
    double ren_out = 0.0; /* homes do not lose their renovation (out = 0): no flow */
    /* Renovation: the target group and its renovated members after steps 2-6, so that the
     * homes asked for are renovated this year and a coverage target is reached at its end. */
    {
        double G = 0.0, R = 0.0;
        for (size_t sa = 0; sa < N_SA; sa++) {
            const double *blk = w->x + (sa * ns + j * N_SLOT) * DP_N_BLOCK;
            const double *rn = blk + (1 + DP_FLAG_RENOVATED) * DP_N_BLOCK;
            const unsigned char *mk = ren + sa * DP_N_BLOCK;
            for (size_t k = 0; k < DP_N_BLOCK; k++) {
                if (mk[k]) {
                    G += blk[k];
                    R += rn[k];
                }
            }
        }
        (void)dp_ren_homes(G, R, &w->rates[j]);
    }
    for (size_t sa = 0; sa < N_SA; sa++) {
        size_t age = sa % DP_N_AGE;
        double *blk = w->x + (sa * ns + j * N_SLOT) * DP_N_BLOCK;
        double *emp = blk + (1 + DP_FLAG_EMPLOYED) * DP_N_BLOCK;
        double *rn = blk + (1 + DP_FLAG_RENOVATED) * DP_N_BLOCK;
        const unsigned char *mk = ren + sa * DP_N_BLOCK;
        double out_e = dp_flag_out(r, DP_FLAG_EMPLOYED, age);
        double out_r = dp_flag_out(r, DP_FLAG_RENOVATED, age);
        /* Nothing moves outside ages 16-60 for work (nobody is in work there: persons leave
         * at 60) when no home is renovated this year: skip those blocks. */
        if ((age < DP_WORK_AGE_MIN || age > DP_WORK_AGE_MAX + 1) && r->prog.ren_p == 0.0) {
            continue;
        }
        int wa = age >= DP_WORK_AGE_MIN && age <= DP_WORK_AGE_MAX;
        for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
            size_t t = tg / DP_N_GRADE, g = tg % DP_N_GRADE;
            const double in_r[2] = {dp_flag_in(r, DP_FLAG_RENOVATED, age, t, g, 0),
                                    dp_flag_in(r, DP_FLAG_RENOVATED, age, t, g, 1)};
            for (size_t ch = 0; ch < DP_N_CERT * DP_N_HH; ch++) {
                size_t k = tg * DP_N_CERT * DP_N_HH + ch;
                /* Employment: the cell's share after steps 2-6 back to its target (the
                 * balance of dp_emp_moves); outside working age nobody works (out 1). */
                double in_e = 0.0, o_e = out_e;
                if (wa && blk[k] > 0.0) {
                    dp_emp_moves(emp[k] / blk[k], r->prog.emp_target[tg], r->prog.emp_out, &in_e,
                                 &o_e);
                }
                double in = move_flag(blk[k], &emp[k], in_e, o_e, &jobs_out, &over);
                jobs_in += in;
                if (ch % DP_N_HH == DP_DIBAO) {
                    jobs_dibao += in;
                }
                renovated +=
                    move_flag(blk[k], &rn[k], in_r[mk[k] != 0], out_r, &ren_out, &over);
            }
        }
    }
    double *fl = w->fl[j];
    fl[DP_FL_JOBS_IN] += jobs_in;
    fl[DP_FL_JOBS_OUT] += jobs_out;
    fl[DP_FL_JOBS_FROM_DIBAO] += jobs_dibao;
    fl[DP_FL_RENOVATIONS] += renovated;
    return over;
}

/* Step 9 for every replicate of the batch: births, migration and ageing by one year (100+
 * accumulates); flagged persons migrate and age with everyone. */
static void
age_population(size_t nb, cohort_work *w)
{
    size_t ns = nb * N_SLOT;
    for (size_t j = 0; j < nb; j++) {
        const dp_year_rates *r = &w->rates[j];
        double *fl = w->fl[j];
        /* The non-disabled: births, migration, ageing (general.c, shared with the micro
         * engine). */
        dp_general_step(r, w->pop_start[j], w->nd + j * N_SA, fl);
        /* Net migration of the disabled, by the age schedule of the year. */
        if (r->migration_any) {
            double moved = 0.0;
            for (size_t sa = 0; sa < N_SA; sa++) {
                double md = r->migration_d[sa % DP_N_AGE], f = 1.0 + md, before = 0.0;
                double *blk = w->x + (sa * ns + j * N_SLOT) * DP_N_BLOCK;
                for (size_t k = 0; k < DP_N_BLOCK; k++) {
                    before += blk[k];
                    blk[k] *= f;
                }
                for (size_t k = DP_N_BLOCK; k < N_SLOT * DP_N_BLOCK; k++) {
                    blk[k] *= f;
                }
                moved += before * md;
            }
            fl[DP_FL_MIGRATION_D] += moved;
        }
    }
    /* The disabled: whole (sex, age) slabs of the batch move up one age. */
    size_t slab = ns * DP_N_BLOCK;
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        double *c = w->x + sex * DP_N_AGE * slab;
        double *last = c + (size_t)DP_MAX_AGE * slab;
        const double *prev = c + (size_t)(DP_MAX_AGE - 1) * slab;
        for (size_t k = 0; k < slab; k++) {
            last[k] += prev[k];
        }
        memmove(c + slab, c, (size_t)(DP_MAX_AGE - 1) * slab * sizeof *c);
        memset(c, 0, slab * sizeof *c);
    }
}

/* Engine errors a task reports (bits). */
enum {
    BAD_MIXED = 1, /**< replicates of a batch have different transitions in some year (a
                        parameter dp_cohort_group does not compare) */
    BAD_FLAGS = 2, /**< flagged persons exceeded a cell's persons beyond rounding */
    BAD_NOMEM = 4  /**< out of memory for a region's own parameters (dp_params_region) */
};

/* Projects one region over the horizon for the nb replicates rep[0..nb) (one group: identical
 * transition parameters), writing their slices. Sets BAD_* bits in *bad. */
static void project_region(const dp_model *m, const dp_params *const *P, const size_t *rep,
                           size_t nb, size_t reg, const dp_tables *tb, cohort_work *w, int *bad);

static void
project_batch(const dp_model *m, const dp_params *rp, const size_t *rep, size_t nb, size_t reg,
              const dp_tables *tb, cohort_work *w, int *bad)
{
    /* Each replicate's parameters; a region of an earlier base year projects under their
     * dp_params_region copies from its own base year. */
    int own = dp_tables_pre(m, reg) > 0;
    const dp_params **P = malloc(nb * sizeof *P);
    dp_params *copy = own ? malloc(nb * sizeof *copy) : NULL;
    if (!P || (own && !copy)) {
        *bad |= BAD_NOMEM;
    } else {
        for (size_t j = 0; j < nb; j++) {
            if (own) {
                dp_params_region(&rp[rep[j]], m->base[reg].base_year, &copy[j]);
            }
            P[j] = own ? &copy[j] : &rp[rep[j]];
        }
        project_region(m, P, rep, nb, reg, tb, w, bad);
    }
    free(copy);
    free(P);
}

/* project_batch's projection of region reg under P[j] (replicate rep[j]), whose year_start - 1
 * is the region's base year: the years before the run's first (tables' year index < 0) are
 * projected but not recorded. */
static void
project_region(const dp_model *m, const dp_params *const *P, const size_t *rep, size_t nb,
               size_t reg, const dp_tables *tb, cohort_work *w, int *bad)
{
    const dp_region_base *b = &m->base[reg];
    const dp_params *p0 = P[0];
    long n_pre = (long)dp_tables_pre(m, reg);
    size_t ns = nb * N_SLOT;
    dp_prog_result pr;
    /* Base-year state: the cells, the same for every replicate, and the flagged persons by
     * each replicate's base shares under the base year's home_renovation mask. */
    const unsigned char *ren0 = dp_tables_masks(tb, -1 - n_pre, reg) + DP_PROG_RENOVATION * DP_N_CELL;
    double nd0[N_SA], dis0[N_SA], pop0 = 0.0;
    for (size_t sa = 0; sa < N_SA; sa++) {
        double d = sum(b->cells + sa * DP_N_BLOCK, DP_N_BLOCK);
        dis0[sa] = d;
        nd0[sa] = b->pop[sa] - d > 0.0 ? b->pop[sa] - d : 0.0;
        for (size_t j = 0; j < nb; j++) {
            double *blk = w->x + (sa * ns + j * N_SLOT) * DP_N_BLOCK;
            memcpy(blk, b->cells + sa * DP_N_BLOCK, DP_N_BLOCK * sizeof *w->x);
            base_flags(P[j], sa % DP_N_AGE, ren0 + sa * DP_N_BLOCK, blk);
        }
    }
    pop0 = sum(nd0, N_SA) + sum(b->cells, DP_N_CELL);
    /* Programme state at the end of the base year under the base year's rules. */
    for (size_t j = 0; j < nb; j++) {
        memcpy(w->nd + j * N_SA, nd0, sizeof nd0);
        w->pop_start[j] = pop0;
        dp_tables_base_population(tb, rep[j], reg, nd0, dis0);
        dp_rates_year(m, P[j], reg, p0->year_start - 1, &w->rates[j]);
        gather_rep(w, nb, j);
        dp_prog_state_init(P[j], &w->rates[j], dp_tables_groups(tb, -1 - n_pre, reg), w->cur, w->fp, &w->st[j]);
        if (probe_fn) {
            probe_fn(probe_arg, rep[j], reg, -1, w->cur, w->fp);
        }
    }
    for (size_t yy = 0; yy < (size_t)n_pre + tb->n_year; yy++) {
        int year = p0->year_start + (int)yy;
        long ty = (long)yy - n_pre; /* the tables' year index: < 0 before years.start */
        size_t yi = ty >= 0 ? (size_t)ty : 0;
        const dp_prog_groups *gm = dp_tables_groups(tb, ty, reg);
        const unsigned char *ren = dp_tables_masks(tb, ty, reg) + DP_PROG_RENOVATION * DP_N_CELL;
        /* 1. The year's parameters of each replicate (its renovations: step 7). */
        for (size_t j = 0; j < nb; j++) {
            dp_rates_year(m, P[j], reg, year, &w->rates[j]);
            if (ty >= 0) {
                w->fl[j] = dp_tables_flows(tb, rep[j], yi, reg);
            } else {
                w->fl[j] = w->pre_fl + j * DP_N_FLOW;
                memset(w->fl[j], 0, DP_N_FLOW * sizeof *w->fl[j]);
            }
            if (!same_year_transitions(&w->rates[j], &w->rates[0])) {
                *bad |= BAD_MIXED;
            }
            /* The migration schedule scaled to, and the balanced certification from, the
             * start-of-year residents. */
            gather(w->x, ns, j * N_SLOT, w->cur);
            dp_rates_migration(&w->rates[j], w->nd + j * N_SA, w->cur);
            dp_rates_certify(m, P[j], reg, &w->rates[j], w->nd + j * N_SA, w->cur);
        }
        /* Age bands: maximal runs of ages with the same worsening probability and, in every
         * replicate, the same certification probabilities (one band per age when they are
         * balanced, §2 step 5). A band is shared when every replicate has replicate 0's
         * certification there: one product then serves the whole batch. */
        const dp_year_rates *r = &w->rates[0];
        unsigned char band_of[DP_N_AGE], shared[DP_N_AGE];
        size_t band_lo[DP_N_AGE + 1], n_band = 0;
        const size_t crow = DP_N_GRADE * sizeof(double);
        for (size_t age = 0; age < DP_N_AGE; age++) {
            int split = age == 0 ||
                        memcmp(&r->worsen[age], &r->worsen[age - 1], sizeof(double)) != 0;
            for (size_t j = 0; j < nb && !split; j++) {
                const double *c = w->rates[j].certify;
                const double *d = w->rates[j].decertify;
                split = memcmp(c + age * DP_N_GRADE, c + (age - 1) * DP_N_GRADE, crow) != 0 ||
                        memcmp(d + age * DP_N_GRADE, d + (age - 1) * DP_N_GRADE, crow) != 0;
            }
            if (split) {
                shared[n_band] = 1;
                for (size_t j = 1; j < nb; j++) {
                    shared[n_band] &= memcmp(w->rates[j].certify + age * DP_N_GRADE,
                                             r->certify + age * DP_N_GRADE, crow) == 0 &&
                                      memcmp(w->rates[j].decertify + age * DP_N_GRADE,
                                             r->decertify + age * DP_N_GRADE, crow) == 0;
                }
                band_lo[n_band++] = age;
            }
            band_of[age] = (unsigned char)(n_band - 1);
        }
        band_lo[n_band] = DP_N_AGE;
        /* 2-3. */
        deaths_onset(b, nb, band_of, n_band, w);
        /* 4-6: Y = A X for each (sex, band), all slots at once (a band not shared: each
         * replicate's slots with its own A, age by age); the flows from the column sums of the
         * all-persons slots. */
        for (size_t band = 0; band < n_band; band++) {
            double a[N_SUB * N_SUB], col[N_SUB];
            size_t lo = band_lo[band], n_age = band_lo[band + 1] - lo;
            double wr = r->worsen[lo];
            if (shared[band]) {
                transition_matrix(r, wr, lo, a);
                for (size_t sex = 0; sex < DP_N_SEX; sex++) {
                    size_t off = (sex * DP_N_AGE + lo) * ns * DP_N_BLOCK;
                    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, N_SUB,
                                (int)(n_age * ns * DP_N_TYPE), N_SUB, 1.0, a, N_SUB, w->x + off,
                                N_SUB, 0.0, w->y + off, N_SUB);
                }
            } else {
                for (size_t j = 0; j < nb; j++) {
                    transition_matrix(&w->rates[j], wr, lo, a);
                    for (size_t sa = 0; sa < N_SA; sa++) {
                        if (band_of[sa % DP_N_AGE] != band) {
                            continue;
                        }
                        size_t off = (sa * ns + j * N_SLOT) * DP_N_BLOCK;
                        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, N_SUB,
                                    (int)(N_SLOT * DP_N_TYPE), N_SUB, 1.0, a, N_SUB, w->x + off,
                                    N_SUB, 0.0, w->y + off, N_SUB);
                    }
                }
            }
            for (size_t j = 0; j < nb; j++) {
                step24(&w->rates[j], wr, lo, w->sums + (j * n_band + band) * N_SUB, col, w->fl[j]);
            }
        }
        double *t = w->x;
        w->x = w->y;
        w->y = t;
        /* 7. Flags: entries and exits (employment, renovation). */
        for (size_t j = 0; j < nb; j++) {
            if (flag_step(nb, j, ren, w)) {
                *bad |= BAD_FLAGS;
            }
        }
        /* 8. Programmes on the year-end counts (programmes.c). */
        for (size_t j = 0; j < nb; j++) {
            gather_rep(w, nb, j);
            dp_prog_year(P[j], &w->rates[j], gm, w->cur, w->fp, w->fl[j], &w->st[j], &pr);
            if (ty < 0) {
                continue;
            }
            dp_tables_prog(tb, rep[j], yi, reg, &pr);
            if (probe_fn) {
                probe_fn(probe_arg, rep[j], reg, (int)yi, w->cur, w->fp);
            }
        }
        /* 9. Births, migration, ageing; the year-end stocks. */
        age_population(nb, w);
        for (size_t j = 0; j < nb; j++) {
            const double *nd = w->nd + j * N_SA;
            gather(w->x, ns, j * N_SLOT, w->cur);
            if (ty >= 0) {
                dp_tables_stocks(tb, rep[j], yi, reg, w->cur, nd);
            }
            w->pop_start[j] = sum(nd, N_SA) + sum(w->cur, DP_N_CELL);
        }
    }
}

/* Key of a replicate's transition parameters, compared bit for bit. */
typedef struct {
    double v[11];
    size_t rep;
} trans_key;

static int
cmp_key(const void *pa, const void *pb)
{
    const trans_key *a = pa, *b = pb;
    int c = memcmp(a->v, b->v, sizeof a->v);
    if (c != 0) {
        return c;
    }
    return (a->rep > b->rep) - (a->rep < b->rep);
}

/* Groups: first replicate, position among the sorted keys, size. */
typedef struct {
    size_t first, pos, n;
} group_span;

static int
cmp_span(const void *pa, const void *pb)
{
    const group_span *a = pa, *b = pb;
    return (a->first > b->first) - (a->first < b->first);
}

dp_status
dp_cohort_group(dp_ctx *ctx, const dp_params *rp, size_t runs, size_t *order, size_t *start,
                size_t *n_group)
{
    dp_status rc = DP_OK;
    trans_key *key = malloc((runs ? runs : 1) * sizeof *key);
    group_span *span = malloc((runs ? runs : 1) * sizeof *span);
    size_t ng = 0, pos = 0;
    if (!key || !span) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for grouping %zu replicates", runs);
        goto out;
    }
    for (size_t k = 0; k < runs; k++) {
        const dp_params *p = &rp[k];
        const double v[11] = {p->worsen_rate[0],  p->worsen_rate[1],  p->improve_rate,
                              p->certify_rate[0], p->certify_rate[1], p->dibao_exit,
                              p->marginal_exit,   p->dibao_entry,     p->marginal_entry,
                              (double)p->single_person_from, p->single_person_rate};
        memcpy(key[k].v, v, sizeof v);
        key[k].rep = k;
    }
    qsort(key, runs, sizeof *key, cmp_key);
    for (size_t i = 0; i < runs; i++) {
        if (i == 0 || memcmp(key[i].v, key[i - 1].v, sizeof key[i].v) != 0) {
            span[ng++] = (group_span){key[i].rep, i, 0};
        }
        span[ng - 1].n++;
    }
    qsort(span, ng, sizeof *span, cmp_span);
    for (size_t g = 0; g < ng; g++) {
        start[g] = pos;
        for (size_t i = 0; i < span[g].n; i++) {
            order[pos++] = key[span[g].pos + i].rep;
        }
    }
    start[ng] = runs;
    *n_group = ng;
out:
    free(key);
    free(span);
    return rc;
}

dp_status
dp_cohort_run(dp_ctx *ctx, const dp_model *m, const dp_engine_opts *opts, dp_results **out)
{
    dp_status rc = DP_OK;
    dp_tables tb;
    dp_results *res = NULL;
    dp_params *rp = NULL;
    gsl_rng *rng = NULL;
    size_t *order = NULL, *gstart = NULL, *bfirst = NULL, *bcount = NULL;
    size_t runs = opts->runs ? opts->runs : 1, n_group = 0, n_batch = 0, cap = 1;
    size_t n_task = 0, done = 0, lo = 0, hi = 0, local = 0;
    int oom = 0, bad_all = 0, agreed = 0;
    /* One level of parallelism: OpenMP over tasks, OpenBLAS on the calling thread. */
    int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    *out = NULL;
    if ((rc = dp_tables_init(ctx, m, runs, &res, &tb)) != DP_OK) {
        goto out;
    }
    rp = malloc(runs * sizeof *rp);
    rng = dp_rng_alloc();
    order = malloc(runs * sizeof *order);
    gstart = malloc((runs + 1) * sizeof *gstart);
    bfirst = malloc(runs * sizeof *bfirst);
    bcount = malloc(runs * sizeof *bcount);
    if (!rp || !rng || !order || !gstart || !bfirst || !bcount) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for %zu replicates' parameters", runs);
        goto out;
    }
    for (size_t k = 0; k < runs; k++) {
        dp_tables_replicate(&tb, m, opts, k, rng, &rp[k]);
    }
    if ((rc = dp_cohort_group(ctx, rp, runs, order, gstart, &n_group)) != DP_OK) {
        goto out;
    }
    /* Batches: each group split into nearly equal parts of at most DP_COHORT_BATCH_MAX. */
    for (size_t g = 0; g < n_group; g++) {
        size_t n = gstart[g + 1] - gstart[g];
        size_t parts = (n + DP_COHORT_BATCH_MAX - 1) / DP_COHORT_BATCH_MAX, pos = gstart[g];
        for (size_t i = 0; i < parts; i++) {
            size_t nb = n / parts + (i < n % parts ? 1 : 0);
            bfirst[n_batch] = pos;
            bcount[n_batch++] = nb;
            pos += nb;
            cap = nb > cap ? nb : cap;
        }
    }
    /* One task per (batch, region); each writes only its own slices. This rank's block of
     * them (core/par.h), weighted by the batch's replicates: the whole run in one process. */
    n_task = n_batch * m->n_region;
    hi = n_task;
    if (dp_par_size() > 1) {
        double *wt = malloc((n_task ? n_task : 1) * sizeof *wt);
        if (!wt) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory for the split of %zu tasks", n_task);
            goto out;
        }
        for (size_t t = 0; t < n_task; t++) {
            wt[t] = (double)bcount[t / m->n_region];
        }
        dp_par_block(n_task, wt, &lo, &hi);
        free(wt);
    }
    for (size_t t = lo; t < hi; t++) {
        local += bcount[t / m->n_region];
    }
#pragma omp parallel
    {
        cohort_work *w = work_alloc(cap);
        int bad = 0;
        if (!w) {
#pragma omp atomic write
            oom = 1;
        }
#pragma omp for schedule(dynamic)
        for (size_t t = lo; t < hi; t++) {
            size_t bi = t / m->n_region, r = t % m->n_region;
            if (w) {
                project_batch(m, rp, order + bfirst[bi], bcount[bi], r, &tb, w, &bad);
            }
            size_t d;
#pragma omp atomic capture
            d = done += bcount[bi];
            if (omp_get_thread_num() == 0) { /* the calling thread: ctx is its own */
                dp_ctx_progress(ctx, d, local);
            }
        }
        if (bad) {
#pragma omp atomic
            bad_all |= bad;
        }
        work_free(w);
    }
    /* All of this rank's units are reported, even after a failure (the whole job's bar). */
    dp_ctx_progress(ctx, local, local);
    if (oom || (bad_all & BAD_NOMEM)) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for engine workspaces (%zu replicates each)",
                      cap);
    } else if (bad_all & BAD_MIXED) {
        rc = dp_error(ctx, DP_EINTERNAL,
                      "cohort engine: replicates grouped as sharing their transition rates have "
                      "different ones (dp_cohort_group does not compare a parameter rates.c "
                      "reads)");
    } else if (bad_all & BAD_FLAGS) {
        rc = dp_error(ctx, DP_EINTERNAL,
                      "cohort engine: flagged persons exceed the persons of a cell (a step moves "
                      "the flag slots differently from the persons)");
    }
    /* Every rank's tasks done: all succeed or all fail with the first failure's error; the
     * tables merged into rank 0, which alone has the whole run and sums the budget. */
    agreed = 1;
    if ((rc = dp_par_agree(ctx, rc)) == DP_OK && (rc = dp_par_merge(ctx, res)) == DP_OK &&
        dp_par_rank() == 0) {
        dp_tables_budget(&tb, rp, runs);
    }
out:
    /* A failure before the tasks fails every rank too (core/par.h). */
    if (!agreed) {
        rc = dp_par_agree(ctx, rc);
    }
    openblas_set_num_threads(blas_threads);
    free(order);
    free(gstart);
    free(bfirst);
    free(bcount);
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
