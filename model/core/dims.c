/* model/core/dims.c
 *
 * Labels of the model's dimensions, in English and Chinese (the terms of the plans, see
 * shared/seeds/PLANS.md). Read-only tables; no state.
 */
#include "core/dims.h"

const char *const dp_sex_label[DP_N_SEX] = {"male", "female"};
const char *const dp_sex_label_zh[DP_N_SEX] = {"男", "女"};
const char *const dp_type_label[DP_N_TYPE] = {"visual",       "hearing", "speech",  "physical",
                                              "intellectual", "mental",  "multiple"};
const char *const dp_type_label_zh[DP_N_TYPE] = {"视力", "听力", "言语", "肢体",
                                                 "智力", "精神", "多重"};
const char *const dp_grade_label[DP_N_GRADE] = {"grade1", "grade2", "grade3", "grade4"};
const char *const dp_grade_label_zh[DP_N_GRADE] = {"一级", "二级", "三级", "四级"};
const char *const dp_cert_label[DP_N_CERT] = {"uncertified", "certified"};
const char *const dp_cert_label_zh[DP_N_CERT] = {"未持证", "持证"};
const char *const dp_hh_label[DP_N_HH] = {"dibao", "marginal", "other"};
const char *const dp_hh_label_zh[DP_N_HH] = {"低保", "低保边缘", "其他"};
