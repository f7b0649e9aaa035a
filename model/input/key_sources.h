/* model/input/key_sources.h
 *
 * Private to the key metadata (key_meta.c): the rows of scope `default` of
 * data/reference/programme_defaults.csv, as generated at build time into
 * $(BUILD)/gen/key_sources.c by model/tools/key_sources_gen (see the Makefile). Generated rather
 * than read at run time so that the metadata (and the results' settings table, and `dpsim
 * keys`) never depend on where the data folder is, and generated rather than copied by hand so
 * that the CSV stays the one place a source is written.
 */
#ifndef DPSIM_KEY_SOURCES_H
#define DPSIM_KEY_SOURCES_H

#include <stddef.h>

typedef struct {
    const char *programme; /**< a programme key, "all", "economy", "budget" or "overlaps" */
    const char *key;       /**< the key as the CSV writes it ("monthly", "eligibility.types /
                                grades", "need.grade1..grade4", "need (every type)", ...) */
    const char *status;    /**< QUOTED, DERIVED, ASSUMPTION, NOT VERIFIED, NOT FOUND, ... */
    const char *source;    /**< the citation with its status, or "assumption ..." */
    int line;              /**< line of the row in the CSV */
} dp_key_source;

extern const dp_key_source dp_key_sources[];
extern const size_t dp_key_n_sources;

#endif
