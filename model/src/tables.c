/* model/src/tables.c
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

#include "dpsim/analysis.h"
#include "model_impl.h"

static const char *const flow_label[DP_N_FLOW] = {
    "births",      "deaths_nondisabled", "deaths_disabled", "onsets",
    "migration_nondisabled", "migration_disabled", "certifications", "grade_worsening",
    "grade_improvement", "dibao_entries", "dibao_exits"};
static const char *const flow_label_zh[DP_N_FLOW] = {
    "出生", "非残疾人死亡", "残疾人死亡", "新增残疾", "非残疾人净迁移", "残疾人净迁移",
    "新办证", "等级加重", "等级减轻", "进入低保", "退出低保"};

static const char *const ind_label[DP_N_IND] = {"disabled", "severe",    "aged60", "children",
                                             "certified", "severe_certified", "dibao", "marginal"};
static const char *const ind_label_zh[DP_N_IND] = {"残疾人",       "重度残疾人", "60岁及以上",
                                                "0-14岁儿童",   "持证残疾人", "持证重度残疾人",
                                                "低保残疾人",   "低保边缘残疾人"};

static const char *const fitstat_label[3] = {"target", "fitted", "residual"};
static const char *const fitstat_label_zh[3] = {"目标", "拟合", "残差"};

/* Chinese name of each segment of a scenario key path (docs/scenarios.md); segments that only
 * group keys (rates, programmes, population) are left out of the label. */
static const char *const seg_zh[][2] = {
    {"birth_rate", "出生率"},
    {"sex_ratio_at_birth", "出生性别比"},
    {"migration_rate", "净迁移率"},
    {"disabled_migration_factor", "残疾人迁移系数"},
    {"mortality_improvement", "死亡率额外下降"},
    {"mortality_rr", "死亡相对风险"},
    {"mortality_rr_type", "按类别死亡相对风险"},
    {"onset_multiplier", "新发残疾乘数"},
    {"worsening", "等级加重率"},
    {"under60", "60岁以下"},
    {"over60", "60岁及以上"},
    {"improvement", "等级减轻率"},
    {"certification", "办证率"},
    {"severe", "重度"},
    {"other", "其他"},
    {"dibao_exit", "退出低保率"},
    {"marginal_exit", "退出低保边缘率"},
    {"dibao_entry", "进入低保率"},
    {"marginal_entry", "进入低保边缘率"},
    {"monthly", "月标准"},
    {"indexation", "调整"},
    {"rate", "年增长率"},
    {"take_up", "领取率"},
    {"monthly_indexed", "调整后月标准"},
    {"enabled", "启用"},
    {"marginal_from", "扩至低保边缘起始年"},
    {"years", "年份"},
    {"start", "起始"},
    {"end", "结束"},
};

/* "programmes.care_subsidy.monthly.grade1.2023" -> "重度残疾人护理补贴·月标准·一级·2023年".
 * Unknown segments are kept in English. */
void
dp_key_label_zh(const char *path, char *out, size_t size)
{
    char buf[96], *save = NULL;
    size_t o = 0;
    snprintf(buf, sizeof buf, "%s", path);
    out[0] = '\0';
    for (char *seg = strtok_r(buf, ".", &save); seg; seg = strtok_r(NULL, ".", &save)) {
        const char *zh = NULL;
        char year[16];
        if (strcmp(seg, "rates") == 0 || strcmp(seg, "programmes") == 0 ||
            strcmp(seg, "population") == 0) {
            continue;
        }
        for (size_t i = 0; i < sizeof seg_zh / sizeof seg_zh[0] && !zh; i++) {
            zh = strcmp(seg, seg_zh[i][0]) == 0 ? seg_zh[i][1] : NULL;
        }
        for (size_t k = 0; k < DP_N_PROG && !zh; k++) {
            zh = strcmp(seg, dp_prog_key[k]) == 0 ? dp_prog_label_zh[k] : NULL;
        }
        for (size_t g = 0; g < DP_N_GRADE && !zh; g++) {
            zh = strcmp(seg, dp_grade_label[g]) == 0 ? dp_grade_label_zh[g] : NULL;
        }
        for (size_t t = 0; t < DP_N_TYPE && !zh; t++) {
            zh = strcmp(seg, dp_type_label[t]) == 0 ? dp_type_label_zh[t] : NULL;
        }
        if (!zh && seg[0] >= '0' && seg[0] <= '9') {
            snprintf(year, sizeof year, "%.8s年", seg);
            zh = year;
        }
        int w = snprintf(out + o, size - o, "%s%s", o ? "·" : "", zh ? zh : seg);
        o += w > 0 && (size_t)w < size - o ? (size_t)w : 0;
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
        (rc = dp_results_add_axis(ctx, res, "flow", DP_N_FLOW, flow_label, flow_label_zh, NULL,
                                  NULL)) ||
        (rc = dp_results_add_axis(ctx, res, "indicator", DP_N_IND, ind_label, ind_label_zh, NULL,
                                  NULL)) ||
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
    dp_status rc;
    if ((rc = dp_results_add_table(ctx, res, "population", "persons",
                                   "residents at the end of the year by sex and age",
                                   "年末常住人口（按性别、年龄）", 1, ax_pop, &tb->population)) ||
        (rc = dp_results_add_table(ctx, res, "disabled_age", "persons",
                                   "disabled persons at the end of the year by sex and age",
                                   "年末残疾人数（按性别、年龄）", 1, ax_pop, &tb->disabled_age)) ||
        (rc = dp_results_add_table(ctx, res, "disabled_age_grade", "persons",
                                   "disabled persons at the end of the year by sex, age and grade",
                                   "年末残疾人数（按性别、年龄、等级）", 1, ax_ag,
                                   &tb->disabled_age_grade)) ||
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
    double *dis = dp_table_run(tb->disabled, run) + slot * DP_N_BLOCK;
    double *ind = dp_table_run(tb->indicators, run) + slot * DP_N_IND;
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

/* Persons eligible for each programme by grade: out[prog][grade]. */
void
dp_tables_eligible(const double *cells, const unsigned char *mask, double *out)
{
    for (size_t i = 0; i < DP_N_PROG * DP_N_GRADE; i++) {
        out[i] = 0.0;
    }
    /* Cells come in runs of 6 (certified x household) of one grade, the grades cycling. */
    enum { CH = DP_N_CERT * DP_N_HH };
    for (size_t prog = 0; prog < DP_N_PROG; prog++) {
        const unsigned char *mk = mask + prog * DP_N_CELL;
        double acc[DP_N_GRADE] = {0.0};
        for (size_t i = 0; i < DP_N_CELL; i += DP_N_GRADE * CH) {
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                for (size_t j = i + g * CH; j < i + (g + 1) * CH; j++) {
                    acc[g] += mk[j] ? cells[j] : 0.0;
                }
            }
        }
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            out[prog * DP_N_GRADE + g] = acc[g];
        }
    }
}

double *
dp_tables_flows(const dp_tables *tb, size_t run, size_t yi, size_t reg)
{
    return dp_table_run(tb->flows, run) + (yi * tb->n_region + reg) * DP_N_FLOW;
}

void
dp_tables_programmes(const dp_tables *tb, size_t run, size_t yi, size_t reg, const double *r0,
                     const double *r1, const double *amount)
{
    size_t slot = yi * tb->n_region + reg;
    double *rec = dp_table_run(tb->recipients, run) + slot * DP_N_PROG;
    double *pm = dp_table_run(tb->person_months, run) + slot * DP_N_PROG * DP_N_GRADE;
    double *sp = dp_table_run(tb->spending, run) + slot * DP_N_PROG;
    for (size_t prog = 0; prog < DP_N_PROG; prog++) {
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            size_t i = prog * DP_N_GRADE + g;
            rec[prog] += r1[i];
            pm[i] = 6.0 * (r0[i] + r1[i]);
            sp[prog] += pm[i] * amount[i];
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
    double *amt = dp_table_run(tb->amount, rep);
    for (size_t yi = 0; yi < tb->n_year; yi++) {
        int year = p->year_start + (int)yi;
        for (size_t prog = 0; prog < DP_N_PROG; prog++) {
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                amt[(yi * DP_N_PROG + prog) * DP_N_GRADE + g] =
                    out->prog[prog].enabled ? dp_rates_amount(out, prog, g, year) : 0.0;
            }
        }
    }
}

void
dp_tables_free(dp_tables *tb)
{
    free(tb->masks);
    tb->masks = NULL;
}

dp_status
dp_tables_init(dp_ctx *ctx, const dp_model *m, size_t runs, dp_results **out, dp_tables *tb)
{
    const dp_params *p = &m->p;
    size_t n_year = (size_t)(p->year_end - p->year_start + 1);
    int mf = p->prog[DP_PROG_LIVING].marginal_from;
    dp_status rc = DP_OK;
    *out = NULL;
    memset(tb, 0, sizeof *tb);
    tb->n_region = m->n_region;
    tb->n_year = n_year;
    dp_results *res = dp_results_alloc(runs);
    if (!res) {
        return dp_error(ctx, DP_ENOMEM, "out of memory for the results of %zu runs", runs);
    }
    if ((rc = add_axes(ctx, m, res)) ||
        (rc = add_tables(ctx, res, p->n_uncertain > 0, tb)) ||
        (rc = dp_settings_add(ctx, res, p))) { /* base/settings: compare's parameter diff */
        goto fail;
    }
    tb->masks = malloc((n_year + 1) * DP_N_PROG * DP_N_CELL);
    if (!tb->masks) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for eligibility masks");
        goto fail;
    }
    for (size_t yi = 0; yi <= n_year; yi++) {
        int year = p->year_start - 1 + (int)yi;
        dp_rates_mask(mf > 0 && year >= mf, tb->masks + yi * DP_N_PROG * DP_N_CELL);
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

double
dp_run_memory_estimate(const dp_model *m, const dp_engine_opts *opts, int micro)
{
    const dp_params *p = &m->p;
    double runs = (double)(opts->runs ? opts->runs : 1);
    double n_year = (double)(p->year_end - p->year_start + 1);
    double n_region = (double)m->n_region;
    int n_thread = omp_get_max_threads();
    /* Elements of one run's tables (tables.c: add_tables). */
    double per_run = n_year * n_region *
                         ((2.0 + DP_N_GRADE) * DP_N_SEX * DP_N_AGE + DP_N_BLOCK + DP_N_IND +
                          DP_N_FLOW +
                          2.0 * DP_N_PROG + (double)DP_N_PROG * DP_N_GRADE) +
                     n_year * DP_N_PROG * DP_N_GRADE + (double)p->n_uncertain;
    /* The tables, the writer's summary (7 statistics and one column of runs at a time) and
     * the copy the command reads back for its headline: about three times the per-run
     * tables. */
    double bytes = 8.0 * per_run * (3.0 * runs + 7.0);
    bytes += runs * (double)sizeof(dp_params);
    bytes += (double)(m->p.year_end - m->p.year_start + 2) * DP_N_PROG * DP_N_CELL;
    if (!micro) {
        /* Each thread: a batch of up to 4 replicates' state and rates (cohort.c), about 3 MB. */
        return bytes + (double)n_thread * 2.0 * sizeof(dp_year_rates) + 3e6 * n_thread;
    }
    /* Micro: the persons of the tasks in flight (10 bytes each, with the margin the arrays
     * grow by) and each thread's tallies. */
    double largest = 0.0;
    for (size_t r = 0; r < m->n_region; r++) {
        double s = 0.0;
        for (size_t i = 0; i < DP_N_CELL; i++) {
            s += m->base[r].cells[i];
        }
        largest = s > largest ? s : largest;
    }
    double in_flight = runs * n_region >= 2.0 * n_thread ? (double)n_thread : 1.0;
    bytes += in_flight * (largest * 1.6 + DP_N_CELL + 4096.0) * 10.0;
    bytes += (double)n_thread * (DP_N_CELL * 12.0 + sizeof(dp_year_rates));
    return bytes;
}
