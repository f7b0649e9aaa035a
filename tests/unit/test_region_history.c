/* tests/unit/test_region_history.c
 *
 * Dated reported figures and province names in region files (model/input/region.c): every
 * field of tests/data/regions/history.yaml comes out as written (defaults where a field is left
 * out: end of year, from = year, exact, quoted); the key-to-unit lookup takes the indicator
 * catalogue and the four extra keys and refuses others; province names are found in English
 * (any case) and Chinese (short and full) and nothing else; a file with several bases gives
 * the base asked for (tests/data/regions/bases.yaml). The bad entries themselves are in
 * tests/data/regions/bad/ (test_region.c checks each message). Run from the repository root.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dp_test.h"
#include "input/reference.h"
#include "input/region.h"

static void
test_history_fields(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_region_input r;
    assert_int_equal(dp_region_load(ctx, "tests/data/regions/history.yaml", &r), DP_OK);
    /* The file's 黑龙江省 is stored in its English form. */
    assert_string_equal(r.province, "Heilongjiang");
    assert_int_equal(r.n_reported, 8);
    const dp_reported *e = r.reported;
    /* 1: a month within the year, derived. */
    assert_string_equal(e[0].key, "care_subsidy_recipients");
    assert_close(e[0].value, 1073, 0, 0);
    assert_int_equal(e[0].year, 2017);
    assert_int_equal(e[0].month, 3);
    assert_int_equal(e[0].mid, 0);
    assert_int_equal(e[0].from, 2017);
    assert_int_equal(e[0].bound, DP_BOUND_EXACT);
    assert_int_equal(e[0].status, DP_REP_DERIVED);
    assert_string_equal(e[0].source, "s1");
    /* 2: mid-year is the end of June; a lower bound; status left out = quoted. */
    assert_int_equal(e[1].year, 2019);
    assert_int_equal(e[1].month, 6);
    assert_int_equal(e[1].mid, 1);
    assert_int_equal(e[1].bound, DP_BOUND_LOWER);
    assert_int_equal(e[1].status, DP_REP_QUOTED);
    assert_string_equal(e[1].source, "");
    /* 3: at: end written out is the default, month 12; an upper bound, an assumption. */
    assert_int_equal(e[2].month, 12);
    assert_int_equal(e[2].mid, 0);
    assert_int_equal(e[2].bound, DP_BOUND_UPPER);
    assert_int_equal(e[2].status, DP_REP_ASSUMPTION);
    /* 4, 5: totals over 2016-2020. */
    assert_string_equal(e[3].unit, "households");
    assert_int_equal(e[3].from, 2016);
    assert_int_equal(e[3].year, 2020);
    assert_int_equal(e[3].month, 12);
    assert_string_equal(e[4].unit, "person-times");
    assert_int_equal(e[4].status, DP_REP_NOT_VERIFIED);
    /* 6: a share; 7: an extra key; 8: a total to a month, in yuan. */
    assert_close(e[5].value, 0.882, 0, 0);
    assert_string_equal(e[6].key, "dibao_certified");
    assert_close(e[7].value, 1.33e6, 0, 0);
    assert_int_equal(e[7].from, 2016);
    assert_int_equal(e[7].year, 2017);
    assert_int_equal(e[7].month, 3);
    dp_region_clear(&r);
    assert_null(r.reported);
    dp_region_clear(NULL); /* allowed */
    dp_ctx_free(ctx);
}

static void
test_history_key_units(void **state)
{
    (void)state;
    /* Units of the indicator catalogue (model/input/indicators.c rows). */
    assert_string_equal(dp_reported_key_unit("certified"), "persons");
    assert_string_equal(dp_reported_key_unit("care_subsidy_recipients"), "persons");
    assert_string_equal(dp_reported_key_unit("home_renovation_recipients"), "households");
    assert_string_equal(dp_reported_key_unit("renovations_cumulative"), "households");
    assert_string_equal(dp_reported_key_unit("employed_certified"), "persons");
    assert_string_equal(dp_reported_key_unit("rehab_person_times"), "person-times");
    assert_string_equal(dp_reported_key_unit("total_spending"), "yuan");
    assert_string_equal(dp_reported_key_unit("pension_participation"), "share");
    /* The four extra keys. */
    assert_string_equal(dp_reported_key_unit("dibao_certified"), "persons");
    assert_string_equal(dp_reported_key_unit("pension_participants"), "persons");
    assert_string_equal(dp_reported_key_unit("medical_participants"), "persons");
    assert_string_equal(dp_reported_key_unit("rehab_recipients"), "persons");
    /* Quantities the model does not compute, and the old free-form names. */
    assert_null(dp_reported_key_unit("disabled_persons"));
    assert_null(dp_reported_key_unit("poverty_lifted_2016_2020"));
    assert_null(dp_reported_key_unit("Certified"));
    assert_null(dp_reported_key_unit(""));
}

static void
test_history_provinces(void **state)
{
    (void)state;
    /* 31 provinces + Hong Kong, Macau, Taiwan + China = 35 names, in docs/scenarios.md order. */
    static const char *const en[] = {
        "Beijing",   "Tianjin", "Hebei",     "Shanxi",   "Inner Mongolia", "Liaoning",
        "Jilin",     "Heilongjiang", "Shanghai", "Jiangsu", "Zhejiang",     "Anhui",
        "Fujian",    "Jiangxi", "Shandong",  "Henan",    "Hubei",          "Hunan",
        "Guangdong", "Guangxi", "Hainan",    "Chongqing", "Sichuan",       "Guizhou",
        "Yunnan",    "Tibet",   "Shaanxi",   "Gansu",    "Qinghai",        "Ningxia",
        "Xinjiang",  "Hong Kong", "Macau",   "Taiwan",   "China"};
    for (size_t p = 0; p < sizeof en / sizeof en[0]; p++) {
        assert_int_equal(dp_province_find(en[p]), (int)p);
    }
    assert_int_equal(dp_province_find("jilin"), 6);
    assert_int_equal(dp_province_find("SHANGHAI"), 8);
    assert_int_equal(dp_province_find("吉林"), 6);
    assert_int_equal(dp_province_find("吉林省"), 6);
    assert_int_equal(dp_province_find("浙江省"), 10);
    assert_int_equal(dp_province_find("广西壮族自治区"), 19);
    assert_int_equal(dp_province_find("全国"), 34);
    /* Shanxi and Shaanxi are two provinces, not one spelling. */
    assert_int_equal(dp_province_find("Shaanxi"), 26);
    assert_int_equal(dp_province_find("Shanxi"), 3);
    assert_int_equal(dp_province_find("Jilinn"), -1);
    assert_int_equal(dp_province_find("all"), -1);
    assert_int_equal(dp_province_find(""), -1);
    assert_int_equal(dp_province_find("吉"), -1);
}

/* bases: every base is read; the one asked for is kept, else the latest. Values: the numbers
 * written in tests/data/regions/bases.yaml. */
static void
test_history_bases(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_region_input r;
    assert_int_equal(dp_region_load_base(ctx, "tests/data/regions/bases.yaml", 2017, &r), DP_OK);
    assert_int_equal(r.base_year, 2017);
    assert_int_equal(r.n_base, 2);
    assert_int_equal(r.base_years[0], 2017);
    assert_int_equal(r.base_years[1], 2020);
    assert_close(r.population, 110000, 0, 0);
    assert_close(r.birth_rate, 0.007, 0, 0);
    assert_close(r.migration_rate, -0.01, 0, 0);
    assert_close(r.disabled_total, 7000, 0, 0);
    assert_close(r.marginal[DP_MARG_CERTIFIED], 3000, 0, 0);
    assert_close(r.recipients[DP_PROG_CARE], 900, 0, 0);
    assert_true(isnan(r.age_share[0]));
    assert_int_equal(r.n_reported, 1);
    dp_region_clear(&r);

    /* 2020: its own figures; what it leaves out is NAN, not 2017's. */
    assert_int_equal(dp_region_load_base(ctx, "tests/data/regions/bases.yaml", 2020, &r), DP_OK);
    assert_int_equal(r.base_year, 2020);
    assert_close(r.population, 100000, 0, 0);
    assert_close(r.age_share[2], 0.3, 0, 0);
    assert_close(r.disabled_total, 6000, 0, 0);
    assert_true(isnan(r.marginal[DP_MARG_CERTIFIED]));
    assert_true(isnan(r.recipients[DP_PROG_CARE]));
    dp_region_clear(&r);

    /* A year the file lacks, or 0 (dp_region_load): the latest base. */
    assert_int_equal(dp_region_load_base(ctx, "tests/data/regions/bases.yaml", 2019, &r), DP_OK);
    assert_int_equal(r.base_year, 2020);
    dp_region_clear(&r);
    assert_int_equal(dp_region_load(ctx, "tests/data/regions/bases.yaml", &r), DP_OK);
    assert_int_equal(r.base_year, 2020);
    dp_region_clear(&r);

    /* A one-base file lists its base year. */
    assert_int_equal(dp_region_load_base(ctx, "tests/data/regions/daan.yaml", 2017, &r), DP_OK);
    assert_int_equal(r.base_year, 2020);
    assert_int_equal(r.n_base, 1);
    assert_int_equal(r.base_years[0], 2020);
    dp_region_clear(&r);
    dp_ctx_free(ctx);
}

/* A province written in Chinese reaches the provincial type shares: the stored English name
 * is the one data/reference's table is keyed by (Heilongjiang's physical share 41.90% of the
 * seven QUOTED percentages, which sum to 100.00). */
static void
test_history_province_shares(void **state)
{
    (void)state;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_reference *ref = NULL;
    dp_region_input r;
    assert_int_equal(dp_reference_load(ctx, dp_test_data_dir(), &ref), DP_OK);
    assert_int_equal(dp_region_load(ctx, "tests/data/regions/history.yaml", &r), DP_OK);
    const double *shares = dp_reference_type_share(ref, r.province);
    assert_ptr_not_equal(shares, ref->type_share);
    assert_close(shares[DP_PHYSICAL], 0.4190, 1e-9, 0.0);
    dp_region_clear(&r);
    dp_reference_free(ref);
    dp_ctx_free(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_fields),
        cmocka_unit_test(test_history_key_units),
        cmocka_unit_test(test_history_provinces),
        cmocka_unit_test(test_history_bases),
        cmocka_unit_test(test_history_province_shares),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
