/* model/core/util.c
 *
 * Small helpers shared by the library's modules: dp_strdup and dp_file_read (see util.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"

char *
dp_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) {
        memcpy(d, s, n);
    }
    return d;
}

dp_status
dp_file_read(dp_ctx *ctx, const char *path, size_t max_bytes, char **out, size_t *len)
{
    dp_status rc = DP_OK;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    struct stat st;
    FILE *f = fopen(path, "rb");
    *out = NULL;
    *len = 0;
    if (!f) {
        return dp_error(ctx, DP_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    }
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = dp_error(ctx, DP_EINPUT, "%s: cannot open: %s", path, strerror(EISDIR));
        goto out;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= max_bytes) {
                if (fgetc(f) == EOF) {
                    break; /* exactly max_bytes long */
                }
                rc = dp_error(ctx, DP_EINPUT, "%s: larger than %zu bytes", path, max_bytes);
                goto out;
            }
            size_t ncap = cap ? 2 * cap : 8192;
            ncap = ncap > max_bytes ? max_bytes : ncap;
            char *nb = realloc(buf, ncap + 1);
            if (!nb) {
                rc = dp_error(ctx, DP_ENOMEM, "%s: out of memory reading the file", path);
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        rc = dp_error(ctx, DP_EIO, "%s: read error", path);
        goto out;
    }
    if (!buf) {
        buf = malloc(1);
        if (!buf) {
            rc = dp_error(ctx, DP_ENOMEM, "%s: out of memory reading the file", path);
            goto out;
        }
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    fclose(f);
    return rc;
}
