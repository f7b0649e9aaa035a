/* model/src/model_impl.h
 *
 * Private to the model: the dp_model struct, the per-year rate tables both engines read, and
 * the rate functions that fill them. These functions are the one statement of the model's
 * equations (docs/model.md); the cohort engine applies them to expected counts and the micro
 * engine to individual persons, so the two cannot drift apart.
 */
#ifndef DPSIM_MODEL_IMPL_H
#define DPSIM_MODEL_IMPL_H

#include <stddef.h>

#include "dpsim/model.h"

typedef struct {
    double pop[DP_N_SEX * DP_N_AGE];   /**< base-year residents (disabled included) [persons] */
    double cells[DP_N_CELL];           /**< base-year disabled persons by cell [persons] */
    double marginal[DP_N_MARG];        /**< fitted marginals of the base population */
    double target[DP_N_MARG];          /**< the region file's marginals (NAN = none) */
    double take_up[DP_N_PROG];         /**< calibrated take-up */
    dp_take_up_source take_up_source[DP_N_PROG]; /**< where the take-up came from */
    double birth_rate;                 /**< region file value [1/yr] */
    double migration_rate;             /**< region file value [1/yr] */
    double certify[2];                 /**< balanced certification probability by severity
                                            (severe, other) */
    double hh_entry[DP_N_CERT][2];     /**< balanced entry probability other -> dibao,
                                            other -> marginal, by certification */
    double onset_hh[DP_N_HH];          /**< household distribution of new onsets */
    double mix[DP_N_TYPE * DP_N_GRADE];/**< type x grade mix of new onsets (sums to 1) */
    double onset_scale;                /**< region prevalence / national profile's */
    size_t ipf_iterations;             /**< iterations the fit took */
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
typedef struct {
    int year;
    double q_nd[DP_N_SEX * DP_N_AGE];              /**< death prob., non-disabled */
    double q_d[DP_N_SEX * DP_N_AGE * DP_N_TYPE * DP_N_GRADE]; /**< death prob., disabled */
    double onset[DP_N_SEX * DP_N_AGE];             /**< onset prob. among the non-disabled */
    double worsen[DP_N_AGE];                       /**< one grade more severe */
    double improve;                                /**< one grade less severe */
    double certify[DP_N_GRADE * DP_N_HH];          /**< uncertified -> certified [grade][hh] */
    double hh[DP_N_CERT * DP_N_HH * DP_N_HH];      /**< [cert][from][to] household moves */
    double birth_rate;                             /**< births per resident */
    double sex_male_birth;                         /**< share of births that are boys */
    double migration_nd;                           /**< net migration, non-disabled */
    double migration_d;                            /**< net migration, disabled */
    double amount[DP_N_PROG * DP_N_GRADE];         /**< monthly amounts in force [yuan] */
    int marginal_eligible;                         /**< living subsidy open to marginal hh */
} dp_year_rates;

/* Fills r with the transition probabilities of `year` in region `reg`. Pure function of the
 * model and its arguments; thread-safe. */
void dp_rates_year(const dp_model *m, size_t reg, int year, dp_year_rates *r);

/* Monthly amount of programme prog for grade index g in year (date-ranged value, indexed at
 * the yearly rate since the key year in force). */
double dp_rates_amount(const dp_params *p, size_t prog, size_t g, int year);

/* Eligibility of a cell for programme prog (cells of the same block differ in type, grade,
 * cert, hh). marginal_eligible says whether marginal households qualify this year. */
int dp_rates_eligible(size_t prog, size_t sex, size_t age, size_t type, size_t grade, size_t cert,
                      size_t hh, int marginal_eligible);

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

#endif
