/* model/analysis/solve.h
 *
 * "What does it take?" (issue 16, docs/solve.md): the smallest, or the largest, value of one
 * scenario key that meets one plan target. Each evaluation loads the scenario with the key set
 * by a YAML overlay (dp_scenario_load_overlay: exactly as a file `extends: SCENARIO` setting
 * that key would), runs an engine and evaluates the target:
 *   - cohort engine, one run: the target is met or not; its margin m(x) = s (indicator - value)
 *     (s = +1 for >= and >, -1 for <= and <) is a continuous function of the key, whose root a
 *     bracketing solver finds (GSL gsl_root_fsolver_brent);
 *   - micro engine, or several runs: P(met) over the runs must reach the probability asked;
 *     every evaluation uses the same seed (common random numbers), so that P, a step function
 *     of the key, is monotone in it as far as the model is; bisection on P - prob.
 * Whole-number keys (ints, years, ages, and counts: households, persons, places) are bisected
 * on whole numbers and the answer is exact. The search starts at the scenario's value, finds
 * on which side the key helps from the margin, and expands geometrically within the key's
 * valid range (or --lo/--hi) until the target changes state; a target no value in the range
 * can meet ends with DP_SOLVE_UNREACHABLE, never a loop: evaluations are bounded (max_eval).
 * A budget ceiling is a target too: "ceiling_YEAR" is met in a run when total spending of
 * YEAR is at most budget.ceiling (the `budget` table's exceeds = 0).
 * Calls the engines and the target evaluation; no printing.
 */
#ifndef DPSIM_SOLVE_H
#define DPSIM_SOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"
#include "input/indicators.h"

typedef enum {
    DP_SOLVE_FOUND = 0,   /**< an answer: x meets the target, the next value tried toward the
                               boundary does not (or x is at the range's end) */
    DP_SOLVE_UNREACHABLE, /**< no value in the range meets the target */
    DP_SOLVE_NO_EFFECT,   /**< the target does not change with the key over the range */
    DP_SOLVE_LIMIT        /**< max_eval evaluations done before the answer was narrowed to
                               the tolerance (x: the best value met so far, or NAN) */
} dp_solve_status;

/* Called after every evaluation (i: index into result->eval), e.g. to print the trace as it
 * grows. */
typedef struct dp_solve_result dp_solve_result;
typedef void (*dp_solve_fn)(void *user, const dp_solve_result *r, size_t i);

typedef struct {
    const char *target; /**< a target label of the scenario ("renovations_cumulative_2025",
                             as dpsim targets shows them), its indicator when only one target
                             has it, or "ceiling_YEAR" */
    const char *key;    /**< a numeric key path (dp_scenario_key_numeric) */
    double prob;        /**< P(met) required when P is over runs, in (0, 1] */
    int micro;          /**< 1: micro engine; 0: cohort */
    size_t runs;        /**< replicates per evaluation, >= 1 */
    uint64_t seed;      /**< the seed of every evaluation (common random numbers) */
    double lo, hi;      /**< the search range; NAN: the key's bounds */
    size_t max_eval;    /**< evaluations at most (0: 60) */
    dp_solve_fn on_eval; /**< may be NULL */
    void *user;
} dp_solve_opts;

/* One evaluation. */
typedef struct {
    double x;       /**< the key's value (for eval[0]: the scenario's own value, NAN if none) */
    int as_is;      /**< 1 for eval[0]: the scenario as it is, no overlay */
    double value;   /**< mean over runs of the indicator (ceiling: of total spending) */
    double p;       /**< P(met): share of runs meeting the target */
    double margin;  /**< s (mean indicator - target value); ceiling: mean (ceiling - total) */
    int met;        /**< cohort one run: the target met; else p >= prob */
    double total;   /**< total spending over the horizon, mean over runs [yuan] */
} dp_solve_eval;

struct dp_solve_result {
    dp_solve_status status;
    char target[96];       /**< the target's label */
    char target_zh[192];   /**< its Chinese label */
    const char *unit;      /**< the indicator's unit (static) */
    dp_target_op op;       /**< its comparison (ceiling: <=) */
    double threshold;      /**< its value (ceiling: NAN, the key itself) */
    int year;              /**< its year */
    int ceiling;           /**< 1 for ceiling_YEAR */
    char key[96];          /**< the key varied */
    int integer;           /**< 1: whole numbers */
    int varies;            /**< 1: the key's value differed by year or grade in the scenario;
                                the overlay sets one value for all */
    double lo, hi;         /**< the range searched */
    double x0;             /**< the key's value in the scenario in the target's year (NAN:
                                unset; the search then started at lo) */
    int p_mode;            /**< 1: P over runs against prob; 0: cohort one run */
    double prob;           /**< as asked */
    int direction;         /**< +1: raising the key helps (answer: the smallest value meeting
                                it), -1: lowering helps (the largest); 0 unknown */
    double x;              /**< the answer (NAN unless FOUND or LIMIT with one met) */
    char x_text[40];       /**< the answer as written in the overlay ("%.17g" at most) */
    size_t answer;         /**< index into eval of the answer's evaluation */
    int at_bound;          /**< 1: the answer is the end of the range (met even there) */
    double bracket_other;  /**< the nearest value tried that does not meet it (NAN: none) */
    int n_year;            /**< years of the horizon */
    int year_start;        /**< first year */
    size_t n_eval;         /**< evaluations, eval[0] the scenario as it is */
    dp_solve_eval *eval;
    double *year_total;    /**< [n_eval][n_year]: mean total spending per year [yuan] */
    char message[512];     /**< for any status but FOUND: what happened, in one sentence */
};

/* Solves as said above for the scenario at path (data_dir: regions/ and reference/). On
 * success (any dp_solve_status) *out is the caller's (dp_solve_result_free). Errors: DP_EINPUT
 * for a bad scenario, an unknown target ("unknown target 'X'; the scenario's targets: ...") or
 * key ("... (did you mean 'K'?)"), a key of another kind, an == target, prob out of (0, 1], an
 * empty range; engine errors as they come; DP_ENOMEM. */
dp_status dp_solve(dp_ctx *ctx, const char *path, const char *data_dir, const dp_solve_opts *o,
                   dp_solve_result **out);
void dp_solve_result_free(dp_solve_result *r);

/* The YAML text setting the key path (dotted) to value_text, as nested maps ("a:\n  b: 1\n"),
 * into buf[size]. Returns 0, or -1 when it does not fit. */
int dp_solve_overlay_text(const char *key, const char *value_text, char *buf, size_t size);

#endif
