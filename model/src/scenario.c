/* model/src/scenario.c
 *
 * Scenario files: the `extends:` chain is read (each file's SHA-256 recorded) and deep-merged
 * into one tree, which is validated against the key table below (STYLE §5) and copied into a
 * dp_params that starts from dp_params_default. Every key the table does not know is an error,
 * reported at the key with a "did you mean" hint; every value error names the key path and
 * what was expected, at the file, line and column where the value was written (which may be a
 * base file of the chain). Every numeric leaf (a number, a probability, each dated value, each
 * amount) may instead be a distribution {dist: KIND, ...}: it is checked against the key's range,
 * its mean goes into dp_params as the central value, and it is listed in dp_params.uncertain[],
 * sorted into the key table's order so that parameter ids do not depend on how the file is
 * written. Then the regions listed are loaded from DATA_DIR/regions/<id>.yaml and their base
 * years checked, and the merged tree is written back as YAML text.
 * The reference for every key is docs/scenarios.md; keep the two in step.
 * A dp_scenario is immutable after dp_scenario_load and owns everything it points to.
 */
#include "util.h"
#include "dpsim/scenario.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model_impl.h"
#include "yaml_tree.h"

enum {
    MAX_CHAIN = 16,     /* files in one extends chain */
    MAX_REGIONS = 4096, /* regions in one scenario */
    MAX_NAME = 63       /* characters of `name:` */
};

/* ------------------------------------------------------------------------------------------ */
/* The key table */

typedef enum {
    K_MAP,       /* a map of further keys (listed with this path as prefix) */
    K_VERSION,   /* dpsim: the integer 1 (checked before the walk) */
    K_NAME,      /* [A-Za-z0-9_.-]{1,63} */
    K_TEXT,      /* free text */
    K_EXTENDS,   /* resolved and removed before validation; listed for "did you mean" */
    K_REGIONS,   /* list of region ids */
    K_YEAR,      /* int year in [min, max] */
    K_NUMBER,    /* double in [min, max] */
    K_PROB,      /* double in [0, 1], or the word (if any) -> NAN */
    K_SCHED,     /* dp_sched: number in [min, max] or date-ranged */
    K_GRADES,    /* dp_sched[DP_N_GRADE] of amounts: one value for all grades, or by grade */
    K_BOOL,      /* int 0/1 */
    K_YEAR_NEVER, /* int year in [min, max], or the word -> 0 */
    K_TARGETS     /* list of plan targets, read after the walk (read_targets) */
} key_type;

typedef struct {
    const char *path; /**< dotted key path */
    key_type type;    /**< how the value is read */
    double min;       /**< lower bound (numbers, years) */
    double max;       /**< upper bound */
    const char *word; /**< accepted word instead of a value (K_PROB, K_YEAR_NEVER) */
    size_t offset;    /**< member of dp_params written */
} key_def;

#define P(member)    offsetof(dp_params, member)
#define LIV(member)  offsetof(dp_params, prog[DP_PROG_LIVING].member)
#define CARE(member) offsetof(dp_params, prog[DP_PROG_CARE].member)

/* Defaults are those of dp_params_default (params.c), with their sources there. */
static const key_def keys[] = {
    {"dpsim", K_VERSION, 1, 1, NULL, 0},
    {"name", K_NAME, 0, 0, NULL, 0},
    {"title", K_TEXT, 0, 0, NULL, 0},
    {"extends", K_EXTENDS, 0, 0, NULL, 0},
    {"regions", K_REGIONS, 0, 0, NULL, 0},
    {"years", K_MAP, 0, 0, NULL, 0},
    {"years.start", K_YEAR, 1990, 2100, NULL, P(year_start)},
    {"years.end", K_YEAR, 1990, 2100, NULL, P(year_end)},
    {"population", K_MAP, 0, 0, NULL, 0},
    {"population.birth_rate", K_SCHED, 0, 0.1, NULL, P(birth_rate)},
    {"population.sex_ratio_at_birth", K_NUMBER, 90, 130, NULL, P(sex_ratio_birth)},
    {"population.migration_rate", K_SCHED, -0.2, 0.2, NULL, P(migration_rate)},
    {"population.disabled_migration_factor", K_NUMBER, 0, 1, NULL, P(disabled_migration_factor)},
    {"population.mortality_improvement", K_NUMBER, 0, 0.1, NULL, P(mortality_improvement)},
    {"rates", K_MAP, 0, 0, NULL, 0},
    {"rates.mortality_rr", K_MAP, 0, 0, NULL, 0},
    {"rates.mortality_rr.grade1", K_NUMBER, 1, 20, NULL, P(mort_rr_grade[0])},
    {"rates.mortality_rr.grade2", K_NUMBER, 1, 20, NULL, P(mort_rr_grade[1])},
    {"rates.mortality_rr.grade3", K_NUMBER, 1, 20, NULL, P(mort_rr_grade[2])},
    {"rates.mortality_rr.grade4", K_NUMBER, 1, 20, NULL, P(mort_rr_grade[3])},
    {"rates.mortality_rr_type", K_MAP, 0, 0, NULL, 0},
    {"rates.mortality_rr_type.visual", K_NUMBER, 0.1, 20, NULL, P(mort_rr_type[DP_VISUAL])},
    {"rates.mortality_rr_type.hearing", K_NUMBER, 0.1, 20, NULL, P(mort_rr_type[DP_HEARING])},
    {"rates.mortality_rr_type.speech", K_NUMBER, 0.1, 20, NULL, P(mort_rr_type[DP_SPEECH])},
    {"rates.mortality_rr_type.physical", K_NUMBER, 0.1, 20, NULL, P(mort_rr_type[DP_PHYSICAL])},
    {"rates.mortality_rr_type.intellectual", K_NUMBER, 0.1, 20, NULL,
     P(mort_rr_type[DP_INTELLECTUAL])},
    {"rates.mortality_rr_type.mental", K_NUMBER, 0.1, 20, NULL, P(mort_rr_type[DP_MENTAL])},
    {"rates.mortality_rr_type.multiple", K_NUMBER, 0.1, 20, NULL, P(mort_rr_type[DP_MULTIPLE])},
    {"rates.onset_multiplier", K_NUMBER, 0, 10, NULL, P(onset_multiplier)},
    {"rates.worsening", K_MAP, 0, 0, NULL, 0},
    {"rates.worsening.under60", K_PROB, 0, 1, NULL, P(worsen_rate[0])},
    {"rates.worsening.over60", K_PROB, 0, 1, NULL, P(worsen_rate[1])},
    {"rates.improvement", K_PROB, 0, 1, NULL, P(improve_rate)},
    {"rates.certification", K_MAP, 0, 0, NULL, 0},
    {"rates.certification.severe", K_PROB, 0, 1, "balanced", P(certify_rate[0])},
    {"rates.certification.other", K_PROB, 0, 1, "balanced", P(certify_rate[1])},
    {"rates.dibao_exit", K_PROB, 0, 1, NULL, P(dibao_exit)},
    {"rates.marginal_exit", K_PROB, 0, 1, NULL, P(marginal_exit)},
    {"rates.dibao_entry", K_PROB, 0, 1, "balanced", P(dibao_entry)},
    {"rates.marginal_entry", K_PROB, 0, 1, "balanced", P(marginal_entry)},
    {"programmes", K_MAP, 0, 0, NULL, 0},
    {"programmes.living_subsidy", K_MAP, 0, 0, NULL, 0},
    {"programmes.living_subsidy.enabled", K_BOOL, 0, 0, NULL, LIV(enabled)},
    {"programmes.living_subsidy.monthly", K_GRADES, 0, HUGE_VAL, NULL, LIV(amount)},
    {"programmes.living_subsidy.indexation", K_MAP, 0, 0, NULL, 0},
    {"programmes.living_subsidy.indexation.rate", K_NUMBER, -0.5, 0.5, NULL, LIV(index_rate)},
    {"programmes.living_subsidy.take_up", K_PROB, 0, 1, "calibrated", LIV(take_up)},
    {"programmes.living_subsidy.marginal_from", K_YEAR_NEVER, 1990, 2100, "never",
     LIV(marginal_from)},
    {"programmes.care_subsidy", K_MAP, 0, 0, NULL, 0},
    {"programmes.care_subsidy.enabled", K_BOOL, 0, 0, NULL, CARE(enabled)},
    {"programmes.care_subsidy.monthly", K_GRADES, 0, HUGE_VAL, NULL, CARE(amount)},
    {"programmes.care_subsidy.indexation", K_MAP, 0, 0, NULL, 0},
    {"programmes.care_subsidy.indexation.rate", K_NUMBER, -0.5, 0.5, NULL, CARE(index_rate)},
    {"programmes.care_subsidy.take_up", K_PROB, 0, 1, "calibrated", CARE(take_up)},
    {"targets", K_TARGETS, 0, 0, NULL, 0},
};

#undef P
#undef LIV
#undef CARE

enum { N_KEYS = sizeof keys / sizeof keys[0] };

/* Distribution kinds as a scenario writes them, with the fields each takes (dist.h). */
static const struct {
    const char *name;
    dp_dist_kind kind;
    size_t n_field;
    const char *field[3]; /**< YAML names of dp_dist a, b, c */
} dist_kinds[] = {
    {"fixed", DP_DIST_FIXED, 1, {"value"}},
    {"normal", DP_DIST_NORMAL, 2, {"mean", "sd"}},
    {"lognormal", DP_DIST_LOGNORMAL, 2, {"median", "sd_log"}},
    {"beta", DP_DIST_BETA, 2, {"mean", "sd"}},
    {"uniform", DP_DIST_UNIFORM, 2, {"min", "max"}},
    {"triangular", DP_DIST_TRIANGULAR, 3, {"min", "mode", "max"}},
};

enum { N_DIST_KINDS = sizeof dist_kinds / sizeof dist_kinds[0] };

/* Normal and lognormal distributions must keep this many sd (of the value, or of its log)
 * inside the key's range, so that clamping the draws to the range hardly ever acts. */
#define DIST_SPAN_SD 4.0

static const key_def *
find_key(const char *path)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        if (strcmp(keys[i].path, path) == 0) {
            return &keys[i];
        }
    }
    return NULL;
}

/* The unknown-key error, suggesting among the table's keys directly under parent. */
static dp_status
unknown_key(dp_ctx *ctx, const dp_ynode *key, const char *parent)
{
    const char *names[N_KEYS];
    size_t n = 0;
    size_t plen = strlen(parent);
    for (size_t i = 0; i < N_KEYS; i++) {
        const char *p = keys[i].path;
        if (plen > 0) {
            if (strncmp(p, parent, plen) != 0 || p[plen] != '.') {
                continue;
            }
            p += plen + 1;
        }
        if (!strchr(p, '.')) {
            names[n++] = p;
        }
    }
    return dp_yunknown(ctx, key, parent, names, n);
}

/* ------------------------------------------------------------------------------------------ */
/* The scenario object */

struct dp_scenario {
    char *name;              /**< `name:` */
    char *title;             /**< `title:` or "" */
    char *data_dir;          /**< folder holding regions/ (copied) */
    dp_params params;        /**< resolved parameters */
    size_t n_region;         /**< regions, in list order */
    dp_region_input *region; /**< their inputs */
    char *text;              /**< resolved tree as YAML */
    size_t n_input;          /**< files read */
    size_t cap_input;        /**< allocated input slots */
    char **input_path;       /**< their paths (as given or as resolved) */
    char (*input_sha)[65];   /**< their SHA-256 digests */
    size_t n_target;         /**< plan targets (`targets:`) */
    dp_target *target;       /**< [n_target], in file order; NULL when none */
};

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
    free(s->region);
    free(s->text);
    free(s->target);
    free(s);
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
/* Distributions */

/* Reads `{dist: KIND, FIELD: number, ...}` at node into *out: the kind, exactly its fields,
 * dp_dist_check, and the range rule: bounded supports inside [min, max]; normal and lognormal
 * within DIST_SPAN_SD sd of the centre (of the log for lognormal) inside [min, max]. */
static dp_status
read_dist(dp_ctx *ctx, const dp_ynode *node, const char *path, double min, double max, dp_dist *out)
{
    char sub[256];
    char got[160];
    char where[1200];
    char range[96];
    const dp_ynode *kind_node = dp_ymap_get(node, "dist");
    size_t k = N_DIST_KINDS;
    dp_status rc;

    dp_ypath(sub, sizeof sub, path, "dist");
    if (kind_node->kind == DP_YSCALAR) { /* a word: plain or quoted alike */
        for (k = 0; k < N_DIST_KINDS && strcmp(kind_node->text, dist_kinds[k].name) != 0; k++) {
        }
    }
    if (k == N_DIST_KINDS) {
        static const char kinds[] = "one of fixed, normal, lognormal, beta, uniform, triangular";
        const char *best = NULL;
        size_t best_d = 3;
        if (kind_node->kind == DP_YSCALAR) {
            size_t len = strlen(kind_node->text);
            for (size_t j = 0; j < N_DIST_KINDS; j++) {
                size_t dist = dp_edit_distance(kind_node->text, dist_kinds[j].name);
                if (dist < best_d && dist < len) {
                    best = dist_kinds[j].name;
                    best_d = dist;
                }
            }
        }
        if (!best) {
            return dp_yexpected(ctx, kind_node, sub, kinds);
        }
        dp_ydescribe(kind_node, got, sizeof got);
        return dp_yerror(ctx, kind_node, "%s: expected %s, got %s (did you mean '%s'?)", sub, kinds,
                         got, best);
    }

    const char *allowed[4] = {"dist"};
    for (size_t f = 0; f < dist_kinds[k].n_field; f++) {
        allowed[f + 1] = dist_kinds[k].field[f];
    }
    if ((rc = dp_ycheck_keys(ctx, node, path, allowed, dist_kinds[k].n_field + 1)) != DP_OK) {
        return rc;
    }
    double v[3] = {0.0, 0.0, 0.0};
    for (size_t f = 0; f < dist_kinds[k].n_field; f++) {
        dp_ynode *field;
        if ((rc = dp_yrequire(ctx, node, path, dist_kinds[k].field[f], &field)) != DP_OK) {
            return rc;
        }
        dp_ypath(sub, sizeof sub, path, dist_kinds[k].field[f]);
        if ((rc = dp_yget_number(ctx, field, sub, "a number", -HUGE_VAL, HUGE_VAL, &v[f])) !=
            DP_OK) {
            return rc;
        }
    }
    dp_dist d = {dist_kinds[k].kind, v[0], v[1], v[2]};
    snprintf(where, sizeof where, "%s:%d:%d: %s", node->file, node->line, node->col, path);
    if ((rc = dp_dist_check(ctx, &d, where)) != DP_OK) {
        return rc;
    }

    /* The values the distribution takes (bounded kinds) or nearly always takes. */
    double lo = 0.0, hi = 0.0;
    switch (d.kind) {
    case DP_DIST_FIXED:
        lo = hi = d.a;
        snprintf(got, sizeof got, "fixed %g", d.a);
        break;
    case DP_DIST_NORMAL:
        lo = d.a - DIST_SPAN_SD * d.b;
        hi = d.a + DIST_SPAN_SD * d.b;
        snprintf(got, sizeof got, "normal with mean +/- 4 sd = [%g, %g]", lo, hi);
        break;
    case DP_DIST_LOGNORMAL:
        lo = d.a * exp(-DIST_SPAN_SD * d.b);
        hi = d.a * exp(DIST_SPAN_SD * d.b);
        snprintf(got, sizeof got, "lognormal with exp(log(median) +/- 4 sd_log) = [%g, %g]", lo,
                 hi);
        break;
    case DP_DIST_BETA:
        lo = 0.0;
        hi = 1.0;
        snprintf(got, sizeof got, "beta, which lies in [0, 1]");
        break;
    case DP_DIST_UNIFORM:
        lo = d.a;
        hi = d.b;
        snprintf(got, sizeof got, "uniform on [%g, %g]", lo, hi);
        break;
    case DP_DIST_TRIANGULAR:
        lo = d.a;
        hi = d.c;
        snprintf(got, sizeof got, "triangular on [%g, %g]", lo, hi);
        break;
    }
    if (!(lo >= min && hi <= max)) {
        if (isinf(max)) {
            snprintf(range, sizeof range, "a distribution of values >= %g", min);
        } else {
            snprintf(range, sizeof range, "a distribution inside [%g, %g]", min, max);
        }
        return dp_yerror(ctx, node, "%s: expected %s, got %s", path, range, got);
    }
    *out = d;
    return DP_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Values */

static void
range_phrase(char *buf, size_t size, const char *kind, double min, double max)
{
    snprintf(buf, size, "%s in [%g, %g]", kind, min, max);
}

/* Where a numeric leaf sits among the uncertain parameters, should it be a distribution: its
 * sort key (key table index, grade, year) and the doubles of dp_params its draws go to. */
typedef struct {
    size_t key;                          /**< index of the key in keys[] */
    size_t grade;                        /**< 0, or 1 + grade for one grade's amount */
    int year;                            /**< key year inside a dated value, else 0 */
    size_t n_target;                     /**< doubles set (4 for one amount of all grades) */
    size_t offset[DP_UNCERTAIN_TARGETS]; /**< their byte offsets in dp_params */
} leaf_place;

/* An uncertain parameter found by the walk, with its sort key. */
typedef struct {
    size_t key;
    size_t grade;
    int year;
    dp_uncertain u;
} found_param;

typedef struct {
    dp_ctx *ctx;
    dp_scenario *s;
    dp_params *p;
    const dp_ynode *regions; /**< the `regions:` list, loaded after the walk */
    const dp_ynode *targets; /**< the `targets:` list, read after the walk */
    size_t n_found;          /**< distributions met so far, in file order */
    found_param found[DP_MAX_UNCERTAIN];
} walker;

/* Records the distribution d read at node (named path) as an uncertain parameter. */
static dp_status
add_param(walker *w, const dp_ynode *node, const char *path, const dp_dist *d, double min,
          double max, const leaf_place *pl)
{
    if (w->n_found == DP_MAX_UNCERTAIN) {
        return dp_yerror(w->ctx, node, "%s: at most %d parameters may be distributions", path,
                         DP_MAX_UNCERTAIN);
    }
    found_param *f = &w->found[w->n_found];
    memset(f, 0, sizeof *f);
    f->key = pl->key;
    f->grade = pl->grade;
    f->year = pl->year;
    if ((size_t)snprintf(f->u.name, sizeof f->u.name, "%s", path) >= sizeof f->u.name) {
        return dp_error(w->ctx, DP_EINTERNAL, "parameter name %s is too long", path);
    }
    f->u.dist = *d;
    f->u.min = min;
    f->u.max = max;
    f->u.n_target = pl->n_target;
    memcpy(f->u.offset, pl->offset, sizeof f->u.offset);
    w->n_found++;
    return DP_OK;
}

/* One numeric leaf: a number in [min, max] or a distribution inside it (recorded at pl; its
 * mean, clamped to [min, max], goes to *out as the central value). what describes the number
 * ("a number in [0, 0.1]"). */
static dp_status
read_leaf(walker *w, const dp_ynode *node, const char *path, const char *what, double min,
          double max, const leaf_place *pl, double *out)
{
    char what_dist[200];
    if (dp_ynode_is_dist(node)) {
        dp_dist d;
        dp_status rc = read_dist(w->ctx, node, path, min, max, &d);
        if (rc != DP_OK) {
            return rc;
        }
        double mean = dp_dist_mean(&d);
        *out = mean < min ? min : (mean > max ? max : mean);
        return add_param(w, node, path, &d, min, max, pl);
    }
    if (node->kind == DP_YMAP) {
        snprintf(what_dist, sizeof what_dist, "%s or a distribution {dist: KIND, ...}", what);
        return dp_yexpected(w->ctx, node, path, what_dist);
    }
    return dp_yget_number(w->ctx, node, path, what, min, max, out);
}

/* A number in [min, max], a distribution, or a date-ranged value of such into *out. what
 * describes the number ("a number in [0, 0.1]"). The dp_sched written lives at the n_sched
 * byte offsets sched_off[] of dp_params (several when one value sets every grade); key and
 * grade place any distribution in the sort order. */
static dp_status
read_sched(walker *w, const dp_ynode *node, const char *path, const char *what, double min,
           double max, size_t key, size_t grade, const size_t *sched_off, size_t n_sched,
           dp_sched *out)
{
    char what_dated[160];
    char year_path[256];
    double v;
    long year;
    leaf_place pl = {.key = key, .grade = grade, .n_target = n_sched};

    for (size_t j = 0; j < n_sched; j++) {
        pl.offset[j] = sched_off[j] + offsetof(dp_sched, value);
    }
    if (node->kind == DP_YSCALAR || dp_ynode_is_dist(node)) {
        if (read_leaf(w, node, path, what, min, max, &pl, &v) != DP_OK) {
            return DP_EINPUT;
        }
        dp_sched_const(out, v);
        return DP_OK;
    }
    if (node->kind != DP_YMAP || node->n == 0) {
        snprintf(what_dated, sizeof what_dated, "%s or dated values {year: value}", what);
        return dp_yexpected(w->ctx, node, path, what_dated);
    }
    if (node->n > DP_SCHED_MAX) {
        return dp_yerror(w->ctx, node, "%s: at most %d dated values, got %zu", path, DP_SCHED_MAX,
                         node->n);
    }
    dp_sched sched = {0};
    for (size_t i = 0; i < node->n; i++) {
        const dp_ynode *ykey = node->key[i];
        if (!dp_yparse_int(ykey, &year) || year < 1990 || year > 2100) {
            return dp_yexpected(w->ctx, ykey, path,
                                "a year in [1990, 2100] (dated values are {year: value})");
        }
        if (i > 0 && year <= sched.year[i - 1]) {
            return dp_yerror(w->ctx, ykey, "%s: years must increase, got %ld after %d", path, year,
                             sched.year[i - 1]);
        }
        snprintf(year_path, sizeof year_path, "%s.%ld", path, year);
        pl.year = (int)year;
        for (size_t j = 0; j < n_sched; j++) {
            pl.offset[j] = sched_off[j] + offsetof(dp_sched, value) + i * sizeof(double);
        }
        if (read_leaf(w, node->val[i], year_path, what, min, max, &pl, &v) != DP_OK) {
            return DP_EINPUT;
        }
        sched.year[i] = (int)year;
        sched.value[i] = v;
        sched.n = i + 1;
    }
    *out = sched;
    return DP_OK;
}

/* Programme amounts at byte offset off of dp_params (DP_N_GRADE dp_sched): one value (number,
 * distribution or date-ranged) for all grades, or a map by grade. */
static dp_status
read_grades(walker *w, const dp_ynode *node, const char *path, size_t key, size_t off)
{
    static const char what[] = "a non-negative amount in yuan";
    char grade_path[256];
    dp_sched *monthly = (dp_sched *)(void *)((char *)w->p + off);
    size_t sched_off[DP_N_GRADE];
    dp_sched one;

    for (size_t g = 0; g < DP_N_GRADE; g++) {
        sched_off[g] = off + g * sizeof(dp_sched);
    }
    if (node->kind == DP_YMAP && node->n > 0 && !dp_ynode_is_dated(node) &&
        !dp_ynode_is_dist(node)) {
        dp_status rc = dp_ycheck_keys(w->ctx, node, path, dp_grade_label, DP_N_GRADE);
        if (rc != DP_OK) {
            return rc;
        }
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            const dp_ynode *val = dp_ymap_get(node, dp_grade_label[g]);
            if (!val) {
                continue;
            }
            dp_ypath(grade_path, sizeof grade_path, path, dp_grade_label[g]);
            if (read_sched(w, val, grade_path, what, 0, HUGE_VAL, key, 1 + g, &sched_off[g], 1,
                           &monthly[g]) != DP_OK) {
                return DP_EINPUT;
            }
        }
        return DP_OK;
    }
    if (node->kind != DP_YSCALAR && !dp_ynode_is_dated(node) && !dp_ynode_is_dist(node)) {
        return dp_yexpected(w->ctx, node, path,
                            "a non-negative amount in yuan, dated values {year: amount} or a "
                            "map {grade1: amount, ...}");
    }
    if (read_sched(w, node, path, what, 0, HUGE_VAL, key, 0, sched_off, DP_N_GRADE, &one) !=
        DP_OK) {
        return DP_EINPUT;
    }
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        monthly[g] = one;
    }
    return DP_OK;
}

/* Order of the uncertain parameters: key table, then grade, then year. */
static int
found_cmp(const void *a, const void *b)
{
    const found_param *x = a, *y = b;
    if (x->key != y->key) {
        return x->key < y->key ? -1 : 1;
    }
    if (x->grade != y->grade) {
        return x->grade < y->grade ? -1 : 1;
    }
    return (x->year > y->year) - (x->year < y->year);
}

/* Moves the walk's distributions into p->uncertain[], sorted by found_cmp. */
static void
store_params(walker *w)
{
    qsort(w->found, w->n_found, sizeof w->found[0], found_cmp);
    for (size_t i = 0; i < w->n_found; i++) {
        w->p->uncertain[i] = w->found[i].u;
    }
    w->p->n_uncertain = w->n_found;
}

static int
name_ok(const char *text, size_t max)
{
    size_t len = strlen(text);
    if (len == 0 || len > max) {
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

/* ------------------------------------------------------------------------------------------ */
/* The walk over the merged tree */

static dp_status
read_regions(walker *w, const dp_ynode *node, const char *path)
{
    static const char what_list[] = "a list of 1 to 4096 region ids";
    static const char what_id[] = "a region id of 1 to 31 characters from A-Z a-z 0-9 _ . -";
    if (node->kind == DP_YSEQ && node->n > MAX_REGIONS) {
        return dp_yerror(w->ctx, node, "%s: expected %s, got %zu", path, what_list, node->n);
    }
    if (node->kind != DP_YSEQ || node->n == 0) {
        return dp_yexpected(w->ctx, node, path, what_list);
    }
    for (size_t i = 0; i < node->n; i++) {
        const dp_ynode *item = node->val[i];
        if (item->kind != DP_YSCALAR || !name_ok(item->text, sizeof w->s->region[0].id - 1)) {
            return dp_yexpected(w->ctx, item, path, what_id);
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(node->val[j]->text, item->text) == 0) {
                return dp_yerror(w->ctx, item, "%s: region '%s' is listed twice (first at line %d)",
                                 path, item->text, node->val[j]->line);
            }
        }
    }
    w->regions = node;
    return DP_OK;
}

static dp_status
apply_key(walker *w, const key_def *d, const dp_ynode *val, const char *path)
{
    char *base = (char *)w->p;
    char what[160];
    double v;
    size_t key = (size_t)(d - keys);
    leaf_place pl = {.key = key, .n_target = 1, .offset = {d->offset}};

    if (dp_ynode_is_dist(val) &&
        (d->type == K_YEAR || d->type == K_YEAR_NEVER || d->type == K_BOOL)) {
        if (d->type == K_BOOL) {
            snprintf(what, sizeof what, "true or false");
        } else if (d->type == K_YEAR) {
            range_phrase(what, sizeof what, "a year", d->min, d->max);
        } else {
            snprintf(what, sizeof what, "a year in [%g, %g] or '%s'", d->min, d->max, d->word);
        }
        return dp_yerror(w->ctx, val,
                         "%s: expected %s, got a distribution (only numbers, probabilities and "
                         "amounts may be distributions)",
                         path, what);
    }
    switch (d->type) {
    case K_VERSION:
    case K_EXTENDS:
    case K_MAP:
        return DP_OK; /* checked before the walk / resolved / walked by the caller */
    case K_NAME:
        if (val->kind != DP_YSCALAR || !name_ok(val->text, MAX_NAME)) {
            return dp_yexpected(w->ctx, val, path,
                                "a name of 1 to 63 characters from A-Z a-z 0-9 _ . -");
        }
        free(w->s->name);
        if (!(w->s->name = dp_strdup(val->text))) {
            return dp_error(w->ctx, DP_ENOMEM, "out of memory");
        }
        return DP_OK;
    case K_TEXT:
        if (val->kind != DP_YSCALAR) {
            return dp_yexpected(w->ctx, val, path, "text");
        }
        free(w->s->title);
        if (!(w->s->title = dp_strdup(val->text))) {
            return dp_error(w->ctx, DP_ENOMEM, "out of memory");
        }
        return DP_OK;
    case K_REGIONS:
        return read_regions(w, val, path);
    case K_TARGETS:
        w->targets = val; /* needs the regions and years: read_targets, after the walk */
        return DP_OK;
    case K_YEAR:
        range_phrase(what, sizeof what, "a year", d->min, d->max);
        return dp_yget_int(w->ctx, val, path, what, (long)d->min, (long)d->max,
                           (int *)(void *)(base + d->offset));
    case K_YEAR_NEVER:
        if (val->kind == DP_YSCALAR && val->plain && strcmp(val->text, d->word) == 0) {
            *(int *)(void *)(base + d->offset) = 0;
            return DP_OK;
        }
        snprintf(what, sizeof what, "a year in [%g, %g] or '%s'", d->min, d->max, d->word);
        return dp_yget_int(w->ctx, val, path, what, (long)d->min, (long)d->max,
                           (int *)(void *)(base + d->offset));
    case K_NUMBER:
        range_phrase(what, sizeof what, "a number", d->min, d->max);
        if (read_leaf(w, val, path, what, d->min, d->max, &pl, &v) != DP_OK) {
            return DP_EINPUT;
        }
        *(double *)(void *)(base + d->offset) = v;
        return DP_OK;
    case K_PROB:
        if (d->word && val->kind == DP_YSCALAR && val->plain && strcmp(val->text, d->word) == 0) {
            *(double *)(void *)(base + d->offset) = NAN;
            return DP_OK;
        }
        if (d->word) {
            snprintf(what, sizeof what, "a probability in [0, 1] or '%s'", d->word);
        } else {
            snprintf(what, sizeof what, "a probability in [0, 1]");
        }
        if (read_leaf(w, val, path, what, 0, 1, &pl, &v) != DP_OK) {
            return DP_EINPUT;
        }
        *(double *)(void *)(base + d->offset) = v;
        return DP_OK;
    case K_SCHED:
        range_phrase(what, sizeof what, "a number", d->min, d->max);
        return read_sched(w, val, path, what, d->min, d->max, key, 0, &d->offset, 1,
                          (dp_sched *)(void *)(base + d->offset));
    case K_GRADES:
        return read_grades(w, val, path, key, d->offset);
    case K_BOOL:
        return dp_yget_bool(w->ctx, val, path, (int *)(void *)(base + d->offset));
    }
    return dp_error(w->ctx, DP_EINTERNAL, "key table: unknown type");
}

static dp_status
walk_map(walker *w, const dp_ynode *map, const char *path)
{
    char full[256];
    for (size_t i = 0; i < map->n; i++) {
        const dp_ynode *key = map->key[i];
        const dp_ynode *val = map->val[i];
        dp_ypath(full, sizeof full, path, key->text);
        const key_def *d = find_key(full);
        if (!d) {
            return unknown_key(w->ctx, key, path);
        }
        dp_status rc;
        if (d->type == K_MAP) {
            if (val->kind != DP_YMAP) {
                return dp_yexpected(w->ctx, val, full, "a map");
            }
            rc = walk_map(w, val, full);
        } else {
            rc = apply_key(w, d, val, full);
        }
        if (rc != DP_OK) {
            return rc;
        }
    }
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

/* In an overlay that gives `monthly` by grade where its base gives one value for all grades,
 * the base's value is first copied to each grade, so the grades the overlay leaves out keep the
 * base's amount rather than falling back to the defaults. */
static dp_status
expand_monthly(dp_ctx *ctx, dp_ynode *base, const dp_ynode *overlay)
{
    const dp_ynode *bprog = dp_ymap_get(base, "programmes");
    const dp_ynode *oprog = dp_ymap_get(overlay, "programmes");
    for (size_t k = 0; k < DP_N_PROG; k++) {
        dp_ynode *bp = dp_ymap_get(bprog, dp_prog_key[k]);
        const dp_ynode *op = dp_ymap_get(oprog, dp_prog_key[k]);
        const dp_ynode *bm = dp_ymap_get(bp, "monthly");
        const dp_ynode *om = dp_ymap_get(op, "monthly");
        if (!bm || !om || om->kind != DP_YMAP || om->n == 0 || dp_ynode_is_dated(om) ||
            dp_ynode_is_dist(om) ||
            !(bm->kind == DP_YSCALAR || dp_ynode_is_dated(bm) || dp_ynode_is_dist(bm))) {
            continue;
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
        if ((rc = expand_monthly(ctx, acc, trees[k])) != DP_OK) {
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

/* Checks years.end >= years.start after the walk (either may be a default). */
static dp_status
check_years(dp_ctx *ctx, const dp_ynode *root, const dp_params *p)
{
    const dp_ynode *years = dp_ymap_get(root, "years");
    const dp_ynode *start = dp_ymap_get(years, "start");
    const dp_ynode *end = dp_ymap_get(years, "end");
    if (p->year_end >= p->year_start) {
        return DP_OK;
    }
    if (end) {
        char what[64];
        snprintf(what, sizeof what, "a year in [%d, 2100]", p->year_start);
        return dp_yexpected(ctx, end, "years.end", what);
    }
    return dp_yerror(ctx, start, "years.start: %d is after years.end %d (the default)",
                     p->year_start, p->year_end);
}

/* ------------------------------------------------------------------------------------------ */
/* Plan targets */

/* "did you mean" among n names for text (within two edits and fewer edits than text has
 * characters, as for keys), or NULL. */
static const char *
closest(const char *text, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3, len = strlen(text);
    for (size_t i = 0; i < n; i++) {
        size_t d = dp_edit_distance(text, names[i]);
        if (d < best_d && d < len) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}

/* targets[N].indicator: a key of the indicator table (targets.h). */
static dp_status
target_indicator(dp_ctx *ctx, const dp_ynode *node, const char *path, dp_indicator *ind)
{
    char got[160];
    char list[1024];
    const char *names[256];
    dp_indicator all[256];
    size_t n = dp_indicator_count(), len = 0;
    n = n < 256 ? n : 256;
    if (node->kind == DP_YSCALAR && dp_indicator_find(node->text, ind)) {
        return DP_OK;
    }
    list[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        dp_indicator_get(i, &all[i]);
        names[i] = all[i].key;
        int w = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
        len += w > 0 && (size_t)w < sizeof list - len ? (size_t)w : 0;
    }
    const char *best = node->kind == DP_YSCALAR ? closest(node->text, names, n) : NULL;
    if (best) {
        dp_ydescribe(node, got, sizeof got);
        return dp_yerror(ctx, node, "%s: expected an indicator, got %s (did you mean '%s'?)",
                         path, got, best);
    }
    char what[1100];
    snprintf(what, sizeof what, "one of %s", list);
    return dp_yexpected(ctx, node, path, what);
}

/* targets[N].region: one of the scenario's regions. */
static dp_status
target_region(walker *w, const dp_ynode *node, const char *path, char *out, size_t size)
{
    const dp_ynode *list = w->regions;
    const char *names[MAX_REGIONS];
    char got[160];
    char what[400];
    size_t n = list ? list->n : 0, len = 0;
    what[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        names[i] = list->val[i]->text;
        if (node->kind == DP_YSCALAR && strcmp(node->text, names[i]) == 0) {
            snprintf(out, size, "%s", names[i]);
            return DP_OK;
        }
    }
    /* The list of regions, cut short with ", ..." when it would not fit. */
    len = (size_t)snprintf(what, sizeof what, "one of the scenario's regions (");
    for (size_t i = 0; i < n; i++) {
        size_t need = strlen(names[i]) + (i ? 2 : 0);
        if (len + need + 6 >= sizeof what) {
            len += (size_t)snprintf(what + len, sizeof what - len, ", ...");
            break;
        }
        len += (size_t)snprintf(what + len, sizeof what - len, "%s%s", i ? ", " : "", names[i]);
    }
    snprintf(what + len, sizeof what - len, ")");
    const char *best = node->kind == DP_YSCALAR ? closest(node->text, names, n) : NULL;
    if (best) {
        dp_ydescribe(node, got, sizeof got);
        return dp_yerror(w->ctx, node, "%s: expected %s, got %s (did you mean '%s'?)", path,
                         what, got, best);
    }
    return dp_yexpected(w->ctx, node, path, what);
}

/* One item of `targets:` into *t. */
static dp_status
read_target(walker *w, const dp_ynode *item, const char *path, dp_target *t)
{
    static const char *const allowed[] = {"indicator", "year",   "op",        "value",
                                          "kind",      "region", "tolerance", "name_zh"};
    static const char *const required[] = {"indicator", "year", "op", "value", "kind"};
    static const char *const op_what =
        "one of \">=\", \"<=\", \"==\", \">\", \"<\" (write it in quotes)";
    dp_ctx *ctx = w->ctx;
    const dp_params *p = w->p;
    dp_ynode *node;
    dp_indicator ind;
    char sub[64];
    char what[160];
    dp_status rc;

    memset(t, 0, sizeof *t);
    if (item->kind != DP_YMAP) {
        return dp_yexpected(ctx, item, path, "a map {indicator, year, op, value, kind}");
    }
    if ((rc = dp_ycheck_keys(ctx, item, path, allowed, sizeof allowed / sizeof allowed[0])) !=
        DP_OK) {
        return rc;
    }
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++) {
        if ((rc = dp_yrequire(ctx, item, path, required[k], &node)) != DP_OK) {
            return rc;
        }
    }
    dp_ypath(sub, sizeof sub, path, "indicator");
    if ((rc = target_indicator(ctx, dp_ymap_get(item, "indicator"), sub, &ind)) != DP_OK) {
        return rc;
    }
    snprintf(t->indicator, sizeof t->indicator, "%s", ind.key);
    if ((node = dp_ymap_get(item, "region"))) {
        dp_ypath(sub, sizeof sub, path, "region");
        if ((rc = target_region(w, node, sub, t->region, sizeof t->region)) != DP_OK) {
            return rc;
        }
    }
    dp_ypath(sub, sizeof sub, path, "year");
    snprintf(what, sizeof what, "a year in [%d, %d] (the scenario's years)", p->year_start,
             p->year_end);
    if ((rc = dp_yget_int(ctx, dp_ymap_get(item, "year"), sub, what, p->year_start, p->year_end,
                          &t->year)) != DP_OK) {
        return rc;
    }
    dp_ypath(sub, sizeof sub, path, "op");
    node = dp_ymap_get(item, "op");
    t->op = DP_N_OP;
    for (size_t k = 0; node->kind == DP_YSCALAR && k < DP_N_OP; k++) {
        if (strcmp(node->text, dp_target_op_text[k]) == 0) {
            t->op = (dp_target_op)k;
        }
    }
    if (t->op == DP_N_OP) {
        return dp_yexpected(ctx, node, sub, op_what);
    }
    dp_ypath(sub, sizeof sub, path, "value");
    if (ind.kind == DP_IND_SHARE) {
        rc = dp_yget_number(ctx, dp_ymap_get(item, "value"), sub, "a share in [0, 1]", 0.0, 1.0,
                            &t->value);
    } else {
        snprintf(what, sizeof what, "a non-negative number of %s",
                 ind.kind == DP_IND_SPENDING ? "yuan" : "persons");
        rc = dp_yget_number(ctx, dp_ymap_get(item, "value"), sub, what, 0.0, HUGE_VAL, &t->value);
    }
    if (rc != DP_OK) {
        return rc;
    }
    dp_ypath(sub, sizeof sub, path, "kind");
    node = dp_ymap_get(item, "kind");
    if (node->kind == DP_YSCALAR &&
        (strcmp(node->text, "binding") == 0 || strcmp(node->text, "约束性") == 0)) {
        t->binding = 1;
    } else if (node->kind == DP_YSCALAR &&
               (strcmp(node->text, "expected") == 0 || strcmp(node->text, "预期性") == 0)) {
        t->binding = 0;
    } else {
        return dp_yexpected(ctx, node, sub, "binding or expected (约束性 or 预期性)");
    }
    t->tolerance = t->op == DP_OP_EQ ? dp_target_default_tolerance(ind.kind) : (double)NAN;
    if ((node = dp_ymap_get(item, "tolerance"))) {
        dp_ypath(sub, sizeof sub, path, "tolerance");
        if (t->op != DP_OP_EQ) {
            return dp_yerror(ctx, dp_ymap_key(item, "tolerance"),
                             "%s: only a target with op \"==\" has a tolerance", sub);
        }
        snprintf(what, sizeof what, "a non-negative number (the indicator's unit: %s)", ind.unit);
        if ((rc = dp_yget_number(ctx, node, sub, what, 0.0, HUGE_VAL, &t->tolerance)) != DP_OK) {
            return rc;
        }
    }
    if ((node = dp_ymap_get(item, "name_zh"))) {
        dp_ypath(sub, sizeof sub, path, "name_zh");
        if ((rc = dp_yget_text(ctx, node, sub, t->name_zh, sizeof t->name_zh, 1)) != DP_OK) {
            return rc;
        }
    }
    return DP_OK;
}

/* `targets:` (a list of at most DP_MAX_TARGETS maps; [] for none) into s->target. After the
 * walk, so that the regions and years are known whatever the order of the keys. */
static dp_status
read_targets(walker *w, const dp_ynode *list)
{
    char what[96];
    char path[32];
    dp_scenario *s = w->s;
    snprintf(what, sizeof what, "a list of at most %d targets {indicator, year, op, value, kind}",
             DP_MAX_TARGETS);
    if (list->kind != DP_YSEQ) {
        return dp_yexpected(w->ctx, list, "targets", what);
    }
    if (list->n > DP_MAX_TARGETS) {
        return dp_yerror(w->ctx, list, "targets: expected %s, got %zu", what, list->n);
    }
    if (list->n == 0) {
        return DP_OK;
    }
    if (!(s->target = calloc(list->n, sizeof *s->target))) {
        return dp_error(w->ctx, DP_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < list->n; i++) {
        snprintf(path, sizeof path, "targets[%zu]", i + 1);
        dp_status rc = read_target(w, list->val[i], path, &s->target[i]);
        if (rc != DP_OK) {
            return rc;
        }
        s->n_target = i + 1;
    }
    return DP_OK;
}

static dp_status
load_regions(dp_ctx *ctx, dp_scenario *s, const dp_ynode *root, const dp_ynode *list)
{
    dp_status rc = DP_OK;
    const dp_ynode *start = dp_ymap_get(dp_ymap_get(root, "years"), "start");
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
        if ((rc = dp_region_load(ctx, s->input_path[idx], &s->region[i])) != DP_OK) {
            goto out;
        }
        if ((rc = dp_sha256_file(ctx, s->input_path[idx], s->input_sha[idx])) != DP_OK) {
            goto out;
        }
        s->n_region = i + 1;
        int base_year = s->params.year_start - 1;
        if (s->region[i].base_year != base_year) {
            rc = dp_yerror(ctx, start ? start : item,
                           "years.start %d needs base year %d, but region '%s' has base year %d",
                           s->params.year_start, base_year, id, s->region[i].base_year);
            goto out;
        }
        free(path);
        path = NULL;
    }
out:
    free(path);
    return rc;
}

dp_status
dp_scenario_load(dp_ctx *ctx, const char *path, const char *data_dir, dp_scenario **out)
{
    dp_status rc = DP_OK;
    dp_scenario *s = NULL;
    dp_ynode *root = NULL;
    dp_ynode *node = NULL;
    walker w = {0};
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
    /* The format version first: a file of another version may mean other things by its keys. */
    if ((rc = dp_yrequire(ctx, root, "", "dpsim", &node)) != DP_OK) {
        goto out;
    }
    if ((rc = dp_yget_int(ctx, node, "dpsim", "1 (the scenario format version)", 1, 1,
                          &(int){0})) != DP_OK) {
        goto out;
    }
    w.ctx = ctx;
    w.s = s;
    w.p = &s->params;
    if ((rc = walk_map(&w, root, "")) != DP_OK) {
        goto out;
    }
    store_params(&w);
    if ((rc = dp_yrequire(ctx, root, "", "name", &node)) != DP_OK ||
        (rc = dp_yrequire(ctx, root, "", "regions", &node)) != DP_OK) {
        goto out;
    }
    if ((rc = check_years(ctx, root, &s->params)) != DP_OK) {
        goto out;
    }
    if (w.targets && (rc = read_targets(&w, w.targets)) != DP_OK) {
        goto out;
    }
    if ((rc = load_regions(ctx, s, root, w.regions)) != DP_OK) {
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

/* ------------------------------------------------------------------------------------------ */
/* Settings: the resolved value of every leaf key in one year */

/* Appends one setting (counting it always; writing it while there is room). */
static void
put_setting(dp_setting *out, size_t cap, size_t *n, const char *path, double value,
            const char *word)
{
    if (out && *n < cap) {
        dp_setting *s = &out[*n];
        size_t len = strlen(path);
        len = len < sizeof s->path - 1 ? len : sizeof s->path - 1;
        memcpy(s->path, path, len);
        s->path[len] = '\0';
        s->value = value;
        s->word = word;
    }
    (*n)++;
}

dp_status
dp_params_describe(dp_ctx *ctx, const dp_params *p, int year, dp_setting *out, size_t cap,
                   size_t *n)
{
    const char *base = (const char *)p;
    char grade_path[sizeof((dp_setting){0}).path];
    size_t count = 0;
    for (size_t i = 0; i < N_KEYS; i++) {
        const key_def *d = &keys[i];
        const void *at = base + d->offset;
        switch (d->type) {
        case K_NUMBER:
            put_setting(out, cap, &count, d->path, *(const double *)at, NULL);
            break;
        case K_PROB:
            put_setting(out, cap, &count, d->path, *(const double *)at, d->word);
            break;
        case K_SCHED:
            put_setting(out, cap, &count, d->path, dp_sched_at((const dp_sched *)at, year),
                        "region file");
            break;
        case K_YEAR:
        case K_BOOL:
            put_setting(out, cap, &count, d->path, (double)*(const int *)at, NULL);
            break;
        case K_YEAR_NEVER: {
            int v = *(const int *)at;
            put_setting(out, cap, &count, d->path, v == 0 ? (double)NAN : (double)v, d->word);
            break;
        }
        case K_GRADES: {
            /* The programme whose monthly amounts these are, from the member's offset. */
            size_t prog = (d->offset - offsetof(dp_params, prog)) / sizeof(dp_prog_params);
            const dp_sched *monthly = at;
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                snprintf(grade_path, sizeof grade_path, "%s.%s", d->path, dp_grade_label[g]);
                put_setting(out, cap, &count, grade_path, dp_sched_at(&monthly[g], year),
                            "unset");
            }
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                double v = dp_sched_at(&monthly[g], year);
                snprintf(grade_path, sizeof grade_path, "%s_indexed.%s", d->path,
                         dp_grade_label[g]);
                put_setting(out, cap, &count, grade_path,
                            isfinite(v) ? dp_prog_amount(p, prog, g, year) : (double)NAN, "unset");
            }
            break;
        }
        default:
            /* Maps, names, titles, region lists, extends and the version: not settings. */
            break;
        }
    }
    *n = count;
    if (out && count > cap) {
        return dp_error(ctx, DP_EINTERNAL, "%zu settings do not fit in %zu slots", count, cap);
    }
    return DP_OK;
}
