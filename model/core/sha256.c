/* model/core/sha256.c
 *
 * SHA-256 digests of input files (nettle's sha2), as 64 lowercase hex digits. The scenario
 * loader records one for every file it reads, so that an output file names exactly which
 * inputs produced it. Files are read in 64 KiB blocks; nothing is kept.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <nettle/sha2.h>

#include "core/sha256.h"

static void
to_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0x0f];
    }
    hex[64] = '\0';
}

void
dp_sha256_hex(const void *buf, size_t len, char hex[65])
{
    struct sha256_ctx h;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, len, buf);
    sha256_digest(&h, sizeof digest, digest);
    to_hex(digest, hex);
}

dp_status
dp_sha256_file(dp_ctx *ctx, const char *path, char hex[65])
{
    dp_status rc = DP_OK;
    FILE *f = fopen(path, "rb");
    struct sha256_ctx h;
    uint8_t digest[SHA256_DIGEST_SIZE];
    unsigned char block[65536];

    if (!f) {
        return dp_error(ctx, DP_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    }
    sha256_init(&h);
    for (;;) {
        size_t got = fread(block, 1, sizeof block, f);
        sha256_update(&h, got, block);
        if (got < sizeof block) {
            break;
        }
    }
    if (ferror(f)) {
        rc = dp_error(ctx, DP_EIO, "%s: read error", path);
        goto out;
    }
    sha256_digest(&h, sizeof digest, digest);
    to_hex(digest, hex);
out:
    fclose(f);
    return rc;
}
