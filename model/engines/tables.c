/* model/engines/tables.c
 *
 * The result tables both engines fill (results.h lists them): their axes with English and
 * Chinese labels, the base tables, the replicate's parameters and the recording of stocks and
 * programme results. An engine produces counts by cell; everything from there to a table is
 * here, once, so the engines cannot differ in what they report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "input/settings.h"
#include "engines/tables.h"

static const char *const flow_label[DP_N_FLOW] = {
    "births",      "deaths_nondisabled", "deaths_disabled", "onsets",
    "migration_nondisabled", "migration_disabled", "certifications", "grade_worsening",
    "grade_improvement", "dibao_entries", "dibao_exits", "job_entries", "job_exits",
    "job_entries_from_dibao", "renovations"};
static const char *const flow_label_zh[DP_N_FLOW] = {
    "出生", "非残疾人死亡", "残疾人死亡", "新增残疾", "非残疾人净迁移", "残疾人净迁移",
    "新办证", "等级加重", "等级减轻", "进入低保", "退出低保", "新就业", "退出就业",
    "低保对象新就业", "无障碍改造"};

static const char *const ind_label[DP_N_IND_ALL] = {
    "disabled", "severe", "aged60", "children", "certified", "severe_certified", "dibao",
    "marginal", "working_age", "employed", "new_jobs", "trainees", "renovation_group",
    "renovated", "renovations_cumulative", "multi_disabled_households", "cash_transfers",
    "working_age_certified", "employed_certified", "adults_certified", "pension_participants",
    "medical_participants", "rehab_person_times"};
static const char *const ind_label_zh[DP_N_IND_ALL] = {
    "残疾人", "重度残疾人", "60岁及以上", "0-14岁儿童", "持证残疾人", "持证重度残疾人",
    "低保残疾人", "低保边缘残疾人", "16-59岁残疾人", "就业残疾人", "新增就业", "培训人数",
    "无障碍改造对象", "已改造家庭残疾人", "累计无障碍改造户数", "一户多残户数",
    "现金补贴（元）", "16-59岁持证残疾人", "就业持证残疾人", "16岁及以上持证残疾人",
    "养老保险参保持证残疾人", "医疗保险参保持证残疾人", "康复服务人次"};

static const char *const stage_label[DP_N_STAGE] = {"eligible", "certified", "applied", "paid"};
static const char *const stage_label_zh[DP_N_STAGE] = {"符合条件", "持证", "申请", "发放"};
static const char *const svc_label[DP_N_SVC] = {"need", "demand", "served", "unmet", "capacity"};
static const char *const svc_label_zh[DP_N_SVC] = {"需求", "目标需求", "已服务", "未满足",
                                                   "服务能力"};
static const char *const emps_label[DP_N_EMPS] = {"job_subsidies", "training", "posts", "awards",
                                                  "dibao_phase_out"};
static const char *const emps_label_zh[DP_N_EMPS] = {"就业补贴", "职业培训", "公益性岗位",
                                                     "超比例奖励", "低保渐退"};
enum { BUDGET_TOTAL, BUDGET_CEILING, BUDGET_EXCEEDS, N_BUDGET };
static const char *const budget_label[N_BUDGET] = {"total", "ceiling", "exceeds"};
static const char *const budget_label_zh[N_BUDGET] = {"支出合计", "预算上限", "超出上限"};

static const char *const fitstat_label[3] = {"target", "fitted", "residual"};
static const char *const fitstat_label_zh[3] = {"目标", "拟合", "残差"};

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
        (rc = dp_results_add_axis(ctx, res, "flow", DP_N_FLOW, flow_label, flow_label_zh, NULL,
                                  NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "indicator", DP_N_IND_ALL, ind_label, ind_label_zh,
                                  NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "programme2", DP_N_PROG, plab, pzh, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "stage", DP_N_STAGE, stage_label, stage_label_zh,
                                  NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "level", DP_N_LEVEL, dp_level_key,
                                  dp_level_label_zh, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "service", DP_N_SVC, svc_label, svc_label_zh, NULL,
                                  NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "component", DP_N_EMPS, emps_label, emps_label_zh,
                                  NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "budget_item", N_BUDGET, budget_label,
                                  budget_label_zh, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "marginal", DP_N_MARG, mlab, NULL, NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "fitstat", 3, fitstat_label, fitstat_label_zh, NULL,
                                  NULL))) {
        goto out;
    }
    if (p->n_uncertain > 0) {
        const char *un[DP_MAX_UNCERTAIN], *uz[DP_MAX_UNCERTAIN];
        char zh[DP_MAX_UNCERTAIN][192];
        for (size_t i = 0; i < p->n_uncertain; i++) {
            un[i] = p->uncertain[i].name;
            dp_key_label_zh(p->uncertain[i].name, zh[i], sizeof zh[i]);
            uz[i] = zh[i];
        }
        if ((rc = dp_results_add_axis(ctx, res, "parameter", p->n_uncertain, un, uz, NULL,
                                      NULL))) {
            goto out;
        }
    }
out:
    free(lab);
    free(lp);
    free(val);
    free(rl);
    free(rz);
    return rc;
}

/* status_quo: trend: base/trend_fit [region, trend_programme, trendstat], base/trend_obs
 * [region, trend_programme, trend_obs, obsstat] (NAN past a fit's observations; all NAN for a
 * region and programme without a trend) and runs/trend_growth [region, trend_programme], the
 * growth g each replicate projects (docs/output-schema.md). */
static dp_status
add_trend_tables(dp_ctx *ctx, const dp_model *m, dp_results *res, dp_tables *tb)
{
    static const char *const prog_label[DP_N_TREND] = {"living_subsidy", "care_subsidy"};
    static const char *const prog_zh[DP_N_TREND] = {"困难残疾人生活补贴", "重度残疾人护理补贴"};
    static const char *const stat_label[DP_N_TRENDSTAT] = {
        "a", "g", "se_a", "se_g", "cov_ag", "ceiling", "t0", "n_obs", "chi2", "eligible"};
    static const char *const stat_zh[DP_N_TRENDSTAT] = {
        "基年对数几率", "年增长", "a的标准误", "g的标准误", "a与g的协方差", "上限", "基准时间",
        "观测数", "加权残差平方和", "基年符合条件人数"};
    static const char *const obs_label[4] = {"time", "share", "fitted", "residual"};
    static const char *const obs_zh[4] = {"时间", "观测比例", "拟合比例", "残差"};
    static const char *const ax_fit[] = {"region", "trend_programme", "trendstat", NULL};
    static const char *const ax_obs[] = {"region", "trend_programme", "trend_obs", "obsstat",
                                         NULL};
    static const char *const ax_g[] = {"region", "trend_programme", NULL};
    char idx[DP_TREND_MAX_OBS][8];
    const char *il[DP_TREND_MAX_OBS];
    for (size_t i = 0; i < DP_TREND_MAX_OBS; i++) {
        snprintf(idx[i], sizeof idx[i], "%zu", i);
        il[i] = idx[i];
    }
    dp_table *fit = NULL, *obs = NULL;
    dp_status rc;
    if ((rc = dp_results_add_axis(ctx, res, "trend_programme", DP_N_TREND, prog_label, prog_zh,
                                  NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "trendstat", DP_N_TRENDSTAT, stat_label, stat_zh,
                                  NULL, NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "trend_obs", DP_TREND_MAX_OBS, il, NULL, NULL,
                                  NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "obsstat", 4, obs_label, obs_zh, NULL, NULL)) ||
        (rc = dp_results_add_table(ctx, res, "trend_fit", "mixed",
                                   "status_quo: trend: the fitted take-up trend s(t) = c / (1 + "
                                   "exp(-(a + g (t - t0)))) (shares of the base's eligible "
                                   "persons), its standard errors and fit statistics",
                                   "领取率趋势拟合参数", 0, ax_fit, &fit)) ||
        (rc = dp_results_add_table(ctx, res, "trend_obs", "mixed",
                                   "status_quo: trend: the reported recipients the trend is "
                                   "fitted to, as shares of the base's eligible persons (time "
                                   "in years: the end of year Y is Y), the fitted share and the "
                                   "residual", "领取率趋势拟合所用观测", 0, ax_obs, &obs)) ||
        (rc = dp_results_add_table(ctx, res, "trend_growth", "1/yr",
                                   "status_quo: trend: the take-up growth g each replicate "
                                   "projects (its draw from the fit's joint distribution with "
                                   "--runs N > 1; the fitted g otherwise)",
                                   "各次模拟的领取率增长", 1, ax_g, &tb->trend_growth))) {
        return rc;
    }
    for (size_t r = 0; r < m->n_region; r++) {
        for (size_t k = 0; k < DP_N_TREND; k++) {
            const dp_trend_fit *f = &m->base[r].trend[k];
            double *row = fit->data + (r * DP_N_TREND + k) * DP_N_TRENDSTAT;
            double *o = obs->data + (r * DP_N_TREND + k) * DP_TREND_MAX_OBS * 4;
            double v[DP_N_TRENDSTAT] = {f->a, f->g, f->se_a, f->se_g, f->cov[0][1], f->ceiling,
                                        f->t0, (double)f->n_obs, f->chi2,
                                        m->base[r].eligible[k]};
            for (size_t s = 0; s < DP_N_TRENDSTAT; s++) {
                row[s] = f->on ? v[s] : (double)NAN;
            }
            for (size_t i = 0; i < DP_TREND_MAX_OBS; i++) {
                int have = f->on && i < f->n_obs;
                o[i * 4 + 0] = have ? f->t[i] : (double)NAN;
                o[i * 4 + 1] = have ? f->y[i] : (double)NAN;
                o[i * 4 + 2] = have ? f->y[i] - f->resid[i] : (double)NAN;
                o[i * 4 + 3] = have ? f->resid[i] : (double)NAN;
            }
        }
    }
    return DP_OK;
}

static dp_status
add_tables(dp_ctx *ctx, dp_results *res, int uncertain, dp_tables *tb)
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
    static const char *const ax_par[] = {"parameter", NULL};
    static const char *const ax_ag[] = {"year", "region", "sex", "age", "grade", NULL};
    static const char *const ax_bag[] = {"region", "sex", "age", "grade", NULL};
    static const char *const ax_stage[] = {"year", "region", "programme", "stage", NULL};
    static const char *const ax_level[] = {"year", "region", "programme", "level", NULL};
    static const char *const ax_svc[] = {"year", "region", "programme", "service", NULL};
    static const char *const ax_ovl[] = {"year", "region", "programme", "programme2", NULL};
    static const char *const ax_emps[] = {"year", "region", "component", NULL};
    static const char *const ax_budget[] = {"year", "budget_item", NULL};
    static const char *const ax_bpop[] = {"region", "sex", "age", NULL};
    dp_status rc;
    if ((rc = dp_results_add_table(ctx, res, "population", "persons",
                                   "residents at the end of the year by sex and age",
                                   "年末常住人口（按性别、年龄）", 1, ax_pop, &tb->population)) ||
        (rc = dp_results_add_table(ctx, res, "population_base", "persons",
                                   "residents at the end of the base year by sex and age, as "
                                   "the replicate starts from them (micro: whole disabled "
                                   "persons; cohort: the fitted base)",
                                   "基年末常住人口（各次模拟的起点，按性别、年龄）", 1, ax_bpop,
                                   &tb->population_base)) ||
        (rc = dp_results_add_table(ctx, res, "disabled_age", "persons",
                                   "disabled persons at the end of the year by sex and age",
                                   "年末残疾人数（按性别、年龄）", 1, ax_pop, &tb->disabled_age)) ||
        (rc = dp_results_add_table(ctx, res, "disabled_age_grade", "persons",
                                   "disabled persons at the end of the year by sex, age and grade",
                                   "年末残疾人数（按性别、年龄、等级）", 1, ax_ag,
                                   &tb->disabled_age_grade)) ||
        (rc = dp_results_add_table(ctx, res, "certified_age_grade", "persons",
                                   "certified disabled persons (card holders) at the end of the "
                                   "year by sex, age and grade",
                                   "年末持证残疾人数（按性别、年龄、等级）", 1, ax_ag,
                                   &tb->certified_age_grade)) ||
        (rc = dp_results_add_table(ctx, res, "disabled_base", "persons",
                                   "disabled persons at the end of the base year (the fitted "
                                   "base population) by sex, age and grade",
                                   "基年末残疾人数（拟合值，按性别、年龄、等级）", 0, ax_bag,
                                   &tb->disabled_base)) ||
        (rc = dp_results_add_table(ctx, res, "disabled", "persons",
                                   "disabled persons at the end of the year by type, grade, "
                                   "certification and household status",
                                   "年末残疾人数（按类别、等级、持证、家庭经济状况）", 1, ax_dis,
                                   &tb->disabled)) ||
        (rc = dp_results_add_table(ctx, res, "indicators", "persons",
                                   "headline counts at the end of the year (new_jobs, trainees: "
                                   "during the year; renovations_cumulative and "
                                   "multi_disabled_households: households; cash_transfers: yuan)",
                                   "年末主要人数指标", 1, ax_ind, &tb->indicators)) ||
        (rc = dp_results_add_table(ctx, res, "flows", "persons",
                                   "flows during the year", "年内人口流量", 1, ax_flow,
                                   &tb->flows)) ||
        (rc = dp_results_add_table(ctx, res, "recipients", "persons",
                                   "programme recipients at the end of the year (households for "
                                   "multi_disabled_household; homes renovated and new jobs "
                                   "subsidised during the year for home_renovation and "
                                   "employment_support)",
                                   "年末受益人数", 1, ax_prog, &tb->recipients)) ||
        (rc = dp_results_add_table(ctx, res, "person_months", "person-months",
                                   "person-months paid during the year by grade",
                                   "年内受益人月数（按等级）", 1, ax_pm, &tb->person_months)) ||
        (rc = dp_results_add_table(ctx, res, "amount", "yuan",
                                   "amount in force by grade: per month (monthly programmes), "
                                   "per year (yearly) or per unit served (services)",
                                   "发放标准（按等级）", 1, ax_amt, &tb->amount)) ||
        (rc = dp_results_add_table(ctx, res, "spending", "yuan",
                                   "programme spending during the year (nominal)",
                                   "年度项目支出（名义）", 1, ax_prog, &tb->spending)) ||
        (rc = dp_results_add_table(ctx, res, "spending_real", "yuan",
                                   "programme spending during the year in base-year prices",
                                   "年度项目支出（基年价格）", 1, ax_prog, &tb->spending_real)) ||
        (rc = dp_results_add_table(ctx, res, "spending_level", "yuan",
                                   "programme spending during the year (nominal) by level of "
                                   "government", "年度项目支出（按财政层级）", 1, ax_level,
                                   &tb->spending_level)) ||
        (rc = dp_results_add_table(ctx, res, "pipeline", "persons",
                                   "benefit pipeline at the end of the year: eligible, certified, "
                                   "applied, paid (households for multi_disabled_household)",
                                   "受益流程：符合条件、持证、申请、发放", 1, ax_stage,
                                   &tb->pipeline)) ||
        (rc = dp_results_add_table(ctx, res, "services", "persons",
                                   "services: persons in need, the coverage target's demand, "
                                   "served, unmet need and capacity (places)",
                                   "服务：需求、目标需求、已服务、未满足、服务能力", 1, ax_svc,
                                   &tb->services)) ||
        (rc = dp_results_add_table(ctx, res, "overlap", "persons",
                                   "persons paid both programmes at the end of the year "
                                   "(diagonal: paid)", "同时享受两项的人数", 1, ax_ovl,
                                   &tb->overlap)) ||
        (rc = dp_results_add_table(ctx, res, "employment_spending", "yuan",
                                   "employment_support spending by component",
                                   "就业扶持支出（按项目）", 1, ax_emps,
                                   &tb->employment_spending)) ||
        (rc = dp_results_add_table(ctx, res, "budget", "yuan",
                                   "total spending of all programmes and regions, the ceiling and "
                                   "whether the total exceeds it (1/0; its mean over replicates is "
                                   "the probability)", "支出合计与预算上限", 1, ax_budget,
                                   &tb->budget)) ||
        (rc = dp_results_add_table(ctx, res, "fit", "persons",
                                   "base-year fit: the region file's marginals, the fitted "
                                   "values and their difference",
                                   "基年拟合：目标、拟合值与残差", 0, ax_fit, &tb->fit)) ||
        (rc = dp_results_add_table(ctx, res, "take_up", "share",
                                   "take-up of each programme among eligible persons",
                                   "符合条件者的实际领取率", 0, ax_tu, &tb->take_up))) {
        return rc;
    }
    if (uncertain &&
        (rc = dp_results_add_table(ctx, res, "parameters", "value",
                                   "each replicate's draw of the parameters given as "
                                   "distributions (the unit is the key's own)",
                                   "各次模拟的参数抽样值", 1, ax_par, &tb->parameters))) {
        return rc;
    }
    return DP_OK;
}

/* Records the end-of-year stocks of one region into the tables. */
void
dp_tables_stocks(const dp_tables *tb, size_t run, size_t yi, size_t reg, const double *cells,
                 const double *nd)
{
    size_t slot = yi * tb->n_region + reg;
    double *pop = dp_table_run(tb->population, run) + slot * DP_N_SEX * DP_N_AGE;
    double *dage = dp_table_run(tb->disabled_age, run) + slot * DP_N_SEX * DP_N_AGE;
    double *dag = dp_table_run(tb->disabled_age_grade, run) + slot * DP_N_SEX * DP_N_AGE * DP_N_GRADE;
    double *cag = dp_table_run(tb->certified_age_grade, run) + slot * DP_N_SEX * DP_N_AGE * DP_N_GRADE;
    double *dis = dp_table_run(tb->disabled, run) + slot * DP_N_BLOCK;
    double *ind = dp_table_run(tb->indicators, run) + slot * DP_N_IND_ALL;
    /* Cells of one (sex, age) block come in 28 runs of 6 (type x grade, then certified x
     * household: dims.h); the sums are kept in locals and stored once. */
    enum { CH = DP_N_CERT * DP_N_HH };
    double sev = 0.0, sev_cert = 0.0, cert = 0.0, dibao = 0.0, marg = 0.0, all = 0.0;
    double aged60 = 0.0, children = 0.0;
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        const double *blk = cells + sa * DP_N_BLOCK;
        size_t age = sa % DP_N_AGE;
        double s = 0.0;
        for (size_t k = 0; k < DP_N_BLOCK; k++) {
            dis[k] += blk[k];
        }
        for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
            const double *x = blk + tg * CH;
            double un = x[DP_DIBAO] + x[DP_MARGINAL] + x[DP_OTHER];
            double ce = x[DP_N_HH + DP_DIBAO] + x[DP_N_HH + DP_MARGINAL] + x[DP_N_HH + DP_OTHER];
            s += un + ce;
            cert += ce;
            dibao += x[DP_DIBAO] + x[DP_N_HH + DP_DIBAO];
            marg += x[DP_MARGINAL] + x[DP_N_HH + DP_MARGINAL];
            dag[sa * DP_N_GRADE + tg % DP_N_GRADE] += un + ce;
            cag[sa * DP_N_GRADE + tg % DP_N_GRADE] += ce;
            if (tg % DP_N_GRADE <= 1) { /* grades 1-2 */
                sev += un + ce;
                sev_cert += ce;
            }
        }
        dage[sa] = s;
        pop[sa] = nd[sa] + s;
        all += s;
        if (age >= 60) {
            aged60 += s;
        } else if (age <= 14) {
            children += s;
        }
    }
    ind[DP_IN_DISABLED] += all;
    ind[DP_IN_SEVERE] += sev;
    ind[DP_IN_AGED60] += aged60;
    ind[DP_IN_CHILDREN] += children;
    ind[DP_IN_CERTIFIED] += cert;
    ind[DP_IN_SEVERE_CERTIFIED] += sev_cert;
    ind[DP_IN_DIBAO] += dibao;
    ind[DP_IN_MARGINAL] += marg;
}

void
dp_tables_base_population(const dp_tables *tb, size_t run, size_t reg, const double *nd,
                          const double *dis)
{
    double *pop = dp_table_run(tb->population_base, run) + reg * DP_N_SEX * DP_N_AGE;
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        pop[sa] = nd[sa] + dis[sa];
    }
}

double *
dp_tables_flows(const dp_tables *tb, size_t run, size_t yi, size_t reg)
{
    return dp_table_run(tb->flows, run) + (yi * tb->n_region + reg) * DP_N_FLOW;
}

void
dp_tables_prog(const dp_tables *tb, size_t run, size_t yi, size_t reg, const dp_prog_result *pr)
{
    size_t slot = yi * tb->n_region + reg;
    double *rec = dp_table_run(tb->recipients, run) + slot * DP_N_PROG;
    double *pm = dp_table_run(tb->person_months, run) + slot * DP_N_PROG * DP_N_GRADE;
    double *sp = dp_table_run(tb->spending, run) + slot * DP_N_PROG;
    double *sr = dp_table_run(tb->spending_real, run) + slot * DP_N_PROG;
    double *sl = dp_table_run(tb->spending_level, run) + slot * DP_N_PROG * DP_N_LEVEL;
    double *pl = dp_table_run(tb->pipeline, run) + slot * DP_N_PROG * DP_N_STAGE;
    double *sv = dp_table_run(tb->services, run) + slot * DP_N_PROG * DP_N_SVC;
    double *ov = dp_table_run(tb->overlap, run) + slot * DP_N_PROG * DP_N_PROG;
    double *es = dp_table_run(tb->employment_spending, run) + slot * DP_N_EMPS;
    double *ind = dp_table_run(tb->indicators, run) + slot * DP_N_IND_ALL + DP_N_IND;
    for (size_t k = 0; k < DP_N_PROG; k++) {
        rec[k] = pr->pipeline[k][DP_STAGE_PAID];
        sp[k] = pr->spending[k];
        sr[k] = pr->spending_real[k];
    }
    memcpy(pm, pr->person_months, sizeof pr->person_months);
    memcpy(sl, pr->spending_level, sizeof pr->spending_level);
    memcpy(pl, pr->pipeline, sizeof pr->pipeline);
    memcpy(sv, pr->service, sizeof pr->service);
    memcpy(ov, pr->overlap, sizeof pr->overlap);
    memcpy(es, pr->emp_spending, sizeof pr->emp_spending);
    memcpy(ind, pr->ind, sizeof pr->ind);
}

void
dp_tables_budget(const dp_tables *tb, const dp_params *rp, size_t runs)
{
    for (size_t run = 0; run < runs; run++) {
        const double *sp = dp_table_run(tb->spending, run);
        double *b = dp_table_run(tb->budget, run);
        for (size_t yi = 0; yi < tb->n_year; yi++) {
            int year = rp[run].year_start + (int)yi;
            double total = 0.0;
            for (size_t i = 0; i < tb->n_region * DP_N_PROG; i++) {
                total += sp[yi * tb->n_region * DP_N_PROG + i];
            }
            double ceiling = dp_sched_at(&rp[run].budget_ceiling, year);
            b[yi * N_BUDGET + BUDGET_TOTAL] = total;
            b[yi * N_BUDGET + BUDGET_CEILING] = ceiling;
            b[yi * N_BUDGET + BUDGET_EXCEEDS] = isfinite(ceiling) ? (total > ceiling) : NAN;
        }
    }
}

void
dp_tables_replicate(const dp_tables *tb, const dp_model *m, const dp_engine_opts *opts,
                    size_t rep, gsl_rng *r, dp_params *out)
{
    const dp_params *p = &m->p;
    if (opts->runs > 1 && p->n_uncertain > 0) {
        dp_params_draw(p, opts->seed, (uint32_t)rep, r, out, dp_table_run(tb->parameters, rep));
    } else {
        *out = *p;
        if (tb->parameters) {
            double *v = dp_table_run(tb->parameters, rep);
            for (size_t i = 0; i < p->n_uncertain; i++) {
                memcpy(&v[i], (const char *)p + p->uncertain[i].offset[0], sizeof v[i]);
            }
        }
    }
    /* status_quo: trend: with several runs each replicate draws its own trend parameters
     * (dp_trend_take_up); one run projects the fitted trend. */
    out->trend_rep = opts->runs > 1 ? (uint32_t)rep + 1 : 0;
    out->trend_seed = opts->seed;
    if (tb->trend_growth) {
        double *tg = dp_table_run(tb->trend_growth, rep);
        for (size_t reg = 0; reg < tb->n_region; reg++) {
            for (size_t k = 0; k < DP_N_TREND; k++) {
                double a = NAN, g = NAN;
                if (m->base[reg].trend[k].on) {
                    dp_trend_params(m, out, reg, k, &a, &g);
                }
                tg[reg * DP_N_TREND + k] = g;
            }
        }
    }
    double *amt = dp_table_run(tb->amount, rep);
    for (size_t yi = 0; yi < tb->n_year; yi++) {
        int year = p->year_start + (int)yi;
        for (size_t prog = 0; prog < DP_N_PROG; prog++) {
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                amt[(yi * DP_N_PROG + prog) * DP_N_GRADE + g] = dp_prog_amount(out, prog, g, year);
            }
        }
    }
}

/* The year of mask row yi (0 = the earliest base year). */
static int
year_of(const dp_params *p, size_t n_pre, size_t yi)
{
    return p->year_start - 1 - (int)n_pre + (int)yi;
}

size_t
dp_tables_pre(const dp_model *m, size_t reg)
{
    int run_base = m->p.year_start - 1, b = m->base[reg].base_year;
    return b > 0 && b < run_base ? (size_t)(run_base - b) : 0;
}

const unsigned char *
dp_tables_masks(const dp_tables *tb, long yi, size_t reg)
{
    size_t nc = tb->n_class ? tb->n_class : 1;
    size_t row = (size_t)(yi + 1 + (long)tb->n_pre);
    return tb->masks + (row * nc + tb->cls[reg]) * DP_N_PROG * DP_N_CELL;
}

const dp_prog_groups *
dp_tables_groups(const dp_tables *tb, long yi, size_t reg)
{
    size_t nc = tb->n_class ? tb->n_class : 1;
    size_t row = (size_t)(yi + 1 + (long)tb->n_pre);
    return &tb->groups[row * nc + tb->cls[reg]];
}

void
dp_tables_free(dp_tables *tb)
{
    free(tb->masks);
    tb->masks = NULL;
    free(tb->groups);
    tb->groups = NULL;
    free(tb->cls);
    tb->cls = NULL;
}

dp_status
dp_tables_init(dp_ctx *ctx, const dp_model *m, size_t runs, dp_results **out, dp_tables *tb)
{
    const dp_params *p = &m->p;
    size_t n_year = (size_t)(p->year_end - p->year_start + 1);
    size_t nc = 1;
    dp_status rc = DP_OK;
    *out = NULL;
    memset(tb, 0, sizeof *tb);
    tb->n_region = m->n_region;
    tb->n_year = n_year;
    for (size_t r = 0; r < m->n_region; r++) {
        size_t pre = dp_tables_pre(m, r);
        tb->n_pre = pre > tb->n_pre ? pre : tb->n_pre;
    }
    size_t n_row = tb->n_pre + n_year + 1; /* mask rows: the earliest base year to years.end */
    dp_results *res = dp_results_alloc(runs);
    if (!res) {
        return dp_error(ctx, DP_ENOMEM, "out of memory for the results of %zu runs", runs);
    }
    if ((rc = add_axes(ctx, m, res)) ||
        (rc = add_tables(ctx, res, p->n_uncertain > 0, tb)) ||
        (p->status_quo == DP_SQ_TREND && (rc = add_trend_tables(ctx, m, res, tb))) ||
        (rc = dp_settings_add(ctx, res, p))) { /* base/settings: compare's parameter diff */
        goto fail;
    }
    /* Masks and groups of every year and region class, the base year first (rules are never
     * drawn, so they serve every replicate). The lagged masks of year y are those of
     * max(y - lag, base). */
    tb->cls = malloc((m->n_region ? m->n_region : 1) * sizeof *tb->cls);
    if (!tb->cls) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for eligibility masks");
        goto fail;
    }
    tb->n_class = dp_prog_region_classes(p, m->n_region, tb->cls);
    nc = tb->n_class ? tb->n_class : 1;
    tb->masks = malloc(n_row * nc * DP_N_PROG * DP_N_CELL);
    tb->groups = malloc(n_row * nc * sizeof *tb->groups);
    if (!tb->masks || !tb->groups) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for eligibility masks");
        goto fail;
    }
    for (size_t c = 0; c < tb->n_class; c++) {
        size_t reg = 0; /* a region of class c */
        while (tb->cls[reg] != c) {
            reg++;
        }
        for (size_t yi = 0; yi < n_row; yi++) {
            int year = year_of(p, tb->n_pre, yi);
            dp_rates_mask(p, year, reg, tb->masks + (yi * nc + c) * DP_N_PROG * DP_N_CELL);
        }
        for (size_t yi = 0; yi < n_row; yi++) {
            const unsigned char *lag[DP_N_PROG];
            for (size_t k = 0; k < DP_N_PROG; k++) {
                int l = p->prog[k].take_up_lag;
                size_t ly = (size_t)l < yi ? yi - (size_t)l : 0;
                lag[k] = tb->masks + (ly * nc + c) * DP_N_PROG * DP_N_CELL;
            }
            if (dp_prog_groups_build(tb->masks + (yi * nc + c) * DP_N_PROG * DP_N_CELL, lag,
                                     &tb->groups[yi * nc + c]) != 0) {
                rc = dp_error(ctx, DP_EINPUT,
                              "the programmes' eligibility rules of %d split the cells into "
                              "more than %d groups; use fewer distinct age limits",
                              year_of(p, tb->n_pre, yi), (int)DP_MAX_GROUPS);
                goto fail;
            }
        }
    }
    for (size_t r = 0; r < m->n_region; r++) {
        for (size_t k = 0; k < DP_N_MARG; k++) {
            double *f = tb->fit->data + (r * DP_N_MARG + k) * 3;
            f[0] = m->base[r].target[k];
            f[1] = m->base[r].marginal[k];
            f[2] = f[1] - f[0];
        }
        for (size_t prog = 0; prog < DP_N_PROG; prog++) {
            tb->take_up->data[r * DP_N_PROG + prog] = m->base[r].take_up[prog];
        }
        double *bag = tb->disabled_base->data + r * DP_N_SEX * DP_N_AGE * DP_N_GRADE;
        for (size_t i = 0; i < DP_N_CELL; i++) {
            size_t sa = i / DP_N_BLOCK;
            bag[sa * DP_N_GRADE + dp_block_grade(i % DP_N_BLOCK)] += m->base[r].cells[i];
        }
    }
    *out = res;
    return DP_OK;
fail:
    dp_tables_free(tb);
    dp_results_free(res);
    return rc;
}

/* Elements of one run's tables per region and year (tables.c: add_tables). */
static double
region_year_elements(void)
{
    return (2.0 + DP_N_GRADE) * DP_N_SEX * DP_N_AGE + DP_N_BLOCK + DP_N_IND_ALL + DP_N_FLOW +
           3.0 * DP_N_PROG + (double)DP_N_PROG * DP_N_GRADE +
           (double)DP_N_PROG * (DP_N_LEVEL + DP_N_STAGE + DP_N_SVC + DP_N_PROG) + DP_N_EMPS;
}

double
dp_rollup_memory_estimate(const dp_model *m, const dp_engine_opts *opts, size_t n_node)
{
    double runs = (double)(opts->runs ? opts->runs : 1);
    double n_year = (double)(m->p.year_end - m->p.year_start + 1);
    /* The roll-up tables, their summary and the copy read back, as for the region tables. */
    return 8.0 * n_year * (double)n_node * region_year_elements() * (3.0 * runs + 7.0);
}

double
dp_run_memory_estimate(const dp_model *m, const dp_engine_opts *opts, int micro)
{
    const dp_params *p = &m->p;
    double runs = (double)(opts->runs ? opts->runs : 1);
    double n_year = (double)(p->year_end - p->year_start + 1);
    double n_region = (double)m->n_region;
    int n_thread = omp_get_max_threads();
    /* Elements of one run's tables (tables.c: add_tables). */
    double per_run = n_year * n_region * region_year_elements() +
                     n_year * (DP_N_PROG * DP_N_GRADE + N_BUDGET) + (double)p->n_uncertain;
    /* The tables, the writer's summary (7 statistics and one column of runs at a time) and
     * the copy the command reads back for its headline: about three times the per-run
     * tables. */
    double bytes = 8.0 * per_run * (3.0 * runs + 7.0);
    bytes += runs * (double)sizeof(dp_params);
    size_t n_cls = 1;
    if (m->n_region > 0) {
        size_t *cls = malloc(m->n_region * sizeof *cls);
        n_cls = cls ? dp_prog_region_classes(p, m->n_region, cls) : 1;
        free(cls);
    }
    bytes += (double)(m->p.year_end - m->p.year_start + 2) * (double)n_cls *
             ((double)DP_N_PROG * DP_N_CELL + (double)sizeof(dp_prog_groups));
    if (!micro) {
        /* Each thread: a batch of up to 4 replicates' state (3 slots each: persons and the two
         * flags, twice: 6.5 MB), its gathered cells, rates and step 8's sums (cohort.c,
         * programmes.c), about 8 MB. */
        return bytes + (double)n_thread * 2.0 * sizeof(dp_year_rates) + 8e6 * n_thread;
    }
    /* Micro: the persons of the tasks in flight (11 bytes each, with the margin the arrays
     * grow by) and each thread's tallies (micro.c: 5 whole-number counts and 4 doubles per
     * cell, and step 7's tables). */
    double largest = 0.0;
    for (size_t r = 0; r < m->n_region; r++) {
        double s = 0.0;
        for (size_t i = 0; i < DP_N_CELL; i++) {
            s += m->base[r].cells[i];
        }
        largest = s > largest ? s : largest;
    }
    double in_flight = runs * n_region >= 2.0 * n_thread ? (double)n_thread : 1.0;
    bytes += in_flight * (largest * 1.6 + DP_N_CELL + 4096.0) * 11.0;
    bytes += (double)n_thread * (DP_N_CELL * 60.0 + sizeof(dp_year_rates));
    return bytes;
}
