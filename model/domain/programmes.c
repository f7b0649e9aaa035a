/* model/domain/programmes.c
 *
 * The programme layer (programmes.h; docs/model.md "Programmes"): rules, amounts, prices and
 * the dibao standard of a year; the per-cell probabilities of the two person flags (employed,
 * renovated); and step 8, every programme's pipeline, services, caps, overlaps, spending,
 * funding and indicators from an engine's end-of-year counts.
 *
 * Step 8 works on groups (cells of equal programme status, dp_prog_groups): one pass adds the
 * engine's counts by group; everything else is arithmetic on a few hundred groups. Within a
 * group, a person is paid programme k with probability pi[k] (eligibility under the lag rule x
 * take-up, x need x coverage for services, x the capacity / budget factor); exclusion rules
 * multiply pi of the excluded programme by (1 - pi of the first), and pairs are counted as
 * independent within a group (persons paid both = n pi_i pi_j), except excluded pairs (0).
 */
#include <math.h>
#include <string.h>

#include "domain/model_impl.h"

static double
clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* 1 if rule r admits (age, type, grade, hh). */
static int
rule_admits(const dp_rule *r, int age_max, size_t age, size_t type, size_t grade, size_t hh)
{
    return (r->types >> type & 1u) && (r->grades >> grade & 1u) && (r->hh >> hh & 1u) &&
           (int)age >= r->age_min && (int)age <= age_max;
}

/* 1 if rule r applies in region reg. */
static int
rule_in_region(const dp_rule *r, size_t reg)
{
    if (r->n_region == 0) {
        return 1;
    }
    for (size_t i = 0; i < r->n_region; i++) {
        if (r->region[i] == reg) {
            return 1;
        }
    }
    return 0;
}

size_t
dp_prog_region_classes(const dp_params *p, size_t n_region, size_t *cls)
{
    size_t n_cls = 0;
    for (size_t a = 0; a < n_region; a++) {
        cls[a] = n_cls;
        for (size_t b = 0; b < a; b++) {
            int same = 1;
            for (size_t k = 0; k < DP_N_PROG && same; k++) {
                for (size_t i = 0; i < p->prog[k].n_rule && same; i++) {
                    const dp_rule *r = &p->prog[k].rule[i];
                    same = rule_in_region(r, a) == rule_in_region(r, b);
                }
            }
            if (same) {
                cls[a] = cls[b];
                break;
            }
        }
        if (cls[a] == n_cls) {
            n_cls++;
        }
    }
    return n_cls;
}

int
dp_prog_rule_admits(const dp_params *p, size_t prog, int year, size_t reg, size_t age,
                    size_t type, size_t grade, size_t hh)
{
    const dp_prog_params *pp = &p->prog[prog];
    if (!pp->enabled) {
        return 0;
    }
    for (size_t i = 0; i < pp->n_rule; i++) {
        const dp_rule *r = &pp->rule[i];
        if ((r->from > 0 && year < r->from) || !rule_in_region(r, reg)) {
            continue;
        }
        int amax = r->age_max;
        if (i == 0 && pp->age_max.n > 0) {
            amax = (int)lround(dp_sched_at(&pp->age_max, year));
        }
        if (rule_admits(r, amax, age, type, grade, hh)) {
            return 1;
        }
    }
    /* living_subsidy's shorthand: rule[0] opened to marginal households. */
    if (pp->marginal_from > 0 && year >= pp->marginal_from && hh == DP_MARGINAL) {
        return rule_admits(&pp->rule[0], pp->rule[0].age_max, age, type, grade, DP_DIBAO) ||
               rule_admits(&pp->rule[0], pp->rule[0].age_max, age, type, grade, DP_MARGINAL);
    }
    return 0;
}

int
dp_prog_eligible(const dp_params *p, size_t prog, int year, size_t reg, size_t age, size_t type,
                 size_t grade, size_t cert, size_t hh)
{
    if (p->prog[prog].need_card && cert != DP_CERT) {
        return 0;
    }
    return dp_prog_rule_admits(p, prog, year, reg, age, type, grade, hh);
}

static int
is_service(size_t prog)
{
    return prog == DP_PROG_CHILD_REHAB || prog == DP_PROG_ADULT_REHAB ||
           prog == DP_PROG_DEVICES || prog == DP_PROG_CARE_SERVICES;
}

size_t
dp_need_band(size_t age)
{
    return age < 18 ? DP_NEED_CHILD : (age < 60 ? DP_NEED_WORKING : DP_NEED_OLDER);
}

double
dp_prog_need(const dp_params *p, size_t prog, size_t type, size_t grade, size_t band)
{
    if (!is_service(prog)) {
        return 1.0;
    }
    const dp_prog_params *pp = &p->prog[prog];
    return clamp01(pp->need_type[type] * pp->need_grade[grade] * pp->need_age[band]);
}

double
dp_emp_base_share(const dp_params *p, size_t type, size_t grade)
{
    /* Below 1 so that the balanced entry rate e = x s / (1 - s) stays finite. */
    double s = p->emp.base_rate * p->emp.type_factor[type] * p->emp.grade_factor[grade];
    return s < 0.0 ? 0.0 : (s > 0.95 ? 0.95 : s);
}

double
dp_emp_target(const dp_params *p, size_t type, size_t grade)
{
    double s = dp_emp_base_share(p, type, grade);
    double m = p->emp.entry_multiplier > 0.0 ? p->emp.entry_multiplier : 0.0;
    double d = 1.0 - s + m * s;
    double e = d > 0.0 ? m * s / d : 0.0;
    return e > 0.95 ? 0.95 : e;
}

void
dp_emp_moves(double s, double e, double x, double *p_in, double *p_out)
{
    s = clamp01(s);
    double kept = s * (1.0 - x);
    if (kept <= e) {
        *p_out = x;
        *p_in = s < 1.0 ? clamp01((e - kept) / (1.0 - s)) : 0.0;
    } else {
        *p_out = clamp01(1.0 - e / s);
        *p_in = 0.0;
    }
}

void
dp_prog_rules_year(const dp_model *m, const dp_params *p, size_t reg, int year,
                   dp_prog_rules *rules)
{
    memset(rules, 0, sizeof *rules);
    for (size_t k = 0; k < DP_N_PROG; k++) {
        const dp_prog_params *pp = &p->prog[k];
        /* status_quo: trend: a programme the scenario does not index (a rate of 0, the
         * default) follows the region's historical increase of its standard (region file
         * `standards:`), from the base year's amount: x (1 + r)^(year - base year). */
        double r = m && m->in ? m->in[reg].std_growth[k] : (double)NAN;
        double hist = p->status_quo == DP_SQ_TREND && isfinite(r) &&
                              pp->index_kind == DP_INDEX_RATE && pp->index_rate == 0.0 &&
                              year > p->base_year
                          ? pow(1.0 + r, (double)(year - p->base_year))
                          : 1.0;
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            rules->amount[k][g] = dp_prog_amount(p, k, g, year) * hist;
        }
        rules->take_up[k] = isfinite(pp->take_up) ? pp->take_up : m->base[reg].take_up[k];
        if (m && m->base[reg].take_up_dist_mean[k] > 0.0) {
            /* A distribution combined with the calibration (base.c check_calibrated_dist). */
            rules->take_up[k] =
                clamp01(m->base[reg].take_up[k] * pp->take_up / m->base[reg].take_up_dist_mean[k]);
        }
        if (!isfinite(pp->take_up) && k < DP_N_TREND && m->base[reg].trend[k].on &&
            year > p->base_year) {
            rules->take_up[k] = dp_trend_take_up(m, p, reg, k, year);
        }
        rules->coverage[k] = clamp01(dp_sched_or(&pp->coverage, year, 1.0));
        rules->capacity[k] = dp_sched_or(&pp->capacity, year, INFINITY);
        rules->budget_cap[k] = dp_sched_or(&pp->budget_cap, year, INFINITY);
        for (size_t l = 0; l < DP_N_LEVEL; l++) {
            rules->funding[k][l] = dp_sched_or(&pp->funding[l], year, 0.0);
        }
    }
    rules->price_index = dp_price_index(p, year);
    rules->dibao_standard = dp_dibao_standard(p, year);
    rules->away_yearly = dp_sched_or(&p->away_yearly, year, 0.0);
    rules->renovations = dp_sched_or(&p->renovations, year, NAN);
    /* Employment: step 7 restores each working-age cell's employed share to its target
     * (docs/model.md "Employment"); the share a year before is the base share in the first
     * projected year. */
    double x = clamp01(p->emp.exit_rate);
    rules->emp_out = x;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            rules->emp_target[t * DP_N_GRADE + g] = dp_emp_target(p, t, g);
            rules->emp_prev[t * DP_N_GRADE + g] =
                year <= p->year_start ? dp_emp_base_share(p, t, g) : dp_emp_target(p, t, g);
        }
    }
    rules->emp_first = year <= p->year_start;
    rules->trainees = dp_sched_or(&p->emp.trainees, year, 0.0);
    rules->training_cost = dp_sched_or(&p->emp.training_cost, year, 0.0);
    rules->posts = dp_sched_or(&p->emp.posts, year, 0.0);
    rules->post_yearly = dp_sched_or(&p->emp.post_yearly, year, 0.0);
    rules->awards = dp_sched_or(&p->emp.awards, year, 0.0);
    rules->award_amount = dp_sched_or(&p->emp.award_amount, year, 0.0);
    rules->single_person = p->single_person_from > 0 && year >= p->single_person_from
                               ? clamp01(p->single_person_rate)
                               : 0.0;
    if (!p->prog[DP_PROG_EMPLOYMENT].enabled) {
        rules->trainees = rules->posts = rules->awards = 0.0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Flags */

void
dp_flag_rates(const double *cells, const double *ren, const unsigned char *mask,
              dp_year_rates *r)
{
    double G = 0.0, R = 0.0;
    for (size_t i = 0; i < DP_N_CELL; i++) {
        if (mask[i]) {
            G += cells[i];
            R += ren[i];
        }
    }
    (void)dp_ren_homes(G, R, r);
}

double
dp_ren_homes(double G, double R, dp_year_rates *r)
{
    dp_prog_rules *pr = &r->prog;
    double want = isfinite(pr->renovations) ? pr->renovations
                                            : pr->coverage[DP_PROG_RENOVATION] * G - R;
    want = want > 0.0 ? want : 0.0;
    if (!(pr->take_up[DP_PROG_RENOVATION] >= 0.0)) {
        want = 0.0;
    } else {
        want *= pr->take_up[DP_PROG_RENOVATION];
    }
    pr->ren_demand = want;
    double cost = pr->amount[DP_PROG_RENOVATION][0];
    double n = want;
    n = n < pr->capacity[DP_PROG_RENOVATION] ? n : pr->capacity[DP_PROG_RENOVATION];
    if (cost > 0.0 && n * cost > pr->budget_cap[DP_PROG_RENOVATION]) {
        n = pr->budget_cap[DP_PROG_RENOVATION] / cost;
    }
    pr->ren_p = G - R > 0.0 ? clamp01(n / (G - R)) : 0.0;
    n = n < G - R ? n : G - R;
    return n > 0.0 ? n : 0.0;
}

static int
working_age(size_t age)
{
    return age >= DP_WORK_AGE_MIN && age <= DP_WORK_AGE_MAX;
}

double
dp_flag_in(const dp_year_rates *r, int flag, size_t age, size_t type, size_t grade,
           int renovation_eligible)
{
    if (flag == DP_FLAG_EMPLOYED) {
        /* A person who stays in (type, grade): s = last year's share; at 16, an entrant. */
        if (!working_age(age)) {
            return 0.0;
        }
        double in, out;
        size_t tg = type * DP_N_GRADE + grade;
        dp_emp_moves(age == DP_WORK_AGE_MIN && r->prog.emp_first == 0 ? 0.0 : r->prog.emp_prev[tg],
                     r->prog.emp_target[tg],
                     r->prog.emp_out, &in, &out);
        return in;
    }
    return renovation_eligible ? r->prog.ren_p : 0.0;
}

double
dp_flag_out(const dp_year_rates *r, int flag, size_t age)
{
    if (flag == DP_FLAG_EMPLOYED) {
        return working_age(age) ? r->prog.emp_out : 1.0;
    }
    return 0.0;
}

double
dp_flag_base_share(const dp_params *p, int flag, size_t age, size_t type, size_t grade,
                   int renovation_eligible)
{
    if (flag == DP_FLAG_EMPLOYED) {
        return working_age(age) ? dp_emp_base_share(p, type, grade) : 0.0;
    }
    return renovation_eligible ? clamp01(p->renovated_base) : 0.0;
}

void
dp_phase_out_months(int full_months, int partial_months, double fraction, int entry_month,
                    double out[3])
{
    out[0] = out[1] = out[2] = 0.0;
    for (int i = 0; i < full_months + partial_months; i++) {
        int month = entry_month - 1 + i; /* 0 = January of the entry year */
        if (month / 12 < 3) {
            out[month / 12] += i < full_months ? 1.0 : fraction;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Groups */

enum { HASH = 8192 };

int
dp_prog_groups_build(const unsigned char *masks, const unsigned char *const lag[DP_N_PROG],
                     dp_prog_groups *gm)
{
    static const unsigned short empty = 0xffff;
    unsigned short table[HASH];
    uint64_t keys[DP_MAX_GROUPS];
    for (size_t i = 0; i < HASH; i++) {
        table[i] = empty;
    }
    gm->n_group = 0;
    for (size_t i = 0; i < DP_N_CELL; i++) {
        size_t sa = i / DP_N_BLOCK, k = i % DP_N_BLOCK;
        size_t type = dp_block_type(k), grade = dp_block_grade(k), cert = dp_block_cert(k);
        /* The card-holding twin of the cell (same everything, certified). */
        size_t twin = cert == DP_CERT ? i : i + DP_N_HH;
        unsigned admit = 0, elig = 0, lagged = 0;
        for (size_t p = 0; p < DP_N_PROG; p++) {
            const unsigned char *mk = masks + p * DP_N_CELL;
            const unsigned char *lk = (lag && lag[p] ? lag[p] : masks) + p * DP_N_CELL;
            admit |= (unsigned)(mk[twin] || mk[i]) << p;
            elig |= (unsigned)mk[i] << p;
            lagged |= (unsigned)(mk[i] && lk[i]) << p;
        }
        unsigned wa = (unsigned)working_age(sa % DP_N_AGE);
        size_t band = dp_need_band(sa % DP_N_AGE);
        uint64_t key = (uint64_t)type | (uint64_t)grade << 3 | (uint64_t)wa << 5 |
                       (uint64_t)admit << 6 | (uint64_t)elig << 22 | (uint64_t)lagged << 38 |
                       (uint64_t)band << 54;
        size_t h = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 51) % HASH;
        while (table[h] != empty && keys[table[h]] != key) {
            h = (h + 1) % HASH;
        }
        if (table[h] == empty) {
            if (gm->n_group == DP_MAX_GROUPS) {
                return -1;
            }
            size_t n = gm->n_group++;
            keys[n] = key;
            table[h] = (unsigned short)n;
            gm->g[n] = (dp_prog_group){.type = (unsigned char)type,
                                       .grade = (unsigned char)grade,
                                       .work_age = (unsigned char)wa,
                                       .band = (unsigned char)band,
                                       .admit = (unsigned short)admit,
                                       .elig = (unsigned short)elig,
                                       .lagged = (unsigned short)lagged};
        }
        gm->gid[i] = table[h];
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Step 8 */

/* Workspace of one call: sums by group. */
typedef struct {
    double n[DP_MAX_GROUPS];               /**< persons */
    double nf[DP_N_FLAG][DP_MAX_GROUPS];   /**< flagged persons */
    double pi[DP_N_PROG][DP_MAX_GROUPS];   /**< prob. a person of the group is paid */
} group_sums;

static int
person_level(size_t k)
{
    return k != DP_PROG_RENOVATION && k != DP_PROG_EMPLOYMENT;
}

/* Yearly cost of one paid unit of programme k, averaged over grades with weights w. */
static double
unit_yearly(const dp_year_rates *r, size_t k, const double *w)
{
    double s = 0.0, a = 0.0;
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        s += w[g];
        a += w[g] * r->prog.amount[k][g];
    }
    a = s > 0.0 ? a / s : r->prog.amount[k][0];
    return dp_prog_pay[k] == DP_PAY_MONTHLY ? 12.0 * a : a;
}

/* The group sums and each group's probability of being paid, before caps and overlaps. */
static void
sum_groups(const dp_params *p, const dp_year_rates *r, const dp_prog_groups *gm,
           const double *cells, const double *const flag[DP_N_FLAG], group_sums *w)
{
    size_t ng = gm->n_group;
    memset(w->n, 0, ng * sizeof w->n[0]);
    for (size_t f = 0; f < DP_N_FLAG; f++) {
        memset(w->nf[f], 0, ng * sizeof w->nf[f][0]);
    }
    for (size_t i = 0; i < DP_N_CELL; i++) {
        if (cells[i] != 0.0) {
            size_t g = gm->gid[i];
            w->n[g] += cells[i];
            for (size_t f = 0; f < DP_N_FLAG; f++) {
                w->nf[f][g] += flag && flag[f] ? flag[f][i] : 0.0;
            }
        }
    }
    for (size_t k = 0; k < DP_N_PROG; k++) {
        for (size_t g = 0; g < ng; g++) {
            const dp_prog_group *gr = &gm->g[g];
            double pi = 0.0;
            if (gr->lagged >> k & 1u) {
                pi = r->prog.take_up[k] * dp_prog_need(p, k, gr->type, gr->grade, gr->band);
                if (is_service(k)) {
                    pi *= r->prog.coverage[k];
                }
                if (k == DP_PROG_MULTI_HH) {
                    pi *= clamp01(p->multi_share);
                }
            }
            if (k == DP_PROG_RENOVATION) {
                pi = w->n[g] > 0.0 && (gr->elig >> k & 1u) ? w->nf[DP_FLAG_RENOVATED][g] / w->n[g]
                                                           : 0.0;
            } else if (k == DP_PROG_EMPLOYMENT) {
                pi = w->n[g] > 0.0 && gr->work_age ? w->nf[DP_FLAG_EMPLOYED][g] / w->n[g] : 0.0;
            }
            w->pi[k][g] = p->prog[k].enabled ? clamp01(pi) : 0.0;
        }
    }
}

/* The factor (<= 1) that keeps programme k's units within its capacity and budget cap.
 * units: the units before the caps. */
static double
cap_factor(const dp_year_rates *r, size_t k, double units, double unit_cost)
{
    double f = 1.0;
    if (units > 0.0) {
        double cap = r->prog.capacity[k];
        if (units > cap) {
            f = cap / units;
        }
        double b = r->prog.budget_cap[k];
        if (unit_cost > 0.0 && units * f * unit_cost > b) {
            f = b / (units * unit_cost);
        }
    }
    return f;
}

void
dp_prog_year(const dp_params *p, const dp_year_rates *r, const dp_prog_groups *gm,
             const double *cells, const double *const flag[DP_N_FLAG], const double *fl,
             dp_prog_state *st, dp_prog_result *out)
{
    static _Thread_local group_sums w;
    const dp_prog_rules *pr = &r->prog;
    size_t ng = gm->n_group;
    memset(out, 0, sizeof *out);
    memcpy(out->amount, pr->amount, sizeof out->amount);
    sum_groups(p, r, gm, cells, flag, &w);

    /* Pipeline up to "applied", and need / demand of the services. */
    double units[DP_N_PROG] = {0.0}, by_grade[DP_N_PROG][DP_N_GRADE];
    memset(by_grade, 0, sizeof by_grade);
    for (size_t g = 0; g < ng; g++) {
        const dp_prog_group *gr = &gm->g[g];
        double n = w.n[g];
        for (size_t k = 0; k < DP_N_PROG; k++) {
            double hh = k == DP_PROG_MULTI_HH ? clamp01(p->multi_share) / p->multi_members : 1.0;
            if (gr->admit >> k & 1u) {
                out->pipeline[k][DP_STAGE_ELIGIBLE] += n * hh;
            }
            if (gr->elig >> k & 1u) {
                out->pipeline[k][DP_STAGE_CERTIFIED] += n * hh;
                out->service[k][DP_SVC_NEED] += n * dp_prog_need(p, k, gr->type, gr->grade, gr->band);
            }
            double a = n * w.pi[k][g] / (k == DP_PROG_MULTI_HH ? p->multi_members : 1.0);
            units[k] += a;
            by_grade[k][gr->grade] += a;
        }
    }

    /* Devices: the fitted target, replacements of the devices in use, purchases. */
    double dev_need = out->service[DP_PROG_DEVICES][DP_SVC_NEED];
    double dev_target = units[DP_PROG_DEVICES];
    double carry = isnan(st->fitted) ? dev_target : st->fitted;
    carry = carry < dev_need ? carry : dev_need;
    double cycle = p->device_cycle >= 1.0 ? p->device_cycle : 1.0;
    /* Purchases replace the worn-out devices and move the stock to the target (fewer when the
     * stock is above it, e.g. after its holders' deaths): linear in the counts unless the
     * floor at 0 binds, so the engines' means agree. */
    double repl = carry / cycle;
    double dev_want = repl + dev_target - carry;
    dev_want = dev_want > 0.0 ? dev_want : 0.0;

    /* Caps: services and cash on their paid units; devices on purchases. */
    double f_cap[DP_N_PROG];
    for (size_t k = 0; k < DP_N_PROG; k++) {
        f_cap[k] = 1.0;
        if (!person_level(k)) {
            continue;
        }
        double u = k == DP_PROG_DEVICES ? dev_want : units[k];
        double c = unit_yearly(r, k, by_grade[k]);
        if (k == DP_PROG_CHILD_REHAB) {
            c += clamp01(p->away_share) * pr->away_yearly;
        }
        if (dp_prog_pay[k] == DP_PAY_SERVICE) {
            f_cap[k] = cap_factor(r, k, u, c);
        } else {
            /* Cash: places cap the recipients at the year's end; the budget cap holds on the
             * year's spending, 6 (R0 + f R1) x amount per month (/ 12 for yearly amounts), so
             * f = (cap / 6 - R0 a) / (R1 a), within [0, 1]. */
            double per = dp_prog_pay[k] == DP_PAY_YEARLY ? 12.0 : 1.0, s0 = 0.0, s1 = 0.0;
            f_cap[k] = u > pr->capacity[k] ? pr->capacity[k] / u : 1.0;
            for (size_t gr = 0; gr < DP_N_GRADE; gr++) {
                s0 += 6.0 * st->r0[k][gr] * pr->amount[k][gr] / per;
                s1 += 6.0 * by_grade[k][gr] * pr->amount[k][gr] / per;
            }
            if (s1 > 0.0 && s0 + f_cap[k] * s1 > pr->budget_cap[k]) {
                double f = (pr->budget_cap[k] - s0) / s1;
                f_cap[k] = f > 0.0 ? f : 0.0;
            }
        }
        /* Devices: the caps limit purchases; the fitted stock follows from them below. */
        if (k != DP_PROG_DEVICES && f_cap[k] < 1.0) {
            for (size_t g = 0; g < ng; g++) {
                w.pi[k][g] *= f_cap[k];
            }
        }
        /* Devices: the persons the fitting rate asks to have a device in use (paid: those who
         * have one), not the year's purchases. */
        out->pipeline[k][DP_STAGE_APPLIED] = units[k];
    }
    double bought = dev_want * f_cap[DP_PROG_DEVICES];
    /* The stock: devices kept (carry - repl wear out) plus those bought. */
    double fitted = carry - repl + bought;
    fitted = fitted > 0.0 ? fitted : 0.0;
    fitted = fitted < dev_need ? fitted : dev_need;
    if (dev_target > 0.0) {
        for (size_t g = 0; g < ng; g++) {
            w.pi[DP_PROG_DEVICES][g] *= fitted / dev_target;
        }
    }
    st->fitted = fitted;

    /* Overlap rules, in file order. */
    int excluded[DP_N_PROG][DP_N_PROG];
    memset(excluded, 0, sizeof excluded);
    for (size_t o = 0; o < p->n_overlap; o++) {
        const dp_overlap *ov = &p->overlap[o];
        size_t i = (size_t)ov->first, j = (size_t)ov->second;
        if (ov->kind == DP_OVERLAP_EXCLUDE && person_level(j)) {
            for (size_t g = 0; g < ng; g++) {
                w.pi[j][g] *= 1.0 - w.pi[i][g];
            }
            excluded[i][j] = excluded[j][i] = 1;
        }
    }

    /* Paid by grade, overlaps. */
    for (size_t g = 0; g < ng; g++) {
        const dp_prog_group *gr = &gm->g[g];
        double n = w.n[g];
        if (n == 0.0) {
            continue;
        }
        for (size_t k = 0; k < DP_N_PROG; k++) {
            if (!person_level(k)) {
                continue;
            }
            double paid = n * w.pi[k][g];
            out->paid_grade[k][gr->grade] +=
                k == DP_PROG_MULTI_HH ? paid / p->multi_members : paid;
        }
        for (size_t i = 0; i < DP_N_PROG; i++) {
            if (w.pi[i][g] == 0.0) {
                continue;
            }
            out->overlap[i][i] += n * w.pi[i][g];
            for (size_t j = i + 1; j < DP_N_PROG; j++) {
                if (!excluded[i][j]) {
                    double both = n * w.pi[i][g] * w.pi[j][g];
                    out->overlap[i][j] += both;
                    out->overlap[j][i] += both;
                }
            }
        }
    }

    /* Spending of the person-level programmes. */
    for (size_t k = 0; k < DP_N_PROG; k++) {
        if (!person_level(k)) {
            continue;
        }
        double paid = 0.0;
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            double r1 = out->paid_grade[k][g];
            paid += r1;
            switch (dp_prog_pay[k]) {
            case DP_PAY_MONTHLY:
            case DP_PAY_YEARLY:
                out->person_months[k][g] = 6.0 * (st->r0[k][g] + r1);
                out->spending[k] += out->person_months[k][g] * pr->amount[k][g] /
                                    (dp_prog_pay[k] == DP_PAY_YEARLY ? 12.0 : 1.0);
                break;
            case DP_PAY_SERVICE:
                out->person_months[k][g] = 12.0 * r1;
                if (k != DP_PROG_DEVICES) {
                    out->spending[k] += r1 * pr->amount[k][g];
                }
                break;
            }
        }
        out->pipeline[k][DP_STAGE_PAID] = paid;
        if (is_service(k)) {
            double *sv = out->service[k];
            sv[DP_SVC_DEMAND] = k == DP_PROG_DEVICES ? dev_target : units[k];
            sv[DP_SVC_SERVED] = paid;
            sv[DP_SVC_UNMET] = sv[DP_SVC_NEED] - paid > 0.0 ? sv[DP_SVC_NEED] - paid : 0.0;
            sv[DP_SVC_CAPACITY] = isfinite(pr->capacity[k]) ? pr->capacity[k] : (double)NAN;
        }
    }
    /* Devices: purchases at the unit cost (grade-weighted by the fitted persons). */
    out->spending[DP_PROG_DEVICES] =
        bought * unit_yearly(r, DP_PROG_DEVICES, out->paid_grade[DP_PROG_DEVICES]);
    /* Child rehabilitation: the away-from-home family subsidy. */
    out->spending[DP_PROG_CHILD_REHAB] +=
        out->pipeline[DP_PROG_CHILD_REHAB][DP_STAGE_PAID] * clamp01(p->away_share) *
        pr->away_yearly;

    /* Reduce rules: the second programme's amount withheld from the pair's persons. */
    for (size_t o = 0; o < p->n_overlap; o++) {
        const dp_overlap *ov = &p->overlap[o];
        size_t i = (size_t)ov->first, j = (size_t)ov->second;
        if (ov->kind == DP_OVERLAP_REDUCE && person_level(j)) {
            /* The overlap counts persons; multi_disabled_household pays per household. */
            double units_both =
                out->overlap[i][j] / (j == DP_PROG_MULTI_HH ? p->multi_members : 1.0);
            double cut = ov->fraction * units_both * unit_yearly(r, j, out->paid_grade[j]);
            out->spending[j] = out->spending[j] > cut ? out->spending[j] - cut : 0.0;
        }
    }

    /* Home renovation: the flag stock, the year's renovations. */
    {
        size_t k = DP_PROG_RENOVATION;
        double G = 0.0, R = 0.0;
        for (size_t g = 0; g < ng; g++) {
            if (gm->g[g].elig >> k & 1u) {
                G += w.n[g];
                R += w.nf[DP_FLAG_RENOVATED][g];
            }
        }
        double done = fl[DP_FL_RENOVATIONS];
        out->pipeline[k][DP_STAGE_APPLIED] = pr->ren_demand;
        out->pipeline[k][DP_STAGE_PAID] = done;
        out->paid_grade[k][0] = done; /* renovations are not kept by grade */
        out->spending[k] = done * pr->amount[k][0];
        double *sv = out->service[k];
        sv[DP_SVC_NEED] = G;
        sv[DP_SVC_DEMAND] = pr->ren_demand;
        sv[DP_SVC_SERVED] = R;
        sv[DP_SVC_UNMET] = G - R > 0.0 ? G - R : 0.0;
        sv[DP_SVC_CAPACITY] = isfinite(pr->capacity[k]) ? pr->capacity[k] : (double)NAN;
        st->renovations_cum += done;
        out->ind[DP_PI_RENOVATION_GROUP] = G;
        out->ind[DP_PI_RENOVATED] = R;
        out->ind[DP_PI_RENOVATIONS_CUM] = st->renovations_cum;
    }

    /* Employment support. */
    {
        size_t k = DP_PROG_EMPLOYMENT;
        const dp_employment_params *e = &p->emp;
        double wa = 0.0, emp = 0.0;
        for (size_t g = 0; g < ng; g++) {
            if (gm->g[g].work_age) {
                wa += w.n[g];
                emp += w.nf[DP_FLAG_EMPLOYED][g];
            }
        }
        /* Work goes on without the programme (the indicators below); its pipeline does not. */
        int on = p->prog[k].enabled;
        double jobs = on ? fl[DP_FL_JOBS_IN] * pr->take_up[k] : 0.0;
        out->pipeline[k][DP_STAGE_APPLIED] = on ? emp : 0.0;
        out->pipeline[k][DP_STAGE_PAID] = jobs;
        out->paid_grade[k][0] = jobs; /* new jobs are not kept by grade */
        /* Dibao phase-out: entries from dibao households, uniform over the months of the year. */
        double m[3] = {0.0, 0.0, 0.0};
        for (int mo = 1; mo <= 12; mo++) {
            double x[3];
            dp_phase_out_months(e->phase_full_months, e->phase_partial_months, e->phase_fraction,
                                mo, x);
            for (size_t i = 0; i < 3; i++) {
                m[i] += x[i] / 12.0;
            }
        }
        double jd = fl[DP_FL_JOBS_FROM_DIBAO];
        double months = st->phase_carry[0] + jd * m[0];
        st->phase_carry[0] = st->phase_carry[1] + jd * m[1];
        st->phase_carry[1] = jd * m[2];
        double benefit = e->phase_benefit_share * pr->dibao_standard;
        double *es = out->emp_spending;
        if (p->prog[k].enabled) {
            es[DP_EMPS_JOBS] = jobs * pr->amount[k][0];
            es[DP_EMPS_TRAINING] = pr->trainees * pr->training_cost;
            es[DP_EMPS_POSTS] = pr->posts * pr->post_yearly;
            es[DP_EMPS_AWARDS] = pr->awards * pr->award_amount;
            es[DP_EMPS_PHASE_OUT] = months * benefit;
        }
        for (size_t i = 0; i < DP_N_EMPS; i++) {
            out->spending[k] += es[i];
        }
        out->ind[DP_PI_WORKING_AGE] = wa;
        out->ind[DP_PI_EMPLOYED] = emp;
        out->ind[DP_PI_NEW_JOBS] = fl[DP_FL_JOBS_IN];
        out->ind[DP_PI_TRAINEES] = pr->trainees;
    }

    /* Funding, prices, indicators. */
    for (size_t k = 0; k < DP_N_PROG; k++) {
        out->spending_real[k] = out->spending[k] / pr->price_index;
        for (size_t l = 0; l < DP_N_LEVEL; l++) {
            out->spending_level[k][l] = out->spending[k] * pr->funding[k][l];
        }
    }
    /* Card holders by age, employed card holders; insurance participation: the premium-aided
     * participate, the other card holders at the base rate (docs/model.md §9.11). */
    {
        double wa = 0.0, emp = 0.0, adults = 0.0, all = 0.0;
        const double *fe = flag ? flag[DP_FLAG_EMPLOYED] : NULL;
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            size_t age = sa % DP_N_AGE;
            for (size_t k = 0; k < DP_N_BLOCK; k++) {
                size_t i = sa * DP_N_BLOCK + k;
                if (dp_block_cert(k) != DP_CERT || cells[i] == 0.0) {
                    continue;
                }
                all += cells[i];
                if (age >= DP_WORK_AGE_MIN) {
                    adults += cells[i];
                }
                if (working_age(age)) {
                    wa += cells[i];
                    emp += fe ? fe[i] : 0.0;
                }
            }
        }
        double aid_p = out->pipeline[DP_PROG_PENSION][DP_STAGE_PAID];
        double aid_m = out->pipeline[DP_PROG_MEDICAL][DP_STAGE_PAID];
        aid_p = aid_p < adults ? aid_p : adults;
        aid_m = aid_m < all ? aid_m : all;
        out->ind[DP_PI_WORKING_AGE_CERT] = wa;
        out->ind[DP_PI_EMPLOYED_CERT] = emp;
        out->ind[DP_PI_ADULTS_CERT] = adults;
        out->ind[DP_PI_PENSION_PART] = aid_p + clamp01(p->pension_participation) * (adults - aid_p);
        out->ind[DP_PI_MEDICAL_PART] = aid_m + clamp01(p->medical_participation) * (all - aid_m);
        out->ind[DP_PI_REHAB_TIMES] = (out->pipeline[DP_PROG_ADULT_REHAB][DP_STAGE_PAID] +
                                       out->pipeline[DP_PROG_CHILD_REHAB][DP_STAGE_PAID]) *
                                      (p->rehab_times > 0.0 ? p->rehab_times : 0.0);
    }
    out->ind[DP_PI_MULTI_HOUSEHOLDS] = out->pipeline[DP_PROG_MULTI_HH][DP_STAGE_ELIGIBLE];
    out->ind[DP_PI_CASH] = out->spending[DP_PROG_LIVING] + out->spending[DP_PROG_CARE] +
                           out->spending[DP_PROG_DIBAO_SUPP] + out->spending[DP_PROG_MULTI_HH];
    memcpy(st->r0, out->paid_grade, sizeof st->r0);
}

void
dp_prog_state_init(const dp_params *p, const dp_year_rates *r_base, const dp_prog_groups *gm_base,
                   const double *cells, const double *const flag[DP_N_FLAG], dp_prog_state *st)
{
    static _Thread_local dp_prog_result out;
    double fl[DP_N_FLOW] = {0.0};
    memset(st, 0, sizeof *st);
    st->fitted = NAN;
    dp_prog_year(p, r_base, gm_base, cells, flag, fl, st, &out);
    st->renovations_cum = 0.0;
    st->phase_carry[0] = st->phase_carry[1] = 0.0;
}
