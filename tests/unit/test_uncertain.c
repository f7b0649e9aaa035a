/* tests/unit/test_uncertain.c
 *
 * Scenario parameters given as distributions (scenario.c, yaml_tree.c's merge, params.c's
 * dp_params_draw): every kind parses on a number, a probability, a dated value and programme
 * amounts (all grades, one grade, one grade's dated value), with the right name, targets and
 * central value (the closed-form mean); parameter ids follow the key table, not the file; an
 * `extends:` overlay replaces a distribution or a number whole; the resolved text reloads to
 * the same list; at most 64 parameters; dp_params_draw writes every target, its draws
 * reproduce each distribution's mean and variance within sampling error, and a parameter's
 * draw depends only on (seed, replicate, id). Scenario texts are written to a temporary folder;
 * the region files come from tests/data. Run from the repository root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "dp_test.h"
#include "input/params.h"
#include "core/rng.h"
#include "input/scenario.h"

#define DATA "tests/data"

enum { N_DRAW = 20000, MAX_FILES = 16 };

typedef struct {
    dp_ctx *ctx;
    gsl_rng *r;
    dp_params *out; /* one replicate's parameters (dp_params is large) */
    char dir[64];   /* temporary folder for scenario texts */
    char files[MAX_FILES][128];
    size_t n_files;
} fixture;

static int
setup(void **state)
{
    gsl_set_error_handler_off();
    fixture *f = calloc(1, sizeof *f);
    if (!f) {
        return -1;
    }
    *state = f;
    f->ctx = dp_ctx_alloc();
    f->r = dp_rng_alloc();
    f->out = malloc(sizeof *f->out);
    strcpy(f->dir, "/tmp/dpsim_test_uncertain_XXXXXX");
    return f->ctx && f->r && f->out && mkdtemp(f->dir) ? 0 : -1;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < f->n_files; i++) {
        unlink(f->files[i]);
    }
    rmdir(f->dir);
    free(f->out);
    dp_rng_free(f->r);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Writes text to DIR/name (remembered for teardown) and returns the path (static per slot). */
static const char *
write_file(fixture *f, const char *name, const char *text)
{
    size_t i = 0;
    char path[128];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    while (i < f->n_files && strcmp(f->files[i], path) != 0) {
        i++;
    }
    if (i == f->n_files) {
        assert_true(f->n_files < MAX_FILES);
        strcpy(f->files[f->n_files++], path);
    }
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    return f->files[i];
}

static dp_scenario *
load_text(fixture *f, const char *name, const char *text)
{
    dp_scenario *s = NULL;
    const char *path = write_file(f, name, text);
    dp_ctx_clear(f->ctx);
    if (dp_scenario_load(f->ctx, path, DATA, &s) != DP_OK) {
        fail_msg("%s:\n%s\nfailed: %s", name, text, dp_ctx_errmsg(f->ctx));
    }
    return s;
}

/* Loads text, which must fail; returns the message (owned by the context). */
static const char *
load_error(fixture *f, const char *name, const char *text)
{
    dp_scenario *s = NULL;
    const char *path = write_file(f, name, text);
    dp_ctx_clear(f->ctx);
    dp_status rc = dp_scenario_load(f->ctx, path, DATA, &s);
    assert_int_equal(rc, DP_EINPUT);
    assert_null(s);
    return dp_ctx_errmsg(f->ctx);
}

static double
at(const dp_params *p, size_t offset)
{
    double v;
    memcpy(&v, (const char *)p + offset, sizeof v);
    return v;
}

#define OFF(member) offsetof(dp_params, member)

/* ---- every kind at every kind of place ---- */

typedef struct {
    const char *kind;
    double a, b, c; /* in units of the place's scale (beta is never scaled) */
} kind_case;

typedef struct {
    const char *before; /* scenario text after the header, up to the distribution */
    const char *after;  /* and after it */
    const char *name;   /* expected parameter name */
    double scale;       /* distribution values are multiplied by this */
    double min, max;    /* the key's range (docs/scenarios.md) */
    size_t n_target;
    size_t offset[DP_UNCERTAIN_TARGETS];
} place_case;

static const char header[] = "dpsim: 1\nname: t\nregions: [daan]\n";

/* Closed-form mean, from the distributions' definitions (dist.h), computed here by hand: fixed
 * value; normal mean; lognormal median exp(sd_log^2 / 2); beta mean; uniform (min + max) / 2;
 * triangular (min + mode + max) / 3. */
static double
hand_mean(dp_dist_kind kind, double a, double b, double c)
{
    switch (kind) {
    case DP_DIST_FIXED:
    case DP_DIST_NORMAL:
    case DP_DIST_BETA:
        return a;
    case DP_DIST_LOGNORMAL:
        return a * exp(b * b / 2);
    case DP_DIST_UNIFORM:
        return (a + b) / 2;
    case DP_DIST_TRIANGULAR:
        return (a + b + c) / 3;
    }
    return NAN;
}

static void
test_uncertain_every_kind_every_place(void **state)
{
    fixture *f = *state;
    static const kind_case kinds[] = {
        {"fixed", 1.085, 0, 0},  {"normal", 1.12, 0.07, 0}, {"lognormal", 0.95, 0.12, 0},
        {"beta", 0.85, 0.05, 0}, {"uniform", 0.9, 1.3, 0},  {"triangular", 0.8, 1.0, 1.5},
    };
    static const char *const fields[][3] = {{"value"},      {"mean", "sd"}, {"median", "sd_log"},
                                            {"mean", "sd"}, {"min", "max"}, {"min", "mode", "max"}};
    static const dp_dist_kind kind_id[] = {DP_DIST_FIXED, DP_DIST_NORMAL,  DP_DIST_LOGNORMAL,
                                           DP_DIST_BETA,  DP_DIST_UNIFORM, DP_DIST_TRIANGULAR};
    const place_case places[] = {
        {"rates:\n  onset_multiplier: ",
         "\n",
         "rates.onset_multiplier",
         1,
         0,
         10,
         1,
         {OFF(onset_multiplier)}},
        {"rates:\n  worsening:\n    over60: ",
         "\n",
         "rates.worsening.over60",
         0.05,
         0,
         1,
         1,
         {OFF(worsen_rate[1])}},
        {"population:\n  birth_rate: {2021: 0.006, 2026: ",
         "}\n",
         "population.birth_rate.2026",
         0.005,
         0,
         0.1,
         1,
         {OFF(birth_rate.value[1])}},
        {"programmes:\n  care_subsidy:\n    monthly: ",
         "\n",
         "programmes.care_subsidy.monthly",
         100,
         0,
         HUGE_VAL,
         4,
         {OFF(prog[DP_PROG_CARE].amount[0].value[0]), OFF(prog[DP_PROG_CARE].amount[1].value[0]),
          OFF(prog[DP_PROG_CARE].amount[2].value[0]),
          OFF(prog[DP_PROG_CARE].amount[3].value[0])}},
        {"programmes:\n  living_subsidy:\n    monthly: {grade3: ",
         "}\n",
         "programmes.living_subsidy.monthly.grade3",
         100,
         0,
         HUGE_VAL,
         1,
         {OFF(prog[DP_PROG_LIVING].amount[2].value[0])}},
        {"programmes:\n  care_subsidy:\n    monthly:\n      grade2: {2021: 93, 2025: ",
         "}\n",
         "programmes.care_subsidy.monthly.grade2.2025",
         100,
         0,
         HUGE_VAL,
         1,
         {OFF(prog[DP_PROG_CARE].amount[1].value[1])}},
    };
    char dist[256], text[1024], plain[1024];
    size_t n_checked = 0;

    for (size_t pi = 0; pi < sizeof places / sizeof places[0]; pi++) {
        const place_case *pl = &places[pi];
        for (size_t ki = 0; ki < sizeof kinds / sizeof kinds[0]; ki++) {
            const kind_case *kc = &kinds[ki];
            double sc = kind_id[ki] == DP_DIST_BETA ? 1.0 : pl->scale;
            double v[3] = {kc->a * sc, kc->b * sc, kc->c * sc};
            if (kind_id[ki] == DP_DIST_LOGNORMAL) {
                v[1] = kc->b; /* sd_log is on the log scale: not scaled */
            }
            int len = snprintf(dist, sizeof dist, "{dist: %s", kc->kind);
            for (size_t k = 0; k < 3 && fields[ki][k]; k++) {
                len += snprintf(dist + len, sizeof dist - (size_t)len, ", %s: %.17g", fields[ki][k],
                                v[k]);
            }
            snprintf(dist + len, sizeof dist - (size_t)len, "}");
            snprintf(text, sizeof text, "%s%s%s%s", header, pl->before, dist, pl->after);
            if (kind_id[ki] == DP_DIST_BETA && pl->max < 1.0) {
                /* Beta lies in [0, 1], which is not inside [0, 0.1] (the range rule). */
                const char *msg = load_error(f, "kinds.yaml", text);
                assert_non_null(strstr(msg, "expected a distribution inside [0, 0.1], got beta"));
                continue;
            }
            dp_scenario *s = load_text(f, "kinds.yaml", text);
            const dp_params *p = dp_scenario_params(s);
            assert_int_equal(p->n_uncertain, 1);
            const dp_uncertain *u = &p->uncertain[0];
            assert_string_equal(u->name, pl->name);
            assert_int_equal(u->dist.kind, kind_id[ki]);
            /* %.17g round-trips a double exactly. */
            assert_true(u->dist.a == v[0]);
            if (fields[ki][1]) {
                assert_true(u->dist.b == v[1]);
            }
            if (fields[ki][2]) {
                assert_true(u->dist.c == v[2]);
            }
            assert_true(u->min == pl->min && u->max == pl->max);
            assert_int_equal(u->n_target, pl->n_target);
            double mean = hand_mean(kind_id[ki], v[0], v[1], v[2]);
            for (size_t k = 0; k < pl->n_target; k++) {
                assert_int_equal(u->offset[k], pl->offset[k]);
                assert_close(at(p, u->offset[k]), mean, 1e-15, 0);
            }
            /* Everything else is as if the mean had been written as a number: compare with that
             * scenario, with the uncertain list copied over. */
            snprintf(dist, sizeof dist, "%.17g", at(p, u->offset[0]));
            snprintf(plain, sizeof plain, "%s%s%s%s", header, pl->before, dist, pl->after);
            dp_scenario *s2 = load_text(f, "plain.yaml", plain);
            dp_params expect = *dp_scenario_params(s2);
            assert_int_equal(expect.n_uncertain, 0);
            expect.n_uncertain = 1;
            expect.uncertain[0] = *u;
            dp_test_assert_params_equal(p, &expect);
            dp_scenario_free(s2);
            dp_scenario_free(s);
            n_checked++;
        }
    }
    assert_int_equal(n_checked, 6 * 6 - 1); /* all but beta on the birth rate */
}

/* ---- ids ---- */

/* The same parameters written in two orders: programmes before rates before population, grade 4
 * before grade 1, flow and block style. The list follows the key table (docs/scenarios.md):
 * population, rates (mortality_rr, onset, worsening), programmes (living_subsidy before
 * care_subsidy; monthly before take_up), then grade, then year. */
static void
test_uncertain_ids_follow_key_table(void **state)
{
    fixture *f = *state;
    static const char a_text[] =
        "dpsim: 1\nname: a\nregions: [daan]\n"
        "programmes:\n"
        "  care_subsidy:\n"
        "    take_up: {dist: beta, mean: 0.82, sd: 0.04}\n"
        "  living_subsidy:\n"
        "    monthly:\n"
        "      grade4: {dist: uniform, min: 90, max: 110}\n"
        "      grade1: {2021: {dist: normal, mean: 99, sd: 3}, 2024: {dist: fixed, value: 120}}\n"
        "rates:\n"
        "  worsening: {under60: {dist: beta, mean: 0.012, sd: 0.003}}\n"
        "  onset_multiplier: {dist: lognormal, median: 1.02, sd_log: 0.08}\n"
        "  mortality_rr: {grade2: {dist: triangular, min: 1.8, mode: 2.2, max: 2.9}}\n"
        "population:\n"
        "  birth_rate: {2021: {dist: uniform, min: 0.005, max: 0.007}, 2026: 0.0055}\n";
    static const char b_text[] =
        "dpsim: 1\nname: b\nregions: [daan]\n"
        "population:\n"
        "  birth_rate:\n"
        "    2021:\n"
        "      max: 0.007\n"
        "      min: 0.005\n"
        "      dist: uniform\n"
        "    2026: 0.0055\n"
        "rates:\n"
        "  mortality_rr:\n"
        "    grade2: {mode: 2.2, dist: triangular, max: 2.9, min: 1.8}\n"
        "  onset_multiplier: {sd_log: 0.08, median: 1.02, dist: lognormal}\n"
        "  worsening:\n"
        "    under60: {dist: beta, sd: 0.003, mean: 0.012}\n"
        "programmes:\n"
        "  living_subsidy:\n"
        "    monthly:\n"
        "      grade1:\n"
        "        2021: {dist: normal, mean: 99, sd: 3}\n"
        "        2024: {dist: fixed, value: 120}\n"
        "      grade4: {dist: uniform, min: 90, max: 110}\n"
        "  care_subsidy:\n"
        "    take_up: {dist: beta, mean: 0.82, sd: 0.04}\n";
    static const char *const names[] = {
        "population.birth_rate.2021",
        "rates.mortality_rr.grade2",
        "rates.onset_multiplier",
        "rates.worsening.under60",
        "programmes.living_subsidy.monthly.grade1.2021",
        "programmes.living_subsidy.monthly.grade1.2024",
        "programmes.living_subsidy.monthly.grade4",
        "programmes.care_subsidy.take_up",
    };
    dp_scenario *a = load_text(f, "order_a.yaml", a_text);
    dp_scenario *b = load_text(f, "order_b.yaml", b_text);
    const dp_params *pa = dp_scenario_params(a);
    const dp_params *pb = dp_scenario_params(b);
    assert_int_equal(pa->n_uncertain, 8);
    for (size_t i = 0; i < 8; i++) {
        assert_string_equal(pa->uncertain[i].name, names[i]);
    }
    /* Same list (and same parameters) whatever the order in the file. */
    dp_test_assert_params_equal(pa, pb);
    /* Targets by hand: the grade-1 amount dated 2024 is value[1] of living monthly[0]. */
    assert_int_equal(pa->uncertain[5].offset[0], OFF(prog[DP_PROG_LIVING].amount[0].value[1]));
    assert_int_equal(pa->uncertain[6].offset[0], OFF(prog[DP_PROG_LIVING].amount[3].value[0]));
    assert_int_equal(pa->uncertain[7].offset[0], OFF(prog[DP_PROG_CARE].take_up));
    dp_scenario_free(a);
    dp_scenario_free(b);
}

/* ---- extends ---- */

static void
test_uncertain_extends_replaces_whole(void **state)
{
    fixture *f = *state;
    write_file(f, "base.yaml",
               "dpsim: 1\nname: base\nregions: [daan]\n"
               "rates:\n"
               "  onset_multiplier: {dist: lognormal, median: 1.0, sd_log: 0.1}\n"
               "  worsening: {over60: {dist: beta, mean: 0.03, sd: 0.01}}\n"
               "  dibao_exit: 0.06\n"
               "programmes:\n"
               "  care_subsidy:\n"
               "    monthly: {dist: uniform, min: 90, max: 110}\n");
    dp_scenario *s = load_text(f, "overlay.yaml",
                               "extends: base.yaml\nname: overlay\n"
                               "rates:\n"
                               "  onset_multiplier: {dist: normal, mean: 1.2, sd: 0.1}\n"
                               "  worsening: {over60: 0.025}\n"
                               "  dibao_exit: {dist: uniform, min: 0.04, max: 0.08}\n"
                               "programmes:\n"
                               "  care_subsidy:\n"
                               "    monthly: {grade1: 120}\n");
    const dp_params *p = dp_scenario_params(s);
    /* A normal over a lognormal: the normal alone (a key-by-key merge would keep `median` and be
     * refused as an unknown key of a normal). */
    assert_int_equal(p->n_uncertain, 5);
    assert_string_equal(p->uncertain[0].name, "rates.onset_multiplier");
    assert_int_equal(p->uncertain[0].dist.kind, DP_DIST_NORMAL);
    assert_true(p->uncertain[0].dist.a == 1.2 && p->uncertain[0].dist.b == 0.1);
    assert_close(p->onset_multiplier, 1.2, 0, 0);
    /* A number over a distribution: the number, and no parameter. */
    assert_close(p->worsen_rate[1], 0.025, 0, 0);
    /* A distribution over a number: the distribution, central value (0.04 + 0.08) / 2. */
    assert_string_equal(p->uncertain[1].name, "rates.dibao_exit");
    assert_int_equal(p->uncertain[1].dist.kind, DP_DIST_UNIFORM);
    assert_close(p->dibao_exit, 0.06, 1e-15, 0);
    /* Grade 1 by the overlay; grades 2-4 keep the base's distribution, copied to each grade as
     * for a number (docs/scenarios.md), so each is its own parameter with mean (90 + 110) / 2. */
    assert_close(dp_sched_at(&p->prog[DP_PROG_CARE].amount[0], 2030), 120, 0, 0);
    for (size_t g = 1; g < DP_N_GRADE; g++) {
        char name[96];
        snprintf(name, sizeof name, "programmes.care_subsidy.monthly.grade%zu", g + 1);
        const dp_uncertain *u = &p->uncertain[1 + g];
        assert_string_equal(u->name, name);
        assert_int_equal(u->dist.kind, DP_DIST_UNIFORM);
        assert_int_equal(u->n_target, 1);
        assert_int_equal(u->offset[0], OFF(prog[DP_PROG_CARE].amount[g].value[0]));
        assert_close(p->prog[DP_PROG_CARE].amount[g].value[0], 100, 0, 0);
    }

    /* The resolved text holds the distributions as written and reloads to the same list. */
    const char *text = dp_scenario_text(s);
    assert_non_null(strstr(text, "onset_multiplier: {dist: normal, mean: 1.2, sd: 0.1}"));
    assert_null(strstr(text, "median"));
    dp_scenario *again = load_text(f, "resolved.yaml", text);
    dp_test_assert_params_equal(dp_scenario_params(again), p);
    assert_string_equal(dp_scenario_text(again), text);
    dp_scenario_free(again);
    dp_scenario_free(s);
}

/* ---- the limit ---- */

/* n distributions: 24 dated birth rates, 24 dated migration rates, then single keys. */
static void
many_dists(char *buf, size_t size, size_t n)
{
    static const char *const singles[] = {
        "rates:\n",
        "  mortality_rr:\n",
        "    grade1: {dist: uniform, min: 2.5, max: 3.5}\n",
        "    grade2: {dist: uniform, min: 2.0, max: 2.5}\n",
        "    grade3: {dist: uniform, min: 1.5, max: 1.7}\n",
        "    grade4: {dist: uniform, min: 1.2, max: 1.4}\n",
        "  mortality_rr_type:\n",
        "    visual: {dist: uniform, min: 0.9, max: 1.1}\n",
        "    hearing: {dist: uniform, min: 0.9, max: 1.1}\n",
        "    speech: {dist: uniform, min: 0.9, max: 1.1}\n",
        "    physical: {dist: uniform, min: 0.9, max: 1.1}\n",
        "    intellectual: {dist: uniform, min: 0.9, max: 1.1}\n",
        "    mental: {dist: uniform, min: 1.6, max: 2.0}\n",
        "    multiple: {dist: uniform, min: 0.9, max: 1.1}\n",
        "  onset_multiplier: {dist: uniform, min: 0.9, max: 1.1}\n",
        "  improvement: {dist: uniform, min: 0.0, max: 0.01}\n",
        "  dibao_exit: {dist: uniform, min: 0.04, max: 0.06}\n",
        "  marginal_exit: {dist: uniform, min: 0.08, max: 0.12}\n",
        "  dibao_entry: {dist: uniform, min: 0.01, max: 0.02}\n",
        "  marginal_entry: {dist: uniform, min: 0.01, max: 0.02}\n",
    };
    size_t len = (size_t)snprintf(buf, size,
                                  "dpsim: 1\nname: many\nregions: [daan]\n"
                                  "population:\n  birth_rate:\n");
    size_t made = 0;
    for (int y = 2021; y < 2021 + 24 && made < n; y++, made++) {
        len += (size_t)snprintf(buf + len, size - len,
                                "    %d: {dist: uniform, min: 0.005, max: 0.006}\n", y);
    }
    len += (size_t)snprintf(buf + len, size - len, "  migration_rate:\n");
    for (int y = 2021; y < 2021 + 24 && made < n; y++, made++) {
        len += (size_t)snprintf(buf + len, size - len,
                                "    %d: {dist: uniform, min: -0.01, max: 0.01}\n", y);
    }
    for (size_t i = 0; i < sizeof singles / sizeof singles[0] && made < n; i++) {
        len += (size_t)snprintf(buf + len, size - len, "%s", singles[i]);
        made += strstr(singles[i], "dist") != NULL;
    }
    assert_int_equal(made, n);
    assert_true(len < size);
}

static void
test_uncertain_at_most_64(void **state)
{
    fixture *f = *state;
    char text[8192];
    many_dists(text, sizeof text, 64);
    dp_scenario *s = load_text(f, "many.yaml", text);
    assert_int_equal(dp_scenario_params(s)->n_uncertain, 64);
    dp_scenario_free(s);

    /* The 65th (in file order) is refused at its own position: the last line written. */
    many_dists(text, sizeof text, 65);
    const char *msg = load_error(f, "many.yaml", text);
    size_t n_lines = 0;
    for (const char *c = text; *c; c++) {
        n_lines += *c == '\n';
    }
    const char *last = text + strlen(text) - 1;
    while (last > text && last[-1] != '\n') {
        last--;
    }
    char expect[512];
    /* The last line, "  <key>: {dist: ...}": the map starts after "<key>: ". */
    int col = (int)(strchr(last, '{') - last) + 1;
    char key[64];
    assert_int_equal(sscanf(last, " %63[a-z_]:", key), 1);
    snprintf(expect, sizeof expect,
             "%s/many.yaml:%zu:%d: rates.%s: at most 64 parameters may be distributions", f->dir,
             n_lines, col, key);
    assert_string_equal(msg, expect);
}

/* ---- draws ---- */

static const char draw_text[] =
    "dpsim: 1\nname: draws\nregions: [daan]\n"
    "population:\n"
    "  sex_ratio_at_birth: {dist: lognormal, median: 111, sd_log: 0.03}\n"
    "rates:\n"
    "  mortality_rr: {grade1: {dist: uniform, min: 2.5, max: 3.5}}\n"
    "  onset_multiplier: {dist: normal, mean: 1.0, sd: 0.1}\n"
    "  worsening: {over60: {dist: beta, mean: 0.03, sd: 0.01}}\n"
    "  improvement: {dist: fixed, value: 0.0042}\n"
    "programmes:\n"
    "  care_subsidy:\n"
    "    monthly: {dist: triangular, min: 80, mode: 93, max: 120}\n";

static void
test_uncertain_draw_writes_every_target(void **state)
{
    fixture *f = *state;
    dp_scenario *s = load_text(f, "draws.yaml", draw_text);
    const dp_params *p = dp_scenario_params(s);
    double values[DP_MAX_UNCERTAIN];
    assert_int_equal(p->n_uncertain, 6);
    dp_params_draw(p, 20260501u, 7, f->r, f->out, values);
    for (size_t i = 0; i < p->n_uncertain; i++) {
        const dp_uncertain *u = &p->uncertain[i];
        for (size_t k = 0; k < u->n_target; k++) {
            assert_true(at(f->out, u->offset[k]) == values[i]);
        }
        /* Continuous draws differ from the central value (probability 1); fixed equals it. */
        if (u->dist.kind == DP_DIST_FIXED) {
            assert_true(values[i] == at(p, u->offset[0]));
        } else {
            assert_true(values[i] != at(p, u->offset[0]));
        }
    }
    /* The triangular amount is one parameter for the four grades: all four hold the draw. */
    assert_string_equal(p->uncertain[5].name, "programmes.care_subsidy.monthly");
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        assert_true(f->out->prog[DP_PROG_CARE].amount[g].value[0] == values[5]);
    }
    /* Nothing else changed: put the central values back and compare. */
    dp_params back = *f->out;
    for (size_t i = 0; i < p->n_uncertain; i++) {
        for (size_t k = 0; k < p->uncertain[i].n_target; k++) {
            double c = at(p, p->uncertain[i].offset[k]);
            memcpy((char *)&back + p->uncertain[i].offset[k], &c, sizeof c);
        }
    }
    dp_test_assert_params_equal(&back, p);
    /* values may be NULL; the draw is the same. */
    dp_params_draw(p, 20260501u, 7, f->r, &back, NULL);
    dp_test_assert_params_equal(&back, f->out);
    dp_scenario_free(s);
}

/* Sample mean within 4 sd / sqrt(n) of the closed-form mean; sample variance within 4 standard
 * errors of the closed-form variance, the SE of s^2 being var sqrt(2 / (n - 1)) for the normal
 * and sqrt((mu4 - var^2) / n) otherwise, with the fourth central moment mu4 from the sample. */
static void
check_sample(const double *x, size_t n, const char *name, double mean, double var, int normal)
{
    double m = gsl_stats_mean(x, 1, n);
    double s2 = gsl_stats_variance_m(x, 1, n, m);
    double mu4 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - m;
        mu4 += d * d * d * d;
    }
    mu4 /= (double)n;
    double se_mean = sqrt(var / (double)n);
    double se_var = normal ? var * sqrt(2.0 / (double)(n - 1)) : sqrt((mu4 - s2 * s2) / (double)n);
    if (!(fabs(m - mean) <= 4.0 * se_mean)) {
        fail_msg("%s: sample mean %.10g, expected %.10g +/- %.3g", name, m, mean, 4 * se_mean);
    }
    if (!(fabs(s2 - var) <= 4.0 * se_var)) {
        fail_msg("%s: sample variance %.10g, expected %.10g +/- %.3g", name, s2, var, 4 * se_var);
    }
}

static void
test_uncertain_draws_reproduce_moments(void **state)
{
    fixture *f = *state;
    dp_scenario *s = load_text(f, "draws.yaml", draw_text);
    const dp_params *p = dp_scenario_params(s);
    double *x = malloc(6 * N_DRAW * sizeof *x);
    double values[DP_MAX_UNCERTAIN];
    assert_non_null(x);
    for (uint32_t rep = 0; rep < N_DRAW; rep++) {
        dp_params_draw(p, 424242u, rep, f->r, f->out, values);
        for (size_t i = 0; i < 6; i++) {
            x[i * N_DRAW + rep] = values[i];
        }
    }
    /* Ids in key-table order: sex ratio, mortality_rr.grade1, onset, worsening, improvement,
     * care amount. Expected moments by hand from each distribution's definition: */
    /* lognormal(111, 0.03): mean 111 exp(0.03^2 / 2), variance mean^2 (exp(0.03^2) - 1). */
    double lm = 111 * exp(0.00045);
    check_sample(x + 0 * N_DRAW, N_DRAW, "lognormal", lm, lm * lm * expm1(0.0009), 0);
    /* uniform(2.5, 3.5): mean 3, variance 1 / 12. */
    check_sample(x + 1 * N_DRAW, N_DRAW, "uniform", 3.0, 1.0 / 12.0, 0);
    /* normal(1, 0.1): mean 1, variance 0.01 (never clamped: [0, 10] is 10 sd away). */
    check_sample(x + 2 * N_DRAW, N_DRAW, "normal", 1.0, 0.01, 1);
    /* beta by mean 0.03, sd 0.01: variance 1e-4. */
    check_sample(x + 3 * N_DRAW, N_DRAW, "beta", 0.03, 1e-4, 0);
    /* fixed 0.0042: every draw is 0.0042, variance 0. */
    for (size_t rep = 0; rep < N_DRAW; rep++) {
        assert_true(x[4 * N_DRAW + rep] == 0.0042);
    }
    /* triangular(80, 93, 120): mean 293 / 3; variance (80^2 + 93^2 + 120^2 - 80*93 - 80*120 -
     * 93*120) / 18 = (29449 - 28200) / 18 = 1249 / 18. */
    check_sample(x + 5 * N_DRAW, N_DRAW, "triangular", 293.0 / 3.0, 1249.0 / 18.0, 0);
    /* Every draw is inside its key's range (bounded kinds by construction). */
    for (size_t i = 0; i < 6; i++) {
        for (size_t rep = 0; rep < N_DRAW; rep++) {
            double v = x[i * N_DRAW + rep];
            assert_true(v >= p->uncertain[i].min && v <= p->uncertain[i].max);
        }
    }
    free(x);
    dp_scenario_free(s);
}

/* A parameter's draw depends only on (seed, rep, id): the onset multiplier has id 1 in two
 * scenarios that differ in every other parameter (another kind at id 0, an extra parameter
 * after it, a different scalar), and draws the same values; and each draw is the first draw of
 * the stream dp_rng_stream(seed, rep, id, 0, DP_EV_PARAM), as params.h states. */
static void
test_uncertain_draw_depends_on_seed_rep_id(void **state)
{
    fixture *f = *state;
    dp_scenario *a =
        load_text(f, "ids_a.yaml",
                  "dpsim: 1\nname: a\nregions: [daan]\n"
                  "population:\n"
                  "  birth_rate: {dist: uniform, min: 0.005, max: 0.007}\n"
                  "rates:\n"
                  "  onset_multiplier: {dist: lognormal, median: 1.03, sd_log: 0.1}\n");
    dp_scenario *b = load_text(f, "ids_b.yaml",
                               "dpsim: 1\nname: b\nregions: [daan]\n"
                               "population:\n"
                               "  birth_rate: {dist: normal, mean: 0.006, sd: 0.0002}\n"
                               "rates:\n"
                               "  onset_multiplier: {dist: lognormal, median: 1.03, sd_log: 0.1}\n"
                               "  dibao_exit: 0.07\n"
                               "  worsening: {under60: {dist: beta, mean: 0.01, sd: 0.002}}\n"
                               "programmes:\n"
                               "  care_subsidy: {take_up: {dist: beta, mean: 0.8, sd: 0.05}}\n");
    const dp_params *pa = dp_scenario_params(a);
    const dp_params *pb = dp_scenario_params(b);
    assert_string_equal(pa->uncertain[1].name, "rates.onset_multiplier");
    assert_string_equal(pb->uncertain[1].name, "rates.onset_multiplier");
    assert_int_equal(pb->n_uncertain, 4);
    double va[DP_MAX_UNCERTAIN], vb[DP_MAX_UNCERTAIN];
    dp_params *outb = malloc(sizeof *outb);
    assert_non_null(outb);
    double prev = NAN;
    for (uint32_t rep = 0; rep < 50; rep++) {
        dp_params_draw(pa, 99, rep, f->r, f->out, va);
        dp_params_draw(pb, 99, rep, f->r, outb, vb);
        assert_true(va[1] == vb[1]);
        assert_true(f->out->onset_multiplier == outb->onset_multiplier);
        /* The definition: the first lognormal draw of the (seed, rep, id 1) stream. */
        dp_rng_stream(f->r, 99, rep, 1, 0, DP_EV_PARAM);
        assert_true(va[1] == gsl_ran_lognormal(f->r, log(1.03), 0.1));
        /* Replicates differ (continuous distribution). */
        assert_true(va[1] != prev);
        prev = va[1];
    }
    /* Another seed, other draws. */
    dp_params_draw(pa, 100, 0, f->r, f->out, va);
    dp_params_draw(pa, 99, 0, f->r, outb, vb);
    assert_true(va[1] != vb[1]);
    free(outb);
    dp_scenario_free(a);
    dp_scenario_free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uncertain_every_kind_every_place),
        cmocka_unit_test(test_uncertain_ids_follow_key_table),
        cmocka_unit_test(test_uncertain_extends_replaces_whole),
        cmocka_unit_test(test_uncertain_at_most_64),
        cmocka_unit_test(test_uncertain_draw_writes_every_target),
        cmocka_unit_test(test_uncertain_draws_reproduce_moments),
        cmocka_unit_test(test_uncertain_draw_depends_on_seed_rep_id),
    };
    return cmocka_run_group_tests_name("uncertain", tests, setup, teardown);
}
