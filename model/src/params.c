/* model/src/params.c
 *
 * Date-ranged values and the documented parameter defaults. Every default below is listed in
 * docs/scenarios.md with its unit and source; those marked "assumption" there have no
 * published source and are the project's choice.
 */
#include <math.h>
#include <string.h>

#include "dpsim/params.h"
#include "dpsim/rng.h"

const char *const dp_prog_key[DP_N_PROG] = {"living_subsidy", "care_subsidy"};
const char *const dp_prog_label_zh[DP_N_PROG] = {"困难残疾人生活补贴", "重度残疾人护理补贴"};

double
dp_sched_at(const dp_sched *s, int year)
{
    if (s->n == 0) {
        return NAN;
    }
    size_t k = 0;
    while (k + 1 < s->n && s->year[k + 1] <= year) {
        k++;
    }
    return s->value[k];
}

int
dp_sched_key(const dp_sched *s, int year)
{
    if (s->n == 0) {
        return 0;
    }
    size_t k = 0;
    while (k + 1 < s->n && s->year[k + 1] <= year) {
        k++;
    }
    return s->year[k];
}

void
dp_sched_const(dp_sched *s, double v)
{
    s->n = 1;
    s->year[0] = 0;
    s->value[0] = v;
}

void
dp_params_default(dp_params *p)
{
    *p = (dp_params){0};
    p->year_start = 2021;
    p->year_end = 2035;
    p->sex_ratio_birth = 111.3; /* assumption: China's sex ratio at birth, 2020 census level */
    p->disabled_migration_factor = 0.0;
    p->mortality_improvement = 0.0;
    /* Assumptions within the CLHLS hazard ratios 1.44-4.45 by disability level. */
    p->mort_rr_grade[0] = 3.0;
    p->mort_rr_grade[1] = 2.2;
    p->mort_rr_grade[2] = 1.6;
    p->mort_rr_grade[3] = 1.3;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        p->mort_rr_type[t] = 1.0;
    }
    p->mort_rr_type[DP_MENTAL] = 1.8; /* SMR mental 9.9 / all 5.4 (cohort 2006-2010) */
    p->onset_multiplier = 1.0;
    p->worsen_rate[0] = 0.01; /* assumption */
    p->worsen_rate[1] = 0.03; /* assumption */
    p->improve_rate = 0.0;
    p->certify_rate[0] = NAN; /* balanced (docs/model.md) */
    p->certify_rate[1] = NAN;
    p->dibao_exit = 0.05;      /* assumption */
    p->marginal_exit = 0.10;   /* assumption */
    p->dibao_entry = NAN;
    p->marginal_entry = NAN;
    for (size_t k = 0; k < DP_N_PROG; k++) {
        dp_prog_params *g = &p->prog[k];
        g->enabled = 1;
        g->index_rate = 0.0;
        g->take_up = NAN;
        g->marginal_from = 0;
    }
    /* National guideline floors (2015): living >= 50, care >= 100 yuan/month. */
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        dp_sched_const(&p->prog[DP_PROG_LIVING].monthly[g], 50.0);
        dp_sched_const(&p->prog[DP_PROG_CARE].monthly[g], g < 2 ? 100.0 : 0.0);
    }
}

void
dp_params_draw(const dp_params *p, uint64_t seed, uint32_t rep, gsl_rng *r, dp_params *out,
               double *values)
{
    if (out != p) {
        memcpy(out, p, sizeof *out);
    }
    for (size_t i = 0; i < p->n_uncertain; i++) {
        const dp_uncertain *u = &p->uncertain[i];
        dp_rng_stream(r, seed, rep, (uint32_t)i, 0, DP_EV_PARAM);
        double v = dp_dist_draw(&u->dist, r);
        v = v < u->min ? u->min : (v > u->max ? u->max : v);
        for (size_t k = 0; k < u->n_target; k++) {
            memcpy((char *)out + u->offset[k], &v, sizeof v);
        }
        if (values) {
            values[i] = v;
        }
    }
}
