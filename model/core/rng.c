/* model/core/rng.c
 *
 * Philox4x32-10 (Random123) as a gsl_rng, through Random123's GSL_MICRORNG macro, and the
 * mapping from (seed, replicate, entity, year, event) to a Philox key and counter described in
 * dpsim/rng.h. Invariants: counter word 3 is 0 at every reset (the wrapper ORs its block number
 * into it); the generator holds no state outside its gsl_rng. Workload: a reset per person or
 * cell per event per year, i.e. billions per national run, so dp_rng_stream() only builds two
 * small arrays and stores them.
 */
#include <assert.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

/* The code GSL_MICRORNG expands to mixes integer widths on purpose (it ORs a 64-bit block
 * number into a 32-bit counter word, converts an unsigned long to double, stores ~0 in an
 * unsigned field); it is correct but trips -Wconversion (and -Wsign-conversion, which the
 * Makefile leaves off). Silence those two for Random123's code only. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#include <Random123/gsl_microrng.h>
#include <Random123/philox.h>

/* GSL_MICRORNG also defines an external pointer named gsl_rng_<NAME>. The library may export
 * only dp_* symbols (make check-symbols), so the pasted name is renamed here; the pasted token is
 * rescanned for macros (C11 6.10.3.4). dpsim never reads that pointer: it uses the static type
 * dp_philox_type directly. */
#define gsl_rng_dp_philox dp_rng_philox_gsl_type
GSL_MICRORNG(dp_philox, philox4x32);
#pragma GCC diagnostic pop

#include "core/rng.h"

gsl_rng *
dp_rng_alloc(void)
{
    gsl_rng *r = gsl_rng_alloc(&dp_philox_type);
    if (r == NULL) {
        return NULL;
    }
    /* gsl_rng_alloc leaves key and counter uninitialised (the wrapper's set() ignores seeds);
     * give them a defined value. */
    dp_rng_stream(r, 0, 0, 0, 0, DP_EV_DEATH);
    return r;
}

void
dp_rng_free(gsl_rng *r)
{
    if (r == NULL) {
        return;
    }
    gsl_rng_free(r);
}

void
dp_rng_stream(gsl_rng *r, uint64_t seed, uint32_t rep, uint32_t entity, int year_offset,
              dp_event event)
{
    dp_rng_stream_at(r, seed, 0, rep, entity, year_offset, event);
}

void
dp_rng_stream_at(gsl_rng *r, uint64_t seed, uint32_t region, uint32_t rep, uint32_t entity,
                 int year_offset, dp_event event)
{
    assert(r != NULL && r->type == &dp_philox_type);
    assert(year_offset >= 0 && year_offset <= DP_RNG_MAX_YEAR_OFFSET);
    assert((unsigned)event < 256u);
    assert(region < (1u << 12) && (region == 0 || rep < (1u << 20)));
    philox4x32_ctr_t ctr = {{(region << 20) | rep, entity,
                             ((uint32_t)year_offset << 8) | ((uint32_t)event & 0xffu), 0}};
    philox4x32_key_t key = {{(uint32_t)(seed & 0xffffffffu), (uint32_t)(seed >> 32)}};
    dp_philox_reset(r, ctr, key);
}

void
dp_rng_block(uint64_t seed, uint32_t region, uint32_t rep, uint64_t id, int year_offset,
             dp_event event, uint32_t out[4])
{
    philox4x32_ctr_t ctr = {{(region << 20) | rep, (uint32_t)(id & 0xffffffffu),
                             ((uint32_t)year_offset << 8) | ((uint32_t)event & 0xffu),
                             (uint32_t)(id >> 32)}};
    philox4x32_key_t key = {{(uint32_t)(seed & 0xffffffffu), (uint32_t)(seed >> 32)}};
    philox4x32_ctr_t v = philox4x32(ctr, key);
    out[0] = v.v[0];
    out[1] = v.v[1];
    out[2] = v.v[2];
    out[3] = v.v[3];
}

/* Philox4x32-10 (Salmon et al., SC'11) over LANES counters at once, in structure-of-arrays
 * form so that the compiler can use vector multiplies (32 x 32 -> 64 bits) across lanes. Each
 * round maps (x0, x1, x2, x3) to (hi(M1 x2) ^ x1 ^ k0, lo(M1 x2), hi(M0 x0) ^ x3 ^ k1,
 * lo(M0 x0)), and the key is bumped by the Weyl constants between rounds; this must equal
 * Random123's philox4x32 (test_rng checks it against dp_rng_block). */
enum { LANES = 64 };

__attribute__((target_clones("avx2", "default"), optimize("tree-vectorize"))) static void
philox_lanes(uint32_t *restrict x0, uint32_t *restrict x1, uint32_t *restrict x2,
             uint32_t *restrict x3, uint32_t k0, uint32_t k1)
{
    for (int round = 0; round < 10; round++) {
        for (size_t i = 0; i < LANES; i++) {
            uint64_t p0 = (uint64_t)0xD2511F53u * x0[i];
            uint64_t p1 = (uint64_t)0xCD9E8D57u * x2[i];
            uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1[i] ^ k0;
            uint32_t y2 = (uint32_t)(p0 >> 32) ^ x3[i] ^ k1;
            x1[i] = (uint32_t)p1;
            x3[i] = (uint32_t)p0;
            x0[i] = y0;
            x2[i] = y2;
        }
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
}

void
dp_rng_blocks(uint64_t seed, uint32_t region, uint32_t rep, const uint64_t *id, size_t n,
              int year_offset, dp_event event, uint32_t (*out)[4])
{
    uint32_t x0[LANES], x1[LANES], x2[LANES], x3[LANES];
    uint32_t w0 = (region << 20) | rep;
    uint32_t w2 = ((uint32_t)year_offset << 8) | ((uint32_t)event & 0xffu);
    for (size_t lo = 0; lo < n; lo += LANES) {
        size_t nb = n - lo < LANES ? n - lo : LANES;
        for (size_t i = 0; i < LANES; i++) {
            uint64_t v = i < nb ? id[lo + i] : 0;
            x0[i] = w0;
            x1[i] = (uint32_t)(v & 0xffffffffu);
            x2[i] = w2;
            x3[i] = (uint32_t)(v >> 32);
        }
        philox_lanes(x0, x1, x2, x3, (uint32_t)(seed & 0xffffffffu), (uint32_t)(seed >> 32));
        for (size_t i = 0; i < nb; i++) {
            out[lo + i][0] = x0[i];
            out[lo + i][1] = x1[i];
            out[lo + i][2] = x2[i];
            out[lo + i][3] = x3[i];
        }
    }
}

const char *
dp_rng_name(void)
{
    return "philox4x32-10";
}
