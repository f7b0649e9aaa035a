/* model/input/region.h
 *
 * dp_region_input: what one data/regions/<id>.yaml file says about a region in its base year
 * (one of several when the file has `bases:`):
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

enum { DP_REGION_STR = 96, DP_REGION_MAX_BASES = 16 };
enum { DP_AGE_NONE = 0, DP_AGE_GROUPS = 1, DP_AGE_SINGLE = 2 };
enum { DP_N_AGE5 = 21 }; /* 5-year age groups 0-4 ... 95-99 and the open 100+ */

/* What a reported figure says about the true value: equal to it (rounded), or a bound. */
typedef enum {
    DP_BOUND_EXACT = 0, /**< the figure (default) */
    DP_BOUND_LOWER,     /**< "15,000+", "more than 12 million": the true value is at least this */
    DP_BOUND_UPPER,     /**< "nearly 15 million": the true value is at most this */
    DP_N_BOUND
} dp_bound;
extern const char *const dp_bound_key[DP_N_BOUND]; /* "exact", "lower", "upper" */

/* How the figure was obtained (the QUOTED / DERIVED / ASSUMPTION tags of the data files). */
typedef enum {
    DP_REP_QUOTED = 0, /**< on the cited source (default) */
    DP_REP_DERIVED,    /**< computed from quoted figures (the file's comment says how) */
    DP_REP_ASSUMPTION, /**< assumed (the comment says why) */
    DP_REP_NOT_VERIFIED, /**< from a plan or secondary page, no public source found */
    DP_N_REP_STATUS
} dp_rep_status;
extern const char *const dp_rep_status_key[DP_N_REP_STATUS];

/* An administrative figure for one quantity the model computes, dated. A stock (recipients,
 * card holders) is its value at the reference point: the end of `month` of `year` (12, the end
 * of the year, by default; `at: mid` is the end of June). A total over several years (`from` <
 * `year`) sums a yearly quantity (persons served, homes renovated, spending) over the calendar
 * years from ... year. The keys and their units: dp_reported_key_unit. */
typedef struct {
    char key[48];               /**< a dp_indicator key or a key of dp_reported_extra_key */
    double value;               /**< the figure, in unit */
    char unit[16];              /**< the key's unit: "persons", "households", "yuan", "share",
                                     "person-times", "yuan per person" */
    char source[DP_REGION_STR]; /**< short source tag */
    int year;                   /**< year of the reference point */
    int month;                  /**< reference point: the end of this month, 1-12 */
    int mid;                    /**< 1 if given as `at: mid` (month is then 6) */
    int from;                   /**< first year of a multi-year total; = year for one year */
    dp_bound bound;             /**< exact figure, lower or upper bound */
    dp_rep_status status;       /**< quoted, derived, assumption, not_verified */
} dp_reported;

/* The unit of a reported-figure key, or NULL if the model computes no such quantity. The keys
 * are the indicators of the catalogue (indicators.h) and four the model computes without an
 * indicator: dibao_certified, pension_participants, medical_participants, rehab_recipients
 * (docs/scenarios.md "Reported figures"). Static text. */
const char *dp_reported_key_unit(const char *key);

/* The province names a region file may give: the 31 provinces, autonomous regions and
 * municipalities, Hong Kong, Macau, Taiwan, and "China" for the whole country. Returns an index
 * (0-34, the order of docs/scenarios.md) for name in English (any case) or Chinese (short, as
 * 吉林, or full, as 吉林省; 全国 or 中国 for China), or -1. */
int dp_province_find(const char *name);

typedef struct {
    char id[32];                    /**< file stem, e.g. "daan" */
    char name_en[64];               /**< "Da'an city" */
    char name_zh[64];               /**< "大安市" */
    char province[32];              /**< "Jilin" (as in dp_province_en, whatever the file's
                                         spelling); picks provincial type shares */
    char code[8];                   /**< `code:` administrative code (GB/T 2260), "" if none */
    char parent[32];                /**< `parent:` id of its node in the region hierarchy
                                         (input/hierarchy.h), "" if none */
    int code_line, code_col;        /**< where `code:` was written (for the hierarchy check) */
    int parent_line, parent_col;    /**< where `parent:` was written */
    int base_year;                  /**< year the base figures below describe (end of year) */
    size_t n_base;                  /**< base years the file holds (1 without `bases:`) */
    int base_years[DP_REGION_MAX_BASES]; /**< [n_base], increasing */
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
    double std_growth[DP_N_PROG];   /**< `standards:`: the yearly increase of the programme's
                                         standard, (v_last / v_first)^(1 / (y_last - y_first))
                                         - 1, over the dated standards the file gives; NAN =
                                         none (status_quo: trend applies it, docs/model.md) */
    int std_from[DP_N_PROG], std_to[DP_N_PROG]; /**< the years it spans */
    size_t n_reported;              /**< administrative figures kept for comparison */
    dp_reported *reported;          /**< [n_reported], heap (dp_region_clear frees it); NULL
                                         when there are none */
} dp_region_input;

/* Loads data/regions/<id>.yaml at path into out (validated; errors are file:line:col). On
 * success out owns its reported figures: release them with dp_region_clear. On error *out is
 * untouched. */
dp_status dp_region_load(dp_ctx *ctx, const char *path, dp_region_input *out);
/* As dp_region_load, with the base figures of base_year when the file holds several (`bases:`);
 * without that year (or with base_year 0) the latest base. The caller compares out->base_year
 * with the year it needs (out->base_years lists the file's). */
dp_status dp_region_load_base(dp_ctx *ctx, const char *path, int base_year, dp_region_input *out);
/* Frees what dp_region_load allocated in r (its reported figures) and empties them; r itself
 * stays. NULL is allowed. */
void dp_region_clear(dp_region_input *r);

#endif
