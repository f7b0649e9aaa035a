/* model/input/reference.h
 *
 * dp_reference: the national reference data in data/reference/ (each CSV names its source in a
 * leading '#' line): the UN WPP 2024 China death rates turned into single-age, single-year
 * death probabilities q(year, sex, age), and the 2006 national disability survey structure.
 * Loaded once, read-only afterwards, shared by all threads.
 */
#ifndef DPSIM_REFERENCE_H
#define DPSIM_REFERENCE_H

#include <stddef.h>

#include "core/ctx.h"
#include "core/dims.h"

enum { DP_N_AGEGROUP = 3 }; /* 0-14, 15-59, 60+: the only national age split published */
enum { DP_REF_MAX_INPUT = 16 };

typedef struct {
    /* Life table. */
    int year0;                    /**< first calendar year of q (2015) */
    size_t n_year;                /**< years covered (2015..2035 -> 21); outside: nearest year */
    double *q;                    /**< [n_year][DP_N_SEX][DP_N_AGE]: probability that a person
                                       aged a (completed years) at the start of the year dies
                                       within it; q[.., 100] is for the open group 100+ */
    double e0_wpp[4][DP_N_SEX];   /**< WPP e0 for 2015-20, 2020-25, 2025-30, 2030-35 (check) */
    /* 2006 national survey structure (survey2006_national_structure.csv). */
    double type_share[DP_N_TYPE]; /**< shares of the disabled by type */
    double severe_share;          /**< share in grades 1-2 (0.2962) */
    double grade_within[DP_N_GRADE]; /**< grade split: g1, g2 as shares of severe; g3, g4 as
                                          shares of grades 3-4 (Beijing 2006, see CSV) */
    double severe_share_type[DP_N_TYPE]; /**< severe share by type where published (speech
                                              > 0.65, mental > 0.45), NAN elsewhere */
    double male_share;            /**< 0.5155 */
    double agegroup_share[DP_N_AGEGROUP];      /**< shares of the disabled by age group */
    double agegroup_prevalence[DP_N_AGEGROUP]; /**< prevalence by age group (derived, scaled) */
    /* National residents by sex and 5-year age group (0-4 ... 95-99, 100+), end of 2020
     * (china_population_2020_5yr_assumption.csv: constructed, ASSUMPTION): the age structure
     * of a region file that gives none. */
    double pop5[DP_N_SEX][21];
    /* Provincial type shares (2006), for regions whose province is listed; NAN otherwise. */
    size_t n_province;
    char province[4][32];
    double province_type_share[4][DP_N_TYPE];
    /* Files read, for the output's provenance. */
    size_t n_input;
    char input_path[DP_REF_MAX_INPUT][256];
    char input_sha256[DP_REF_MAX_INPUT][65];
} dp_reference;

/* Loads every reference table from data_dir/reference/. *out owns its arrays. */
dp_status dp_reference_load(dp_ctx *ctx, const char *data_dir, dp_reference **out);
void dp_reference_free(dp_reference *ref);

/* q(year, sex, age): single-year death probability; year clamped to the covered range. */
double dp_reference_q(const dp_reference *ref, int year, size_t sex, size_t age);

/* Period life expectancy at birth from the single-age q of one calendar year (for checks). */
double dp_reference_e0(const dp_reference *ref, int year, size_t sex);

/* Type shares for a province (case-insensitive match), or the national shares. Borrowed. */
const double *dp_reference_type_share(const dp_reference *ref, const char *province);

#endif
