/* tests/unit/test_cohort.c
 *
 * The cohort engine against a three-year projection of a tiny population worked out by hand:
 * 1,000 non-disabled men and 100 disabled men aged 30 (physical, grade 2, uncertified, dibao
 * household), q = 0.01 at every age for the non-disabled (the life-table decomposition factor
 * is set to 1 here), grade-1 relative risk 2, onset 2% a year into grade 4,
 * worsening 10%, certification 50% (severe) and 20% (other), no births or migration, take-up 1,
 * living subsidy 50 yuan/month, care subsidy 100 yuan/month indexed at 10% a year.
 * Years 2021 and 2022 are checked against numbers computed by hand (the arithmetic is in the
 * comments); 2023 against an eight-state scalar recurrence of the documented equations
 * (docs/model.md), written here without the engine's cells, blocks or masks.
 *
 * Person flags (employed, renovated), by hand on tiny populations through the engine's test
 * probe (dp_cohort_set_probe: the counts by cell the programme layer receives): employment over
 * two years (base share, balanced entry, exits, household moves, onsets without the flag,
 * retirement at 60, the jobs flows and indicators); renovation towards a coverage target
 * (probability from the start-of-year counts, the stock after deaths, the cumulative count, a
 * cell that joins the target group later). On Da'an with draws: flagged persons within
 * [0, persons] in every cell and year, nobody employed outside 16-59, and the flag totals equal
 * the programme layer's indicators.
 *
 * Second group: the batched form on Da'an's baseline (real data, every cell populated). A batch
 * of replicates with their own parameter draws (set by hand in dp_params.uncertain) must give,
 * table by table, the values of separate single-run projections with each replicate's
 * parameters copied into the model, to 1e-12 relative: whether the replicates share the
 * transition matrix (draws of onset, amounts, take-up and employment only), do not share it
 * (distinct worsening draws), or share it in part; whether a group is split into several
 * batches; and bit for bit whatever the number of threads. Every table includes the
 * programmes that read the flags (a renovation coverage target is set, so the renovated flag
 * moves). The grouping itself is checked on hand-made parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <omp.h>

#include "engines/cohort_impl.h"
#include "engines/tables.h"
#include "dp_test.h"
#include "core/rng.h"
#include "input/scenario.h"

typedef struct {
    dp_ctx *ctx;
    dp_reference ref;
    double q[DP_N_SEX * DP_N_AGE];
    dp_model *m;
    dp_results *res;
} fixture;

static void
national_reference(dp_reference *ref, double *q, double qval)
{
    memset(ref, 0, sizeof *ref);
    for (size_t i = 0; i < DP_N_SEX * DP_N_AGE; i++) {
        q[i] = qval;
    }
    ref->year0 = 2020;
    ref->n_year = 1;
    ref->q = q;
    const double ts[DP_N_TYPE] = {0.1486, 0.2416, 0.0153, 0.2907, 0.0668, 0.0740, 0.1630};
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        ref->type_share[t] = ts[t];
        ref->severe_share_type[t] = NAN;
    }
    ref->severe_share_type[DP_SPEECH] = 0.65;
    ref->severe_share_type[DP_MENTAL] = 0.45;
    ref->severe_share = 0.2962;
    ref->grade_within[0] = 0.6033;
    ref->grade_within[1] = 0.3967;
    ref->grade_within[2] = 0.3820;
    ref->grade_within[3] = 0.6180;
    ref->male_share = 0.5155;
    /* A flat national age table: one person per single age (5 per group, 1 at 100+). */
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t g = 0; g < 21; g++) {
            ref->pop5[sex][g] = g < 20 ? 5.0 : 1.0;
        }
    }
    ref->agegroup_prevalence[0] = 0.0151;
    ref->agegroup_prevalence[1] = 0.0386;
    ref->agegroup_prevalence[2] = 0.2996;
}

static void
tiny_region(dp_region_input *in)
{
    memset(in, 0, sizeof *in);
    strcpy(in->id, "tiny");
    strcpy(in->name_zh, "小区");
    strcpy(in->province, "Nowhere");
    in->base_year = 2020;
    in->population = 10000;
    in->disabled_total = 500;
    for (size_t i = 0; i < 3; i++) {
        in->age_share[i] = NAN;
    }
    in->sex_ratio = NAN;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        in->type_share[t] = NAN;
    }
    for (size_t k = 0; k < DP_N_MARG; k++) {
        in->marginal[k] = NAN;
    }
    for (size_t k = 0; k < DP_N_PROG; k++) {
        in->recipients[k] = NAN;
    }
}

static void
tiny_params(dp_params *p)
{
    dp_params_default(p);
    p->year_start = 2021;
    p->year_end = 2023;
    const double rr[DP_N_GRADE] = {2.0, 1.0, 1.0, 1.0};
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        p->mort_rr_grade[g] = rr[g];
        dp_sched_const(&p->prog[DP_PROG_LIVING].amount[g], 50.0);
        dp_sched_const(&p->prog[DP_PROG_CARE].amount[g], g <= 1 ? 100.0 : 0.0);
    }
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        p->mort_rr_type[t] = 1.0;
    }
    p->worsen_rate[0] = p->worsen_rate[1] = 0.1;
    p->improve_rate = 0.0;
    p->certify_rate[0] = 0.5;
    p->certify_rate[1] = 0.2;
    p->dibao_exit = p->marginal_exit = 0.0;
    p->dibao_entry = p->marginal_entry = 0.0;
    p->prog[DP_PROG_LIVING].take_up = 1.0;
    p->prog[DP_PROG_CARE].take_up = 1.0;
    p->prog[DP_PROG_CARE].index_rate = 0.1;
    dp_sched_const(&p->birth_rate, 0.0);
    dp_sched_const(&p->migration_rate, 0.0);
}

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = dp_ctx_alloc();
    national_reference(&f->ref, f->q, 0.01);
    dp_region_input in;
    tiny_region(&in);
    dp_params p;
    tiny_params(&p);
    if (dp_model_alloc(f->ctx, &p, &f->ref, &in, 1, &f->m) != DP_OK) {
        fprintf(stderr, "%s\n", dp_ctx_errmsg(f->ctx));
        return -1;
    }
    /* Replace the synthesised base year by the hand-built one. */
    dp_region_base *b = &f->m->base[0];
    memset(b->cells, 0, sizeof b->cells);
    memset(b->pop, 0, sizeof b->pop);
    b->cells[dp_cell_index(DP_MALE, 30, DP_PHYSICAL, 1, DP_UNCERT, DP_DIBAO)] = 100.0;
    b->pop[DP_MALE * DP_N_AGE + 30] = 1100.0;
    memset(b->onset, 0, sizeof b->onset);
    for (size_t age = 0; age < DP_N_AGE; age++) {
        f->m->q_scale[age] = 1.0; /* the hand calculation uses q = 0.01 as it stands */
        b->q_scale[age] = 1.0;    /* the region's copy, which the projection reads */
    }
    for (size_t age = 30; age <= 33; age++) {
        b->onset[DP_MALE * DP_N_AGE + age] = 0.02;
    }
    b->onset_scale = 1.0;
    memset(b->mix, 0, sizeof b->mix);
    b->mix[DP_PHYSICAL * DP_N_GRADE + 3] = 1.0;
    b->onset_hh[DP_DIBAO] = 1.0;
    b->onset_hh[DP_MARGINAL] = b->onset_hh[DP_OTHER] = 0.0;
    b->take_up[0] = b->take_up[1] = 1.0;
    if (dp_cohort_run(f->ctx, f->m, &(dp_engine_opts){1, 1}, &f->res) != DP_OK) {
        fprintf(stderr, "%s\n", dp_ctx_errmsg(f->ctx));
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    dp_results_free(f->res);
    dp_model_free(f->m);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

static double
cell(const fixture *f, size_t yi, size_t g, size_t c)
{
    /* disabled [year, region, type, grade, certified, household] */
    const dp_table *t = dp_results_find(f->res, "disabled");
    return t->data[yi * DP_N_BLOCK + dp_block_index(DP_PHYSICAL, g, c, DP_DIBAO)];
}

static double
val(const fixture *f, const char *table, size_t yi, size_t k, size_t width)
{
    const dp_table *t = dp_results_find(f->res, table);
    return t->data[yi * width + k];
}

static void
test_cohort_first_year_by_hand(void **state)
{
    const fixture *f = *state;
    /* Deaths: 100 * 0.01 = 1 disabled, 1000 * 0.01 = 10 non-disabled. Onset: 990 * 0.02 = 19.8
     * into grade 4. Worsening 10%: grade 2 99 -> 9.9 to grade 1, 89.1 stay; grade 4 19.8 ->
     * 1.98 to grade 3, 17.82 stay. Certification: g1 9.9 * 0.5 = 4.95, g2 89.1 * 0.5 = 44.55,
     * g3 1.98 * 0.2 = 0.396, g4 17.82 * 0.2 = 3.564. */
    assert_close(cell(f, 0, 0, DP_CERT), 4.95, 1e-12, 0.0);
    assert_close(cell(f, 0, 0, DP_UNCERT), 4.95, 1e-12, 0.0);
    assert_close(cell(f, 0, 1, DP_CERT), 44.55, 1e-12, 0.0);
    assert_close(cell(f, 0, 2, DP_CERT), 0.396, 1e-12, 0.0);
    assert_close(cell(f, 0, 2, DP_UNCERT), 1.584, 1e-12, 0.0);
    assert_close(cell(f, 0, 3, DP_UNCERT), 14.256, 1e-12, 0.0);
    /* indicators: disabled 99 + 19.8 = 118.8; severe 9.9 + 89.1 = 99; certified 53.46. */
    assert_close(val(f, "indicators", 0, 0, DP_N_IND_ALL), 118.8, 1e-12, 0.0);
    assert_close(val(f, "indicators", 0, 1, DP_N_IND_ALL), 99.0, 1e-12, 0.0);
    assert_close(val(f, "indicators", 0, 4, DP_N_IND_ALL), 53.46, 1e-12, 0.0);
    /* Recipients at the end of 2021: care 4.95 + 44.55 = 49.5; living (certified, dibao) 53.46.
     * None at the end of 2020 (nobody certified), so person-months are 6 * R_end:
     * care 297 -> 29,700 yuan; living 320.76 -> 16,038 yuan. */
    assert_close(val(f, "recipients", 0, DP_PROG_CARE, DP_N_PROG), 49.5, 1e-12, 0.0);
    assert_close(val(f, "recipients", 0, DP_PROG_LIVING, DP_N_PROG), 53.46, 1e-12, 0.0);
    assert_close(val(f, "spending", 0, DP_PROG_CARE, DP_N_PROG), 29700.0, 1e-12, 0.0);
    assert_close(val(f, "spending", 0, DP_PROG_LIVING, DP_N_PROG), 16038.0, 1e-12, 0.0);
    /* Population: 970.2 + 118.8 = 1089 men aged 31. */
    const dp_table *pop = dp_results_find(f->res, "population");
    assert_close(pop->data[DP_MALE * DP_N_AGE + 31], 1089.0, 1e-12, 0.0);
    assert_close(pop->data[DP_MALE * DP_N_AGE + 30], 0.0, 0.0, 0.0);
}

static void
test_cohort_second_year_by_hand(void **state)
{
    const fixture *f = *state;
    /* Deaths (g1 x 0.98, others x 0.99), onset 960.498 * 0.02 = 19.20996, worsening and
     * certification as in the first year (see the file comment); by hand:
     * g1: cert 13.892175, uncert 4.630725; g2: cert 59.658687, uncert 19.925433;
     * g3: cert 1.6544088, uncert 3.7949472; g4: cert 9.173736, uncert 23.992848. */
    assert_close(cell(f, 1, 0, DP_CERT), 13.892175, 1e-12, 0.0);
    assert_close(cell(f, 1, 0, DP_UNCERT), 4.630725, 1e-12, 0.0);
    assert_close(cell(f, 1, 1, DP_CERT), 59.658687, 1e-12, 0.0);
    assert_close(cell(f, 1, 1, DP_UNCERT), 19.925433, 1e-12, 0.0);
    assert_close(cell(f, 1, 2, DP_CERT), 1.6544088, 1e-12, 0.0);
    assert_close(cell(f, 1, 3, DP_UNCERT), 23.992848, 1e-12, 0.0);
    /* Care: amount 100 * 1.1 = 110; person-months 6 (4.95 + 13.892175) + 6 (44.55 + 59.658687)
     * = 738.305172 -> 81,213.56892 yuan. Living: 6 (53.46 + 84.3790068) * 50 = 41,351.70204. */
    assert_close(val(f, "spending", 1, DP_PROG_CARE, DP_N_PROG), 81213.56892, 1e-12, 0.0);
    assert_close(val(f, "spending", 1, DP_PROG_LIVING, DP_N_PROG), 41351.70204, 1e-12, 0.0);
    /* Deaths of the disabled: 0.02 * 9.9 + 0.01 * (89.1 + 1.98 + 17.82) = 1.287. */
    assert_close(val(f, "flows", 1, 2, DP_N_FLOW), 1.287, 1e-12, 0.0);
}

/* The scalar recurrence: state s[grade][cert] of the one (physical, dibao) group, plus nd. */
static void
hand_year(double s[DP_N_GRADE][2], double *nd, double rr1, double w, double *care_end,
          double *living_end)
{
    const double q = 0.01;
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        for (size_t c = 0; c < 2; c++) {
            s[g][c] *= 1.0 - q * (g == 0 ? rr1 : 1.0);
        }
    }
    *nd *= 1.0 - q;
    double on = *nd * 0.02;
    *nd -= on;
    s[3][0] += on;
    for (size_t c = 0; c < 2; c++) {
        double o[DP_N_GRADE] = {s[0][c], s[1][c], s[2][c], s[3][c]};
        s[0][c] = o[0] + w * o[1];
        s[1][c] = (1.0 - w) * o[1] + w * o[2];
        s[2][c] = (1.0 - w) * o[2] + w * o[3];
        s[3][c] = (1.0 - w) * o[3];
    }
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        double moved = s[g][0] * (g <= 1 ? 0.5 : 0.2);
        s[g][0] -= moved;
        s[g][1] += moved;
    }
    *care_end = s[0][1] + s[1][1];
    *living_end = s[0][1] + s[1][1] + s[2][1] + s[3][1];
}

static void
test_cohort_three_years_match_scalar_recurrence(void **state)
{
    const fixture *f = *state;
    double s[DP_N_GRADE][2] = {{0}}, nd = 1000.0, care0 = 0.0, living0 = 0.0;
    s[1][0] = 100.0;
    for (size_t yi = 0; yi < 3; yi++) {
        double care1, living1;
        hand_year(s, &nd, 2.0, 0.1, &care1, &living1);
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            assert_close(cell(f, yi, g, DP_UNCERT), s[g][0], 1e-12, 1e-12);
            assert_close(cell(f, yi, g, DP_CERT), s[g][1], 1e-12, 1e-12);
        }
        double amount = 100.0 * (yi == 0 ? 1.0 : (yi == 1 ? 1.1 : 1.21));
        assert_close(val(f, "spending", yi, DP_PROG_CARE, DP_N_PROG), 6.0 * (care0 + care1) * amount, 1e-12,
                     0.0);
        assert_close(val(f, "spending", yi, DP_PROG_LIVING, DP_N_PROG), 6.0 * (living0 + living1) * 50.0,
                     1e-12, 0.0);
        const dp_table *pop = dp_results_find(f->res, "population");
        double tot = nd;
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            tot += s[g][0] + s[g][1];
        }
        assert_close(pop->data[yi * DP_N_SEX * DP_N_AGE + DP_MALE * DP_N_AGE + 31 + yi], tot, 1e-12,
                     0.0);
        care0 = care1;
        living0 = living1;
    }
}

static void
test_cohort_indexation_and_amounts(void **state)
{
    const fixture *f = *state;
    /* amount [year, programme, grade]: care grade 1 = 100 (2021), 110 (2022), 121 (2023);
     * living 50 throughout (no indexation). */
    const dp_table *a = dp_results_find(f->res, "amount");
    const double care[3] = {100.0, 110.0, 121.0};
    for (size_t yi = 0; yi < 3; yi++) {
        assert_close(a->data[(yi * DP_N_PROG + DP_PROG_CARE) * DP_N_GRADE + 0], care[yi], 1e-12,
                     0.0);
        assert_close(a->data[(yi * DP_N_PROG + DP_PROG_LIVING) * DP_N_GRADE + 2], 50.0, 0.0, 0.0);
    }
}

static void
test_cohort_accounting_identities(void **state)
{
    const fixture *f = *state;
    /* Population next = this - deaths + births + migration, and disabled next = this - deaths
     * of the disabled + onsets + their migration, for every year. */
    const dp_table *ind = dp_results_find(f->res, "indicators");
    const dp_table *fl = dp_results_find(f->res, "flows");
    const dp_table *pop = dp_results_find(f->res, "population");
    double dis_prev = 100.0, pop_prev = 1100.0;
    for (size_t yi = 0; yi < 3; yi++) {
        const double *x = fl->data + yi * DP_N_FLOW;
        double p = 0.0;
        for (size_t i = 0; i < DP_N_SEX * DP_N_AGE; i++) {
            p += pop->data[yi * DP_N_SEX * DP_N_AGE + i];
        }
        assert_close(ind->data[yi * DP_N_IND_ALL + 0], dis_prev - x[2] + x[3] + x[5], 1e-12, 1e-12);
        assert_close(p, pop_prev - x[1] - x[2] + x[0] + x[4] + x[5], 1e-12, 1e-12);
        dis_prev = ind->data[yi * DP_N_IND_ALL + 0];
        pop_prev = p;
    }
}

static void
test_cohort_worsening_by_age_band(void **state)
{
    fixture *f = *state;
    /* Two cohorts either side of the worsening bands' boundary: 100 men aged 59 and 100 aged
     * 60, all disabled (physical, grade 2, uncertified, dibao), worsening 0.1 under 60 and 0.25
     * from 60, q = 0.01, no onset, one year. By hand: 99 survive in each; worsening moves
     * 9.9 (aged 59) and 24.75 (aged 60) to grade 1; certification (severe 0.5) halves every
     * cell. Grade 1 certified 4.95 + 12.375 = 17.325, grade 2 certified 44.55 + 37.125 =
     * 81.675; worsened 34.65; certified 99; after ageing 99 at 60 and 99 at 61. */
    dp_region_input in;
    tiny_region(&in);
    dp_params p;
    tiny_params(&p);
    p.year_end = 2021;
    p.worsen_rate[0] = 0.1;
    p.worsen_rate[1] = 0.25;
    dp_model *m = NULL;
    dp_results *res = NULL;
    assert_int_equal(dp_model_alloc(f->ctx, &p, &f->ref, &in, 1, &m), DP_OK);
    dp_region_base *b = &m->base[0];
    memset(b->cells, 0, sizeof b->cells);
    memset(b->pop, 0, sizeof b->pop);
    memset(b->onset, 0, sizeof b->onset);
    for (size_t age = 59; age <= 60; age++) {
        b->cells[dp_cell_index(DP_MALE, age, DP_PHYSICAL, 1, DP_UNCERT, DP_DIBAO)] = 100.0;
        b->pop[DP_MALE * DP_N_AGE + age] = 100.0;
    }
    for (size_t age = 0; age < DP_N_AGE; age++) {
        m->q_scale[age] = 1.0;
        b->q_scale[age] = 1.0;
    }
    b->take_up[0] = b->take_up[1] = 1.0;
    assert_int_equal(dp_cohort_run(f->ctx, m, &(dp_engine_opts){1, 1}, &res), DP_OK);
    const dp_table *dis = dp_results_find(res, "disabled");
    const dp_table *dage = dp_results_find(res, "disabled_age");
    const dp_table *fl = dp_results_find(res, "flows");
    assert_close(dis->data[dp_block_index(DP_PHYSICAL, 0, DP_CERT, DP_DIBAO)], 17.325, 1e-12, 0.0);
    assert_close(dis->data[dp_block_index(DP_PHYSICAL, 0, DP_UNCERT, DP_DIBAO)], 17.325, 1e-12,
                 0.0);
    assert_close(dis->data[dp_block_index(DP_PHYSICAL, 1, DP_CERT, DP_DIBAO)], 81.675, 1e-12, 0.0);
    assert_close(fl->data[DP_FL_WORSENED], 34.65, 1e-12, 0.0);
    assert_close(fl->data[DP_FL_CERTIFIED], 99.0, 1e-12, 0.0);
    assert_close(dage->data[DP_MALE * DP_N_AGE + 60], 99.0, 1e-12, 0.0);
    assert_close(dage->data[DP_MALE * DP_N_AGE + 61], 99.0, 1e-12, 0.0);
    dp_results_free(res);
    dp_model_free(m);
}

/* ------------------------------------------------------------------------------------------ */
/* Person flags (employed, renovated), by hand on tiny populations. */

/* What the probe saw for run 0 of a one-region run: persons and flagged persons by cell at the
 * base year (index 0) and at step 8 of each projected year (index yi + 1). */
enum { REC_YEARS = 3 };
typedef struct {
    double cells[REC_YEARS][DP_N_CELL];
    double flag[REC_YEARS][DP_N_FLAG][DP_N_CELL];
    int seen[REC_YEARS];
} flag_record;

static void
record_probe(void *arg, size_t rep, size_t reg, int yi, const double *cells,
             const double *const flag[DP_N_FLAG])
{
    flag_record *rec = arg;
    if (rep != 0 || reg != 0 || yi + 1 >= REC_YEARS) {
        return;
    }
    memcpy(rec->cells[yi + 1], cells, sizeof rec->cells[0]);
    for (size_t f = 0; f < DP_N_FLAG; f++) {
        memcpy(rec->flag[yi + 1][f], flag[f], sizeof rec->flag[0][0]);
    }
    rec->seen[yi + 1] = 1;
}

/* Runs the cohort engine once on a model made from tiny_region and p, whose base year is
 * replaced by n cohorts of men (age, type, grade, cert, hh, persons) and non-disabled men nd
 * at age nd_age; onset 0.02 at ages 30-33 into (physical, grade 4, uncertified, dibao); q =
 * 0.01 (times the grade's relative risk). The probe's record goes to rec. */
typedef struct {
    size_t age, grade, cert, hh;
    double n;
} cohort_spec;

static dp_results *
run_tiny(fixture *f, const dp_params *p, const cohort_spec *c, size_t n, double nd,
         size_t nd_age, flag_record *rec)
{
    dp_region_input in;
    tiny_region(&in);
    dp_model *m = NULL;
    dp_results *res = NULL;
    assert_int_equal(dp_model_alloc(f->ctx, p, &f->ref, &in, 1, &m), DP_OK);
    dp_region_base *b = &m->base[0];
    memset(b->cells, 0, sizeof b->cells);
    memset(b->pop, 0, sizeof b->pop);
    memset(b->onset, 0, sizeof b->onset);
    for (size_t i = 0; i < n; i++) {
        b->cells[dp_cell_index(DP_MALE, c[i].age, DP_PHYSICAL, c[i].grade, c[i].cert, c[i].hh)] +=
            c[i].n;
        b->pop[DP_MALE * DP_N_AGE + c[i].age] += c[i].n;
    }
    b->pop[DP_MALE * DP_N_AGE + nd_age] += nd;
    for (size_t age = 0; age < DP_N_AGE; age++) {
        m->q_scale[age] = 1.0;
        b->q_scale[age] = 1.0;
    }
    for (size_t age = 30; age <= 33; age++) {
        b->onset[DP_MALE * DP_N_AGE + age] = 0.02;
    }
    b->onset_scale = 1.0;
    memset(b->mix, 0, sizeof b->mix);
    b->mix[DP_PHYSICAL * DP_N_GRADE + 3] = 1.0;
    b->onset_hh[DP_DIBAO] = 1.0;
    b->onset_hh[DP_MARGINAL] = b->onset_hh[DP_OTHER] = 0.0;
    memset(rec, 0, sizeof *rec);
    dp_cohort_set_probe(record_probe, rec);
    dp_status rc = dp_cohort_run(f->ctx, m, &(dp_engine_opts){1, 1}, &res);
    dp_cohort_set_probe(NULL, NULL);
    dp_model_free(m);
    assert_int_equal(rc, DP_OK);
    return res;
}

/* Persons (flag < 0) or persons with flag f in the physical cell (age, grade, cert, hh) of
 * men, at record index i (0 = base year, yi + 1 = step 8 of year index yi). */
static double
rec_cell(const flag_record *rec, size_t i, int flag, size_t age, size_t grade, size_t cert,
         size_t hh)
{
    size_t k = dp_cell_index(DP_MALE, age, DP_PHYSICAL, grade, cert, hh);
    return flag < 0 ? rec->cells[i][k] : rec->flag[i][flag][k];
}

static double
res_val(const dp_results *res, const char *table, size_t yi, size_t k, size_t width)
{
    const dp_table *t = dp_results_find(res, table);
    return t->data[yi * width + k];
}

static void
test_cohort_employment_by_hand(void **state)
{
    fixture *f = *state;
    /* Men, physical, grade 2, uncertified, dibao: 100 aged 30 and 100 aged 59; 1,000
     * non-disabled men aged 30 (onset 2% into grade 4, dibao). q = 0.01; no grade change or
     * certification; half of the dibao households leave dibao each year (to "other").
     * Employment: base share s = 0.3 for every (type, grade) (all factors 1), exit x = 0.1,
     * multiplier 1: step 7 brings every working-age cell back to s x its persons (the balance
     * of dp_emp_moves: entries s n - (1 - x) v when the cell's v employed after steps 2-6 keep
     * (1 - x) v <= s n); new disabled persons aged 17-59 bring the share s of their (type,
     * grade) (not new jobs). Two years, by hand (recomputed for the balance per cell: before
     * it, entries were a fixed e = x s / (1 - s) of the non-employed and onsets started out of
     * work, so their cells stayed below s). */
    dp_params p;
    tiny_params(&p);
    p.year_end = 2022;
    p.worsen_rate[0] = p.worsen_rate[1] = 0.0;
    p.certify_rate[0] = p.certify_rate[1] = 0.0;
    p.dibao_exit = 0.5;
    p.emp.base_rate = 0.3;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        p.emp.type_factor[t] = 1.0;
    }
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        p.emp.grade_factor[g] = 1.0;
    }
    p.emp.exit_rate = 0.1;
    p.emp.entry_multiplier = 1.0;
    const cohort_spec c[2] = {{30, 1, DP_UNCERT, DP_DIBAO, 100.0},
                              {59, 1, DP_UNCERT, DP_DIBAO, 100.0}};
    static flag_record rec;
    dp_results *res = run_tiny(f, &p, c, 2, 1000.0, 30, &rec);
    const int E = DP_FLAG_EMPLOYED;
    const double s = 0.3, o = 0.1;
    const size_t U = DP_UNCERT, D = DP_DIBAO, O = DP_OTHER;
    assert_true(rec.seen[0] && rec.seen[1] && rec.seen[2]);

    /* Base year: s x cell = 0.3 x 100 = 30 employed in each cohort (both of working age). */
    assert_close(rec_cell(&rec, 0, E, 30, 1, U, D), 30.0, 1e-15, 0.0);
    assert_close(rec_cell(&rec, 0, E, 59, 1, U, D), 30.0, 1e-15, 0.0);

    /* 2021. Deaths: 99 persons, 29.7 employed in each cohort; onset 990 x 0.02 = 19.8, 5.94
     * of them employed (0.3). Household: each cell halves between dibao and other: grade 2
     * cells 49.5 persons with 14.85 employed; grade 4 cells 9.9 with 2.97. Step 7: every cell
     * is at the share 0.3 already: 0.9 v kept, x v = 0.1 v entries: grade 2 1.485, grade 4
     * 0.297 each. */
    for (size_t h = 0; h < 2; h++) {
        size_t hh = h ? O : D;
        assert_close(rec_cell(&rec, 1, -1, 30, 1, U, hh), 49.5, 1e-12, 0.0);
        assert_close(rec_cell(&rec, 1, E, 30, 1, U, hh), 14.85, 1e-12, 0.0);
        assert_close(rec_cell(&rec, 1, E, 59, 1, U, hh), 14.85, 1e-12, 0.0);
        assert_close(rec_cell(&rec, 1, E, 30, 3, U, hh), 2.97, 1e-12, 0.0);
    }
    /* Flows: in = 4 x 1.485 + 2 x 0.297 = 6.534; out = 0.1 x (59.4 + 5.94) = 6.534; from
     * dibao: the dibao cells' entries 2 x 1.485 + 0.297 = 3.267. */
    assert_close(res_val(res, "flows", 0, DP_FL_JOBS_IN, DP_N_FLOW), 6.534, 1e-12, 0.0);
    assert_close(res_val(res, "flows", 0, DP_FL_JOBS_OUT, DP_N_FLOW), 6.534, 1e-12, 0.0);
    assert_close(res_val(res, "flows", 0, DP_FL_JOBS_FROM_DIBAO, DP_N_FLOW), 3.267, 1e-12, 0.0);
    /* Indicators: working age 99 + 99 + 19.8 = 217.8; employed 0.3 x 217.8 = 65.34; new jobs
     * = in. */
    assert_close(res_val(res, "indicators", 0, DP_N_IND + DP_PI_WORKING_AGE, DP_N_IND_ALL), 217.8,
                 1e-12, 0.0);
    assert_close(res_val(res, "indicators", 0, DP_N_IND + DP_PI_EMPLOYED, DP_N_IND_ALL), 65.34,
                 1e-12, 0.0);
    assert_close(res_val(res, "indicators", 0, DP_N_IND + DP_PI_NEW_JOBS, DP_N_IND_ALL), 6.534,
                 1e-12, 0.0);

    /* 2022 (ages 31 and 60). Deaths x 0.99: grade 2 cells 49.005 persons, 14.7015 employed;
     * grade 4 cells 9.801, 2.9403 employed. Non-disabled 970.2 x 0.99 = 960.498, onset
     * 19.20996 into grade 4 dibao, 5.762988 employed. Household: half of each dibao cell to
     * other. Aged 31, grade 2: dibao 24.5025 (7.35075 employed), other 73.5075 (22.05225).
     * Aged 31, grade 4: dibao (9.801 + 19.20996) / 2 = 14.50548 (4.351644 employed), other
     * 9.801 + 14.50548 = 24.30648 (2.9403 + 4.351644 = 7.291944). Every cell is at 0.3:
     * entries 0.3 n - 0.9 x 0.3 n = 0.03 n. */
    assert_close(rec_cell(&rec, 2, E, 31, 1, U, D), 7.35075, 1e-12, 0.0);
    assert_close(rec_cell(&rec, 2, E, 31, 1, U, O), 22.05225, 1e-12, 0.0);
    assert_close(rec_cell(&rec, 2, -1, 31, 3, U, D), 14.50548, 1e-12, 0.0);
    assert_close(rec_cell(&rec, 2, E, 31, 3, U, D), s * 14.50548, 1e-12, 0.0);
    assert_close(rec_cell(&rec, 2, E, 31, 3, U, O), s * 24.30648, 1e-12, 0.0);
    /* Aged 60: out of working age, flag_out = 1: nobody employed, 98.01 persons remain. */
    assert_close(rec_cell(&rec, 2, E, 60, 1, U, D), 0.0, 0.0, 0.0);
    assert_close(rec_cell(&rec, 2, E, 60, 1, U, O), 0.0, 0.0, 0.0);
    assert_close(rec_cell(&rec, 2, -1, 60, 1, U, D) + rec_cell(&rec, 2, -1, 60, 1, U, O), 98.01,
                 1e-12, 0.0);
    /* Flows: in = 0.03 x (98.01 + 14.50548 + 24.30648); out = 0.1 x (29.403 + 4.351644 +
     * 7.291944) + 29.403 (the 60-year-olds, 0.3 x 98.01, retire); from dibao = 0.03 x
     * (24.5025 + 14.50548). */
    assert_close(res_val(res, "flows", 1, DP_FL_JOBS_IN, DP_N_FLOW), 0.03 * 136.82196, 1e-12,
                 0.0);
    assert_close(res_val(res, "flows", 1, DP_FL_JOBS_OUT, DP_N_FLOW),
                 o * (29.403 + 4.351644 + 7.291944) + 29.403, 1e-12, 0.0);
    assert_close(res_val(res, "flows", 1, DP_FL_JOBS_FROM_DIBAO, DP_N_FLOW),
                 0.03 * (24.5025 + 14.50548), 1e-12, 0.0);
    /* Working age 98.01 + 14.50548 + 24.30648 = 136.82196; employed 0.3 of it. */
    assert_close(res_val(res, "indicators", 1, DP_N_IND + DP_PI_WORKING_AGE, DP_N_IND_ALL),
                 136.82196, 1e-12, 0.0);
    assert_close(res_val(res, "indicators", 1, DP_N_IND + DP_PI_EMPLOYED, DP_N_IND_ALL),
                 s * 136.82196, 1e-12, 0.0);
    dp_results_free(res);
}

static void
test_cohort_renovation_by_hand(void **state)
{
    fixture *f = *state;
    /* Men aged 40, physical, certified: 50 grade 1 in dibao (q = 0.02), 50 grade 3 in dibao
     * (q = 0.01), 50 grade 4 in "other" households (q = 0.01). home_renovation's target group:
     * severe card holders (grade 1 here) and, from 2021 only, card holders in poor households
     * (grade 3 here); grade 4 in "other" never. Base coverage 0.2, coverage target 0.5, take-up
     * 1, no capacity or budget limit. No grade change or household moves. */
    dp_params p;
    tiny_params(&p);
    p.year_end = 2022;
    p.worsen_rate[0] = p.worsen_rate[1] = 0.0;
    dp_prog_params *rv = &p.prog[DP_PROG_RENOVATION];
    rv->rule[0] = (dp_rule){.from = 0, .types = DP_ALL_TYPES, .grades = 0x3u, .hh = DP_ALL_HH,
                            .age_min = 0, .age_max = DP_MAX_AGE};
    rv->rule[1] = rv->rule[0];
    rv->rule[1].from = 2021;
    rv->rule[1].grades = DP_ALL_GRADES;
    rv->rule[1].hh = (1u << DP_DIBAO) | (1u << DP_MARGINAL);
    rv->n_rule = 2;
    rv->need_card = 1;
    p.renovated_base = 0.2;
    dp_sched_const(&rv->coverage, 0.5);
    rv->take_up = 1.0;
    const cohort_spec c[3] = {{40, 0, DP_CERT, DP_DIBAO, 50.0},
                              {40, 2, DP_CERT, DP_DIBAO, 50.0},
                              {40, 3, DP_CERT, DP_OTHER, 50.0}};
    static flag_record rec;
    dp_results *res = run_tiny(f, &p, c, 3, 0.0, 40, &rec);
    const int R = DP_FLAG_RENOVATED;
    const size_t C = DP_CERT, D = DP_DIBAO, O = DP_OTHER;
    assert_true(rec.seen[0] && rec.seen[1] && rec.seen[2]);

    /* Base year: 0.2 x 50 = 10 renovated in the grade-1 cell; none where the base year's
     * rules do not admit the cell (grade 3: its rule starts in 2021; grade 4). */
    assert_close(rec_cell(&rec, 0, R, 40, 0, C, D), 10.0, 1e-15, 0.0);
    assert_close(rec_cell(&rec, 0, R, 40, 2, C, D), 0.0, 0.0, 0.0);
    assert_close(rec_cell(&rec, 0, R, 40, 3, C, O), 0.0, 0.0, 0.0);

    /* 2021. Step 7 takes the group after the year's other steps (recomputed by hand when the
     * demand moved from the start-of-year counts to these). Deaths: grade 1 49 persons, 9.8
     * renovated; grade 3 49.5, 0: G = 98.5, R = 9.8, homes asked for 0.5 G - R = 39.45, p1 =
     * 39.45 / (G - R) = 39.45 / 88.7. Step 7: grade 1 9.8 + 39.2 p1; grade 3 49.5 p1; the
     * renovations are the 39.45 homes asked for and the coverage is 0.5 exactly. */
    double p1 = 39.45 / 88.7;
    double r1 = 9.8 + 39.2 * p1, r3 = 49.5 * p1, done1 = 39.45;
    assert_close(rec_cell(&rec, 1, R, 40, 0, C, D), r1, 1e-12, 0.0);
    assert_close(rec_cell(&rec, 1, R, 40, 2, C, D), r3, 1e-12, 0.0);
    assert_close(rec_cell(&rec, 1, R, 40, 3, C, O), 0.0, 0.0, 0.0);
    assert_close(res_val(res, "flows", 0, DP_FL_RENOVATIONS, DP_N_FLOW), done1, 1e-12, 0.0);
    /* Indicators: group 49 + 49.5 = 98.5; renovated 9.8 + 39.45 = 49.25 = 0.5 x 98.5;
     * cumulative done1. */
    assert_close(res_val(res, "indicators", 0, DP_N_IND + DP_PI_RENOVATION_GROUP, DP_N_IND_ALL),
                 98.5, 1e-12, 0.0);
    assert_close(res_val(res, "indicators", 0, DP_N_IND + DP_PI_RENOVATED, DP_N_IND_ALL), 49.25,
                 1e-12, 0.0);
    assert_close(res_val(res, "indicators", 0, DP_N_IND + DP_PI_RENOVATIONS_CUM, DP_N_IND_ALL),
                 done1, 1e-12, 0.0);

    /* 2022 (aged 41). The stock leaves with its members: deaths take r1 x 0.02 and r3 x 0.01
     * of it: grade 1 48.02 persons, d1 = 0.98 r1 renovated; grade 3 49.005, d3 = 0.99 r3. G =
     * 97.025, homes asked for 0.5 G - (d1 + d3), p2 = that / (G - d1 - d3); step 7 adds
     * (persons - renovated) p2 in each cell. */
    double d1 = 0.98 * r1, d3 = 0.99 * r3;
    double done2 = 0.5 * 97.025 - (d1 + d3);
    double p2 = done2 / (97.025 - d1 - d3);
    assert_close(rec_cell(&rec, 2, R, 41, 0, C, D), d1 + (48.02 - d1) * p2, 1e-12, 0.0);
    assert_close(rec_cell(&rec, 2, R, 41, 2, C, D), d3 + (49.005 - d3) * p2, 1e-12, 0.0);
    assert_close(rec_cell(&rec, 2, R, 41, 3, C, O), 0.0, 0.0, 0.0);
    assert_close(res_val(res, "flows", 1, DP_FL_RENOVATIONS, DP_N_FLOW), done2, 1e-12, 0.0);
    assert_close(res_val(res, "indicators", 1, DP_N_IND + DP_PI_RENOVATED, DP_N_IND_ALL),
                 0.5 * 97.025, 1e-12, 0.0);
    assert_close(res_val(res, "indicators", 1, DP_N_IND + DP_PI_RENOVATIONS_CUM, DP_N_IND_ALL),
                 done1 + done2, 1e-12, 0.0);
    dp_results_free(res);
}

/* ------------------------------------------------------------------------------------------ */
/* Batches of replicates on Da'an's baseline. */

typedef struct {
    dp_ctx *ctx;
    dp_reference *ref;
    dp_scenario *s;
    dp_model *m;
    dp_params central; /**< the model's own parameters, restored after each change */
} batch_fixture;

static int
batch_setup(void **state)
{
    gsl_set_error_handler_off();
    batch_fixture *f = calloc(1, sizeof *f);
    f->ctx = dp_ctx_alloc();
    const char *data = dp_test_data_dir();
    if (dp_reference_load(f->ctx, data, &f->ref) != DP_OK ||
        dp_scenario_load(f->ctx, "scenarios/daan-baseline.yaml", data, &f->s) != DP_OK ||
        dp_model_alloc(f->ctx, dp_scenario_params(f->s), f->ref, dp_scenario_region(f->s, 0), 1,
                       &f->m) != DP_OK) {
        fprintf(stderr, "batch setup: %s\n", dp_ctx_errmsg(f->ctx));
        return -1;
    }
    f->central = f->m->p;
    *state = f;
    return 0;
}

static int
batch_teardown(void **state)
{
    batch_fixture *f = *state;
    dp_model_free(f->m);
    dp_scenario_free(f->s);
    dp_reference_free(f->ref);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Adds an uncertain parameter written to the n members at byte offsets off[]. */
static void
add_uncertain(dp_params *p, const char *name, dp_dist d, double min, double max, size_t n,
              const size_t *off)
{
    dp_uncertain *u = &p->uncertain[p->n_uncertain++];
    memset(u, 0, sizeof *u);
    snprintf(u->name, sizeof u->name, "%s", name);
    u->dist = d;
    u->min = min;
    u->max = max;
    u->n_target = n;
    for (size_t i = 0; i < n; i++) {
        u->offset[i] = off[i];
    }
}

enum { DRAW_ONSET = 1, DRAW_WORSEN = 2, DRAW_WORSEN_CLAMPED = 4, DRAW_PROGRAMMES = 8 };

/* The scenario's parameters with the chosen draws added. High-entropy ranges; the clamped
 * worsening draw (60+) is uniform on [0.02, 0.06] with the admissible maximum 0.04, so about
 * half the replicates get exactly 0.04 and share their transitions. */
static dp_params
with_draws(const batch_fixture *f, int which)
{
    dp_params p = f->central;
    p.n_uncertain = 0;
    /* Home renovation by a coverage target, so that the renovated flag moves (its probability
     * depends on each replicate's counts). */
    p.renovated_base = 0.2;
    dp_sched_const(&p.prog[DP_PROG_RENOVATION].coverage, 0.6);
    if (which & DRAW_ONSET) {
        const size_t off[] = {offsetof(dp_params, onset_multiplier)};
        add_uncertain(&p, "rates.onset_multiplier", (dp_dist){DP_DIST_LOGNORMAL, 1.0, 0.15, 0}, 0.0,
                      10.0, 1, off);
    }
    if (which & DRAW_WORSEN) {
        const size_t u60[] = {offsetof(dp_params, worsen_rate)};
        const size_t o60[] = {offsetof(dp_params, worsen_rate) + sizeof(double)};
        add_uncertain(&p, "rates.worsening.under60", (dp_dist){DP_DIST_UNIFORM, 0.0043, 0.0187, 0},
                      0.0, 1.0, 1, u60);
        add_uncertain(&p, "rates.worsening.over60", (dp_dist){DP_DIST_UNIFORM, 0.0177, 0.0461, 0},
                      0.0, 1.0, 1, o60);
    }
    if (which & DRAW_WORSEN_CLAMPED) {
        const size_t o60[] = {offsetof(dp_params, worsen_rate) + sizeof(double)};
        add_uncertain(&p, "rates.worsening.over60", (dp_dist){DP_DIST_UNIFORM, 0.02, 0.06, 0}, 0.0,
                      0.04, 1, o60);
    }
    if (which & DRAW_PROGRAMMES) {
        const size_t care[] = {offsetof(dp_params, prog[DP_PROG_CARE].amount[0].value[0]),
                               offsetof(dp_params, prog[DP_PROG_CARE].amount[1].value[0])};
        const size_t tu[] = {offsetof(dp_params, prog[DP_PROG_LIVING].take_up)};
        const size_t eb[] = {offsetof(dp_params, emp.base_rate)};
        const size_t ex[] = {offsetof(dp_params, emp.exit_rate)};
        add_uncertain(&p, "programmes.care_subsidy.monthly",
                      (dp_dist){DP_DIST_NORMAL, 93.0, 11.37, 0}, 0.0, 1e6, 2, care);
        add_uncertain(&p, "programmes.living_subsidy.take_up",
                      (dp_dist){DP_DIST_BETA, 0.917, 0.0383, 0}, 0.0, 1.0, 1, tu);
        /* Employment: each replicate its own base shares and entry / exit rates (step 7 is
         * per replicate even when the batch shares its transition matrix). */
        add_uncertain(&p, "employment.base_rate", (dp_dist){DP_DIST_UNIFORM, 0.3, 0.6, 0}, 0.0, 1.0,
                      1, eb);
        add_uncertain(&p, "employment.exit_rate", (dp_dist){DP_DIST_UNIFORM, 0.05, 0.2, 0}, 0.0,
                      1.0, 1, ex);
    }
    return p;
}

/* Runs the engine with the model's parameters temporarily set to p. */
static dp_results *
run_with(batch_fixture *f, const dp_params *p, size_t runs, uint64_t seed)
{
    dp_results *res = NULL;
    f->m->p = *p;
    dp_status rc = dp_cohort_run(f->ctx, f->m, &(dp_engine_opts){runs, seed}, &res);
    f->m->p = f->central;
    if (rc != DP_OK) {
        fail_msg("dp_cohort_run: %s", dp_ctx_errmsg(f->ctx));
    }
    return res;
}

/* Every per-run table of run k of `batch` equals run 0 of `single`, to rtol. */
static void
assert_run_matches(const dp_results *batch, size_t k, const dp_results *single, double rtol)
{
    size_t n_checked = 0;
    for (size_t i = 0; i < batch->n_table; i++) {
        const dp_table *t = &batch->table[i];
        if (!t->per_run) {
            continue;
        }
        const dp_table *u = dp_results_find(single, t->name);
        assert_non_null(u);
        assert_int_equal(t->size, u->size);
        const double *a = dp_table_run(t, k), *e = dp_table_run(u, 0);
        for (size_t j = 0; j < t->size; j++) {
            if (!(fabs(a[j] - e[j]) <= rtol * fabs(e[j])) && !(isnan(a[j]) && isnan(e[j]))) {
                fail_msg("table %s, run %zu, element %zu: %.17g, single run %.17g", t->name, k, j,
                         a[j], e[j]);
            }
        }
        n_checked++;
    }
    assert_true(n_checked >= 9); /* population ... spending, and parameters */
}

/* Projects `runs` replicates of p as one batch and each replicate alone with its parameters
 * copied into the model (dp_params_draw gives the same draws the engine makes: they depend
 * only on (seed, rep, parameter)); compares the replicates listed in check[0..n_check). */
static void
assert_batch_equals_singles(batch_fixture *f, const dp_params *p, size_t runs, uint64_t seed,
                            const size_t *check, size_t n_check)
{
    dp_results *batch = run_with(f, p, runs, seed);
    gsl_rng *r = dp_rng_alloc();
    const dp_table *par = dp_results_find(batch, "parameters");
    assert_non_null(par);
    for (size_t i = 0; i < n_check; i++) {
        size_t k = check[i];
        dp_params pk;
        double drawn[DP_MAX_UNCERTAIN];
        dp_params_draw(p, seed, (uint32_t)k, r, &pk, drawn);
        /* The draws the batch recorded are the ones copied into the single run. */
        for (size_t u = 0; u < p->n_uncertain; u++) {
            assert_close(dp_table_run(par, k)[u], drawn[u], 0.0, 0.0);
        }
        dp_results *single = run_with(f, &pk, 1, 1);
        assert_run_matches(batch, k, single, 1e-12);
        dp_results_free(single);
    }
    dp_rng_free(r);
    dp_results_free(batch);
}

/* Groups of a set of replicate parameters (dp_cohort_group). */
static size_t
count_groups(const dp_params *p, size_t runs, uint64_t seed)
{
    dp_params *rp = malloc(runs * sizeof *rp);
    size_t *order = malloc(runs * sizeof *order), *start = malloc((runs + 1) * sizeof *start);
    gsl_rng *r = dp_rng_alloc();
    dp_ctx *ctx = dp_ctx_alloc();
    size_t ng = 0;
    for (size_t k = 0; k < runs; k++) {
        dp_params_draw(p, seed, (uint32_t)k, r, &rp[k], NULL);
    }
    assert_int_equal(dp_cohort_group(ctx, rp, runs, order, start, &ng), DP_OK);
    dp_ctx_free(ctx);
    dp_rng_free(r);
    free(order);
    free(start);
    free(rp);
    return ng;
}

static const size_t all8[8] = {0, 1, 2, 3, 4, 5, 6, 7};

static void
test_cohort_batch_distinct_transitions_equal_single_runs(void **state)
{
    batch_fixture *f = *state;
    /* (b) Onset, worsening under and over 60, care amounts and living take-up drawn: every
     * replicate has its own transition matrix (8 groups, as the continuous draws differ). */
    dp_params p = with_draws(f, DRAW_ONSET | DRAW_WORSEN | DRAW_PROGRAMMES);
    assert_int_equal(count_groups(&p, 8, 20211), 8);
    assert_batch_equals_singles(f, &p, 8, 20211, all8, 8);
}

static void
test_cohort_batch_shared_transitions_equal_single_runs(void **state)
{
    batch_fixture *f = *state;
    /* (c) Onset, amounts and take-up only: the transitions are the scenario's for all eight, so
     * one matrix per (sex, band, year) serves the whole batch. */
    dp_params p = with_draws(f, DRAW_ONSET | DRAW_PROGRAMMES);
    assert_int_equal(count_groups(&p, 8, 777), 1);
    assert_batch_equals_singles(f, &p, 8, 777, all8, 8);
}

/* The replicates among 0..runs whose clamped over-60 worsening draw hit the maximum 0.04. */
static size_t
clamped_reps(const dp_params *p, size_t runs, uint64_t seed)
{
    gsl_rng *r = dp_rng_alloc();
    size_t n = 0;
    for (size_t k = 0; k < runs; k++) {
        dp_params pk;
        dp_params_draw(p, seed, (uint32_t)k, r, &pk, NULL);
        n += pk.worsen_rate[1] == 0.04;
    }
    dp_rng_free(r);
    return n;
}

static void
test_cohort_batch_partly_shared_transitions_equal_single_runs(void **state)
{
    batch_fixture *f = *state;
    /* (c) Some replicates share their transitions, the others do not: the replicates whose
     * draw was clamped to 0.04 form one group, each other replicate its own. */
    dp_params p = with_draws(f, DRAW_ONSET | DRAW_WORSEN_CLAMPED | DRAW_PROGRAMMES);
    size_t n_clamped = clamped_reps(&p, 8, 4242);
    assert_true(n_clamped >= 2 && n_clamped <= 6); /* the seed gives a real mix */
    assert_int_equal(count_groups(&p, 8, 4242), 8 - n_clamped + 1);
    assert_batch_equals_singles(f, &p, 8, 4242, all8, 8);
}

static void
test_cohort_batch_split_group_equals_single_runs(void **state)
{
    batch_fixture *f = *state;
    /* A group larger than DP_COHORT_BATCH_MAX is projected in several batches of nearly
     * equal size (2 x max + 3 replicates make three batches); every replicate, wherever it
     * sits in its batch, matches its single run. */
    enum { RUNS = 2 * DP_COHORT_BATCH_MAX + 3 };
    dp_params p = with_draws(f, DRAW_ONSET | DRAW_PROGRAMMES);
    assert_int_equal(count_groups(&p, RUNS, 99), 1);
    size_t check[RUNS];
    for (size_t k = 0; k < RUNS; k++) {
        check[k] = k;
    }
    assert_batch_equals_singles(f, &p, RUNS, 99, check, RUNS);
}

/* Every per-run table of a and b is bit for bit the same. */
static void
assert_results_identical(const dp_results *a, const dp_results *b)
{
    assert_int_equal(a->n_table, b->n_table);
    for (size_t i = 0; i < a->n_table; i++) {
        const dp_table *t = &a->table[i], *u = &b->table[i];
        assert_string_equal(t->name, u->name);
        size_t n = t->size * (t->per_run ? a->n_run : 1);
        if (memcmp(t->data, u->data, n * sizeof *t->data) != 0) {
            fail_msg("table %s differs between 1 and 2 threads", t->name);
        }
    }
}

static void
test_cohort_batch_same_for_one_and_two_threads(void **state)
{
    batch_fixture *f = *state;
    /* (d) The same batches with one thread and with two: identical bits. Partly shared
     * transitions (several batches of different sizes) and a split group (three batches). */
    int threads = omp_get_max_threads();
    const int which[2] = {DRAW_ONSET | DRAW_WORSEN_CLAMPED | DRAW_PROGRAMMES,
                          DRAW_ONSET | DRAW_PROGRAMMES};
    const size_t runs[2] = {8, 2 * DP_COHORT_BATCH_MAX + 3};
    for (size_t c = 0; c < 2; c++) {
        dp_params p = with_draws(f, which[c]);
        dp_set_threads(1);
        dp_results *one = run_with(f, &p, runs[c], 4242);
        dp_set_threads(2);
        dp_results *two = run_with(f, &p, runs[c], 4242);
        assert_results_identical(one, two);
        dp_results_free(one);
        dp_results_free(two);
    }
    dp_set_threads(threads);
}

/* Identity probe: every cell's flagged persons within [0, persons], nobody employed outside
 * working age, and the employed and renovated totals each (run, year) for the comparison with
 * the programme layer's indicators. */
enum { ID_RUNS = 6, ID_YEARS = 15 };
typedef struct {
    const dp_params *p; /**< eligibility rules (never drawn) */
    long bad, bad_work, calls;
    double emp[ID_RUNS][ID_YEARS + 1], ren[ID_RUNS][ID_YEARS + 1];
} identity_probe;

static void
identity_check(void *arg, size_t rep, size_t reg, int yi, const double *cells,
               const double *const flag[DP_N_FLAG])
{
    identity_probe *ip = arg;
    long bad = 0, bad_work = 0;
    double emp = 0.0, ren = 0.0;
    int year = ip->p->year_start + yi;
    (void)reg;
    for (size_t i = 0; i < DP_N_CELL; i++) {
        size_t age = (i / DP_N_BLOCK) % DP_N_AGE, k = i % DP_N_BLOCK;
        for (size_t f = 0; f < DP_N_FLAG; f++) {
            bad += !(flag[f][i] >= 0.0 && flag[f][i] <= cells[i]);
        }
        if (age < DP_WORK_AGE_MIN || age > DP_WORK_AGE_MAX) {
            bad_work += flag[DP_FLAG_EMPLOYED][i] != 0.0;
        } else {
            emp += flag[DP_FLAG_EMPLOYED][i];
        }
        if (dp_prog_eligible(ip->p, DP_PROG_RENOVATION, year, 0, age, dp_block_type(k),
                             dp_block_grade(k), dp_block_cert(k), dp_block_hh(k))) {
            ren += flag[DP_FLAG_RENOVATED][i];
        }
    }
    if (rep < ID_RUNS && yi + 1 >= 0 && yi < ID_YEARS) {
        ip->emp[rep][yi + 1] = emp;
        ip->ren[rep][yi + 1] = ren;
    }
#pragma omp atomic
    ip->bad += bad;
#pragma omp atomic
    ip->bad_work += bad_work;
#pragma omp atomic
    ip->calls += 1;
}

static void
test_cohort_flags_within_persons(void **state)
{
    batch_fixture *f = *state;
    /* Da'an, 6 replicates with onset, clamped worsening, programme and employment draws (two
     * batches or more, threads as configured); base coverage 0.2 and a coverage target of 0.6
     * for home renovation. Identities, every cell, the base year and every projected year:
     * 0 <= flagged <= persons; employed = 0 outside 16-59 (flag_out = 1 there, flag_in = 0,
     * base share 0); and the probe's totals are what the programme layer reports (employed
     * over working age = DP_PI_EMPLOYED, renovated over the target group = DP_PI_RENOVATED). */
    dp_params p = with_draws(f, DRAW_ONSET | DRAW_WORSEN_CLAMPED | DRAW_PROGRAMMES);
    assert_int_equal(p.year_end - p.year_start + 1, ID_YEARS);
    static identity_probe ip;
    memset(&ip, 0, sizeof ip);
    ip.p = &p;
    dp_cohort_set_probe(identity_check, &ip);
    dp_results *res = run_with(f, &p, ID_RUNS, 4242);
    dp_cohort_set_probe(NULL, NULL);
    assert_int_equal(ip.calls, ID_RUNS * (ID_YEARS + 1));
    assert_int_equal(ip.bad, 0);
    assert_int_equal(ip.bad_work, 0);
    const dp_table *ind = dp_results_find(res, "indicators");
    double ren_total = 0.0;
    for (size_t k = 0; k < ID_RUNS; k++) {
        const double *x = dp_table_run(ind, k);
        for (size_t yi = 0; yi < ID_YEARS; yi++) {
            const double *row = x + yi * DP_N_IND_ALL + DP_N_IND;
            assert_close(row[DP_PI_EMPLOYED], ip.emp[k][yi + 1], 1e-12, 0.0);
            assert_close(row[DP_PI_RENOVATED], ip.ren[k][yi + 1], 1e-12, 0.0);
            ren_total += row[DP_PI_RENOVATED];
        }
    }
    assert_true(ren_total > 0.0); /* the identity is not checked on empty flags */
    dp_results_free(res);
}

static void
test_cohort_group_by_hand(void **state)
{
    (void)state;
    /* Six replicates: 0, 2, 5 have the defaults; 1 and 4 a worsening rate of 0.0213; 3 a
     * dibao exit of 0.071. Replicate 5 also differs in onset and care amount, which are not
     * transitions. Balanced (NaN) certification compares equal. Expected by hand: groups
     * {0, 2, 5}, {1, 4}, {3}, ordered by their first replicate. */
    dp_params rp[6];
    for (size_t k = 0; k < 6; k++) {
        dp_params_default(&rp[k]);
    }
    rp[1].worsen_rate[1] = rp[4].worsen_rate[1] = 0.0213;
    rp[3].dibao_exit = 0.071;
    rp[5].onset_multiplier = 1.37;
    dp_sched_const(&rp[5].prog[DP_PROG_CARE].amount[0], 151.0);
    size_t order[6], start[7], ng = 0;
    dp_ctx *ctx = dp_ctx_alloc();
    assert_int_equal(dp_cohort_group(ctx, rp, 6, order, start, &ng), DP_OK);
    dp_ctx_free(ctx);
    assert_int_equal(ng, 3);
    const size_t eo[6] = {0, 2, 5, 1, 4, 3}, es[4] = {0, 3, 5, 6};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(order[i], eo[i]);
    }
    for (size_t g = 0; g <= 3; g++) {
        assert_int_equal(start[g], es[g]);
    }
}

int
main(void)
{
    /* One group (tests/run.sh counts one summary line per executable): the hand-built fixture
     * is the group's state; the Da'an tests build their own in a per-test setup. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cohort_first_year_by_hand),
        cmocka_unit_test(test_cohort_second_year_by_hand),
        cmocka_unit_test(test_cohort_three_years_match_scalar_recurrence),
        cmocka_unit_test(test_cohort_indexation_and_amounts),
        cmocka_unit_test(test_cohort_accounting_identities),
        cmocka_unit_test(test_cohort_worsening_by_age_band),
        cmocka_unit_test(test_cohort_group_by_hand),
        cmocka_unit_test(test_cohort_employment_by_hand),
        cmocka_unit_test(test_cohort_renovation_by_hand),
        cmocka_unit_test_setup_teardown(test_cohort_flags_within_persons, batch_setup,
                                        batch_teardown),
        cmocka_unit_test_setup_teardown(test_cohort_batch_distinct_transitions_equal_single_runs,
                                        batch_setup, batch_teardown),
        cmocka_unit_test_setup_teardown(test_cohort_batch_shared_transitions_equal_single_runs,
                                        batch_setup, batch_teardown),
        cmocka_unit_test_setup_teardown(
            test_cohort_batch_partly_shared_transitions_equal_single_runs, batch_setup,
            batch_teardown),
        cmocka_unit_test_setup_teardown(test_cohort_batch_split_group_equals_single_runs,
                                        batch_setup, batch_teardown),
        cmocka_unit_test_setup_teardown(test_cohort_batch_same_for_one_and_two_threads, batch_setup,
                                        batch_teardown),
    };
    return cmocka_run_group_tests_name("cohort", tests, setup, teardown);
}
