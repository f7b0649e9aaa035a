/* tests/unit/test_ipf.c
 *
 * Iterative proportional fitting: reproduces its marginals, matches the closed form for a
 * two-way table with a uniform seed (x_ij = r_i c_j / N), preserves the seed's odds ratios,
 * leaves free categories alone, and reports inconsistent or impossible targets.
 */
#include "dp_test.h"

#include <stdlib.h>
#include <string.h>

#include "domain/model_impl.h"

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

/* 3 x 4 table, row-major; rows are category of constraint 0, columns of constraint 1. */
static unsigned short row_cat[12], col_cat[12];

static void
fill_cats(void)
{
    for (unsigned short i = 0; i < 12; i++) {
        row_cat[i] = (unsigned short)(i / 4);
        col_cat[i] = (unsigned short)(i % 4);
    }
}

static void
test_ipf_uniform_seed_gives_product_form(void **state)
{
    fill_cats();
    double x[12];
    for (size_t i = 0; i < 12; i++) {
        x[i] = 1.0;
    }
    const double rows[3] = {12.5, 40.25, 47.25};      /* N = 100 */
    const double cols[4] = {10.0, 20.5, 30.125, 39.375}; /* N = 100 */
    dp_ipf_con con[2] = {{row_cat, 3, rows, 0}, {col_cat, 4, cols, 0}};
    double work[4];
    size_t it = 0;
    assert_int_equal(dp_ipf(*state, x, 12, con, 2, 1e-12, 100, work, &it), DP_OK);
    /* Closed form for a uniform seed: independence, x_ij = r_i c_j / N. */
    for (size_t i = 0; i < 3; i++) {
        for (size_t j = 0; j < 4; j++) {
            assert_close(x[i * 4 + j], rows[i] * cols[j] / 100.0, 1e-10, 0.0);
        }
    }
}

static void
test_ipf_reproduces_margins_and_keeps_odds_ratios(void **state)
{
    fill_cats();
    double seed[12] = {2.385, 1.1, 0.7, 3.3, 0.4, 5.25, 1.9, 0.85, 2.2, 0.6, 4.4, 1.75};
    double x[12];
    for (size_t i = 0; i < 12; i++) {
        x[i] = seed[i];
    }
    const double rows[3] = {30.0, 45.5, 24.5};
    const double cols[4] = {22.0, 28.0, 31.5, 18.5};
    dp_ipf_con con[2] = {{row_cat, 3, rows, 0}, {col_cat, 4, cols, 0}};
    double work[4];
    assert_int_equal(dp_ipf(*state, x, 12, con, 2, 1e-12, 500, work, NULL), DP_OK);
    for (size_t i = 0; i < 3; i++) {
        double s = 0.0;
        for (size_t j = 0; j < 4; j++) {
            s += x[i * 4 + j];
        }
        assert_close(s, rows[i], 1e-9, 0.0);
    }
    for (size_t j = 0; j < 4; j++) {
        double s = 0.0;
        for (size_t i = 0; i < 3; i++) {
            s += x[i * 4 + j];
        }
        assert_close(s, cols[j], 1e-9, 0.0);
    }
    /* Raking multiplies rows and columns by factors, so every 2x2 odds ratio of the seed is
     * unchanged (the defining property of the IPF solution). */
    for (size_t i = 1; i < 3; i++) {
        for (size_t j = 1; j < 4; j++) {
            double before = seed[0] * seed[i * 4 + j] / (seed[j] * seed[i * 4]);
            double after = x[0] * x[i * 4 + j] / (x[j] * x[i * 4]);
            assert_close(after, before, 1e-9, 0.0);
        }
    }
}

static void
test_ipf_block_form_equals_category_form(void **state)
{
    /* Rows of the 3 x 4 table are contiguous runs of 4 cells: the block form of the row
     * constraint must give the same table as the explicit category array. */
    fill_cats();
    double seed[12] = {2.385, 1.1, 0.7, 3.3, 0.4, 5.25, 1.9, 0.85, 2.2, 0.6, 4.4, 1.75};
    double x1[12], x2[12], work[4];
    memcpy(x1, seed, sizeof seed);
    memcpy(x2, seed, sizeof seed);
    const double rows[3] = {30.0, 45.5, 24.5}, cols[4] = {22.0, 28.0, 31.5, 18.5};
    dp_ipf_con a[2] = {{row_cat, 3, rows, 0}, {col_cat, 4, cols, 0}};
    dp_ipf_con b[2] = {{NULL, 3, rows, 4}, {col_cat, 4, cols, 0}};
    assert_int_equal(dp_ipf(*state, x1, 12, a, 2, 1e-12, 500, work, NULL), DP_OK);
    assert_int_equal(dp_ipf(*state, x2, 12, b, 2, 1e-12, 500, work, NULL), DP_OK);
    for (size_t i = 0; i < 12; i++) {
        assert_close(x2[i], x1[i], 1e-14, 0.0);
    }
}

static void
test_ipf_free_category_is_not_scaled_directly(void **state)
{
    /* One binary constraint with only category 1 targeted: category 0 cells stay as they were. */
    unsigned short cat[4] = {0, 1, 1, 0};
    double x[4] = {1.5, 2.0, 6.0, 3.25};
    const double target[2] = {NAN, 4.0};
    dp_ipf_con con = {cat, 2, target, 0};
    double work[2];
    assert_int_equal(dp_ipf(*state, x, 4, &con, 1, 1e-12, 10, work, NULL), DP_OK);
    assert_close(x[0], 1.5, 0.0, 0.0);
    assert_close(x[3], 3.25, 0.0, 0.0);
    assert_close(x[1], 1.0, 1e-12, 0.0); /* 2.0 * 4/8 */
    assert_close(x[2], 3.0, 1e-12, 0.0); /* 6.0 * 4/8 */
}

static void
test_ipf_reports_impossible_and_inconsistent_targets(void **state)
{
    fill_cats();
    double x[12] = {0};
    x[0] = 1.0;
    const double rows[3] = {1.0, 2.0, 0.0}; /* row 1 has no mass to scale */
    dp_ipf_con con = {row_cat, 3, rows, 0};
    double work[4];
    assert_int_equal(dp_ipf(*state, x, 12, &con, 1, 1e-12, 10, work, NULL), DP_ENUMERIC);
    /* Rows sum to 100, columns to 50: no table meets both. */
    for (size_t i = 0; i < 12; i++) {
        x[i] = 1.0;
    }
    const double r2[3] = {30.0, 30.0, 40.0}, c2[4] = {10.0, 10.0, 15.0, 15.0};
    dp_ipf_con con2[2] = {{row_cat, 3, r2, 0}, {col_cat, 4, c2, 0}};
    assert_int_equal(dp_ipf(*state, x, 12, con2, 2, 1e-9, 50, work, NULL), DP_ENUMERIC);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipf_uniform_seed_gives_product_form),
        cmocka_unit_test(test_ipf_reproduces_margins_and_keeps_odds_ratios),
        cmocka_unit_test(test_ipf_block_form_equals_category_form),
        cmocka_unit_test(test_ipf_free_category_is_not_scaled_directly),
        cmocka_unit_test(test_ipf_reports_impossible_and_inconsistent_targets),
    };
    return cmocka_run_group_tests_name("ipf", tests, setup, teardown);
}
