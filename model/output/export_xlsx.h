/* model/output/export_xlsx.h
 *
 * The Excel writer of dp_export (output/export.h). It is built into libdpsim_xlsx.a rather
 * than libdpsim.a: a program that writes workbooks links libdpsim_xlsx.a and libxlsxwriter
 * (Debian libxlsxwriter-dev) and passes dp_export_xlsx_open to dp_export; everything else
 * links libdpsim alone.
 */
#ifndef DPSIM_EXPORT_XLSX_H
#define DPSIM_EXPORT_XLSX_H

#include "output/export.h"

/* Opens the workbook writer of path: creates its temporary file next to path and the contents
 * sheet. DP_EINPUT when path names no file or its folder cannot be written. */
dp_status dp_export_xlsx_open(dp_ctx *ctx, const char *path, dp_export_writer **out);

#endif
