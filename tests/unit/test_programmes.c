/* tests/unit/test_programmes.c
 *
 * The programme layer (model/domain/programmes.c) called directly, without an engine: small
 * hand-built populations (a cell array of DP_N_CELL persons, almost all zero, filled with
 * dp_cell_index), the year's masks from dp_rates_mask, groups from dp_prog_groups_build and the
 * year's rules from dp_prog_rules_year. Every programme's take_up is set in the parameters, so
 * the rules never read a model's calibrated take-up and no model is built (dp_prog_rules_year
 * gets NULL for the model).
 *
 * Covered (issue 4, "Tests"): for each of the twelve programmes a population whose eligibility,
 * recipients (pipeline, paid by grade) and spending are worked out by hand; funding shares
 * adding up to the spending and following a dated change; real = nominal / price index on a
 * CPI path; the dibao phase-out month by month (Hulan 6 + 6 at 50%, Ningbo 12) and its carry
 * into the next years; an extension switching on in a given year changing exactly its cells;
 * indexation tied to the dibao standard (rate, CPI and Huzhong's consumption rule); floors per
 * grade; the take-up lag; capacity and budget caps with unmet need = need - served; exclude and
 * reduce overlap rules and the overlap matrix (symmetric, diagonal = paid).
 *
 * Every expected value is a hand calculation written next to its assertion. The parameters are
 * dp_params_default's (years 2021-2035, base year 2020) with every programme's take-up 1, no
 * CPI, dibao standard 600 yuan a month indexed at 0; each test sets the rules, needs, coverages
 * and amounts its calculation uses, so that the tests do not follow changes of the defaults.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/model_impl.h"
#include "dp_test.h"

enum { M = DP_MALE, F = DP_FEMALE, C = DP_CERT, U = DP_UNCERT };
enum { DIB = DP_DIBAO, MAR = DP_MARGINAL, OTH = DP_OTHER };

typedef struct {
    dp_params p;
    dp_year_rates r;
    unsigned char masks[DP_N_PROG * DP_N_CELL];
    unsigned char lagm[DP_N_PROG * DP_N_CELL];
    dp_prog_groups gm;
    double cells[DP_N_CELL];
    double flag[DP_N_FLAG][DP_N_CELL];
    double fl[DP_N_FLOW];
    dp_prog_state st;
    dp_prog_result out;
} fixture;

static const double RTOL = 1e-12, ATOL = 1e-9;

/* Default parameters, every take-up 1, an empty population and a fresh state. */
static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) {
        return -1;
    }
    dp_params_default(&f->p);
    for (size_t k = 0; k < DP_N_PROG; k++) {
        f->p.prog[k].take_up = 1.0;
    }
    f->st.fitted = NAN;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    free(*state);
    return 0;
}

/* Adds n persons to a cell. */
static void
put(fixture *f, size_t sex, size_t age, size_t type, size_t grade, size_t cert, size_t hh, double n)
{
    f->cells[dp_cell_index(sex, age, type, grade, cert, hh)] += n;
}

/* Adds n persons to a cell's flagged persons (flag: DP_FLAG_*). */
static void
put_flag(fixture *f, int flag, size_t sex, size_t age, size_t type, size_t grade, size_t cert,
         size_t hh, double n)
{
    f->flag[flag][dp_cell_index(sex, age, type, grade, cert, hh)] += n;
}

/* A schedule of one or two dated values. */
static void
sched1(dp_sched *s, int y0, double v0)
{
    s->n = 1;
    s->year[0] = y0;
    s->value[0] = v0;
}

static void
sched2(dp_sched *s, int y0, double v0, int y1, double v1)
{
    s->n = 2;
    s->year[0] = y0;
    s->value[0] = v0;
    s->year[1] = y1;
    s->value[1] = v1;
}

/* The year's masks, groups (programme lag_prog, if < DP_N_PROG, lagged on the masks of
 * lag_year) and rules (no model: every take-up is set). */
static void
prepare_lag(fixture *f, int year, size_t lag_prog, int lag_year)
{
    const unsigned char *lag[DP_N_PROG] = {NULL};
    dp_rates_mask(&f->p, year, 0, f->masks);
    if (lag_prog < DP_N_PROG) {
        dp_rates_mask(&f->p, lag_year, 0, f->lagm);
        lag[lag_prog] = f->lagm;
    }
    dp_prog_groups_build(f->masks, lag, &f->gm);
    memset(&f->r, 0, sizeof f->r);
    f->r.year = year;
    dp_prog_rules_year(NULL, &f->p, 0, year, &f->r.prog);
}

static void
prepare(fixture *f, int year)
{
    prepare_lag(f, year, DP_N_PROG, year);
}

/* Step 8 on the fixture's population. */
static void
run(fixture *f)
{
    const double *flag[DP_N_FLAG] = {f->flag[0], f->flag[1]};
    dp_prog_year(&f->p, &f->r, &f->gm, f->cells, flag, f->fl, &f->st, &f->out);
}

#define CLOSE(a, e) assert_close((a), (e), RTOL, ATOL)

/* ------------------------------------------------------------------------------------------ */
/* Prices, amounts, indexation, floors, the dibao standard */

static void
test_price_index(void **state)
{
    fixture *f = *state;
    /* cpi 2% from 2021 (and before: the first value), 5% from 2023; base year 2020. */
    sched2(&f->p.cpi, 2021, 0.02, 2023, 0.05);
    CLOSE(dp_price_index(&f->p, 2020), 1.0);        /* base year */
    CLOSE(dp_price_index(&f->p, 2021), 1.02);       /* 1.02 */
    CLOSE(dp_price_index(&f->p, 2022), 1.0404);     /* 1.02^2 */
    CLOSE(dp_price_index(&f->p, 2023), 1.092420);   /* 1.0404 x 1.05 */
    CLOSE(dp_price_index(&f->p, 2024), 1.147041);   /* 1.09242 x 1.05 */
    CLOSE(dp_price_index(&f->p, 2019), 1.0 / 1.02); /* PI(2019) = PI(2020) / (1 + cpi 2020) */
    /* No CPI: prices stay at 1. */
    f->p.cpi.n = 0;
    CLOSE(dp_price_index(&f->p, 2030), 1.0);
}

static void
test_amount_indexation(void **state)
{
    fixture *f = *state;
    dp_prog_params *g = &f->p.prog[DP_PROG_LIVING];
    /* Rate 10% a year; dated 100 from 2021, 200 from 2024 (grade 1). */
    g->index_kind = DP_INDEX_RATE;
    g->index_rate = 0.1;
    sched2(&g->amount[0], 2021, 100.0, 2024, 200.0);
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 0, 2020), 100.0); /* before the first key */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 0, 2021), 100.0); /* its key year */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 0, 2022), 110.0); /* 100 x 1.1 */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 0, 2023), 121.0); /* 100 x 1.1^2 */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 0, 2024), 200.0); /* new dated value */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 0, 2025), 220.0); /* 200 x 1.1 */
    /* A constant is the value of the first projected year (2021) and of the base year. */
    dp_sched_const(&g->amount[1], 100.0);
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 1, 2020), 100.0);
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 1, 2021), 100.0);
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 1, 2023), 121.0); /* 100 x 1.1^2 */

    /* CPI 2% a year: the same rules with prices. */
    g->index_kind = DP_INDEX_CPI;
    dp_sched_const(&f->p.cpi, 0.02);
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 1, 2020), 100.0);  /* base year: the constant */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 1, 2021), 100.0);  /* PI(2021) / PI(2021) */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 1, 2022), 102.0);  /* 100 x 1.02 */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 1, 2023), 104.04); /* 100 x 1.02^2 */
    sched1(&g->amount[2], 2023, 100.0);
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 2, 2022), 100.0); /* before the first key */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 2, 2023), 100.0);
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 2, 2024), 102.0);  /* 100 x 1.02 */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 0, 2026), 208.08); /* 200 x 1.02^2 */

    /* A disabled programme pays nothing, floors included. */
    g->floor[0] = 50.0;
    g->enabled = 0;
    CLOSE(dp_prog_amount(&f->p, DP_PROG_LIVING, 0, 2023), 0.0);
}

/* A region of base 2017 in a run from 2021 (docs/model.md "Regions of different base years"):
 * its copy of the parameters starts its projection in 2018 but keeps the run's prices and the
 * run's indexation start, so its amounts and price index equal the run's in every year. */
static void
test_region_params(void **state)
{
    fixture *f = *state;
    dp_prog_params *g = &f->p.prog[DP_PROG_LIVING];
    g->index_kind = DP_INDEX_RATE;
    g->index_rate = 0.1;
    dp_sched_const(&g->amount[0], 100.0);
    dp_sched_const(&f->p.cpi, 0.02);
    dp_params *r = malloc(sizeof *r);
    assert_non_null(r);
    dp_params_region(&f->p, 2017, r);
    assert_int_equal(r->year_start, 2018);
    assert_int_equal(r->base_year, 2017);
    assert_int_equal(r->year_end, f->p.year_end);
    assert_int_equal(dp_params_run_start(r), 2021);
    assert_int_equal(dp_params_run_start(&f->p), 2021);
    /* The constant 100 is the value of 2021 and of the years before it; 10% a year after. */
    CLOSE(dp_prog_amount(r, DP_PROG_LIVING, 0, 2018), 100.0);
    CLOSE(dp_prog_amount(r, DP_PROG_LIVING, 0, 2021), 100.0);
    CLOSE(dp_prog_amount(r, DP_PROG_LIVING, 0, 2023), 121.0); /* 100 x 1.1^2 */
    /* Prices: 1 in the run's base year 2020, 1.02^-2 in 2018. */
    CLOSE(dp_price_index(r, 2020), 1.0);
    CLOSE(dp_price_index(r, 2018), 1.0 / (1.02 * 1.02));
    CLOSE(dp_price_index(r, 2022), 1.0404);
    /* A region of the run's own base: a plain copy. */
    dp_params_region(&f->p, 2020, r);
    assert_int_equal(r->year_start, 2021);
    assert_int_equal(r->run_start, 0);
    /* A copy of a copy keeps the run's start. */
    dp_params *r2 = malloc(sizeof *r2);
    assert_non_null(r2);
    dp_params_region(&f->p, 2017, r);
    dp_params_region(r, 2015, r2);
    assert_int_equal(r2->year_start, 2016);
    assert_int_equal(dp_params_run_start(r2), 2021);
    free(r2);
    free(r);
}

static void
test_floors_per_grade(void **state)
{
    fixture *f = *state;
    dp_prog_params *g = &f->p.prog[DP_PROG_CARE];
    /* 100 a month for every grade, floors 150, 120, none, 80. */
    for (size_t k = 0; k < DP_N_GRADE; k++) {
        dp_sched_const(&g->amount[k], 100.0);
    }
    g->floor[0] = 150.0;
    g->floor[1] = 120.0;
    g->floor[2] = 0.0;
    g->floor[3] = 80.0;
    CLOSE(dp_prog_amount(&f->p, DP_PROG_CARE, 0, 2022), 150.0); /* max(100, 150) */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_CARE, 1, 2022), 120.0); /* max(100, 120) */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_CARE, 2, 2022), 100.0); /* no floor */
    CLOSE(dp_prog_amount(&f->p, DP_PROG_CARE, 3, 2022), 100.0); /* max(100, 80) */
    /* Indexed down 50% a year: 2023 is 100 x 0.5^2 = 25 (first projected year 2021), so every
     * floor binds except grade 3's (none). */
    g->index_rate = -0.5;
    CLOSE(dp_prog_amount(&f->p, DP_PROG_CARE, 0, 2023), 150.0);
    CLOSE(dp_prog_amount(&f->p, DP_PROG_CARE, 2, 2023), 25.0);
    CLOSE(dp_prog_amount(&f->p, DP_PROG_CARE, 3, 2023), 80.0);
    /* Tied to dibao: 0.1 x 600 = 60, floor 90 for grade 1 only. */
    g->index_kind = DP_INDEX_DIBAO;
    g->dibao_share = 0.1;
    g->floor[0] = 90.0;
    g->floor[1] = g->floor[3] = 0.0;
    CLOSE(dp_prog_amount(&f->p, DP_PROG_CARE, 0, 2023), 90.0);
    CLOSE(dp_prog_amount(&f->p, DP_PROG_CARE, 1, 2023), 60.0);

    /* The floors reach the spending: grades 1 and 4 card holders, 10 each, paid at 90 and 60 a
     * month (grade 4 is admitted by an all-grades rule), no one paid last year:
     * 6 x 10 x 90 + 6 x 10 x 60 = 5,400 + 3,600 = 9,000. */
    g->rule[0].grades = DP_ALL_GRADES;
    put(f, M, 50, DP_VISUAL, 0, C, OTH, 10.0);
    put(f, M, 50, DP_VISUAL, 3, C, OTH, 10.0);
    prepare(f, 2023);
    run(f);
    CLOSE(f->out.amount[DP_PROG_CARE][0], 90.0);
    CLOSE(f->out.amount[DP_PROG_CARE][3], 60.0);
    CLOSE(f->out.spending[DP_PROG_CARE], 9000.0);
}

static void
test_dibao_indexation(void **state)
{
    fixture *f = *state;
    dp_params *p = &f->p;
    /* Zhejiang: living subsidy = 30% of the dibao standard (amounts ignored). */
    dp_prog_params *g = &p->prog[DP_PROG_LIVING];
    g->index_kind = DP_INDEX_DIBAO;
    g->dibao_share = 0.3;
    dp_sched_const(&g->amount[0], 9999.0);

    /* Standard 600 from 2021 at 5% a year. */
    sched1(&p->dibao.standard, 2021, 600.0);
    p->dibao.kind = DP_DIBAO_RATE;
    p->dibao.rate = 0.05;
    CLOSE(dp_dibao_standard(p, 2021), 600.0);
    CLOSE(dp_dibao_standard(p, 2023), 661.5); /* 600 x 1.05^2 */
    for (int y = 2021; y <= 2030; y++) {
        /* 0.3 x the standard, for every grade, whatever the dated amount. */
        CLOSE(dp_prog_amount(p, DP_PROG_LIVING, 0, y), 0.3 * 600.0 * pow(1.05, y - 2021));
        CLOSE(dp_prog_amount(p, DP_PROG_LIVING, 3, y), 0.3 * 600.0 * pow(1.05, y - 2021));
    }
    CLOSE(dp_prog_amount(p, DP_PROG_LIVING, 0, 2023), 198.45); /* 0.3 x 661.5 */
    /* A yearly programme tied to dibao pays 12 months of the share: 0.3 x 661.5 x 12. */
    p->prog[DP_PROG_MULTI_HH].index_kind = DP_INDEX_DIBAO;
    p->prog[DP_PROG_MULTI_HH].dibao_share = 0.3;
    CLOSE(dp_prog_amount(p, DP_PROG_MULTI_HH, 0, 2023), 2381.4);
    /* The year's rules carry the standard. */
    prepare(f, 2023);
    CLOSE(f->r.prog.dibao_standard, 661.5);
    CLOSE(f->r.prog.amount[DP_PROG_LIVING][2], 198.45);

    /* Standard 500 dated 2020, indexed with prices at 3%: 2023 = 500 x 1.03^3 = 546.3635. */
    sched1(&p->dibao.standard, 2020, 500.0);
    p->dibao.kind = DP_DIBAO_CPI;
    dp_sched_const(&p->cpi, 0.03);
    CLOSE(dp_dibao_standard(p, 2023), 546.3635);
    CLOSE(dp_prog_amount(p, DP_PROG_LIVING, 1, 2023), 163.90905); /* 0.3 x 546.3635 */
    /* Dated 2022: in 2021 the first value applies as it is (no deflation before its key). */
    sched1(&p->dibao.standard, 2022, 500.0);
    CLOSE(dp_dibao_standard(p, 2021), 500.0);
    CLOSE(dp_dibao_standard(p, 2024), 530.45); /* 500 x 1.03^2 */

    /* Huzhong: the standard is at least 30% of last year's per-capita consumption / 12.
     * Dated standard 600 from 2021 (rate 0); consumption 30,000 in 2020 growing 10% a year:
     * 2021: 0.3 x 30,000 / 12 = 750 > 600; 2022: 0.3 x 33,000 / 12 = 825;
     * 2023: 0.3 x 36,300 / 12 = 907.5. */
    dp_sched_const(&p->cpi, 0.0);
    sched1(&p->dibao.standard, 2021, 600.0);
    p->dibao.kind = DP_DIBAO_CONSUMPTION;
    p->dibao.rate = 0.0;
    p->dibao.consumption_share = 0.3;
    sched1(&p->dibao.consumption, 2020, 30000.0);
    p->dibao.consumption_growth = 0.1;
    CLOSE(dp_dibao_standard(p, 2021), 750.0);
    CLOSE(dp_dibao_standard(p, 2022), 825.0);
    CLOSE(dp_dibao_standard(p, 2023), 907.5);
    CLOSE(dp_prog_amount(p, DP_PROG_LIVING, 0, 2023), 272.25); /* 0.3 x 907.5 */
    for (int y = 2021; y <= 2035; y++) {
        /* Independent form of the rule: max(600, 0.3 x 30,000 x 1.1^(y - 1 - 2020) / 12). */
        double floor_c = 0.3 * 30000.0 * pow(1.1, y - 1 - 2020) / 12.0;
        double expect = floor_c > 600.0 ? floor_c : 600.0;
        CLOSE(dp_dibao_standard(p, y), expect);
        CLOSE(dp_prog_amount(p, DP_PROG_LIVING, 0, y), 0.3 * expect);
        assert_true(dp_dibao_standard(p, y) >= 0.3 * 30000.0 * pow(1.1, y - 2021) / 12.0 - 1e-9);
    }
    /* Consumption too low for the floor to bind: 0.3 x 20,000 / 12 = 500 < 600. */
    sched1(&p->dibao.consumption, 2020, 20000.0);
    p->dibao.consumption_growth = 0.0;
    CLOSE(dp_dibao_standard(p, 2021), 600.0);
    /* The phase-out benefit and the dibao supplement (default 20% of the standard) follow the
     * same path: 0.2 x 600 = 120. */
    CLOSE(dp_prog_amount(p, DP_PROG_DIBAO_SUPP, 0, 2021), 120.0);
}

/* ------------------------------------------------------------------------------------------ */
/* The twelve programmes */

static void
test_living_subsidy(void **state)
{
    fixture *f = *state;
    f->p.prog[DP_PROG_LIVING].take_up = 0.8;
    f->p.prog[DP_PROG_LIVING].marginal_from = 2023;
    put(f, M, 40, DP_PHYSICAL, 2, C, DIB, 100.0); /* eligible */
    put(f, M, 40, DP_PHYSICAL, 2, U, DIB, 50.0);  /* admitted, no card */
    put(f, M, 40, DP_PHYSICAL, 2, C, MAR, 30.0);  /* marginal: from 2023 */
    put(f, F, 70, DP_VISUAL, 0, C, OTH, 20.0);    /* other household: never */
    f->st.r0[DP_PROG_LIVING][2] = 60.0;
    prepare(f, 2022);
    run(f);
    const double *pl = f->out.pipeline[DP_PROG_LIVING];
    CLOSE(pl[DP_STAGE_ELIGIBLE], 150.0); /* 100 + 50 */
    CLOSE(pl[DP_STAGE_CERTIFIED], 100.0);
    CLOSE(pl[DP_STAGE_APPLIED], 80.0); /* 0.8 x 100 */
    CLOSE(pl[DP_STAGE_PAID], 80.0);
    CLOSE(f->out.paid_grade[DP_PROG_LIVING][2], 80.0);
    CLOSE(f->out.paid_grade[DP_PROG_LIVING][0], 0.0);
    CLOSE(f->out.person_months[DP_PROG_LIVING][2], 840.0); /* 6 x (60 + 80) */
    CLOSE(f->out.spending[DP_PROG_LIVING], 42000.0);       /* 840 x 50 */
    CLOSE(f->st.r0[DP_PROG_LIVING][2], 80.0);              /* carried to next year */

    /* 2023: marginal households join (the shorthand extension). */
    f->st.r0[DP_PROG_LIVING][2] = 60.0;
    prepare(f, 2023);
    run(f);
    CLOSE(pl[DP_STAGE_ELIGIBLE], 180.0); /* 100 + 50 + 30 */
    CLOSE(pl[DP_STAGE_CERTIFIED], 130.0);
    CLOSE(pl[DP_STAGE_PAID], 104.0);                 /* 0.8 x 130 */
    CLOSE(f->out.spending[DP_PROG_LIVING], 49200.0); /* 6 x (60 + 104) x 50 */
}

/* Cash programmes: the budget cap holds on the year's spending, 6 (R0 + f R1) x amount, and
 * places cap the recipients at the year's end. */
static void
test_cash_caps(void **state)
{
    fixture *f = *state;
    f->p.prog[DP_PROG_LIVING].take_up = 1.0;
    put(f, M, 40, DP_PHYSICAL, 2, C, DIB, 100.0);
    f->st.r0[DP_PROG_LIVING][2] = 60.0;
    /* Uncapped: 6 x (60 + 100) x 50 = 48,000. A cap of 33,000: 6 x 60 x 50 = 18,000 goes to
     * those paid at the start, so f = (33,000 - 18,000) / (6 x 100 x 50) = 0.5: 50 paid at the
     * end and spending exactly 33,000. */
    dp_sched_const(&f->p.prog[DP_PROG_LIVING].budget_cap, 33000.0);
    prepare(f, 2022);
    run(f);
    CLOSE(f->out.pipeline[DP_PROG_LIVING][DP_STAGE_APPLIED], 100.0);
    CLOSE(f->out.pipeline[DP_PROG_LIVING][DP_STAGE_PAID], 50.0);
    CLOSE(f->out.spending[DP_PROG_LIVING], 33000.0);
    /* A cap below what the start-of-year recipients cost: nobody new at the end (f = 0); the
     * spending is that of the recipients at the start, 18,000, the most a cap on the end can
     * save. */
    f->st.r0[DP_PROG_LIVING][2] = 60.0;
    dp_sched_const(&f->p.prog[DP_PROG_LIVING].budget_cap, 10000.0);
    prepare(f, 2022);
    run(f);
    CLOSE(f->out.pipeline[DP_PROG_LIVING][DP_STAGE_PAID], 0.0);
    CLOSE(f->out.spending[DP_PROG_LIVING], 18000.0);
    /* Places: 70 recipients at most at the end: 6 x (60 + 70) x 50 = 39,000. */
    f->st.r0[DP_PROG_LIVING][2] = 60.0;
    f->p.prog[DP_PROG_LIVING].budget_cap.n = 0;
    dp_sched_const(&f->p.prog[DP_PROG_LIVING].capacity, 70.0);
    prepare(f, 2022);
    run(f);
    CLOSE(f->out.pipeline[DP_PROG_LIVING][DP_STAGE_PAID], 70.0);
    CLOSE(f->out.spending[DP_PROG_LIVING], 39000.0);
}

static void
test_care_subsidy(void **state)
{
    fixture *f = *state;
    dp_sched_const(&f->p.prog[DP_PROG_CARE].amount[0], 150.0);
    dp_sched_const(&f->p.prog[DP_PROG_CARE].amount[1], 100.0);
    put(f, M, 50, DP_PHYSICAL, 0, C, OTH, 10.0);
    put(f, M, 50, DP_PHYSICAL, 1, C, OTH, 20.0);
    put(f, M, 50, DP_PHYSICAL, 1, U, OTH, 5.0);  /* no card */
    put(f, M, 50, DP_PHYSICAL, 2, C, OTH, 40.0); /* grade 3: not severe */
    f->st.r0[DP_PROG_CARE][0] = 8.0;
    f->st.r0[DP_PROG_CARE][1] = 16.0;
    prepare(f, 2022);
    run(f);
    const double *pl = f->out.pipeline[DP_PROG_CARE];
    CLOSE(pl[DP_STAGE_ELIGIBLE], 35.0);
    CLOSE(pl[DP_STAGE_CERTIFIED], 30.0);
    CLOSE(pl[DP_STAGE_APPLIED], 30.0);
    CLOSE(pl[DP_STAGE_PAID], 30.0);
    CLOSE(f->out.paid_grade[DP_PROG_CARE][0], 10.0);
    CLOSE(f->out.paid_grade[DP_PROG_CARE][1], 20.0);
    CLOSE(f->out.paid_grade[DP_PROG_CARE][2], 0.0);
    CLOSE(f->out.person_months[DP_PROG_CARE][0], 108.0); /* 6 x (8 + 10) */
    CLOSE(f->out.person_months[DP_PROG_CARE][1], 216.0); /* 6 x (16 + 20) */
    CLOSE(f->out.spending[DP_PROG_CARE], 37800.0);       /* 108 x 150 + 216 x 100 */
}

static void
test_dibao_supplement(void **state)
{
    fixture *f = *state;
    put(f, F, 60, DP_MENTAL, 0, C, DIB, 10.0); /* eligible */
    put(f, F, 60, DP_MENTAL, 0, C, MAR, 5.0);  /* marginal: no */
    put(f, F, 60, DP_MENTAL, 2, C, DIB, 7.0);  /* grade 3: no */
    put(f, F, 60, DP_MENTAL, 1, U, DIB, 3.0);  /* admitted, no card */
    prepare(f, 2022);
    run(f);
    const double *pl = f->out.pipeline[DP_PROG_DIBAO_SUPP];
    CLOSE(pl[DP_STAGE_ELIGIBLE], 13.0);
    CLOSE(pl[DP_STAGE_CERTIFIED], 10.0);
    CLOSE(pl[DP_STAGE_PAID], 10.0);
    CLOSE(f->out.amount[DP_PROG_DIBAO_SUPP][0], 120.0);       /* 0.2 x 600 */
    CLOSE(f->out.person_months[DP_PROG_DIBAO_SUPP][0], 60.0); /* 6 x (0 + 10) */
    CLOSE(f->out.spending[DP_PROG_DIBAO_SUPP], 7200.0);       /* 60 x 120 */
    /* Single-person entry: its probability is in the rules from single_person_from on. */
    f->p.single_person_from = 2024;
    f->p.single_person_rate = 0.1;
    prepare(f, 2023);
    CLOSE(f->r.prog.single_person, 0.0);
    prepare(f, 2024);
    CLOSE(f->r.prog.single_person, 0.1);
}

static void
test_multi_household(void **state)
{
    fixture *f = *state;
    dp_prog_params *g = &f->p.prog[DP_PROG_MULTI_HH];
    g->rule[0].hh = (1u << DP_DIBAO) | (1u << DP_MARGINAL); /* poor households */
    dp_sched_const(&g->amount[3], 1200.0);
    f->p.multi_share = 0.25;
    f->p.multi_members = 2.5;
    g->take_up = 0.5;
    put(f, M, 30, DP_HEARING, 3, C, MAR, 120.0);
    put(f, M, 30, DP_HEARING, 3, U, MAR, 24.0);
    put(f, M, 30, DP_HEARING, 3, C, OTH, 500.0); /* not poor */
    f->st.r0[DP_PROG_MULTI_HH][3] = 4.0;
    prepare(f, 2022);
    run(f);
    const double *pl = f->out.pipeline[DP_PROG_MULTI_HH];
    /* Households = persons x share / members. */
    CLOSE(pl[DP_STAGE_ELIGIBLE], 14.4);  /* 144 x 0.25 / 2.5 */
    CLOSE(pl[DP_STAGE_CERTIFIED], 12.0); /* 120 x 0.25 / 2.5 */
    CLOSE(pl[DP_STAGE_APPLIED], 6.0);    /* 120 x 0.5 x 0.25 / 2.5 */
    CLOSE(pl[DP_STAGE_PAID], 6.0);
    CLOSE(f->out.paid_grade[DP_PROG_MULTI_HH][3], 6.0);
    CLOSE(f->out.person_months[DP_PROG_MULTI_HH][3], 60.0); /* 6 x (4 + 6) household-months */
    CLOSE(f->out.spending[DP_PROG_MULTI_HH], 6000.0);       /* 60 / 12 x 1,200 */
    CLOSE(f->out.ind[DP_PI_MULTI_HOUSEHOLDS], 14.4);
    /* Cash transfers: living (0: no dibao) + care (0: grade 4) + supplement (0: no dibao) +
     * 6,000. */
    CLOSE(f->out.ind[DP_PI_CASH], 6000.0);
}

static void
test_child_rehab(void **state)
{
    fixture *f = *state;
    dp_prog_params *g = &f->p.prog[DP_PROG_CHILD_REHAB];
    sched2(&g->age_max, 2021, 6.0, 2025, 17.0); /* 0-6, then 0-17 from 2025 */
    g->need_card = 0;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        g->need_type[t] = 1.0; /* every eligible child in need */
    }
    dp_sched_const(&g->coverage, 0.8);
    dp_sched_const(&g->amount[1], 12000.0);
    dp_sched_const(&g->amount[2], 12000.0);
    dp_sched_const(&g->amount[3], 12000.0);
    f->p.away_share = 0.25;
    sched2(&f->p.away_yearly, 2021, 3000.0, 2023, 5000.0); /* Huzhong 3,000 -> 5,000 */
    put(f, M, 3, DP_SPEECH, 1, U, OTH, 10.0);              /* no card needed */
    put(f, F, 5, DP_INTELLECTUAL, 2, C, DIB, 20.0);
    put(f, M, 10, DP_PHYSICAL, 3, C, OTH, 30.0); /* age 10: from 2025 */
    put(f, M, 20, DP_PHYSICAL, 3, C, OTH, 40.0); /* adult: never */
    prepare(f, 2023);
    run(f);
    const double *pl = f->out.pipeline[DP_PROG_CHILD_REHAB];
    const double *sv = f->out.service[DP_PROG_CHILD_REHAB];
    CLOSE(pl[DP_STAGE_ELIGIBLE], 30.0);
    CLOSE(pl[DP_STAGE_CERTIFIED], 30.0); /* no card needed: = eligible */
    CLOSE(pl[DP_STAGE_APPLIED], 24.0);   /* 30 x 0.8 */
    CLOSE(pl[DP_STAGE_PAID], 24.0);
    CLOSE(sv[DP_SVC_NEED], 30.0);
    CLOSE(sv[DP_SVC_DEMAND], 24.0);
    CLOSE(sv[DP_SVC_SERVED], 24.0);
    CLOSE(sv[DP_SVC_UNMET], 6.0); /* 30 - 24 */
    assert_true(isnan(sv[DP_SVC_CAPACITY]));
    /* 24 x 12,000 + 24 x 0.25 x 5,000 = 288,000 + 30,000 */
    CLOSE(f->out.spending[DP_PROG_CHILD_REHAB], 318000.0);

    /* 2022: family subsidy still 3,000: 288,000 + 24 x 0.25 x 3,000 = 306,000. */
    prepare(f, 2022);
    run(f);
    CLOSE(f->out.spending[DP_PROG_CHILD_REHAB], 306000.0);

    /* 2025: ages 0-17, the 10-year-olds join: 60 eligible, 48 served,
     * 48 x (12,000 + 1,250) = 636,000. */
    prepare(f, 2025);
    run(f);
    CLOSE(pl[DP_STAGE_ELIGIBLE], 60.0);
    CLOSE(pl[DP_STAGE_PAID], 48.0);
    CLOSE(f->out.spending[DP_PROG_CHILD_REHAB], 636000.0);

    /* Budget cap 159,000 in 2023: served x (12,000 + 0.25 x 5,000) = cap -> served 12. */
    sched1(&g->budget_cap, 2021, 159000.0);
    prepare(f, 2023);
    run(f);
    CLOSE(sv[DP_SVC_SERVED], 12.0);
    CLOSE(sv[DP_SVC_UNMET], 18.0);     /* 30 - 12 */
    CLOSE(pl[DP_STAGE_APPLIED], 24.0); /* demand before the cap */
    CLOSE(f->out.spending[DP_PROG_CHILD_REHAB], 159000.0);
}

static void
test_adult_rehab(void **state)
{
    fixture *f = *state;
    dp_prog_params *g = &f->p.prog[DP_PROG_ADULT_REHAB];
    g->rule[0].age_min = 18; /* card holders 18+ */
    g->need_type[DP_PHYSICAL] = 0.5;
    g->need_type[DP_MENTAL] = 0.25;
    g->need_grade[0] = 2.0; /* grade 1 physical: 0.5 x 2 = 1 */
    dp_sched_const(&g->coverage, 0.8);
    dp_sched_const(&g->amount[0], 1000.0);
    dp_sched_const(&g->amount[2], 2000.0);
    put(f, M, 30, DP_PHYSICAL, 0, C, OTH, 10.0);  /* need 1 x 10 = 10 */
    put(f, F, 50, DP_MENTAL, 2, C, OTH, 40.0);    /* need 0.25 x 40 = 10 */
    put(f, M, 10, DP_PHYSICAL, 0, C, OTH, 100.0); /* under 18 */
    put(f, M, 30, DP_PHYSICAL, 0, U, OTH, 50.0);  /* no card */
    prepare(f, 2022);
    run(f);
    const double *pl = f->out.pipeline[DP_PROG_ADULT_REHAB];
    const double *sv = f->out.service[DP_PROG_ADULT_REHAB];
    CLOSE(pl[DP_STAGE_ELIGIBLE], 100.0); /* 10 + 40 + 50 */
    CLOSE(pl[DP_STAGE_CERTIFIED], 50.0);
    CLOSE(sv[DP_SVC_NEED], 20.0);
    CLOSE(sv[DP_SVC_DEMAND], 16.0); /* 20 x 0.8 */
    CLOSE(sv[DP_SVC_SERVED], 16.0);
    CLOSE(sv[DP_SVC_UNMET], 4.0);
    CLOSE(f->out.paid_grade[DP_PROG_ADULT_REHAB][0], 8.0); /* 10 x 0.8 */
    CLOSE(f->out.paid_grade[DP_PROG_ADULT_REHAB][2], 8.0); /* 10 x 0.8 */
    CLOSE(f->out.spending[DP_PROG_ADULT_REHAB], 24000.0);  /* 8 x 1,000 + 8 x 2,000 */
    /* Person-times: the 16 served (no children served: child_rehab's 0-6 hold nobody here) x
     * 1 service a person by default, x 2.5 when set. */
    CLOSE(f->out.ind[DP_PI_REHAB_TIMES], 16.0);
    f->p.rehab_times = 2.5;
    run(f);
    CLOSE(f->out.ind[DP_PI_REHAB_TIMES], 40.0);
    f->p.rehab_times = 1.0;
    /* Capacity 10: factor 10 / 16; served 10 (5 per grade), unmet 10,
     * spending 5 x 1,000 + 5 x 2,000 = 15,000. */
    sched1(&g->capacity, 2021, 10.0);
    prepare(f, 2022);
    run(f);
    CLOSE(sv[DP_SVC_SERVED], 10.0);
    CLOSE(sv[DP_SVC_UNMET], 10.0);
    CLOSE(sv[DP_SVC_CAPACITY], 10.0);
    CLOSE(f->out.spending[DP_PROG_ADULT_REHAB], 15000.0);

    /* Need by age band: 60+ at half, and 40 mental grade-3 persons aged 70 added: their need
     * 0.25 x 0.5 x 40 = 5; the others (30 and 50, working age) unchanged at 10 + 10; the
     * children's factor 3 does not apply to anyone eligible (18+). A factor pushing the product
     * above 1 is capped: physical grade 1 working age with factor 1.5: 0.5 x 2 x 1.5 -> 1. */
    g->capacity.n = 0;
    g->need_age[DP_NEED_OLDER] = 0.5;
    g->need_age[DP_NEED_CHILD] = 3.0;
    g->need_age[DP_NEED_WORKING] = 1.5;
    put(f, F, 70, DP_MENTAL, 2, C, OTH, 40.0);
    prepare(f, 2022);
    run(f);
    /* 10 (capped at 1 x 10) + 0.25 x 1.5 x 40 = 15 + 5 = 30. */
    CLOSE(sv[DP_SVC_NEED], 30.0);
    CLOSE(sv[DP_SVC_DEMAND], 24.0); /* 30 x 0.8 */
}

static void
test_assistive_devices(void **state)
{
    fixture *f = *state;
    dp_prog_params *g = &f->p.prog[DP_PROG_DEVICES];
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        g->need_type[t] = 0.1;
    }
    dp_sched_const(&g->coverage, 0.5);
    dp_sched_const(&g->amount[2], 800.0);
    f->p.device_cycle = 4.0;
    put(f, M, 40, DP_PHYSICAL, 2, C, OTH, 1000.0); /* need 100, target fitted 50 */
    const double *pl = f->out.pipeline[DP_PROG_DEVICES];
    const double *sv = f->out.service[DP_PROG_DEVICES];
    double *sp = f->out.spending;

    /* a. First year (devices in use unknown: F = target = 50): purchases = F / cycle +
     * target - F = 12.5 + 50 - 50 = 12.5; 12.5 x 800 = 10,000; 50 fitted. */
    prepare(f, 2022);
    run(f);
    CLOSE(sv[DP_SVC_NEED], 100.0);
    CLOSE(sv[DP_SVC_DEMAND], 50.0);
    CLOSE(pl[DP_STAGE_APPLIED], 50.0); /* the target asks for 50 with a device in use */
    CLOSE(sp[DP_PROG_DEVICES], 10000.0);
    CLOSE(sv[DP_SVC_SERVED], 50.0);
    CLOSE(pl[DP_STAGE_PAID], 50.0);
    CLOSE(sv[DP_SVC_UNMET], 50.0);
    CLOSE(f->st.fitted, 50.0);

    /* b. F = 40: 10 + 50 - 40 = 20 bought, 16,000; fitted 40 - 10 + 20 = 50. */
    f->st.fitted = 40.0;
    run(f);
    CLOSE(pl[DP_STAGE_APPLIED], 50.0);
    CLOSE(sp[DP_PROG_DEVICES], 16000.0);
    CLOSE(sv[DP_SVC_SERVED], 50.0);
    CLOSE(f->st.fitted, 50.0);

    /* c. F = 40, capacity 15 devices a year: 15 bought (12,000), fitted 40 - 10 + 15 = 45,
     * unmet 100 - 45 = 55. */
    sched1(&g->capacity, 2021, 15.0);
    prepare(f, 2022);
    f->st.fitted = 40.0;
    run(f);
    CLOSE(sp[DP_PROG_DEVICES], 12000.0);
    CLOSE(sv[DP_SVC_SERVED], 45.0);
    CLOSE(sv[DP_SVC_UNMET], 55.0);
    CLOSE(sv[DP_SVC_CAPACITY], 15.0);
    CLOSE(f->st.fitted, 45.0);

    /* d. F = 40, budget 8,000 (no capacity): 10 bought, fitted 40 - 10 + 10 = 40. */
    g->capacity.n = 0;
    sched1(&g->budget_cap, 2021, 8000.0);
    prepare(f, 2022);
    f->st.fitted = 40.0;
    run(f);
    CLOSE(sp[DP_PROG_DEVICES], 8000.0);
    CLOSE(sv[DP_SVC_SERVED], 40.0);
    CLOSE(f->st.fitted, 40.0);

    /* e. F = 40, no places at all: nothing bought, fitted 40 - 10 = 30. */
    g->budget_cap.n = 0;
    sched1(&g->capacity, 2021, 0.0);
    prepare(f, 2022);
    f->st.fitted = 40.0;
    run(f);
    CLOSE(sp[DP_PROG_DEVICES], 0.0);
    CLOSE(sv[DP_SVC_SERVED], 30.0);
    CLOSE(pl[DP_STAGE_PAID], 30.0);
    CLOSE(sv[DP_SVC_UNMET], 70.0);
    CLOSE(f->st.fitted, 30.0);

    /* f. More in use than in need (F = 150 > 100): F counts as 100; purchases
     * 25 + 50 - 100 < 0 -> 0; fitted 100 - 25 = 75. */
    g->capacity.n = 0;
    prepare(f, 2022);
    f->st.fitted = 150.0;
    run(f);
    CLOSE(pl[DP_STAGE_APPLIED], 50.0);
    CLOSE(sp[DP_PROG_DEVICES], 0.0);
    CLOSE(sv[DP_SVC_SERVED], 75.0);
    CLOSE(f->st.fitted, 75.0);
}

static void
test_home_renovation(void **state)
{
    fixture *f = *state;
    dp_prog_params *g = &f->p.prog[DP_PROG_RENOVATION];
    /* Target group: severely disabled card holders in poor (dibao, marginal) households. */
    g->n_rule = 1;
    g->rule[0].grades = 0x3;
    g->rule[0].hh = (1u << DP_DIBAO) | (1u << DP_MARGINAL);
    dp_sched_const(&g->amount[0], 6000.0);
    put(f, M, 50, DP_PHYSICAL, 0, C, DIB, 100.0); /* grade 1, dibao */
    put_flag(f, DP_FLAG_RENOVATED, M, 50, DP_PHYSICAL, 0, C, DIB, 30.0);
    put(f, M, 50, DP_PHYSICAL, 1, C, MAR, 50.0); /* grade 2, marginal */
    put_flag(f, DP_FLAG_RENOVATED, M, 50, DP_PHYSICAL, 1, C, MAR, 10.0);
    put(f, M, 50, DP_PHYSICAL, 0, C, OTH, 40.0); /* not poor */
    put_flag(f, DP_FLAG_RENOVATED, M, 50, DP_PHYSICAL, 0, C, OTH, 5.0);
    put(f, M, 50, DP_PHYSICAL, 0, U, DIB, 20.0); /* no card */
    /* G = 150 in the group, R = 40 of them renovated. */
    const unsigned char *mask = f->masks + DP_PROG_RENOVATION * DP_N_CELL;

    /* Coverage target 50%: 0.5 x 150 - 40 = 35 wanted; p = 35 / (150 - 40). */
    dp_sched_const(&g->coverage, 0.5);
    prepare(f, 2022);
    dp_flag_rates(f->cells, f->flag[DP_FLAG_RENOVATED], mask, &f->r);
    CLOSE(f->r.prog.ren_demand, 35.0);
    CLOSE(f->r.prog.ren_p, 35.0 / 110.0);
    CLOSE(dp_flag_in(&f->r, DP_FLAG_RENOVATED, 50, DP_PHYSICAL, 0, 1), 35.0 / 110.0);
    CLOSE(dp_flag_in(&f->r, DP_FLAG_RENOVATED, 50, DP_PHYSICAL, 0, 0), 0.0);
    CLOSE(dp_flag_out(&f->r, DP_FLAG_RENOVATED, 50), 0.0); /* renovations stay */
    /* Capacity 20 a year: p = 20 / 110. */
    sched1(&g->capacity, 2021, 20.0);
    prepare(f, 2022);
    dp_flag_rates(f->cells, f->flag[DP_FLAG_RENOVATED], mask, &f->r);
    CLOSE(f->r.prog.ren_p, 20.0 / 110.0);
    /* And a budget of 60,000 at 6,000 a home: 10 homes, p = 10 / 110. */
    sched1(&g->budget_cap, 2021, 60000.0);
    prepare(f, 2022);
    dp_flag_rates(f->cells, f->flag[DP_FLAG_RENOVATED], mask, &f->r);
    CLOSE(f->r.prog.ren_p, 10.0 / 110.0);
    /* A path of 8 homes a year (within both caps: 8 x 6,000 = 48,000): p = 8 / 110. */
    sched1(&f->p.renovations, 2021, 8.0);
    prepare(f, 2022);
    dp_flag_rates(f->cells, f->flag[DP_FLAG_RENOVATED], mask, &f->r);
    CLOSE(f->r.prog.ren_demand, 8.0);
    CLOSE(f->r.prog.ren_p, 8.0 / 110.0);

    /* Step 8: 12 homes renovated in the year (the engine's flow). */
    f->fl[DP_FL_RENOVATIONS] = 12.0;
    f->st.renovations_cum = 5.0;
    run(f);
    const double *pl = f->out.pipeline[DP_PROG_RENOVATION];
    const double *sv = f->out.service[DP_PROG_RENOVATION];
    CLOSE(pl[DP_STAGE_ELIGIBLE], 170.0); /* 100 + 50 + 20 */
    CLOSE(pl[DP_STAGE_CERTIFIED], 150.0);
    CLOSE(pl[DP_STAGE_APPLIED], 8.0); /* the year's demand */
    CLOSE(pl[DP_STAGE_PAID], 12.0);
    CLOSE(f->out.spending[DP_PROG_RENOVATION], 72000.0); /* 12 x 6,000 */
    CLOSE(sv[DP_SVC_NEED], 150.0);
    CLOSE(sv[DP_SVC_SERVED], 40.0); /* renovated stock in the group */
    CLOSE(sv[DP_SVC_UNMET], 110.0); /* 150 - 40 */
    CLOSE(sv[DP_SVC_CAPACITY], 20.0);
    CLOSE(f->out.ind[DP_PI_RENOVATION_GROUP], 150.0);
    CLOSE(f->out.ind[DP_PI_RENOVATED], 40.0);
    CLOSE(f->out.ind[DP_PI_RENOVATIONS_CUM], 17.0); /* 5 + 12 */
    CLOSE(f->st.renovations_cum, 17.0);
}

static void
test_pension_premium(void **state)
{
    fixture *f = *state;
    /* Severe or poor card holders aged 16-59, 100 yuan a year. */
    dp_prog_params *g = &f->p.prog[DP_PROG_PENSION];
    g->rule[0] = (dp_rule){.from = 0,
                           .types = DP_ALL_TYPES,
                           .grades = 0x3,
                           .hh = DP_ALL_HH,
                           .age_min = 16,
                           .age_max = 59};
    g->rule[1] = g->rule[0];
    g->rule[1].grades = DP_ALL_GRADES;
    g->rule[1].hh = (1u << DP_DIBAO) | (1u << DP_MARGINAL);
    g->n_rule = 2;
    dp_sched_const(&g->amount[0], 100.0);
    dp_sched_const(&g->amount[2], 100.0);
    put(f, M, 30, DP_VISUAL, 0, C, OTH, 10.0); /* severe, 16-59 */
    put(f, M, 30, DP_VISUAL, 2, C, MAR, 20.0); /* poor, 16-59 */
    put(f, M, 30, DP_VISUAL, 2, C, OTH, 30.0); /* neither */
    put(f, M, 65, DP_VISUAL, 0, C, OTH, 40.0); /* too old */
    put(f, M, 15, DP_VISUAL, 0, C, OTH, 7.0);  /* too young */
    f->st.r0[DP_PROG_PENSION][0] = 10.0;
    f->st.r0[DP_PROG_PENSION][2] = 10.0;
    prepare(f, 2022);
    run(f);
    const double *pl = f->out.pipeline[DP_PROG_PENSION];
    CLOSE(pl[DP_STAGE_ELIGIBLE], 30.0);
    CLOSE(pl[DP_STAGE_PAID], 30.0);
    CLOSE(f->out.paid_grade[DP_PROG_PENSION][0], 10.0);
    CLOSE(f->out.paid_grade[DP_PROG_PENSION][2], 20.0);
    CLOSE(f->out.person_months[DP_PROG_PENSION][0], 120.0); /* 6 x (10 + 10) */
    CLOSE(f->out.person_months[DP_PROG_PENSION][2], 180.0); /* 6 x (10 + 20) */
    CLOSE(f->out.spending[DP_PROG_PENSION], 2500.0);        /* 300 / 12 x 100 */
    /* Participation (§9.11), base rate 0.6: card holders aged 16+ are 10 + 20 + 30 + 40 = 100
     * (the 7 aged 15 are not); the 30 aided participate, the other 70 at 0.6: 30 + 42 = 72.
     * Card holders aged 16-59: 60, none employed here. */
    f->p.pension_participation = 0.6;
    run(f);
    CLOSE(f->out.ind[DP_PI_ADULTS_CERT], 100.0);
    CLOSE(f->out.ind[DP_PI_PENSION_PART], 72.0);
    CLOSE(f->out.ind[DP_PI_WORKING_AGE_CERT], 60.0);
    CLOSE(f->out.ind[DP_PI_EMPLOYED_CERT], 0.0);
}

static void
test_medical_premium(void **state)
{
    fixture *f = *state;
    /* Severe or poor card holders of any age, 350 yuan a year. */
    dp_prog_params *g = &f->p.prog[DP_PROG_MEDICAL];
    g->rule[0] = (dp_rule){.from = 0,
                           .types = DP_ALL_TYPES,
                           .grades = 0x3,
                           .hh = DP_ALL_HH,
                           .age_min = 0,
                           .age_max = DP_MAX_AGE};
    g->rule[1] = g->rule[0];
    g->rule[1].grades = DP_ALL_GRADES;
    g->rule[1].hh = (1u << DP_DIBAO) | (1u << DP_MARGINAL);
    g->n_rule = 2;
    dp_sched_const(&g->amount[1], 350.0);
    dp_sched_const(&g->amount[3], 350.0);
    g->take_up = 0.5;
    put(f, F, 70, DP_HEARING, 1, C, OTH, 12.0);  /* severe */
    put(f, F, 70, DP_HEARING, 3, C, DIB, 24.0);  /* poor */
    put(f, F, 70, DP_HEARING, 3, C, OTH, 100.0); /* neither */
    put(f, F, 70, DP_HEARING, 3, U, MAR, 8.0);   /* poor, no card */
    prepare(f, 2022);
    run(f);
    const double *pl = f->out.pipeline[DP_PROG_MEDICAL];
    CLOSE(pl[DP_STAGE_ELIGIBLE], 44.0); /* 12 + 24 + 8 */
    CLOSE(pl[DP_STAGE_CERTIFIED], 36.0);
    CLOSE(pl[DP_STAGE_APPLIED], 18.0); /* 0.5 x 36 */
    CLOSE(f->out.paid_grade[DP_PROG_MEDICAL][1], 6.0);
    CLOSE(f->out.paid_grade[DP_PROG_MEDICAL][3], 12.0);
    CLOSE(f->out.spending[DP_PROG_MEDICAL], 3150.0); /* 6 x 18 / 12 x 350 */
    /* Participation (§9.11), base rate 0.9: card holders 12 + 24 + 100 = 136 (the 8 without
     * the card are not counted); the 18 aided participate, the other 118 at 0.9: 18 + 106.2 =
     * 124.2. */
    f->p.medical_participation = 0.9;
    run(f);
    CLOSE(f->out.ind[DP_PI_MEDICAL_PART], 124.2);
}

static void
test_care_services(void **state)
{
    fixture *f = *state;
    dp_prog_params *g = &f->p.prog[DP_PROG_CARE_SERVICES];
    /* Working-age intellectual and mental card holders, and severe physical ones; need 0.2,
     * coverage 0.5, 3,000 a person-year. */
    g->rule[0] = (dp_rule){.from = 0,
                           .types = (1u << DP_INTELLECTUAL) | (1u << DP_MENTAL),
                           .grades = DP_ALL_GRADES,
                           .hh = DP_ALL_HH,
                           .age_min = 16,
                           .age_max = 59};
    g->rule[1] = g->rule[0];
    g->rule[1].types = 1u << DP_PHYSICAL;
    g->rule[1].grades = 0x3;
    g->n_rule = 2;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        g->need_type[t] = 0.2;
    }
    dp_sched_const(&g->coverage, 0.5);
    dp_sched_const(&g->amount[0], 3000.0);
    dp_sched_const(&g->amount[2], 3000.0);
    put(f, M, 30, DP_INTELLECTUAL, 2, C, OTH, 100.0); /* need 20 */
    put(f, M, 40, DP_PHYSICAL, 0, C, OTH, 50.0);      /* severe physical: need 10 */
    put(f, M, 40, DP_PHYSICAL, 2, C, OTH, 70.0);      /* physical grade 3: no */
    put(f, M, 70, DP_INTELLECTUAL, 2, C, OTH, 30.0);  /* not working age */
    const double *sv = f->out.service[DP_PROG_CARE_SERVICES];
    const double *sp = f->out.spending;
    prepare(f, 2022);
    run(f);
    CLOSE(f->out.pipeline[DP_PROG_CARE_SERVICES][DP_STAGE_CERTIFIED], 150.0);
    CLOSE(sv[DP_SVC_NEED], 30.0);
    CLOSE(sv[DP_SVC_DEMAND], 15.0); /* 30 x 0.5 */
    CLOSE(sv[DP_SVC_SERVED], 15.0);
    CLOSE(sv[DP_SVC_UNMET], 15.0);
    CLOSE(sp[DP_PROG_CARE_SERVICES], 45000.0); /* 15 x 3,000 */

    /* Places 12 (Pudong-style capacity): served 12 <= 12, unmet 30 - 12 = 18. */
    sched1(&g->capacity, 2021, 12.0);
    prepare(f, 2022);
    run(f);
    CLOSE(sv[DP_SVC_SERVED], 12.0);
    assert_true(sv[DP_SVC_SERVED] <= sv[DP_SVC_CAPACITY] + 1e-9);
    CLOSE(sv[DP_SVC_UNMET], 18.0);
    CLOSE(sv[DP_SVC_CAPACITY], 12.0);
    CLOSE(sp[DP_PROG_CARE_SERVICES], 36000.0);
    /* Capacity rising to 20 from 2024 (above the demand of 15): does not bind. */
    sched2(&g->capacity, 2021, 12.0, 2024, 20.0);
    prepare(f, 2024);
    run(f);
    CLOSE(sv[DP_SVC_SERVED], 15.0);
    CLOSE(sv[DP_SVC_CAPACITY], 20.0);

    /* Budget 30,000 alone: served x 3,000 = 30,000 -> 10. */
    g->capacity.n = 0;
    sched1(&g->budget_cap, 2021, 30000.0);
    prepare(f, 2022);
    run(f);
    CLOSE(sv[DP_SVC_SERVED], 10.0);
    CLOSE(sp[DP_PROG_CARE_SERVICES], 30000.0);
    CLOSE(sv[DP_SVC_UNMET], 20.0);
    /* Both: capacity 12 and budget 30,000: the tighter (budget, 10). */
    sched1(&g->capacity, 2021, 12.0);
    prepare(f, 2022);
    run(f);
    CLOSE(sv[DP_SVC_SERVED], 10.0);
    /* Capacity 12 and budget 40,000: capacity binds (12 x 3,000 = 36,000 <= 40,000). */
    sched1(&g->budget_cap, 2021, 40000.0);
    prepare(f, 2022);
    run(f);
    CLOSE(sv[DP_SVC_SERVED], 12.0);
    assert_true(sp[DP_PROG_CARE_SERVICES] <= 40000.0);
}

/* Sets the Hulan phase-out and the employment costs used by the employment tests. */
static void
employment_params(dp_params *p)
{
    dp_prog_params *g = &p->prog[DP_PROG_EMPLOYMENT];
    g->rule[0].age_min = 16; /* working age */
    g->rule[0].age_max = 59;
    g->take_up = 0.5;
    dp_sched_const(&g->amount[0], 2000.0);
    p->emp.base_rate = 0.45;
    p->emp.type_factor[DP_PHYSICAL] = 1.0;
    p->emp.grade_factor[0] = 0.3;
    p->emp.grade_factor[2] = 1.2;
    p->emp.exit_rate = 0.1;
    p->emp.entry_multiplier = 1.0;
    dp_sched_const(&p->emp.trainees, 30.0);
    dp_sched_const(&p->emp.training_cost, 1000.0);
    dp_sched_const(&p->emp.posts, 5.0);
    dp_sched_const(&p->emp.post_yearly, 12000.0);
    dp_sched_const(&p->emp.awards, 4.0);
    dp_sched_const(&p->emp.award_amount, 5000.0);
    p->emp.phase_full_months = 6;
    p->emp.phase_partial_months = 6;
    p->emp.phase_fraction = 0.5;
    p->emp.phase_benefit_share = 0.5; /* 0.5 x 600 = 300 a month */
}

/* The employment balance (docs/model.md §9.8), by hand. Target: base share s = 0.5 with odds x
 * m: m = 3 gives 3 x 0.5 / (0.5 + 1.5) = 0.75, m = 1 gives 0.5, m = 0 gives 0. Moves with exit
 * x = 0.1: a cell at its share (s = e = 0.5) keeps 0.45 and gets 0.05 from the 0.5 out of work:
 * p_in = 0.1; an entrant (s = 0) starts with p_in = e; a cell above its target after the exits
 * (s = 0.8 > e / 0.9 for e = 0.5) loses 1 - 0.5 / 0.8 = 0.375 of its employed, nobody starts. */
static void
test_employment_balance(void **state)
{
    fixture *f = *state;
    f->p.emp.base_rate = 0.5;
    f->p.emp.entry_multiplier = 3.0;
    CLOSE(dp_emp_target(&f->p, DP_VISUAL, 1), 0.75);
    f->p.emp.entry_multiplier = 1.0;
    CLOSE(dp_emp_target(&f->p, DP_VISUAL, 1), 0.5);
    f->p.emp.entry_multiplier = 0.0;
    CLOSE(dp_emp_target(&f->p, DP_VISUAL, 1), 0.0);
    double in, out;
    dp_emp_moves(0.5, 0.5, 0.1, &in, &out);
    CLOSE(in, 0.1);
    CLOSE(out, 0.1);
    dp_emp_moves(0.0, 0.5, 0.1, &in, &out);
    CLOSE(in, 0.5);
    CLOSE(out, 0.1);
    dp_emp_moves(0.8, 0.5, 0.1, &in, &out);
    CLOSE(in, 0.0);
    CLOSE(out, 0.375);
    /* Each leaves the expected share at e: s (1 - out) + (1 - s) in. */
    CLOSE(0.8 * (1.0 - out) + 0.2 * in, 0.5);
}

static void
test_employment_support(void **state)
{
    fixture *f = *state;
    employment_params(&f->p);
    put(f, M, 30, DP_PHYSICAL, 2, C, OTH, 200.0);
    put_flag(f, DP_FLAG_EMPLOYED, M, 30, DP_PHYSICAL, 2, C, OTH, 80.0);
    put(f, M, 70, DP_PHYSICAL, 2, C, OTH, 50.0); /* not working age */
    f->fl[DP_FL_JOBS_IN] = 20.0;
    f->fl[DP_FL_JOBS_FROM_DIBAO] = 12.0;
    f->st.phase_carry[0] = 10.0; /* owed from last year's entrants */
    prepare(f, 2022);
    run(f);
    /* Hulan, entries spread evenly over the months: the year-0 months of an entrant in month e
     * are min(13 - e, 6) + 0.5 max(0, 13 - e - 6): 9, 8.5, 8, 7.5, 7, 6.5, 6, 5, 4, 3, 2, 1
     * (sum 67.5, mean 5.625); each gets 6 + 3 = 9 in all, so 9 - 5.625 = 3.375 next year.
     * Months paid this year: 10 + 12 x 5.625 = 77.5, at 300: 23,250. */
    const double *es = f->out.emp_spending;
    CLOSE(es[DP_EMPS_JOBS], 20000.0);     /* 20 x 0.5 x 2,000 */
    CLOSE(es[DP_EMPS_TRAINING], 30000.0); /* 30 x 1,000 */
    CLOSE(es[DP_EMPS_POSTS], 60000.0);    /* 5 x 12,000 */
    CLOSE(es[DP_EMPS_AWARDS], 20000.0);   /* 4 x 5,000 */
    CLOSE(es[DP_EMPS_PHASE_OUT], 23250.0);
    CLOSE(f->out.spending[DP_PROG_EMPLOYMENT], 153250.0); /* the sum */
    CLOSE(f->st.phase_carry[0], 40.5);                    /* 12 x 3.375 */
    CLOSE(f->st.phase_carry[1], 0.0);
    const double *pl = f->out.pipeline[DP_PROG_EMPLOYMENT];
    CLOSE(pl[DP_STAGE_ELIGIBLE], 200.0); /* working-age card holders */
    CLOSE(pl[DP_STAGE_APPLIED], 80.0);   /* in work */
    CLOSE(pl[DP_STAGE_PAID], 10.0);      /* subsidised new jobs */
    CLOSE(f->out.ind[DP_PI_WORKING_AGE], 200.0);
    CLOSE(f->out.ind[DP_PI_EMPLOYED], 80.0);
    CLOSE(f->out.ind[DP_PI_NEW_JOBS], 20.0);
    CLOSE(f->out.ind[DP_PI_TRAINEES], 30.0);

    /* Next year, no new entrants: the 40.5 months owed, 12,150; the rest as before. */
    f->fl[DP_FL_JOBS_IN] = f->fl[DP_FL_JOBS_FROM_DIBAO] = 0.0;
    prepare(f, 2023);
    run(f);
    CLOSE(es[DP_EMPS_PHASE_OUT], 12150.0);
    CLOSE(f->out.spending[DP_PROG_EMPLOYMENT], 122150.0); /* 30,000 + 60,000 + 20,000 + 12,150 */
    CLOSE(f->st.phase_carry[0], 0.0);

    /* The flags: entry e = x s / (1 - s) with s = 0.45 x 1 x 1.2 = 0.54 (physical grade 3),
     * x = 0.1: 0.054 / 0.46; exit 0.1; everyone leaves at 60. */
    CLOSE(dp_flag_in(&f->r, DP_FLAG_EMPLOYED, 30, DP_PHYSICAL, 2, 0), 0.054 / 0.46);
    CLOSE(dp_flag_in(&f->r, DP_FLAG_EMPLOYED, 60, DP_PHYSICAL, 2, 0), 0.0);
    CLOSE(dp_flag_out(&f->r, DP_FLAG_EMPLOYED, 30), 0.1);
    CLOSE(dp_flag_out(&f->r, DP_FLAG_EMPLOYED, 60), 1.0);
    CLOSE(dp_flag_base_share(&f->p, DP_FLAG_EMPLOYED, 30, DP_PHYSICAL, 2, 0), 0.54);
}

/* ------------------------------------------------------------------------------------------ */
/* Phase-out month by month */

static void
test_phase_out_months(void **state)
{
    (void)state;
    for (int e = 1; e <= 12; e++) {
        double o[3];
        /* Hulan: 6 full months from the entry month, then 6 at 50%. Months left in the entry
         * year: 13 - e; the first 6 are full. */
        dp_phase_out_months(6, 6, 0.5, e, o);
        int left = 13 - e;
        double y0 = (left < 6 ? left : 6) + 0.5 * (left > 6 ? left - 6 : 0);
        CLOSE(o[0], y0);
        CLOSE(o[1], 9.0 - y0); /* 6 + 6 x 0.5 = 9 in all */
        CLOSE(o[2], 0.0);
        /* Ningbo: 12 full months: 13 - e this year, e - 1 the next. */
        dp_phase_out_months(12, 0, 0.0, e, o);
        CLOSE(o[0], 13.0 - e);
        CLOSE(o[1], e - 1.0);
        CLOSE(o[2], 0.0);
    }
    double o[3];
    /* Hand cases: Hulan, December: 1 full month this year; next year 5 full + 6 x 0.5 = 8. */
    dp_phase_out_months(6, 6, 0.5, 12, o);
    CLOSE(o[0], 1.0);
    CLOSE(o[1], 8.0);
    /* Hulan, July: July-December full (6); next year 6 x 0.5 = 3. */
    dp_phase_out_months(6, 6, 0.5, 7, o);
    CLOSE(o[0], 6.0);
    CLOSE(o[1], 3.0);
    /* Into the third year: 12 full + 12 at 50% from December: 1; 11 + 0.5; 11 x 0.5. */
    dp_phase_out_months(12, 12, 0.5, 12, o);
    CLOSE(o[0], 1.0);
    CLOSE(o[1], 11.5);
    CLOSE(o[2], 5.5);
    /* No phase-out: nothing. */
    dp_phase_out_months(0, 0, 0.5, 3, o);
    CLOSE(o[0] + o[1] + o[2], 0.0);
}

static void
test_phase_out_carry(void **state)
{
    fixture *f = *state;
    employment_params(&f->p);
    /* Ningbo: 12 full months (income test aside). Entrants spread over the year get
     * 78 / 12 = 6.5 months this year (13 - e summed over e = 78) and 5.5 the next. */
    f->p.emp.phase_full_months = 12;
    f->p.emp.phase_partial_months = 0;
    put(f, M, 30, DP_PHYSICAL, 2, C, OTH, 200.0);
    f->fl[DP_FL_JOBS_FROM_DIBAO] = 12.0;
    prepare(f, 2022);
    run(f);
    CLOSE(f->out.emp_spending[DP_EMPS_PHASE_OUT], 23400.0); /* 12 x 6.5 x 300 */
    CLOSE(f->st.phase_carry[0], 66.0);                      /* 12 x 5.5 */
    /* Next year 6 more entrants: 66 + 6 x 6.5 = 105 months, 31,500; carry 6 x 5.5 = 33. */
    f->fl[DP_FL_JOBS_FROM_DIBAO] = 6.0;
    prepare(f, 2023);
    run(f);
    CLOSE(f->out.emp_spending[DP_EMPS_PHASE_OUT], 31500.0);
    CLOSE(f->st.phase_carry[0], 33.0);

    /* Two years' carry: 12 full + 12 at 50%, 12 entrants. Means over entry months:
     * year 0: sum_e (13 - e) = 78 full -> 6.5;
     * year 1: sum_e [(e - 1) full + (13 - e) x 0.5] = 66 + 39 = 105 -> 8.75;
     * year 2: sum_e (e - 1) x 0.5 = 33 -> 2.75 (total 18 = 12 + 6).
     * Months paid: 78, then 105, then 33. */
    f->p.emp.phase_partial_months = 12;
    f->st.phase_carry[0] = f->st.phase_carry[1] = 0.0;
    f->fl[DP_FL_JOBS_FROM_DIBAO] = 12.0;
    run(f);
    CLOSE(f->out.emp_spending[DP_EMPS_PHASE_OUT], 78.0 * 300.0);
    CLOSE(f->st.phase_carry[0], 105.0);
    CLOSE(f->st.phase_carry[1], 33.0);
    f->fl[DP_FL_JOBS_FROM_DIBAO] = 0.0;
    run(f);
    CLOSE(f->out.emp_spending[DP_EMPS_PHASE_OUT], 105.0 * 300.0);
    run(f);
    CLOSE(f->out.emp_spending[DP_EMPS_PHASE_OUT], 33.0 * 300.0);
    run(f);
    CLOSE(f->out.emp_spending[DP_EMPS_PHASE_OUT], 0.0);
}

/* ------------------------------------------------------------------------------------------ */
/* Funding, prices */

static void
test_funding_levels(void **state)
{
    fixture *f = *state;
    dp_prog_params *g = &f->p.prog[DP_PROG_LIVING];
    /* Shares 0.2 / 0.3 / 0.3 / 0.2 to 2024, then 0 / 0.5 / 0.25 / 0.25 from 2025. */
    sched2(&g->funding[DP_LEVEL_CENTRAL], 2021, 0.2, 2025, 0.0);
    sched2(&g->funding[DP_LEVEL_PROVINCIAL], 2021, 0.3, 2025, 0.5);
    sched2(&g->funding[DP_LEVEL_MUNICIPAL], 2021, 0.3, 2025, 0.25);
    sched2(&g->funding[DP_LEVEL_COUNTY], 2021, 0.2, 2025, 0.25);
    /* 110 card holders in dibao (grade 1), all paid, 100 paid last year:
     * 6 x (100 + 110) x 50 = 63,000. Many other programmes pay them too. */
    put(f, M, 40, DP_PHYSICAL, 0, C, DIB, 100.0);
    put(f, M, 4, DP_PHYSICAL, 0, C, DIB, 10.0); /* a child: child rehabilitation too */
    const double *lv = f->out.spending_level[DP_PROG_LIVING];
    f->st.r0[DP_PROG_LIVING][0] = 100.0;
    prepare(f, 2024);
    run(f);
    CLOSE(f->out.spending[DP_PROG_LIVING], 63000.0);
    CLOSE(lv[DP_LEVEL_CENTRAL], 12600.0);    /* 0.2 x 63,000 */
    CLOSE(lv[DP_LEVEL_PROVINCIAL], 18900.0); /* 0.3 x 63,000 */
    CLOSE(lv[DP_LEVEL_MUNICIPAL], 18900.0);
    CLOSE(lv[DP_LEVEL_COUNTY], 12600.0);
    f->st.r0[DP_PROG_LIVING][0] = 100.0;
    prepare(f, 2025);
    run(f);
    CLOSE(lv[DP_LEVEL_CENTRAL], 0.0);
    CLOSE(lv[DP_LEVEL_PROVINCIAL], 31500.0); /* 0.5 x 63,000 */
    CLOSE(lv[DP_LEVEL_MUNICIPAL], 15750.0);  /* 0.25 x 63,000 */
    CLOSE(lv[DP_LEVEL_COUNTY], 15750.0);
    /* Every programme (the default shares elsewhere, which sum to 1): the levels add up. */
    size_t paying = 0;
    for (size_t k = 0; k < DP_N_PROG; k++) {
        double s = 0.0;
        for (size_t l = 0; l < DP_N_LEVEL; l++) {
            s += f->out.spending_level[k][l];
        }
        CLOSE(s, f->out.spending[k]);
        paying += f->out.spending[k] > 0.0;
    }
    assert_true(paying >= 8); /* the identity is checked on real amounts, not zeros */
}

static void
test_real_spending(void **state)
{
    fixture *f = *state;
    sched2(&f->p.cpi, 2021, 0.02, 2023, 0.05);
    put(f, M, 40, DP_PHYSICAL, 0, C, DIB, 100.0);
    f->st.r0[DP_PROG_LIVING][0] = 100.0;
    prepare(f, 2023);
    CLOSE(f->r.prog.price_index, 1.09242); /* 1.02^2 x 1.05 */
    run(f);
    /* Living subsidy indexed at rate 0: 6 x 200 x 50 = 60,000 nominal, / 1.09242 real. */
    CLOSE(f->out.spending[DP_PROG_LIVING], 60000.0);
    CLOSE(f->out.spending_real[DP_PROG_LIVING], 60000.0 / 1.09242);
    for (size_t k = 0; k < DP_N_PROG; k++) {
        CLOSE(f->out.spending_real[k], f->out.spending[k] / 1.09242);
    }
    /* A CPI-indexed constant keeps its 2021 value in real terms: in 2023 it is
     * 50 x PI(2023) / PI(2021) = 50 x 1.05 x 1.02 = 53.55, and the real spending
     * 6 x 200 x 53.55 / 1.09242 = 60,000 / 1.02 (6 x 200 x 50 at 2021 prices). */
    f->p.prog[DP_PROG_LIVING].index_kind = DP_INDEX_CPI;
    prepare(f, 2023);
    f->st.r0[DP_PROG_LIVING][0] = 100.0;
    run(f);
    CLOSE(f->out.amount[DP_PROG_LIVING][0], 53.55);
    CLOSE(f->out.spending_real[DP_PROG_LIVING], 60000.0 / 1.02);
}

/* ------------------------------------------------------------------------------------------ */
/* Extensions, lag */

/* Care subsidy extended to intellectual and mental grades 2-3 from 2023 (grade 2 is already
 * severe, so only grade 3 is new), and to their grade 4 from 2025. */
static void
care_extensions(dp_params *p)
{
    dp_prog_params *g = &p->prog[DP_PROG_CARE];
    const unsigned im = (1u << DP_INTELLECTUAL) | (1u << DP_MENTAL);
    g->rule[1] = (dp_rule){.from = 2023,
                           .types = im,
                           .grades = 0x6,
                           .hh = DP_ALL_HH,
                           .age_min = 0,
                           .age_max = DP_MAX_AGE};
    g->rule[2] = (dp_rule){.from = 2025,
                           .types = im,
                           .grades = 0x8,
                           .hh = DP_ALL_HH,
                           .age_min = 0,
                           .age_max = DP_MAX_AGE};
    g->n_rule = 3;
    for (size_t k = 0; k < DP_N_GRADE; k++) {
        dp_sched_const(&g->amount[k], 100.0);
    }
}

/* Cells whose mask changed between a and b, checked against an expected predicate (the
 * extension's cells: programme, types, grade index, card holders). Returns the count. */
static size_t
check_mask_change(const unsigned char *a, const unsigned char *b, size_t prog, unsigned types,
                  size_t grade)
{
    size_t n = 0;
    for (size_t k = 0; k < DP_N_PROG; k++) {
        for (size_t i = 0; i < DP_N_CELL; i++) {
            size_t blk = i % DP_N_BLOCK;
            int expect = k == prog && (types >> dp_block_type(blk) & 1u) &&
                         dp_block_grade(blk) == grade && dp_block_cert(blk) == DP_CERT;
            int changed = a[k * DP_N_CELL + i] != b[k * DP_N_CELL + i];
            if (changed != expect) {
                fail_msg("programme %zu cell %zu: changed %d, expected %d", k, i, changed, expect);
            }
            if (changed) {
                assert_int_equal(a[k * DP_N_CELL + i], 0); /* only gains */
                n++;
            }
        }
    }
    return n;
}

static void
test_extension_changes_only_its_cells(void **state)
{
    fixture *f = *state;
    care_extensions(&f->p);
    unsigned char *m22 = malloc(DP_N_PROG * DP_N_CELL), *m23 = malloc(DP_N_PROG * DP_N_CELL);
    unsigned char *m24 = malloc(DP_N_PROG * DP_N_CELL), *m25 = malloc(DP_N_PROG * DP_N_CELL);
    assert_non_null(m22);
    assert_non_null(m23);
    assert_non_null(m24);
    assert_non_null(m25);
    dp_rates_mask(&f->p, 2022, 0, m22);
    dp_rates_mask(&f->p, 2023, 0, m23);
    dp_rates_mask(&f->p, 2024, 0, m24);
    dp_rates_mask(&f->p, 2025, 0, m25);
    const unsigned im = (1u << DP_INTELLECTUAL) | (1u << DP_MENTAL);
    /* 2023: the extension's cells (grades 2-3) minus those already eligible (grade 2): grade 3
     * intellectual or mental card holders of every sex, age and household:
     * 2 types x 2 sexes x 101 ages x 3 households = 1,212 cells. */
    assert_int_equal(check_mask_change(m22, m23, DP_PROG_CARE, im, 2), 1212);
    assert_int_equal(memcmp(m23, m24, DP_N_PROG * DP_N_CELL), 0);             /* 2024: no change */
    assert_int_equal(check_mask_change(m24, m25, DP_PROG_CARE, im, 3), 1212); /* grade 4 */

    /* The results: only the care subsidy moves, by the new cell's persons. */
    put(f, M, 30, DP_INTELLECTUAL, 1, C, OTH, 10.0); /* grade 2: eligible before */
    put(f, M, 30, DP_INTELLECTUAL, 2, C, OTH, 20.0); /* grade 3: from 2023 */
    put(f, M, 30, DP_PHYSICAL, 2, C, OTH, 40.0);     /* physical grade 3: never */
    static dp_prog_result before;
    prepare(f, 2022);
    run(f);
    before = f->out;
    memset(&f->st, 0, sizeof f->st);
    f->st.fitted = NAN;
    /* Same state as in 2022; amounts and prices do not move (no indexation, no CPI). */
    prepare(f, 2023);
    run(f);
    CLOSE(before.pipeline[DP_PROG_CARE][DP_STAGE_PAID], 10.0);
    CLOSE(f->out.pipeline[DP_PROG_CARE][DP_STAGE_PAID], 30.0);                     /* + 20 */
    CLOSE(f->out.spending[DP_PROG_CARE] - before.spending[DP_PROG_CARE], 12000.0); /* 6x20x100 */
    for (size_t k = 0; k < DP_N_PROG; k++) {
        if (k == DP_PROG_CARE) {
            continue;
        }
        /* Equal up to the order of additions (the groups are renumbered). */
        for (size_t s = 0; s < DP_N_STAGE; s++) {
            assert_close(f->out.pipeline[k][s], before.pipeline[k][s], 1e-14, 0.0);
        }
        assert_close(f->out.spending[k], before.spending[k], 1e-14, 0.0);
        for (size_t j = 0; j < DP_N_PROG; j++) {
            if (j != DP_PROG_CARE) {
                assert_close(f->out.overlap[k][j], before.overlap[k][j], 1e-14, 0.0);
            }
        }
    }
    free(m22);
    free(m23);
    free(m24);
    free(m25);
}

static void
test_take_up_lag(void **state)
{
    fixture *f = *state;
    care_extensions(&f->p);
    f->p.prog[DP_PROG_CARE].take_up_lag = 1;
    put(f, M, 40, DP_PHYSICAL, 0, C, OTH, 10.0);     /* eligible all along */
    put(f, M, 40, DP_INTELLECTUAL, 2, C, OTH, 20.0); /* made eligible in 2023 */
    const double *pl = f->out.pipeline[DP_PROG_CARE];
    /* 2023, lagged on 2022's rules: the new cell is eligible but not yet applied. */
    prepare_lag(f, 2023, DP_PROG_CARE, 2022);
    run(f);
    CLOSE(pl[DP_STAGE_ELIGIBLE], 30.0);
    CLOSE(pl[DP_STAGE_CERTIFIED], 30.0);
    CLOSE(pl[DP_STAGE_APPLIED], 10.0);
    CLOSE(pl[DP_STAGE_PAID], 10.0);
    /* 2024, lagged on 2023's: paid. */
    prepare_lag(f, 2024, DP_PROG_CARE, 2023);
    run(f);
    CLOSE(pl[DP_STAGE_APPLIED], 30.0);
    CLOSE(pl[DP_STAGE_PAID], 30.0);
    /* Lag 0 (the masks of the year itself): paid from 2023. */
    prepare(f, 2023);
    run(f);
    CLOSE(pl[DP_STAGE_PAID], 30.0);
}

/* ------------------------------------------------------------------------------------------ */
/* Overlaps */

/* Living (take-up 0.5) and care (0.8): A pays both, B living only, C care only. */
static void
overlap_population(fixture *f)
{
    f->p.prog[DP_PROG_LIVING].take_up = 0.5;
    f->p.prog[DP_PROG_CARE].take_up = 0.8;
    put(f, M, 50, DP_PHYSICAL, 0, C, DIB, 100.0); /* A */
    put(f, M, 50, DP_PHYSICAL, 2, C, DIB, 50.0);  /* B */
    put(f, M, 50, DP_PHYSICAL, 0, C, OTH, 40.0);  /* C */
}

/* The overlap matrix: symmetric, and its diagonal the paid persons (households x members for
 * multi_disabled_household; renovation and employment: the flagged persons, not the year's
 * renovations or jobs). */
static void
check_overlap_matrix(const fixture *f)
{
    const dp_prog_result *o = &f->out;
    for (size_t i = 0; i < DP_N_PROG; i++) {
        for (size_t j = 0; j < DP_N_PROG; j++) {
            assert_true(o->overlap[i][j] == o->overlap[j][i]);
            assert_true(o->overlap[i][j] >= 0.0);
        }
        if (i == DP_PROG_RENOVATION || i == DP_PROG_EMPLOYMENT) {
            continue;
        }
        double paid = o->pipeline[i][DP_STAGE_PAID];
        if (i == DP_PROG_MULTI_HH) {
            paid *= f->p.multi_members;
        }
        CLOSE(o->overlap[i][i], paid);
    }
}

static void
test_overlap_exclude(void **state)
{
    fixture *f = *state;
    overlap_population(f);
    prepare(f, 2022);
    run(f);
    /* No rule: living 0.5 x 150 = 75, care 0.8 x 140 = 112, both 100 x 0.5 x 0.8 = 40. */
    CLOSE(f->out.pipeline[DP_PROG_LIVING][DP_STAGE_PAID], 75.0);
    CLOSE(f->out.pipeline[DP_PROG_CARE][DP_STAGE_PAID], 112.0);
    CLOSE(f->out.overlap[DP_PROG_LIVING][DP_PROG_CARE], 40.0);
    check_overlap_matrix(f);
    double lm = f->out.overlap[DP_PROG_LIVING][DP_PROG_MEDICAL];

    /* Living excludes care: care's paid falls by n pi_i pi_j = 40 (A: 100 x 0.8 x 0.5 = 40,
     * C: 32): 72; no one is paid both; living unchanged. */
    f->p.overlap[0] = (dp_overlap){.first = DP_PROG_LIVING,
                                   .second = DP_PROG_CARE,
                                   .kind = DP_OVERLAP_EXCLUDE,
                                   .fraction = 0.0};
    f->p.n_overlap = 1;
    memset(f->st.r0, 0, sizeof f->st.r0); /* no one paid last year, as in the first run */
    run(f);
    CLOSE(f->out.pipeline[DP_PROG_LIVING][DP_STAGE_PAID], 75.0);
    CLOSE(f->out.pipeline[DP_PROG_CARE][DP_STAGE_PAID], 72.0);
    CLOSE(f->out.paid_grade[DP_PROG_CARE][0], 72.0);
    CLOSE(f->out.overlap[DP_PROG_LIVING][DP_PROG_CARE], 0.0);
    CLOSE(f->out.overlap[DP_PROG_CARE][DP_PROG_LIVING], 0.0);
    CLOSE(f->out.spending[DP_PROG_CARE], 43200.0);              /* 6 x 72 x 100 */
    CLOSE(f->out.overlap[DP_PROG_LIVING][DP_PROG_MEDICAL], lm); /* other pairs unchanged */
    check_overlap_matrix(f);
}

static void
test_overlap_reduce(void **state)
{
    fixture *f = *state;
    overlap_population(f);
    /* Living reduces care by 25% for those paid both. */
    f->p.overlap[0] = (dp_overlap){.first = DP_PROG_LIVING,
                                   .second = DP_PROG_CARE,
                                   .kind = DP_OVERLAP_REDUCE,
                                   .fraction = 0.25};
    f->p.n_overlap = 1;
    prepare(f, 2022);
    run(f);
    /* Paid unchanged (112; overlap 40); spending 6 x 112 x 100 = 67,200 less
     * 0.25 x 40 x (12 x 100) = 12,000: 55,200. The levels follow the reduced spending. */
    CLOSE(f->out.pipeline[DP_PROG_CARE][DP_STAGE_PAID], 112.0);
    CLOSE(f->out.overlap[DP_PROG_LIVING][DP_PROG_CARE], 40.0);
    CLOSE(f->out.spending[DP_PROG_CARE], 55200.0);
    CLOSE(f->out.spending_level[DP_PROG_CARE][DP_LEVEL_PROVINCIAL], 27600.0); /* 0.5 x */
    CLOSE(f->out.spending[DP_PROG_LIVING], 22500.0); /* 6 x 75 x 50: the first is not cut */
    check_overlap_matrix(f);
}

static void
test_overlap_reduce_household(void **state)
{
    fixture *f = *state;
    /* Living (everyone) reduces the multi-disabled household assistance by half. 100 card
     * holders in dibao; share 0.25, 2.5 members: 10 households paid, 10 last year:
     * 6 x 20 / 12 x 1,200 = 12,000 before the rule. Every paid household's members get the
     * living subsidy, so each of the 10 households loses half of its 1,200 a year:
     * 12,000 - 0.5 x 10 x 1,200 = 6,000 (25 persons in them, 10 households). */
    f->p.multi_share = 0.25;
    f->p.multi_members = 2.5;
    put(f, M, 40, DP_PHYSICAL, 2, C, DIB, 100.0);
    f->st.r0[DP_PROG_MULTI_HH][2] = 10.0;
    f->p.overlap[0] = (dp_overlap){.first = DP_PROG_LIVING,
                                   .second = DP_PROG_MULTI_HH,
                                   .kind = DP_OVERLAP_REDUCE,
                                   .fraction = 0.5};
    f->p.n_overlap = 1;
    prepare(f, 2022);
    run(f);
    CLOSE(f->out.pipeline[DP_PROG_MULTI_HH][DP_STAGE_PAID], 10.0);
    CLOSE(f->out.overlap[DP_PROG_LIVING][DP_PROG_MULTI_HH], 25.0); /* persons: 100 x 1 x 0.25 */
    CLOSE(f->out.spending[DP_PROG_MULTI_HH], 6000.0);
    check_overlap_matrix(f);
}

static void
test_disabled_programmes(void **state)
{
    fixture *f = *state;
    /* Every programme switched off: nothing eligible, paid or spent, whatever the flows; the
     * population indicators stay. */
    employment_params(&f->p);
    for (size_t k = 0; k < DP_N_PROG; k++) {
        f->p.prog[k].enabled = 0;
    }
    put(f, M, 30, DP_PHYSICAL, 0, C, DIB, 200.0);
    put_flag(f, DP_FLAG_EMPLOYED, M, 30, DP_PHYSICAL, 0, C, DIB, 80.0);
    put(f, M, 5, DP_PHYSICAL, 0, U, DIB, 10.0);
    f->fl[DP_FL_JOBS_IN] = 20.0;
    f->fl[DP_FL_JOBS_FROM_DIBAO] = 12.0;
    prepare(f, 2022);
    run(f);
    for (size_t k = 0; k < DP_N_PROG; k++) {
        for (size_t s = 0; s < DP_N_STAGE; s++) {
            CLOSE(f->out.pipeline[k][s], 0.0);
        }
        CLOSE(f->out.spending[k], 0.0);
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            CLOSE(f->out.paid_grade[k][g], 0.0);
            CLOSE(f->out.amount[k][g], 0.0);
        }
        for (size_t j = 0; j < DP_N_PROG; j++) {
            CLOSE(f->out.overlap[k][j], 0.0);
        }
    }
    CLOSE(f->out.ind[DP_PI_WORKING_AGE], 200.0);
    CLOSE(f->out.ind[DP_PI_EMPLOYED], 80.0);
    CLOSE(f->out.ind[DP_PI_NEW_JOBS], 20.0);
    CLOSE(f->out.ind[DP_PI_TRAINEES], 0.0); /* no training without the programme */
}

/* ------------------------------------------------------------------------------------------ */
/* State */

static void
test_state_carry(void **state)
{
    fixture *f = *state;
    put(f, M, 40, DP_PHYSICAL, 2, C, DIB, 100.0);
    /* Base year 2020: 100 paid at its end, devices at their target (0.1 x 0.5 x 100 = 5),
     * nothing owed; whatever the state held before. */
    dp_prog_params *d = &f->p.prog[DP_PROG_DEVICES];
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        d->need_type[t] = 0.1;
    }
    dp_sched_const(&d->coverage, 0.5);
    f->st.phase_carry[0] = 99.0;
    f->st.renovations_cum = 99.0;
    f->st.r0[DP_PROG_LIVING][2] = 99.0;
    prepare(f, 2020);
    const double *flag[DP_N_FLAG] = {f->flag[0], f->flag[1]};
    dp_prog_state_init(&f->p, &f->r, &f->gm, f->cells, flag, &f->st);
    CLOSE(f->st.r0[DP_PROG_LIVING][2], 100.0);
    CLOSE(f->st.fitted, 5.0);
    CLOSE(f->st.phase_carry[0], 0.0);
    CLOSE(f->st.renovations_cum, 0.0);
    /* 2021 with 120 persons: 6 x (100 + 120) x 50 = 66,000; then 2022 with 120 again:
     * 6 x 240 x 50 = 72,000. */
    put(f, M, 40, DP_PHYSICAL, 2, C, DIB, 20.0);
    prepare(f, 2021);
    run(f);
    CLOSE(f->out.person_months[DP_PROG_LIVING][2], 1320.0);
    CLOSE(f->out.spending[DP_PROG_LIVING], 66000.0);
    prepare(f, 2022);
    run(f);
    CLOSE(f->out.spending[DP_PROG_LIVING], 72000.0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_price_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_amount_indexation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_region_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_floors_per_grade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dibao_indexation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_living_subsidy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cash_caps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_care_subsidy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dibao_supplement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multi_household, setup, teardown),
        cmocka_unit_test_setup_teardown(test_child_rehab, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adult_rehab, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assistive_devices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_home_renovation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pension_premium, setup, teardown),
        cmocka_unit_test_setup_teardown(test_medical_premium, setup, teardown),
        cmocka_unit_test_setup_teardown(test_care_services, setup, teardown),
        cmocka_unit_test_setup_teardown(test_employment_balance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_employment_support, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phase_out_months, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phase_out_carry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_funding_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_real_spending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extension_changes_only_its_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_take_up_lag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap_exclude, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap_reduce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap_reduce_household, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disabled_programmes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_carry, setup, teardown),
    };
    return cmocka_run_group_tests_name("programmes", tests, NULL, NULL);
}
