/* model/src/targets.c
 *
 * Plan targets (targets.h, docs/scenarios.md#targets, docs/output-schema.md): the table of
 * indicators a target may name, the evaluation of targets on every run of a dp_results, and
 * their statistics read back. Indicators are found in the results by axis labels (the
 * `indicator` and `programme` axes) rather than by the engines' enums, so the same code
 * evaluates results fresh from an engine and results read from a file.
 * Invariants: every target gives one value per run in each of the four per-run tables; a run
 * whose indicator cannot be computed (a share of zero persons) holds NAN in all four.
 * Workload: a few sums over regions per target and run; microseconds for hundreds of targets
 * over a thousand runs.
 */
#include "dpsim/targets.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpsim/scenario.h"
#include "output_impl.h"

enum { ALL = -1 };
#define NO_INDEX ((size_t)-1)

/* ------------------------------------------------------------------------------------------ */
/* The indicators: one row each. A row marked per_programme stands for one indicator per
 * programme of params.h: '*' in its key, names and source is replaced by the programme's key
 * (its Chinese name in name_zh). Adding an indicator computed the same way as an existing one
 * is one line here (and one row in the docs/scenarios.md table). */

typedef struct {
    const char *key;         /**< name in scenario files */
    const char *name;        /**< English description */
    const char *name_zh;     /**< Chinese name */
    dp_indicator_kind kind;  /**< how it is computed */
    const char *source;      /**< indicators label / programme key ("" all programmes) */
    const char *denominator; /**< shares: the denominator's indicators label */
    int per_programme;       /**< 1: one indicator per programme */
} ind_row;

static const ind_row ind_rows[] = {
    {"disabled", "disabled persons", "残疾人数", DP_IND_PERSONS, "disabled", "", 0},
    {"severe", "severely disabled persons (grades 1-2)", "重度残疾人数", DP_IND_PERSONS, "severe",
     "", 0},
    {"aged60", "disabled persons aged 60 and over", "60岁及以上残疾人数", DP_IND_PERSONS, "aged60",
     "", 0},
    {"children", "disabled children aged 0-14", "0-14岁残疾儿童数", DP_IND_PERSONS, "children", "",
     0},
    {"certified", "certified disabled persons (card holders)", "持证残疾人数", DP_IND_PERSONS,
     "certified", "", 0},
    {"severe_certified", "certified severely disabled persons", "持证重度残疾人数", DP_IND_PERSONS,
     "severe_certified", "", 0},
    {"dibao", "disabled persons in dibao households", "低保残疾人数", DP_IND_PERSONS, "dibao", "",
     0},
    {"marginal", "disabled persons in marginal (near-dibao) households", "低保边缘残疾人数",
     DP_IND_PERSONS, "marginal", "", 0},
    {"certified_share", "certified share of disabled persons", "持证率", DP_IND_SHARE, "certified",
     "disabled", 0},
    {"severe_certified_share", "certified share of severely disabled persons", "重度残疾人持证率",
     DP_IND_SHARE, "severe_certified", "severe", 0},
    {"*_recipients", "recipients of * at the end of the year", "*受益人数", DP_IND_RECIPIENTS, "*",
     "", 1},
    {"*_spending", "spending on * during the year (nominal)", "*支出", DP_IND_SPENDING, "*", "", 1},
    {"total_spending", "spending on all programmes during the year (nominal)", "项目支出合计",
     DP_IND_SPENDING, "", "", 0},
};

enum { N_IND_ROWS = sizeof ind_rows / sizeof ind_rows[0] };

static const char *const kind_unit[] = {"persons", "share", "persons", "yuan"};

const char *const dp_target_op_text[DP_N_OP] = {">=", ">", "<=", "<", "=="};

const char *const dp_target_field_label[DP_N_TF] = {
    "year", "value", "op", "strict", "binding", "tolerance", "region", "gap_in_yuan"};
const char *const dp_target_field_label_zh[DP_N_TF] = {"年份",   "目标值", "方向", "严格不等",
                                                       "约束性", "容差",   "地区", "差距以元计"};

/* pattern with every '*' replaced by sub, into out[size] (truncated). */
static void
expand(char *out, size_t size, const char *pattern, const char *sub)
{
    size_t o = 0;
    for (const char *c = pattern; *c && o + 1 < size; c++) {
        if (*c == '*') {
            for (const char *s = sub; *s && o + 1 < size; s++) {
                out[o++] = *s;
            }
        } else {
            out[o++] = *c;
        }
    }
    out[o] = '\0';
}

size_t
dp_indicator_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < N_IND_ROWS; i++) {
        n += ind_rows[i].per_programme ? DP_N_PROG : 1;
    }
    return n;
}

void
dp_indicator_get(size_t i, dp_indicator *out)
{
    memset(out, 0, sizeof *out);
    for (size_t r = 0; r < N_IND_ROWS; r++) {
        const ind_row *row = &ind_rows[r];
        size_t n = row->per_programme ? DP_N_PROG : 1;
        if (i >= n) {
            i -= n;
            continue;
        }
        const char *key = row->per_programme ? dp_prog_key[i] : "";
        const char *zh = row->per_programme ? dp_prog_label_zh[i] : "";
        expand(out->key, sizeof out->key, row->key, key);
        expand(out->name, sizeof out->name, row->name, key);
        expand(out->name_zh, sizeof out->name_zh, row->name_zh, zh);
        expand(out->source, sizeof out->source, row->source, key);
        expand(out->denominator, sizeof out->denominator, row->denominator, key);
        out->kind = row->kind;
        out->unit = kind_unit[row->kind];
        return;
    }
}

int
dp_indicator_find(const char *key, dp_indicator *out)
{
    dp_indicator ind;
    for (size_t i = 0, n = dp_indicator_count(); i < n; i++) {
        dp_indicator_get(i, &ind);
        if (strcmp(ind.key, key) == 0) {
            if (out) {
                *out = ind;
            }
            return 1;
        }
    }
    return 0;
}

double
dp_target_default_tolerance(dp_indicator_kind kind)
{
    return kind == DP_IND_PERSONS || kind == DP_IND_RECIPIENTS ? 0.5 : 1e-9;
}

/* ------------------------------------------------------------------------------------------ */
/* Evaluation */

/* A target resolved against the results: the tables and positions its indicator reads. */
typedef struct {
    dp_indicator ind;
    const dp_table *num;   /**< indicators, recipients or spending [year, region, X] */
    const dp_table *spend; /**< recipients targets: spending, for the unit cost */
    size_t k_num;          /**< position of the numerator on X (NO_INDEX: all) */
    size_t k_den;          /**< shares: the denominator's position on X */
    size_t yi;             /**< position of the year */
    size_t reg;            /**< position of the region (NO_INDEX: all summed) */
    size_t n_reg, n_k;     /**< lengths of the region and X axes */
} resolved;

static size_t
find_label(const dp_axis *a, const char *label)
{
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->label[i], label) == 0) {
            return i;
        }
    }
    return NO_INDEX;
}

/* The table name [year, region, third] of res, per run, or NULL with an error naming what. */
static const dp_table *
year_region_table(dp_ctx *ctx, const dp_results *res, const char *name, const char *third,
                  const char *what)
{
    const dp_table *t = dp_results_find(res, name);
    if (!t || !t->per_run || t->rank != 3 || strcmp(res->axis[t->axis[0]].name, "year") != 0 ||
        strcmp(res->axis[t->axis[1]].name, "region") != 0 ||
        strcmp(res->axis[t->axis[2]].name, third) != 0) {
        dp_error(ctx, DP_EINPUT, "%s: the results have no per-run table %s [year, region, %s]",
                 what, name, third);
        return NULL;
    }
    return t;
}

/* Position of year on the results' year axis (its values, else its labels), or NO_INDEX. */
static size_t
year_index(const dp_axis *a, int year)
{
    for (size_t i = 0; i < a->n; i++) {
        double v = a->value ? a->value[i] : strtod(a->label[i], NULL);
        if (v == (double)year) {
            return i;
        }
    }
    return NO_INDEX;
}

/* "target 3 (certified_share 2025)" for messages. */
static void
describe(char *buf, size_t size, size_t i, const dp_target *t)
{
    snprintf(buf, size, "target %zu (%s %d%s%s)", i + 1, t->indicator, t->year,
             t->region[0] ? " " : "", t->region);
}

static dp_status
resolve(dp_ctx *ctx, const dp_results *res, size_t i, const dp_target *t, resolved *r)
{
    char what[160];
    describe(what, sizeof what, i, t);
    memset(r, 0, sizeof *r);
    if (!dp_indicator_find(t->indicator, &r->ind)) {
        return dp_error(ctx, DP_EINPUT, "%s: unknown indicator '%s'", what, t->indicator);
    }
    const char *table = r->ind.kind == DP_IND_PERSONS || r->ind.kind == DP_IND_SHARE
                            ? "indicators"
                            : (r->ind.kind == DP_IND_RECIPIENTS ? "recipients" : "spending");
    const char *third =
        r->ind.kind == DP_IND_PERSONS || r->ind.kind == DP_IND_SHARE ? "indicator" : "programme";
    if (!(r->num = year_region_table(ctx, res, table, third, what))) {
        return DP_EINPUT;
    }
    if (r->ind.kind == DP_IND_RECIPIENTS &&
        !(r->spend = year_region_table(ctx, res, "spending", "programme", what))) {
        return DP_EINPUT;
    }
    const dp_axis *xa = &res->axis[r->num->axis[2]];
    const dp_axis *ya = &res->axis[r->num->axis[0]];
    const dp_axis *ra = &res->axis[r->num->axis[1]];
    r->n_reg = ra->n;
    r->n_k = xa->n;
    r->k_num = NO_INDEX;
    r->k_den = NO_INDEX;
    if (r->ind.source[0] && (r->k_num = find_label(xa, r->ind.source)) == NO_INDEX) {
        return dp_error(ctx, DP_EINPUT, "%s: the results' %s axis has no '%s'", what, third,
                        r->ind.source);
    }
    if (r->ind.kind == DP_IND_SHARE &&
        (r->k_den = find_label(xa, r->ind.denominator)) == NO_INDEX) {
        return dp_error(ctx, DP_EINPUT, "%s: the results' %s axis has no '%s'", what, third,
                        r->ind.denominator);
    }
    if (r->spend &&
        (res->axis[r->spend->axis[2]].n != r->n_k || res->axis[r->spend->axis[1]].n != r->n_reg)) {
        return dp_error(ctx, DP_EINPUT, "%s: recipients and spending have different axes", what);
    }
    if ((r->yi = year_index(ya, t->year)) == NO_INDEX) {
        return dp_error(ctx, DP_EINPUT, "%s: year %d is not in the results (%s to %s)", what,
                        t->year, ya->n ? ya->label[0] : "-", ya->n ? ya->label[ya->n - 1] : "-");
    }
    r->reg = NO_INDEX;
    if (t->region[0] && (r->reg = find_label(ra, t->region)) == NO_INDEX) {
        return dp_error(ctx, DP_EINPUT, "%s: region '%s' is not in the results", what, t->region);
    }
    return DP_OK;
}

/* Run `run` of t [year, region, X] at the resolved year, summed over regions (or the one
 * region) and over X when k is NO_INDEX. */
static double
sum_at(const resolved *r, const dp_table *t, size_t run, size_t k)
{
    const double *d = dp_table_run(t, run) + r->yi * r->n_reg * r->n_k;
    double s = 0.0;
    for (size_t reg = 0; reg < r->n_reg; reg++) {
        if (r->reg != NO_INDEX && reg != r->reg) {
            continue;
        }
        for (size_t j = 0; j < r->n_k; j++) {
            if (k == NO_INDEX || j == k) {
                s += d[reg * r->n_k + j];
            }
        }
    }
    return s;
}

/* One target in one run: the value, met, the gap and the yuan to close it. */
static void
evaluate(const dp_target *t, const resolved *r, size_t run, double *x, double *met, double *gap,
         double *gap_yuan)
{
    double den = 1.0;
    double v = sum_at(r, r->num, run, r->k_num);
    if (r->ind.kind == DP_IND_SHARE) {
        den = sum_at(r, r->num, run, r->k_den);
        v = den > 0.0 ? v / den : (double)NAN;
    }
    *x = v;
    if (isnan(v)) {
        *met = *gap = *gap_yuan = NAN;
        return;
    }
    double short_by = 0.0; /* in the indicator's unit */
    int ok = 0;
    switch (t->op) {
    case DP_OP_GE:
        ok = v >= t->value;
        short_by = t->value - v;
        break;
    case DP_OP_GT:
        ok = v > t->value;
        short_by = t->value - v;
        break;
    case DP_OP_LE:
        ok = v <= t->value;
        short_by = v - t->value;
        break;
    case DP_OP_LT:
        ok = v < t->value;
        short_by = v - t->value;
        break;
    case DP_OP_EQ:
    case DP_N_OP:
        ok = fabs(v - t->value) <= t->tolerance;
        short_by = ok ? 0.0 : fabs(v - t->value);
        break;
    }
    short_by = short_by > 0.0 ? short_by : 0.0;
    *met = ok ? 1.0 : 0.0;
    *gap = r->ind.kind == DP_IND_SHARE ? short_by * den : short_by;
    switch (r->ind.kind) {
    case DP_IND_RECIPIENTS: {
        /* The programme's yearly amount per recipient in this run and year. */
        double rec = sum_at(r, r->num, run, r->k_num);
        double cost = rec > 0.0 ? sum_at(r, r->spend, run, r->k_num) / rec : (double)NAN;
        *gap_yuan = *gap == 0.0 ? 0.0 : *gap * cost;
        break;
    }
    case DP_IND_SPENDING:
        *gap_yuan = *gap;
        break;
    case DP_IND_PERSONS:
    case DP_IND_SHARE:
        *gap_yuan = NAN;
        break;
    }
}

/* The axis labels of the n targets: label[i] (96 bytes) and label_zh[i] (192 bytes). */
static void
make_labels(const dp_results *res, const dp_target *t, const resolved *rs, size_t n,
            char (*label)[96], char (*label_zh)[192])
{
    const size_t ra = dp_results_find_axis(res, "region");
    for (size_t i = 0; i < n; i++) {
        char base[96];
        snprintf(base, sizeof base, "%s_%d%s%s", t[i].indicator, t[i].year,
                 t[i].region[0] ? "_" : "", t[i].region);
        snprintf(label[i], sizeof label[i], "%s", base);
        for (size_t copy = 2;; copy++) {
            size_t j = 0;
            while (j < i && strcmp(label[j], label[i]) != 0) {
                j++;
            }
            if (j == i) {
                break;
            }
            snprintf(label[i], sizeof label[i], "%.70s_%zu", base, copy);
        }
        if (t[i].name_zh[0]) {
            snprintf(label_zh[i], sizeof label_zh[i], "%s·%d年", t[i].name_zh, t[i].year);
        } else if (rs[i].reg != NO_INDEX && ra != NO_INDEX) {
            snprintf(label_zh[i], sizeof label_zh[i], "%s·%.60s·%d年", rs[i].ind.name_zh,
                     res->axis[ra].label_zh[rs[i].reg], t[i].year);
        } else {
            snprintf(label_zh[i], sizeof label_zh[i], "%s·%d年", rs[i].ind.name_zh, t[i].year);
        }
    }
}

dp_status
dp_targets_eval(dp_ctx *ctx, const dp_target *t, size_t n, dp_results *res)
{
    static const char *const ax_def[] = {"target", "target_field", NULL};
    static const char *const ax_run[] = {"target", NULL};
    dp_status rc = DP_OK;
    resolved *rs = NULL;
    char(*label)[96] = NULL;
    char(*label_zh)[192] = NULL;
    const char **lp = NULL, **lz = NULL;
    dp_table *def = NULL, *val = NULL, *met = NULL, *gap = NULL, *yuan = NULL;

    if (n == 0) {
        return DP_OK;
    }
    if (n > DP_MAX_TARGETS) {
        return dp_error(ctx, DP_EINPUT, "%zu targets; at most %d are allowed", n, DP_MAX_TARGETS);
    }
    if (dp_results_find_axis(res, "target") != NO_INDEX) {
        return dp_error(ctx, DP_EINTERNAL, "the results have targets already");
    }
    rs = malloc(n * sizeof *rs);
    label = malloc(n * sizeof *label);
    label_zh = malloc(n * sizeof *label_zh);
    lp = malloc(n * sizeof *lp);
    lz = malloc(n * sizeof *lz);
    if (!rs || !label || !label_zh || !lp || !lz) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for %zu targets", n);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if ((rc = resolve(ctx, res, i, &t[i], &rs[i])) != DP_OK) {
            goto out;
        }
    }
    make_labels(res, t, rs, n, label, label_zh);
    for (size_t i = 0; i < n; i++) {
        lp[i] = label[i];
        lz[i] = label_zh[i];
    }
    if ((rc = dp_results_add_axis(ctx, res, "target", n, lp, lz, NULL, NULL)) != DP_OK ||
        (rc = dp_results_add_axis(ctx, res, "target_field", DP_N_TF, dp_target_field_label,
                                  dp_target_field_label_zh, NULL, NULL)) != DP_OK ||
        (rc = dp_results_add_table(ctx, res, "targets", "value",
                                   "plan targets: year, value, op (1 >=, -1 <=, 0 ==), strict, "
                                   "binding, tolerance, region (-1 all), gap in yuan",
                                   "规划目标定义", 0, ax_def, &def)) != DP_OK ||
        (rc = dp_results_add_table(ctx, res, "target_values", "value",
                                   "each target's indicator in the target year (its own unit: "
                                   "persons, share or yuan)",
                                   "规划目标指标值", 1, ax_run, &val)) != DP_OK ||
        (rc = dp_results_add_table(ctx, res, "target_met", "1",
                                   "1 when the target is met, else 0 (the mean over runs is the "
                                   "probability it is met)",
                                   "是否达标（均值即达标概率）", 1, ax_run, &met)) != DP_OK ||
        (rc = dp_results_add_table(ctx, res, "target_gap", "value",
                                   "gap to the target: persons short (shares: shortfall x "
                                   "denominator), yuan for spending; 0 when met",
                                   "与目标的差距（人数；支出指标为元）", 1, ax_run, &gap)) !=
            DP_OK ||
        (rc = dp_results_add_table(ctx, res, "target_gap_yuan", "yuan",
                                   "yuan to close the gap at the programme's spending per "
                                   "recipient (NaN: no unit cost)",
                                   "弥补差距所需资金（元）", 1, ax_run, &yuan)) != DP_OK) {
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        double *d = def->data + i * DP_N_TF;
        int sign = t[i].op == DP_OP_GE || t[i].op == DP_OP_GT
                       ? 1
                       : (t[i].op == DP_OP_LE || t[i].op == DP_OP_LT ? -1 : 0);
        d[DP_TF_YEAR] = t[i].year;
        d[DP_TF_VALUE] = t[i].value;
        d[DP_TF_OP] = sign;
        d[DP_TF_STRICT] = t[i].op == DP_OP_GT || t[i].op == DP_OP_LT;
        d[DP_TF_BINDING] = t[i].binding ? 1.0 : 0.0;
        d[DP_TF_TOLERANCE] = t[i].op == DP_OP_EQ ? t[i].tolerance : (double)NAN;
        d[DP_TF_REGION] = rs[i].reg == NO_INDEX ? (double)ALL : (double)rs[i].reg;
        d[DP_TF_GAP_IN_YUAN] = rs[i].ind.kind == DP_IND_SPENDING;
        for (size_t run = 0; run < res->n_run; run++) {
            evaluate(&t[i], &rs[i], run, &dp_table_run(val, run)[i], &dp_table_run(met, run)[i],
                     &dp_table_run(gap, run)[i], &dp_table_run(yuan, run)[i]);
        }
    }
out:
    free(rs);
    free(label);
    free(label_zh);
    free(lp);
    free(lz);
    return rc;
}

dp_status
dp_targets_add(dp_ctx *ctx, const dp_scenario *s, dp_results *res)
{
    size_t n = 0;
    const dp_target *t = dp_scenario_targets(s, &n);
    return dp_targets_eval(ctx, t, n, res);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading back */

/* The statistics of one per-run table of targets: mean (and p05, p95 when wanted) per target
 * into stat[DP_N_STAT][n]. */
static dp_status
target_stats(dp_ctx *ctx, const dp_results *res, const dp_table *t, double *stat)
{
    return dp_summary_compute(ctx, t->data, res->n_run, t->size, stat);
}

dp_status
dp_targets_read(dp_ctx *ctx, const dp_results *res, dp_target_result **out, size_t *n_out)
{
    static const char *const names[] = {"target_values", "target_met", "target_gap",
                                        "target_gap_yuan"};
    const dp_table *tab[4];
    size_t field[DP_N_TF];
    size_t ra = NO_INDEX, nf = 0;
    dp_status rc = DP_OK;
    dp_target_result *tr = NULL;
    double *stat = NULL;

    *out = NULL;
    *n_out = 0;
    size_t ta = dp_results_find_axis(res, "target");
    if (ta == NO_INDEX) {
        return DP_OK;
    }
    const dp_axis *axis = &res->axis[ta];
    size_t n = axis->n;
    const dp_table *def = dp_results_find(res, "targets");
    size_t fa = dp_results_find_axis(res, "target_field");
    if (!def || def->per_run || def->rank != 2 || def->axis[0] != ta || fa == NO_INDEX ||
        def->axis[1] != fa) {
        return dp_error(ctx, DP_EINPUT,
                        "the results have a target axis but no base table targets [target, "
                        "target_field]");
    }
    for (size_t f = 0; f < DP_N_TF; f++) {
        if ((field[f] = find_label(&res->axis[fa], dp_target_field_label[f])) == NO_INDEX) {
            return dp_error(ctx, DP_EINPUT, "the table targets has no field '%s'",
                            dp_target_field_label[f]);
        }
    }
    for (size_t k = 0; k < 4; k++) {
        tab[k] = dp_results_find(res, names[k]);
        if (!tab[k] || !tab[k]->per_run || tab[k]->rank != 1 || tab[k]->axis[0] != ta) {
            return dp_error(ctx, DP_EINPUT,
                            "the results have a target axis but no per-run table %s [target]",
                            names[k]);
        }
    }
    if (n == 0 || res->n_run == 0) {
        return DP_OK;
    }
    tr = calloc(n, sizeof *tr);
    stat = malloc(4 * DP_N_STAT * n * sizeof *stat);
    if (!tr || !stat) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory reading %zu targets", n);
        goto out;
    }
    for (size_t k = 0; k < 4; k++) {
        if ((rc = target_stats(ctx, res, tab[k], stat + k * DP_N_STAT * n)) != DP_OK) {
            goto out;
        }
    }
    ra = dp_results_find_axis(res, "region");
    nf = res->axis[fa].n;
    for (size_t i = 0; i < n; i++) {
        dp_target_result *r = &tr[i];
        const double *d = def->data + i * nf;
        char year_text[16], auto_zh[192];
        dp_indicator ind;
        snprintf(r->label, sizeof r->label, "%s", axis->label[i]);
        snprintf(r->label_zh, sizeof r->label_zh, "%s", axis->label_zh[i]);
        r->year = (int)d[field[DP_TF_YEAR]];
        r->value = d[field[DP_TF_VALUE]];
        double sign = d[field[DP_TF_OP]];
        int strict = d[field[DP_TF_STRICT]] != 0.0;
        r->op = sign > 0 ? (strict ? DP_OP_GT : DP_OP_GE)
                         : (sign < 0 ? (strict ? DP_OP_LT : DP_OP_LE) : DP_OP_EQ);
        r->binding = d[field[DP_TF_BINDING]] != 0.0;
        r->tolerance = d[field[DP_TF_TOLERANCE]];
        r->gap_in_yuan = d[field[DP_TF_GAP_IN_YUAN]] != 0.0;
        double reg = d[field[DP_TF_REGION]];
        if (reg >= 0.0 && ra != NO_INDEX && (size_t)reg < res->axis[ra].n) {
            snprintf(r->region, sizeof r->region, "%s", res->axis[ra].label[(size_t)reg]);
            snprintf(r->region_zh, sizeof r->region_zh, "%s", res->axis[ra].label_zh[(size_t)reg]);
        }
        /* The indicator is the label up to "_<year>" (indicator keys hold no year). */
        snprintf(year_text, sizeof year_text, "_%d", r->year);
        const char *at = strstr(r->label, year_text);
        size_t len = at ? (size_t)(at - r->label) : strlen(r->label);
        len = len < sizeof r->indicator - 1 ? len : sizeof r->indicator - 1;
        memcpy(r->indicator, r->label, len);
        r->indicator[len] = '\0';
        r->unit = "";
        if (dp_indicator_find(r->indicator, &ind)) {
            snprintf(r->indicator_zh, sizeof r->indicator_zh, "%s", ind.name_zh);
            r->unit = ind.unit;
            /* A label_zh other than the one made from the indicator's name is the scenario's
             * own name_zh (then "·<year>年" follows it). */
            if (r->region[0]) {
                snprintf(auto_zh, sizeof auto_zh, "%s·%.60s·%d年", ind.name_zh,
                         res->axis[ra].label_zh[(size_t)reg], r->year);
            } else {
                snprintf(auto_zh, sizeof auto_zh, "%s·%d年", ind.name_zh, r->year);
            }
        } else {
            auto_zh[0] = '\0';
        }
        if (strcmp(auto_zh, r->label_zh) != 0) {
            char suffix[32];
            snprintf(suffix, sizeof suffix, "·%d年", r->year);
            size_t lz = strlen(r->label_zh), ls = strlen(suffix);
            size_t keep = lz >= ls && strcmp(r->label_zh + lz - ls, suffix) == 0 ? lz - ls : lz;
            keep = keep < sizeof r->name_zh - 1 ? keep : sizeof r->name_zh - 1;
            memcpy(r->name_zh, r->label_zh, keep);
            r->name_zh[keep] = '\0';
        }
        r->n_run = res->n_run;
        r->mean = stat[(0 * DP_N_STAT + DP_STAT_MEAN) * n + i];
        r->p05 = stat[(0 * DP_N_STAT + DP_STAT_P05) * n + i];
        r->p95 = stat[(0 * DP_N_STAT + DP_STAT_P95) * n + i];
        r->p_met = stat[(1 * DP_N_STAT + DP_STAT_MEAN) * n + i];
        r->mean_gap = stat[(2 * DP_N_STAT + DP_STAT_MEAN) * n + i];
        r->mean_gap_yuan = stat[(3 * DP_N_STAT + DP_STAT_MEAN) * n + i];
    }
    *out = tr;
    *n_out = n;
    tr = NULL;
out:
    free(tr);
    free(stat);
    return rc;
}
