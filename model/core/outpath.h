/* model/core/outpath.h
 *
 * Output-path safety (issue 14): before a command writes anything, dp_outpath_check decides
 * whether a file may be written at a path, so that an output never destroys an input of the
 * same run and never replaces something that is not a plain file. Every writer of dpsim
 * (dpsim run -o, dpsim export --xlsx/--csv) calls it before any work, and the writers remove
 * stale temporary files of earlier, killed runs with dp_outpath_clean_stale.
 *
 * The rules (README "Reliability", docs/output-schema.md):
 *   - the output may not be an input of the run: same device and inode as any input path,
 *     links followed (so the input itself, a hard link to it and a symbolic link to it are all
 *     refused);
 *   - an existing output must be a regular file: a symbolic link, a folder, a FIFO, a device
 *     or a socket is refused (dpsim replaces files by rename(2), which would replace the link
 *     or the node itself, not what it points to);
 *   - an existing file without write permission is "do not replace" unless force is set;
 *     one of another user in a sticky folder (such as /tmp), which rename(2) may not replace,
 *     is refused;
 *   - the folder must exist and be writable, and the name (plus the 13 bytes the temporary name
 *     adds) must fit NAME_MAX of the folder's file system and PATH_MAX.
 * A refusal is DP_EINPUT with one plain sentence naming the path (no system or HDF5 text).
 *
 * Temporary names: the writers write "<folder>/.<name>.tmp.<pid>" and rename it over
 * "<folder>/<name>" when complete (dp_outpath_temp_name).
 */
#ifndef DPSIM_OUTPATH_H
#define DPSIM_OUTPATH_H

#include <stddef.h>

#include "core/ctx.h"

/* Bytes the temporary name adds to the file name: ".", ".tmp." and a pid of up to 7 digits. */
enum { DP_OUTPATH_TMP_EXTRA = 13 };

/* May a file called path be written (created, or replaced by rename)? inputs[0..n_input) are
 * the files the run reads (borrowed; a path that does not exist is skipped); what names the
 * output in messages ("results file", "workbook"); force: replace an existing read-only file.
 * Writes nothing: the folder's writability is probed by creating and removing the temporary
 * name. DP_OK or DP_EINPUT with the reason; DP_ENOMEM. */
dp_status dp_outpath_check(dp_ctx *ctx, const char *path, const char *const *inputs,
                           size_t n_input, int force, const char *what);

/* May files be written under the folder dir (created with its parents when missing)? Refuses
 * a dir that exists and is not a folder (an input file, a FIFO, ...) or is one of the inputs,
 * and a missing dir under a path that is not a folder. DP_OK or DP_EINPUT. */
dp_status dp_outpath_check_dir(dp_ctx *ctx, const char *dir, const char *const *inputs,
                               size_t n_input, const char *what);

/* Whether an existing path may be replaced by a rename: 1 when it does not exist or is a
 * regular file (not a link), 0 otherwise (with *why a short description: "a symbolic link",
 * "a folder", "a FIFO", "a device", "a socket"). */
int dp_outpath_replaceable(const char *path, const char **why);

/* "<dir>/.<base>.tmp.<pid>" for path "<dir>/<base>" (caller frees; NULL: out of memory). */
char *dp_outpath_temp_name(const char *path);

/* Removes the temporary files ".<base>.tmp.<pid>" beside path that a killed earlier run left
 * behind: those whose pid is not a running process (and not this process). Returns how many
 * were removed. Never touches path itself or any other name. */
size_t dp_outpath_clean_stale(const char *path);

#endif
