/* model/output/export.h
 *
 * Exporting a results file to CSV files and/or an Excel workbook (docs/export.md): every table
 * becomes one long ("tidy") table, one row per element, with a bilingual header row and a
 * units row. The file is read with the library's reader only (output.h).
 *
 * The tidy table model and the driver are export_table.c, the CSV writer export_csv.c (both
 * in libdpsim); the Excel writer is export_xlsx.c, built into a library of its own
 * (libdpsim_xlsx.a) so that libdpsim does not need libxlsxwriter: a program that writes
 * workbooks links libdpsim_xlsx.a and libxlsxwriter and passes dp_export_xlsx_open
 * (output/export_xlsx.h) to dp_export.
 *
 * Nothing is written under a requested name unless the whole export succeeds: every file is
 * written under a temporary name and renamed into place at the end; any failure removes every
 * temporary file and every folder the export created.
 */
#ifndef DPSIM_EXPORT_H
#define DPSIM_EXPORT_H

#include <stddef.h>

#include "core/ctx.h"

/* What to export. Every pointer is borrowed for the call. */
typedef struct {
    const char *path;         /**< the results file */
    const char *csv_dir;      /**< CSV files under this folder, or NULL */
    const char *xlsx;         /**< an Excel workbook of this name, or NULL */
    char *const *scenario;    /**< only these scenario groups; none: all */
    size_t n_scenario;
    char *const *table;       /**< only these tables; none: all */
    size_t n_table;
    char *const *stat;        /**< these statistics; none: mean, p05, p95; {"all"}: every one */
    size_t n_stat;
    int runs;                 /**< also one column per run */
    const char *region;       /**< only this region or node of the hierarchy (its roll-up,
                                   engines/rollup.h dp_rollup_view), or NULL: every region */
    const char *command_line; /**< the export command, for the provenance */
} dp_export_request;

/* One output being written (CSV folder or workbook); opaque. */
typedef struct dp_export_writer dp_export_writer;

/* Opens the writer of a workbook at path (dp_export_xlsx_open). */
typedef dp_status (*dp_export_open_fn)(dp_ctx *ctx, const char *path, dp_export_writer **out);

/* Exports as req asks. open_xlsx opens the workbook when req->xlsx is set (NULL: workbooks
 * are refused). DP_EINPUT for a file, scenario, table or statistic that is not there, or an
 * output that cannot be created, with a message naming it; DP_EIO, DP_ENOMEM otherwise. */
dp_status dp_export(dp_ctx *ctx, const dp_export_request *req, dp_export_open_fn open_xlsx);

#endif
