/* model/engines/tables.h
 *
 * The result tables both engines fill (tables.c; docs/output-schema.md): their axes, the
 * per-(run, year, region) accumulation of flows, stocks and programme results, and the
 * budget table. Private to the engines; tests include it.
 */
#ifndef DPSIM_TABLES_H
#define DPSIM_TABLES_H

#include <stddef.h>

#include "domain/model_impl.h"
#include "engines/engines.h"

/* ------------------------------------------------------------------------------------------ */
/* Result tables shared by both engines (tables.c) */

/* The tables of a run, inside its dp_results. */
typedef struct {
    size_t n_region, n_year;
    size_t n_pre;         /**< years from the earliest region base year to the run's base year
                               (years.start - 1): 0 unless the run mixes base years */
    dp_table *population, *disabled_age, *disabled_age_grade, *disabled, *indicators, *flows,
        *recipients, *person_months, *amount, *spending, *fit, *take_up, *parameters,
        *disabled_base, *pipeline, *spending_real, *spending_level, *services, *overlap,
        *employment_spending, *budget, *population_base, *certified_age_grade, *trend_growth;
    unsigned char *masks; /**< eligibility, card included
                               [n_pre + n_year + 1][n_class][DP_N_PROG][DP_N_CELL]: the
                               earliest base year first */
    dp_prog_groups *groups; /**< programme groups [n_pre + n_year + 1][n_class]: likewise */
    size_t n_class;         /**< region classes (dp_prog_region_classes): 1 unless a rule is
                                 limited to some regions */
    size_t *cls;            /**< class of each region [n_region] */
} dp_tables;

/* Creates the results of a run of opts->runs replicates: axes, the zeroed per-run tables, the
 * base tables (filled), runs/parameters when m->p has distributions, and the masks. */
dp_status dp_tables_init(dp_ctx *ctx, const dp_model *m, size_t runs, dp_results **out,
                         dp_tables *tb);
void dp_tables_free(dp_tables *tb); /* frees the masks only */

/* The parameters of replicate rep (central when runs == 1 or there are no distributions),
 * with the draws written to runs/parameters and the amounts to runs/amount. r: a generator from
 * dp_rng_alloc (used only when drawing). */
void dp_tables_replicate(const dp_tables *tb, const dp_model *m, const dp_engine_opts *opts,
                         size_t rep, gsl_rng *r, dp_params *out);

/* Years region reg projects before the run's base year (its base is that much earlier). */
size_t dp_tables_pre(const dp_model *m, size_t reg);

/* Flows of (run, year index, region): DP_N_FLOW doubles to add to. */
double *dp_tables_flows(const dp_tables *tb, size_t run, size_t yi, size_t reg);

/* Records end-of-year stocks: disabled persons by cell and non-disabled residents by sex and
 * age. */
void dp_tables_stocks(const dp_tables *tb, size_t run, size_t yi, size_t reg, const double *cells,
                      const double *nd);

/* Records a run's base-year residents of region reg by sex and age, as that run starts from
 * them (the micro engine's whole persons; the cohort engine's fitted base): nd the
 * non-disabled, dis the disabled [DP_N_SEX * DP_N_AGE]. */
void dp_tables_base_population(const dp_tables *tb, size_t run, size_t reg, const double *nd,
                               const double *dis);

/* Eligibility masks ([DP_N_PROG][DP_N_CELL]) and programme groups of region reg in year index
 * yi of the run (0 = years.start, -1 = the run's base year, down to -1 - n_pre: the earliest
 * region base year). */
const unsigned char *dp_tables_masks(const dp_tables *tb, long yi, size_t reg);
const dp_prog_groups *dp_tables_groups(const dp_tables *tb, long yi, size_t reg);

/* Records one (run, year index, region)'s programme results (programmes.h) into the tables:
 * recipients, person_months, spending, spending_real, spending_level, pipeline, services,
 * overlap, employment_spending and the programme rows of indicators. */
void dp_tables_prog(const dp_tables *tb, size_t run, size_t yi, size_t reg,
                    const dp_prog_result *pr);

/* After every task of a run: the budget table (total spending of all regions, the ceiling and
 * whether the total exceeds it) of each replicate, rp[run] its parameters. */
void dp_tables_budget(const dp_tables *tb, const dp_params *rp, size_t runs);

#endif
