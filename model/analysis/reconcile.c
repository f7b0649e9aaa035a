/* model/analysis/reconcile.c
 *
 * Engine agreement (reconcile.h): per table, both engines' runs are summed into series (ages
 * into four bands), the paired differences micro - cohort are formed run by run, and each
 * series-year gets its mean difference, standard error and z. Workload: one pass over every
 * table of both results plus a sort of the exceedances; well under a second for a county.
 */
#include "analysis/reconcile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#define NO_POS ((size_t)-1)

/* Age bands of a series: [lo, hi] inclusive, the last open. */
enum { N_BAND = 4 };
static const int band_lo[N_BAND] = {0, 15, 60, 80};
static const char *const band_label[N_BAND] = {"0-14", "15-59", "60-79", "80+"};

static size_t
band_of(double age)
{
    size_t b = 0;
    while (b + 1 < N_BAND && age >= band_lo[b + 1]) {
        b++;
    }
    return b;
}

/* Tables whose replicate value is not an expectation of the engines' counts. */
static int
left_out(const char *name)
{
    static const char *const out[] = {"parameters", "target_met", "target_gap", "target_gap_yuan",
                                      "budget"};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        if (strcmp(name, out[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

void
dp_recon_free(dp_recon *r)
{
    if (!r) {
        return;
    }
    free(r->table);
    free(r->beyond);
    free(r);
}

/* The shape of a table's series: axis lengths with the age axis banded. */
typedef struct {
    size_t rank, len[DP_MAX_RANK], slen[DP_MAX_RANK];
    size_t year_pos, age_pos; /* positions among the table's axes, NO_POS when absent */
    size_t size;              /* series-years */
    size_t *map;              /* [t->size]: series index of each element */
} shape;

static dp_status
make_shape(dp_ctx *ctx, const dp_results *res, const dp_table *t, shape *sh)
{
    sh->rank = t->rank;
    sh->year_pos = sh->age_pos = NO_POS;
    sh->size = 1;
    for (size_t j = 0; j < t->rank; j++) {
        const dp_axis *a = &res->axis[t->axis[j]];
        sh->len[j] = a->n;
        sh->slen[j] = a->n;
        if (strcmp(a->name, "year") == 0) {
            sh->year_pos = j;
        } else if (strcmp(a->name, "age") == 0 && a->value) {
            sh->age_pos = j;
            sh->slen[j] = N_BAND;
        }
        sh->size *= sh->slen[j];
    }
    if (!(sh->map = malloc((t->size ? t->size : 1) * sizeof *sh->map))) {
        return dp_error(ctx, DP_ENOMEM, "out of memory for the engine comparison");
    }
    size_t idx[DP_MAX_RANK] = {0};
    const dp_axis *age = sh->age_pos == NO_POS ? NULL : &res->axis[t->axis[sh->age_pos]];
    for (size_t e = 0; e < t->size; e++) {
        size_t s = 0;
        for (size_t j = 0; j < t->rank; j++) {
            size_t v = j == sh->age_pos ? band_of(age->value[idx[j]]) : idx[j];
            s = s * sh->slen[j] + v;
        }
        sh->map[e] = s;
        for (size_t j = t->rank; j-- > 0;) { /* row-major: last axis fastest */
            if (++idx[j] < sh->len[j]) {
                break;
            }
            idx[j] = 0;
        }
    }
    return DP_OK;
}

/* Labels of series s of table t into it->where and it->year. */
static void
describe(const dp_results *res, const dp_table *t, const shape *sh, size_t s, dp_recon_item *it)
{
    size_t idx[DP_MAX_RANK];
    for (size_t j = t->rank; j-- > 0;) {
        idx[j] = s % sh->slen[j];
        s /= sh->slen[j];
    }
    size_t o = 0;
    it->where[0] = '\0';
    it->year = 0;
    for (size_t j = 0; j < t->rank; j++) {
        const dp_axis *a = &res->axis[t->axis[j]];
        if (j == sh->year_pos) {
            it->year = a->value ? (int)a->value[idx[j]] : atoi(a->label[idx[j]]);
            continue;
        }
        const char *lab = j == sh->age_pos ? band_label[idx[j]] : a->label[idx[j]];
        int w = snprintf(it->where + o, sizeof it->where - o, "%s%s=%s", o ? ", " : "", a->name,
                         lab);
        o += w > 0 && (size_t)w < sizeof it->where - o ? (size_t)w : 0;
    }
}

static int
same_axes(const dp_results *a, const dp_table *ta, const dp_results *b, const dp_table *tb)
{
    if (ta->rank != tb->rank || ta->size != tb->size || !tb->per_run) {
        return 0;
    }
    for (size_t j = 0; j < ta->rank; j++) {
        const dp_axis *x = &a->axis[ta->axis[j]], *y = &b->axis[tb->axis[j]];
        if (strcmp(x->name, y->name) != 0 || x->n != y->n) {
            return 0;
        }
    }
    return 1;
}

/* z of one series-year from the paired differences (see reconcile.h for the special cases). */
static double
z_of(const double *c, const double *m, size_t n, double *mean_c, double *mean_m, double *se)
{
    double sc = 0.0, sm = 0.0, sd = 0.0, ss = 0.0;
    int micro_same = 1;
    for (size_t k = 0; k < n; k++) {
        sc += c[k];
        sm += m[k];
        micro_same &= m[k] == m[0];
    }
    double md = (sm - sc) / (double)n;
    for (size_t k = 0; k < n; k++) {
        double d = m[k] - c[k] - md;
        ss += d * d;
    }
    sd = sqrt(ss / (double)(n - 1));
    *mean_c = sc / (double)n;
    *mean_m = sm / (double)n;
    *se = sd / sqrt((double)n);
    if (!isfinite(md) || !isfinite(*se)) {
        return NAN;
    }
    if (*se > 1e-12 * fmax(1.0, fabs(*mean_c))) {
        /* t with n - 1 degrees of freedom, as the normal z of the same tail probability. */
        double t = md / *se, q = gsl_cdf_tdist_Q(fabs(t), (double)(n - 1));
        double zq = q > 0.0 && q < 0.5 ? gsl_cdf_ugaussian_Qinv(q) : fabs(t);
        return t < 0 ? -zq : zq;
    }
    if (fabs(md) <= 1e-9 * fmax(1.0, fabs(*mean_c))) {
        return 0.0;
    }
    /* The micro engine gave the same whole number v in every run: how likely is that for a
     * count of mean c? At most e^(-n c) when v = 0 (Poisson) and (1 - |c - v|)^n when v is
     * within one of c (a rounding of c); the z of that probability (two-sided). */
    double v = m[0], c0 = *mean_c, pr = 0.0;
    if (micro_same && v == floor(v)) {
        if (v == 0.0 && c0 > 0.0) {
            pr = exp(-(double)n * c0);
        }
        if (fabs(c0 - v) < 1.0) {
            pr = fmax(pr, pow(1.0 - fabs(c0 - v), (double)n));
        }
    }
    if (pr > 0.0) {
        double zq = pr >= 1.0 ? 0.0 : gsl_cdf_ugaussian_Qinv(fmin(0.5, pr / 2.0));
        return md > 0 ? zq : -zq;
    }
    return md > 0 ? INFINITY : -INFINITY;
}

static int
by_abs_z(const void *a, const void *b)
{
    double x = fabs(((const dp_recon_item *)a)->z), y = fabs(((const dp_recon_item *)b)->z);
    return (x < y) - (x > y);
}

dp_status
dp_reconcile(dp_ctx *ctx, const dp_results *cohort, const dp_results *micro, double z_max,
             dp_recon **out)
{
    dp_status rc = DP_OK;
    size_t n = cohort->n_run, cap = 0;
    double *c = NULL, *m = NULL;
    shape sh = {0};
    *out = NULL;
    if (micro->n_run != n) {
        return dp_error(ctx, DP_EINPUT, "reconcile: the engines ran %zu and %zu replicates", n,
                        micro->n_run);
    }
    if (n < 2) {
        return dp_error(ctx, DP_EINPUT,
                        "reconcile needs at least 2 runs for a standard error (--runs)");
    }
    if (!(z_max > 0.0)) {
        return dp_error(ctx, DP_EINPUT, "reconcile: the threshold must be > 0");
    }
    dp_recon *r = calloc(1, sizeof *r);
    if (!r || !(r->table = calloc(cohort->n_table ? cohort->n_table : 1, sizeof *r->table))) {
        free(r);
        return dp_error(ctx, DP_ENOMEM, "out of memory for the engine comparison");
    }
    r->n_run = n;
    r->z_max = z_max;
    r->worst.z = NAN;
    for (size_t ti = 0; ti < cohort->n_table; ti++) {
        const dp_table *tc = &cohort->table[ti];
        if (!tc->per_run || left_out(tc->name)) {
            continue;
        }
        const dp_table *tm = dp_results_find(micro, tc->name);
        if (!tm) {
            continue;
        }
        if (!same_axes(cohort, tc, micro, tm)) {
            rc = dp_error(ctx, DP_EINPUT, "reconcile: table '%s' has other axes in the two engines",
                          tc->name);
            goto fail;
        }
        if ((rc = make_shape(ctx, cohort, tc, &sh)) != DP_OK) {
            goto fail;
        }
        free(c);
        free(m);
        c = calloc(sh.size * n, sizeof *c);
        m = calloc(sh.size * n, sizeof *m);
        if (!c || !m) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory for the engine comparison");
            goto fail;
        }
        /* Series by run, run fastest: [series][run]. */
        for (size_t k = 0; k < n; k++) {
            const double *xc = dp_table_run(tc, k), *xm = dp_table_run(tm, k);
            for (size_t e = 0; e < tc->size; e++) {
                c[sh.map[e] * n + k] += xc[e];
                m[sh.map[e] * n + k] += xm[e];
            }
        }
        dp_recon_table *rt = &r->table[r->n_table++];
        snprintf(rt->table, sizeof rt->table, "%s", tc->name);
        snprintf(rt->unit, sizeof rt->unit, "%s", tc->unit);
        rt->worst.z = NAN;
        for (size_t s = 0; s < sh.size; s++) {
            dp_recon_item it = {0};
            it.z = z_of(c + s * n, m + s * n, n, &it.cohort, &it.micro, &it.se);
            if (isnan(it.z)) {
                continue; /* a NaN in a run (a share of nobody): nothing to compare */
            }
            rt->n_tested++;
            r->n_random += it.se > 0.0;
            int worse = isnan(rt->worst.z) || fabs(it.z) > fabs(rt->worst.z);
            int beyond = fabs(it.z) > z_max;
            if (!worse && !beyond) {
                continue;
            }
            snprintf(it.table, sizeof it.table, "%s", tc->name);
            describe(cohort, tc, &sh, s, &it);
            if (worse) {
                rt->worst = it;
            }
            if (beyond) {
                rt->n_beyond++;
                if (r->n_beyond == cap) {
                    cap = cap ? 2 * cap : 64;
                    dp_recon_item *nb = realloc(r->beyond, cap * sizeof *nb);
                    if (!nb) {
                        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the engine comparison");
                        goto fail;
                    }
                    r->beyond = nb;
                }
                r->beyond[r->n_beyond++] = it;
            }
        }
        r->n_tested += rt->n_tested;
        if (!isnan(rt->worst.z) && (isnan(r->worst.z) || fabs(rt->worst.z) > fabs(r->worst.z))) {
            r->worst = rt->worst;
        }
        free(sh.map);
        sh.map = NULL;
    }
    if (r->n_beyond > 1) {
        qsort(r->beyond, r->n_beyond, sizeof *r->beyond, by_abs_z);
    }
    r->expected = (double)r->n_random * erfc(z_max / sqrt(2.0));
    /* The family-wise bound: P(any of n_random normal |Z| beyond it) <= 1% (Bonferroni). */
    r->z_family = z_max;
    if (r->n_random > 0) {
        r->z_family = fmax(z_max, gsl_cdf_ugaussian_Qinv(0.005 / (double)r->n_random));
    }
    for (size_t i = 0; i < r->n_beyond; i++) {
        r->n_family += fabs(r->beyond[i].z) > r->z_family;
    }
    free(c);
    free(m);
    *out = r;
    return DP_OK;
fail:
    free(sh.map);
    free(c);
    free(m);
    dp_recon_free(r);
    return rc;
}
