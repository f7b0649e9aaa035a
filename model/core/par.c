/* model/core/par.c
 *
 * Distributed runs (par.h; docs/cluster.md): MPI with -DDP_MPI, the one-process case without.
 */
#include "core/par.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef DP_MPI
#include <mpi.h>
#endif

static int par_rank = 0, par_size = 1;
static size_t par_done = 0; /* units done by this process (the counter without MPI) */
static double par_merge_s = 0.0, par_merge_b = 0.0; /* dp_par_merge's time and bytes */

double
dp_par_merge_seconds(void)
{
    return par_merge_s;
}

double
dp_par_merge_bytes(void)
{
    return par_merge_b;
}

void
dp_par_block(size_t n_task, const double *weight, size_t *lo, size_t *hi)
{
    dp_par_block_of(n_task, weight, (size_t)par_rank, (size_t)par_size, lo, hi);
}

void
dp_par_block_of(size_t n_task, const double *weight, size_t rank, size_t size, size_t *lo,
                size_t *hi)
{
    double total = 0.0, before = 0.0;
    for (size_t t = 0; t < n_task; t++) {
        total += weight ? weight[t] : 1.0;
    }
    *lo = *hi = n_task;
    int started = 0;
    for (size_t t = 0; t < n_task; t++) {
        double w = weight ? weight[t] : 1.0;
        /* The rank of task t: the share that holds the middle of its weight (all weights zero:
         * equal shares by count). */
        double mid = total > 0.0 ? (before + 0.5 * w) / total : ((double)t + 0.5) / (double)n_task;
        size_t owner = (size_t)(mid * (double)size);
        owner = owner < size ? owner : size - 1;
        before += w;
        if (owner == rank && !started) {
            *lo = t;
            started = 1;
        }
        if (owner > rank) {
            *hi = t;
            break;
        }
    }
    if (!started) {
        *lo = *hi;
    }
}

#ifdef DP_MPI

static MPI_Win par_win = MPI_WIN_NULL;
static uint64_t *par_counter = NULL; /* rank 0: [0] units done by all ranks, [1] failed ranks */
static int par_started = 0;

int
dp_par_init(void)
{
    int provided = 0, inited = 0;
    MPI_Initialized(&inited);
    if (inited) {
        return 0;
    }
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        return -1;
    }
    par_started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &par_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &par_size);
    MPI_Aint bytes = par_rank == 0 ? (MPI_Aint)(2 * sizeof(uint64_t)) : 0;
    if (MPI_Win_allocate(bytes, (int)sizeof(uint64_t), MPI_INFO_NULL, MPI_COMM_WORLD,
                         &par_counter, &par_win) != MPI_SUCCESS) {
        par_win = MPI_WIN_NULL;
    } else if (par_rank == 0) {
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, par_win);
        par_counter[0] = par_counter[1] = 0;
        MPI_Win_unlock(0, par_win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    return 0;
}

void
dp_par_finalize(void)
{
    if (!par_started) {
        return;
    }
    if (par_win != MPI_WIN_NULL) {
        MPI_Win_free(&par_win);
    }
    MPI_Finalize();
    par_started = 0;
}

/* Adds v to slot i of rank 0's counter. */
static void
counter_add(int i, uint64_t v)
{
    if (par_win == MPI_WIN_NULL || par_size < 2) {
        return;
    }
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, par_win);
    MPI_Accumulate(&v, 1, MPI_UINT64_T, 0, i, 1, MPI_UINT64_T, MPI_SUM, par_win);
    MPI_Win_unlock(0, par_win);
}

static uint64_t
counter_get(int i)
{
    uint64_t v = 0, dummy = 0;
    if (par_win == MPI_WIN_NULL) {
        return 0;
    }
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, par_win);
    MPI_Fetch_and_op(&dummy, &v, MPI_UINT64_T, 0, i, MPI_NO_OP, par_win);
    MPI_Win_unlock(0, par_win);
    return v;
}

void
dp_par_progress_add(size_t units)
{
    par_done += units;
    counter_add(0, (uint64_t)units);
}

size_t
dp_par_progress_done(void)
{
    return par_rank == 0 && par_size > 1 ? (size_t)counter_get(0) : par_done;
}

int
dp_par_progress_failed(void)
{
    return par_size > 1 && counter_get(1) > 0;
}

/* $DPSIM_TEST_FAIL_RANK=k: rank k fails in dp_par_agree. */
static int
test_fail_here(void)
{
    const char *e = getenv("DPSIM_TEST_FAIL_RANK");
    char *end = NULL;
    if (!e || !*e) {
        return 0;
    }
    long k = strtol(e, &end, 10);
    return end && !*end && k == (long)par_rank;
}

dp_status
dp_par_agree(dp_ctx *ctx, dp_status rc)
{
    if (rc == DP_OK && test_fail_here()) {
        rc = dp_error(ctx, DP_EINTERNAL, "rank %d of %d failed on purpose ($DPSIM_TEST_FAIL_RANK)",
                      par_rank, par_size);
    }
    if (!par_started) {
        return rc;
    }
    if (rc != DP_OK) {
        counter_add(1, 1);
    }
    int mine = rc != DP_OK ? par_rank : par_size, first = par_size;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == par_size) {
        return DP_OK;
    }
    /* The first failing rank's status and message, to every rank. */
    struct {
        int status;
        char msg[1024];
    } e;
    memset(&e, 0, sizeof e);
    if (par_rank == first) {
        const char *m = dp_ctx_errmsg(ctx);
        e.status = (int)rc;
        snprintf(e.msg, sizeof e.msg, "%s", m && *m ? m : dp_strerror(rc));
    }
    MPI_Bcast(&e, (int)sizeof e, MPI_BYTE, first, MPI_COMM_WORLD);
    if (par_rank != first) {
        dp_status st = e.status > DP_OK && e.status < DP_N_STATUS ? (dp_status)e.status
                                                                   : DP_EINTERNAL;
        return dp_error(ctx, st, "%s", e.msg);
    }
    return rc;
}

dp_status
dp_par_merge(dp_ctx *ctx, dp_results *res)
{
    if (par_size < 2) {
        return DP_OK;
    }
    enum { PIECE = 1 << 26 }; /* doubles per MPI call (the count is an int) */
    int bad = 0;
    double t0 = MPI_Wtime();
    for (size_t i = 0; i < res->n_table; i++) {
        dp_table *t = &res->table[i];
        if (!t->per_run || !t->data) {
            continue;
        }
        size_t n = t->size * res->n_run;
        for (size_t off = 0; off < n; off += PIECE) {
            int cnt = (int)(n - off < PIECE ? n - off : PIECE);
            /* A double's bits as an unsigned 64-bit integer: MPI_BOR of slices that are zero
             * on every rank but one (or equal on all) gives that rank's bits exactly. */
            void *p = t->data + off;
            int e = par_rank == 0
                        ? MPI_Reduce(MPI_IN_PLACE, p, cnt, MPI_UINT64_T, MPI_BOR, 0, MPI_COMM_WORLD)
                        : MPI_Reduce(p, NULL, cnt, MPI_UINT64_T, MPI_BOR, 0, MPI_COMM_WORLD);
            bad |= e != MPI_SUCCESS;
        }
        par_merge_b += (double)n * sizeof *t->data;
    }
    par_merge_s += MPI_Wtime() - t0;
    return bad ? dp_error(ctx, DP_EINTERNAL, "MPI: merging the result tables failed") : DP_OK;
}

int
dp_par_rank(void)
{
    return par_rank;
}

int
dp_par_size(void)
{
    return par_size;
}

#else /* one process */

int
dp_par_init(void)
{
    return 0;
}

void
dp_par_finalize(void)
{
}

int
dp_par_rank(void)
{
    return 0;
}

int
dp_par_size(void)
{
    return 1;
}

dp_status
dp_par_agree(dp_ctx *ctx, dp_status rc)
{
    (void)ctx;
    return rc;
}

dp_status
dp_par_merge(dp_ctx *ctx, dp_results *res)
{
    (void)ctx;
    (void)res;
    return DP_OK;
}

void
dp_par_progress_add(size_t units)
{
    par_done += units;
}

size_t
dp_par_progress_done(void)
{
    return par_done;
}

int
dp_par_progress_failed(void)
{
    return 0;
}

#endif
