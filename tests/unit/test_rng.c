/* tests/unit/test_rng.c
 *
 * Counter-based random streams (rng.c): Philox4x32-10 against Random123's published known-answer
 * vectors, the documented key/counter layout, reproducibility of a stream, independence of
 * streams that differ in one field, common random numbers (drawing more from one stream leaves
 * another's numbers unchanged) and a chi-square test of uniformity.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "dp_test.h"
#include "core/ctx.h"
#include "core/rng.h"

typedef struct {
    dp_ctx *ctx;
    gsl_rng *r;
} fixture;

static int
setup(void **state)
{
    gsl_set_error_handler_off();
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return -1;
    }
    f->ctx = dp_ctx_alloc();
    f->r = dp_rng_alloc();
    *state = f;
    return f->ctx && f->r ? 0 : -1;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    dp_rng_free(f->r);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* Random123 1.14, tests/kat_vectors (github.com/DEShawResearch/random123), the three
 * "philox4x32 10" lines: counter (4 words), key (2 words), expected output (4 words). The Debian
 * package does not ship that file; the lines were read from the upstream file. */
static const struct {
    uint32_t ctr[4], key[2], out[4];
} kat[] = {
    {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
     {0x00000000, 0x00000000},
     {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

static philox4x32_ctr_t
philox_direct(const uint32_t c[4], const uint32_t k[2])
{
    philox4x32_ctr_t ctr = {{c[0], c[1], c[2], c[3]}};
    philox4x32_key_t key = {{k[0], k[1]}};
    return philox4x32(ctr, key);
}

static void
test_rng_philox_known_answers(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        philox4x32_ctr_t out = philox_direct(kat[i].ctr, kat[i].key);
        for (size_t w = 0; w < 4; w++) {
            /* Expected: kat_vectors, see above. */
            assert_int_equal(out.v[w], kat[i].out[w]);
        }
    }
}

static void
test_rng_zero_stream_gives_known_answer(void **state)
{
    gsl_rng *r = ((fixture *)*state)->r;
    /* Seed 0, rep 0, entity 0, year offset 0, event 0 (DP_EV_DEATH) is counter {0,0,0,0} and key
     * {0,0}: the first kat_vectors line. gsl_microrng.h hands out the block's words from the
     * last to the first (r.v[--elem]), so the expected order is out[3], out[2], out[1], out[0]. */
    assert_int_equal(DP_EV_DEATH, 0);
    dp_rng_stream(r, 0, 0, 0, 0, DP_EV_DEATH);
    assert_int_equal(gsl_rng_get(r), 0x9b00dbd8UL);
    assert_int_equal(gsl_rng_get(r), 0xbc57ac4cUL);
    assert_int_equal(gsl_rng_get(r), 0xe169c58dUL);
    assert_int_equal(gsl_rng_get(r), 0x6627e8d5UL);
    /* gsl_rng_uniform is the 32-bit word divided by 2^32 (gsl_microrng.h get_double). */
    dp_rng_stream(r, 0, 0, 0, 0, DP_EV_DEATH);
    assert_close(gsl_rng_uniform(r), (double)0x9b00dbd8UL / 4294967296.0, 0, 0);
    assert_int_equal(gsl_rng_max(r), 0xffffffffUL);
    assert_int_equal(gsl_rng_min(r), 0);
}

static void
test_rng_layout_matches_documented_counter(void **state)
{
    gsl_rng *r = ((fixture *)*state)->r;
    /* rng.h: key = {seed low 32 bits, seed high 32 bits}; counter = {rep, entity,
     * (year_offset << 8) | event, block}, block = 0 for the first 4 numbers, 1 for the next 4,
     * ... Computed here with Random123's philox4x32 directly. */
    const uint64_t seed = 0x0123456789abcdefULL;
    const uint32_t rep = 17, entity = 2385001;
    const int year_offset = 14;
    const uint32_t key[2] = {0x89abcdefu, 0x01234567u};
    for (uint32_t block = 0; block < 3; block++) {
        const uint32_t ctr[4] = {rep, entity, (14u << 8) | (uint32_t)DP_EV_EMPLOYMENT, block};
        philox4x32_ctr_t want = philox_direct(ctr, key);
        if (block == 0) {
            dp_rng_stream(r, seed, rep, entity, year_offset, DP_EV_EMPLOYMENT);
        }
        for (int w = 3; w >= 0; w--) {
            assert_int_equal(gsl_rng_get(r), want.v[w]);
        }
    }
    /* The largest year offset and event fill counter word 2 exactly: 0xffffff << 8 | 0xff. */
    const uint32_t ctr_max[4] = {0, 0, 0xffffffffu, 0};
    philox4x32_ctr_t want = philox_direct(ctr_max, key);
    dp_rng_stream(r, seed, 0, 0, DP_RNG_MAX_YEAR_OFFSET, (dp_event)255);
    assert_int_equal(gsl_rng_get(r), want.v[3]);
}

/* Fills out[n] with a mix of draws (uniform, gaussian, binomial) from the stream. */
static void
draw_mix(gsl_rng *r, uint64_t seed, uint32_t rep, uint32_t entity, int year_offset, dp_event event,
         double *out, size_t n)
{
    dp_rng_stream(r, seed, rep, entity, year_offset, event);
    for (size_t i = 0; i < n; i++) {
        switch (i % 3) {
        case 0:
            out[i] = gsl_rng_uniform(r);
            break;
        case 1:
            out[i] = gsl_ran_gaussian(r, 2.385);
            break;
        default:
            out[i] = (double)gsl_ran_binomial(r, 0.0317, 1000);
            break;
        }
    }
}

enum { N_SEQ = 600 };

static void
test_rng_same_stream_same_sequence(void **state)
{
    gsl_rng *r = ((fixture *)*state)->r;
    gsl_rng *r2 = dp_rng_alloc();
    assert_non_null(r2);
    double a[N_SEQ], b[N_SEQ], c[N_SEQ];
    draw_mix(r, 20260401u, 3, 41, 9, DP_EV_ONSET, a, N_SEQ);
    /* Some unrelated draws in between must not matter: the stream is selected, not advanced. */
    draw_mix(r, 77, 1, 2, 3, DP_EV_GRADE, b, 17);
    draw_mix(r, 20260401u, 3, 41, 9, DP_EV_ONSET, b, N_SEQ);
    /* A second generator (another worker) gives the same numbers. */
    draw_mix(r2, 20260401u, 3, 41, 9, DP_EV_ONSET, c, N_SEQ);
    /* Identity: bit-identical sequences. */
    assert_memory_equal(a, b, sizeof a);
    assert_memory_equal(a, c, sizeof a);
    dp_rng_free(r2);
}

/* Number of positions where the first n uniforms of two streams are equal. */
static size_t
n_equal_uniforms(gsl_rng *r, const uint32_t s1[5], const uint32_t s2[5], size_t n)
{
    double a[64], b[64];
    assert_true(n <= 64);
    uint64_t seed1 = ((uint64_t)s1[0] << 32) | 0x9e3779b9u;
    uint64_t seed2 = ((uint64_t)s2[0] << 32) | 0x9e3779b9u;
    dp_rng_stream(r, seed1, s1[1], s1[2], (int)s1[3], (dp_event)s1[4]);
    for (size_t i = 0; i < n; i++) {
        a[i] = gsl_rng_uniform(r);
    }
    dp_rng_stream(r, seed2, s2[1], s2[2], (int)s2[3], (dp_event)s2[4]);
    for (size_t i = 0; i < n; i++) {
        b[i] = gsl_rng_uniform(r);
    }
    size_t eq = 0;
    for (size_t i = 0; i < n; i++) {
        eq += a[i] == b[i];
    }
    return eq;
}

static void
test_rng_each_field_changes_the_sequence(void **state)
{
    gsl_rng *r = ((fixture *)*state)->r;
    /* Fields: seed (high word), rep, entity, year offset, event. */
    const uint32_t base[5] = {2021, 5, 1234567, 7, DP_EV_CERTIFY};
    for (size_t field = 0; field < 5; field++) {
        uint32_t other[5];
        memcpy(other, base, sizeof other);
        other[field] += 1;
        /* Two different streams agree on a 32-bit uniform with probability 2^-32 per position;
         * 64 positions: expected 1.5e-8 coincidences, so any agreement is a bug. */
        assert_int_equal(n_equal_uniforms(r, base, other, 64), 0);
    }
    /* The low word of the seed counts too, and the same stream agrees everywhere. */
    assert_int_equal(n_equal_uniforms(r, base, base, 64), 64);
    double a, b;
    dp_rng_stream(r, 1, 0, 0, 0, DP_EV_PARAM);
    a = gsl_rng_uniform(r);
    dp_rng_stream(r, 2, 0, 0, 0, DP_EV_PARAM);
    b = gsl_rng_uniform(r);
    assert_true(a != b);
    /* Person 5's death stream and parameter 5's stream differ (event separates namespaces). */
    const uint32_t person5[5] = {1, 0, 5, 0, DP_EV_DEATH};
    const uint32_t param5[5] = {1, 0, 5, 0, DP_EV_PARAM};
    assert_int_equal(n_equal_uniforms(r, person5, param5, 64), 0);
}

static void
test_rng_common_random_numbers(void **state)
{
    gsl_rng *r = ((fixture *)*state)->r;
    enum { NB = 40 };
    double b1[NB], b2[NB], scratch[1000];
    /* Scenario 1: person 8's onset stream draws 5 numbers, then person 9's draws NB. */
    draw_mix(r, 99, 2, 8, 4, DP_EV_ONSET, scratch, 5);
    draw_mix(r, 99, 2, 9, 4, DP_EV_ONSET, b1, NB);
    /* Scenario 2: a policy change makes person 8 draw 1000 numbers and adds a whole new event;
     * person 9's numbers must be the same (identity: they depend only on person 9's stream). */
    draw_mix(r, 99, 2, 8, 4, DP_EV_ONSET, scratch, 1000);
    draw_mix(r, 99, 2, 8, 4, DP_EV_SERVICE, scratch, 300);
    draw_mix(r, 99, 2, 9, 4, DP_EV_ONSET, b2, NB);
    assert_memory_equal(b1, b2, sizeof b1);
}

static void
test_rng_uniform_chi_square(void **state)
{
    gsl_rng *r = ((fixture *)*state)->r;
    enum { N_DRAW = 100000, N_BIN = 100 };
    size_t count[N_BIN] = {0};
    /* One stream for all draws (100,000 < 4 * 2^32); a fixed seed makes the test deterministic. */
    dp_rng_stream(r, 0x5eed2021ULL, 0, 0, 0, DP_EV_TIMING);
    for (size_t i = 0; i < N_DRAW; i++) {
        double u = gsl_rng_uniform(r);
        assert_true(u >= 0.0 && u < 1.0);
        count[(size_t)(u * N_BIN)]++;
    }
    const double expected = (double)N_DRAW / N_BIN;
    double chi2 = 0.0;
    for (size_t bin = 0; bin < N_BIN; bin++) {
        double d = (double)count[bin] - expected;
        chi2 += d * d / expected;
    }
    /* Pearson's statistic with 100 equiprobable bins has 99 degrees of freedom; reject
     * uniformity at p = 0.001 above the upper quantile (about 148.2). */
    double crit = gsl_cdf_chisq_Qinv(0.001, 99.0);
    assert_close(crit, 148.23, 0, 0.01); /* chi-square tables, 99 df, 0.999 quantile: 148.230 */
    assert_true(chi2 < crit);
    /* And not suspiciously uniform either: below the 0.001 lower quantile (about 61.1). */
    assert_true(chi2 > gsl_cdf_chisq_Pinv(0.001, 99.0));
}

static void
test_rng_name_layout_and_free(void **state)
{
    (void)state;
    /* The names DESIGN.md §7 and the output schema use. */
    assert_string_equal(dp_rng_name(), "philox4x32-10");
    assert_int_equal(DP_RNG_COUNTER_LAYOUT, 2);
    /* Events fit the low byte of counter word 2. */
    assert_true(DP_N_EVENT <= 256);
    assert_int_equal(DP_EV_PARAM, 9);
    /* The raw-block events keep their numbers; DP_EV_FLAGS was appended after them. */
    assert_int_equal(DP_EV_PERSON, 10);
    assert_int_equal(DP_EV_ATTRIBUTES, 13);
    assert_int_equal(DP_EV_FLAGS, 14);
    assert_int_equal(DP_N_EVENT, 15);
    dp_rng_free(NULL);
}

/* Layout 2: a region's stream is region 0's stream of replicate (region << 20) | rep, and a raw
 * block is the first four numbers of the gsl_rng stream with the same counter (the wrapper
 * returns a block's words last to first: see the known-answer test above). */
static void
test_rng_region_and_block_layout(void **state)
{
    (void)state;
    gsl_rng *a = dp_rng_alloc(), *b = dp_rng_alloc();
    assert_non_null(a);
    assert_non_null(b);
    const uint64_t seed = 0x00000000deadbeefULL;
    dp_rng_stream_at(a, seed, 3, 5, 77, 4, DP_EV_ONSET);
    dp_rng_stream(b, seed, (3u << 20) | 5u, 77, 4, DP_EV_ONSET);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(gsl_rng_get(a), gsl_rng_get(b));
    }
    uint32_t w[4];
    dp_rng_block(seed, 3, 5, 77, 4, DP_EV_PERSON, w);
    dp_rng_stream_at(a, seed, 3, 5, 77, 4, DP_EV_PERSON);
    for (int i = 3; i >= 0; i--) {
        assert_int_equal(gsl_rng_get(a), w[i]);
    }
    /* Another event, another block: a person's flag numbers are not their year's numbers. */
    uint32_t fw[4];
    dp_rng_block(seed, 3, 5, 77, 4, DP_EV_FLAGS, fw);
    assert_true(memcmp(fw, w, sizeof fw) != 0);
    /* The id's high word is counter word 3: a different high word, a different block. */
    uint32_t v[4];
    dp_rng_block(seed, 3, 5, 77ULL | (1ULL << 32), 4, DP_EV_PERSON, v);
    assert_true(memcmp(v, w, sizeof v) != 0);
    /* dp_rng_u01 maps words into the open interval (0, 1). */
    assert_true(dp_rng_u01(0) > 0.0 && dp_rng_u01(0xffffffffu) < 1.0);
    dp_rng_free(a);
    dp_rng_free(b);
}

/* The vectorised batch gives Random123's blocks bit for bit, for batch sizes around the lane
 * count (64) and ids with both words set. */
static void
test_rng_blocks_equal_single_blocks(void **state)
{
    (void)state;
    enum { N = 131 };
    uint64_t id[N];
    uint32_t out[N][4], one[4];
    for (size_t i = 0; i < N; i++) {
        id[i] = (0x9e3779b97f4a7c15ULL * (i + 1)) ^ (i << 40);
    }
    const size_t sizes[] = {1, 63, 64, 65, 128, N};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        memset(out, 0, sizeof out);
        dp_rng_blocks(0x1234567890abcdefULL, 7, 11, id, sizes[k], 15, DP_EV_PERSON, out);
        for (size_t i = 0; i < sizes[k]; i++) {
            dp_rng_block(0x1234567890abcdefULL, 7, 11, id[i], 15, DP_EV_PERSON, one);
            assert_memory_equal(out[i], one, sizeof one);
        }
        if (sizes[k] < N) {
            assert_int_equal(out[sizes[k]][0], 0); /* nothing written past n */
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_philox_known_answers),
        cmocka_unit_test(test_rng_zero_stream_gives_known_answer),
        cmocka_unit_test(test_rng_layout_matches_documented_counter),
        cmocka_unit_test(test_rng_same_stream_same_sequence),
        cmocka_unit_test(test_rng_each_field_changes_the_sequence),
        cmocka_unit_test(test_rng_common_random_numbers),
        cmocka_unit_test(test_rng_uniform_chi_square),
        cmocka_unit_test(test_rng_name_layout_and_free),
        cmocka_unit_test(test_rng_region_and_block_layout),
        cmocka_unit_test(test_rng_blocks_equal_single_blocks),
    };
    return cmocka_run_group_tests_name("rng", tests, setup, teardown);
}
