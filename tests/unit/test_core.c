/* tests/unit/test_core.c
 *
 * The small core modules: the error chokepoint and context (ctx.c), the status list
 * (dp_strerror), date-ranged values (params.c), amounts with indexation and eligibility
 * (rates.c), the result container (results.c) and the shared file reader (util.c).
 */
#include "dp_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/model_impl.h"
#include "core/util.h"

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

static void
test_ctx_error_records_and_returns_code(void **state)
{
    dp_ctx *ctx = *state;
    assert_int_equal(dp_ctx_status(ctx), DP_OK);
    assert_string_equal(dp_ctx_errmsg(ctx), "");
    assert_int_equal(dp_error(ctx, DP_EINPUT, "%s:%d:%d: expected %s", "a.yaml", 3, 7, "a year"),
                     DP_EINPUT);
    assert_int_equal(dp_ctx_status(ctx), DP_EINPUT);
    assert_string_equal(dp_ctx_errmsg(ctx), "a.yaml:3:7: expected a year");
    dp_ctx_clear(ctx);
    assert_int_equal(dp_ctx_status(ctx), DP_OK);
    assert_string_equal(dp_ctx_errmsg(ctx), "");
    /* A NULL context still returns the code (no crash). */
    assert_int_equal(dp_error(NULL, DP_EIO, "x"), DP_EIO);
    dp_ctx_free(NULL);
}

static void
test_strerror_covers_every_status(void **state)
{
    (void)state;
    for (int c = 0; c < DP_N_STATUS; c++) {
        const char *s = dp_strerror((dp_status)c);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        assert_string_not_equal(s, "unknown status");
    }
    assert_string_equal(dp_strerror(DP_N_STATUS), "unknown status");
    assert_string_equal(dp_strerror(DP_EINPUT), "invalid input");
}

static void
test_sched_step_function(void **state)
{
    (void)state;
    dp_sched s = {0};
    assert_true(isnan(dp_sched_at(&s, 2021)));
    assert_int_equal(dp_sched_key(&s, 2021), 0);
    s.n = 3;
    s.year[0] = 2021, s.value[0] = 1200.0;
    s.year[1] = 2023, s.value[1] = 1800.0;
    s.year[2] = 2030, s.value[2] = 2385.5;
    /* Before the first key: the first value; then a step at each key. */
    assert_close(dp_sched_at(&s, 2019), 1200.0, 0, 0);
    assert_close(dp_sched_at(&s, 2022), 1200.0, 0, 0);
    assert_close(dp_sched_at(&s, 2023), 1800.0, 0, 0);
    assert_close(dp_sched_at(&s, 2029), 1800.0, 0, 0);
    assert_close(dp_sched_at(&s, 2035), 2385.5, 0, 0);
    assert_int_equal(dp_sched_key(&s, 2019), 2021);
    assert_int_equal(dp_sched_key(&s, 2024), 2023);
    dp_sched_const(&s, 7.25);
    assert_close(dp_sched_at(&s, 1990), 7.25, 0, 0);
}

static void
test_amount_indexation_restarts_at_each_dated_value(void **state)
{
    (void)state;
    dp_params p;
    dp_params_default(&p);
    p.year_start = 2021;
    dp_sched *s = &p.prog[DP_PROG_CARE].amount[0];
    s->n = 2;
    s->year[0] = 2021, s->value[0] = 93.0;
    s->year[1] = 2024, s->value[1] = 120.0;
    p.prog[DP_PROG_CARE].index_rate = 0.03;
    /* 93 in 2021, x1.03 per year; 120 from 2024, then x1.03 again (hand: 93*1.03^2 =
     * 98.6637; 120*1.03 = 123.6). */
    assert_close(dp_prog_amount(&p, DP_PROG_CARE, 0, 2021), 93.0, 1e-15, 0);
    assert_close(dp_prog_amount(&p, DP_PROG_CARE, 0, 2023), 98.6637, 1e-12, 0);
    assert_close(dp_prog_amount(&p, DP_PROG_CARE, 0, 2024), 120.0, 1e-15, 0);
    assert_close(dp_prog_amount(&p, DP_PROG_CARE, 0, 2025), 123.6, 1e-12, 0);
    /* A plain number is indexed from the first projected year: 50 * 1.1^2 = 60.5. */
    dp_sched_const(&p.prog[DP_PROG_LIVING].amount[2], 50.0);
    p.prog[DP_PROG_LIVING].index_rate = 0.1;
    assert_close(dp_prog_amount(&p, DP_PROG_LIVING, 2, 2023), 60.5, 1e-12, 0);
}

static void
test_eligibility_rules(void **state)
{
    (void)state;
    dp_params p;
    dp_params_default(&p);
    p.prog[DP_PROG_LIVING].marginal_from = 2023;
    /* Living subsidy: certified and dibao; marginal households only from 2023. */
    assert_true(dp_prog_eligible(&p, DP_PROG_LIVING, 2022, 0, 40, DP_PHYSICAL, 3, DP_CERT, DP_DIBAO));
    assert_false(dp_prog_eligible(&p, DP_PROG_LIVING, 2022, 0, 40, DP_PHYSICAL, 3, DP_UNCERT, DP_DIBAO));
    assert_false(dp_prog_eligible(&p, DP_PROG_LIVING, 2022, 0, 40, DP_PHYSICAL, 3, DP_CERT, DP_MARGINAL));
    assert_true(dp_prog_eligible(&p, DP_PROG_LIVING, 2023, 0, 40, DP_PHYSICAL, 3, DP_CERT, DP_MARGINAL));
    assert_false(dp_prog_eligible(&p, DP_PROG_LIVING, 2023, 0, 40, DP_PHYSICAL, 3, DP_CERT, DP_OTHER));
    /* Care subsidy: certified, grade 1 or 2 (indices 0, 1), any household. */
    assert_true(dp_prog_eligible(&p, DP_PROG_CARE, 2022, 0, 80, DP_MENTAL, 0, DP_CERT, DP_OTHER));
    assert_true(dp_prog_eligible(&p, DP_PROG_CARE, 2022, 0, 80, DP_MENTAL, 1, DP_CERT, DP_OTHER));
    assert_false(dp_prog_eligible(&p, DP_PROG_CARE, 2022, 0, 80, DP_MENTAL, 2, DP_CERT, DP_OTHER));
    assert_false(dp_prog_eligible(&p, DP_PROG_CARE, 2022, 0, 80, DP_MENTAL, 0, DP_UNCERT, DP_OTHER));
}

static void
test_block_index_round_trip(void **state)
{
    (void)state;
    for (size_t k = 0; k < DP_N_BLOCK; k++) {
        assert_int_equal(dp_block_index(dp_block_type(k), dp_block_grade(k), dp_block_cert(k),
                                        dp_block_hh(k)),
                         k);
    }
    assert_int_equal(dp_cell_index(1, DP_MAX_AGE, DP_MULTIPLE, 3, 1, 2), DP_N_CELL - 1);
}

static void
test_results_axes_and_tables(void **state)
{
    dp_ctx *ctx = *state;
    dp_results *res = dp_results_alloc(3);
    const char *years[] = {"2021", "2022"};
    const double yv[] = {2021, 2022};
    const char *reg[] = {"daan", "pudong"}, *reg_zh[] = {"大安市", NULL};
    size_t ia = 99;
    assert_int_equal(dp_results_add_axis(ctx, res, "year", 2, years, NULL, yv, &ia), DP_OK);
    assert_int_equal(ia, 0);
    assert_int_equal(dp_results_add_axis(ctx, res, "region", 2, reg, reg_zh, NULL, NULL), DP_OK);
    /* label_zh falls back to English where none is given. */
    assert_string_equal(res->axis[1].label_zh[0], "大安市");
    assert_string_equal(res->axis[1].label_zh[1], "pudong");
    assert_int_equal(dp_results_add_axis(ctx, res, "year", 2, years, NULL, yv, NULL),
                     DP_EINTERNAL);
    const char *const ax[] = {"year", "region", NULL};
    dp_table *t = NULL;
    assert_int_equal(dp_results_add_table(ctx, res, "x", "persons", "t", "表", 1, ax, &t), DP_OK);
    assert_int_equal(t->size, 4);
    assert_true(dp_table_run(t, 2) == t->data + 8);
    const char *const bad[] = {"year", "nosuch", NULL};
    assert_int_equal(dp_results_add_table(ctx, res, "y", "persons", "t", "表", 1, bad, NULL),
                     DP_EINTERNAL);
    assert_non_null(strstr(dp_ctx_errmsg(ctx), "no axis 'nosuch'"));
    assert_ptr_equal(dp_results_find(res, "x"), t);
    assert_null(dp_results_find(res, "y"));
    assert_int_equal(dp_results_find_axis(res, "nosuch"), (size_t)-1);
    dp_results_free(res);
    dp_results_free(NULL);
}

static void
test_file_read_limits_and_errors(void **state)
{
    dp_ctx *ctx = *state;
    char path[] = "/tmp/dpsim_core_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abcdefgh", 8), 8);
    close(fd);
    char *buf = NULL;
    size_t len = 0;
    /* Exactly the limit is accepted; one byte less is refused as too large. */
    assert_int_equal(dp_file_read(ctx, path, 8, &buf, &len), DP_OK);
    assert_int_equal(len, 8);
    assert_string_equal(buf, "abcdefgh");
    free(buf);
    assert_int_equal(dp_file_read(ctx, path, 7, &buf, &len), DP_EINPUT);
    assert_null(buf);
    assert_non_null(strstr(dp_ctx_errmsg(ctx), "larger than 7 bytes"));
    unlink(path);
    assert_int_equal(dp_file_read(ctx, path, 8, &buf, &len), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(ctx), "cannot open"));
    assert_int_equal(dp_file_read(ctx, "/tmp", 8, &buf, &len), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(ctx), "Is a directory"));
    char *d = dp_strdup("大安市");
    assert_string_equal(d, "大安市");
    free(d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctx_error_records_and_returns_code),
        cmocka_unit_test(test_strerror_covers_every_status),
        cmocka_unit_test(test_sched_step_function),
        cmocka_unit_test(test_amount_indexation_restarts_at_each_dated_value),
        cmocka_unit_test(test_eligibility_rules),
        cmocka_unit_test(test_block_index_round_trip),
        cmocka_unit_test(test_results_axes_and_tables),
        cmocka_unit_test(test_file_read_limits_and_errors),
    };
    return cmocka_run_group_tests_name("core", tests, setup, teardown);
}
