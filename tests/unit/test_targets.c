/* tests/unit/test_targets.c
 *
 * Tests of plan targets (model/src/targets.c): the indicator table, the evaluation of targets
 * on a hand-built set of 5 replicates whose values were chosen so that every expected
 * probability, gap and yuan gap is a hand calculation (written next to each check), the
 * labels and the definition table, the round trip through the HDF5 writer (summary/target_met
 * IS the probability) and the reader, and every error path.
 *
 * The replicate set: years 2024 and 2025, regions a (甲) and b (乙), the eight headline
 * indicators and the two programmes, 5 runs. Only the cells a test reads are set; the rest
 * are 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>

#include "../../model/src/output_impl.h"
#include "dp_test.h"
#include "dpsim/output.h"
#include "dpsim/results.h"
#include "dpsim/targets.h"

enum { N_RUN = 5, N_YEAR = 2, N_REG = 2, N_IND = 8, N_PROG = 2 };
enum { Y2024 = 0, Y2025 = 1, RA = 0, RB = 1 };
enum { I_DISABLED, I_SEVERE, I_AGED60, I_CHILDREN, I_CERT, I_SEVCERT, I_DIBAO, I_MARGINAL };
enum { P_LIVING, P_CARE };

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
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    f->ctx = dp_ctx_alloc();
    snprintf(f->dir, sizeof f->dir, "/tmp/dp_test_targets.XXXXXX");
    if (!f->ctx || !mkdtemp(f->dir)) {
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/results.h5", f->dir);
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
    dp_ctx_clear(f->ctx);
    unlink(f->path);
    return 0;
}

/* Cell of a [year, region, K] table in run `run`. */
static double *
at(dp_table *t, size_t run, size_t year, size_t reg, size_t k, size_t n_k)
{
    return dp_table_run(t, run) + (year * N_REG + reg) * n_k + k;
}

/* The hand-built replicate set (see the file header); values per run k = 0..4. */
static dp_results *
build(dp_ctx *ctx)
{
    static const char *const year_label[] = {"2024", "2025"};
    static const double year_value[] = {2024, 2025};
    static const char *const reg_label[] = {"a", "b"};
    static const char *const reg_zh[] = {"甲", "乙"};
    static const char *const ind_label[] = {"disabled",  "severe",           "aged60", "children",
                                            "certified", "severe_certified", "dibao",  "marginal"};
    static const char *const prog_label[] = {"living_subsidy", "care_subsidy"};
    static const char *const ax_ind[] = {"year", "region", "indicator", NULL};
    static const char *const ax_prog[] = {"year", "region", "programme", NULL};
    /* 2025, all regions: disabled 600 (a) + 400 (b) = 1000 in every run; certified in a
     * 560 and in b 370, 320, 345, 290, 340: totals 930, 880, 905, 850, 900. */
    static const double cert_b[N_RUN] = {370, 320, 345, 290, 340};
    /* 2024, all regions: disabled 600 in a, b as below: totals 1000, 1000.4, 999, 1001, 1000. */
    static const double dis24_b[N_RUN] = {400, 400.4, 399, 401, 400};
    /* 2025 care-subsidy recipients in a, and its spending there at 1200, 1100, 1000, 1300 and
     * 1000 yuan per recipient; b has 1000 recipients in every run (so the sum differs). */
    static const double care_a[N_RUN] = {520, 480, 500, 450, 499};
    static const double cost_a[N_RUN] = {1200, 1100, 1000, 1300, 1000};
    /* 2025 spending: living 1,000,000 in a, care in a as above, the rest in b so that the
     * totals over regions and programmes are 1,900,000; 2,050,000; 2,000,000; 2,100,000;
     * 1,950,000. */
    static const double total[N_RUN] = {1900000, 2050000, 2000000, 2100000, 1950000};
    /* 2025 dibao, all regions: 299, 300, 301, 250, 300 (all in b). */
    static const double dibao_b[N_RUN] = {299, 300, 301, 250, 300};
    /* 2025 severe and severe certified in b: run 2 has no severely disabled person. */
    static const double severe_b[N_RUN] = {100, 80, 0, 50, 10};
    static const double sevcert_b[N_RUN] = {60, 40, 0, 20, 5};
    dp_results *res = dp_results_alloc(N_RUN);
    dp_table *ind = NULL, *rec = NULL, *sp = NULL;
    if (!res || dp_results_add_axis(ctx, res, "year", N_YEAR, year_label, NULL, year_value, NULL) ||
        dp_results_add_axis(ctx, res, "region", N_REG, reg_label, reg_zh, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "indicator", N_IND, ind_label, NULL, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "programme", N_PROG, prog_label, NULL, NULL, NULL) ||
        dp_results_add_table(ctx, res, "indicators", "persons", "i", "i", 1, ax_ind, &ind) ||
        dp_results_add_table(ctx, res, "recipients", "persons", "r", "r", 1, ax_prog, &rec) ||
        dp_results_add_table(ctx, res, "spending", "yuan", "s", "s", 1, ax_prog, &sp)) {
        dp_results_free(res);
        return NULL;
    }
    for (size_t run = 0; run < N_RUN; run++) {
        *at(ind, run, Y2025, RA, I_DISABLED, N_IND) = 600;
        *at(ind, run, Y2025, RB, I_DISABLED, N_IND) = 400;
        *at(ind, run, Y2025, RA, I_CERT, N_IND) = 560;
        *at(ind, run, Y2025, RB, I_CERT, N_IND) = cert_b[run];
        *at(ind, run, Y2024, RA, I_DISABLED, N_IND) = 600;
        *at(ind, run, Y2024, RB, I_DISABLED, N_IND) = dis24_b[run];
        *at(ind, run, Y2025, RB, I_DIBAO, N_IND) = dibao_b[run];
        *at(ind, run, Y2025, RB, I_SEVERE, N_IND) = severe_b[run];
        *at(ind, run, Y2025, RB, I_SEVCERT, N_IND) = sevcert_b[run];
        *at(rec, run, Y2025, RA, P_CARE, N_PROG) = care_a[run];
        *at(rec, run, Y2025, RB, P_CARE, N_PROG) = 1000;
        double care_sp = care_a[run] * cost_a[run];
        *at(sp, run, Y2025, RA, P_CARE, N_PROG) = care_sp;
        *at(sp, run, Y2025, RA, P_LIVING, N_PROG) = 1000000;
        *at(sp, run, Y2025, RB, P_LIVING, N_PROG) = total[run] - 1000000 - care_sp;
    }
    return res;
}

static dp_target
target(const char *indicator, const char *region, int year, dp_target_op op, double value,
       int binding)
{
    dp_target t;
    memset(&t, 0, sizeof t);
    snprintf(t.indicator, sizeof t.indicator, "%s", indicator);
    snprintf(t.region, sizeof t.region, "%s", region);
    t.year = year;
    t.op = op;
    t.value = value;
    t.binding = binding;
    t.tolerance = NAN;
    return t;
}

/* The targets of the tests below, in this order. */
enum { T_CERT, T_CARE, T_TOTAL, T_EQ, T_LT, T_NAN, T_CERT2, N_T };

static void
targets(dp_target *t)
{
    t[T_CERT] = target("certified_share", "", 2025, DP_OP_GE, 0.9, 1);
    snprintf(t[T_CERT].name_zh, sizeof t[T_CERT].name_zh, "持证率九成");
    t[T_CARE] = target("care_subsidy_recipients", "a", 2025, DP_OP_GE, 500, 0);
    t[T_TOTAL] = target("total_spending", "", 2025, DP_OP_LE, 2000000, 0);
    t[T_EQ] = target("disabled", "", 2024, DP_OP_EQ, 1000, 1);
    t[T_EQ].tolerance = 0.5;
    t[T_LT] = target("dibao", "", 2025, DP_OP_LT, 300, 0);
    t[T_NAN] = target("severe_certified_share", "b", 2025, DP_OP_GT, 0.5, 1);
    t[T_CERT2] = target("certified_share", "", 2025, DP_OP_LE, 0.95, 0);
}

static double
cell(const dp_results *res, const char *table, size_t run, size_t i)
{
    const dp_table *t = dp_results_find(res, table);
    assert_non_null(t);
    return dp_table_run(t, run)[i];
}

/* The sum over runs of a table's target i, divided by N_RUN: its mean. */
static double
mean_of(const dp_results *res, const char *table, size_t i)
{
    double s = 0.0;
    for (size_t run = 0; run < N_RUN; run++) {
        s += cell(res, table, run, i);
    }
    return s / N_RUN;
}

/* ------------------------------------------------------------------------------------------ */

static void
test_targets_indicator_table(void **state)
{
    (void)state;
    dp_indicator ind;
    /* 8 persons + 2 shares + recipients and spending of each programme + total
     * spending (targets.h). */
    assert_int_equal(dp_indicator_count(), 8 + 2 + 2 * DP_N_PROG + 1);
    for (size_t i = 0; i < dp_indicator_count(); i++) {
        dp_indicator a, b;
        dp_indicator_get(i, &a);
        assert_true(a.key[0] && a.name[0] && a.name_zh[0] && a.unit);
        for (size_t j = 0; j < i; j++) {
            dp_indicator_get(j, &b);
            assert_string_not_equal(a.key, b.key);
        }
    }
    /* The Chinese names the issue gives as examples. */
    assert_true(dp_indicator_find("living_subsidy_recipients", &ind));
    assert_string_equal(ind.name_zh, "困难残疾人生活补贴受益人数");
    assert_int_equal(ind.kind, DP_IND_RECIPIENTS);
    assert_string_equal(ind.source, "living_subsidy");
    assert_true(dp_indicator_find("certified_share", &ind));
    assert_string_equal(ind.name_zh, "持证率");
    assert_string_equal(ind.source, "certified");
    assert_string_equal(ind.denominator, "disabled");
    assert_string_equal(ind.unit, "share");
    assert_true(dp_indicator_find("certified", &ind));
    assert_string_equal(ind.name_zh, "持证残疾人数");
    assert_true(dp_indicator_find("care_subsidy_spending", &ind));
    assert_string_equal(ind.unit, "yuan");
    assert_true(dp_indicator_find("total_spending", &ind));
    assert_string_equal(ind.source, ""); /* all programmes */
    assert_false(dp_indicator_find("certified_shares", NULL));
    /* == tolerances (the issue): 0.5 persons, 1e-9 otherwise. */
    assert_close(dp_target_default_tolerance(DP_IND_PERSONS), 0.5, 0, 0);
    assert_close(dp_target_default_tolerance(DP_IND_RECIPIENTS), 0.5, 0, 0);
    assert_close(dp_target_default_tolerance(DP_IND_SHARE), 1e-9, 0, 0);
    assert_close(dp_target_default_tolerance(DP_IND_SPENDING), 1e-9, 0, 0);
}

/* The values, met, gaps and yuan gaps of every target, by hand from build(). */
static void
test_targets_hand_built_runs(void **state)
{
    fixture *f = *state;
    dp_target t[N_T];
    dp_results *res = build(f->ctx);
    assert_non_null(res);
    targets(t);
    assert_int_equal(dp_targets_eval(f->ctx, t, N_T, res), DP_OK);

    /* certified_share 2025 >= 0.9, all regions: shares 930/1000 ... = 0.93, 0.88, 0.905,
     * 0.85, 0.90; met in runs 0, 2, 4 (0.9 >= 0.9): P = 3/5. Persons short = shortfall x
     * 1000 disabled: 0, 20, 0, 50, 0, mean 14. No unit cost: NaN. */
    static const double share[N_RUN] = {0.93, 0.88, 0.905, 0.85, 0.90};
    static const double cert_gap[N_RUN] = {0, 20, 0, 50, 0};
    for (size_t run = 0; run < N_RUN; run++) {
        assert_close(cell(res, "target_values", run, T_CERT), share[run], 1e-12, 0);
        assert_close(cell(res, "target_gap", run, T_CERT), cert_gap[run], 1e-9, 1e-9);
        assert_true(isnan(cell(res, "target_gap_yuan", run, T_CERT)));
    }
    assert_close(mean_of(res, "target_met", T_CERT), 3.0 / 5.0, 0, 1e-15);
    assert_close(mean_of(res, "target_gap", T_CERT), 14.0, 1e-9, 0);

    /* care_subsidy_recipients 2025 >= 500 in region a only: 520, 480, 500, 450, 499; met in
     * runs 0 and 2: P = 2/5. Short 0, 20, 0, 50, 1 (mean 71/5 = 14.2); yuan at that run's
     * spending per recipient 1100, 1300, 1000: 22,000, 65,000, 1,000 (mean 88,000/5 =
     * 17,600); 0 in runs that meet it. */
    static const double care_gap[N_RUN] = {0, 20, 0, 50, 1};
    static const double care_yuan[N_RUN] = {0, 22000, 0, 65000, 1000};
    for (size_t run = 0; run < N_RUN; run++) {
        assert_close(cell(res, "target_gap", run, T_CARE), care_gap[run], 0, 0);
        assert_close(cell(res, "target_gap_yuan", run, T_CARE), care_yuan[run], 1e-12, 0);
    }
    assert_close(cell(res, "target_values", 3, T_CARE), 450, 0, 0);
    assert_close(mean_of(res, "target_met", T_CARE), 2.0 / 5.0, 0, 1e-15);
    assert_close(mean_of(res, "target_gap", T_CARE), 14.2, 1e-12, 0);
    assert_close(mean_of(res, "target_gap_yuan", T_CARE), 17600, 1e-12, 0);

    /* total_spending 2025 <= 2,000,000 over both regions and programmes: 1.90, 2.05, 2.00,
     * 2.10, 1.95 million; met in runs 0, 2 (equal), 4: P = 3/5. Over by 0, 50,000, 0,
     * 100,000, 0 yuan: mean 30,000, the yuan gap itself. */
    assert_close(cell(res, "target_values", 1, T_TOTAL), 2050000, 1e-12, 0);
    assert_close(mean_of(res, "target_met", T_TOTAL), 3.0 / 5.0, 0, 1e-15);
    assert_close(mean_of(res, "target_gap", T_TOTAL), 30000, 1e-12, 0);
    assert_close(mean_of(res, "target_gap_yuan", T_TOTAL), 30000, 1e-12, 0);

    /* disabled 2024 == 1000 within 0.5: 1000, 1000.4, 999, 1001, 1000; met in runs 0, 1, 4:
     * P = 3/5; the distance when not met: 1 and 1, mean 0.4. */
    assert_close(mean_of(res, "target_met", T_EQ), 3.0 / 5.0, 0, 1e-15);
    assert_close(cell(res, "target_gap", 1, T_EQ), 0, 0, 0);
    assert_close(mean_of(res, "target_gap", T_EQ), 0.4, 1e-9, 0);

    /* dibao 2025 < 300: 299, 300, 301, 250, 300; met in runs 0 and 3 only (strict): P = 2/5.
     * Over by max(0, x - 300): 0, 0, 1, 0, 0, mean 0.2. */
    assert_close(mean_of(res, "target_met", T_LT), 2.0 / 5.0, 0, 1e-15);
    assert_close(mean_of(res, "target_gap", T_LT), 0.2, 1e-12, 0);

    /* severe_certified_share 2025 > 0.5 in b: 60/100, 40/80, -, 20/50, 5/10: met only in run 0
     * (0.5 is not > 0.5). Run 2 has no severely disabled person: NaN throughout. */
    assert_close(cell(res, "target_met", 0, T_NAN), 1, 0, 0);
    assert_close(cell(res, "target_met", 1, T_NAN), 0, 0, 0);
    assert_true(isnan(cell(res, "target_values", 2, T_NAN)));
    assert_true(isnan(cell(res, "target_met", 2, T_NAN)));
    assert_true(isnan(cell(res, "target_gap", 2, T_NAN)));
    /* Run 3: short by 0.5 - 0.4 = 0.1 of 50 persons: 5 persons. */
    assert_close(cell(res, "target_gap", 3, T_NAN), 5, 1e-9, 0);

    /* certified_share 2025 <= 0.95: met in every run. */
    assert_close(mean_of(res, "target_met", T_CERT2), 1.0, 0, 0);
    dp_results_free(res);
}

/* Axis labels, Chinese labels and the definition table. */
static void
test_targets_labels_and_definition(void **state)
{
    fixture *f = *state;
    dp_target t[N_T];
    dp_results *res = build(f->ctx);
    assert_non_null(res);
    targets(t);
    assert_int_equal(dp_targets_eval(f->ctx, t, N_T, res), DP_OK);
    size_t ta = dp_results_find_axis(res, "target");
    assert_int_not_equal(ta, (size_t)-1);
    const dp_axis *a = &res->axis[ta];
    assert_int_equal(a->n, N_T);
    assert_string_equal(a->label[T_CERT], "certified_share_2025");
    assert_string_equal(a->label[T_CARE], "care_subsidy_recipients_2025_a");
    assert_string_equal(a->label[T_NAN], "severe_certified_share_2025_b");
    /* The same indicator and year again: made unique. */
    assert_string_equal(a->label[T_CERT2], "certified_share_2025_2");
    assert_string_equal(a->label_zh[T_CERT], "持证率九成·2025年");
    assert_string_equal(a->label_zh[T_CARE], "重度残疾人护理补贴受益人数·甲·2025年");
    assert_string_equal(a->label_zh[T_EQ], "残疾人数·2024年");

    const dp_table *def = dp_results_find(res, "targets");
    assert_non_null(def);
    assert_int_equal(def->per_run, 0);
    assert_int_equal(def->size, N_T * DP_N_TF);
    const double *d = def->data;
    /* certified_share >= 0.9 binding, all regions: year, value, op 1, not strict, binding,
     * no tolerance, region -1, gap in persons. */
    assert_close(d[T_CERT * DP_N_TF + DP_TF_YEAR], 2025, 0, 0);
    assert_close(d[T_CERT * DP_N_TF + DP_TF_VALUE], 0.9, 0, 0);
    assert_close(d[T_CERT * DP_N_TF + DP_TF_OP], 1, 0, 0);
    assert_close(d[T_CERT * DP_N_TF + DP_TF_STRICT], 0, 0, 0);
    assert_close(d[T_CERT * DP_N_TF + DP_TF_BINDING], 1, 0, 0);
    assert_true(isnan(d[T_CERT * DP_N_TF + DP_TF_TOLERANCE]));
    assert_close(d[T_CERT * DP_N_TF + DP_TF_REGION], -1, 0, 0);
    assert_close(d[T_CERT * DP_N_TF + DP_TF_GAP_IN_YUAN], 0, 0, 0);
    /* care recipients in a: region index 0, expected. */
    assert_close(d[T_CARE * DP_N_TF + DP_TF_REGION], 0, 0, 0);
    assert_close(d[T_CARE * DP_N_TF + DP_TF_BINDING], 0, 0, 0);
    /* total spending <=: op -1, gap in yuan. */
    assert_close(d[T_TOTAL * DP_N_TF + DP_TF_OP], -1, 0, 0);
    assert_close(d[T_TOTAL * DP_N_TF + DP_TF_GAP_IN_YUAN], 1, 0, 0);
    /* == 1000 +- 0.5: op 0 and its tolerance; < : op -1, strict. */
    assert_close(d[T_EQ * DP_N_TF + DP_TF_OP], 0, 0, 0);
    assert_close(d[T_EQ * DP_N_TF + DP_TF_TOLERANCE], 0.5, 0, 0);
    assert_close(d[T_LT * DP_N_TF + DP_TF_OP], -1, 0, 0);
    assert_close(d[T_LT * DP_N_TF + DP_TF_STRICT], 1, 0, 0);
    dp_results_free(res);
}

/* Written to HDF5: summary/target_met's mean row is the probability; read back, the targets
 * come out with the same statistics and their definition. */
static void
test_targets_file_round_trip(void **state)
{
    fixture *f = *state;
    dp_target t[N_T];
    dp_results *res = build(f->ctx);
    dp_results *back = NULL, *sum = NULL;
    dp_target_result *tr = NULL;
    size_t n = 0;
    assert_non_null(res);
    targets(t);
    assert_int_equal(dp_targets_eval(f->ctx, t, N_T, res), DP_OK);
    dp_output *o = NULL;
    static const char *const ip[] = {"x.yaml"};
    static const char *const is[] = {
        "0000000000000000000000000000000000000000000000000000000000000000"};
    dp_output_meta meta = {"s", "", "dpsim: 1\n", 1, ip, is};
    dp_run_info info = {"micro", N_RUN, 1, "philox4x32-10"};
    assert_int_equal(dp_output_open(f->ctx, f->path, "test", &o), DP_OK);
    assert_int_equal(dp_output_write_group(f->ctx, o, &meta, res, &info, 0, NULL, NULL), DP_OK);
    assert_int_equal(dp_output_close(f->ctx, o), DP_OK);

    assert_int_equal(dp_output_read_summary(f->ctx, f->path, "s", &sum), DP_OK);
    const dp_table *met = dp_results_find(sum, "target_met");
    assert_non_null(met);
    /* Statistic 0 is the mean: 3/5, 2/5, 3/5 (above); the NaN run makes it NaN. */
    assert_close(dp_table_run(met, 0)[T_CERT], 0.6, 0, 1e-15);
    assert_close(dp_table_run(met, 0)[T_CARE], 0.4, 0, 1e-15);
    assert_close(dp_table_run(met, 0)[T_TOTAL], 0.6, 0, 1e-15);
    assert_true(isnan(dp_table_run(met, 0)[T_NAN]));

    assert_int_equal(dp_output_read(f->ctx, f->path, "s", &back), DP_OK);
    assert_int_equal(dp_targets_read(f->ctx, back, &tr, &n), DP_OK);
    assert_int_equal(n, N_T);
    assert_string_equal(tr[T_CERT].indicator, "certified_share");
    assert_string_equal(tr[T_CERT].indicator_zh, "持证率");
    assert_string_equal(tr[T_CERT].name_zh, "持证率九成");
    assert_string_equal(tr[T_CERT].unit, "share");
    assert_int_equal(tr[T_CERT].op, DP_OP_GE);
    assert_int_equal(tr[T_CERT].binding, 1);
    assert_int_equal(tr[T_CERT].n_run, N_RUN);
    assert_close(tr[T_CERT].p_met, 0.6, 0, 1e-15);
    assert_close(tr[T_CERT].mean_gap, 14, 1e-9, 0);
    assert_true(isnan(tr[T_CERT].mean_gap_yuan));
    /* Mean of the shares (0.93 + 0.88 + 0.905 + 0.85 + 0.90) / 5 = 0.893; p05 at position
     * 0.05 x 4 = 0.2 of the sorted 0.85, 0.88, ...: 0.85 + 0.2 x 0.03 = 0.856. */
    assert_close(tr[T_CERT].mean, 0.893, 1e-12, 0);
    assert_close(tr[T_CERT].p05, 0.856, 1e-12, 0);
    assert_string_equal(tr[T_CARE].indicator, "care_subsidy_recipients");
    assert_string_equal(tr[T_CARE].region, "a");
    assert_string_equal(tr[T_CARE].region_zh, "甲");
    assert_string_equal(tr[T_CARE].name_zh, ""); /* the label_zh made from the indicator */
    assert_close(tr[T_CARE].mean_gap_yuan, 17600, 1e-12, 0);
    assert_int_equal(tr[T_TOTAL].op, DP_OP_LE);
    assert_int_equal(tr[T_TOTAL].gap_in_yuan, 1);
    assert_int_equal(tr[T_EQ].op, DP_OP_EQ);
    assert_close(tr[T_EQ].tolerance, 0.5, 0, 0);
    assert_int_equal(tr[T_LT].op, DP_OP_LT);
    assert_int_equal(tr[T_NAN].op, DP_OP_GT);
    assert_true(isnan(tr[T_NAN].p_met));
    assert_string_equal(tr[T_CERT2].indicator, "certified_share");
    assert_int_equal(tr[T_CERT2].op, DP_OP_LE);
    free(tr);
    dp_results_free(back);
    dp_results_free(sum);
    dp_results_free(res);
}

static void
test_targets_none(void **state)
{
    fixture *f = *state;
    dp_target_result *tr = (dp_target_result *)1;
    size_t n = 99;
    dp_results *res = build(f->ctx);
    assert_non_null(res);
    size_t n_axis = res->n_axis, n_table = res->n_table;
    /* No targets: nothing is added, and reading finds none. */
    assert_int_equal(dp_targets_eval(f->ctx, NULL, 0, res), DP_OK);
    assert_int_equal(res->n_axis, n_axis);
    assert_int_equal(res->n_table, n_table);
    assert_int_equal(dp_targets_read(f->ctx, res, &tr, &n), DP_OK);
    assert_null(tr);
    assert_int_equal(n, 0);
    dp_results_free(res);
}

/* Evaluates one target on a fresh replicate set; returns the status and the message. */
static dp_status
eval_one(fixture *f, dp_target t, int drop_recipients)
{
    dp_results *res = build(f->ctx);
    assert_non_null(res);
    if (drop_recipients) {
        dp_table *r = dp_results_find(res, "recipients");
        snprintf(r->name, sizeof r->name, "other");
    }
    dp_ctx_clear(f->ctx);
    dp_status rc = dp_targets_eval(f->ctx, &t, 1, res);
    if (rc == DP_OK) {
        dp_ctx_clear(f->ctx);
        rc = dp_targets_eval(f->ctx, &t, 1, res); /* twice: the axis exists */
    }
    dp_results_free(res);
    return rc;
}

static void
test_targets_errors(void **state)
{
    fixture *f = *state;
    assert_int_equal(eval_one(f, target("certified_shares", "", 2025, DP_OP_GE, 0.9, 1), 0),
                     DP_EINPUT);
    assert_string_equal(dp_ctx_errmsg(f->ctx),
                        "target 1 (certified_shares 2025): unknown indicator 'certified_shares'");
    assert_int_equal(eval_one(f, target("certified", "", 2030, DP_OP_GE, 1, 1), 0), DP_EINPUT);
    assert_string_equal(
        dp_ctx_errmsg(f->ctx),
        "target 1 (certified 2030): year 2030 is not in the results (2024 to 2025)");
    assert_int_equal(eval_one(f, target("certified", "c", 2025, DP_OP_GE, 1, 1), 0), DP_EINPUT);
    assert_string_equal(dp_ctx_errmsg(f->ctx),
                        "target 1 (certified 2025 c): region 'c' is not in the results");
    assert_int_equal(eval_one(f, target("care_subsidy_recipients", "", 2025, DP_OP_GE, 1, 1), 1),
                     DP_EINPUT);
    assert_string_equal(dp_ctx_errmsg(f->ctx),
                        "target 1 (care_subsidy_recipients 2025): the results have no per-run "
                        "table recipients [year, region, programme]");
    /* A second evaluation on the same results. */
    assert_int_equal(eval_one(f, target("certified", "", 2025, DP_OP_GE, 1, 1), 0), DP_EINTERNAL);
    /* Too many targets. */
    dp_target *many = calloc(DP_MAX_TARGETS + 1, sizeof *many);
    dp_results *res = build(f->ctx);
    assert_non_null(many);
    for (size_t i = 0; i <= DP_MAX_TARGETS; i++) {
        many[i] = target("disabled", "", 2025, DP_OP_GE, 1, 1);
    }
    assert_int_equal(dp_targets_eval(f->ctx, many, DP_MAX_TARGETS + 1, res), DP_EINPUT);
    /* Exactly the maximum is fine; labels stay unique (disabled_2025, _2, ..., _256). */
    assert_int_equal(dp_targets_eval(f->ctx, many, DP_MAX_TARGETS, res), DP_OK);
    const dp_axis *a = &res->axis[dp_results_find_axis(res, "target")];
    assert_string_equal(a->label[DP_MAX_TARGETS - 1], "disabled_2025_256");
    /* Reading results with a target axis but a table missing. */
    dp_table *met = dp_results_find(res, "target_met");
    snprintf(met->name, sizeof met->name, "renamed");
    dp_target_result *tr = NULL;
    size_t n = 0;
    assert_int_equal(dp_targets_read(f->ctx, res, &tr, &n), DP_EINPUT);
    assert_string_equal(dp_ctx_errmsg(f->ctx),
                        "the results have a target axis but no per-run table target_met [target]");
    free(many);
    dp_results_free(res);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_targets_indicator_table, per_test_setup),
        cmocka_unit_test_setup(test_targets_hand_built_runs, per_test_setup),
        cmocka_unit_test_setup(test_targets_labels_and_definition, per_test_setup),
        cmocka_unit_test_setup(test_targets_file_round_trip, per_test_setup),
        cmocka_unit_test_setup(test_targets_none, per_test_setup),
        cmocka_unit_test_setup(test_targets_errors, per_test_setup),
    };
    return cmocka_run_group_tests_name("targets", tests, setup, teardown);
}
