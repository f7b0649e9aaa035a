/* model/output/output_impl.h
 *
 * Private to the HDF5 writer: the scenario metadata the writer needs, as plain data, so that
 * the writer can be driven without a loaded dp_scenario (dp_output_write only fills a
 * dp_output_meta from the scenario's accessors and calls dp_output_write_group).
 */
#ifndef DPSIM_OUTPUT_IMPL_H
#define DPSIM_OUTPUT_IMPL_H

#include <stddef.h>

#include "core/stats.h"
#include "output/output.h"

/* What the writer stores about one scenario. Everything is borrowed for the call. */
typedef struct {
    const char *name;                /**< group name: the scenario's `name:` */
    const char *title;               /**< `title:` or "" */
    const char *text;                /**< resolved scenario as YAML text */
    size_t n_input;                  /**< files read (scenario chain, then regions) */
    const char *const *input_path;   /**< [n_input] paths as given */
    const char *const *input_sha256; /**< [n_input] 64 lowercase hex digits each */
    size_t n_region;                 /**< regions of the run (0: no base_years attribute) */
    const int *region_base_year;     /**< [n_region] the base year each is projected from */
} dp_output_meta;

/* Writes group /<meta->name>/ (see dp_output_write in output.h); the extra files are listed
 * after meta's inputs. On failure the temporary file is closed and removed at once, and o is
 * left failed: dp_output_close then returns the same status without creating the target. */
dp_status dp_output_write_group(dp_ctx *ctx, dp_output *o, const dp_output_meta *meta,
                                const dp_results *res, const dp_run_info *info, size_t n_extra,
                                const char (*extra_path)[256], const char (*extra_sha256)[65]);

/* A link name the writer accepts and the reader looks up: non-empty, no '/', not "." and
 * shorter than 32 bytes. */
int dp_output_valid_name(const char *name);

/* Marks o failed with status (the first failure wins) and removes its temporary file. Used by
 * dp_output_write when it fails before reaching dp_output_write_group. */
void dp_output_fail(dp_output *o, dp_status status);

#endif
