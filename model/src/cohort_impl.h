/* model/src/cohort_impl.h
 *
 * Private to the cohort engine (cohort.c) and its tests: how replicates are grouped into
 * batches. Replicates whose transition parameters are identical share the year's 24 x 24
 * grade-change-certification-household matrix, so one matrix product per (sex, age band, year)
 * projects all of them; a group larger than DP_COHORT_BATCH_MAX is split into batches of
 * nearly equal size, which bounds a worker's memory and gives the threads work to share.
 */
#ifndef DPSIM_COHORT_IMPL_H
#define DPSIM_COHORT_IMPL_H

#include <stddef.h>

#include "dpsim/ctx.h"
#include "dpsim/params.h"

/* Replicates projected together at most. A batch's state is 272 KB per replicate, twice (the
 * product needs a target), so 4 replicates keep a worker's state near 2 MB, in cache. The
 * products are a small part of a year's work (about a tenth; the rest is deaths, onset,
 * programmes and stocks, which stream through the state), so larger batches are slower:
 * Da'an with 64 draws on one thread took about the same time per replicate-year with batches
 * of 1 and 4, 10-15% more with 16 and 20-25% more with 64 (README "Speed"). */
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

#endif
