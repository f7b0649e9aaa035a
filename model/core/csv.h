/* model/core/csv.h
 *
 * Private: a small reader for the project's sourced data tables (the CSV files in
 * data/reference/). A file is read whole into memory and split into fields once; lookups
 * afterwards are by row index and column name. Format: comma-separated; a field may be quoted with
 * '"' (and then holds commas, newlines and doubled quotes ""); lines starting with '#' before or
 * between records are comments (the first ones name the source and are kept); blank lines are
 * skipped; the first record is the header; every record must have as many fields as the header.
 * Unquoted fields are trimmed of surrounding blanks. Every field remembers its line and column, so
 * a bad value is reported as "file:line:col: message" (DP_EINPUT). Not thread-safe while loading;
 * read-only afterwards.
 */
#ifndef DPSIM_CSV_H
#define DPSIM_CSV_H

#include <stddef.h>

#include "core/ctx.h"

typedef struct dp_csv dp_csv;

/* Reads and splits the file at path. On success *out owns the table (free with dp_csv_free).
 * Errors: DP_EIO (cannot open/read), DP_EINPUT (syntax: unterminated quote, text after a closing
 * quote, wrong field count, no header), DP_ENOMEM. */
dp_status dp_csv_load(dp_ctx *ctx, const char *path, dp_csv **out);
/* Frees csv; NULL is a no-op. */
void dp_csv_free(dp_csv *csv);

/* The path the table was read from. Borrowed. */
const char *dp_csv_path(const dp_csv *csv);
/* The comment lines before the header, without their leading '#', joined by '\n' ("" if none).
 * Borrowed. */
const char *dp_csv_comment(const dp_csv *csv);
/* Number of data records (the header is not counted) and of columns. */
size_t dp_csv_n_rows(const dp_csv *csv);
size_t dp_csv_n_cols(const dp_csv *csv);

/* Index of the column whose header is name (exact match) in *col. DP_EINPUT naming the header's
 * file:line:col when there is none. */
dp_status dp_csv_col(dp_ctx *ctx, const dp_csv *csv, const char *name, size_t *col);
/* Field text of (row, col); never NULL. Borrowed; row < n_rows, col < n_cols. */
const char *dp_csv_field(const dp_csv *csv, size_t row, size_t col);
/* Line and column (1-based, in bytes) where field (row, col) starts in the file. */
int dp_csv_line(const dp_csv *csv, size_t row, size_t col);
int dp_csv_column(const dp_csv *csv, size_t row, size_t col);
/* Field (row, col) as a finite double in *result; DP_EINPUT "file:line:col: column 'name':
 * expected a number, found '...'" otherwise (empty fields included). */
dp_status dp_csv_double(dp_ctx *ctx, const dp_csv *csv, size_t row, size_t col, double *result);
/* First row >= from whose field in col equals value, or n_rows when none. */
size_t dp_csv_find(const dp_csv *csv, size_t col, const char *value, size_t from);
/* Records DP_EINPUT with the message "file:line:col: " + fmt for field (row, col). */
dp_status dp_csv_error(dp_ctx *ctx, const dp_csv *csv, size_t row, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
