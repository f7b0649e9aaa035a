/* tests/helpers/dp_test.c
 *
 * Implementation of the shared test helpers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dp_test.h"

void
dp_test_assert_close(double actual, double expected, double rtol, double atol, const char *expr,
                     const char *file, int line)
{
    double tol = atol + rtol * fabs(expected);
    if (!(fabs(actual - expected) <= tol)) {
        fail_msg("%s:%d: %s = %.17g, expected %.17g (tolerance %.3g)", file, line, expr, actual,
                 expected, tol);
    }
}

const char *
dp_test_data_dir(void)
{
    const char *d = getenv("DPSIM_DATA");
    return d && *d ? d : "data";
}

static int
same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void
assert_sched_equal(const dp_sched *a, const dp_sched *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->year[i], b->year[i]);
        assert_true(same(a->value[i], b->value[i]));
    }
}

void
dp_test_assert_params_equal(const dp_params *a, const dp_params *b)
{
    assert_int_equal(a->year_start, b->year_start);
    assert_int_equal(a->year_end, b->year_end);
    assert_sched_equal(&a->birth_rate, &b->birth_rate);
    assert_true(same(a->sex_ratio_birth, b->sex_ratio_birth));
    assert_sched_equal(&a->migration_rate, &b->migration_rate);
    assert_true(same(a->disabled_migration_factor, b->disabled_migration_factor));
    assert_true(same(a->mortality_improvement, b->mortality_improvement));
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        assert_true(same(a->mort_rr_grade[g], b->mort_rr_grade[g]));
    }
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        assert_true(same(a->mort_rr_type[t], b->mort_rr_type[t]));
    }
    assert_true(same(a->onset_multiplier, b->onset_multiplier));
    assert_true(same(a->worsen_rate[0], b->worsen_rate[0]));
    assert_true(same(a->worsen_rate[1], b->worsen_rate[1]));
    assert_true(same(a->improve_rate, b->improve_rate));
    assert_true(same(a->certify_rate[0], b->certify_rate[0]));
    assert_true(same(a->certify_rate[1], b->certify_rate[1]));
    assert_true(same(a->dibao_exit, b->dibao_exit));
    assert_true(same(a->marginal_exit, b->marginal_exit));
    assert_true(same(a->dibao_entry, b->dibao_entry));
    assert_true(same(a->marginal_entry, b->marginal_entry));
    for (size_t k = 0; k < DP_N_PROG; k++) {
        const dp_prog_params *pa = &a->prog[k], *pb = &b->prog[k];
        assert_int_equal(pa->enabled, pb->enabled);
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            assert_sched_equal(&pa->amount[g], &pb->amount[g]);
        }
        assert_true(same(pa->index_rate, pb->index_rate));
        assert_true(same(pa->take_up, pb->take_up));
        assert_int_equal(pa->marginal_from, pb->marginal_from);
        assert_int_equal(pa->need_card, pb->need_card);
        assert_int_equal(pa->n_rule, pb->n_rule);
        for (size_t r = 0; r < pa->n_rule; r++) {
            const dp_rule *ra = &pa->rule[r], *rb = &pb->rule[r];
            assert_int_equal(ra->from, rb->from);
            assert_int_equal(ra->types, rb->types);
            assert_int_equal(ra->grades, rb->grades);
            assert_int_equal(ra->hh, rb->hh);
            assert_int_equal(ra->age_min, rb->age_min);
            assert_int_equal(ra->age_max, rb->age_max);
        }
        assert_sched_equal(&pa->age_max, &pb->age_max);
        assert_int_equal(pa->index_kind, pb->index_kind);
        assert_true(same(pa->dibao_share, pb->dibao_share));
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            assert_true(same(pa->floor[g], pb->floor[g]));
            assert_true(same(pa->need_grade[g], pb->need_grade[g]));
        }
        for (size_t band = 0; band < DP_N_NEED_AGE; band++) {
            assert_true(same(pa->need_age[band], pb->need_age[band]));
        }
        assert_int_equal(pa->take_up_lag, pb->take_up_lag);
        assert_sched_equal(&pa->coverage, &pb->coverage);
        for (size_t t = 0; t < DP_N_TYPE; t++) {
            assert_true(same(pa->need_type[t], pb->need_type[t]));
        }
        assert_sched_equal(&pa->capacity, &pb->capacity);
        assert_sched_equal(&pa->budget_cap, &pb->budget_cap);
        for (size_t l = 0; l < DP_N_LEVEL; l++) {
            assert_sched_equal(&pa->funding[l], &pb->funding[l]);
        }
    }
    assert_sched_equal(&a->cpi, &b->cpi);
    assert_sched_equal(&a->dibao.standard, &b->dibao.standard);
    assert_int_equal(a->dibao.kind, b->dibao.kind);
    assert_true(same(a->dibao.rate, b->dibao.rate));
    assert_true(same(a->dibao.consumption_share, b->dibao.consumption_share));
    assert_sched_equal(&a->dibao.consumption, &b->dibao.consumption);
    assert_true(same(a->dibao.consumption_growth, b->dibao.consumption_growth));
    assert_sched_equal(&a->budget_ceiling, &b->budget_ceiling);
    assert_int_equal(a->single_person_from, b->single_person_from);
    assert_true(same(a->single_person_rate, b->single_person_rate));
    assert_true(same(a->multi_share, b->multi_share));
    assert_true(same(a->multi_members, b->multi_members));
    assert_true(same(a->away_share, b->away_share));
    assert_sched_equal(&a->away_yearly, &b->away_yearly);
    assert_true(same(a->device_cycle, b->device_cycle));
    assert_sched_equal(&a->renovations, &b->renovations);
    assert_true(same(a->renovated_base, b->renovated_base));
    const dp_employment_params *ea = &a->emp, *eb = &b->emp;
    assert_true(same(ea->base_rate, eb->base_rate));
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        assert_true(same(ea->type_factor[t], eb->type_factor[t]));
    }
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        assert_true(same(ea->grade_factor[g], eb->grade_factor[g]));
    }
    assert_true(same(ea->exit_rate, eb->exit_rate));
    assert_true(same(ea->entry_multiplier, eb->entry_multiplier));
    assert_sched_equal(&ea->trainees, &eb->trainees);
    assert_sched_equal(&ea->training_cost, &eb->training_cost);
    assert_sched_equal(&ea->posts, &eb->posts);
    assert_sched_equal(&ea->post_yearly, &eb->post_yearly);
    assert_sched_equal(&ea->awards, &eb->awards);
    assert_sched_equal(&ea->award_amount, &eb->award_amount);
    assert_int_equal(ea->phase_full_months, eb->phase_full_months);
    assert_int_equal(ea->phase_partial_months, eb->phase_partial_months);
    assert_true(same(ea->phase_fraction, eb->phase_fraction));
    assert_true(same(ea->phase_benefit_share, eb->phase_benefit_share));
    assert_int_equal(a->n_overlap, b->n_overlap);
    for (size_t i = 0; i < a->n_overlap; i++) {
        assert_int_equal(a->overlap[i].first, b->overlap[i].first);
        assert_int_equal(a->overlap[i].second, b->overlap[i].second);
        assert_int_equal(a->overlap[i].kind, b->overlap[i].kind);
        assert_true(same(a->overlap[i].fraction, b->overlap[i].fraction));
    }
    assert_int_equal(a->n_uncertain, b->n_uncertain);
    for (size_t i = 0; i < a->n_uncertain; i++) {
        const dp_uncertain *ua = &a->uncertain[i], *ub = &b->uncertain[i];
        assert_string_equal(ua->name, ub->name);
        assert_int_equal(ua->dist.kind, ub->dist.kind);
        assert_true(ua->dist.a == ub->dist.a && ua->dist.b == ub->dist.b &&
                    ua->dist.c == ub->dist.c);
        assert_true(ua->min == ub->min && ua->max == ub->max);
        assert_int_equal(ua->n_target, ub->n_target);
        for (size_t k = 0; k < ua->n_target; k++) {
            assert_int_equal(ua->offset[k], ub->offset[k]);
        }
    }
}
