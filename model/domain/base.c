/* model/domain/base.c
 *
 * The base year. (1) A smooth national prevalence profile p(age) constrained to the 2006
 * survey's three published age-group prevalences, and the onset rates that keep that profile
 * stationary under the life table (dp_base_profiles, once per model). (2) For each region, the
 * general population by sex and single age, the disabled population by cell synthesised from
 * the national structure, the fit of that synthesis to the region's known counts by iterative
 * proportional fitting, and the calibration of programme take-up to reported recipients
 * (dp_base_build). Every assumption here is listed in docs/model.md.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp.h>
#include <gsl/gsl_roots.h>

#include "core/rng.h"
#include "domain/model_impl.h"

/* A region file without an age table or sex ratio takes the national 5-year table by sex
 * (data/reference/china_population_2020_5yr_assumption.csv, constructed: ASSUMPTION), whose
 * broad shares and sex ratio are the 2020 census's 17.95 / 63.35 / 18.70% and 105.07. */
/* Seed shares for certification and household status (assumptions, docs/model.md):
 * P(certified | severe), P(certified | other); roughly 37.8 M card holders of 85 M disabled. */
static const double seed_cert[2] = {0.60, 0.35};
/* P(dibao), P(marginal) given certified / uncertified. 0.28 = 10.7 M dibao-covered disabled
 * (CDPF 2020) / 37.8 M card holders (not verified); the rest are assumptions. */
static const double seed_hh[DP_N_CERT][DP_N_HH] = {{0.05, 0.05, 0.90}, {0.28, 0.05, 0.67}};
/* Default take-up where neither the scenario nor base-year recipients give one (assumption). */
static const double default_take_up = 0.95;
/* Prevalence cap at the oldest ages (assumption). */
static const double prevalence_cap = 0.90;

static size_t
age_group(size_t age)
{
    return age <= 14 ? 0 : (age <= 59 ? 1 : 2);
}

int
dp_marg_member(dp_marg_kind k, size_t sex, size_t age, size_t type, size_t grade, size_t cert,
               size_t hh)
{
    (void)sex;
    (void)type;
    switch (k) {
    case DP_MARG_CERTIFIED:
        return cert == DP_CERT;
    case DP_MARG_SEVERE:
        return grade <= 1;
    case DP_MARG_SEVERE_CERTIFIED:
        return grade <= 1 && cert == DP_CERT;
    case DP_MARG_DIBAO:
        return hh == DP_DIBAO;
    case DP_MARG_DIBAO_CERTIFIED:
        return hh == DP_DIBAO && cert == DP_CERT;
    case DP_MARG_MARGINAL:
        return hh == DP_MARGINAL;
    case DP_MARG_AGED60:
        return age >= 60;
    case DP_MARG_CHILDREN:
        return age <= 14;
    default:
        return 0;
    }
}

/* Stationary population weights l(age) (person-years lived at each age by a radix of 1, deaths
 * at mid-year) of one sex under one year's life table. The open group 100+ lives 1/m years with
 * m = -ln(1 - q) its constant force of mortality. */
static void
survivors(const dp_reference *ref, int year, size_t sex, double *l)
{
    double s = 1.0;
    for (size_t age = 0; age < DP_N_AGE; age++) {
        double q = dp_reference_q(ref, year, sex, age);
        if (age == DP_MAX_AGE) {
            l[age] = q > 0.0 && q < 1.0 ? s / -log1p(-q) : s;
        } else {
            l[age] = s * (1.0 - 0.5 * q);
        }
        s *= 1.0 - q;
    }
}

typedef struct {
    const double *w;    /**< age weights [DP_N_AGE] */
    const double *prev; /**< published group prevalences [DP_N_AGEGROUP] */
    double k;           /**< exponent being tried (outer solve) */
} profile_fit;

/* Mean of min(cap, c0 + c1 exp(k age)) within age group g, weighted by w (cap <= 0: none). */
static double
group_mean_cap(const double *w, double c0, double c1, double k, size_t g, double cap)
{
    double num = 0.0, den = 0.0;
    for (size_t age = 0; age < DP_N_AGE; age++) {
        if (age_group(age) != g) {
            continue;
        }
        double v = c0 + c1 * exp(k * (double)age);
        num += w[age] * (cap > 0.0 && v > cap ? cap : v);
        den += w[age];
    }
    return num / den;
}

static double
group_mean(const double *w, double c0, double c1, double k, size_t g)
{
    return group_mean_cap(w, c0, c1, k, g, prevalence_cap);
}

/* The youngest group is never capped, so c0 follows from c1: c0 = P0 - c1 E0(k). */
static double
profile_c0(const profile_fit *f, double c1, double k)
{
    return f->prev[0] - c1 * group_mean_cap(f->w, 0.0, 1.0, k, 0, 0.0);
}

static double
oldest_residual(double c1, void *params)
{
    const profile_fit *f = params;
    return group_mean(f->w, profile_c0(f, c1, f->k), c1, f->k, 2) - f->prev[2];
}

/* Solves f(x) = 0 on [lo, hi] by Brent's method (GSL). */
static int
brent(gsl_function *F, double lo, double hi, double *root)
{
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s) {
        return GSL_ENOMEM;
    }
    int status = gsl_root_fsolver_set(s, F, lo, hi);
    for (int it = 0; status == GSL_SUCCESS && it < 200; it++) {
        status = gsl_root_fsolver_iterate(s);
        *root = gsl_root_fsolver_root(s);
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                   0.0, 1e-13) == GSL_SUCCESS) {
            break;
        }
    }
    gsl_root_fsolver_free(s);
    return status;
}

/* For exponent k: c1 so that the oldest group's capped mean is met. */
static double
profile_c1(profile_fit *f, double k, int *status)
{
    f->k = k;
    gsl_function F = {oldest_residual, f};
    double c1 = 0.0;
    *status = brent(&F, 0.0, 1.0, &c1);
    return c1;
}

static double
middle_residual(double k, void *params)
{
    profile_fit *f = params;
    int status;
    double c1 = profile_c1(f, k, &status);
    return group_mean(f->w, profile_c0(f, c1, k), c1, k, 1) - f->prev[1];
}

/* The national profiles of base year base_year: prevalence, q_scale and onset [DP_N_AGE, DP_N_AGE,
 * DP_N_SEX * DP_N_AGE] (onset may be NULL). */
static dp_status
profiles(dp_ctx *ctx, const dp_model *m, int base_year, double *prevalence, double *q_scale,
         double *onset)
{
    const dp_reference *ref = m->ref;
    const dp_params *p = &m->p;
    /* Weights: the stationary population of the base year, both sexes (assumption: within each
     * published age group, the 2006 population was spread like a stationary population). */
    double l[DP_N_SEX][DP_N_AGE], w[DP_N_AGE];
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        survivors(ref, base_year, sex, l[sex]);
    }
    for (size_t age = 0; age < DP_N_AGE; age++) {
        w[age] = l[0][age] + l[1][age];
    }
    /* p(a) = min(cap, c0 + c1 exp(k a)) with every group's mean met exactly: the outer solve
     * finds k for the middle group; for each k, the inner solve finds c1 for the oldest group
     * (c0 follows from the youngest). */
    profile_fit f = {w, ref->agegroup_prevalence, 0.0};
    gsl_function F = {middle_residual, &f};
    double k = 0.0;
    int status = brent(&F, 0.005, 0.3, &k);
    double c1 = status == GSL_SUCCESS ? profile_c1(&f, k, &status) : 0.0;
    if (status != GSL_SUCCESS) {
        return dp_error(ctx, DP_EGSL, "prevalence profile fit: %s", gsl_strerror(status));
    }
    double c0 = profile_c0(&f, c1, k);
    for (size_t age = 0; age < DP_N_AGE; age++) {
        double v = c0 + c1 * exp(k * (double)age);
        prevalence[age] = v < 0.0 ? 0.0 : (v > prevalence_cap ? prevalence_cap : v);
    }

    /* Relative risk of death averaged over the national grade and type structure, and the
     * decomposition of the all-population life table: q = (1 - p) q_nd + p RR q_nd, so
     * q_nd = q / (1 + p (RR - 1)). */
    double rr = 0.0;
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        double share = g <= 1 ? ref->severe_share * ref->grade_within[g]
                              : (1.0 - ref->severe_share) * ref->grade_within[g];
        rr += share * p->mort_rr_grade[g];
    }
    double rr_type = 0.0;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        rr_type += ref->type_share[t] * p->mort_rr_type[t];
    }
    rr *= rr_type;
    for (size_t age = 0; age < DP_N_AGE; age++) {
        q_scale[age] = 1.0 / (1.0 + prevalence[age] * (rr - 1.0));
    }
    /* Onset: the yearly probability i(sex, age) that keeps p stationary along a cohort under the
     * base-year life table: survivors S_d = p(a)(1 - q_d), S_n = (1 - p(a))(1 - q_nd); then
     * p(a+1) (S_d + S_n) = S_d + i S_n. Newborns start non-disabled (p = 0 before age 0). */
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t age = 0; age < DP_N_AGE; age++) {
            double pa = age == 0 ? 0.0 : prevalence[age];
            double pn = prevalence[age < DP_MAX_AGE ? age + 1 : age];
            double q = dp_reference_q(ref, base_year, sex, age) * q_scale[age];
            double qd = q * rr > 1.0 ? 1.0 : q * rr;
            double sd = pa * (1.0 - qd), sn = (1.0 - pa) * (1.0 - q);
            double i = sn > 0.0 ? (pn * (sd + sn) - sd) / sn : 0.0;
            if (onset) {
                onset[sex * DP_N_AGE + age] = i < 0.0 ? 0.0 : (i > 0.5 ? 0.5 : i);
            }
        }
    }
    return DP_OK;
}

dp_status
dp_base_profiles(dp_ctx *ctx, dp_model *m)
{
    return profiles(ctx, m, m->p.year_start - 1, m->prevalence, m->q_scale, m->onset);
}

/* Splits one sex's residents in age groups into single ages, keeping every group's total: a
 * monotone cubic (Steffen 1990, GSL's gsl_interp_steffen) through the cumulative count at the
 * group boundaries, differenced at whole ages. The interpolant passes through every knot, so
 * each group keeps its total exactly, and it is monotone, so no age is negative; its slope at
 * a boundary lies between the neighbouring groups' means per year (Steffen's limiter), so the
 * single ages change smoothly from group to group instead of jumping at the boundaries. lo[g]
 * is the first age of group g (lo[n] = DP_N_AGE: the last group is 100+, one "age"). */
static void
split_groups(const double *group, const size_t *lo, size_t n, double *pop)
{
    double x[DP_N_AGE + 1], c[DP_N_AGE + 1];
    x[0] = 0.0;
    c[0] = 0.0;
    for (size_t g = 0; g < n; g++) {
        x[g + 1] = (double)lo[g + 1];
        c[g + 1] = c[g] + group[g];
    }
    gsl_interp *in = gsl_interp_alloc(gsl_interp_steffen, n + 1);
    gsl_interp_accel *acc = gsl_interp_accel_alloc();
    if (!in || !acc || gsl_interp_init(in, x, c, n + 1) != GSL_SUCCESS) {
        /* Out of memory: spread each group evenly (totals kept). */
        for (size_t g = 0; g < n; g++) {
            for (size_t age = lo[g]; age < lo[g + 1]; age++) {
                pop[age] = group[g] / (double)(lo[g + 1] - lo[g]);
            }
        }
    } else {
        double prev = 0.0;
        for (size_t age = 0; age < DP_N_AGE; age++) {
            double next = gsl_interp_eval(in, x, c, (double)(age + 1), acc);
            pop[age] = next - prev > 0.0 ? next - prev : 0.0;
            prev = next;
        }
        /* Exact group totals (the interpolant meets the knots to rounding; take the last age of
         * each group as the remainder). */
        for (size_t g = 0; g < n; g++) {
            double s = 0.0;
            for (size_t age = lo[g]; age + 1 < lo[g + 1]; age++) {
                s += pop[age];
            }
            double last = group[g] - s;
            pop[lo[g + 1] - 1] = last > 0.0 ? last : 0.0;
        }
    }
    gsl_interp_accel_free(acc);
    gsl_interp_free(in);
}

/* Solves the 3 x 3 system a x = b (Gaussian elimination with partial pivoting); 0 if singular. */
static int
solve3(double a[3][3], double b[3], double x[3])
{
    for (size_t c = 0; c < 3; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < 3; r++) {
            piv = fabs(a[r][c]) > fabs(a[piv][c]) ? r : piv;
        }
        if (!(fabs(a[piv][c]) > 0.0)) {
            return 0;
        }
        for (size_t k = 0; k < 3; k++) {
            double t = a[c][k];
            a[c][k] = a[piv][k];
            a[piv][k] = t;
        }
        double t = b[c];
        b[c] = b[piv];
        b[piv] = t;
        for (size_t r = c + 1; r < 3; r++) {
            double f = a[r][c] / a[c][c];
            for (size_t k = c; k < 3; k++) {
                a[r][k] -= f * a[c][k];
            }
            b[r] -= f * b[c];
        }
    }
    for (size_t c = 3; c-- > 0;) {
        double v = b[c];
        for (size_t k = c + 1; k < 3; k++) {
            v -= a[c][k] * x[k];
        }
        x[c] = v / a[c][c];
    }
    return 1;
}

/* The region's broad age shares (0-14, 15-59, 60+; both sexes) and sex ratio on the national
 * single ages pop (any scale), without a cliff where the broad groups meet: every age is
 * multiplied by one smooth factor phi(a) = c0 + c1 x + c2 x^2 (x = a / 100), the same for both
 * sexes, whose three coefficients meet the three broad totals exactly, and each sex by a
 * constant for the sex ratio; alternated until both hold (docs/model.md §4.2). If phi would
 * turn negative at some age (shares far from the nation's), the broad groups are scaled
 * separately instead (totals kept, with a step where they meet). */
static void
fit_broad(const dp_region_input *in, double *pop)
{
    int by_age = isfinite(in->age_share[0]), by_sex = isfinite(in->sex_ratio);
    double sh[DP_N_AGEGROUP] = {0};
    for (size_t G = 0; G < DP_N_AGEGROUP && by_age; G++) {
        /* normalised: the file's shares sum to 1 within 0.005 */
        sh[G] = in->age_share[G] / (in->age_share[0] + in->age_share[1] + in->age_share[2]);
    }
    double base[DP_N_SEX * DP_N_AGE];
    memcpy(base, pop, sizeof base);
    double ws[DP_N_SEX] = {1.0, 1.0}, c[3] = {1.0, 0.0, 0.0};
    int smooth = 1;
    for (int sweep = 0; sweep < 100; sweep++) {
        double all = 0.0;
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            all += pop[sa];
        }
        if (by_age) {
            double a[3][3] = {{0}}, b[3], x[3];
            for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
                size_t age = sa % DP_N_AGE, G = age_group(age);
                double v = ws[sa / DP_N_AGE] * base[sa], t = (double)age / 100.0;
                a[G][0] += v;
                a[G][1] += v * t;
                a[G][2] += v * t * t;
            }
            for (size_t G = 0; G < 3; G++) {
                b[G] = sh[G] * all;
            }
            if (!solve3(a, b, x)) {
                smooth = 0;
            } else {
                memcpy(c, x, sizeof c);
            }
            for (size_t age = 0; age < DP_N_AGE && smooth; age++) {
                double t = (double)age / 100.0;
                smooth = c[0] + c[1] * t + c[2] * t * t > 0.0;
            }
            if (!smooth) {
                break;
            }
        }
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            double t = (double)(sa % DP_N_AGE) / 100.0;
            pop[sa] = ws[sa / DP_N_AGE] * base[sa] * (c[0] + c[1] * t + c[2] * t * t);
        }
        if (by_sex) {
            double st[DP_N_SEX] = {0};
            for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
                st[sa / DP_N_AGE] += pop[sa];
            }
            double want = in->sex_ratio / 100.0 * st[1] / st[0];
            ws[0] *= want;
            for (size_t sa = 0; sa < DP_N_AGE; sa++) {
                pop[sa] *= want;
            }
            if (fabs(want - 1.0) < 1e-15 || !by_age) {
                break;
            }
        } else {
            break;
        }
    }
    if (smooth) {
        return;
    }
    /* Fallback: scale each broad group x sex (raking), totals kept. */
    memcpy(pop, base, sizeof base);
    for (int sweep = 0; sweep < 200; sweep++) {
        double all = 0.0, bt[DP_N_AGEGROUP] = {0}, st[DP_N_SEX] = {0};
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            all += pop[sa];
            bt[age_group(sa % DP_N_AGE)] += pop[sa];
        }
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            size_t G = age_group(sa % DP_N_AGE);
            pop[sa] *= sh[G] * all / bt[G];
            st[sa / DP_N_AGE] += pop[sa];
        }
        if (by_sex) {
            double f[DP_N_SEX] = {in->sex_ratio / (100.0 + in->sex_ratio) * all / st[0],
                                  100.0 / (100.0 + in->sex_ratio) * all / st[1]};
            for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
                pop[sa] *= f[sa / DP_N_AGE];
            }
        }
    }
}

/* General population of the base year by sex and single age (docs/model.md §4.2): the region
 * file's single ages, or its 5-year groups split smoothly, or the national 5-year table
 * (reference) scaled to the region file's broad age shares and sex ratio where it gives them,
 * split smoothly; scaled to the resident total. */
static void
base_population(const dp_model *m, const dp_region_input *in, double *pop)
{
    size_t lo[DP_N_AGE5 + 1];
    for (size_t g = 0; g < DP_N_AGE5; g++) {
        lo[g] = 5 * g;
    }
    lo[DP_N_AGE5] = DP_N_AGE;
    if (in->age_input == DP_AGE_SINGLE) {
        memcpy(pop, in->age_pop, DP_N_SEX * DP_N_AGE * sizeof *pop);
    } else {
        double grp[DP_N_SEX][DP_N_AGE5];
        for (size_t sex = 0; sex < DP_N_SEX; sex++) {
            for (size_t g = 0; g < DP_N_AGE5; g++) {
                grp[sex][g] = in->age_input == DP_AGE_GROUPS ? in->age_pop[sex][g]
                                                             : m->ref->pop5[sex][g];
            }
        }
        for (size_t sex = 0; sex < DP_N_SEX; sex++) {
            split_groups(grp[sex], lo, DP_N_AGE5, pop + sex * DP_N_AGE);
        }
        if (in->age_input == DP_AGE_NONE &&
            (isfinite(in->age_share[0]) || isfinite(in->sex_ratio))) {
            fit_broad(in, pop);
        }
    }
    double total = 0.0;
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        total += pop[sa];
    }
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        pop[sa] *= in->population / total;
    }
}

/* Severe share by type: published values where known, the rest equal and solved so that the
 * type-weighted mean is the national severe share. */
static void
severe_by_type(const dp_reference *ref, const double *type_share, double *sev)
{
    double known = 0.0, known_w = 0.0;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        if (isfinite(ref->severe_share_type[t])) {
            known += type_share[t] * ref->severe_share_type[t];
            known_w += type_share[t];
        }
    }
    double rest = known_w < 1.0 ? (ref->severe_share - known) / (1.0 - known_w) : 0.0;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        sev[t] = isfinite(ref->severe_share_type[t]) ? ref->severe_share_type[t] : rest;
    }
}

/* The region's onset rates (docs/model.md §4.3): the yearly probability i(s, a) among the
 * non-disabled that keeps the region's own base-year prevalence P(s, a) = D(s, a) / N(s, a)
 * stationary along a cohort under the base year's split life table: with the survivors
 * S_d = P(a) (1 - qd(a)) and S_n = (1 - P(a)) (1 - q_nd(a)),
 *     P(a+1) (S_d + S_n) = S_d + i(a) S_n,
 * where q_nd = q sigma(a) and qd is the death probability of the region's own disabled persons
 * of that sex and age (their fitted grade and type mix, each min(1, q_nd RR_g RR_t)). The open
 * group 100+ keeps P(100). Bounded to [0, 0.5]. Solving for the region's level (rather than
 * scaling the national rates) matters: a region at half the national prevalence has more
 * non-disabled persons per disabled person than the national rates assume. */
static void
region_onset(const dp_model *m, const dp_params *p, dp_region_base *b)
{
    int base_year = p->year_start - 1;
    double prev[DP_N_SEX * DP_N_AGE], qd[DP_N_SEX * DP_N_AGE];
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t age = 0; age < DP_N_AGE; age++) {
            size_t sa = sex * DP_N_AGE + age;
            double q = dp_reference_q(m->ref, base_year, sex, age) * b->q_scale[age];
            double dis = 0.0, dead = 0.0;
            for (size_t k = 0; k < DP_N_BLOCK; k++) {
                double v = b->cells[sa * DP_N_BLOCK + k];
                double r = q * p->mort_rr_grade[dp_block_grade(k)] *
                           p->mort_rr_type[dp_block_type(k)];
                dis += v;
                dead += v * (r > 1.0 ? 1.0 : r);
            }
            prev[sa] = b->pop[sa] > 0.0 ? dis / b->pop[sa] : 0.0;
            qd[sa] = dis > 0.0 ? dead / dis : q;
        }
    }
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t age = 0; age < DP_N_AGE; age++) {
            size_t sa = sex * DP_N_AGE + age;
            double pa = prev[sa], pn = prev[sa + (age < DP_MAX_AGE ? 1 : 0)];
            double q = dp_reference_q(m->ref, base_year, sex, age) * b->q_scale[age];
            double sd = pa * (1.0 - qd[sa]), sn = (1.0 - pa) * (1.0 - q);
            double i = sn > 0.0 ? (pn * (sd + sn) - sd) / sn : 0.0;
            b->onset[sa] = i < 0.0 ? 0.0 : (i > 0.5 ? 0.5 : i);
        }
    }
}

/* The certified share of the base-year disabled by age group (0-14, 15-59, 60+) and severity
 * group (grades 1-2, 3-4), both sexes: what the balanced certification keeps (docs/model.md §2
 * step 5). A group without disabled persons takes the severity group's share over all ages. */
static void
cert_shares(dp_region_base *b)
{
    double c[DP_N_AGEGROUP][2] = {{0}}, n[DP_N_AGEGROUP][2] = {{0}}, ct[2] = {0}, nt[2] = {0};
    for (size_t i = 0; i < DP_N_CELL; i++) {
        size_t k = i % DP_N_BLOCK, G = age_group(i / DP_N_BLOCK % DP_N_AGE);
        size_t sev = dp_block_grade(k) <= 1 ? 0 : 1;
        n[G][sev] += b->cells[i];
        nt[sev] += b->cells[i];
        if (dp_block_cert(k) == DP_CERT) {
            c[G][sev] += b->cells[i];
            ct[sev] += b->cells[i];
        }
    }
    for (size_t G = 0; G < DP_N_AGEGROUP; G++) {
        for (size_t k = 0; k < 2; k++) {
            b->cert_share[G][k] =
                n[G][k] > 0.0 ? c[G][k] / n[G][k] : (nt[k] > 0.0 ? ct[k] / nt[k] : 0.0);
        }
    }
}

/* Time of a reported figure's reference point: the end of month m of year Y is Y - 1 + m / 12
 * (the end of December of Y is Y, the time the projection's year Y ends at). */
static double
reported_time(const dp_reported *rp)
{
    return (double)rp->year - 1.0 + (double)rp->month / 12.0;
}

int
dp_trend_uses(const dp_reported *rp, size_t prog, int fit_until)
{
    char key[48];
    snprintf(key, sizeof key, "%s_recipients", dp_prog_key[prog]);
    return strcmp(rp->key, key) == 0 && rp->from == rp->year && rp->year <= fit_until &&
           rp->value > 0.0;
}

/* The scenario's distribution on programme prog's take_up, or NULL. */
static const dp_uncertain *
take_up_dist(const dp_params *p, size_t prog)
{
    char name[96];
    snprintf(name, sizeof name, "programmes.%s.take_up", dp_prog_key[prog]);
    for (size_t i = 0; i < p->n_uncertain; i++) {
        if (strcmp(p->uncertain[i].name, name) == 0) {
            return &p->uncertain[i];
        }
    }
    return NULL;
}

/* A distribution on a take-up the model calibrates must not silently replace the calibration.
 * Under status_quo: trend the living and care subsidies' take-ups are the trend's: refused at
 * the distribution's place in the scenario (FILE:LINE:COL). Under frozen a cash programme
 * whose region file gives base-year recipients combines the two (docs/scenarios.md "Status quo
 * and calibration"): the calibration sets the level, the distribution the relative spread,
 *     take_up_rep = min(1, calibrated x draw_rep / mean of the distribution),
 * so that the base year reproduces the recipients on average; *combine is set to 1 then. */
static dp_status
check_calibrated_dist(dp_ctx *ctx, const dp_params *p, const dp_region_input *in, size_t prog,
                      int *combine)
{
    const dp_uncertain *u = take_up_dist(p, prog);
    *combine = 0;
    if (!u) {
        return DP_OK;
    }
    if (p->status_quo == DP_SQ_TREND && prog < DP_N_TREND) {
        return dp_error(ctx, DP_EINPUT,
                        "%s: %s: a distribution on a take-up that status_quo: trend calibrates "
                        "to the reported series; the fit's own uncertainty is drawn with "
                        "--runs (docs/scenarios.md \"Status quo and calibration\"): give "
                        "calibration.cv or calibration.growth_sd instead, or status_quo: "
                        "frozen",
                        u->where, u->name);
    }
    *combine = isfinite(in->recipients[prog]) && dp_prog_pay[prog] != DP_PAY_SERVICE &&
               p->prog[prog].take_up > 0.0;
    return DP_OK;
}

/* status_quo: trend: fits the take-up trend of programme prog (living or care subsidy) to the
 * recipients reported up to p->fit_until (or the base year) and the base year's recipients, as
 * shares of the base year's eligible persons (trend.h). No figure: no trend. A calibrated
 * take-up given as a distribution was refused before (refuse_calibrated_dist). */
static dp_status
fit_trend(dp_ctx *ctx, const dp_params *p, const dp_region_input *in, dp_region_base *b,
          size_t prog)
{
    if (isfinite(p->prog[prog].take_up) || !(b->eligible[prog] > 0.0)) {
        return DP_OK; /* the scenario's take-up, or no one eligible */
    }
    int fit_until = p->fit_until ? p->fit_until : p->base_year;
    double t[DP_TREND_MAX_OBS], y[DP_TREND_MAX_OBS];
    size_t n = 0;
    int base_seen = 0;
    for (size_t i = 0; i < in->n_reported && n < DP_TREND_MAX_OBS; i++) {
        const dp_reported *rp = &in->reported[i];
        if (dp_trend_uses(rp, prog, fit_until)) {
            t[n] = reported_time(rp);
            y[n] = rp->value / b->eligible[prog];
            base_seen |= fabs(t[n] - (double)p->base_year) < 1e-9;
            n++;
        }
    }
    if (isfinite(in->recipients[prog]) && !base_seen && n < DP_TREND_MAX_OBS) {
        t[n] = (double)p->base_year;
        y[n] = in->recipients[prog] / b->eligible[prog];
        n++;
    }
    if (n == 0) {
        return DP_OK;
    }
    dp_status rc = dp_trend_fit_series(ctx, t, y, n, (double)p->base_year, p->cal_ceiling,
                                       p->cal_cv, p->cal_growth_sd, &b->trend[prog]);
    if (rc != DP_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", dp_ctx_errmsg(ctx));
        return dp_error(ctx, rc,
                        "region '%s': the take-up trend of %s (shares of the base's %.0f "
                        "eligible persons; calibration.ceiling may be raised to 2): %s",
                        in->id, dp_prog_key[prog], b->eligible[prog], msg);
    }
    return DP_OK;
}

void
dp_trend_params(const dp_model *m, const dp_params *p, size_t reg, size_t prog, double *a,
                double *g)
{
    const dp_trend_fit *f = &m->base[reg].trend[prog];
    *a = f->a;
    *g = f->g;
    if (p->trend_rep > 0) {
        gsl_rng *r = dp_rng_alloc();
        if (r) {
            /* Entity: past the scenario's uncertain parameters, one per region and programme,
             * so that every year of a replicate draws the same (a, g). */
            dp_rng_stream(r, p->trend_seed, p->trend_rep - 1,
                          (uint32_t)(DP_MAX_UNCERTAIN + reg * DP_N_TREND + prog), 0, DP_EV_PARAM);
            dp_trend_draw(f, r, a, g);
            dp_rng_free(r);
        }
    }
}

double
dp_trend_take_up(const dp_model *m, const dp_params *p, size_t reg, size_t prog, int year)
{
    const dp_region_base *b = &m->base[reg];
    const dp_trend_fit *f = &b->trend[prog];
    double a, g;
    dp_trend_params(m, p, reg, prog, &a, &g);
    double s = dp_trend_share(f, a, g, (double)year);
    if (b->take_up_source[prog] == DP_TAKE_UP_CALIBRATED) {
        /* The base year's calibrated take-up is reproduced by the fitted trend's level. */
        double s0 = dp_trend_share(f, f->a, f->g, (double)p->base_year);
        s *= s0 > 0.0 ? b->take_up[prog] / s0 : 1.0;
    }
    return s < 0.0 ? 0.0 : (s > 1.0 ? 1.0 : s);
}

/* Builds region in's base under p (the model's parameters, or their copy for a region of
 * another base year: dp_params_region); b is zeroed but for its base year and profiles. */
static dp_status
base_build(dp_ctx *ctx, const dp_model *m, const dp_params *p, const dp_region_input *in,
           dp_region_base *b)
{
    const dp_reference *ref = m->ref;
    dp_status rc = DP_OK;
    b->birth_rate = in->birth_rate;
    b->migration_rate = in->migration_rate;
    base_population(m, in, b->pop);

    /* Disabled by sex and age: population x national profile, male share as in 2006, scaled to
     * the region's total; capped at prevalence_cap of the population. */
    double d[DP_N_SEX * DP_N_AGE], sex_tot[DP_N_SEX] = {0};
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t age = 0; age < DP_N_AGE; age++) {
            size_t sa = sex * DP_N_AGE + age;
            /* Nobody is disabled at age 0 at the end of a year: the year's births enter age 0
             * non-disabled (docs/model.md §2 step 9) and their onsets count from the next
             * year. The base year agrees with the projection, so that age-specific prevalence
             * can stay as it is (§4.3). */
            d[sa] = age == 0 ? 0.0 : b->pop[sa] * b->prevalence[age];
            sex_tot[sex] += d[sa];
        }
    }
    double expected = sex_tot[0] + sex_tot[1];
    if (!(expected > 0.0)) {
        return dp_error(ctx, DP_EINPUT, "region '%s': population gives no disabled persons",
                        in->id);
    }
    double fs[DP_N_SEX] = {ref->male_share / sex_tot[0], (1.0 - ref->male_share) / sex_tot[1]};
    for (int pass = 0; pass < 50; pass++) {
        double free_sum = 0.0, capped = 0.0;
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            double v = d[sa] * fs[sa / DP_N_AGE] * in->disabled_total;
            if (v >= prevalence_cap * b->pop[sa]) {
                capped += prevalence_cap * b->pop[sa];
            } else {
                free_sum += v;
            }
        }
        double scale = free_sum > 0.0 ? (in->disabled_total - capped) / free_sum : 1.0;
        if (fabs(scale - 1.0) < 1e-12) {
            break;
        }
        fs[0] *= scale;
        fs[1] *= scale;
    }
    double sexage[DP_N_SEX * DP_N_AGE];
    double check = 0.0;
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double v = d[sa] * fs[sa / DP_N_AGE] * in->disabled_total;
        sexage[sa] = v > prevalence_cap * b->pop[sa] ? prevalence_cap * b->pop[sa] : v;
        check += sexage[sa];
    }
    if (fabs(check - in->disabled_total) > 1e-6 * in->disabled_total) {
        return dp_error(ctx, DP_EINPUT,
                        "region '%s': %.0f disabled persons do not fit in a population of %.0f "
                        "(at most %.0f%% prevalence at any age)",
                        in->id, in->disabled_total, in->population, 100.0 * prevalence_cap);
    }
    b->onset_scale = in->disabled_total / expected;

    /* Seed: independent type x grade mix (severe share by type), certification by severity,
     * household status by certification. */
    const double *ts =
        isfinite(in->type_share[0]) ? in->type_share : dp_reference_type_share(ref, in->province);
    double sev[DP_N_TYPE];
    severe_by_type(ref, ts, sev);
    double block[DP_N_BLOCK];
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            double pg = g <= 1 ? sev[t] * ref->grade_within[g]
                               : (1.0 - sev[t]) * ref->grade_within[g];
            for (size_t c = 0; c < DP_N_CERT; c++) {
                double pc = c == DP_CERT ? seed_cert[g <= 1 ? 0 : 1] : 1.0 - seed_cert[g <= 1 ? 0 : 1];
                for (size_t h = 0; h < DP_N_HH; h++) {
                    block[dp_block_index(t, g, c, h)] = ts[t] * pg * pc * seed_hh[c][h];
                }
            }
        }
    }
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        for (size_t k = 0; k < DP_N_BLOCK; k++) {
            b->cells[sa * DP_N_BLOCK + k] = sexage[sa] * block[k];
        }
    }

    /* Fit: keep the sex x age distribution and meet every known marginal. */
    dp_ipf_con con[1 + DP_N_MARG];
    double targets[DP_N_MARG][2];
    size_t n_con = 0;
    con[n_con++] = (dp_ipf_con){NULL, DP_N_SEX * DP_N_AGE, sexage, DP_N_BLOCK};
    for (size_t k = 0; k < DP_N_MARG; k++) {
        b->target[k] = in->marginal[k];
        if (!isfinite(in->marginal[k])) {
            continue;
        }
        if (in->marginal[k] > in->disabled_total) {
            return dp_error(ctx, DP_EINPUT,
                            "region '%s': marginal %s = %.0f exceeds the disabled total %.0f",
                            in->id, dp_marg_key[k], in->marginal[k], in->disabled_total);
        }
        targets[k][0] = NAN;
        targets[k][1] = in->marginal[k];
        con[n_con++] = (dp_ipf_con){m->marg_cat + k * DP_N_CELL, 2, targets[k], 0};
    }
    double work[DP_N_SEX * DP_N_AGE];
    rc = dp_ipf(ctx, b->cells, DP_N_CELL, con, n_con, 1e-10, 2000, work, &b->ipf_iterations);
    if (rc != DP_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", dp_ctx_errmsg(ctx));
        return dp_error(ctx, DP_EINPUT, "region '%s': the base population cannot be fitted to "
                        "the region file's marginals: %s", in->id, why);
    }

    region_onset(m, p, b);
    cert_shares(b);

    /* Fitted marginals, household shares, onset mix and the household distribution of new
     * onsets; and the base year's expected flows by certification and household status, from
     * which the balanced rates are set. */
    double tot = 0.0, died[DP_N_CERT][2][DP_N_HH] = {{{0}}}, n_ch[DP_N_CERT][2][DP_N_HH] = {{{0}}};
    double onsets = 0.0;
    int base_year = p->year_start - 1;
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t age = 0; age < DP_N_AGE; age++) {
            double q = dp_reference_q(ref, base_year + 1, sex, age) * b->q_scale[age];
            size_t sa = sex * DP_N_AGE + age;
            double dis_sa = 0.0;
            for (size_t t = 0; t < DP_N_TYPE; t++) {
                for (size_t g = 0; g < DP_N_GRADE; g++) {
                    double qd = q * p->mort_rr_grade[g] * p->mort_rr_type[t];
                    qd = qd > 1.0 ? 1.0 : qd;
                    size_t k2 = g <= 1 ? 0 : 1;
                    for (size_t c = 0; c < DP_N_CERT; c++) {
                        for (size_t h = 0; h < DP_N_HH; h++) {
                            size_t i = dp_cell_index(sex, age, t, g, c, h);
                            double v = b->cells[i];
                            for (size_t k = 0; k < DP_N_MARG; k++) {
                                b->marginal[k] += m->marg_cat[k * DP_N_CELL + i] ? v : 0.0;
                            }
                            b->mix[t * DP_N_GRADE + g] += v;
                            n_ch[c][k2][h] += v;
                            died[c][k2][h] += v * qd;
                            dis_sa += v;
                        }
                    }
                }
            }
            tot += dis_sa;
            double nd = b->pop[sa] - dis_sa > 0.0 ? b->pop[sa] - dis_sa : 0.0;
            onsets += nd * (1.0 - q) * b->onset[sa] * p->onset_multiplier;
        }
    }
    for (size_t k = 0; k < DP_N_TYPE * DP_N_GRADE; k++) {
        b->mix[k] /= tot;
    }
    /* Totals by certification and household (over severity), and onsets' households. */
    double n_c[DP_N_CERT][DP_N_HH] = {{0}}, d_c[DP_N_CERT][DP_N_HH] = {{0}};
    for (size_t c = 0; c < DP_N_CERT; c++) {
        for (size_t k2 = 0; k2 < 2; k2++) {
            for (size_t h = 0; h < DP_N_HH; h++) {
                n_c[c][h] += n_ch[c][k2][h];
                d_c[c][h] += died[c][k2][h];
            }
        }
    }
    double unc_all = n_c[DP_UNCERT][0] + n_c[DP_UNCERT][1] + n_c[DP_UNCERT][2];
    for (size_t h = 0; h < DP_N_HH; h++) {
        b->onset_hh[h] = unc_all > 0.0 ? n_c[DP_UNCERT][h] / unc_all : seed_hh[DP_UNCERT][h];
    }
    /* The base year's certifications by severity for the balanced household entries below:
     * as many as card holders die, over the surviving uncertified plus the year's onsets (an
     * approximation of the flows the household step sees; the projection's own certification
     * keeps each age group's certified share, rates.c dp_rates_certify). */
    double sev_mix = 0.0;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        sev_mix += b->mix[t * DP_N_GRADE + 0] + b->mix[t * DP_N_GRADE + 1];
    }
    double cert_rate[2], pool[2][DP_N_HH];
    for (size_t k2 = 0; k2 < 2; k2++) {
        double dead = 0.0, unc = 0.0;
        for (size_t h = 0; h < DP_N_HH; h++) {
            dead += died[DP_CERT][k2][h];
            pool[k2][h] = n_ch[DP_UNCERT][k2][h] - died[DP_UNCERT][k2][h] +
                          onsets * b->onset_hh[h] * (k2 == 0 ? sev_mix : 1.0 - sev_mix);
            unc += pool[k2][h];
        }
        double cr = unc > 0.0 ? dead / unc : 0.0;
        b->certify[k2] = cr > 1.0 ? 1.0 : cr;
        cert_rate[k2] = isnan(p->certify_rate[k2]) ? b->certify[k2] : p->certify_rate[k2];
    }
    /* Balanced household entries, by certification: with N the base-year count of a status
     * (dibao or marginal) and N', O' the counts of that status and of "other" when the
     * household step comes (after deaths, onsets and certification), the entry probability e
     * from "other" solves N'(1 - exit) + e O' = N, so each group of card holders and of the
     * others keeps its base-year size over the base year's flows. */
    const double exit_rate[DP_N_HH] = {p->dibao_exit, p->marginal_exit, 0.0};
    double at_step[DP_N_CERT][DP_N_HH];
    for (size_t h = 0; h < DP_N_HH; h++) {
        double certified_h = 0.0;
        for (size_t k2 = 0; k2 < 2; k2++) {
            certified_h += pool[k2][h] * cert_rate[k2];
        }
        at_step[DP_CERT][h] = n_c[DP_CERT][h] - d_c[DP_CERT][h] + certified_h;
        at_step[DP_UNCERT][h] = pool[0][h] + pool[1][h] - certified_h;
    }
    for (size_t c = 0; c < DP_N_CERT; c++) {
        for (size_t s = 0; s < 2; s++) {
            size_t h = s == 0 ? DP_DIBAO : DP_MARGINAL;
            double others = at_step[c][DP_OTHER];
            double e = others > 0.0
                           ? (n_c[c][h] - at_step[c][h] * (1.0 - exit_rate[h])) / others
                           : 0.0;
            b->hh_entry[c][s] = e < 0.0 ? 0.0 : (e > 1.0 ? 1.0 : e);
        }
    }

    /* Take-up: the scenario's value; else reported recipients / eligible persons of the fitted
     * base population under the base year's rules; else the default assumption. */
    for (size_t prog = 0; prog < DP_N_PROG; prog++) {
        double elig = 0.0;
        /* The eligible persons are needed only to calibrate (a cell-by-cell rule check of
         * every programme would dominate the fit of a national set of regions). */
        int trend = p->status_quo == DP_SQ_TREND && prog < DP_N_TREND;
        int combine = 0;
        if ((rc = check_calibrated_dist(ctx, p, in, prog, &combine)) != DP_OK) {
            return rc;
        }
        b->take_up_dist_mean[prog] = combine ? p->prog[prog].take_up : 0.0;
        int calibrate = (!isfinite(p->prog[prog].take_up) || combine) &&
                        (isfinite(in->recipients[prog]) || trend);
        for (size_t sex = 0; sex < DP_N_SEX && calibrate; sex++) {
            for (size_t age = 0; age < DP_N_AGE; age++) {
                for (size_t k = 0; k < DP_N_BLOCK; k++) {
                    if (dp_prog_eligible(p, prog, base_year, (size_t)(in - m->in), age,
                                         dp_block_type(k),
                                         dp_block_grade(k), dp_block_cert(k), dp_block_hh(k))) {
                        elig += b->cells[(sex * DP_N_AGE + age) * DP_N_BLOCK + k];
                    }
                }
            }
        }
        if (prog == DP_PROG_MULTI_HH) { /* recipients are households */
            elig *= p->multi_share / p->multi_members;
        }
        if (prog < DP_N_TREND) {
            b->eligible[prog] = elig;
        }
        int cash = dp_prog_pay[prog] != DP_PAY_SERVICE;
        if (!cash && isfinite(in->recipients[prog]) && !isfinite(p->prog[prog].take_up)) {
            return dp_error(ctx, DP_EINPUT,
                            "region '%s': recipients of %s cannot calibrate its take-up (a "
                            "service follows its coverage target); give the scenario's "
                            "programmes.%s.coverage instead",
                            in->id, dp_prog_key[prog], dp_prog_key[prog]);
        }
        if (isfinite(p->prog[prog].take_up) && !combine) {
            b->take_up[prog] = p->prog[prog].take_up;
            b->take_up_source[prog] = DP_TAKE_UP_SCENARIO;
        } else if (isfinite(in->recipients[prog])) {
            double tu = elig > 0.0 ? in->recipients[prog] / elig : HUGE_VAL;
            if (tu > 1.0 + 1e-9) {
                return dp_error(ctx, DP_EINPUT,
                                "region '%s': %.0f %s recipients exceed the %.0f eligible persons "
                                "of the fitted base population; give the region file a marginal "
                                "that holds them (e.g. %s)",
                                in->id, in->recipients[prog], dp_prog_key[prog], elig,
                                prog == DP_PROG_LIVING ? "dibao_certified" : "severe_certified");
            }
            b->take_up[prog] = tu > 1.0 ? 1.0 : tu;
            b->take_up_source[prog] = DP_TAKE_UP_CALIBRATED;
        } else {
            /* Services: everyone the coverage target reaches takes the service up. */
            b->take_up[prog] = cash ? default_take_up : 1.0;
            b->take_up_source[prog] = DP_TAKE_UP_DEFAULT;
        }
    }
    if (p->status_quo == DP_SQ_TREND) {
        for (size_t prog = 0; prog < DP_N_TREND; prog++) {
            if ((rc = fit_trend(ctx, p, in, b, prog)) != DP_OK) {
                return rc;
            }
        }
    }
    return DP_OK;
}

dp_status
dp_base_build(dp_ctx *ctx, const dp_model *m, const dp_region_input *in, dp_region_base *b)
{
    int run_base = m->p.year_start - 1;
    int base_year = in->base_year > 0 ? in->base_year : run_base;
    memset(b, 0, sizeof *b);
    b->base_year = base_year;
    if (base_year == run_base) {
        memcpy(b->prevalence, m->prevalence, sizeof b->prevalence);
        memcpy(b->q_scale, m->q_scale, sizeof b->q_scale);
        return base_build(ctx, m, &m->p, in, b);
    }
    /* A region of another base year (docs/model.md "Regions of different base years"): the
     * national profiles under its own base year's life table, and the parameters as its own
     * projection sees them. */
    dp_status rc = profiles(ctx, m, base_year, b->prevalence, b->q_scale, NULL);
    if (rc != DP_OK) {
        return rc;
    }
    dp_params *p = malloc(sizeof *p);
    if (!p) {
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    dp_params_region(&m->p, base_year, p);
    rc = base_build(ctx, m, p, in, b);
    free(p);
    return rc;
}
