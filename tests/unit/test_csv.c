/* tests/unit/test_csv.c
 *
 * Unit tests of the private CSV reader (model/core/csv.h): quoting, comments, blank lines, CRLF,
 * lookups by column name, numbers, and the file:line:col messages of every input error. Each
 * test writes its table to a temporary file; expected positions are counted by hand from the
 * literal text in the test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/csv.h"
#include "dp_test.h"
#include "core/ctx.h"

typedef struct {
    dp_ctx *ctx;
    char path[64];
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) {
        return -1;
    }
    f->ctx = dp_ctx_alloc();
    if (!f->ctx) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Writes text to a fresh temporary file whose name goes to f->path. */
static void
write_tmp(fixture *f, const char *text)
{
    strcpy(f->path, "/tmp/dpsim_test_csv_XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

/* Loads text through a temporary file; returns the status, *csv owns the table on success. */
static dp_status
load_text(fixture *f, const char *text, dp_csv **csv)
{
    write_tmp(f, text);
    dp_status rc = dp_csv_load(f->ctx, f->path, csv);
    unlink(f->path);
    return rc;
}

/* The message must start with "<path>:" followed by suffix_start. */
static void
assert_msg(const fixture *f, const char *suffix_start)
{
    const char *msg = dp_ctx_errmsg(f->ctx);
    size_t n = strlen(f->path);
    if (strncmp(msg, f->path, n) != 0 || msg[n] != ':' ||
        strncmp(msg + n + 1, suffix_start, strlen(suffix_start)) != 0) {
        fail_msg("message '%s' does not start with '%s:%s'", msg, f->path, suffix_start);
    }
}

static void
test_csv_quoted_fields(void **state)
{
    fixture *f = *state;
    dp_csv *csv = NULL;
    size_t c_name = 0;
    size_t c_note = 0;
    /* Row 1: a quoted field with commas; row 2: doubled quotes; row 3: a newline in quotes. */
    const char *text = "name,value,note\n"
                       "\"Da'an, Jilin\",2.385,\"a, b, c\"\n"
                       "plain,1,\"say \"\"hi\"\"\"\n"
                       "multi,3,\"line one\nline two\"\n"
                       "after,4,x\n";
    assert_int_equal(load_text(f, text, &csv), DP_OK);
    assert_int_equal(dp_csv_n_rows(csv), 4);
    assert_int_equal(dp_csv_n_cols(csv), 3);
    assert_int_equal(dp_csv_col(f->ctx, csv, "name", &c_name), DP_OK);
    assert_int_equal(dp_csv_col(f->ctx, csv, "note", &c_note), DP_OK);
    assert_int_equal(c_name, 0);
    assert_int_equal(c_note, 2);
    assert_string_equal(dp_csv_field(csv, 0, c_name), "Da'an, Jilin");
    assert_string_equal(dp_csv_field(csv, 0, c_note), "a, b, c");
    assert_string_equal(dp_csv_field(csv, 1, c_note), "say \"hi\"");
    assert_string_equal(dp_csv_field(csv, 2, c_note), "line one\nline two");
    /* The record after the two-line field starts on line 6 (header 1, rows on 2, 3, 4-5, 6). */
    assert_int_equal(dp_csv_line(csv, 3, 0), 6);
    assert_string_equal(dp_csv_field(csv, 3, 0), "after");
    /* "Da'an, Jilin" is quoted: the field starts at the opening quote, column 1; 2.385 starts
     * after 14 characters of quoted name and a comma, at column 16. */
    assert_int_equal(dp_csv_column(csv, 0, 1), 16);
    double v = 0.0;
    assert_int_equal(dp_csv_double(f->ctx, csv, 0, 1, &v), DP_OK);
    assert_close(v, 2.385, 0.0, 0.0); /* literal in the text */
    dp_csv_free(csv);
}

static void
test_csv_comments_blank_lines_crlf(void **state)
{
    fixture *f = *state;
    dp_csv *csv = NULL;
    size_t c = 0;
    /* Two leading comments, a blank line, CRLF endings, a comment between records, blanks
     * around unquoted fields. */
    const char *text = "# Source: a test table\r\n"
                       "#   second comment line  \r\n"
                       "\r\n"
                       "key , amount\r\n"
                       "a, 1.5 \r\n"
                       "# between records\r\n"
                       "   \r\n"
                       "b,-2e-3\r\n";
    assert_int_equal(load_text(f, text, &csv), DP_OK);
    assert_string_equal(dp_csv_comment(csv), "Source: a test table\nsecond comment line");
    assert_int_equal(dp_csv_n_rows(csv), 2);
    assert_int_equal(dp_csv_col(f->ctx, csv, "amount", &c), DP_OK);
    assert_int_equal(c, 1);
    assert_string_equal(dp_csv_field(csv, 0, 0), "a");
    assert_string_equal(dp_csv_field(csv, 1, 0), "b");
    assert_int_equal(dp_csv_line(csv, 1, 0), 8); /* counted in the literal above */
    double v = 0.0;
    assert_int_equal(dp_csv_double(f->ctx, csv, 0, c, &v), DP_OK);
    assert_close(v, 1.5, 0.0, 0.0);
    assert_int_equal(dp_csv_double(f->ctx, csv, 1, c, &v), DP_OK);
    assert_close(v, -0.002, 1e-15, 0.0);
    assert_int_equal(dp_csv_find(csv, 0, "b", 0), 1);
    assert_int_equal(dp_csv_find(csv, 0, "b", 2), 2);  /* from past the end: n_rows */
    assert_int_equal(dp_csv_find(csv, 0, "zz", 0), 2); /* absent: n_rows */
    dp_csv_free(csv);
}

static void
test_csv_missing_column_names_file_and_line(void **state)
{
    fixture *f = *state;
    dp_csv *csv = NULL;
    size_t c = 0;
    const char *text = "# comment\nperiod,sex\n2015-2020,male\n";
    assert_int_equal(load_text(f, text, &csv), DP_OK);
    assert_int_equal(dp_csv_col(f->ctx, csv, "mx_quoted", &c), DP_EINPUT);
    /* The header is on line 2, starting at column 1. */
    assert_msg(f, "2:1: missing column 'mx_quoted'");
    dp_csv_free(csv);
}

static void
test_csv_bad_number_names_line_and_column(void **state)
{
    fixture *f = *state;
    dp_csv *csv = NULL;
    double v = 0.0;
    const char *text = "a,b,c\n1,2,3\n4,5x,6\n7,,9\n";
    assert_int_equal(load_text(f, text, &csv), DP_OK);
    assert_int_equal(dp_csv_double(f->ctx, csv, 1, 1, &v), DP_EINPUT);
    /* "5x" is on line 3 after "4,": column 3. */
    assert_msg(f, "3:3: column 'b': expected a number, found '5x'");
    assert_int_equal(dp_csv_double(f->ctx, csv, 2, 1, &v), DP_EINPUT);
    assert_msg(f, "4:3: column 'b': expected a number, found ''");
    dp_csv_free(csv);
}

static void
test_csv_wrong_field_count(void **state)
{
    fixture *f = *state;
    dp_csv *csv = NULL;
    assert_int_equal(load_text(f, "a,b,c\n1,2,3\n1,2\n", &csv), DP_EINPUT);
    assert_null(csv);
    assert_msg(f, "3:3: expected 3 fields as in the header, found 2");
    assert_int_equal(load_text(f, "a,b\n1,2,3\n", &csv), DP_EINPUT);
    assert_msg(f, "2:5: expected 2 fields as in the header, found 3");
}

static void
test_csv_quote_errors(void **state)
{
    fixture *f = *state;
    dp_csv *csv = NULL;
    /* Opening quote on line 2, column 3, never closed. */
    assert_int_equal(load_text(f, "a,b\n1,\"open\n", &csv), DP_EINPUT);
    assert_msg(f, "2:3: unterminated quoted field");
    /* Text after the closing quote: "yz" starts at line 2, column 6. */
    assert_int_equal(load_text(f, "a,b\n1,\"x\"yz\n", &csv), DP_EINPUT);
    assert_msg(f, "2:6: expected ',' or end of line after a quoted field");
}

static void
test_csv_header_errors(void **state)
{
    fixture *f = *state;
    dp_csv *csv = NULL;
    assert_int_equal(load_text(f, "# only a comment\n\n", &csv), DP_EINPUT);
    assert_msg(f, "3:1: no header row");
    assert_int_equal(load_text(f, "a,b,a\n", &csv), DP_EINPUT);
    assert_msg(f, "1:5: duplicate column 'a'");
    assert_int_equal(load_text(f, "a,,c\n", &csv), DP_EINPUT);
    assert_msg(f, "1:3: empty column name in the header");
}

static void
test_csv_missing_file(void **state)
{
    fixture *f = *state;
    dp_csv *csv = NULL;
    strcpy(f->path, "/nonexistent/dpsim/table.csv");
    /* A missing data file is bad input (exit status 2), as for scenario files (util.c). */
    assert_int_equal(dp_csv_load(f->ctx, f->path, &csv), DP_EINPUT);
    assert_null(csv);
    assert_msg(f, " cannot open");
}

static void
test_csv_reads_reference_file(void **state)
{
    fixture *f = *state;
    dp_csv *csv = NULL;
    char path[512];
    size_t c = 0;
    snprintf(path, sizeof path, "%s/reference/survey2006_national_structure.csv",
             dp_test_data_dir());
    assert_int_equal(dp_csv_load(f->ctx, path, &csv), DP_OK);
    /* The file's first line is its source; 20 data rows counted in the file by hand. */
    assert_memory_equal(dp_csv_comment(csv), "Source: Second China National Sample Survey", 43);
    assert_int_equal(dp_csv_n_rows(csv), 20);
    assert_int_equal(dp_csv_col(f->ctx, csv, "share_of_disabled_pct", &c), DP_OK);
    /* A source field with commas inside quotes stays one field: every row has 6 fields. */
    assert_int_equal(dp_csv_n_cols(csv), 6);
    dp_csv_free(csv);
    dp_csv_free(NULL); /* no-op */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quoted_fields),
        cmocka_unit_test(test_csv_comments_blank_lines_crlf),
        cmocka_unit_test(test_csv_missing_column_names_file_and_line),
        cmocka_unit_test(test_csv_bad_number_names_line_and_column),
        cmocka_unit_test(test_csv_wrong_field_count),
        cmocka_unit_test(test_csv_quote_errors),
        cmocka_unit_test(test_csv_header_errors),
        cmocka_unit_test(test_csv_missing_file),
        cmocka_unit_test(test_csv_reads_reference_file),
    };
    return cmocka_run_group_tests_name("csv", tests, setup, teardown);
}
