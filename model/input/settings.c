/* model/input/settings.c
 *
 * The resolved settings of a scenario as a table of the results (settings.h): every key path
 * of the scenario key table (dp_params_describe) with the value in force each year, labelled
 * in Chinese segment by segment. The engines add it to every result; dpsim compare reads it
 * back to say what changed between two scenarios.
 */
#include "input/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dims.h"
#include "input/scenario.h"

#define NO_AXIS ((size_t)-1)

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
    {"rate", "年率"},
    {"take_up", "领取率"},
    {"monthly_indexed", "调整后月标准"},
    {"enabled", "启用"},
    {"marginal_from", "扩至低保边缘起始年"},
    {"years", "年份"},
    {"start", "起始"},
    {"end", "结束"},
    {"economy", "经济"},
    {"cpi", "居民消费价格涨幅"},
    {"dibao", "低保"},
    {"marginal", "低保边缘"},
    {"standard", "标准"},
    {"consumption", "人均消费支出"},
    {"consumption_share", "占人均消费支出比例"},
    {"consumption_growth", "人均消费支出增长率"},
    {"budget", "预算"},
    {"ceiling", "总额上限"},
    {"yearly", "年标准"},
    {"unit_cost", "单位成本"},
    {"yearly_indexed", "调整后年标准"},
    {"unit_cost_indexed", "调整后单位成本"},
    {"kind", "方式"},
    {"dibao_share", "占低保标准比例"},
    {"floor", "保底标准"},
    {"take_up_lag", "申领滞后年数"},
    {"eligibility", "资格条件"},
    {"types", "残疾类别"},
    {"grades", "残疾等级"},
    {"households", "家庭户"},
    {"ages", "年龄"},
    {"min", "下限"},
    {"max", "上限"},
    {"certified", "需持证"},
    {"age_max", "年龄上限"},
    {"extensions", "扩面规则数"},
    {"coverage", "覆盖率目标"},
    {"need", "需求比例"},
    {"children", "儿童"},
    {"working", "劳动年龄"},
    {"older", "老年"},
    {"capacity", "服务能力"},
    {"budget_cap", "预算上限"},
    {"funding", "资金分担比例"},
    {"central", "中央"},
    {"provincial", "省级"},
    {"municipal", "市级"},
    {"county", "县级"},
    {"single_person", "单人户纳入低保"},
    {"from", "起始年"},
    {"share", "比例"},
    {"members", "户均残疾人数"},
    {"away", "异地康复"},
    {"cycle", "更换周期"},
    {"base_coverage", "基年覆盖率"},
    {"participation", "未资助者参保率"},
    {"person_times", "人均康复服务人次"},
    {"base_rate", "基年就业率"},
    {"type_factor", "按类别就业系数"},
    {"grade_factor", "按等级就业系数"},
    {"exit_rate", "离职率"},
    {"entry_multiplier", "就业进入乘数"},
    {"training", "培训"},
    {"trainees", "培训人数"},
    {"cost", "人均成本"},
    {"posts", "公益性岗位"},
    {"number", "数量"},
    {"awards", "超比例就业奖励"},
    {"amount", "金额"},
    {"phase_out", "低保渐退"},
    {"full_months", "全额月数"},
    {"partial_months", "减发月数"},
    {"fraction", "比例"},
    {"benefit_share", "低保金占标准比例"},
    {"overlaps", "重叠规则数"},
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

dp_status
dp_settings_add(dp_ctx *ctx, dp_results *res, const dp_params *p)
{
    static const char *const ax[] = {"setting", "year", NULL};
    dp_status rc = DP_OK;
    dp_setting *set = NULL;
    const char **lab = NULL, **zlab = NULL;
    char(*zh)[192] = NULL;
    dp_table *t = NULL;
    size_t n_set = 0, got = 0;
    size_t ya = dp_results_find_axis(res, "year");
    if (ya == NO_AXIS || !res->axis[ya].value) {
        return dp_error(ctx, DP_EINTERNAL, "settings: the results have no numeric year axis");
    }
    const dp_axis *years = &res->axis[ya];
    if ((rc = dp_params_describe(ctx, p, p->year_start, NULL, 0, &n_set)) != DP_OK) {
        return rc;
    }
    set = malloc((n_set ? n_set : 1) * sizeof *set);
    lab = malloc((n_set ? n_set : 1) * sizeof *lab);
    if (!set || !lab) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the settings table");
        goto out;
    }
    if ((rc = dp_params_describe(ctx, p, p->year_start, set, n_set, &got)) != DP_OK) {
        goto out;
    }
    zh = malloc((n_set ? n_set : 1) * sizeof *zh);
    zlab = malloc((n_set ? n_set : 1) * sizeof *zlab);
    if (!zh || !zlab) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory for the settings table");
        goto out;
    }
    for (size_t s = 0; s < n_set; s++) {
        lab[s] = set[s].path;
        dp_key_label_zh(set[s].path, zh[s], sizeof zh[s]);
        zlab[s] = zh[s];
    }
    if ((rc = dp_results_add_axis(ctx, res, "setting", n_set, lab, zlab, NULL, NULL)) != DP_OK ||
        (rc = dp_results_add_table(ctx, res, "settings", "value",
                                   "resolved scenario settings in force each year (NaN: the "
                                   "key's word, e.g. calibrated)",
                                   "各年生效的情景参数", 0, ax, &t)) != DP_OK) {
        goto out;
    }
    for (size_t yi = 0; yi < years->n; yi++) {
        if ((rc = dp_params_describe(ctx, p, (int)years->value[yi], set, n_set, &got)) != DP_OK) {
            goto out;
        }
        for (size_t s = 0; s < n_set; s++) {
            t->data[s * years->n + yi] = set[s].value;
        }
    }
out:
    free(set);
    free(lab);
    free(zlab);
    free(zh);
    return rc;
}

