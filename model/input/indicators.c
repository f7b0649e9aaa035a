/* model/input/indicators.c
 *
 * The catalogue of plan indicators a target may name, and the target's own vocabulary
 * (indicators.h, docs/scenarios.md#indicators): one row per indicator, with its names, unit, the
 * cells of the result tables it reads and how its gap is priced. The scenario parser checks a
 * target against it; the evaluation (analysis/targets.c) computes it. Pure data and lookups:
 * no I/O; thread-safe.
 */
#include "input/indicators.h"

#include <stdio.h>
#include <string.h>

#include "input/params.h"

/* ------------------------------------------------------------------------------------------ */
/* The indicators: one row each. A row marked per_programme stands for one indicator per
 * programme of params.h: '*' in its key, names and labels is replaced by the programme's key
 * (its Chinese name in name_zh). Adding an indicator computed the same way as an existing one
 * is one line here (and one row in the docs/scenarios.md#indicators table). */

/* A cell as {table, label, label2}. */
typedef struct {
    const char *table, *label, *label2;
} cell_row;

typedef struct {
    const char *key;        /**< name in scenario files */
    const char *name;       /**< English description */
    const char *name_zh;    /**< Chinese name */
    dp_indicator_kind kind; /**< how it is computed */
    const char *unit;       /**< the value's unit */
    cell_row num, den;      /**< the value (numerator) and the denominator */
    dp_indicator_cost cost; /**< how the gap is priced */
    cell_row cost_num, cost_den;
    const char *programme; /**< DP_COST_AMOUNT: the programme */
    int per_programme;     /**< 1: one indicator per programme */
} ind_row;

/* The rows are laid out by hand, one indicator at a time. */
/* clang-format off */
#define IND(label) {"indicators", label, ""}
#define NONE_CELL {"", "", ""}
#define NO_COST DP_COST_NONE, NONE_CELL, NONE_CELL, ""
/* Priced at programme prog's yearly amount (DP_COST_AMOUNT). */
#define AT_AMOUNT(prog) DP_COST_AMOUNT, NONE_CELL, NONE_CELL, prog
/* A coverage rate of service programme prog: served / in need (`services`). */
#define SERVED(prog) {"services", prog, "served"}, {"services", prog, "need"}
/* A coverage rate of programme prog: paid / eligible card holders (`pipeline` stages paid and
 * certified), as the plans count coverage (持证残疾人 meeting the rules). */
#define PAID(prog) {"pipeline", prog, "paid"}, {"pipeline", prog, "certified"}
#define LEVEL(level, en, zh)                                                                     \
    {level "_spending", "spending on all programmes during the year (nominal) funded by the "    \
     en, zh, DP_IND_SPENDING, "yuan", {"spending_level", "", level}, NONE_CELL, DP_COST_GAP,     \
     NONE_CELL, NONE_CELL, "", 0}

static const ind_row ind_rows[] = {
    /* Counts at the end of the year (`indicators`). */
    {"disabled", "disabled persons", "残疾人数", DP_IND_PERSONS, "persons", IND("disabled"),
     NONE_CELL, NO_COST, 0},
    {"severe", "severely disabled persons (grades 1-2)", "重度残疾人数", DP_IND_PERSONS, "persons",
     IND("severe"), NONE_CELL, NO_COST, 0},
    {"aged60", "disabled persons aged 60 and over", "60岁及以上残疾人数", DP_IND_PERSONS,
     "persons", IND("aged60"), NONE_CELL, NO_COST, 0},
    {"children", "disabled children aged 0-14", "0-14岁残疾儿童数", DP_IND_PERSONS, "persons",
     IND("children"), NONE_CELL, NO_COST, 0},
    {"certified", "certified disabled persons (card holders)", "持证残疾人数", DP_IND_PERSONS,
     "persons", IND("certified"), NONE_CELL, NO_COST, 0},
    {"severe_certified", "certified severely disabled persons", "持证重度残疾人数", DP_IND_PERSONS,
     "persons", IND("severe_certified"), NONE_CELL, NO_COST, 0},
    {"dibao", "disabled persons in dibao households", "低保残疾人数", DP_IND_PERSONS, "persons",
     IND("dibao"), NONE_CELL, NO_COST, 0},
    {"marginal", "disabled persons in marginal (near-dibao) households", "低保边缘残疾人数",
     DP_IND_PERSONS, "persons", IND("marginal"), NONE_CELL, NO_COST, 0},
    {"working_age", "disabled persons aged 16-59", "16-59岁残疾人数", DP_IND_PERSONS, "persons",
     IND("working_age"), NONE_CELL, NO_COST, 0},
    {"employed", "employed disabled persons aged 16-59", "就业残疾人数", DP_IND_PERSONS,
     "persons", IND("employed"), NONE_CELL, AT_AMOUNT("employment_support"), 0},
    {"working_age_certified", "card holders aged 16-59", "16-59岁持证残疾人数", DP_IND_PERSONS,
     "persons", IND("working_age_certified"), NONE_CELL, NO_COST, 0},
    {"employed_certified", "employed card holders aged 16-59 (as plans and national statistics "
     "count)", "就业持证残疾人数", DP_IND_PERSONS, "persons", IND("employed_certified"), NONE_CELL,
     AT_AMOUNT("employment_support"), 0},
    {"rehab_person_times", "rehabilitation person-times of the year (adult and child "
     "rehabilitation served x person_times)", "康复服务人次", DP_IND_PERSONS, "person-times",
     IND("rehab_person_times"), NONE_CELL, AT_AMOUNT("adult_rehab"), 0},
    {"new_jobs", "disabled persons entering work during the year", "新增就业残疾人数",
     DP_IND_PERSONS, "persons", IND("new_jobs"), NONE_CELL, AT_AMOUNT("employment_support"), 0},
    {"trainees", "disabled persons given vocational training during the year", "职业培训人数",
     DP_IND_PERSONS, "persons", IND("trainees"), NONE_CELL, DP_COST_PER_UNIT,
     {"employment_spending", "training", ""}, IND("trainees"), "", 0},
    {"renovations_cumulative", "homes renovated since the start of the projection",
     "累计无障碍改造户数", DP_IND_PERSONS, "households", IND("renovations_cumulative"), NONE_CELL,
     AT_AMOUNT("home_renovation"), 0},
    {"multi_disabled_households", "households with two or more disabled members", "一户多残户数",
     DP_IND_PERSONS, "households", IND("multi_disabled_households"), NONE_CELL, NO_COST, 0},
    /* Shares and ratios. */
    {"certified_share", "certified share of disabled persons", "持证率", DP_IND_SHARE, "share",
     IND("certified"), IND("disabled"), NO_COST, 0},
    {"severe_certified_share", "certified share of severely disabled persons", "重度残疾人持证率",
     DP_IND_SHARE, "share", IND("severe_certified"), IND("severe"), NO_COST, 0},
    {"employment_rate", "employed share of disabled persons aged 16-59", "残疾人就业率",
     DP_IND_SHARE, "share", IND("employed"), IND("working_age"), AT_AMOUNT("employment_support"),
     0},
    {"employment_rate_certified", "employed share of card holders aged 16-59",
     "持证残疾人就业率", DP_IND_SHARE, "share", IND("employed_certified"),
     IND("working_age_certified"), AT_AMOUNT("employment_support"), 0},
    {"pension_participation",
     "card holders aged 16+ in the resident pension insurance (premium-aided, and the others at "
     "the base rate) / card holders aged 16+", "残疾人城乡居民基本养老保险参保率", DP_IND_SHARE,
     "share", IND("pension_participants"), IND("adults_certified"), AT_AMOUNT("pension_premium"),
     0},
    {"medical_participation",
     "card holders in the resident medical insurance (premium-aided, and the others at the base "
     "rate) / card holders", "残疾人城乡居民基本医疗保险参保率", DP_IND_SHARE, "share",
     IND("medical_participants"), IND("certified"), AT_AMOUNT("medical_premium"), 0},
    {"adult_rehab_coverage", "basic rehabilitation: persons served / persons in need",
     "基本康复服务覆盖率", DP_IND_SHARE, "share", SERVED("adult_rehab"),
     AT_AMOUNT("adult_rehab"), 0},
    {"child_rehab_coverage", "children's rehabilitation: children served / children in need",
     "残疾儿童康复救助覆盖率", DP_IND_SHARE, "share", SERVED("child_rehab"),
     AT_AMOUNT("child_rehab"), 0},
    {"device_fitting_rate", "assistive devices: persons with a device in use / persons in need",
     "辅助器具适配率", DP_IND_SHARE, "share", SERVED("assistive_devices"),
     AT_AMOUNT("assistive_devices"), 0},
    {"renovation_coverage",
     "home renovation: persons in renovated homes / persons in the target group",
     "家庭无障碍改造覆盖率", DP_IND_SHARE, "share", IND("renovated"), IND("renovation_group"),
     AT_AMOUNT("home_renovation"), 0},
    {"care_services_coverage", "care services (托养): persons served / persons in need",
     "托养服务覆盖率", DP_IND_SHARE, "share", SERVED("care_services"), AT_AMOUNT("care_services"),
     0},
    {"pension_coverage", "pension premium paid on behalf: paid / eligible card holders",
     "城乡居民养老保险代缴覆盖率", DP_IND_SHARE, "share", PAID("pension_premium"),
     AT_AMOUNT("pension_premium"), 0},
    {"medical_coverage", "medical insurance premium aid: paid / eligible card holders",
     "城乡居民医疗保险参保资助覆盖率", DP_IND_SHARE, "share", PAID("medical_premium"),
     AT_AMOUNT("medical_premium"), 0},
    {"living_subsidy_coverage", "living subsidy: paid / eligible card holders", "困难残疾人生活补贴覆盖率",
     DP_IND_SHARE, "share", PAID("living_subsidy"), AT_AMOUNT("living_subsidy"), 0},
    {"care_subsidy_coverage", "care subsidy: paid / eligible card holders", "重度残疾人护理补贴覆盖率",
     DP_IND_SHARE, "share", PAID("care_subsidy"), AT_AMOUNT("care_subsidy"), 0},
    {"cash_per_disabled",
     "cash transfers (living, care, dibao supplement, multi-household) per disabled person",
     "残疾人人均现金补贴", DP_IND_RATIO, "yuan per person", IND("cash_transfers"),
     IND("disabled"), DP_COST_GAP, NONE_CELL, NONE_CELL, "", 0},
    /* Per programme. */
    {"*_recipients", "recipients of * at the end of the year", "*受益人数", DP_IND_RECIPIENTS,
     "persons", {"recipients", "*", ""}, NONE_CELL, DP_COST_PER_UNIT, {"spending", "*", ""},
     {"recipients", "*", ""}, "", 1},
    {"*_eligible", "persons meeting the rules of * at the end of the year (the card aside)",
     "*符合条件人数", DP_IND_PERSONS, "persons", {"pipeline", "*", "eligible"}, NONE_CELL, NO_COST,
     1},
    {"*_spending", "spending on * during the year (nominal)", "*支出", DP_IND_SPENDING, "yuan",
     {"spending", "*", ""}, NONE_CELL, DP_COST_GAP, NONE_CELL, NONE_CELL, "", 1},
    /* Spending of all programmes. */
    {"total_spending", "spending on all programmes during the year (nominal)", "项目支出合计",
     DP_IND_SPENDING, "yuan", {"spending", "", ""}, NONE_CELL, DP_COST_GAP, NONE_CELL, NONE_CELL,
     "", 0},
    {"total_spending_real", "spending on all programmes during the year in base-year prices",
     "项目支出合计（基年价格）", DP_IND_SPENDING, "yuan", {"spending_real", "", ""}, NONE_CELL,
     DP_COST_GAP, NONE_CELL, NONE_CELL, "", 0},
    LEVEL("central", "central government", "中央财政支出"),
    LEVEL("provincial", "province", "省级财政支出"),
    LEVEL("municipal", "city", "市级财政支出"),
    LEVEL("county", "county or district", "县级财政支出"),
};

#undef IND
#undef NONE_CELL
#undef NO_COST
#undef AT_AMOUNT
#undef SERVED
#undef PAID
#undef LEVEL
/* clang-format on */

enum { N_IND_ROWS = sizeof ind_rows / sizeof ind_rows[0] };

const char *const dp_target_op_text[DP_N_OP] = {">=", ">", "<=", "<", "=="};

const char *const dp_target_field_label[DP_N_TF] = {
    "year", "value", "op", "strict", "binding", "tolerance", "region", "gap_in_yuan"};
const char *const dp_target_field_label_zh[DP_N_TF] = {"年份",   "目标值", "方向", "严格不等",
                                                       "约束性", "容差",   "地区", "差距以元计"};

/* pattern with every '*' replaced by sub, into out[size] (truncated). */
static void
expand(char *out, size_t size, const char *pattern, const char *sub)
{
    size_t o = 0;
    for (const char *c = pattern; *c && o + 1 < size; c++) {
        if (*c == '*') {
            for (const char *s = sub; *s && o + 1 < size; s++) {
                out[o++] = *s;
            }
        } else {
            out[o++] = *c;
        }
    }
    out[o] = '\0';
}

static void
expand_cell(dp_indicator_cell *out, const cell_row *c, const char *sub)
{
    expand(out->table, sizeof out->table, c->table, sub);
    expand(out->label, sizeof out->label, c->label, sub);
    expand(out->label2, sizeof out->label2, c->label2, sub);
}

size_t
dp_indicator_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < N_IND_ROWS; i++) {
        n += ind_rows[i].per_programme ? DP_N_PROG : 1;
    }
    return n;
}

void
dp_indicator_get(size_t i, dp_indicator *out)
{
    memset(out, 0, sizeof *out);
    for (size_t r = 0; r < N_IND_ROWS; r++) {
        const ind_row *row = &ind_rows[r];
        size_t n = row->per_programme ? DP_N_PROG : 1;
        if (i >= n) {
            i -= n;
            continue;
        }
        const char *key = row->per_programme ? dp_prog_key[i] : "";
        const char *zh = row->per_programme ? dp_prog_label_zh[i] : "";
        expand(out->key, sizeof out->key, row->key, key);
        expand(out->name, sizeof out->name, row->name, key);
        expand(out->name_zh, sizeof out->name_zh, row->name_zh, zh);
        expand_cell(&out->num, &row->num, key);
        expand_cell(&out->den, &row->den, key);
        expand_cell(&out->cost_num, &row->cost_num, key);
        expand_cell(&out->cost_den, &row->cost_den, key);
        snprintf(out->programme, sizeof out->programme, "%s", row->programme);
        out->kind = row->kind;
        out->cost = row->cost;
        out->unit = row->unit;
        /* multi_disabled_household counts households; home_renovation's recipients are the
         * homes renovated during the year (tables.c). */
        if (row->per_programme && strcmp(row->unit, "persons") == 0 &&
            (i == DP_PROG_MULTI_HH ||
             (i == DP_PROG_RENOVATION && row->kind == DP_IND_RECIPIENTS))) {
            out->unit = "households";
        }
        /* The gap: a count's own unit; a share's or ratio's numerator's (cash per person: yuan;
         * the coverage rates: persons). */
        if (row->kind == DP_IND_SPENDING || row->kind == DP_IND_RATIO) {
            out->gap_unit = "yuan";
        } else if (row->kind == DP_IND_SHARE) {
            out->gap_unit = "persons";
        } else {
            out->gap_unit = out->unit;
        }
        return;
    }
}

int
dp_indicator_find(const char *key, dp_indicator *out)
{
    dp_indicator ind;
    for (size_t i = 0, n = dp_indicator_count(); i < n; i++) {
        dp_indicator_get(i, &ind);
        if (strcmp(ind.key, key) == 0) {
            if (out) {
                *out = ind;
            }
            return 1;
        }
    }
    return 0;
}

/* Appends text to buf[size] at *len (truncated at the end of buf). */
static void
append(char *buf, size_t size, size_t *len, const char *text)
{
    int w = snprintf(buf + *len, size - *len, "%s", text);
    if (w > 0) {
        *len += (size_t)w < size - *len ? (size_t)w : size - *len - 1;
    }
}

const char *
dp_indicator_names(char *buf, size_t size)
{
    size_t len = 0, n_pattern = 0;
    if (size == 0) {
        return buf;
    }
    buf[0] = '\0';
    for (size_t r = 0; r < N_IND_ROWS; r++) {
        if (!ind_rows[r].per_programme) {
            append(buf, size, &len, len ? ", " : "");
            append(buf, size, &len, ind_rows[r].key);
        }
    }
    append(buf, size, &len, ", or ");
    for (size_t r = 0; r < N_IND_ROWS; r++) {
        if (ind_rows[r].per_programme) {
            char pattern[64];
            expand(pattern, sizeof pattern, ind_rows[r].key, "<programme>");
            append(buf, size, &len, n_pattern++ ? ", " : "");
            append(buf, size, &len, pattern);
        }
    }
    /* Not every programme key: the message would outgrow a line (the scenario names them). */
    append(buf, size, &len, " of a programme (e.g. care_subsidy_recipients)");
    return buf;
}

double
dp_target_default_tolerance(dp_indicator_kind kind)
{
    return kind == DP_IND_PERSONS || kind == DP_IND_RECIPIENTS ? 0.5 : 1e-9;
}

