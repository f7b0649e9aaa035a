/* model/input/hierarchy.h
 *
 * dp_hierarchy: the administrative tree the region files hang from, read from
 * DATA_DIR/regions/hierarchy.yaml (format in docs/scenarios.md "Region hierarchy"): nodes
 * nation → province → prefecture (or city) → county, each with an id, names, a level and its
 * six-digit administrative code (GB/T 2260; the nation 100000, the code the national geographic
 * atlases give China). The leaves a run projects are region files (data/regions/<id>.yaml); the
 * other nodes are what their results are rolled up to (engines/rollup.h).
 *
 * It serves three things: the scenario's `regions:` list, where an item `LEVEL:NODE`
 * (`province:jilin`) stands for the leaves under that node (dp_hierarchy_expand); the region
 * files' `parent:` and `code:` keys, checked against it (dp_hierarchy_check_region); and the
 * roll-up nodes of a run (dp_hierarchy_span).
 */
#ifndef DPSIM_HIERARCHY_H
#define DPSIM_HIERARCHY_H

#include <stddef.h>

#include "core/ctx.h"
#include "input/region.h"
#include "input/yaml_tree.h"

/* Levels, from the top. A child's level is below its parent's (a district of a
 * province-level city such as Pudong sits directly under its province). */
typedef enum {
    DP_ADM_NATION = 0, /**< "nation" 国家 */
    DP_ADM_PROVINCE,   /**< "province" 省级: provinces, autonomous regions, municipalities */
    DP_ADM_PREFECTURE, /**< "prefecture" 地级: prefectures, prefecture-level cities */
    DP_ADM_COUNTY,     /**< "county" 县级: counties, county-level cities, districts */
    DP_N_ADM
} dp_adm_level;
extern const char *const dp_adm_key[DP_N_ADM];
extern const char *const dp_adm_zh[DP_N_ADM];

#define DP_HNONE ((size_t)-1)

typedef struct {
    char id[32];      /**< "jilin"; unique over the file, region files use theirs */
    char name_en[64]; /**< "Jilin province" */
    char name_zh[64]; /**< "吉林省" */
    char code[8];     /**< six digits, "220000" */
    dp_adm_level level;
    size_t parent; /**< index of the parent node, DP_HNONE for the root */
} dp_hnode;

typedef struct {
    char *path;     /**< the file read (owned) */
    size_t n;       /**< nodes, in file order: every parent before its children */
    dp_hnode *node; /**< [n], owned */
} dp_hierarchy;

/* Reads the hierarchy file at path into a new *out (errors file:line:column, DP_EINPUT;
 * DP_ENOMEM). Checked: ids unique and made of A-Z a-z 0-9 _ . -, codes six digits and unique,
 * each parent named before its child and at a higher level, a child's code starting with its
 * parent's (the parent's code without its trailing pairs of zeros; not checked under the
 * nation). */
dp_status dp_hierarchy_load(dp_ctx *ctx, const char *path, dp_hierarchy **out);
void dp_hierarchy_free(dp_hierarchy *h);

/* Index of the node with this id, or DP_HNONE. */
size_t dp_hierarchy_find(const dp_hierarchy *h, const char *id);
/* 1 when node a is b or lies under b. */
int dp_hierarchy_under(const dp_hierarchy *h, size_t a, size_t b);

/* Resolves a selection "LEVEL:NODE" or "NODE" (the node's level is checked when given) to a
 * node index; at is the YAML node for the error (file:line:column, with a "did you mean"
 * suggestion among the ids of that level). */
dp_status dp_hierarchy_select(dp_ctx *ctx, const dp_hierarchy *h, const dp_ynode *at,
                              const char *path, const char *text, size_t *out);

/* Replaces, in the sequence list (the scenario's `regions:`), every item written LEVEL:NODE
 * by the ids of the leaves under that node that have a region file in regions_dir, in the
 * hierarchy's order, skipping ids already in the list (a leaf named twice by hand stays an
 * error of the scenario reader). h may be NULL: then any LEVEL:NODE item is an error saying
 * that there is no hierarchy file. */
dp_status dp_hierarchy_expand(dp_ctx *ctx, const dp_hierarchy *h, const char *regions_dir,
                              dp_ynode *list, const char *path);

/* Checks region r (read from path) against the hierarchy: a region file's `code:` and
 * `parent:` must be the hierarchy's for its id, and a region file with either key must be in
 * the hierarchy. Errors at the key's file:line:column. */
dp_status dp_hierarchy_check_region(dp_ctx *ctx, const dp_hierarchy *h, const char *path,
                                    const dp_region_input *r);

/* The roll-up nodes of n_leaf regions with ids leaf[]: every node other than the leaves that
 * has one of them under it, in hierarchy order. Writes their indices to nodes (room for
 * n_leaf * DP_N_ADM) and their count to *n_nodes; and for leaf j, anc[j * DP_N_ADM + d]
 * the position in nodes of its d-th ancestor upwards (parent first), DP_HNONE after the last.
 * Leaves not in the hierarchy belong to no node. DP_ENOMEM only. */
dp_status dp_hierarchy_span(dp_ctx *ctx, const dp_hierarchy *h, const char *const *leaf,
                            size_t n_leaf, size_t *nodes, size_t *n_nodes, size_t *anc);

#endif
