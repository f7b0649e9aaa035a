/* tests/unit/test_targets.c
 *
 * Tests of plan targets (model/analysis/targets.c): the indicator table, the evaluation of targets
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

#include "engines/tables.h"
#include "output/output_impl.h"
#include "dp_test.h"
#include "output/output.h"
#include "core/results.h"
#include "analysis/targets.h"

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
    /* 8 counts of 2021 + working_age, employed, working_age_certified, employed_certified,
     * rehab_person_times, new_jobs, trainees, renovations_cumulative,
     * multi_disabled_households (9) + 2 shares of 2021 + employment_rate,
     * employment_rate_certified, pension and medical participation and 9 coverage rates
     * (adult, child rehabilitation, devices, renovation, care services, pension, medical,
     * living and care subsidies: 13) + cash_per_disabled + recipients, eligible and spending
     * of each programme + total spending nominal and real + 4 levels (targets.c;
     * docs/scenarios.md#indicators). */
    assert_int_equal(dp_indicator_count(), 8 + 9 + 2 + 13 + 1 + 3 * DP_N_PROG + 2 + 4);
    for (size_t i = 0; i < dp_indicator_count(); i++) {
        dp_indicator a, b;
        dp_indicator_get(i, &a);
        assert_true(a.key[0] && a.name[0] && a.name_zh[0] && a.unit && a.gap_unit);
        assert_true(a.num.table[0]);
        /* Shares and ratios have a denominator, the others none. */
        assert_int_equal(a.den.table[0] != '\0',
                         a.kind == DP_IND_SHARE || a.kind == DP_IND_RATIO);
        assert_int_equal(a.cost_num.table[0] != '\0', a.cost == DP_COST_PER_UNIT);
        assert_int_equal(a.programme[0] != '\0', a.cost == DP_COST_AMOUNT);
        for (size_t j = 0; j < i; j++) {
            dp_indicator_get(j, &b);
            assert_string_not_equal(a.key, b.key);
        }
    }
    /* The Chinese names the issue gives as examples. */
    assert_true(dp_indicator_find("living_subsidy_recipients", &ind));
    assert_string_equal(ind.name_zh, "困难残疾人生活补贴受益人数");
    assert_int_equal(ind.kind, DP_IND_RECIPIENTS);
    assert_string_equal(ind.num.table, "recipients");
    assert_string_equal(ind.num.label, "living_subsidy");
    assert_int_equal(ind.cost, DP_COST_PER_UNIT);
    assert_string_equal(ind.cost_num.table, "spending");
    assert_string_equal(ind.cost_den.table, "recipients");
    assert_true(dp_indicator_find("certified_share", &ind));
    assert_string_equal(ind.name_zh, "持证率");
    assert_string_equal(ind.num.label, "certified");
    assert_string_equal(ind.den.label, "disabled");
    assert_string_equal(ind.unit, "share");
    assert_string_equal(ind.gap_unit, "persons");
    assert_int_equal(ind.cost, DP_COST_NONE);
    assert_true(dp_indicator_find("certified", &ind));
    assert_string_equal(ind.name_zh, "持证残疾人数");
    assert_true(dp_indicator_find("care_subsidy_spending", &ind));
    assert_string_equal(ind.unit, "yuan");
    assert_string_equal(ind.gap_unit, "yuan");
    assert_true(dp_indicator_find("total_spending", &ind));
    assert_string_equal(ind.num.table, "spending");
    assert_string_equal(ind.num.label, ""); /* all programmes */
    assert_false(dp_indicator_find("certified_shares", NULL));
    /* The cells of the new indicators (the brief of issue 4): services served / need,
     * pipeline paid / eligible, indicators ratios, levels. */
    static const char *const svc[][2] = {{"adult_rehab_coverage", "adult_rehab"},
                                         {"child_rehab_coverage", "child_rehab"},
                                         {"device_fitting_rate", "assistive_devices"},
                                         {"care_services_coverage", "care_services"}};
    for (size_t i = 0; i < 4; i++) {
        assert_true(dp_indicator_find(svc[i][0], &ind));
        assert_int_equal(ind.kind, DP_IND_SHARE);
        assert_string_equal(ind.num.table, "services");
        assert_string_equal(ind.num.label, svc[i][1]);
        assert_string_equal(ind.num.label2, "served");
        assert_string_equal(ind.den.table, "services");
        assert_string_equal(ind.den.label, svc[i][1]);
        assert_string_equal(ind.den.label2, "need");
        assert_int_equal(ind.cost, DP_COST_AMOUNT);
        assert_string_equal(ind.programme, svc[i][1]);
    }
    static const char *const paid[][2] = {{"pension_coverage", "pension_premium"},
                                          {"medical_coverage", "medical_premium"},
                                          {"living_subsidy_coverage", "living_subsidy"},
                                          {"care_subsidy_coverage", "care_subsidy"}};
    for (size_t i = 0; i < 4; i++) {
        assert_true(dp_indicator_find(paid[i][0], &ind));
        assert_string_equal(ind.num.table, "pipeline");
        assert_string_equal(ind.num.label, paid[i][1]);
        assert_string_equal(ind.num.label2, "paid");
        assert_string_equal(ind.den.label2, "certified");
        assert_string_equal(ind.programme, paid[i][1]);
    }
    assert_true(dp_indicator_find("renovation_coverage", &ind));
    assert_string_equal(ind.num.label, "renovated");
    assert_string_equal(ind.den.label, "renovation_group");
    assert_true(dp_indicator_find("employment_rate", &ind));
    assert_string_equal(ind.num.label, "employed");
    assert_string_equal(ind.den.label, "working_age");
    assert_true(dp_indicator_find("cash_per_disabled", &ind));
    assert_int_equal(ind.kind, DP_IND_RATIO);
    assert_string_equal(ind.unit, "yuan per person");
    assert_string_equal(ind.gap_unit, "yuan");
    assert_true(dp_indicator_find("county_spending", &ind));
    assert_string_equal(ind.num.table, "spending_level");
    assert_string_equal(ind.num.label2, "county");
    assert_true(dp_indicator_find("total_spending_real", &ind));
    assert_string_equal(ind.num.table, "spending_real");
    assert_true(dp_indicator_find("renovations_cumulative", &ind));
    assert_string_equal(ind.unit, "households");
    assert_true(dp_indicator_find("multi_disabled_household_eligible", &ind));
    assert_string_equal(ind.unit, "households");
    assert_string_equal(ind.num.table, "pipeline");
    assert_string_equal(ind.num.label2, "eligible");
    assert_true(dp_indicator_find("home_renovation_recipients", &ind));
    assert_string_equal(ind.unit, "households"); /* homes renovated during the year */
    assert_true(dp_indicator_find("home_renovation_eligible", &ind));
    assert_string_equal(ind.unit, "persons");
    assert_true(dp_indicator_find("trainees", &ind));
    assert_int_equal(ind.cost, DP_COST_PER_UNIT);
    assert_string_equal(ind.cost_num.table, "employment_spending");
    assert_string_equal(ind.cost_num.label, "training");
    /* The short list for messages: every fixed name, the patterns, nothing cut. */
    char list[1024];
    dp_indicator_names(list, sizeof list);
    assert_non_null(strstr(list, "disabled, severe, "));
    assert_non_null(strstr(list, "county_spending, or <programme>_recipients, "
                                 "<programme>_eligible, <programme>_spending of a programme"));
    assert_true(strlen(list) < 860); /* room in a 1,024-byte message with its path and position */
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
     * A strict miss is over by max(0, x - 300) + 1 person (at 300 exactly the target is still
     * missed by one): 0, 1, 2, 0, 1, mean 0.8. */
    assert_close(mean_of(res, "target_met", T_LT), 2.0 / 5.0, 0, 1e-15);
    assert_close(cell(res, "target_gap", 1, T_LT), 1, 0, 0);
    assert_close(mean_of(res, "target_gap", T_LT), 0.8, 1e-12, 0);

    /* severe_certified_share 2025 > 0.5 in b: 60/100, 40/80, -, 20/50, 5/10: met only in run 0
     * (0.5 is not > 0.5). Run 2 has no severely disabled person: NaN throughout. */
    assert_close(cell(res, "target_met", 0, T_NAN), 1, 0, 0);
    assert_close(cell(res, "target_met", 1, T_NAN), 0, 0, 0);
    assert_true(isnan(cell(res, "target_values", 2, T_NAN)));
    assert_true(isnan(cell(res, "target_met", 2, T_NAN)));
    assert_true(isnan(cell(res, "target_gap", 2, T_NAN)));
    /* Run 3: short by 0.5 - 0.4 = 0.1 of 50 persons, and one more (strict): 6 persons. Run 1,
     * at 0.5 exactly: missed by one person, not 0. */
    assert_close(cell(res, "target_gap", 3, T_NAN), 6, 1e-9, 0);
    assert_close(cell(res, "target_gap", 1, T_NAN), 1, 1e-9, 0);

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
    dp_output_meta meta = {"s", "", "dpsim: 1\n", 1, ip, is, 0, NULL};
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

/* ------------------------------------------------------------------------------------------ */
/* The programme indicators: a second hand-built set of 4 runs, year 2025, regions a and b,
 * with the programme tables (services, pipeline, spending_real, spending_level,
 * employment_spending, amount, person_months). Values per run k = 0..3, chosen so that every
 * probability, gap and yuan gap below is a hand calculation. */

enum { NB_RUN = 4 };
enum { B_DISABLED, B_WORK, B_EMPLOYED, B_NEWJOBS, B_TRAINEES, B_RENGROUP, B_RENOVATED,
       B_RENCUM, B_MULTI, B_CASH, NB_IND };
enum { B_LIVING, B_ADULT, B_RENOV, B_PENSION, B_EMP, NB_PROG };
enum { B_NEED, B_DEMAND, B_SERVED, B_UNMET, B_CAP, NB_SVC };
enum { B_ELIG, B_CERT, B_APPLIED, B_PAID, NB_STAGE };
enum { B_CENTRAL, B_PROV, B_MUNI, B_COUNTY, NB_LEVEL };
enum { B_JOBS, B_TRAINING, B_POSTS, B_AWARDS, B_PHASE, NB_COMP };
enum { NB_GRADE = 4 };

/* Cell of a [year (one), region, X, Y] table (n_k2 = 1 for three axes). */
static double *
at_b(dp_table *t, size_t run, size_t reg, size_t k, size_t n_k, size_t k2, size_t n_k2)
{
    return dp_table_run(t, run) + (reg * n_k + k) * n_k2 + k2;
}

static dp_results *
build_b(dp_ctx *ctx)
{
    static const char *const year_label[] = {"2025"};
    static const double year_value[] = {2025};
    static const char *const reg_label[] = {"a", "b"};
    static const char *const ind_label[NB_IND] = {
        "disabled",         "working_age", "employed",  "new_jobs",
        "trainees",         "renovation_group", "renovated", "renovations_cumulative",
        "multi_disabled_households", "cash_transfers"};
    static const char *const prog_label[NB_PROG] = {"living_subsidy", "adult_rehab",
                                                    "home_renovation", "pension_premium",
                                                    "employment_support"};
    static const char *const svc_label[NB_SVC] = {"need", "demand", "served", "unmet",
                                                  "capacity"};
    static const char *const stage_label[NB_STAGE] = {"eligible", "certified", "applied",
                                                      "paid"};
    static const char *const level_label[NB_LEVEL] = {"central", "provincial", "municipal",
                                                      "county"};
    static const char *const comp_label[NB_COMP] = {"job_subsidies", "training", "posts",
                                                    "awards", "dibao_phase_out"};
    static const char *const grade_label[NB_GRADE] = {"grade1", "grade2", "grade3", "grade4"};
    static const char *const ax_ind[] = {"year", "region", "indicator", NULL};
    static const char *const ax_prog[] = {"year", "region", "programme", NULL};
    static const char *const ax_svc[] = {"year", "region", "programme", "service", NULL};
    static const char *const ax_stage[] = {"year", "region", "programme", "stage", NULL};
    static const char *const ax_level[] = {"year", "region", "programme", "level", NULL};
    static const char *const ax_comp[] = {"year", "region", "component", NULL};
    static const char *const ax_amt[] = {"year", "programme", "grade", NULL};
    static const char *const ax_pm[] = {"year", "region", "programme", "grade", NULL};
    /* adult_rehab: need 600 (a) + 400 (b); served in a and b. */
    static const double served_a[NB_RUN] = {520, 500, 560, 450};
    static const double served_b[NB_RUN] = {330, 360, 300, 350};
    /* pension_premium: eligible 100 + 100; paid in a (b pays 100 in every run but run 1: 80,
     * and run 3: 94). */
    static const double pen_paid_b[NB_RUN] = {90, 80, 100, 94};
    /* living_subsidy in a only: eligible 1000; paid. */
    static const double liv_paid[NB_RUN] = {900, 950, 1000, 990};
    /* employed in b (a: 150); working age 300 + 200. */
    static const double emp_b[NB_RUN] = {110, 100, 90, 150};
    static const double new_jobs[NB_RUN] = {50, 30, 40, 35};
    /* trainees in b (a: 60); training spending in a at 1,500 yuan per trainee of a and b. */
    static const double train_b[NB_RUN] = {50, 40, 30, 60};
    static const double renovated[NB_RUN] = {220, 180, 200, 150};
    static const double ren_cum[NB_RUN] = {120, 90, 100, 80};
    static const double multi[NB_RUN] = {25, 35, 30, 31};
    static const double cash[NB_RUN] = {1100000, 950000, 1000000, 900000};
    static const double county_b[NB_RUN] = {150000, 250000, 200000, 210000};
    static const double real_b[NB_RUN] = {400000, 600000, 500000, 450000};
    static const double elig_b[NB_RUN] = {400, 300, 450, 500};
    dp_results *res = dp_results_alloc(NB_RUN);
    dp_table *ind = NULL, *sv = NULL, *pl = NULL, *sr = NULL, *sl = NULL, *es = NULL;
    dp_table *amt = NULL, *pm = NULL, *sp = NULL, *rec = NULL;
    if (!res ||
        dp_results_add_axis(ctx, res, "year", 1, year_label, NULL, year_value, NULL) ||
        dp_results_add_axis(ctx, res, "region", 2, reg_label, NULL, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "indicator", NB_IND, ind_label, NULL, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "programme", NB_PROG, prog_label, NULL, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "service", NB_SVC, svc_label, NULL, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "stage", NB_STAGE, stage_label, NULL, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "level", NB_LEVEL, level_label, NULL, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "component", NB_COMP, comp_label, NULL, NULL, NULL) ||
        dp_results_add_axis(ctx, res, "grade", NB_GRADE, grade_label, NULL, NULL, NULL) ||
        dp_results_add_table(ctx, res, "indicators", "persons", "i", "i", 1, ax_ind, &ind) ||
        dp_results_add_table(ctx, res, "recipients", "persons", "r", "r", 1, ax_prog, &rec) ||
        dp_results_add_table(ctx, res, "spending", "yuan", "s", "s", 1, ax_prog, &sp) ||
        dp_results_add_table(ctx, res, "services", "persons", "v", "v", 1, ax_svc, &sv) ||
        dp_results_add_table(ctx, res, "pipeline", "persons", "p", "p", 1, ax_stage, &pl) ||
        dp_results_add_table(ctx, res, "spending_real", "yuan", "r", "r", 1, ax_prog, &sr) ||
        dp_results_add_table(ctx, res, "spending_level", "yuan", "l", "l", 1, ax_level, &sl) ||
        dp_results_add_table(ctx, res, "employment_spending", "yuan", "e", "e", 1, ax_comp,
                             &es) ||
        dp_results_add_table(ctx, res, "amount", "yuan", "a", "a", 1, ax_amt, &amt) ||
        dp_results_add_table(ctx, res, "person_months", "person-months", "m", "m", 1, ax_pm,
                             &pm)) {
        dp_results_free(res);
        return NULL;
    }
    /* Amounts by grade (every run): living 100, 100, 80, 80 a month; adult_rehab 8,000,
     * 6,000, 4,000, 2,000 per person-year; home_renovation 10,000 per home; pension 300,
     * 300, 200, 200 a year; employment_support 2,000 per new job. */
    static const double amount[NB_PROG][NB_GRADE] = {{100, 100, 80, 80},
                                                     {8000, 6000, 4000, 2000},
                                                     {10000, 10000, 10000, 10000},
                                                     {300, 300, 200, 200},
                                                     {2000, 2000, 2000, 2000}};
    /* Person-months of adult_rehab: a 12 x (50, 250, 300, 100), b 12 x (50, 50, 0, 0); of
     * living_subsidy (a): 12 x (0, 0, 500, 500). None for the others (grade1's amount). */
    static const double pm_adult[2][NB_GRADE] = {{600, 3000, 3600, 1200}, {600, 600, 0, 0}};
    static const double pm_living[NB_GRADE] = {0, 0, 6000, 6000};
    for (size_t run = 0; run < NB_RUN; run++) {
        for (size_t k = 0; k < NB_PROG; k++) {
            for (size_t g = 0; g < NB_GRADE; g++) {
                *at_b(amt, run, 0, k, NB_PROG, g, NB_GRADE) = amount[k][g];
            }
        }
        for (size_t g = 0; g < NB_GRADE; g++) {
            *at_b(pm, run, 0, B_ADULT, NB_PROG, g, NB_GRADE) = pm_adult[0][g];
            *at_b(pm, run, 1, B_ADULT, NB_PROG, g, NB_GRADE) = pm_adult[1][g];
            *at_b(pm, run, 0, B_LIVING, NB_PROG, g, NB_GRADE) = pm_living[g];
        }
        *at_b(sv, run, 0, B_ADULT, NB_PROG, B_NEED, NB_SVC) = 600;
        *at_b(sv, run, 1, B_ADULT, NB_PROG, B_NEED, NB_SVC) = 400;
        *at_b(sv, run, 0, B_ADULT, NB_PROG, B_SERVED, NB_SVC) = served_a[run];
        *at_b(sv, run, 1, B_ADULT, NB_PROG, B_SERVED, NB_SVC) = served_b[run];
        /* Another programme's services in the same table must not count. */
        *at_b(sv, run, 0, B_LIVING, NB_PROG, B_NEED, NB_SVC) = 1e6;
        /* Coverage rates divide by the certified stage (eligible card holders). */
        *at_b(pl, run, 0, B_PENSION, NB_PROG, B_CERT, NB_STAGE) = 100;
        *at_b(pl, run, 1, B_PENSION, NB_PROG, B_CERT, NB_STAGE) = 100;
        *at_b(pl, run, 0, B_PENSION, NB_PROG, B_PAID, NB_STAGE) = 100;
        *at_b(pl, run, 1, B_PENSION, NB_PROG, B_PAID, NB_STAGE) = pen_paid_b[run];
        *at_b(pl, run, 0, B_PENSION, NB_PROG, B_ELIG, NB_STAGE) = 1e6; /* not read */
        *at_b(pl, run, 0, B_LIVING, NB_PROG, B_CERT, NB_STAGE) = 1000;
        *at_b(pl, run, 0, B_LIVING, NB_PROG, B_ELIG, NB_STAGE) = 1e6; /* not read */
        *at_b(pl, run, 0, B_LIVING, NB_PROG, B_PAID, NB_STAGE) = liv_paid[run];
        *at_b(pl, run, 0, B_ADULT, NB_PROG, B_ELIG, NB_STAGE) = 700;
        *at_b(pl, run, 1, B_ADULT, NB_PROG, B_ELIG, NB_STAGE) = elig_b[run];
        *at_b(ind, run, 0, B_DISABLED, NB_IND, 0, 1) = 600;
        *at_b(ind, run, 1, B_DISABLED, NB_IND, 0, 1) = 400;
        *at_b(ind, run, 0, B_WORK, NB_IND, 0, 1) = 300;
        *at_b(ind, run, 1, B_WORK, NB_IND, 0, 1) = 200;
        *at_b(ind, run, 0, B_EMPLOYED, NB_IND, 0, 1) = 150;
        *at_b(ind, run, 1, B_EMPLOYED, NB_IND, 0, 1) = emp_b[run];
        *at_b(ind, run, 1, B_NEWJOBS, NB_IND, 0, 1) = new_jobs[run];
        *at_b(ind, run, 0, B_TRAINEES, NB_IND, 0, 1) = 60;
        *at_b(ind, run, 1, B_TRAINEES, NB_IND, 0, 1) = train_b[run];
        *at_b(es, run, 0, B_TRAINING, NB_COMP, 0, 1) = 1500 * (60 + train_b[run]);
        *at_b(es, run, 0, B_JOBS, NB_COMP, 0, 1) = 1e9; /* another component: not read */
        *at_b(ind, run, 0, B_RENGROUP, NB_IND, 0, 1) = 400;
        *at_b(ind, run, 0, B_RENOVATED, NB_IND, 0, 1) = renovated[run];
        *at_b(ind, run, 1, B_RENCUM, NB_IND, 0, 1) = ren_cum[run];
        *at_b(ind, run, 0, B_MULTI, NB_IND, 0, 1) = multi[run];
        *at_b(ind, run, 0, B_CASH, NB_IND, 0, 1) = cash[run];
        *at_b(sl, run, 0, B_LIVING, NB_PROG, B_COUNTY, NB_LEVEL) = 300000;
        *at_b(sl, run, 1, B_ADULT, NB_PROG, B_COUNTY, NB_LEVEL) = county_b[run];
        *at_b(sl, run, 0, B_LIVING, NB_PROG, B_CENTRAL, NB_LEVEL) = 1000000;
        *at_b(sr, run, 0, B_LIVING, NB_PROG, 0, 1) = 1500000;
        *at_b(sr, run, 1, B_ADULT, NB_PROG, 0, 1) = real_b[run];
        *at_b(sp, run, 0, B_LIVING, NB_PROG, 0, 1) = 1e8; /* nominal: not read by real */
    }
    return res;
}

/* The targets of test_targets_programme_indicators, in this order. */
enum { U_ADULT, U_ADULT_B, U_PENSION, U_LIVING, U_EMPRATE, U_NEWJOBS, U_TRAINEES, U_RENCOV,
       U_RENCUM, U_MULTI, U_CASH, U_COUNTY, U_REAL, U_ELIG, N_U };

static void
targets_b(dp_target *t)
{
    t[U_ADULT] = target("adult_rehab_coverage", "", 2025, DP_OP_GE, 0.85, 1);
    t[U_ADULT_B] = target("adult_rehab_coverage", "b", 2025, DP_OP_GE, 0.9, 1);
    t[U_PENSION] = target("pension_coverage", "", 2025, DP_OP_GE, 0.95, 0);
    t[U_LIVING] = target("living_subsidy_coverage", "", 2025, DP_OP_GE, 1.0, 1);
    t[U_EMPRATE] = target("employment_rate", "", 2025, DP_OP_GT, 0.5, 0);
    t[U_NEWJOBS] = target("new_jobs", "", 2025, DP_OP_GE, 40, 1);
    t[U_TRAINEES] = target("trainees", "", 2025, DP_OP_GE, 100, 1);
    t[U_RENCOV] = target("renovation_coverage", "", 2025, DP_OP_GE, 0.5, 0);
    t[U_RENCUM] = target("renovations_cumulative", "", 2025, DP_OP_GE, 100, 1);
    t[U_MULTI] = target("multi_disabled_households", "", 2025, DP_OP_LE, 30, 0);
    t[U_CASH] = target("cash_per_disabled", "", 2025, DP_OP_GE, 1000, 0);
    t[U_COUNTY] = target("county_spending", "", 2025, DP_OP_LE, 500000, 0);
    t[U_REAL] = target("total_spending_real", "", 2025, DP_OP_LE, 2000000, 0);
    t[U_ELIG] = target("adult_rehab_eligible", "", 2025, DP_OP_GE, 1100, 0);
}

static double
mean_b(const dp_results *res, const char *table, size_t i)
{
    double s = 0.0;
    for (size_t run = 0; run < NB_RUN; run++) {
        s += cell(res, table, run, i);
    }
    return s / NB_RUN;
}

/* Every new kind of indicator on build_b: the probability is the share of runs meeting the
 * target, the gap and the yuan gap by hand. */
static void
test_targets_programme_indicators(void **state)
{
    fixture *f = *state;
    dp_target t[N_U];
    dp_results *res = build_b(f->ctx);
    assert_non_null(res);
    targets_b(t);
    assert_int_equal(dp_targets_eval(f->ctx, t, N_U, res), DP_OK);

    /* adult_rehab_coverage >= 0.85, both regions: served (520 + 330, 500 + 360, 560 + 300,
     * 450 + 350) / need 1000 = 0.85, 0.86, 0.86, 0.80: met in runs 0-2, P = 3/4. Run 3 is
     * 0.05 x 1000 = 50 persons short; mean 12.5. Unit cost: amounts 8,000, 6,000, 4,000,
     * 2,000 weighted by the person-months of a + b, 12 x (100, 300, 300, 100), i.e. 1:3:3:1:
     * (8,000 + 18,000 + 12,000 + 2,000) / 8 = 5,000 a person-year; 50 x 5,000 = 250,000,
     * mean 62,500. */
    assert_close(cell(res, "target_values", 3, U_ADULT), 0.80, 1e-12, 0);
    assert_close(mean_b(res, "target_met", U_ADULT), 3.0 / 4.0, 0, 1e-15);
    assert_close(cell(res, "target_gap", 3, U_ADULT), 50, 1e-9, 0);
    assert_close(cell(res, "target_gap_yuan", 3, U_ADULT), 250000, 1e-9, 0);
    assert_close(cell(res, "target_gap_yuan", 0, U_ADULT), 0, 0, 0);
    assert_close(mean_b(res, "target_gap", U_ADULT), 12.5, 1e-9, 0);
    assert_close(mean_b(res, "target_gap_yuan", U_ADULT), 62500, 1e-9, 0);

    /* The same in b only, >= 0.9: 330/400 = 0.825, 0.9, 0.75, 0.875: met in run 1 only,
     * P = 1/4. Short (0.9 - x) x 400 = 30, 0, 60, 10 persons (mean 25). Unit cost from b's
     * person-months alone, 12 x (50, 50, 0, 0): (8,000 + 6,000) / 2 = 7,000; yuan 210,000, 0,
     * 420,000, 70,000, mean 175,000. */
    static const double adult_b_gap[NB_RUN] = {30, 0, 60, 10};
    for (size_t run = 0; run < NB_RUN; run++) {
        assert_close(cell(res, "target_gap", run, U_ADULT_B), adult_b_gap[run], 1e-9, 1e-9);
        assert_close(cell(res, "target_gap_yuan", run, U_ADULT_B), adult_b_gap[run] * 7000,
                     1e-9, 1e-6);
    }
    assert_close(mean_b(res, "target_met", U_ADULT_B), 1.0 / 4.0, 0, 1e-15);
    assert_close(mean_b(res, "target_gap_yuan", U_ADULT_B), 175000, 1e-9, 0);

    /* pension_coverage >= 0.95: paid (100 + 90, 100 + 80, 200, 194) / certified 200 = 0.95,
     * 0.90, 1.0, 0.97: met in runs 0, 2, 3, P = 3/4. Run 1: 0.05 x 200 = 10 persons short.
     * No person-months of pension_premium: grade1's 300 yuan a year (yearly, not x 12):
     * 3,000 yuan; means 2.5 persons, 750 yuan. */
    assert_close(mean_b(res, "target_met", U_PENSION), 3.0 / 4.0, 0, 1e-15);
    assert_close(cell(res, "target_gap", 1, U_PENSION), 10, 1e-9, 0);
    assert_close(cell(res, "target_gap_yuan", 1, U_PENSION), 3000, 1e-9, 0);
    assert_close(mean_b(res, "target_gap_yuan", U_PENSION), 750, 1e-9, 0);

    /* living_subsidy_coverage >= 1: 0.90, 0.95, 1.0, 0.99: met in run 2 only, P = 1/4. Short
     * 100, 50, 0, 10 (mean 40). Monthly amounts weighted by person-months 12 x (0, 0, 500,
     * 500): 80 a month, 960 a year: 96,000, 48,000, 0, 9,600 yuan, mean 38,400. */
    assert_close(mean_b(res, "target_met", U_LIVING), 1.0 / 4.0, 0, 1e-15);
    assert_close(mean_b(res, "target_gap", U_LIVING), 40, 1e-9, 0);
    assert_close(cell(res, "target_gap_yuan", 0, U_LIVING), 96000, 1e-9, 0);
    assert_close(mean_b(res, "target_gap_yuan", U_LIVING), 38400, 1e-9, 0);

    /* employment_rate > 0.5: employed (150 + 110, 250, 240, 300) / working age 500 = 0.52,
     * 0.50, 0.48, 0.60: met in runs 0 and 3 (0.50 is not > 0.5), P = 1/2. Short 0, 1, 11, 0
     * persons (a strict miss: the distance and one person more; at 0.50 exactly, one person);
     * at employment_support's 2,000 yuan per new job: 2,000 in run 1, 22,000 in run 2, mean
     * 6,000. */
    assert_close(mean_b(res, "target_met", U_EMPRATE), 2.0 / 4.0, 0, 1e-15);
    assert_close(cell(res, "target_met", 1, U_EMPRATE), 0, 0, 0);
    assert_close(cell(res, "target_gap", 1, U_EMPRATE), 1, 0, 0);
    assert_close(cell(res, "target_gap", 2, U_EMPRATE), 11, 1e-9, 0);
    assert_close(mean_b(res, "target_gap_yuan", U_EMPRATE), 6000, 1e-9, 0);

    /* new_jobs >= 40: 50, 30, 40, 35: met in runs 0 and 2, P = 1/2; short 10 and 5 (mean
     * 3.75); at 2,000 yuan: 20,000 + 10,000, mean 7,500. */
    assert_close(mean_b(res, "target_met", U_NEWJOBS), 2.0 / 4.0, 0, 1e-15);
    assert_close(mean_b(res, "target_gap", U_NEWJOBS), 3.75, 1e-12, 0);
    assert_close(mean_b(res, "target_gap_yuan", U_NEWJOBS), 7500, 1e-12, 0);

    /* trainees >= 100: 60 + (50, 40, 30, 60) = 110, 100, 90, 120: met in runs 0, 1, 3, P =
     * 3/4; run 2 is 10 short; the training spending per trainee of that run, 1,500 x 90 / 90
     * = 1,500: 15,000 yuan, mean 3,750. */
    assert_close(mean_b(res, "target_met", U_TRAINEES), 3.0 / 4.0, 0, 1e-15);
    assert_close(cell(res, "target_gap_yuan", 2, U_TRAINEES), 15000, 1e-12, 0);
    assert_close(mean_b(res, "target_gap_yuan", U_TRAINEES), 3750, 1e-12, 0);

    /* renovation_coverage >= 0.5: renovated / group 400 = 0.55, 0.45, 0.50, 0.375: met in
     * runs 0, 2, P = 1/2; short 0.05 x 400 = 20 and 0.125 x 400 = 50 persons (mean 17.5); at
     * 10,000 yuan a home (one home per person): 200,000 + 500,000, mean 175,000. */
    assert_close(mean_b(res, "target_met", U_RENCOV), 2.0 / 4.0, 0, 1e-15);
    assert_close(mean_b(res, "target_gap", U_RENCOV), 17.5, 1e-9, 0);
    assert_close(mean_b(res, "target_gap_yuan", U_RENCOV), 175000, 1e-9, 0);

    /* renovations_cumulative >= 100 households: 120, 90, 100, 80: met in runs 0, 2, P = 1/2;
     * short 10 and 20 (mean 7.5); 100,000 + 200,000 yuan, mean 75,000. */
    assert_close(mean_b(res, "target_met", U_RENCUM), 2.0 / 4.0, 0, 1e-15);
    assert_close(mean_b(res, "target_gap", U_RENCUM), 7.5, 1e-12, 0);
    assert_close(mean_b(res, "target_gap_yuan", U_RENCUM), 75000, 1e-12, 0);

    /* multi_disabled_households <= 30: 25, 35, 30, 31: met in runs 0, 2, P = 1/2; over by 5
     * and 1 (mean 1.5); no unit cost: NaN. */
    assert_close(mean_b(res, "target_met", U_MULTI), 2.0 / 4.0, 0, 1e-15);
    assert_close(mean_b(res, "target_gap", U_MULTI), 1.5, 1e-12, 0);
    assert_true(isnan(cell(res, "target_gap_yuan", 0, U_MULTI)));

    /* cash_per_disabled >= 1,000 yuan a person: cash / 1,000 disabled = 1,100, 950, 1,000,
     * 900: met in runs 0, 2, P = 1/2. The gap in yuan: 50 x 1,000 = 50,000 and 100 x 1,000 =
     * 100,000 (mean 37,500), and the yuan to close it the same. */
    assert_close(cell(res, "target_values", 1, U_CASH), 950, 1e-12, 0);
    assert_close(mean_b(res, "target_met", U_CASH), 2.0 / 4.0, 0, 1e-15);
    assert_close(cell(res, "target_gap", 3, U_CASH), 100000, 1e-12, 0);
    assert_close(mean_b(res, "target_gap", U_CASH), 37500, 1e-12, 0);
    assert_close(mean_b(res, "target_gap_yuan", U_CASH), 37500, 1e-12, 0);

    /* county_spending <= 500,000: county cells only (living in a 300,000 + adult_rehab in b;
     * central 1,000,000 not counted): 450,000, 550,000, 500,000, 510,000: met in runs 0, 2,
     * P = 1/2; over by 50,000 and 10,000, mean 15,000 yuan (gap and yuan gap). */
    assert_close(cell(res, "target_values", 1, U_COUNTY), 550000, 1e-12, 0);
    assert_close(mean_b(res, "target_met", U_COUNTY), 2.0 / 4.0, 0, 1e-15);
    assert_close(mean_b(res, "target_gap_yuan", U_COUNTY), 15000, 1e-12, 0);

    /* total_spending_real <= 2,000,000: 1,500,000 + (400,000, 600,000, 500,000, 450,000):
     * met in runs 0, 2, 3, P = 3/4; over by 100,000 in run 1, mean 25,000. */
    assert_close(mean_b(res, "target_met", U_REAL), 3.0 / 4.0, 0, 1e-15);
    assert_close(mean_b(res, "target_gap", U_REAL), 25000, 1e-12, 0);

    /* adult_rehab_eligible >= 1,100: 700 + (400, 300, 450, 500): met in runs 0, 2, 3, P =
     * 3/4; short 100 in run 1 (mean 25); no unit cost. */
    assert_close(mean_b(res, "target_met", U_ELIG), 3.0 / 4.0, 0, 1e-15);
    assert_close(mean_b(res, "target_gap", U_ELIG), 25, 1e-12, 0);
    assert_true(isnan(cell(res, "target_gap_yuan", 1, U_ELIG)));

    /* The definition: cash per person and spending have their gap in yuan; shares persons. */
    const double *d = dp_results_find(res, "targets")->data;
    assert_close(d[U_CASH * DP_N_TF + DP_TF_GAP_IN_YUAN], 1, 0, 0);
    assert_close(d[U_COUNTY * DP_N_TF + DP_TF_GAP_IN_YUAN], 1, 0, 0);
    assert_close(d[U_ADULT * DP_N_TF + DP_TF_GAP_IN_YUAN], 0, 0, 0);
    assert_close(d[U_RENCUM * DP_N_TF + DP_TF_GAP_IN_YUAN], 0, 0, 0);

    /* Read back: units and gap units of the new kinds. */
    dp_target_result *tr = NULL;
    size_t n = 0;
    assert_int_equal(dp_targets_read(f->ctx, res, &tr, &n), DP_OK);
    assert_int_equal(n, N_U);
    assert_string_equal(tr[U_CASH].unit, "yuan per person");
    assert_string_equal(tr[U_CASH].gap_unit, "yuan");
    assert_string_equal(tr[U_RENCUM].unit, "households");
    assert_string_equal(tr[U_RENCUM].gap_unit, "households");
    assert_string_equal(tr[U_ADULT].unit, "share");
    assert_string_equal(tr[U_ADULT].gap_unit, "persons");
    assert_string_equal(tr[U_ADULT].indicator_zh, "基本康复服务覆盖率");
    assert_close(tr[U_ADULT].p_met, 0.75, 0, 1e-15);
    assert_close(tr[U_ADULT].mean_gap_yuan, 62500, 1e-9, 0);
    free(tr);
    dp_results_free(res);
}

/* A value one rounding error below the target meets ">=" (the cohort engine's served =
 * coverage x need comes out as 0.8499999999999999 x need); a millionth below does not, and
 * one rounding error above does not meet ">". */
static void
test_targets_rounding_tie(void **state)
{
    fixture *f = *state;
    dp_results *res = build_b(f->ctx);
    assert_non_null(res);
    dp_table *sv = dp_results_find(res, "services");
    /* Region a: need 600; served 510 less one ulp in run 0, 510 - 0.0006 (share 0.849999) in
     * run 1, 510 in run 2, 510 plus one ulp in run 3. */
    const double served[NB_RUN] = {nextafter(510.0, 0.0), 510.0 - 0.0006, 510.0,
                                   nextafter(510.0, 1e9)};
    for (size_t run = 0; run < NB_RUN; run++) {
        *at_b(sv, run, 0, B_ADULT, NB_PROG, B_SERVED, NB_SVC) = served[run];
    }
    dp_target t[2] = {target("adult_rehab_coverage", "a", 2025, DP_OP_GE, 0.85, 1),
                      target("adult_rehab_coverage", "a", 2025, DP_OP_GT, 0.85, 1)};
    assert_int_equal(dp_targets_eval(f->ctx, t, 2, res), DP_OK);
    assert_true(cell(res, "target_values", 0, 0) < 0.85);
    assert_close(cell(res, "target_met", 0, 0), 1, 0, 0);
    assert_close(cell(res, "target_gap", 0, 0), 0, 0, 0);
    assert_close(cell(res, "target_gap_yuan", 0, 0), 0, 0, 0);
    /* 0.0006 persons short of 510: not met, short 0.0006 persons. */
    assert_close(cell(res, "target_met", 1, 0), 0, 0, 0);
    assert_close(cell(res, "target_gap", 1, 0), 0.0006, 1e-6, 0);
    assert_close(cell(res, "target_met", 2, 0), 1, 0, 0);
    assert_close(cell(res, "target_met", 3, 0), 1, 0, 0);
    /* ">": equal within rounding is not more. */
    assert_close(cell(res, "target_met", 3, 1), 0, 0, 0);
    assert_close(cell(res, "target_met", 2, 1), 0, 0, 0);
    dp_results_free(res);
}

/* A target whose cells are missing: the message names the table or label. */
static void
test_targets_programme_errors(void **state)
{
    fixture *f = *state;
    dp_results *res = build_b(f->ctx);
    assert_non_null(res);
    dp_target t = target("care_services_coverage", "", 2025, DP_OP_GE, 0.9, 1);
    assert_int_equal(dp_targets_eval(f->ctx, &t, 1, res), DP_EINPUT);
    assert_string_equal(dp_ctx_errmsg(f->ctx),
                        "target 1 (care_services_coverage 2025): the results' programme axis has "
                        "no 'care_services'");
    dp_results_free(res);

    res = build_b(f->ctx);
    snprintf(dp_results_find(res, "services")->name, 32, "other");
    t = target("adult_rehab_coverage", "", 2025, DP_OP_GE, 0.9, 1);
    assert_int_equal(dp_targets_eval(f->ctx, &t, 1, res), DP_EINPUT);
    assert_string_equal(dp_ctx_errmsg(f->ctx),
                        "target 1 (adult_rehab_coverage 2025): the results have no per-run table "
                        "services [year, region, programme, service]");
    dp_results_free(res);

    res = build_b(f->ctx);
    snprintf(dp_results_find(res, "amount")->name, 32, "other");
    assert_int_equal(dp_targets_eval(f->ctx, &t, 1, res), DP_EINPUT);
    assert_string_equal(dp_ctx_errmsg(f->ctx),
                        "target 1 (adult_rehab_coverage 2025): the results have no per-run table "
                        "amount [year, programme, grade]");
    dp_results_free(res);
}

/* ------------------------------------------------------------------------------------------ */
/* Budget ceiling: dp_tables_budget (tables.c) on hand-built spending, then dp_budget_read. */

static void
test_budget_exceedance(void **state)
{
    fixture *f = *state;
    /* tables.c's spending has every programme of params.h. */
    enum { R = 5, Y = 2, G = 2, P = DP_N_PROG };
    static const char *const year_label[] = {"2025", "2026"};
    static const double year_value[] = {2025, 2026};
    static const char *const reg_label[] = {"a", "b"};
    const char *const *prog_label = dp_prog_key;
    static const char *const budget_label[] = {"total", "ceiling", "exceeds"};
    static const char *const ax_prog[] = {"year", "region", "programme", NULL};
    static const char *const ax_budget[] = {"year", "budget_item", NULL};
    /* Totals over regions and programmes [million yuan]: 2025 9.0, 10.5, 10.0, 11.0, 9.5;
     * 2026 12.5, 11.0, 12.0, 11.9, 13.0. Each split as 1 million in (a, programme 0) and the
     * rest in (b, programme 1). */
    static const double total[Y][R] = {{9.0e6, 10.5e6, 10.0e6, 11.0e6, 9.5e6},
                                       {12.5e6, 11.0e6, 12.0e6, 11.9e6, 13.0e6}};
    dp_results *res = dp_results_alloc(R);
    dp_table *sp = NULL, *bt = NULL;
    assert_non_null(res);
    assert_int_equal(dp_results_add_axis(f->ctx, res, "year", Y, year_label, NULL, year_value,
                                         NULL), DP_OK);
    assert_int_equal(dp_results_add_axis(f->ctx, res, "region", G, reg_label, NULL, NULL, NULL),
                     DP_OK);
    assert_int_equal(dp_results_add_axis(f->ctx, res, "programme", P, prog_label, NULL, NULL,
                                         NULL), DP_OK);
    assert_int_equal(dp_results_add_axis(f->ctx, res, "budget_item", 3, budget_label, NULL, NULL,
                                         NULL), DP_OK);
    assert_int_equal(dp_results_add_table(f->ctx, res, "spending", "yuan", "s", "s", 1, ax_prog,
                                          &sp), DP_OK);
    assert_int_equal(dp_results_add_table(f->ctx, res, "budget", "yuan", "b", "b", 1, ax_budget,
                                          &bt), DP_OK);
    for (size_t run = 0; run < R; run++) {
        for (size_t y = 0; y < Y; y++) {
            double *d = dp_table_run(sp, run) + y * G * P;
            d[0 * P + 0] = 1e6;
            d[1 * P + 1] = total[y][run] - 1e6;
        }
    }
    /* Ceiling 10 million from 2025, 12 million from 2026 (a dated value, as the scenario
     * gives it). */
    dp_params *rp = calloc(R, sizeof *rp);
    assert_non_null(rp);
    for (size_t run = 0; run < R; run++) {
        rp[run].year_start = 2025;
        rp[run].budget_ceiling.n = 2;
        rp[run].budget_ceiling.year[0] = 2025;
        rp[run].budget_ceiling.value[0] = 10e6;
        rp[run].budget_ceiling.year[1] = 2026;
        rp[run].budget_ceiling.value[1] = 12e6;
    }
    dp_tables tb;
    memset(&tb, 0, sizeof tb);
    tb.n_region = G;
    tb.n_year = Y;
    tb.spending = sp;
    tb.budget = bt;
    dp_tables_budget(&tb, rp, R);

    dp_budget_year *b = NULL;
    size_t n = 0;
    assert_int_equal(dp_budget_read(f->ctx, res, &b, &n), DP_OK);
    assert_int_equal(n, Y);
    /* 2025: over 10 million (strictly) in runs 1 and 3: P = 2/5 (run 2 equals the ceiling).
     * Mean total 50 / 5 = 10 million; sorted 9.0, 9.5, 10.0, 10.5, 11.0: p05 at position
     * 0.05 x 4 = 0.2: 9.0 + 0.2 x 0.5 = 9.1 million; p95 at 3.8: 10.5 + 0.8 x 0.5 = 10.9. */
    assert_int_equal(b[0].year, 2025);
    assert_int_equal(b[0].n_run, R);
    assert_close(b[0].p_exceeds, 2.0 / 5.0, 0, 1e-15);
    assert_close(b[0].ceiling, 10e6, 0, 0);
    assert_close(b[0].total, 10e6, 1e-12, 0);
    assert_close(b[0].p05, 9.1e6, 1e-12, 0);
    assert_close(b[0].p95, 10.9e6, 1e-12, 0);
    /* 2026: over 12 million in runs 0 and 4: P = 2/5. */
    assert_close(b[1].p_exceeds, 2.0 / 5.0, 0, 1e-15);
    assert_close(b[1].ceiling, 12e6, 0, 0);
    free(b);

    /* No ceiling: exceeds and its probability are NaN; the totals are still there. */
    for (size_t run = 0; run < R; run++) {
        rp[run].budget_ceiling.n = 0;
    }
    dp_tables_budget(&tb, rp, R);
    assert_int_equal(dp_budget_read(f->ctx, res, &b, &n), DP_OK);
    assert_true(isnan(b[0].p_exceeds));
    assert_true(isnan(b[0].ceiling));
    assert_close(b[1].total, (12.5 + 11.0 + 12.0 + 11.9 + 13.0) / 5 * 1e6, 1e-12, 0);
    free(b);

    /* A file without a budget table: none, not an error. */
    snprintf(bt->name, sizeof bt->name, "other");
    b = (dp_budget_year *)1;
    assert_int_equal(dp_budget_read(f->ctx, res, &b, &n), DP_OK);
    assert_null(b);
    assert_int_equal(n, 0);
    free(rp);
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
        cmocka_unit_test_setup(test_targets_programme_indicators, per_test_setup),
        cmocka_unit_test_setup(test_targets_programme_errors, per_test_setup),
        cmocka_unit_test_setup(test_targets_rounding_tie, per_test_setup),
        cmocka_unit_test_setup(test_budget_exceedance, per_test_setup),
    };
    return cmocka_run_group_tests_name("targets", tests, setup, teardown);
}
