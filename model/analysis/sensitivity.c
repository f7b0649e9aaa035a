/* model/analysis/sensitivity.c
 *
 * Which uncertain parameter drives the budget (analysis.h, docs/compare.md): for total
 * spending in a year (summed over regions and programmes) against each replicate's draws of
 * the parameters given as distributions (runs/parameters), the standardised regression
 * coefficients of a multiple linear regression (gsl_multifit_linear) and Spearman's rank
 * correlation (gsl_stats_spearman). With independent draws and a budget close to linear in
 * them, SRC_j^2 is the share of the budget's variance parameter j explains and the SRC^2 sum
 * to the regression's R^2; R^2 well below 1 says the linear reading is incomplete (then the
 * rank correlations, which only assume monotonicity, are the better guide).
 * Workload: one regression of n_run rows by (parameters + 1) columns per year (an SVD), and
 * one rank correlation per parameter and year; milliseconds for 1000 runs and 20 parameters.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_statistics_double.h>

#include "analysis/analysis.h"

const char *const dp_sens_label[DP_N_SENS] = {"src2", "spearman2", "src", "spearman", "r2", "rank"};
const char *const dp_sens_label_zh[DP_N_SENS] = {"标准化回归系数平方", "斯皮尔曼秩相关系数平方",
                                                 "标准化回归系数",     "斯皮尔曼秩相关系数",
                                                 "回归决定系数",       "排序"};

/* Standardised regression: fills the SRC and R^2 of the k varying parameters listed in col
 * (their means mx and sds sx) from the standardised budget yz. */
static dp_status
regress(dp_ctx *ctx, const double *x, size_t n_run, size_t n_param, const size_t *col, size_t k,
        const double *mx, const double *sx, const double *yz, double *result)
{
    dp_status rc = DP_OK;
    gsl_matrix *X = gsl_matrix_alloc(n_run, k + 1);
    gsl_matrix *cov = gsl_matrix_alloc(k + 1, k + 1);
    gsl_vector *yv = gsl_vector_alloc(n_run);
    gsl_vector *c = gsl_vector_alloc(k + 1);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n_run, k + 1);
    double chisq = 0.0, tss = 0.0, r2 = NAN;
    int status = GSL_SUCCESS;
    if (!X || !cov || !yv || !c || !w) {
        rc = dp_error(ctx, DP_ENOMEM,
                      "out of memory for the sensitivity regression (%zu runs, "
                      "%zu parameters)",
                      n_run, k);
        goto out;
    }
    for (size_t run = 0; run < n_run; run++) {
        gsl_matrix_set(X, run, 0, 1.0); /* intercept (zero for standardised data) */
        for (size_t j = 0; j < k; j++) {
            size_t p = col[j];
            gsl_matrix_set(X, run, j + 1, (x[run * n_param + p] - mx[p]) / sx[p]);
        }
        gsl_vector_set(yv, run, yz[run]);
        tss += yz[run] * yz[run];
    }
    status = gsl_multifit_linear(X, yv, c, cov, &chisq, w);
    if (status != GSL_SUCCESS) {
        rc = dp_error(ctx, DP_EGSL, "regression of total spending on the parameter draws: %s",
                      gsl_strerror(status));
        goto out;
    }
    r2 = 1.0 - chisq / tss;
    for (size_t j = 0; j < k; j++) {
        double src = gsl_vector_get(c, j + 1);
        double *r = result + col[j] * DP_N_SENS;
        r[DP_SENS_SRC] = src;
        r[DP_SENS_SRC2] = src * src;
        r[DP_SENS_R2] = r2;
    }
out:
    gsl_matrix_free(X);
    gsl_matrix_free(cov);
    gsl_vector_free(yv);
    gsl_vector_free(c);
    gsl_multifit_linear_free(w);
    return rc;
}

dp_status
dp_sensitivity_compute(dp_ctx *ctx, const double *x, size_t n_run, size_t n_param, const double *y,
                       double *result)
{
    dp_status rc = DP_OK;
    double *mx = NULL, *sx = NULL, *yz = NULL, *work = NULL;
    size_t *col = NULL;
    size_t k = 0;
    for (size_t i = 0; i < n_param * DP_N_SENS; i++) {
        result[i] = NAN;
    }
    if (n_run < 2) {
        return dp_error(ctx, DP_EINPUT, "sensitivity needs at least 2 runs, got %zu", n_run);
    }
    double my = gsl_stats_mean(y, 1, n_run);
    double sy = gsl_stats_sd_m(y, 1, n_run, my);
    if (!(sy > 0.0) || !isfinite(sy)) {
        return DP_OK; /* the budget does not vary (or is NaN): nothing to explain */
    }
    mx = malloc((n_param + 1) * sizeof *mx);
    sx = malloc((n_param + 1) * sizeof *sx);
    col = malloc((n_param + 1) * sizeof *col);
    yz = malloc(n_run * sizeof *yz);
    work = malloc(2 * n_run * sizeof *work);
    if (!mx || !sx || !col || !yz || !work) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the sensitivity of %zu runs", n_run);
        goto out;
    }
    for (size_t p = 0; p < n_param; p++) {
        mx[p] = gsl_stats_mean(x + p, n_param, n_run);
        sx[p] = gsl_stats_sd_m(x + p, n_param, n_run, mx[p]);
        /* A parameter whose draws are all equal (a fixed distribution, or clamped) explains
         * nothing and cannot be standardised. */
        if (sx[p] > 1e-12 * fabs(mx[p]) && isfinite(sx[p])) {
            col[k++] = p;
        }
    }
    if (k == 0) {
        goto out;
    }
    if (n_run < k + 2) {
        rc = dp_error(ctx, DP_EINPUT,
                      "sensitivity of %zu uncertain parameters needs at least %zu runs, got %zu", k,
                      k + 2, n_run);
        goto out;
    }
    for (size_t run = 0; run < n_run; run++) {
        yz[run] = (y[run] - my) / sy;
    }
    if ((rc = regress(ctx, x, n_run, n_param, col, k, mx, sx, yz, result)) != DP_OK) {
        goto out;
    }
    for (size_t j = 0; j < k; j++) {
        double *r = result + col[j] * DP_N_SENS;
        double rho = gsl_stats_spearman(x + col[j], n_param, y, 1, n_run, work);
        r[DP_SENS_SPEARMAN] = rho;
        r[DP_SENS_SPEARMAN2] = rho * rho;
        /* Rank by SRC^2, larger first; ties keep the parameter order. */
        size_t rank = 1;
        for (size_t i = 0; i < k; i++) {
            double o = result[col[i] * DP_N_SENS + DP_SENS_SRC2];
            rank += o > r[DP_SENS_SRC2] || (o == r[DP_SENS_SRC2] && i < j);
        }
        r[DP_SENS_RANK] = (double)rank;
    }
out:
    free(mx);
    free(sx);
    free(col);
    free(yz);
    free(work);
    return rc;
}

/* The per-run tables sensitivity needs, or DP_EINPUT. */
static dp_status
inputs(dp_ctx *ctx, const dp_results *res, const dp_table **par, const dp_table **sp, size_t *ypos)
{
    *par = dp_results_find(res, "parameters");
    *sp = dp_results_find(res, "spending");
    if (!*par || !(*par)->per_run) {
        return dp_error(ctx, DP_EINPUT,
                        "no runs/parameters table: the scenario has no "
                        "parameter given as a distribution");
    }
    if (!*sp || !(*sp)->per_run) {
        return dp_error(ctx, DP_EINPUT, "no runs/spending table");
    }
    *ypos = (size_t)-1;
    for (size_t k = 0; k < (*sp)->rank; k++) {
        if (strcmp(res->axis[(*sp)->axis[k]].name, "year") == 0) {
            *ypos = k;
        }
    }
    if (*ypos == (size_t)-1) {
        return dp_error(ctx, DP_EINPUT, "runs/spending has no year axis");
    }
    return DP_OK;
}

/* Total spending of every run in year index yi into y [n_run]. */
static void
total_spending(const dp_results *res, const dp_table *sp, size_t ypos, size_t yi, double *y)
{
    size_t n_year = res->axis[sp->axis[ypos]].n, stride = 1;
    for (size_t k = ypos + 1; k < sp->rank; k++) {
        stride *= res->axis[sp->axis[k]].n;
    }
    for (size_t run = 0; run < res->n_run; run++) {
        const double *d = dp_table_run(sp, run);
        double s = 0.0;
        for (size_t e = 0; e < sp->size; e++) {
            s += (e / stride) % n_year == yi ? d[e] : 0.0;
        }
        y[run] = s;
    }
}

dp_status
dp_sensitivity(dp_ctx *ctx, const dp_results *res, int year, double *result)
{
    const dp_table *par = NULL, *sp = NULL;
    size_t ypos = 0;
    dp_status rc = inputs(ctx, res, &par, &sp, &ypos);
    if (rc != DP_OK) {
        return rc;
    }
    const dp_axis *years = &res->axis[sp->axis[ypos]];
    size_t yi = 0;
    while (yi < years->n && !(years->value && years->value[yi] == (double)year)) {
        yi++;
    }
    if (yi == years->n) {
        return dp_error(ctx, DP_EINPUT, "sensitivity: year %d is not in the results", year);
    }
    double *y = malloc((res->n_run + 1) * sizeof *y);
    if (!y) {
        return dp_error(ctx, DP_ENOMEM, "out of memory for the sensitivity");
    }
    total_spending(res, sp, ypos, yi, y);
    rc = dp_sensitivity_compute(ctx, dp_table_run(par, 0), res->n_run, par->size, y, result);
    free(y);
    return rc;
}

dp_status
dp_sensitivity_add(dp_ctx *ctx, dp_results *res)
{
    static const char *const ax[] = {"year", "parameter", "measure", NULL};
    const dp_table *par = NULL, *sp = NULL;
    size_t ypos = 0;
    dp_status rc = DP_OK;
    double *y = NULL, *result = NULL;
    dp_table *t = NULL;
    if (inputs(ctx, res, &par, &sp, &ypos) != DP_OK) {
        dp_ctx_clear(ctx); /* nothing to add is not an error */
        return DP_OK;
    }
    size_t n_param = par->size, n_run = res->n_run;
    if (n_run < n_param + 2) {
        return DP_OK;
    }
    size_t n_year = res->axis[sp->axis[ypos]].n;
    y = malloc(n_run * sizeof *y);
    result = malloc((n_year * n_param * DP_N_SENS + 1) * sizeof *result);
    if (!y || !result) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the sensitivity table");
        goto out;
    }
    for (size_t yi = 0; yi < n_year; yi++) {
        total_spending(res, sp, ypos, yi, y);
        if ((rc = dp_sensitivity_compute(ctx, dp_table_run(par, 0), n_run, n_param, y,
                                         result + yi * n_param * DP_N_SENS)) != DP_OK) {
            goto out;
        }
    }
    if ((rc = dp_results_add_axis(ctx, res, "measure", DP_N_SENS, dp_sens_label, dp_sens_label_zh,
                                  NULL, NULL)) != DP_OK ||
        (rc = dp_results_add_table(ctx, res, "sensitivity", "1",
                                   "sensitivity of total spending to the uncertain parameters "
                                   "(SRC, Spearman, R2, rank)",
                                   "总支出对不确定参数的敏感性", 0, ax, &t)) != DP_OK) {
        goto out;
    }
    memcpy(t->data, result, n_year * n_param * DP_N_SENS * sizeof *result);
out:
    free(y);
    free(result);
    return rc;
}
