/* model/domain/ipf.c
 *
 * Iterative proportional fitting (raking) of a non-negative table to marginal totals. Each
 * constraint partitions the cells into categories; categories with a target are scaled to it
 * in turn, repeatedly, until every target is met. With consistent targets this converges to
 * the table closest to the seed in the Kullback-Leibler sense that meets them (Deming &
 * Stephan 1940; Ireland & Kullback 1968). Workload: a few dozen sweeps over ~34,000 cells per
 * region.
 */
#include <math.h>

#include "domain/model_impl.h"

dp_status
dp_ipf(dp_ctx *ctx, double *x, size_t n, const dp_ipf_con *con, size_t n_con, double tol,
       size_t max_iter, double *work, size_t *iterations)
{
    for (size_t it = 0; it < max_iter; it++) {
        double maxdev = 0.0;
        for (size_t c = 0; c < n_con; c++) {
            const dp_ipf_con *k = &con[c];
            double *sum = work;
            for (size_t j = 0; j < k->n_cat; j++) {
                sum[j] = 0.0;
            }
            if (k->block) {
                for (size_t j = 0; j < k->n_cat; j++) {
                    const double *xb = x + j * k->block;
                    double sj = 0.0;
                    for (size_t i = 0; i < k->block; i++) {
                        sj += xb[i];
                    }
                    sum[j] = sj;
                }
            } else {
                for (size_t i = 0; i < n; i++) {
                    sum[k->cat[i]] += x[i];
                }
            }
            for (size_t j = 0; j < k->n_cat; j++) {
                double t = k->target[j];
                if (isnan(t)) {
                    sum[j] = 1.0;
                    continue;
                }
                double dev = fabs(sum[j] - t) / (t > 1.0 ? t : 1.0);
                maxdev = dev > maxdev ? dev : maxdev;
                if (sum[j] > 0.0) {
                    sum[j] = t / sum[j];
                } else if (t > 0.0) {
                    return dp_error(ctx, DP_ENUMERIC,
                                    "constraint %zu category %zu has target %.6g but no cells "
                                    "that can hold it",
                                    c, j, t);
                } else {
                    sum[j] = 1.0;
                }
            }
            if (k->block) {
                for (size_t j = 0; j < k->n_cat; j++) {
                    double *xb = x + j * k->block;
                    for (size_t i = 0; i < k->block; i++) {
                        xb[i] *= sum[j];
                    }
                }
            } else {
                for (size_t i = 0; i < n; i++) {
                    x[i] *= sum[k->cat[i]];
                }
            }
        }
        if (iterations) {
            *iterations = it + 1;
        }
        if (maxdev <= tol) {
            return DP_OK;
        }
    }
    return dp_error(ctx, DP_ENUMERIC, "did not converge in %zu iterations (the targets are "
                                      "inconsistent with each other)",
                    max_iter);
}
