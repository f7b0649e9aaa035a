/* tests/unit/test_scenario.c
 *
 * Scenario loading (model/input/scenario.c, yaml_tree.c, sha256.c): the fixtures in
 * tests/data/scenarios/good/ give the dp_params their text says; `extends:` overlays merge as
 * documented; date-ranged values are looked up as step functions; the resolved text re-loads to
 * equal parameters; input files are listed with correct SHA-256 digests; and every bad fixture
 * in tests/data/scenarios/bad/ gives exactly the message listed in its EXPECTED file (shared
 * with tests/cli/bad_scenarios.sh). Run from the repository root; regions come from tests/data.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/yaml_tree.h"
#include "dp_test.h"
#include "input/scenario.h"

#define GOOD    "tests/data/scenarios/good/"
#define BAD_DIR "tests/data/scenarios/bad"
#define DATA    "tests/data"

static int
setup(void **state)
{
    dp_ctx *ctx = dp_ctx_alloc();
    if (!ctx) {
        return -1;
    }
    *state = ctx;
    return 0;
}

static int
teardown(void **state)
{
    dp_ctx_free(*state);
    return 0;
}

static dp_scenario *
load_ok(dp_ctx *ctx, const char *path)
{
    dp_scenario *s = NULL;
    dp_status rc = dp_scenario_load(ctx, path, DATA, &s);
    if (rc != DP_OK) {
        fail_msg("%s: %s", path, dp_ctx_errmsg(ctx));
    }
    return s;
}

/* A constant schedule as dp_sched_const makes it: one pair keyed at year 0. */
static void
assert_const(const dp_sched *s, double v)
{
    assert_int_equal(s->n, 1);
    assert_int_equal(s->year[0], 0);
    assert_close(s->value[0], v, 0, 0);
}

static void
assert_dated2(const dp_sched *s, int y0, double v0, int y1, double v1)
{
    assert_int_equal(s->n, 2);
    assert_int_equal(s->year[0], y0);
    assert_close(s->value[0], v0, 0, 0);
    assert_int_equal(s->year[1], y1);
    assert_close(s->value[1], v1, 0, 0);
}

/* Every expected value in this test is written in tests/data/scenarios/good/base.yaml, or is
 * the default of dp_params_default (params.c) for keys the file leaves out. */
static void
test_scenario_good_params(void **state)
{
    dp_ctx *ctx = *state;
    dp_scenario *s = load_ok(ctx, GOOD "base.yaml");
    const dp_params *p = dp_scenario_params(s);
    assert_string_equal(dp_scenario_name(s), "test-base");
    assert_string_equal(dp_scenario_title(s), "Test scenario: every key set");
    assert_int_equal(dp_scenario_n_region(s), 2);
    assert_string_equal(dp_scenario_region(s, 0)->id, "daan");
    assert_string_equal(dp_scenario_region(s, 1)->id, "huzhong");
    assert_null(dp_scenario_region(s, 2));
    /* A value from each region file: daan's population, huzhong's disabled total. */
    assert_close(dp_scenario_region(s, 0)->population, 270911, 0, 0);
    assert_close(dp_scenario_region(s, 1)->disabled_total, 937, 0, 0);

    assert_int_equal(p->year_start, 2021);
    assert_int_equal(p->year_end, 2033);
    assert_int_equal(p->birth_rate.n, 3);
    assert_int_equal(p->birth_rate.year[0], 2021);
    assert_int_equal(p->birth_rate.year[1], 2025);
    assert_int_equal(p->birth_rate.year[2], 2030);
    assert_close(p->birth_rate.value[0], 0.0061, 0, 0);
    assert_close(p->birth_rate.value[1], 0.0057, 0, 0);
    assert_close(p->birth_rate.value[2], 0.0052, 0, 0);
    assert_close(p->sex_ratio_birth, 108.7, 0, 0);
    assert_const(&p->migration_rate, -0.0137);
    assert_close(p->disabled_migration_factor, 0.45, 0, 0);
    assert_close(p->mortality_improvement, 0.0125, 0, 0);
    assert_close(p->mort_rr_grade[0], 3.35, 0, 0);
    assert_close(p->mort_rr_grade[1], 2.45, 0, 0);
    assert_close(p->mort_rr_grade[2], 1.6, 0, 0); /* default */
    assert_close(p->mort_rr_grade[3], 1.3, 0, 0); /* default */
    assert_close(p->mort_rr_type[DP_INTELLECTUAL], 1.27, 0, 0);
    assert_close(p->mort_rr_type[DP_MENTAL], 1.95, 0, 0);
    assert_close(p->mort_rr_type[DP_VISUAL], 1.0, 0, 0);   /* default */
    assert_close(p->mort_rr_type[DP_MULTIPLE], 1.0, 0, 0); /* default */
    assert_close(p->onset_multiplier, 1.085, 0, 0);
    assert_close(p->worsen_rate[0], 0.0123, 0, 0);
    assert_close(p->worsen_rate[1], 0.0285, 0, 0);
    assert_close(p->improve_rate, 0.0042, 0, 0);
    assert_close(p->certify_rate[0], 0.115, 0, 0);
    assert_close(p->certify_rate[1], 0.0375, 0, 0);
    assert_close(p->dibao_exit, 0.0625, 0, 0);
    assert_close(p->marginal_exit, 0.118, 0, 0);
    assert_close(p->dibao_entry, 0.0215, 0, 0);
    assert_true(isnan(p->marginal_entry)); /* `balanced` */

    const dp_prog_params *liv = &p->prog[DP_PROG_LIVING];
    assert_int_equal(liv->enabled, 1);
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        /* One dated amount sets all four grades. */
        assert_dated2(&liv->amount[g], 2021, 99, 2023, 120);
    }
    assert_close(liv->index_rate, 0.025, 0, 0);
    assert_close(liv->take_up, 0.915, 0, 0);
    assert_int_equal(liv->marginal_from, 2023);

    const dp_prog_params *care = &p->prog[DP_PROG_CARE];
    assert_int_equal(care->enabled, 0);
    assert_dated2(&care->amount[0], 2021, 100, 2024, 150);
    assert_const(&care->amount[1], 80);
    assert_const(&care->amount[2], 37.5);
    assert_const(&care->amount[3], 0); /* default: no care subsidy for grade 4 */
    assert_close(care->index_rate, 0.031, 0, 0);
    assert_true(isnan(care->take_up)); /* `calibrated` */
    assert_int_equal(care->marginal_from, 0);
    dp_scenario_free(s);
}

static void
test_scenario_defaults(void **state)
{
    dp_ctx *ctx = *state;
    dp_scenario *s = load_ok(ctx, GOOD "minimal.yaml");
    dp_params def;
    dp_params_default(&def);
    /* minimal.yaml sets no parameter: all are dp_params_default's. */
    dp_test_assert_params_equal(dp_scenario_params(s), &def);
    assert_string_equal(dp_scenario_name(s), "test-minimal");
    assert_string_equal(dp_scenario_title(s), ""); /* no title: "" by contract */
    assert_int_equal(dp_scenario_n_region(s), 1);
    dp_scenario_free(s);
}

static void
test_scenario_extends_overlay(void **state)
{
    dp_ctx *ctx = *state;
    dp_scenario *base = load_ok(ctx, GOOD "base.yaml");
    dp_scenario *s = load_ok(ctx, GOOD "overlay.yaml");
    const dp_params *p = dp_scenario_params(s);
    const dp_params *b = dp_scenario_params(base);

    /* Written in overlay.yaml. */
    assert_string_equal(dp_scenario_name(s), "test-overlay");
    assert_string_equal(dp_scenario_title(s), "Overlay: two grades and the birth rate changed");
    /* A dated value is replaced whole, not merged year by year: base's 2025 and 2030 go. */
    assert_int_equal(p->birth_rate.n, 1);
    assert_int_equal(p->birth_rate.year[0], 2021);
    assert_close(p->birth_rate.value[0], 0.0058, 0, 0);
    /* Living subsidy: base gives one dated amount for all grades, the overlay sets grade 1;
     * grades 2-4 keep the base's amount (not the default 50). */
    assert_const(&p->prog[DP_PROG_LIVING].amount[0], 150);
    for (size_t g = 1; g < DP_N_GRADE; g++) {
        assert_dated2(&p->prog[DP_PROG_LIVING].amount[g], 2021, 99, 2023, 120);
    }
    /* Care subsidy: the overlay sets grade 2 and enabled; the rest is the base's. */
    assert_dated2(&p->prog[DP_PROG_CARE].amount[0], 2021, 100, 2024, 150);
    assert_const(&p->prog[DP_PROG_CARE].amount[1], 95);
    assert_const(&p->prog[DP_PROG_CARE].amount[2], 37.5);
    assert_const(&p->prog[DP_PROG_CARE].amount[3], 0);
    assert_int_equal(p->prog[DP_PROG_CARE].enabled, 1);

    /* Everything else is inherited: equal to base.yaml's parameters once the overlay's
     * changes are copied over them. */
    dp_params expect = *b;
    expect.birth_rate = p->birth_rate;
    memcpy(expect.prog[DP_PROG_LIVING].amount, p->prog[DP_PROG_LIVING].amount,
           sizeof expect.prog[0].amount);
    memcpy(expect.prog[DP_PROG_CARE].amount, p->prog[DP_PROG_CARE].amount,
           sizeof expect.prog[0].amount);
    expect.prog[DP_PROG_CARE].enabled = 1;
    dp_test_assert_params_equal(p, &expect);
    assert_int_equal(dp_scenario_n_region(s), 2);
    dp_scenario_free(s);
    dp_scenario_free(base);
}

static void
test_scenario_dated_lookup(void **state)
{
    dp_ctx *ctx = *state;
    dp_scenario *s = load_ok(ctx, GOOD "base.yaml");
    const dp_params *p = dp_scenario_params(s);
    const dp_sched *br = &p->birth_rate; /* {2021: 0.0061, 2025: 0.0057, 2030: 0.0052} */
    /* Step function (params.h): before the first key the first value; from each key on its
     * value. */
    assert_close(dp_sched_at(br, 2019), 0.0061, 0, 0);
    assert_close(dp_sched_at(br, 2021), 0.0061, 0, 0);
    assert_close(dp_sched_at(br, 2024), 0.0061, 0, 0);
    assert_close(dp_sched_at(br, 2025), 0.0057, 0, 0);
    assert_close(dp_sched_at(br, 2029), 0.0057, 0, 0);
    assert_close(dp_sched_at(br, 2030), 0.0052, 0, 0);
    assert_close(dp_sched_at(br, 2035), 0.0052, 0, 0);
    assert_int_equal(dp_sched_key(br, 2019), 2021);
    assert_int_equal(dp_sched_key(br, 2027), 2025);
    assert_int_equal(dp_sched_key(br, 2033), 2030);
    const dp_sched *g1 = &p->prog[DP_PROG_CARE].amount[0]; /* {2021: 100, 2024: 150} */
    assert_close(dp_sched_at(g1, 2023), 100, 0, 0);
    assert_close(dp_sched_at(g1, 2024), 150, 0, 0);
    dp_scenario_free(s);
}

/* Loads path, writes its resolved text to a temporary file, loads that, and checks both give
 * the same parameters, name, title, regions and text. */
static void
roundtrip(dp_ctx *ctx, const char *path)
{
    dp_scenario *a = load_ok(ctx, path);
    const char *text = dp_scenario_text(a);
    char tmp[] = "/tmp/dpsim_test_scenario_XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_null(strstr(text, "extends"));

    dp_scenario *b = NULL;
    dp_status rc = dp_scenario_load(ctx, tmp, DATA, &b);
    if (rc != DP_OK) {
        print_error("resolved text of %s:\n%s", path, text);
        unlink(tmp);
        fail_msg("re-loading the resolved text failed: %s", dp_ctx_errmsg(ctx));
    }
    unlink(tmp);
    dp_test_assert_params_equal(dp_scenario_params(a), dp_scenario_params(b));
    assert_string_equal(dp_scenario_name(a), dp_scenario_name(b));
    assert_string_equal(dp_scenario_title(a), dp_scenario_title(b));
    assert_int_equal(dp_scenario_n_region(a), dp_scenario_n_region(b));
    for (size_t r = 0; r < dp_scenario_n_region(a); r++) {
        /* Byte for byte, but for the address of the reported figures, which are compared
         * themselves. */
        dp_region_input ra = *dp_scenario_region(a, r), rb = *dp_scenario_region(b, r);
        assert_int_equal(ra.n_reported, rb.n_reported);
        if (ra.n_reported > 0) {
            assert_memory_equal(ra.reported, rb.reported, ra.n_reported * sizeof *ra.reported);
        }
        ra.reported = rb.reported = NULL;
        assert_memory_equal(&ra, &rb, sizeof ra);
    }
    /* The same targets (every member, byte for byte: each target is zeroed before it is
     * filled, so padding compares equal too). */
    size_t n_a = 0, n_b = 0;
    const dp_target *ta = dp_scenario_targets(a, &n_a);
    const dp_target *tb = dp_scenario_targets(b, &n_b);
    assert_int_equal(n_a, n_b);
    if (n_a > 0) {
        assert_memory_equal(ta, tb, n_a * sizeof *ta);
    }
    /* Resolving a resolved tree changes nothing. */
    assert_string_equal(dp_scenario_text(a), dp_scenario_text(b));
    dp_scenario_free(a);
    dp_scenario_free(b);
}

static void
test_scenario_text_roundtrip(void **state)
{
    dp_ctx *ctx = *state;
    roundtrip(ctx, GOOD "base.yaml");
    roundtrip(ctx, GOOD "overlay.yaml");
    roundtrip(ctx, GOOD "minimal.yaml");
    roundtrip(ctx, GOOD "text.yaml");
    roundtrip(ctx, GOOD "targets.yaml");
    roundtrip(ctx, GOOD "targets_overlay.yaml");
    roundtrip(ctx, GOOD "programmes.yaml");

    /* text.yaml: values written in the file. */
    dp_scenario *s = load_ok(ctx, GOOD "text.yaml");
    assert_string_equal(dp_scenario_name(s), "test.text_1");
    assert_string_equal(dp_scenario_title(s), "Quotes \" and colons: 大安市, # not a comment");
    const dp_prog_params *liv = &dp_scenario_params(s)->prog[DP_PROG_LIVING];
    assert_int_equal(liv->marginal_from, 0); /* `never` */
    assert_true(isnan(liv->take_up));        /* `calibrated` */
    assert_const(&liv->amount[1], 100);     /* 1e2 */
    assert_const(&liv->amount[3], 0);
    assert_const(&liv->amount[0], 50);                         /* default floor */
    assert_true(isnan(dp_scenario_params(s)->certify_rate[0])); /* `balanced` */
    assert_close(dp_scenario_params(s)->certify_rate[1], 0.031, 0, 0);
    dp_scenario_free(s);
}

static void
assert_target(const dp_target *t, const char *indicator, const char *region, int year,
              dp_target_op op, double value, int binding)
{
    assert_string_equal(t->indicator, indicator);
    assert_string_equal(t->region, region);
    assert_int_equal(t->year, year);
    assert_int_equal(t->op, op);
    assert_close(t->value, value, 0, 0);
    assert_int_equal(t->binding, binding);
}

/* Every expected value is written in tests/data/scenarios/good/targets.yaml, or is the
 * documented default: tolerance 0.5 persons / 1e-9 otherwise for "==", NAN for other ops. */
static void
test_scenario_targets(void **state)
{
    dp_ctx *ctx = *state;
    size_t n = 0;
    dp_scenario *s = load_ok(ctx, GOOD "targets.yaml");
    const dp_target *t = dp_scenario_targets(s, &n);
    assert_int_equal(n, 7);
    assert_target(&t[0], "certified_share", "daan", 2025, DP_OP_GE, 0.9, 1);
    assert_string_equal(t[0].name_zh, "持证率达到90%");
    assert_true(isnan(t[0].tolerance));
    assert_target(&t[1], "care_subsidy_recipients", "", 2030, DP_OP_GT, 7000, 0);
    assert_string_equal(t[1].name_zh, "");
    assert_target(&t[2], "total_spending", "", 2021, DP_OP_LE, 1.6e7, 1);  /* 约束性 */
    assert_target(&t[3], "dibao", "huzhong", 2024, DP_OP_LT, 6818.5, 0); /* 预期性 */
    assert_target(&t[4], "disabled", "", 2030, DP_OP_EQ, 14036, 0);
    assert_close(t[4].tolerance, 0.5, 0, 0);
    assert_target(&t[5], "severe_certified_share", "", 2025, DP_OP_EQ, 0.875, 1);
    assert_close(t[5].tolerance, 0.0125, 0, 0);
    assert_target(&t[6], "living_subsidy_spending", "", 2022, DP_OP_LE, 5e6, 0); /* plain <= */
    dp_scenario_free(s);

    /* An overlay's list replaces the base's whole list; [] removes them all. */
    s = load_ok(ctx, GOOD "targets_overlay.yaml");
    t = dp_scenario_targets(s, &n);
    assert_int_equal(n, 1);
    assert_target(&t[0], "children", "", 2026, DP_OP_GE, 120, 0);
    dp_scenario_free(s);
    s = load_ok(ctx, GOOD "targets_none.yaml");
    t = dp_scenario_targets(s, &n);
    assert_int_equal(n, 0);
    assert_null(t);
    dp_scenario_free(s);
    /* A scenario without the key has none. */
    s = load_ok(ctx, GOOD "minimal.yaml");
    assert_null(dp_scenario_targets(s, &n));
    assert_int_equal(n, 0);
    dp_scenario_free(s);
}

/* Money with units (good/money.yaml): 万/万元 are 10,000 yuan, yuan/元 one, spaces optional,
 * `yuan` in any case; everywhere an amount of money is read. A unit elsewhere stays an error
 * (bad/money_unit.yaml and the bad fixtures for the messages). */
static void
test_scenario_money_units(void **state)
{
    dp_ctx *ctx = *state;
    size_t n = 0;
    dp_scenario *s = load_ok(ctx, GOOD "money.yaml");
    const dp_params *p = dp_scenario_params(s);
    assert_const(&p->budget_ceiling, 31000000.0);
    assert_dated2(&p->dibao.standard, 2021, 650.0, 2025, 800.0);
    assert_const(&p->prog[DP_PROG_LIVING].amount[0], 120.0);
    assert_const(&p->prog[DP_PROG_CARE].amount[0], 150.0);
    assert_const(&p->prog[DP_PROG_CARE].amount[1], 100.0);
    assert_const(&p->prog[DP_PROG_CARE].budget_cap, 25000.0);
    assert_const(&p->emp.award_amount, 2000.0);
    const dp_target *t = dp_scenario_targets(s, &n);
    assert_int_equal(n, 1);
    assert_close(t[0].value, 3.1e7, 0, 0);
    dp_scenario_free(s);

    /* The parser itself: the forms and what is refused. */
    static const struct {
        const char *text;
        int ok;
        double yuan;
    } cases[] = {{"3100万", 1, 3.1e7},       {"3100 万元", 1, 3.1e7}, {"31000000 yuan", 1, 3.1e7},
                 {"1.5e3元", 1, 1500.0},     {"42", 1, 42.0},          {"3100 dollars", -1, 0},
                 {"3100万 yuan", -1, 0},     {"万", 0, 0},             {"yuan", 0, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dp_ynode *node = dp_ynode_scalar("x", 1, 1, cases[i].text);
        double v = -1.0;
        assert_non_null(node);
        int r = dp_yparse_amount(node, &v);
        if (r != cases[i].ok || (r == 1 && v != cases[i].yuan)) {
            fail_msg("%s: got %d, %g", cases[i].text, r, v);
        }
        dp_ynode_free(node);
    }
}

static void
test_scenario_inputs(void **state)
{
    dp_ctx *ctx = *state;
    dp_scenario *s = load_ok(ctx, GOOD "overlay.yaml");
    /* The chain in reading order (the file given, then what it extends), then the regions in
     * list order. */
    assert_int_equal(dp_scenario_n_input(s), 4);
    assert_string_equal(dp_scenario_input_path(s, 0), GOOD "overlay.yaml");
    assert_string_equal(dp_scenario_input_path(s, 1), GOOD "base.yaml");
    assert_string_equal(dp_scenario_input_path(s, 2), DATA "/regions/daan.yaml");
    assert_string_equal(dp_scenario_input_path(s, 3), DATA "/regions/huzhong.yaml");
    /* Computed with `sha256sum tests/data/scenarios/good/base.yaml` (coreutils). */
    assert_string_equal(dp_scenario_input_sha256(s, 1),
                        "e7d9ba5d97e16986f0a4f729ed0f4439a90ec8784005807248853fa482d06822");
    /* Computed with `sha256sum tests/data/regions/huzhong.yaml`. */
    assert_string_equal(dp_scenario_input_sha256(s, 3),
                        "79cb0a7f4a552e7a799000f4daccc8f569642a75ada94c178c9055351eb68a85");
    for (size_t i = 0; i < 4; i++) {
        const char *hex = dp_scenario_input_sha256(s, i);
        assert_int_equal(strlen(hex), 64);
        assert_int_equal(strspn(hex, "0123456789abcdef"), 64);
    }
    assert_null(dp_scenario_input_path(s, 4));
    dp_scenario_free(s);
}

static void
test_scenario_sha256_file(void **state)
{
    dp_ctx *ctx = *state;
    char tmp[] = "/tmp/dpsim_test_sha_XXXXXX";
    char hex[65];
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    assert_int_equal(dp_sha256_file(ctx, tmp, hex), DP_OK);
    /* FIPS 180-2, appendix B.1: SHA-256("abc"). */
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(truncate(tmp, 0), 0);
    assert_int_equal(dp_sha256_file(ctx, tmp, hex), DP_OK);
    /* SHA-256 of the empty string (FIPS 180-2 test vectors, NIST CSRC examples). */
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    unlink(tmp);
    assert_int_equal(dp_sha256_file(ctx, tmp, hex), DP_EINPUT);
}

static void
test_scenario_missing_file(void **state)
{
    dp_ctx *ctx = *state;
    dp_scenario *s = (dp_scenario *)&s; /* must be reset to NULL */
    dp_status rc = dp_scenario_load(ctx, "tests/data/scenarios/no_such.yaml", DATA, &s);
    assert_int_equal(rc, DP_EINPUT);
    assert_null(s);
    /* strerror(ENOENT) in glibc. */
    assert_string_equal(dp_ctx_errmsg(ctx), "tests/data/scenarios/no_such.yaml: cannot open: "
                                            "No such file or directory");
}

static void
test_scenario_data_dir_slash(void **state)
{
    dp_ctx *ctx = *state;
    dp_scenario *s = NULL;
    /* "tests/data/" names the same folder as "tests/data": region paths have one slash. */
    assert_int_equal(dp_scenario_load(ctx, GOOD "minimal.yaml", "tests/data/", &s), DP_OK);
    assert_string_equal(dp_scenario_input_path(s, 1), "tests/data/regions/huzhong.yaml");
    dp_scenario_free(s);
}

/* Emits a parsed tree, for the tree-level checks below. */
static char *
merged_text(dp_ctx *ctx, const char *base, const char *overlay)
{
    dp_ynode *a = NULL, *b = NULL;
    char *text = NULL;
    assert_int_equal(dp_ytree_parse(ctx, "a.yaml", (const unsigned char *)base, strlen(base), &a),
                     DP_OK);
    assert_int_equal(
        dp_ytree_parse(ctx, "b.yaml", (const unsigned char *)overlay, strlen(overlay), &b), DP_OK);
    dp_ynode *m = dp_ytree_merge(a, b);
    assert_non_null(m);
    assert_int_equal(dp_ytree_emit(ctx, m, &text), DP_OK);
    dp_ynode_free(m);
    return text;
}

static void
test_scenario_tree_merge(void **state)
{
    dp_ctx *ctx = *state;
    /* By the rules in yaml_tree.h: maps merge key by key in the base's order with new keys
     * appended; lists, scalars, dated maps and distributions are replaced whole. */
    char *text = merged_text(ctx, "a: {x: 1, y: 2}\nb: [1, 2]\nd: {2021: 5, 2023: 6}\n",
                             "d: {2022: 7}\na: {y: 3, z: 4}\nb: [9]\nc: x\n");
    assert_string_equal(text, "a: {x: 1, y: 3, z: 4}\nb: [9]\nd: {2022: 7}\nc: x\n");
    free(text);
    /* A map over a scalar replaces it; nested maps merge at every level. */
    text = merged_text(ctx, "p:\n  q: 1\n  r: {s: 2, t: 3}\n", "p: {r: {t: 4}}\nq: {k: v}\n");
    assert_string_equal(text, "p:\n  q: 1\n  r: {s: 2, t: 4}\nq: {k: v}\n");
    free(text);
    /* A distribution is one value, replaced whole: a normal over a lognormal keeps no `median`;
     * a number over a distribution, a distribution over a plain map and a plain map over a
     * distribution each leave the overlay's value alone. */
    text = merged_text(ctx,
                       "a: {dist: lognormal, median: 1, sd_log: 0.1}\n"
                       "b: {dist: beta, mean: 0.5, sd: 0.1}\nc: {x: 1}\n"
                       "d: {dist: fixed, value: 1}\n",
                       "a: {dist: normal, mean: 1, sd: 0.2}\nb: 0.4\nc: {dist: fixed, value: 2}\n"
                       "d: {value: 3}\n");
    assert_string_equal(text, "a: {dist: normal, mean: 1, sd: 0.2}\nb: 0.4\n"
                              "c: {dist: fixed, value: 2}\nd: {value: 3}\n");
    free(text);
}

static void
test_scenario_edit_distance(void **state)
{
    (void)state;
    /* Textbook values: kitten -> sitting needs 3 edits; a swap of neighbours counts once in
     * the optimal-string-alignment distance; distance to "" is the length. */
    assert_int_equal(dp_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(dp_edit_distance("physcial", "physical"), 1);
    assert_int_equal(dp_edit_distance("", "abc"), 3);
    assert_int_equal(dp_edit_distance("grade5", "grade1"), 1);
    assert_int_equal(dp_edit_distance("same", "same"), 0);
}

static int
listed(char names[][64], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

static void
test_scenario_bad_files(void **state)
{
    dp_ctx *ctx = *state;
    FILE *f = fopen(BAD_DIR "/EXPECTED", "r");
    char line[4096];
    char names[256][64];
    size_t n = 0;
    int failures = 0;
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        const char *expect = tab + 1;
        char path[1100];
        snprintf(path, sizeof path, "%s/%.63s", BAD_DIR, line);
        assert_true(n < 256 && strlen(line) < sizeof names[0]); /* names fit in 63 */
        snprintf(names[n++], sizeof names[0], "%.63s", line);

        dp_scenario *s = NULL;
        dp_ctx_clear(ctx);
        dp_status rc = dp_scenario_load(ctx, path, DATA, &s);
        if (rc != DP_EINPUT || strcmp(dp_ctx_errmsg(ctx), expect) != 0 || s) {
            print_error("%s: status %d, message\n  got:      %s\n  expected: %s\n", line, (int)rc,
                        dp_ctx_errmsg(ctx), expect);
            failures++;
        }
        dp_scenario_free(s);
    }
    fclose(f);
    DIR *dir = opendir(BAD_DIR);
    assert_non_null(dir);
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0 && !listed(names, n, e->d_name)) {
            print_error("%s/%s has no line in EXPECTED\n", BAD_DIR, e->d_name);
            failures++;
        }
    }
    closedir(dir);
    assert_true(n >= 18);
    assert_int_equal(failures, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_good_params),
        cmocka_unit_test(test_scenario_defaults),
        cmocka_unit_test(test_scenario_extends_overlay),
        cmocka_unit_test(test_scenario_dated_lookup),
        cmocka_unit_test(test_scenario_text_roundtrip),
        cmocka_unit_test(test_scenario_targets),
        cmocka_unit_test(test_scenario_money_units),
        cmocka_unit_test(test_scenario_inputs),
        cmocka_unit_test(test_scenario_sha256_file),
        cmocka_unit_test(test_scenario_missing_file),
        cmocka_unit_test(test_scenario_data_dir_slash),
        cmocka_unit_test(test_scenario_tree_merge),
        cmocka_unit_test(test_scenario_edit_distance),
        cmocka_unit_test(test_scenario_bad_files),
    };
    return cmocka_run_group_tests_name("scenario", tests, setup, teardown);
}
