/* tests/unit/test_output.c
 *
 * Tests of the HDF5 writer and reader (model/output/output_write.c, output_read.c, summary.c):
 * a small dp_results built by hand (years 2021..2023, two regions with Chinese labels, a
 * per-run table over 3 runs with known values, base tables) is written through the internal dp_output_write_group, read back
 * with dp_output_read and inspected with the HDF5 API directly. Expected numbers are hand
 * calculations given in comments. Also: the temporary-name/rename guarantee (an existing target
 * stays byte-identical when a write fails or is aborted; no temporary file remains), duplicate
 * scenarios, dimension scales, summary statistics, and reader errors.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include "output/output_impl.h"
#include "dp_test.h"
#include "output/output.h"
#include "core/results.h"

typedef struct {
    dp_ctx *ctx;
    char dir[64];   /* a fresh temporary folder for this test program */
    char path[160]; /* dir/results.h5 */
} fixture;

/* The scenario text stored in the fixture's scenario group. Its SHA-256 was computed
 * independently with `printf '...' | sha256sum` (coreutils). */
static const char scenario_text[] =
    "dpsim: 1\nname: baseline\ntitle: 测试基线\nyears: {start: 2021, end: 2023}\n";
static const char scenario_sha256[] =
    "c0ce7479be6be6a2a46b138cc603b8c4bcb1af9ab53b6d507652732a8c9441cf";

static const char *const input_path[] = {"scenarios/baseline.yaml", "data/regions/daan.yaml"};
static const char *const input_sha[] = {
    "1111111111111111111111111111111111111111111111111111111111111111",
    "2222222222222222222222222222222222222222222222222222222222222222"};
static const char extra_path[1][256] = {"data/reference/lifetable.csv"};
static const char extra_sha[1][65] = {
    "3333333333333333333333333333333333333333333333333333333333333333"};

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) {
        return -1;
    }
    f->ctx = dp_ctx_alloc();
    snprintf(f->dir, sizeof f->dir, "/tmp/dp_test_output.XXXXXX");
    if (!f->ctx || !mkdtemp(f->dir)) {
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/results.h5", f->dir);
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    *state = f;
    return 0;
}

/* Removes every file in the test folder, then the folder. */
static void
clean_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    if (!d) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    }
    closedir(d);
}

static int
teardown(void **state)
{
    fixture *f = *state;
    clean_dir(f->dir);
    rmdir(f->dir);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Each test starts from an empty folder. */
static int
per_test_setup(void **state)
{
    fixture *f = *state;
    clean_dir(f->dir);
    dp_ctx_clear(f->ctx);
    return 0;
}

/* Number of files in dir whose name contains ".tmp.". */
static int
count_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d) {
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        n += strstr(e->d_name, ".tmp.") != NULL;
    }
    closedir(d);
    return n;
}

static void
write_file(const char *path, const char *content)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(content, fp);
    fclose(fp);
}

/* Whole content of path (NUL-terminated, caller frees) and its length. */
static char *
read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, (size_t)n, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

static int
file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Value of run `run` of spending[year][region] in the fixture (see make_results). */
static double
spending_value(size_t run, size_t year, size_t region)
{
    static const double e00[3] = {2.0, 4.0, 1.0};    /* runs of [2021, daan] */
    static const double e11[3] = {2.385, 0.5, 7.25}; /* runs of [2022, huzhong] */
    if (year == 0 && region == 0) {
        return e00[run];
    }
    if (year == 1 && region == 1) {
        return e11[run];
    }
    return 1000.0 * (double)run + 10.0 * (double)year + (double)region + 0.125;
}

/* The fixture's results: axes year (2021..2023, numeric), region (2 labels with Chinese
 * names), level (2 non-integer numeric values); per-run table spending [year, region] over
 * n_run = 3 runs; base tables take_up [region] and fit [region, level]. */
static dp_results *
make_results(dp_ctx *ctx)
{
    static const char *const year_label[] = {"2021", "2022", "2023"};
    static const double year_value[] = {2021, 2022, 2023};
    static const char *const region_label[] = {"daan", "huzhong"};
    static const char *const region_zh[] = {"大安区", "呼中区"};
    static const char *const level_label[] = {"low", "high"};
    static const double level_value[] = {0.25, 2.5};
    static const char *const spend_axes[] = {"year", "region", NULL};
    static const char *const take_axes[] = {"region", NULL};
    static const char *const fit_axes[] = {"region", "level", NULL};
    dp_results *res = dp_results_alloc(3);
    dp_table *t = NULL;

    assert_non_null(res);
    assert_int_equal(dp_results_add_axis(ctx, res, "year", 3, year_label, NULL, year_value, NULL),
                     DP_OK);
    assert_int_equal(
        dp_results_add_axis(ctx, res, "region", 2, region_label, region_zh, NULL, NULL), DP_OK);
    assert_int_equal(
        dp_results_add_axis(ctx, res, "level", 2, level_label, NULL, level_value, NULL), DP_OK);
    assert_int_equal(
        dp_results_add_table(ctx, res, "spending", "yuan", "Spending", "支出", 1, spend_axes, &t),
        DP_OK);
    for (size_t run = 0; run < 3; run++) {
        double *d = dp_table_run(t, run);
        for (size_t year = 0; year < 3; year++) {
            for (size_t region = 0; region < 2; region++) {
                d[year * 2 + region] = spending_value(run, year, region);
            }
        }
    }
    assert_int_equal(
        dp_results_add_table(ctx, res, "take_up", "share", "Take-up", "领取率", 0, take_axes, &t),
        DP_OK);
    t->data[0] = 0.615;
    t->data[1] = 0.872;
    assert_int_equal(
        dp_results_add_table(ctx, res, "fit", "persons", "Fit", "拟合", 0, fit_axes, &t), DP_OK);
    for (size_t i = 0; i < 4; i++) {
        t->data[i] = 17.5 + 3.25 * (double)i;
    }
    return res;
}

static dp_output_meta
make_meta(const char *name)
{
    dp_output_meta meta = {name, "测试基线", scenario_text, 2, input_path, input_sha, 0, NULL};
    return meta;
}

static const dp_run_info run_info = {"micro", 3, 20260401UL, "philox4x32-10"};

/* Writes the fixture's results as scenario `name` into a new file at f->path. */
static void
write_sample(fixture *f, const char *name)
{
    dp_output *o = NULL;
    dp_results *res = make_results(f->ctx);
    dp_output_meta meta = make_meta(name);
    assert_int_equal(dp_output_open(f->ctx, f->path, "dpsim run test.yaml", &o), DP_OK);
    assert_int_equal(
        dp_output_write_group(f->ctx, o, &meta, res, &run_info, 1, extra_path, extra_sha), DP_OK);
    assert_int_equal(dp_output_close(f->ctx, o), DP_OK);
    dp_results_free(res);
}

/* Reads the scalar string attribute name of obj into buf, checking it is a variable-length
 * UTF-8 string (read with the HDF5 API directly, not the library's helpers). */
static void
read_attr_str(hid_t obj, const char *name, char *buf, size_t cap)
{
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(attr >= 0);
    hid_t type = H5Aget_type(attr);
    assert_true(H5Tis_variable_str(type) > 0);
    assert_int_equal(H5Tget_cset(type), H5T_CSET_UTF8);
    hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5T_CSET_UTF8);
    char *value = NULL;
    assert_true(H5Aread(attr, mem, &value) >= 0);
    snprintf(buf, cap, "%s", value);
    H5free_memory(value);
    H5Tclose(mem);
    H5Tclose(type);
    H5Aclose(attr);
}

static void
assert_attr_str(hid_t obj, const char *name, const char *expected)
{
    char buf[512];
    read_attr_str(obj, name, buf, sizeof buf);
    assert_string_equal(buf, expected);
}

/* ------------------------------------------------------------------------------------------ */
/* Round trip */

static void
test_output_roundtrip_axes(void **state)
{
    fixture *f = *state;
    dp_results *back = NULL;
    write_sample(f, "baseline");
    assert_int_equal(dp_output_read(f->ctx, f->path, "baseline", &back), DP_OK);

    /* Identity: what make_results put in. */
    assert_int_equal(back->n_run, 3);
    assert_int_equal(back->n_axis, 3);
    const dp_axis *year = &back->axis[0];
    assert_string_equal(year->name, "year");
    assert_int_equal(year->n, 3);
    assert_non_null(year->value);
    assert_close(year->value[0], 2021.0, 0, 0);
    assert_close(year->value[2], 2023.0, 0, 0);
    assert_string_equal(year->label[1], "2022");
    assert_string_equal(year->label_zh[1], "2022"); /* English repeated where no Chinese */
    const dp_axis *region = &back->axis[1];
    assert_string_equal(region->name, "region");
    assert_null(region->value);
    assert_string_equal(region->label[0], "daan");
    assert_string_equal(region->label[1], "huzhong");
    assert_string_equal(region->label_zh[0], "大安区");
    assert_string_equal(region->label_zh[1], "呼中区");
    const dp_axis *level = &back->axis[2];
    assert_string_equal(level->name, "level");
    assert_close(level->value[0], 0.25, 0, 0);
    assert_close(level->value[1], 2.5, 0, 0);
    assert_string_equal(level->label[1], "high");
    dp_results_free(back);
}

static void
test_output_roundtrip_tables(void **state)
{
    fixture *f = *state;
    dp_results *back = NULL;
    write_sample(f, "baseline");
    assert_int_equal(dp_output_read(f->ctx, f->path, "baseline", &back), DP_OK);

    /* Identity: the per-run table comes back first (runs/ is read before base/), then the base
     * tables in the order written; float64 stores each double exactly. */
    assert_int_equal(back->n_table, 3);
    const dp_table *t = dp_results_find(back, "spending");
    assert_non_null(t);
    assert_ptr_equal(t, &back->table[0]);
    assert_int_equal(t->per_run, 1);
    assert_int_equal(t->rank, 2);
    assert_int_equal(t->size, 6);
    assert_string_equal(back->axis[t->axis[0]].name, "year");
    assert_string_equal(back->axis[t->axis[1]].name, "region");
    assert_string_equal(t->unit, "yuan");
    assert_string_equal(t->title, "Spending");
    assert_string_equal(t->title_zh, "支出");
    for (size_t run = 0; run < 3; run++) {
        const double *d = dp_table_run(t, run);
        for (size_t year = 0; year < 3; year++) {
            for (size_t region = 0; region < 2; region++) {
                assert_close(d[year * 2 + region], spending_value(run, year, region), 0, 0);
            }
        }
    }
    const dp_table *take = dp_results_find(back, "take_up");
    assert_non_null(take);
    assert_ptr_equal(take, &back->table[1]);
    assert_int_equal(take->per_run, 0);
    assert_int_equal(take->size, 2);
    assert_string_equal(take->unit, "share");
    assert_string_equal(take->title_zh, "领取率");
    assert_close(take->data[0], 0.615, 0, 0);
    assert_close(take->data[1], 0.872, 0, 0);
    const dp_table *fit = dp_results_find(back, "fit");
    assert_non_null(fit);
    assert_int_equal(fit->rank, 2);
    assert_string_equal(back->axis[fit->axis[1]].name, "level");
    /* 17.5 + 3.25 i for i = 3 is 27.25. */
    assert_close(fit->data[3], 27.25, 0, 0);
    dp_results_free(back);
}

/* ------------------------------------------------------------------------------------------ */
/* Summary */

/* Reads summary/spending of scenario baseline: [9 stats][3 years][2 regions]. */
static void
read_summary(const char *path, double out[9][3][2])
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t ds = H5Dopen2(file, "/baseline/summary/spending", H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t space = H5Dget_space(ds);
    hsize_t dims[3];
    assert_int_equal(H5Sget_simple_extent_ndims(space), 3);
    H5Sget_simple_extent_dims(space, dims, NULL);
    assert_int_equal(dims[0], 9);
    assert_int_equal(dims[1], 3);
    assert_int_equal(dims[2], 2);
    assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0);
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(file);
}

static void
test_output_summary_small_integers(void **state)
{
    fixture *f = *state;
    double s[9][3][2];
    write_sample(f, "baseline");
    read_summary(f->path, s);
    /* [2021, daan] over runs 2, 4, 1. Hand calculation: mean = 7/3; deviations -4/3, -1/3,
     * 5/3, squares sum 42/9, over n - 1 = 2: variance 7/3, sd sqrt(7/3). Sorted 1, 2, 4;
     * quantile f at position f (n - 1) = 2f with linear interpolation: p05 at 0.1 -> 1.1,
     * p25 at 0.5 -> 1.5, p50 at 1 -> 2, p75 at 1.5 -> 3, p95 at 1.9 -> 2 + 0.9 * 2 = 3.8;
     * p025 at 0.05 -> 1 + 0.05 * 1 = 1.05, p975 at 1.95 -> 2 + 0.95 * 2 = 3.9. */
    assert_close(s[DP_STAT_MEAN][0][0], 7.0 / 3.0, 1e-14, 0);
    assert_close(s[DP_STAT_SD][0][0], sqrt(7.0 / 3.0), 1e-14, 0);
    assert_close(s[DP_STAT_P05][0][0], 1.1, 1e-14, 0);
    assert_close(s[DP_STAT_P25][0][0], 1.5, 1e-14, 0);
    assert_close(s[DP_STAT_P50][0][0], 2.0, 1e-14, 0);
    assert_close(s[DP_STAT_P75][0][0], 3.0, 1e-14, 0);
    assert_close(s[DP_STAT_P95][0][0], 3.8, 1e-14, 0);
    assert_close(s[DP_STAT_P025][0][0], 1.05, 1e-14, 0);
    assert_close(s[DP_STAT_P975][0][0], 3.9, 1e-14, 0);
    /* The stored order (schema 4): mean, sd, then the percentiles ascending. */
    assert_int_equal(DP_STAT_P025, 2);
    assert_int_equal(DP_STAT_P975, 8);
    assert_string_equal(dp_summary_stat_label[DP_STAT_P025], "p025");
    assert_string_equal(dp_summary_stat_label[DP_STAT_P975], "p975");
    assert_string_equal(dp_summary_stat_label_zh[DP_STAT_P025], "第2.5百分位数");
    assert_string_equal(dp_summary_stat_label_zh[DP_STAT_P975], "第97.5百分位数");
}

static void
test_output_summary_high_entropy(void **state)
{
    fixture *f = *state;
    double s[9][3][2];
    write_sample(f, "baseline");
    read_summary(f->path, s);
    /* [2022, huzhong] over runs 2.385, 0.5, 7.25. Hand calculation: mean = 10.135 / 3 =
     * 3.378333...; deviations -0.993333, -2.878333, 3.871667, squares 0.986711, 8.284803,
     * 14.989803, sum 24.261317, / 2 = 12.130658, sd 3.482909. Sorted 0.5, 2.385, 7.25 (gaps
     * 1.885 and 4.865): p05 = 0.5 + 0.1 * 1.885 = 0.6885, p25 = 0.5 + 0.5 * 1.885 = 1.4425,
     * p50 = 2.385, p75 = 2.385 + 0.5 * 4.865 = 4.8175, p95 = 2.385 + 0.9 * 4.865 = 6.7635,
     * p025 (position 0.05) = 0.5 + 0.05 * 1.885 = 0.59425, p975 (position 1.95) = 2.385 +
     * 0.95 * 4.865 = 7.00675. */
    assert_close(s[DP_STAT_MEAN][1][1], 10.135 / 3.0, 1e-14, 0);
    assert_close(s[DP_STAT_SD][1][1], 3.482909, 1e-6, 0);
    assert_close(s[DP_STAT_P05][1][1], 0.6885, 1e-13, 0);
    assert_close(s[DP_STAT_P25][1][1], 1.4425, 1e-13, 0);
    assert_close(s[DP_STAT_P50][1][1], 2.385, 1e-14, 0);
    assert_close(s[DP_STAT_P75][1][1], 4.8175, 1e-13, 0);
    assert_close(s[DP_STAT_P95][1][1], 6.7635, 1e-13, 0);
    assert_close(s[DP_STAT_P025][1][1], 0.59425, 1e-13, 0);
    assert_close(s[DP_STAT_P975][1][1], 7.00675, 1e-13, 0);
    /* [2023, daan] over runs 20.125, 1020.125, 2020.125: mean 1020.125; deviations -1000, 0,
     * 1000, variance 2e6 / 2 = 1e6, sd 1000; p50 is the middle value 1020.125. */
    assert_close(s[DP_STAT_MEAN][2][0], 1020.125, 1e-14, 0);
    assert_close(s[DP_STAT_SD][2][0], 1000.0, 1e-12, 0);
    assert_close(s[DP_STAT_P50][2][0], 1020.125, 1e-14, 0);
}

static void
test_summary_one_run_and_nan(void **state)
{
    fixture *f = *state;
    /* Two runs of three elements: element 0 = (5.5, 1.5), element 1 has a NaN, element 2 =
     * (-2, -2). */
    const double data[6] = {5.5, NAN, -2.0, 1.5, 3.0, -2.0};
    double out[DP_N_STAT * 3];
    assert_int_equal(dp_summary_compute(f->ctx, data, 2, 3, out), DP_OK);
    /* Element 0: mean 3.5; deviations +-2, variance 8 / 1 = 8, sd 2 sqrt(2); p50 is the
     * midpoint 3.5 (position 0.5 between 1.5 and 5.5); p95 = 1.5 + 0.95 * 4 = 5.3; p025 =
     * 1.5 + 0.025 * 4 = 1.6, p975 = 1.5 + 0.975 * 4 = 5.4. */
    assert_close(out[DP_STAT_MEAN * 3 + 0], 3.5, 1e-15, 0);
    assert_close(out[DP_STAT_SD * 3 + 0], 2.0 * sqrt(2.0), 1e-15, 0);
    assert_close(out[DP_STAT_P50 * 3 + 0], 3.5, 1e-15, 0);
    assert_close(out[DP_STAT_P95 * 3 + 0], 5.3, 1e-14, 0);
    assert_close(out[DP_STAT_P025 * 3 + 0], 1.6, 1e-14, 0);
    assert_close(out[DP_STAT_P975 * 3 + 0], 5.4, 1e-14, 0);
    /* Element 1: a NaN in any run makes every statistic NaN (documented rule). */
    for (size_t stat = 0; stat < DP_N_STAT; stat++) {
        assert_true(isnan(out[stat * 3 + 1]));
    }
    /* Element 2: equal runs, so sd 0 and every percentile -2. */
    assert_close(out[DP_STAT_SD * 3 + 2], 0.0, 0, 0);
    assert_close(out[DP_STAT_P05 * 3 + 2], -2.0, 0, 0);
    assert_close(out[DP_STAT_P025 * 3 + 2], -2.0, 0, 0);
    assert_close(out[DP_STAT_P975 * 3 + 2], -2.0, 0, 0);

    /* One run: sd is 0 by definition (not GSL's n - 1 = 0 division); all percentiles equal the
     * value. */
    const double one[2] = {4.75, -0.5};
    double out1[DP_N_STAT * 2];
    assert_int_equal(dp_summary_compute(f->ctx, one, 1, 2, out1), DP_OK);
    assert_close(out1[DP_STAT_MEAN * 2 + 0], 4.75, 0, 0);
    assert_close(out1[DP_STAT_SD * 2 + 0], 0.0, 0, 0);
    assert_close(out1[DP_STAT_P95 * 2 + 1], -0.5, 0, 0);
    assert_int_equal(dp_summary_compute(f->ctx, one, 0, 2, out1), DP_EINTERNAL);
}

static void
test_summary_many_elements(void **state)
{
    fixture *f = *state;
    /* More elements than one gather block (64) and 5 runs: element i of run r is r * (i + 1)
     * + 0.5, so the mean is 2 (i + 1) + 0.5 (mean of r = 0..4 is 2), sd = (i + 1) sqrt(2.5)
     * (sample variance of 0..4 is 10 / 4), p25 at position 1 = (i + 1) + 0.5. */
    enum { N_RUN = 5, SIZE = 150 };
    double *data = malloc(N_RUN * SIZE * sizeof *data);
    double *out = malloc(DP_N_STAT * SIZE * sizeof *out);
    assert_non_null(data);
    assert_non_null(out);
    for (size_t run = 0; run < N_RUN; run++) {
        for (size_t i = 0; i < SIZE; i++) {
            data[run * SIZE + i] = (double)run * (double)(i + 1) + 0.5;
        }
    }
    assert_int_equal(dp_summary_compute(f->ctx, data, N_RUN, SIZE, out), DP_OK);
    for (size_t i = 0; i < SIZE; i++) {
        double k = (double)(i + 1);
        assert_close(out[DP_STAT_MEAN * SIZE + i], 2.0 * k + 0.5, 1e-14, 0);
        assert_close(out[DP_STAT_SD * SIZE + i], k * sqrt(2.5), 1e-13, 0);
        assert_close(out[DP_STAT_P25 * SIZE + i], k + 0.5, 1e-14, 0);
    }
    free(data);
    free(out);
}

/* ------------------------------------------------------------------------------------------ */
/* Layout: attributes, scales */

static void
test_output_root_and_group_attributes(void **state)
{
    fixture *f = *state;
    write_sample(f, "baseline");
    hid_t file = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    assert_attr_str(file, "tool", "dpsim");
    assert_attr_str(file, "version", DP_VERSION);
    assert_attr_str(file, "schema_version", DP_SCHEMA_VERSION);
    assert_attr_str(file, "command_line", "dpsim run test.yaml");
    assert_attr_str(file, "Conventions", "CF-1.8");
    /* git_commit: an abbreviated commit (4 to 40 lowercase hex digits) or "unknown". */
    char commit[64];
    read_attr_str(file, "git_commit", commit, sizeof commit);
    size_t n_hex = strspn(commit, "0123456789abcdef");
    assert_true(strcmp(commit, "unknown") == 0 ||
                (n_hex == strlen(commit) && n_hex >= 4 && n_hex <= 40));

    /* created_utc has the ISO 8601 shape YYYY-MM-DDTHH:MM:SSZ (20 characters). */
    char created[64];
    read_attr_str(file, "created_utc", created, sizeof created);
    assert_int_equal(strlen(created), 20);
    assert_int_equal(created[4], '-');
    assert_int_equal(created[10], 'T');
    assert_int_equal(created[13], ':');
    assert_int_equal(created[19], 'Z');

    hid_t g = H5Gopen2(file, "baseline", H5P_DEFAULT);
    assert_true(g >= 0);
    assert_attr_str(g, "title", "测试基线");
    assert_attr_str(g, "engine", "micro");
    assert_attr_str(g, "rng", "philox4x32-10");
    assert_attr_str(g, "regions", "daan,huzhong");
    long long runs = 0;
    unsigned long long seed = 0;
    int year_start = 0, year_end = 0;
    hid_t a = H5Aopen(g, "runs", H5P_DEFAULT);
    assert_true(H5Aread(a, H5T_NATIVE_LLONG, &runs) >= 0);
    H5Aclose(a);
    a = H5Aopen(g, "seed", H5P_DEFAULT);
    assert_true(H5Aread(a, H5T_NATIVE_ULLONG, &seed) >= 0);
    H5Aclose(a);
    a = H5Aopen(g, "year_start", H5P_DEFAULT);
    assert_true(H5Aread(a, H5T_NATIVE_INT, &year_start) >= 0);
    H5Aclose(a);
    a = H5Aopen(g, "year_end", H5P_DEFAULT);
    assert_true(H5Aread(a, H5T_NATIVE_INT, &year_end) >= 0);
    H5Aclose(a);
    /* Identity: run_info and the year axis of make_results. */
    assert_int_equal(runs, 3);
    assert_int_equal(seed, 20260401ULL);
    assert_int_equal(year_start, 2021);
    assert_int_equal(year_end, 2023);
    H5Gclose(g);
    H5Fclose(file);
}

static void
test_output_provenance(void **state)
{
    fixture *f = *state;
    write_sample(f, "baseline");
    hid_t file = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);

    /* scenario_yaml: the text verbatim, a variable-length UTF-8 scalar, with its SHA-256
     * (checked against sha256sum's digest of the same bytes). */
    hid_t ds = H5Dopen2(file, "/baseline/scenario_yaml", H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5T_CSET_UTF8);
    char *text = NULL;
    assert_true(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) >= 0);
    assert_string_equal(text, scenario_text);
    H5free_memory(text);
    assert_attr_str(ds, "sha256", scenario_sha256);
    H5Dclose(ds);

    /* inputs: the two scenario inputs, then the extra reference file. */
    const char *expected_path[3] = {input_path[0], input_path[1], extra_path[0]};
    const char *expected_sha[3] = {input_sha[0], input_sha[1], extra_sha[0]};
    const char *name[2] = {"/baseline/inputs/path", "/baseline/inputs/sha256"};
    for (size_t k = 0; k < 2; k++) {
        char *v[3] = {NULL, NULL, NULL};
        ds = H5Dopen2(file, name[k], H5P_DEFAULT);
        assert_true(ds >= 0);
        hid_t space = H5Dget_space(ds);
        assert_int_equal(H5Sget_simple_extent_npoints(space), 3);
        assert_true(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
        for (size_t i = 0; i < 3; i++) {
            assert_string_equal(v[i], k == 0 ? expected_path[i] : expected_sha[i]);
            H5free_memory(v[i]);
        }
        H5Sclose(space);
        H5Dclose(ds);
    }
    H5Tclose(mem);
    H5Fclose(file);
}

/* Whether scale `scale_path` is attached to dimension idx of dataset `ds_path`. */
static int
attached(hid_t file, const char *ds_path, const char *scale_path, unsigned idx)
{
    hid_t ds = H5Dopen2(file, ds_path, H5P_DEFAULT);
    hid_t sc = H5Dopen2(file, scale_path, H5P_DEFAULT);
    assert_true(ds >= 0);
    assert_true(sc >= 0);
    htri_t yes = H5DSis_attached(ds, sc, idx);
    H5Dclose(sc);
    H5Dclose(ds);
    return yes > 0;
}

static void
test_output_dimension_scales(void **state)
{
    fixture *f = *state;
    write_sample(f, "baseline");
    hid_t file = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    /* runs/spending is [run, year, region]. */
    assert_true(attached(file, "/baseline/runs/spending", "/baseline/run", 0));
    assert_true(attached(file, "/baseline/runs/spending", "/baseline/year", 1));
    assert_true(attached(file, "/baseline/runs/spending", "/baseline/region", 2));
    assert_false(attached(file, "/baseline/runs/spending", "/baseline/region", 1));
    /* summary/spending is [stat, year, region]. */
    assert_true(attached(file, "/baseline/summary/spending", "/baseline/stat", 0));
    assert_true(attached(file, "/baseline/summary/spending", "/baseline/year", 1));
    assert_true(attached(file, "/baseline/summary/spending", "/baseline/region", 2));
    /* base/fit is [region, level]; inputs/sha256 is labelled by inputs/path. */
    assert_true(attached(file, "/baseline/base/fit", "/baseline/region", 0));
    assert_true(attached(file, "/baseline/base/fit", "/baseline/level", 1));
    assert_true(attached(file, "/baseline/inputs/sha256", "/baseline/inputs/path", 0));

    /* Table attributes. */
    hid_t ds = H5Dopen2(file, "/baseline/runs/spending", H5P_DEFAULT);
    assert_attr_str(ds, "dims", "run,year,region");
    /* The CF names (schema 3): units, long_name; label_zh the Chinese title. The old names
     * are gone. */
    assert_attr_str(ds, "units", "yuan");
    assert_attr_str(ds, "long_name", "Spending");
    assert_attr_str(ds, "label_zh", "支出");
    assert_int_equal(H5Aexists(ds, "unit"), 0);
    assert_int_equal(H5Aexists(ds, "title"), 0);
    assert_int_equal(H5Aexists(ds, "title_zh"), 0);
    /* Chunked one run at a time ([1, 3, 2]), shuffle + deflate level 4. */
    hid_t dcpl = H5Dget_create_plist(ds);
    hsize_t chunk[3];
    assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
    assert_int_equal(H5Pget_chunk(dcpl, 3, chunk), 3);
    assert_int_equal(chunk[0], 1);
    assert_int_equal(chunk[1], 3);
    assert_int_equal(chunk[2], 2);
    assert_int_equal(H5Pget_nfilters(dcpl), 2);
    unsigned flags = 0, level = 0;
    size_t n_elem = 1;
    assert_int_equal(H5Pget_filter2(dcpl, 0, &flags, &n_elem, &level, 0, NULL, NULL),
                     H5Z_FILTER_SHUFFLE);
    n_elem = 1;
    assert_int_equal(H5Pget_filter2(dcpl, 1, &flags, &n_elem, &level, 0, NULL, NULL),
                     H5Z_FILTER_DEFLATE);
    assert_int_equal(level, 4);
    H5Pclose(dcpl);
    H5Dclose(ds);
    ds = H5Dopen2(file, "/baseline/summary/spending", H5P_DEFAULT);
    assert_attr_str(ds, "dims", "stat,year,region");
    H5Dclose(ds);
    ds = H5Dopen2(file, "/baseline/base/take_up", H5P_DEFAULT);
    assert_attr_str(ds, "dims", "region");
    H5Dclose(ds);

    /* Axes: year is int32 with labels; region is strings with label_zh; level is float64. */
    ds = H5Dopen2(file, "/baseline/year", H5P_DEFAULT);
    hid_t type = H5Dget_type(ds);
    assert_true(H5Tequal(type, H5T_STD_I32LE) > 0);
    H5Tclose(type);
    H5Dclose(ds);
    ds = H5Dopen2(file, "/baseline/level", H5P_DEFAULT);
    type = H5Dget_type(ds);
    assert_true(H5Tequal(type, H5T_IEEE_F64LE) > 0);
    H5Tclose(type);
    H5Dclose(ds);
    ds = H5Dopen2(file, "/baseline/stat", H5P_DEFAULT);
    assert_true(H5DSis_scale(ds) > 0);
    H5Dclose(ds);
    H5Fclose(file);
}

static void
test_output_chunk_cap(void **state)
{
    fixture *f = *state;
    enum { N_A = 600, N_B = 500 };
    static char label_a[N_A][8];
    static char label_b[N_B][8];
    const char *pa[N_A];
    const char *pb[N_B];
    static const char *const axes[] = {"a", "b", NULL};
    dp_results *res = dp_results_alloc(2);
    dp_table *t = NULL;
    dp_output *o = NULL;
    dp_output_meta meta = make_meta("big");
    dp_run_info info = {"cohort", 2, 7UL, "none"};

    assert_non_null(res);
    for (size_t i = 0; i < N_A; i++) {
        snprintf(label_a[i], sizeof label_a[i], "a%zu", i);
        pa[i] = label_a[i];
    }
    for (size_t i = 0; i < N_B; i++) {
        snprintf(label_b[i], sizeof label_b[i], "b%zu", i);
        pb[i] = label_b[i];
    }
    assert_int_equal(dp_results_add_axis(f->ctx, res, "a", N_A, pa, NULL, NULL, NULL), DP_OK);
    assert_int_equal(dp_results_add_axis(f->ctx, res, "b", N_B, pb, NULL, NULL, NULL), DP_OK);
    assert_int_equal(dp_results_add_table(f->ctx, res, "big", "persons", "Big", "大", 1, axes, &t),
                     DP_OK);
    for (size_t i = 0; i < 2 * t->size; i++) {
        t->data[i] = 0.5 * (double)i;
    }
    assert_int_equal(dp_output_open(f->ctx, f->path, "", &o), DP_OK);
    assert_int_equal(dp_output_write_group(f->ctx, o, &meta, res, &info, 0, NULL, NULL), DP_OK);
    assert_int_equal(dp_output_close(f->ctx, o), DP_OK);

    /* One run's slab is 600 x 500 doubles = 2.4 MB > 1 MiB (1,048,576 bytes): the outer axis
     * is halved to 300 (1.2 MB, still too big), then to 150 (150 x 500 x 8 = 600 kB). */
    hid_t file = H5Fopen(f->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(file, "/big/runs/big", H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t dcpl = H5Dget_create_plist(ds);
    hsize_t chunk[3];
    assert_int_equal(H5Pget_chunk(dcpl, 3, chunk), 3);
    assert_int_equal(chunk[0], 1);
    assert_int_equal(chunk[1], 150);
    assert_int_equal(chunk[2], 500);
    H5Pclose(dcpl);
    H5Dclose(ds);
    H5Fclose(file);

    /* And the values survive the chunked, compressed round trip (identity). */
    dp_results *back = NULL;
    assert_int_equal(dp_output_read(f->ctx, f->path, "big", &back), DP_OK);
    const dp_table *tb = dp_results_find(back, "big");
    assert_non_null(tb);
    assert_int_equal(tb->size, (size_t)N_A * N_B);
    assert_memory_equal(tb->data, t->data, 2 * t->size * sizeof(double));
    dp_results_free(back);
    dp_results_free(res);
}

/* ------------------------------------------------------------------------------------------ */
/* Several scenarios; duplicates */

static void
test_output_scenarios_in_order(void **state)
{
    fixture *f = *state;
    dp_output *o = NULL;
    dp_results *res = make_results(f->ctx);
    dp_output_meta reform = make_meta("reform");
    dp_output_meta base = make_meta("baseline");
    assert_int_equal(dp_output_open(f->ctx, f->path, "", &o), DP_OK);
    /* Written reform first: the list keeps the writing order, not the alphabet. */
    assert_int_equal(dp_output_write_group(f->ctx, o, &reform, res, &run_info, 0, NULL, NULL),
                     DP_OK);
    assert_int_equal(dp_output_write_group(f->ctx, o, &base, res, &run_info, 0, NULL, NULL), DP_OK);
    assert_int_equal(dp_output_close(f->ctx, o), DP_OK);
    dp_results_free(res);

    char **names = NULL;
    size_t n = 0;
    assert_int_equal(dp_output_scenarios(f->ctx, f->path, &names, &n), DP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "reform");
    assert_string_equal(names[1], "baseline");
    dp_output_names_free(names, n);
    assert_int_equal(count_temp_files(f->dir), 0);
}

static void
test_output_same_scenario_twice_fails(void **state)
{
    fixture *f = *state;
    dp_output *o = NULL;
    dp_results *res = make_results(f->ctx);
    dp_output_meta meta = make_meta("baseline");
    assert_int_equal(dp_output_open(f->ctx, f->path, "", &o), DP_OK);
    assert_int_equal(dp_output_write_group(f->ctx, o, &meta, res, &run_info, 0, NULL, NULL), DP_OK);
    assert_int_equal(dp_output_write_group(f->ctx, o, &meta, res, &run_info, 0, NULL, NULL),
                     DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "written twice"));
    /* The failure discarded the temporary at once; close reports it and creates nothing. */
    assert_int_equal(count_temp_files(f->dir), 0);
    assert_int_equal(dp_output_close(f->ctx, o), DP_EINPUT);
    assert_false(file_exists(f->path));
    assert_int_equal(count_temp_files(f->dir), 0);
    dp_results_free(res);
}

/* ------------------------------------------------------------------------------------------ */
/* Temporary name and rename */

static const char old_content[] = "previous results, not HDF5\n";

static void
test_output_failed_write_keeps_target(void **state)
{
    fixture *f = *state;
    dp_output *o = NULL;
    dp_results *res = make_results(f->ctx);
    dp_output_meta meta = make_meta("baseline");
    size_t len = 0;
    write_file(f->path, old_content);
    assert_int_equal(dp_output_open(f->ctx, f->path, "", &o), DP_OK);
    assert_int_equal(count_temp_files(f->dir), 1);
    /* A table name with '/' cannot be an HDF5 link name. */
    snprintf(res->table[2].name, sizeof res->table[2].name, "bad/name");
    assert_int_equal(dp_output_write_group(f->ctx, o, &meta, res, &run_info, 0, NULL, NULL),
                     DP_EINTERNAL);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "bad/name"));
    assert_int_equal(count_temp_files(f->dir), 0);
    /* Writing more to a failed output is refused. */
    snprintf(res->table[2].name, sizeof res->table[2].name, "fit");
    assert_int_equal(dp_output_write_group(f->ctx, o, &meta, res, &run_info, 0, NULL, NULL),
                     DP_EINTERNAL);
    dp_output_abort(o);
    char *now = read_file(f->path, &len);
    assert_non_null(now);
    assert_int_equal(len, strlen(old_content));
    assert_memory_equal(now, old_content, len);
    free(now);
    assert_int_equal(count_temp_files(f->dir), 0);
    dp_results_free(res);
}

static void
test_output_hdf5_failure_keeps_target(void **state)
{
    fixture *f = *state;
    dp_output *o = NULL;
    dp_results *res = make_results(f->ctx);
    dp_output_meta meta = make_meta("baseline");
    size_t len = 0;
    write_file(f->path, old_content);
    assert_int_equal(dp_output_open(f->ctx, f->path, "", &o), DP_OK);
    /* Two axes of the same name pass the writer's own checks but make HDF5 refuse the second
     * dataset, half-way through the group: a failure inside HDF5. */
    snprintf(res->axis[2].name, sizeof res->axis[2].name, "region");
    assert_int_equal(dp_output_write_group(f->ctx, o, &meta, res, &run_info, 0, NULL, NULL),
                     DP_EHDF5);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "region"));
    assert_int_equal(count_temp_files(f->dir), 0);
    assert_int_equal(dp_output_close(f->ctx, o), DP_EHDF5);
    char *now = read_file(f->path, &len);
    assert_non_null(now);
    assert_int_equal(len, strlen(old_content));
    assert_memory_equal(now, old_content, len);
    free(now);
    assert_int_equal(count_temp_files(f->dir), 0);
    dp_results_free(res);
}

static void
test_output_abort_keeps_target(void **state)
{
    fixture *f = *state;
    dp_output *o = NULL;
    dp_results *res = make_results(f->ctx);
    dp_output_meta meta = make_meta("baseline");
    size_t len = 0;
    write_file(f->path, old_content);
    assert_int_equal(dp_output_open(f->ctx, f->path, "", &o), DP_OK);
    assert_int_equal(dp_output_write_group(f->ctx, o, &meta, res, &run_info, 0, NULL, NULL), DP_OK);
    dp_output_abort(o);
    dp_output_abort(NULL); /* no-op */
    char *now = read_file(f->path, &len);
    assert_non_null(now);
    assert_int_equal(len, strlen(old_content));
    assert_memory_equal(now, old_content, len);
    free(now);
    assert_int_equal(count_temp_files(f->dir), 0);
    dp_results_free(res);
}

static void
test_output_close_replaces_target(void **state)
{
    fixture *f = *state;
    dp_results *back = NULL;
    write_file(f->path, old_content);
    write_sample(f, "baseline");
    assert_int_equal(count_temp_files(f->dir), 0);
    assert_true(H5Fis_hdf5(f->path) > 0);
    assert_int_equal(dp_output_read(f->ctx, f->path, "baseline", &back), DP_OK);
    dp_results_free(back);
}

static void
test_output_open_errors(void **state)
{
    fixture *f = *state;
    dp_output *o = NULL;
    char tmp[256];
    char missing[256];
    size_t len = 0;

    /* A stale temporary file of the same name (same pid) is not overwritten. */
    snprintf(tmp, sizeof tmp, "%s/.results.h5.tmp.%ld", f->dir, (long)getpid());
    write_file(tmp, "someone else's");
    assert_int_equal(dp_output_open(f->ctx, f->path, "", &o), DP_EHDF5);
    assert_null(o);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "temporary file"));
    char *kept = read_file(tmp, &len);
    assert_non_null(kept);
    assert_string_equal(kept, "someone else's");
    free(kept);
    unlink(tmp);
    assert_false(file_exists(f->path));

    /* A folder that does not exist. */
    snprintf(missing, sizeof missing, "%s/no/such/folder/x.h5", f->dir);
    assert_int_equal(dp_output_open(f->ctx, missing, "", &o), DP_EHDF5);
    assert_null(o);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "no/such/folder"));

    /* No file name. */
    assert_int_equal(dp_output_open(f->ctx, "", "", &o), DP_EINPUT);
    assert_int_equal(dp_output_open(f->ctx, "some/dir/", "", &o), DP_EINPUT);
    assert_int_equal(dp_output_close(f->ctx, NULL), DP_EINTERNAL);
}

/* ------------------------------------------------------------------------------------------ */
/* Reader errors */

static void
test_output_read_errors(void **state)
{
    fixture *f = *state;
    dp_results *back = NULL;
    char **names = NULL;
    size_t n = 0;

    /* A missing file and a file that is not HDF5 are bad input. */
    assert_int_equal(dp_output_read(f->ctx, f->path, "baseline", &back), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "cannot open"));
    assert_null(back);
    write_file(f->path, old_content);
    assert_int_equal(dp_output_scenarios(f->ctx, f->path, &names, &n), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "not an HDF5 file"));
    assert_null(names);

    /* An HDF5 file that dpsim did not write. */
    unlink(f->path);
    hid_t file = H5Fcreate(f->path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    H5Fclose(file);
    assert_int_equal(dp_output_scenarios(f->ctx, f->path, &names, &n), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "not a dpsim results file"));
    unlink(f->path);

    /* Fixed-length ASCII attributes and a root group without creation order (as another
     * tool might write them) are read too: a dpsim file of schema 1 with one empty group. */
    file = H5Fcreate(f->path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    const char *const attr_name[2] = {"tool", "schema_version"};
    const char *const attr_value[2] = {"dpsim", "1"};
    for (size_t k = 0; k < 2; k++) {
        hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, strlen(attr_value[k]));
        hid_t space = H5Screate(H5S_SCALAR);
        hid_t attr = H5Acreate2(file, attr_name[k], type, space, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(H5Awrite(attr, type, attr_value[k]) >= 0);
        H5Aclose(attr);
        H5Sclose(space);
        H5Tclose(type);
    }
    hid_t grp = H5Gcreate2(file, "only", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(grp);
    H5Fclose(file);
    assert_int_equal(dp_output_scenarios(f->ctx, f->path, &names, &n), DP_OK);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "only");
    dp_output_names_free(names, n);
    /* ...but that group has no run axis, so it cannot be read as results. */
    assert_int_equal(dp_output_read(f->ctx, f->path, "only", &back), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "no run axis"));
    assert_null(back);
    unlink(f->path);

    /* A schema newer than this dpsim, or not a number: refused, naming the versions read. */
    static const char *const bad_schema[2] = {"6", "4a"};
    for (size_t b = 0; b < 2; b++) {
        file = H5Fcreate(f->path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(file >= 0);
        const char *const value[2] = {"dpsim", bad_schema[b]};
        for (size_t k = 0; k < 2; k++) {
            hid_t type = H5Tcopy(H5T_C_S1);
            H5Tset_size(type, strlen(value[k]));
            hid_t space = H5Screate(H5S_SCALAR);
            hid_t attr = H5Acreate2(file, attr_name[k], type, space, H5P_DEFAULT, H5P_DEFAULT);
            assert_true(H5Awrite(attr, type, value[k]) >= 0);
            H5Aclose(attr);
            H5Sclose(space);
            H5Tclose(type);
        }
        H5Fclose(file);
        assert_int_equal(dp_output_scenarios(f->ctx, f->path, &names, &n), DP_EINPUT);
        char want[128];
        snprintf(want, sizeof want, "schema version '%s', this dpsim reads versions 1 to 5",
                 bad_schema[b]);
        assert_non_null(strstr(dp_ctx_errmsg(f->ctx), want));
        unlink(f->path);
    }

    /* A missing scenario in a real results file. */
    write_sample(f, "baseline");
    assert_int_equal(dp_output_read(f->ctx, f->path, "reform", &back), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "no scenario 'reform'"));
    assert_null(back);
    assert_int_equal(dp_output_read(f->ctx, f->path, "a/b", &back), DP_EINPUT);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_output_roundtrip_axes, per_test_setup),
        cmocka_unit_test_setup(test_output_roundtrip_tables, per_test_setup),
        cmocka_unit_test_setup(test_output_summary_small_integers, per_test_setup),
        cmocka_unit_test_setup(test_output_summary_high_entropy, per_test_setup),
        cmocka_unit_test_setup(test_summary_one_run_and_nan, per_test_setup),
        cmocka_unit_test_setup(test_summary_many_elements, per_test_setup),
        cmocka_unit_test_setup(test_output_root_and_group_attributes, per_test_setup),
        cmocka_unit_test_setup(test_output_provenance, per_test_setup),
        cmocka_unit_test_setup(test_output_dimension_scales, per_test_setup),
        cmocka_unit_test_setup(test_output_chunk_cap, per_test_setup),
        cmocka_unit_test_setup(test_output_scenarios_in_order, per_test_setup),
        cmocka_unit_test_setup(test_output_same_scenario_twice_fails, per_test_setup),
        cmocka_unit_test_setup(test_output_failed_write_keeps_target, per_test_setup),
        cmocka_unit_test_setup(test_output_hdf5_failure_keeps_target, per_test_setup),
        cmocka_unit_test_setup(test_output_abort_keeps_target, per_test_setup),
        cmocka_unit_test_setup(test_output_close_replaces_target, per_test_setup),
        cmocka_unit_test_setup(test_output_open_errors, per_test_setup),
        cmocka_unit_test_setup(test_output_read_errors, per_test_setup),
    };
    return cmocka_run_group_tests_name("output", tests, setup, teardown);
}
