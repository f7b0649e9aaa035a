/* model/input/key_meta.c
 *
 * The metadata of every row of the scenario key table (key_meta.h): labels from the segment
 * table below, units and hand-written sources from the key table below, sources of the
 * programme and economy defaults from data/reference/programme_defaults.csv (key_sources.h,
 * generated at build time), type, bounds and default from the row itself and
 * dp_params_describe's description of it (dp_scenario_describe_row).
 *
 * How a CSV row names keys: "monthly" (one key of its programme), "funding" or "eligibility"
 * (every key below it), "need.grade1..grade4" (a range), "eligibility.types / grades" (keys
 * sharing the first one's prefix), "need (every type)" or "need (intellectual, mental,
 * physical)" (need.<type> of those types), "eligibility (rule 0)" (a note in parentheses),
 * "multi_disabled_household.members" (the programme's own name first). A programme's own row
 * is preferred to a row of "all", and an exact key to a key above it.
 */
#include "input/key_meta.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dims.h"
#include "input/key_sources.h"
#include "input/scenario_impl.h"

/* ------------------------------------------------------------------------------------------ */
/* Labels */

/* The name of each segment of a key path, English and Chinese. An entry "parent.segment" names
 * the segment under that parent only (checked first). */
static const char *const seg_name[][3] = {
    {"home_renovation.households", "homes renovated a year", "年改造户数"},
    {"dpsim", "format version", "格式版本"},
    {"name", "scenario name", "情景名称"},
    {"title", "title", "标题"},
    {"extends", "base scenario", "继承情景"},
    {"regions", "regions", "地区"},
    {"targets", "plan targets", "规划目标"},
    {"population", "general population", "人口"},
    {"rates", "disability transition rates", "残疾状态转移率"},
    {"programmes", "programmes", "项目"},
    {"birth_rate", "birth rate", "出生率"},
    {"sex_ratio_at_birth", "sex ratio at birth", "出生性别比"},
    {"migration_rate", "net migration rate", "净迁移率"},
    {"disabled_migration_factor", "migration factor of disabled persons", "残疾人迁移系数"},
    {"mortality_improvement", "extra mortality decline", "死亡率额外下降"},
    {"mortality_rr", "relative mortality risk", "死亡相对风险"},
    {"mortality_rr_type", "relative mortality risk by type", "按类别死亡相对风险"},
    {"onset_multiplier", "onset multiplier", "新发残疾乘数"},
    {"worsening", "grade worsening rate", "等级加重率"},
    {"under60", "under 60", "60岁以下"},
    {"over60", "60 and over", "60岁及以上"},
    {"improvement", "grade improvement rate", "等级减轻率"},
    {"certification", "certification rate", "办证率"},
    {"severe", "severe", "重度"},
    {"other", "other", "其他"},
    {"dibao_exit", "dibao exit rate", "退出低保率"},
    {"marginal_exit", "marginal exit rate", "退出低保边缘率"},
    {"dibao_entry", "dibao entry rate", "进入低保率"},
    {"marginal_entry", "marginal entry rate", "进入低保边缘率"},
    {"monthly", "monthly amount", "月标准"},
    {"indexation", "indexation", "调整"},
    {"rate", "yearly rate", "年率"},
    {"take_up", "take-up", "领取率"},
    {"monthly_indexed", "monthly amount indexed", "调整后月标准"},
    {"enabled", "enabled", "启用"},
    {"marginal_from", "marginal households from", "扩至低保边缘起始年"},
    {"years", "years", "年份"},
    {"base_year", "base year", "基年"},
    {"start", "start", "起始"},
    {"end", "end", "结束"},
    {"economy", "economy", "经济"},
    {"status_quo", "status quo", "现状延续方式"},
    {"calibration", "calibration to the reported series", "历史序列校准"},
    {"calibration.cv", "error of a reported figure (CV)", "报告数误差(变异系数)"},
    {"calibration.growth_sd", "prior sd of take-up growth", "领取率增长先验标准差"},
    {"calibration.ceiling", "take-up ceiling", "领取率上限"},
    {"cpi", "consumer price inflation", "居民消费价格涨幅"},
    {"dibao", "dibao", "低保"},
    {"marginal", "marginal", "低保边缘"},
    {"standard", "standard", "标准"},
    {"consumption", "consumption per person", "人均消费支出"},
    {"consumption_share", "share of consumption", "占人均消费支出比例"},
    {"consumption_growth", "consumption growth", "人均消费支出增长率"},
    {"budget", "budget", "预算"},
    {"ceiling", "ceiling", "总额上限"},
    {"yearly", "yearly amount", "年标准"},
    {"unit_cost", "unit cost", "单位成本"},
    {"yearly_indexed", "yearly amount indexed", "调整后年标准"},
    {"unit_cost_indexed", "unit cost indexed", "调整后单位成本"},
    {"kind", "kind", "方式"},
    {"dibao_share", "share of the dibao standard", "占低保标准比例"},
    {"floor", "floor", "保底标准"},
    {"take_up_lag", "take-up lag", "申领滞后年数"},
    {"eligibility", "eligibility", "资格条件"},
    {"types", "disability types", "残疾类别"},
    {"grades", "grades", "残疾等级"},
    {"households", "households", "家庭户"},
    {"ages", "ages", "年龄"},
    {"min", "lowest", "下限"},
    {"max", "highest", "上限"},
    {"certified", "card holders only", "需持证"},
    {"age_max", "highest age by year", "年龄上限"},
    {"extensions", "extension rules", "扩面规则数"},
    {"coverage", "coverage target", "覆盖率目标"},
    {"need", "need", "需求比例"},
    {"children", "children", "儿童"},
    {"working", "working age", "劳动年龄"},
    {"older", "older persons", "老年"},
    {"capacity", "capacity", "服务能力"},
    {"budget_cap", "budget cap", "预算上限"},
    {"funding", "funding share", "资金分担比例"},
    {"central", "central", "中央"},
    {"provincial", "provincial", "省级"},
    {"municipal", "municipal", "市级"},
    {"county", "county", "县级"},
    {"single_person", "single-person dibao", "单人户纳入低保"},
    {"from", "from year", "起始年"},
    {"share", "share", "比例"},
    {"members", "disabled members a household", "户均残疾人数"},
    {"away", "away from home", "异地康复"},
    {"cycle", "device cycle", "更换周期"},
    {"base_coverage", "base-year coverage", "基年覆盖率"},
    {"participation", "participation rate of the unaided", "未资助者参保率"},
    {"person_times", "rehabilitation person-times per person served", "人均康复服务人次"},
    {"base_rate", "base-year employment rate", "基年就业率"},
    {"type_factor", "employment factor by type", "按类别就业系数"},
    {"grade_factor", "employment factor by grade", "按等级就业系数"},
    {"exit_rate", "job exit rate", "离职率"},
    {"entry_multiplier", "job entry multiplier", "就业进入乘数"},
    {"training", "training", "培训"},
    {"trainees", "trainees", "培训人数"},
    {"cost", "cost", "人均成本"},
    {"posts", "public-welfare posts", "公益性岗位"},
    {"number", "number", "数量"},
    {"awards", "over-quota awards", "超比例就业奖励"},
    {"amount", "amount", "金额"},
    {"phase_out", "dibao phase-out", "低保渐退"},
    {"full_months", "full months", "全额月数"},
    {"partial_months", "partial months", "减发月数"},
    {"fraction", "fraction paid", "比例"},
    {"benefit_share", "benefit share of the standard", "低保金占标准比例"},
    {"overlaps", "overlap rules", "重叠规则数"},
};

/* The allowed values of words and year-or-word keys, English and Chinese: "KEY=WORD" (KEY the
 * last segment of the key path) first, then the word alone. Set members (types, grades,
 * households) take the segment names above. */
static const char *const word_name[][3] = {
    {"status_quo=frozen", "frozen at the base year", "保持基年领取率"},
    {"status_quo=trend", "take-up trend", "延续领取率趋势"},
    {"indexation=rate", "a fixed yearly rate", "按固定年率调整"},
    {"indexation=cpi", "with consumer prices", "随居民消费价格调整"},
    {"indexation=consumption", "with consumption per person", "随人均消费支出调整"},
    {"kind=rate", "a fixed yearly rate", "按固定年率调整"},
    {"kind=cpi", "with consumer prices", "随居民消费价格调整"},
    {"kind=dibao", "with the dibao standard", "随低保标准调整"},
    {"never", "never", "不实施"},
    {"calibrated", "calibrated", "校准"},
};

/* English names of the programmes (dp_prog order; Chinese: dp_prog_label_zh). */
static const char *const prog_en[DP_N_PROG] = {
    "living subsidy",   "care subsidy",    "dibao supplement",  "multi-disabled household aid",
    "child rehabilitation", "adult rehabilitation", "assistive devices", "home renovation",
    "pension premium",  "medical premium", "care services",     "employment support"};

static const char *
seg_label(const char *prev, const char *seg, int zh, char *year, size_t year_size)
{
    char ctx[96];
    snprintf(ctx, sizeof ctx, "%s.%s", prev ? prev : "", seg);
    for (size_t i = 0; i < sizeof seg_name / sizeof seg_name[0]; i++) {
        if (prev && strcmp(ctx, seg_name[i][0]) == 0) {
            return seg_name[i][1 + zh];
        }
    }
    for (size_t i = 0; i < sizeof seg_name / sizeof seg_name[0]; i++) {
        if (strcmp(seg, seg_name[i][0]) == 0) {
            return seg_name[i][1 + zh];
        }
    }
    for (size_t k = 0; k < DP_N_PROG; k++) {
        if (strcmp(seg, dp_prog_key[k]) == 0) {
            return zh ? dp_prog_label_zh[k] : prog_en[k];
        }
    }
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        if (strcmp(seg, dp_grade_label[g]) == 0) {
            if (zh) {
                return dp_grade_label_zh[g];
            }
            snprintf(year, year_size, "grade %zu", g + 1);
            return year;
        }
    }
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        if (strcmp(seg, dp_type_label[t]) == 0) {
            return zh ? dp_type_label_zh[t] : dp_type_label[t];
        }
    }
    if (seg[0] >= '0' && seg[0] <= '9') {
        snprintf(year, year_size, zh ? "%.8s年" : "%.8s", seg);
        return year;
    }
    return NULL;
}

void
dp_key_label(const char *path, int zh, char *out, size_t size)
{
    char buf[96], *save = NULL;
    const char *prev = NULL;
    size_t o = 0;
    snprintf(buf, sizeof buf, "%s", path);
    out[0] = '\0';
    for (char *seg = strtok_r(buf, ".", &save); seg; seg = strtok_r(NULL, ".", &save)) {
        char year[16];
        int last = path[(size_t)(seg - buf) + strlen(seg)] != '.';
        if (!last && (strcmp(seg, "rates") == 0 || strcmp(seg, "programmes") == 0 ||
                     strcmp(seg, "population") == 0)) {
            prev = seg; /* a group, named only as a key of its own */
            continue;
        }
        const char *name = seg_label(prev, seg, zh, year, sizeof year);
        int w = snprintf(out + o, size - o, "%s%s", o ? (zh ? "·" : " · ") : "",
                         name ? name : seg);
        o += w > 0 && (size_t)w < size - o ? (size_t)w : 0;
        prev = seg;
    }
}

void
dp_key_word_label(const char *path, const char *word, int zh, char *out, size_t size)
{
    const char *last = strrchr(path, '.');
    char ctx[96], seg[32], year[16];
    last = last ? last + 1 : path;
    snprintf(ctx, sizeof ctx, "%s=%s", last, word);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof word_name / sizeof word_name[0]; i++) {
            if (strcmp(pass == 0 ? ctx : word, word_name[i][0]) == 0) {
                snprintf(out, size, "%s", word_name[i][1 + zh]);
                return;
            }
        }
    }
    /* A set member: grades are written 1..4 and named grade1..grade4. */
    if (word[0] >= '1' && word[0] <= '9' && word[1] == '\0' && strcmp(last, "grades") == 0) {
        snprintf(seg, sizeof seg, "grade%s", word);
    } else {
        snprintf(seg, sizeof seg, "%s", word);
    }
    const char *name = seg_label(last, seg, zh, year, sizeof year);
    snprintf(out, size, "%s", name ? name : word);
}

/* ------------------------------------------------------------------------------------------ */
/* Units and hand-written sources */

typedef enum {
    U_NONE = 0, U_PAY, U_YUAN_MONTH, U_YUAN_YEAR, U_YUAN_UNIT, U_SHARE, U_PROB, U_RATE, U_MULT,
    U_SEX_RATIO, U_PERSONS, U_PERSONS_YEAR, U_HH_YEAR, U_COUNT, U_COUNT_YEAR, U_PLACES, U_YEARS,
    U_AGE, U_MONTHS, U_YEAR, U_SWITCH, U_WORD, U_LIST, U_TEXT, U_MAP, U_VERSION, U_RULES,
    U_YUAN, U_HH, U_N
} unit_id;

static const char *const unit_name[U_N][2] = {
    [U_YUAN_MONTH] = {"yuan a month", "元/月"},
    [U_YUAN_YEAR] = {"yuan a year", "元/年"},
    [U_YUAN_UNIT] = {"yuan per unit", "元/单位"},
    [U_SHARE] = {"share", "比例"},
    [U_PROB] = {"probability a year", "年概率"},
    [U_RATE] = {"rate a year", "年率"},
    [U_MULT] = {"multiplier", "倍数"},
    [U_SEX_RATIO] = {"males per 100 females", "男/百女"},
    [U_PERSONS] = {"persons", "人"},
    [U_PERSONS_YEAR] = {"persons a year", "人/年"},
    [U_HH_YEAR] = {"households a year", "户/年"},
    [U_COUNT] = {"count", "个"},
    [U_COUNT_YEAR] = {"count a year", "个/年"},
    [U_PLACES] = {"places", "名额"},
    [U_YEARS] = {"years", "年"},
    [U_AGE] = {"years of age", "岁"},
    [U_MONTHS] = {"months", "月"},
    [U_YEAR] = {"calendar year", "年份"},
    [U_SWITCH] = {"switch (0/1)", "开关"},
    [U_WORD] = {"word", "选项"},
    [U_LIST] = {"list", "列表"},
    [U_TEXT] = {"text", "文本"},
    [U_MAP] = {"map", "映射"},
    [U_VERSION] = {"version", "版本"},
    [U_RULES] = {"list of rules", "规则列表"},
    /* Units of results only (a target's gap), for dp_unit_zh. */
    [U_YUAN] = {"yuan", "元"},
    [U_HH] = {"households", "户"},
};

const char *
dp_unit_zh(const char *unit)
{
    for (size_t u = 1; u < U_N; u++) {
        if (unit_name[u][0] && strcmp(unit, unit_name[u][0]) == 0) {
            return unit_name[u][1];
        }
    }
    return unit;
}

#define FORMAT "docs/scenarios.md (format)"
#define ASSUME "assumption"
#define BALANCED "model: balanced (docs/model.md)"

/* Unit and source of each key: a full path, a path ending in ".*" (every key below it) or
 * "*.KEY" (KEY of every programme); the first match counts. A NULL source: from
 * programme_defaults.csv (for a programme key without a CSV row: "assumption"). */
static const struct {
    const char *pattern;
    unit_id unit;
    const char *source;
} key_info[] = {
    {"dpsim", U_VERSION, FORMAT},
    {"name", U_TEXT, FORMAT},
    {"title", U_TEXT, FORMAT},
    {"extends", U_TEXT, FORMAT},
    {"regions", U_LIST, FORMAT},
    {"targets", U_RULES, FORMAT},
    {"overlaps", U_RULES, NULL},
    {"years.*", U_YEAR, "assumption (the project's horizon, 2021-2035)"},
    {"base_year", U_YEAR,
     "region file (one base for every region; without it each region's latest base before "
     "years.start)"},
    {"status_quo", U_WORD, "assumption (frozen: the base year's take-up is kept; trend: docs/model.md \"Take-up trend\")"},
    {"calibration", U_MAP, FORMAT},
    {"calibration.cv", U_SHARE, "assumption (rounded national figures and definitional differences between reports; docs/model.md \"Take-up trend\")"},
    {"calibration.growth_sd", U_RATE, "assumption (a weak prior: a take-up logit growing 0.5 a year doubles the odds in 1.4 years; docs/model.md \"Take-up trend\")"},
    {"calibration.ceiling", U_SHARE, "assumption (at most every eligible person of the base year; up to 2 when the reported recipients exceed the base's eligible persons: the projected take-up is still at most 1)"},
    {"population.birth_rate", U_RATE, "region file"},
    {"population.sex_ratio_at_birth", U_SEX_RATIO,
     "assumption (China's level around the 2020 census)"},
    {"population.migration_rate", U_RATE, "region file"},
    {"population.disabled_migration_factor", U_MULT,
     "assumption (everyone migrates by one age schedule, so the disabled at the rate of their age; docs/model.md §2 step 9)"},
    {"population.mortality_improvement", U_RATE,
     "assumption (no decline beyond the UN WPP life table)"},
    {"rates.mortality_rr.*", U_MULT, "assumption (within the CLHLS hazard ratios 1.44-4.45)"},
    {"rates.mortality_rr_type.mental", U_MULT,
     "SMR 9.9 mental / 5.4 all, survey follow-up cohort 2006-2010"},
    {"rates.mortality_rr_type.*", U_MULT, ASSUME},
    {"rates.onset_multiplier", U_MULT, "assumption (scales the derived onset rates)"},
    {"rates.worsening.*", U_PROB, ASSUME},
    {"rates.improvement", U_PROB, ASSUME},
    {"rates.certification.*", U_PROB, BALANCED},
    {"rates.dibao_exit", U_PROB, ASSUME},
    {"rates.marginal_exit", U_PROB, ASSUME},
    {"rates.dibao_entry", U_PROB, BALANCED},
    {"rates.marginal_entry", U_PROB, BALANCED},
    {"economy.cpi", U_RATE, NULL},
    {"economy.dibao.standard", U_YUAN_MONTH, NULL},
    {"economy.dibao.indexation", U_WORD, NULL},
    {"economy.dibao.rate", U_RATE, NULL},
    {"economy.dibao.consumption_share", U_SHARE, NULL},
    {"economy.dibao.consumption", U_YUAN_YEAR, NULL},
    {"economy.dibao.consumption_growth", U_RATE, NULL},
    {"budget.ceiling", U_YUAN_YEAR, NULL},
    /* Keys of one programme. */
    {"programmes.living_subsidy.marginal_from", U_YEAR, NULL},
    {"programmes.dibao_supplement.single_person.from", U_YEAR, NULL},
    {"programmes.dibao_supplement.single_person.rate", U_PROB, NULL},
    {"programmes.multi_disabled_household.share", U_SHARE, NULL},
    {"programmes.multi_disabled_household.members", U_PERSONS, NULL},
    {"programmes.child_rehab.away.share", U_SHARE, NULL},
    {"programmes.child_rehab.away.yearly", U_YUAN_YEAR, NULL},
    {"programmes.assistive_devices.cycle", U_YEARS, NULL},
    {"programmes.home_renovation.households", U_HH_YEAR, NULL},
    {"programmes.home_renovation.base_coverage", U_SHARE, NULL},
    {"programmes.pension_premium.participation", U_SHARE, NULL},
    {"programmes.medical_premium.participation", U_SHARE, NULL},
    {"programmes.adult_rehab.person_times", U_MULT, NULL},
    {"programmes.employment_support.base_rate", U_SHARE, NULL},
    {"programmes.employment_support.type_factor.*", U_MULT, NULL},
    {"programmes.employment_support.grade_factor.*", U_MULT, NULL},
    {"programmes.employment_support.exit_rate", U_PROB, NULL},
    {"programmes.employment_support.entry_multiplier", U_MULT, NULL},
    {"programmes.employment_support.training.trainees", U_PERSONS_YEAR, NULL},
    {"programmes.employment_support.training.cost", U_YUAN_UNIT, NULL},
    {"programmes.employment_support.posts.number", U_COUNT, NULL},
    {"programmes.employment_support.posts.yearly", U_YUAN_YEAR, NULL},
    {"programmes.employment_support.awards.number", U_COUNT_YEAR, NULL},
    {"programmes.employment_support.awards.amount", U_YUAN_UNIT, NULL},
    {"programmes.employment_support.phase_out.full_months", U_MONTHS, NULL},
    {"programmes.employment_support.phase_out.partial_months", U_MONTHS, NULL},
    {"programmes.employment_support.phase_out.fraction", U_SHARE, NULL},
    {"programmes.employment_support.phase_out.benefit_share", U_SHARE, NULL},
    /* Keys of every programme. */
    {"*.enabled", U_SWITCH, NULL},
    {"*.monthly", U_YUAN_MONTH, NULL},
    {"*.yearly", U_YUAN_YEAR, NULL},
    {"*.unit_cost", U_YUAN_UNIT, NULL},
    {"*.indexation.kind", U_WORD, NULL},
    {"*.indexation.rate", U_RATE, NULL},
    {"*.indexation.dibao_share", U_SHARE, NULL},
    {"*.floor", U_PAY, NULL},
    {"*.take_up", U_SHARE, NULL},
    {"*.take_up_lag", U_YEARS, NULL},
    {"*.eligibility.types", U_LIST, NULL},
    {"*.eligibility.grades", U_LIST, NULL},
    {"*.eligibility.households", U_LIST, NULL},
    {"*.eligibility.ages", U_AGE, NULL},
    {"*.eligibility.certified", U_SWITCH, NULL},
    {"*.eligibility.age_max", U_AGE, "assumption (unset: eligibility.ages applies)"},
    {"*.extensions", U_RULES, NULL},
    {"*.coverage", U_SHARE, NULL},
    {"*.need.grade1", U_MULT, NULL},
    {"*.need.grade2", U_MULT, NULL},
    {"*.need.grade3", U_MULT, NULL},
    {"*.need.grade4", U_MULT, NULL},
    {"*.need.children", U_MULT, "assumption (no age pattern in the sources)"},
    {"*.need.working", U_MULT, "assumption (no age pattern in the sources)"},
    {"*.need.older", U_MULT, "assumption (no age pattern in the sources)"},
    {"*.need.*", U_SHARE, NULL},
    {"*.capacity", U_PLACES, NULL},
    {"*.budget_cap", U_YUAN_YEAR, NULL},
    {"*.funding", U_MAP, NULL},
    {"*.funding.*", U_SHARE, NULL},
};

/* Whether path matches pattern (key_info); suffix is the path after "programmes.P." (or NULL
 * for a key outside the programmes). */
static int
pattern_matches(const char *pattern, const char *path, const char *suffix)
{
    const char *p = pattern, *s = path;
    if (pattern[0] == '*') {
        if (!suffix) {
            return 0;
        }
        p = pattern + 2;
        s = suffix;
    }
    size_t n = strlen(p);
    if (n >= 2 && strcmp(p + n - 2, ".*") == 0) {
        return strncmp(s, p, n - 1) == 0 && s[n - 1] != '\0';
    }
    return strcmp(s, p) == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Sources from programme_defaults.csv */

/* How well the CSV key ckey (of programme prog, or NULL outside the programmes) names the key
 * key (the suffix after "programmes.P.", or the whole path): 2 exactly, 1 a map above it, 0
 * not. */
static int
csv_rank(const char *ckey, const char *prog, const char *key)
{
    char buf[160];
    size_t pl = prog ? strlen(prog) : 0;
    if (prog && strncmp(ckey, prog, pl) == 0 && ckey[pl] == '.') {
        ckey += pl + 1;
    }
    snprintf(buf, sizeof buf, "%s", ckey);
    char *paren = strstr(buf, " (");
    if (paren && strncmp(buf, "need (", 6) == 0) {
        /* need.<type> of the types listed, or of every type. */
        if (strncmp(key, "need.", 5) != 0) {
            return 0;
        }
        for (size_t t = 0; t < DP_N_TYPE; t++) {
            if (strcmp(key + 5, dp_type_label[t]) == 0) {
                return strstr(paren, "every type") || strstr(paren, dp_type_label[t]) ? 2 : 0;
            }
        }
        return 0;
    }
    if (paren && strncmp(buf, "eligibility (rule 1", 19) == 0) {
        /* The second default rule of a programme: its default extensions. */
        return strcmp(key, "extensions") == 0 ? 2 : 0;
    }
    if (paren) {
        *paren = '\0';
    }
    int best = 0;
    char prefix[160] = "";
    char *save = NULL;
    for (char *alt = strtok_r(buf, "/", &save); alt; alt = strtok_r(NULL, "/", &save)) {
        char one[160];
        while (*alt == ' ') {
            alt++;
        }
        size_t len = strlen(alt);
        while (len && alt[len - 1] == ' ') {
            alt[--len] = '\0';
        }
        if (!prefix[0]) {
            const char *dot = strrchr(alt, '.');
            snprintf(prefix, sizeof prefix, "%.*s", dot ? (int)(dot - alt + 1) : 0, alt);
            snprintf(one, sizeof one, "%s", alt);
        } else {
            snprintf(one, sizeof one, "%s%s", prefix, alt);
        }
        char *range = strstr(one, "..");
        if (range) {
            /* "need.grade1..grade4": the stem, then an integer from the first to the last. */
            *range = '\0';
            const char *hi_s = range + 2;
            size_t sl = strlen(one);
            while (sl && one[sl - 1] >= '0' && one[sl - 1] <= '9') {
                sl--;
            }
            long lo = strtol(one + sl, NULL, 10);
            while (*hi_s && !(*hi_s >= '0' && *hi_s <= '9')) {
                hi_s++;
            }
            long hi = strtol(hi_s, NULL, 10);
            char *end = NULL;
            if (strncmp(key, one, sl) == 0 && key[sl] >= '0' && key[sl] <= '9') {
                long v = strtol(key + sl, &end, 10);
                if (*end == '\0' && v >= lo && v <= hi) {
                    best = 2;
                }
            }
            continue;
        }
        size_t ol = strlen(one);
        if (strcmp(key, one) == 0) {
            best = 2;
        } else if (strncmp(key, one, ol) == 0 && key[ol] == '.' && best < 1) {
            best = 1;
        }
    }
    return best;
}

/* The CSV's source of the row at path (programme prog, suffix key; prog NULL outside the
 * programmes), or NULL. */
static const dp_key_source *
csv_source(const char *path, const char *prog, const char *key)
{
    const dp_key_source *best = NULL;
    int best_rank = 0;
    for (int pass = 0; pass < 2 && !best; pass++) {
        for (size_t i = 0; i < dp_key_n_sources; i++) {
            const dp_key_source *r = &dp_key_sources[i];
            int ours;
            if (prog) {
                ours = strcmp(r->programme, pass == 0 ? prog : "all") == 0;
            } else {
                ours = pass == 0 && strcmp(r->programme, "all") != 0 &&
                       strncmp(path, r->programme, strlen(r->programme)) == 0;
            }
            if (!ours) {
                continue;
            }
            int rank = csv_rank(r->key, prog, prog ? key : path);
            if (rank > best_rank) {
                best = r;
                best_rank = rank;
            }
        }
    }
    return best;
}

/* ------------------------------------------------------------------------------------------ */
/* Rows */

size_t
dp_key_meta_count(void)
{
    return dp_scenario_n_keys;
}

/* The unit and source of row d, or U_NONE / NULL when the tables give none. */
static void
row_unit_source(const key_def *d, unit_id *unit, const char **source)
{
    size_t prog = dp_scenario_key_prog(d);
    const char *suffix = NULL;
    char name[64] = "";
    *unit = U_NONE;
    *source = NULL;
    if (strncmp(d->path, "programmes.", 11) == 0 && strchr(d->path + 11, '.')) {
        const char *dot = strchr(d->path + 11, '.');
        snprintf(name, sizeof name, "%.*s", (int)(dot - d->path - 11), d->path + 11);
        suffix = dot + 1;
    }
    if (d->type == K_MAP) {
        *unit = U_MAP;
        *source = FORMAT;
        return;
    }
    for (size_t i = 0; i < sizeof key_info / sizeof key_info[0]; i++) {
        if (pattern_matches(key_info[i].pattern, d->path, suffix)) {
            *unit = key_info[i].unit;
            *source = key_info[i].source;
            break;
        }
    }
    if (*unit == U_PAY) {
        dp_pay_kind pay = prog < DP_N_PROG ? dp_prog_pay[prog] : DP_PAY_SERVICE;
        *unit = pay == DP_PAY_MONTHLY ? U_YUAN_MONTH
                : pay == DP_PAY_YEARLY ? U_YUAN_YEAR
                                       : U_YUAN_UNIT;
    }
    if (!*source && *unit != U_NONE) {
        const dp_key_source *r = csv_source(d->path, suffix ? name : NULL, suffix);
        *source = r ? r->source : (suffix ? ASSUME : NULL);
    }
}

/* How a value of row d is written (a number, a year, true/false). */
static void
put_value(char *out, size_t size, const key_def *d, const dp_setting *s)
{
    if (isnan(s->value)) {
        snprintf(out, size, "%s", s->word ? s->word : "unset");
    } else if (d->type == K_BOOL) {
        snprintf(out, size, "%s", s->value != 0 ? "true" : "false");
    } else {
        snprintf(out, size, "%.10g", s->value);
    }
}

/* The default of row d under p (its settings in p->year_start). */
static void
row_default(const key_def *d, const dp_params *p, char *out, size_t size)
{
    dp_setting s[16];
    size_t n = dp_scenario_describe_row(d, p, p->year_start, s, sizeof s / sizeof s[0]);
    size_t o = 0;
    out[0] = '\0';
#define ADD(...)                                                                                   \
    do {                                                                                           \
        int w_ = snprintf(out + o, size - o, __VA_ARGS__);                                        \
        o += w_ > 0 && (size_t)w_ < size - o ? (size_t)w_ : 0;                                     \
    } while (0)
    switch (d->type) {
    case K_VERSION:
        ADD("required (1)");
        return;
    case K_NAME:
    case K_REGIONS:
        ADD("required");
        return;
    case K_TEXT:
        ADD("\"\"");
        return;
    case K_EXTENDS:
    case K_TARGETS:
        ADD("none");
        return;
    case K_EXTENSIONS:
    case K_OVERLAPS:
        if (n == 1 && s[0].value > 0) {
            ADD("%.0f rule%s", s[0].value, s[0].value > 1 ? "s" : "");
        } else {
            ADD("none");
        }
        return;
    case K_WORD: {
        const char *w = d->word;
        for (size_t i = 0; i < n && *w; i++) {
            size_t len = strcspn(w, "|");
            if (s[i].value == 1.0) {
                ADD("%.*s", (int)len, w);
            }
            w += len + (w[len] == '|');
        }
        return;
    }
    case K_SET: {
        size_t on = 0;
        for (size_t i = 0; i < n; i++) {
            on += s[i].value == 1.0;
        }
        if (on == n) {
            ADD("all");
            return;
        }
        ADD("[");
        for (size_t i = 0, k = 0; i < n; i++) {
            if (s[i].value != 1.0) {
                continue;
            }
            if (d->aux == KS_GRADES) {
                ADD("%s%zu", k++ ? ", " : "", i + 1); /* grades are written 1..4 in files */
            } else {
                ADD("%s%s", k++ ? ", " : "", strrchr(s[i].path, '.') + 1);
            }
        }
        ADD("]");
        return;
    }
    case K_AGES:
        if (n == 2) {
            ADD("[%.0f, %.0f]", s[0].value, s[1].value);
        }
        return;
    case K_AMOUNT:
    case K_GRADE_NUM: {
        /* The dated values by grade (an amount's indexed settings follow them). */
        size_t ng = n < DP_N_GRADE ? n : DP_N_GRADE;
        int same = 1;
        for (size_t g = 1; g < ng; g++) {
            same &= s[g].value == s[0].value || (isnan(s[g].value) && isnan(s[0].value));
        }
        for (size_t g = 0; g < (same ? (ng ? 1 : 0) : ng); g++) {
            char v[48];
            put_value(v, sizeof v, d, &s[g]);
            if (same) {
                ADD("%s", v);
            } else {
                ADD("%s%s: %s", g ? ", " : "", dp_grade_label[g], v);
            }
        }
        return;
    }
    default:
        if (n >= 1) {
            char v[64];
            put_value(v, sizeof v, d, &s[0]);
            ADD("%s", v);
        }
        return;
    }
#undef ADD
}

/* How row d is written in a file. */
static void
row_type(const key_def *d, char *out, size_t size)
{
    switch (d->type) {
    case K_MAP:
    case K_FUNDING:
        snprintf(out, size, "map");
        break;
    case K_VERSION:
        snprintf(out, size, "the integer 1");
        break;
    case K_NAME:
        snprintf(out, size, "name");
        break;
    case K_TEXT:
        snprintf(out, size, "text");
        break;
    case K_EXTENDS:
        snprintf(out, size, "file name");
        break;
    case K_REGIONS:
        snprintf(out, size, "list of region ids and LEVEL:NODE selections");
        break;
    case K_YEAR:
        snprintf(out, size, "year");
        break;
    case K_NUMBER:
        snprintf(out, size, "number");
        break;
    case K_PROB:
        snprintf(out, size, d->word ? "probability or '%s'" : "probability",
                 d->word ? d->word : "");
        break;
    case K_SCHED:
        snprintf(out, size, "%s or date-ranged",
                 d->flags & F_INTEGER ? "integer" : (d->flags & F_SHARE ? "share" : "number"));
        break;
    case K_AMOUNT:
        snprintf(out, size, "amount (date-ranged, by grade)");
        break;
    case K_BOOL:
        snprintf(out, size, "boolean");
        break;
    case K_YEAR_NEVER:
        snprintf(out, size, "year or '%s'", d->word);
        break;
    case K_TARGETS:
        snprintf(out, size, "list of targets");
        break;
    case K_INT:
        snprintf(out, size, "integer");
        break;
    case K_WORD: {
        size_t o = (size_t)snprintf(out, size, "one of ");
        for (const char *w = d->word; *w && o + 3 < size; w++) {
            if (*w == '|') {
                out[o++] = ',';
                out[o++] = ' ';
            } else {
                out[o++] = *w;
            }
        }
        out[o] = '\0';
        break;
    }
    case K_GRADE_NUM:
        snprintf(out, size, "number or map by grade");
        break;
    case K_SET:
        snprintf(out, size, "list or all");
        break;
    case K_AGES:
        snprintf(out, size, "[min, max]");
        break;
    case K_EXTENSIONS:
    case K_OVERLAPS:
        snprintf(out, size, "list of rules");
        break;
    }
}

/* The bounds of row d ("" when it has none). */
static void
row_bounds(const key_def *d, char *out, size_t size)
{
    switch (d->type) {
    case K_YEAR:
    case K_NUMBER:
    case K_PROB:
    case K_SCHED:
    case K_AMOUNT:
    case K_YEAR_NEVER:
    case K_INT:
    case K_GRADE_NUM:
    case K_AGES:
        if (isinf(d->max)) {
            snprintf(out, size, ">= %g", d->min);
        } else {
            snprintf(out, size, "[%g, %g]", d->min, d->max);
        }
        break;
    default:
        out[0] = '\0';
        break;
    }
}

/* How a form edits row d, and its allowed values (dp_key_meta.control, words). */
static void
row_control(const key_def *d, char *control, size_t csize, char *words, size_t wsize)
{
    const char *c = "";
    words[0] = '\0';
    switch (d->type) {
    case K_YEAR:
    case K_NUMBER:
    case K_PROB:
    case K_SCHED:
    case K_AMOUNT:
    case K_INT:
    case K_GRADE_NUM:
        c = "number";
        break;
    case K_BOOL:
        c = "boolean";
        break;
    case K_WORD:
        c = "select";
        snprintf(words, wsize, "%s", d->word);
        break;
    case K_YEAR_NEVER:
        c = "year_word";
        snprintf(words, wsize, "%s", d->word);
        break;
    case K_AGES:
        c = "ages";
        break;
    case K_SET: {
        size_t n, o = 0;
        const char *const *names = dp_scenario_set_names(d->aux, &n);
        c = "set";
        for (size_t i = 0; i < n; i++) {
            int w = d->aux == KS_GRADES
                        ? snprintf(words + o, wsize - o, "%s%zu", i ? "|" : "", i + 1)
                        : snprintf(words + o, wsize - o, "%s%s", i ? "|" : "", names[i]);
            o += w > 0 && (size_t)w < wsize - o ? (size_t)w : 0;
        }
        break;
    }
    default:
        break;
    }
    snprintf(control, csize, "%s", c);
}

int
dp_key_meta_get(const dp_params *p, size_t i, dp_key_meta *out)
{
    if (i >= dp_scenario_n_keys) {
        return -1;
    }
    const key_def *d = &dp_scenario_keys[i];
    dp_params *def = NULL;
    if (!p) {
        def = malloc(sizeof *def);
        if (!def) {
            return -1;
        }
        dp_params_default(def);
        p = def;
    }
    unit_id unit;
    const char *source;
    size_t prog = dp_scenario_key_prog(d);
    memset(out, 0, sizeof *out);
    out->path = d->path;
    row_type(d, out->type, sizeof out->type);
    row_bounds(d, out->bounds, sizeof out->bounds);
    dp_key_label(d->path, 0, out->label, sizeof out->label);
    dp_key_label(d->path, 1, out->label_zh, sizeof out->label_zh);
    row_unit_source(d, &unit, &source);
    out->unit = unit_name[unit][0];
    out->unit_zh = unit_name[unit][1];
    out->source = source;
    out->map = d->type == K_MAP || d->type == K_FUNDING;
    out->accepted = d->type != K_AMOUNT || (prog < DP_N_PROG && dp_prog_pay[prog] ==
                                                                     (dp_pay_kind)d->aux);
    if (!out->map) {
        row_default(d, p, out->dflt, sizeof out->dflt);
    }
    row_control(d, out->control, sizeof out->control, out->words, sizeof out->words);
    free(def);
    return unit == U_NONE || !source ? -1 : 0;
}

int
dp_setting_meta(const char *path, size_t row, char *label, size_t label_size, char *label_zh,
                size_t label_zh_size, const char **unit, const char **unit_zh,
                const char **source)
{
    if (row >= dp_scenario_n_keys) {
        return -1;
    }
    const key_def *d = &dp_scenario_keys[row];
    unit_id u;
    row_unit_source(d, &u, source);
    if (d->type == K_SET || d->type == K_WORD) {
        u = U_SWITCH;
    } else if (d->type == K_EXTENSIONS || d->type == K_OVERLAPS) {
        u = U_COUNT;
    }
    *unit = unit_name[u][0];
    *unit_zh = unit_name[u][1];
    if (!*source) {
        *source = ASSUME;
    }
    dp_key_label(path, 0, label, label_size);
    dp_key_label(path, 1, label_zh, label_zh_size);
    return u == U_NONE ? -1 : 0;
}
