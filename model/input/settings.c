/* model/input/settings.c
 *
 * The resolved settings of a scenario as a table of the results (settings.h): every key path
 * of the scenario key table (dp_params_describe) with the value in force each year, with the
 * label, unit and source of each from the key metadata (key_meta.c). The engines add it to every result; dpsim compare reads it
 * back to say what changed between two scenarios.
 */
#include "input/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dims.h"
#include "input/key_meta.h"
#include "input/scenario.h"

#define NO_AXIS ((size_t)-1)

/* "programmes.care_subsidy.monthly.grade1.2023" -> "重度残疾人护理补贴·月标准·一级·2023年": the
 * segment names of the key metadata (key_meta.c). */
void
dp_key_label_zh(const char *path, char *out, size_t size)
{
    dp_key_label(path, 1, out, size);
}

dp_status
dp_settings_add(dp_ctx *ctx, dp_results *res, const dp_params *p)
{
    static const char *const ax[] = {"setting", "year", NULL};
    dp_status rc = DP_OK;
    dp_setting *set = NULL;
    const char **lab = NULL, **zlab = NULL;
    char(*zh)[192] = NULL, (*en)[160] = NULL;
    const char **meta = NULL, **elab, **unit, **unit_zh, **source, **source_zh;
    dp_table *t = NULL;
    size_t n_set = 0, got = 0;
    size_t ya = dp_results_find_axis(res, "year");
    if (ya == NO_AXIS || !res->axis[ya].value) {
        return dp_error(ctx, DP_EINTERNAL, "settings: the results have no numeric year axis");
    }
    const dp_axis *years = &res->axis[ya];
    if ((rc = dp_params_describe(ctx, p, p->year_start, NULL, 0, &n_set)) != DP_OK) {
        return rc;
    }
    set = malloc((n_set ? n_set : 1) * sizeof *set);
    lab = malloc((n_set ? n_set : 1) * sizeof *lab);
    if (!set || !lab) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the settings table");
        goto out;
    }
    if ((rc = dp_params_describe(ctx, p, p->year_start, set, n_set, &got)) != DP_OK) {
        goto out;
    }
    zh = malloc((n_set ? n_set : 1) * sizeof *zh);
    zlab = malloc((n_set ? n_set : 1) * sizeof *zlab);
    if (!zh || !zlab) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the settings table");
        goto out;
    }
    en = malloc((n_set ? n_set : 1) * sizeof *en);
    meta = malloc((n_set ? n_set : 1) * 5 * sizeof *meta);
    if (!en || !meta) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the settings table");
        goto out;
    }
    /* Labels, units and sources from the key metadata (key_meta.h), one per setting: the
     * companion axes setting_label, setting_unit and setting_source. */
    elab = meta;
    unit = meta + n_set;
    unit_zh = meta + 2 * n_set;
    source = meta + 3 * n_set;
    source_zh = meta + 4 * n_set;
    for (size_t s = 0; s < n_set; s++) {
        lab[s] = set[s].path;
        if (dp_setting_meta(set[s].path, set[s].key, en[s], sizeof en[s], zh[s], sizeof zh[s],
                            &unit[s], &unit_zh[s], &source[s]) != 0) {
            rc = dp_error(ctx, DP_EINTERNAL, "settings: no metadata for '%s'", set[s].path);
            goto out;
        }
        zlab[s] = zh[s];
        elab[s] = en[s];
        source_zh[s] = source[s];
    }
    if ((rc = dp_results_add_axis(ctx, res, "setting", n_set, lab, zlab, NULL, NULL)) != DP_OK ||
        (rc = dp_results_add_axis(ctx, res, "setting_label", n_set, elab, zlab, NULL, NULL)) !=
            DP_OK ||
        (rc = dp_results_add_axis(ctx, res, "setting_unit", n_set, unit, unit_zh, NULL, NULL)) !=
            DP_OK ||
        (rc = dp_results_add_axis(ctx, res, "setting_source", n_set, source, source_zh, NULL,
                                  NULL)) != DP_OK ||
        (rc = dp_results_add_table(ctx, res, "settings", "value",
                                   "resolved scenario settings in force each year (NaN: the "
                                   "key's word, e.g. calibrated)",
                                   "各年生效的情景参数", 0, ax, &t)) != DP_OK) {
        goto out;
    }
    for (size_t yi = 0; yi < years->n; yi++) {
        if ((rc = dp_params_describe(ctx, p, (int)years->value[yi], set, n_set, &got)) != DP_OK) {
            goto out;
        }
        for (size_t s = 0; s < n_set; s++) {
            t->data[s * years->n + yi] = set[s].value;
        }
    }
out:
    free(set);
    free(lab);
    free(zlab);
    free(zh);
    free(en);
    free(meta);
    return rc;
}

