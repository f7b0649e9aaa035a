/* model/domain/rates.c
 *
 * The model's rate functions: for one region and year, every transition probability of the
 * year's steps (DESIGN §1) — deaths, onset, grade change, certification, household status,
 * births, migration — and, through programmes.c, the programme rules. Both engines read these
 * and nothing else, so the equations in docs/model.md are stated here once.
 */
#include <math.h>

#include "domain/model_impl.h"

static double
clamp01(double x)
{
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

void
dp_rates_mask(const dp_params *p, int year, size_t reg, unsigned char *mask)
{
    for (size_t prog = 0; prog < DP_N_PROG; prog++) {
        for (size_t i = 0; i < DP_N_CELL; i++) {
            size_t sa = i / DP_N_BLOCK, k = i % DP_N_BLOCK;
            mask[prog * DP_N_CELL + i] = (unsigned char)dp_prog_eligible(
                p, prog, year, reg, sa % DP_N_AGE, dp_block_type(k), dp_block_grade(k),
                dp_block_cert(k), dp_block_hh(k));
        }
    }
}

/* Rogers-Castro model migration schedule without retirement peak (Rogers and Castro 1981,
 * "Model migration schedules", IIASA RR-81-30): a childhood component that falls from birth,
 * a labour-force peak around age 20, and a constant. ASSUMPTION: typical values of the order
 * of their averages (no age schedule of net migration is published for the seed regions);
 * only the shape matters, the level is the region's migration_rate. */
static const double rc_a1 = 0.02, rc_alpha1 = 0.10;              /* childhood */
static const double rc_a2 = 0.06, rc_alpha2 = 0.10, rc_mu2 = 20.0, rc_lambda2 = 0.40; /* labour */
static const double rc_c = 0.003;                                 /* constant */

double
dp_migration_profile(size_t age)
{
    double x = (double)age;
    return rc_a1 * exp(-rc_alpha1 * x) +
           rc_a2 * exp(-rc_alpha2 * (x - rc_mu2) - exp(-rc_lambda2 * (x - rc_mu2))) + rc_c;
}

void
dp_rates_migration(dp_year_rates *r, const double *nd, const double *cells)
{
    double all = 0.0, weighted = 0.0;
    for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
        double d = 0.0;
        for (size_t k = 0; k < DP_N_BLOCK; k++) {
            d += cells[sa * DP_N_BLOCK + k];
        }
        all += nd[sa] + d;
        weighted += dp_migration_profile(sa % DP_N_AGE) * (nd[sa] + r->migration_factor * d);
    }
    double k = weighted > 0.0 ? r->migration_rate * all / weighted : 0.0;
    r->migration_any = 0;
    for (size_t age = 0; age < DP_N_AGE; age++) {
        double m = k * dp_migration_profile(age);
        m = m < -1.0 ? -1.0 : m;
        r->migration_nd[age] = m;
        r->migration_d[age] = m * r->migration_factor < -1.0 ? -1.0 : m * r->migration_factor;
        r->migration_any |= r->migration_d[age] != 0.0;
    }
}

/* The age group (0-14, 15-59, 60+) of age a. */
static size_t
cert_group(size_t age)
{
    return age <= 14 ? 0 : (age <= 59 ? 1 : 2);
}

void
dp_rates_certify(const dp_model *m, const dp_params *p, size_t reg, dp_year_rates *r,
                 const double *nd, const double *cells)
{
    const dp_region_base *b = &m->base[reg];
    /* Expected persons by the age group they end the year in (their age + 1; 100+ stays),
     * card and severity group, after deaths, onsets and grade change (both sexes). */
    double y[DP_N_AGEGROUP][DP_N_CERT][2] = {{{0}}};
    for (size_t age = 0; age < DP_N_AGE; age++) {
        double x[DP_N_CERT][DP_N_GRADE] = {{0}};
        for (size_t sex = 0; sex < DP_N_SEX; sex++) {
            size_t sa = sex * DP_N_AGE + age;
            const double *blk = cells + sa * DP_N_BLOCK;
            /* Block index k = (tg x DP_N_CERT + cert) x DP_N_HH + hh (dims.h), in that order. */
            const double *q = r->q_d + sa * DP_N_TYPE * DP_N_GRADE;
            for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
                double surv = 1.0 - q[tg];
                const double *bt = blk + tg * DP_N_CERT * DP_N_HH;
                for (size_t c = 0; c < DP_N_CERT; c++) {
                    for (size_t h = 0; h < DP_N_HH; h++) {
                        x[c][tg % DP_N_GRADE] += bt[c * DP_N_HH + h] * surv;
                    }
                }
            }
            double on = nd[sa] * (1.0 - r->q_nd[sa]) * r->onset[sa];
            for (size_t tg = 0; tg < DP_N_TYPE * DP_N_GRADE; tg++) {
                x[DP_UNCERT][tg % DP_N_GRADE] += on * b->mix[tg];
            }
        }
        /* Grade change, and the year's migration (after certification, at this age's rate):
         * the persons as they will be counted at the end of the year. */
        double w = r->worsen[age], u = r->improve, mig = 1.0 + r->migration_d[age];
        size_t G = cert_group(age < DP_MAX_AGE ? age + 1 : age);
        for (size_t c = 0; c < DP_N_CERT; c++) {
            for (size_t g = 0; g < DP_N_GRADE; g++) {
                double stay = 1.0 - (g > 0 ? w : 0.0) - (g + 1 < DP_N_GRADE ? u : 0.0);
                y[G][c][g <= 1 ? 0 : 1] += mig * (x[c][g] * stay +
                                                  (g + 1 < DP_N_GRADE ? x[c][g + 1] * w : 0.0) +
                                                  (g > 0 ? x[c][g - 1] * u : 0.0));
            }
        }
    }
    /* The probability of each (end-of-year age group, severity group) that brings its
     * certified share to the base year's; a negative need decertifies the excess. */
    double cr[DP_N_AGEGROUP][2], dr[DP_N_AGEGROUP][2];
    for (size_t G = 0; G < DP_N_AGEGROUP; G++) {
        for (size_t k = 0; k < 2; k++) {
            double c = p->certify_rate[k], d = 0.0;
            if (isnan(c)) {
                double cert = y[G][DP_CERT][k], unc = y[G][DP_UNCERT][k];
                double net = b->cert_share[G][k] * (cert + unc) - cert;
                c = net > 0.0 && unc > 0.0 ? clamp01(net / unc) : 0.0;
                d = net < 0.0 && cert > 0.0 ? clamp01(-net / cert) : 0.0;
            }
            cr[G][k] = c;
            dr[G][k] = d;
        }
    }
    for (size_t age = 0; age < DP_N_AGE; age++) {
        size_t G = cert_group(age < DP_MAX_AGE ? age + 1 : age);
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            r->certify[age * DP_N_GRADE + g] = cr[G][g <= 1 ? 0 : 1];
            r->decertify[age * DP_N_GRADE + g] = dr[G][g <= 1 ? 0 : 1];
        }
    }
}

void
dp_rates_year(const dp_model *m, const dp_params *p, size_t reg, int year, dp_year_rates *r)
{
    const dp_region_base *b = &m->base[reg];
    int base_year = p->year_start - 1;
    r->year = year;

    /* Deaths: the WPP single-year q is the whole population's; the non-disabled get
     * q x q_scale(age), which takes out the disabled persons' excess deaths (so that deaths of
     * the national population match the life table), and the disabled that times the relative
     * risk of their grade and type, capped at 1; both times an optional extra improvement. */
    double impr = pow(1.0 - p->mortality_improvement, (double)(year - base_year));
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t age = 0; age < DP_N_AGE; age++) {
            double q = clamp01(dp_reference_q(m->ref, year, sex, age) * impr * b->q_scale[age]);
            size_t sa = sex * DP_N_AGE + age;
            r->q_nd[sa] = q;
            for (size_t type = 0; type < DP_N_TYPE; type++) {
                for (size_t g = 0; g < DP_N_GRADE; g++) {
                    r->q_d[(sa * DP_N_TYPE + type) * DP_N_GRADE + g] =
                        clamp01(q * p->mort_rr_grade[g] * p->mort_rr_type[type]);
                }
            }
            r->onset[sa] = clamp01(b->onset[sa] * p->onset_multiplier);
        }
    }
    for (size_t age = 0; age < DP_N_AGE; age++) {
        r->worsen[age] = age < 60 ? p->worsen_rate[0] : p->worsen_rate[1];
    }
    r->improve = p->improve_rate;

    /* Household status: exits to "other"; entries from "other" as the scenario says, or
     * balanced (base.c) so that each status group of card holders and of the others keeps its
     * base-year size over the base year's flows. */
    /* Severe card holders in marginal households may also enter dibao as single-person
     * households (dibao_supplement's rule), from single_person_from on. */
    double single = p->single_person_from > 0 && year >= p->single_person_from
                        ? clamp01(p->single_person_rate)
                        : 0.0;
    for (size_t c = 0; c < DP_N_CERT; c++) {
        double d_in = clamp01(isnan(p->dibao_entry) ? b->hh_entry[c][0] : p->dibao_entry);
        double m_in = clamp01(isnan(p->marginal_entry) ? b->hh_entry[c][1] : p->marginal_entry);
        if (d_in + m_in > 1.0) {
            double s = d_in + m_in;
            d_in /= s;
            m_in /= s;
        }
        for (size_t g = 0; g < DP_N_GRADE; g++) {
            double *hh = r->hh + (g * DP_N_CERT + c) * DP_N_HH * DP_N_HH;
            double sp = c == DP_CERT && g <= 1 ? single : 0.0;
            for (size_t i = 0; i < DP_N_HH * DP_N_HH; i++) {
                hh[i] = 0.0;
            }
            hh[DP_DIBAO * DP_N_HH + DP_OTHER] = p->dibao_exit;
            hh[DP_DIBAO * DP_N_HH + DP_DIBAO] = 1.0 - p->dibao_exit;
            /* A marginal household's severe member enters dibao with prob. sp, else the usual
             * exit to "other". */
            hh[DP_MARGINAL * DP_N_HH + DP_DIBAO] = sp;
            hh[DP_MARGINAL * DP_N_HH + DP_OTHER] = (1.0 - sp) * p->marginal_exit;
            hh[DP_MARGINAL * DP_N_HH + DP_MARGINAL] = (1.0 - sp) * (1.0 - p->marginal_exit);
            hh[DP_OTHER * DP_N_HH + DP_DIBAO] = d_in;
            hh[DP_OTHER * DP_N_HH + DP_MARGINAL] = m_in;
            hh[DP_OTHER * DP_N_HH + DP_OTHER] = 1.0 - d_in - m_in;
        }
    }

    /* Births and migration: the scenario's value if set, else the region file's. */
    double br = dp_sched_at(&p->birth_rate, year);
    r->birth_rate = isfinite(br) ? br : b->birth_rate;
    double mr = dp_sched_at(&p->migration_rate, year);
    r->migration_rate = isfinite(mr) ? mr : b->migration_rate;
    r->migration_factor = p->disabled_migration_factor;
    /* The schedule scaled to the base-year residents until an engine rescales it to its own
     * start-of-year counts. */
    {
        double nd0[DP_N_SEX * DP_N_AGE];
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            double d = 0.0;
            for (size_t k = 0; k < DP_N_BLOCK; k++) {
                d += b->cells[sa * DP_N_BLOCK + k];
            }
            nd0[sa] = b->pop[sa] - d > 0.0 ? b->pop[sa] - d : 0.0;
        }
        dp_rates_migration(r, nd0, b->cells);
    }
    r->sex_male_birth = p->sex_ratio_birth / (100.0 + p->sex_ratio_birth);

    /* Certification: the scenario's rate, or balanced from the base-year counts until an
     * engine rebalances it from its own start-of-year counts. */
    {
        double nd0[DP_N_SEX * DP_N_AGE];
        for (size_t sa = 0; sa < DP_N_SEX * DP_N_AGE; sa++) {
            double d = 0.0;
            for (size_t k = 0; k < DP_N_BLOCK; k++) {
                d += b->cells[sa * DP_N_BLOCK + k];
            }
            nd0[sa] = b->pop[sa] - d > 0.0 ? b->pop[sa] - d : 0.0;
        }
        dp_rates_certify(m, p, reg, r, nd0, b->cells);
    }

    /* Programmes: amounts, take-up, coverage, capacities, funding, prices (programmes.c). */
    dp_prog_rules_year(m, p, reg, year, &r->prog);
}
