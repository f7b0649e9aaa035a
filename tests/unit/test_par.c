/* tests/unit/test_par.c
 *
 * The split of an engine's tasks over MPI ranks (core/par.c, dp_par_block_of): blocks are
 * contiguous, in rank order, cover every task once, and follow the weights as worked out by
 * hand; and the one-process build's agreement, merge and progress (tests/cli/mpi.sh runs the
 * MPI build itself).
 */
#include "dp_test.h"

#include <stdlib.h>

#include "core/par.h"

/* Hand-worked splits. Task t goes to the rank floor(size * (W_before(t) + w_t / 2) / W). */
static void
test_block_by_hand(void **state)
{
    (void)state;
    size_t lo, hi;
    /* Equal weights, 6 tasks over 3 ranks: middles 1/12, 3/12, ..., 11/12 -> 0 0 1 1 2 2. */
    dp_par_block_of(6, NULL, 1, 3, &lo, &hi);
    assert_int_equal(lo, 2);
    assert_int_equal(hi, 4);
    /* 7 tasks over 2 ranks: middles (t + 0.5) / 7 < 0.5 for t = 0..2 -> 0 0 0 1 1 1 1. */
    dp_par_block_of(7, NULL, 0, 2, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 3);
    dp_par_block_of(7, NULL, 1, 2, &lo, &hi);
    assert_int_equal(lo, 3);
    assert_int_equal(hi, 7);
    /* Weights 8 1 1 1 1 (W = 12) over 2 ranks: middles 4/12, 8.5/12, 9.5, 10.5, 11.5 ->
     * the large task alone on rank 0, the four small ones on rank 1. */
    const double w[5] = {8, 1, 1, 1, 1};
    dp_par_block_of(5, w, 0, 2, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 1);
    dp_par_block_of(5, w, 1, 2, &lo, &hi);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 5);
    /* More ranks than tasks: 2 tasks over 4 ranks, middles 1/4, 3/4 -> ranks 1 and 3; ranks
     * 0 and 2 get an empty block. */
    dp_par_block_of(2, NULL, 0, 4, &lo, &hi);
    assert_int_equal(lo, hi);
    dp_par_block_of(2, NULL, 1, 4, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 1);
    dp_par_block_of(2, NULL, 2, 4, &lo, &hi);
    assert_int_equal(lo, hi);
    dp_par_block_of(2, NULL, 3, 4, &lo, &hi);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 2);
    /* No tasks. */
    dp_par_block_of(0, NULL, 0, 3, &lo, &hi);
    assert_int_equal(lo, hi);
}

/* Every split of n tasks with uneven weights over 1..9 ranks: contiguous blocks in rank order
 * covering 0..n-1 once, and with one rank, everything. */
static void
test_block_covers_all(void **state)
{
    (void)state;
    double w[50];
    for (size_t n = 1; n <= 50; n++) {
        for (size_t t = 0; t < n; t++) {
            w[t] = (double)((t * 7919u) % 13u); /* 0 .. 12, zeros included */
        }
        for (size_t size = 1; size <= 9; size++) {
            size_t next = 0;
            for (size_t r = 0; r < size; r++) {
                size_t lo, hi;
                dp_par_block_of(n, w, r, size, &lo, &hi);
                assert_true(lo <= hi);
                if (lo < hi) {
                    assert_int_equal(lo, next);
                    next = hi;
                }
            }
            assert_int_equal(next, n);
        }
        size_t lo, hi;
        dp_par_block_of(n, w, 0, 1, &lo, &hi);
        assert_int_equal(lo, 0);
        assert_int_equal(hi, n);
    }
}

/* One process: rank 0 of 1, the whole run, agreement returns the status as it is. */
static void
test_one_process(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    assert_non_null(ctx);
    assert_int_equal(dp_par_init(), 0);
    assert_int_equal(dp_par_rank(), 0);
    assert_int_equal(dp_par_size(), 1);
    size_t lo, hi;
    dp_par_block(10, NULL, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 10);
    assert_int_equal(dp_par_agree(ctx, DP_OK), DP_OK);
    assert_int_equal(dp_par_agree(ctx, DP_EINPUT), DP_EINPUT);
    size_t before = dp_par_progress_done();
    dp_par_progress_add(5);
    assert_int_equal(dp_par_progress_done(), before + 5);
    assert_int_equal(dp_par_progress_failed(), 0);
    dp_par_finalize();
    dp_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_by_hand),
        cmocka_unit_test(test_block_covers_all),
        cmocka_unit_test(test_one_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
