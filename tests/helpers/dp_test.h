/* tests/helpers/dp_test.h
 *
 * Shared test helpers: include after cmocka's prerequisites. assert_close compares doubles in
 * double precision (cmocka 1.1.5's assert_float_equal casts to float) and reports both values.
 */
#ifndef DP_TEST_H
#define DP_TEST_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "input/params.h"

/* |actual - expected| <= atol + rtol * |expected|, else fail with both values. */
#define assert_close(actual, expected, rtol, atol)                                                 \
    dp_test_assert_close((actual), (expected), (rtol), (atol), #actual, __FILE__, __LINE__)

void dp_test_assert_close(double actual, double expected, double rtol, double atol,
                          const char *expr, const char *file, int line);

/* Fails unless a and b hold equal parameters, member by member (NAN equal to NAN), including
 * the uncertain parameters (names, distributions, ranges, targets). */
void dp_test_assert_params_equal(const dp_params *a, const dp_params *b);

/* Folder of the project's data/ (DPSIM_DATA or "data"). */
const char *dp_test_data_dir(void);

#endif
