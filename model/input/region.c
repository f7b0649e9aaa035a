/* model/input/region.c
 *
 * Region files (data/regions/<id>.yaml, format in docs/scenarios.md "Region files") into a
 * dp_region_input. Every key is checked: unknown keys are refused with a "did you mean" hint,
 * required keys must be present, counts must be positive or non-negative, shares must lie in
 * [0, 1] and sum to 1 within 0.005, marginals may not exceed the disabled total. Errors read
 * "FILE:LINE:COL: key.path: what was expected". Optional figures left out are NAN, which the
 * model reads as "use the national structure" or "unknown".
 */
#include "input/region.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/yaml_tree.h"

const char *const dp_marg_key[DP_N_MARG] = {"certified", "severe",          "severe_certified",
                                            "dibao",     "dibao_certified", "marginal",
                                            "aged60",    "children"};

static const char *const top_keys[] = {"dpsim_region", "id",         "name_en", "name_zh",
                                       "province",     "base_year",  "sources", "population",
                                       "disabled",     "recipients", "reported",
                                       "parent",       "code"};
static const char *const population_keys[] = {"total",      "age_shares",     "sex_ratio",
                                              "birth_rate", "migration_rate", "age_groups",
                                              "single_ages"};
static const char *const sex_keys[] = {"male", "female"};
static const char *const disabled_keys[] = {"total", "type_shares", "marginals"};
static const char *const age_keys[] = {"0-14", "15-59", "60+"};
static const char *const reported_keys[] = {"key", "value", "unit", "source"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Tolerance on the sum of a set of shares (rounded published percentages). */
static const double share_sum_tol = 0.005;

/* A count of persons: positive (totals) or non-negative (marginals, recipients). */
static dp_status
get_count(dp_ctx *ctx, const dp_ynode *node, const char *path, int positive, double *out)
{
    const char *what =
        positive ? "a positive number of persons" : "a non-negative number of persons";
    if (dp_yget_number(ctx, node, path, what, 0, HUGE_VAL, out) != DP_OK) {
        return DP_EINPUT;
    }
    if (positive && !(*out > 0)) {
        return dp_yexpected(ctx, node, path, what);
    }
    return DP_OK;
}

/* A map node or the error "PATH: expected WHAT". */
static dp_status
need_map(dp_ctx *ctx, const dp_ynode *node, const char *path, const char *const *keys, size_t n)
{
    if (node->kind != DP_YMAP) {
        return dp_yexpected(ctx, node, path, "a map");
    }
    return dp_ycheck_keys(ctx, node, path, keys, n);
}

/* A complete set of shares (every key of keys present, each in [0, 1], sum 1 within
 * share_sum_tol) into share[]. */
static dp_status
get_shares(dp_ctx *ctx, const dp_ynode *map, const char *path, const char *const *keys, size_t n,
           double *share)
{
    char sub[128];
    dp_ynode *node;
    double sum = 0.0;
    if (need_map(ctx, map, path, keys, n) != DP_OK) {
        return DP_EINPUT;
    }
    for (size_t i = 0; i < n; i++) {
        if (dp_yrequire(ctx, map, path, keys[i], &node) != DP_OK) {
            return DP_EINPUT;
        }
        dp_ypath(sub, sizeof sub, path, keys[i]);
        if (dp_yget_number(ctx, node, sub, "a share in [0, 1]", 0, 1, &share[i]) != DP_OK) {
            return DP_EINPUT;
        }
        sum += share[i];
    }
    if (fabs(sum - 1.0) > share_sum_tol) {
        return dp_yerror(ctx, map, "%s: the shares sum to %g, expected 1 (within %g)", path, sum,
                         share_sum_tol);
    }
    return DP_OK;
}

/* The file name without its folder and its .yaml / .yml suffix, into stem[size]. */
static void
file_stem(const char *path, char *stem, size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".yaml") == 0) {
        len -= 5;
    } else if (len > 4 && strcmp(base + len - 4, ".yml") == 0) {
        len -= 4;
    }
    snprintf(stem, size, "%.*s", (int)len, base);
}

/* population.age_groups or population.single_ages: a map {male: [...], female: [...]} of n
 * non-negative numbers each (persons, any scale), into r->age_pop. */
static dp_status
read_age_table(dp_ctx *ctx, const dp_ynode *node, const char *path, size_t n, const char *what,
               dp_region_input *r)
{
    char sub[96], item[112];
    dp_ynode *list;
    double total = 0.0;
    if (need_map(ctx, node, path, sex_keys, 2) != DP_OK) {
        return DP_EINPUT;
    }
    for (size_t sex = 0; sex < 2; sex++) {
        if (dp_yrequire(ctx, node, path, sex_keys[sex], &list) != DP_OK) {
            return DP_EINPUT;
        }
        dp_ypath(sub, sizeof sub, path, sex_keys[sex]);
        if (list->kind != DP_YSEQ) {
            return dp_yexpected(ctx, list, sub, what);
        }
        if (list->n != n) {
            return dp_yerror(ctx, list, "%s: expected %s, got %zu numbers", sub, what, list->n);
        }
        for (size_t i = 0; i < n; i++) {
            snprintf(item, sizeof item, "%s[%zu]", sub, i + 1);
            if (get_count(ctx, list->val[i], item, 0, &r->age_pop[sex][i]) != DP_OK) {
                return DP_EINPUT;
            }
            total += r->age_pop[sex][i];
        }
    }
    if (!(total > 0.0)) {
        return dp_yerror(ctx, node, "%s: expected some residents, got 0 in every group", path);
    }
    return DP_OK;
}

static dp_status
read_population(dp_ctx *ctx, const dp_ynode *map, dp_region_input *r)
{
    const dp_ynode *groups = NULL, *single = NULL, *shares = NULL, *ratio = NULL;
    dp_ynode *node;
    if (need_map(ctx, map, "population", population_keys, N_OF(population_keys)) != DP_OK ||
        dp_yrequire(ctx, map, "population", "total", &node) != DP_OK ||
        get_count(ctx, node, "population.total", 1, &r->population) != DP_OK) {
        return DP_EINPUT;
    }
    if ((node = dp_ymap_get(map, "age_shares")) &&
        get_shares(ctx, node, "population.age_shares", age_keys, 3, r->age_share) != DP_OK) {
        return DP_EINPUT;
    }
    if ((node = dp_ymap_get(map, "sex_ratio")) &&
        dp_yget_number(ctx, node, "population.sex_ratio", "a number in [80, 130]", 80, 130,
                       &r->sex_ratio) != DP_OK) {
        return DP_EINPUT;
    }
    /* Residents by sex and age: 5-year groups or single ages (they fix the sex ratio and every
     * age, so neither goes with age_shares or sex_ratio, nor with the other). */
    groups = dp_ymap_get(map, "age_groups");
    single = dp_ymap_get(map, "single_ages");
    shares = dp_ymap_get(map, "age_shares");
    ratio = dp_ymap_get(map, "sex_ratio");
    const dp_ynode *table = groups ? groups : single;
    const char *tname = groups ? "population.age_groups" : "population.single_ages";
    if (groups && single) {
        return dp_yerror(ctx, single, "population.single_ages: give either age_groups or "
                         "single_ages, not both");
    }
    if (table && (shares || ratio)) {
        return dp_yerror(ctx, shares ? shares : ratio,
                         "population.%s: not with %s (the age table gives every age and sex)",
                         shares ? "age_shares" : "sex_ratio", tname + 11);
    }
    if (groups && read_age_table(ctx, groups, "population.age_groups", DP_N_AGE5,
                                 "a list of 21 numbers of persons (ages 0-4, 5-9, ..., 95-99, "
                                 "100+)",
                                 r) != DP_OK) {
        return DP_EINPUT;
    }
    if (single && read_age_table(ctx, single, "population.single_ages", 101,
                                 "a list of 101 numbers of persons (ages 0, 1, ..., 99, 100+)",
                                 r) != DP_OK) {
        return DP_EINPUT;
    }
    r->age_input = groups ? DP_AGE_GROUPS : (single ? DP_AGE_SINGLE : DP_AGE_NONE);
    if (dp_yrequire(ctx, map, "population", "birth_rate", &node) != DP_OK ||
        dp_yget_number(ctx, node, "population.birth_rate", "a number in [0, 0.1]", 0, 0.1,
                       &r->birth_rate) != DP_OK) {
        return DP_EINPUT;
    }
    if (dp_yrequire(ctx, map, "population", "migration_rate", &node) != DP_OK ||
        dp_yget_number(ctx, node, "population.migration_rate", "a number in [-0.2, 0.2]", -0.2, 0.2,
                       &r->migration_rate) != DP_OK) {
        return DP_EINPUT;
    }
    return DP_OK;
}

static dp_status
read_disabled(dp_ctx *ctx, const dp_ynode *map, dp_region_input *r)
{
    char path[128];
    dp_ynode *node;
    dp_ynode *total;
    if (need_map(ctx, map, "disabled", disabled_keys, N_OF(disabled_keys)) != DP_OK ||
        dp_yrequire(ctx, map, "disabled", "total", &total) != DP_OK ||
        get_count(ctx, total, "disabled.total", 1, &r->disabled_total) != DP_OK) {
        return DP_EINPUT;
    }
    if ((node = dp_ymap_get(map, "type_shares")) &&
        get_shares(ctx, node, "disabled.type_shares", dp_type_label, DP_N_TYPE, r->type_share) !=
            DP_OK) {
        return DP_EINPUT;
    }
    const dp_ynode *marg = dp_ymap_get(map, "marginals");
    if (!marg) {
        return DP_OK;
    }
    if (need_map(ctx, marg, "disabled.marginals", dp_marg_key, DP_N_MARG) != DP_OK) {
        return DP_EINPUT;
    }
    for (size_t m = 0; m < DP_N_MARG; m++) {
        if (!(node = dp_ymap_get(marg, dp_marg_key[m]))) {
            continue;
        }
        dp_ypath(path, sizeof path, "disabled.marginals", dp_marg_key[m]);
        if (get_count(ctx, node, path, 0, &r->marginal[m]) != DP_OK) {
            return DP_EINPUT;
        }
        if (r->marginal[m] > r->disabled_total) {
            return dp_yerror(ctx, node, "%s: %s is more than disabled.total %s", path, node->text,
                             total->text);
        }
    }
    return DP_OK;
}

static dp_status
read_reported(dp_ctx *ctx, const dp_ynode *list, dp_region_input *r)
{
    char path[64];
    char sub[96];
    dp_ynode *node;
    if (list->kind != DP_YSEQ) {
        return dp_yexpected(ctx, list, "reported", "a list");
    }
    if (list->n > DP_REGION_MAX_REPORTED) {
        return dp_yerror(ctx, list, "reported: at most %d entries, got %zu", DP_REGION_MAX_REPORTED,
                         list->n);
    }
    for (size_t i = 0; i < list->n; i++) {
        const dp_ynode *item = list->val[i];
        dp_reported *rep = &r->reported[i];
        snprintf(path, sizeof path, "reported[%zu]", i + 1);
        if (need_map(ctx, item, path, reported_keys, N_OF(reported_keys)) != DP_OK) {
            return DP_EINPUT;
        }
        dp_ypath(sub, sizeof sub, path, "key");
        if (dp_yrequire(ctx, item, path, "key", &node) != DP_OK ||
            dp_yget_text(ctx, node, sub, rep->key, sizeof rep->key, 1) != DP_OK) {
            return DP_EINPUT;
        }
        dp_ypath(sub, sizeof sub, path, "value");
        if (dp_yrequire(ctx, item, path, "value", &node) != DP_OK ||
            dp_yget_number(ctx, node, sub, "a number", -HUGE_VAL, HUGE_VAL, &rep->value) != DP_OK) {
            return DP_EINPUT;
        }
        dp_ypath(sub, sizeof sub, path, "unit");
        if (dp_yrequire(ctx, item, path, "unit", &node) != DP_OK ||
            dp_yget_text(ctx, node, sub, rep->unit, sizeof rep->unit, 1) != DP_OK) {
            return DP_EINPUT;
        }
        dp_ypath(sub, sizeof sub, path, "source");
        if ((node = dp_ymap_get(item, "source")) &&
            dp_yget_text(ctx, node, sub, rep->source, sizeof rep->source, 0) != DP_OK) {
            return DP_EINPUT;
        }
        r->n_reported = i + 1;
    }
    return DP_OK;
}

static int
id_ok(const char *text)
{
    if (text[0] == '\0') {
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

/* `parent:` and `code:`, the region's place in the hierarchy (checked against it by the
 * scenario loader, input/hierarchy.h): text as written, with their positions. */
static dp_status
read_admin(dp_ctx *ctx, const dp_ynode *root, dp_region_input *r)
{
    const dp_ynode *node;
    if ((node = dp_ymap_get(root, "code"))) {
        size_t len = node->kind == DP_YSCALAR ? strlen(node->text) : 0;
        int digits = len == 6;
        for (size_t i = 0; digits && i < len; i++) {
            digits = node->text[i] >= '0' && node->text[i] <= '9';
        }
        if (!digits) {
            return node->kind == DP_YSCALAR
                       ? dp_yerror(ctx, node, "code: expected a six-digit administrative code "
                                              "(GB/T 2260), got '%s'", node->text)
                       : dp_yexpected(ctx, node, "code", "a six-digit administrative code (GB/T 2260)");
        }
        snprintf(r->code, sizeof r->code, "%s", node->text);
        r->code_line = node->line;
        r->code_col = node->col;
    }
    if ((node = dp_ymap_get(root, "parent"))) {
        if (node->kind != DP_YSCALAR || !id_ok(node->text) || strlen(node->text) >= sizeof r->parent) {
            return dp_yexpected(ctx, node, "parent",
                                "the id of a node of the region hierarchy (regions/hierarchy.yaml)");
        }
        snprintf(r->parent, sizeof r->parent, "%s", node->text);
        r->parent_line = node->line;
        r->parent_col = node->col;
    }
    return DP_OK;
}

static dp_status
read_region(dp_ctx *ctx, const char *path, const dp_ynode *root, dp_region_input *r)
{
    char stem[64];
    char sub[96];
    dp_ynode *node;
    static const char what_id[] = "a region id of 1 to 31 characters from A-Z a-z 0-9 _ . -";

    if (dp_ycheck_keys(ctx, root, "", top_keys, N_OF(top_keys)) != DP_OK) {
        return DP_EINPUT;
    }
    if (dp_yrequire(ctx, root, "", "dpsim_region", &node) != DP_OK ||
        dp_yget_int(ctx, node, "dpsim_region", "1 (the region file format version)", 1, 1,
                    &(int){0}) != DP_OK) {
        return DP_EINPUT;
    }
    if (dp_yrequire(ctx, root, "", "id", &node) != DP_OK) {
        return DP_EINPUT;
    }
    if (node->kind != DP_YSCALAR || !id_ok(node->text) || strlen(node->text) >= sizeof r->id) {
        return dp_yexpected(ctx, node, "id", what_id);
    }
    file_stem(path, stem, sizeof stem);
    if (strcmp(node->text, stem) != 0) {
        return dp_yerror(ctx, node, "id: '%s' does not match the file name (expected '%s')",
                         node->text, stem);
    }
    snprintf(r->id, sizeof r->id, "%s", node->text);
    if (dp_yrequire(ctx, root, "", "name_en", &node) != DP_OK ||
        dp_yget_text(ctx, node, "name_en", r->name_en, sizeof r->name_en, 1) != DP_OK ||
        dp_yrequire(ctx, root, "", "name_zh", &node) != DP_OK ||
        dp_yget_text(ctx, node, "name_zh", r->name_zh, sizeof r->name_zh, 1) != DP_OK ||
        dp_yrequire(ctx, root, "", "province", &node) != DP_OK ||
        dp_yget_text(ctx, node, "province", r->province, sizeof r->province, 1) != DP_OK) {
        return DP_EINPUT;
    }
    if (dp_yrequire(ctx, root, "", "base_year", &node) != DP_OK ||
        dp_yget_int(ctx, node, "base_year", "a year in [1990, 2100]", 1990, 2100, &r->base_year) !=
            DP_OK) {
        return DP_EINPUT;
    }
    /* sources: free-text notes kept in the file only; checked for shape. */
    if (read_admin(ctx, root, r) != DP_OK) {
        return DP_EINPUT;
    }
    if ((node = dp_ymap_get(root, "sources"))) {
        if (node->kind != DP_YMAP) {
            return dp_yexpected(ctx, node, "sources", "a map of source notes");
        }
        for (size_t i = 0; i < node->n; i++) {
            if (node->val[i]->kind != DP_YSCALAR) {
                dp_ypath(sub, sizeof sub, "sources", node->key[i]->text);
                return dp_yexpected(ctx, node->val[i], sub, "text");
            }
        }
    }
    if (dp_yrequire(ctx, root, "", "population", &node) != DP_OK ||
        read_population(ctx, node, r) != DP_OK) {
        return DP_EINPUT;
    }
    if (dp_yrequire(ctx, root, "", "disabled", &node) != DP_OK ||
        read_disabled(ctx, node, r) != DP_OK) {
        return DP_EINPUT;
    }
    if ((node = dp_ymap_get(root, "recipients"))) {
        if (need_map(ctx, node, "recipients", dp_prog_key, DP_N_PROG) != DP_OK) {
            return DP_EINPUT;
        }
        for (size_t k = 0; k < DP_N_PROG; k++) {
            const dp_ynode *val = dp_ymap_get(node, dp_prog_key[k]);
            dp_ypath(sub, sizeof sub, "recipients", dp_prog_key[k]);
            if (val && get_count(ctx, val, sub, 0, &r->recipients[k]) != DP_OK) {
                return DP_EINPUT;
            }
        }
    }
    if ((node = dp_ymap_get(root, "reported")) && read_reported(ctx, node, r) != DP_OK) {
        return DP_EINPUT;
    }
    return DP_OK;
}

dp_status
dp_region_load(dp_ctx *ctx, const char *path, dp_region_input *out)
{
    dp_status rc = DP_OK;
    dp_ynode *root = NULL;
    dp_region_input *r = NULL;

    if ((rc = dp_ytree_load(ctx, path, &root, NULL)) != DP_OK) {
        goto out;
    }
    if (!root) {
        rc = dp_error(ctx, DP_EINPUT, "%s:1:1: the file is empty; expected a map of region keys",
                      path);
        goto out;
    }
    if (root->kind != DP_YMAP) {
        rc = dp_yexpected(ctx, root, "", "a map of region keys");
        goto out;
    }
    /* Fill a copy, so *out is untouched on error. */
    r = calloc(1, sizeof *r);
    if (!r) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    r->age_share[0] = r->age_share[1] = r->age_share[2] = NAN;
    r->sex_ratio = NAN;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        r->type_share[t] = NAN;
    }
    for (size_t m = 0; m < DP_N_MARG; m++) {
        r->marginal[m] = NAN;
    }
    for (size_t k = 0; k < DP_N_PROG; k++) {
        r->recipients[k] = NAN;
    }
    if ((rc = read_region(ctx, path, root, r)) != DP_OK) {
        goto out;
    }
    *out = *r;
out:
    free(r);
    dp_ynode_free(root);
    return rc;
}
