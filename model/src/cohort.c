/* model/src/cohort.c
 *
 * The cohort engine: deterministic expected values. Each region's state is its non-disabled
 * residents by sex and age and its disabled persons by cell; one year applies the steps of
 * DESIGN §1 in order with the probabilities of dp_rates_year (rates.c), block by block: the 168
 * cells of one (sex, age) stay in cache while deaths, onset, grade change, certification and
 * household transitions act on them. Regions are independent and run in parallel; each writes
 * only its own slice of the result tables, so results do not depend on the thread count.
 * Workload: DP_N_CELL (33,936) cells x years x regions; no allocation inside the year loop.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_impl.h"

/* Flows recorded per region and year [persons]. */
enum {
    FL_BIRTHS,
    FL_DEATHS_ND,
    FL_DEATHS_D,
    FL_ONSETS,
    FL_MIGRATION_ND,
    FL_MIGRATION_D,
    FL_CERTIFIED,
    FL_WORSENED,
    FL_IMPROVED,
    FL_DIBAO_IN,
    FL_DIBAO_OUT,
    N_FLOW
};
static const char *const flow_label[N_FLOW] = {
    "births",      "deaths_nondisabled", "deaths_disabled", "onsets",
    "migration_nondisabled", "migration_disabled", "certifications", "grade_worsening",
    "grade_improvement", "dibao_entries", "dibao_exits"};
static const char *const flow_label_zh[N_FLOW] = {
    "出生", "非残疾人死亡", "残疾人死亡", "新增残疾", "非残疾人净迁移", "残疾人净迁移",
    "新办证", "等级加重", "等级减轻", "进入低保", "退出低保"};

/* Headline indicators [persons]. */
enum {
    IN_DISABLED,
    IN_SEVERE,
    IN_AGED60,
    IN_CHILDREN,
    IN_CERTIFIED,
    IN_SEVERE_CERTIFIED,
    IN_DIBAO,
    IN_MARGINAL,
    N_IND
};
static const char *const ind_label[N_IND] = {"disabled", "severe",    "aged60", "children",
                                             "certified", "severe_certified", "dibao", "marginal"};
static const char *const ind_label_zh[N_IND] = {"残疾人",       "重度残疾人", "60岁及以上",
                                                "0-14岁儿童",   "持证残疾人", "持证重度残疾人",
                                                "低保残疾人",   "低保边缘残疾人"};

static const char *const fitstat_label[3] = {"target", "fitted", "residual"};
static const char *const fitstat_label_zh[3] = {"目标", "拟合", "残差"};

/* Workspace of one thread: one region's state and one year's rates. */
typedef struct {
    double cells[DP_N_CELL]; /**< disabled persons by cell */
    double nd[DP_N_SEX * DP_N_AGE]; /**< non-disabled residents */
    dp_year_rates rates;
} cohort_work;

/* Indices of the engine's tables in the results. */
typedef struct {
    dp_table *population, *disabled_age, *disabled, *indicators, *flows, *recipients,
        *person_months, *amount, *spending, *fit, *take_up;
} cohort_tables;

/* Programme eligibility by cell for one year: [DP_N_PROG][DP_N_CELL]. */
static void
eligibility_mask(int marginal_eligible, unsigned char *mask)
{
    for (size_t prog = 0; prog < DP_N_PROG; prog++) {
        for (size_t i = 0; i < DP_N_CELL; i++) {
            size_t sa = i / DP_N_BLOCK, k = i % DP_N_BLOCK;
            mask[prog * DP_N_CELL + i] = (unsigned char)dp_rates_eligible(
                prog, sa / DP_N_AGE, sa % DP_N_AGE, dp_block_type(k), dp_block_grade(k),
                dp_block_cert(k), dp_block_hh(k), marginal_eligible);
        }
    }
}

/* Persons eligible for each programme by grade: out[prog][grade]. */
static void
eligible_by_grade(const double *cells, const unsigned char *mask, double *out)
{
    for (size_t i = 0; i < DP_N_PROG * DP_N_GRADE; i++) {
        out[i] = 0.0;
    }
    for (size_t prog = 0; prog < DP_N_PROG; prog++) {
        const unsigned char *mk = mask + prog * DP_N_CELL;
        double *o = out + prog * DP_N_GRADE;
        for (size_t i = 0; i < DP_N_CELL; i++) {
            o[dp_block_grade(i % DP_N_BLOCK)] += mk[i] ? cells[i] : 0.0;
        }
    }
}

/* Steps 2-6 of one year on one region's state (deaths, onset, grade change, certification,
 * household status). Adds the flows to fl. */
static void
transitions(const dp_region_base *b, const dp_year_rates *r, double *cells, double *nd,
            double *fl)
{
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double *blk = cells + sa * DP_N_BLOCK;
        size_t age = sa % DP_N_AGE;
        /* 2. Deaths. */
        const double *qd = r->q_d + sa * DP_N_TYPE * DP_N_GRADE;
        for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
            double *x = blk + tg * DP_N_CERT * DP_N_HH;
            for (size_t j = 0; j < DP_N_CERT * DP_N_HH; j++) {
                double dead = x[j] * qd[tg];
                fl[FL_DEATHS_D] += dead;
                x[j] -= dead;
            }
        }
        double dead_nd = nd[sa] * r->q_nd[sa];
        fl[FL_DEATHS_ND] += dead_nd;
        nd[sa] -= dead_nd;
        /* 3. Onset among the surviving non-disabled: uncertified, with the region's type x
         * grade mix and the household distribution of the uncertified. */
        double on = nd[sa] * r->onset[sa];
        nd[sa] -= on;
        fl[FL_ONSETS] += on;
        for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
            double *x = blk + tg * DP_N_CERT * DP_N_HH + DP_UNCERT * DP_N_HH;
            double add = on * b->mix[tg];
            for (size_t h = 0; h < DP_N_HH; h++) {
                x[h] += add * b->onset_hh[h];
            }
        }
        /* 4. Grade change: one grade more severe with prob. w, less severe with prob. u. */
        double w = r->worsen[age], u = r->improve;
        for (size_t t = 0; t < DP_N_TYPE; t++) {
            for (size_t ch = 0; ch < DP_N_CERT * DP_N_HH; ch++) {
                double old[DP_N_GRADE];
                for (size_t g = 0; g < DP_N_GRADE; g++) {
                    old[g] = blk[(t * DP_N_GRADE + g) * DP_N_CERT * DP_N_HH + ch];
                }
                for (size_t g = 0; g < DP_N_GRADE; g++) {
                    double stay = 1.0 - (g > 0 ? w : 0.0) - (g + 1 < DP_N_GRADE ? u : 0.0);
                    double v = old[g] * stay;
                    if (g + 1 < DP_N_GRADE) {
                        v += old[g + 1] * w;
                    }
                    if (g > 0) {
                        v += old[g - 1] * u;
                        fl[FL_WORSENED] += old[g] * w;
                    }
                    if (g + 1 < DP_N_GRADE) {
                        fl[FL_IMPROVED] += old[g] * u;
                    }
                    blk[(t * DP_N_GRADE + g) * DP_N_CERT * DP_N_HH + ch] = v;
                }
            }
        }
        /* 5. Certification of the uncertified. 6. Household status. */
        for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
            double *x = blk + tg * DP_N_CERT * DP_N_HH;
            const double *cr = r->certify + (tg % DP_N_GRADE) * DP_N_HH;
            for (size_t h = 0; h < DP_N_HH; h++) {
                double moved = x[DP_UNCERT * DP_N_HH + h] * cr[h];
                x[DP_UNCERT * DP_N_HH + h] -= moved;
                x[DP_CERT * DP_N_HH + h] += moved;
                fl[FL_CERTIFIED] += moved;
            }
            for (size_t c = 0; c < DP_N_CERT; c++) {
                double *y = x + c * DP_N_HH;
                const double *hh = r->hh + c * DP_N_HH * DP_N_HH;
                double old[DP_N_HH] = {y[0], y[1], y[2]};
                for (size_t to = 0; to < DP_N_HH; to++) {
                    double v = 0.0;
                    for (size_t from = 0; from < DP_N_HH; from++) {
                        v += old[from] * hh[from * DP_N_HH + to];
                    }
                    y[to] = v;
                }
                fl[FL_DIBAO_IN] += old[DP_OTHER] * hh[DP_OTHER * DP_N_HH + DP_DIBAO] +
                                   old[DP_MARGINAL] * hh[DP_MARGINAL * DP_N_HH + DP_DIBAO];
                fl[FL_DIBAO_OUT] += old[DP_DIBAO] * (1.0 - hh[DP_DIBAO * DP_N_HH + DP_DIBAO]);
            }
        }
    }
}

/* Step 9: births, migration and ageing by one year (100+ accumulates). */
static void
age_population(const dp_year_rates *r, double pop_start, double *cells, double *nd, double *fl)
{
    /* Births over the year, net of deaths before the year's end (half a year's exposure to
     * q(0) of each sex): they enter age 0 non-disabled. */
    double births = r->birth_rate * pop_start;
    double born[DP_N_SEX] = {births * r->sex_male_birth, births * (1.0 - r->sex_male_birth)};
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        born[sex] *= 1.0 - 0.5 * r->q_nd[sex * DP_N_AGE];
        fl[FL_BIRTHS] += born[sex];
    }
    /* Net migration, proportional to the residents of each group. */
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double mig = nd[sa] * r->migration_nd;
        nd[sa] += mig;
        fl[FL_MIGRATION_ND] += mig;
    }
    if (r->migration_d != 0.0) {
        double f = 1.0 + r->migration_d, before = 0.0;
        for (size_t i = 0; i < DP_N_CELL; i++) {
            before += cells[i];
            cells[i] *= f;
        }
        fl[FL_MIGRATION_D] += before * r->migration_d;
    }
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        double *n = nd + sex * DP_N_AGE;
        n[DP_MAX_AGE] += n[DP_MAX_AGE - 1];
        memmove(n + 1, n, (DP_MAX_AGE - 1) * sizeof *n);
        n[0] = born[sex];
        double *c = cells + sex * DP_N_AGE * DP_N_BLOCK;
        double *last = c + (size_t)DP_MAX_AGE * DP_N_BLOCK;
        double *prev = c + (size_t)(DP_MAX_AGE - 1) * DP_N_BLOCK;
        for (size_t k = 0; k < DP_N_BLOCK; k++) {
            last[k] += prev[k];
        }
        memmove(c + DP_N_BLOCK, c, (size_t)(DP_MAX_AGE - 1) * DP_N_BLOCK * sizeof *c);
        memset(c, 0, DP_N_BLOCK * sizeof *c);
    }
}

/* Records the end-of-year stocks of one region into the tables. */
static void
record_stocks(const cohort_tables *tb, size_t n_region, size_t yi, size_t reg, const double *cells,
              const double *nd)
{
    size_t slot = yi * n_region + reg;
    double *pop = tb->population->data + slot * DP_N_SEX * DP_N_AGE;
    double *dage = tb->disabled_age->data + slot * DP_N_SEX * DP_N_AGE;
    double *dis = tb->disabled->data + slot * DP_N_BLOCK;
    double *ind = tb->indicators->data + slot * N_IND;
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        const double *blk = cells + sa * DP_N_BLOCK;
        size_t age = sa % DP_N_AGE;
        double s = 0.0;
        for (size_t k = 0; k < DP_N_BLOCK; k++) {
            double v = blk[k];
            size_t h = dp_block_hh(k), c = dp_block_cert(k), g = dp_block_grade(k);
            s += v;
            dis[k] += v;
            if (g <= 1) {
                ind[IN_SEVERE] += v;
                if (c == DP_CERT) {
                    ind[IN_SEVERE_CERTIFIED] += v;
                }
            }
            if (c == DP_CERT) {
                ind[IN_CERTIFIED] += v;
            }
            if (h == DP_DIBAO) {
                ind[IN_DIBAO] += v;
            } else if (h == DP_MARGINAL) {
                ind[IN_MARGINAL] += v;
            }
        }
        dage[sa] = s;
        pop[sa] = nd[sa] + s;
        ind[IN_DISABLED] += s;
        if (age >= 60) {
            ind[IN_AGED60] += s;
        } else if (age <= 14) {
            ind[IN_CHILDREN] += s;
        }
    }
}

static double
sum(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        s += x[i];
    }
    return s;
}

/* Projects one region over the horizon, writing its slices of the tables. */
static void
project_region(const dp_model *m, size_t reg, const unsigned char *masks, const cohort_tables *tb,
               cohort_work *w)
{
    const dp_params *p = &m->p;
    const dp_region_base *b = &m->base[reg];
    size_t n_year = (size_t)(p->year_end - p->year_start + 1);
    size_t n_region = m->n_region;
    memcpy(w->cells, b->cells, sizeof w->cells);
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double d = sum(b->cells + sa * DP_N_BLOCK, DP_N_BLOCK);
        w->nd[sa] = b->pop[sa] - d > 0.0 ? b->pop[sa] - d : 0.0;
    }
    /* Recipients at the end of the base year under the base year's rules. */
    double r0[DP_N_PROG * DP_N_GRADE], r1[DP_N_PROG * DP_N_GRADE];
    eligible_by_grade(w->cells, masks, r0);
    for (size_t i = 0; i < DP_N_PROG * DP_N_GRADE; i++) {
        r0[i] *= b->take_up[i / DP_N_GRADE];
    }
    for (size_t yi = 0; yi < n_year; yi++) {
        int year = p->year_start + (int)yi;
        const unsigned char *mask = masks + (yi + 1) * DP_N_PROG * DP_N_CELL;
        size_t slot = yi * n_region + reg;
        double *fl = tb->flows->data + slot * N_FLOW;
        /* 1. The year's parameters. */
        dp_rates_year(m, reg, year, &w->rates);
        double pop_start = sum(w->nd, DP_N_SEX * DP_N_AGE) + sum(w->cells, DP_N_CELL);
        /* 2-6. */
        transitions(b, &w->rates, w->cells, w->nd, fl);
        /* 7. Services: none in this slice. 8. Programmes: recipients at the year's end;
         * persons who enter or leave during the year count half a year (events uniform over
         * the year), so person-months = 6 (R_start + R_end). */
        eligible_by_grade(w->cells, mask, r1);
        double *rec = tb->recipients->data + slot * DP_N_PROG;
        double *pm = tb->person_months->data + slot * DP_N_PROG * DP_N_GRADE;
        double *sp = tb->spending->data + slot * DP_N_PROG;
        for (size_t prog = 0; prog < DP_N_PROG; prog++) {
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                size_t i = prog * DP_N_GRADE + g;
                r1[i] *= b->take_up[prog];
                rec[prog] += r1[i];
                pm[i] = 6.0 * (r0[i] + r1[i]);
                sp[prog] += pm[i] * w->rates.amount[i];
                r0[i] = r1[i];
            }
        }
        /* 9. Births, migration, ageing. */
        age_population(&w->rates, pop_start, w->cells, w->nd, fl);
        record_stocks(tb, n_region, yi, reg, w->cells, w->nd);
    }
}

static dp_status
add_axes(dp_ctx *ctx, const dp_model *m, dp_results *res)
{
    const dp_params *p = &m->p;
    size_t n_year = (size_t)(p->year_end - p->year_start + 1);
    dp_status rc = DP_OK;
    const char *plab[DP_N_PROG], *pzh[DP_N_PROG], *mlab[DP_N_MARG];
    size_t n_lab = n_year > DP_N_AGE ? n_year : DP_N_AGE;
    char(*lab)[16] = malloc(n_lab * sizeof *lab);
    const char **lp = malloc(n_lab * sizeof *lp);
    double *val = malloc(n_lab * sizeof *val);
    const char **rl = malloc((m->n_region ? m->n_region : 1) * sizeof *rl);
    const char **rz = malloc((m->n_region ? m->n_region : 1) * sizeof *rz);
    if (!lab || !lp || !val || !rl || !rz) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the axes");
        goto out;
    }
    for (size_t i = 0; i < n_year; i++) {
        snprintf(lab[i], sizeof lab[i], "%d", p->year_start + (int)i);
        lp[i] = lab[i];
        val[i] = p->year_start + (int)i;
    }
    if ((rc = dp_results_add_axis(ctx, res, "year", n_year, lp, NULL, val, NULL))) {
        goto out;
    }
    for (size_t r = 0; r < m->n_region; r++) {
        rl[r] = m->in[r].id;
        rz[r] = m->in[r].name_zh[0] ? m->in[r].name_zh : m->in[r].id;
    }
    if ((rc = dp_results_add_axis(ctx, res, "region", m->n_region, rl, rz, NULL, NULL))) {
        goto out;
    }
    for (size_t a = 0; a < DP_N_AGE; a++) {
        snprintf(lab[a], sizeof lab[a], a == DP_MAX_AGE ? "%zu+" : "%zu", a);
        lp[a] = lab[a];
        val[a] = (double)a;
    }
    for (size_t k = 0; k < DP_N_PROG; k++) {
        plab[k] = dp_prog_key[k];
        pzh[k] = dp_prog_label_zh[k];
    }
    for (size_t k = 0; k < DP_N_MARG; k++) {
        mlab[k] = dp_marg_key[k];
    }
    if ((rc = dp_results_add_axis(ctx, res, "age", DP_N_AGE, lp, NULL, val, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "sex", DP_N_SEX, dp_sex_label, dp_sex_label_zh, NULL,
                                  NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "type", DP_N_TYPE, dp_type_label, dp_type_label_zh,
                                  NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "grade", DP_N_GRADE, dp_grade_label,
                                  dp_grade_label_zh, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "certified", DP_N_CERT, dp_cert_label,
                                  dp_cert_label_zh, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "household", DP_N_HH, dp_hh_label, dp_hh_label_zh,
                                  NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "programme", DP_N_PROG, plab, pzh, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "flow", N_FLOW, flow_label, flow_label_zh, NULL,
                                  NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "indicator", N_IND, ind_label, ind_label_zh, NULL,
                                  NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "marginal", DP_N_MARG, mlab, NULL, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "fitstat", 3, fitstat_label, fitstat_label_zh, NULL,
                                  NULL))) {
        goto out;
    }
out:
    free(lab);
    free(lp);
    free(val);
    free(rl);
    free(rz);
    return rc;
}

static dp_status
add_tables(dp_ctx *ctx, dp_results *res, cohort_tables *tb)
{
    static const char *const ax_pop[] = {"year", "region", "sex", "age", NULL};
    static const char *const ax_dis[] = {"year",      "region",    "type", "grade",
                                         "certified", "household", NULL};
    static const char *const ax_ind[] = {"year", "region", "indicator", NULL};
    static const char *const ax_flow[] = {"year", "region", "flow", NULL};
    static const char *const ax_prog[] = {"year", "region", "programme", NULL};
    static const char *const ax_pm[] = {"year", "region", "programme", "grade", NULL};
    static const char *const ax_amt[] = {"year", "programme", "grade", NULL};
    static const char *const ax_fit[] = {"region", "marginal", "fitstat", NULL};
    static const char *const ax_tu[] = {"region", "programme", NULL};
    dp_status rc;
    if ((rc = dp_results_add_table(ctx, res, "population", "persons",
                                   "residents at the end of the year by sex and age",
                                   "年末常住人口（按性别、年龄）", 1, ax_pop, &tb->population)) ||
        (rc = dp_results_add_table(ctx, res, "disabled_age", "persons",
                                   "disabled persons at the end of the year by sex and age",
                                   "年末残疾人数（按性别、年龄）", 1, ax_pop, &tb->disabled_age)) ||
        (rc = dp_results_add_table(ctx, res, "disabled", "persons",
                                   "disabled persons at the end of the year by type, grade, "
                                   "certification and household status",
                                   "年末残疾人数（按类别、等级、持证、家庭经济状况）", 1, ax_dis,
                                   &tb->disabled)) ||
        (rc = dp_results_add_table(ctx, res, "indicators", "persons",
                                   "headline counts at the end of the year", "年末主要人数指标",
                                   1, ax_ind, &tb->indicators)) ||
        (rc = dp_results_add_table(ctx, res, "flows", "persons",
                                   "flows during the year", "年内人口流量", 1, ax_flow,
                                   &tb->flows)) ||
        (rc = dp_results_add_table(ctx, res, "recipients", "persons",
                                   "programme recipients at the end of the year",
                                   "年末受益人数", 1, ax_prog, &tb->recipients)) ||
        (rc = dp_results_add_table(ctx, res, "person_months", "person-months",
                                   "person-months paid during the year by grade",
                                   "年内受益人月数（按等级）", 1, ax_pm, &tb->person_months)) ||
        (rc = dp_results_add_table(ctx, res, "amount", "yuan/person/month",
                                   "monthly amount in force by grade", "月发放标准（按等级）",
                                   1, ax_amt, &tb->amount)) ||
        (rc = dp_results_add_table(ctx, res, "spending", "yuan",
                                   "programme spending during the year (nominal)",
                                   "年度项目支出（名义）", 1, ax_prog, &tb->spending)) ||
        (rc = dp_results_add_table(ctx, res, "fit", "persons",
                                   "base-year fit: the region file's marginals, the fitted "
                                   "values and their difference",
                                   "基年拟合：目标、拟合值与残差", 0, ax_fit, &tb->fit)) ||
        (rc = dp_results_add_table(ctx, res, "take_up", "share",
                                   "take-up of each programme among eligible persons",
                                   "符合条件者的实际领取率", 0, ax_tu, &tb->take_up))) {
        return rc;
    }
    return DP_OK;
}

dp_status
dp_cohort_run(dp_ctx *ctx, const dp_model *m, dp_results **out)
{
    const dp_params *p = &m->p;
    size_t n_year = (size_t)(p->year_end - p->year_start + 1);
    dp_status rc = DP_OK;
    cohort_tables tb;
    unsigned char *masks = NULL;
    int mf = p->prog[DP_PROG_LIVING].marginal_from;
    int oom = 0;
    dp_results *res = dp_results_alloc(1);
    *out = NULL;
    if (!res) {
        return dp_error(ctx, DP_ENOMEM, "out of memory for the results");
    }
    if ((rc = add_axes(ctx, m, res)) || (rc = add_tables(ctx, res, &tb))) {
        goto out;
    }
    /* Eligibility masks for the base year and every projected year (the same for all
     * regions). */
    masks = malloc((n_year + 1) * DP_N_PROG * DP_N_CELL);
    if (!masks) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for eligibility masks");
        goto out;
    }
    for (size_t yi = 0; yi <= n_year; yi++) {
        int year = p->year_start - 1 + (int)yi;
        eligibility_mask(mf > 0 && year >= mf, masks + yi * DP_N_PROG * DP_N_CELL);
    }
    for (size_t yi = 0; yi < n_year; yi++) {
        int year = p->year_start + (int)yi;
        for (size_t prog = 0; prog < DP_N_PROG; prog++) {
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                tb.amount->data[(yi * DP_N_PROG + prog) * DP_N_GRADE + g] =
                    p->prog[prog].enabled ? dp_rates_amount(p, prog, g, year) : 0.0;
            }
        }
    }
    for (size_t r = 0; r < m->n_region; r++) {
        for (size_t k = 0; k < DP_N_MARG; k++) {
            double *f = tb.fit->data + (r * DP_N_MARG + k) * 3;
            f[0] = m->base[r].target[k];
            f[1] = m->base[r].marginal[k];
            f[2] = f[1] - f[0];
        }
        for (size_t prog = 0; prog < DP_N_PROG; prog++) {
            tb.take_up->data[r * DP_N_PROG + prog] = m->base[r].take_up[prog];
        }
    }
#pragma omp parallel
    {
        cohort_work *w = malloc(sizeof *w);
        if (!w) {
#pragma omp atomic write
            oom = 1;
        }
#pragma omp for schedule(dynamic)
        for (size_t r = 0; r < m->n_region; r++) {
            if (w) {
                project_region(m, r, masks, &tb, w);
            }
        }
        free(w);
    }
    if (oom) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for engine workspaces");
    }
out:
    free(masks);
    if (rc != DP_OK) {
        dp_results_free(res);
        return rc;
    }
    *out = res;
    return DP_OK;
}
