/* model/output/seal.h
 *
 * The seal of a results file: every file dpsim writes starts with a 512-byte HDF5 user block
 * (HDF5 finds the superblock after it; h5py, h5dump, netCDF and R read such files unchanged)
 * whose first line is "DPSIM-SHA256 <64 hex digits>\n": the SHA-256 of the file's bytes from
 * 512 to the end, written after the file is closed and before it is renamed into place. The
 * reader checks it before HDF5 sees the file. A file whose seal matches is read as it is; a file
 * without a seal (older dpsim, another tool) or whose seal differs (changed or cut short after
 * writing) is first read whole in a child process (dp_seal_probe), because HDF5 1.10's decoder
 * can crash on corrupted metadata, so that a damaged file is an error message and never a crash.
 * docs/output-schema.md, README "Reliability".
 */
#ifndef DPSIM_SEAL_H
#define DPSIM_SEAL_H

#include "core/ctx.h"

/* The user block's size in bytes (an HDF5 user block is a power of 2 >= 512). */
#define DP_SEAL_BYTES 512

/* Writes the seal into the user block of the closed file at path. */
dp_status dp_seal_write(dp_ctx *ctx, const char *path);

typedef enum {
    DP_SEAL_OK,      /**< sealed, and the seal matches */
    DP_SEAL_NONE,    /**< no seal (not written by this dpsim, or the block was replaced) */
    DP_SEAL_CHANGED, /**< a seal that does not match: changed or cut short after writing */
} dp_seal_state;

/* Checks the seal of the file at path into *state. DP_EINPUT when it cannot be read. A file
 * whose seal matched earlier in this process, unchanged since (device, inode, size, mtime and
 * ctime), is not hashed again. */
dp_status dp_seal_check(dp_ctx *ctx, const char *path, dp_seal_state *state);

/* Reads every dataset and attribute of the HDF5 file at path in a child process. DP_OK when the
 * child ended (whether or not HDF5 reported errors: the caller's reader reports those); an
 * input error naming the file when reading it crashed the child. */
dp_status dp_seal_probe(dp_ctx *ctx, const char *path);

#endif
