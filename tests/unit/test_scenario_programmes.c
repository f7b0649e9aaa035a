/* tests/unit/test_scenario_programmes.c
 *
 * The scenario keys of every programme (issue 4; model/input/scenario.c, scenario_keys.c):
 * tests/data/scenarios/good/programmes.yaml gives exactly the dp_params its text says (every
 * other member keeping dp_params_default's value); each of the twelve dp_prog_key names takes
 * its own amount key (dp_prog_pay) and refuses the other two; distributions on the new numeric
 * keys are recorded with the right targets, in key-table order; `extends:` replaces a funding
 * map whole and expands floors and yearly amounts given by grade; dp_params_describe lists the
 * new kinds (words, sets, ages, extensions in force, overlaps). The refusals with their exact
 * file:line:column are in tests/data/scenarios/bad/EXPECTED (test_scenario.c runs them).
 * Run from the repository root; regions come from tests/data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp_test.h"
#include "input/scenario.h"

#define GOOD "tests/data/scenarios/good/"
#define DATA "tests/data"
#define OFF(member) offsetof(dp_params, member)

typedef struct {
    dp_ctx *ctx;
    char dir[64]; /**< temporary folder for scenario texts */
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->ctx = dp_ctx_alloc())) {
        free(f);
        return -1;
    }
    snprintf(f->dir, sizeof f->dir, "/tmp/dpsim_test_progkeys_XXXXXX");
    if (!mkdtemp(f->dir)) {
        dp_ctx_free(f->ctx);
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
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) {
        return -1;
    }
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Writes text to DIR/name and returns the path (static buffer, one at a time per name). */
static const char *
write_file(fixture *f, const char *name, const char *text)
{
    static char path[2][128];
    static int which;
    which ^= 1;
    snprintf(path[which], sizeof path[which], "%s/%s", f->dir, name);
    FILE *fp = fopen(path[which], "w");
    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    return path[which];
}

/* The required keys, then body. */
static const char *
scenario(fixture *f, const char *name, const char *body)
{
    char text[8192];
    snprintf(text, sizeof text, "dpsim: 1\nname: t\nregions: [huzhong]\n%s", body);
    return write_file(f, name, text);
}

static dp_scenario *
load_ok(dp_ctx *ctx, const char *path)
{
    dp_scenario *s = NULL;
    if (dp_scenario_load(ctx, path, DATA, &s) != DP_OK) {
        fail_msg("%s: %s", path, dp_ctx_errmsg(ctx));
    }
    return s;
}

/* Loads path expecting DP_EINPUT with a message containing want. */
static void
load_bad(dp_ctx *ctx, const char *path, const char *want)
{
    dp_scenario *s = NULL;
    dp_ctx_clear(ctx);
    dp_status rc = dp_scenario_load(ctx, path, DATA, &s);
    if (rc != DP_EINPUT || !strstr(dp_ctx_errmsg(ctx), want)) {
        fail_msg("%s: status %d, message '%s', expected one containing '%s'", path, (int)rc,
                 dp_ctx_errmsg(ctx), want);
    }
    assert_null(s);
}

static void
dated(dp_sched *s, int y0, double v0, int y1, double v1)
{
    *s = (dp_sched){.n = 2, .year = {y0, y1}, .value = {v0, v1}};
}

static dp_rule
rule(int from, unsigned types, unsigned grades, unsigned hh, int age_min, int age_max)
{
    return (dp_rule){.from = from, .types = types, .grades = grades, .hh = hh, .age_min = age_min, .age_max = age_max};
}

/* Every expected value below is written in tests/data/scenarios/good/programmes.yaml (the
 * line's comment quotes it where the form differs) or is dp_params_default's (params.c):
 * `expect` starts as the defaults and gets the file's values by hand, so members the file
 * leaves out must equal the defaults. */
static void
test_programmes_fixture(void **state)
{
    fixture *f = *state;
    dp_scenario *s = load_ok(f->ctx, GOOD "programmes.yaml");
    const dp_params *p = dp_scenario_params(s);
    dp_params e;
    dp_params_default(&e);
    const unsigned all_types = DP_ALL_TYPES, all_hh = DP_ALL_HH;

    e.year_start = 2021;
    e.year_end = 2030;
    /* economy */
    dated(&e.cpi, 2021, 0.021, 2025, 0.018);
    dated(&e.dibao.standard, 2021, 715, 2023, 790);
    e.dibao.kind = DP_DIBAO_CONSUMPTION; /* indexation: consumption */
    e.dibao.rate = 0.035;
    e.dibao.consumption_share = 0.31;
    e.dibao.consumption = (dp_sched){.n = 1, .year = {2020}, .value = {28750}};
    e.dibao.consumption_growth = 0.055;
    dp_sched_const(&e.budget_ceiling, 2.5e8);
    /* living_subsidy: one amount for all grades; floors of grades 2 and 4 stay 0 (default). */
    dp_prog_params *g = &e.prog[DP_PROG_LIVING];
    for (size_t k = 0; k < DP_N_GRADE; k++) {
        dp_sched_const(&g->amount[k], 75);
    }
    g->index_kind = DP_INDEX_DIBAO;
    g->dibao_share = 0.3;
    g->floor[0] = 60;
    g->floor[2] = 45.5;
    g->take_up_lag = 2;
    g->marginal_from = 2024;
    /* care_subsidy: grades [2, 1] -> bits 0 and 1; the extensions copy rule[0]'s other
     * fields (all types, all households, ages 0-100, from the default rule). */
    g = &e.prog[DP_PROG_CARE];
    g->index_kind = DP_INDEX_CPI;
    g->rule[0].grades = 0x3;
    g->need_card = 0; /* certified: false */
    g->rule[1] = rule(2023, (1u << DP_INTELLECTUAL) | (1u << DP_MENTAL), 1u << 2, all_hh, 0,
                      DP_MAX_AGE);
    g->rule[2] = rule(2027, all_types, DP_ALL_GRADES, (1u << DP_DIBAO) | (1u << DP_MARGINAL), 16,
                      59);
    g->n_rule = 3;
    dated(&g->funding[DP_LEVEL_CENTRAL], 2021, 0.4, 2026, 0.5);
    dated(&g->funding[DP_LEVEL_PROVINCIAL], 2021, 0.35, 2026, 0.25);
    dp_sched_const(&g->funding[DP_LEVEL_MUNICIPAL], 0); /* not written: 0 */
    dp_sched_const(&g->funding[DP_LEVEL_COUNTY], 0.25);
    /* dibao_supplement */
    e.single_person_from = 2025;
    e.single_person_rate = 0.15;
    /* multi_disabled_household */
    for (size_t k = 0; k < DP_N_GRADE; k++) {
        dated(&e.prog[DP_PROG_MULTI_HH].amount[k], 2021, 1200, 2023, 1800);
    }
    e.multi_share = 0.27;
    e.multi_members = 2.35;
    /* child_rehab: grades 3-4 keep the default 12,000 */
    g = &e.prog[DP_PROG_CHILD_REHAB];
    dp_sched_const(&g->amount[0], 14500);
    dated(&g->amount[1], 2021, 12000, 2024, 13200);
    for (size_t k = 0; k < DP_N_GRADE; k++) {
        g->floor[k] = 9000;
    }
    g->age_max = (dp_sched){.n = 3, .year = {2021, 2024, 2027}, .value = {6, 14, 17}};
    e.away_share = 0.12;
    dated(&e.away_yearly, 2021, 3000, 2024, 5000);
    dated(&g->coverage, 2021, 0.9, 2025, 0.95);
    /* adult_rehab */
    g = &e.prog[DP_PROG_ADULT_REHAB];
    g->need_type[DP_PHYSICAL] = 0.41;
    g->need_type[DP_MENTAL] = 0.37;
    g->need_grade[0] = 1.6;
    g->need_grade[3] = 0.55;
    g->need_age[DP_NEED_OLDER] = 0.7;
    g->need_age[DP_NEED_CHILD] = 2.0;
    dated(&g->capacity, 2021, 350, 2026, 420);
    dp_sched_const(&g->budget_cap, 1.2e6);
    g->take_up = 0.88;
    /* assistive_devices */
    e.prog[DP_PROG_DEVICES].enabled = 0;
    e.device_cycle = 6.5;
    /* home_renovation: `extensions: []` removes the default second rule */
    dated(&e.renovations, 2021, 120, 2024, 150);
    e.renovated_base = 0.18;
    e.prog[DP_PROG_RENOVATION].n_rule = 1;
    /* care_services: rule[0] changes; the default extension (rule[1]) stays as it was */
    g = &e.prog[DP_PROG_CARE_SERVICES];
    g->rule[0].types = (1u << DP_INTELLECTUAL) | (1u << DP_MENTAL);
    g->rule[0].hh = all_hh;
    g->rule[0].age_min = 18;
    g->rule[0].age_max = 59;
    dated(&g->capacity, 2021, 200, 2024, 600);
    /* employment_support */
    e.emp.base_rate = 0.42;
    e.emp.type_factor[DP_VISUAL] = 0.85;
    e.emp.type_factor[DP_MENTAL] = 0.45;
    e.emp.grade_factor[0] = 0.25;
    e.emp.grade_factor[3] = 1.5;
    e.emp.exit_rate = 0.09;
    e.emp.entry_multiplier = 1.15;
    dated(&e.emp.trainees, 2021, 300, 2025, 400);
    dp_sched_const(&e.emp.training_cost, 1800);
    dp_sched_const(&e.emp.posts, 120);
    dp_sched_const(&e.emp.post_yearly, 24000);
    dp_sched_const(&e.emp.awards, 15);
    dp_sched_const(&e.emp.award_amount, 5000);
    e.emp.phase_full_months = 6;
    e.emp.phase_partial_months = 6;
    e.emp.phase_fraction = 0.5;
    e.emp.phase_benefit_share = 0.62;
    /* overlaps, in file order */
    e.n_overlap = 2;
    e.overlap[0] = (dp_overlap){DP_PROG_CARE, DP_PROG_CARE_SERVICES, DP_OVERLAP_EXCLUDE, 0.0};
    e.overlap[1] = (dp_overlap){DP_PROG_LIVING, DP_PROG_DIBAO_SUPP, DP_OVERLAP_REDUCE, 0.4};

    dp_test_assert_params_equal(p, &e);
    /* A few members spelt out, so a failure names them. */
    assert_int_equal(p->prog[DP_PROG_CARE].rule[2].hh, 0x3); /* dibao (bit 0), marginal (1) */
    assert_int_equal(p->prog[DP_PROG_CARE].rule[1].grades, 0x4); /* grade 3 = bit 2 */
    assert_close(dp_sched_at(&p->prog[DP_PROG_CARE].funding[DP_LEVEL_CENTRAL], 2030), 0.5, 0, 0);
    assert_int_equal(p->prog[DP_PROG_CARE_SERVICES].n_rule, 2);
    assert_int_equal(p->n_uncertain, 0);
    dp_scenario_free(s);
}

/* The amount key each programme takes: monthly, yearly or unit_cost by dp_prog_pay. Built from
 * dp_prog_key, so every name params.c gives must be a key of the table. */
static void
test_programmes_every_name(void **state)
{
    fixture *f = *state;
    static const char *const pay_key[] = {"monthly", "yearly", "unit_cost"};
    char body[256], want[160];
    for (size_t k = 0; k < DP_N_PROG; k++) {
        size_t pay = (size_t)dp_prog_pay[k];
        snprintf(body, sizeof body, "programmes:\n  %s:\n    enabled: false\n    %s: 7.25\n",
                 dp_prog_key[k], pay_key[pay]);
        dp_scenario *s = load_ok(f->ctx, scenario(f, "name.yaml", body));
        const dp_prog_params *pp = &dp_scenario_params(s)->prog[k];
        assert_int_equal(pp->enabled, 0);
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            assert_close(dp_sched_at(&pp->amount[g], 2025), 7.25, 0, 0); /* written */
        }
        dp_scenario_free(s);
        /* The other two names: refused at the key (line 6, column 5), naming the right one. */
        for (size_t other = 0; other < 3; other++) {
            if (other == pay) {
                continue;
            }
            snprintf(body, sizeof body, "programmes:\n  %s:\n    %s: 7.25\n", dp_prog_key[k],
                     pay_key[other]);
            snprintf(want, sizeof want, "name.yaml:6:5: programmes.%s.%s: %s pays ",
                     dp_prog_key[k], pay_key[other], dp_prog_key[k]);
            load_bad(f->ctx, scenario(f, "name.yaml", body), want);
            snprintf(want, sizeof want, ": write '%s', not '%s'", pay_key[pay], pay_key[other]);
            load_bad(f->ctx, scenario(f, "name.yaml", body), want);
        }
    }
    /* "did you mean" offers only the programme's own amount key: `yearl` on a monthly
     * programme has no close key (yearly is not one), on a yearly programme it has. */
    load_bad(f->ctx, scenario(f, "name.yaml", "programmes:\n  care_subsidy:\n    yearl: 1\n"),
             "unknown key 'programmes.care_subsidy.yearl'");
    dp_ctx_clear(f->ctx);
    dp_scenario *s = NULL;
    assert_int_equal(dp_scenario_load(f->ctx,
                                      scenario(f, "name.yaml",
                                               "programmes:\n  care_subsidy:\n    yearl: 1\n"),
                                      DATA, &s),
                     DP_EINPUT);
    assert_null(strstr(dp_ctx_errmsg(f->ctx), "did you mean"));
    load_bad(f->ctx,
             scenario(f, "name.yaml", "programmes:\n  medical_premium:\n    yearl: 1\n"),
             "unknown key 'programmes.medical_premium.yearl' (did you mean 'yearly'?)");
}

/* Distributions on the new numeric keys: a floor for all grades is one parameter with four
 * targets; a need multiplier, a dated capacity and an overlap's fraction are one each; their
 * order is the key table's (programmes in dp_prog order, within one by key; overlaps after
 * the programmes), not the file's. Central values are the means. */
static void
test_programmes_distributions(void **state)
{
    fixture *f = *state;
    const char *path = scenario(
        f, "dist.yaml",
        "overlaps:\n"
        "  - {first: care_subsidy, second: care_services, rule: reduce,\n"
        "     fraction: {dist: uniform, min: 0.2, max: 0.6}}\n"
        "programmes:\n"
        "  adult_rehab:\n"
        "    capacity: {2021: 300, 2024: {dist: normal, mean: 420, sd: 30}}\n"
        "    need: {grade1: {dist: lognormal, median: 1.5, sd_log: 0.1}}\n"
        "  living_subsidy:\n"
        "    floor: {dist: triangular, min: 40, mode: 50, max: 75}\n");
    dp_scenario *s = load_ok(f->ctx, path);
    const dp_params *p = dp_scenario_params(s);
    assert_int_equal(p->n_uncertain, 4);
    /* living_subsidy (programme 0) first; in adult_rehab need (listed before capacity in the
     * key table) before capacity; overlaps last. */
    assert_string_equal(p->uncertain[0].name, "programmes.living_subsidy.floor");
    assert_string_equal(p->uncertain[1].name, "programmes.adult_rehab.need.grade1");
    assert_string_equal(p->uncertain[2].name, "programmes.adult_rehab.capacity.2024");
    assert_string_equal(p->uncertain[3].name, "overlaps[1].fraction");
    /* Targets: the four floors; need_grade[0]; capacity's second dated value; the fraction. */
    assert_int_equal(p->uncertain[0].n_target, DP_N_GRADE);
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        assert_int_equal(p->uncertain[0].offset[g], OFF(prog[DP_PROG_LIVING].floor[g]));
        /* triangular mean (40 + 50 + 75) / 3 = 55 */
        assert_close(p->prog[DP_PROG_LIVING].floor[g], 55.0, 1e-15, 0);
    }
    assert_int_equal(p->uncertain[1].offset[0], OFF(prog[DP_PROG_ADULT_REHAB].need_grade[0]));
    /* lognormal mean 1.5 exp(0.1^2 / 2) */
    assert_close(p->prog[DP_PROG_ADULT_REHAB].need_grade[0], 1.5 * exp(0.005), 1e-15, 0);
    assert_int_equal(p->uncertain[2].offset[0],
                     OFF(prog[DP_PROG_ADULT_REHAB].capacity.value[1]));
    assert_close(p->prog[DP_PROG_ADULT_REHAB].capacity.value[1], 420.0, 0, 0);
    assert_int_equal(p->uncertain[3].offset[0], OFF(overlap[0].fraction));
    assert_close(p->overlap[0].fraction, 0.4, 1e-15, 0); /* (0.2 + 0.6) / 2 */
    assert_close(p->uncertain[3].min, 0.0, 0, 0);
    assert_close(p->uncertain[3].max, 1.0, 0, 0);
    /* The floor's range is [0, inf): a draw writes all four grades. */
    assert_true(isinf(p->uncertain[0].max));
    dp_scenario_free(s);

    /* Keys that take no distribution say so (integers, words, lists, funding shares). */
    load_bad(f->ctx,
             scenario(f, "dist.yaml",
                      "programmes:\n  care_subsidy:\n    eligibility:\n      age_max: "
                      "{2021: 6, 2024: {dist: uniform, min: 10, max: 17}}\n"),
             "programmes.care_subsidy.eligibility.age_max.2024: expected an integer in [0, "
             "100], got a distribution (only numbers, probabilities and amounts may be "
             "distributions)");
    load_bad(f->ctx,
             scenario(f, "dist.yaml",
                      "programmes:\n  care_subsidy:\n    funding: {central: 0.5, provincial: "
                      "{dist: uniform, min: 0.4, max: 0.6}}\n"),
             "programmes.care_subsidy.funding.provincial: expected a share in [0, 1], got a "
             "distribution (funding shares must sum to 1 in every year, so they cannot be "
             "distributions)");
    load_bad(f->ctx,
             scenario(f, "dist.yaml",
                      "programmes:\n  care_subsidy:\n    eligibility:\n      types: {dist: "
                      "fixed, value: 1}\n"),
             "programmes.care_subsidy.eligibility.types: expected a list of disability types");
    load_bad(f->ctx,
             scenario(f, "dist.yaml",
                      "economy:\n  dibao:\n    indexation: {dist: fixed, value: 1}\n"),
             "economy.dibao.indexation: expected one of rate, cpi, consumption, got a "
             "distribution");
}

/* extends: an overlay's funding replaces the base's whole (levels it leaves out are 0, not the
 * base's); floors and yearly amounts given as one value in the base and by grade in the overlay
 * keep the base's value for the grades the overlay leaves out. */
static void
test_programmes_extends(void **state)
{
    fixture *f = *state;
    write_file(f, "base.yaml",
               "dpsim: 1\nname: b\nregions: [huzhong]\nprogrammes:\n"
               "  pension_premium:\n    yearly: {2021: 100, 2024: 120}\n    floor: 90\n"
               "    funding: {central: 0.5, provincial: 0.5}\n"
               "    eligibility: {types: [physical], ages: [16, 59]}\n");
    const char *path = write_file(f, "overlay.yaml",
                                  "extends: base.yaml\nname: o\nprogrammes:\n"
                                  "  pension_premium:\n    yearly: {grade2: 150}\n"
                                  "    floor: {grade4: 95}\n    funding: {county: 1}\n"
                                  "    eligibility: {ages: [18, 59]}\n");
    dp_scenario *s = load_ok(f->ctx, path);
    const dp_prog_params *pp = &dp_scenario_params(s)->prog[DP_PROG_PENSION];
    /* funding: only the overlay's county = 1 (central and provincial are 0, not 0.5). */
    assert_close(dp_sched_at(&pp->funding[DP_LEVEL_CENTRAL], 2025), 0, 0, 0);
    assert_close(dp_sched_at(&pp->funding[DP_LEVEL_PROVINCIAL], 2025), 0, 0, 0);
    assert_close(dp_sched_at(&pp->funding[DP_LEVEL_MUNICIPAL], 2025), 0, 0, 0);
    assert_close(dp_sched_at(&pp->funding[DP_LEVEL_COUNTY], 2025), 1, 0, 0);
    /* amounts: grade 2 from the overlay, the others the base's dated value */
    assert_close(dp_sched_at(&pp->amount[1], 2021), 150, 0, 0);
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        if (g != 1) {
            assert_int_equal(pp->amount[g].n, 2);
            assert_close(dp_sched_at(&pp->amount[g], 2023), 100, 0, 0);
            assert_close(dp_sched_at(&pp->amount[g], 2024), 120, 0, 0);
        }
    }
    /* floors: grade 4 from the overlay, the others the base's 90 */
    assert_close(pp->floor[0], 90, 0, 0);
    assert_close(pp->floor[1], 90, 0, 0);
    assert_close(pp->floor[2], 90, 0, 0);
    assert_close(pp->floor[3], 95, 0, 0);
    /* eligibility merges key by key: the base's types, the overlay's ages */
    assert_int_equal(pp->rule[0].types, 1u << DP_PHYSICAL);
    assert_int_equal(pp->rule[0].age_min, 18);
    assert_int_equal(pp->rule[0].age_max, 59);
    dp_scenario_free(s);
}

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

/* Asserts that setting path exists with the value v in the list. */
static void
assert_setting(const dp_setting *s, size_t n, const char *path, double v)
{
    long i = find_setting(s, n, path);
    if (i < 0) {
        fail_msg("no setting %s", path);
    }
    if (!(s[i].value == v || (isnan(v) && isnan(s[i].value)))) {
        fail_msg("setting %s: %g, expected %g", path, s[i].value, v);
    }
}

/* dp_params_describe on programmes.yaml (values written there): words as one switch per
 * word, sets as one switch per member, ages as min and max, extensions as the number of rules
 * in force, overlaps as their number, amounts under the programme's own key name only. */
static void
test_programmes_describe(void **state)
{
    fixture *f = *state;
    static dp_setting set[1024];
    size_t n = 0, n_def = 0;
    dp_scenario *s = load_ok(f->ctx, GOOD "programmes.yaml");
    const dp_params *p = dp_scenario_params(s);
    dp_params def;
    dp_params_default(&def);
    assert_int_equal(dp_params_describe(f->ctx, p, 2024, NULL, 0, &n), DP_OK);
    assert_int_equal(dp_params_describe(f->ctx, &def, 2021, NULL, 0, &n_def), DP_OK);
    assert_int_equal(n, n_def); /* the count depends on neither p nor the year */
    assert_true(n <= 1024);
    assert_int_equal(dp_params_describe(f->ctx, p, 2024, set, n, &n), DP_OK);

    assert_setting(set, n, "economy.dibao.indexation.rate", 0);
    assert_setting(set, n, "economy.dibao.indexation.cpi", 0);
    assert_setting(set, n, "economy.dibao.indexation.consumption", 1);
    assert_setting(set, n, "programmes.care_subsidy.indexation.kind.cpi", 1);
    assert_setting(set, n, "programmes.care_subsidy.eligibility.grades.grade1", 1);
    assert_setting(set, n, "programmes.care_subsidy.eligibility.grades.grade3", 0);
    assert_setting(set, n, "programmes.care_subsidy.eligibility.certified", 0);
    assert_setting(set, n, "programmes.care_services.eligibility.ages.min", 18);
    assert_setting(set, n, "programmes.care_services.eligibility.ages.max", 59);
    assert_setting(set, n, "programmes.care_services.eligibility.types.mental", 1);
    assert_setting(set, n, "programmes.care_services.eligibility.types.visual", 0);
    /* care_subsidy's extensions: from 2023 and from 2027; in 2024 one is in force. */
    assert_setting(set, n, "programmes.care_subsidy.extensions", 1);
    assert_setting(set, n, "overlaps", 2);
    assert_setting(set, n, "programmes.child_rehab.eligibility.age_max", 14); /* 2024: 14 */
    assert_setting(set, n, "programmes.living_subsidy.floor.grade3", 45.5);
    assert_setting(set, n, "programmes.care_subsidy.funding.county", 0.25);
    assert_setting(set, n, "programmes.employment_support.phase_out.full_months", 6);
    assert_setting(set, n, "programmes.multi_disabled_household.yearly.grade1", 1800);
    assert_setting(set, n, "programmes.child_rehab.unit_cost.grade2", 13200);
    assert_true(find_setting(set, n, "programmes.multi_disabled_household.monthly.grade1") < 0);
    assert_true(find_setting(set, n, "programmes.child_rehab.yearly.grade1") < 0);
    /* Unset schedules give NAN with the key's word. */
    long i = find_setting(set, n, "programmes.care_subsidy.capacity");
    assert_true(i >= 0 && isnan(set[i].value));
    assert_string_equal(set[i].word, "unlimited");
    /* 2030: both extensions in force. */
    assert_int_equal(dp_params_describe(f->ctx, p, 2030, set, n, &n), DP_OK);
    assert_setting(set, n, "programmes.care_subsidy.extensions", 2);
    dp_scenario_free(s);
}

/* Refusals of the new key kinds, beside the fixtures of bad/EXPECTED: funding sums checked in
 * every projected year (a dated share changing after years.end is not checked), the overlap
 * rules' fields, and the extension list's length. Positions were counted by hand in the texts
 * (three lines of required keys come first) and checked with PyYAML's node marks. */
static void
test_programmes_refusals(void **state)
{
    fixture *f = *state;
    /* Shares 0.5 + 0.5 until 2030, 0.7 + 0.5 from 2031: fine for years 2021-2030. */
    dp_scenario *s = load_ok(
        f->ctx, scenario(f, "r.yaml",
                         "years: {start: 2021, end: 2030}\nprogrammes:\n  care_subsidy:\n"
                         "    funding: {central: {2021: 0.5, 2031: 0.7}, county: 0.5}\n"));
    dp_scenario_free(s);
    /* ... and refused when the years reach 2031: the sum 1.2 in the first such year. */
    load_bad(f->ctx,
             scenario(f, "r.yaml",
                      "years: {start: 2021, end: 2035}\nprogrammes:\n  care_subsidy:\n"
                      "    funding: {central: {2021: 0.5, 2031: 0.7}, county: 0.5}\n"),
             "r.yaml:7:14: programmes.care_subsidy.funding: the shares sum to 1.2 in 2031, "
             "expected 1 (within 1e-9)");
    load_bad(f->ctx,
             scenario(f, "r.yaml",
                      "overlaps:\n  - {first: care_subsidy, second: care_subsidy, rule: "
                      "exclude}\n"),
             "r.yaml:5:35: overlaps[1].second: expected a programme other than first "
             "(care_subsidy), got 'care_subsidy'");
    load_bad(f->ctx,
             scenario(f, "r.yaml",
                      "overlaps:\n  - {first: care_subsidy, second: care_services, rule: "
                      "exclude}\n  - {first: care_services, second: care_subsidy, rule: "
                      "exclude}\n"),
             "r.yaml:6:5: overlaps[2]: care_services and care_subsidy are already combined "
             "by overlaps[1]");
    load_bad(f->ctx,
             scenario(f, "r.yaml",
                      "overlaps:\n  - {first: care_subsidy, second: care_services, rule: "
                      "drop}\n"),
             "overlaps[1].rule: expected one of exclude, reduce, got 'drop'");
    load_bad(f->ctx, scenario(f, "r.yaml", "overlaps: {first: care_subsidy}\n"),
             "r.yaml:4:11: overlaps: expected a list of at most 16 overlap rules");
    /* Eight extensions: one more than DP_MAX_RULES - 1 = 7. */
    char body[1024] = "programmes:\n  care_subsidy:\n    extensions:\n";
    for (int k = 0; k < 8; k++) {
        snprintf(body + strlen(body), sizeof body - strlen(body), "      - {from: %d}\n",
                 2022 + k);
    }
    load_bad(f->ctx, scenario(f, "r.yaml", body),
             "r.yaml:7:7: programmes.care_subsidy.extensions: expected a list of at most 7 "
             "extension rules {from, types, grades, households, ages}, got 8");
    load_bad(f->ctx,
             scenario(f, "r.yaml",
                      "programmes:\n  care_subsidy:\n    extensions:\n      - {types: [mental]}\n"),
             "r.yaml:7:9: missing required key 'programmes.care_subsidy.extensions[1].from'");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_programmes_fixture),
        cmocka_unit_test(test_programmes_every_name),
        cmocka_unit_test(test_programmes_distributions),
        cmocka_unit_test(test_programmes_extends),
        cmocka_unit_test(test_programmes_describe),
        cmocka_unit_test(test_programmes_refusals),
    };
    return cmocka_run_group_tests_name("scenario_programmes", tests, setup, teardown);
}
