/* model/domain/programmes.h
 *
 * The programme layer (docs/model.md "Programmes"): every programme's eligibility, take-up,
 * services, capacities, overlaps, spending, funding and indicators, computed from an engine's
 * counts by cell. Both engines call the same functions with their own counts (the cohort
 * engine's expected counts, the micro engine's whole persons), so the programmes cannot differ
 * between engines: the micro engine's spread comes from its population events (deaths, onsets,
 * grade, card, household status, employment, renovation), and the rules are applied to its
 * counts.
 *
 * Persons carry two flags beyond their cell (DP_FLAG_*). The engines keep, besides the persons
 * by cell, the flagged persons by cell: flagged persons follow the same deaths, grade,
 * certification, household and migration steps as everyone else, and step 7 moves persons in
 * and out of the flags (dp_emp_moves, dp_ren_homes, dp_flag_in / dp_flag_out).
 *
 * A year, for one (replicate, region):
 *   step 1: dp_rates_year fills the year's rates (rates.c), programme rules included
 *           (dp_year_rates.prog);
 *   step 7: the engine renovates the homes dp_ren_homes asks for from the counts after steps
 *           2-6, moves employment with dp_emp_moves (cohort: per cell; micro: per person)
 *           and applies dp_flag_in / dp_flag_out otherwise, and tallies the flows
 *           DP_FL_JOBS_IN, DP_FL_JOBS_OUT, DP_FL_JOBS_FROM_DIBAO, DP_FL_RENOVATIONS;
 *   step 8: dp_prog_year on the end-of-year counts (before ageing) gives every programme
 *           result; the engine passes it to dp_tables_prog (tables.c).
 *
 * Pure functions of their arguments; thread-safe.
 */
#ifndef DPSIM_PROGRAMMES_H
#define DPSIM_PROGRAMMES_H

#include <stddef.h>

#include "input/params.h"

typedef struct dp_model dp_model;
typedef struct dp_year_rates dp_year_rates;

/* Flags a disabled person carries beyond the cell. */
enum {
    DP_FLAG_EMPLOYED = 0, /**< in work (working age 16-59 only) */
    DP_FLAG_RENOVATED,    /**< lives in a home renovated under home_renovation */
    DP_N_FLAG
};
enum { DP_WORK_AGE_MIN = 16, DP_WORK_AGE_MAX = 59 };

/* Stages of the benefit pipeline, at the end of the year. */
enum {
    DP_STAGE_ELIGIBLE = 0, /**< meet the rules (the card aside) [persons; households for
                                multi_disabled_household] */
    DP_STAGE_CERTIFIED,    /**< of which hold the card (= eligible when the card is not
                                needed) */
    DP_STAGE_APPLIED,      /**< of which applied: take-up (with its lag); services: the demand
                                the coverage target sets */
    DP_STAGE_PAID,         /**< of which paid / served, after capacity, budget caps and
                                overlap exclusions */
    DP_N_STAGE
};

/* Service measures of a programme in a year. */
enum {
    DP_SVC_NEED = 0, /**< certified eligible persons in need (units) */
    DP_SVC_DEMAND,   /**< need x coverage target (units the target asks for) */
    DP_SVC_SERVED,   /**< units served, after capacity and budget cap */
    DP_SVC_UNMET,    /**< need - served */
    DP_SVC_CAPACITY, /**< places in force (NAN = unlimited) */
    DP_N_SVC
};

/* Components of employment_support spending [yuan]. */
enum {
    DP_EMPS_JOBS = 0,  /**< subsidised new jobs x amount */
    DP_EMPS_TRAINING,  /**< trainees x cost */
    DP_EMPS_POSTS,     /**< public-welfare posts x yearly cost */
    DP_EMPS_AWARDS,    /**< over-quota awards x amount */
    DP_EMPS_PHASE_OUT, /**< dibao continued during phase-out months */
    DP_N_EMPS
};

/* Programme indicators added to the `indicators` table (after the stock indicators of
 * tables.c) [persons unless said]. */
enum {
    DP_PI_WORKING_AGE = 0, /**< disabled persons aged 16-59 */
    DP_PI_EMPLOYED,        /**< of which employed */
    DP_PI_NEW_JOBS,        /**< entries into work during the year */
    DP_PI_TRAINEES,        /**< persons trained during the year */
    DP_PI_RENOVATION_GROUP,/**< persons in home_renovation's target group */
    DP_PI_RENOVATED,       /**< of which in renovated homes */
    DP_PI_RENOVATIONS_CUM, /**< homes renovated since the start of the projection [households] */
    DP_PI_MULTI_HOUSEHOLDS,/**< households with >= 2 disabled members [households] */
    DP_PI_CASH,            /**< cash transfers of the year (living, care, dibao supplement,
                                multi-household) [yuan] */
    DP_PI_WORKING_AGE_CERT,/**< card holders aged 16-59 */
    DP_PI_EMPLOYED_CERT,   /**< of which employed (the count plans and national statistics
                                give) */
    DP_PI_ADULTS_CERT,     /**< card holders aged 16 and over (pension participation's base) */
    DP_PI_PENSION_PART,    /**< of which in the resident pension insurance: the premium-aided
                                and the others at the base participation rate */
    DP_PI_MEDICAL_PART,    /**< card holders in the resident medical insurance: the
                                premium-aided and the others at the base participation rate */
    DP_PI_REHAB_TIMES,     /**< rehabilitation person-times (人次) of the year: persons served
                                by adult_rehab and child_rehab x services per person */
    DP_N_PI
};

/* What carries from one year to the next for one (replicate, region). */
typedef struct {
    double r0[DP_N_PROG][DP_N_GRADE]; /**< paid at the start of the year (last year's end) */
    double fitted;                    /**< assistive devices in use at the start of the year
                                           (NAN: not yet known; the target is taken) */
    double renovations_cum;           /**< homes renovated since the projection started */
    double phase_carry[2];            /**< phase-out benefit-months owed in the next two years
                                           [months x benefit share] */
} dp_prog_state;

/* Everything dp_prog_year gives for one (replicate, region, year). */
typedef struct {
    double pipeline[DP_N_PROG][DP_N_STAGE];
    double paid_grade[DP_N_PROG][DP_N_GRADE];  /**< paid at the end of the year by grade */
    double person_months[DP_N_PROG][DP_N_GRADE];
    double amount[DP_N_PROG][DP_N_GRADE];      /**< amount in force [yuan per month, year or
                                                    unit, by dp_prog_pay] */
    double spending[DP_N_PROG];                /**< nominal [yuan] */
    double spending_real[DP_N_PROG];           /**< in base-year prices [yuan] */
    double spending_level[DP_N_PROG][DP_N_LEVEL]; /**< nominal by level of government */
    double service[DP_N_PROG][DP_N_SVC];
    double overlap[DP_N_PROG][DP_N_PROG];      /**< persons receiving both at the year's end
                                                    (symmetric). The diagonal is the persons
                                                    receiving: = paid, except for persons in
                                                    the households paid
                                                    (multi_disabled_household), persons in
                                                    renovated homes (home_renovation) and
                                                    persons in work (employment_support) */
    double emp_spending[DP_N_EMPS];
    double ind[DP_N_PI];
} dp_prog_result;

/* The year's programme rules of one replicate (inside dp_year_rates; filled by
 * dp_prog_rules). */
typedef struct {
    double amount[DP_N_PROG][DP_N_GRADE]; /**< in force, after indexation and floors; 0 when
                                               the programme is disabled */
    double take_up[DP_N_PROG];            /**< scenario, calibrated or default */
    double coverage[DP_N_PROG];           /**< coverage target (services) */
    double capacity[DP_N_PROG];           /**< places; INFINITY = unlimited */
    double budget_cap[DP_N_PROG];         /**< yuan; INFINITY = unlimited */
    double funding[DP_N_PROG][DP_N_LEVEL];
    double price_index;                   /**< prices relative to the base year (1 there) */
    double dibao_standard;                /**< monthly [yuan] */
    double away_yearly;                   /**< child_rehab family subsidy [yuan/yr] */
    double renovations;                   /**< households a year (NAN: coverage target) */
    double emp_target[DP_N_TYPE * DP_N_GRADE]; /**< employed share of a working-age cell of
                                               (type, grade) that step 7 restores this year
                                               (dp_emp_target) */
    double emp_prev[DP_N_TYPE * DP_N_GRADE];   /**< the same share a year before (the base
                                               share in the first projected year): the share a
                                               person of the cell is expected to bring into
                                               the year */
    int emp_first;                        /**< 1 in the first projected year (its persons of 16
                                               are the base year's, at the base share) */
    double emp_out;                       /**< yearly prob. an employed person stops */
    double trainees, training_cost, posts, post_yearly, awards, award_amount;
    double single_person;                 /**< prob. marginal -> dibao of severe card holders
                                               this year (0 before single_person_from) */
    double ren_p;                         /**< prob. a non-renovated person of the target group
                                               is renovated this year (dp_ren_homes, step 7) */
    double ren_demand;                    /**< renovations the year's path or coverage target
                                               asks for (dp_ren_homes) [households] */
} dp_prog_rules;

/* 1 if a cell is eligible for prog in year and region reg (its index in the scenario), the
 * card aside (rules in force that year and there). */
int dp_prog_rule_admits(const dp_params *p, size_t prog, int year, size_t reg, size_t age,
                        size_t type, size_t grade, size_t hh);
/* 1 if a cell is eligible in year and region reg, the card included. */
int dp_prog_eligible(const dp_params *p, size_t prog, int year, size_t reg, size_t age,
                     size_t type, size_t grade, size_t cert, size_t hh);
/* The region class of reg: regions in the same class have the same eligibility in every year
 * (no rule limited to some regions tells them apart); class 0 is that of region 0. Fills
 * cls[n_region] and returns the number of classes. */
size_t dp_prog_region_classes(const dp_params *p, size_t n_region, size_t *cls);
/* Share of a cell's persons in need of service programme prog (1 for the others): need_type x
 * need_grade x need_age of its age band (DP_NEED_*), capped at 1. */
double dp_prog_need(const dp_params *p, size_t prog, size_t type, size_t grade, size_t band);
/* The need age band (DP_NEED_*) of an age. */
size_t dp_need_band(size_t age);
/* Employed share of a working-age cell at the end of the base year. */
double dp_emp_base_share(const dp_params *p, size_t type, size_t grade);
/* The employed share step 7 keeps a working-age cell at: the base share s with its odds
 * scaled by entry_multiplier m, m s / (1 - s + m s), at most 0.95 (= s when m = 1, the status
 * quo). */
double dp_emp_target(const dp_params *p, size_t type, size_t grade);
/* Step 7, employment, for persons of working age whose expected employed share before the
 * step is s (a cell: its employed / persons after steps 2-6; a person: the share of the
 * (type, grade) they were in a year before, 0 for an entrant: aged 16 or new this year) and
 * whose target share is e: an employed person stops with *p_out, one not employed starts with
 * *p_in, so that the expected employed share after the step is e exactly:
 * s (1 - x) <= e: *p_out = x, *p_in = (e - s (1 - x)) / (1 - s) (capped at 1);
 * otherwise *p_out = 1 - e / s, *p_in = 0 (x = exit_rate). */
void dp_emp_moves(double s, double e, double x, double *p_in, double *p_out);
/* Fills rules with the programme rules of year for region reg (take-up: the calibrated value
 * of m unless the scenario sets it). Called by dp_rates_year. */
void dp_prog_rules_year(const dp_model *m, const dp_params *p, size_t reg, int year,
                        dp_prog_rules *rules);

/* Step 7: the year's renovations from the counts after the year's other steps (2-6): the
 * target group G and its renovated members R. Sets r->prog.ren_demand (the homes the count
 * path or the coverage target asks for, times the take-up) and r->prog.ren_p (the
 * probability for each unrenovated member that renovates those homes, capped by capacity and
 * budget); returns the homes renovated, min(capped demand, G - R). The cohort engine applies
 * ren_p to every unrenovated member; the micro engine renovates the returned number (rounded
 * at random to a whole number with the same mean) of its unrenovated members. */
double dp_ren_homes(double G, double R, dp_year_rates *r);
/* dp_ren_homes with G and R summed from counts by cell (cells: persons; ren: renovated
 * persons; mask: home_renovation's eligibility by cell this year). */
void dp_flag_rates(const double *cells, const double *ren, const unsigned char *mask,
                   dp_year_rates *r);

/* Step 7, per cell: probability that a person of the cell without the flag gets it (flag_in)
 * and that one with it loses it (flag_out). renovation_eligible: the cell's home_renovation
 * mask this year. A person who reaches 60 leaves work (flag_out = 1). */
double dp_flag_in(const dp_year_rates *r, int flag, size_t age, size_t type, size_t grade,
                  int renovation_eligible);
double dp_flag_out(const dp_year_rates *r, int flag, size_t age);

/* The base year's flagged persons of a cell: expected share with each flag (the cohort
 * engine multiplies, the micro engine draws). */
double dp_flag_base_share(const dp_params *p, int flag, size_t age, size_t type, size_t grade,
                          int renovation_eligible);

/* Benefit-months (in units of full months) the dibao phase-out pays to one person who finds
 * work in month `entry_month` (1-12) of a year, falling in that year (out[0]) and the two
 * following (out[1], out[2]): full_months at 1, then partial_months at fraction. */
void dp_phase_out_months(int full_months, int partial_months, double fraction, int entry_month,
                         double out[3]);

/* Cells with the same programme status in a year form a group: same type, grade, working
 * age or not, and per programme the same three bits (rule admits the cell, card aside; eligible
 * with the card; also eligible under the rules of year - take_up_lag). Step 8 sums the engine's
 * counts by group (one pass over the cells) and applies the rules to the groups, so its cost
 * hardly depends on the number of cells. Built once per year of a run (tables.c), shared by
 * every replicate and region: eligibility rules are never drawn. */
enum { DP_MAX_GROUPS = 4096 };
typedef struct {
    unsigned char type, grade, work_age, band; /**< band: need age band (DP_NEED_*) */
    unsigned short admit;   /**< bit k: the rules of programme k admit the group (card aside) */
    unsigned short elig;    /**< bit k: eligible, card included */
    unsigned short lagged;  /**< bit k: eligible and also under the rules of year - lag */
} dp_prog_group;
typedef struct {
    size_t n_group;
    unsigned short gid[DP_N_CELL];     /**< group of each cell */
    dp_prog_group g[DP_MAX_GROUPS];
} dp_prog_groups;

/* Builds the groups of a year from its masks (dp_rates_mask) and each programme's lagged
 * masks (lag[k]: the masks of year - take_up_lag of programme k; NULL = masks). Returns 0, or
 * -1 when the rules make more than DP_MAX_GROUPS groups. */
int dp_prog_groups_build(const unsigned char *masks, const unsigned char *const lag[DP_N_PROG],
                          dp_prog_groups *gm);

/* Step 8: every programme's results for one (replicate, region, year) from the end-of-year
 * counts (before ageing): cells (persons by cell), flag[f] (flagged persons by cell, DP_N_FLAG
 * arrays of DP_N_CELL) and fl (the year's flows, DP_N_FLOW); gm: the year's groups. Updates st
 * for the next year. */
void dp_prog_year(const dp_params *p, const dp_year_rates *r, const dp_prog_groups *gm,
                  const double *cells, const double *const flag[DP_N_FLAG], const double *fl,
                  dp_prog_state *st, dp_prog_result *out);

/* The base year's state: recipients paid at its end (so that the first projected year's
 * person-months start from them) and devices in use, from the base cells under the base
 * year's rules r_base and groups gm_base. */
void dp_prog_state_init(const dp_params *p, const dp_year_rates *r_base,
                        const dp_prog_groups *gm_base, const double *cells,
                        const double *const flag[DP_N_FLAG], dp_prog_state *st);

#endif
