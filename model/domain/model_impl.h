/* model/domain/model_impl.h
 *
 * Private to the model: the dp_model struct, the per-year rate tables both engines read, and
 * the rate functions that fill them. These functions are the one statement of the model's
 * equations (docs/model.md); the cohort engine applies them to expected counts and the micro
 * engine to individual persons, so the two cannot drift apart.
 */
#ifndef DPSIM_MODEL_IMPL_H
#define DPSIM_MODEL_IMPL_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "domain/model.h"
#include "domain/programmes.h"
#include "domain/trend.h"

/* Programmes whose take-up follows a trend under status_quo: trend (the first two), and the
 * statistics of base/trend_fit. */
enum { DP_N_TREND = 2, DP_N_TRENDSTAT = 10 };

typedef struct {
    double pop[DP_N_SEX * DP_N_AGE];   /**< base-year residents (disabled included) [persons] */
    double cells[DP_N_CELL];           /**< base-year disabled persons by cell [persons] */
    double marginal[DP_N_MARG];        /**< fitted marginals of the base population */
    double target[DP_N_MARG];          /**< the region file's marginals (NAN = none) */
    double take_up[DP_N_PROG];         /**< calibrated take-up */
    dp_take_up_source take_up_source[DP_N_PROG]; /**< where the take-up came from */
    double take_up_dist_mean[DP_N_PROG]; /**< status_quo: frozen, a distribution on a
                                            calibrated take-up: its mean (each replicate's
                                            take-up is take_up x draw / this); else 0 */
    double eligible[DP_N_TREND];       /**< base-year eligible persons of the living and care
                                            subsidies (only computed when calibrating) */
    dp_trend_fit trend[DP_N_TREND];    /**< status_quo: trend: the take-up trend of the living
                                            and care subsidies (on = 0: none) */
    double birth_rate;                 /**< region file value [1/yr] */
    double migration_rate;             /**< region file value [1/yr] */
    double certify[2];                 /**< base-year certifications per uncertified person
                                            by severity (severe, other) that replace the card
                                            holders' deaths: only for balancing the household
                                            entries (the projection's certification is
                                            dp_rates_certify's) */
    double hh_entry[DP_N_CERT][2];     /**< balanced entry probability other -> dibao,
                                            other -> marginal, by certification */
    double onset_hh[DP_N_HH];          /**< household distribution of new onsets */
    double cert_share[DP_N_AGEGROUP][2]; /**< certified share of the base-year disabled by age
                                            group (0-14, 15-59, 60+) and severity group (grades
                                            1-2, 3-4), both sexes: what the balanced
                                            certification keeps */
    double mix[DP_N_TYPE * DP_N_GRADE];/**< type x grade mix of new onsets (sums to 1) */
    double onset_scale;                /**< region prevalence / national profile's */
    double onset[DP_N_SEX * DP_N_AGE]; /**< the region's yearly onset probability among the
                                            non-disabled, before onset_multiplier: keeps its
                                            own base-year prevalence by age (base.c) */
    size_t ipf_iterations;             /**< iterations the fit took */
    int base_year;                     /**< the year this region is projected from (its file's
                                            base; the run's, years.start - 1, unless the run
                                            mixes bases: docs/model.md) */
    double prevalence[DP_N_AGE];       /**< the national profile p(age) under this region's
                                            base-year life table (m->prevalence when the base
                                            is the run's) */
    double q_scale[DP_N_AGE];          /**< the non-disabled q scale under that profile */
} dp_region_base;

struct dp_model {
    dp_params p;                       /**< the scenario's parameters (copied) */
    const dp_reference *ref;           /**< borrowed reference data (life table) */
    size_t n_region;
    dp_region_input *in;               /**< copies of the region inputs [n_region] */
    dp_region_base *base;              /**< [n_region] */
    double prevalence[DP_N_AGE];       /**< smooth national prevalence profile p(age) */
    double q_scale[DP_N_AGE];          /**< non-disabled q = life-table q x q_scale: removes
                                            the disabled's excess deaths from the all-population
                                            life table, 1 / (1 + p(a) (RR - 1)) */
    double onset[DP_N_SEX * DP_N_AGE]; /**< derived yearly onset probability among the
                                            non-disabled, before onset_multiplier */
    unsigned short *marg_cat;          /**< [DP_N_MARG][DP_N_CELL]: 1 if the cell counts
                                            towards marginal k, else 0 */
};

/* 1 if a cell with these attributes counts towards marginal k. */
int dp_marg_member(dp_marg_kind k, size_t sex, size_t age, size_t type, size_t grade,
                   size_t cert, size_t hh);

/* One year's transition probabilities for one region, filled by dp_rates_year. */
struct dp_year_rates {
    int year;
    double q_nd[DP_N_SEX * DP_N_AGE];              /**< death prob., non-disabled */
    double q_d[DP_N_SEX * DP_N_AGE * DP_N_TYPE * DP_N_GRADE]; /**< death prob., disabled */
    double onset[DP_N_SEX * DP_N_AGE];             /**< onset prob. among the non-disabled */
    double worsen[DP_N_AGE];                       /**< one grade more severe */
    double improve;                                /**< one grade less severe */
    double certify[DP_N_AGE * DP_N_GRADE];         /**< uncertified -> certified [age][grade]
                                                      (the grade after step 4; balanced by
                                                      dp_rates_certify unless the scenario
                                                      sets the rate) */
    double decertify[DP_N_AGE * DP_N_GRADE];       /**< certified -> uncertified [age][grade]:
                                                      only when the balanced rate would be
                                                      negative (a chance excess of card
                                                      holders in a micro replicate) */
    double hh[DP_N_GRADE * DP_N_CERT * DP_N_HH * DP_N_HH]; /**< [grade][cert][from][to]
                                                      household moves (grades differ only by
                                                      dibao_supplement's single-person entry) */
    double birth_rate;                             /**< births per resident */
    double sex_male_birth;                         /**< share of births that are boys */
    double migration_rate;                         /**< crude net migration per resident */
    double migration_factor;                       /**< disabled_migration_factor */
    double migration_nd[DP_N_AGE];                 /**< net migration probability by age,
                                                        non-disabled (dp_rates_migration) */
    double migration_d[DP_N_AGE];                  /**< the same, disabled: x factor */
    int migration_any;                             /**< 1 if some migration_d is not 0 */
    dp_prog_rules prog;                            /**< programme rules of the year */
};

/* Fills r with the transition probabilities of `year` in region `reg` under parameters p (the
 * model's own m->p, or one replicate's draw of them; the base year is always m's). Pure
 * function of its arguments; thread-safe. */
void dp_rates_year(const dp_model *m, const dp_params *p, size_t reg, int year,
                   dp_year_rates *r);

/* The age profile of migration (Rogers-Castro, docs/model.md §2 step 9): relative net
 * migration at age a, before scaling to the region's rate. */
double dp_migration_profile(size_t age);

/* Scales the year's migration schedule to the residents at the start of the year (nd the
 * non-disabled [DP_N_SEX * DP_N_AGE], cells the disabled [DP_N_CELL]): migration_nd[a] =
 * k x profile(a), migration_d[a] = factor x migration_nd[a], with k such that
 * sum over (s, a) of migration_nd[a] nd(s, a) + migration_d[a] D(s, a) = migration_rate x all
 * residents. dp_rates_year scales it to the base-year residents; the engines call this with
 * their own start-of-year counts. */
void dp_rates_migration(dp_year_rates *r, const double *nd, const double *cells);

/* The balanced certification of the year (docs/model.md §2 step 5) from the residents at the
 * start of the year (nd [DP_N_SEX * DP_N_AGE], cells [DP_N_CELL]): for each age group G
 * (0-14, 15-59, 60+) and severity group k (grades 1-2, 3-4) where the scenario gives no rate,
 * the probability that brings the certified share of the expected persons who will end the
 * year in G (ages G - 1 during it; 100+ stays), after deaths, onsets, grade change and the
 * year's migration (r's migration_d: call dp_rates_migration first), to the
 * base year's share of (G, k). Where that needs fewer card holders than there are, the excess
 * loses the card instead (decertify), so that the net number certified stays linear in the
 * counts. Capped at 1. dp_rates_year sets it from the base-year counts; the engines call this
 * with their own start-of-year counts. */
void dp_rates_certify(const dp_model *m, const dp_params *p, size_t reg, dp_year_rates *r,
                      const double *nd, const double *cells);

/* Programme eligibility of every cell in year and region reg, card included
 * (dp_prog_eligible): mask[prog * DP_N_CELL + cell] = 0/1. */
void dp_rates_mask(const dp_params *p, int year, size_t reg, unsigned char *mask);

/* ------------------------------------------------------------------------------------------ */
/* What a year records (the engines' tables, engines/tables.h, store them) */

/* Flows recorded per region and year [persons]. */
enum {
    DP_FL_BIRTHS,
    DP_FL_DEATHS_ND,
    DP_FL_DEATHS_D,
    DP_FL_ONSETS,
    DP_FL_MIGRATION_ND,
    DP_FL_MIGRATION_D,
    DP_FL_CERTIFIED,
    DP_FL_WORSENED,
    DP_FL_IMPROVED,
    DP_FL_DIBAO_IN,
    DP_FL_DIBAO_OUT,
    DP_FL_JOBS_IN,          /**< entries into work (step 7) */
    DP_FL_JOBS_OUT,         /**< exits from work, retirement at 60 included */
    DP_FL_JOBS_FROM_DIBAO,  /**< entries into work of persons in dibao households */
    DP_FL_RENOVATIONS,      /**< persons whose homes were renovated (step 7) */
    DP_N_FLOW
};

/* Headline indicators [persons]. */
enum {
    DP_IN_DISABLED,
    DP_IN_SEVERE,
    DP_IN_AGED60,
    DP_IN_CHILDREN,
    DP_IN_CERTIFIED,
    DP_IN_SEVERE_CERTIFIED,
    DP_IN_DIBAO,
    DP_IN_MARGINAL,
    DP_N_IND
};
/* The indicators table holds the stock indicators, then the programme indicators
 * (programmes.h, DP_PI_*). */
enum { DP_N_IND_ALL = DP_N_IND + DP_N_PI };

/* Step 9 for the non-disabled residents nd [DP_N_SEX * DP_N_AGE] (general.c): births from
 * pop_start (all residents at the start of the year), net migration, ageing; adds the births
 * and migration flows to fl. */
void dp_general_step(const dp_year_rates *r, double pop_start, double *nd, double *fl);

/* ------------------------------------------------------------------------------------------ */
/* Base-year synthesis and fit of one region (base.c). */
dp_status dp_base_build(dp_ctx *ctx, const dp_model *m, const dp_region_input *in,
                        dp_region_base *b);

/* Smooth national prevalence profile and the onset rates derived from it (base.c). */
dp_status dp_base_profiles(dp_ctx *ctx, dp_model *m);

/* Generic iterative proportional fitting (ipf.c). Each constraint assigns every cell to a
 * category cat[i] < n_cat; categories with a finite target are scaled to it, the others are
 * left free. Iterates until every finite target is met within tol (relative) or max_iter. */
typedef struct {
    const unsigned short *cat; /**< category of each cell [n]; NULL when block > 0 */
    size_t n_cat;              /**< number of categories */
    const double *target;      /**< target per category [n_cat]; NAN = free */
    size_t block;              /**< if > 0, cells form contiguous runs of this length and
                                    cell i is in category i / block (no cat array needed) */
} dp_ipf_con;

dp_status dp_ipf(dp_ctx *ctx, double *x, size_t n, const dp_ipf_con *con, size_t n_con,
                 double tol, size_t max_iter, double *work, size_t *iterations);

/* Whether the reported figure rp is one the take-up trend of programme prog is fitted to with
 * figures up to fit_until: its recipients at a reference point in a year <= fit_until. */
int dp_trend_uses(const dp_reported *rp, size_t prog, int fit_until);
/* status_quo: trend: the take-up of programme prog (< DP_N_TREND) of region reg in year: the
 * fitted trend (or replicate p->trend_rep - 1's draw of it), scaled so that the fitted trend
 * reproduces a calibrated base-year take-up, clamped to [0, 1]. Only when the region's trend
 * is on. */
/* The trend parameters (a, g) of programme prog of region reg that replicate p->trend_rep - 1
 * projects: a draw from the fit's joint normal distribution (dp_trend_draw, on the stream of
 * (p->trend_seed, rep, DP_MAX_UNCERTAIN + reg * DP_N_TREND + prog)); the fit when trend_rep is
 * 0. */
void dp_trend_params(const dp_model *m, const dp_params *p, size_t reg, size_t prog, double *a,
                     double *g);
double dp_trend_take_up(const dp_model *m, const dp_params *p, size_t reg, size_t prog,
                        int year);

#endif
