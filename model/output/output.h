/* model/output/output.h
 *
 * The HDF5 writer (output_write.c) and reader (output_read.c), docs/output-schema.md. One
 * file per run of the command; one group per scenario. The file is written under a temporary name in the same
 * folder and renamed over the requested name only by dp_output_close, so an interrupted or
 * failed run never leaves a half-written file and never damages an existing one.
 * Call HDF5 from one thread only.
 */
#ifndef DPSIM_OUTPUT_H
#define DPSIM_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"
#include "core/results.h"
#include "input/scenario.h"

/* The schema this dpsim writes (docs/output-schema.md). Version 2 (issue 4): the programme
 * tables and axes, `amount` in yuan a month, year or unit. Version 3: the axis `budget` is
 * `budget_item` (no table shares a name with an axis, which xarray refuses), the table
 * attributes are the CF names `units`, `long_name` and `label_zh` (were `unit`, `title`,
 * `title_zh`), and the root has `Conventions` and `git_commit`. Version 4: the `stat` axis of
 * summary/ has nine statistics, mean, sd, p025, p05, p25, p50, p75, p95, p975 (95% intervals
 * beside the 90% ones; was the seven mean, sd, p05 .. p95). Version 5: the roll-ups of the
 * region tables to the nodes of the region hierarchy, runs/, summary/ and base/<table>_node over
 * the axis `node`, with the metadata axes node_level, node_code and node_parent
 * (engines/rollup.h); nothing else changes. The reader also accepts files of
 * DP_SCHEMA_VERSION_OLDEST and later: their tables are read as they are, with version 3's
 * names (the axis `budget` of an older file is read as `budget_item`), and their summary with
 * the stat axis they were written with (seven statistics before version 4). */
#define DP_SCHEMA_VERSION "5"
#define DP_SCHEMA_VERSION_OLDEST 1
#define DP_VERSION "0.1.0"
/* The metadata conventions the file follows (the root attribute `Conventions`). */
#define DP_CONVENTIONS "CF-1.8"

typedef struct dp_output dp_output;

/* Run metadata written with each scenario group. */
typedef struct {
    const char *engine;     /**< "cohort" or "micro" */
    size_t runs;            /**< replicates */
    unsigned long seed;     /**< random seed (0 for the cohort engine without draws) */
    const char *rng;        /**< generator name, e.g. "philox4x32-10" or "none" */
} dp_run_info;

/* Creates the temporary file next to path. command_line is stored as a root attribute. */
dp_status dp_output_open(dp_ctx *ctx, const char *path, const char *command_line, dp_output **out);
/* Writes group /<scenario name>/ with scenario text, input digests, run info, axes (dimension
 * scales with label_zh), runs/ (per-run tables), summary/ (mean, sd, p025..p975 over runs) and
 * base/ (base tables). Extra provenance files (reference data) are listed by path and digest.
 * A scenario name already in the file is DP_EINPUT. Any failure removes the temporary file at
 * once and leaves o failed: later writes are refused, and dp_output_close returns the failure
 * again without touching path (dp_output_abort also just frees o). */
dp_status dp_output_write(dp_ctx *ctx, dp_output *o, const dp_scenario *s, const dp_results *res,
                          const dp_run_info *info, size_t n_extra, const char (*extra_path)[256],
                          const char (*extra_sha256)[65]);
/* Finishes the file and renames it over path. Frees o whatever happens. */
dp_status dp_output_close(dp_ctx *ctx, dp_output *o);
/* Discards the temporary file; an existing file at path is untouched. NULL is a no-op. */
void dp_output_abort(dp_output *o);

/* Reader: the scenario group names in a results file (caller frees with dp_output_names_free). */
dp_status dp_output_scenarios(dp_ctx *ctx, const char *path, char ***names, size_t *n);
void dp_output_names_free(char **names, size_t n);
/* Reads the runs/ and base/ tables and axes of one scenario group back into *out. */
dp_status dp_output_read(dp_ctx *ctx, const char *path, const char *scenario, dp_results **out);

/* Reads the summary/ tables of one scenario group into *out. The result has the shape of
 * dp_output_read's, with one difference: the leading dimension of every table is the
 * statistic, not the run. (*out)->n_run is the number of statistics (9 from schema 4, 7 in
 * schemas 1 to 3), the axis named "stat" holds their labels as the file has them (mean, sd,
 * p025, p05, p25, p50, p75, p95, p975 with label_zh; before schema 4 without p025 and p975),
 * and dp_table_run(t, k) gives statistic k of table t: find k by label, not by DP_STAT_*. There are
 * no base tables. The caller frees *out with dp_results_free. Errors as dp_output_read. */
dp_status dp_output_read_summary(dp_ctx *ctx, const char *path, const char *scenario,
                                 dp_results **out);

/* How a results file and one of its scenario groups were made: the root attributes, the
 * group's attributes, the resolved scenario text with its digest and the input files. Every
 * string is owned by the struct; free it with dp_output_info_free. */
typedef struct {
    char *version;         /**< root `version`: dpsim version that wrote the file */
    char *schema_version;  /**< root `schema_version` */
    char *created_utc;     /**< root `created_utc`, ISO 8601 UTC */
    char *command_line;    /**< root `command_line` */
    char *title;           /**< group `title` ("" when none) */
    char *engine;          /**< group `engine` */
    char *rng;             /**< group `rng` */
    char *regions;         /**< group `regions`, comma-separated */
    size_t runs;           /**< group `runs` */
    uint64_t seed;         /**< group `seed` */
    char *scenario_yaml;   /**< the resolved scenario text */
    char *scenario_sha256; /**< its SHA-256 as stored (64 hex digits) */
    size_t n_input;        /**< input files */
    char **input_path;     /**< [n_input] paths as stored */
    char **input_sha256;   /**< [n_input] their SHA-256 */
} dp_output_info;

/* Reads the provenance of scenario group `scenario` of the results file at path into a new
 * *out. DP_EINPUT when the file is missing, not a dpsim file of this schema, has no such
 * scenario or lacks a provenance item; DP_EHDF5 or DP_ENOMEM otherwise. */
dp_status dp_output_read_info(dp_ctx *ctx, const char *path, const char *scenario,
                              dp_output_info **out);
/* Frees info; NULL is a no-op. */
void dp_output_info_free(dp_output_info *info);

#endif
