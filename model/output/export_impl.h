/* model/output/export_impl.h
 *
 * Private to the exporters (export_table.c, export_csv.c, export_xlsx.c): the tidy table model
 * both writers lay out, the provenance rows both write, and the writer interface the driver
 * (dp_export) calls. docs/export.md describes the result.
 */
#ifndef DPSIM_EXPORT_IMPL_H
#define DPSIM_EXPORT_IMPL_H

#include <stddef.h>

#include "core/ctx.h"
#include "core/results.h"
#include "output/export.h"
#include "output/output.h"

/* 万元: the unit of Chinese budget documents. */
#define DP_EXPORT_WAN 1.0e4

/* How a table's unit is labelled and shown. */
typedef struct {
    const char *unit;     /**< the units attribute of the table */
    const char *label;    /**< units-row text, stored unit */
    const char *xlsx_fmt; /**< Excel number format of the stored unit (NULL: General) */
    int wan;              /**< 1: shown in 万元 in Excel, with extra 万元 columns in CSV */
} dp_export_unit;

/* The units-row text of 万元 columns. */
extern const char dp_export_wan_label[];

/* The columns of one exported table. */
typedef enum { DP_COL_AXIS, DP_COL_AXIS_ZH, DP_COL_STAT, DP_COL_RUN, DP_COL_VALUE } dp_col_kind;

typedef struct {
    dp_col_kind kind;
    size_t k;             /**< axis position in the table, statistic index or run index */
    double divisor;       /**< the stored value divided by this is written (10,000 for 万元) */
    const char *xlsx_fmt; /**< Excel number format, NULL for General */
    char head[160];       /**< bilingual header */
    char unit[64];        /**< units-row text */
} dp_export_column;

/* One table to export and what to put in it. */
typedef struct {
    const dp_results *res;  /**< axes and per-run or base data (borrowed) */
    const dp_table *t;      /**< the table (in res) */
    const dp_results *summ; /**< the summary of the scenario (borrowed) */
    const dp_table *st;     /**< the table's summary (NULL for a base table) */
    const size_t *stat;     /**< indices into the summary's stat axis */
    size_t n_stat;
    int runs; /**< one column per run */
} dp_export_table;

typedef enum { DP_EXPORT_CSV, DP_EXPORT_XLSX } dp_export_target;

/* How a unit attribute is labelled and shown; an unknown unit is shown as it is. */
dp_export_unit dp_export_unit_lookup(const char *unit);
/* How table t is labelled: its unit, except the two yuan tables shown as stored (amount, per
 * person and month, year or unit; budget, whose exceeds item is 1 or 0). */
dp_export_unit dp_export_table_unit(const dp_results *res, const dp_table *t);
/* The Chinese name of an axis (docs/export.md); an unknown axis keeps its English name. */
const char *dp_export_axis_zh(const char *name);
/* Builds the columns of table src for target into *out (caller frees). */
dp_status dp_export_columns(dp_ctx *ctx, const dp_export_table *src, dp_export_target tg,
                            dp_export_column **out, size_t *n_out);
/* The value of column c in row (element) i. */
double dp_export_cell(const dp_export_table *src, const dp_export_column *c, size_t i);
/* Axis positions of element i of table t (row-major, last axis fastest). */
void dp_export_element_index(const dp_results *res, const dp_table *t, size_t i, size_t *idx);

/* What the provenance of an export says: the file, this export, and every exported scenario
 * with its dp_output_info. */
typedef struct {
    const char *results;      /**< the results file as given */
    const char *export_cmd;   /**< the export command */
    const char *exported_utc; /**< when, ISO 8601 UTC */
    char *const *scen;        /**< [n_scen] the exported scenarios */
    dp_output_info *const *info;
    size_t n_scen;
} dp_export_prov;

/* A provenance row of the CSV file and the Excel sheet. */
typedef struct {
    const char *item;   /**< bilingual item name */
    char value[512];    /**< short value (longer ones are given by pointer) */
    const char *text;   /**< long value (command line), or NULL to use value */
    const char *sha256; /**< third column, or NULL */
} dp_export_prov_row;

/* Fills rows (at most max) with the file-level provenance (info: any scenario's); returns the
 * count. */
size_t dp_export_prov_file(const dp_export_prov *p, const dp_output_info *info,
                           dp_export_prov_row *row, size_t max);
/* Fills rows with one scenario's provenance (without its text); returns the count. */
size_t dp_export_prov_scenario(const char *scenario, const dp_output_info *info,
                               dp_export_prov_row *row, size_t max);

/* Whether name can name a file or folder: not empty, not starting with '.', no '/', '\\' or
 * control characters. */
int dp_export_file_safe(const char *name);
/* "<dir>/.<base>.tmp.<pid>" for "<dir>/<base>" (caller frees; NULL out of memory). */
char *dp_export_temp_name(const char *path);

/* A writer. The driver calls table for every exported table, scenario after each scenario's
 * tables, finish when every scenario is done (everything written and flushed, still under
 * temporary names), commit to rename into place; on any failure discard (removes every
 * temporary file and folder made; a no-op once committed); free always, last. */
struct dp_export_writer {
    dp_status (*table)(dp_ctx *ctx, dp_export_writer *w, const char *scenario, int one_scenario,
                       const dp_export_table *src);
    dp_status (*scenario)(dp_ctx *ctx, dp_export_writer *w, const dp_export_prov *p, size_t s);
    dp_status (*finish)(dp_ctx *ctx, dp_export_writer *w, const dp_export_prov *p);
    dp_status (*commit)(dp_ctx *ctx, dp_export_writer *w);
    void (*discard)(dp_export_writer *w);
    void (*free)(dp_export_writer *w);
};

/* The CSV writer of folder dir (export_csv.c). */
dp_status dp_export_csv_open(dp_ctx *ctx, const char *dir, dp_export_writer **out);

#endif
