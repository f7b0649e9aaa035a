/* model/domain/model.h
 *
 * dp_model: everything an engine needs before the first projected year, built once from a
 * scenario's parameters, the reference data and the region files: each region's base-year
 * general population and disabled cells (synthesised from the national structure and fitted
 * to the region's known counts by iterative proportional fitting), the derived onset rates,
 * the balanced household-transition rates and the calibrated take-up of every programme.
 * Immutable after dp_model_alloc; engines borrow it (const) and may share it between threads.
 */
#ifndef DPSIM_MODEL_H
#define DPSIM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"
#include "input/params.h"
#include "input/reference.h"
#include "input/region.h"
#include "input/scenario.h"
#include "core/results.h"
#include "domain/trend.h"

typedef struct dp_model dp_model;

/* Builds the model. Copies p and regions; borrows ref, which must outlive the model.
 * Errors: DP_EINPUT when a region's figures cannot be fitted (message names the region and the
 * figure), DP_ENOMEM. */
dp_status dp_model_alloc(dp_ctx *ctx, const dp_params *p, const dp_reference *ref,
                         const dp_region_input *regions, size_t n_region, dp_model **out);
void dp_model_free(dp_model *m);
/* dp_model_alloc with a loaded scenario's parameters and regions (s and ref borrowed; ref must
 * outlive the model). Errors as dp_model_alloc. */
dp_status dp_model_of_scenario(dp_ctx *ctx, const dp_scenario *s, const dp_reference *ref,
                               dp_model **out);

size_t dp_model_n_region(const dp_model *m);
const dp_params *dp_model_params(const dp_model *m);
/* Calibrated take-up of programme prog in region r (share of eligible persons paid). */
double dp_model_take_up(const dp_model *m, size_t r, size_t prog);
/* Where that take-up came from: the scenario, calibration to base-year recipients, or the
 * default assumption. */
typedef enum { DP_TAKE_UP_SCENARIO, DP_TAKE_UP_CALIBRATED, DP_TAKE_UP_DEFAULT } dp_take_up_source;
dp_take_up_source dp_model_take_up_source(const dp_model *m, size_t r, size_t prog);
/* 1 when a scenario distribution on that calibrated take-up spreads it (status_quo: frozen,
 * docs/scenarios.md "Status quo and calibration"). */
int dp_model_take_up_combined(const dp_model *m, size_t r, size_t prog);
/* status_quo: trend: the take-up trend of programme prog of region r (trend.h), or NULL when
 * it has none (another status quo, another programme, no reported recipients). */
const dp_trend_fit *dp_model_trend(const dp_model *m, size_t r, size_t prog);
/* Sweeps the base-year fit of region r took to meet its marginals (iterative proportional
 * fitting, relative tolerance 1e-10). */
size_t dp_model_fit_iterations(const dp_model *m, size_t r);
/* Base-year disabled cells of region r [DP_N_CELL] and general population [DP_N_SEX][DP_N_AGE]
 * (all residents, disabled included). Borrowed. */
const double *dp_model_base_cells(const dp_model *m, size_t r);
const double *dp_model_base_population(const dp_model *m, size_t r);
/* Fitted value of marginal k in region r's base population (whether or not it was a target). */
double dp_model_marginal(const dp_model *m, size_t r, dp_marg_kind k);

/* Number of OpenMP threads the engines may use (0 = OpenMP's default). */
void dp_set_threads(int n);

#endif
