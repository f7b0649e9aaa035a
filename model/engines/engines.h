/* model/engines/engines.h
 *
 * The two engines (DESIGN §1; docs/model.md): the cohort engine's expected values and the micro
 * engine's Monte Carlo replicates, both from one dp_model (domain/model.h) into one dp_results
 * (core/results.h) of the same tables. The tables both fill are engines/tables.c's.
 */
#ifndef DPSIM_ENGINES_H
#define DPSIM_ENGINES_H

#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"
#include "core/results.h"
#include "domain/model.h"

/* How an engine runs: replicates and seed. Replicate k projects the central parameters when
 * runs == 1 or the scenario has no distributions, else its own draw (dp_params_draw with this
 * seed and rep = k); both engines draw the same parameters for the same (seed, k). */
typedef struct {
    size_t runs;   /**< replicates, >= 1 */
    uint64_t seed; /**< random seed (parameter draws; micro engine: every event) */
} dp_engine_opts;

/* Cohort engine: deterministic expected values for every region, year_start..year_end, for
 * each replicate's parameters (no process noise). *out receives the tables listed in
 * results.h ([run] = opts->runs) plus the base tables, and runs/parameters when the scenario
 * has distributions. Reports progress (replicates done) through ctx. */
dp_status dp_cohort_run(dp_ctx *ctx, const dp_model *m, const dp_engine_opts *opts,
                        dp_results **out);

/* Micro engine: Monte Carlo microsimulation of individual disabled persons (docs/model.md,
 * "The micro engine"). Same tables as the cohort engine; every replicate has process noise
 * and, when runs > 1, its own parameter draw. Results are bit-identical whatever the number
 * of threads. */
dp_status dp_micro_run(dp_ctx *ctx, const dp_model *m, const dp_engine_opts *opts,
                       dp_results **out);

/* Estimated peak memory of a run in bytes (result tables plus engine state), so that a caller
 * can refuse a run that would not fit before starting it. micro = 0 for the cohort engine. */
double dp_run_memory_estimate(const dp_model *m, const dp_engine_opts *opts, int micro);
/* What the roll-ups of such a run to n_node nodes of the region hierarchy add to it in bytes
 * (engines/rollup.h: tables over `node` the size of the region tables over `region`). */
double dp_rollup_memory_estimate(const dp_model *m, const dp_engine_opts *opts, size_t n_node);

#endif
