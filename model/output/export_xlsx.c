/* model/output/export_xlsx.c
 *
 * The Excel writer of an export (docs/export.md), with libxlsxwriter in its constant-memory
 * mode: a contents sheet first, one sheet per (scenario, table) laid out by the tidy table
 * model (export_table.c), a provenance sheet last; yuan shown in 万元, shares as percentages.
 * Built into libdpsim_xlsx.a, not libdpsim.a, so that only a program that writes workbooks
 * links libxlsxwriter (output/export_xlsx.h).
 *
 * Invariants: the workbook is written as ".<name>.tmp.<pid>" next to FILE (created at open, so
 * an unwritable folder is reported before any work) and renamed over FILE only by commit;
 * free removes the temporary file of a workbook not renamed.
 */
#include "output/export_xlsx.h"
#include "core/outpath.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "output/export_impl.h"

/* The largest Excel sheet: 1,048,576 rows and 16,384 columns (libxlsxwriter's limits). */
#define XLSX_MAX_ROWS ((size_t)LXW_ROW_MAX)
#define XLSX_MAX_COLS ((size_t)LXW_COL_MAX)
/* Longest text an Excel cell holds, in bytes we allow (Excel counts 32,767 characters). */
#define XLSX_MAX_TEXT 32767

/* Spreadsheet width of UTF-8 text: CJK characters count two, others one. */
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

typedef struct {
    dp_export_writer w; /**< first: the writer interface */
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

static dp_status
xlsx_start(dp_ctx *ctx, const char *path, xlsx_out *x)
{
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    const char *slash = strrchr(path, '/');
    int fd = -1;

    if (path[0] == '\0' || (slash && slash[1] == '\0')) {
        return dp_error(ctx, DP_EINPUT, "--xlsx '%s': a file name is required", path);
    }
    x->final = malloc(strlen(path) + 1);
    x->tmp = dp_export_temp_name(path);
    if (!x->final || !x->tmp) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    strcpy(x->final, path);
    /* Create the temporary file now, so an unwritable folder is reported before any work;
     * libxlsxwriter rewrites it when the workbook is closed. */
    dp_outpath_clean_stale(path); /* temporaries of killed earlier exports to this name */
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
xlsx_table(dp_ctx *ctx, dp_export_writer *w, const char *scenario, int one_scenario,
           const dp_export_table *src)
{
    xlsx_out *x = (xlsx_out *)w;
    dp_status rc = DP_OK;
    const dp_table *t = src->t;
    dp_export_column *col = NULL;
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
    if ((rc = dp_export_columns(ctx, src, DP_EXPORT_XLSX, &col, &n_col)) != DP_OK) {
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
        size_t width = text_width(col[c].head) + 2;
        if (col[c].kind == DP_COL_AXIS || col[c].kind == DP_COL_AXIS_ZH) {
            n_axis_col++;
        }
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                             (double)(width < 10 ? 10 : (width > 40 ? 40 : width)), NULL);
    }
    worksheet_freeze_panes(ws, 2, (lxw_col_t)n_axis_col);
    for (size_t c = 0; c < n_col && rc == DP_OK; c++) {
        rc = xlsx_text(ctx, x, ws, 0, c, col[c].head, x->bold);
    }
    for (size_t c = 0; c < n_col && rc == DP_OK; c++) {
        rc = xlsx_text(ctx, x, ws, 1, c, col[c].unit, x->italic);
    }
    for (size_t i = 0; i < t->size && rc == DP_OK; i++) {
        dp_export_element_index(src->res, t, i, idx);
        for (size_t c = 0; c < n_col && rc == DP_OK; c++) {
            const dp_export_column *cc = &col[c];
            if (cc->kind == DP_COL_AXIS || cc->kind == DP_COL_AXIS_ZH) {
                const dp_axis *a = &src->res->axis[t->axis[cc->k]];
                size_t j = idx[cc->k];
                if (cc->kind == DP_COL_AXIS_ZH) {
                    rc = xlsx_text(ctx, x, ws, i + 2, c, a->label_zh[j], NULL);
                } else if (a->value && label_is_number(a->label[j], a->value[j])) {
                    rc = xlsx_number(ctx, x, ws, i + 2, c, a->value[j], NULL);
                } else {
                    rc = xlsx_text(ctx, x, ws, i + 2, c, a->label[j], NULL);
                }
            } else {
                rc = xlsx_number(ctx, x, ws, i + 2, c, dp_export_cell(src, cc, i),
                                 xlsx_format(x, cc->xlsx_fmt));
            }
        }
    }
    if (rc != DP_OK) {
        goto out;
    }
    snprintf(rows, sizeof rows, "%zu", t->size);
    {
        /* The unit as the sheet shows it (amount and budget stay in yuan, not 万元). */
        dp_export_unit u = dp_export_table_unit(src->res, t);
        const char *v[7] = {name,      scenario,    t->name, t->title, t->title_zh,
                            u.wan ? dp_export_wan_label : u.label, rows};
        rc = xlsx_entry(ctx, x, v);
    }
out:
    free(col);
    return rc;
}

/* The provenance sheet: file rows, then each scenario's rows and its text, one line a row. */
static dp_status
xlsx_provenance(dp_ctx *ctx, xlsx_out *x, const dp_export_prov *p)
{
    char *const *scen = p->scen;
    dp_output_info *const *info = p->info;
    size_t n_scen = p->n_scen;
    dp_status rc = DP_OK;
    lxw_worksheet *ws = NULL;
    char name[32 * 4];
    size_t max = 64;
    size_t row_at = 1;
    dp_export_prov_row *row = NULL;

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
        size_t n = s == 0 ? dp_export_prov_file(p, info[0], row, max)
                          : dp_export_prov_scenario(scen[s - 1], info[s - 1], row, max);
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
            const char *at = info[s - 1]->scenario_yaml;
            while (*at && rc == DP_OK) {
                const char *nl = strchr(at, '\n');
                size_t len = nl ? (size_t)(nl - at) : strlen(at);
                char *line = malloc(len + 1);
                if (!line) {
                    rc = dp_error(ctx, DP_ENOMEM, "out of memory");
                    break;
                }
                memcpy(line, at, len);
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
                at = nl ? nl + 1 : at + len;
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

/* Writes the provenance and contents sheets, then the workbook to its temporary name, and
 * flushes it to disk. */
static dp_status
xlsx_finish(dp_ctx *ctx, dp_export_writer *w, const dp_export_prov *p)
{
    xlsx_out *x = (xlsx_out *)w;
    dp_status rc = DP_OK;
    if ((rc = xlsx_provenance(ctx, x, p)) != DP_OK || (rc = xlsx_contents(ctx, x)) != DP_OK) {
        return rc;
    }
    errno = 0;
    lxw_error err = workbook_close(x->wb);
    int saved = errno;
    x->wb = NULL;
    if (err != LXW_NO_ERROR && (saved == ENOSPC || saved == EDQUOT)) {
        return dp_error(ctx, DP_EIO,
                        "%s: the file system is full (no space left on device) while writing "
                        "the workbook; the partial file is removed and an existing file of that "
                        "name is untouched: free some space or write elsewhere",
                        x->final);
    }
    if (err != LXW_NO_ERROR) {
        return lxw_fail(ctx, x, err, "writing the workbook");
    }
    int fd = open(x->tmp, O_RDONLY);
    if (fd < 0 || fdatasync(fd) != 0) {
        saved = errno;
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
xlsx_rename(dp_ctx *ctx, dp_export_writer *w)
{
    xlsx_out *x = (xlsx_out *)w;
    const char *why = "";
    if (!dp_outpath_replaceable(x->final, &why)) {
        return dp_error(ctx, DP_EINPUT,
                        "the workbook '%s' is %s, not a regular file; nothing was written",
                        x->final, why);
    }
    if (rename(x->tmp, x->final) != 0) {
        return dp_error(ctx, DP_EIO, "cannot rename '%s' to '%s': %s", x->tmp, x->final,
                        strerror(errno));
    }
    x->tmp_exists = 0;
    return DP_OK;
}

/* Frees x; a workbook not committed is discarded with its temporary file. */
static void
xlsx_free(dp_export_writer *w)
{
    xlsx_out *x = (xlsx_out *)w;
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
    free(x);
}

/* Nothing to do before free: free removes the temporary file of a workbook not renamed. */
static void
xlsx_discard(dp_export_writer *w)
{
    (void)w;
}

dp_status
dp_export_xlsx_open(dp_ctx *ctx, const char *path, dp_export_writer **out)
{
    dp_status rc = DP_OK;
    lxw_worksheet *ws = NULL;
    char name[32 * 4];
    xlsx_out *x = calloc(1, sizeof *x);

    *out = NULL;
    if (!x) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    x->w = (dp_export_writer){xlsx_table, NULL, xlsx_finish, xlsx_rename, xlsx_discard, xlsx_free};
    if ((rc = xlsx_start(ctx, path, x)) != DP_OK ||
        (rc = xlsx_add_sheet(ctx, x, "contents", &ws, name)) != DP_OK) {
        xlsx_free(&x->w);
        return rc;
    }
    x->contents = ws;
    *out = &x->w;
    return DP_OK;
}
