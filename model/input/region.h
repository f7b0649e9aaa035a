/* model/input/region.h
 *
 * dp_region_input: what one data/regions/<id>.yaml file says about a region in its base year:
 * resident population and its broad structure, demographic rates, the disabled total, the known
 * counts the base population is fitted to (marginals), base-year programme recipients (to
 * calibrate take-up), and administrative figures kept for "actual vs model" tables.
 * The file format is documented in docs/scenarios.md ("Region files").
 */
#ifndef DPSIM_REGION_H
#define DPSIM_REGION_H

#include <stddef.h>

#include "core/ctx.h"
#include "input/params.h"

/* Marginals the base population can be fitted to. Each is a subset of the disabled cells. */
typedef enum {
    DP_MARG_CERTIFIED = 0,    /**< "certified": holders of the disability card */
    DP_MARG_SEVERE,           /**< "severe": grades 1-2 */
    DP_MARG_SEVERE_CERTIFIED, /**< "severe_certified": grades 1-2 with the card */
    DP_MARG_DIBAO,            /**< "dibao": disabled persons in dibao households */
    DP_MARG_DIBAO_CERTIFIED,  /**< "dibao_certified": certified persons in dibao households */
    DP_MARG_MARGINAL,         /**< "marginal": disabled persons in marginal households */
    DP_MARG_AGED60,           /**< "aged60": disabled persons aged 60+ */
    DP_MARG_CHILDREN,         /**< "children": disabled persons aged 0-14 */
    DP_N_MARG
} dp_marg_kind;
extern const char *const dp_marg_key[DP_N_MARG];

enum { DP_REGION_MAX_REPORTED = 32, DP_REGION_STR = 96 };
enum { DP_AGE_NONE = 0, DP_AGE_GROUPS = 1, DP_AGE_SINGLE = 2 };
enum { DP_N_AGE5 = 21 }; /* 5-year age groups 0-4 ... 95-99 and the open 100+ */

typedef struct {
    char key[48];              /**< e.g. "medical_insured" */
    double value;              /**< the figure */
    char unit[16];             /**< "persons", "households", "yuan" */
    char source[DP_REGION_STR];/**< short source tag */
} dp_reported;

typedef struct {
    char id[32];                    /**< file stem, e.g. "daan" */
    char name_en[64];               /**< "Da'an city" */
    char name_zh[64];               /**< "大安市" */
    char province[32];              /**< "Jilin"; used to pick provincial type shares */
    char code[8];                   /**< `code:` administrative code (GB/T 2260), "" if none */
    char parent[32];                /**< `parent:` id of its node in the region hierarchy
                                         (input/hierarchy.h), "" if none */
    int code_line, code_col;        /**< where `code:` was written (for the hierarchy check) */
    int parent_line, parent_col;    /**< where `parent:` was written */
    int base_year;                  /**< year the figures describe (end of year) */
    double population;              /**< residents [persons] */
    double age_share[3];            /**< shares aged 0-14, 15-59, 60+; NAN = national */
    double sex_ratio;               /**< males per 100 females; NAN = national */
    int age_input;                  /**< residents by age given as: DP_AGE_NONE (the shares, or
                                         the national table), DP_AGE_GROUPS (5-year groups) or
                                         DP_AGE_SINGLE (single ages) */
    double age_pop[DP_N_SEX][DP_N_AGE]; /**< [sex][group or age]: 21 groups 0-4 ... 95-99, 100+, or
                                         101 single ages 0 ... 99, 100+; persons, any scale (the
                                         model scales them to `population`) */
    double birth_rate;              /**< births per resident per year */
    double migration_rate;          /**< net migration per resident per year */
    double disabled_total;          /**< all disabled persons (survey definition) [persons] */
    double type_share[DP_N_TYPE];   /**< type shares of the disabled; NAN = national */
    double marginal[DP_N_MARG];     /**< known base-year counts; NAN = unknown */
    double recipients[DP_N_PROG];   /**< base-year recipients per programme; NAN = unknown */
    size_t n_reported;              /**< administrative figures kept for comparison */
    dp_reported reported[DP_REGION_MAX_REPORTED];
} dp_region_input;

/* Loads data/regions/<id>.yaml at path into out (validated; errors are file:line:col). */
dp_status dp_region_load(dp_ctx *ctx, const char *path, dp_region_input *out);

#endif
