/* model/core/csv.c
 *
 * The data-table reader declared in csv.h. The whole file is read into one buffer and split in a
 * single pass; fields are decoded in place (a decoded field plus its terminating NUL never needs
 * more bytes than its raw text plus the delimiter that follows it), so a table costs one
 * allocation for the text and one growing array of field records. Tables here are a few
 * kilobytes; the reader is not meant for large data.
 */
#include "core/csv.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *text; /**< decoded, NUL-terminated, inside dp_csv.buf */
    int line;         /**< 1-based line of the field's first character */
    int col;          /**< 1-based byte column of the field's first character */
} csv_field;

struct dp_csv {
    char *path;       /**< copy of the path */
    char *buf;        /**< file text, decoded in place */
    char *comment;    /**< leading comment lines, '#' stripped, joined by '\n' */
    size_t n_cols;    /**< fields per record (header's count) */
    size_t n_rows;    /**< data records */
    size_t n_field;   /**< fields stored: header first, then rows */
    size_t cap_field; /**< allocated field records */
    csv_field *field; /**< [1 + n_rows][n_cols] */
};

/* Parser state: the buffer, the read position and the line bookkeeping for columns. */
typedef struct {
    char *p;                /**< read position */
    char *end;              /**< one past the last byte of text */
    const char *line_start; /**< first byte of the current line */
    int line;               /**< current line, 1-based */
} csv_cursor;

static int
cursor_col(const csv_cursor *c, const char *at)
{
    return (int)(at - c->line_start) + 1;
}

static int
is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static dp_status
push_field(dp_ctx *ctx, dp_csv *csv, const char *text, int line, int col)
{
    if (csv->n_field == csv->cap_field) {
        size_t new_cap = csv->cap_field ? 2 * csv->cap_field : 64;
        csv_field *nf = realloc(csv->field, new_cap * sizeof *nf);
        if (!nf) {
            return dp_error(ctx, DP_ENOMEM, "%s: out of memory", csv->path);
        }
        csv->field = nf;
        csv->cap_field = new_cap;
    }
    csv->field[csv->n_field].text = text;
    csv->field[csv->n_field].line = line;
    csv->field[csv->n_field].col = col;
    csv->n_field++;
    return DP_OK;
}

/* Appends one comment line (without '#') to csv->comment. */
static dp_status
push_comment(dp_ctx *ctx, dp_csv *csv, const char *from, const char *to)
{
    size_t old = csv->comment ? strlen(csv->comment) : 0;
    size_t add = (size_t)(to - from);
    char *nc = realloc(csv->comment, old + add + 2);
    if (!nc) {
        return dp_error(ctx, DP_ENOMEM, "%s: out of memory", csv->path);
    }
    csv->comment = nc;
    if (old) {
        nc[old++] = '\n';
    }
    memcpy(nc + old, from, add);
    nc[old + add] = '\0';
    return DP_OK;
}

/* Advances past the end of the current line (after '\n', or to the end of the text). */
static void
skip_line(csv_cursor *c)
{
    while (c->p < c->end && *c->p != '\n') {
        c->p++;
    }
    if (c->p < c->end) {
        c->p++;
        c->line++;
        c->line_start = c->p;
    }
}

/* Parses one field at c->p. On return *term is ',' (another field follows), '\n' (end of
 * record) or '\0' (end of text), and the cursor stands after the terminator. */
static dp_status
parse_field(dp_ctx *ctx, dp_csv *csv, csv_cursor *c, char *term)
{
    while (c->p < c->end && is_blank(*c->p)) {
        c->p++;
    }
    char *start = c->p;
    int line = c->line;
    int col = cursor_col(c, start);

    if (c->p < c->end && *c->p == '"') {
        char *w = start;
        c->p++;
        for (;;) {
            if (c->p >= c->end) {
                return dp_error(ctx, DP_EINPUT, "%s:%d:%d: unterminated quoted field", csv->path,
                                line, col);
            }
            char ch = *c->p;
            if (ch == '"') {
                if (c->p + 1 < c->end && c->p[1] == '"') {
                    *w++ = '"';
                    c->p += 2;
                    continue;
                }
                c->p++;
                break;
            }
            if (ch == '\n') {
                c->line++;
                c->line_start = c->p + 1;
            }
            *w++ = ch;
            c->p++;
        }
        while (c->p < c->end && is_blank(*c->p)) {
            c->p++;
        }
        if (c->p < c->end && *c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n') {
            c->p++;
        }
        if (c->p < c->end && *c->p != ',' && *c->p != '\n') {
            return dp_error(ctx, DP_EINPUT,
                            "%s:%d:%d: expected ',' or end of line after a quoted field", csv->path,
                            c->line, cursor_col(c, c->p));
        }
        *term = c->p < c->end ? *c->p : '\0';
        *w = '\0'; /* w is at most at the closing quote's position */
    } else {
        while (c->p < c->end && *c->p != ',' && *c->p != '\n') {
            c->p++;
        }
        char *stop = c->p;
        *term = c->p < c->end ? *c->p : '\0';
        while (stop > start && (is_blank(stop[-1]) || stop[-1] == '\r')) {
            stop--;
        }
        *stop = '\0'; /* overwrites the terminator or a trailing blank, or buf[len] */
    }
    if (*term == '\n') {
        c->p++;
        c->line++;
        c->line_start = c->p;
    } else if (*term == ',') {
        c->p++;
    }
    return push_field(ctx, csv, start, line, col);
}

/* True when the line at c->p holds only blanks (and possibly '\r'). */
static int
line_is_blank(const csv_cursor *c)
{
    const char *q = c->p;
    while (q < c->end && (is_blank(*q) || *q == '\r')) {
        q++;
    }
    return q >= c->end || *q == '\n';
}

static dp_status
parse(dp_ctx *ctx, dp_csv *csv, size_t len)
{
    dp_status rc = DP_OK;
    csv_cursor c = {csv->buf, csv->buf + len, csv->buf, 1};
    int have_header = 0;

    if (len >= 3 && (unsigned char)c.p[0] == 0xEF && (unsigned char)c.p[1] == 0xBB &&
        (unsigned char)c.p[2] == 0xBF) {
        c.p += 3; /* UTF-8 byte-order mark */
        c.line_start = c.p;
    }
    while (c.p < c.end) {
        if (*c.p == '#') {
            if (!have_header) {
                const char *from = c.p + 1;
                const char *to = from;
                while (to < c.end && *to != '\n') {
                    to++;
                }
                while (to > from && (to[-1] == '\r' || is_blank(to[-1]))) {
                    to--;
                }
                while (from < to && is_blank(*from)) {
                    from++;
                }
                if ((rc = push_comment(ctx, csv, from, to)) != DP_OK) {
                    return rc;
                }
            }
            skip_line(&c);
            continue;
        }
        if (line_is_blank(&c)) {
            skip_line(&c);
            continue;
        }
        int rec_line = c.line;
        size_t first = csv->n_field;
        char term = ',';
        while (term == ',') {
            if ((rc = parse_field(ctx, csv, &c, &term)) != DP_OK) {
                return rc;
            }
        }
        size_t count = csv->n_field - first;
        if (!have_header) {
            csv->n_cols = count;
            have_header = 1;
            for (size_t col = 0; col < count; col++) {
                const csv_field *h = &csv->field[col];
                if (h->text[0] == '\0') {
                    return dp_error(ctx, DP_EINPUT, "%s:%d:%d: empty column name in the header",
                                    csv->path, h->line, h->col);
                }
                for (size_t prev = 0; prev < col; prev++) {
                    if (strcmp(csv->field[prev].text, h->text) == 0) {
                        return dp_error(ctx, DP_EINPUT, "%s:%d:%d: duplicate column '%s'",
                                        csv->path, h->line, h->col, h->text);
                    }
                }
            }
        } else if (count != csv->n_cols) {
            const csv_field *bad =
                &csv->field[first + (count < csv->n_cols ? count - 1 : csv->n_cols)];
            return dp_error(ctx, DP_EINPUT,
                            "%s:%d:%d: expected %zu fields as in the header, found %zu", csv->path,
                            rec_line, bad->col, csv->n_cols, count);
        } else {
            csv->n_rows++;
        }
    }
    if (!have_header) {
        return dp_error(ctx, DP_EINPUT, "%s:%d:1: no header row", csv->path, c.line);
    }
    return DP_OK;
}

dp_status
dp_csv_load(dp_ctx *ctx, const char *path, dp_csv **out)
{
    dp_status rc = DP_OK;
    dp_csv *csv = calloc(1, sizeof *csv);
    size_t len = 0;

    *out = NULL;
    if (!csv) {
        return dp_error(ctx, DP_ENOMEM, "%s: out of memory", path);
    }
    csv->path = dp_strdup(path);
    if (!csv->path) {
        rc = dp_error(ctx, DP_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    if ((rc = dp_file_read(ctx, path, (size_t)64 << 20, &csv->buf, &len)) != DP_OK) {
        goto out;
    }
    if ((rc = parse(ctx, csv, len)) != DP_OK) {
        goto out;
    }
    *out = csv;
    csv = NULL;
out:
    dp_csv_free(csv);
    return rc;
}

void
dp_csv_free(dp_csv *csv)
{
    if (!csv) {
        return;
    }
    free(csv->path);
    free(csv->buf);
    free(csv->comment);
    free(csv->field);
    free(csv);
}

const char *
dp_csv_path(const dp_csv *csv)
{
    return csv->path;
}

const char *
dp_csv_comment(const dp_csv *csv)
{
    return csv->comment ? csv->comment : "";
}

size_t
dp_csv_n_rows(const dp_csv *csv)
{
    return csv->n_rows;
}

size_t
dp_csv_n_cols(const dp_csv *csv)
{
    return csv->n_cols;
}

dp_status
dp_csv_col(dp_ctx *ctx, const dp_csv *csv, const char *name, size_t *col)
{
    for (size_t c = 0; c < csv->n_cols; c++) {
        if (strcmp(csv->field[c].text, name) == 0) {
            *col = c;
            return DP_OK;
        }
    }
    return dp_error(ctx, DP_EINPUT, "%s:%d:%d: missing column '%s' in the header", csv->path,
                    csv->field[0].line, csv->field[0].col, name);
}

static const csv_field *
field_at(const dp_csv *csv, size_t row, size_t col)
{
    return &csv->field[(row + 1) * csv->n_cols + col];
}

const char *
dp_csv_field(const dp_csv *csv, size_t row, size_t col)
{
    return field_at(csv, row, col)->text;
}

int
dp_csv_line(const dp_csv *csv, size_t row, size_t col)
{
    return field_at(csv, row, col)->line;
}

int
dp_csv_column(const dp_csv *csv, size_t row, size_t col)
{
    return field_at(csv, row, col)->col;
}

dp_status
dp_csv_double(dp_ctx *ctx, const dp_csv *csv, size_t row, size_t col, double *result)
{
    const char *s = dp_csv_field(csv, row, col);
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        return dp_csv_error(ctx, csv, row, col, "column '%s': expected a number, found '%s'",
                            csv->field[col].text, s);
    }
    *result = v;
    return DP_OK;
}

size_t
dp_csv_find(const dp_csv *csv, size_t col, const char *value, size_t from)
{
    for (size_t row = from; row < csv->n_rows; row++) {
        if (strcmp(dp_csv_field(csv, row, col), value) == 0) {
            return row;
        }
    }
    return csv->n_rows;
}

dp_status
dp_csv_error(dp_ctx *ctx, const dp_csv *csv, size_t row, size_t col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const csv_field *f = field_at(csv, row, col);
    return dp_error(ctx, DP_EINPUT, "%s:%d:%d: %s", csv->path, f->line, f->col, msg);
}
