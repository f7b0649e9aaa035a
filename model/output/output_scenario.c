/* model/output/output_scenario.c
 *
 * dp_output_write: the scenario-facing entry of the HDF5 writer. It reads the scenario's name,
 * title, resolved text and input digests through scenario.h's accessors into a
 * dp_output_meta and hands over to dp_output_write_group (output_write.c). Kept in its own file so
 * that programs using only the writer (the unit tests, tests/schema/write_sample.c) do not pull
 * the scenario loader in from libdpsim.a.
 */
#include <stdlib.h>

#include "output/output.h"
#include "input/scenario.h"
#include "output/output_impl.h"

dp_status
dp_output_write(dp_ctx *ctx, dp_output *o, const dp_scenario *s, const dp_results *res,
                const dp_run_info *info, size_t n_extra, const char (*extra_path)[256],
                const char (*extra_sha256)[65])
{
    dp_status rc = DP_OK;
    size_t n_input = dp_scenario_n_input(s);
    const char **path = calloc(n_input ? n_input : 1, sizeof *path);
    const char **sha = calloc(n_input ? n_input : 1, sizeof *sha);
    size_t n_region = dp_scenario_n_region(s);
    int *base_year = calloc(n_region ? n_region : 1, sizeof *base_year);
    dp_output_meta meta;

    if (!path || !sha || !base_year) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory writing scenario '%s'", dp_scenario_name(s));
        dp_output_fail(o, rc);
        goto out;
    }
    for (size_t i = 0; i < n_input; i++) {
        path[i] = dp_scenario_input_path(s, i);
        sha[i] = dp_scenario_input_sha256(s, i);
    }
    meta.name = dp_scenario_name(s);
    meta.title = dp_scenario_title(s);
    meta.text = dp_scenario_text(s);
    meta.n_input = n_input;
    meta.input_path = path;
    meta.input_sha256 = sha;
    for (size_t i = 0; i < n_region; i++) {
        base_year[i] = dp_scenario_region(s, i)->base_year;
    }
    meta.n_region = n_region;
    meta.region_base_year = base_year;
    rc = dp_output_write_group(ctx, o, &meta, res, info, n_extra, extra_path, extra_sha256);
out:
    free(base_year);
    free(path);
    free(sha);
    return rc;
}
