/* model/engines/cohort_impl.h
 *
 * Private to the cohort engine (cohort.c) and its tests: how replicates are grouped into
 * batches. Replicates whose transition parameters are identical share the year's 24 x 24
 * grade-change-certification-household matrix, so one matrix product per (sex, age band, year)
 * projects all of them; a group larger than DP_COHORT_BATCH_MAX is split into batches of
 * nearly equal size, which bounds a worker's memory and gives the threads work to share.
 * Each replicate occupies 1 + DP_N_FLAG slots of the batch state: its persons by cell and, for
 * each person flag (programmes.h), its flagged persons by cell; the product moves all slots.
 * Also the tests' probe, which sees the counts the programme layer receives.
 */
#ifndef DPSIM_COHORT_IMPL_H
#define DPSIM_COHORT_IMPL_H

#include <stddef.h>

#include "core/ctx.h"
#include "input/params.h"
#include "domain/programmes.h"

/* Slots of the batch state per replicate: all persons, then the persons with each flag. */
enum { DP_COHORT_SLOTS = 1 + DP_N_FLAG };

/* Replicates projected together at most. A batch's state is 272 KB per slot, 3 slots per
 * replicate (816 KB), twice (the product needs a target), so 4 replicates make a worker's
 * state about 6.5 MB. The products are a small part of a year's work (about a tenth; the rest
 * is deaths, onset, flags, programmes and stocks, which stream through the state), so larger
 * batches are slower: Da'an with 64 draws on one thread (before the flags) took about the same
 * time per replicate-year with batches of 1 and 4, 10-15% more with 16 and 20-25% more with 64
 * (README "Speed"). */
enum { DP_COHORT_BATCH_MAX = 4 };

/* Rows of the transition matrix: the (grade, certified, household) states of one type,
 * index (grade * DP_N_CERT + cert) * DP_N_HH + hh, so that a (sex, age) block of 168 cells is
 * DP_N_TYPE columns of this many contiguous cells. */
enum { DP_COHORT_SUB = DP_N_GRADE * DP_N_CERT * DP_N_HH };

/* Groups replicates rp[0..runs) whose transition parameters are identical (the members of
 * dp_params that dp_rates_year reads for grade change, certification and household moves:
 * worsen_rate, improve_rate, certify_rate, dibao_exit, marginal_exit, dibao_entry,
 * marginal_entry; compared bit for bit, so two balanced (NaN) values are equal). order[runs]
 * receives the replicate indices group by group, each group in increasing order and the groups
 * ordered by their first replicate; start[g] is group g's first position in order and
 * start[*n_group] = runs (start has room for runs + 1). Errors: DP_ENOMEM. O(runs log runs). */
dp_status dp_cohort_group(dp_ctx *ctx, const dp_params *rp, size_t runs, size_t *order,
                          size_t *start, size_t *n_group);

/* Test probe: called for each replicate with the counts the programme layer receives, at the
 * base year's dp_prog_state_init (yi = -1) and at step 8 of each year (yi = year index, counts
 * at the end of the year before ageing): cells (persons by cell) and flag[f] (persons with flag
 * f by cell), DP_N_CELL each in region order, valid during the call only. Called from the
 * engine's threads, concurrently for different (rep, reg). */
typedef void dp_cohort_probe(void *arg, size_t rep, size_t reg, int yi, const double *cells,
                             const double *const flag[DP_N_FLAG]);

/* Sets the probe dp_cohort_run calls (NULL: none, the default). Not thread-safe: set it only
 * between runs. */
void dp_cohort_set_probe(dp_cohort_probe *fn, void *arg);

#endif
