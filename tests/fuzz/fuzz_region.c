/* tests/fuzz/fuzz_region.c — libFuzzer target: the region-file loader (dp_region_load): the
 * population and its age table, disabled totals and marginals, recipients, reported figures.
 * Every outcome must be DP_OK or an error with a message; a crash, a sanitizer report, a leak
 * or an empty message is a finding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/ctx.h"
#include "input/region.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_write(0, "r.yaml", data, size);
    dp_ctx *ctx = dp_ctx_alloc();
    if (!ctx) {
        return 0;
    }
    dp_region_input *in = malloc(sizeof *in);
    if (in) {
        dp_status rc = dp_region_load(ctx, path, in);
        if (rc != DP_OK && dp_ctx_errmsg(ctx)[0] == '\0') {
            fprintf(stderr, "fuzz_region: status %d without a message\n", (int)rc);
            abort();
        }
        if (rc == DP_OK) {
            dp_region_clear(in); /* the reported figures are on the heap */
        }
        free(in);
    }
    dp_ctx_free(ctx);
    return 0;
}
