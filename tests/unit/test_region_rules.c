/* tests/unit/test_region_rules.c
 *
 * Eligibility by region (issue 4): an extension limited with `regions:` applies in those
 * regions only. Three scenarios on two regions (Da'an, Huzhong) run with the cohort engine:
 * without the extension, with a care-subsidy extension to grade-3 intellectual disability from
 * 2023 in every region, and with the same extension limited to Huzhong. Expected by identity:
 * the limited run equals the no-extension run in Da'an and the unlimited run in Huzhong, bit
 * for bit, in every year and table cell of the care subsidy; the region classes are 1, 1 and 2.
 * Also the loader's refusal of an unknown region in `regions:`.
 */
#include "dp_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "engines/tables.h"
#include "input/scenario.h"

static const char base_text[] = "dpsim: 1\n"
                                "name: regional\n"
                                "regions: [daan, huzhong]\n"
                                "years: {start: 2021, end: 2026}\n"
                                "programmes:\n"
                                "  care_subsidy:\n"
                                "    monthly: {grade1: 100, grade2: 100, grade3: 80}\n";

/* Writes base_text plus extra to a temporary file and loads it; NULL on a load error (the
 * message stays in ctx). */
static dp_scenario *
load(dp_ctx *ctx, const char *extra)
{
    char path[] = "/tmp/dpsim_region_rulesXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(base_text, fp);
    fputs(extra, fp);
    fclose(fp);
    dp_scenario *s = NULL;
    dp_status rc = dp_scenario_load(ctx, path, dp_test_data_dir(), &s);
    unlink(path);
    return rc == DP_OK ? s : NULL;
}

static dp_results *
run(dp_ctx *ctx, const dp_reference *ref, const dp_scenario *s, size_t *n_class)
{
    dp_model *m = NULL;
    dp_results *res = NULL;
    const dp_params *p = dp_scenario_params(s);
    size_t cls[2];
    if (dp_model_alloc(ctx, p, ref, dp_scenario_region(s, 0), dp_scenario_n_region(s), &m) !=
            DP_OK ||
        dp_cohort_run(ctx, m, &(dp_engine_opts){1, 1}, &res) != DP_OK) {
        fail_msg("%s", dp_ctx_errmsg(ctx));
    }
    *n_class = dp_prog_region_classes(p, 2, cls);
    dp_model_free(m);
    return res;
}

/* 1 if the care subsidy's cells of region reg are identical in a and b in every year, in the
 * pipeline, recipients and spending tables. */
static int
same_care(const dp_results *a, const dp_results *b, size_t reg)
{
    static const char *const tables[] = {"pipeline", "recipients", "spending", "person_months"};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        const dp_table *ta = dp_results_find(a, tables[t]), *tb = dp_results_find(b, tables[t]);
        size_t per_slot = ta->size / (6 * 2); /* 6 years x 2 regions */
        size_t per_prog = per_slot / DP_N_PROG;
        for (size_t yi = 0; yi < 6; yi++) {
            size_t off = (yi * 2 + reg) * per_slot + DP_PROG_CARE * per_prog;
            if (memcmp(ta->data + off, tb->data + off, per_prog * sizeof(double)) != 0) {
                return 0;
            }
        }
    }
    return 1;
}

static void
test_extension_limited_to_a_region(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    dp_ctx *ctx = dp_ctx_alloc();
    dp_reference *ref = NULL;
    assert_int_equal(dp_reference_load(ctx, dp_test_data_dir(), &ref), DP_OK);
    dp_scenario *none = load(ctx, "");
    dp_scenario *all = load(ctx, "    extensions:\n"
                                 "      - {from: 2023, types: [intellectual], grades: [3]}\n");
    dp_scenario *hz = load(ctx, "    extensions:\n"
                                "      - {from: 2023, types: [intellectual], grades: [3], "
                                "regions: [huzhong]}\n");
    assert_non_null(none);
    assert_non_null(all);
    assert_non_null(hz);
    const dp_rule *r = &dp_scenario_params(hz)->prog[DP_PROG_CARE].rule[1];
    assert_int_equal(r->n_region, 1);
    assert_int_equal(r->region[0], 1); /* huzhong is the second region of the list */
    size_t c_none, c_all, c_hz;
    dp_results *r_none = run(ctx, ref, none, &c_none);
    dp_results *r_all = run(ctx, ref, all, &c_all);
    dp_results *r_hz = run(ctx, ref, hz, &c_hz);
    assert_int_equal(c_none, 1);
    assert_int_equal(c_all, 1);
    assert_int_equal(c_hz, 2);
    /* Da'an (region 0) as without the extension, Huzhong (1) as with it everywhere. */
    assert_true(same_care(r_hz, r_none, 0));
    assert_true(same_care(r_hz, r_all, 1));
    /* And the extension does change Huzhong from 2023 (else the test would prove nothing). */
    assert_false(same_care(r_all, r_none, 1));
    const dp_table *pl_all = dp_results_find(r_all, "pipeline");
    const dp_table *pl_none = dp_results_find(r_none, "pipeline");
    size_t slot = DP_N_PROG * DP_N_STAGE, at = DP_PROG_CARE * DP_N_STAGE + DP_STAGE_ELIGIBLE;
    /* 2022 (yi 1) equal, 2023 (yi 2) larger in Huzhong. */
    assert_true(pl_all->data[(1 * 2 + 1) * slot + at] == pl_none->data[(1 * 2 + 1) * slot + at]);
    assert_true(pl_all->data[(2 * 2 + 1) * slot + at] > pl_none->data[(2 * 2 + 1) * slot + at]);
    dp_results_free(r_none);
    dp_results_free(r_all);
    dp_results_free(r_hz);
    dp_scenario_free(none);
    dp_scenario_free(all);
    dp_scenario_free(hz);

    /* An unknown region: refused at the item, with a hint. */
    assert_null(load(ctx, "    extensions:\n"
                          "      - {from: 2023, grades: [3], regions: [huzhog]}\n"));
    const char *msg = dp_ctx_errmsg(ctx);
    assert_non_null(strstr(msg, ":9:45: programmes.care_subsidy.extensions[1].regions[1]: "
                                "expected one of the scenario's regions (daan, huzhong)"));
    assert_non_null(strstr(msg, "did you mean 'huzhong'?"));
    dp_reference_free(ref);
    dp_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extension_limited_to_a_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
