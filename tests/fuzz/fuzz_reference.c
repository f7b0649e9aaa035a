/* tests/fuzz/fuzz_reference.c — libFuzzer target: the CSV reader (dp_csv_load, every field
 * read as text and as a number) and the reference-data loader (dp_reference_load) with one of
 * its files replaced by the input.
 *
 * At start-up the shipped reference folder (DPSIM_DATA or data, its reference/ files) is copied
 * into the scratch folder. The input's first byte picks which reference file it replaces (by
 * index, modulo the number of files); the rest is that file's text. So the fuzzer explores
 * both the CSV syntax (quotes, comments, ragged rows, numbers) and the checks of each table's
 * meaning (missing columns, ages out of order, shares out of range). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/csv.h"
#include "core/ctx.h"
#include "input/reference.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

enum { MAX_FILES = 64 };
static char names[MAX_FILES][256];
static uint8_t *texts[MAX_FILES];
static size_t lens[MAX_FILES];
static size_t n_files;
static char data_dir[600];

static int
by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            uint8_t *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *d = getenv("DPSIM_DATA");
    char src[600];
    snprintf(src, sizeof src, "%s/reference", d && *d ? d : "data");
    DIR *dir = opendir(src);
    if (!dir) {
        perror(src);
        abort();
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && n_files < MAX_FILES) {
        size_t l = strlen(e->d_name);
        if (l > 4 && l < sizeof names[0] && strcmp(e->d_name + l - 4, ".csv") == 0) {
            memcpy(names[n_files++], e->d_name, l + 1);
        }
    }
    closedir(dir);
    qsort(names, n_files, sizeof names[0], by_name);
    snprintf(data_dir, sizeof data_dir, "%s/data", fz_dir());
    char ref[700];
    snprintf(ref, sizeof ref, "%s/reference", data_dir);
    if (mkdir(data_dir, 0700) != 0 || mkdir(ref, 0700) != 0) {
        perror("fuzz_reference: mkdir");
        abort();
    }
    for (size_t i = 0; i < n_files; i++) {
        char p[900];
        snprintf(p, sizeof p, "%s/%s", src, names[i]);
        texts[i] = slurp(p, &lens[i]);
        if (!texts[i]) {
            perror(p);
            abort();
        }
    }
    return 0;
}

static void
put(size_t i, const uint8_t *buf, size_t len)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/reference/%s", data_dir, names[i]);
    FILE *f = fopen(p, "wb");
    if (!f || (len > 0 && fwrite(buf, 1, len, f) != len) || fclose(f) != 0) {
        perror(p);
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || n_files == 0) {
        return 0;
    }
    size_t pick = data[0] % n_files;
    dp_ctx *ctx = dp_ctx_alloc();
    if (!ctx) {
        return 0;
    }
    /* The CSV reader alone, on the text. */
    const char *path = fz_write(0, "t.csv", data + 1, size - 1);
    dp_csv *csv = NULL;
    if (dp_csv_load(ctx, path, &csv) == DP_OK) {
        volatile size_t n = strlen(dp_csv_comment(csv));
        for (size_t r = 0; r < dp_csv_n_rows(csv); r++) {
            for (size_t c = 0; c < dp_csv_n_cols(csv); c++) {
                double x;
                n += strlen(dp_csv_field(csv, r, c));
                (void)dp_csv_double(ctx, csv, r, c, &x);
            }
        }
        (void)n;
        dp_csv_free(csv);
    } else if (dp_ctx_errmsg(ctx)[0] == '\0') {
        abort();
    }
    /* The reference loader with that file replaced, every other file as shipped (the one
     * the previous input replaced is put back). */
    static size_t last = (size_t)-1;
    if (last == (size_t)-1) {
        for (size_t i = 0; i < n_files; i++) {
            put(i, texts[i], lens[i]);
        }
    } else if (last != pick) {
        put(last, texts[last], lens[last]);
    }
    put(pick, data + 1, size - 1);
    last = pick;
    dp_reference *ref = NULL;
    dp_ctx_clear(ctx);
    dp_status rc = dp_reference_load(ctx, data_dir, &ref);
    if (rc == DP_OK) {
        dp_reference_free(ref);
    } else if (dp_ctx_errmsg(ctx)[0] == '\0') {
        fprintf(stderr, "fuzz_reference: status %d without a message\n", (int)rc);
        abort();
    }
    dp_ctx_free(ctx);
    return 0;
}
