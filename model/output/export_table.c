/* model/output/export_table.c
 *
 * The tidy table model of an export (docs/export.md) and the driver, dp_export. Every table of
 * a results file becomes one long table: one column per axis (plus a Chinese label column for
 * axes that have Chinese labels), then the selected statistics over the runs (mean, p05, p95
 * by default), then with runs one column per replicate; one row per element of the table. Row
 * 1 is a bilingual header ("mean / 均值"), row 2 the units ("persons / 人"). Tables in yuan
 * are shown in 10,000 yuan (万元) in a workbook, and get extra 万元 columns in CSV.
 *
 * The driver reads the file with the library's reader (dp_output_read for the per-run and
 * base tables, dp_output_read_summary for summary/, dp_output_read_info for the provenance)
 * and hands every table to each writer (export_csv.c, export_xlsx.c); the writers lay it out
 * with dp_export_columns and dp_export_cell. Workload: one pass over each table.
 */
#include "output/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/stats.h"
#include "engines/rollup.h"
#include "output/export_impl.h"
#include "output/output.h"

/* ------------------------------------------------------------------------------------------ */
/* Names and units in two languages */

typedef struct {
    const char *name;
    const char *zh;
} name_zh;

/* Chinese names of the axes written today (docs/output-schema.md); others keep English. */
static const name_zh axis_zh[] = {
    {"year", "年份"},          {"region", "地区"},
    {"sex", "性别"},           {"age", "年龄"},
    {"type", "残疾类别"},      {"grade", "残疾等级"},
    {"certified", "持证状况"}, {"household", "家庭经济状况"},
    {"indicator", "指标"},     {"flow", "流量"},
    {"programme", "项目"},     {"marginal", "拟合边际"},
    {"fitstat", "拟合统计量"}, {"parameter", "参数"},
    {"run", "模拟"},           {"stat", "统计量"},
    {"target", "规划目标"},    {"target_field", "目标字段"},
    {"programme2", "项目二"},  {"stage", "受益流程阶段"},
    {"level", "财政层级"},     {"service", "服务指标"},
    {"component", "支出构成"}, {"budget_item", "预算项目"},
    {"measure", "敏感性指标"}, {"setting", "参数设置"},
};

const char *
dp_export_axis_zh(const char *name)
{
    for (size_t i = 0; i < sizeof axis_zh / sizeof axis_zh[0]; i++) {
        if (strcmp(axis_zh[i].name, name) == 0) {
            return axis_zh[i].zh;
        }
    }
    return name;
}

/* How each unit is labelled and shown. */
static const dp_export_unit units[] = {
    {"persons", "persons / 人", "#,##0", 0},
    {"yuan", "yuan / 元", "#,##0.0", 1}, /* the Excel format is that of 万元 */
    {"share", "share (0-1) / 比例", "0.0%", 0},
    {"person-months", "person-months / 人月", "#,##0", 0},
    {"yuan/person/month", "yuan/person/month / 元/人/月", "#,##0.00", 0},
    {"value", "value / 数值", NULL, 0},
};
const char dp_export_wan_label[] = "10k yuan / 万元";

dp_export_unit
dp_export_unit_lookup(const char *unit)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(units[i].unit, unit) == 0) {
            return units[i];
        }
    }
    dp_export_unit other = {unit, unit, NULL, 0};
    return other;
}

/* ------------------------------------------------------------------------------------------ */
/* The columns of one exported table */

/* Whether axis a has Chinese labels that differ from the English ones. */
static int
has_zh(const dp_axis *a)
{
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->label[i], a->label_zh[i]) != 0) {
            return 1;
        }
    }
    return 0;
}

dp_export_unit
dp_export_table_unit(const dp_results *res, const dp_table *t)
{
    dp_export_unit u = dp_export_unit_lookup(t->unit);
    /* The budget table holds yuan (total, ceiling) and 1/0 (exceeds) on one axis: shown as
     * stored, not in 万元, so that the mean of exceeds reads as the probability. */
    for (size_t k = 0; k < t->rank; k++) {
        if (strcmp(res->axis[t->axis[k]].name, "budget_item") == 0) {
            static const dp_export_unit mixed = {
                "yuan", "yuan; exceeds 1 or 0 / 元；超出上限为1或0", "#,##0.00", 0};
            u = mixed;
        }
    }
    /* Amounts are per person and month, year or unit: yuan, not 万元. */
    if (strcmp(t->name, "amount") == 0 && strcmp(t->unit, "yuan") == 0) {
        static const dp_export_unit per_unit = {"yuan", "yuan (a month, year or unit) / 元",
                                                "#,##0.00", 0};
        u = per_unit;
    }
    return u;
}

dp_status
dp_export_columns(dp_ctx *ctx, const dp_export_table *src, dp_export_target tg,
                  dp_export_column **out, size_t *n_out)
{
    const dp_table *t = src->t;
    const dp_axis *stat_axis = NULL;
    dp_export_unit u = dp_export_table_unit(src->res, t);
    int wan = u.wan && tg == DP_EXPORT_XLSX;
    int wan_extra = u.wan && tg == DP_EXPORT_CSV;
    size_t n_val = t->per_run
                       ? src->n_stat * (wan_extra ? 2 : 1) + (src->runs ? src->res->n_run : 0)
                       : (wan_extra ? 2 : 1);
    size_t cap = 2 * t->rank + n_val;
    dp_export_column *col = calloc(cap ? cap : 1, sizeof *col);
    size_t n = 0;

    *out = NULL;
    *n_out = 0;
    if (!col) {
        return dp_error(ctx, DP_ENOMEM, "out of memory laying out table '%s'", t->name);
    }
    if (t->per_run) {
        size_t si = dp_results_find_axis(src->summ, "stat");
        if (si == (size_t)-1) {
            free(col);
            return dp_error(ctx, DP_EINPUT, "table '%s': the summary has no stat axis", t->name);
        }
        stat_axis = &src->summ->axis[si];
    }
    for (size_t k = 0; k < t->rank; k++) {
        const dp_axis *a = &src->res->axis[t->axis[k]];
        dp_export_column *c = &col[n++];
        c->kind = DP_COL_AXIS;
        c->k = k;
        snprintf(c->head, sizeof c->head, "%s / %s", a->name, dp_export_axis_zh(a->name));
        snprintf(c->unit, sizeof c->unit, "%s", k == 0 ? "unit / 单位" : "");
        if (has_zh(a)) {
            c = &col[n++];
            c->kind = DP_COL_AXIS_ZH;
            c->k = k;
            snprintf(c->head, sizeof c->head, "%s_zh / %s（中文）", a->name,
                     dp_export_axis_zh(a->name));
        }
    }
    for (int pass = 0; pass < (wan_extra ? 2 : 1); pass++) {
        /* Pass 0: the stored unit (Excel: 万元 for yuan); pass 1: the CSV's extra 万元 columns. */
        int in_wan = wan || pass == 1;
        const char *suffix_en = in_wan ? " (10k yuan)" : "";
        const char *suffix_zh = in_wan ? "（万元）" : "";
        if (!t->per_run) {
            dp_export_column *c = &col[n++];
            c->kind = DP_COL_VALUE;
            c->divisor = in_wan ? DP_EXPORT_WAN : 1.0;
            c->xlsx_fmt = u.xlsx_fmt;
            snprintf(c->head, sizeof c->head, "value%s / 数值%s", suffix_en, suffix_zh);
            snprintf(c->unit, sizeof c->unit, "%s", in_wan ? dp_export_wan_label : u.label);
            continue;
        }
        for (size_t s = 0; s < src->n_stat; s++) {
            dp_export_column *c = &col[n++];
            size_t k = src->stat[s];
            c->kind = DP_COL_STAT;
            c->k = k;
            c->divisor = in_wan ? DP_EXPORT_WAN : 1.0;
            c->xlsx_fmt = u.xlsx_fmt;
            snprintf(c->head, sizeof c->head, "%s%s / %s%s", stat_axis->label[k], suffix_en,
                     stat_axis->label_zh[k], suffix_zh);
            snprintf(c->unit, sizeof c->unit, "%s", in_wan ? dp_export_wan_label : u.label);
        }
    }
    if (t->per_run && src->runs) {
        for (size_t run = 0; run < src->res->n_run; run++) {
            dp_export_column *c = &col[n++];
            c->kind = DP_COL_RUN;
            c->k = run;
            c->divisor = wan ? DP_EXPORT_WAN : 1.0;
            c->xlsx_fmt = u.xlsx_fmt;
            snprintf(c->head, sizeof c->head, "run_%zu%s / 模拟%zu%s", run,
                     wan ? " (10k yuan)" : "", run, wan ? "（万元）" : "");
            snprintf(c->unit, sizeof c->unit, "%s", wan ? dp_export_wan_label : u.label);
        }
    }
    *out = col;
    *n_out = n;
    return DP_OK;
}

double
dp_export_cell(const dp_export_table *src, const dp_export_column *c, size_t i)
{
    const dp_table *t = src->t;
    switch (c->kind) {
    case DP_COL_STAT:
        return dp_table_run(src->st, c->k)[i] / c->divisor;
    case DP_COL_RUN:
        return dp_table_run(t, c->k)[i] / c->divisor;
    case DP_COL_VALUE:
        return t->data[i] / c->divisor;
    default:
        return NAN;
    }
}

void
dp_export_element_index(const dp_results *res, const dp_table *t, size_t i, size_t *idx)
{
    for (size_t k = t->rank; k-- > 0;) {
        size_t n = res->axis[t->axis[k]].n;
        idx[k] = i % n;
        i /= n;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* CSV output: temporary files renamed into place at the end */
/* ------------------------------------------------------------------------------------------ */
/* Provenance rows */

/* Appends a row of item and text to row[*n] when there is room. */
static void
add_row(dp_export_prov_row *row, size_t *n, size_t max, const char *item, const char *text)
{
    if (*n < max) {
        row[*n] = (dp_export_prov_row){item, "", text, NULL};
        (*n)++;
    }
}

size_t
dp_export_prov_file(const dp_export_prov *p, const dp_output_info *info,
                    dp_export_prov_row *row, size_t max)
{
    size_t n = 0;
    add_row(row, &n, max, "tool / 工具", "dpsim");
    add_row(row, &n, max, "results_file / 结果文件", p->results);
    add_row(row, &n, max, "version / 版本", info->version);
    add_row(row, &n, max, "schema_version / 格式版本", info->schema_version);
    add_row(row, &n, max, "created_utc / 生成时间（UTC）", info->created_utc);
    add_row(row, &n, max, "command_line / 命令行", info->command_line);
    add_row(row, &n, max, "exported_by / 导出程序", "dpsim " DP_VERSION);
    add_row(row, &n, max, "exported_utc / 导出时间（UTC）", p->exported_utc);
    add_row(row, &n, max, "export_command / 导出命令", p->export_cmd);
    return n;
}

size_t
dp_export_prov_scenario(const char *scenario, const dp_output_info *info,
                        dp_export_prov_row *row, size_t max)
{
    size_t n = 0;
    add_row(row, &n, max, "scenario / 情景", scenario);
    add_row(row, &n, max, "title / 标题", info->title);
    add_row(row, &n, max, "engine / 引擎", info->engine);
    if (n < max) {
        row[n] = (dp_export_prov_row){"runs / 模拟次数", "", NULL, NULL};
        snprintf(row[n].value, sizeof row[n].value, "%zu", info->runs);
        n++;
    }
    if (n < max) {
        row[n] = (dp_export_prov_row){"seed / 随机种子", "", NULL, NULL};
        snprintf(row[n].value, sizeof row[n].value, "%llu", (unsigned long long)info->seed);
        n++;
    }
    add_row(row, &n, max, "rng / 随机数生成器", info->rng);
    add_row(row, &n, max, "regions / 地区", info->regions);
    add_row(row, &n, max, "scenario_sha256 / 情景SHA-256", info->scenario_sha256);
    for (size_t i = 0; i < info->n_input && n < max; i++) {
        row[n] = (dp_export_prov_row){"input / 输入文件", "", info->input_path[i],
                                      info->input_sha256[i]};
        n++;
    }
    return n;
}

/* ------------------------------------------------------------------------------------------ */
/* Small helpers */

int
dp_export_file_safe(const char *name)
{
    if (name[0] == '\0' || name[0] == '.') {
        return 0;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == '/' || *p == '\\' || *p == 0x7f) {
            return 0;
        }
    }
    return 1;
}

char *
dp_export_temp_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(path) + 48;
    char *tmp = malloc(n);
    if (tmp) {
        snprintf(tmp, n, "%.*s.%s.tmp.%ld", (int)(base - path), path, base, (long)getpid());
    }
    return tmp;
}

/* Current UTC time as ISO 8601. */
static void
utc_now(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm utc;
    if (!gmtime_r(&now, &utc) || strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0) {
        snprintf(buf, n, "unknown");
    }
}

/* Position of s in list[n], or (size_t)-1. */
static size_t
find_name(char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], s) == 0) {
            return i;
        }
    }
    return (size_t)-1;
}

/* The table names met so far (owned copies), for the message of an unknown --table. */
typedef struct {
    char **item;
    size_t n;
} name_set;

/* Adds a copy of s unless it is there; -1 out of memory. */
static int
name_set_add(name_set *l, const char *s)
{
    if (find_name(l->item, l->n, s) != (size_t)-1) {
        return 0;
    }
    char **grown = realloc(l->item, (l->n + 1) * sizeof *grown);
    if (!grown) {
        return -1;
    }
    l->item = grown;
    l->item[l->n] = malloc(strlen(s) + 1);
    if (!l->item[l->n]) {
        return -1;
    }
    strcpy(l->item[l->n++], s);
    return 0;
}

static void
name_set_free(name_set *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->item[i]);
    }
    free(l->item);
}

/* ------------------------------------------------------------------------------------------ */
/* The driver */

/* Indices of the requested statistics in the summary's stat axis. */
static dp_status
select_stats(dp_ctx *ctx, const dp_export_request *req, const dp_results *summ, size_t *stat,
             size_t *n_stat)
{
    static const char *const dflt[] = {"mean", "p05", "p95"};
    size_t si = dp_results_find_axis(summ, "stat");
    const dp_axis *a = si == (size_t)-1 ? NULL : &summ->axis[si];
    int all = req->n_stat == 1 && strcmp(req->stat[0], "all") == 0;
    size_t n_want = req->n_stat ? req->n_stat : sizeof dflt / sizeof dflt[0];

    *n_stat = 0;
    if (!a) {
        return dp_error(ctx, DP_EINPUT, "%s: the summary has no stat axis", req->path);
    }
    if (all) {
        for (size_t k = 0; k < a->n && k < DP_MAX_AXES; k++) {
            stat[(*n_stat)++] = k;
        }
        return DP_OK;
    }
    for (size_t i = 0; i < n_want && i < DP_MAX_AXES; i++) {
        const char *want = req->n_stat ? req->stat[i] : dflt[i];
        size_t k = 0;
        while (k < a->n && strcmp(a->label[k], want) != 0) {
            k++;
        }
        if (k == a->n) {
            char known[256] = "";
            for (size_t j = 0; j < a->n; j++) {
                size_t len = strlen(known);
                snprintf(known + len, sizeof known - len, "%s%s", j ? ", " : "", a->label[j]);
            }
            return dp_error(ctx, DP_EINPUT, "--stat: no statistic '%s' (the file has: %s, or all)",
                            want, known);
        }
        stat[(*n_stat)++] = k;
    }
    return DP_OK;
}

/* Exports scenario s of p: every selected table to every writer, then the writers' scenario
 * step. found[i] is set for each requested table the scenario has; every table name it has is
 * added to seen. */
/* --region: *res replaced by its view on req->region (a region or a node's roll-up). */
static dp_status
region_view(dp_ctx *ctx, const dp_export_request *req, const char *scenario, dp_results **res)
{
    dp_results *view = NULL;
    dp_status rc;
    if (!req->region) {
        return DP_OK;
    }
    if ((rc = dp_rollup_view(ctx, *res, req->region, &view)) != DP_OK) {
        char msg[700];
        snprintf(msg, sizeof msg, "%s", dp_ctx_errmsg(ctx));
        return dp_error(ctx, rc, "%s: scenario '%s': %s", req->path, scenario, msg);
    }
    dp_results_free(*res);
    *res = view;
    return DP_OK;
}

/* --region: the view's budget in summ (a node's total is not a sum of its regions' statistics)
 * as the statistics over runs of res's budget, by the labels of summ's stat axis. */
static dp_status
region_budget_summary(dp_ctx *ctx, const dp_results *res, dp_results *summ)
{
    const dp_table *rb = dp_results_find(res, "budget");
    dp_table *sb = dp_results_find(summ, "budget");
    size_t sa = dp_results_find_axis(summ, "stat");
    if (!rb || !sb || sb->size != rb->size || sa == (size_t)-1 || res->n_run == 0) {
        return DP_OK;
    }
    double *stat = malloc(DP_N_STAT * rb->size * sizeof *stat);
    if (!stat) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    dp_status rc = dp_summary_compute(ctx, rb->data, res->n_run, rb->size, stat);
    for (size_t k = 0; rc == DP_OK && k < summ->n_run && k < summ->axis[sa].n; k++) {
        double *dst = sb->data + k * sb->size;
        size_t j = 0;
        while (j < DP_N_STAT && strcmp(dp_summary_stat_label[j], summ->axis[sa].label[k]) != 0) {
            j++;
        }
        for (size_t e = 0; e < sb->size; e++) {
            dst[e] = j < DP_N_STAT ? stat[j * rb->size + e] : (double)NAN;
        }
    }
    free(stat);
    return rc;
}

static dp_status
export_scenario(dp_ctx *ctx, const dp_export_request *req, const dp_export_prov *p, size_t s,
                dp_export_writer *const *w, size_t n_w, int *found, name_set *seen)
{
    dp_status rc = DP_OK;
    const char *scenario = p->scen[s];
    dp_results *res = NULL;
    dp_results *summ = NULL;
    size_t stat[DP_MAX_AXES];
    size_t n_stat = 0;

    if (!dp_export_file_safe(scenario) && req->csv_dir) {
        return dp_error(ctx, DP_EINPUT, "%s: scenario '%s' cannot name a folder", req->path,
                        scenario);
    }
    if ((rc = dp_output_read(ctx, req->path, scenario, &res)) != DP_OK ||
        (rc = dp_output_read_summary(ctx, req->path, scenario, &summ)) != DP_OK ||
        (rc = region_view(ctx, req, scenario, &res)) != DP_OK ||
        (rc = region_view(ctx, req, scenario, &summ)) != DP_OK ||
        (req->region && (rc = region_budget_summary(ctx, res, summ)) != DP_OK) ||
        (rc = select_stats(ctx, req, summ, stat, &n_stat)) != DP_OK) {
        goto out;
    }
    for (size_t i = 0; i < res->n_table; i++) {
        const dp_table *t = &res->table[i];
        size_t want = find_name(req->table, req->n_table, t->name);
        if (name_set_add(seen, t->name) < 0) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory");
            goto out;
        }
        if (req->n_table && want == (size_t)-1) {
            continue;
        }
        if (want != (size_t)-1) {
            found[want] = 1;
        }
        dp_export_table src = {res, t, summ, NULL, stat, n_stat, req->runs};
        if (t->per_run) {
            src.st = dp_results_find(summ, t->name);
            if (!src.st || src.st->size != t->size) {
                rc = dp_error(ctx, DP_EINPUT, "%s: scenario '%s': no summary of table '%s'",
                              req->path, scenario, t->name);
                goto out;
            }
        }
        if (req->csv_dir &&
            (!dp_export_file_safe(t->name) || strcmp(t->name, "provenance") == 0)) {
            rc = dp_error(ctx, DP_EINPUT, "%s: table '%s' cannot name a CSV file", req->path,
                          t->name);
            goto out;
        }
        for (size_t k = 0; k < n_w && rc == DP_OK; k++) {
            rc = w[k]->table(ctx, w[k], scenario, p->n_scen == 1, &src);
        }
        if (rc != DP_OK) {
            goto out;
        }
    }
    for (size_t k = 0; k < n_w && rc == DP_OK; k++) {
        rc = w[k]->scenario ? w[k]->scenario(ctx, w[k], p, s) : DP_OK;
    }
out:
    dp_results_free(summ);
    dp_results_free(res);
    return rc;
}

/* The scenarios to export, in the file's order, into scen (borrowing names); every requested
 * scenario must be in the file. */
static dp_status
select_scenarios(dp_ctx *ctx, const dp_export_request *req, char **names, size_t n_names,
                 char **scen, size_t *n_scen)
{
    for (size_t i = 0; i < req->n_scenario; i++) {
        if (find_name(names, n_names, req->scenario[i]) == (size_t)-1) {
            char have[512] = "";
            for (size_t j = 0; j < n_names; j++) {
                size_t len = strlen(have);
                snprintf(have + len, sizeof have - len, "%s%s", j ? ", " : "", names[j]);
            }
            return dp_error(ctx, DP_EINPUT, "%s: no scenario '%s' (the file has: %s)", req->path,
                            req->scenario[i], have);
        }
    }
    *n_scen = 0;
    for (size_t k = 0; k < n_names; k++) {
        if (!req->n_scenario || find_name(req->scenario, req->n_scenario, names[k]) != (size_t)-1) {
            scen[(*n_scen)++] = names[k];
        }
    }
    if (*n_scen == 0) {
        return dp_error(ctx, DP_EINPUT, "%s: the file holds no scenario", req->path);
    }
    return DP_OK;
}

dp_status
dp_export(dp_ctx *ctx, const dp_export_request *req, dp_export_open_fn open_xlsx)
{
    dp_status rc = DP_OK;
    char **names = NULL;
    size_t n_names = 0;
    char **scen = NULL;
    size_t n_scen = 0;
    dp_output_info **info = NULL;
    int *found = NULL;
    dp_export_writer *w[2] = {NULL, NULL}; /* CSV, workbook */
    size_t n_w = 0;
    name_set seen = {NULL, 0};
    char exported_utc[32];
    dp_export_prov p = {req->path, req->command_line, exported_utc, NULL, NULL, 0};

    utc_now(exported_utc, sizeof exported_utc);
    if ((rc = dp_output_scenarios(ctx, req->path, &names, &n_names)) != DP_OK) {
        goto out;
    }
    scen = calloc(n_names ? n_names : 1, sizeof *scen);
    info = calloc(n_names ? n_names : 1, sizeof *info);
    found = calloc(req->n_table ? req->n_table : 1, sizeof *found);
    if (!scen || !info || !found) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = select_scenarios(ctx, req, names, n_names, scen, &n_scen)) != DP_OK) {
        goto out;
    }
    for (size_t s = 0; s < n_scen; s++) {
        if ((rc = dp_output_read_info(ctx, req->path, scen[s], &info[s])) != DP_OK) {
            goto out;
        }
    }
    if (req->csv_dir && (rc = dp_export_csv_open(ctx, req->csv_dir, &w[n_w++])) != DP_OK) {
        goto out;
    }
    if (req->xlsx) {
        if (!open_xlsx) {
            rc = dp_error(ctx, DP_EINPUT, "%s: this program cannot write workbooks", req->xlsx);
            goto out;
        }
        if ((rc = open_xlsx(ctx, req->xlsx, &w[n_w++])) != DP_OK) {
            goto out;
        }
    }
    p.scen = scen;
    p.info = info;
    p.n_scen = n_scen;
    for (size_t s = 0; s < n_scen; s++) {
        if ((rc = export_scenario(ctx, req, &p, s, w, n_w, found, &seen)) != DP_OK) {
            goto out;
        }
    }
    for (size_t i = 0; i < req->n_table; i++) {
        if (!found[i]) {
            char have[1024] = "";
            for (size_t j = 0; j < seen.n; j++) {
                size_t len = strlen(have);
                snprintf(have + len, sizeof have - len, "%s%s", j ? ", " : "", seen.item[j]);
            }
            rc = dp_error(ctx, DP_EINPUT, "%s: no table '%s' (the file has: %s)", req->path,
                          req->table[i], have);
            goto out;
        }
    }
    for (size_t k = 0; k < n_w && rc == DP_OK; k++) {
        rc = w[k]->finish ? w[k]->finish(ctx, w[k], &p) : DP_OK;
    }
    /* Everything is written: only renames are left (the CSV files first). */
    for (size_t k = 0; k < n_w && rc == DP_OK; k++) {
        rc = w[k]->commit(ctx, w[k]);
    }
out:
    for (size_t k = 0; k < n_w; k++) {
        if (w[k]) {
            if (rc != DP_OK) {
                w[k]->discard(w[k]);
            }
            w[k]->free(w[k]);
        }
    }
    for (size_t s = 0; s < n_scen; s++) {
        dp_output_info_free(info[s]);
    }
    free(info);
    free(scen);
    free(found);
    dp_output_names_free(names, n_names);
    name_set_free(&seen);
    return rc;
}
