/* tests/unit/test_reference.c
 *
 * Unit tests of dp_reference (reference.h): the single-age life table built from WPP 2024 and
 * checked against WPP's own e0, the 2006 survey structure, the provincial lookup, provenance,
 * and input errors. The group setup loads data/ (or $DPSIM_DATA) once. Expected values come from
 * the quoted figures (typed from shared/data/SOURCES.md and the CSVs), hand calculations and
 * closed forms, each named at the assertion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dp_test.h"
#include "core/ctx.h"
#include "input/reference.h"

typedef struct {
    dp_ctx *ctx;
    dp_reference *ref;
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->ctx = dp_ctx_alloc())) {
        free(f);
        return -1;
    }
    if (dp_reference_load(f->ctx, dp_test_data_dir(), &f->ref) != DP_OK) {
        fprintf(stderr, "dp_reference_load: %s\n", dp_ctx_errmsg(f->ctx));
        dp_ctx_free(f->ctx);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    dp_reference_free(f->ref);
    dp_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* WPP 2024 e0 for 2015-20 .. 2030-35, QUOTED in SOURCES.md section 4a. */
static const double wpp_e0[4][DP_N_SEX] = {
    {74.83, 80.40}, {75.37, 81.01}, {76.67, 81.98}, {77.87, 82.79}};

/* Life-table central rate of ages [from, from + n) from q, with a constant force within each
 * year of age: the identity nMx = nDx / nLx with d = l q, m = -log(1 - q) and L = d / m. */
static double
central_rate(const dp_reference *ref, int year, size_t sex, size_t from, size_t n)
{
    double l = 1.0;
    double deaths = 0.0;
    double py = 0.0;
    for (size_t age = from; age < from + n; age++) {
        double q = dp_reference_q(ref, year, sex, age);
        double d = l * q;
        deaths += d;
        py += d / -log1p(-q);
        l -= d;
    }
    return deaths / py;
}

static void
test_reference_e0_table_is_the_quoted_one(void **state)
{
    const fixture *f = *state;
    for (size_t k = 0; k < 4; k++) {
        for (size_t sex = 0; sex < DP_N_SEX; sex++) {
            assert_close(f->ref->e0_wpp[k][sex], wpp_e0[k][sex], 0.0, 1e-12); /* SOURCES §4a */
        }
    }
}

/* WPP periods run 1 July to 30 June, so a period's centre (1 January 2018 for 2015-2020) lies
 * between calendar years 2017 and 2018, whose mid-years are 2017.5 and 2018.5: the mean of
 * their e0 is the life table at the centre. It must reproduce WPP's e0 within 0.1 year. */
static void
test_reference_e0_reproduces_wpp_at_period_centres(void **state)
{
    const fixture *f = *state;
    static const int year[4] = {2018, 2023, 2028, 2033};
    for (size_t k = 0; k < 4; k++) {
        for (size_t sex = 0; sex < DP_N_SEX; sex++) {
            double e0 = 0.5 * (dp_reference_e0(f->ref, year[k] - 1, sex) +
                               dp_reference_e0(f->ref, year[k], sex));
            assert_close(e0, wpp_e0[k][sex], 0.0, 0.1); /* WPP e0, SOURCES §4a */
        }
    }
}

/* The single calendar years 2018, 2023, 2028, 2033 lie half a year past the centres, so their
 * e0 may differ from the period's by the method tolerance 0.1 plus half a year of WPP's own e0
 * trend (the change to the next period / 5 years; the last period has no next one, and the
 * table is constant after its centre). */
static void
test_reference_e0_of_single_years_near_wpp(void **state)
{
    const fixture *f = *state;
    static const int year[4] = {2018, 2023, 2028, 2033};
    for (size_t k = 0; k < 4; k++) {
        for (size_t sex = 0; sex < DP_N_SEX; sex++) {
            double trend = k < 3 ? (wpp_e0[k + 1][sex] - wpp_e0[k][sex]) / 5.0 : 0.0;
            double e0 = dp_reference_e0(f->ref, year[k], sex);
            assert_close(e0, wpp_e0[k][sex], 0.0, 0.1 + 0.5 * trend);
        }
    }
}

static void
test_reference_q_in_unit_interval_and_rising_after_30(void **state)
{
    const fixture *f = *state;
    assert_int_equal(f->ref->year0, 2015);
    assert_int_equal(f->ref->n_year, 21); /* 2015..2035 */
    for (int year = 2015; year <= 2035; year++) {
        for (size_t sex = 0; sex < DP_N_SEX; sex++) {
            for (size_t age = 0; age <= DP_MAX_AGE; age++) {
                double q = dp_reference_q(f->ref, year, sex, age);
                if (!(q > 0.0 && q < 1.0)) {
                    fail_msg("q(%d, %zu, %zu) = %g not in (0, 1)", year, sex, age, q);
                }
                if (age > 30 && !(q > dp_reference_q(f->ref, year, sex, age - 1))) {
                    fail_msg("q(%d, %zu, %zu) = %g not above q at age %zu", year, sex, age, q,
                             age - 1);
                }
            }
        }
    }
}

/* Before the first period centre the 2015-2020 rates apply unchanged, so the life-table rate
 * of each five-year group equals the quoted mx. */
static void
test_reference_group_keeps_quoted_mx(void **state)
{
    const fixture *f = *state;
    /* Male 60-64, 2015-2020: mx 0.01485116 (china_mx_qx_wpp2024_5yr.csv). */
    assert_close(central_rate(f->ref, 2016, DP_MALE, 60, 5), 0.01485116, 1e-9, 0.0);
    /* Male 30-34, 2015-2020: 0.00105759. */
    assert_close(central_rate(f->ref, 2015, DP_MALE, 30, 5), 0.00105759, 1e-9, 0.0);
    /* Female 80-84, 2030-2035 (after the last centre): 0.05742946. */
    assert_close(central_rate(f->ref, 2035, DP_FEMALE, 80, 5), 0.05742946, 1e-9, 0.0);
    /* Year 2020 is halfway between the centres 2017.5 and 2022.5: log-linear interpolation
     * gives the geometric mean of male 60-64's 0.01485116 and 0.01442388. */
    assert_close(central_rate(f->ref, 2020, DP_MALE, 60, 5), sqrt(0.01485116 * 0.01442388), 1e-9,
                 0.0);
}

static void
test_reference_q_closed_forms_at_the_ends(void **state)
{
    const fixture *f = *state;
    /* Age 0 with a0 = 0.1: q = m / (1 + 0.9 m), male 2015-2020 m0 = 0.00783544. */
    double m0 = 0.00783544;
    assert_close(dp_reference_q(f->ref, 2016, DP_MALE, 0), m0 / (1.0 + 0.9 * m0), 1e-12, 0.0);
    /* Ages 1-4 keep the quoted 4m1 = 0.00045297 as a constant force: q = 1 - exp(-m) at each. */
    double m1 = 0.00045297;
    for (size_t age = 1; age <= 4; age++) {
        assert_close(dp_reference_q(f->ref, 2016, DP_MALE, age), -expm1(-m1), 1e-12, 0.0);
    }
    /* Open group, constant force: q = 1 - exp(-m), female 2030-2035 m = 0.48298987. */
    assert_close(dp_reference_q(f->ref, 2034, DP_FEMALE, 100), 1.0 - exp(-0.48298987), 1e-12, 0.0);
    /* Years outside 2015..2035 take the nearest covered year; ages above 100 the open group. */
    assert_close(dp_reference_q(f->ref, 1990, DP_MALE, 50),
                 dp_reference_q(f->ref, 2015, DP_MALE, 50), 0.0, 0.0);
    assert_close(dp_reference_q(f->ref, 2060, DP_FEMALE, 70),
                 dp_reference_q(f->ref, 2035, DP_FEMALE, 70), 0.0, 0.0);
    assert_close(dp_reference_q(f->ref, 2020, DP_MALE, 105),
                 dp_reference_q(f->ref, 2020, DP_MALE, 100), 0.0, 0.0);
}

static void
test_reference_survey_structure(void **state)
{
    const dp_reference *ref = ((const fixture *)*state)->ref;
    double sum = 0.0;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        sum += ref->type_share[t];
    }
    assert_close(sum, 1.0, 0.0, 1e-12);                                      /* shares of a whole */
    assert_close(ref->type_share[DP_VISUAL], 1233.0 / 8296.0, 1e-12, 0.0);   /* counts, §1a */
    assert_close(ref->type_share[DP_PHYSICAL], 2412.0 / 8296.0, 1e-12, 0.0); /* counts, §1a */
    assert_close(ref->severe_share, 0.2962, 0.0, 1e-12);                     /* quoted 29.62% */
    assert_close(ref->male_share, 0.5155, 0.0, 1e-12);                       /* quoted 51.55% */
    /* Beijing grade split: 15.95 / (15.95 + 10.49) and 28.09 / (28.09 + 45.47). */
    assert_close(ref->grade_within[0], 15.95 / 26.44, 1e-12, 0.0);
    assert_close(ref->grade_within[2], 28.09 / 73.56, 1e-12, 0.0);
    assert_close(ref->grade_within[0] + ref->grade_within[1], 1.0, 0.0, 1e-12);
    assert_close(ref->grade_within[2] + ref->grade_within[3], 1.0, 0.0, 1e-12);
    /* Zheng 2008: speech > 65%, mental > 45% severe; others unpublished. */
    assert_close(ref->severe_share_type[DP_SPEECH], 0.65, 0.0, 1e-12);
    assert_close(ref->severe_share_type[DP_MENTAL], 0.45, 0.0, 1e-12);
    assert_true(isnan(ref->severe_share_type[DP_VISUAL]));
    assert_true(isnan(ref->severe_share_type[DP_MULTIPLE]));
    /* Age groups: counts 387, 3493, 4416 of 8296; prevalence scaled column 1.51, 3.86, 29.96%. */
    assert_close(ref->agegroup_share[0], 387.0 / 8296.0, 1e-12, 0.0);
    assert_close(ref->agegroup_share[2], 4416.0 / 8296.0, 1e-12, 0.0);
    assert_close(ref->agegroup_prevalence[0], 0.0151, 0.0, 1e-12);
    assert_close(ref->agegroup_prevalence[1], 0.0386, 0.0, 1e-12);
    assert_close(ref->agegroup_prevalence[2], 0.2996, 0.0, 1e-12);
}

static void
test_reference_provincial_type_shares(void **state)
{
    const dp_reference *ref = ((const fixture *)*state)->ref;
    assert_int_equal(ref->n_province, 2); /* Heilongjiang and Shanghai have type rows */
    const double *hlj = dp_reference_type_share(ref, "Heilongjiang");
    assert_ptr_not_equal(hlj, ref->type_share);
    assert_close(hlj[DP_PHYSICAL], 0.4190, 0.0, 1e-9);                   /* quoted 41.90%, dbw.cn */
    assert_close(hlj[DP_SPEECH], 0.0137, 0.0, 1e-9);                     /* quoted 1.37% */
    assert_ptr_equal(dp_reference_type_share(ref, "heilongjiang"), hlj); /* case-insensitive */
    const double *sh = dp_reference_type_share(ref, "Shanghai");
    double sum = 0.0;
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        sum += sh[t];
    }
    assert_close(sum, 1.0, 0.0, 1e-12);
    assert_close(sh[DP_HEARING], 0.2749, 0.0, 1e-9); /* quoted 27.49%, castglobal 1382 */
    /* Jilin and Zhejiang have no type breakdown; unknown names and NULL give the nation. */
    assert_ptr_equal(dp_reference_type_share(ref, "Jilin"), ref->type_share);
    assert_ptr_equal(dp_reference_type_share(ref, "Atlantis"), ref->type_share);
    assert_ptr_equal(dp_reference_type_share(ref, NULL), ref->type_share);
}

/* The national age table (constructed, ASSUMPTION) has the census figures it was raked to:
 * total 1,411,778,724, broad shares 17.95 / 63.35 / 18.70%, sex ratio 105.07 (within the
 * rounding of 42 rows to whole persons). */
static void
test_reference_national_age_table(void **state)
{
    const dp_reference *ref = ((const fixture *)*state)->ref;
    double all = 0.0, broad[3] = {0}, sex[2] = {0};
    for (size_t s = 0; s < DP_N_SEX; s++) {
        for (size_t g = 0; g < 21; g++) {
            double v = ref->pop5[s][g];
            assert_true(v > 0.0);
            all += v;
            sex[s] += v;
            broad[g < 3 ? 0 : (g < 12 ? 1 : 2)] += v;
        }
    }
    assert_close(all, 1411778724.0, 0.0, 21.0);
    assert_close(broad[0] / all, 0.1795, 0.0, 1e-7);
    assert_close(broad[1] / all, 0.6335, 0.0, 1e-7);
    assert_close(broad[2] / all, 0.1870, 0.0, 1e-7);
    assert_close(100.0 * sex[0] / sex[1], 105.07, 0.0, 1e-5);
}

static void
test_reference_records_inputs(void **state)
{
    const dp_reference *ref = ((const fixture *)*state)->ref;
    assert_int_equal(ref->n_input, 8); /* the eight tables listed in reference.c */
    for (size_t i = 0; i < ref->n_input; i++) {
        assert_non_null(strstr(ref->input_path[i], "/reference/"));
        assert_int_equal(strlen(ref->input_sha256[i]), 64);
        assert_int_equal(strspn(ref->input_sha256[i], "0123456789abcdef"), 64);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(ref->input_sha256[i], ref->input_sha256[j]);
        }
    }
    assert_non_null(strstr(ref->input_path[0], "china_mx_qx_wpp2024_5yr.csv"));
}

/* A data directory whose life-table file holds text instead of a rate. */
static void
test_reference_bad_input_names_file_line_col(void **state)
{
    fixture *f = *state;
    char dir[] = "/tmp/dpsim_test_ref_XXXXXX";
    char sub[64];
    char path[128];
    dp_reference *ref = NULL;

    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/reference", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/china_mx_qx_wpp2024_5yr.csv", sub);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("# test\nperiod,sex,age_start,width_years,mx_quoted\n2015-2020,male,0,1,abc\n", fp);
    fclose(fp);
    assert_int_equal(dp_reference_load(f->ctx, dir, &ref), DP_EINPUT);
    assert_null(ref);
    /* "abc" is on line 3 after "2015-2020,male,0,1," (19 characters): column 20. */
    char want[256];
    snprintf(want, sizeof want, "%s:3:20: column 'mx_quoted': expected a number", path);
    assert_memory_equal(dp_ctx_errmsg(f->ctx), want, strlen(want));

    /* One valid row only: every other (period, sex, age group) is missing. */
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("period,sex,age_start,width_years,mx_quoted\n2015-2020,male,0,1,0.0078\n", fp);
    fclose(fp);
    assert_int_equal(dp_reference_load(f->ctx, dir, &ref), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "no mx for period"));

    unlink(path);
    rmdir(sub);
    rmdir(dir);

    /* No data directory at all. */
    assert_int_equal(dp_reference_load(f->ctx, "/nonexistent/dpsim", &ref), DP_EINPUT);
    assert_non_null(strstr(dp_ctx_errmsg(f->ctx), "/nonexistent/dpsim/reference/"));
    dp_reference_free(NULL); /* no-op */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_e0_table_is_the_quoted_one),
        cmocka_unit_test(test_reference_e0_reproduces_wpp_at_period_centres),
        cmocka_unit_test(test_reference_e0_of_single_years_near_wpp),
        cmocka_unit_test(test_reference_q_in_unit_interval_and_rising_after_30),
        cmocka_unit_test(test_reference_group_keeps_quoted_mx),
        cmocka_unit_test(test_reference_q_closed_forms_at_the_ends),
        cmocka_unit_test(test_reference_survey_structure),
        cmocka_unit_test(test_reference_provincial_type_shares),
        cmocka_unit_test(test_reference_records_inputs),
        cmocka_unit_test(test_reference_national_age_table),
        cmocka_unit_test(test_reference_bad_input_names_file_line_col),
    };
    return cmocka_run_group_tests_name("reference", tests, setup, teardown);
}
