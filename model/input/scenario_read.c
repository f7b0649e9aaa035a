/* model/input/scenario_read.c
 *
 * The merged scenario tree (scenario.c reads and merges the `extends:` chain) is validated
 * against the key table (scenario_keys.c, STYLE §5) and copied into a dp_params that starts
 * from dp_params_default. Every key the table does not know is an error,
 * reported at the key with a "did you mean" hint; every value error names the key path and
 * what was expected, at the file, line and column where the value was written (which may be a
 * base file of the chain). Every numeric leaf (a number, a probability, each dated value, each
 * amount) may instead be a distribution {dist: KIND, ...}: it is checked against the key's range,
 * its mean goes into dp_params as the central value, and it is listed in dp_params.uncertain[],
 * sorted into the key table's order so that parameter ids do not depend on how the file is
 * written. The walk records the value written for each key (walker.seen); after it, the lists
 * that need keys written anywhere in the file are read (programme extensions, which copy the
 * programme's first rule; overlaps; targets, which need the years and regions), and the checks
 * across keys are made (funding shares summing to 1 in every projected year).
 * The reference for every key is docs/scenarios.md; keep the two in step.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "input/scenario.h"
#include "input/scenario_impl.h"
#include "input/yaml_tree.h"

enum {
    MAX_REGIONS = 4096, /* regions in one scenario */
    MAX_NAME = 63       /* characters of `name:` */
};

/* ------------------------------------------------------------------------------------------ */
/* The key table (scenario_keys.c) */

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

/* True if row d is an amount key another programme's payment needs (monthly on a yearly
 * programme): such rows are refused and left out of "did you mean". */
static int
wrong_amount(const key_def *d)
{
    return d->type == K_AMOUNT && dp_prog_pay[dp_scenario_key_prog(d)] != (dp_pay_kind)d->aux;
}

/* The unknown-key error, suggesting among the table's keys directly under parent. */
static dp_status
unknown_key(dp_ctx *ctx, const dp_ynode *key, const char *parent)
{
    const char **names = malloc(dp_scenario_n_keys * sizeof *names);
    size_t n = 0;
    size_t plen = strlen(parent);
    if (!names) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < dp_scenario_n_keys; i++) {
        const char *p = dp_scenario_keys[i].path;
        if (plen > 0) {
            if (strncmp(p, parent, plen) != 0 || p[plen] != '.') {
                continue;
            }
            p += plen + 1;
        }
        if (!strchr(p, '.') && !wrong_amount(&dp_scenario_keys[i])) {
            names[n++] = p;
        }
    }
    dp_status rc = dp_yunknown(ctx, key, parent, names, n);
    free(names);
    return rc;
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

/* A flag of the loader's own, beside the key table's F_* (never in the table): the leaf is an
 * amount of money in yuan and may carry a unit (3100万, 31000000 yuan; dp_yget_amount). */
enum { F_MONEY = 0x100u };

/* True for the K_SCHED rows that hold money (yuan): their key's last part names an amount
 * (dibao.standard, budget.ceiling, budget_cap, away.yearly, training.cost, awards.amount, ...);
 * the others hold persons, households, places or shares. */
static int
money_key(const char *path)
{
    static const char *const last[] = {"standard", "consumption", "ceiling", "budget_cap",
                                       "yearly",   "cost",        "amount"};
    const char *dot = strrchr(path, '.');
    const char *name = dot ? dot + 1 : path;
    for (size_t i = 0; i < sizeof last / sizeof last[0]; i++) {
        if (strcmp(name, last[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* "a number in [MIN, MAX]", or "a number >= MIN" when the range has no upper end. */
static void
range_phrase(char *buf, size_t size, const char *kind, double min, double max)
{
    if (isinf(max)) {
        snprintf(buf, size, "%s >= %g", kind, min);
    } else {
        snprintf(buf, size, "%s in [%g, %g]", kind, min, max);
    }
}

/* Where a numeric leaf sits among the uncertain parameters, should it be a distribution: its
 * sort key (key table index, grade or list item, year) and the doubles of dp_params its draws
 * go to. */
typedef struct {
    size_t key;                          /**< index of the key in dp_scenario_keys[] */
    size_t grade;                        /**< 0, or 1 + grade for one grade's amount, or 1 +
                                              the item of a list (overlaps) */
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
    const dp_ynode **seen;   /**< [dp_scenario_n_keys]: the value written for each key, or
                                  NULL (lists read after the walk, and checks, look here) */
    size_t n_found;          /**< distributions met so far, in file order */
    found_param found[DP_MAX_UNCERTAIN];
} walker;

/* The value written for the key at path, or NULL (also for a path not in the table). */
static const dp_ynode *
seen_at(const walker *w, const char *path)
{
    const key_def *d = dp_scenario_find_key(path);
    return d ? w->seen[d - dp_scenario_keys] : NULL;
}

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
    snprintf(f->u.where, sizeof f->u.where, "%s:%d:%d", node->file, node->line, node->col);
    f->u.dist = *d;
    f->u.min = min;
    f->u.max = max;
    f->u.n_target = pl->n_target;
    memcpy(f->u.offset, pl->offset, sizeof f->u.offset);
    w->n_found++;
    return DP_OK;
}

/* The error for a distribution where the key takes none. what is what the key takes. */
static dp_status
no_dist(walker *w, const dp_ynode *node, const char *path, const char *what, unsigned flags)
{
    return dp_yerror(w->ctx, node, "%s: expected %s, got a distribution (%s)", path, what,
                     flags & F_SHARE ? "funding shares must sum to 1 in every year, so they "
                                       "cannot be distributions"
                                     : "only numbers, probabilities and amounts may be "
                                       "distributions");
}

/* One numeric leaf: a number in [min, max] or a distribution inside it (recorded at pl; its
 * mean, clamped to [min, max], goes to *out as the central value). what describes the number
 * ("a number in [0, 0.1]"). With F_INTEGER the number must be whole, and with F_INTEGER or
 * F_SHARE in flags no distribution is taken. */
static dp_status
read_leaf(walker *w, const dp_ynode *node, const char *path, const char *what, double min,
          double max, unsigned flags, const leaf_place *pl, double *out)
{
    char what_dist[200];
    if (dp_ynode_is_dist(node)) {
        if (flags & (F_INTEGER | F_SHARE)) {
            return no_dist(w, node, path, what, flags);
        }
        dp_dist d;
        dp_status rc = read_dist(w->ctx, node, path, min, max, &d);
        if (rc != DP_OK) {
            return rc;
        }
        double mean = dp_dist_mean(&d);
        *out = mean < min ? min : (mean > max ? max : mean);
        return add_param(w, node, path, &d, min, max, pl);
    }
    if (flags & F_INTEGER) {
        int v;
        dp_status rc = dp_yget_int(w->ctx, node, path, what, (long)min, (long)max, &v);
        if (rc == DP_OK) {
            *out = v;
        }
        return rc;
    }
    if (node->kind == DP_YMAP) {
        snprintf(what_dist, sizeof what_dist, "%s or a distribution {dist: KIND, ...}", what);
        return dp_yexpected(w->ctx, node, path, what_dist);
    }
    if (flags & F_MONEY) {
        return dp_yget_amount(w->ctx, node, path, what, min, max, out);
    }
    return dp_yget_number(w->ctx, node, path, what, min, max, out);
}

/* A number in [min, max], a distribution, or a date-ranged value of such into *out (flags as
 * for read_leaf). what describes the number ("a number in [0, 0.1]"). The dp_sched written
 * lives at the n_sched byte offsets sched_off[] of dp_params (several when one value sets every
 * grade); key and grade place any distribution in the sort order. */
static dp_status
read_sched(walker *w, const dp_ynode *node, const char *path, const char *what, double min,
           double max, unsigned flags, size_t key, size_t grade, const size_t *sched_off,
           size_t n_sched, dp_sched *out)
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
        if (read_leaf(w, node, path, what, min, max, flags, &pl, &v) != DP_OK) {
            return dp_ctx_failed(w->ctx);
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
        if (read_leaf(w, node->val[i], year_path, what, min, max, flags, &pl, &v) != DP_OK) {
            return dp_ctx_failed(w->ctx);
        }
        sched.year[i] = (int)year;
        sched.value[i] = v;
        sched.n = i + 1;
    }
    *out = sched;
    return DP_OK;
}

/* One value of a by-grade key at node: a date-ranged amount (dated != 0) or a number, written
 * to the n members at byte offsets off[] of dp_params (every grade, or one). */
static dp_status
read_grade_value(walker *w, const dp_ynode *node, const char *path, size_t key, size_t grade,
                 int dated, const size_t *off, size_t n)
{
    static const char what[] = "a non-negative amount in yuan";
    char *base = (char *)w->p;
    if (dated) {
        dp_sched one;
        if (read_sched(w, node, path, what, 0, HUGE_VAL, F_MONEY, key, grade, off, n, &one) !=
            DP_OK) {
            return dp_ctx_failed(w->ctx);
        }
        for (size_t j = 0; j < n; j++) {
            *(dp_sched *)(void *)(base + off[j]) = one;
        }
        return DP_OK;
    }
    leaf_place pl = {.key = key, .grade = grade, .n_target = n};
    double v;
    memcpy(pl.offset, off, n * sizeof *off);
    if (read_leaf(w, node, path, what, 0, HUGE_VAL, F_MONEY, &pl, &v) != DP_OK) {
        return dp_ctx_failed(w->ctx);
    }
    for (size_t j = 0; j < n; j++) {
        *(double *)(void *)(base + off[j]) = v;
    }
    return DP_OK;
}

/* A key by grade at byte offset off of dp_params: programme amounts (dated: DP_N_GRADE dp_sched;
 * a number, distribution or date-ranged value) or floors (DP_N_GRADE doubles; a number or a
 * distribution). One value for all grades, or a map by grade (grades left out keep theirs). */
static dp_status
read_grades(walker *w, const dp_ynode *node, const char *path, size_t key, size_t off, int dated)
{
    char grade_path[256];
    size_t member[DP_N_GRADE];
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        member[g] = off + g * (dated ? sizeof(dp_sched) : sizeof(double));
    }
    if (node->kind == DP_YMAP && node->n > 0 && !dp_ynode_is_dated(node) &&
        !dp_ynode_is_dist(node)) {
        dp_status rc = dp_ycheck_keys(w->ctx, node, path, dp_grade_label, DP_N_GRADE);
        if (rc != DP_OK) {
            return rc;
        }
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            const dp_ynode *val = dp_ymap_get(node, dp_grade_label[g]);
            dp_ypath(grade_path, sizeof grade_path, path, dp_grade_label[g]);
            if (val && read_grade_value(w, val, grade_path, key, 1 + g, dated, &member[g], 1) !=
                           DP_OK) {
                return dp_ctx_failed(w->ctx);
            }
        }
        return DP_OK;
    }
    if (node->kind != DP_YSCALAR && !dp_ynode_is_dist(node) &&
        !(dated && dp_ynode_is_dated(node))) {
        return dp_yexpected(w->ctx, node, path,
                            dated ? "a non-negative amount in yuan, dated values {year: amount} "
                                    "or a map {grade1: amount, ...}"
                                  : "a non-negative amount in yuan or a map {grade1: amount, "
                                    "...}");
    }
    return read_grade_value(w, node, path, key, 0, dated, member, DP_N_GRADE);
}

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

/* "PATH: expected WHAT, got X", with " (did you mean 'NAME'?)" when node is text close to one
 * of the n names. */
static dp_status
expected_name(dp_ctx *ctx, const dp_ynode *node, const char *path, const char *what,
              const char *const *names, size_t n)
{
    char got[160];
    const char *best = node->kind == DP_YSCALAR ? closest(node->text, names, n) : NULL;
    if (!best) {
        return dp_yexpected(ctx, node, path, what);
    }
    dp_ydescribe(node, got, sizeof got);
    return dp_yerror(ctx, node, "%s: expected %s, got %s (did you mean '%s'?)", path, what, got,
                     best);
}

/* Index of node's text among n names, or n. */
static size_t
name_index(const dp_ynode *node, const char *const *names, size_t n)
{
    size_t i = 0;
    while (node->kind == DP_YSCALAR && i < n && strcmp(node->text, names[i]) != 0) {
        i++;
    }
    return node->kind == DP_YSCALAR ? i : n;
}

/* "one of a, b, c" for n names into buf. */
static void
one_of(char *buf, size_t size, const char *const *names, size_t n)
{
    size_t len = (size_t)snprintf(buf, size, "one of ");
    for (size_t i = 0; i < n && len < size; i++) {
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", names[i]);
    }
}

/* A word among words ("a|b|c") at node into *out (its index). */
static dp_status
read_word(walker *w, const dp_ynode *node, const char *path, const char *words, int *out)
{
    char buf[128], what[160];
    const char *names[8];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", words);
    for (char *save = NULL, *t = strtok_r(buf, "|", &save); t && n < 8;
         t = strtok_r(NULL, "|", &save)) {
        names[n++] = t;
    }
    one_of(what, sizeof what, names, n);
    if (dp_ynode_is_dist(node)) {
        return no_dist(w, node, path, what, 0);
    }
    size_t i = name_index(node, names, n);
    if (i == n) {
        return expected_name(w->ctx, node, path, what, names, n);
    }
    *out = (int)i;
    return DP_OK;
}

/* What a list of set KS_* takes, for messages. */
static const char *
set_what(int set)
{
    switch (set) {
    case KS_TYPES:
        return "a list of disability types (visual, hearing, speech, physical, intellectual, "
               "mental, multiple) or all";
    case KS_GRADES:
        return "a list of grades (1, 2, 3, 4) or all";
    default:
        return "a list of household statuses (dibao, marginal, other) or all";
    }
}

/* A set (K_SET) at node into *out: the word `all`, or a non-empty list of the set's names
 * (grades: the numbers 1 to 4), each at most once. */
static dp_status
read_set(walker *w, const dp_ynode *node, const char *path, int set, unsigned *out)
{
    static const char *const item_what[KS_N] = {
        "a disability type (visual, hearing, speech, physical, intellectual, mental, multiple)",
        "a grade 1, 2, 3 or 4", "a household status (dibao, marginal or other)"};
    size_t n;
    const char *const *names = dp_scenario_set_names(set, &n);
    unsigned bits = 0;
    if (dp_ynode_is_dist(node)) {
        return no_dist(w, node, path, set_what(set), 0);
    }
    if (node->kind == DP_YSCALAR && node->plain && strcmp(node->text, "all") == 0) {
        *out = (1u << n) - 1u;
        return DP_OK;
    }
    if (node->kind != DP_YSEQ || node->n == 0) {
        return dp_yexpected(w->ctx, node, path, set_what(set));
    }
    for (size_t i = 0; i < node->n; i++) {
        const dp_ynode *item = node->val[i];
        size_t k = n;
        long grade;
        if (set == KS_GRADES) {
            k = dp_yparse_int(item, &grade) && grade >= 1 && grade <= DP_N_GRADE
                    ? (size_t)(grade - 1)
                    : n;
        } else {
            k = name_index(item, names, n);
        }
        if (k == n) {
            return set == KS_GRADES ? dp_yexpected(w->ctx, item, path, item_what[set])
                                    : expected_name(w->ctx, item, path, item_what[set], names, n);
        }
        if (bits & (1u << k)) {
            return dp_yerror(w->ctx, item, "%s: %s is listed twice", path, item->text);
        }
        bits |= 1u << k;
    }
    *out = bits;
    return DP_OK;
}

/* An age range [min, max] at node into rule->age_min, age_max: two whole ages in [lo, hi],
 * min <= max. */
static dp_status
read_ages(walker *w, const dp_ynode *node, const char *path, int lo, int hi, dp_rule *rule)
{
    char what[96];
    int age[2];
    snprintf(what, sizeof what, "a list [min, max] of two ages in [%d, %d]", lo, hi);
    if (dp_ynode_is_dist(node)) {
        return no_dist(w, node, path, what, 0);
    }
    if (node->kind != DP_YSEQ || node->n != 2) {
        return dp_yexpected(w->ctx, node, path, what);
    }
    for (size_t i = 0; i < 2; i++) {
        char item[64];
        snprintf(item, sizeof item, "an age in [%d, %d]", lo, hi);
        if (dp_yget_int(w->ctx, node->val[i], path, item, lo, hi, &age[i]) != DP_OK) {
            return dp_ctx_failed(w->ctx);
        }
    }
    if (age[0] > age[1]) {
        return dp_yerror(w->ctx, node, "%s: expected [min, max] with min <= max, got [%d, %d]",
                         path, age[0], age[1]);
    }
    rule->age_min = age[0];
    rule->age_max = age[1];
    return DP_OK;
}

/* Order of the uncertain parameters: key table, then grade (or list item), then year. */
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

/* Reads the value val of key d (named path) into dp_params. Maps are walked by the caller;
 * lists read after the walk are only recorded (in w->seen, by the caller). */
static dp_status
apply_key(walker *w, const key_def *d, const dp_ynode *val, const char *path)
{
    char *base = (char *)w->p;
    void *at = base + d->offset;
    char what[160];
    double v;
    size_t key = (size_t)(d - dp_scenario_keys);
    leaf_place pl = {.key = key, .n_target = 1, .offset = {d->offset}};

    switch (d->type) {
    case K_VERSION:
    case K_EXTENDS:
    case K_MAP:
    case K_FUNDING:
    case K_TARGETS:
    case K_EXTENSIONS:
    case K_OVERLAPS:
        return DP_OK; /* checked before / resolved / walked by the caller / read after */
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
    case K_YEAR:
    case K_INT:
        range_phrase(what, sizeof what, d->type == K_YEAR ? "a year" : "an integer", d->min,
                     d->max);
        if (dp_ynode_is_dist(val)) {
            return no_dist(w, val, path, what, 0);
        }
        return dp_yget_int(w->ctx, val, path, what, (long)d->min, (long)d->max, at);
    case K_YEAR_NEVER:
        snprintf(what, sizeof what, "a year in [%g, %g] or '%s'", d->min, d->max, d->word);
        if (dp_ynode_is_dist(val)) {
            return no_dist(w, val, path, what, 0);
        }
        if (val->kind == DP_YSCALAR && val->plain && strcmp(val->text, d->word) == 0) {
            *(int *)at = 0;
            return DP_OK;
        }
        return dp_yget_int(w->ctx, val, path, what, (long)d->min, (long)d->max, at);
    case K_BOOL:
        if (dp_ynode_is_dist(val)) {
            return no_dist(w, val, path, "true or false", 0);
        }
        return dp_yget_bool(w->ctx, val, path, at);
    case K_NUMBER:
        range_phrase(what, sizeof what, "a number", d->min, d->max);
        if (read_leaf(w, val, path, what, d->min, d->max, 0, &pl, &v) != DP_OK) {
            return dp_ctx_failed(w->ctx);
        }
        *(double *)at = v;
        return DP_OK;
    case K_PROB:
        if (d->word && val->kind == DP_YSCALAR && val->plain && strcmp(val->text, d->word) == 0) {
            *(double *)at = NAN;
            return DP_OK;
        }
        if (d->word) {
            snprintf(what, sizeof what, "a probability in [0, 1] or '%s'", d->word);
        } else {
            snprintf(what, sizeof what, "a probability in [0, 1]");
        }
        if (read_leaf(w, val, path, what, 0, 1, 0, &pl, &v) != DP_OK) {
            return dp_ctx_failed(w->ctx);
        }
        *(double *)at = v;
        return DP_OK;
    case K_SCHED: {
        unsigned flags = d->flags | (money_key(d->path) ? F_MONEY : 0u);
        range_phrase(what, sizeof what,
                     flags & F_INTEGER ? "an integer"
                                       : (flags & F_SHARE ? "a share"
                                                          : (flags & F_MONEY ? "an amount in yuan"
                                                                             : "a number")),
                     d->min, d->max);
        return read_sched(w, val, path, what, d->min, d->max, flags, key, 0, &d->offset, 1, at);
    }
    case K_AMOUNT:
        return read_grades(w, val, path, key, d->offset, 1);
    case K_GRADE_NUM:
        return read_grades(w, val, path, key, d->offset, 0);
    case K_WORD:
        return read_word(w, val, path, d->word, at);
    case K_SET:
        return read_set(w, val, path, d->aux, at);
    case K_AGES:
        return read_ages(w, val, path, (int)d->min, (int)d->max, at);
    }
    return dp_error(w->ctx, DP_EINTERNAL, "key table: unknown type");
}

/* The amount key of a programme that pays otherwise (monthly on a yearly programme): refused
 * at the key, naming the key the programme takes. */
static dp_status
wrong_amount_key(walker *w, const key_def *d, const dp_ynode *key, const char *path)
{
    static const char *const pay_key[] = {"monthly", "yearly", "unit_cost"};
    static const char *const pay_what[] = {"a monthly amount per recipient",
                                           "a yearly amount per recipient",
                                           "a cost per unit served"};
    size_t prog = dp_scenario_key_prog(d);
    dp_pay_kind pay = dp_prog_pay[prog];
    return dp_yerror(w->ctx, key, "%s: %s pays %s: write '%s', not '%s'", path, dp_prog_key[prog],
                     pay_what[pay], pay_key[pay], key->text);
}

static dp_status
walk_map(walker *w, const dp_ynode *map, const char *path)
{
    char full[256];
    for (size_t i = 0; i < map->n; i++) {
        const dp_ynode *key = map->key[i];
        const dp_ynode *val = map->val[i];
        dp_ypath(full, sizeof full, path, key->text);
        const key_def *d = dp_scenario_find_key(full);
        if (!d) {
            return unknown_key(w->ctx, key, path);
        }
        if (wrong_amount(d)) {
            return wrong_amount_key(w, d, key, full);
        }
        w->seen[d - dp_scenario_keys] = val;
        dp_status rc;
        if (d->type == K_FUNDING && dp_ynode_is_dist(val)) {
            rc = no_dist(w, val, full, "a map {central: share, provincial: share, ...}", F_SHARE);
        } else if (d->type == K_MAP || d->type == K_FUNDING) {
            if (val->kind != DP_YMAP) {
                return dp_yexpected(w->ctx, val, full, "a map");
            }
            if (d->type == K_FUNDING) {
                /* Levels the map leaves out pay nothing. */
                dp_sched *share = (dp_sched *)(void *)((char *)w->p + d->offset);
                for (size_t l = 0; l < DP_N_LEVEL; l++) {
                    dp_sched_const(&share[l], 0.0);
                }
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
/* After the walk: extensions, overlaps and the checks across keys */

static dp_status target_region(walker *w, const dp_ynode *node, const char *path, char *out,
                               size_t size);

/* An extension's `regions:` (a list of 1 to DP_RULE_REGIONS of the scenario's regions) into
 * rule->region[] as indices in the scenario's list. */
static dp_status
read_rule_regions(walker *w, const dp_ynode *node, const char *path, dp_rule *rule)
{
    char what[96], sub[192], id[64];
    snprintf(what, sizeof what, "a list of 1 to %d of the scenario's regions",
             (int)DP_RULE_REGIONS);
    if (dp_ynode_is_dist(node)) {
        return no_dist(w, node, path, what, 0);
    }
    if (node->kind != DP_YSEQ || node->n == 0 || node->n > DP_RULE_REGIONS) {
        return dp_yexpected(w->ctx, node, path, what);
    }
    rule->n_region = 0;
    for (size_t i = 0; i < node->n; i++) {
        snprintf(sub, sizeof sub, "%s[%zu]", path, i + 1);
        dp_status rc = target_region(w, node->val[i], sub, id, sizeof id);
        if (rc != DP_OK) {
            return rc;
        }
        for (size_t r = 0; w->regions && r < w->regions->n; r++) {
            if (strcmp(w->regions->val[r]->text, id) == 0) {
                rule->region[rule->n_region++] = (unsigned short)r;
                break;
            }
        }
    }
    return DP_OK;
}

/* One item of `extensions:` into *rule (which holds a copy of the programme's rule[0]). */
static dp_status
read_extension(walker *w, const dp_ynode *item, const char *path, const key_def *d,
               dp_rule *rule)
{
    static const char *const allowed[] = {"from",       "types", "grades",
                                          "households", "ages",  "regions"};
    static const int set_of[] = {KS_TYPES, KS_GRADES, KS_HH};
    unsigned *set_at[] = {&rule->types, &rule->grades, &rule->hh};
    char sub[160], what[64];
    dp_ynode *node;
    dp_status rc;
    if (item->kind != DP_YMAP) {
        return dp_yexpected(w->ctx, item, path,
                            "a map {from, types, grades, households, ages}");
    }
    if ((rc = dp_ycheck_keys(w->ctx, item, path, allowed, 6)) != DP_OK ||
        (rc = dp_yrequire(w->ctx, item, path, "from", &node)) != DP_OK) {
        return rc;
    }
    dp_ypath(sub, sizeof sub, path, "from");
    range_phrase(what, sizeof what, "a year", d->min, d->max);
    if (dp_ynode_is_dist(node)) {
        return no_dist(w, node, sub, what, 0);
    }
    if ((rc = dp_yget_int(w->ctx, node, sub, what, (long)d->min, (long)d->max, &rule->from)) !=
        DP_OK) {
        return rc;
    }
    for (size_t k = 0; k < 3; k++) {
        if ((node = dp_ymap_get(item, allowed[1 + k]))) {
            dp_ypath(sub, sizeof sub, path, allowed[1 + k]);
            if ((rc = read_set(w, node, sub, set_of[k], set_at[k])) != DP_OK) {
                return rc;
            }
        }
    }
    if ((node = dp_ymap_get(item, "ages"))) {
        dp_ypath(sub, sizeof sub, path, "ages");
        if ((rc = read_ages(w, node, sub, 0, DP_MAX_AGE, rule)) != DP_OK) {
            return rc;
        }
    }
    if ((node = dp_ymap_get(item, "regions"))) {
        dp_ypath(sub, sizeof sub, path, "regions");
        return read_rule_regions(w, node, sub, rule);
    }
    return DP_OK;
}

/* The value written for programmes.KEY.SUFFIX of programme k, or NULL; that path into
 * path[size] for messages. */
static const dp_ynode *
seen_prog(const walker *w, size_t k, const char *suffix, char *path, size_t size)
{
    snprintf(path, size, "programmes.%s.%s", dp_prog_key[k], suffix);
    return seen_at(w, path);
}

/* Every programme's `extensions:` (a list of at most DP_MAX_RULES - 1 maps; [] for none) into
 * rule[1..], replacing the default extensions: fields an item leaves out are rule[0]'s (as the
 * walk left it). */
static dp_status
read_extensions(walker *w)
{
    char path[128], item_path[160], what[96];
    snprintf(what, sizeof what,
             "a list of at most %d extension rules {from, types, grades, households, ages}",
             DP_MAX_RULES - 1);
    for (size_t k = 0; k < DP_N_PROG; k++) {
        dp_prog_params *pp = &w->p->prog[k];
        const dp_ynode *list = seen_prog(w, k, "extensions", path, sizeof path);
        const key_def *d = dp_scenario_find_key(path);
        if (!list) {
            continue;
        }
        if (dp_ynode_is_dist(list)) {
            return no_dist(w, list, path, what, 0);
        }
        if (list->kind != DP_YSEQ) {
            return dp_yexpected(w->ctx, list, path, what);
        }
        if (list->n > DP_MAX_RULES - 1) {
            return dp_yerror(w->ctx, list, "%s: expected %s, got %zu", path, what, list->n);
        }
        for (size_t i = 0; i < list->n; i++) {
            snprintf(item_path, sizeof item_path, "%s[%zu]", path, i + 1);
            pp->rule[1 + i] = pp->rule[0];
            pp->rule[1 + i].from = 0;
            pp->rule[1 + i].n_region = 0;
            if (read_extension(w, list->val[i], item_path, d, &pp->rule[1 + i]) != DP_OK) {
                return dp_ctx_failed(w->ctx);
            }
        }
        pp->n_rule = 1 + list->n;
    }
    return DP_OK;
}

/* A programme name of overlaps[N] at node into *out. */
static dp_status
overlap_programme(walker *w, const dp_ynode *node, const char *path, int *out)
{
    char what[400];
    size_t k = name_index(node, dp_prog_key, DP_N_PROG);
    if (k < DP_N_PROG) {
        *out = (int)k;
        return DP_OK;
    }
    if (node->kind == DP_YSCALAR && closest(node->text, dp_prog_key, DP_N_PROG)) {
        return expected_name(w->ctx, node, path, "a programme", dp_prog_key, DP_N_PROG);
    }
    one_of(what, sizeof what, dp_prog_key, DP_N_PROG);
    return dp_yexpected(w->ctx, node, path, what);
}

/* One item of `overlaps:` (the i-th, from 0) into p->overlap[i]. */
static dp_status
read_overlap(walker *w, const dp_ynode *item, size_t i, const char *path, size_t key)
{
    static const char *const allowed[] = {"first", "second", "rule", "fraction"};
    static const char *const rules[] = {"exclude", "reduce"};
    dp_overlap *o = &w->p->overlap[i];
    char sub[64], what[96];
    dp_ynode *node;
    dp_status rc;
    memset(o, 0, sizeof *o);
    if (item->kind != DP_YMAP) {
        return dp_yexpected(w->ctx, item, path, "a map {first, second, rule, fraction}");
    }
    if ((rc = dp_ycheck_keys(w->ctx, item, path, allowed, 4)) != DP_OK) {
        return rc;
    }
    for (size_t k = 0; k < 3; k++) {
        if ((rc = dp_yrequire(w->ctx, item, path, allowed[k], &node)) != DP_OK) {
            return rc;
        }
    }
    dp_ypath(sub, sizeof sub, path, "first");
    if ((rc = overlap_programme(w, dp_ymap_get(item, "first"), sub, &o->first)) != DP_OK) {
        return rc;
    }
    dp_ypath(sub, sizeof sub, path, "second");
    node = dp_ymap_get(item, "second");
    if ((rc = overlap_programme(w, node, sub, &o->second)) != DP_OK) {
        return rc;
    }
    if (o->second == o->first) {
        snprintf(what, sizeof what, "a programme other than first (%s)", dp_prog_key[o->first]);
        return dp_yexpected(w->ctx, node, sub, what);
    }
    for (size_t j = 0; j < i; j++) {
        const dp_overlap *q = &w->p->overlap[j];
        if ((q->first == o->first && q->second == o->second) ||
            (q->first == o->second && q->second == o->first)) {
            return dp_yerror(w->ctx, item, "%s: %s and %s are already combined by overlaps[%zu]",
                             path, dp_prog_key[o->first], dp_prog_key[o->second], j + 1);
        }
    }
    dp_ypath(sub, sizeof sub, path, "rule");
    int kind = 0;
    if ((rc = read_word(w, dp_ymap_get(item, "rule"), sub, "exclude|reduce", &kind)) != DP_OK) {
        return rc;
    }
    o->kind = (dp_overlap_kind)kind;
    node = dp_ymap_get(item, "fraction");
    dp_ypath(sub, sizeof sub, path, "fraction");
    if (o->kind == DP_OVERLAP_EXCLUDE) {
        if (node) {
            return dp_yerror(w->ctx, dp_ymap_key(item, "fraction"),
                             "%s: only a rule reduce has a fraction (rule %s pays nothing)", sub,
                             rules[kind]);
        }
        return DP_OK;
    }
    if ((rc = dp_yrequire(w->ctx, item, path, "fraction", &node)) != DP_OK) {
        return rc;
    }
    leaf_place pl = {.key = key, .grade = 1 + i, .n_target = 1,
                     .offset = {offsetof(dp_params, overlap) + i * sizeof(dp_overlap) +
                                offsetof(dp_overlap, fraction)}};
    return read_leaf(w, node, sub, "a probability in [0, 1]", 0, 1, 0, &pl, &o->fraction);
}

/* `overlaps:` (a list of at most DP_MAX_OVERLAPS maps; [] for none) into p->overlap[]. */
static dp_status
read_overlaps(walker *w)
{
    const key_def *d = dp_scenario_find_key("overlaps");
    const dp_ynode *list = w->seen[d - dp_scenario_keys];
    char what[96], path[32];
    if (!list) {
        return DP_OK;
    }
    snprintf(what, sizeof what, "a list of at most %d overlap rules {first, second, rule, ...}",
             DP_MAX_OVERLAPS);
    if (list->kind != DP_YSEQ) {
        return dp_yexpected(w->ctx, list, "overlaps", what);
    }
    if (list->n > DP_MAX_OVERLAPS) {
        return dp_yerror(w->ctx, list, "overlaps: expected %s, got %zu", what, list->n);
    }
    w->p->n_overlap = 0;
    for (size_t i = 0; i < list->n; i++) {
        snprintf(path, sizeof path, "overlaps[%zu]", i + 1);
        if (read_overlap(w, list->val[i], i, path, (size_t)(d - dp_scenario_keys)) != DP_OK) {
            return dp_ctx_failed(w->ctx);
        }
        w->p->n_overlap = i + 1;
    }
    return DP_OK;
}

/* The checks across keys of every programme, once every key is read and the years are known:
 * the funding shares sum to 1 in every projected year (within 1e-9); a service programme's
 * indexation does not follow the dibao standard. */
static dp_status
check_programmes(walker *w)
{
    const dp_params *p = w->p;
    char path[128];
    for (size_t k = 0; k < DP_N_PROG; k++) {
        const dp_prog_params *pp = &p->prog[k];
        const dp_ynode *node = seen_prog(w, k, "funding", path, sizeof path);
        for (int year = p->year_start; year <= p->year_end; year++) {
            double sum = 0.0;
            for (size_t l = 0; l < DP_N_LEVEL; l++) {
                sum += dp_sched_at(&pp->funding[l], year);
            }
            if (fabs(sum - 1.0) <= 1e-9) {
                continue;
            }
            if (!node) {
                return dp_error(w->ctx, DP_EINTERNAL,
                                "the default funding shares of %s sum to %.10g in %d",
                                dp_prog_key[k], sum, year);
            }
            return dp_yerror(w->ctx, node,
                             "%s: the shares sum to %.10g in %d, expected 1 (within 1e-9)", path,
                             sum, year);
        }
        node = seen_prog(w, k, "indexation.kind", path, sizeof path);
        if (node && pp->index_kind == DP_INDEX_DIBAO && dp_prog_pay[k] == DP_PAY_SERVICE) {
            return dp_yerror(w->ctx, node,
                             "%s: expected rate or cpi (a cost per unit served does not follow "
                             "the dibao standard), got 'dibao'",
                             path);
        }
    }
    return DP_OK;
}

/* base_year and years.start name the same choice (the run starts the year after its base):
 * either may be given, both only if they agree. */
static dp_status
resolve_base_year(dp_ctx *ctx, const dp_ynode *root, dp_params *p)
{
    const dp_ynode *base = dp_ymap_get(root, "base_year");
    const dp_ynode *start = dp_ymap_get(dp_ymap_get(root, "years"), "start");
    if (!base) {
        p->base_year = p->year_start - 1;
        return DP_OK;
    }
    if (!start) {
        p->year_start = p->base_year + 1;
        return DP_OK;
    }
    if (p->base_year != p->year_start - 1) {
        return dp_yerror(ctx, base,
                         "base_year: %d needs years.start %d (the run starts the year after its "
                         "base), got years.start %d",
                         p->base_year, p->base_year + 1, p->year_start);
    }
    return DP_OK;
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

/* targets[N].indicator: a key of the indicator table (targets.h). */
static dp_status
target_indicator(dp_ctx *ctx, const dp_ynode *node, const char *path, dp_indicator *ind)
{
    char got[160];
    char list[1024];
    const char *names[256];
    dp_indicator all[256];
    size_t n = dp_indicator_count();
    n = n < 256 ? n : 256;
    if (node->kind == DP_YSCALAR && dp_indicator_find(node->text, ind)) {
        return DP_OK;
    }
    for (size_t i = 0; i < n; i++) {
        dp_indicator_get(i, &all[i]);
        names[i] = all[i].key;
    }
    const char *best = node->kind == DP_YSCALAR ? closest(node->text, names, n) : NULL;
    if (best) {
        dp_ydescribe(node, got, sizeof got);
        return dp_yerror(ctx, node, "%s: expected an indicator, got %s (did you mean '%s'?)",
                         path, got, best);
    }
    /* The names in short: the per-programme ones as patterns (targets.h). */
    char what[1100];
    snprintf(what, sizeof what, "one of %s", dp_indicator_names(list, sizeof list));
    return dp_yexpected(ctx, node, path, what);
}

/* targets[N].region naming a node of the hierarchy (`jilin` or `province:jilin`) above at
 * least one of the scenario's n regions: its id into out and *rc DP_OK, or the error in *rc.
 * Returns 0 (*rc untouched) when the text is no node and has no LEVEL: prefix: the caller
 * then reports a region. */
static int
target_node(walker *w, const dp_ynode *node, const char *path, const char *const *names, size_t n,
            char *out, size_t size, dp_status *rc)
{
    const dp_hierarchy *h = w->s->hier;
    size_t k;
    if (strchr(node->text, ':')) {
        if ((*rc = dp_hierarchy_select(w->ctx, h, node, path, node->text, &k)) != DP_OK) {
            return 1;
        }
    } else if ((k = dp_hierarchy_find(h, node->text)) == DP_HNONE) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        size_t leaf = dp_hierarchy_find(h, names[i]);
        if (leaf != DP_HNONE && leaf != k && dp_hierarchy_under(h, leaf, k)) {
            snprintf(out, size, "%s", h->node[k].id);
            *rc = DP_OK;
            return 1;
        }
    }
    *rc = dp_yerror(w->ctx, node, "%s: %s '%s' has none of the scenario's regions under it", path,
                    dp_adm_key[h->node[k].level], h->node[k].id);
    return 1;
}

/* targets[N].region: one of the scenario's regions, or a node of the region hierarchy above
 * some of them (a province's total; the roll-ups, engines/rollup.h, evaluate it). */
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
    dp_status rc = DP_OK;
    if (node->kind == DP_YSCALAR && (w->s->hier || strchr(node->text, ':')) &&
        target_node(w, node, path, names, n, out, size, &rc)) {
        return rc;
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
        snprintf(what, sizeof what, "a non-negative number of %s", ind.unit);
        rc = strcmp(ind.unit, "yuan") == 0
                 ? dp_yget_amount(ctx, dp_ymap_get(item, "value"), sub, what, 0.0, HUGE_VAL,
                                  &t->value)
                 : dp_yget_number(ctx, dp_ymap_get(item, "value"), sub, what, 0.0, HUGE_VAL,
                                  &t->value);
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

/* `targets:` (a list of at most DP_MAX_TARGETS maps; [] for none; NULL when not written) into
 * s->target. After the walk, so that the regions and years are known whatever the order of
 * the keys. */
static dp_status
read_targets(walker *w, const dp_ynode *list)
{
    char what[96];
    char path[32];
    dp_scenario *s = w->s;
    snprintf(what, sizeof what, "a list of at most %d targets {indicator, year, op, value, kind}",
             DP_MAX_TARGETS);
    if (!list) {
        return DP_OK;
    }
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

/* ------------------------------------------------------------------------------------------ */
/* The whole read */

dp_status
dp_scenario_read(dp_ctx *ctx, dp_scenario *s, const dp_ynode *root, const dp_ynode **regions)
{
    dp_status rc = DP_OK;
    dp_ynode *node = NULL;
    walker w = {0};

    w.ctx = ctx;
    w.s = s;
    w.p = &s->params;
    if (!(w.seen = calloc(dp_scenario_n_keys, sizeof *w.seen))) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    if ((rc = walk_map(&w, root, "")) != DP_OK) {
        goto out;
    }
    if ((rc = dp_yrequire(ctx, root, "", "name", &node)) != DP_OK ||
        (rc = dp_yrequire(ctx, root, "", "regions", &node)) != DP_OK) {
        goto out;
    }
    /* The lists and checks that need keys written anywhere in the file (rule[0], the years). */
    if ((rc = resolve_base_year(ctx, root, &s->params)) != DP_OK ||
        (rc = check_years(ctx, root, &s->params)) != DP_OK ||
        (rc = read_extensions(&w)) != DP_OK || (rc = read_overlaps(&w)) != DP_OK ||
        (rc = check_programmes(&w)) != DP_OK) {
        goto out;
    }
    store_params(&w);
    if ((rc = read_targets(&w, seen_at(&w, "targets"))) != DP_OK) {
        goto out;
    }
    *regions = w.regions;
out:
    free(w.seen);
    return rc;
}
