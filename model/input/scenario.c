/* model/input/scenario.c
 *
 * Scenario files: the `extends:` chain is read (each file's SHA-256 recorded) and deep-merged
 * into one tree; scenario_read.c validates the tree against the key table and copies it into
 * the scenario's dp_params; then the regions listed are loaded from DATA_DIR/regions/<id>.yaml
 * and their base years checked, and the merged tree is written back as YAML text.
 * A dp_scenario is immutable after dp_scenario_load and owns everything it points to.
 */
#include "input/scenario.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "input/scenario_impl.h"
#include "input/yaml_tree.h"

enum {
    MAX_CHAIN = 16 /* files in one extends chain */
};

/* ------------------------------------------------------------------------------------------ */
/* The scenario object */



void
dp_scenario_free(dp_scenario *s)
{
    if (!s) {
        return;
    }
    for (size_t i = 0; i < s->n_input; i++) {
        free(s->input_path[i]);
    }
    free(s->input_path);
    free(s->input_sha);
    free(s->name);
    free(s->title);
    free(s->data_dir);
    for (size_t r = 0; r < s->n_region; r++) {
        dp_region_clear(&s->region[r]);
    }
    free(s->region);
    free(s->text);
    free(s->target);
    dp_hierarchy_free(s->hier);
    free(s);
}

const dp_hierarchy *
dp_scenario_hierarchy(const dp_scenario *s)
{
    return s->hier;
}

const char *
dp_scenario_name(const dp_scenario *s)
{
    return s->name;
}

const char *
dp_scenario_title(const dp_scenario *s)
{
    return s->title ? s->title : "";
}

const dp_params *
dp_scenario_params(const dp_scenario *s)
{
    return &s->params;
}

size_t
dp_scenario_n_region(const dp_scenario *s)
{
    return s->n_region;
}

const dp_region_input *
dp_scenario_region(const dp_scenario *s, size_t i)
{
    return i < s->n_region ? &s->region[i] : NULL;
}

const char *
dp_scenario_text(const dp_scenario *s)
{
    return s->text;
}

const dp_target *
dp_scenario_targets(const dp_scenario *s, size_t *n)
{
    *n = s->n_target;
    return s->target;
}

size_t
dp_scenario_n_input(const dp_scenario *s)
{
    return s->n_input;
}

const char *
dp_scenario_input_path(const dp_scenario *s, size_t i)
{
    return i < s->n_input ? s->input_path[i] : NULL;
}

const char *
dp_scenario_input_sha256(const dp_scenario *s, size_t i)
{
    return i < s->n_input ? s->input_sha[i] : NULL;
}

/* Records an input file (path copied; digest zeroed for the caller to fill). Index in *idx. */
static dp_status
add_input(dp_ctx *ctx, dp_scenario *s, const char *path, size_t *idx)
{
    if (s->n_input == s->cap_input) {
        size_t cap = s->cap_input ? 2 * s->cap_input : 8;
        char **paths = realloc(s->input_path, cap * sizeof *paths);
        if (!paths) {
            return dp_error(ctx, DP_ENOMEM, "out of memory");
        }
        s->input_path = paths;
        char(*sha)[65] = realloc(s->input_sha, cap * sizeof *sha);
        if (!sha) {
            return dp_error(ctx, DP_ENOMEM, "out of memory");
        }
        s->input_sha = sha;
        s->cap_input = cap;
    }
    s->input_path[s->n_input] = dp_strdup(path);
    if (!s->input_path[s->n_input]) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    memset(s->input_sha[s->n_input], 0, 65);
    *idx = s->n_input++;
    return DP_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Loading */

/* Folder part of path including the final slash ("" if none) joined with rel (kept as is when
 * absolute). Returns a malloc'd string or NULL. */
static char *
resolve_relative(const char *path, const char *rel)
{
    const char *slash = strrchr(path, '/');
    size_t dir = rel[0] == '/' || !slash ? 0 : (size_t)(slash - path) + 1;
    char *out = malloc(dir + strlen(rel) + 1);
    if (out) {
        memcpy(out, path, dir);
        strcpy(out + dir, rel);
    }
    return out;
}

/* In a programme of base whose key name is given by grade in the overlay but as one value in
 * the base, the base's value is first copied to each grade, so the grades the overlay leaves
 * out keep the base's value rather than falling back to the defaults. */
static dp_status
expand_by_grade(dp_ctx *ctx, dp_ynode *bp, const dp_ynode *op, const char *name)
{
    const dp_ynode *bm = dp_ymap_get(bp, name);
    const dp_ynode *om = dp_ymap_get(op, name);
    if (!bm || !om || om->kind != DP_YMAP || om->n == 0 || dp_ynode_is_dated(om) ||
        dp_ynode_is_dist(om) ||
        !(bm->kind == DP_YSCALAR || dp_ynode_is_dated(bm) || dp_ynode_is_dist(bm))) {
        return DP_OK;
    }
    dp_ynode *by_grade = calloc(1, sizeof *by_grade);
    if (!by_grade) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    by_grade->kind = DP_YMAP;
    by_grade->file = bm->file;
    by_grade->line = bm->line;
    by_grade->col = bm->col;
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        dp_ynode *key = dp_ynode_scalar(bm->file, bm->line, bm->col, dp_grade_label[g]);
        dp_ynode *val = dp_ynode_copy(bm);
        if (!key || !val || dp_ymap_append(by_grade, key, val) != DP_OK) {
            if (!key || !val) {
                dp_ynode_free(key);
                dp_ynode_free(val);
            }
            dp_ynode_free(by_grade);
            return dp_error(ctx, DP_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < bp->n; i++) {
        if (bp->val[i] == bm) {
            dp_ynode_free(bp->val[i]);
            bp->val[i] = by_grade;
            break;
        }
    }
    return DP_OK;
}

/* Prepares base for merging overlay over it, programme by programme: keys by grade (amounts,
 * floors) given as one value in the base and by grade in the overlay are expanded
 * (expand_by_grade); and an overlay's `funding` replaces the base's whole, since the levels a
 * `funding` map leaves out pay nothing. */
static dp_status
prepare_base(dp_ctx *ctx, dp_ynode *base, const dp_ynode *overlay)
{
    static const char *const by_grade[] = {"monthly", "yearly", "unit_cost", "floor"};
    const dp_ynode *bprog = dp_ymap_get(base, "programmes");
    const dp_ynode *oprog = dp_ymap_get(overlay, "programmes");
    for (size_t k = 0; k < DP_N_PROG; k++) {
        dp_ynode *bp = dp_ymap_get(bprog, dp_prog_key[k]);
        const dp_ynode *op = dp_ymap_get(oprog, dp_prog_key[k]);
        if (!bp || !op || bp->kind != DP_YMAP || op->kind != DP_YMAP) {
            continue;
        }
        for (size_t j = 0; j < sizeof by_grade / sizeof by_grade[0]; j++) {
            dp_status rc = expand_by_grade(ctx, bp, op, by_grade[j]);
            if (rc != DP_OK) {
                return rc;
            }
        }
        if (dp_ymap_get(op, "funding")) {
            dp_ynode_free(dp_ymap_take(bp, "funding", NULL));
        }
    }
    return DP_OK;
}

/* Reads path and the files it extends, and merges them into *root. */
static dp_status
load_chain(dp_ctx *ctx, dp_scenario *s, const char *path, dp_ynode **root)
{
    dp_status rc = DP_OK;
    dp_ynode *trees[MAX_CHAIN] = {0};
    struct stat id[MAX_CHAIN]; /* device and inode of each file, to detect cycles */
    struct stat next_id;
    size_t n = 0;
    dp_ynode *ext = NULL;
    char *next = NULL;
    dp_ynode *acc = NULL;
    size_t idx;

    *root = NULL;
    if ((rc = add_input(ctx, s, path, &idx)) != DP_OK) {
        goto out;
    }
    for (;;) {
        const char *cur = s->input_path[idx];
        if ((rc = dp_ytree_load(ctx, cur, &trees[n], s->input_sha[idx])) != DP_OK) {
            goto out;
        }
        if (stat(cur, &id[n]) != 0) {
            rc = dp_error(ctx, DP_EINPUT, "%s: cannot open: %s", cur, strerror(errno));
            goto out;
        }
        n++;
        dp_ynode *tree = trees[n - 1];
        if (!tree) {
            rc = dp_error(ctx, DP_EINPUT,
                          "%s:1:1: the file is empty; expected a map of scenario keys", cur);
            goto out;
        }
        if (tree->kind != DP_YMAP) {
            rc = dp_yexpected(ctx, tree, "", "a map of scenario keys");
            goto out;
        }
        ext = dp_ymap_take(tree, "extends", NULL);
        if (!ext) {
            break;
        }
        if (ext->kind != DP_YSCALAR || ext->text[0] == '\0') {
            rc = dp_yexpected(ctx, ext, "extends", "a file name");
            goto out;
        }
        if (!(next = resolve_relative(cur, ext->text))) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory");
            goto out;
        }
        if (stat(next, &next_id) != 0) {
            if (errno == ENOENT || errno == ENOTDIR) {
                rc = dp_yerror(ctx, ext, "extends: no file %s", next);
            } else {
                rc = dp_yerror(ctx, ext, "extends: cannot open %s: %s", next, strerror(errno));
            }
            goto out;
        }
        if (S_ISDIR(next_id.st_mode)) {
            rc = dp_yerror(ctx, ext, "extends: %s is a folder, not a file", next);
            goto out;
        }
        for (size_t j = 0; j < n; j++) {
            if (id[j].st_dev == next_id.st_dev && id[j].st_ino == next_id.st_ino) {
                char chain[700] = "";
                size_t len = 0;
                for (size_t k = j; k < n; k++) {
                    len +=
                        (size_t)snprintf(chain + len, len < sizeof chain ? sizeof chain - len : 0,
                                         "%s -> ", s->input_path[k]);
                    if (len >= sizeof chain) {
                        len = sizeof chain - 1;
                    }
                }
                rc = dp_yerror(ctx, ext, "extends: cycle %s%s", chain, next);
                goto out;
            }
        }
        if (n == MAX_CHAIN) {
            rc = dp_yerror(ctx, ext, "extends: more than %d files in the chain", MAX_CHAIN);
            goto out;
        }
        if ((rc = add_input(ctx, s, next, &idx)) != DP_OK) {
            goto out;
        }
        free(next);
        next = NULL;
        dp_ynode_free(ext);
        ext = NULL;
    }
    /* Merge from the base-most file outwards. */
    acc = trees[n - 1];
    trees[n - 1] = NULL;
    for (size_t k = n - 1; k-- > 0;) {
        if ((rc = prepare_base(ctx, acc, trees[k])) != DP_OK) {
            goto out;
        }
        acc = dp_ytree_merge(acc, trees[k]);
        trees[k] = NULL;
        if (!acc) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory");
            goto out;
        }
    }
    *root = acc;
    acc = NULL;
out:
    for (size_t k = 0; k < MAX_CHAIN; k++) {
        dp_ynode_free(trees[k]);
    }
    dp_ynode_free(ext);
    dp_ynode_free(acc);
    free(next);
    return rc;
}

/* The data folder's regions/hierarchy.yaml when there is one (an input file like the region
 * files), and the `regions:` list's LEVEL:NODE items replaced by the leaves they select. */
static dp_status
load_hierarchy(dp_ctx *ctx, dp_scenario *s, dp_ynode *root)
{
    dp_status rc = DP_OK;
    size_t idx;
    char *path = malloc(strlen(s->data_dir) + 32);
    if (!path) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    sprintf(path, "%s/regions/hierarchy.yaml", s->data_dir);
    if (access(path, F_OK) == 0) {
        if ((rc = add_input(ctx, s, path, &idx)) != DP_OK ||
            (rc = dp_hierarchy_load(ctx, s->input_path[idx], &s->hier)) != DP_OK ||
            (rc = dp_sha256_file(ctx, s->input_path[idx], s->input_sha[idx])) != DP_OK) {
            goto out;
        }
    }
    path[strlen(path) - strlen("/hierarchy.yaml")] = '\0';
    rc = dp_hierarchy_expand(ctx, s->hier, path, dp_ymap_get(root, "regions"), "regions");
out:
    free(path);
    return rc;
}

static dp_status
load_regions(dp_ctx *ctx, dp_scenario *s, const dp_ynode *root, const dp_ynode *list)
{
    dp_status rc = DP_OK;
    const dp_ynode *start = dp_ymap_get(dp_ymap_get(root, "years"), "start");
    const dp_ynode *base_key = dp_ymap_get(root, "base_year");
    char *path = NULL;
    size_t idx;

    s->region = calloc(list->n, sizeof *s->region);
    if (!s->region) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < list->n; i++) {
        const dp_ynode *item = list->val[i];
        const char *id = item->text;
        path = malloc(strlen(s->data_dir) + strlen(id) + 16);
        if (!path) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory");
            goto out;
        }
        sprintf(path, "%s/regions/%s.yaml", s->data_dir, id);
        if (access(path, F_OK) != 0) {
            rc = dp_yerror(ctx, item, "region '%s': no file %s", id, path);
            goto out;
        }
        if ((rc = add_input(ctx, s, path, &idx)) != DP_OK) {
            goto out;
        }
        /* The base year region i is projected from (docs/scenarios.md "Base years"): with
         * base_year:, that base in every region; without it, the region's latest base before
         * years.start (the run's base, years.start - 1, when the file has it). A region of an
         * earlier base is projected through the years in between and reported from
         * years.start, like the others. */
        int run_base = s->params.base_year;
        if ((rc = dp_region_load_base(ctx, s->input_path[idx], run_base, &s->region[i])) !=
            DP_OK) {
            goto out;
        }
        s->n_region = i + 1; /* now s owns region i's reported figures */
        dp_region_input *reg = &s->region[i];
        int usable = 0; /* the latest base <= run_base, 0 = none */
        for (size_t b = 0; b < reg->n_base; b++) {
            usable = reg->base_years[b] <= run_base ? reg->base_years[b] : usable;
        }
        if (reg->n_base == 0 && reg->base_year <= run_base) {
            usable = reg->base_year;
        }
        if (reg->base_year != run_base && usable > 0 && !base_key) {
            dp_region_input again;
            if ((rc = dp_region_load_base(ctx, s->input_path[idx], usable, &again)) != DP_OK) {
                goto out;
            }
            dp_region_clear(reg);
            *reg = again;
        }
        if (reg->base_year != run_base && (base_key || usable == 0)) {
            /* "2017, 2018": at most 16 years of 4 digits, each after ", " (98 bytes). */
            char years_text[DP_REGION_MAX_BASES * 6 + 8];
            size_t len = 0;
            for (size_t b = 0; b < reg->n_base && len < sizeof years_text; b++) {
                int w = snprintf(years_text + len, sizeof years_text - len, "%s%d",
                                 b ? ", " : "", reg->base_years[b]);
                len += w > 0 ? (size_t)w : 0;
            }
            if (reg->n_base == 0) {
                snprintf(years_text, sizeof years_text, "%d", reg->base_year);
            }
            size_t n_years = reg->n_base > 1 ? reg->n_base : 1;
            if (base_key) {
                rc = dp_yerror(ctx, base_key,
                               "base_year: %d, but region '%s' has base year%s %s (without "
                               "base_year: each region is projected from its latest base "
                               "before years.start)",
                               run_base, id, n_years > 1 ? "s" : "", years_text);
            } else {
                rc = dp_yerror(ctx, start ? start : item,
                               "years.start %d needs a base year before it (%d or earlier), "
                               "but region '%s' has base year%s %s",
                               s->params.year_start, run_base, id, n_years > 1 ? "s" : "",
                               years_text);
            }
            goto out;
        }
        if ((rc = dp_sha256_file(ctx, s->input_path[idx], s->input_sha[idx])) != DP_OK ||
            (rc = dp_hierarchy_check_region(ctx, s->hier, s->input_path[idx], &s->region[i])) !=
                DP_OK) {
            goto out;
        }
        free(path);
        path = NULL;
    }
out:
    free(path);
    return rc;
}

/* Merges the overlay text over *root as load_chain merges a file over the one it extends. */
static dp_status
apply_overlay(dp_ctx *ctx, const char *name, const char *text, dp_ynode **root)
{
    dp_ynode *over = NULL;
    dp_status rc = dp_ytree_parse(ctx, name, (const unsigned char *)text, strlen(text), &over);
    if (rc != DP_OK) {
        return rc;
    }
    if (!over) {
        return DP_OK; /* an empty overlay changes nothing */
    }
    if (over->kind != DP_YMAP) {
        rc = dp_yexpected(ctx, over, "", "a map of scenario keys");
    } else if (dp_ymap_get(over, "extends")) {
        rc = dp_yerror(ctx, dp_ymap_key(over, "extends"), "an overlay has no extends: of its own");
    } else {
        rc = prepare_base(ctx, *root, over);
    }
    if (rc != DP_OK) {
        dp_ynode_free(over);
        return rc;
    }
    *root = dp_ytree_merge(*root, over);
    return *root ? DP_OK : dp_error(ctx, DP_ENOMEM, "out of memory");
}

dp_status
dp_scenario_load(dp_ctx *ctx, const char *path, const char *data_dir, dp_scenario **out)
{
    return dp_scenario_load_overlay(ctx, path, data_dir, NULL, NULL, out);
}

dp_status
dp_scenario_load_overlay(dp_ctx *ctx, const char *path, const char *data_dir,
                         const char *overlay_name, const char *overlay_text, dp_scenario **out)
{
    dp_status rc = DP_OK;
    dp_scenario *s = NULL;
    dp_ynode *root = NULL;
    dp_ynode *node = NULL;
    const dp_ynode *regions = NULL;
    size_t dlen;

    *out = NULL;
    s = calloc(1, sizeof *s);
    if (!s || !(s->data_dir = dp_strdup(data_dir))) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    /* "dir/" and "dir" name the same folder; keep "/" itself. */
    dlen = strlen(s->data_dir);
    while (dlen > 1 && s->data_dir[dlen - 1] == '/') {
        s->data_dir[--dlen] = '\0';
    }
    dp_params_default(&s->params);
    if ((rc = load_chain(ctx, s, path, &root)) != DP_OK) {
        goto out;
    }
    if (overlay_text &&
        (rc = apply_overlay(ctx, overlay_name ? overlay_name : "overlay", overlay_text, &root)) !=
            DP_OK) {
        goto out;
    }
    /* The format version first: a file of another version may mean other things by its keys. */
    if ((rc = dp_yrequire(ctx, root, "", "dpsim", &node)) != DP_OK) {
        goto out;
    }
    if ((rc = dp_yget_int(ctx, node, "dpsim", "1 (the scenario format version)", 1, 1,
                          &(int){0})) != DP_OK) {
        goto out;
    }
    if ((rc = load_hierarchy(ctx, s, root)) != DP_OK ||
        (rc = dp_scenario_read(ctx, s, root, &regions)) != DP_OK) {
        goto out;
    }
    if ((rc = load_regions(ctx, s, root, regions)) != DP_OK) {
        goto out;
    }
    if ((rc = dp_ytree_emit(ctx, root, &s->text)) != DP_OK) {
        goto out;
    }
    *out = s;
    s = NULL;
out:
    dp_ynode_free(root);
    dp_scenario_free(s);
    return rc;
}
