/* model/core/sha256.h
 *
 * SHA-256 digests (sha256.c, nettle's sha2) as 64 lowercase hex digits plus NUL: of a file, to
 * record which inputs produced an output, and of a buffer (the resolved scenario text).
 * Thread-safe.
 */
#ifndef DPSIM_SHA256_H
#define DPSIM_SHA256_H

#include <stddef.h>

#include "core/ctx.h"

/* SHA-256 of the file at path into hex[65]. DP_EINPUT when it cannot be read. */
dp_status dp_sha256_file(dp_ctx *ctx, const char *path, char hex[65]);
/* SHA-256 of len bytes at buf into hex[65]. */
void dp_sha256_hex(const void *buf, size_t len, char hex[65]);

#endif
