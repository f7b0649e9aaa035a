/* model/input/params.h
 *
 * dp_params: every number of a resolved scenario that the model reads, as plain data (no
 * pointers), so that a replicate can copy it and overwrite drawn values. Filled by
 * dp_scenario_load from the YAML keys documented in docs/scenarios.md; dp_params_default gives
 * the documented defaults. A value of NAN means "take it from the region file" or "calibrate"
 * where the member's comment says so.
 *
 * dp_sched is a date-ranged value: {2021: 1200, 2023: 1800} means 1200 from 2021 and 1800 from
 * 2023 on; before the first key the first value applies.
 */
#ifndef DPSIM_PARAMS_H
#define DPSIM_PARAMS_H

#include <stddef.h>

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "core/dims.h"
#include "core/dist.h"

enum { DP_SCHED_MAX = 24 };

typedef struct {
    size_t n;                   /**< number of (year, value) pairs, 0 = unset */
    int year[DP_SCHED_MAX];     /**< first year each value applies, strictly increasing */
    double value[DP_SCHED_MAX]; /**< the value from that year on */
} dp_sched;

/* Value in force in year (step function). Before the first key, the first value; NAN if unset. */
double dp_sched_at(const dp_sched *s, int year);
/* The key year whose value is in force in year (the first key if year is earlier); 0 if unset. */
int dp_sched_key(const dp_sched *s, int year);
/* Sets s to the constant v (one pair, keyed at year 0). */
void dp_sched_const(dp_sched *s, double v);
/* The value of s in year, or dflt when s is unset. */
double dp_sched_or(const dp_sched *s, int year, double dflt);

/* Programmes (DESIGN §2; docs/model.md "Programmes"). The order is the `programme` axis of
 * every output table. */
enum {
    DP_PROG_LIVING = 0,     /* 困难残疾人生活补贴: monthly cash */
    DP_PROG_CARE,           /* 重度残疾人护理补贴: monthly cash */
    DP_PROG_DIBAO_SUPP,     /* 重度残疾人低保加发 (extra dibao): monthly cash */
    DP_PROG_MULTI_HH,       /* 一户多残 assistance: yearly per household */
    DP_PROG_CHILD_REHAB,    /* 残疾儿童康复救助: service, per child-year */
    DP_PROG_ADULT_REHAB,    /* 基本康复服务: service, per person-year */
    DP_PROG_DEVICES,        /* 辅助器具适配: service, per device */
    DP_PROG_RENOVATION,     /* 家庭无障碍改造: per household renovated */
    DP_PROG_PENSION,        /* 代缴城乡居民养老保险: yearly premium */
    DP_PROG_MEDICAL,        /* 城乡居民医疗保险参保资助: yearly premium */
    DP_PROG_CARE_SERVICES,  /* 托养 / 阳光家园: service, per person-year */
    DP_PROG_EMPLOYMENT,     /* 就业扶持: per new job, plus training, posts, awards, phase-out */
    DP_N_PROG
};
extern const char *const dp_prog_key[DP_N_PROG];      /* "living_subsidy", ... (YAML keys) */
extern const char *const dp_prog_label_zh[DP_N_PROG]; /* 困难残疾人生活补贴, ... */

/* How a programme pays (fixed per programme: dp_prog_pay[]). */
typedef enum {
    DP_PAY_MONTHLY, /**< cash per recipient per month: spending = person-months x amount */
    DP_PAY_YEARLY,  /**< per recipient (household for multi_disabled_household) per year:
                         spending = person-months / 12 x amount */
    DP_PAY_SERVICE, /**< per person served in the year (devices: per device supplied;
                         renovation: per home renovated): spending = units x amount */
} dp_pay_kind;
extern const dp_pay_kind dp_prog_pay[DP_N_PROG];

/* Levels of government that fund a programme. */
enum { DP_LEVEL_CENTRAL = 0, DP_LEVEL_PROVINCIAL, DP_LEVEL_MUNICIPAL, DP_LEVEL_COUNTY, DP_N_LEVEL };
extern const char *const dp_level_key[DP_N_LEVEL];      /* "central", ... */
extern const char *const dp_level_label_zh[DP_N_LEVEL]; /* 中央, 省级, 市级, 县级 */

/* A set of cells an eligibility rule admits, in force from year `from` (0 = always), in the
 * regions listed (none listed = every region). A cell is admitted when its type, grade and
 * household status bits are set and its age is in [age_min, age_max]. A programme's eligible
 * cells in a year and region are the union of its rules in force there, intersected with
 * "holds the card" when the programme needs the card. */
enum { DP_RULE_REGIONS = 16 };
typedef struct {
    int from;         /**< first year the rule applies; 0 = from the start */
    unsigned types;   /**< bit t: type t (dims.h) admitted */
    unsigned grades;  /**< bit g: grade index g (0 = grade 1) admitted */
    unsigned hh;      /**< bit h: household status h (DP_DIBAO, DP_MARGINAL, DP_OTHER) */
    int age_min;      /**< youngest age admitted */
    int age_max;      /**< oldest age admitted (DP_MAX_AGE = no upper limit) */
    size_t n_region;  /**< regions in region[]; 0 = the rule applies in every region */
    unsigned short region[DP_RULE_REGIONS]; /**< indices in the scenario's `regions:` list */
} dp_rule;
enum { DP_MAX_RULES = 8, DP_ALL_TYPES = (1u << DP_N_TYPE) - 1, DP_ALL_GRADES = 0xf,
       DP_ALL_HH = 0x7 };

/* Age bands of the need multipliers: children 0-17, working age 18-59, older 60+. */
enum { DP_NEED_CHILD = 0, DP_NEED_WORKING, DP_NEED_OLDER, DP_N_NEED_AGE };

/* How an amount follows time after the dated value in force. */
typedef enum {
    DP_INDEX_RATE = 0, /**< x (1 + rate)^(years since the dated value; the first projected year
                            for a constant) */
    DP_INDEX_CPI,      /**< x price index now / price index in the dated value's year */
    DP_INDEX_DIBAO     /**< dibao_share x the dibao standard in force (monthly programmes;
                            yearly ones: x 12); the dated amounts are then ignored */
} dp_index_kind;

typedef struct {
    int enabled;                   /**< 1 = programme runs (default 1) */
    /* Eligibility. */
    int need_card;                 /**< 1 = only certified persons (card holders) qualify */
    size_t n_rule;                 /**< rules in rule[] (>= 1) */
    dp_rule rule[DP_MAX_RULES];    /**< rule[0]: the programme's own rule (defaults in
                                        params.c; scenario keys `eligibility.*`); the others:
                                        `extensions:` in file order */
    dp_sched age_max;              /**< if set: the upper age of rule[0] by year (child_rehab's
                                        0-6 ... 0-17 ranges); unset = rule[0].age_max */
    /* Amount: monthly (DP_PAY_MONTHLY), yearly (DP_PAY_YEARLY) or per unit (DP_PAY_SERVICE). */
    dp_sched amount[DP_N_GRADE];   /**< by grade [yuan] (scenario key: monthly, yearly or
                                        unit_cost, as dp_prog_pay says) */
    dp_index_kind index_kind;      /**< indexation after the dated value */
    double index_rate;             /**< DP_INDEX_RATE: yearly rate [1/yr] */
    double dibao_share;            /**< DP_INDEX_DIBAO: share of the dibao standard */
    double floor[DP_N_GRADE];      /**< lowest amount by grade after indexation [yuan]; 0 =
                                        none */
    /* Take-up. */
    double take_up;                /**< share of certified eligible persons who apply and are
                                        paid; NAN = calibrated (living, care: to the region's
                                        recipients) or the default */
    int take_up_lag;               /**< years before cells made eligible by a rule change
                                        are paid: cells count as applied in year t only if also
                                        eligible under the rules of year t - lag */
    int marginal_from;             /**< living_subsidy shorthand: marginal households eligible
                                        from this year (an extension rule); 0 = never */
    /* Services (child_rehab, adult_rehab, devices, care_services; renovation, employment read
     * coverage / capacity / budget_cap as their docs say). */
    dp_sched coverage;             /**< target share of persons in need who are served */
    double need_type[DP_N_TYPE];   /**< share of eligible persons in need, by type */
    double need_grade[DP_N_GRADE]; /**< multiplier of need_type by grade */
    double need_age[DP_N_NEED_AGE];/**< multiplier by age band: 0-17, 18-59, 60+ (the product
                                        of the three factors is capped at 1) */
    dp_sched capacity;             /**< places: most persons (units) served in a year; unset
                                        = unlimited */
    dp_sched budget_cap;           /**< most spending in a year [yuan]; unset = unlimited */
    /* Funding shares by level of government, by year; they sum to 1 in every year. */
    dp_sched funding[DP_N_LEVEL];
} dp_prog_params;

/* A rule combining two programmes (`overlaps:`): recipients of `first` are not paid `second`
 * (exclude), or are paid `second` reduced by `fraction` of its amount (reduce). */
typedef enum { DP_OVERLAP_EXCLUDE = 0, DP_OVERLAP_REDUCE } dp_overlap_kind;
typedef struct {
    int first, second;             /**< programme indices */
    dp_overlap_kind kind;
    double fraction;               /**< reduce: share of second's amount withheld [0, 1] */
} dp_overlap;
enum { DP_MAX_OVERLAPS = 16 };

/* The dibao standard (低保标准) and how it moves. */
typedef enum {
    DP_DIBAO_RATE = 0,       /**< dated values indexed at `rate` a year */
    DP_DIBAO_CPI,            /**< dated values indexed with prices */
    DP_DIBAO_CONSUMPTION     /**< at least consumption_share x last year's per-capita
                                  consumption spending / 12 (Huzhong's rule) */
} dp_dibao_kind;

typedef struct {
    dp_sched standard;             /**< monthly dibao standard [yuan/person/month] */
    dp_dibao_kind kind;
    double rate;                   /**< DP_DIBAO_RATE: yearly indexation [1/yr] */
    double consumption_share;      /**< DP_DIBAO_CONSUMPTION: share of last year's per-capita
                                        consumption spending */
    dp_sched consumption;          /**< per-capita consumption spending [yuan/person/yr] */
    double consumption_growth;     /**< growth of consumption after its last dated value */
} dp_dibao_params;

/* Employment (employment_support; docs/model.md "Employment"). Working age is 16-59. */
typedef struct {
    double base_rate;              /**< employed share of working-age disabled persons at the
                                        end of the base year, before the factors */
    double type_factor[DP_N_TYPE]; /**< relative employment by type */
    double grade_factor[DP_N_GRADE]; /**< relative employment by grade */
    double exit_rate;              /**< yearly prob. an employed person stops working */
    double entry_multiplier;       /**< scales the balanced entry rates (which keep each
                                        (type, grade)'s base employment rate stationary) */
    dp_sched trainees;             /**< persons trained a year */
    dp_sched training_cost;        /**< per trainee [yuan] */
    dp_sched posts;                /**< public-welfare posts held by disabled persons */
    dp_sched post_yearly;          /**< cost per post per year [yuan] */
    dp_sched awards;               /**< over-quota employment awards a year */
    dp_sched award_amount;         /**< per award [yuan] */
    int phase_full_months;         /**< dibao phase-out (渐退期): full benefit months after a
                                        dibao member finds work */
    int phase_partial_months;      /**< then months at phase_fraction */
    double phase_fraction;         /**< share of the benefit paid in the partial months */
    double phase_benefit_share;    /**< a dibao member's benefit as a share of the standard */
} dp_employment_params;

/* A scenario parameter given as a distribution ({dist: lognormal, median: 1, sd_log: 0.1}).
 * The draw of one replicate is written to every double listed in offset[] (one key may set
 * several members, e.g. `monthly: {dist: ...}` sets the amount of every grade). The parsed
 * dp_params holds the distribution's mean (clamped to [min, max]) in those members: that is
 * the central value a single run projects. */
enum { DP_MAX_UNCERTAIN = 64, DP_UNCERTAIN_TARGETS = DP_N_GRADE };
typedef struct {
    char name[96];                        /**< the key path, e.g. "rates.onset_multiplier" or
                                               "programmes.care_subsidy.monthly.grade1.2023" */
    dp_dist dist;                         /**< the distribution */
    double min, max;                      /**< the key's admissible range; draws are clamped */
    size_t n_target;                      /**< doubles the draw is written to (>= 1) */
    size_t offset[DP_UNCERTAIN_TARGETS];  /**< their byte offsets in dp_params */
    char where[160];                      /**< "FILE:LINE:COL" of the distribution in the
                                               scenario (for errors found once the regions
                                               are read; cut if the path is long) */
} dp_uncertain;

/* status_quo: what the projection does with take-up that the base year calibrated. */
typedef enum { DP_SQ_FROZEN = 0, DP_SQ_TREND } dp_status_quo;

typedef struct {
    int year_start;                  /**< first projected year (base year = year_start - 1) */
    int year_end;                    /**< last projected year, <= 2100 */
    int base_year;                   /**< the regions' base year = year_start - 1 (scenario key
                                          base_year; picks a region file's base) */
    int run_start;                   /**< 0, or the run's first reported year when this copy
                                          projects one region from an earlier base
                                          (dp_params_region): prices and the indexation of
                                          constants start there, as in the other regions */
    /* Status quo (docs/scenarios.md "Status quo and calibration"). */
    int status_quo;                  /**< dp_status_quo: frozen (base-year take-up kept) or
                                          trend (take-up of the two subsidies follows the
                                          logistic trend fitted to the reported series) */
    double cal_cv;                   /**< calibration.cv: coefficient of variation of a
                                          reported recipients figure */
    double cal_growth_sd;            /**< calibration.growth_sd: sd of the prior on the yearly
                                          growth of the take-up logit [1/yr] */
    double cal_ceiling;              /**< calibration.ceiling: the trend's ceiling, as a share
                                          of the base year's eligible persons */
    int fit_until;                   /**< last year whose reported figures the trend is fitted
                                          to; 0 = the base year (dpsim backtest sets it) */
    uint32_t trend_rep;              /**< 0: the fitted trend; k + 1: replicate k's draw of
                                          the trend parameters (set by the engines) */
    uint64_t trend_seed;             /**< the run's seed, for those draws */
    /* General population. */
    dp_sched birth_rate;             /**< births per resident per year; unset = region file */
    double sex_ratio_birth;          /**< male births per 100 female births */
    dp_sched migration_rate;         /**< net migration per resident per year; unset = region */
    double disabled_migration_factor;/**< disabled persons' migration relative to others */
    double mortality_improvement;    /**< extra yearly decline of q beyond WPP [1/yr] */
    /* Disability transitions. */
    double mort_rr_grade[DP_N_GRADE];/**< death-probability multiplier by grade */
    double mort_rr_type[DP_N_TYPE];  /**< further multiplier by type */
    double onset_multiplier;         /**< scales the derived onset rates */
    double worsen_rate[2];           /**< yearly prob. of one grade more severe: age <60, 60+ */
    double improve_rate;             /**< yearly prob. of one grade less severe */
    double certify_rate[2];          /**< yearly prob. an uncertified person is certified:
                                          severe (grades 1-2), other; NAN = balanced (replaces
                                          the card holders' deaths in the base year) */
    double dibao_exit;               /**< yearly prob. a dibao household leaves dibao */
    double marginal_exit;            /**< yearly prob. a marginal household leaves that status */
    double dibao_entry;              /**< yearly prob. other -> dibao; NAN = balanced (keeps the
                                          base-year shares stationary) */
    double marginal_entry;           /**< yearly prob. other -> marginal; NAN = balanced */
    dp_prog_params prog[DP_N_PROG];  /**< programmes */
    /* Economy: prices and the dibao standard. */
    dp_sched cpi;                    /**< yearly consumer-price inflation [1/yr]; unset = 0 */
    dp_dibao_params dibao;           /**< the dibao standard */
    dp_sched budget_ceiling;         /**< total spending of all programmes and regions a year
                                          [yuan]; unset = none */
    /* Programme-specific rules. */
    int single_person_from;          /**< dibao_supplement: from this year severely disabled
                                          card holders in marginal households may enter dibao as
                                          single-person households; 0 = never */
    double single_person_rate;       /**< their yearly probability of entering */
    double multi_share;              /**< share of disabled persons living in a household with
                                          >= 2 disabled members */
    double multi_members;            /**< mean disabled members of such a household */
    double away_share;               /**< child_rehab: share of children served away from
                                          home */
    dp_sched away_yearly;            /**< child_rehab: family subsidy per child away [yuan/yr] */
    double device_cycle;             /**< assistive_devices: years a device lasts */
    dp_sched renovations;            /**< home_renovation: households a year; unset = follow
                                          the coverage target */
    double renovated_base;           /**< home_renovation: share of the target group renovated
                                          at the end of the base year */
    double pension_participation;    /**< share of card holders aged 16+ without pension
                                          premium aid who are in the resident pension
                                          insurance */
    double medical_participation;    /**< share of card holders without medical premium aid
                                          who are in the resident medical insurance */
    double rehab_times;              /**< rehabilitation services (person-times) per person
                                          served in a year */
    dp_employment_params emp;        /**< employment */
    size_t n_overlap;
    dp_overlap overlap[DP_MAX_OVERLAPS]; /**< `overlaps:` in file order */
    /* Parameter uncertainty: the keys given as distributions, in the order of the scenario's
     * key table (so parameter ids do not depend on the order keys are written in the file). */
    size_t n_uncertain;
    dp_uncertain uncertain[DP_MAX_UNCERTAIN];
} dp_params;

/* Fills p with the documented defaults (docs/scenarios.md) for years 2021-2035. */
void dp_params_default(dp_params *p);

/* Replicate rep's parameters: a copy of p with uncertain parameter i replaced by a draw from
 * the stream dp_rng_stream(r, seed, rep, i, 0, DP_EV_PARAM), clamped to its [min, max]. The
 * draws are also stored in values[i] (may be NULL). r is any generator from dp_rng_alloc(). A
 * parameter's draw depends only on (seed, rep, i) and its distribution. */
void dp_params_draw(const dp_params *p, uint64_t seed, uint32_t rep, gsl_rng *r, dp_params *out,
                    double *values);

/* ------------------------------------------------------------------------------------------ */
/* Amounts of a year (amounts.c) */

/* Monthly dibao standard in year (dp_dibao_params; the consumption rule uses year - 1). */
double dp_dibao_standard(const dp_params *p, int year);
/* The parameters p as region projection uses them when its base year differs from the run's
 * (p->year_start - 1): year_start = base_year + 1, base_year, and run_start = p->year_start
 * (docs/model.md "Regions of different base years"). A plain copy otherwise. */
void dp_params_region(const dp_params *p, int base_year, dp_params *out);
/* The run's first reported year: run_start, or year_start when that is 0. */
int dp_params_run_start(const dp_params *p);

/* Price level of year relative to the run's base year (dp_params_run_start - 1):
 * prod (1 + cpi). */
double dp_price_index(const dp_params *p, int year);
/* Amount of programme prog, grade g, in year: the dated value, indexed (dp_index_kind), with
 * its floor; 0 when the programme is disabled. */
double dp_prog_amount(const dp_params *p, size_t prog, size_t g, int year);

#endif
