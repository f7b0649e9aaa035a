/* model/input/params.c
 *
 * Date-ranged values and the documented parameter defaults. Every default below is listed in
 * docs/scenarios.md with its unit and source; those marked "assumption" there have no
 * published source and are the project's choice.
 */
#include <math.h>
#include <string.h>

#include "input/params.h"
#include "core/rng.h"

const char *const dp_prog_key[DP_N_PROG] = {
    "living_subsidy", "care_subsidy",    "dibao_supplement", "multi_disabled_household",
    "child_rehab",    "adult_rehab",     "assistive_devices", "home_renovation",
    "pension_premium", "medical_premium", "care_services",   "employment_support"};
const char *const dp_prog_label_zh[DP_N_PROG] = {
    "困难残疾人生活补贴", "重度残疾人护理补贴", "重度残疾人低保加发", "一户多残补助",
    "残疾儿童康复救助",   "基本康复服务",       "辅助器具适配",       "家庭无障碍改造",
    "代缴养老保险",       "医疗保险参保资助",   "托养服务",           "就业扶持"};
const dp_pay_kind dp_prog_pay[DP_N_PROG] = {
    DP_PAY_MONTHLY, DP_PAY_MONTHLY, DP_PAY_MONTHLY, DP_PAY_YEARLY,  DP_PAY_SERVICE, DP_PAY_SERVICE,
    DP_PAY_SERVICE, DP_PAY_SERVICE, DP_PAY_YEARLY,  DP_PAY_YEARLY,  DP_PAY_SERVICE, DP_PAY_SERVICE};
const char *const dp_level_key[DP_N_LEVEL] = {"central", "provincial", "municipal", "county"};
const char *const dp_level_label_zh[DP_N_LEVEL] = {"中央", "省级", "市级", "县级"};

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

double
dp_sched_or(const dp_sched *s, int year, double dflt)
{
    double v = dp_sched_at(s, year);
    return isfinite(v) ? v : dflt;
}

void
dp_sched_const(dp_sched *s, double v)
{
    s->n = 1;
    s->year[0] = 0;
    s->value[0] = v;
}

/* A rule admitting every cell; callers narrow it. */
static dp_rule
rule_all(void)
{
    return (dp_rule){.from = 0, .types = DP_ALL_TYPES, .grades = DP_ALL_GRADES, .hh = DP_ALL_HH,
                     .age_min = 0, .age_max = DP_MAX_AGE};
}

static void
amount_const(dp_prog_params *g, double v)
{
    for (size_t k = 0; k < DP_N_GRADE; k++) {
        dp_sched_const(&g->amount[k], v);
    }
}

/* Programme defaults. Sources: data/reference/programme_defaults.csv and docs/scenarios.md;
 * every figure without a published source is marked assumption there and here. */
static void
prog_defaults(dp_params *p)
{
    const unsigned severe = 0x3; /* grades 1-2 */
    const unsigned poor = (1u << DP_DIBAO) | (1u << DP_MARGINAL);
    for (size_t k = 0; k < DP_N_PROG; k++) {
        dp_prog_params *g = &p->prog[k];
        g->enabled = 1;
        g->need_card = 1;
        g->n_rule = 1;
        g->rule[0] = rule_all();
        g->index_kind = DP_INDEX_RATE;
        g->take_up = NAN;
        dp_sched_const(&g->coverage, 1.0);
        for (size_t t = 0; t < DP_N_TYPE; t++) {
            g->need_type[t] = 1.0;
        }
        for (size_t gr = 0; gr < DP_N_GRADE; gr++) {
            g->need_grade[gr] = 1.0;
        }
        for (size_t a = 0; a < DP_N_NEED_AGE; a++) {
            g->need_age[a] = 1.0; /* assumption: no age pattern in the sources */
        }
        /* Funding: no source gives the split (assumptions, one per kind of programme, in
         * data/reference/programme_defaults.csv): dibao supplement and the services half
         * central, a quarter provincial and county; the cash subsidies and the medical premium
         * half provincial, half county; the multi-household aid, the pension premium and
         * employment support all county. */
        static const double split[3][DP_N_LEVEL] = {
            {0.5, 0.25, 0.0, 0.25}, {0.0, 0.5, 0.0, 0.5}, {0.0, 0.0, 0.0, 1.0}};
        size_t kind = k == DP_PROG_LIVING || k == DP_PROG_CARE || k == DP_PROG_MEDICAL ? 1
                      : k == DP_PROG_MULTI_HH || k == DP_PROG_PENSION || k == DP_PROG_EMPLOYMENT
                          ? 2
                          : 0;
        for (size_t l = 0; l < DP_N_LEVEL; l++) {
            dp_sched_const(&g->funding[l], split[kind][l]);
        }
    }
    dp_prog_params *g;
    /* Living subsidy: card holders in dibao households; national guideline floor 50 yuan a
     * month (2015). */
    g = &p->prog[DP_PROG_LIVING];
    g->rule[0].hh = 1u << DP_DIBAO;
    amount_const(g, 50.0);
    /* Care subsidy: grades 1-2; national guideline at least 100 yuan a month (2015). No floors
     * by default: regions pay below the guideline (Jilin 93). Grades 3-4 are not eligible by
     * default and have no amount: an extension to them must give one. */
    g = &p->prog[DP_PROG_CARE];
    g->rule[0].grades = severe;
    for (size_t k = 0; k < DP_N_GRADE; k++) {
        dp_sched_const(&g->amount[k], k < 2 ? 100.0 : 0.0);
    }
    /* Dibao supplement: severe card holders in dibao households; assumption: 20% of the dibao
     * standard a month (plans say "supplement" without an amount). */
    g = &p->prog[DP_PROG_DIBAO_SUPP];
    g->rule[0].grades = severe;
    g->rule[0].hh = 1u << DP_DIBAO;
    g->index_kind = DP_INDEX_DIBAO;
    g->dibao_share = 0.2;
    amount_const(g, 0.0);
    /* Multi-disabled households (poor ones: dibao and marginal): 1,200 yuan a household a year
     * (Huzhong, plan 001, before its raise to 1,800; assumption that it stands for other
     * regions). */
    g = &p->prog[DP_PROG_MULTI_HH];
    g->rule[0].hh = poor;
    amount_const(g, 1200.0);
    /* Child rehabilitation: children 0-6 with or without the card (plan 000); 12,000 yuan a
     * child-year (central figure, secondary and unverified); need 0.14 of disabled children
     * (derived: 225,000 children assisted a year / 0.882 / children 0-6) and coverage 0.882
     * (2019 basic rehabilitation coverage, quoted). */
    g = &p->prog[DP_PROG_CHILD_REHAB];
    g->need_card = 0;
    g->rule[0].age_max = 6;
    amount_const(g, 12000.0);
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        g->need_type[t] = 0.14;
    }
    dp_sched_const(&g->coverage, 0.882);
    /* Adult rehabilitation: card holders 7+ (the complement of child_rehab's 0-6); need by type
     * derived from the 2019 persons served by type / coverage 0.882 / card holders by type;
     * unit cost 1,000 yuan a year is a placeholder (not found). */
    g = &p->prog[DP_PROG_ADULT_REHAB];
    g->rule[0].age_min = 7;
    static const double rehab_need[DP_N_TYPE] = {0.23, 0.09, 0.07, 0.58, 0.37, 0.60, 0.09};
    memcpy(g->need_type, rehab_need, sizeof rehab_need);
    dp_sched_const(&g->coverage, 0.882);
    amount_const(g, 1000.0);
    /* Assistive devices: need 0.48 of visual, hearing, physical and multiple card holders
     * (derived: 2.4 million fitted in 2020 x cycle 5 / fitting rate 0.80), none for the others
     * (assumption); fitting rate 0.80 (Huzhong 2020 ">80%"); 800 yuan a device and a 5-year
     * cycle are placeholders. */
    g = &p->prog[DP_PROG_DEVICES];
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        g->need_type[t] = t == DP_SPEECH || t == DP_INTELLECTUAL || t == DP_MENTAL ? 0.0 : 0.48;
    }
    dp_sched_const(&g->coverage, 0.80);
    amount_const(g, 800.0);
    p->device_cycle = 5.0;
    /* Home renovation: poor (dibao, marginal) severely disabled card holders (plan 004);
     * 6,000 yuan a household (Shaoxing, Zhejiang, 2019: quoted); a fifth of them renovated at
     * the base (derived, rough) and the status quo keeps that coverage. */
    g = &p->prog[DP_PROG_RENOVATION];
    g->rule[0].grades = severe;
    g->rule[0].hh = poor;
    dp_sched_const(&g->coverage, 0.2);
    amount_const(g, 6000.0);
    /* Pension premium: severe or poor card holders aged 16-59; assumption 100 yuan a year (the
     * lowest contribution tier of the resident pension in most provinces). */
    g = &p->prog[DP_PROG_PENSION];
    g->rule[0].grades = severe;
    g->rule[0].age_min = 16;
    g->rule[0].age_max = 59;
    g->rule[1] = g->rule[0];
    g->rule[1].grades = DP_ALL_GRADES;
    g->rule[1].hh = poor;
    g->n_rule = 2;
    amount_const(g, 100.0);
    /* Medical premium: severe or poor card holders; assumption 350 yuan a year (the resident
     * individual contribution of 2022). */
    g = &p->prog[DP_PROG_MEDICAL];
    g->rule[0].grades = severe;
    g->rule[1] = rule_all();
    g->rule[1].hh = poor;
    g->n_rule = 2;
    amount_const(g, 350.0);
    /* Care services: working-age intellectual and mental, and severe physical, card holders;
     * need, coverage and cost are assumptions. */
    g = &p->prog[DP_PROG_CARE_SERVICES];
    g->rule[0].types = (1u << DP_INTELLECTUAL) | (1u << DP_MENTAL);
    g->rule[0].age_min = 16;
    g->rule[0].age_max = 59;
    g->rule[1] = g->rule[0];
    g->rule[1].types = 1u << DP_PHYSICAL;
    g->rule[1].grades = severe;
    g->n_rule = 2;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        g->need_type[t] = 0.2;
    }
    dp_sched_const(&g->coverage, 0.5);
    amount_const(g, 3000.0);
    /* Employment support: working-age card holders; 2,000 yuan per subsidised new job
     * (placeholder, not found). */
    g = &p->prog[DP_PROG_EMPLOYMENT];
    g->rule[0].age_min = 16;
    g->rule[0].age_max = 59;
    amount_const(g, 2000.0);

    /* Economy: no inflation unless set; dibao standard assumption 600 yuan a month (none of
     * the seed regions' standards outside Shanghai was found), indexed at 0. */
    dp_sched_const(&p->dibao.standard, 600.0);
    p->dibao.kind = DP_DIBAO_RATE;
    p->dibao.consumption_share = 0.3;
    p->dibao.consumption_growth = 0.0;
    /* Multi-disabled households: assumption pending the 2006 survey's household figures. */
    p->multi_share = 0.287; /* derived from the 2006 survey with 2.1 members (assumption) */
    p->multi_members = 2.1;
    p->away_share = 0.0;
    dp_sched_const(&p->away_yearly, 3000.0); /* Huzhong before its raise (plan 001) */
    p->renovated_base = 0.2;
    /* Participation (docs/model.md §9.11). Pension, DERIVED: 27 M insured card holders 2020
     * (QUOTED) at the national scale, where 36.38 M card holders are aged 16+ and the default
     * aid pays 7.06 M: (27 - 7.06) / (36.38 - 7.06) = 0.68. Medical: no national figure (NOT
     * FOUND): 0.95, ASSUMPTION. */
    p->pension_participation = 0.68;
    p->medical_participation = 0.95;
    p->rehab_times = 1.0;
    /* Employment: base rate 0.54 of working-age card holders (derived: 8.6 million employed,
     * 2020, / 37.8 million card holders x 0.421 of working age); no factors by type or grade
     * (none in the sources); exit rate 0.01 a year (assumption: 2018's new jobs, 3.9% of the
     * employed, also replace deaths and those reaching 60, about 1% and 2.5%). */
    /* DERIVED (docs/model.md §9.12): 8.6 M employed card holders 2020 (QUOTED) / 11.21 M card
     * holders aged 16-59 at the end of the base year at the national scale
     * (tests/data/regions/national.yaml: 29.6% of the 37.8 M fitted card holders) = 0.767. */
    p->emp.base_rate = 0.76;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        p->emp.type_factor[t] = 1.0;
    }
    for (size_t gr = 0; gr < DP_N_GRADE; gr++) {
        p->emp.grade_factor[gr] = 1.0;
    }
    p->emp.exit_rate = 0.01;
    /* Placeholders (not found): 1,000 yuan a trainee, 12,000 a public-welfare post a year,
     * 2,000 an over-quota award; the counts are regional (0 unless a scenario gives them). */
    dp_sched_const(&p->emp.training_cost, 1000.0);
    dp_sched_const(&p->emp.post_yearly, 12000.0);
    dp_sched_const(&p->emp.award_amount, 2000.0);
    p->emp.entry_multiplier = 1.0;
    p->emp.phase_fraction = 0.5;
    p->emp.phase_benefit_share = 0.5;
}

void
dp_params_default(dp_params *p)
{
    *p = (dp_params){0};
    p->year_start = 2021;
    p->status_quo = DP_SQ_FROZEN;
    p->cal_cv = 0.05;        /* assumption: docs/model.md "Take-up trend" */
    p->cal_growth_sd = 0.5;  /* assumption: docs/model.md "Take-up trend" */
    p->cal_ceiling = 1.0;    /* every eligible person at most */
    p->base_year = 2020;
    p->year_end = 2035;
    p->sex_ratio_birth = 111.3; /* assumption: China's sex ratio at birth, 2020 census level */
    p->disabled_migration_factor = 1.0; /* one age schedule for everyone (docs/model.md) */
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
    prog_defaults(p);
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
