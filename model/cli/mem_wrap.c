/* model/cli/mem_wrap.c — the command's allocation wrapper: every malloc, calloc, realloc and
 * aligned_alloc made by dpsim's own code (the library and the command; not those made inside
 * HDF5, GSL, libyaml or the C library) goes through here, because the command is linked with
 * -Wl,--wrap for each of them (Makefile, WRAP_LDFLAGS). It does nothing but count, unless
 *
 *   DPSIM_FAIL_ALLOC=N     makes the N-th allocation (1-based, counted over all threads) fail,
 *                          returning NULL as an exhausted heap would, and every one after it
 *                          succeed again: the way to test that each allocation's failure is
 *                          reported (tests/cli/alloc_fail.sh walks N over a small run);
 *   DPSIM_COUNT_ALLOC=1    prints the number of allocations made to stderr at exit, so a test
 *                          knows how far to walk.
 *
 * The counter is one atomic add per allocation. Not in libdpsim.a: a program that links the
 * library keeps its own allocator untouched. */
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);

static atomic_ulong count;
static unsigned long fail_at; /* 0: never */
static atomic_int ready;

static void
report(void)
{
    fprintf(stderr, "dpsim: %lu allocations\n", (unsigned long)atomic_load(&count));
}

/* Reads the environment once (the first allocation; getenv does not allocate). */
static void
setup(void)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&ready, &expected, 1)) {
        return;
    }
    const char *f = getenv("DPSIM_FAIL_ALLOC");
    if (f && *f) {
        char *end = NULL;
        unsigned long n = strtoul(f, &end, 10);
        fail_at = end && *end == '\0' ? n : 0;
    }
    const char *c = getenv("DPSIM_COUNT_ALLOC");
    if (c && *c == '1') {
        atexit(report);
    }
}

/* Whether this allocation is the one to fail. */
static int
fails(void)
{
    if (!atomic_load_explicit(&ready, memory_order_relaxed)) {
        setup();
    }
    unsigned long k = atomic_fetch_add_explicit(&count, 1, memory_order_relaxed) + 1;
    return fail_at != 0 && k == fail_at;
}

void *
__wrap_malloc(size_t size)
{
    return fails() ? NULL : __real_malloc(size);
}

void *
__wrap_calloc(size_t n, size_t size)
{
    return fails() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t size)
{
    return fails() ? NULL : __real_realloc(p, size);
}

void *
__wrap_aligned_alloc(size_t align, size_t size)
{
    return fails() ? NULL : __real_aligned_alloc(align, size);
}
