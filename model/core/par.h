/* model/core/par.h
 *
 * Distributed runs over MPI (docs/cluster.md). Built with -DDP_MPI (`make MPI=1`, mpicc) these
 * functions speak MPI; without it (the default build) they are the one-process case: rank 0 of
 * 1, every task is this process's, agreement and merging do nothing.
 *
 * How a distributed run goes: every rank loads the same scenarios and builds the same model,
 * parameters and zeroed tables. An engine's (replicate, region) tasks are split into one
 * contiguous block per rank (dp_par_block, weighted by work); each rank fills only its tasks'
 * slices of the per-run tables. After its tasks every rank calls dp_par_agree (all succeed, or
 * all fail with the error of the lowest failing rank), then dp_par_merge ORs the tables bit by
 * bit into rank 0, where every slice is zero but the one rank's that filled it (or the same on
 * every rank): the merged tables are bit-identical to a one-process run's. Rank 0 alone
 * finishes (budget, sensitivity, targets) and writes the file.
 *
 * Only the calling (main) thread calls these functions (MPI_THREAD_FUNNELED).
 */
#ifndef DPSIM_PAR_H
#define DPSIM_PAR_H

#include <stddef.h>

#include "core/ctx.h"
#include "core/results.h"

/* Starts MPI (once per process; a no-op without DP_MPI). Returns 0, or -1 when MPI cannot
 * start (a message is printed by MPI). */
int dp_par_init(void);
/* Ends MPI; collective: every rank must call it. */
void dp_par_finalize(void);

/* This process's rank (0 without MPI) and the number of ranks (1). */
int dp_par_rank(void);
int dp_par_size(void);

/* The block [*lo, *hi) of tasks 0..n_task-1 that this rank runs: contiguous blocks in rank
 * order, split so that each holds about the same share of the total weight (weight[t] >= 0 the
 * work of task t, NULL for equal weights). Task t goes to the rank whose share holds the middle
 * of t's weight, so every rank computes the same split. */
void dp_par_block(size_t n_task, const double *weight, size_t *lo, size_t *hi);
/* The same for rank `rank` of `size` ranks (rank < size). */
void dp_par_block_of(size_t n_task, const double *weight, size_t rank, size_t size, size_t *lo,
                     size_t *hi);

/* Collective, after a rank's tasks: rc is this rank's status (its message in ctx). Returns
 * DP_OK when every rank succeeded, else the status of the lowest failing rank, whose message
 * is then recorded in ctx on every rank. With MPI, $DPSIM_TEST_FAIL_RANK=k makes rank k fail
 * here (a test of the failure path). */
dp_status dp_par_agree(dp_ctx *ctx, dp_status rc);

/* Collective: ORs every per-run table of res bit by bit into rank 0's (in place); the other
 * ranks' tables are left as they were. Returns DP_OK or an error recorded in ctx. */
dp_status dp_par_merge(dp_ctx *ctx, dp_results *res);

/* The wall seconds this process spent in dp_par_merge so far and the bytes it merged (the
 * communication cost of a run, printed by `dpsim run` with $DPSIM_TIMING; 0 without MPI or
 * with one rank). */
double dp_par_merge_seconds(void);
double dp_par_merge_bytes(void);

/* Progress of the whole job (docs/cluster.md): every rank adds the units it has done to one
 * counter held by rank 0; dp_par_progress_done reads it (rank 0; other ranks get their own
 * count). dp_par_progress_failed is nonzero once a rank has entered dp_par_agree with a
 * failure, so that rank 0 stops waiting for units that will never come. */
void dp_par_progress_add(size_t units);
size_t dp_par_progress_done(void);
int dp_par_progress_failed(void);

#endif
