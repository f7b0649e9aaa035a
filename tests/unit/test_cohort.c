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
 */
#include "dp_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../model/src/model_impl.h"

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
        dp_sched_const(&p->prog[DP_PROG_LIVING].monthly[g], 50.0);
        dp_sched_const(&p->prog[DP_PROG_CARE].monthly[g], g <= 1 ? 100.0 : 0.0);
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
    memset(f->m->onset, 0, sizeof f->m->onset);
    for (size_t age = 0; age < DP_N_AGE; age++) {
        f->m->q_scale[age] = 1.0; /* the hand calculation uses q = 0.01 as it stands */
    }
    for (size_t age = 30; age <= 33; age++) {
        f->m->onset[DP_MALE * DP_N_AGE + age] = 0.02;
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
    assert_close(val(f, "indicators", 0, 0, 8), 118.8, 1e-12, 0.0);
    assert_close(val(f, "indicators", 0, 1, 8), 99.0, 1e-12, 0.0);
    assert_close(val(f, "indicators", 0, 4, 8), 53.46, 1e-12, 0.0);
    /* Recipients at the end of 2021: care 4.95 + 44.55 = 49.5; living (certified, dibao) 53.46.
     * None at the end of 2020 (nobody certified), so person-months are 6 * R_end:
     * care 297 -> 29,700 yuan; living 320.76 -> 16,038 yuan. */
    assert_close(val(f, "recipients", 0, DP_PROG_CARE, 2), 49.5, 1e-12, 0.0);
    assert_close(val(f, "recipients", 0, DP_PROG_LIVING, 2), 53.46, 1e-12, 0.0);
    assert_close(val(f, "spending", 0, DP_PROG_CARE, 2), 29700.0, 1e-12, 0.0);
    assert_close(val(f, "spending", 0, DP_PROG_LIVING, 2), 16038.0, 1e-12, 0.0);
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
    assert_close(val(f, "spending", 1, DP_PROG_CARE, 2), 81213.56892, 1e-12, 0.0);
    assert_close(val(f, "spending", 1, DP_PROG_LIVING, 2), 41351.70204, 1e-12, 0.0);
    /* Deaths of the disabled: 0.02 * 9.9 + 0.01 * (89.1 + 1.98 + 17.82) = 1.287. */
    assert_close(val(f, "flows", 1, 2, 11), 1.287, 1e-12, 0.0);
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
        assert_close(val(f, "spending", yi, DP_PROG_CARE, 2), 6.0 * (care0 + care1) * amount,
                     1e-12, 0.0);
        assert_close(val(f, "spending", yi, DP_PROG_LIVING, 2),
                     6.0 * (living0 + living1) * 50.0, 1e-12, 0.0);
        const dp_table *pop = dp_results_find(f->res, "population");
        double tot = nd;
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            tot += s[g][0] + s[g][1];
        }
        assert_close(pop->data[yi * DP_N_SEX * DP_N_AGE + DP_MALE * DP_N_AGE + 31 + yi], tot,
                     1e-12, 0.0);
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
        assert_close(a->data[(yi * DP_N_PROG + DP_PROG_LIVING) * DP_N_GRADE + 2], 50.0, 0.0,
                     0.0);
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
        const double *x = fl->data + yi * 11;
        double p = 0.0;
        for (size_t i = 0; i < DP_N_SEX * DP_N_AGE; i++) {
            p += pop->data[yi * DP_N_SEX * DP_N_AGE + i];
        }
        assert_close(ind->data[yi * 8 + 0], dis_prev - x[2] + x[3] + x[5], 1e-12, 1e-12);
        assert_close(p, pop_prev - x[1] - x[2] + x[0] + x[4] + x[5], 1e-12, 1e-12);
        dis_prev = ind->data[yi * 8 + 0];
        pop_prev = p;
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cohort_first_year_by_hand),
        cmocka_unit_test(test_cohort_second_year_by_hand),
        cmocka_unit_test(test_cohort_three_years_match_scalar_recurrence),
        cmocka_unit_test(test_cohort_indexation_and_amounts),
        cmocka_unit_test(test_cohort_accounting_identities),
    };
    return cmocka_run_group_tests_name("cohort", tests, setup, teardown);
}
