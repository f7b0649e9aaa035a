/* model/domain/model.c
 *
 * dp_model construction: copies the parameters and region inputs, builds the cell-membership
 * tables used by the fit, the national prevalence profile and onset rates, then each region's
 * base year (in parallel over regions: the regions are independent). Immutable afterwards.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "domain/model_impl.h"

void
dp_set_threads(int n)
{
    if (n > 0) {
        omp_set_num_threads(n);
    }
}

void
dp_model_free(dp_model *m)
{
    if (!m) {
        return;
    }
    free(m->in);
    free(m->base);
    free(m->marg_cat);
    free(m);
}

dp_status
dp_model_of_scenario(dp_ctx *ctx, const dp_scenario *s, const dp_reference *ref, dp_model **out)
{
    size_t n = dp_scenario_n_region(s);
    dp_region_input *in = malloc((n ? n : 1) * sizeof *in);
    if (!in) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    for (size_t r = 0; r < n; r++) {
        in[r] = *dp_scenario_region(s, r);
    }
    dp_status rc = dp_model_alloc(ctx, dp_scenario_params(s), ref, in, n, out);
    free(in);
    return rc;
}

dp_status
dp_model_alloc(dp_ctx *ctx, const dp_params *p, const dp_reference *ref,
               const dp_region_input *regions, size_t n_region, dp_model **out)
{
    dp_status rc = DP_OK;
    int oom = 0;
    dp_ctx **wctx = NULL;
    dp_model *m = calloc(1, sizeof *m);
    *out = NULL;
    if (!m) {
        return dp_error(ctx, DP_ENOMEM, "out of memory for the model");
    }
    m->p = *p;
    m->ref = ref;
    m->n_region = n_region;
    m->in = malloc((n_region ? n_region : 1) * sizeof *m->in);
    m->base = calloc(n_region ? n_region : 1, sizeof *m->base);
    m->marg_cat = malloc((size_t)DP_N_MARG * DP_N_CELL * sizeof *m->marg_cat);
    if (!m->in || !m->base || !m->marg_cat) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for %zu regions", n_region);
        goto out;
    }
    memcpy(m->in, regions, n_region * sizeof *m->in);
    for (size_t i = 0; i < DP_N_CELL; i++) {
        size_t sa = i / DP_N_BLOCK, k = i % DP_N_BLOCK;
        for (size_t mk = 0; mk < DP_N_MARG; mk++) {
            m->marg_cat[mk * DP_N_CELL + i] = (unsigned short)dp_marg_member(
                (dp_marg_kind)mk, sa / DP_N_AGE, sa % DP_N_AGE, dp_block_type(k),
                dp_block_grade(k), dp_block_cert(k), dp_block_hh(k));
        }
    }
    rc = dp_base_profiles(ctx, m);
    if (rc != DP_OK) {
        goto out;
    }
    /* Regions are independent: fit them in parallel; the first failing region (in region
     * order) reports its error through ctx afterwards. */
    wctx = calloc(n_region ? n_region : 1, sizeof *wctx);
    if (!wctx) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto out;
    }
#pragma omp parallel for schedule(dynamic)
    for (size_t r = 0; r < n_region; r++) {
        dp_ctx *c = dp_ctx_alloc();
        if (!c) {
#pragma omp atomic write
            oom = 1;
            continue;
        }
        if (dp_base_build(c, m, &m->in[r], &m->base[r]) != DP_OK) {
            wctx[r] = c;
        } else {
            dp_ctx_free(c);
        }
    }
    for (size_t r = 0; r < n_region && rc == DP_OK; r++) {
        if (wctx[r]) {
            rc = dp_error(ctx, dp_ctx_status(wctx[r]), "%s", dp_ctx_errmsg(wctx[r]));
        }
    }
    if (rc == DP_OK && oom) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory fitting the regions");
    }
out:
    /* The reported figures stay with the caller (the scenario owns them): the base build reads
     * them (the take-up trend of status_quo: trend) and the model keeps no borrowed pointer
     * that could outlive its owner. */
    for (size_t r = 0; m->in && r < n_region; r++) {
        m->in[r].reported = NULL;
        m->in[r].n_reported = 0;
    }
    for (size_t r = 0; wctx && r < n_region; r++) {
        dp_ctx_free(wctx[r]);
    }
    free(wctx);
    if (rc != DP_OK) {
        dp_model_free(m);
        return rc;
    }
    *out = m;
    return DP_OK;
}

size_t
dp_model_n_region(const dp_model *m)
{
    return m->n_region;
}

const dp_params *
dp_model_params(const dp_model *m)
{
    return &m->p;
}

int
dp_model_take_up_combined(const dp_model *m, size_t r, size_t prog)
{
    return m->base[r].take_up_dist_mean[prog] > 0.0;
}

double
dp_model_take_up(const dp_model *m, size_t r, size_t prog)
{
    return m->base[r].take_up[prog];
}

const dp_trend_fit *
dp_model_trend(const dp_model *m, size_t r, size_t prog)
{
    return prog < DP_N_TREND && m->base[r].trend[prog].on ? &m->base[r].trend[prog] : NULL;
}

dp_take_up_source
dp_model_take_up_source(const dp_model *m, size_t r, size_t prog)
{
    return m->base[r].take_up_source[prog];
}

size_t
dp_model_fit_iterations(const dp_model *m, size_t r)
{
    return m->base[r].ipf_iterations;
}

const double *
dp_model_base_cells(const dp_model *m, size_t r)
{
    return m->base[r].cells;
}

const double *
dp_model_base_population(const dp_model *m, size_t r)
{
    return m->base[r].pop;
}

double
dp_model_marginal(const dp_model *m, size_t r, dp_marg_kind k)
{
    return m->base[r].marginal[k];
}
