/* model/engines/rollup.c
 *
 * Roll-ups of the region tables to the hierarchy's nodes, and the one-region view the commands'
 * --region option shows (rollup.h). Workload: each element of a region table is added once per
 * node above its region (at most three: prefecture, province, nation), so a roll-up costs
 * about three passes over the run's region tables; tests/bench/bench_rollup.c measures it as
 * a share of the run.
 */
#include "engines/rollup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/yaml_tree.h"

#define NO_INDEX ((size_t)-1)

/* The position of the axis named name among t's axes, or NO_INDEX. */
static size_t
axis_pos(const dp_results *res, const dp_table *t, const char *name)
{
    for (size_t k = 0; k < t->rank; k++) {
        if (strcmp(res->axis[t->axis[k]].name, name) == 0) {
            return k;
        }
    }
    return NO_INDEX;
}

/* A table that is summed to the nodes: it has a region axis, is not in a share, is not a
 * target table and not itself a roll-up. */
static int
rolls_up(const dp_results *res, const dp_table *t)
{
    size_t len = strlen(t->name);
    return axis_pos(res, t, "region") != NO_INDEX && strcmp(t->unit, "share") != 0 &&
           strncmp(t->name, "target", 6) != 0 &&
           !(len > 5 && strcmp(t->name + len - 5, "_node") == 0);
}

/* Products of the axis lengths of t before and after position pos. */
static void
split(const dp_results *res, const dp_table *t, size_t pos, size_t *outer, size_t *inner)
{
    *outer = 1;
    *inner = 1;
    for (size_t k = 0; k < t->rank; k++) {
        if (k < pos) {
            *outer *= res->axis[t->axis[k]].n;
        } else if (k > pos) {
            *inner *= res->axis[t->axis[k]].n;
        }
    }
}

/* The axes of t as a NULL-terminated name list, the one at pos renamed to with. */
static void
axis_names(const dp_results *res, const dp_table *t, size_t pos, const char *with,
           const char **names)
{
    for (size_t k = 0; k < t->rank; k++) {
        names[k] = k == pos ? with : res->axis[t->axis[k]].name;
    }
    names[t->rank] = NULL;
}

static dp_status
add_node_axes(dp_ctx *ctx, const dp_hierarchy *h, dp_results *res, const size_t *nodes, size_t n)
{
    dp_status rc = DP_OK;
    const char **lab = malloc(5 * n * sizeof *lab);
    if (!lab) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    const char **zh = lab + n, **lev = lab + 2 * n, **code = lab + 3 * n, **par = lab + 4 * n;
    for (size_t k = 0; k < n; k++) {
        const dp_hnode *node = &h->node[nodes[k]];
        lab[k] = node->id;
        zh[k] = node->name_zh;
        lev[k] = dp_adm_key[node->level];
        code[k] = node->code;
        par[k] = node->parent != DP_HNONE ? h->node[node->parent].id : "-";
    }
    if ((rc = dp_results_add_axis(ctx, res, "node", n, lab, zh, NULL, NULL)) != DP_OK ||
        (rc = dp_results_add_axis(ctx, res, "node_level", n, lev, NULL, NULL, NULL)) != DP_OK ||
        (rc = dp_results_add_axis(ctx, res, "node_code", n, code, NULL, NULL, NULL)) != DP_OK ||
        (rc = dp_results_add_axis(ctx, res, "node_parent", n, par, NULL, NULL, NULL)) != DP_OK) {
        free(lab);
        return rc;
    }
    free(lab);
    return DP_OK;
}

dp_status
dp_rollup_add(dp_ctx *ctx, const dp_hierarchy *h, dp_results *res)
{
    dp_status rc = DP_OK;
    size_t ra = dp_results_find_axis(res, "region"), n_node = 0;
    size_t *nodes = NULL, *anc = NULL, n_table = res->n_table;
    if (!h || ra == NO_INDEX || res->axis[ra].n == 0) {
        return DP_OK;
    }
    const dp_axis *reg = &res->axis[ra];
    size_t n_reg = reg->n;
    nodes = malloc(n_reg * DP_N_ADM * sizeof *nodes);
    anc = malloc(n_reg * DP_N_ADM * sizeof *anc);
    if (!nodes || !anc) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = dp_hierarchy_span(ctx, h, (const char *const *)reg->label, n_reg, nodes, &n_node,
                                anc)) != DP_OK ||
        n_node == 0) {
        goto out;
    }
    if ((rc = add_node_axes(ctx, h, res, nodes, n_node)) != DP_OK) {
        goto out;
    }
    for (size_t i = 0; i < n_table; i++) {
        const dp_table *t = &res->table[i];
        const char *names[DP_MAX_RANK + 1];
        char name[40], title[256], title_zh[256];
        dp_table *u;
        size_t outer, inner;
        if (!rolls_up(res, t)) {
            continue;
        }
        size_t pos = axis_pos(res, t, "region");
        if ((size_t)snprintf(name, sizeof name, "%s_node", t->name) >= sizeof res->table[0].name) {
            rc = dp_error(ctx, DP_EINTERNAL, "table name '%s_node' is too long", t->name);
            goto out;
        }
        snprintf(title, sizeof title, "%.200s, by node of the region hierarchy", t->title);
        snprintf(title_zh, sizeof title_zh, "%.200s（按行政区划汇总）", t->title_zh);
        axis_names(res, t, pos, "node", names);
        if ((rc = dp_results_add_table(ctx, res, name, t->unit, title, title_zh, t->per_run, names,
                                       &u)) != DP_OK) {
            goto out;
        }
        t = &res->table[i]; /* the table array does not move, but read it again for clarity */
        split(res, t, pos, &outer, &inner);
        size_t n_run = t->per_run ? res->n_run : 1;
        for (size_t run = 0; run < n_run; run++) {
            const double *src = t->data + run * t->size;
            double *dst = u->data + run * u->size;
            for (size_t o = 0; o < outer; o++) {
                for (size_t j = 0; j < n_reg; j++) {
                    const double *x = src + (o * n_reg + j) * inner;
                    for (size_t d = 0; d < DP_N_ADM && anc[j * DP_N_ADM + d] != DP_HNONE; d++) {
                        double *y = dst + (o * n_node + anc[j * DP_N_ADM + d]) * inner;
                        for (size_t e = 0; e < inner; e++) {
                            y[e] += x[e];
                        }
                    }
                }
            }
        }
    }
out:
    free(nodes);
    free(anc);
    return rc;
}

dp_status
dp_rollup_count(dp_ctx *ctx, const dp_hierarchy *h, const char *const *leaf, size_t n_leaf,
                size_t *n_node)
{
    dp_status rc;
    size_t *nodes, *anc;
    *n_node = 0;
    if (!h || n_leaf == 0) {
        return DP_OK;
    }
    nodes = malloc(n_leaf * DP_N_ADM * sizeof *nodes);
    anc = malloc(n_leaf * DP_N_ADM * sizeof *anc);
    rc = nodes && anc ? dp_hierarchy_span(ctx, h, leaf, n_leaf, nodes, n_node, anc)
                      : dp_error(ctx, DP_ENOMEM, "out of memory");
    free(nodes);
    free(anc);
    return rc;
}

static size_t
find_label(const dp_results *res, const char *axis, const char *name)
{
    size_t a = dp_results_find_axis(res, axis);
    for (size_t k = 0; a != NO_INDEX && k < res->axis[a].n; k++) {
        if (strcmp(res->axis[a].label[k], name) == 0) {
            return k;
        }
    }
    return NO_INDEX;
}

int
dp_rollup_has(const dp_results *res, const char *name)
{
    return find_label(res, "region", name) != NO_INDEX || find_label(res, "node", name) != NO_INDEX;
}

/* The error of a name that is neither a region nor a node: the names there are. */
static dp_status
unknown(dp_ctx *ctx, const dp_results *res, const char *name)
{
    char list[600];
    size_t len = 0;
    static const char *const axes[2] = {"region", "node"};
    list[0] = '\0';
    for (size_t k = 0; k < 2; k++) {
        size_t a = dp_results_find_axis(res, axes[k]);
        for (size_t i = 0; a != NO_INDEX && i < res->axis[a].n; i++) {
            const char *l = res->axis[a].label[i];
            if (len + strlen(l) + 8 >= sizeof list) {
                len += (size_t)snprintf(list + len, sizeof list - len, ", ...");
                k = 2;
                break;
            }
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", l);
        }
    }
    /* The closest name within two edits, as the scenario reader suggests keys. */
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t k = 0; k < 2; k++) {
        size_t a = dp_results_find_axis(res, axes[k]);
        for (size_t i = 0; a != NO_INDEX && i < res->axis[a].n; i++) {
            size_t d = dp_edit_distance(name, res->axis[a].label[i]);
            if (d < best_d && d < strlen(name)) {
                best = res->axis[a].label[i];
                best_d = d;
            }
        }
    }
    if (best) {
        return dp_error(ctx, DP_EINPUT,
                        "--region %s: expected a region or a node of the results (%s); did you "
                        "mean '%s'?",
                        name, len ? list : "none", best);
    }
    return dp_error(ctx, DP_EINPUT, "--region %s: expected a region or a node of the results (%s)",
                    name, len ? list : "none");
}

static int
is_node_axis(const char *name)
{
    return strcmp(name, "node") == 0 || strncmp(name, "node_", 5) == 0;
}

/* 1 when the view at index at of axis from_axis holds every region of res: a region when the
 * run has one region; a node when its population roll-up equals, bit for bit, the in-order
 * sum of every region's population (dp_rollup_add adds the regions of a node in the region
 * order, so a node over all regions gives exactly that sum; a node missing a region misses
 * its persons, at least one per region, far above the rounding of the sum). */
static int
holds_all_regions(const dp_results *res, int node, size_t at)
{
    size_t ra = dp_results_find_axis(res, "region");
    if (ra == NO_INDEX) {
        return 0;
    }
    size_t n_reg = res->axis[ra].n;
    if (!node) {
        return n_reg == 1;
    }
    const dp_table *t = dp_results_find(res, "population"),
                   *u = dp_results_find(res, "population_node");
    size_t pos = t ? axis_pos(res, t, "region") : NO_INDEX;
    size_t upos = u ? axis_pos(res, u, "node") : NO_INDEX;
    if (pos == NO_INDEX || upos == NO_INDEX || !t->per_run || !u->per_run) {
        return 0;
    }
    size_t outer, inner, n_node = res->axis[u->axis[upos]].n;
    split(res, t, pos, &outer, &inner);
    for (size_t run = 0; run < res->n_run; run++) {
        for (size_t o = 0; o < outer; o++) {
            for (size_t e = 0; e < inner; e++) {
                double sum = 0.0;
                for (size_t j = 0; j < n_reg; j++) {
                    sum += t->data[run * t->size + (o * n_reg + j) * inner + e];
                }
                if (sum != u->data[run * u->size + (o * n_node + at) * inner + e]) {
                    return 0;
                }
            }
        }
    }
    return 1;
}

/* The view's budget table [year, budget_item], per run: the run's own when the view holds
 * every region; else total = the view's spending summed over programmes (the sum of the
 * node's regions' spending, run by run), ceiling and exceeds NaN (the scenario's ceiling is
 * for all its regions). Nothing when res has no budget or the view no spending. */
static dp_status
view_budget(dp_ctx *ctx, const dp_results *res, dp_results *v, int node, size_t at)
{
    const dp_table *b = dp_results_find(res, "budget"), *sp = dp_results_find(v, "spending");
    size_t ia = dp_results_find_axis(res, "budget_item");
    if (!b || !sp || !b->per_run || b->rank != 2 || ia == NO_INDEX || b->axis[1] != ia ||
        sp->rank != 3 || strcmp(v->axis[sp->axis[0]].name, "year") != 0 ||
        strcmp(v->axis[sp->axis[1]].name, "region") != 0) {
        return DP_OK;
    }
    const char *names[3] = {"year", "budget_item", NULL};
    const dp_axis *items = &res->axis[ia];
    int all = holds_all_regions(res, node, at);
    dp_table *u;
    dp_status rc = dp_results_add_table(
        ctx, v, "budget", b->unit,
        all ? b->title
            : "total spending of all programmes in this region or node (its regions summed); "
              "no ceiling: the scenario's ceiling is for all its regions",
        b->title_zh, 1, names, &u);
    if (rc != DP_OK) {
        return rc;
    }
    if (all) {
        memcpy(u->data, b->data, res->n_run * b->size * sizeof *u->data);
        return DP_OK;
    }
    size_t n_year = v->axis[sp->axis[0]].n, n_prog = v->axis[sp->axis[2]].n, n_item = items->n;
    for (size_t run = 0; run < v->n_run; run++) {
        for (size_t y = 0; y < n_year; y++) {
            double total = 0.0;
            for (size_t p = 0; p < n_prog; p++) {
                total += sp->data[run * sp->size + y * n_prog + p];
            }
            for (size_t k = 0; k < n_item; k++) {
                u->data[run * u->size + y * n_item + k] =
                    strcmp(items->label[k], "total") == 0 ? total : (double)NAN;
            }
        }
    }
    return DP_OK;
}

dp_status
dp_rollup_view(dp_ctx *ctx, const dp_results *res, const char *name, dp_results **out)
{
    dp_status rc = DP_OK;
    dp_results *v = NULL;
    size_t at = find_label(res, "region", name);
    int node = at == NO_INDEX;
    const char *from_axis = node ? "node" : "region";
    *out = NULL;
    if (node && (at = find_label(res, "node", name)) == NO_INDEX) {
        return unknown(ctx, res, name);
    }
    if (!(v = dp_results_alloc(res->n_run))) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < res->n_axis; i++) {
        const dp_axis *a = &res->axis[i];
        if (is_node_axis(a->name)) {
            continue;
        }
        if (strcmp(a->name, "region") == 0) {
            size_t src = dp_results_find_axis(res, from_axis);
            const char *lab = res->axis[src].label[at], *zh = res->axis[src].label_zh[at];
            rc = dp_results_add_axis(ctx, v, "region", 1, &lab, &zh, NULL, NULL);
        } else {
            rc = dp_results_add_axis(ctx, v, a->name, a->n, (const char *const *)a->label,
                                     (const char *const *)a->label_zh, a->value, NULL);
        }
        if (rc != DP_OK) {
            goto out;
        }
    }
    for (size_t i = 0; i < res->n_table; i++) {
        const dp_table *t = &res->table[i];
        const char *names[DP_MAX_RANK + 1];
        char name_node[40];
        size_t pos = axis_pos(res, t, "region"), outer, inner, n_from;
        dp_table *u;
        size_t len = strlen(t->name);
        if (strcmp(t->name, "budget") == 0 ||
            (len > 5 && strcmp(t->name + len - 5, "_node") == 0)) {
            continue;
        }
        const dp_table *src = t;
        if (pos != NO_INDEX && node) {
            snprintf(name_node, sizeof name_node, "%s_node", t->name);
            if (!(src = dp_results_find(res, name_node))) {
                continue; /* no roll-up: a share, or a table of an older file */
            }
        }
        size_t spos = pos != NO_INDEX ? axis_pos(res, src, from_axis) : NO_INDEX;
        axis_names(res, t, t->rank, "", names);
        if ((rc = dp_results_add_table(ctx, v, t->name, t->unit, t->title, t->title_zh, t->per_run,
                                       names, &u)) != DP_OK) {
            goto out;
        }
        size_t n_run = t->per_run ? res->n_run : 1;
        if (spos == NO_INDEX) {
            memcpy(u->data, src->data, n_run * src->size * sizeof *u->data);
            continue;
        }
        split(res, src, spos, &outer, &inner);
        n_from = res->axis[src->axis[spos]].n;
        for (size_t run = 0; run < n_run; run++) {
            for (size_t o = 0; o < outer; o++) {
                memcpy(u->data + run * u->size + o * inner,
                       src->data + run * src->size + (o * n_from + at) * inner,
                       inner * sizeof *u->data);
            }
        }
    }
    if ((rc = view_budget(ctx, res, v, node, at)) != DP_OK) {
        goto out;
    }
    *out = v;
    v = NULL;
out:
    dp_results_free(v);
    return rc;
}
