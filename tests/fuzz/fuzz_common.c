/* tests/fuzz/fuzz_common.c — the scratch folder of the fuzz targets (fuzz_common.h). */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[512];
static char paths[4][600];

static void
cleanup(void)
{
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        if (paths[i][0]) {
            unlink(paths[i]);
        }
    }
    if (dir[0]) {
        rmdir(dir);
    }
}

const char *
fz_dir(void)
{
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/dpsim-fuzz-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(dir)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(cleanup);
    }
    return dir;
}

const char *
fz_write(int slot, const char *name, const uint8_t *buf, size_t len)
{
    char *p = paths[slot];
    snprintf(p, sizeof paths[0], "%s/%s", fz_dir(), name);
    FILE *f = fopen(p, "wb");
    if (!f || (len > 0 && fwrite(buf, 1, len, f) != len) || fclose(f) != 0) {
        perror("fuzz: writing the input");
        abort();
    }
    return p;
}
