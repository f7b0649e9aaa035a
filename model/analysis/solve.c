/* model/analysis/solve.c
 *
 * The goal-seeking solver of analysis/solve.h: bracketing from the scenario's value, then
 * Brent's method (cohort, one run: the margin is continuous), bisection on P(met) (micro or
 * several runs) or bisection on whole numbers. Every evaluation is a full engine run of the
 * scenario with the key set by an overlay, so the answer is what `dpsim run` gives for the
 * overlay the command writes.
 */
#include "analysis/solve.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/targets.h"
#include "domain/model.h"
#include "engines/engines.h"
#include "engines/rollup.h"
#include "input/key_meta.h"
#include "input/reference.h"
#include "input/scenario.h"

enum { DEFAULT_MAX_EVAL = 60 };

/* Relative tolerance on a continuous key: Brent on the margin, and bisection on P (a step
 * function of the key, whose steps finer than this mean nothing with a few hundred runs). */
static const double TOL_BRENT = 1e-6;
static const double TOL_P = 1e-4;

typedef struct {
    dp_ctx *ctx;
    const char *path;
    const char *data_dir;
    const dp_solve_opts *o;
    dp_reference *ref;
    size_t target;       /* index among the scenario's targets (not for a ceiling) */
    size_t max_eval;
    dp_solve_result *r;
    size_t cap;
} solver;

void
dp_solve_result_free(dp_solve_result *r)
{
    if (!r) {
        return;
    }
    free(r->eval);
    free(r->year_total);
    free(r);
}

int
dp_solve_overlay_text(const char *key, const char *value_text, char *buf, size_t size)
{
    size_t len = 0, depth = 0;
    const char *seg = key;
    for (;;) {
        size_t n = strcspn(seg, ".");
        int last = seg[n] == '\0';
        int w = snprintf(buf + len, len < size ? size - len : 0, "%*s%.*s:%s%s\n",
                         (int)(2 * depth), "", (int)n, seg, last ? " " : "",
                         last ? value_text : "");
        if (w < 0) {
            return -1;
        }
        len += (size_t)w;
        if (len >= size) {
            return -1;
        }
        if (last) {
            return 0;
        }
        seg += n + 1;
        depth++;
    }
}

/* The label dp_targets_eval gives target i of t[] (indicator_year[_region], then _2, _3 for a
 * label taken), into buf. */
static void
target_label(const dp_target *t, size_t i, char *buf, size_t size)
{
    char base[96];
    if (t[i].region[0]) {
        snprintf(base, sizeof base, "%s_%d_%s", t[i].indicator, t[i].year, t[i].region);
    } else {
        snprintf(base, sizeof base, "%s_%d", t[i].indicator, t[i].year);
    }
    snprintf(buf, size, "%s", base);
    for (unsigned k = 2;; k++) {
        int taken = 0;
        char other[96];
        for (size_t j = 0; j < i && !taken; j++) {
            target_label(t, j, other, sizeof other);
            taken = strcmp(other, buf) == 0;
        }
        if (!taken) {
            return;
        }
        if (snprintf(buf, size, "%s_%u", base, k) >= (int)size) {
            return;
        }
    }
}

/* Finds the target o->target among the scenario's (or a ceiling year). */
static dp_status
find_target(solver *sv, const dp_scenario *s)
{
    dp_solve_result *r = sv->r;
    const dp_params *p = dp_scenario_params(s);
    const char *name = sv->o->target;
    size_t n;
    const dp_target *t = dp_scenario_targets(s, &n);
    char label[96];
    if (strncmp(name, "ceiling", 7) == 0) {
        char *end = NULL;
        long year = name[7] == '_' ? strtol(name + 8, &end, 10) : 0;
        if (!end || *end || year < p->year_start || year > p->year_end) {
            return dp_error(sv->ctx, DP_EINPUT,
                            "target '%s': a budget ceiling target is ceiling_YEAR with YEAR in "
                            "%d-%d (e.g. ceiling_%d)",
                            name, p->year_start, p->year_end, p->year_end);
        }
        r->ceiling = 1;
        r->year = (int)year;
        r->op = DP_OP_LE;
        r->threshold = NAN;
        r->unit = "yuan";
        snprintf(r->target, sizeof r->target, "ceiling_%ld", year);
        snprintf(r->target_zh, sizeof r->target_zh, "预算上限·%ld年", year);
        return DP_OK;
    }
    size_t found = n, by_indicator = n, n_indicator = 0;
    for (size_t i = 0; i < n; i++) {
        target_label(t, i, label, sizeof label);
        if (strcmp(label, name) == 0) {
            found = i;
        }
        if (strcmp(t[i].indicator, name) == 0) {
            by_indicator = i;
            n_indicator++;
        }
    }
    if (found == n && n_indicator == 1) {
        found = by_indicator;
    }
    if (found == n) {
        char list[1024] = "";
        size_t len = 0;
        for (size_t i = 0; i < n && len < sizeof list; i++) {
            target_label(t, i, label, sizeof label);
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", label);
        }
        if (n_indicator > 1) {
            return dp_error(sv->ctx, DP_EINPUT,
                            "target '%s': %zu targets have this indicator; name one by its "
                            "label: %s",
                            name, n_indicator, list);
        }
        return dp_error(sv->ctx, DP_EINPUT,
                        "unknown target '%s'; the scenario's targets: %s%s(or ceiling_YEAR for "
                        "the budget ceiling)",
                        name, n ? list : "none", " ");
    }
    if (t[found].op == DP_OP_EQ) {
        return dp_error(sv->ctx, DP_EINPUT,
                        "target '%s' is an == target: it has no direction to solve for", name);
    }
    dp_indicator ind;
    dp_indicator_find(t[found].indicator, &ind);
    sv->target = found;
    target_label(t, found, r->target, sizeof r->target);
    snprintf(r->target_zh, sizeof r->target_zh, "%s·%d年",
             t[found].name_zh[0] ? t[found].name_zh : ind.name_zh, t[found].year);
    r->unit = ind.unit;
    r->op = t[found].op;
    r->threshold = t[found].value;
    r->year = t[found].year;
    return DP_OK;
}

/* One engine run of s; fills e (but x) and the year totals row. */
static dp_status
run_one(solver *sv, const dp_scenario *s, dp_solve_eval *e, double *year_total)
{
    dp_solve_result *r = sv->r;
    dp_model *m = NULL;
    dp_results *res = NULL;
    dp_target_result *tr = NULL;
    dp_budget_year *by = NULL;
    size_t n_tr = 0, n_by = 0;
    dp_engine_opts eo = {sv->o->runs, sv->o->seed};
    size_t yi = (size_t)(r->year - r->year_start);
    const dp_target_result *t = NULL;
    double sign = r->op == DP_OP_GE || r->op == DP_OP_GT ? 1.0 : -1.0;
    dp_status rc;
    if ((rc = dp_model_of_scenario(sv->ctx, s, sv->ref, &m)) != DP_OK) {
        goto out;
    }
    rc = sv->o->micro ? dp_micro_run(sv->ctx, m, &eo, &res) : dp_cohort_run(sv->ctx, m, &eo, &res);
    /* The roll-ups to the hierarchy's nodes, as dpsim run adds them: a target may name a node. */
    if (rc == DP_OK) {
        rc = dp_rollup_add(sv->ctx, dp_scenario_hierarchy(s), res);
    }
    if (rc != DP_OK || (rc = dp_budget_read(sv->ctx, res, &by, &n_by)) != DP_OK) {
        goto out;
    }
    if (n_by != (size_t)r->n_year) {
        rc = dp_error(sv->ctx, DP_EINTERNAL, "the results have %zu years, not %d", n_by, r->n_year);
        goto out;
    }
    e->total = 0.0;
    for (size_t y = 0; y < n_by; y++) {
        year_total[y] = by[y].total;
        e->total += by[y].total;
    }
    if (r->ceiling) {
        if (!isfinite(by[yi].ceiling)) {
            rc = dp_error(sv->ctx, DP_EINPUT,
                          "target '%s': the scenario has no budget.ceiling in %d (set one, or "
                          "vary budget.ceiling)",
                          r->target, r->year);
            goto out;
        }
        e->value = by[yi].total;
        e->p = 1.0 - by[yi].p_exceeds;
        e->margin = by[yi].ceiling - by[yi].total;
    } else {
        if ((rc = dp_targets_add(sv->ctx, s, res)) != DP_OK ||
            (rc = dp_targets_read(sv->ctx, res, &tr, &n_tr)) != DP_OK) {
            goto out;
        }
        if (sv->target >= n_tr || strcmp(tr[sv->target].label, r->target) != 0) {
            rc = dp_error(sv->ctx, DP_EINTERNAL, "target '%s' not found in the results",
                          r->target);
            goto out;
        }
        t = &tr[sv->target];
        e->value = t->mean;
        e->p = t->p_met;
        e->margin = sign * (t->mean - r->threshold);
    }
    /* A NaN indicator (a share of nobody) meets nothing. */
    if (!isfinite(e->p)) {
        e->p = 0.0;
    }
    if (!isfinite(e->margin)) {
        e->margin = -HUGE_VAL;
    }
    e->met = r->p_mode ? e->p >= r->prob - 1e-12 : e->p >= 0.5;
out:
    free(tr);
    free(by);
    dp_results_free(res);
    dp_model_free(m);
    return rc;
}

/* Formats x as the overlay writes it. */
static void
format_x(const dp_solve_result *r, double x, char *buf, size_t size)
{
    if (r->integer) {
        snprintf(buf, size, "%.0f", x);
        return;
    }
    /* The shortest decimal that reads back as x, in fixed notation when it has few
     * decimals (35714000, not 3.5714e+07). */
    for (int dec = 0; dec <= 6 && fabs(x) >= 1.0; dec++) {
        snprintf(buf, size, "%.*f", dec, x);
        if (strtod(buf, NULL) == x) {
            return;
        }
    }
    for (int sig = 1; sig <= 17; sig++) {
        snprintf(buf, size, "%.*g", sig, x);
        if (strtod(buf, NULL) == x) {
            return;
        }
    }
}

/* Appends an evaluation of the key at x (as_is: the scenario without overlay). */
static dp_status
evaluate(solver *sv, double x, int as_is, size_t *idx)
{
    dp_solve_result *r = sv->r;
    dp_scenario *s = NULL;
    dp_status rc = DP_OK;
    char text[48], yaml[512];
    if (r->n_eval == sv->cap) {
        size_t cap = sv->cap ? 2 * sv->cap : 16;
        dp_solve_eval *ev = realloc(r->eval, cap * sizeof *ev);
        if (!ev) {
            return dp_error(sv->ctx, DP_ENOMEM, "out of memory");
        }
        r->eval = ev;
        double *yt = realloc(r->year_total, cap * (size_t)r->n_year * sizeof *yt);
        if (!yt) {
            return dp_error(sv->ctx, DP_ENOMEM, "out of memory");
        }
        r->year_total = yt;
        sv->cap = cap;
    }
    dp_solve_eval *e = &r->eval[r->n_eval];
    memset(e, 0, sizeof *e);
    /* The scenario as it is stands for the key's value only when that value is one number. */
    e->x = as_is && r->varies ? (double)NAN : x;
    e->as_is = as_is;
    if (as_is) {
        rc = dp_scenario_load(sv->ctx, sv->path, sv->data_dir, &s);
    } else {
        format_x(r, x, text, sizeof text);
        if (dp_solve_overlay_text(r->key, text, yaml, sizeof yaml) != 0) {
            return dp_error(sv->ctx, DP_EINPUT, "%s: key path too long", r->key);
        }
        rc = dp_scenario_load_overlay(sv->ctx, sv->path, sv->data_dir, "solve overlay", yaml, &s);
    }
    if (rc == DP_OK) {
        rc = run_one(sv, s, e, r->year_total + r->n_eval * (size_t)r->n_year);
    }
    dp_scenario_free(s);
    if (rc != DP_OK) {
        return rc;
    }
    *idx = r->n_eval++;
    if (sv->o->on_eval) {
        sv->o->on_eval(sv->o->user, r, *idx);
    }
    return DP_OK;
}

/* The evaluation of x if done already (by exact value), else a new one. */
static dp_status
eval_at(solver *sv, double x, size_t *idx)
{
    for (size_t i = 0; i < sv->r->n_eval; i++) {
        if (sv->r->eval[i].x == x) {
            *idx = i;
            return DP_OK;
        }
    }
    return evaluate(sv, x, 0, idx);
}

/* The bracket in the search direction d: best = the met value nearest the boundary (smallest
 * for d = +1), other = the unmet value nearest it on the other side. Returns whether each
 * exists through *has_best and *has_other. */
static void
bracket(const dp_solve_result *r, int d, double *best, int *has_best, double *other,
        int *has_other)
{
    *has_best = *has_other = 0;
    for (size_t i = 0; i < r->n_eval; i++) {
        const dp_solve_eval *e = &r->eval[i];
        if (!isfinite(e->x) || e->x < r->lo || e->x > r->hi) {
            continue;
        }
        double t = d * e->x;
        if (e->met && (!*has_best || t < d * *best)) {
            *best = e->x;
            *has_best = 1;
        }
    }
    for (size_t i = 0; i < r->n_eval; i++) {
        const dp_solve_eval *e = &r->eval[i];
        if (!isfinite(e->x) || e->met || e->x < r->lo || e->x > r->hi) {
            continue;
        }
        double t = d * e->x;
        if ((!*has_best || t < d * *best) && (!*has_other || t > d * *other)) {
            *other = e->x;
            *has_other = 1;
        }
    }
}

static double
clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Whether the bracket [a, b] is narrow enough. */
static int
narrow(const dp_solve_result *r, double a, double b, double tol)
{
    if (r->integer) {
        return fabs(b - a) <= 1.0;
    }
    return fabs(b - a) <= tol * fmax(fmax(fabs(a), fabs(b)), 1e-300);
}

typedef struct {
    solver *sv;
    dp_status rc;
} brent_arg;

static double
brent_fn(double x, void *arg)
{
    brent_arg *a = arg;
    size_t i = 0;
    if (a->rc != DP_OK) {
        return NAN;
    }
    if ((a->rc = eval_at(a->sv, x, &i)) != DP_OK) {
        return NAN;
    }
    return a->sv->r->eval[i].margin;
}

/* Refines the bracket [other, best] by Brent's method on the margin (cohort, one run). */
static dp_status
refine_brent(solver *sv, int d, double best, double other)
{
    dp_solve_result *r = sv->r;
    brent_arg arg = {sv, DP_OK};
    gsl_function F = {brent_fn, &arg};
    gsl_root_fsolver *w = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!w) {
        return dp_error(sv->ctx, DP_ENOMEM, "out of memory");
    }
    double lo = fmin(best, other), hi = fmax(best, other);
    int hb, ho;
    /* The margin may be on the same side at both ends (a target met by a tolerance, or a
     * margin that is not continuous): bisection below takes over then. */
    size_t i_lo, i_hi;
    double f_lo, f_hi;
    dp_status rc = DP_OK;
    if ((rc = eval_at(sv, lo, &i_lo)) != DP_OK || (rc = eval_at(sv, hi, &i_hi)) != DP_OK) {
        goto out;
    }
    f_lo = r->eval[i_lo].margin;
    f_hi = r->eval[i_hi].margin;
    if (!(isfinite(f_lo) && isfinite(f_hi)) || (f_lo < 0) == (f_hi < 0) ||
        gsl_root_fsolver_set(w, &F, lo, hi) != GSL_SUCCESS) {
        goto out;
    }
    while (r->n_eval < sv->max_eval && arg.rc == DP_OK) {
        if (gsl_root_fsolver_iterate(w) != GSL_SUCCESS || arg.rc != DP_OK) {
            break;
        }
        bracket(r, d, &best, &hb, &other, &ho);
        if (hb && ho && narrow(r, other, best, TOL_BRENT)) {
            break;
        }
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(w), gsl_root_fsolver_x_upper(w), 0.0,
                                   TOL_BRENT / 2) == GSL_SUCCESS) {
            break;
        }
    }
    rc = arg.rc;
    /* Brent may land on the root itself (a margin of exactly 0 meets the target): then the
     * value just beside it, on the other side, closes the bracket. */
    bracket(r, d, &best, &hb, &other, &ho);
    if (rc == DP_OK && hb && ho && !narrow(r, other, best, TOL_BRENT) &&
        r->n_eval < sv->max_eval) {
        double x = best - d * 0.5 * TOL_BRENT * fabs(best);
        size_t i;
        if (x != best && d * (x - other) > 0) {
            rc = eval_at(sv, x, &i);
        }
    }
out:
    gsl_root_fsolver_free(w);
    return rc;
}

/* Bisects the bracket until narrow (whole numbers: until adjacent). */
static dp_status
refine_bisect(solver *sv, int d, double tol)
{
    dp_solve_result *r = sv->r;
    double best = NAN, other = NAN;
    int hb, ho;
    for (;;) {
        bracket(r, d, &best, &hb, &other, &ho);
        if (!hb || !ho || narrow(r, other, best, tol) || r->n_eval >= sv->max_eval) {
            return DP_OK;
        }
        double mid = 0.5 * (best + other);
        if (r->integer) {
            mid = floor(mid);
        }
        size_t i;
        dp_status rc = eval_at(sv, mid, &i);
        if (rc != DP_OK) {
            return rc;
        }
    }
}

/* The shortest decimal at or beyond x on the met side (d = +1: x or above) that stays within
 * the bracket's width of x, as the overlay will write it. */
static double
round_answer(const dp_solve_result *r, int d, double x, double width)
{
    if (r->integer || x == 0.0 || !isfinite(width) || width <= 0.0) {
        return x;
    }
    for (int sig = 2; sig <= 16; sig++) {
        char buf[48];
        double e = floor(log10(fabs(x)));
        double q = pow(10.0, e - sig + 1);
        double v = d > 0 ? ceil(x / q) * q : floor(x / q) * q;
        snprintf(buf, sizeof buf, "%.*g", sig, v);
        v = strtod(buf, NULL);
        if (d * (v - x) >= 0.0 && fabs(v - x) <= width && v >= r->lo && v <= r->hi) {
            return v;
        }
    }
    return x;
}

/* Sets the range, x0 and the key's kind. */
static dp_status
setup_key(solver *sv, const dp_scenario *s)
{
    dp_solve_result *r = sv->r;
    const dp_solve_opts *o = sv->o;
    dp_key_info info;
    int kind = dp_scenario_key_numeric(o->key, &info);
    if (kind == 0) {
        const char *near = dp_scenario_key_suggest(o->key);
        if (near) {
            return dp_error(sv->ctx, DP_EINPUT, "unknown key '%s' (did you mean '%s'?)", o->key,
                            near);
        }
        return dp_error(sv->ctx, DP_EINPUT,
                        "unknown key '%s' (dpsim keys lists them; docs/scenarios.md)", o->key);
    }
    if (kind < 0) {
        return dp_error(sv->ctx, DP_EINPUT,
                        "key '%s' is not a number the solver can vary (a switch, list, word or "
                        "funding share)",
                        o->key);
    }
    snprintf(r->key, sizeof r->key, "%s", o->key);
    dp_key_meta meta;
    r->integer = info.integer;
    if (dp_key_meta_get(NULL, info.row, &meta) == 0) {
        static const char *const counts[] = {"persons",     "persons a year", "households a year",
                                             "count",       "count a year",   "places"};
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
            r->integer |= strcmp(meta.unit, counts[i]) == 0;
        }
    }
    r->lo = isfinite(o->lo) ? fmax(o->lo, info.min) : info.min;
    r->hi = isfinite(o->hi) ? fmin(o->hi, info.max) : info.max;
    if (r->integer) {
        r->lo = ceil(r->lo);
        r->hi = floor(r->hi);
    }
    if (!(r->lo <= r->hi)) {
        return dp_error(sv->ctx, DP_EINPUT,
                        "%s: the range [%g, %g] is empty (the key's valid values: [%g, %g])",
                        o->key, isfinite(o->lo) ? o->lo : info.min,
                        isfinite(o->hi) ? o->hi : info.max, info.min, info.max);
    }
    return dp_scenario_key_value(sv->ctx, s, o->key, r->year, &r->x0, &r->varies);
}

/* The search itself once eval[0] (the scenario as it is) is done. */
static dp_status
search(solver *sv)
{
    dp_solve_result *r = sv->r;
    dp_status rc = DP_OK;
    size_t i0, i;
    double x0 = r->x0;
    if (!isfinite(x0)) {
        x0 = isfinite(r->lo) ? r->lo : 0.0;
    }
    x0 = clamp(r->integer ? round(x0) : x0, r->lo, r->hi);
    /* The scenario's own value needs no second run when the overlay would change nothing. */
    if (x0 == r->x0 && !r->varies) {
        r->eval[0].x = x0;
        i0 = 0;
    } else if ((rc = evaluate(sv, x0, 0, &i0)) != DP_OK) {
        return rc;
    }
    double h = fabs(x0) > 0.0 ? fabs(x0) / 2 : isfinite(r->hi - r->lo) ? (r->hi - r->lo) / 16 : 1.0;
    if (r->integer) {
        h = fmax(1.0, round(h));
    }
    /* Which way the key helps: from the margin on either side, doubling the step while it
     * stays flat. */
    int d = 0;
    for (double step = h; d == 0 && r->n_eval < sv->max_eval; step *= 2) {
        int moved = 0;
        for (int side = 1; side >= -1 && d == 0; side -= 2) {
            double x = clamp(x0 + side * step, r->lo, r->hi);
            if (x == x0) {
                continue;
            }
            moved = 1;
            if ((rc = eval_at(sv, x, &i)) != DP_OK) {
                return rc;
            }
            double dm = r->eval[i].margin - r->eval[i0].margin;
            double dp = r->eval[i].p - r->eval[i0].p;
            if (dm != 0.0 && isfinite(dm)) {
                d = (dm > 0) == (side > 0) ? 1 : -1;
            } else if (dp != 0.0) {
                d = (dp > 0) == (side > 0) ? 1 : -1;
            }
        }
        if (!moved || (x0 - step <= r->lo && x0 + step >= r->hi)) {
            break; /* the whole range is tried */
        }
    }
    if (d == 0) {
        r->status = r->n_eval >= sv->max_eval ? DP_SOLVE_LIMIT : DP_SOLVE_NO_EFFECT;
        snprintf(r->message, sizeof r->message,
                 "target %s does not change with %s over [%g, %g]: it is %s at every value "
                 "tried",
                 r->target, r->key, r->lo, r->hi, r->eval[i0].met ? "met" : "not met");
        return DP_OK;
    }
    r->direction = d;
    /* Expand toward the boundary: from the met value against d, from the unmet one along d. */
    double best = NAN, other = NAN;
    int hb, ho;
    for (double step = h;; step *= 2) {
        bracket(r, d, &best, &hb, &other, &ho);
        if ((hb && ho) || r->n_eval >= sv->max_eval) {
            break;
        }
        double x = hb ? best - d * step : other + d * step;
        double end = (hb ? -d : d) > 0 ? r->hi : r->lo;
        x = clamp(x, r->lo, r->hi);
        if ((rc = eval_at(sv, x, &i)) != DP_OK) {
            return rc;
        }
        if (x == end) {
            bracket(r, d, &best, &hb, &other, &ho);
            break;
        }
    }
    if (!hb) {
        r->status = r->n_eval >= sv->max_eval ? DP_SOLVE_LIMIT : DP_SOLVE_UNREACHABLE;
        if (r->status == DP_SOLVE_LIMIT) {
            snprintf(r->message, sizeof r->message,
                     "no value of %s meeting target %s found in %zu evaluations", r->key,
                     r->target, r->n_eval);
        } else {
            snprintf(r->message, sizeof r->message,
                     "no value of %s in [%g, %g] meets target %s: even %s it is not met", r->key,
                     r->lo, r->hi, r->target, d > 0 ? "at the upper end" : "at the lower end");
        }
        return DP_OK;
    }
    if (hb && ho) {
        if (!r->p_mode && !r->integer) {
            rc = refine_brent(sv, d, best, other);
        }
        if (rc == DP_OK) {
            rc = refine_bisect(sv, d, r->p_mode ? TOL_P : TOL_BRENT);
        }
        if (rc != DP_OK) {
            return rc;
        }
        bracket(r, d, &best, &hb, &other, &ho);
    }
    r->at_bound = !ho;
    r->bracket_other = ho ? other : (double)NAN;
    int done = !ho || narrow(r, other, best, r->p_mode ? TOL_P : TOL_BRENT);
    /* A rounder value on the met side, checked by its own evaluation. */
    if (done && ho && !r->integer && r->n_eval < sv->max_eval) {
        double tol = (r->p_mode ? TOL_P : TOL_BRENT) * fabs(best);
        double v = round_answer(r, d, best, fmax(fabs(best - other), tol));
        if (v != best) {
            if ((rc = eval_at(sv, v, &i)) != DP_OK) {
                return rc;
            }
            if (r->eval[i].met) {
                best = v;
            }
        }
    }
    for (i = 0; i < r->n_eval; i++) {
        if (r->eval[i].x == best && r->eval[i].met) {
            r->answer = i;
        }
    }
    r->x = best;
    format_x(r, best, r->x_text, sizeof r->x_text);
    if (!done) {
        r->status = DP_SOLVE_LIMIT;
        snprintf(r->message, sizeof r->message,
                 "stopped after %zu evaluations: the answer lies between %.17g (not met) and "
                 "%.17g (met)",
                 r->n_eval, other, best);
    } else {
        r->status = DP_SOLVE_FOUND;
    }
    return DP_OK;
}

dp_status
dp_solve(dp_ctx *ctx, const char *path, const char *data_dir, const dp_solve_opts *o,
         dp_solve_result **out)
{
    dp_status rc = DP_OK;
    dp_scenario *s = NULL;
    solver sv = {ctx, path, data_dir, o, NULL, 0, o->max_eval ? o->max_eval : DEFAULT_MAX_EVAL,
                 NULL, 0};
    size_t i0;
    *out = NULL;
    if (!(o->prob > 0.0 && o->prob <= 1.0)) {
        return dp_error(ctx, DP_EINPUT, "the probability must be in (0, 1], got %g", o->prob);
    }
    if (o->runs < 1) {
        return dp_error(ctx, DP_EINPUT, "runs must be at least 1");
    }
    if (!(sv.r = calloc(1, sizeof *sv.r))) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    dp_solve_result *r = sv.r;
    r->x = r->x0 = r->bracket_other = NAN;
    r->prob = o->prob;
    r->p_mode = o->micro || o->runs > 1;
    if ((rc = dp_scenario_load(ctx, path, data_dir, &s)) != DP_OK ||
        (rc = find_target(&sv, s)) != DP_OK || (rc = setup_key(&sv, s)) != DP_OK ||
        (rc = dp_reference_load(ctx, data_dir, &sv.ref)) != DP_OK) {
        goto out;
    }
    r->year_start = dp_scenario_params(s)->year_start;
    r->n_year = dp_scenario_params(s)->year_end - r->year_start + 1;
    if ((rc = evaluate(&sv, r->x0, 1, &i0)) != DP_OK || (rc = search(&sv)) != DP_OK) {
        goto out;
    }
    *out = r;
    r = NULL;
out:
    dp_solve_result_free(r);
    dp_reference_free(sv.ref);
    dp_scenario_free(s);
    return rc;
}
