/* model/core/results.h
 *
 * dp_results: what a run produces, independent of the engine: labelled axes and tables of
 * doubles. A per-run table has shape [n_run][dims...]; a base table (per_run = 0) has no run
 * dimension (e.g. the base-year fit). The HDF5 writer (output.h) writes any dp_results without
 * knowing the model; the reader gives the same structure back.
 *
 * Tables of both engines (tables.c; docs/output-schema.md lists them with units):
 *   population     [year, region, sex, age]                       persons
 *   disabled_age   [year, region, sex, age]                       persons
 *   disabled_age_grade [year, region, sex, age, grade]            persons
 *   disabled       [year, region, type, grade, certified, household] persons
 *   indicators     [year, region, indicator]                      persons
 *   flows          [year, region, flow]                           persons
 *   recipients     [year, region, programme]                      persons (end of year)
 *   person_months  [year, region, programme, grade]               person-months
 *   amount         [year, programme, grade]                       yuan/person/month
 *   spending       [year, region, programme]                      yuan
 *   fit            [region, marginal, fitstat]      (base table)  persons
 *   take_up        [region, programme]              (base table)  share
 *   disabled_base  [region, sex, age, grade]        (base table)  persons
 *   parameters     [parameter]       (only with distributions)    the keys' own units
 * and, added by the command after the run: settings (compare.c), sensitivity (sensitivity.c),
 * targets and target_* (targets.c).
 */
#ifndef DPSIM_RESULTS_H
#define DPSIM_RESULTS_H

#include <stddef.h>

#include "core/ctx.h"

enum { DP_MAX_RANK = 8, DP_MAX_AXES = 48, DP_MAX_TABLES = 96 };

typedef struct {
    char name[32];    /**< "year", "region", "sex", "age", ... */
    size_t n;         /**< length */
    char **label;     /**< English labels [n], owned */
    char **label_zh;  /**< Chinese labels [n], owned (English repeated where none) */
    double *value;    /**< numeric coordinate (year, age) [n], owned, or NULL */
} dp_axis;

typedef struct {
    char name[32];          /**< dataset name */
    char unit[24];          /**< "persons", "yuan", "share", "person-months", "yuan/person/month" */
    char title[256];        /**< English description */
    char title_zh[256];     /**< Chinese description */
    int per_run;            /**< 1: leading run dimension; 0: base table */
    size_t rank;            /**< number of axes (excluding run) */
    size_t axis[DP_MAX_RANK]; /**< indices into dp_results.axis */
    size_t size;            /**< elements per run (product of the axis lengths) */
    double *data;           /**< [n_run][size] or [size], owned, zero-initialised */
} dp_table;

typedef struct {
    size_t n_run;
    size_t n_axis;
    dp_axis axis[DP_MAX_AXES];
    size_t n_table;
    dp_table table[DP_MAX_TABLES];
} dp_results;

/* Allocates empty results for n_run runs. */
dp_results *dp_results_alloc(size_t n_run);
void dp_results_free(dp_results *res);

/* Adds an axis with n labels (label_zh may be NULL: English is repeated; value may be NULL).
 * Copies everything. Returns the axis index through *index. */
dp_status dp_results_add_axis(dp_ctx *ctx, dp_results *res, const char *name, size_t n,
                              const char *const *label, const char *const *label_zh,
                              const double *value, size_t *index);
/* Finds an axis by name; returns its index or (size_t)-1. */
size_t dp_results_find_axis(const dp_results *res, const char *name);

/* Adds a zeroed table over the named axes (a NULL-terminated list of axis names). */
dp_status dp_results_add_table(dp_ctx *ctx, dp_results *res, const char *name, const char *unit,
                               const char *title, const char *title_zh, int per_run,
                               const char *const *axes, dp_table **out);
/* Finds a table by name, or NULL. */
dp_table *dp_results_find(const dp_results *res, const char *name);

/* Pointer to the data of run `run` of a table. */
double *dp_table_run(const dp_table *t, size_t run);

#endif
