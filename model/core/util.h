/* model/core/util.h
 *
 * Small helpers shared by the library's modules (private): a string copy and a whole-file
 * reader with the library's error conventions.
 */
#ifndef DPSIM_UTIL_H
#define DPSIM_UTIL_H

#include <stddef.h>

#include "core/ctx.h"

/* A malloc'd copy of s, or NULL when out of memory. The caller frees it. */
char *dp_strdup(const char *s);

/* Reads the whole file at path into a malloc'd, NUL-terminated buffer (*buf, owned by the
 * caller; *len bytes before the NUL). A file that is missing, unreadable, a folder, or larger
 * than max_bytes is bad input (DP_EINPUT, "PATH: cannot open: REASON" or "PATH: larger than N
 * bytes"); a read error part-way is DP_EIO; DP_ENOMEM when memory runs out. */
dp_status dp_file_read(dp_ctx *ctx, const char *path, size_t max_bytes, char **buf, size_t *len);

#endif
