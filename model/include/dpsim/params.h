/* model/include/dpsim/params.h
 *
 * dp_params: every number of a resolved scenario that the model reads, as plain data (no
 * pointers), so that a replicate can copy it and overwrite drawn values. Filled by
 * dp_scenario_load from the YAML keys documented in docs/scenarios.md; dp_params_default gives
 * the documented defaults. A value of NAN means "take it from the region file" or "calibrate"
 * where the member's comment says so.
 *
 * dp_sched is a date-ranged value: {2021: 1200, 2023: 1800} means 1200 from 2021 and 1800 from
 * 2023 on; before the first key the first value applies.
 */
#ifndef DPSIM_PARAMS_H
#define DPSIM_PARAMS_H

#include <stddef.h>

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "dpsim/dims.h"
#include "dpsim/dist.h"

enum { DP_SCHED_MAX = 24 };

typedef struct {
    size_t n;                   /**< number of (year, value) pairs, 0 = unset */
    int year[DP_SCHED_MAX];     /**< first year each value applies, strictly increasing */
    double value[DP_SCHED_MAX]; /**< the value from that year on */
} dp_sched;

/* Value in force in year (step function). Before the first key, the first value; NAN if unset. */
double dp_sched_at(const dp_sched *s, int year);
/* The key year whose value is in force in year (the first key if year is earlier); 0 if unset. */
int dp_sched_key(const dp_sched *s, int year);
/* Sets s to the constant v (one pair, keyed at year 0). */
void dp_sched_const(dp_sched *s, double v);

/* Programmes of this slice; later issues extend the list. */
enum { DP_PROG_LIVING = 0, DP_PROG_CARE = 1, DP_N_PROG = 2 };
extern const char *const dp_prog_key[DP_N_PROG];      /* "living_subsidy", "care_subsidy" */
extern const char *const dp_prog_label_zh[DP_N_PROG]; /* 困难残疾人生活补贴, 重度残疾人护理补贴 */

typedef struct {
    int enabled;                  /**< 1 = programme runs (default 1) */
    dp_sched monthly[DP_N_GRADE]; /**< amount by grade [yuan/person/month] */
    double index_rate;            /**< yearly indexation after the dated value in force [1/yr] */
    double take_up;               /**< share of eligible persons paid [0,1]; NAN = calibrate to
                                       the region's base-year recipients */
    int marginal_from;            /**< living subsidy: first year marginal (低保边缘) households
                                       are eligible; 0 = never */
} dp_prog_params;

/* A scenario parameter given as a distribution ({dist: lognormal, median: 1, sd_log: 0.1}).
 * The draw of one replicate is written to every double listed in offset[] (one key may set
 * several members, e.g. `monthly: {dist: ...}` sets the amount of every grade). The parsed
 * dp_params holds the distribution's mean (clamped to [min, max]) in those members: that is
 * the central value a single run projects. */
enum { DP_MAX_UNCERTAIN = 64, DP_UNCERTAIN_TARGETS = DP_N_GRADE };
typedef struct {
    char name[96];                        /**< the key path, e.g. "rates.onset_multiplier" or
                                               "programmes.care_subsidy.monthly.grade1.2023" */
    dp_dist dist;                         /**< the distribution */
    double min, max;                      /**< the key's admissible range; draws are clamped */
    size_t n_target;                      /**< doubles the draw is written to (>= 1) */
    size_t offset[DP_UNCERTAIN_TARGETS];  /**< their byte offsets in dp_params */
} dp_uncertain;

typedef struct {
    int year_start;                  /**< first projected year (base year = year_start - 1) */
    int year_end;                    /**< last projected year, <= 2100 */
    /* General population. */
    dp_sched birth_rate;             /**< births per resident per year; unset = region file */
    double sex_ratio_birth;          /**< male births per 100 female births */
    dp_sched migration_rate;         /**< net migration per resident per year; unset = region */
    double disabled_migration_factor;/**< disabled persons' migration relative to others */
    double mortality_improvement;    /**< extra yearly decline of q beyond WPP [1/yr] */
    /* Disability transitions. */
    double mort_rr_grade[DP_N_GRADE];/**< death-probability multiplier by grade */
    double mort_rr_type[DP_N_TYPE];  /**< further multiplier by type */
    double onset_multiplier;         /**< scales the derived onset rates */
    double worsen_rate[2];           /**< yearly prob. of one grade more severe: age <60, 60+ */
    double improve_rate;             /**< yearly prob. of one grade less severe */
    double certify_rate[2];          /**< yearly prob. an uncertified person is certified:
                                          severe (grades 1-2), other; NAN = balanced (replaces
                                          the card holders' deaths in the base year) */
    double dibao_exit;               /**< yearly prob. a dibao household leaves dibao */
    double marginal_exit;            /**< yearly prob. a marginal household leaves that status */
    double dibao_entry;              /**< yearly prob. other -> dibao; NAN = balanced (keeps the
                                          base-year shares stationary) */
    double marginal_entry;           /**< yearly prob. other -> marginal; NAN = balanced */
    dp_prog_params prog[DP_N_PROG];  /**< programmes */
    /* Parameter uncertainty: the keys given as distributions, in the order of the scenario's
     * key table (so parameter ids do not depend on the order keys are written in the file). */
    size_t n_uncertain;
    dp_uncertain uncertain[DP_MAX_UNCERTAIN];
} dp_params;

/* Fills p with the documented defaults (docs/scenarios.md) for years 2021-2035. */
void dp_params_default(dp_params *p);

/* Replicate rep's parameters: a copy of p with uncertain parameter i replaced by a draw from
 * the stream dp_rng_stream(r, seed, rep, i, 0, DP_EV_PARAM), clamped to its [min, max]. The
 * draws are also stored in values[i] (may be NULL). r is any generator from dp_rng_alloc(). A
 * parameter's draw depends only on (seed, rep, i) and its distribution. */
void dp_params_draw(const dp_params *p, uint64_t seed, uint32_t rep, gsl_rng *r, dp_params *out,
                    double *values);

#endif
