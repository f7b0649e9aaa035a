/* model/input/hierarchy.c
 *
 * The region hierarchy file (DATA_DIR/regions/hierarchy.yaml, hierarchy.h) and what the scenario
 * and the region files ask of it: LEVEL:NODE selections, parent and code checks, roll-up spans.
 * Workload: a few thousand nodes at most (China has about 2,850 county-level divisions); lookups
 * are linear scans, done once per scenario item or region file, never per year or person.
 */
#include "input/hierarchy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

const char *const dp_adm_key[DP_N_ADM] = {"nation", "province", "prefecture", "county"};
const char *const dp_adm_zh[DP_N_ADM] = {"国家", "省级", "地级", "县级"};

static const char *const top_keys[] = {"dpsim_hierarchy", "sources", "nodes"};
static const char *const node_keys[] = {"id", "level", "code", "parent", "name_en", "name_zh"};
enum { MAX_NODES = 100000 };

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int
id_ok(const char *text, size_t max)
{
    if (text[0] == '\0' || strlen(text) > max) {
        return 0;
    }
    for (const char *c = text; *c; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                 *c == '_' || *c == '.' || *c == '-';
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

static int
code_ok(const char *text)
{
    if (strlen(text) != 6) {
        return 0;
    }
    for (const char *c = text; *c; c++) {
        if (*c < '0' || *c > '9') {
            return 0;
        }
    }
    return 1;
}

/* The significant prefix of a code: without its trailing pairs of zeros ("220800" -> "2208"). */
static size_t
code_prefix(const char *code)
{
    size_t len = 6;
    while (len >= 2 && code[len - 1] == '0' && code[len - 2] == '0') {
        len -= 2;
    }
    return len;
}

static int
level_of(const char *text)
{
    for (int l = 0; l < DP_N_ADM; l++) {
        if (strcmp(text, dp_adm_key[l]) == 0) {
            return l;
        }
    }
    return -1;
}

size_t
dp_hierarchy_find(const dp_hierarchy *h, const char *id)
{
    for (size_t i = 0; h && i < h->n; i++) {
        if (strcmp(h->node[i].id, id) == 0) {
            return i;
        }
    }
    return DP_HNONE;
}

int
dp_hierarchy_under(const dp_hierarchy *h, size_t a, size_t b)
{
    for (size_t i = a; i != DP_HNONE; i = h->node[i].parent) {
        if (i == b) {
            return 1;
        }
    }
    return 0;
}

/* One item of `nodes:` into h->node[i]. */
static dp_status
read_node(dp_ctx *ctx, dp_hierarchy *h, const dp_ynode *item, size_t i)
{
    char path[32], sub[48];
    dp_ynode *node;
    dp_hnode *n = &h->node[i];
    snprintf(path, sizeof path, "nodes[%zu]", i);
    if (item->kind != DP_YMAP) {
        return dp_yexpected(ctx, item, path,
                            "a map with id, level, code, parent, name_en, name_zh");
    }
    if (dp_ycheck_keys(ctx, item, path, node_keys, N_OF(node_keys)) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    dp_ypath(sub, sizeof sub, path, "id");
    if (dp_yrequire(ctx, item, path, "id", &node) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if (node->kind != DP_YSCALAR || !id_ok(node->text, sizeof n->id - 1)) {
        return dp_yexpected(ctx, node, sub,
                            "a node id of 1 to 31 characters from A-Z a-z 0-9 _ . -");
    }
    size_t dup = dp_hierarchy_find(h, node->text);
    if (dup != DP_HNONE && dup < i) {
        return dp_yerror(ctx, node, "%s: node '%s' is defined twice", sub, node->text);
    }
    snprintf(n->id, sizeof n->id, "%s", node->text);
    dp_ypath(sub, sizeof sub, path, "level");
    if (dp_yrequire(ctx, item, path, "level", &node) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    int level = node->kind == DP_YSCALAR ? level_of(node->text) : -1;
    if (level < 0) {
        return dp_yexpected(ctx, node, sub, "one of nation, province, prefecture, county");
    }
    n->level = (dp_adm_level)level;
    dp_ypath(sub, sizeof sub, path, "code");
    if (dp_yrequire(ctx, item, path, "code", &node) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if (node->kind != DP_YSCALAR || !code_ok(node->text)) {
        return node->kind == DP_YSCALAR
                   ? dp_yerror(ctx, node,
                               "%s: expected a six-digit administrative code (GB/T "
                               "2260), got '%s'",
                               sub, node->text)
                   : dp_yexpected(ctx, node, sub, "a six-digit administrative code (GB/T 2260)");
    }
    snprintf(n->code, sizeof n->code, "%s", node->text);
    for (size_t j = 0; j < i; j++) {
        if (strcmp(h->node[j].code, n->code) == 0) {
            return dp_yerror(ctx, node, "%s: code %s is also the code of '%s'", sub, n->code,
                             h->node[j].id);
        }
    }
    if (dp_yrequire(ctx, item, path, "name_en", &node) != DP_OK ||
        dp_yget_text(ctx, node, "name_en", n->name_en, sizeof n->name_en, 1) != DP_OK ||
        dp_yrequire(ctx, item, path, "name_zh", &node) != DP_OK ||
        dp_yget_text(ctx, node, "name_zh", n->name_zh, sizeof n->name_zh, 1) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    n->parent = DP_HNONE;
    dp_ypath(sub, sizeof sub, path, "parent");
    if (!(node = dp_ymap_get(item, "parent"))) {
        if (n->level != DP_ADM_NATION) {
            return dp_yerror(ctx, item, "%s: missing required key 'parent' (a %s has a parent)",
                             path, dp_adm_key[n->level]);
        }
        return DP_OK;
    }
    if (node->kind != DP_YSCALAR || (n->parent = dp_hierarchy_find(h, node->text)) == DP_HNONE ||
        n->parent >= i) {
        return dp_yexpected(ctx, node, sub, "the id of a node defined above this one");
    }
    const dp_hnode *p = &h->node[n->parent];
    if (p->level >= n->level) {
        return dp_yerror(ctx, node, "%s: a %s cannot lie under '%s', a %s", sub,
                         dp_adm_key[n->level], p->id, dp_adm_key[p->level]);
    }
    size_t len = code_prefix(p->code);
    if (p->level != DP_ADM_NATION && strncmp(n->code, p->code, len) != 0) {
        return dp_yerror(ctx, node,
                         "%s: code %s of '%s' does not start with %.*s, the code of its parent "
                         "'%s' (%s)",
                         sub, n->code, n->id, (int)len, p->code, p->id, p->code);
    }
    return DP_OK;
}

dp_status
dp_hierarchy_load(dp_ctx *ctx, const char *path, dp_hierarchy **out)
{
    dp_status rc = DP_OK;
    dp_ynode *root = NULL, *node = NULL;
    dp_hierarchy *h = NULL;

    *out = NULL;
    if ((rc = dp_ytree_load(ctx, path, &root, NULL)) != DP_OK) {
        goto out;
    }
    if (!root || root->kind != DP_YMAP) {
        rc = root ? dp_yexpected(ctx, root, "", "a map with dpsim_hierarchy and nodes")
                  : dp_error(ctx, DP_EINPUT,
                             "%s:1:1: the file is empty; expected a map with "
                             "dpsim_hierarchy and nodes",
                             path);
        goto out;
    }
    if ((rc = dp_ycheck_keys(ctx, root, "", top_keys, N_OF(top_keys))) != DP_OK ||
        (rc = dp_yrequire(ctx, root, "", "dpsim_hierarchy", &node)) != DP_OK ||
        (rc = dp_yget_int(ctx, node, "dpsim_hierarchy", "1 (the hierarchy file format version)", 1,
                          1, &(int){0})) != DP_OK ||
        (rc = dp_yrequire(ctx, root, "", "nodes", &node)) != DP_OK) {
        goto out;
    }
    if (node->kind != DP_YSEQ || node->n == 0 || node->n > MAX_NODES) {
        rc = dp_yexpected(ctx, node, "nodes", "a list of 1 to 100000 nodes");
        goto out;
    }
    h = calloc(1, sizeof *h);
    if (!h || !(h->node = calloc(node->n, sizeof *h->node)) || !(h->path = dp_strdup(path))) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < node->n; i++) {
        h->n = i + 1;
        if ((rc = read_node(ctx, h, node->val[i], i)) != DP_OK) {
            goto out;
        }
    }
    for (size_t i = 1; i < h->n; i++) {
        if (h->node[i].parent == DP_HNONE) {
            rc = dp_yerror(ctx, node->val[i],
                           "nodes[%zu]: a second root '%s' (only the first "
                           "node, the nation, has no parent)",
                           i, h->node[i].id);
            goto out;
        }
    }
    *out = h;
    h = NULL;
out:
    dp_hierarchy_free(h);
    dp_ynode_free(root);
    return rc;
}

void
dp_hierarchy_free(dp_hierarchy *h)
{
    if (!h) {
        return;
    }
    free(h->node);
    free(h->path);
    free(h);
}

dp_status
dp_hierarchy_select(dp_ctx *ctx, const dp_hierarchy *h, const dp_ynode *at, const char *path,
                    const char *text, size_t *out)
{
    char level_text[32];
    const char *colon = strchr(text, ':');
    const char *id = colon ? colon + 1 : text;
    int level = -1;
    if (colon) {
        size_t len = (size_t)(colon - text);
        snprintf(level_text, sizeof level_text, "%.*s", (int)(len < 31 ? len : 31), text);
        if ((level = level_of(level_text)) < 0) {
            return dp_yerror(ctx, at,
                             "%s: '%s': expected LEVEL:NODE with LEVEL one of nation, province, "
                             "prefecture, county",
                             path, text);
        }
    }
    if (!h) {
        return dp_yerror(ctx, at,
                         "%s: '%s' selects a node of the region hierarchy, but there is "
                         "no hierarchy file (regions/hierarchy.yaml in the data folder)",
                         path, text);
    }
    size_t i = dp_hierarchy_find(h, id);
    if (i != DP_HNONE && (level < 0 || h->node[i].level == (dp_adm_level)level)) {
        *out = i;
        return DP_OK;
    }
    /* The closest id of that level (any level when none was given). */
    const char *best = NULL;
    size_t best_d = 3, len = strlen(id);
    for (size_t k = 0; k < h->n; k++) {
        if (level >= 0 && h->node[k].level != (dp_adm_level)level) {
            continue;
        }
        size_t d = dp_edit_distance(id, h->node[k].id);
        if (d < best_d && d < len) {
            best = h->node[k].id;
            best_d = d;
        }
    }
    if (i != DP_HNONE) {
        return dp_yerror(ctx, at, "%s: '%s' is a %s in %s, not a %s", path, id,
                         dp_adm_key[h->node[i].level], h->path, dp_adm_key[level]);
    }
    if (best) {
        return dp_yerror(ctx, at, "%s: no %s '%s' in %s (did you mean '%s%s%s'?)", path,
                         level >= 0 ? dp_adm_key[level] : "node", id, h->path,
                         level >= 0 ? dp_adm_key[level] : "", level >= 0 ? ":" : "", best);
    }
    return dp_yerror(ctx, at, "%s: no %s '%s' in %s", path, level >= 0 ? dp_adm_key[level] : "node",
                     id, h->path);
}

/* 1 when list->val[0 .. n) holds a scalar with this text. */
static int
listed(const dp_ynode *list, size_t n, const char *text)
{
    for (size_t i = 0; i < n; i++) {
        if (list->val[i]->kind == DP_YSCALAR && strcmp(list->val[i]->text, text) == 0) {
            return 1;
        }
    }
    return 0;
}

static int
has_file(const char *regions_dir, const char *id)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s.yaml", regions_dir, id) >= sizeof path) {
        return 0;
    }
    return access(path, F_OK) == 0;
}

dp_status
dp_hierarchy_expand(dp_ctx *ctx, const dp_hierarchy *h, const char *regions_dir, dp_ynode *list,
                    const char *path)
{
    dp_ynode **val = NULL;
    size_t n = 0, cap = 0;
    dp_status rc = DP_OK;
    int any = 0;
    char sub[64];

    if (!list || list->kind != DP_YSEQ) {
        return DP_OK; /* the scenario reader reports the shape */
    }
    for (size_t i = 0; i < list->n; i++) {
        any |= list->val[i]->kind == DP_YSCALAR && strchr(list->val[i]->text, ':') != NULL;
    }
    if (!any) {
        return DP_OK;
    }
    /* A new item array: the leaves as they come, each selection replaced by its leaves. The
     * old items stay in list until the end, so an error leaves the tree as it was. */
    for (size_t i = 0; i < list->n; i++) {
        dp_ynode *item = list->val[i];
        size_t sel, found = 0;
        int selection = item->kind == DP_YSCALAR && strchr(item->text, ':') != NULL;
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        if (selection && (rc = dp_hierarchy_select(ctx, h, item, sub, item->text, &sel)) != DP_OK) {
            goto out;
        }
        for (size_t k = 0; k < (selection ? h->n : 1); k++) {
            const char *id = selection ? h->node[k].id : NULL;
            if (selection) {
                int seen = 0;
                if (!dp_hierarchy_under(h, k, sel) || !has_file(regions_dir, id)) {
                    continue;
                }
                /* The lowest region files only: a node's own file (a province's, say) is left
                 * out when region files under it stand for it (its counties). */
                int covered = 0;
                for (size_t j = 0; j < h->n && !covered; j++) {
                    covered = j != k && dp_hierarchy_under(h, j, k) &&
                              has_file(regions_dir, h->node[j].id);
                }
                if (covered) {
                    continue;
                }
                found++;
                for (size_t j = 0; j < n && !seen; j++) {
                    seen = val[j]->kind == DP_YSCALAR && strcmp(val[j]->text, id) == 0;
                }
                if (seen || listed(list, list->n, id)) {
                    continue; /* named by hand too, or by an earlier selection */
                }
            }
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                dp_ynode **grown = realloc(val, cap * sizeof *val);
                if (!grown) {
                    rc = dp_error(ctx, DP_ENOMEM, "out of memory");
                    goto out;
                }
                val = grown;
            }
            if (!selection) {
                val[n++] = item;
            } else if ((val[n] = dp_ynode_scalar(item->file, item->line, item->col, id))) {
                n++;
            } else {
                rc = dp_error(ctx, DP_ENOMEM, "out of memory");
                goto out;
            }
        }
        if (selection && found == 0) {
            rc = dp_yerror(ctx, item, "%s: %s '%s' has no region file under it in %s", sub,
                           dp_adm_key[h->node[sel].level], h->node[sel].id, regions_dir);
            goto out;
        }
    }
    for (size_t i = 0; i < list->n; i++) {
        if (list->val[i]->kind == DP_YSCALAR && strchr(list->val[i]->text, ':')) {
            dp_ynode_free(list->val[i]);
        }
    }
    free(list->val);
    list->val = val;
    list->n = n;
    list->cap = cap;
    return DP_OK;
out:
    /* Free the items made here; the others still belong to list. */
    for (size_t j = 0; j < n; j++) {
        int old = 0;
        for (size_t i = 0; i < list->n && !old; i++) {
            old = list->val[i] == val[j];
        }
        if (!old) {
            dp_ynode_free(val[j]);
        }
    }
    free(val);
    return rc;
}

dp_status
dp_hierarchy_check_region(dp_ctx *ctx, const dp_hierarchy *h, const char *path,
                          const dp_region_input *r)
{
    size_t i = dp_hierarchy_find(h, r->id);
    if (!r->code[0] && !r->parent[0]) {
        return DP_OK;
    }
    if (i == DP_HNONE) {
        int line = r->code[0] ? r->code_line : r->parent_line;
        int col = r->code[0] ? r->code_col : r->parent_col;
        return dp_error(ctx, DP_EINPUT,
                        "%s:%d:%d: region '%s' gives its %s, but is not a node of %s", path, line,
                        col, r->id, r->code[0] ? "code" : "parent",
                        h ? h->path : "the region hierarchy (no regions/hierarchy.yaml)");
    }
    const dp_hnode *n = &h->node[i];
    if (r->code[0] && strcmp(r->code, n->code) != 0) {
        return dp_error(ctx, DP_EINPUT,
                        "%s:%d:%d: code: expected %s, the code of '%s' in %s, "
                        "got %s",
                        path, r->code_line, r->code_col, n->code, r->id, h->path, r->code);
    }
    const char *want = n->parent != DP_HNONE ? h->node[n->parent].id : "";
    if (r->parent[0] && strcmp(r->parent, want) != 0) {
        return dp_error(ctx, DP_EINPUT,
                        "%s:%d:%d: parent: expected '%s', the parent of '%s' in %s, got '%s'", path,
                        r->parent_line, r->parent_col, want, r->id, h->path, r->parent);
    }
    return DP_OK;
}

dp_status
dp_hierarchy_span(dp_ctx *ctx, const dp_hierarchy *h, const char *const *leaf, size_t n_leaf,
                  size_t *nodes, size_t *n_nodes, size_t *anc)
{
    size_t *pos = NULL, *leaf_node = NULL;
    *n_nodes = 0;
    for (size_t j = 0; j < n_leaf * DP_N_ADM; j++) {
        anc[j] = DP_HNONE;
    }
    if (!h || n_leaf == 0) {
        return DP_OK;
    }
    pos = malloc(h->n * sizeof *pos);
    leaf_node = malloc(n_leaf * sizeof *leaf_node);
    if (!pos || !leaf_node) {
        free(pos);
        free(leaf_node);
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    /* pos[k]: 1 for a node above some leaf, then its position in nodes. The leaves by a
     * hash-free scan: n_leaf * h->n string compares, once per run. */
    for (size_t k = 0; k < h->n; k++) {
        pos[k] = 0;
    }
    for (size_t j = 0; j < n_leaf; j++) {
        leaf_node[j] = dp_hierarchy_find(h, leaf[j]);
        if (leaf_node[j] == DP_HNONE) {
            continue;
        }
        for (size_t k = h->node[leaf_node[j]].parent; k != DP_HNONE; k = h->node[k].parent) {
            pos[k] = 1;
        }
    }
    for (size_t j = 0; j < n_leaf; j++) {
        if (leaf_node[j] != DP_HNONE && pos[leaf_node[j]]) {
            /* A region under another region of the run: its roll-ups would count it twice. */
            for (size_t i = 0; i < n_leaf; i++) {
                if (i != j && leaf_node[i] != DP_HNONE &&
                    dp_hierarchy_under(h, leaf_node[i], leaf_node[j])) {
                    dp_status rc = dp_error(ctx, DP_EINPUT,
                                            "region '%s' lies under region '%s' in %s: a run may "
                                            "not hold both (the roll-ups would count it twice)",
                                            leaf[i], leaf[j], h->path);
                    free(pos);
                    free(leaf_node);
                    return rc;
                }
            }
        }
    }
    for (size_t k = 0; k < h->n; k++) {
        if (pos[k]) {
            nodes[*n_nodes] = k;
            pos[k] = (*n_nodes)++;
        } else {
            pos[k] = DP_HNONE;
        }
    }
    for (size_t j = 0; j < n_leaf; j++) {
        size_t d = 0;
        if (leaf_node[j] == DP_HNONE) {
            continue;
        }
        for (size_t k = h->node[leaf_node[j]].parent; k != DP_HNONE && d < DP_N_ADM;
             k = h->node[k].parent) {
            if (pos[k] != DP_HNONE) {
                anc[j * DP_N_ADM + d++] = pos[k];
            }
        }
    }
    free(pos);
    free(leaf_node);
    return DP_OK;
}
