/* model/input/region.c
 *
 * Region files (data/regions/<id>.yaml, format in docs/scenarios.md "Region files") into a
 * dp_region_input. Every key is checked: unknown keys are refused with a "did you mean" hint,
 * required keys must be present, counts must be positive or non-negative, shares must lie in
 * [0, 1] and sum to 1 within 0.005, marginals may not exceed the disabled total. Errors read
 * "FILE:LINE:COL: key.path: what was expected". Optional figures left out are NAN, which the
 * model reads as "use the national structure" or "unknown". Three parts are kept in their own
 * functions: the base blocks (one base at the top level, or several under `bases:`, of which
 * the caller's year is kept), the dated `reported:` figures (keys checked against the
 * indicator catalogue and four extra quantities, units against the key's), and the province
 * names (the 31 provinces, Hong Kong, Macau, Taiwan and China, in English or Chinese).
 */
#include "input/region.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input/indicators.h"
#include "input/yaml_tree.h"

const char *const dp_marg_key[DP_N_MARG] = {"certified", "severe",          "severe_certified",
                                            "dibao",     "dibao_certified", "marginal",
                                            "aged60",    "children"};


static const char *const top_keys[] = {"dpsim_region", "id",         "name_en", "name_zh",
                                       "province",     "base_year",  "sources", "population",
                                       "disabled",     "recipients", "reported", "bases",
                                       "parent",       "code",       "standards"};
static const char *const population_keys[] = {"total",      "age_shares",     "sex_ratio",
                                              "birth_rate", "migration_rate", "age_groups",
                                              "single_ages"};
static const char *const sex_keys[] = {"male", "female"};
static const char *const disabled_keys[] = {"total", "type_shares", "marginals"};
static const char *const age_keys[] = {"0-14", "15-59", "60+"};

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
        return dp_ctx_failed(ctx);
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
        return dp_ctx_failed(ctx);
    }
    for (size_t i = 0; i < n; i++) {
        if (dp_yrequire(ctx, map, path, keys[i], &node) != DP_OK) {
            return dp_ctx_failed(ctx);
        }
        dp_ypath(sub, sizeof sub, path, keys[i]);
        if (dp_yget_number(ctx, node, sub, "a share in [0, 1]", 0, 1, &share[i]) != DP_OK) {
            return dp_ctx_failed(ctx);
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
    char sub[128], item[160]; /* item: sub, "[", up to 20 digits, "]" */
    dp_ynode *list;
    double total = 0.0;
    if (need_map(ctx, node, path, sex_keys, 2) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    for (size_t sex = 0; sex < 2; sex++) {
        if (dp_yrequire(ctx, node, path, sex_keys[sex], &list) != DP_OK) {
            return dp_ctx_failed(ctx);
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
                return dp_ctx_failed(ctx);
            }
            total += r->age_pop[sex][i];
        }
    }
    if (!(total > 0.0)) {
        return dp_yerror(ctx, node, "%s: expected some residents, got 0 in every group", path);
    }
    return DP_OK;
}

/* Key paths under a prefix: "bases.2017.population.total" for a base of `bases:`, the path
 * itself at the top level. P returns one of a few rotating buffers, so a call may use up to
 * eight paths at once. */
typedef struct {
    const char *pre; /**< "" or "bases.YEAR" */
    char buf[8][128];
    size_t next;
} key_paths;

static const char *
P(key_paths *ps, const char *path)
{
    if (ps->pre[0] == '\0') {
        return path;
    }
    /* Copied by hand: path is never one of the buffers, but the compiler cannot know it. */
    char *b = ps->buf[ps->next++ % 8];
    size_t n = 0, cap = sizeof ps->buf[0] - 1;
    for (const char *c = ps->pre; *c && n < cap; c++) {
        b[n++] = *c;
    }
    if (n < cap) {
        b[n++] = '.';
    }
    for (const char *c = path; *c && n < cap; c++) {
        b[n++] = *c;
    }
    b[n] = '\0';
    return b;
}

static dp_status
read_population(dp_ctx *ctx, const dp_ynode *map, key_paths *ps, dp_region_input *r)
{
    const dp_ynode *groups = NULL, *single = NULL, *shares = NULL, *ratio = NULL;
    dp_ynode *node;
    if (need_map(ctx, map, P(ps, "population"), population_keys, N_OF(population_keys)) != DP_OK ||
        dp_yrequire(ctx, map, P(ps, "population"), "total", &node) != DP_OK ||
        get_count(ctx, node, P(ps, "population.total"), 1, &r->population) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if ((node = dp_ymap_get(map, "age_shares")) &&
        get_shares(ctx, node, P(ps, "population.age_shares"), age_keys, 3, r->age_share) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if ((node = dp_ymap_get(map, "sex_ratio")) &&
        dp_yget_number(ctx, node, P(ps, "population.sex_ratio"), "a number in [80, 130]", 80, 130,
                       &r->sex_ratio) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    /* Residents by sex and age: 5-year groups or single ages (they fix the sex ratio and every
     * age, so neither goes with age_shares or sex_ratio, nor with the other). */
    groups = dp_ymap_get(map, "age_groups");
    single = dp_ymap_get(map, "single_ages");
    shares = dp_ymap_get(map, "age_shares");
    ratio = dp_ymap_get(map, "sex_ratio");
    const dp_ynode *table = groups ? groups : single;
    if (groups && single) {
        return dp_yerror(ctx, single, "%s: give either age_groups or single_ages, not both",
                         P(ps, "population.single_ages"));
    }
    if (table && (shares || ratio)) {
        return dp_yerror(ctx, shares ? shares : ratio,
                         "%s: not with %s (the age table gives every age and sex)",
                         P(ps, shares ? "population.age_shares" : "population.sex_ratio"),
                         groups ? "age_groups" : "single_ages");
    }
    if (groups && read_age_table(ctx, groups, P(ps, "population.age_groups"), DP_N_AGE5,
                                 "a list of 21 numbers of persons (ages 0-4, 5-9, ..., 95-99, "
                                 "100+)",
                                 r) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if (single && read_age_table(ctx, single, P(ps, "population.single_ages"), 101,
                                 "a list of 101 numbers of persons (ages 0, 1, ..., 99, 100+)",
                                 r) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    r->age_input = groups ? DP_AGE_GROUPS : (single ? DP_AGE_SINGLE : DP_AGE_NONE);
    if (dp_yrequire(ctx, map, P(ps, "population"), "birth_rate", &node) != DP_OK ||
        dp_yget_number(ctx, node, P(ps, "population.birth_rate"), "a number in [0, 0.1]", 0, 0.1,
                       &r->birth_rate) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if (dp_yrequire(ctx, map, P(ps, "population"), "migration_rate", &node) != DP_OK ||
        dp_yget_number(ctx, node, P(ps, "population.migration_rate"), "a number in [-0.2, 0.2]", -0.2, 0.2,
                       &r->migration_rate) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    return DP_OK;
}

static dp_status
read_disabled(dp_ctx *ctx, const dp_ynode *map, key_paths *ps, dp_region_input *r)
{
    char path[128];
    dp_ynode *node;
    dp_ynode *total;
    if (need_map(ctx, map, P(ps, "disabled"), disabled_keys, N_OF(disabled_keys)) != DP_OK ||
        dp_yrequire(ctx, map, P(ps, "disabled"), "total", &total) != DP_OK ||
        get_count(ctx, total, P(ps, "disabled.total"), 1, &r->disabled_total) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if ((node = dp_ymap_get(map, "type_shares")) &&
        get_shares(ctx, node, P(ps, "disabled.type_shares"), dp_type_label, DP_N_TYPE, r->type_share) !=
            DP_OK) {
        return dp_ctx_failed(ctx);
    }
    const dp_ynode *marg = dp_ymap_get(map, "marginals");
    if (!marg) {
        return DP_OK;
    }
    if (need_map(ctx, marg, P(ps, "disabled.marginals"), dp_marg_key, DP_N_MARG) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    for (size_t m = 0; m < DP_N_MARG; m++) {
        if (!(node = dp_ymap_get(marg, dp_marg_key[m]))) {
            continue;
        }
        dp_ypath(path, sizeof path, P(ps, "disabled.marginals"), dp_marg_key[m]);
        if (get_count(ctx, node, path, 0, &r->marginal[m]) != DP_OK) {
            return dp_ctx_failed(ctx);
        }
        if (r->marginal[m] > r->disabled_total) {
            return dp_yerror(ctx, node, "%s: %s is more than %s %s", path, node->text,
                             P(ps, "disabled.total"), total->text);
        }
    }
    return DP_OK;
}

/* One base: `population`, `disabled` and optionally `recipients` of map (the file's top level,
 * or a base of `bases:`, ps->pre naming it) into r. */
static dp_status
read_base(dp_ctx *ctx, const dp_ynode *map, key_paths *ps, dp_region_input *r)
{
    char sub[160];
    dp_ynode *node;
    if (dp_yrequire(ctx, map, ps->pre, "population", &node) != DP_OK ||
        read_population(ctx, node, ps, r) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if (dp_yrequire(ctx, map, ps->pre, "disabled", &node) != DP_OK ||
        read_disabled(ctx, node, ps, r) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if ((node = dp_ymap_get(map, "recipients"))) {
        if (need_map(ctx, node, P(ps, "recipients"), dp_prog_key, DP_N_PROG) != DP_OK) {
            return dp_ctx_failed(ctx);
        }
        for (size_t k = 0; k < DP_N_PROG; k++) {
            const dp_ynode *val = dp_ymap_get(node, dp_prog_key[k]);
            dp_ypath(sub, sizeof sub, P(ps, "recipients"), dp_prog_key[k]);
            if (val && get_count(ctx, val, sub, 0, &r->recipients[k]) != DP_OK) {
                return dp_ctx_failed(ctx);
            }
        }
    }
    return DP_OK;
}

/* The base blocks' figures left out: NAN ("national" or "unknown"). */
static void
clear_base(dp_region_input *r)
{
    r->age_input = DP_AGE_NONE;
    memset(r->age_pop, 0, sizeof r->age_pop);
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
}

/* Years a reported figure may refer to. */
enum { REP_YEAR_MIN = 1949, REP_YEAR_MAX = 2100 };

/* `standards:` — the dated standards (monthly amounts, yuan) of the living and care subsidies
 * in the region: `standards: {care_subsidy: {source: TEXT, values: {2016: 500, 2022: 500}}}`,
 * at least two years per programme, values > 0. Each gives r->std_growth[k], the geometric
 * mean yearly increase from the first year to the last. */
static const char *const standards_progs[] = {"living_subsidy", "care_subsidy"};
static const char *const standards_keys[] = {"source", "values"};
static dp_status
read_standards(dp_ctx *ctx, const dp_ynode *node, dp_region_input *r)
{
    char sub[96], sub2[128];
    if (need_map(ctx, node, "standards", standards_progs, N_OF(standards_progs)) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    for (size_t i = 0; i < node->n; i++) {
        const char *prog = node->key[i]->text;
        size_t k = strcmp(prog, "living_subsidy") == 0 ? DP_PROG_LIVING : DP_PROG_CARE;
        const dp_ynode *m = node->val[i];
        dp_ypath(sub, sizeof sub, "standards", prog);
        if (need_map(ctx, m, sub, standards_keys, N_OF(standards_keys)) != DP_OK) {
            return dp_ctx_failed(ctx);
        }
        dp_ynode *v;
        char src[DP_REGION_STR];
        dp_ypath(sub2, sizeof sub2, sub, "source");
        if (dp_yrequire(ctx, m, sub, "source", &v) != DP_OK ||
            dp_yget_text(ctx, v, sub2, src, sizeof src, 1) != DP_OK ||
            dp_yrequire(ctx, m, sub, "values", &v) != DP_OK) {
            return dp_ctx_failed(ctx);
        }
        dp_ypath(sub2, sizeof sub2, sub, "values");
        static const char what_values[] = "a map of at least two years to the standard in "
                                          "force (yuan a month), e.g. {2016: 500, 2022: 500}";
        if (v->kind != DP_YMAP) {
            return dp_yexpected(ctx, v, sub2, what_values);
        }
        if (v->n < 2) {
            return dp_yerror(ctx, v, "%s: expected %s, got %zu year (a yearly increase needs "
                             "two)", sub2, what_values, v->n);
        }
        int y0 = 0, y1 = 0, prev = 0;
        double v0 = NAN, v1 = NAN;
        for (size_t j = 0; j < v->n; j++) {
            long y;
            char sub3[160], what[64];
            snprintf(sub3, sizeof sub3, "%s.%s", sub2, v->key[j]->text);
            if (!dp_yparse_int(v->key[j], &y) || y < REP_YEAR_MIN || y > REP_YEAR_MAX ||
                (j > 0 && y <= prev)) {
                snprintf(what, sizeof what, "a year in [%d, %d] after the one before",
                         j > 0 ? prev + 1 : REP_YEAR_MIN, REP_YEAR_MAX);
                return dp_yexpected(ctx, v->key[j], sub2, what);
            }
            double a;
            if (dp_yget_number(ctx, v->val[j], sub3, "a monthly amount > 0 in yuan", 1e-9,
                               HUGE_VAL, &a) != DP_OK) {
                return dp_ctx_failed(ctx);
            }
            if (j == 0) {
                y0 = (int)y;
                v0 = a;
            }
            y1 = (int)y;
            v1 = a;
            prev = (int)y;
        }
        r->std_growth[k] = pow(v1 / v0, 1.0 / (double)(y1 - y0)) - 1.0;
        r->std_from[k] = y0;
        r->std_to[k] = y1;
    }
    return DP_OK;
}

static const char *const base_keys[] = {"population", "disabled", "recipients"};
/* Keys of a one-base file that `bases:` replaces. */
static const char *const one_base_keys[] = {"base_year", "population", "disabled", "recipients"};

/* The base figures: `base_year` with `population`, `disabled`, `recipients` at the top level,
 * or `bases:` {YEAR: {population, disabled, recipients}, ...}. Every base is checked; r gets
 * base year want if the file has it, else the latest (the caller compares r->base_year). */
static dp_status
read_bases(dp_ctx *ctx, const dp_ynode *root, int want, dp_region_input *r)
{
    key_paths ps = {.pre = ""};
    char pre[32];
    dp_ynode *node;
    const dp_ynode *bases = dp_ymap_get(root, "bases");
    if (!bases) {
        if (dp_yrequire(ctx, root, "", "base_year", &node) != DP_OK ||
            dp_yget_int(ctx, node, "base_year", "a year in [1990, 2100]", 1990, 2100,
                        &r->base_year) != DP_OK) {
            return dp_ctx_failed(ctx);
        }
        r->n_base = 1;
        r->base_years[0] = r->base_year;
        return read_base(ctx, root, &ps, r);
    }
    for (size_t i = 0; i < N_OF(one_base_keys); i++) {
        if ((node = dp_ymap_key(root, one_base_keys[i]))) {
            return dp_yerror(ctx, node, "%s: not with bases (each base gives its own)",
                             one_base_keys[i]);
        }
    }
    if (bases->kind != DP_YMAP || bases->n == 0) {
        return dp_yexpected(ctx, bases, "bases", "a map of base years to their figures");
    }
    if (bases->n > DP_REGION_MAX_BASES) {
        return dp_yerror(ctx, bases, "bases: at most %d base years, got %zu",
                         DP_REGION_MAX_BASES, bases->n);
    }
    dp_region_input *scratch = malloc(sizeof *scratch);
    if (!scratch) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    size_t pick = 0;
    for (size_t i = 0; i < bases->n; i++) {
        int year = 0;
        if (dp_yget_int(ctx, bases->key[i], "bases", "a base year in [1990, 2100]", 1990, 2100,
                        &year) != DP_OK) {
            free(scratch);
            return dp_ctx_failed(ctx);
        }
        if (i > 0 && year <= r->base_years[i - 1]) {
            free(scratch);
            return dp_yerror(ctx, bases->key[i], "bases: %d after %d; expected the base years in "
                             "increasing order", year, r->base_years[i - 1]);
        }
        r->base_years[i] = year;
        snprintf(pre, sizeof pre, "bases.%d", year);
        ps.pre = pre;
        clear_base(scratch);
        if (need_map(ctx, bases->val[i], pre, base_keys, N_OF(base_keys)) != DP_OK ||
            read_base(ctx, bases->val[i], &ps, scratch) != DP_OK) {
            free(scratch);
            return dp_ctx_failed(ctx);
        }
        if (year == want || (i + 1 == bases->n && r->base_years[pick] != want)) {
            pick = i;
        }
    }
    free(scratch);
    r->n_base = bases->n;
    r->base_year = r->base_years[pick];
    snprintf(pre, sizeof pre, "bases.%d", r->base_year);
    ps.pre = pre;
    return read_base(ctx, bases->val[pick], &ps, r);
}

/* ------------------------------------------------------------------------------------------ */
/* Reported figures (`reported:`): dated administrative figures for quantities the model
 * computes. Kept apart from the base-year blocks above. */

const char *const dp_bound_key[DP_N_BOUND] = {"exact", "lower", "upper"};
const char *const dp_rep_status_key[DP_N_REP_STATUS] = {"quoted", "derived", "assumption",
                                                        "not_verified"};

/* Quantities the model computes that the indicator catalogue has no key for, and their units
 * (docs/scenarios.md "Reported figures" says where each is computed). */
static const char *const extra_unit[][2] = {
    {"dibao_certified", "persons"},      /* `disabled` table: card holders in dibao households */
    {"pension_participants", "persons"}, /* `indicators`: card holders 16+ in the pension */
    {"medical_participants", "persons"}, /* `indicators`: card holders in medical insurance */
    {"rehab_recipients", "persons"},     /* adult_rehab + child_rehab recipients */
};
#define N_EXTRA (sizeof extra_unit / sizeof extra_unit[0])

const char *
dp_reported_key_unit(const char *key)
{
    dp_indicator found; /* its unit is static text */
    for (size_t i = 0; i < N_EXTRA; i++) {
        if (strcmp(extra_unit[i][0], key) == 0) {
            return extra_unit[i][1];
        }
    }
    return dp_indicator_find(key, &found) ? found.unit : NULL;
}

/* The reported-figure key closest to key within 2 edits (fewer than key has characters) into
 * best[size]; returns best, or NULL when none is that close. */
static const char *
closest_reported_key(const char *key, char *best, size_t size)
{
    size_t best_d = 3, len = strlen(key);
    dp_indicator ind;
    best[0] = '\0';
    for (size_t i = 0, n = dp_indicator_count(); i < n + N_EXTRA; i++) {
        const char *cand = i < n ? (dp_indicator_get(i, &ind), ind.key) : extra_unit[i - n][0];
        size_t d = dp_edit_distance(key, cand);
        if (d < best_d && d < len) {
            snprintf(best, size, "%s", cand);
            best_d = d;
        }
    }
    return best[0] ? best : NULL;
}

static const char *const reported_keys[] = {"key",  "value", "unit",  "source", "year",
                                            "at",   "from",  "bound", "status"};

/* Index of text among keys[0..n), or -1. */
static int
find_word(const char *text, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(text, keys[i]) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* reported[N].key: a quantity the model computes; its unit must be the key's. */
static dp_status
read_reported_key(dp_ctx *ctx, const dp_ynode *item, const char *path, dp_reported *rep)
{
    char sub[96];
    dp_ynode *node, *unit;
    dp_ypath(sub, sizeof sub, path, "key");
    if (dp_yrequire(ctx, item, path, "key", &node) != DP_OK ||
        dp_yget_text(ctx, node, sub, rep->key, sizeof rep->key, 1) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    const char *want = dp_reported_key_unit(rep->key);
    if (!want) {
        char near[48];
        const char *best = closest_reported_key(rep->key, near, sizeof near);
        if (best) {
            return dp_yerror(ctx, node, "%s: '%s' is not a quantity the model computes (did you "
                             "mean '%s'?)", sub, rep->key, best);
        }
        return dp_yerror(ctx, node,
                         "%s: '%s' is not a quantity the model computes; expected an indicator "
                         "(docs/scenarios.md#indicators, e.g. certified, "
                         "care_subsidy_recipients, home_renovation_spending) or one of "
                         "dibao_certified, pension_participants, medical_participants, "
                         "rehab_recipients",
                         sub, rep->key);
    }
    dp_ypath(sub, sizeof sub, path, "unit");
    if (dp_yrequire(ctx, item, path, "unit", &unit) != DP_OK ||
        dp_yget_text(ctx, unit, sub, rep->unit, sizeof rep->unit, 1) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if (strcmp(rep->unit, want) != 0) {
        return dp_yerror(ctx, unit, "%s: expected '%s' (the unit of %s), got '%s'", sub, want,
                         rep->key, rep->unit);
    }
    return DP_OK;
}

/* reported[N].at: "end" (month 12), "mid" (month 6) or "YYYY-MM" within reported[N].year. */
static dp_status
read_reported_at(dp_ctx *ctx, const dp_ynode *node, const char *path, dp_reported *rep)
{
    static const char what[] = "end, mid or a month YYYY-MM of the year";
    int yy = 0, mm = 0, len = 0;
    rep->month = 12;
    rep->mid = 0;
    if (!node) {
        return DP_OK;
    }
    if (node->kind != DP_YSCALAR) {
        return dp_yexpected(ctx, node, path, what);
    }
    if (strcmp(node->text, "end") == 0) {
        return DP_OK;
    }
    if (strcmp(node->text, "mid") == 0) {
        rep->month = 6;
        rep->mid = 1;
        return DP_OK;
    }
    if (strlen(node->text) != 7 || sscanf(node->text, "%4d-%2d%n", &yy, &mm, &len) != 2 ||
        len != 7 || node->text[4] != '-') {
        return dp_yexpected(ctx, node, path, what);
    }
    if (mm < 1 || mm > 12) {
        return dp_yerror(ctx, node, "%s: '%s' has no month %d (expected 01 to 12)", path,
                         node->text, mm);
    }
    if (yy != rep->year) {
        return dp_yerror(ctx, node, "%s: '%s' is not in year %d (the entry's year)", path,
                         node->text, rep->year);
    }
    rep->month = mm;
    return DP_OK;
}

/* reported[N].bound or .status: one of words[0..n) (default index 0). */
static dp_status
read_reported_word(dp_ctx *ctx, const dp_ynode *item, const char *path, const char *key,
                   const char *const *words, size_t n, const char *what, int *out)
{
    char sub[96];
    const dp_ynode *node = dp_ymap_get(item, key);
    *out = 0;
    if (!node) {
        return DP_OK;
    }
    dp_ypath(sub, sizeof sub, path, key);
    if (node->kind != DP_YSCALAR || (*out = find_word(node->text, words, n)) < 0) {
        return dp_yexpected(ctx, node, sub, what);
    }
    return DP_OK;
}

/* One entry of `reported:` (path "reported[N]") into rep. */
static dp_status
read_reported_entry(dp_ctx *ctx, const dp_ynode *item, const char *path, dp_reported *rep)
{
    char sub[96], what[64];
    dp_ynode *node;
    int word;
    if (need_map(ctx, item, path, reported_keys, N_OF(reported_keys)) != DP_OK ||
        read_reported_key(ctx, item, path, rep) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    dp_ypath(sub, sizeof sub, path, "value");
    if (dp_yrequire(ctx, item, path, "value", &node) != DP_OK ||
        dp_yget_number(ctx, node, sub, "a number", -HUGE_VAL, HUGE_VAL, &rep->value) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    dp_ypath(sub, sizeof sub, path, "source");
    if ((node = dp_ymap_get(item, "source")) &&
        dp_yget_text(ctx, node, sub, rep->source, sizeof rep->source, 0) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    snprintf(what, sizeof what, "a year in [%d, %d]", REP_YEAR_MIN, REP_YEAR_MAX);
    dp_ypath(sub, sizeof sub, path, "year");
    if (dp_yrequire(ctx, item, path, "year", &node) != DP_OK ||
        dp_yget_int(ctx, node, sub, what, REP_YEAR_MIN, REP_YEAR_MAX, &rep->year) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    dp_ypath(sub, sizeof sub, path, "at");
    if (read_reported_at(ctx, dp_ymap_get(item, "at"), sub, rep) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    rep->from = rep->year;
    if ((node = dp_ymap_get(item, "from"))) {
        dp_ypath(sub, sizeof sub, path, "from");
        snprintf(what, sizeof what, "a year in [%d, %d] (the entry's year)", REP_YEAR_MIN,
                 rep->year);
        if (dp_yget_int(ctx, node, sub, what, REP_YEAR_MIN, rep->year, &rep->from) != DP_OK) {
            return dp_ctx_failed(ctx);
        }
    }
    if (read_reported_word(ctx, item, path, "bound", dp_bound_key, DP_N_BOUND,
                           "exact, lower or upper", &word) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    rep->bound = (dp_bound)word;
    if (read_reported_word(ctx, item, path, "status", dp_rep_status_key, DP_N_REP_STATUS,
                           "quoted, derived, assumption or not_verified", &word) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    rep->status = (dp_rep_status)word;
    return DP_OK;
}

/* `reported:` into r->reported (heap, list->n entries). */
static dp_status
read_reported(dp_ctx *ctx, const dp_ynode *list, dp_region_input *r)
{
    char path[64];
    if (list->kind != DP_YSEQ) {
        return dp_yexpected(ctx, list, "reported", "a list");
    }
    if (list->n == 0) {
        return DP_OK;
    }
    r->reported = calloc(list->n, sizeof *r->reported);
    if (!r->reported) {
        return dp_error(ctx, DP_ENOMEM, "out of memory for %zu reported figures", list->n);
    }
    for (size_t i = 0; i < list->n; i++) {
        snprintf(path, sizeof path, "reported[%zu]", i + 1);
        if (read_reported_entry(ctx, list->val[i], path, &r->reported[i]) != DP_OK) {
            return dp_ctx_failed(ctx);
        }
        r->n_reported = i + 1;
    }
    return DP_OK;
}

void
dp_region_clear(dp_region_input *r)
{
    if (!r) {
        return;
    }
    free(r->reported);
    r->reported = NULL;
    r->n_reported = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Province names: the file's `province` must name one, so a misspelling cannot fall back to
 * the national shares in silence. */

/* English name, short Chinese name, full Chinese name. */
static const char *const province_names[][3] = {
    {"Beijing", "北京", "北京市"},         {"Tianjin", "天津", "天津市"},
    {"Hebei", "河北", "河北省"},           {"Shanxi", "山西", "山西省"},
    {"Inner Mongolia", "内蒙古", "内蒙古自治区"}, {"Liaoning", "辽宁", "辽宁省"},
    {"Jilin", "吉林", "吉林省"},           {"Heilongjiang", "黑龙江", "黑龙江省"},
    {"Shanghai", "上海", "上海市"},        {"Jiangsu", "江苏", "江苏省"},
    {"Zhejiang", "浙江", "浙江省"},        {"Anhui", "安徽", "安徽省"},
    {"Fujian", "福建", "福建省"},          {"Jiangxi", "江西", "江西省"},
    {"Shandong", "山东", "山东省"},        {"Henan", "河南", "河南省"},
    {"Hubei", "湖北", "湖北省"},           {"Hunan", "湖南", "湖南省"},
    {"Guangdong", "广东", "广东省"},       {"Guangxi", "广西", "广西壮族自治区"},
    {"Hainan", "海南", "海南省"},          {"Chongqing", "重庆", "重庆市"},
    {"Sichuan", "四川", "四川省"},         {"Guizhou", "贵州", "贵州省"},
    {"Yunnan", "云南", "云南省"},          {"Tibet", "西藏", "西藏自治区"},
    {"Shaanxi", "陕西", "陕西省"},         {"Gansu", "甘肃", "甘肃省"},
    {"Qinghai", "青海", "青海省"},         {"Ningxia", "宁夏", "宁夏回族自治区"},
    {"Xinjiang", "新疆", "新疆维吾尔自治区"}, {"Hong Kong", "香港", "香港特别行政区"},
    {"Macau", "澳门", "澳门特别行政区"},   {"Taiwan", "台湾", "台湾省"},
    {"China", "全国", "中国"},
};
#define N_PROVINCE (sizeof province_names / sizeof province_names[0])


int
dp_province_find(const char *name)
{
    for (size_t p = 0; p < N_PROVINCE; p++) {
        if (strcasecmp(name, province_names[p][0]) == 0 ||
            strcmp(name, province_names[p][1]) == 0 || strcmp(name, province_names[p][2]) == 0) {
            return (int)p;
        }
    }
    return -1;
}

/* `province` (node, text already in r->province): a known name, stored in its English form. */
static dp_status
check_province(dp_ctx *ctx, const dp_ynode *node, dp_region_input *r)
{
    char lower[32], cand[32];
    int p = dp_province_find(r->province);
    if (p >= 0) {
        snprintf(r->province, sizeof r->province, "%s", province_names[p][0]);
        return DP_OK;
    }
    /* The closest English name within 2 edits, compared in lower case. */
    size_t len = strlen(r->province), best_d = 3;
    const char *best = NULL;
    for (size_t i = 0; i <= len && i < sizeof lower; i++) {
        lower[i] = (char)tolower((unsigned char)r->province[i]);
    }
    lower[sizeof lower - 1] = '\0';
    for (size_t q = 0; q < N_PROVINCE; q++) {
        const char *en = province_names[q][0];
        size_t i = 0;
        for (; en[i] && i + 1 < sizeof cand; i++) {
            cand[i] = (char)tolower((unsigned char)en[i]);
        }
        cand[i] = '\0';
        size_t d = dp_edit_distance(lower, cand);
        if (d < best_d && d < len) {
            best = en;
            best_d = d;
        }
    }
    if (best) {
        return dp_yerror(ctx, node, "province: '%s' is not a province of China (did you mean "
                         "'%s'?)", r->province, best);
    }
    return dp_yerror(ctx, node,
                     "province: '%s' is not a province of China; expected one of Beijing, "
                     "Tianjin, Hebei, Shanxi, Inner Mongolia, Liaoning, Jilin, Heilongjiang, "
                     "Shanghai, Jiangsu, Zhejiang, Anhui, Fujian, Jiangxi, Shandong, Henan, "
                     "Hubei, Hunan, Guangdong, Guangxi, Hainan, Chongqing, Sichuan, Guizhou, "
                     "Yunnan, Tibet, Shaanxi, Gansu, Qinghai, Ningxia, Xinjiang, Hong Kong, "
                     "Macau, Taiwan (or the Chinese name), or China for the whole country",
                     r->province);
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
read_region(dp_ctx *ctx, const char *path, const dp_ynode *root, int want, dp_region_input *r)
{
    char stem[64];
    char sub[96];
    dp_ynode *node;
    static const char what_id[] = "a region id of 1 to 31 characters from A-Z a-z 0-9 _ . -";

    if (dp_ycheck_keys(ctx, root, "", top_keys, N_OF(top_keys)) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if (dp_yrequire(ctx, root, "", "dpsim_region", &node) != DP_OK ||
        dp_yget_int(ctx, node, "dpsim_region", "1 (the region file format version)", 1, 1,
                    &(int){0}) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if (dp_yrequire(ctx, root, "", "id", &node) != DP_OK) {
        return dp_ctx_failed(ctx);
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
        dp_yget_text(ctx, node, "province", r->province, sizeof r->province, 1) != DP_OK ||
        check_province(ctx, node, r) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    /* sources: free-text notes kept in the file only; checked for shape. */
    if (read_admin(ctx, root, r) != DP_OK) {
        return dp_ctx_failed(ctx);
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
    if (read_bases(ctx, root, want, r) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if ((node = dp_ymap_get(root, "reported")) && read_reported(ctx, node, r) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    if ((node = dp_ymap_get(root, "standards")) && read_standards(ctx, node, r) != DP_OK) {
        return dp_ctx_failed(ctx);
    }
    return DP_OK;
}

dp_status
dp_region_load(dp_ctx *ctx, const char *path, dp_region_input *out)
{
    return dp_region_load_base(ctx, path, 0, out);
}

dp_status
dp_region_load_base(dp_ctx *ctx, const char *path, int base_year, dp_region_input *out)
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
    clear_base(r);
    for (size_t k = 0; k < DP_N_PROG; k++) {
        r->std_growth[k] = NAN;
    }
    if ((rc = read_region(ctx, path, root, base_year, r)) != DP_OK) {
        goto out;
    }
    *out = *r;
    r->reported = NULL; /* now *out's */
out:
    if (r) {
        dp_region_clear(r);
    }
    free(r);
    dp_ynode_free(root);
    return rc;
}
