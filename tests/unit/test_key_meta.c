/* tests/unit/test_key_meta.c
 *
 * Tests of the scenario keys' metadata (model/input/key_meta.c): every row of the key table
 * and every setting has a label in both languages, a unit and a source; labels are unique per
 * path; the amount keys' units follow their programme's pay kind; the defaults printed are
 * dp_params_default's (expected values copied by hand from model/input/params.c, not from the
 * program's output); sources come from data/reference/programme_defaults.csv where it gives
 * one (expected citations read off the CSV by hand); the settings table's companion axes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_test.h"
#include "core/results.h"
#include "input/key_meta.h"
#include "input/params.h"
#include "input/scenario.h"
#include "input/settings.h"

/* The metadata of the row at path (fails when there is none). */
static void
meta_of(const dp_params *p, const char *path, dp_key_meta *m)
{
    for (size_t i = 0; i < dp_key_meta_count(); i++) {
        if (dp_key_meta_get(p, i, m) == 0 && strcmp(m->path, path) == 0) {
            return;
        }
    }
    fail_msg("no key row %s", path);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Fails when two of the n strings are equal (names the first pair). */
static void
assert_unique(char **s, size_t n, const char *what)
{
    qsort(s, n, sizeof *s, cmp_str);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(s[i - 1], s[i]) == 0) {
            fail_msg("%s '%s' is given to two paths", what, s[i]);
        }
    }
}

static void
test_every_row_has_metadata(void **state)
{
    (void)state;
    dp_key_meta m;
    size_t n = dp_key_meta_count(), leaves = 0;
    assert_true(n > 400); /* 12 programmes x about 40 keys, and the others */
    char **en = calloc(n, sizeof *en), **zh = calloc(n, sizeof *zh);
    assert_non_null(en);
    assert_non_null(zh);
    for (size_t i = 0; i < n; i++) {
        if (dp_key_meta_get(NULL, i, &m) != 0) {
            fail_msg("row %zu (%s) has no unit or no source", i, m.path);
        }
        assert_non_null(m.unit);
        assert_true(m.unit[0] != '\0');
        assert_non_null(m.unit_zh);
        assert_true(m.unit_zh[0] != '\0');
        assert_non_null(m.source);
        assert_true(m.source[0] != '\0');
        assert_true(m.label[0] != '\0');
        assert_true(m.label_zh[0] != '\0');
        assert_true(m.type[0] != '\0');
        /* A label made of segments all unnamed would repeat the path's English words. */
        if (strchr(m.path, '.') && strcmp(m.label_zh, m.path) == 0) {
            fail_msg("%s has no Chinese label", m.path);
        }
        if (!m.map && m.accepted) {
            /* Leaves have a default (a number, a word or a rendering of lists). */
            if (m.dflt[0] == '\0') {
                fail_msg("%s has no default", m.path);
            }
            leaves++;
        }
        en[i] = strdup(m.label);
        zh[i] = strdup(m.label_zh);
    }
    assert_true(leaves > 400);
    assert_unique(en, n, "English label");
    assert_unique(zh, n, "Chinese label");
    for (size_t i = 0; i < n; i++) {
        free(en[i]);
        free(zh[i]);
    }
    free(en);
    free(zh);
    assert_int_equal(dp_key_meta_get(NULL, n, &m), -1);
}

static void
test_every_setting_has_metadata(void **state)
{
    dp_ctx *ctx = *state;
    dp_params *p = malloc(sizeof *p);
    assert_non_null(p);
    dp_params_default(p);
    size_t n = 0, got = 0;
    assert_int_equal(dp_params_describe(ctx, p, 2021, NULL, 0, &n), DP_OK);
    dp_setting *s = calloc(n, sizeof *s);
    char **en = calloc(n, sizeof *en), **zh = calloc(n, sizeof *zh);
    assert_non_null(s);
    assert_int_equal(dp_params_describe(ctx, p, 2021, s, n, &got), DP_OK);
    for (size_t i = 0; i < n; i++) {
        char label[160], label_zh[192], old_zh[192];
        const char *unit = NULL, *unit_zh = NULL, *source = NULL;
        assert_int_equal(dp_setting_meta(s[i].path, s[i].key, label, sizeof label, label_zh,
                                         sizeof label_zh, &unit, &unit_zh, &source),
                         0);
        assert_true(unit && unit[0] && unit_zh && unit_zh[0] && source && source[0]);
        assert_true(label[0] && label_zh[0]);
        /* dp_key_label_zh is the same label. */
        dp_key_label_zh(s[i].path, old_zh, sizeof old_zh);
        assert_string_equal(old_zh, label_zh);
        en[i] = strdup(label);
        zh[i] = strdup(label_zh);
    }
    assert_unique(en, n, "English setting label");
    assert_unique(zh, n, "Chinese setting label");
    for (size_t i = 0; i < n; i++) {
        free(en[i]);
        free(zh[i]);
    }
    free(en);
    free(zh);
    free(s);
    free(p);
}

/* The labels of the header's example and of keys read off the segment names by hand. */
static void
test_labels(void **state)
{
    (void)state;
    char out[192];
    dp_key_label_zh("programmes.care_subsidy.monthly.grade1.2023", out, sizeof out);
    assert_string_equal(out, "重度残疾人护理补贴·月标准·一级·2023年");
    dp_key_label("programmes.care_subsidy.monthly.grade1.2023", 0, out, sizeof out);
    assert_string_equal(out, "care subsidy · monthly amount · grade 1 · 2023");
    dp_key_label_zh("rates.onset_multiplier", out, sizeof out);
    assert_string_equal(out, "新发残疾乘数");
    dp_key_label_zh("programmes.employment_support.type_factor.mental", out, sizeof out);
    assert_string_equal(out, "就业扶持·按类别就业系数·精神");
    /* The number of homes renovated a year, not the eligibility's household statuses. */
    dp_key_label_zh("programmes.home_renovation.households", out, sizeof out);
    assert_string_equal(out, "家庭无障碍改造·年改造户数");
    dp_key_label_zh("programmes.home_renovation.eligibility.households.dibao", out, sizeof out);
    assert_string_equal(out, "家庭无障碍改造·资格条件·家庭户·低保");
}

/* Amount keys: yuan a month, a year or per unit as the programme pays (params.c's
 * dp_prog_pay, written out here), the floor in the same unit; exactly one accepted. */
static void
test_amount_units(void **state)
{
    (void)state;
    static const char *const unit_of[] = {"yuan a month", "yuan a year", "yuan per unit"};
    static const char *const key_of[] = {"monthly", "yearly", "unit_cost"};
    /* By hand from params.h: living, care, dibao supplement monthly; multi-household, pension,
     * medical yearly; the others per unit. */
    static const int pay[DP_N_PROG] = {0, 0, 0, 1, 2, 2, 2, 2, 1, 1, 2, 2};
    dp_key_meta m;
    for (size_t k = 0; k < DP_N_PROG; k++) {
        for (int kind = 0; kind < 3; kind++) {
            char path[96];
            snprintf(path, sizeof path, "programmes.%s.%s", dp_prog_key[k], key_of[kind]);
            meta_of(NULL, path, &m);
            assert_string_equal(m.unit, unit_of[kind]);
            assert_int_equal(m.accepted, kind == pay[k]);
        }
        char path[96];
        snprintf(path, sizeof path, "programmes.%s.floor", dp_prog_key[k]);
        meta_of(NULL, path, &m);
        assert_string_equal(m.unit, unit_of[pay[k]]);
    }
    meta_of(NULL, "economy.dibao.standard", &m);
    assert_string_equal(m.unit, "yuan a month");
    meta_of(NULL, "programmes.child_rehab.away.yearly", &m);
    assert_string_equal(m.unit, "yuan a year");
    meta_of(NULL, "rates.dibao_exit", &m);
    assert_string_equal(m.unit, "probability a year");
    meta_of(NULL, "programmes.care_services.funding.county", &m);
    assert_string_equal(m.unit, "share");
}

/* Defaults read off model/input/params.c by hand. */
static void
test_defaults_by_hand(void **state)
{
    (void)state;
    static const char *const expect[][2] = {
        {"years.start", "2021"},
        {"population.sex_ratio_at_birth", "111.3"},
        {"population.birth_rate", "region file"},
        {"rates.mortality_rr.grade2", "2.2"},
        {"rates.mortality_rr_type.mental", "1.8"},
        {"rates.certification.severe", "balanced"},
        {"economy.dibao.standard", "600"},
        {"economy.dibao.indexation", "rate"},
        {"budget.ceiling", "none"},
        {"programmes.living_subsidy.monthly", "50"},
        {"programmes.living_subsidy.take_up", "calibrated"},
        {"programmes.living_subsidy.eligibility.households", "[dibao]"},
        {"programmes.living_subsidy.marginal_from", "never"},
        {"programmes.care_subsidy.monthly", "grade1: 100, grade2: 100, grade3: 0, grade4: 0"},
        {"programmes.dibao_supplement.indexation.kind", "dibao"},
        {"programmes.dibao_supplement.indexation.dibao_share", "0.2"},
        {"programmes.multi_disabled_household.share", "0.287"},
        {"programmes.child_rehab.eligibility.ages", "[0, 6]"},
        {"programmes.child_rehab.eligibility.certified", "false"},
        {"programmes.child_rehab.coverage", "0.882"},
        {"programmes.adult_rehab.need.physical", "0.58"},
        {"programmes.home_renovation.eligibility.grades", "[1, 2]"},
        {"programmes.home_renovation.eligibility.households", "[dibao, marginal]"},
        {"programmes.home_renovation.households", "coverage target"},
        {"programmes.pension_premium.extensions", "1 rule"},
        {"programmes.care_services.eligibility.types", "[intellectual, mental]"},
        {"programmes.medical_premium.funding.provincial", "0.5"},
        {"programmes.employment_support.posts.yearly", "12000"},
        {"programmes.employment_support.capacity", "unlimited"},
        {"overlaps", "none"},
    };
    dp_key_meta m;
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        meta_of(NULL, expect[i][0], &m);
        if (strcmp(m.dflt, expect[i][1]) != 0) {
            fail_msg("%s: default '%s', expected '%s'", expect[i][0], m.dflt, expect[i][1]);
        }
    }
    /* Other parameters show their own values. */
    dp_params *p = malloc(sizeof *p);
    assert_non_null(p);
    dp_params_default(p);
    p->sex_ratio_birth = 105.5;
    dp_sched_const(&p->prog[DP_PROG_CARE].amount[2], 50.0);
    dp_sched_const(&p->prog[DP_PROG_CARE].amount[3], 50.0);
    meta_of(p, "population.sex_ratio_at_birth", &m);
    assert_string_equal(m.dflt, "105.5");
    meta_of(p, "programmes.care_subsidy.monthly", &m);
    assert_string_equal(m.dflt, "grade1: 100, grade2: 100, grade3: 50, grade4: 50");
    free(p);
}

/* Sources: the CSV's citation and status where it gives one (read off the CSV by hand),
 * "assumption" where it says so or gives none. */
static void
test_sources(void **state)
{
    (void)state;
    static const char *const expect[][2] = {
        {"programmes.care_subsidy.monthly",
         "[S] ecns.cn/2015/09-19/181765.shtml (QUOTED (grades 1-2))"},
        {"programmes.living_subsidy.eligibility.households",
         "[S] mof.gov.cn 2016-11-04; [D] (QUOTED)"},
        {"programmes.living_subsidy.eligibility.grades", "[D] (QUOTED)"},
        {"programmes.child_rehab.need.mental",
         "[N] 8yu8.com copy of SCIO white paper 2021; [V] (DERIVED)"},
        {"programmes.child_rehab.need.grade3", "assumption"},
        {"programmes.assistive_devices.need.multiple", "[N] CGTN 2021-10-29; [Y] (DERIVED)"},
        {"programmes.assistive_devices.need.speech", "assumption"},
        {"programmes.care_services.extensions", "[P001] (QUOTED)"},
        {"programmes.employment_support.base_rate", "[N]; [V] (DERIVED)"},
        {"programmes.employment_support.phase_out.partial_months", "assumption"},
        {"programmes.adult_rehab.unit_cost", "assumption (not found; [SRC] section 3)"},
        {"programmes.living_subsidy.indexation.kind", "assumption ([P000][P001][P002])"},
        {"economy.dibao.consumption_share", "[P001] (QUOTED)"},
        {"rates.dibao_exit", "assumption"},
        {"population.birth_rate", "region file"},
    };
    dp_key_meta m;
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        meta_of(NULL, expect[i][0], &m);
        if (strcmp(m.source, expect[i][1]) != 0) {
            fail_msg("%s: source '%s', expected '%s'", expect[i][0], m.source, expect[i][1]);
        }
    }
}

/* The settings table's companion axes, aligned with `setting`. */
static void
test_settings_axes(void **state)
{
    dp_ctx *ctx = *state;
    dp_params *p = malloc(sizeof *p);
    assert_non_null(p);
    dp_params_default(p);
    dp_results *res = dp_results_alloc(1);
    const double yv[] = {2021, 2022};
    const char *yl[] = {"2021", "2022"};
    assert_int_equal(dp_results_add_axis(ctx, res, "year", 2, yl, NULL, yv, NULL), DP_OK);
    assert_int_equal(dp_settings_add(ctx, res, p), DP_OK);
    size_t s = dp_results_find_axis(res, "setting");
    size_t l = dp_results_find_axis(res, "setting_label");
    size_t u = dp_results_find_axis(res, "setting_unit");
    size_t src = dp_results_find_axis(res, "setting_source");
    assert_true(s != (size_t)-1 && l != (size_t)-1 && u != (size_t)-1 && src != (size_t)-1);
    const dp_axis *ax = res->axis;
    assert_int_equal(ax[l].n, ax[s].n);
    assert_int_equal(ax[u].n, ax[s].n);
    assert_int_equal(ax[src].n, ax[s].n);
    static const char *const expect[][4] = {
        {"programmes.multi_disabled_household.yearly_indexed.grade2", "yuan a year", "元/年",
         "multi-disabled household aid · yearly amount indexed · grade 2"},
        {"programmes.care_subsidy.eligibility.types.visual", "switch (0/1)", "开关",
         "care subsidy · eligibility · disability types · visual"},
        {"programmes.pension_premium.extensions", "count", "个",
         "pension premium · extension rules"},
        {"programmes.child_rehab.eligibility.ages.max", "years of age", "岁",
         "child rehabilitation · eligibility · ages · highest"},
    };
    for (size_t e = 0; e < sizeof expect / sizeof expect[0]; e++) {
        size_t i = 0;
        while (i < ax[s].n && strcmp(ax[s].label[i], expect[e][0]) != 0) {
            i++;
        }
        assert_true(i < ax[s].n);
        assert_string_equal(ax[u].label[i], expect[e][1]);
        assert_string_equal(ax[u].label_zh[i], expect[e][2]);
        assert_string_equal(ax[l].label[i], expect[e][3]);
        assert_string_equal(ax[l].label_zh[i], ax[s].label_zh[i]);
        assert_true(ax[src].label[i][0] != '\0');
    }
    dp_results_free(res);
    free(p);
}

static int
setup(void **state)
{
    *state = dp_ctx_alloc();
    return *state ? 0 : -1;
}

static int
teardown(void **state)
{
    dp_ctx_free(*state);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_has_metadata),
        cmocka_unit_test(test_every_setting_has_metadata),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_amount_units),
        cmocka_unit_test(test_defaults_by_hand),
        cmocka_unit_test(test_sources),
        cmocka_unit_test(test_settings_axes),
    };
    return cmocka_run_group_tests_name("key_meta", tests, setup, teardown);
}
