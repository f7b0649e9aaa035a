/* model/core/rng.h
 *
 * Counter-based random streams for reproducible parallel Monte Carlo (STYLE.md §6, DESIGN.md
 * §7). The generator is Random123's Philox4x32-10 wrapped as a gsl_rng, so every gsl_ran_*
 * sampler draws from it. A stream is selected, not advanced: dp_rng_stream() resets the
 * generator to the block of numbers named by (seed, replicate, entity, year, event), and the
 * numbers that follow depend on nothing else. Hence results do not depend on the number of
 * threads or the order of work, adding draws to one event leaves every other event's numbers
 * unchanged, and equal seeds give common random numbers across scenarios.
 *
 * Layout (version DP_RNG_COUNTER_LAYOUT = 2, stored in the output with dp_rng_name()):
 *   key     = {seed & 0xffffffff, seed >> 32}
 *   counter = {(region << 20) | rep, entity, (year_offset << 8) | event, word3}
 * with rep < 2^20 and region < 2^12 (region 0 for streams that belong to no region: the layout
 * of region 0 is that of version 1). For a gsl_rng stream (dp_rng_stream, dp_rng_stream_at)
 * word3 belongs to the wrapper: it numbers the 4-word blocks drawn since the last reset and is 0
 * at a reset; up to 4 * 2^32 numbers may be drawn per reset. For a single raw block
 * (dp_rng_block), the entity is a 64-bit person id: its low word goes to counter word 1 and its
 * high word to word 3. The events used with dp_rng_block (DP_EV_PERSON and later, and
 * DP_EV_PROGRAMME) are never used for gsl_rng streams, so the two kinds never share a counter.
 *
 * Thread-safety: a gsl_rng from dp_rng_alloc() has no shared state; give each worker its own.
 */
#ifndef DPSIM_RNG_H
#define DPSIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Version of the key/counter layout above; bump it whenever the mapping from (seed, rep, entity,
 * year_offset, event) to Philox key and counter changes, because old seeds then give new
 * numbers. */
#define DP_RNG_COUNTER_LAYOUT 2

/* Largest year_offset that fits the 24 bits above the event byte. */
#define DP_RNG_MAX_YEAR_OFFSET ((1 << 24) - 1)

/* The random event a block of draws serves. It both separates the events of one entity and
 * separates id namespaces (person 5 and parameter 5 never share a stream). Values must stay
 * below 256 (they occupy the low byte of counter word 2); append new events before DP_N_EVENT
 * and never renumber the existing ones, or old seeds reproduce different numbers. */
typedef enum {
    DP_EV_DEATH,      /**< death of a person or in a cell */
    DP_EV_ONSET,      /**< new disability among the non-disabled */
    DP_EV_GRADE,      /**< grade change (worsening or improvement) */
    DP_EV_CERTIFY,    /**< certification (disability card) */
    DP_EV_HOUSEHOLD,  /**< household economic status transitions */
    DP_EV_PROGRAMME,  /**< programme take-up and eligibility draws */
    DP_EV_EMPLOYMENT, /**< employment transitions */
    DP_EV_SERVICE,    /**< service need and delivery */
    DP_EV_TIMING,     /**< timing within the year (person-months) */
    DP_EV_PARAM,      /**< parameter draws, once per replicate; entity is the parameter id */
    DP_EV_PERSON,     /**< raw block: a person's year (word 0 death, 1 grade change,
                           2 certification, 3 household status) */
    DP_EV_MIGRATION,  /**< raw block: a person's net migration (word 0) */
    DP_EV_BASE,       /**< raw block: rounding of a base-year cell to whole persons (word 0);
                           entity = cell */
    DP_EV_ATTRIBUTES, /**< raw block: a new person's attributes (word 0 type and grade,
                           word 1 household) */
    DP_EV_FLAGS,      /**< raw block: a person's flags (programmes.h, DP_FLAG_*): word f
                           moves flag f; at year offset 0 the base-year flags, later the
                           year's step 7 (words 2-3 unused) */
    DP_N_EVENT        /**< number of events defined (not an event) */
} dp_event;

/* Allocates one Philox generator (one per worker). It starts on the stream
 * (seed 0, rep 0, entity 0, year_offset 0, DP_EV_DEATH) so that its state is always defined, but
 * callers select their stream with dp_rng_stream() before drawing. Returns NULL when out of
 * memory (GSL's error handler must be off for that, as the CLI sets it; otherwise GSL aborts).
 * The caller owns the result and frees it with dp_rng_free(). */
gsl_rng *dp_rng_alloc(void);

/* Frees a generator from dp_rng_alloc(); NULL is a no-op. */
void dp_rng_free(gsl_rng *r);

/* Resets r to the start of the stream named by:
 *   seed        the run's 64-bit seed;
 *   rep         replicate number (0-based);
 *   entity      person, cell or parameter id, derived from model data, never from a counter
 *               that threads share;
 *   year_offset year minus the run's base year, in [0, DP_RNG_MAX_YEAR_OFFSET];
 *   event       what the draws are for (< 256).
 * r must come from dp_rng_alloc() (checked by assert). Draw at most 4 * 2^32 numbers before the
 * next reset. Costs one small struct copy; no allocation. */
void dp_rng_stream(gsl_rng *r, uint64_t seed, uint32_t rep, uint32_t entity, int year_offset,
                   dp_event event);

/* As dp_rng_stream, for the streams of one region (region < 2^12; rep < 2^20). */
void dp_rng_stream_at(gsl_rng *r, uint64_t seed, uint32_t region, uint32_t rep, uint32_t entity,
                      int year_offset, dp_event event);

/* One raw Philox4x32-10 block: the four 32-bit words of counter
 * {(region << 20) | rep, id & 0xffffffff, (year_offset << 8) | event, id >> 32} under the seed's
 * key. For the per-person events, where one call gives every number a person needs in a year;
 * dp_rng_u01 turns a word into a uniform number. No allocation; thread-safe. */
void dp_rng_block(uint64_t seed, uint32_t region, uint32_t rep, uint64_t id, int year_offset,
                  dp_event event, uint32_t out[4]);

/* n raw blocks at once: out[i] = dp_rng_block(seed, region, rep, id[i], year_offset, event)
 * for i < n, bit for bit, computed in vector lanes (AVX2 where the processor has it, chosen at
 * load time). For the micro engine's person loop. */
void dp_rng_blocks(uint64_t seed, uint32_t region, uint32_t rep, const uint64_t *id, size_t n,
                   int year_offset, dp_event event, uint32_t (*out)[4]);

/* A 32-bit word as a uniform number in (0, 1): (w + 0.5) / 2^32. */
static inline double
dp_rng_u01(uint32_t w)
{
    return ((double)w + 0.5) * (1.0 / 4294967296.0);
}

/* The generator's name as stored in the output: "philox4x32-10" (static string). */
const char *dp_rng_name(void);

#endif
