/* model/analysis/targets.c
 *
 * Plan targets (targets.h, docs/scenarios.md#targets, docs/output-schema.md): the evaluation
 * of targets on every run of a dp_results (the indicators they name are the catalogue of
 * input/indicators.c), their statistics read back, and the budget ceiling's table read back. Each indicator names the
 * cells it reads by table name and axis labels (the `indicator`, `programme`, `stage`,
 * `service`, `level`, `component` and `grade` axes) rather than by the engines' enums, so the
 * same code evaluates results fresh from an engine and results read from a file.
 * Invariants: every target gives one value per run in each of the four per-run tables; a run
 * whose indicator cannot be computed (a share of zero persons) holds NAN in all four; a run
 * that meets its target has a gap and a yuan gap of 0.
 * Workload: a few sums over regions (and, for a programme's amount, over grades) per target and
 * run; microseconds for hundreds of targets over a thousand runs.
 */
#include "analysis/targets.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/scenario.h"
#include "core/stats.h"

enum { ALL = -1 };
/* What a strict target (> or <) missed is short by beyond its distance to the value: one unit
 * of the gap (docs/scenarios.md#targets). */
#define STRICT_UNIT 1.0
#define NO_INDEX ((size_t)-1)

/* ------------------------------------------------------------------------------------------ */
/* Evaluation */

/* A cell resolved against the results: its table and the positions it sums over. */
typedef struct {
    const dp_table *t;       /**< per-run table [year, region, X] or [year, region, X, Y] */
    size_t yi;               /**< position of the year */
    size_t reg;              /**< position of the region (NO_INDEX: all summed) */
    size_t n_reg, n_k, n_k2; /**< lengths of the region, X and Y axes (n_k2 = 1: no Y) */
    size_t k, k2;            /**< positions on X and Y (NO_INDEX: all) */
    int node;                /**< 1: t is a roll-up T_node and reg a position on `node` */
} cellref;

/* A target resolved against the results: the cells its indicator reads. */
typedef struct {
    dp_indicator ind;
    cellref num, den;           /**< value (numerator); denominator (shares and ratios) */
    cellref cost_num, cost_den; /**< DP_COST_PER_UNIT */
    /* DP_COST_AMOUNT: amount [year, programme, grade] and the weights person_months. */
    const dp_table *amount;
    size_t amount_yi, amount_k, n_amount_k, n_grade;
    cellref weight[DP_N_GRADE]; /**< person_months of the programme, one cell per grade */
    double months;              /**< 12 for a monthly programme, else 1 */
    size_t reg;                 /**< position of the region (NO_INDEX: all summed) */
    int node;                   /**< 1: reg is a position on the `node` axis (a roll-up) */
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

/* The axes after year and region of the tables indicators read, for messages. */
static const char *
table_axes(const char *table)
{
    static const char *const axes[][2] = {
        {"indicators", "indicator"},
        {"recipients", "programme"},
        {"spending", "programme"},
        {"spending_real", "programme"},
        {"pipeline", "programme, stage"},
        {"services", "programme, service"},
        {"spending_level", "programme, level"},
        {"employment_spending", "component"},
        {"person_months", "programme, grade"},
    };
    for (size_t i = 0; i < sizeof axes / sizeof axes[0]; i++) {
        if (strcmp(axes[i][0], table) == 0) {
            return axes[i][1];
        }
    }
    return "...";
}

/* The table of one cell, located on the target's year and region, or an error naming what. */
static dp_status
resolve_cell(dp_ctx *ctx, const dp_results *res, const dp_target *t, const dp_indicator_cell *c,
             const char *what, cellref *r)
{
    memset(r, 0, sizeof *r);
    const dp_table *tab = dp_results_find(res, c->table);
    size_t ra0 = dp_results_find_axis(res, "region");
    /* A target on a node of the hierarchy reads the roll-up T_node (engines/rollup.h). */
    if (t->region[0] && tab && (ra0 == NO_INDEX || find_label(&res->axis[ra0], t->region) == NO_INDEX)) {
        char name[48];
        size_t na = dp_results_find_axis(res, "node");
        snprintf(name, sizeof name, "%s_node", c->table);
        const dp_table *nt = dp_results_find(res, name);
        if (nt && na != NO_INDEX && nt->rank == tab->rank && nt->axis[1] == na &&
            (r->reg = find_label(&res->axis[na], t->region)) != NO_INDEX) {
            tab = nt;
            r->node = 1;
        }
    }
    int four = c->label2[0] != '\0' || strchr(table_axes(c->table), ',') != NULL;
    if (!tab || !tab->per_run || tab->rank != (four ? 4u : 3u) ||
        strcmp(res->axis[tab->axis[0]].name, "year") != 0 ||
        strcmp(res->axis[tab->axis[1]].name, r->node ? "node" : "region") != 0) {
        return dp_error(ctx, DP_EINPUT,
                        "%s: the results have no per-run table %s [year, region, %s]", what,
                        c->table, table_axes(c->table));
    }
    const dp_axis *ya = &res->axis[tab->axis[0]], *ra = &res->axis[tab->axis[1]];
    const dp_axis *xa = &res->axis[tab->axis[2]], *za = four ? &res->axis[tab->axis[3]] : NULL;
    int node = r->node;
    size_t node_reg = r->reg;
    r->t = tab;
    r->node = node;
    r->n_reg = ra->n;
    r->n_k = xa->n;
    r->n_k2 = za ? za->n : 1;
    r->k = NO_INDEX;
    r->k2 = NO_INDEX;
    if (c->label[0] && (r->k = find_label(xa, c->label)) == NO_INDEX) {
        return dp_error(ctx, DP_EINPUT, "%s: the results' %s axis has no '%s'", what, xa->name,
                        c->label);
    }
    if (za && c->label2[0] && (r->k2 = find_label(za, c->label2)) == NO_INDEX) {
        return dp_error(ctx, DP_EINPUT, "%s: the results' %s axis has no '%s'", what, za->name,
                        c->label2);
    }
    if ((r->yi = year_index(ya, t->year)) == NO_INDEX) {
        return dp_error(ctx, DP_EINPUT, "%s: year %d is not in the results (%s to %s)", what,
                        t->year, ya->n ? ya->label[0] : "-", ya->n ? ya->label[ya->n - 1] : "-");
    }
    r->reg = node ? node_reg : NO_INDEX;
    if (!node && t->region[0] && (r->reg = find_label(ra, t->region)) == NO_INDEX) {
        return dp_error(ctx, DP_EINPUT, "%s: region '%s' is not in the results", what, t->region);
    }
    return DP_OK;
}

/* DP_COST_AMOUNT: the programme's amount and person-months by grade. */
static dp_status
resolve_amount(dp_ctx *ctx, const dp_results *res, const dp_target *t, const char *what,
               resolved *r)
{
    const char *prog = r->ind.programme;
    const dp_table *a = dp_results_find(res, "amount");
    if (!a || !a->per_run || a->rank != 3 || strcmp(res->axis[a->axis[0]].name, "year") != 0 ||
        strcmp(res->axis[a->axis[1]].name, "programme") != 0 ||
        strcmp(res->axis[a->axis[2]].name, "grade") != 0) {
        return dp_error(ctx, DP_EINPUT,
                        "%s: the results have no per-run table amount [year, programme, grade]",
                        what);
    }
    const dp_axis *ga = &res->axis[a->axis[2]];
    r->amount = a;
    r->n_amount_k = res->axis[a->axis[1]].n;
    r->n_grade = ga->n < DP_N_GRADE ? ga->n : DP_N_GRADE;
    if ((r->amount_k = find_label(&res->axis[a->axis[1]], prog)) == NO_INDEX) {
        return dp_error(ctx, DP_EINPUT, "%s: the results' programme axis has no '%s'", what, prog);
    }
    if ((r->amount_yi = year_index(&res->axis[a->axis[0]], t->year)) == NO_INDEX) {
        return dp_error(ctx, DP_EINPUT, "%s: year %d is not in the results", what, t->year);
    }
    for (size_t g = 0; g < r->n_grade; g++) {
        dp_indicator_cell c;
        dp_status rc;
        snprintf(c.table, sizeof c.table, "person_months");
        snprintf(c.label, sizeof c.label, "%s", prog);
        snprintf(c.label2, sizeof c.label2, "%s", ga->label[g]);
        if ((rc = resolve_cell(ctx, res, t, &c, what, &r->weight[g])) != DP_OK) {
            return rc;
        }
    }
    r->months = 1.0;
    for (size_t k = 0; k < DP_N_PROG; k++) {
        if (strcmp(dp_prog_key[k], prog) == 0 && dp_prog_pay[k] == DP_PAY_MONTHLY) {
            r->months = 12.0;
        }
    }
    return DP_OK;
}

static dp_status
resolve(dp_ctx *ctx, const dp_results *res, size_t i, const dp_target *t, resolved *r)
{
    char what[160];
    dp_status rc;
    describe(what, sizeof what, i, t);
    memset(r, 0, sizeof *r);
    if (!dp_indicator_find(t->indicator, &r->ind)) {
        return dp_error(ctx, DP_EINPUT, "%s: unknown indicator '%s'", what, t->indicator);
    }
    const dp_indicator *ind = &r->ind;
    int ratio = ind->kind == DP_IND_SHARE || ind->kind == DP_IND_RATIO;
    if ((rc = resolve_cell(ctx, res, t, &ind->num, what, &r->num)) != DP_OK ||
        (ratio && (rc = resolve_cell(ctx, res, t, &ind->den, what, &r->den)) != DP_OK)) {
        return rc;
    }
    if (ind->cost == DP_COST_PER_UNIT &&
        ((rc = resolve_cell(ctx, res, t, &ind->cost_num, what, &r->cost_num)) != DP_OK ||
         (rc = resolve_cell(ctx, res, t, &ind->cost_den, what, &r->cost_den)) != DP_OK)) {
        return rc;
    }
    if (ind->cost == DP_COST_AMOUNT && (rc = resolve_amount(ctx, res, t, what, r)) != DP_OK) {
        return rc;
    }
    r->reg = r->num.reg;
    r->node = r->num.node;
    return DP_OK;
}

/* Run `run` of a cell: its table at the year, summed over the regions (or the one region)
 * and over X and Y where the cell names no label. */
static double
sum_at(const cellref *c, size_t run)
{
    const double *d = dp_table_run(c->t, run) + c->yi * c->n_reg * c->n_k * c->n_k2;
    double s = 0.0;
    for (size_t reg = 0; reg < c->n_reg; reg++) {
        if (c->reg != NO_INDEX && reg != c->reg) {
            continue;
        }
        for (size_t j = 0; j < c->n_k; j++) {
            if (c->k != NO_INDEX && j != c->k) {
                continue;
            }
            for (size_t j2 = 0; j2 < c->n_k2; j2++) {
                if (c->k2 == NO_INDEX || j2 == c->k2) {
                    s += d[(reg * c->n_k + j) * c->n_k2 + j2];
                }
            }
        }
    }
    return s;
}

/* The yearly amount per unit of the indicator's programme in run `run`: the amounts by grade
 * weighted by the run's person-months (over the target's regions), grade1's when there are
 * none, times 12 for a monthly programme. */
static double
amount_cost(const resolved *r, size_t run)
{
    const double *a =
        dp_table_run(r->amount, run) + (r->amount_yi * r->n_amount_k + r->amount_k) * r->n_grade;
    double w = 0.0, wa = 0.0;
    for (size_t g = 0; g < r->n_grade; g++) {
        double x = sum_at(&r->weight[g], run);
        w += x;
        wa += x * a[g];
    }
    return (w > 0.0 ? wa / w : a[0]) * r->months;
}

/* One target in one run: the value, met, the gap and the yuan to close it. */
static void
evaluate(const dp_target *t, const resolved *r, size_t run, double *x, double *met, double *gap,
         double *gap_yuan)
{
    double den = 1.0;
    double v = sum_at(&r->num, run);
    if (r->ind.kind == DP_IND_SHARE || r->ind.kind == DP_IND_RATIO) {
        den = sum_at(&r->den, run);
        v = den > 0.0 ? v / den : (double)NAN;
    }
    *x = v;
    if (isnan(v)) {
        *met = *gap = *gap_yuan = NAN;
        return;
    }
    /* Values within a relative 1e-9 of the target count as equal to it, so that a coverage
     * the engine computes as 0.85 x need / need = 0.8499999999999999 meets ">= 0.85". */
    double eps = 1e-9 * (fabs(t->value) > 1.0 ? fabs(t->value) : 1.0);
    double short_by = 0.0; /* in the indicator's unit */
    int ok = 0;
    switch (t->op) {
    case DP_OP_GE:
        ok = v >= t->value - eps;
        short_by = t->value - v;
        break;
    case DP_OP_GT:
        ok = v > t->value + eps;
        short_by = t->value - v;
        break;
    case DP_OP_LE:
        ok = v <= t->value + eps;
        short_by = v - t->value;
        break;
    case DP_OP_LT:
        ok = v < t->value - eps;
        short_by = v - t->value;
        break;
    case DP_OP_EQ:
    case DP_N_OP:
        ok = fabs(v - t->value) <= t->tolerance + eps;
        short_by = fabs(v - t->value);
        break;
    }
    short_by = ok || short_by < 0.0 ? 0.0 : short_by;
    *met = ok ? 1.0 : 0.0;
    *gap = short_by * den; /* shares and ratios: in the numerator's unit */
    /* A strict target missed (at or within 1e-9 of its value) is short by at least one unit of
     * its gap: one person (household, person-time) or one yuan; a miss never reads as 0. */
    if (!ok && (t->op == DP_OP_GT || t->op == DP_OP_LT)) {
        *gap += STRICT_UNIT;
    }
    switch (r->ind.cost) {
    case DP_COST_PER_UNIT: {
        double units = sum_at(&r->cost_den, run);
        double cost = units > 0.0 ? sum_at(&r->cost_num, run) / units : (double)NAN;
        *gap_yuan = *gap == 0.0 ? 0.0 : *gap * cost;
        break;
    }
    case DP_COST_AMOUNT:
        *gap_yuan = *gap == 0.0 ? 0.0 : *gap * amount_cost(r, run);
        break;
    case DP_COST_GAP:
        *gap_yuan = *gap;
        break;
    case DP_COST_NONE:
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
        } else if (rs[i].reg != NO_INDEX && rs[i].node) {
            snprintf(label_zh[i], sizeof label_zh[i], "%s·%.60s·%d年", rs[i].ind.name_zh,
                     res->axis[dp_results_find_axis(res, "node")].label_zh[rs[i].reg], t[i].year);
        } else if (rs[i].reg != NO_INDEX && ra != NO_INDEX && rs[i].reg < res->axis[ra].n) {
            snprintf(label_zh[i], sizeof label_zh[i], "%s·%.60s·%d年", rs[i].ind.name_zh,
                     res->axis[ra].label_zh[rs[i].reg], t[i].year);
        } else {
            snprintf(label_zh[i], sizeof label_zh[i], "%s·%d年", rs[i].ind.name_zh, t[i].year);
        }
    }
}

dp_status
dp_indicator_values(dp_ctx *ctx, const dp_results *res, const dp_target *t, double *x)
{
    resolved r;
    dp_status rc = resolve(ctx, res, 0, t, &r);
    if (rc != DP_OK) {
        return rc;
    }
    for (size_t run = 0; run < res->n_run; run++) {
        double met, gap, gap_yuan;
        evaluate(t, &r, run, &x[run], &met, &gap, &gap_yuan);
    }
    return DP_OK;
}

dp_status
dp_targets_eval(dp_ctx *ctx, const dp_target *t, size_t n, dp_results *res)
{
    static const char *const ax_def[] = {"target", "target_field", NULL};
    static const char *const ax_run[] = {"target", NULL};
    dp_status rc = DP_OK;
    resolved *rs = NULL;
    const size_t ra_run = dp_results_find_axis(res, "region");
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
        /* A node: its position on the `node` axis after the regions (targets.h). */
        d[DP_TF_REGION] = rs[i].reg == NO_INDEX
                              ? (double)ALL
                              : (double)(rs[i].reg + (rs[i].node && ra_run != NO_INDEX ? res->axis[ra_run].n : 0));
        d[DP_TF_GAP_IN_YUAN] = strcmp(rs[i].ind.gap_unit, "yuan") == 0;
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
    size_t ra = NO_INDEX, na = NO_INDEX, nf = 0;
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
    na = dp_results_find_axis(res, "node");
    nf = res->axis[fa].n;
    for (size_t i = 0; i < n; i++) {
        dp_target_result *r = &tr[i];
        const double *d = def->data + i * nf;
        char year_text[16], auto_zh[192];
        dp_indicator ind;
        snprintf(r->label, sizeof r->label, "%s", axis->label[i]);
        snprintf(r->label_zh, sizeof r->label_zh, "%s", axis->label_zh[i]);
        double yv = d[field[DP_TF_YEAR]];
        if (!(yv >= 1000.0 && yv <= 9999.0)) { /* NaN, inf or no year: a damaged table */
            rc = dp_error(ctx, DP_EINPUT, "target '%s': its year in the table targets is not a "
                          "year", axis->label[i]);
            goto out;
        }
        r->year = (int)yv;
        r->value = d[field[DP_TF_VALUE]];
        double sign = d[field[DP_TF_OP]];
        int strict = d[field[DP_TF_STRICT]] != 0.0;
        r->op = sign > 0 ? (strict ? DP_OP_GT : DP_OP_GE)
                         : (sign < 0 ? (strict ? DP_OP_LT : DP_OP_LE) : DP_OP_EQ);
        r->binding = d[field[DP_TF_BINDING]] != 0.0;
        r->tolerance = d[field[DP_TF_TOLERANCE]];
        r->gap_in_yuan = d[field[DP_TF_GAP_IN_YUAN]] != 0.0;
        double reg = d[field[DP_TF_REGION]];
        const dp_axis *rax = ra != NO_INDEX ? &res->axis[ra] : NULL;
        if (reg >= 0.0 && rax && (size_t)reg >= rax->n && na != NO_INDEX &&
            (size_t)reg - rax->n < res->axis[na].n) {
            /* A target on a node: positions after the regions are on the `node` axis. */
            reg -= (double)rax->n;
            rax = &res->axis[na];
        }
        if (reg >= 0.0 && rax && (size_t)reg < rax->n) {
            snprintf(r->region, sizeof r->region, "%s", rax->label[(size_t)reg]);
            snprintf(r->region_zh, sizeof r->region_zh, "%s", rax->label_zh[(size_t)reg]);
        }
        /* The indicator is the label up to "_<year>" (indicator keys hold no year). */
        snprintf(year_text, sizeof year_text, "_%d", r->year);
        const char *at = strstr(r->label, year_text);
        size_t len = at ? (size_t)(at - r->label) : strlen(r->label);
        len = len < sizeof r->indicator - 1 ? len : sizeof r->indicator - 1;
        memcpy(r->indicator, r->label, len);
        r->indicator[len] = '\0';
        r->unit = "";
        r->gap_unit = r->gap_in_yuan ? "yuan" : "persons";
        if (dp_indicator_find(r->indicator, &ind)) {
            snprintf(r->indicator_zh, sizeof r->indicator_zh, "%s", ind.name_zh);
            r->unit = ind.unit;
            r->gap_unit = ind.gap_unit;
            /* A label_zh other than the one made from the indicator's name is the scenario's
             * own name_zh (then "·<year>年" follows it). */
            if (r->region[0]) {
                snprintf(auto_zh, sizeof auto_zh, "%s·%.60s·%d年", ind.name_zh, r->region_zh,
                         r->year);
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
        r->p025 = stat[(0 * DP_N_STAT + DP_STAT_P025) * n + i];
        r->p975 = stat[(0 * DP_N_STAT + DP_STAT_P975) * n + i];
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

/* ------------------------------------------------------------------------------------------ */
/* Budget ceiling */

dp_status
dp_budget_read(dp_ctx *ctx, const dp_results *res, dp_budget_year **out, size_t *n_out)
{
    static const char *const field[3] = {"total", "ceiling", "exceeds"};
    size_t pos[3];
    dp_status rc = DP_OK;
    *out = NULL;
    *n_out = 0;
    const dp_table *t = dp_results_find(res, "budget");
    if (!t) {
        return DP_OK;
    }
    if (!t->per_run || t->rank != 2 || strcmp(res->axis[t->axis[0]].name, "year") != 0 ||
        strcmp(res->axis[t->axis[1]].name, "budget_item") != 0) {
        return dp_error(ctx, DP_EINPUT,
                        "the table budget is not a per-run table [year, budget_item]");
    }
    const dp_axis *ya = &res->axis[t->axis[0]], *ba = &res->axis[t->axis[1]];
    for (size_t f = 0; f < 3; f++) {
        if ((pos[f] = find_label(ba, field[f])) == NO_INDEX) {
            return dp_error(ctx, DP_EINPUT, "the table budget has no '%s'", field[f]);
        }
    }
    size_t n = ya->n;
    if (n == 0 || res->n_run == 0) {
        return DP_OK;
    }
    dp_budget_year *b = calloc(n, sizeof *b);
    double *stat = malloc(DP_N_STAT * t->size * sizeof *stat);
    if (!b || !stat) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory reading the budget table");
        goto out;
    }
    if ((rc = dp_summary_compute(ctx, t->data, res->n_run, t->size, stat)) != DP_OK) {
        goto out;
    }
    for (size_t yi = 0; yi < n; yi++) {
        size_t nb = ba->n;
        const double *mean = stat + DP_STAT_MEAN * t->size + yi * nb;
        double yv = ya->value ? ya->value[yi] : strtod(ya->label[yi], NULL);
        if (!(yv >= 1000.0 && yv <= 9999.0)) {
            rc = dp_error(ctx, DP_EINPUT, "the year axis holds %g, not a year", yv);
            goto out;
        }
        b[yi].year = (int)yv;
        b[yi].n_run = res->n_run;
        b[yi].total = mean[pos[0]];
        b[yi].p05 = stat[DP_STAT_P05 * t->size + yi * nb + pos[0]];
        b[yi].p95 = stat[DP_STAT_P95 * t->size + yi * nb + pos[0]];
        b[yi].p025 = stat[DP_STAT_P025 * t->size + yi * nb + pos[0]];
        b[yi].p975 = stat[DP_STAT_P975 * t->size + yi * nb + pos[0]];
        b[yi].ceiling = mean[pos[1]];
        b[yi].p_exceeds = mean[pos[2]];
    }
    *out = b;
    *n_out = n;
    b = NULL;
out:
    free(b);
    free(stat);
    return rc;
}
