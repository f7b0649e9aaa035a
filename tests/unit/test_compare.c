/* tests/unit/test_compare.c
 *
 * Tests of scenario comparison and the settings (model/analysis/compare.c, dp_params_describe in
 * scenario.c). Results are built by hand (years 2021..2023, two regions, two programmes, 5
 * runs with known per-run totals), written with the library's writer (dp_output_write_group)
 * and read back with dp_output_read, then compared. Every expected number is a hand
 * calculation written out in a comment, or an identity (scaling, sums) stated there.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>

#include "output/output_impl.h"
#include "dp_test.h"
#include "analysis/analysis.h"
#include "output/output.h"
#include "core/results.h"
#include "input/scenario.h"

typedef struct {
    dp_ctx *ctx;
    char dir[64];
    char path[160];
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) {
        return -1;
    }
    f->ctx = dp_ctx_alloc();
    snprintf(f->dir, sizeof f->dir, "/tmp/dp_test_compare.XXXXXX");
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

static int
per_test_setup(void **state)
{
    fixture *f = *state;
    unlink(f->path);
    dp_ctx_clear(f->ctx);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The fixture */

enum { N_RUN = 5, N_YEAR = 3 };

/* Per-run totals of BASE in 2021, and the paired differences d_k = ALT_k - BASE_k. */
static const double base_2021[N_RUN] = {10.5, 12.25, 9.75, 11.0, 13.5};
static const double diff_2021[N_RUN] = {2.0, 3.5, 1.25, 2.75, 4.0};
/* 2022: ALT = BASE + 7.25 in every run (what common random numbers give for a reform that
 * adds a fixed amount). 2023: ALT = BASE. */
static const double base_2022[N_RUN] = {20.125, 18.5, 23.75, 19.0, 21.375};
static const double base_2023[N_RUN] = {30.0, 31.5, 29.25, 33.0, 28.75};

/* Share of a year's total in each [region][programme] cell; programme 0 gets 0.1 + 0.3 = 0.4
 * of the total, programme 1 gets 0.6. */
static const double cell_share[4] = {0.1, 0.2, 0.3, 0.4};

static double
total(int alt, size_t run, size_t year)
{
    switch (year) {
    case 0:
        return base_2021[run] + (alt ? diff_2021[run] : 0.0);
    case 1:
        return base_2022[run] + (alt ? 7.25 : 0.0);
    default:
        return base_2023[run];
    }
}

/* Results over `years` (2021..) with n_run runs: spending [year, region, programme] whose
 * totals are total(alt, run, year) split by cell_share; region labels r0 and region1. */
static dp_results *
make_results(dp_ctx *ctx, int alt, size_t n_run, size_t n_year, const char *region1)
{
    static const char *const year_label[] = {"2021", "2022", "2023", "2024"};
    static const double year_value[] = {2021, 2022, 2023, 2024};
    static const char *const prog_label[] = {"living_subsidy", "care_subsidy"};
    static const char *const prog_zh[] = {"困难残疾人生活补贴", "重度残疾人护理补贴"};
    static const char *const ax[] = {"year", "region", "programme", NULL};
    static const char *const tu_ax[] = {"region", NULL};
    const char *region_label[] = {"daan", region1};
    dp_results *res = dp_results_alloc(n_run);
    dp_table *t = NULL;
    assert_non_null(res);
    assert_int_equal(
        dp_results_add_axis(ctx, res, "year", n_year, year_label, NULL, year_value, NULL), DP_OK);
    assert_int_equal(dp_results_add_axis(ctx, res, "region", 2, region_label, NULL, NULL, NULL),
                     DP_OK);
    assert_int_equal(dp_results_add_axis(ctx, res, "programme", 2, prog_label, prog_zh, NULL, NULL),
                     DP_OK);
    assert_int_equal(
        dp_results_add_table(ctx, res, "spending", "yuan", "Spending", "支出", 1, ax, &t), DP_OK);
    for (size_t run = 0; run < n_run; run++) {
        double *d = dp_table_run(t, run);
        for (size_t year = 0; year < n_year; year++) {
            for (size_t c = 0; c < 4; c++) {
                d[year * 4 + c] = total(alt, run % N_RUN, year % N_YEAR) * cell_share[c];
            }
        }
    }
    assert_int_equal(
        dp_results_add_table(ctx, res, "take_up", "share", "Take-up", "领取率", 0, tu_ax, &t),
        DP_OK);
    t->data[0] = alt ? 0.75 : 0.625;
    t->data[1] = 0.875;
    return res;
}

static const char *const input_path[] = {"scenarios/x.yaml"};
static const char *const input_sha[] = {
    "1111111111111111111111111111111111111111111111111111111111111111"};

/* Writes base and alt as scenarios "base" and "alt" into f->path with the library's writer and
 * reads them back; frees the inputs. */
static void
roundtrip(fixture *f, dp_results *base, dp_results *alt, dp_results **base_back,
          dp_results **alt_back)
{
    dp_output *o = NULL;
    dp_output_meta mb = {"base", "", "dpsim: 1\n", 1, input_path, input_sha, 0, NULL};
    dp_output_meta ma = {"alt", "", "dpsim: 1\n", 1, input_path, input_sha, 0, NULL};
    dp_run_info ib = {"cohort", base->n_run, 7, "philox4x32-10"};
    dp_run_info ia = {"cohort", alt->n_run, 7, "philox4x32-10"};
    assert_int_equal(dp_output_open(f->ctx, f->path, "test", &o), DP_OK);
    assert_int_equal(dp_output_write_group(f->ctx, o, &mb, base, &ib, 0, NULL, NULL), DP_OK);
    assert_int_equal(dp_output_write_group(f->ctx, o, &ma, alt, &ia, 0, NULL, NULL), DP_OK);
    assert_int_equal(dp_output_close(f->ctx, o), DP_OK);
    dp_results_free(base);
    dp_results_free(alt);
    assert_int_equal(dp_output_read(f->ctx, f->path, "base", base_back), DP_OK);
    assert_int_equal(dp_output_read(f->ctx, f->path, "alt", alt_back), DP_OK);
}

/* ------------------------------------------------------------------------------------------ */
/* Differences */

static void
test_compare_paired_known_values(void **state)
{
    fixture *f = *state;
    dp_results *base = NULL, *alt = NULL;
    dp_diff *d = NULL;
    roundtrip(f, make_results(f->ctx, 0, N_RUN, N_YEAR, "huzhong"),
              make_results(f->ctx, 1, N_RUN, N_YEAR, "huzhong"), &base, &alt);
    assert_int_equal(dp_compare_axes(f->ctx, base, alt, "base", "alt"), DP_OK);
    assert_int_equal(dp_compare_table(f->ctx, base, alt, "spending", NULL, &d), DP_OK);
    assert_string_equal(d->table, "spending");
    assert_string_equal(d->unit, "yuan");
    assert_int_equal(d->n_year, 3);
    assert_int_equal(d->n_group, 1);
    assert_true(d->paired);
    assert_int_equal(d->n_run_base, 5);

    /* 2021. BASE = {10.5, 12.25, 9.75, 11, 13.5}: mean 57 / 5 = 11.4; deviations -0.9, 0.85,
     * -1.65, -0.4, 2.1, squares sum 8.825, Var(BASE) = 8.825 / 4 = 2.20625.
     * d = {2, 3.5, 1.25, 2.75, 4}: mean 13.5 / 5 = 2.7; deviations -0.7, 0.8, -1.45, 0.05, 1.3,
     * squares sum 4.925, Var(d) = 1.23125. Sorted d = {1.25, 2, 2.75, 3.5, 4}: the 5th
     * percentile sits at position 0.05 * 4 = 0.2, 1.25 + 0.2 (2 - 1.25) = 1.4; the 95th at
     * 3.8, 3.5 + 0.8 (4 - 3.5) = 3.9.
     * ALT = BASE + d = {12.5, 15.75, 11, 13.75, 17.5}: mean 70.5 / 5 = 14.1; deviations -1.6,
     * 1.65, -3.1, -0.35, 3.4, squares sum 26.575, Var(ALT) = 6.64375.
     * Variance removed = 1 - 1.23125 / (6.64375 + 2.20625) = 1 - 1.23125 / 8.85
     * = 0.860875706214689... */
    assert_close(d->base_mean[0], 11.4, 1e-13, 0);
    assert_close(d->alt_mean[0], 14.1, 1e-13, 0);
    assert_close(d->mean[0], 2.7, 1e-13, 0);
    assert_close(d->p05[0], 1.4, 1e-13, 0);
    assert_close(d->p95[0], 3.9, 1e-13, 0);
    assert_close(d->var_removed[0], 1.0 - 1.23125 / 8.85, 1e-12, 0);

    /* 2022, ALT = BASE + 7.25 in every run: every d_k is 7.25, so the interval has width 0 and
     * Var(d) = 0: pairing removed all the variance (1), while Var(BASE) = Var(ALT) > 0. */
    assert_close(d->mean[1], 7.25, 1e-13, 0);
    assert_close(d->p05[1], 7.25, 1e-13, 0);
    assert_close(d->p95[1], 7.25, 1e-13, 0);
    assert_close(d->var_removed[1], 1.0, 1e-12, 0);
    /* BASE 2022 mean: (20.125 + 18.5 + 23.75 + 19 + 21.375) / 5 = 102.75 / 5 = 20.55. */
    assert_close(d->base_mean[1], 20.55, 1e-13, 0);
    assert_close(d->alt_mean[1], 20.55 + 7.25, 1e-13, 0);

    /* 2023, ALT = BASE: zero difference, all variance removed. */
    assert_close(d->mean[2], 0.0, 0, 1e-12);
    assert_close(d->p05[2], 0.0, 0, 1e-12);
    assert_close(d->p95[2], 0.0, 0, 1e-12);
    assert_close(d->var_removed[2], 1.0, 1e-12, 0);
    dp_diff_free(d);

    /* Kept axis: programme 0 holds 0.1 + 0.3 = 0.4 of every total, so its differences and
     * percentiles are 0.4 times the totals' (quantiles of a positively scaled sample scale),
     * and the variance removed, a ratio of variances, is unchanged. */
    assert_int_equal(dp_compare_table(f->ctx, base, alt, "spending", "programme", &d), DP_OK);
    assert_int_equal(d->n_group, 2);
    assert_close(d->mean[0], 0.4 * 2.7, 1e-13, 0);
    assert_close(d->p05[0], 0.4 * 1.4, 1e-13, 0);
    assert_close(d->p95[0], 0.4 * 3.9, 1e-13, 0);
    assert_close(d->var_removed[0], 1.0 - 1.23125 / 8.85, 1e-12, 0);
    assert_close(d->mean[1], 0.6 * 2.7, 1e-13, 0);         /* [2021][care] */
    assert_close(d->p95[1 * 2 + 1], 0.6 * 7.25, 1e-13, 0); /* [2022][care] */
    dp_diff_free(d);

    /* A base table (no run dimension): one value each, never paired; no year axis. The
     * difference of take-up summed over regions: (0.75 + 0.875) - (0.625 + 0.875) = 0.125. */
    assert_int_equal(dp_compare_table(f->ctx, base, alt, "take_up", NULL, &d), DP_OK);
    assert_false(d->paired);
    assert_int_equal(d->n_year, 1);
    assert_true(d->year_axis == (size_t)-1);
    assert_close(d->mean[0], 0.125, 1e-14, 0);
    assert_true(isnan(d->p05[0]) && isnan(d->p95[0]) && isnan(d->var_removed[0]));
    dp_diff_free(d);
    dp_results_free(base);
    dp_results_free(alt);
}

static void
test_compare_unpaired(void **state)
{
    fixture *f = *state;
    dp_results *base = NULL, *alt = NULL;
    dp_diff *d = NULL;
    /* ALT with 3 runs (the first three of the fixture), BASE with 5: no pairing. The mean
     * difference is the difference of means: ALT 2021 = {12.5, 15.75, 11}, mean 39.25 / 3;
     * BASE mean 11.4 (above). */
    roundtrip(f, make_results(f->ctx, 0, N_RUN, N_YEAR, "huzhong"),
              make_results(f->ctx, 1, 3, N_YEAR, "huzhong"), &base, &alt);
    assert_int_equal(dp_compare_table(f->ctx, base, alt, "spending", NULL, &d), DP_OK);
    assert_false(d->paired);
    assert_int_equal(d->n_run_base, 5);
    assert_int_equal(d->n_run_alt, 3);
    assert_close(d->mean[0], 39.25 / 3.0 - 11.4, 1e-13, 0);
    assert_true(isnan(d->p05[0]) && isnan(d->p95[0]) && isnan(d->var_removed[0]));
    dp_diff_free(d);
    dp_results_free(base);
    dp_results_free(alt);

    /* One run each: no pairing either. Run 0: 12.5 - 10.5 = 2. */
    per_test_setup(state);
    roundtrip(f, make_results(f->ctx, 0, 1, N_YEAR, "huzhong"),
              make_results(f->ctx, 1, 1, N_YEAR, "huzhong"), &base, &alt);
    assert_int_equal(dp_compare_table(f->ctx, base, alt, "spending", NULL, &d), DP_OK);
    assert_false(d->paired);
    assert_close(d->mean[0], 2.0, 1e-13, 0);
    assert_true(isnan(d->var_removed[0]));
    dp_diff_free(d);
    dp_results_free(base);
    dp_results_free(alt);
}

static void
test_compare_no_spread(void **state)
{
    fixture *f = *state;
    /* Every run identical (a deterministic engine without distributions): paired, the
     * interval is the difference itself, and there is no variance for pairing to remove. */
    dp_results *base = make_results(f->ctx, 0, 4, N_YEAR, "huzhong");
    dp_results *alt = make_results(f->ctx, 1, 4, N_YEAR, "huzhong");
    dp_table *tb = dp_results_find(base, "spending"), *ta = dp_results_find(alt, "spending");
    for (size_t run = 1; run < 4; run++) {
        memcpy(dp_table_run(tb, run), dp_table_run(tb, 0), tb->size * sizeof(double));
        memcpy(dp_table_run(ta, run), dp_table_run(ta, 0), ta->size * sizeof(double));
    }
    dp_diff *d = NULL;
    assert_int_equal(dp_compare_table(f->ctx, base, alt, "spending", NULL, &d), DP_OK);
    assert_true(d->paired);
    /* Run 0 of 2021: d = 2 (diff_2021[0]). */
    assert_close(d->p05[0], 2.0, 1e-13, 0);
    assert_close(d->p95[0], 2.0, 1e-13, 0);
    assert_true(isnan(d->var_removed[0]));
    dp_diff_free(d);
    dp_results_free(base);
    dp_results_free(alt);
}

static void
test_compare_nan_run(void **state)
{
    fixture *f = *state;
    dp_results *base = make_results(f->ctx, 0, N_RUN, N_YEAR, "huzhong");
    dp_results *alt = make_results(f->ctx, 1, N_RUN, N_YEAR, "huzhong");
    dp_table *ta = dp_results_find(alt, "spending");
    dp_table_run(ta, 3)[0] = NAN; /* run 3, 2021, first cell */
    dp_diff *d = NULL;
    assert_int_equal(dp_compare_table(f->ctx, base, alt, "spending", NULL, &d), DP_OK);
    assert_true(isnan(d->mean[0]) && isnan(d->p05[0]) && isnan(d->var_removed[0]));
    assert_close(d->mean[1], 7.25, 1e-13, 0); /* other years are unaffected */
    dp_diff_free(d);
    dp_results_free(base);
    dp_results_free(alt);
}

static void
test_compare_mismatched_axes(void **state)
{
    fixture *f = *state;
    dp_results *base = make_results(f->ctx, 0, N_RUN, N_YEAR, "huzhong");
    dp_results *longer = make_results(f->ctx, 1, N_RUN, 4, "huzhong");
    dp_results *other = make_results(f->ctx, 1, N_RUN, N_YEAR, "hulan");
    dp_diff *d = NULL;

    /* Different horizons. */
    assert_int_equal(dp_compare_axes(f->ctx, base, longer, "b", "a"), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "different year axes"));
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "2021…2023 (3 labels) in 'b'"));
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "2021…2024 (4 labels) in 'a'"));
    assert_int_equal(dp_compare_table(f->ctx, base, longer, "spending", NULL, &d), DP_EINPUT);
    assert_null(d);

    /* Same length, one region label differs. */
    assert_int_equal(dp_compare_axes(f->ctx, base, other, "b", "a"), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "different region axes: label 2 is "
                                                  "'huzhong' in 'b' and 'hulan' in 'a'"));
    assert_int_equal(dp_compare_table(f->ctx, base, other, "spending", NULL, &d), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "region axis differs"));

    /* A parameter axis may differ (distributions differ between scenarios). */
    static const char *const p1[] = {"rates.onset_multiplier"};
    static const char *const p2[] = {"rates.onset_multiplier", "rates.dibao_exit"};
    dp_results *b2 = make_results(f->ctx, 0, N_RUN, N_YEAR, "huzhong");
    dp_results *a2 = make_results(f->ctx, 1, N_RUN, N_YEAR, "huzhong");
    assert_int_equal(dp_results_add_axis(f->ctx, b2, "parameter", 1, p1, NULL, NULL, NULL), DP_OK);
    assert_int_equal(dp_results_add_axis(f->ctx, a2, "parameter", 2, p2, NULL, NULL, NULL), DP_OK);
    assert_int_equal(dp_compare_axes(f->ctx, b2, a2, "b", "a"), DP_OK);
    /* So may the target axis (each scenario lists its own plan targets). */
    static const char *const t1[] = {"certified_share_2025"};
    static const char *const t2[] = {"children_2030", "disabled_2035"};
    assert_int_equal(dp_results_add_axis(f->ctx, b2, "target", 1, t1, NULL, NULL, NULL), DP_OK);
    assert_int_equal(dp_results_add_axis(f->ctx, a2, "target", 2, t2, NULL, NULL, NULL), DP_OK);
    assert_int_equal(dp_compare_axes(f->ctx, b2, a2, "b", "a"), DP_OK);

    /* A results without a region axis against one with. */
    dp_results *bare = dp_results_alloc(N_RUN);
    static const char *const yl[] = {"2021", "2022", "2023"};
    static const double yv[] = {2021, 2022, 2023};
    assert_int_equal(dp_results_add_axis(f->ctx, bare, "year", 3, yl, NULL, yv, NULL), DP_OK);
    assert_int_equal(dp_compare_axes(f->ctx, base, bare, "b", "a"), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "scenario 'b' has a region axis and 'a' has "
                                                  "none"));
    dp_results_free(bare);
    dp_results_free(b2);
    dp_results_free(a2);
    dp_results_free(base);
    dp_results_free(longer);
    dp_results_free(other);
}

static void
test_compare_table_errors(void **state)
{
    fixture *f = *state;
    dp_results *base = make_results(f->ctx, 0, N_RUN, N_YEAR, "huzhong");
    dp_results *alt = make_results(f->ctx, 1, N_RUN, N_YEAR, "huzhong");
    dp_diff *d = NULL;
    assert_int_equal(dp_compare_table(f->ctx, base, alt, "nosuch", NULL, &d), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "table 'nosuch' is not in the base"));
    assert_int_equal(dp_compare_table(f->ctx, base, alt, "spending", "sex", &d), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx),
                           "table 'spending' has no axis 'sex' (its axes: year, region, "
                           "programme)"));
    assert_int_equal(dp_compare_table(f->ctx, base, alt, "spending", "year", &d), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "the year axis is always kept"));
    assert_null(d);
    dp_diff_free(NULL); /* no-op */
    dp_results_free(base);
    dp_results_free(alt);
}

/* ------------------------------------------------------------------------------------------ */
/* Settings */

/* Index of path in the settings, or -1. */
static long
find_setting(const dp_setting *s, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s[i].path, path) == 0) {
            return (long)i;
        }
    }
    return -1;
}

static void
test_params_describe(void **state)
{
    fixture *f = *state;
    dp_params p;
    static dp_setting s[1024];
    size_t n = 0, n2 = 0;
    dp_params_default(&p);
    assert_int_equal(dp_params_describe(f->ctx, &p, 2021, NULL, 0, &n), DP_OK);
    assert_true(n > 40 && n <= 1024);
    assert_int_equal(dp_params_describe(f->ctx, &p, 2021, s, n, &n2), DP_OK);
    assert_int_equal(n2, n);
    assert_int_equal(dp_params_describe(f->ctx, &p, 2021, s, n - 1, &n2), DP_EINTERNAL);

    /* Defaults (params.c, docs/scenarios.md): onset multiplier 1, take-up calibrated (NaN with
     * its word), certification balanced, marginal_from never, birth rate from the region file,
     * care subsidy 100 yuan for grade 1 and 0 for grade 3, switches on. */
    long i = find_setting(s, n, "rates.onset_multiplier");
    assert_true(i >= 0);
    assert_close(s[i].value, 1.0, 0, 0);
    assert_null(s[i].word);
    i = find_setting(s, n, "programmes.care_subsidy.take_up");
    assert_true(i >= 0 && isnan(s[i].value));
    assert_string_equal(s[i].word, "calibrated");
    i = find_setting(s, n, "rates.certification.severe");
    assert_true(i >= 0 && isnan(s[i].value));
    assert_string_equal(s[i].word, "balanced");
    i = find_setting(s, n, "programmes.living_subsidy.marginal_from");
    assert_true(i >= 0 && isnan(s[i].value));
    assert_string_equal(s[i].word, "never");
    i = find_setting(s, n, "population.birth_rate");
    assert_true(i >= 0 && isnan(s[i].value));
    assert_string_equal(s[i].word, "region file");
    i = find_setting(s, n, "programmes.care_subsidy.monthly.grade1");
    assert_true(i >= 0);
    assert_close(s[i].value, 100.0, 0, 0);
    i = find_setting(s, n, "programmes.care_subsidy.monthly.grade3");
    assert_close(s[i].value, 0.0, 0, 0);
    i = find_setting(s, n, "programmes.care_subsidy.enabled");
    assert_close(s[i].value, 1.0, 0, 0);
    /* Not settings: names, titles, regions. */
    assert_true(find_setting(s, n, "name") < 0 && find_setting(s, n, "regions") < 0);

    /* Dated values and indexation. Living subsidy grade 2: {2021: 80, 2024: 96} with
     * indexation 0.05: in 2023 the dated value is 80, paid 80 * 1.05^2 = 88.2 (indexed from
     * the key year 2021); in 2026, 96 from 2024, paid 96 * 1.05^2 = 105.84. Marginal
     * households from 2025: the year itself. */
    dp_sched *m = &p.prog[DP_PROG_LIVING].amount[1];
    m->n = 2;
    m->year[0] = 2021;
    m->value[0] = 80.0;
    m->year[1] = 2024;
    m->value[1] = 96.0;
    p.prog[DP_PROG_LIVING].index_rate = 0.05;
    p.prog[DP_PROG_LIVING].marginal_from = 2025;
    assert_int_equal(dp_params_describe(f->ctx, &p, 2023, s, n, &n2), DP_OK);
    i = find_setting(s, n, "programmes.living_subsidy.monthly.grade2");
    assert_close(s[i].value, 80.0, 0, 0);
    i = find_setting(s, n, "programmes.living_subsidy.monthly_indexed.grade2");
    assert_close(s[i].value, 88.2, 1e-14, 0);
    i = find_setting(s, n, "programmes.living_subsidy.marginal_from");
    assert_close(s[i].value, 2025.0, 0, 0);
    assert_int_equal(dp_params_describe(f->ctx, &p, 2026, s, n, &n2), DP_OK);
    i = find_setting(s, n, "programmes.living_subsidy.monthly.grade2");
    assert_close(s[i].value, 96.0, 0, 0);
    i = find_setting(s, n, "programmes.living_subsidy.monthly_indexed.grade2");
    assert_close(s[i].value, 105.84, 1e-14, 0);
    assert_int_equal(n2, n); /* the count does not depend on p or the year */
}

/* Results with the year axis 2021..2030 and the settings of p. */
static dp_results *
settings_results(dp_ctx *ctx, const dp_params *p)
{
    const char *yl[10];
    double yv[10];
    char buf[10][8];
    static const char *const ax[] = {"year", NULL};
    dp_results *res = dp_results_alloc(1);
    dp_table *t = NULL;
    for (size_t i = 0; i < 10; i++) {
        snprintf(buf[i], sizeof buf[i], "%zu", 2021 + i);
        yl[i] = buf[i];
        yv[i] = 2021.0 + (double)i;
    }
    assert_int_equal(dp_results_add_axis(ctx, res, "year", 10, yl, NULL, yv, NULL), DP_OK);
    assert_int_equal(dp_results_add_table(ctx, res, "dummy", "1", "d", "d", 1, ax, &t), DP_OK);
    assert_int_equal(dp_settings_add(ctx, res, p), DP_OK);
    return res;
}

static void
test_settings_diff_one_dated_amount(void **state)
{
    fixture *f = *state;
    dp_params pb, pa;
    dp_params_default(&pb);
    pb.year_end = 2030;
    pa = pb;
    /* ALT raises the grade-1 care subsidy from 100 to 150 yuan in 2027. */
    dp_sched *m = &pa.prog[DP_PROG_CARE].amount[0];
    m->n = 2;
    m->year[0] = 2021;
    m->value[0] = 100.0;
    m->year[1] = 2027;
    m->value[1] = 150.0;
    dp_results *base = NULL, *alt = NULL;
    roundtrip(f, settings_results(f->ctx, &pb), settings_results(f->ctx, &pa), &base, &alt);

    /* The settings table survived the writer: [setting, year], the value for 2021. */
    dp_table *t = dp_results_find(base, "settings");
    assert_non_null(t);
    assert_false(t->per_run);
    size_t sa = dp_results_find_axis(base, "setting");
    assert_true(sa != (size_t)-1 && t->axis[0] == sa);

    dp_setting_range *r = NULL;
    size_t n = 0;
    assert_int_equal(dp_settings_diff(f->ctx, base, alt, &r, &n), DP_OK);
    /* Exactly that key, as dated and as paid (indexation 0: the same numbers), each with the
     * ranges 2021-2026 (100 -> 100) and 2027-2030 (100 -> 150). */
    assert_int_equal(n, 4);
    static const char *const want[] = {"programmes.care_subsidy.monthly.grade1",
                                       "programmes.care_subsidy.monthly_indexed.grade1"};
    for (size_t k = 0; k < 2; k++) {
        assert_string_equal(r[2 * k].path, want[k]);
        assert_int_equal(r[2 * k].year_from, 2021);
        assert_int_equal(r[2 * k].year_to, 2026);
        assert_close(r[2 * k].base, 100.0, 0, 0);
        assert_close(r[2 * k].alt, 100.0, 0, 0);
        assert_false(r[2 * k].differs);
        assert_string_equal(r[2 * k + 1].path, want[k]);
        assert_int_equal(r[2 * k + 1].year_from, 2027);
        assert_int_equal(r[2 * k + 1].year_to, 2030);
        assert_close(r[2 * k + 1].alt, 150.0, 0, 0);
        assert_true(r[2 * k + 1].differs);
    }
    free(r);

    /* Identical settings: nothing reported. */
    assert_int_equal(dp_settings_diff(f->ctx, base, base, &r, &n), DP_OK);
    assert_int_equal(n, 0);
    assert_null(r);
    dp_results_free(base);
    dp_results_free(alt);

    /* With indexation 0.05 in both, the paid amounts differ from 2027 and change every year:
     * 2027: 150 (key year 2027, not yet indexed) against 100 * 1.05^6 = 134.0095640625; 2028:
     * 150 * 1.05 = 157.5 against 100 * 1.05^7 = 140.710042265625. The dated key still has
     * two ranges. */
    pb.prog[DP_PROG_CARE].index_rate = 0.05;
    pa.prog[DP_PROG_CARE].index_rate = 0.05;
    base = settings_results(f->ctx, &pb);
    alt = settings_results(f->ctx, &pa);
    assert_int_equal(dp_settings_diff(f->ctx, base, alt, &r, &n), DP_OK);
    /* monthly.grade1: 2 ranges; monthly_indexed.grade1: the pair of values changes every
     * year under indexation, so each year is its own range: 10. */
    assert_int_equal(n, 2 + 10);
    assert_string_equal(r[2].path, "programmes.care_subsidy.monthly_indexed.grade1");
    assert_int_equal(r[2 + 6].year_from, 2027);
    assert_close(r[2 + 6].base, 134.0095640625, 1e-14, 0);
    assert_close(r[2 + 6].alt, 150.0, 1e-14, 0);
    assert_int_equal(r[2 + 7].year_from, 2028);
    assert_close(r[2 + 7].base, 140.710042265625, 1e-14, 0);
    assert_close(r[2 + 7].alt, 157.5, 1e-14, 0);
    assert_false(r[2 + 5].differs); /* 2026: both 100 * 1.05^5 */
    free(r);

    /* Words: take-up calibrated in BASE, 0.9 in ALT from the start. */
    pa = pb;
    pa.prog[DP_PROG_LIVING].take_up = 0.9;
    dp_results *alt2 = settings_results(f->ctx, &pa);
    assert_int_equal(dp_settings_diff(f->ctx, base, alt2, &r, &n), DP_OK);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].path, "programmes.living_subsidy.take_up");
    assert_true(isnan(r[0].base));
    assert_string_equal(r[0].word, "calibrated");
    assert_int_equal(r[0].year_from, 2021);
    assert_int_equal(r[0].year_to, 2030);
    free(r);

    /* A results without the table: bad input naming the scenario. */
    dp_results *none = make_results(f->ctx, 0, 1, N_YEAR, "huzhong");
    assert_int_equal(dp_settings_diff(f->ctx, base, none, &r, &n), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "the alternative scenario has no table "
                                                  "base/settings"));
    /* Adding twice is a programming error. */
    assert_int_equal(dp_settings_add(f->ctx, base, &pb), DP_EINTERNAL);
    dp_results_free(none);
    dp_results_free(alt2);
    dp_results_free(base);
    dp_results_free(alt);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_compare_paired_known_values, per_test_setup),
        cmocka_unit_test_setup(test_compare_unpaired, per_test_setup),
        cmocka_unit_test_setup(test_compare_no_spread, per_test_setup),
        cmocka_unit_test_setup(test_compare_nan_run, per_test_setup),
        cmocka_unit_test_setup(test_compare_mismatched_axes, per_test_setup),
        cmocka_unit_test_setup(test_compare_table_errors, per_test_setup),
        cmocka_unit_test_setup(test_params_describe, per_test_setup),
        cmocka_unit_test_setup(test_settings_diff_one_dated_amount, per_test_setup),
    };
    return cmocka_run_group_tests_name("compare", tests, setup, teardown);
}
