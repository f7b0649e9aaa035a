/* model/input/settings.h
 *
 * Settings: the resolved parameters by year (settings.c; docs/compare.md). The table
 * `settings [setting, year]` of every result holds each scenario key's value in force each
 * year; dp_settings_diff (analysis.h) compares two of them.
 */
#ifndef DPSIM_SETTINGS_H
#define DPSIM_SETTINGS_H

#include <stddef.h>

#include "core/ctx.h"
#include "core/results.h"
#include "input/params.h"

/* Adds to res the axis `setting` (the key paths of dp_params_describe; label_zh the Chinese
 * labels), its companion axes `setting_label` (English label, label_zh Chinese), `setting_unit`
 * (the unit of each setting's value, label_zh in Chinese) and `setting_source` (the source of
 * the key's default), all from the key metadata (input/key_meta.h), and the base table
 * `settings [setting, year]` (unit "value": each key's own unit) holding, for every year of
 * res's `year` axis, the value p gives that key that year; NAN where the key's word applies
 * (dp_setting.word: calibrated, balanced, never, region file, unset). res must have a numeric
 * `year` axis. p is borrowed. The engines call it from dp_tables_init with the scenario's
 * central parameters. Errors: DP_EINTERNAL without a year axis or when the axis or table
 * exists already or a setting has no metadata; DP_ENOMEM. */
dp_status dp_settings_add(dp_ctx *ctx, dp_results *res, const dp_params *p);

/* Chinese label of a scenario key path, segment by segment:
 * "programmes.care_subsidy.monthly.grade1.2023" -> "重度残疾人护理补贴·月标准·一级·2023年".
 * Unknown segments are kept in English. */
void dp_key_label_zh(const char *path, char *out, size_t size);

#endif
