/* model/input/scenario_keys.c
 *
 * The scenario key table (STYLE §5): one row per key, in the order of docs/scenarios.md, each
 * naming how the value is read and the member of dp_params it writes. scenario.c walks a
 * scenario's tree against it; dp_params_describe lists the resolved value of every leaf key
 * in a year from it. The twelve programmes share one set of keys: PROG_ROWS writes the rows of
 * one programme, and the table lists it once per programme (in dp_prog order), each followed by
 * the keys only that programme has. The row order is also the order of the uncertain
 * parameters (parameter ids), so rows are only ever appended within their section.
 * The defaults are those of dp_params_default (params.c), with their sources there. Labels,
 * units and sources of every row: key_meta.c (a new row needs its unit there; the unit tests
 * and tests/cli/keys.sh say which; docs/keys.md is regenerated with `dpsim keys --format md`).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/scenario.h"
#include "input/yaml_tree.h"
#include "input/params.h"
#include "input/scenario_impl.h"

#define OFF(desig) offsetof(dp_params, desig)
#define ROW(PATH, TYPE, MIN, MAX, WORD, DESIG)                                                     \
    {.path = PATH, .type = TYPE, .min = MIN, .max = MAX, .word = WORD, .offset = OFF(DESIG)}
#define MAP(PATH)                          {.path = PATH, .type = K_MAP}
#define NUM(PATH, MIN, MAX, DESIG)         ROW(PATH, K_NUMBER, MIN, MAX, NULL, DESIG)
#define PROB(PATH, DESIG)                  ROW(PATH, K_PROB, 0, 1, NULL, DESIG)
#define SCHED(PATH, MIN, MAX, UNSET, DESIG) ROW(PATH, K_SCHED, MIN, MAX, UNSET, DESIG)
#define FLAGGED(PATH, MIN, MAX, FLAGS, DESIG)                                                      \
    {.path = PATH, .type = K_SCHED, .min = MIN, .max = MAX, .word = "unset", .flags = FLAGS,       \
     .offset = OFF(DESIG)}
#define AMOUNT(PATH, PAY, DESIG)                                                                   \
    {.path = PATH, .type = K_AMOUNT, .min = 0, .max = HUGE_VAL, .offset = OFF(DESIG), .aux = PAY}
#define SET(PATH, WHICH, DESIG) {.path = PATH, .type = K_SET, .offset = OFF(DESIG), .aux = WHICH}
/* One row per disability type (dims.h order and names), grade or level of government. */
#define BY_TYPE(PATH, TYPE, MIN, MAX, DESIG)                                                       \
    ROW(PATH ".visual", TYPE, MIN, MAX, NULL, DESIG[DP_VISUAL]),                                   \
        ROW(PATH ".hearing", TYPE, MIN, MAX, NULL, DESIG[DP_HEARING]),                             \
        ROW(PATH ".speech", TYPE, MIN, MAX, NULL, DESIG[DP_SPEECH]),                               \
        ROW(PATH ".physical", TYPE, MIN, MAX, NULL, DESIG[DP_PHYSICAL]),                           \
        ROW(PATH ".intellectual", TYPE, MIN, MAX, NULL, DESIG[DP_INTELLECTUAL]),                   \
        ROW(PATH ".mental", TYPE, MIN, MAX, NULL, DESIG[DP_MENTAL]),                               \
        ROW(PATH ".multiple", TYPE, MIN, MAX, NULL, DESIG[DP_MULTIPLE])
#define BY_GRADE(PATH, TYPE, MIN, MAX, DESIG)                                                      \
    ROW(PATH ".grade1", TYPE, MIN, MAX, NULL, DESIG[0]),                                           \
        ROW(PATH ".grade2", TYPE, MIN, MAX, NULL, DESIG[1]),                                       \
        ROW(PATH ".grade3", TYPE, MIN, MAX, NULL, DESIG[2]),                                       \
        ROW(PATH ".grade4", TYPE, MIN, MAX, NULL, DESIG[3])
#define SHARES(PATH, DESIG)                                                                        \
    FLAGGED(PATH ".central", 0, 1, F_SHARE, DESIG[DP_LEVEL_CENTRAL]),                              \
        FLAGGED(PATH ".provincial", 0, 1, F_SHARE, DESIG[DP_LEVEL_PROVINCIAL]),                    \
        FLAGGED(PATH ".municipal", 0, 1, F_SHARE, DESIG[DP_LEVEL_MUNICIPAL]),                      \
        FLAGGED(PATH ".county", 0, 1, F_SHARE, DESIG[DP_LEVEL_COUNTY])

/* The keys every programme has (docs/scenarios.md "Keys of every programme"). K is the
 * programme's index, NAME its dp_prog_key (a string literal here; the unit tests check that
 * the two agree). Of the three amount keys only the one of dp_prog_pay[K] is accepted. */
#define PR(K, member) prog[K].member
#define PROG_ROWS(K, NAME)                                                                         \
    MAP("programmes." NAME), ROW("programmes." NAME ".enabled", K_BOOL, 0, 0, NULL, PR(K, enabled)), \
        AMOUNT("programmes." NAME ".monthly", DP_PAY_MONTHLY, PR(K, amount)),                      \
        AMOUNT("programmes." NAME ".yearly", DP_PAY_YEARLY, PR(K, amount)),                        \
        AMOUNT("programmes." NAME ".unit_cost", DP_PAY_SERVICE, PR(K, amount)),                    \
        MAP("programmes." NAME ".indexation"),                                                     \
        ROW("programmes." NAME ".indexation.kind", K_WORD, 0, 0, "rate|cpi|dibao",                 \
            PR(K, index_kind)),                                                                    \
        NUM("programmes." NAME ".indexation.rate", -0.5, 0.5, PR(K, index_rate)),                  \
        PROB("programmes." NAME ".indexation.dibao_share", PR(K, dibao_share)),                    \
        ROW("programmes." NAME ".floor", K_GRADE_NUM, 0, HUGE_VAL, NULL, PR(K, floor)),            \
        ROW("programmes." NAME ".take_up", K_PROB, 0, 1, "calibrated", PR(K, take_up)),            \
        ROW("programmes." NAME ".take_up_lag", K_INT, 0, 10, NULL, PR(K, take_up_lag)),            \
        MAP("programmes." NAME ".eligibility"),                                                    \
        SET("programmes." NAME ".eligibility.types", KS_TYPES, PR(K, rule[0].types)),              \
        SET("programmes." NAME ".eligibility.grades", KS_GRADES, PR(K, rule[0].grades)),           \
        SET("programmes." NAME ".eligibility.households", KS_HH, PR(K, rule[0].hh)),               \
        ROW("programmes." NAME ".eligibility.ages", K_AGES, 0, DP_MAX_AGE, NULL, PR(K, rule[0])),  \
        ROW("programmes." NAME ".eligibility.certified", K_BOOL, 0, 0, NULL, PR(K, need_card)),    \
        FLAGGED("programmes." NAME ".eligibility.age_max", 0, DP_MAX_AGE, F_INTEGER,               \
                PR(K, age_max)),                                                                   \
        ROW("programmes." NAME ".extensions", K_EXTENSIONS, 1990, 2100, NULL, PR(K, rule)),        \
        SCHED("programmes." NAME ".coverage", 0, 1, "unset", PR(K, coverage)),                     \
        MAP("programmes." NAME ".need"),                                                           \
        BY_TYPE("programmes." NAME ".need", K_PROB, 0, 1, PR(K, need_type)),                       \
        BY_GRADE("programmes." NAME ".need", K_NUMBER, 0, 10, PR(K, need_grade)),                  \
        NUM("programmes." NAME ".need.children", 0, 10, PR(K, need_age[DP_NEED_CHILD])),           \
        NUM("programmes." NAME ".need.working", 0, 10, PR(K, need_age[DP_NEED_WORKING])),          \
        NUM("programmes." NAME ".need.older", 0, 10, PR(K, need_age[DP_NEED_OLDER])),              \
        SCHED("programmes." NAME ".capacity", 0, HUGE_VAL, "unlimited", PR(K, capacity)),          \
        SCHED("programmes." NAME ".budget_cap", 0, HUGE_VAL, "unlimited", PR(K, budget_cap)),      \
        ROW("programmes." NAME ".funding", K_FUNDING, 0, 0, NULL, PR(K, funding)),                 \
        SHARES("programmes." NAME ".funding", PR(K, funding))

const key_def dp_scenario_keys[] = {
    {.path = "dpsim", .type = K_VERSION, .min = 1, .max = 1},
    {.path = "name", .type = K_NAME},
    {.path = "title", .type = K_TEXT},
    {.path = "extends", .type = K_EXTENDS},
    {.path = "regions", .type = K_REGIONS},
    ROW("base_year", K_YEAR, 1990, 2100, NULL, base_year),
    ROW("status_quo", K_WORD, 0, 0, "frozen|trend", status_quo),
    MAP("calibration"),
    NUM("calibration.cv", 0.001, 1, cal_cv),
    NUM("calibration.growth_sd", 0.001, 10, cal_growth_sd),
    NUM("calibration.ceiling", 0.01, 2, cal_ceiling),
    MAP("years"),
    ROW("years.start", K_YEAR, 1990, 2100, NULL, year_start),
    ROW("years.end", K_YEAR, 1990, 2100, NULL, year_end),
    MAP("population"),
    SCHED("population.birth_rate", 0, 0.1, "region file", birth_rate),
    NUM("population.sex_ratio_at_birth", 90, 130, sex_ratio_birth),
    SCHED("population.migration_rate", -0.2, 0.2, "region file", migration_rate),
    NUM("population.disabled_migration_factor", 0, 1, disabled_migration_factor),
    NUM("population.mortality_improvement", 0, 0.1, mortality_improvement),
    MAP("rates"),
    MAP("rates.mortality_rr"),
    BY_GRADE("rates.mortality_rr", K_NUMBER, 1, 20, mort_rr_grade),
    MAP("rates.mortality_rr_type"),
    BY_TYPE("rates.mortality_rr_type", K_NUMBER, 0.1, 20, mort_rr_type),
    NUM("rates.onset_multiplier", 0, 10, onset_multiplier),
    MAP("rates.worsening"),
    PROB("rates.worsening.under60", worsen_rate[0]),
    PROB("rates.worsening.over60", worsen_rate[1]),
    PROB("rates.improvement", improve_rate),
    MAP("rates.certification"),
    ROW("rates.certification.severe", K_PROB, 0, 1, "balanced", certify_rate[0]),
    ROW("rates.certification.other", K_PROB, 0, 1, "balanced", certify_rate[1]),
    PROB("rates.dibao_exit", dibao_exit),
    PROB("rates.marginal_exit", marginal_exit),
    ROW("rates.dibao_entry", K_PROB, 0, 1, "balanced", dibao_entry),
    ROW("rates.marginal_entry", K_PROB, 0, 1, "balanced", marginal_entry),
    MAP("economy"),
    SCHED("economy.cpi", -0.2, 0.5, "unset", cpi),
    MAP("economy.dibao"),
    SCHED("economy.dibao.standard", 0, HUGE_VAL, "unset", dibao.standard),
    ROW("economy.dibao.indexation", K_WORD, 0, 0, "rate|cpi|consumption", dibao.kind),
    NUM("economy.dibao.rate", -0.5, 0.5, dibao.rate),
    PROB("economy.dibao.consumption_share", dibao.consumption_share),
    SCHED("economy.dibao.consumption", 0, HUGE_VAL, "unset", dibao.consumption),
    NUM("economy.dibao.consumption_growth", -0.5, 0.5, dibao.consumption_growth),
    MAP("budget"),
    SCHED("budget.ceiling", 0, HUGE_VAL, "none", budget_ceiling),
    MAP("programmes"),
    PROG_ROWS(DP_PROG_LIVING, "living_subsidy"),
    ROW("programmes.living_subsidy.marginal_from", K_YEAR_NEVER, 1990, 2100, "never",
        PR(DP_PROG_LIVING, marginal_from)),
    PROG_ROWS(DP_PROG_CARE, "care_subsidy"),
    PROG_ROWS(DP_PROG_DIBAO_SUPP, "dibao_supplement"),
    MAP("programmes.dibao_supplement.single_person"),
    ROW("programmes.dibao_supplement.single_person.from", K_YEAR_NEVER, 1990, 2100, "never",
        single_person_from),
    PROB("programmes.dibao_supplement.single_person.rate", single_person_rate),
    PROG_ROWS(DP_PROG_MULTI_HH, "multi_disabled_household"),
    PROB("programmes.multi_disabled_household.share", multi_share),
    NUM("programmes.multi_disabled_household.members", 1, 10, multi_members),
    PROG_ROWS(DP_PROG_CHILD_REHAB, "child_rehab"),
    MAP("programmes.child_rehab.away"),
    PROB("programmes.child_rehab.away.share", away_share),
    SCHED("programmes.child_rehab.away.yearly", 0, HUGE_VAL, "unset", away_yearly),
    PROG_ROWS(DP_PROG_ADULT_REHAB, "adult_rehab"),
    NUM("programmes.adult_rehab.person_times", 1, 100, rehab_times),
    PROG_ROWS(DP_PROG_DEVICES, "assistive_devices"),
    NUM("programmes.assistive_devices.cycle", 1, 50, device_cycle),
    PROG_ROWS(DP_PROG_RENOVATION, "home_renovation"),
    SCHED("programmes.home_renovation.households", 0, HUGE_VAL, "coverage target", renovations),
    PROB("programmes.home_renovation.base_coverage", renovated_base),
    PROG_ROWS(DP_PROG_PENSION, "pension_premium"),
    PROB("programmes.pension_premium.participation", pension_participation),
    PROG_ROWS(DP_PROG_MEDICAL, "medical_premium"),
    PROB("programmes.medical_premium.participation", medical_participation),
    PROG_ROWS(DP_PROG_CARE_SERVICES, "care_services"),
    PROG_ROWS(DP_PROG_EMPLOYMENT, "employment_support"),
    PROB("programmes.employment_support.base_rate", emp.base_rate),
    MAP("programmes.employment_support.type_factor"),
    BY_TYPE("programmes.employment_support.type_factor", K_NUMBER, 0, 10, emp.type_factor),
    MAP("programmes.employment_support.grade_factor"),
    BY_GRADE("programmes.employment_support.grade_factor", K_NUMBER, 0, 10, emp.grade_factor),
    PROB("programmes.employment_support.exit_rate", emp.exit_rate),
    NUM("programmes.employment_support.entry_multiplier", 0, 10, emp.entry_multiplier),
    MAP("programmes.employment_support.training"),
    SCHED("programmes.employment_support.training.trainees", 0, HUGE_VAL, "unset", emp.trainees),
    SCHED("programmes.employment_support.training.cost", 0, HUGE_VAL, "unset", emp.training_cost),
    MAP("programmes.employment_support.posts"),
    SCHED("programmes.employment_support.posts.number", 0, HUGE_VAL, "unset", emp.posts),
    SCHED("programmes.employment_support.posts.yearly", 0, HUGE_VAL, "unset", emp.post_yearly),
    MAP("programmes.employment_support.awards"),
    SCHED("programmes.employment_support.awards.number", 0, HUGE_VAL, "unset", emp.awards),
    SCHED("programmes.employment_support.awards.amount", 0, HUGE_VAL, "unset",
          emp.award_amount),
    MAP("programmes.employment_support.phase_out"),
    ROW("programmes.employment_support.phase_out.full_months", K_INT, 0, 36, NULL,
        emp.phase_full_months),
    ROW("programmes.employment_support.phase_out.partial_months", K_INT, 0, 36, NULL,
        emp.phase_partial_months),
    PROB("programmes.employment_support.phase_out.fraction", emp.phase_fraction),
    PROB("programmes.employment_support.phase_out.benefit_share", emp.phase_benefit_share),
    ROW("overlaps", K_OVERLAPS, 0, 0, NULL, overlap),
    {.path = "targets", .type = K_TARGETS},
};

const size_t dp_scenario_n_keys = sizeof dp_scenario_keys / sizeof dp_scenario_keys[0];

/* The enums K_WORD and K_INT rows write through an int pointer must be int-sized. */
_Static_assert(sizeof(dp_index_kind) == sizeof(int), "dp_index_kind is not int-sized");
_Static_assert(sizeof(dp_dibao_kind) == sizeof(int), "dp_dibao_kind is not int-sized");
_Static_assert(sizeof(dp_status_quo) == sizeof(int), "dp_status_quo is not int-sized");

const key_def *
dp_scenario_find_key(const char *path)
{
    for (size_t i = 0; i < dp_scenario_n_keys; i++) {
        if (strcmp(dp_scenario_keys[i].path, path) == 0) {
            return &dp_scenario_keys[i];
        }
    }
    return NULL;
}

size_t
dp_scenario_key_prog(const key_def *d)
{
    size_t first = offsetof(dp_params, prog);
    if (d->offset < first || d->offset >= first + sizeof(((dp_params *)0)->prog)) {
        return DP_N_PROG;
    }
    return (d->offset - first) / sizeof(dp_prog_params);
}

const char *const *
dp_scenario_set_names(int set, size_t *n_out)
{
    switch (set) {
    case KS_TYPES:
        *n_out = DP_N_TYPE;
        return dp_type_label;
    case KS_GRADES:
        *n_out = DP_N_GRADE;
        return dp_grade_label;
    default:
        *n_out = DP_N_HH;
        return dp_hh_label;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Settings: the resolved value of every leaf key in one year */

typedef struct {
    dp_setting *out; /**< where settings go, or NULL to count */
    size_t cap;      /**< slots in out */
    size_t n;        /**< settings so far (counted always) */
    size_t key;      /**< the row being described (index in dp_scenario_keys) */
} settings;

/* Appends one setting (counting it always; writing it while there is room). */
static void
put(settings *st, const char *path, double value, const char *word)
{
    if (st->out && st->n < st->cap) {
        dp_setting *s = &st->out[st->n];
        size_t len = strlen(path);
        len = len < sizeof s->path - 1 ? len : sizeof s->path - 1;
        memcpy(s->path, path, len);
        s->path[len] = '\0';
        s->value = value;
        s->word = word;
        s->key = st->key;
    }
    st->n++;
}

/* Appends the setting "PATH.SUFFIX". */
static void
put_sub(settings *st, const char *path, const char *suffix, double value, const char *word)
{
    char sub[sizeof((dp_setting){0}).path];
    snprintf(sub, sizeof sub, "%s.%s", path, suffix);
    put(st, sub, value, word);
}

/* The settings of one row (none for maps, names, region lists and the like). */
static void
describe_key(settings *st, const key_def *d, const dp_params *p, int year)
{
    const void *at = (const char *)p + d->offset;
    size_t prog = dp_scenario_key_prog(d);
    char sub[sizeof((dp_setting){0}).path];
    switch (d->type) {
    case K_NUMBER:
        put(st, d->path, *(const double *)at, NULL);
        break;
    case K_PROB:
        put(st, d->path, *(const double *)at, d->word);
        break;
    case K_SCHED:
        put(st, d->path, dp_sched_at((const dp_sched *)at, year), d->word);
        break;
    case K_YEAR:
    case K_BOOL:
    case K_INT:
        put(st, d->path, (double)*(const int *)at, NULL);
        break;
    case K_YEAR_NEVER: {
        int v = *(const int *)at;
        put(st, d->path, v == 0 ? (double)NAN : (double)v, d->word);
        break;
    }
    case K_WORD: {
        /* One switch per word: 1 for the word in force. */
        int v = *(const int *)at;
        int i = 0;
        for (const char *w = d->word; *w; i++) {
            size_t len = strcspn(w, "|");
            snprintf(sub, sizeof sub, "%s.%.*s", d->path, (int)len, w);
            put(st, sub, v == i ? 1.0 : 0.0, NULL);
            w += len + (w[len] == '|');
        }
        break;
    }
    case K_SET: {
        size_t n;
        const char *const *names = dp_scenario_set_names(d->aux, &n);
        unsigned bits = *(const unsigned *)at;
        for (size_t i = 0; i < n; i++) {
            put_sub(st, d->path, names[i], (bits >> i) & 1u ? 1.0 : 0.0, NULL);
        }
        break;
    }
    case K_AGES: {
        const dp_rule *rule = at;
        put_sub(st, d->path, "min", (double)rule->age_min, NULL);
        put_sub(st, d->path, "max", (double)rule->age_max, NULL);
        break;
    }
    case K_GRADE_NUM:
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            put_sub(st, d->path, dp_grade_label[g], ((const double *)at)[g], NULL);
        }
        break;
    case K_AMOUNT: {
        if (dp_prog_pay[prog] != (dp_pay_kind)d->aux) {
            break; /* not this programme's amount key */
        }
        const dp_sched *amount = at;
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            put_sub(st, d->path, dp_grade_label[g], dp_sched_at(&amount[g], year), "unset");
        }
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            snprintf(sub, sizeof sub, "%s_indexed.%s", d->path, dp_grade_label[g]);
            double v = dp_sched_at(&amount[g], year);
            put(st, sub, isfinite(v) ? dp_prog_amount(p, prog, g, year) : (double)NAN, "unset");
        }
        break;
    }
    case K_EXTENSIONS: {
        /* The number of extension rules in force in the year. */
        const dp_prog_params *pp = &p->prog[prog];
        size_t n = 0;
        for (size_t r = 1; r < pp->n_rule; r++) {
            n += pp->rule[r].from <= year;
        }
        put(st, d->path, (double)n, NULL);
        break;
    }
    case K_OVERLAPS:
        put(st, d->path, (double)p->n_overlap, NULL);
        break;
    default:
        /* Maps, names, titles, region lists, extends, targets and the version. */
        break;
    }
}

size_t
dp_scenario_describe_row(const key_def *d, const dp_params *p, int year, dp_setting *out,
                         size_t cap)
{
    settings st = {out, cap, 0, (size_t)(d - dp_scenario_keys)};
    describe_key(&st, d, p, year);
    return st.n;
}

dp_status
dp_params_describe(dp_ctx *ctx, const dp_params *p, int year, dp_setting *out, size_t cap,
                   size_t *n)
{
    settings st = {out, cap, 0, 0};
    for (size_t i = 0; i < dp_scenario_n_keys; i++) {
        st.key = i;
        describe_key(&st, &dp_scenario_keys[i], p, year);
    }
    *n = st.n;
    if (out && st.n > cap) {
        return dp_error(ctx, DP_EINTERNAL, "%zu settings do not fit in %zu slots", st.n, cap);
    }
    return DP_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Numeric keys, for the solver (dp_scenario_key_numeric and friends, scenario.h) */

/* The row of path, or of path without a trailing ".gradeN" when that row is by grade (*grade
 * receives N - 1, else DP_N_GRADE). */
static const key_def *
find_numeric_row(const char *path, size_t *grade)
{
    *grade = DP_N_GRADE;
    const key_def *d = dp_scenario_find_key(path);
    if (d) {
        return d;
    }
    const char *dot = strrchr(path, '.');
    if (!dot) {
        return NULL;
    }
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        if (strcmp(dot + 1, dp_grade_label[g]) == 0) {
            char row[128];
            size_t len = (size_t)(dot - path);
            if (len >= sizeof row) {
                return NULL;
            }
            memcpy(row, path, len);
            row[len] = '\0';
            d = dp_scenario_find_key(row);
            if (d && (d->type == K_AMOUNT || d->type == K_GRADE_NUM)) {
                *grade = g;
                return d;
            }
            return NULL;
        }
    }
    return NULL;
}

int
dp_scenario_key_numeric(const char *path, dp_key_info *out)
{
    size_t grade;
    const key_def *d = find_numeric_row(path, &grade);
    if (!d) {
        return 0;
    }
    memset(out, 0, sizeof *out);
    out->row = (size_t)(d - dp_scenario_keys);
    out->min = d->min;
    out->max = d->max;
    out->by_grade = (d->type == K_AMOUNT || d->type == K_GRADE_NUM) && grade == DP_N_GRADE;
    switch (d->type) {
    case K_NUMBER:
    case K_GRADE_NUM:
        break;
    case K_PROB:
        out->min = 0.0;
        out->max = 1.0;
        break;
    case K_SCHED:
        out->integer = (d->flags & F_INTEGER) != 0;
        if (d->flags & F_SHARE) {
            return -1; /* funding shares must sum to 1 per year: not one key alone */
        }
        break;
    case K_AMOUNT:
        out->min = 0.0;
        out->max = HUGE_VAL;
        break;
    case K_INT:
    case K_YEAR:
        out->integer = 1;
        break;
    default:
        return -1;
    }
    return 1;
}

const char *
dp_scenario_key_suggest(const char *path)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < dp_scenario_n_keys; i++) {
        const key_def *d = &dp_scenario_keys[i];
        if (d->type == K_MAP) {
            continue;
        }
        size_t dist = dp_edit_distance(path, d->path);
        if (dist < best_d) {
            best_d = dist;
            best = d->path;
        }
    }
    /* A suggestion only when it is close: at most a quarter of the path's length off. */
    return best && best_d <= 2 + strlen(path) / 4 ? best : NULL;
}

/* The value of the setting path in year (NAN when it has a word or is absent); *found 1 when
 * the setting exists. */
static double
setting_value(const dp_setting *set, size_t n, const char *path, int *found)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(set[i].path, path) == 0) {
            *found = 1;
            return set[i].value;
        }
    }
    *found = 0;
    return NAN;
}

dp_status
dp_scenario_key_value(dp_ctx *ctx, const dp_scenario *s, const char *path, int year,
                      double *value, int *varies)
{
    dp_key_info info;
    dp_setting *set = NULL;
    size_t n = 0;
    double first = NAN;
    dp_status rc = DP_OK;
    const dp_params *p = dp_scenario_params(s);
    *value = NAN;
    *varies = 0;
    if (dp_scenario_key_numeric(path, &info) != 1) {
        return dp_error(ctx, DP_EINPUT, "%s: not a numeric scenario key", path);
    }
    if ((rc = dp_params_describe(ctx, p, year, NULL, 0, &n)) != DP_OK) {
        return rc;
    }
    if (!(set = malloc(n * sizeof *set))) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    /* Each year of the horizon: the value in `year`, and whether any year differs. */
    for (int y = p->year_start; y <= p->year_end; y++) {
        if ((rc = dp_params_describe(ctx, p, y, set, n, &n)) != DP_OK) {
            goto out;
        }
        double v = NAN;
        int found = 0;
        if (info.by_grade) {
            /* One value for every grade: the grades' common value, else NAN (varies). */
            char sub[160];
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                snprintf(sub, sizeof sub, "%s.%s", path, dp_grade_label[g]);
                double vg = setting_value(set, n, sub, &found);
                if (g == 0) {
                    v = vg;
                } else if (!(vg == v || (isnan(vg) && isnan(v)))) {
                    *varies = 1;
                }
            }
        } else {
            v = setting_value(set, n, path, &found);
        }
        if (!found) {
            rc = dp_error(ctx, DP_EINPUT, "%s: this scenario's programme has no such key", path);
            goto out;
        }
        if (y == year) {
            *value = v;
        }
        if (y == p->year_start) {
            first = v;
        } else if (!(v == first || (isnan(v) && isnan(first)))) {
            *varies = 1;
        }
    }
out:
    free(set);
    return rc;
}
