/* model/input/scenario.h
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

#include "core/ctx.h"
#include "core/sha256.h"
#include "input/hierarchy.h"
#include "input/params.h"
#include "input/region.h"
#include "input/indicators.h"

typedef struct dp_scenario dp_scenario;

/* Loads the scenario at path. data_dir is the folder holding regions/ and reference/ (borrowed;
 * copied). On success *out owns everything; free with dp_scenario_free. */
dp_status dp_scenario_load(dp_ctx *ctx, const char *path, const char *data_dir, dp_scenario **out);
void dp_scenario_free(dp_scenario *s);

/* dp_scenario_load with one more overlay on top: overlay_text (YAML, borrowed) is parsed as a
 * file named overlay_name (borrowed; in messages only) and merged over the scenario's
 * resolved `extends:` chain exactly as a file `extends: PATH` with that text would be (the
 * same deep merge and by-grade expansion), then validated like any scenario. overlay_text must
 * not itself have `extends:`. The overlay's text is not an input file (no SHA-256 recorded).
 * Used by the solver (analysis/solve.h) to set one key. */
dp_status dp_scenario_load_overlay(dp_ctx *ctx, const char *path, const char *data_dir,
                                   const char *overlay_name, const char *overlay_text,
                                   dp_scenario **out);

const char *dp_scenario_name(const dp_scenario *s);      /**< the `name:` key */
const char *dp_scenario_title(const dp_scenario *s);     /**< `title:` or "" */
const dp_params *dp_scenario_params(const dp_scenario *s);
size_t dp_scenario_n_region(const dp_scenario *s);
const dp_region_input *dp_scenario_region(const dp_scenario *s, size_t i);
const char *dp_scenario_text(const dp_scenario *s);      /**< resolved tree, YAML text */
/* The scenario's plan targets (`targets:`, docs/scenarios.md#targets), in file order, each
 * checked against the indicator list, the scenario's years and regions; *n of them (0 and
 * NULL when none). Borrowed: valid while s lives. */
const dp_target *dp_scenario_targets(const dp_scenario *s, size_t *n);
/* The region hierarchy of the data folder (regions/hierarchy.yaml), or NULL when it has none;
 * borrowed, lives as long as s. */
const dp_hierarchy *dp_scenario_hierarchy(const dp_scenario *s);
size_t dp_scenario_n_input(const dp_scenario *s);        /**< files read: chain, the hierarchy (if any), then regions */
const char *dp_scenario_input_path(const dp_scenario *s, size_t i);
const char *dp_scenario_input_sha256(const dp_scenario *s, size_t i); /**< 64 hex digits */

/* One resolved setting: a leaf key path of the scenario's key table with the value in force in
 * a given year (dp_params_describe). */
typedef struct {
    char path[96];    /**< key path, e.g. "rates.onset_multiplier"; amounts by grade are
                           "programmes.P.monthly.gradeN" (the dated value in force) and
                           "programmes.P.monthly_indexed.gradeN" (that value with the
                           programme's indexation applied, as the model pays it while the
                           programme is enabled) */
    double value;     /**< value in force that year in the key's own unit; switches are 0/1,
                           years are numbers; NAN when `word` applies */
    const char *word; /**< the word this key takes instead of a number ("balanced",
                           "calibrated", "never", "region file", "unset"; static), or NULL */
    size_t key;       /**< the row of the scenario key table it comes from (its metadata:
                           dp_key_meta_get, input/key_meta.h) */
} dp_setting;

/* Every leaf key of the scenario key table (docs/scenarios.md) with its value in force in year
 * under p, in key-table order: numbers and switches as they are; probabilities, or NAN with
 * the key's word (calibrated, balanced); date-ranged values via dp_sched_at (NAN with "region
 * file" when unset); "never" years as NAN; each programme amount by grade twice, as dated and
 * indexed (see dp_setting.path). Names, titles, region lists and `extends` are not settings.
 * A parameter given as a distribution shows the central value p holds. The number of settings
 * does not depend on p or year. With out == NULL only *n is set; otherwise cap must be at
 * least that number (else DP_EINTERNAL). Pure; thread-safe. */
dp_status dp_params_describe(dp_ctx *ctx, const dp_params *p, int year, dp_setting *out,
                             size_t cap, size_t *n);

/* A numeric scenario key (one the solver can vary): its row of the key table, its bounds and
 * kind. */
typedef struct {
    size_t row;   /**< row of the key table (dp_key_meta_get) */
    double min;   /**< lower bound of valid values */
    double max;   /**< upper bound (HUGE_VAL: none) */
    int integer;  /**< 1: whole numbers only (ints, years, ages) */
    int by_grade; /**< 1: a key by grade named without a grade (one value sets every grade) */
} dp_key_info;

/* Looks up a key path: a number, probability, date-ranged number, whole number or year, an
 * amount or number by grade (optionally with ".gradeN": that grade alone). Returns 1 and fills
 * *out for such a key, 0 when path is no key, -1 when it is a key of another kind (switches,
 * lists, words, funding shares). Pure. */
int dp_scenario_key_numeric(const char *path, dp_key_info *out);
/* The key of the table closest to path by edit distance, when close enough to suggest; else
 * NULL. Static string. */
const char *dp_scenario_key_suggest(const char *path);
/* The value of the numeric key path in force in year under s (NAN when it has a word, is unset,
 * or, for a key by grade named without a grade, when the grades differ), and *varies = 1 when
 * the value is not the same in every year of the horizon (or across grades). Errors:
 * DP_EINPUT when path is no numeric key or the programme has no such key (an amount key of
 * another pay kind); DP_ENOMEM. */
dp_status dp_scenario_key_value(dp_ctx *ctx, const dp_scenario *s, const char *path, int year,
                                double *value, int *varies);

#endif
