/* model/input/key_meta.h
 *
 * Metadata of the scenario keys: one source of truth for what every key of the scenario key
 * table (scenario_keys.c, docs/scenarios.md) means. Each row has an English and a Chinese
 * label, a unit, the source of its default, its type and bounds, and its default (the value
 * dp_params_default gives, through dp_params_describe). The labels are made segment by segment
 * ("programmes.care_subsidy.monthly" -> "care subsidy · monthly amount", 重度残疾人护理补贴·月标准);
 * units and sources come from per-key tables in key_meta.c and, for the sources, from
 * data/reference/programme_defaults.csv (compiled in at build time: key_sources.h).
 *
 * Readers: `dpsim keys` (and through it docs/keys.md), the results' settings table
 * (settings.c: dp_settings_add adds the setting_label, setting_unit and setting_source axes)
 * and dp_key_label_zh.
 */
#ifndef DPSIM_KEY_META_H
#define DPSIM_KEY_META_H

#include <stddef.h>

#include "input/params.h"

typedef struct {
    const char *path;    /**< the key path, e.g. "programmes.care_subsidy.monthly" */
    char type[64];       /**< how it is written: "number", "probability or 'calibrated'", ... */
    char bounds[48];     /**< "[0, 1]", ">= 0", or "" for keys without bounds */
    char label[160];     /**< English label */
    char label_zh[192];  /**< Chinese label */
    const char *unit;    /**< "yuan a month", "share", "probability a year", ... (never empty) */
    const char *unit_zh; /**< the unit in Chinese */
    const char *source;  /**< the source of the default: a citation with its status from
                              programme_defaults.csv, another short citation, or a text
                              starting with "assumption" */
    char dflt[160];      /**< the default as it would be written in a file ("0.95", "calibrated",
                              "[0, 6]", "grade1: 100, grade2: 100, grade3: 0, grade4: 0", ...) */
    int map;             /**< 1: a map whose keys are rows of their own (no value itself) */
    int accepted;        /**< 0: an amount key of another pay kind, refused for its programme
                              (e.g. programmes.living_subsidy.yearly) */
    char control[16];    /**< how a form edits it: "number" (numbers, amounts by grade, shares),
                              "boolean", "select" (one of words), "set" (a list of some of words,
                              or all of them), "ages" (a list [min, max]), "year_word" (a year or
                              the word), "" (not in a form: text, maps, lists of rules) */
    char words[128];     /**< the allowed values, '|'-separated, as written in a file: the words
                              of "select"; the members of "set" (grades 1|2|3|4); the word of
                              "year_word"; "" otherwise */
} dp_key_meta;

/* Rows of the scenario key table (the same order). */
size_t dp_key_meta_count(void);
/* The metadata of row i (< dp_key_meta_count()) into *out; the default is the value p gives
 * the key in p->year_start (NULL: dp_params_default). Returns 0, or -1 when i is out of range
 * or the row lacks a unit or a source (the unit tests check that none does). Thread-safe. */
int dp_key_meta_get(const dp_params *p, size_t i, dp_key_meta *out);

/* The metadata of one setting path of dp_params_describe (row: dp_setting.key): labels of
 * the whole path (e.g. "programmes.care_subsidy.monthly_indexed.grade1"), the unit of the
 * setting's value (switches for list members and words, counts for extensions and overlaps,
 * else the row's) and the row's source. Returns 0, or -1 when row is out of range. */
int dp_setting_meta(const char *path, size_t row, char *label, size_t label_size, char *label_zh,
                    size_t label_zh_size, const char **unit, const char **unit_zh,
                    const char **source);

/* Label of the allowed value word of key path (dp_key_meta.words: a word of a "select", a
 * member of a "set", the word of a "year_word"): zh 0 English, 1 Chinese ("frozen at the base
 * year" / 保持基年领取率; grade "1" / 一级; "never" / 不实施). Unknown words are copied. */
void dp_key_word_label(const char *path, const char *word, int zh, char *out, size_t size);

/* The Chinese of a unit named in English ("persons" -> 人, "yuan" -> 元, "share" -> 比例, and
 * every unit of the key table); unit itself when unknown. Static strings. */
const char *dp_unit_zh(const char *unit);

/* Label of a key or setting path, segment by segment (groups such as `rates` and `programmes`
 * left out; unknown segments kept in English; a year segment "2023" is 2023年 in Chinese):
 * zh 0 English joined by " · ", zh 1 Chinese joined by "·". */
void dp_key_label(const char *path, int zh, char *out, size_t size);

#endif
