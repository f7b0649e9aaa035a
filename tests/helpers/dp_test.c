/* tests/helpers/dp_test.c
 *
 * Implementation of the shared test helpers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dp_test.h"

void
dp_test_assert_close(double actual, double expected, double rtol, double atol, const char *expr,
                     const char *file, int line)
{
    double tol = atol + rtol * fabs(expected);
    if (!(fabs(actual - expected) <= tol)) {
        fail_msg("%s:%d: %s = %.17g, expected %.17g (tolerance %.3g)", file, line, expr, actual,
                 expected, tol);
    }
}

const char *
dp_test_data_dir(void)
{
    const char *d = getenv("DPSIM_DATA");
    return d && *d ? d : "data";
}
