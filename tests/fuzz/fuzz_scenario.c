/* tests/fuzz/fuzz_scenario.c — libFuzzer target: the scenario loader (dp_scenario_load), with
 * its `extends:` chains, key checks, distributions, targets and the region files it names
 * (the shipped data/ folder, or DPSIM_DATA).
 *
 * Input: a scenario file. If it contains a line "#--base--", the text after that line is
 * written as base.yaml beside it, and a second "#--base--" starts base2.yaml, so that
 * `extends: base.yaml` (and base.yaml's `extends: base2.yaml`) exercise the overlay merge and
 * the chain's checks (cycles, depth, positions in the right file). Every outcome must be DP_OK
 * or an error with a message that names a file; anything else (a crash, ASan/UBSan report, a
 * leak, an empty message) is a finding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "input/scenario.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SEP[] = "#--base--\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"s.yaml", "base.yaml", "base2.yaml"};
    const uint8_t *part = data;
    size_t left = size, n_part = 0;
    const char *first = NULL;
    /* Remove the previous input's bases, so that a part missing now is missing on disk too. */
    for (int k = 1; k < 3; k++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", fz_dir(), names[k]);
        remove(p);
    }
    while (n_part < 3) {
        const uint8_t *cut = NULL;
        for (size_t i = 0; n_part < 2 && i + sizeof SEP - 1 <= left; i++) {
            if (memcmp(part + i, SEP, sizeof SEP - 1) == 0) {
                cut = part + i;
                break;
            }
        }
        size_t len = cut ? (size_t)(cut - part) : left;
        const char *p = fz_write((int)n_part, names[n_part], part, len);
        if (n_part == 0) {
            first = p;
        }
        n_part++;
        if (!cut) {
            break;
        }
        left -= len + sizeof SEP - 1;
        part = cut + sizeof SEP - 1;
    }
    const char *data_dir = getenv("DPSIM_DATA");
    dp_ctx *ctx = dp_ctx_alloc();
    if (!ctx) {
        return 0;
    }
    dp_scenario *s = NULL;
    dp_status rc = dp_scenario_load(ctx, first, data_dir && *data_dir ? data_dir : "data", &s);
    if (rc == DP_OK) {
        /* Walk what a run reads first: the resolved text and the inputs' digests. */
        volatile size_t n = strlen(dp_scenario_text(s)) + dp_scenario_n_region(s);
        for (size_t i = 0; i < dp_scenario_n_input(s); i++) {
            n += strlen(dp_scenario_input_sha256(s, i));
        }
        (void)n;
        dp_scenario_free(s);
    } else if (dp_ctx_errmsg(ctx)[0] == '\0') {
        fprintf(stderr, "fuzz_scenario: status %d without a message\n", (int)rc);
        abort();
    }
    dp_ctx_free(ctx);
    return 0;
}
