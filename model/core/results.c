/* model/core/results.c
 *
 * The engine-independent result container: axes with English and Chinese labels, and tables of
 * doubles over those axes. Construction only; no model logic. Tables are zero-initialised.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/results.h"
#include "core/util.h"

dp_results *
dp_results_alloc(size_t n_run)
{
    dp_results *res = calloc(1, sizeof *res);
    if (res) {
        res->n_run = n_run;
    }
    return res;
}

static void
axis_clear(dp_axis *a)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->label) {
            free(a->label[i]);
        }
        if (a->label_zh) {
            free(a->label_zh[i]);
        }
    }
    free(a->label);
    free(a->label_zh);
    free(a->value);
    memset(a, 0, sizeof *a);
}

void
dp_results_free(dp_results *res)
{
    if (!res) {
        return;
    }
    for (size_t i = 0; i < res->n_axis; i++) {
        axis_clear(&res->axis[i]);
    }
    for (size_t i = 0; i < res->n_table; i++) {
        free(res->table[i].data);
    }
    free(res);
}

dp_status
dp_results_add_axis(dp_ctx *ctx, dp_results *res, const char *name, size_t n,
                    const char *const *label, const char *const *label_zh, const double *value,
                    size_t *index)
{
    if (res->n_axis >= DP_MAX_AXES) {
        return dp_error(ctx, DP_EINTERNAL, "too many axes (adding '%s')", name);
    }
    if (dp_results_find_axis(res, name) != (size_t)-1) {
        return dp_error(ctx, DP_EINTERNAL, "axis '%s' added twice", name);
    }
    dp_axis *a = &res->axis[res->n_axis];
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", name);
    a->label = calloc(n ? n : 1, sizeof(char *));
    a->label_zh = calloc(n ? n : 1, sizeof(char *));
    if (value) {
        a->value = malloc((n ? n : 1) * sizeof(double));
    }
    if (!a->label || !a->label_zh || (value && !a->value)) {
        axis_clear(a);
        return dp_error(ctx, DP_ENOMEM, "out of memory adding axis '%s'", name);
    }
    a->n = n;
    for (size_t i = 0; i < n; i++) {
        a->label[i] = dp_strdup(label[i]);
        a->label_zh[i] = dp_strdup(label_zh && label_zh[i] ? label_zh[i] : label[i]);
        if (!a->label[i] || !a->label_zh[i]) {
            axis_clear(a);
            return dp_error(ctx, DP_ENOMEM, "out of memory adding axis '%s'", name);
        }
        if (value) {
            a->value[i] = value[i];
        }
    }
    if (index) {
        *index = res->n_axis;
    }
    res->n_axis++;
    return DP_OK;
}

size_t
dp_results_find_axis(const dp_results *res, const char *name)
{
    for (size_t i = 0; i < res->n_axis; i++) {
        if (strcmp(res->axis[i].name, name) == 0) {
            return i;
        }
    }
    return (size_t)-1;
}

dp_status
dp_results_add_table(dp_ctx *ctx, dp_results *res, const char *name, const char *unit,
                     const char *title, const char *title_zh, int per_run,
                     const char *const *axes, dp_table **out)
{
    if (res->n_table >= DP_MAX_TABLES) {
        return dp_error(ctx, DP_EINTERNAL, "too many tables (adding '%s')", name);
    }
    if (dp_results_find(res, name)) {
        return dp_error(ctx, DP_EINTERNAL, "table '%s' added twice", name);
    }
    dp_table *t = &res->table[res->n_table];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    snprintf(t->unit, sizeof t->unit, "%s", unit);
    snprintf(t->title, sizeof t->title, "%s", title);
    snprintf(t->title_zh, sizeof t->title_zh, "%s", title_zh);
    t->per_run = per_run;
    t->size = 1;
    for (size_t k = 0; axes[k]; k++) {
        if (k >= DP_MAX_RANK) {
            return dp_error(ctx, DP_EINTERNAL, "table '%s' has too many axes", name);
        }
        size_t ai = dp_results_find_axis(res, axes[k]);
        if (ai == (size_t)-1) {
            return dp_error(ctx, DP_EINTERNAL, "table '%s': no axis '%s'", name, axes[k]);
        }
        t->axis[k] = ai;
        t->rank = k + 1;
        t->size *= res->axis[ai].n;
    }
    size_t n = t->size * (per_run ? res->n_run : 1);
    t->data = calloc(n ? n : 1, sizeof(double));
    if (!t->data) {
        return dp_error(ctx, DP_ENOMEM, "out of memory for table '%s' (%zu values)", name, n);
    }
    res->n_table++;
    if (out) {
        *out = t;
    }
    return DP_OK;
}

dp_table *
dp_results_find(const dp_results *res, const char *name)
{
    for (size_t i = 0; i < res->n_table; i++) {
        if (strcmp(res->table[i].name, name) == 0) {
            return &((dp_results *)(uintptr_t)res)->table[i];
        }
    }
    return NULL;
}

double *
dp_table_run(const dp_table *t, size_t run)
{
    return t->data + (t->per_run ? run * t->size : 0);
}
