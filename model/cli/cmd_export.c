/* model/cli/cmd_export.c
 *
 * dpsim export: a results file to CSV files and/or an Excel workbook (docs/export.md). The file
 * is read with the library's reader (dp_output_read for the per-run and base tables,
 * dp_output_read_summary for summary/, dp_output_read_info for the provenance); every table
 * becomes one long ("tidy") table: one column per axis (plus a Chinese label column for axes
 * that have Chinese labels), then the selected statistics (mean, p05, p95 by default), then
 * with --runs one column per replicate; one row per element of the table. Row 1 is a bilingual
 * header ("mean / 均值"), row 2 the units ("persons / 人").
 *
 * CSV: <DIR>/<scenario>/<table>.csv, UTF-8 with a byte-order mark, CRLF line ends, RFC 4180
 * quoting, numbers in the stored unit written with the fewest digits that read back to the
 * same double; yuan tables get extra statistic columns in 10,000 yuan (万元). Each scenario
 * folder also gets provenance.csv and scenario.yaml (the resolved scenario text, byte for byte).
 * XLSX (libxlsxwriter, constant-memory mode): a contents sheet, one sheet per (scenario,
 * table), a provenance sheet; yuan shown in 万元, shares as percentages.
 *
 * Invariants: nothing is written under a requested name until everything has been written.
 * Every CSV file is written as ".<name>.tmp.<pid>" in its folder and the workbook as
 * ".<name>.tmp.<pid>" next to FILE; they are renamed into place only when all outputs are
 * complete, and any failure removes every temporary file and every folder this command
 * created. Workload: one pass over each table; the cost is formatting the numbers.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "cli.h"
#include "output/output.h"

/* 万元: the unit of Chinese budget documents. */
#define WAN 1.0e4

/* The largest Excel sheet: 1,048,576 rows and 16,384 columns (libxlsxwriter's limits). */
#define XLSX_MAX_ROWS ((size_t)LXW_ROW_MAX)
#define XLSX_MAX_COLS ((size_t)LXW_COL_MAX)
/* Longest text an Excel cell holds, in bytes we allow (Excel counts 32,767 characters). */
#define XLSX_MAX_TEXT 32767

static void
help(void)
{
    printf("usage: dpsim export RESULTS.h5 [--csv DIR] [--xlsx FILE] [--scenario NAME[,NAME...]]\n"
           "                  [--table T[,T...]] [--stat S[,S...]|all] [--runs]\n\n"
           "Writes the tables of a results file as CSV files (one per scenario and table,\n"
           "DIR/<scenario>/<table>.csv, UTF-8 with BOM for Excel) and/or as one Excel\n"
           "workbook (one sheet per scenario and table, spending in 10,000 yuan (万元), shares\n"
           "as percentages, a contents sheet and a provenance sheet). Every table is long\n"
           "(\"tidy\"): a column per axis with English labels (and Chinese labels in <axis>_zh\n"
           "columns), then the statistics over runs, one row per element. Row 1 is a\n"
           "bilingual header, row 2 the units. At least one of --csv and --xlsx is required.\n"
           "Nothing is written under the requested names unless the whole export succeeds.\n\n"
           "options:\n"
           "  --csv DIR         write CSV files under DIR (created with its parents if missing)\n"
           "  --xlsx FILE       write an Excel workbook (replaced if it exists)\n"
           "  --scenario NAMES  only these scenarios (comma-separated; default: all)\n"
           "  --table NAMES     only these tables (comma-separated; default: all)\n"
           "  --stat NAMES      statistics over runs: mean, sd, p05, p25, p50, p75, p95, or\n"
           "                    all (default: mean,p05,p95)\n"
           "  --runs            also one column per run (replicate) with its value\n"
           "  -h, --help        this text\n\n"
           "Details: docs/export.md.\n");
}

/* ------------------------------------------------------------------------------------------ */
/* Small helpers */

/* A list of names from comma-separated option values. */
typedef struct {
    char **item; /**< [n] owned strings */
    size_t n;
} strlist;

static void
strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->item[i]);
    }
    free(l->item);
    l->item = NULL;
    l->n = 0;
}

/* Appends the comma-separated names of arg. Returns 0, 1 for an empty name, -1 out of memory. */
static int
strlist_add(strlist *l, const char *arg)
{
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0) {
            return 1;
        }
        char **grown = realloc(l->item, (l->n + 1) * sizeof *grown);
        if (!grown) {
            return -1;
        }
        l->item = grown;
        l->item[l->n] = malloc(len + 1);
        if (!l->item[l->n]) {
            return -1;
        }
        memcpy(l->item[l->n], p, len);
        l->item[l->n][len] = '\0';
        l->n++;
        if (!comma) {
            return 0;
        }
        p = comma + 1;
    }
}

static size_t
strlist_find(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->item[i], s) == 0) {
            return i;
        }
    }
    return (size_t)-1;
}

/* "dpsim export ..." from the subcommand's arguments (argv[0] is "export"). */
static char *
join_argv(int argc, char **argv)
{
    size_t n = sizeof "dpsim";
    for (int i = 0; i < argc; i++) {
        n += strlen(argv[i]) + 1;
    }
    char *s = malloc(n);
    if (!s) {
        return NULL;
    }
    strcpy(s, "dpsim");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* Formats v with the fewest significant digits (15 to 17) that read back as the same double;
 * "" for NaN and infinities (an empty cell). */
static void
fmt_double(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        buf[0] = '\0';
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) {
            return;
        }
    }
}

/* Terminal (and spreadsheet) width of UTF-8 text: CJK characters count two, others one. */
static size_t
text_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xc0) != 0x80) {
            w += *p >= 0xe0 ? 2 : 1;
        }
    }
    return w;
}

/* Whether name can name a file or folder: not empty, not "." or "..", no '/', '\\' or control
 * characters, and not starting with '.' (hidden, and where the temporary files live). */
static int
file_safe(const char *name)
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
    {"component", "支出构成"}, {"budget", "预算"},
    {"measure", "敏感性指标"}, {"setting", "参数设置"},
};

static const char *
axis_name_zh(const char *name)
{
    for (size_t i = 0; i < sizeof axis_zh / sizeof axis_zh[0]; i++) {
        if (strcmp(axis_zh[i].name, name) == 0) {
            return axis_zh[i].zh;
        }
    }
    return name;
}

/* How a table's unit is labelled and shown. */
typedef struct {
    const char *unit;     /**< the unit attribute of the table */
    const char *label;    /**< units-row text, stored unit */
    const char *xlsx_fmt; /**< Excel number format of the stored unit (NULL: General) */
    int wan;              /**< 1: shown in 万元 in Excel, with extra 万元 columns in CSV */
} unit_info;

static const unit_info units[] = {
    {"persons", "persons / 人", "#,##0", 0},
    {"yuan", "yuan / 元", "#,##0.0", 1}, /* the Excel format is that of 万元 */
    {"share", "share (0-1) / 比例", "0.0%", 0},
    {"person-months", "person-months / 人月", "#,##0", 0},
    {"yuan/person/month", "yuan/person/month / 元/人/月", "#,##0.00", 0},
    {"value", "value / 数值", NULL, 0},
};
static const char wan_label[] = "10k yuan / 万元";

static unit_info
unit_lookup(const char *unit)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(units[i].unit, unit) == 0) {
            return units[i];
        }
    }
    unit_info other = {unit, unit, NULL, 0};
    return other;
}

/* ------------------------------------------------------------------------------------------ */
/* The columns of one exported table */

typedef enum { COL_AXIS, COL_AXIS_ZH, COL_STAT, COL_RUN, COL_VALUE } col_kind;

typedef struct {
    col_kind kind;
    size_t k;             /**< axis position in the table, statistic index or run index */
    double divisor;       /**< the stored value divided by this is written (10,000 for 万元) */
    const char *xlsx_fmt; /**< Excel number format, NULL for General */
    char head[160];       /**< bilingual header */
    char unit[64];        /**< units-row text */
} column;

/* One table to export and what to put in it. */
typedef struct {
    const dp_results *res;  /**< axes and per-run or base data (borrowed) */
    const dp_table *t;      /**< the table (in res) */
    const dp_results *summ; /**< the summary of the scenario (borrowed) */
    const dp_table *st;     /**< the table's summary (NULL for a base table) */
    const size_t *stat;     /**< indices into the summary's stat axis */
    size_t n_stat;
    int runs; /**< one column per run */
} table_src;

typedef enum { TARGET_CSV, TARGET_XLSX } target;

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

/* Builds the columns of table src for target into *out (caller frees). */
static dp_status
build_columns(dp_ctx *ctx, const table_src *src, target tg, column **out, size_t *n_out)
{
    const dp_table *t = src->t;
    const dp_axis *stat_axis = NULL;
    unit_info u = unit_lookup(t->unit);
    /* The budget table holds yuan (total, ceiling) and 1/0 (exceeds) on one axis: shown as
     * stored, not in 万元, so that the mean of exceeds reads as the probability. */
    for (size_t k = 0; k < t->rank; k++) {
        if (strcmp(src->res->axis[t->axis[k]].name, "budget") == 0) {
            static const unit_info mixed = {"yuan", "yuan; exceeds 1 or 0 / 元；超出上限为1或0",
                                            "#,##0.00", 0};
            u = mixed;
        }
    }
    /* Amounts are per person and month, year or unit: yuan, not 万元. */
    if (strcmp(t->name, "amount") == 0 && strcmp(t->unit, "yuan") == 0) {
        static const unit_info per_unit = {"yuan", "yuan (a month, year or unit) / 元", "#,##0.00",
                                           0};
        u = per_unit;
    }
    int wan = u.wan && tg == TARGET_XLSX;
    int wan_extra = u.wan && tg == TARGET_CSV;
    size_t n_val = t->per_run
                       ? src->n_stat * (wan_extra ? 2 : 1) + (src->runs ? src->res->n_run : 0)
                       : (wan_extra ? 2 : 1);
    size_t cap = 2 * t->rank + n_val;
    column *col = calloc(cap ? cap : 1, sizeof *col);
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
        column *c = &col[n++];
        c->kind = COL_AXIS;
        c->k = k;
        snprintf(c->head, sizeof c->head, "%s / %s", a->name, axis_name_zh(a->name));
        snprintf(c->unit, sizeof c->unit, "%s", k == 0 ? "unit / 单位" : "");
        if (has_zh(a)) {
            c = &col[n++];
            c->kind = COL_AXIS_ZH;
            c->k = k;
            snprintf(c->head, sizeof c->head, "%s_zh / %s（中文）", a->name, axis_name_zh(a->name));
        }
    }
    for (int pass = 0; pass < (wan_extra ? 2 : 1); pass++) {
        /* Pass 0: the stored unit (Excel: 万元 for yuan); pass 1: the CSV's extra 万元 columns. */
        int in_wan = wan || pass == 1;
        const char *suffix_en = in_wan ? " (10k yuan)" : "";
        const char *suffix_zh = in_wan ? "（万元）" : "";
        if (!t->per_run) {
            column *c = &col[n++];
            c->kind = COL_VALUE;
            c->divisor = in_wan ? WAN : 1.0;
            c->xlsx_fmt = u.xlsx_fmt;
            snprintf(c->head, sizeof c->head, "value%s / 数值%s", suffix_en, suffix_zh);
            snprintf(c->unit, sizeof c->unit, "%s", in_wan ? wan_label : u.label);
            continue;
        }
        for (size_t s = 0; s < src->n_stat; s++) {
            column *c = &col[n++];
            size_t k = src->stat[s];
            c->kind = COL_STAT;
            c->k = k;
            c->divisor = in_wan ? WAN : 1.0;
            c->xlsx_fmt = u.xlsx_fmt;
            snprintf(c->head, sizeof c->head, "%s%s / %s%s", stat_axis->label[k], suffix_en,
                     stat_axis->label_zh[k], suffix_zh);
            snprintf(c->unit, sizeof c->unit, "%s", in_wan ? wan_label : u.label);
        }
    }
    if (t->per_run && src->runs) {
        for (size_t run = 0; run < src->res->n_run; run++) {
            column *c = &col[n++];
            c->kind = COL_RUN;
            c->k = run;
            c->divisor = wan ? WAN : 1.0;
            c->xlsx_fmt = u.xlsx_fmt;
            snprintf(c->head, sizeof c->head, "run_%zu%s / 模拟%zu%s", run,
                     wan ? " (10k yuan)" : "", run, wan ? "（万元）" : "");
            snprintf(c->unit, sizeof c->unit, "%s", wan ? wan_label : u.label);
        }
    }
    *out = col;
    *n_out = n;
    return DP_OK;
}

/* The value of column c in row (element) i. */
static double
cell_value(const table_src *src, const column *c, size_t i)
{
    const dp_table *t = src->t;
    switch (c->kind) {
    case COL_STAT:
        return dp_table_run(src->st, c->k)[i] / c->divisor;
    case COL_RUN:
        return dp_table_run(t, c->k)[i] / c->divisor;
    case COL_VALUE:
        return t->data[i] / c->divisor;
    default:
        return NAN;
    }
}

/* Axis positions of element i of table t (row-major, last axis fastest). */
static void
element_index(const dp_results *res, const dp_table *t, size_t i, size_t *idx)
{
    for (size_t k = t->rank; k-- > 0;) {
        size_t n = res->axis[t->axis[k]].n;
        idx[k] = i % n;
        i /= n;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* CSV output: temporary files renamed into place at the end */

typedef struct {
    char *final; /**< DIR/<scenario>/<name> */
    char *tmp;   /**< DIR/<scenario>/.<name>.tmp.<pid> */
} pending;

typedef struct {
    const char *dir; /**< --csv DIR (borrowed) */
    pending *file;   /**< written, not yet renamed */
    size_t n_file;
    char **made_dir; /**< folders this command created, in order */
    size_t n_made;
    int committed; /**< the files have been renamed into place */
} csv_out;

/* Creates folder path and any missing parents, like mkdir -p, recording each folder made
 * (parents first) so that a failed export removes them again. */
static dp_status
ensure_dir(dp_ctx *ctx, csv_out *o, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            return dp_error(ctx, DP_EINPUT, "%s: exists and is not a folder", path);
        }
        return DP_OK;
    }
    if (errno == ENOENT) {
        /* The parent: path up to its last '/' (trailing slashes ignored); none for "a". */
        size_t len = strlen(path);
        while (len > 1 && path[len - 1] == '/') {
            len--;
        }
        while (len > 0 && path[len - 1] != '/') {
            len--;
        }
        while (len > 1 && path[len - 1] == '/') {
            len--;
        }
        if (len > 0 && !(len == 1 && path[0] == '/')) {
            char *parent = malloc(len + 1);
            if (!parent) {
                return dp_error(ctx, DP_ENOMEM, "out of memory");
            }
            memcpy(parent, path, len);
            parent[len] = '\0';
            dp_status rc = ensure_dir(ctx, o, parent);
            free(parent);
            if (rc != DP_OK) {
                return rc;
            }
        }
    }
    if (mkdir(path, 0777) != 0) {
        return dp_error(ctx, DP_EINPUT, "%s: cannot create the folder: %s", path, strerror(errno));
    }
    char **grown = realloc(o->made_dir, (o->n_made + 1) * sizeof *grown);
    char *copy = malloc(strlen(path) + 1);
    if (grown) {
        o->made_dir = grown;
    }
    if (!grown || !copy) {
        free(copy);
        rmdir(path);
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    strcpy(copy, path);
    o->made_dir[o->n_made++] = copy;
    return DP_OK;
}

/* Opens DIR/<scenario>/<name> for writing under its temporary name; bom: start with the UTF-8
 * byte-order mark, so that Excel reads the file as UTF-8 (Chinese labels). */
static dp_status
csv_open(dp_ctx *ctx, csv_out *o, const char *scenario, const char *name, int bom, FILE **out)
{
    dp_status rc = DP_OK;
    size_t n = strlen(o->dir) + strlen(scenario) + strlen(name) + 64;
    char *folder = malloc(n);
    char *final = malloc(n);
    char *tmp = malloc(n);
    pending *grown = NULL;
    int fd = -1;

    *out = NULL;
    if (!folder || !final || !tmp) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    snprintf(folder, n, "%s/%s", o->dir, scenario);
    snprintf(final, n, "%s/%s", folder, name);
    snprintf(tmp, n, "%s/.%s.tmp.%ld", folder, name, (long)getpid());
    if ((rc = ensure_dir(ctx, o, o->dir)) != DP_OK || (rc = ensure_dir(ctx, o, folder)) != DP_OK) {
        goto out;
    }
    grown = realloc(o->file, (o->n_file + 1) * sizeof *grown);
    if (!grown) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    o->file = grown;
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
        rc = dp_error(ctx, DP_EINPUT, "%s: cannot create: %s", tmp, strerror(errno));
        goto out;
    }
    *out = fdopen(fd, "wb");
    if (!*out) {
        rc = dp_error(ctx, DP_EIO, "%s: cannot open: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    o->file[o->n_file].final = final;
    o->file[o->n_file].tmp = tmp;
    o->n_file++;
    final = NULL;
    tmp = NULL;
    if (bom) {
        fputs("\xef\xbb\xbf", *out);
    }
out:
    free(folder);
    free(final);
    free(tmp);
    return rc;
}

/* Flushes and closes f (the last file csv_open gave), checking for write errors. */
static dp_status
csv_close(dp_ctx *ctx, csv_out *o, FILE *f)
{
    const char *tmp = o->file[o->n_file - 1].tmp;
    int err = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int saved = errno;
    if (fclose(f) != 0 && !err) {
        err = 1;
        saved = errno;
    }
    if (err) {
        return dp_error(ctx, DP_EIO, "%s: write failed: %s", tmp, strerror(saved));
    }
    return DP_OK;
}

/* Removes every temporary file and every folder created (newest first). */
static void
csv_discard(csv_out *o)
{
    if (o->committed) {
        return;
    }
    for (size_t i = 0; i < o->n_file; i++) {
        unlink(o->file[i].tmp);
    }
    for (size_t i = o->n_made; i-- > 0;) {
        rmdir(o->made_dir[i]);
    }
}

/* Renames every temporary file to its final name. */
static dp_status
csv_commit(dp_ctx *ctx, csv_out *o)
{
    /* A failure here leaves the files renamed so far in place (each one complete). */
    o->committed = 1;
    for (size_t i = 0; i < o->n_file; i++) {
        if (rename(o->file[i].tmp, o->file[i].final) != 0) {
            return dp_error(ctx, DP_EIO, "cannot rename '%s' to '%s': %s", o->file[i].tmp,
                            o->file[i].final, strerror(errno));
        }
    }
    return DP_OK;
}

static void
csv_free(csv_out *o)
{
    for (size_t i = 0; i < o->n_file; i++) {
        free(o->file[i].final);
        free(o->file[i].tmp);
    }
    for (size_t i = 0; i < o->n_made; i++) {
        free(o->made_dir[i]);
    }
    free(o->file);
    free(o->made_dir);
}

/* Writes one field, quoted as RFC 4180 asks when it holds a comma, quote, CR or LF. */
static void
csv_field(FILE *f, const char *s, int first)
{
    if (!first) {
        fputc(',', f);
    }
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

static dp_status
csv_table(dp_ctx *ctx, csv_out *o, const char *scenario, const table_src *src)
{
    dp_status rc = DP_OK;
    const dp_table *t = src->t;
    column *col = NULL;
    size_t n_col = 0;
    FILE *f = NULL;
    char name[64];
    char num[40];
    size_t idx[DP_MAX_RANK];

    snprintf(name, sizeof name, "%s.csv", t->name);
    if ((rc = build_columns(ctx, src, TARGET_CSV, &col, &n_col)) != DP_OK ||
        (rc = csv_open(ctx, o, scenario, name, 1, &f)) != DP_OK) {
        goto out;
    }
    for (size_t c = 0; c < n_col; c++) {
        csv_field(f, col[c].head, c == 0);
    }
    fputs("\r\n", f);
    for (size_t c = 0; c < n_col; c++) {
        csv_field(f, col[c].unit, c == 0);
    }
    fputs("\r\n", f);
    for (size_t i = 0; i < t->size; i++) {
        element_index(src->res, t, i, idx);
        for (size_t c = 0; c < n_col; c++) {
            const column *cc = &col[c];
            if (cc->kind == COL_AXIS || cc->kind == COL_AXIS_ZH) {
                const dp_axis *a = &src->res->axis[t->axis[cc->k]];
                size_t j = idx[cc->k];
                csv_field(f, cc->kind == COL_AXIS ? a->label[j] : a->label_zh[j], c == 0);
            } else {
                fmt_double(cell_value(src, cc, i), num, sizeof num);
                csv_field(f, num, c == 0);
            }
        }
        fputs("\r\n", f);
    }
    rc = csv_close(ctx, o, f);
out:
    free(col);
    return rc;
}

/* The provenance rows shared by the CSV file and the Excel sheet. */
typedef struct {
    const char *item;   /**< bilingual item name */
    char value[512];    /**< short value (longer ones are given by pointer) */
    const char *text;   /**< long value (command line), or NULL to use value */
    const char *sha256; /**< third column, or NULL */
} prov_row;

/* Appends a row of item and text to row[*n] when there is room. */
static void
add_row(prov_row *row, size_t *n, size_t max, const char *item, const char *text)
{
    if (*n < max) {
        row[*n] = (prov_row){item, "", text, NULL};
        (*n)++;
    }
}

/* Fills rows (at most max) with the file-level provenance; returns the count. */
static size_t
prov_file_rows(const dp_output_info *info, const char *results, const char *export_cmd,
               const char *exported_utc, prov_row *row, size_t max)
{
    size_t n = 0;
    add_row(row, &n, max, "tool / 工具", "dpsim");
    add_row(row, &n, max, "results_file / 结果文件", results);
    add_row(row, &n, max, "version / 版本", info->version);
    add_row(row, &n, max, "schema_version / 格式版本", info->schema_version);
    add_row(row, &n, max, "created_utc / 生成时间（UTC）", info->created_utc);
    add_row(row, &n, max, "command_line / 命令行", info->command_line);
    add_row(row, &n, max, "exported_by / 导出程序", "dpsim " DP_VERSION);
    add_row(row, &n, max, "exported_utc / 导出时间（UTC）", exported_utc);
    add_row(row, &n, max, "export_command / 导出命令", export_cmd);
    return n;
}

/* Fills rows with one scenario's provenance (without its text); returns the count. */
static size_t
prov_scenario_rows(const char *scenario, const dp_output_info *info, prov_row *row, size_t max)
{
    size_t n = 0;
    add_row(row, &n, max, "scenario / 情景", scenario);
    add_row(row, &n, max, "title / 标题", info->title);
    add_row(row, &n, max, "engine / 引擎", info->engine);
    if (n < max) {
        row[n] = (prov_row){"runs / 模拟次数", "", NULL, NULL};
        snprintf(row[n].value, sizeof row[n].value, "%zu", info->runs);
        n++;
    }
    if (n < max) {
        row[n] = (prov_row){"seed / 随机种子", "", NULL, NULL};
        snprintf(row[n].value, sizeof row[n].value, "%llu", (unsigned long long)info->seed);
        n++;
    }
    add_row(row, &n, max, "rng / 随机数生成器", info->rng);
    add_row(row, &n, max, "regions / 地区", info->regions);
    add_row(row, &n, max, "scenario_sha256 / 情景SHA-256", info->scenario_sha256);
    for (size_t i = 0; i < info->n_input && n < max; i++) {
        row[n] = (prov_row){"input / 输入文件", "", info->input_path[i], info->input_sha256[i]};
        n++;
    }
    return n;
}

/* provenance.csv and scenario.yaml of one scenario folder. */
static dp_status
csv_provenance(dp_ctx *ctx, csv_out *o, const char *scenario, const dp_output_info *info,
               const char *results, const char *export_cmd, const char *exported_utc)
{
    dp_status rc = DP_OK;
    size_t max = 32 + info->n_input;
    prov_row *row = calloc(max, sizeof *row);
    FILE *f = NULL;
    size_t n = 0;

    if (!row) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    n = prov_file_rows(info, results, export_cmd, exported_utc, row, max);
    n += prov_scenario_rows(scenario, info, row + n, max - n);
    if ((rc = csv_open(ctx, o, scenario, "provenance.csv", 1, &f)) != DP_OK) {
        goto out;
    }
    csv_field(f, "item / 项目", 1);
    csv_field(f, "value / 内容", 0);
    csv_field(f, "sha256", 0);
    fputs("\r\n", f);
    for (size_t i = 0; i < n; i++) {
        csv_field(f, row[i].item, 1);
        csv_field(f, row[i].text ? row[i].text : row[i].value, 0);
        csv_field(f, row[i].sha256 ? row[i].sha256 : "", 0);
        fputs("\r\n", f);
    }
    if ((rc = csv_close(ctx, o, f)) != DP_OK) {
        goto out;
    }
    /* The resolved scenario exactly as stored (its SHA-256 is scenario_sha256): no BOM, no
     * line-end conversion. */
    if ((rc = csv_open(ctx, o, scenario, "scenario.yaml", 0, &f)) != DP_OK) {
        goto out;
    }
    fputs(info->scenario_yaml, f);
    rc = csv_close(ctx, o, f);
out:
    free(row);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Excel output */

typedef struct {
    char *final; /**< --xlsx FILE (copy) */
    char *tmp;   /**< .<FILE>.tmp.<pid> next to it */
    int tmp_exists;
    lxw_workbook *wb;
    lxw_worksheet *contents; /**< first sheet, filled at the end */
    lxw_format *bold;
    lxw_format *italic;
    lxw_format *fmt[8]; /**< number formats made so far */
    const char *fmt_code[8];
    size_t n_fmt;
    char (*sheet)[32 * 4]; /**< sheet names given so far */
    size_t n_sheet;
    /* The contents sheet's rows: sheet, scenario, table, title, title_zh, unit, rows. */
    char *(*entry)[7];
    size_t n_entry;
} xlsx_out;

static dp_status
lxw_fail(dp_ctx *ctx, const xlsx_out *x, lxw_error err, const char *what)
{
    return dp_error(ctx, err == LXW_ERROR_MEMORY_MALLOC_FAILED ? DP_ENOMEM : DP_EIO,
                    "%s: %s: %s (libxlsxwriter)", x->final, what, lxw_strerror(err));
}

/* The format with number format code (NULL: none), made once. */
static lxw_format *
xlsx_format(xlsx_out *x, const char *code)
{
    if (!code) {
        return NULL;
    }
    for (size_t i = 0; i < x->n_fmt; i++) {
        if (strcmp(x->fmt_code[i], code) == 0) {
            return x->fmt[i];
        }
    }
    if (x->n_fmt == sizeof x->fmt / sizeof x->fmt[0]) {
        return NULL;
    }
    lxw_format *f = workbook_add_format(x->wb);
    if (f) {
        format_set_num_format(f, code);
        x->fmt[x->n_fmt] = f;
        x->fmt_code[x->n_fmt] = code;
        x->n_fmt++;
    }
    return f;
}

/* "<dir>/.<base>.tmp.<pid>" for "<dir>/<base>". */
static char *
temp_name(const char *path)
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

static dp_status
xlsx_open(dp_ctx *ctx, const char *path, xlsx_out *x)
{
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    const char *slash = strrchr(path, '/');
    int fd = -1;

    if (path[0] == '\0' || (slash && slash[1] == '\0')) {
        return dp_error(ctx, DP_EINPUT, "--xlsx '%s': a file name is required", path);
    }
    x->final = malloc(strlen(path) + 1);
    x->tmp = temp_name(path);
    if (!x->final || !x->tmp) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    strcpy(x->final, path);
    /* Create the temporary file now, so an unwritable folder is reported before any work;
     * libxlsxwriter rewrites it when the workbook is closed. */
    fd = open(x->tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
        return dp_error(ctx, DP_EINPUT, "%s: cannot create the temporary file '%s': %s", path,
                        x->tmp, strerror(errno));
    }
    close(fd);
    x->tmp_exists = 1;
    x->wb = workbook_new_opt(x->tmp, &opt);
    if (!x->wb) {
        return dp_error(ctx, DP_EIO, "%s: cannot start the workbook (libxlsxwriter)", path);
    }
    x->bold = workbook_add_format(x->wb);
    x->italic = workbook_add_format(x->wb);
    if (!x->bold || !x->italic) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    format_set_bold(x->bold);
    format_set_italic(x->italic);
    format_set_font_color(x->italic, LXW_COLOR_GRAY);
    return DP_OK;
}

/* Excel compares sheet names without case; ASCII letters are folded here. */
static int
same_sheet_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb) {
            return 0;
        }
    }
    return *a == *b;
}

/* Copies at most max_chars UTF-8 characters of s to d (d holds 4 * max_chars + 1 bytes). */
static void
copy_chars(char *d, const char *s, size_t max_chars)
{
    size_t chars = 0;
    const char *p = s;
    while (*p) {
        if ((*p & 0xc0) != 0x80) {
            if (chars == max_chars) {
                break;
            }
            chars++;
        }
        p++;
    }
    memcpy(d, s, (size_t)(p - s));
    d[p - s] = '\0';
}

static size_t
utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += (*s & 0xc0) != 0x80;
    }
    return n;
}

/* A sheet name for want that Excel accepts: []:*?/\ replaced by '_', no leading or trailing
 * apostrophe, at most 31 characters, unique (case folded) among the names given so far and
 * not the reserved "History"; "~2", "~3", ... end a name that would repeat one. */
static dp_status
xlsx_sheet_name(dp_ctx *ctx, xlsx_out *x, const char *want, char *out /* [32 * 4] */)
{
    char base[32 * 4];
    char clean[512];
    size_t n = 0;
    for (const char *p = want; *p && n + 1 < sizeof clean; p++) {
        clean[n++] = strchr("[]:*?/\\", *p) ? '_' : *p;
    }
    clean[n] = '\0';
    if (clean[0] == '\'') {
        clean[0] = '_';
    }
    if (n > 0 && clean[n - 1] == '\'') {
        clean[n - 1] = '_';
    }
    copy_chars(base, clean, LXW_SHEETNAME_MAX);
    snprintf(out, 32 * 4, "%s", base);
    for (unsigned dup = 2;; dup++) {
        int taken = same_sheet_name(out, "History");
        for (size_t i = 0; i < x->n_sheet && !taken; i++) {
            taken = same_sheet_name(out, x->sheet[i]);
        }
        if (!taken) {
            break;
        }
        char suffix[16];
        int len = snprintf(suffix, sizeof suffix, "~%u", dup);
        copy_chars(out, base, LXW_SHEETNAME_MAX - (size_t)len);
        strcat(out, suffix);
    }
    char(*grown)[32 * 4] = realloc(x->sheet, (x->n_sheet + 1) * sizeof *grown);
    if (!grown) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    x->sheet = grown;
    snprintf(x->sheet[x->n_sheet++], 32 * 4, "%s", out);
    return DP_OK;
}

static dp_status
xlsx_add_sheet(dp_ctx *ctx, xlsx_out *x, const char *want, lxw_worksheet **ws, char *name)
{
    dp_status rc = xlsx_sheet_name(ctx, x, want, name);
    if (rc != DP_OK) {
        return rc;
    }
    *ws = workbook_add_worksheet(x->wb, name);
    if (!*ws) {
        return dp_error(ctx, DP_EINTERNAL, "%s: cannot add sheet '%s'", x->final, name);
    }
    return DP_OK;
}

/* Writes text into a cell: NULL or "" leaves the cell empty; control characters other than
 * tab (not allowed in the XML of a workbook) become spaces; DP_EINPUT when longer than a cell
 * holds. */
static dp_status
xlsx_text(dp_ctx *ctx, xlsx_out *x, lxw_worksheet *ws, size_t row, size_t col, const char *s,
          lxw_format *fmt)
{
    if (!s || !*s) {
        return DP_OK;
    }
    size_t len = strlen(s);
    if (len > XLSX_MAX_TEXT) {
        return dp_error(ctx, DP_EINPUT,
                        "%s: a text of %zu bytes is longer than an Excel cell holds (%d)", x->final,
                        len, XLSX_MAX_TEXT);
    }
    char small[256];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i <= len; i++) {
        unsigned char ch = (unsigned char)s[i];
        buf[i] = (ch != 0 && ch < 0x20 && ch != '\t') || ch == 0x7f ? ' ' : s[i];
    }
    lxw_error err = worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, buf, fmt);
    if (buf != small) {
        free(buf);
    }
    return err == LXW_NO_ERROR ? DP_OK : lxw_fail(ctx, x, err, "writing a cell");
}

static dp_status
xlsx_number(dp_ctx *ctx, xlsx_out *x, lxw_worksheet *ws, size_t row, size_t col, double v,
            lxw_format *fmt)
{
    if (!isfinite(v)) {
        return DP_OK; /* NaN: an empty cell */
    }
    lxw_error err = worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, fmt);
    return err == LXW_NO_ERROR ? DP_OK : lxw_fail(ctx, x, err, "writing a cell");
}

/* Records a contents row (copies every string). */
static dp_status
xlsx_entry(dp_ctx *ctx, xlsx_out *x, const char *const v[7])
{
    char *(*grown)[7] = realloc(x->entry, (x->n_entry + 1) * sizeof *grown);
    if (!grown) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    x->entry = grown;
    for (size_t i = 0; i < 7; i++) {
        x->entry[x->n_entry][i] = malloc(strlen(v[i]) + 1);
        if (!x->entry[x->n_entry][i]) {
            for (size_t j = 0; j < i; j++) {
                free(x->entry[x->n_entry][j]);
            }
            return dp_error(ctx, DP_ENOMEM, "out of memory");
        }
        strcpy(x->entry[x->n_entry][i], v[i]);
    }
    x->n_entry++;
    return DP_OK;
}

/* Whether label is exactly value written as an integer (a year or an age). */
static int
label_is_number(const char *label, double value)
{
    char buf[40];
    if (value != floor(value) || fabs(value) > 1e15) {
        return 0;
    }
    snprintf(buf, sizeof buf, "%.0f", value);
    return strcmp(buf, label) == 0;
}

static dp_status
xlsx_table(dp_ctx *ctx, xlsx_out *x, const char *scenario, int one_scenario, const table_src *src)
{
    dp_status rc = DP_OK;
    const dp_table *t = src->t;
    column *col = NULL;
    size_t n_col = 0;
    lxw_worksheet *ws = NULL;
    char want[160];
    char name[32 * 4];
    char rows[32];
    size_t idx[DP_MAX_RANK];
    size_t n_axis_col = 0;

    if (t->size + 2 > XLSX_MAX_ROWS) {
        return dp_error(ctx, DP_EINPUT,
                        "scenario '%s', table '%s': %zu rows do not fit in an Excel sheet "
                        "(%zu at most); use --csv, or --xlsx for other tables (--table)",
                        scenario, t->name, t->size, XLSX_MAX_ROWS - 2);
    }
    if ((rc = build_columns(ctx, src, TARGET_XLSX, &col, &n_col)) != DP_OK) {
        return rc;
    }
    if (n_col > XLSX_MAX_COLS) {
        rc = dp_error(ctx, DP_EINPUT,
                      "scenario '%s', table '%s': %zu columns do not fit in an Excel sheet (%zu "
                      "at most); leave out --runs or use --csv",
                      scenario, t->name, n_col, XLSX_MAX_COLS);
        goto out;
    }
    if (one_scenario) {
        snprintf(want, sizeof want, "%s", t->name);
    } else {
        /* "<scenario>.<table>", the scenario shortened so the table name stays whole. */
        size_t n_table = utf8_chars(t->name);
        size_t room = n_table + 1 < LXW_SHEETNAME_MAX ? LXW_SHEETNAME_MAX - 1 - n_table : 0;
        char scen[32 * 4];
        /* At least 4 characters of the scenario; xlsx_sheet_name cuts what is too long. */
        copy_chars(scen, scenario, room < 4 ? 4 : room);
        snprintf(want, sizeof want, "%s.%s", scen, t->name);
    }
    if ((rc = xlsx_add_sheet(ctx, x, want, &ws, name)) != DP_OK) {
        goto out;
    }
    for (size_t c = 0; c < n_col; c++) {
        size_t w = text_width(col[c].head) + 2;
        if (col[c].kind == COL_AXIS || col[c].kind == COL_AXIS_ZH) {
            n_axis_col++;
        }
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                             (double)(w < 10 ? 10 : (w > 40 ? 40 : w)), NULL);
    }
    worksheet_freeze_panes(ws, 2, (lxw_col_t)n_axis_col);
    for (size_t c = 0; c < n_col && rc == DP_OK; c++) {
        rc = xlsx_text(ctx, x, ws, 0, c, col[c].head, x->bold);
    }
    for (size_t c = 0; c < n_col && rc == DP_OK; c++) {
        rc = xlsx_text(ctx, x, ws, 1, c, col[c].unit, x->italic);
    }
    for (size_t i = 0; i < t->size && rc == DP_OK; i++) {
        element_index(src->res, t, i, idx);
        for (size_t c = 0; c < n_col && rc == DP_OK; c++) {
            const column *cc = &col[c];
            if (cc->kind == COL_AXIS || cc->kind == COL_AXIS_ZH) {
                const dp_axis *a = &src->res->axis[t->axis[cc->k]];
                size_t j = idx[cc->k];
                if (cc->kind == COL_AXIS_ZH) {
                    rc = xlsx_text(ctx, x, ws, i + 2, c, a->label_zh[j], NULL);
                } else if (a->value && label_is_number(a->label[j], a->value[j])) {
                    rc = xlsx_number(ctx, x, ws, i + 2, c, a->value[j], NULL);
                } else {
                    rc = xlsx_text(ctx, x, ws, i + 2, c, a->label[j], NULL);
                }
            } else {
                rc = xlsx_number(ctx, x, ws, i + 2, c, cell_value(src, cc, i),
                                 xlsx_format(x, cc->xlsx_fmt));
            }
        }
    }
    if (rc != DP_OK) {
        goto out;
    }
    snprintf(rows, sizeof rows, "%zu", t->size);
    {
        unit_info u = unit_lookup(t->unit);
        const char *v[7] = {
            name, scenario, t->name, t->title, t->title_zh, u.wan ? wan_label : u.label, rows};
        rc = xlsx_entry(ctx, x, v);
    }
out:
    free(col);
    return rc;
}

/* The provenance sheet: file rows, then each scenario's rows and its text, one line a row. */
static dp_status
xlsx_provenance(dp_ctx *ctx, xlsx_out *x, char **scen, dp_output_info **info, size_t n_scen,
                const char *results, const char *export_cmd, const char *exported_utc)
{
    dp_status rc = DP_OK;
    lxw_worksheet *ws = NULL;
    char name[32 * 4];
    size_t max = 64;
    size_t row_at = 1;
    prov_row *row = NULL;

    for (size_t s = 0; s < n_scen; s++) {
        max += 16 + info[s]->n_input;
    }
    row = calloc(max, sizeof *row);
    if (!row) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    if ((rc = xlsx_add_sheet(ctx, x, "provenance", &ws, name)) != DP_OK) {
        goto out;
    }
    worksheet_set_column(ws, 0, 0, 32, NULL);
    worksheet_set_column(ws, 1, 1, 80, NULL);
    worksheet_set_column(ws, 2, 2, 66, NULL);
    worksheet_freeze_panes(ws, 1, 0);
    if ((rc = xlsx_text(ctx, x, ws, 0, 0, "item / 项目", x->bold)) != DP_OK ||
        (rc = xlsx_text(ctx, x, ws, 0, 1, "value / 内容", x->bold)) != DP_OK ||
        (rc = xlsx_text(ctx, x, ws, 0, 2, "sha256", x->bold)) != DP_OK) {
        goto out;
    }
    for (size_t s = 0; s <= n_scen && rc == DP_OK; s++) {
        size_t n = s == 0 ? prov_file_rows(info[0], results, export_cmd, exported_utc, row, max)
                          : prov_scenario_rows(scen[s - 1], info[s - 1], row, max);
        for (size_t i = 0; i < n && rc == DP_OK; i++, row_at++) {
            if ((rc = xlsx_text(ctx, x, ws, row_at, 0, row[i].item, NULL)) == DP_OK &&
                (rc = xlsx_text(ctx, x, ws, row_at, 1, row[i].text ? row[i].text : row[i].value,
                                NULL)) == DP_OK) {
                rc = xlsx_text(ctx, x, ws, row_at, 2, row[i].sha256, NULL);
            }
        }
        if (s > 0 && rc == DP_OK) {
            /* The resolved scenario, one line a row, each row labelled (so an empty line is a
             * labelled row with an empty value, and a filter on column A shows the text); a
             * CR before the LF is dropped. */
            const char *p = info[s - 1]->scenario_yaml;
            while (*p && rc == DP_OK) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                char *line = malloc(len + 1);
                if (!line) {
                    rc = dp_error(ctx, DP_ENOMEM, "out of memory");
                    break;
                }
                memcpy(line, p, len);
                line[len] = '\0';
                if (len > 0 && line[len - 1] == '\r') {
                    line[len - 1] = '\0';
                }
                rc = xlsx_text(ctx, x, ws, row_at, 0, "scenario_yaml / 情景全文", NULL);
                if (rc == DP_OK) {
                    rc = xlsx_text(ctx, x, ws, row_at, 1, line, NULL);
                }
                row_at++;
                free(line);
                p = nl ? nl + 1 : p + len;
            }
        }
        row_at++; /* a blank row between blocks */
    }
out:
    free(row);
    return rc;
}

/* The contents sheet (the first sheet, filled last). */
static dp_status
xlsx_contents(dp_ctx *ctx, xlsx_out *x)
{
    static const char *const head[7] = {"sheet / 工作表", "scenario / 情景",     "table / 表",
                                        "title / 标题",   "title_zh / 中文标题", "unit / 单位",
                                        "rows / 行数"};
    static const double width[7] = {28, 24, 16, 60, 40, 24, 10};
    dp_status rc = DP_OK;
    for (size_t c = 0; c < 7; c++) {
        worksheet_set_column(x->contents, (lxw_col_t)c, (lxw_col_t)c, width[c], NULL);
    }
    worksheet_freeze_panes(x->contents, 1, 0);
    for (size_t c = 0; c < 7 && rc == DP_OK; c++) {
        rc = xlsx_text(ctx, x, x->contents, 0, c, head[c], x->bold);
    }
    for (size_t r = 0; r < x->n_entry && rc == DP_OK; r++) {
        for (size_t c = 0; c < 6 && rc == DP_OK; c++) {
            rc = xlsx_text(ctx, x, x->contents, r + 1, c, x->entry[r][c], NULL);
        }
        if (rc == DP_OK) {
            rc = xlsx_number(ctx, x, x->contents, r + 1, 6, strtod(x->entry[r][6], NULL),
                             xlsx_format(x, "#,##0"));
        }
    }
    return rc;
}

/* Writes the workbook to its temporary name and flushes it to disk. */
static dp_status
xlsx_finish(dp_ctx *ctx, xlsx_out *x)
{
    lxw_error err = workbook_close(x->wb);
    x->wb = NULL;
    if (err != LXW_NO_ERROR) {
        return lxw_fail(ctx, x, err, "writing the workbook");
    }
    int fd = open(x->tmp, O_RDONLY);
    if (fd < 0 || fdatasync(fd) != 0) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
        }
        return dp_error(ctx, DP_EIO, "%s: cannot flush to disk: %s", x->tmp, strerror(saved));
    }
    close(fd);
    return DP_OK;
}

/* Renames the finished workbook into place. */
static dp_status
xlsx_rename(dp_ctx *ctx, xlsx_out *x)
{
    if (rename(x->tmp, x->final) != 0) {
        return dp_error(ctx, DP_EIO, "cannot rename '%s' to '%s': %s", x->tmp, x->final,
                        strerror(errno));
    }
    x->tmp_exists = 0;
    return DP_OK;
}

/* Frees x; a workbook not committed is discarded with its temporary file. */
static void
xlsx_free(xlsx_out *x)
{
    if (x->wb) {
        /* Drops a workbook that was never written: lxw_workbook_free is what workbook_close
         * calls at its end (declared in xlsxwriter/workbook.h, not in the documented API). */
        lxw_workbook_free(x->wb);
    }
    if (x->tmp_exists) {
        unlink(x->tmp);
    }
    for (size_t r = 0; r < x->n_entry; r++) {
        for (size_t c = 0; c < 7; c++) {
            free(x->entry[r][c]);
        }
    }
    free(x->entry);
    free(x->sheet);
    free(x->final);
    free(x->tmp);
}

/* ------------------------------------------------------------------------------------------ */
/* The command */

typedef struct {
    const char *path;    /**< results file */
    const char *csv_dir; /**< --csv */
    const char *xlsx;    /**< --xlsx */
    strlist scenario;    /**< --scenario (empty: all) */
    strlist table;       /**< --table (empty: all) */
    strlist stat;        /**< --stat (empty: the default) */
    int runs;            /**< --runs */
    char *command_line;  /**< this command, for the provenance */
} options;

/* Indices of the requested statistics in the summary's stat axis. */
static dp_status
select_stats(dp_ctx *ctx, const options *opt, const dp_results *summ, size_t *stat, size_t *n_stat)
{
    static const char *const dflt[] = {"mean", "p05", "p95"};
    size_t si = dp_results_find_axis(summ, "stat");
    const dp_axis *a = si == (size_t)-1 ? NULL : &summ->axis[si];
    int all = opt->stat.n == 1 && strcmp(opt->stat.item[0], "all") == 0;
    size_t n_want = opt->stat.n ? opt->stat.n : sizeof dflt / sizeof dflt[0];

    *n_stat = 0;
    if (!a) {
        return dp_error(ctx, DP_EINPUT, "%s: the summary has no stat axis", opt->path);
    }
    if (all) {
        for (size_t k = 0; k < a->n && k < DP_MAX_AXES; k++) {
            stat[(*n_stat)++] = k;
        }
        return DP_OK;
    }
    for (size_t i = 0; i < n_want && i < DP_MAX_AXES; i++) {
        const char *want = opt->stat.n ? opt->stat.item[i] : dflt[i];
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

/* Exports one scenario: every selected table to CSV and/or Excel. found[i] is set for each
 * --table name the scenario has; every table name it has is added to seen. */
static dp_status
export_scenario(dp_ctx *ctx, const options *opt, const char *scenario, int one_scenario,
                csv_out *csv, xlsx_out *x, const dp_output_info *info, int *found, strlist *seen,
                const char *exported_utc)
{
    dp_status rc = DP_OK;
    dp_results *res = NULL;
    dp_results *summ = NULL;
    size_t stat[DP_MAX_AXES];
    size_t n_stat = 0;

    if (!file_safe(scenario) && csv) {
        return dp_error(ctx, DP_EINPUT, "%s: scenario '%s' cannot name a folder", opt->path,
                        scenario);
    }
    if ((rc = dp_output_read(ctx, opt->path, scenario, &res)) != DP_OK ||
        (rc = dp_output_read_summary(ctx, opt->path, scenario, &summ)) != DP_OK ||
        (rc = select_stats(ctx, opt, summ, stat, &n_stat)) != DP_OK) {
        goto out;
    }
    for (size_t i = 0; i < res->n_table; i++) {
        const dp_table *t = &res->table[i];
        size_t want = strlist_find(&opt->table, t->name);
        if (strlist_find(seen, t->name) == (size_t)-1 && strlist_add(seen, t->name) < 0) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory");
            goto out;
        }
        if (opt->table.n && want == (size_t)-1) {
            continue;
        }
        if (want != (size_t)-1) {
            found[want] = 1;
        }
        table_src src = {res, t, summ, NULL, stat, n_stat, opt->runs};
        if (t->per_run) {
            src.st = dp_results_find(summ, t->name);
            if (!src.st || src.st->size != t->size) {
                rc = dp_error(ctx, DP_EINPUT, "%s: scenario '%s': no summary of table '%s'",
                              opt->path, scenario, t->name);
                goto out;
            }
        }
        if (csv && (!file_safe(t->name) || strcmp(t->name, "provenance") == 0)) {
            rc = dp_error(ctx, DP_EINPUT, "%s: table '%s' cannot name a CSV file", opt->path,
                          t->name);
            goto out;
        }
        if ((csv && (rc = csv_table(ctx, csv, scenario, &src)) != DP_OK) ||
            (x && (rc = xlsx_table(ctx, x, scenario, one_scenario, &src)) != DP_OK)) {
            goto out;
        }
    }
    if (csv) {
        rc = csv_provenance(ctx, csv, scenario, info, opt->path, opt->command_line, exported_utc);
    }
out:
    dp_results_free(summ);
    dp_results_free(res);
    return rc;
}

/* Parses the arguments; returns -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, options *opt)
{
    static const struct option opts[] = {
        {"csv", required_argument, NULL, 'c'},      {"xlsx", required_argument, NULL, 'x'},
        {"scenario", required_argument, NULL, 's'}, {"table", required_argument, NULL, 't'},
        {"stat", required_argument, NULL, 'S'},     {"runs", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    int c;
    /* Joined before getopt_long, which reorders argv. */
    opt->command_line = join_argv(argc, argv);
    if (!opt->command_line) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'c':
            opt->csv_dir = optarg;
            break;
        case 'x':
            opt->xlsx = optarg;
            break;
        case 's':
            bad = strlist_add(&opt->scenario, optarg);
            break;
        case 't':
            bad = strlist_add(&opt->table, optarg);
            break;
        case 'S':
            bad = strlist_add(&opt->stat, optarg);
            break;
        case 'r':
            opt->runs = 1;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("export", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (bad < 0) {
            fprintf(stderr, "dpsim: out of memory\n");
            return EXIT_INTERNAL;
        }
        if (bad > 0) {
            return cli_usage_error("export", "--%s '%s': an empty name in the list",
                                   c == 's' ? "scenario" : (c == 't' ? "table" : "stat"), optarg);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("export", "expects exactly one results file");
    }
    opt->path = argv[optind];
    if (!opt->csv_dir && !opt->xlsx) {
        return cli_usage_error("export", "give --csv DIR and/or --xlsx FILE");
    }
    if (opt->csv_dir && opt->csv_dir[0] == '\0') {
        return cli_usage_error("export", "--csv expects a folder name");
    }
    if (opt->stat.n > 1 && strlist_find(&opt->stat, "all") != (size_t)-1) {
        return cli_usage_error("export", "--stat all cannot be combined with other statistics");
    }
    if (opt->stat.n > DP_MAX_AXES) {
        return cli_usage_error("export", "--stat: at most %d statistics", DP_MAX_AXES);
    }
    return -1;
}

int
cmd_export(int argc, char **argv)
{
    options opt = {0};
    dp_ctx *ctx = NULL;
    char **names = NULL;
    size_t n_names = 0;
    char **scen = NULL;
    size_t n_scen = 0;
    dp_output_info **info = NULL;
    int *found = NULL;
    csv_out csv = {0};
    xlsx_out x = {0};
    strlist seen = {NULL, 0};
    char exported_utc[32];
    dp_status rc = DP_OK;
    int code = parse_args(argc, argv, &opt);

    if (code >= 0) {
        goto out;
    }
    code = EXIT_OK;
    ctx = dp_ctx_alloc();
    if (!ctx) {
        fprintf(stderr, "dpsim: out of memory\n");
        code = EXIT_INTERNAL;
        goto out;
    }
    utc_now(exported_utc, sizeof exported_utc);
    if ((rc = dp_output_scenarios(ctx, opt.path, &names, &n_names)) != DP_OK) {
        goto out;
    }
    /* The scenarios to export, in the file's order; every --scenario must be in the file. */
    scen = calloc(n_names ? n_names : 1, sizeof *scen);
    info = calloc(n_names ? n_names : 1, sizeof *info);
    found = calloc(opt.table.n ? opt.table.n : 1, sizeof *found);
    if (!scen || !info || !found) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < opt.scenario.n; i++) {
        size_t k = 0;
        while (k < n_names && strcmp(names[k], opt.scenario.item[i]) != 0) {
            k++;
        }
        if (k == n_names) {
            char have[512] = "";
            for (size_t j = 0; j < n_names; j++) {
                size_t len = strlen(have);
                snprintf(have + len, sizeof have - len, "%s%s", j ? ", " : "", names[j]);
            }
            rc = dp_error(ctx, DP_EINPUT, "%s: no scenario '%s' (the file has: %s)", opt.path,
                          opt.scenario.item[i], have);
            goto out;
        }
    }
    for (size_t k = 0; k < n_names; k++) {
        if (!opt.scenario.n || strlist_find(&opt.scenario, names[k]) != (size_t)-1) {
            scen[n_scen++] = names[k];
        }
    }
    if (n_scen == 0) {
        rc = dp_error(ctx, DP_EINPUT, "%s: the file holds no scenario", opt.path);
        goto out;
    }
    for (size_t s = 0; s < n_scen; s++) {
        if ((rc = dp_output_read_info(ctx, opt.path, scen[s], &info[s])) != DP_OK) {
            goto out;
        }
    }
    csv.dir = opt.csv_dir;
    if (opt.xlsx) {
        lxw_worksheet *ws = NULL;
        char name[32 * 4];
        if ((rc = xlsx_open(ctx, opt.xlsx, &x)) != DP_OK ||
            (rc = xlsx_add_sheet(ctx, &x, "contents", &ws, name)) != DP_OK) {
            goto out;
        }
        x.contents = ws;
    }
    for (size_t s = 0; s < n_scen; s++) {
        if ((rc = export_scenario(ctx, &opt, scen[s], n_scen == 1, opt.csv_dir ? &csv : NULL,
                                  opt.xlsx ? &x : NULL, info[s], found, &seen, exported_utc)) !=
            DP_OK) {
            goto out;
        }
    }
    for (size_t i = 0; i < opt.table.n; i++) {
        if (!found[i]) {
            char have[1024] = "";
            for (size_t j = 0; j < seen.n; j++) {
                size_t len = strlen(have);
                snprintf(have + len, sizeof have - len, "%s%s", j ? ", " : "", seen.item[j]);
            }
            rc = dp_error(ctx, DP_EINPUT, "%s: no table '%s' (the file has: %s)", opt.path,
                          opt.table.item[i], have);
            goto out;
        }
    }
    if (opt.xlsx &&
        ((rc = xlsx_provenance(ctx, &x, scen, info, n_scen, opt.path, opt.command_line,
                               exported_utc)) != DP_OK ||
         (rc = xlsx_contents(ctx, &x)) != DP_OK || (rc = xlsx_finish(ctx, &x)) != DP_OK)) {
        goto out;
    }
    /* Everything is written: only renames are left. */
    if (opt.csv_dir && (rc = csv_commit(ctx, &csv)) != DP_OK) {
        goto out;
    }
    if (opt.xlsx) {
        rc = xlsx_rename(ctx, &x);
    }
out:
    if (rc != DP_OK) {
        csv_discard(&csv);
        code = cli_fail(ctx, rc);
    }
    xlsx_free(&x);
    csv_free(&csv);
    for (size_t s = 0; s < n_scen; s++) {
        dp_output_info_free(info[s]);
    }
    free(info);
    free(scen);
    free(found);
    dp_output_names_free(names, n_names);
    dp_ctx_free(ctx);
    strlist_free(&opt.scenario);
    strlist_free(&opt.table);
    strlist_free(&opt.stat);
    strlist_free(&seen);
    free(opt.command_line);
    return code;
}
