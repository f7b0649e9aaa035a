/* model/include/dpsim/scenario.h
 *
 * Scenario files (YAML, libyaml): loading with `extends:` overlays, validation against the key
 * table (docs/scenarios.md), and the resolved result: the typed parameters, the regions it
 * names (their data/regions/<id>.yaml files loaded), the resolved tree as YAML text, and the
 * SHA-256 of every input file read. A dp_scenario is immutable after loading.
 *
 * Every input error is DP_EINPUT with the message "FILE:LINE:COL: what was expected", where
 * FILE is the path as given (or as resolved for extends and region files).
 */
#ifndef DPSIM_SCENARIO_H
#define DPSIM_SCENARIO_H

#include <stddef.h>

#include "dpsim/ctx.h"
#include "dpsim/params.h"
#include "dpsim/region.h"

typedef struct dp_scenario dp_scenario;

/* Loads the scenario at path. data_dir is the folder holding regions/ and reference/ (borrowed;
 * copied). On success *out owns everything; free with dp_scenario_free. */
dp_status dp_scenario_load(dp_ctx *ctx, const char *path, const char *data_dir, dp_scenario **out);
void dp_scenario_free(dp_scenario *s);

const char *dp_scenario_name(const dp_scenario *s);      /**< the `name:` key */
const char *dp_scenario_title(const dp_scenario *s);     /**< `title:` or "" */
const dp_params *dp_scenario_params(const dp_scenario *s);
size_t dp_scenario_n_region(const dp_scenario *s);
const dp_region_input *dp_scenario_region(const dp_scenario *s, size_t i);
const char *dp_scenario_text(const dp_scenario *s);      /**< resolved tree, YAML text */
size_t dp_scenario_n_input(const dp_scenario *s);        /**< files read: chain, then regions */
const char *dp_scenario_input_path(const dp_scenario *s, size_t i);
const char *dp_scenario_input_sha256(const dp_scenario *s, size_t i); /**< 64 hex digits */

/* SHA-256 of a file as 64 lowercase hex digits plus NUL into hex[65]. */
dp_status dp_sha256_file(dp_ctx *ctx, const char *path, char hex[65]);

#endif
