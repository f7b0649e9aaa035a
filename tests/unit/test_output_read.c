/* tests/unit/test_output_read.c
 *
 * Tests of the readers `dpsim export` uses besides dp_output_read (model/output/output_read.c):
 * dp_output_read_summary (the summary/ tables, led by the stat axis) and dp_output_read_info
 * (root attributes, scenario attributes, scenario text and digest, input files). A small file
 * is written through the internal dp_output_write_group with one per-run table over 3 runs
 * whose values are chosen so that the summary statistics are hand calculations (comments).
 * Error paths: missing file, unknown scenario, a group lacking the stat axis or scenario_yaml.
 * A schema-2 file (version 2's attribute names, put back with the HDF5 API) reads the same.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>

#include "output/seal.h"
#include "output/output_impl.h"
#include "dp_test.h"
#include "output/output.h"
#include "core/results.h"

typedef struct {
    dp_ctx *ctx;
    char dir[64];
    char path[160];
} fixture;

/* The stored scenario text. Its SHA-256 was computed independently:
 *   printf 'dpsim: 1\nname: baseline\ntitle: 出口测试\n\nyears: {start: 2021, end: 2022}\n' |
 *   sha256sum   (coreutils) */
static const char scenario_text[] =
    "dpsim: 1\nname: baseline\ntitle: 出口测试\n\nyears: {start: 2021, end: 2022}\n";
static const char scenario_sha256[] =
    "2a61954077a742d3e24149352e3d795ddc3c0b5b0970b1e9c5bb3b1fad8b57a0";

static const char *const input_path[] = {"scenarios/baseline.yaml", "data/regions/daan.yaml"};
static const char *const input_sha[] = {
    "1111111111111111111111111111111111111111111111111111111111111111",
    "2222222222222222222222222222222222222222222222222222222222222222"};
static const char extra_path[1][256] = {"data/reference/lifetable.csv"};
static const char extra_sha[1][65] = {
    "3333333333333333333333333333333333333333333333333333333333333333"};

/* Runs of spending[year][region]: element 0 ([2021, daan]) is 4.0, 5.5, 10.0 in runs 0..2;
 * the other elements are 100 * (element + 1) + run. */
static double
spending_value(size_t run, size_t element)
{
    static const double e0[3] = {4.0, 5.5, 10.0};
    return element == 0 ? e0[run] : 100.0 * (double)(element + 1) + (double)run;
}

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) {
        return -1;
    }
    f->ctx = dp_ctx_alloc();
    snprintf(f->dir, sizeof f->dir, "/tmp/dp_test_output_read.XXXXXX");
    if (!f->ctx || !mkdtemp(f->dir)) {
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/results.h5", f->dir);
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    unlink(f->path);
    rmdir(f->dir);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Writes scenario "baseline" (3 runs; spending [year, region] in yuan; base take_up [region])
 * to f->path, replacing what was there. */
static void
write_sample(fixture *f)
{
    static const char *const year_label[] = {"2021", "2022"};
    static const double year_value[] = {2021, 2022};
    static const char *const region_label[] = {"daan", "huzhong"};
    static const char *const region_zh[] = {"大安区", "呼中区"};
    static const char *const spend_axes[] = {"year", "region", NULL};
    static const char *const take_axes[] = {"region", NULL};
    dp_results *res = dp_results_alloc(3);
    dp_output *o = NULL;
    dp_table *t = NULL;
    dp_run_info info = {"cohort", 3, 4242424242UL, "philox4x32-10"};
    dp_output_meta meta = {"baseline", "出口测试", scenario_text, 2, input_path, input_sha, 0, NULL};

    assert_non_null(res);
    assert_int_equal(
        dp_results_add_axis(f->ctx, res, "year", 2, year_label, NULL, year_value, NULL), DP_OK);
    assert_int_equal(
        dp_results_add_axis(f->ctx, res, "region", 2, region_label, region_zh, NULL, NULL), DP_OK);
    assert_int_equal(dp_results_add_table(f->ctx, res, "spending", "yuan", "Spending", "支出", 1,
                                          spend_axes, &t),
                     DP_OK);
    for (size_t run = 0; run < 3; run++) {
        for (size_t i = 0; i < t->size; i++) {
            dp_table_run(t, run)[i] = spending_value(run, i);
        }
    }
    assert_int_equal(dp_results_add_table(f->ctx, res, "take_up", "share", "Take-up", "领取率", 0,
                                          take_axes, &t),
                     DP_OK);
    t->data[0] = 0.615;
    t->data[1] = 0.872;
    unlink(f->path);
    assert_int_equal(dp_output_open(f->ctx, f->path, "dpsim run 出口.yaml --runs 3", &o), DP_OK);
    assert_int_equal(dp_output_write_group(f->ctx, o, &meta, res, &info, 1, extra_path, extra_sha),
                     DP_OK);
    assert_int_equal(dp_output_close(f->ctx, o), DP_OK);
    dp_results_free(res);
}

/* Seals a file changed here again (output/seal.h), as a writer that made it so would: the
 * reader refuses a sealed file whose contents changed. */
static void
reseal(const char *path)
{
    dp_ctx *ctx = dp_ctx_alloc();
    assert_non_null(ctx);
    assert_int_equal(dp_seal_write(ctx, path), DP_OK);
    dp_ctx_free(ctx);
}

/* Deletes link name of group /baseline with the HDF5 API. */
static void
delete_link(const char *path, const char *name)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t grp = H5Gopen2(file, "baseline", H5P_DEFAULT);
    assert_true(grp >= 0);
    assert_true(H5Ldelete(grp, name, H5P_DEFAULT) >= 0);
    H5Gclose(grp);
    H5Fclose(file);
    reseal(path);
}

/* Turns the sample into a schema-2 file with the HDF5 API: schema_version "2" and every
 * table's attributes renamed to version 2's unit, title, title_zh. */
static void
make_schema2(const char *path)
{
    static const char *const table[] = {"baseline/runs/spending", "baseline/summary/spending",
                                        "baseline/base/take_up"};
    static const char *const from[] = {"units", "long_name", "label_zh"};
    static const char *const to[] = {"unit", "title", "title_zh"};
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    for (size_t i = 0; i < 3; i++) {
        hid_t ds = H5Dopen2(file, table[i], H5P_DEFAULT);
        assert_true(ds >= 0);
        for (size_t k = 0; k < 3; k++) {
            assert_true(H5Arename(ds, from[k], to[k]) >= 0);
        }
        H5Dclose(ds);
    }
    assert_true(H5Adelete(file, "schema_version") >= 0);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 1);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(file, "schema_version", type, space, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(attr >= 0 && H5Awrite(attr, type, "2") >= 0);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
    H5Fclose(file);
    reseal(path);
}

static void
test_read_summary_shape_and_labels(void **state)
{
    fixture *f = *state;
    dp_results *s = NULL;
    write_sample(f);
    assert_int_equal(dp_output_read_summary(f->ctx, f->path, "baseline", &s), DP_OK);

    /* Identity with docs/output-schema.md (schema 4): 9 statistics lead; no base tables. */
    assert_int_equal(s->n_run, 9);
    assert_int_equal(s->n_table, 1);
    const dp_table *t = dp_results_find(s, "spending");
    assert_non_null(t);
    assert_int_equal(t->per_run, 1);
    assert_int_equal(t->size, 4);
    assert_string_equal(t->unit, "yuan");
    assert_string_equal(t->title_zh, "支出");
    assert_null(dp_results_find(s, "take_up"));
    size_t si = dp_results_find_axis(s, "stat");
    assert_true(si != (size_t)-1);
    const dp_axis *stat = &s->axis[si];
    static const char *const en[] = {"mean", "sd",  "p025", "p05", "p25",
                                     "p50",  "p75", "p95",  "p975"};
    static const char *const zh[] = {"均值",         "标准差",       "第2.5百分位数",
                                     "第5百分位数",  "第25百分位数", "中位数",
                                     "第75百分位数", "第95百分位数", "第97.5百分位数"};
    assert_int_equal(stat->n, 9);
    for (size_t k = 0; k < 9; k++) {
        assert_string_equal(stat->label[k], en[k]);
        assert_string_equal(stat->label_zh[k], zh[k]);
    }
    /* The table's own axes come back too, with their Chinese labels. */
    size_t ri = dp_results_find_axis(s, "region");
    assert_true(ri != (size_t)-1);
    assert_string_equal(s->axis[ri].label_zh[1], "呼中区");
    dp_results_free(s);
}

static void
test_read_summary_values(void **state)
{
    fixture *f = *state;
    dp_results *s = NULL;
    write_sample(f);
    assert_int_equal(dp_output_read_summary(f->ctx, f->path, "baseline", &s), DP_OK);
    const dp_table *t = dp_results_find(s, "spending");
    assert_non_null(t);

    /* Element 0 has runs 4.0, 5.5, 10.0 (sorted). By hand: mean 19.5 / 3 = 6.5; deviations
     * -2.5, -1, 3.5, squares 6.25 + 1 + 12.25 = 19.5, sd = sqrt(19.5 / 2) = sqrt(9.75);
     * quantile f at position 2f between the sorted runs: p05 at 0.1 -> 4 + 0.1 * 1.5 = 4.15,
     * p25 at 0.5 -> 4.75, p50 at 1 -> 5.5, p75 at 1.5 -> 7.75, p95 at 1.9 -> 5.5 + 0.9 * 4.5
     * = 9.55; p025 at 0.05 -> 4 + 0.05 * 1.5 = 4.075, p975 at 1.95 -> 5.5 + 0.95 * 4.5 =
     * 9.775. Schema 4's order: mean, sd, p025, p05, p25, p50, p75, p95, p975. */
    const double want[9] = {6.5, sqrt(9.75), 4.075, 4.15, 4.75, 5.5, 7.75, 9.55, 9.775};
    for (size_t k = 0; k < 9; k++) {
        assert_close(dp_table_run(t, k)[0], want[k], 1e-14, 0);
    }
    /* Element 3 has runs 400, 401, 402: mean 401, sd 1, median 401, p05 400.1, p95 401.9,
     * p025 400.05, p975 401.95. */
    assert_close(dp_table_run(t, DP_STAT_MEAN)[3], 401.0, 1e-15, 0);
    assert_close(dp_table_run(t, DP_STAT_SD)[3], 1.0, 1e-13, 0);
    assert_close(dp_table_run(t, DP_STAT_P05)[3], 400.1, 1e-15, 0);
    assert_close(dp_table_run(t, DP_STAT_P50)[3], 401.0, 1e-15, 0);
    assert_close(dp_table_run(t, DP_STAT_P95)[3], 401.9, 1e-15, 0);
    assert_close(dp_table_run(t, DP_STAT_P025)[3], 400.05, 1e-15, 0);
    assert_close(dp_table_run(t, DP_STAT_P975)[3], 401.95, 1e-15, 0);
    dp_results_free(s);
}

static void
test_read_info(void **state)
{
    fixture *f = *state;
    dp_output_info *info = NULL;
    write_sample(f);
    assert_int_equal(dp_output_read_info(f->ctx, f->path, "baseline", &info), DP_OK);

    /* Identity: what write_sample gave the writer. */
    assert_string_equal(info->version, DP_VERSION);
    assert_string_equal(info->schema_version, DP_SCHEMA_VERSION);
    assert_int_equal(strlen(info->created_utc), strlen("2026-01-01T00:00:00Z"));
    assert_string_equal(info->command_line, "dpsim run 出口.yaml --runs 3");
    assert_string_equal(info->title, "出口测试");
    assert_string_equal(info->engine, "cohort");
    assert_string_equal(info->rng, "philox4x32-10");
    assert_string_equal(info->regions, "daan,huzhong");
    assert_int_equal(info->runs, 3);
    assert_true(info->seed == 4242424242u);
    assert_string_equal(info->scenario_yaml, scenario_text);
    /* sha256sum's digest of the text (see scenario_sha256). */
    assert_string_equal(info->scenario_sha256, scenario_sha256);
    /* Inputs: the scenario's two, then the extra one. */
    assert_int_equal(info->n_input, 3);
    assert_string_equal(info->input_path[0], input_path[0]);
    assert_string_equal(info->input_sha256[1], input_sha[1]);
    assert_string_equal(info->input_path[2], extra_path[0]);
    assert_string_equal(info->input_sha256[2], extra_sha[0]);
    dp_output_info_free(info);
    dp_output_info_free(NULL); /* no-op */
}

/* A schema-2 file (attributes unit, title, title_zh) reads as the schema-3 file it was made
 * from: the same unit and titles in dp_output_read and dp_output_read_summary. */
static void
test_read_schema2_names(void **state)
{
    fixture *f = *state;
    dp_results *r = NULL;
    dp_results *s = NULL;
    write_sample(f);
    make_schema2(f->path);
    assert_int_equal(dp_output_read(f->ctx, f->path, "baseline", &r), DP_OK);
    assert_int_equal(dp_output_read_summary(f->ctx, f->path, "baseline", &s), DP_OK);
    const dp_table *t[3] = {dp_results_find(r, "spending"), dp_results_find(s, "spending"),
                            dp_results_find(r, "take_up")};
    for (size_t i = 0; i < 3; i++) {
        assert_non_null(t[i]);
    }
    assert_string_equal(t[0]->unit, "yuan");
    assert_string_equal(t[0]->title, "Spending");
    assert_string_equal(t[0]->title_zh, "支出");
    assert_string_equal(t[1]->unit, "yuan");
    assert_string_equal(t[1]->title_zh, "支出");
    assert_string_equal(t[2]->unit, "share");
    assert_string_equal(t[2]->title, "Take-up");
    assert_string_equal(t[2]->title_zh, "领取率");
    /* The values are untouched: run 1 of element 0 is 5.5 (spending_value). */
    assert_true(dp_table_run(t[0], 1)[0] == 5.5);
    dp_results_free(s);
    dp_results_free(r);
}

static void
test_read_errors(void **state)
{
    fixture *f = *state;
    dp_output_info *info = NULL;
    dp_results *s = NULL;
    char missing[200];

    snprintf(missing, sizeof missing, "%s/nosuch.h5", f->dir);
    assert_int_equal(dp_output_read_summary(f->ctx, missing, "baseline", &s), DP_EINPUT);
    assert_null(s);
    assert_int_equal(dp_output_read_info(f->ctx, missing, "baseline", &info), DP_EINPUT);
    assert_null(info);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "nosuch.h5"));

    write_sample(f);
    assert_int_equal(dp_output_read_summary(f->ctx, f->path, "reform", &s), DP_EINPUT);
    assert_int_equal(dp_output_read_info(f->ctx, f->path, "reform", &info), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "no scenario 'reform'"));
    assert_int_equal(dp_output_read_info(f->ctx, f->path, "../x", &info), DP_EINPUT);

    /* A group without the stat axis has no readable summary; without scenario_yaml, no
     * provenance. Both are bad input, and the message names the missing part. */
    delete_link(f->path, "stat");
    assert_int_equal(dp_output_read_summary(f->ctx, f->path, "baseline", &s), DP_EINPUT);
    assert_null(s);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "no stat axis"));
    delete_link(f->path, "scenario_yaml");
    assert_int_equal(dp_output_read_info(f->ctx, f->path, "baseline", &info), DP_EINPUT);
    assert_null(info);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "scenario_yaml"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_summary_shape_and_labels),
        cmocka_unit_test(test_read_summary_values),
        cmocka_unit_test(test_read_info),
        cmocka_unit_test(test_read_schema2_names),
        cmocka_unit_test(test_read_errors),
    };
    return cmocka_run_group_tests_name("output_read", tests, setup, teardown);
}
