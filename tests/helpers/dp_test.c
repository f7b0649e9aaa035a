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
