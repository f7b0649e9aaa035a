/* model/analysis/compare.c
 *
 * Scenario differences (analysis.h, docs/compare.md): ALT - BASE of a table by year, summed
 * over every other axis but an optional kept one, with the mean, the 5th and 95th percentiles
 * over paired replicates d_k = ALT_k - BASE_k and the variance removed by pairing,
 * 1 - Var(d) / (Var(ALT) + Var(BASE)); and the settings (the resolved scenario keys by year,
 * dp_params_describe) stored as the base table `settings` and compared key by key, by ranges of
 * years. Pairing is only meaningful when both scenarios ran with the same seed, so that run k
 * of each drew the same parameters and (micro engine) the same random numbers; the tables do
 * not record that, the group attribute `seed` does, and the command says so.
 * Workload: one pass over each run of the table plus a sort of n_run differences per (year,
 * group) cell; a few milliseconds for the headline tables of 1000 runs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "analysis/analysis.h"
#include "input/scenario.h"

#define NO_AXIS ((size_t)-1)

/* ------------------------------------------------------------------------------------------ */
/* Axes */

/* Index of the first label where a and b differ, or n when the shorter is a prefix. */
static size_t
first_difference(const dp_axis *a, const dp_axis *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(a->label[i], b->label[i]) != 0) {
            return i;
        }
    }
    return n;
}

static int
axes_equal(const dp_axis *a, const dp_axis *b)
{
    return a->n == b->n && first_difference(a, b) == a->n;
}

/* "2021…2035 (15 labels)" or "daan (1 label)". */
static void
axis_phrase(const dp_axis *a, char *buf, size_t size)
{
    if (a->n == 0) {
        snprintf(buf, size, "no labels");
    } else if (a->n == 1) {
        snprintf(buf, size, "%.40s (1 label)", a->label[0]);
    } else {
        snprintf(buf, size, "%.40s…%.40s (%zu labels)", a->label[0], a->label[a->n - 1], a->n);
    }
}

static dp_status
axis_mismatch(dp_ctx *ctx, const dp_axis *a, const dp_axis *b, const char *base_name,
              const char *alt_name)
{
    char pa[128], pb[128];
    if (a->n == b->n) {
        size_t i = first_difference(a, b);
        return dp_error(ctx, DP_EINPUT,
                        "scenarios '%s' and '%s' have different %s axes: label %zu is '%s' in "
                        "'%s' and '%s' in '%s'; compare needs the same years, regions and "
                        "categories in both",
                        base_name, alt_name, a->name, i + 1, a->label[i], base_name, b->label[i],
                        alt_name);
    }
    axis_phrase(a, pa, sizeof pa);
    axis_phrase(b, pb, sizeof pb);
    return dp_error(ctx, DP_EINPUT,
                    "scenarios '%s' and '%s' have different %s axes: %s in '%s', %s in '%s'; "
                    "compare needs the same years, regions and categories in both",
                    base_name, alt_name, a->name, pa, base_name, pb, alt_name);
}

dp_status
dp_compare_axes(dp_ctx *ctx, const dp_results *base, const dp_results *alt, const char *base_name,
                const char *alt_name)
{
    static const char *const required[] = {"year", "region"};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++) {
        size_t ib = dp_results_find_axis(base, required[k]);
        size_t ia = dp_results_find_axis(alt, required[k]);
        if ((ib == NO_AXIS) != (ia == NO_AXIS)) {
            return dp_error(ctx, DP_EINPUT, "scenario '%s' has a %s axis and '%s' has none",
                            ib != NO_AXIS ? base_name : alt_name, required[k],
                            ib != NO_AXIS ? alt_name : base_name);
        }
    }
    for (size_t i = 0; i < base->n_axis; i++) {
        const dp_axis *a = &base->axis[i];
        size_t j = dp_results_find_axis(alt, a->name);
        /* Uncertain parameters and plan targets belong to each scenario (docs/compare.md). */
        if (strcmp(a->name, "parameter") == 0 || strcmp(a->name, "target") == 0 ||
            j == NO_AXIS) {
            continue;
        }
        if (!axes_equal(a, &alt->axis[j])) {
            return axis_mismatch(ctx, a, &alt->axis[j], base_name, alt_name);
        }
    }
    return DP_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Differences of one table */

void
dp_diff_free(dp_diff *d)
{
    if (!d) {
        return;
    }
    free(d->base_mean); /* one block holds every array */
    free(d);
}

/* Position of the axis named name among t's axes, or NO_AXIS. */
static size_t
table_axis(const dp_results *res, const dp_table *t, const char *name)
{
    for (size_t k = 0; k < t->rank; k++) {
        if (strcmp(res->axis[t->axis[k]].name, name) == 0) {
            return k;
        }
    }
    return NO_AXIS;
}

/* out[run][row][group] = the table's run summed over every axis but the one at position ypos
 * (rows; none when NO_AXIS) and at bpos (groups; none when NO_AXIS). out is zeroed by the
 * caller. */
static void
collapse(const dp_results *res, const dp_table *t, size_t n_run, size_t ypos, size_t bpos,
         size_t n_group, size_t n_cell, double *out)
{
    size_t idx[DP_MAX_RANK];
    for (size_t run = 0; run < n_run; run++) {
        const double *x = dp_table_run(t, run);
        double *o = out + run * n_cell;
        memset(idx, 0, sizeof idx);
        for (size_t e = 0; e < t->size; e++) {
            size_t row = ypos != NO_AXIS ? idx[ypos] : 0;
            size_t grp = bpos != NO_AXIS ? idx[bpos] : 0;
            o[row * n_group + grp] += x[e];
            for (size_t a = t->rank; a-- > 0;) { /* odometer over the axes, last fastest */
                if (++idx[a] < res->axis[t->axis[a]].n) {
                    break;
                }
                idx[a] = 0;
            }
        }
    }
}

/* Checks that t_base and t_alt are the same table over the same axes. */
static dp_status
same_shape(dp_ctx *ctx, const dp_results *base, const dp_table *tb, const dp_results *alt,
           const dp_table *ta)
{
    if ((tb->per_run != 0) != (ta->per_run != 0)) {
        return dp_error(ctx, DP_EINPUT,
                        "table '%s' is per run in one scenario and a base table in the other",
                        tb->name);
    }
    if (tb->rank != ta->rank) {
        return dp_error(ctx, DP_EINPUT,
                        "table '%s' has %zu axes in one scenario and %zu in the "
                        "other",
                        tb->name, tb->rank, ta->rank);
    }
    for (size_t k = 0; k < tb->rank; k++) {
        const dp_axis *a = &base->axis[tb->axis[k]], *b = &alt->axis[ta->axis[k]];
        if (strcmp(a->name, b->name) != 0) {
            return dp_error(ctx, DP_EINPUT,
                            "table '%s': axis %zu is '%s' in one scenario and '%s' in the other",
                            tb->name, k + 1, a->name, b->name);
        }
        if (!axes_equal(a, b)) {
            char pa[128], pb[128];
            axis_phrase(a, pa, sizeof pa);
            axis_phrase(b, pb, sizeof pb);
            return dp_error(ctx, DP_EINPUT,
                            "table '%s': its %s axis differs between the scenarios (%s against "
                            "%s)",
                            tb->name, a->name, pa, pb);
        }
    }
    return DP_OK;
}

/* Names of t's axes, comma-separated, into buf. */
static void
axis_list(const dp_results *res, const dp_table *t, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < t->rank && o < size; k++) {
        int w = snprintf(buf + o, size - o, "%s%s", k ? ", " : "", res->axis[t->axis[k]].name);
        o += w > 0 ? (size_t)w : 0;
    }
}

/* Mean and sample variance of x[0..n) (variance 0 when n == 1). */
static void
mean_var(const double *x, size_t n, double *mean, double *var)
{
    *mean = gsl_stats_mean(x, 1, n);
    *var = n > 1 ? gsl_stats_variance_m(x, 1, n, *mean) : 0.0;
}

/* The statistics of d's cells from the collapsed runs sb [n_run_base][cell] and sa
 * [n_run_alt][cell]; w holds 3 * max(runs) doubles. */
static void
fill_stats(dp_diff *d, const double *sb, const double *sa, double *w)
{
    size_t nb = d->n_run_base, na = d->n_run_alt, n_cell = d->n_year * d->n_group;
    size_t n_max = nb > na ? nb : na;
    double *xb = w, *xa = w + n_max, *dk = w + 2 * n_max;
    for (size_t c = 0; c < n_cell; c++) {
        double mb, vb, ma, va;
        for (size_t k = 0; k < nb; k++) {
            xb[k] = sb[k * n_cell + c];
        }
        for (size_t k = 0; k < na; k++) {
            xa[k] = sa[k * n_cell + c];
        }
        mean_var(xb, nb, &mb, &vb);
        mean_var(xa, na, &ma, &va);
        d->base_mean[c] = mb;
        d->alt_mean[c] = ma;
        d->p05[c] = d->p95[c] = d->var_removed[c] = NAN;
        if (!d->paired) {
            d->mean[c] = ma - mb;
            continue;
        }
        int has_nan = 0;
        for (size_t k = 0; k < nb; k++) {
            dk[k] = xa[k] - xb[k];
            has_nan |= isnan(dk[k]);
        }
        if (has_nan) {
            d->mean[c] = NAN;
            continue;
        }
        double md, vd;
        mean_var(dk, nb, &md, &vd);
        gsl_sort(dk, 1, nb);
        d->mean[c] = md;
        d->p05[c] = gsl_stats_quantile_from_sorted_data(dk, 1, nb, 0.05);
        d->p95[c] = gsl_stats_quantile_from_sorted_data(dk, 1, nb, 0.95);
        /* Without spread in either scenario (identical runs, e.g. no distributions and no
         * process noise) there is nothing pairing could remove. The relative threshold keeps
         * rounding-level spread out of the ratio. */
        double unpaired = va + vb;
        if (unpaired > 0.0 && sqrt(unpaired) > 1e-12 * (fabs(ma) + fabs(mb))) {
            d->var_removed[c] = 1.0 - vd / unpaired;
        }
    }
}

dp_status
dp_compare_table(dp_ctx *ctx, const dp_results *base, const dp_results *alt, const char *table,
                 const char *by, dp_diff **out)
{
    dp_status rc = DP_OK;
    dp_diff *d = NULL;
    double *sb = NULL, *sa = NULL, *w = NULL, *block = NULL;
    char axes[256];
    *out = NULL;

    const dp_table *tb = dp_results_find(base, table);
    const dp_table *ta = dp_results_find(alt, table);
    if (!tb || !ta) {
        return dp_error(ctx, DP_EINPUT, "table '%s' is not in the %s scenario", table,
                        !tb ? "base" : "alternative");
    }
    if ((rc = same_shape(ctx, base, tb, alt, ta)) != DP_OK) {
        return rc;
    }
    size_t ypos = table_axis(base, tb, "year");
    size_t bpos = NO_AXIS;
    if (by) {
        axis_list(base, tb, axes, sizeof axes);
        if (strcmp(by, "year") == 0) {
            return dp_error(ctx, DP_EINPUT,
                            "table '%s': the year axis is always kept; --by "
                            "names one more axis to keep (its axes: %s)",
                            table, axes);
        }
        bpos = table_axis(base, tb, by);
        if (bpos == NO_AXIS) {
            return dp_error(ctx, DP_EINPUT, "table '%s' has no axis '%s' (its axes: %s)", table, by,
                            axes);
        }
    }
    size_t n_year = ypos != NO_AXIS ? base->axis[tb->axis[ypos]].n : 1;
    size_t n_group = bpos != NO_AXIS ? base->axis[tb->axis[bpos]].n : 1;
    size_t n_cell = n_year * n_group;
    size_t nb = tb->per_run ? base->n_run : 1, na = ta->per_run ? alt->n_run : 1;
    size_t n_max = nb > na ? nb : na;

    d = calloc(1, sizeof *d);
    sb = calloc(nb * n_cell + 1, sizeof *sb);
    sa = calloc(na * n_cell + 1, sizeof *sa);
    w = malloc((3 * n_max + 1) * sizeof *w);
    block = malloc((6 * n_cell + 1) * sizeof *block);
    if (!d || !sb || !sa || !w || !block) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory comparing table '%s'", table);
        goto out;
    }
    snprintf(d->table, sizeof d->table, "%s", tb->name);
    snprintf(d->unit, sizeof d->unit, "%s", tb->unit);
    snprintf(d->title, sizeof d->title, "%s", tb->title);
    snprintf(d->title_zh, sizeof d->title_zh, "%s", tb->title_zh);
    d->year_axis = ypos != NO_AXIS ? tb->axis[ypos] : NO_AXIS;
    d->by_axis = bpos != NO_AXIS ? tb->axis[bpos] : NO_AXIS;
    d->n_year = n_year;
    d->n_group = n_group;
    d->n_run_base = nb;
    d->n_run_alt = na;
    d->paired = nb == na && nb >= 2;
    d->base_mean = block;
    d->alt_mean = block + n_cell;
    d->mean = block + 2 * n_cell;
    d->p05 = block + 3 * n_cell;
    d->p95 = block + 4 * n_cell;
    d->var_removed = block + 5 * n_cell;
    block = NULL;

    collapse(base, tb, nb, ypos, bpos, n_group, n_cell, sb);
    collapse(alt, ta, na, ypos, bpos, n_group, n_cell, sa);
    fill_stats(d, sb, sa, w);
    *out = d;
    d = NULL;
out:
    dp_diff_free(d);
    free(block);
    free(sb);
    free(sa);
    free(w);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Settings */

static int
same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* The settings table of res and its year axis, or DP_EINPUT naming which is missing. */
static dp_status
settings_of(dp_ctx *ctx, const dp_results *res, const char *which, const dp_table **t)
{
    *t = dp_results_find(res, "settings");
    if (!*t || (*t)->per_run || (*t)->rank != 2 ||
        strcmp(res->axis[(*t)->axis[0]].name, "setting") != 0 ||
        strcmp(res->axis[(*t)->axis[1]].name, "year") != 0) {
        return dp_error(ctx, DP_EINPUT,
                        "the %s scenario has no table base/settings [setting, year] (files "
                        "written before dpsim recorded its settings); run it again to compare "
                        "parameters",
                        which);
    }
    return DP_OK;
}

/* Appends the ranges of one key to the growing array (*out, *n, *cap). */
static dp_status
add_ranges(dp_ctx *ctx, const char *path, const char *word, const dp_axis *years, const double *vb,
           const double *va, dp_setting_range **out, size_t *n, size_t *cap)
{
    size_t start = 0;
    for (size_t yi = 1; yi <= years->n; yi++) {
        if (yi < years->n && same_value(vb[yi], vb[start]) && same_value(va[yi], va[start])) {
            continue;
        }
        if (*n == *cap) {
            size_t nc = *cap ? 2 * *cap : 16;
            dp_setting_range *grown = realloc(*out, nc * sizeof *grown);
            if (!grown) {
                return dp_error(ctx, DP_ENOMEM, "out of memory listing setting differences");
            }
            *out = grown;
            *cap = nc;
        }
        dp_setting_range *r = &(*out)[(*n)++];
        memset(r, 0, sizeof *r);
        snprintf(r->path, sizeof r->path, "%s", path);
        r->year_from = (int)years->value[start];
        r->year_to = (int)years->value[yi - 1];
        r->base = vb[start];
        r->alt = va[start];
        r->word = word;
        r->differs = !same_value(vb[start], va[start]);
        start = yi;
    }
    return DP_OK;
}

/* The word of setting path, from the key table (dp_params_describe of the defaults). */
static const char *
word_of(const dp_setting *known, size_t n_known, const char *path)
{
    for (size_t i = 0; i < n_known; i++) {
        if (strcmp(known[i].path, path) == 0) {
            return known[i].word;
        }
    }
    return NULL;
}

dp_status
dp_settings_diff(dp_ctx *ctx, const dp_results *base, const dp_results *alt, dp_setting_range **out,
                 size_t *n)
{
    dp_status rc = DP_OK;
    const dp_table *tb = NULL, *ta = NULL;
    dp_setting *known = NULL;
    double *nan_row = NULL;
    dp_setting_range *list = NULL;
    size_t n_list = 0, cap = 0, n_known = 0, got = 0;
    dp_params def;
    *out = NULL;
    *n = 0;
    if ((rc = settings_of(ctx, base, "base", &tb)) != DP_OK ||
        (rc = settings_of(ctx, alt, "alternative", &ta)) != DP_OK) {
        return rc;
    }
    const dp_axis *keys_b = &base->axis[tb->axis[0]], *years = &base->axis[tb->axis[1]];
    const dp_axis *keys_a = &alt->axis[ta->axis[0]], *years_a = &alt->axis[ta->axis[1]];
    if (!axes_equal(years, years_a) || !years->value) {
        return dp_error(ctx, DP_EINPUT, "settings: the two scenarios cover different years");
    }
    dp_params_default(&def);
    if ((rc = dp_params_describe(ctx, &def, def.year_start, NULL, 0, &n_known)) != DP_OK) {
        return rc;
    }
    known = malloc((n_known ? n_known : 1) * sizeof *known);
    nan_row = malloc((years->n ? years->n : 1) * sizeof *nan_row);
    if (!known || !nan_row) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory comparing settings");
        goto out;
    }
    if ((rc = dp_params_describe(ctx, &def, def.year_start, known, n_known, &got)) != DP_OK) {
        goto out;
    }
    for (size_t yi = 0; yi < years->n; yi++) {
        nan_row[yi] = NAN;
    }
    /* Keys of BASE (with ALT's row, or NaN when ALT lacks the key), then keys only ALT has. */
    for (size_t pass = 0; pass < 2; pass++) {
        const dp_axis *keys = pass == 0 ? keys_b : keys_a;
        for (size_t i = 0; i < keys->n; i++) {
            const char *path = keys->label[i];
            size_t j = NO_AXIS;
            for (size_t k = 0; k < (pass == 0 ? keys_a : keys_b)->n; k++) {
                if (strcmp((pass == 0 ? keys_a : keys_b)->label[k], path) == 0) {
                    j = k;
                    break;
                }
            }
            if (pass == 1 && j != NO_AXIS) {
                continue; /* compared in the first pass */
            }
            const double *vb, *va;
            if (pass == 0) {
                vb = tb->data + i * years->n;
                va = j != NO_AXIS ? ta->data + j * years->n : nan_row;
            } else {
                vb = nan_row;
                va = ta->data + i * years->n;
            }
            int differs = 0;
            for (size_t yi = 0; yi < years->n; yi++) {
                differs |= !same_value(vb[yi], va[yi]);
            }
            if (differs && (rc = add_ranges(ctx, path, word_of(known, n_known, path), years, vb, va,
                                            &list, &n_list, &cap)) != DP_OK) {
                goto out;
            }
        }
    }
    *out = list;
    *n = n_list;
    list = NULL;
out:
    free(list);
    free(known);
    free(nan_row);
    return rc;
}
