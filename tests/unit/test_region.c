/* tests/unit/test_region.c
 *
 * Region files (model/input/region.c): a complete fixture loads with the values written in it,
 * optional figures left out come out NAN, and every bad fixture in tests/data/regions/bad/ gives
 * exactly the message listed for it in tests/data/regions/bad/EXPECTED (positions counted by
 * hand), with DP_EINPUT and the output left untouched. Run from the repository root.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_test.h"
#include "input/region.h"

#define BAD_DIR "tests/data/regions/bad"

static int
setup(void **state)
{
    dp_ctx *ctx = dp_ctx_alloc();
    if (!ctx) {
        return -1;
    }
    *state = ctx;
    return 0;
}

static int
teardown(void **state)
{
    dp_ctx_free(*state);
    return 0;
}

static void
test_region_good_values(void **state)
{
    dp_ctx *ctx = *state;
    dp_region_input r;
    dp_status rc = dp_region_load(ctx, "tests/data/regions/daan.yaml", &r);
    assert_int_equal(rc, DP_OK);
    /* Every expected value below is the number written in tests/data/regions/daan.yaml. */
    assert_string_equal(r.id, "daan");
    assert_string_equal(r.name_en, "Da'an city");
    assert_string_equal(r.name_zh, "大安市");
    assert_string_equal(r.province, "Jilin");
    assert_int_equal(r.base_year, 2020);
    assert_close(r.population, 270911, 0, 0);
    assert_close(r.age_share[0], 0.1106, 0, 0);
    assert_close(r.age_share[1], 0.6534, 0, 0);
    assert_close(r.age_share[2], 0.2360, 0, 0);
    assert_close(r.sex_ratio, 98.61, 0, 0);
    assert_close(r.birth_rate, 0.0060, 0, 0);
    assert_close(r.migration_rate, -0.0215, 0, 0);
    assert_close(r.disabled_total, 19045, 0, 0);
    assert_close(r.type_share[DP_VISUAL], 0.1486, 0, 0);
    assert_close(r.type_share[DP_HEARING], 0.2416, 0, 0);
    assert_close(r.type_share[DP_SPEECH], 0.0153, 0, 0);
    assert_close(r.type_share[DP_PHYSICAL], 0.2907, 0, 0);
    assert_close(r.type_share[DP_INTELLECTUAL], 0.0668, 0, 0);
    assert_close(r.type_share[DP_MENTAL], 0.0740, 0, 0);
    assert_close(r.type_share[DP_MULTIPLE], 0.1630, 0, 0);
    assert_close(r.marginal[DP_MARG_CERTIFIED], 14036, 0, 0);
    assert_close(r.marginal[DP_MARG_DIBAO_CERTIFIED], 6818, 0, 0);
    /* Marginals the file does not give are unknown (NAN), by the header's contract. */
    assert_true(isnan(r.marginal[DP_MARG_SEVERE]));
    assert_true(isnan(r.marginal[DP_MARG_SEVERE_CERTIFIED]));
    assert_true(isnan(r.marginal[DP_MARG_DIBAO]));
    assert_true(isnan(r.marginal[DP_MARG_MARGINAL]));
    assert_true(isnan(r.marginal[DP_MARG_AGED60]));
    assert_true(isnan(r.marginal[DP_MARG_CHILDREN]));
    assert_close(r.recipients[DP_PROG_LIVING], 6549, 0, 0);
    assert_close(r.recipients[DP_PROG_CARE], 6619, 0, 0);
    assert_int_equal(r.n_reported, 2);
    assert_string_equal(r.reported[0].key, "certified");
    assert_close(r.reported[0].value, 14036, 0, 0);
    assert_string_equal(r.reported[0].unit, "persons");
    assert_string_equal(r.reported[0].source, "plan 000, 13th-plan review");
    assert_string_equal(r.reported[1].key, "medical_participants");
    assert_close(r.reported[1].value, 11747, 0, 0);
    assert_string_equal(r.reported[1].source, "plan 000");
    dp_region_clear(&r);
    assert_null(r.reported);
    assert_int_equal(r.n_reported, 0);
    assert_null(r.reported);
}

static void
test_region_optional_absent_is_nan(void **state)
{
    dp_ctx *ctx = *state;
    dp_region_input r;
    dp_status rc = dp_region_load(ctx, "tests/data/regions/huzhong.yaml", &r);
    assert_int_equal(rc, DP_OK);
    /* Values written in tests/data/regions/huzhong.yaml. */
    assert_string_equal(r.id, "huzhong");
    assert_string_equal(r.name_zh, "呼中区");
    assert_close(r.population, 16359, 0, 0);
    assert_close(r.disabled_total, 937, 0, 0);
    assert_close(r.migration_rate, -0.031, 0, 0);
    /* Optional keys left out: NAN (header contract), and no reported figures. */
    for (size_t a = 0; a < 3; a++) {
        assert_true(isnan(r.age_share[a]));
    }
    assert_true(isnan(r.sex_ratio));
    for (size_t t = 0; t < DP_N_TYPE; t++) {
        assert_true(isnan(r.type_share[t]));
    }
    for (size_t m = 0; m < DP_N_MARG; m++) {
        assert_true(isnan(r.marginal[m]));
    }
    for (size_t k = 0; k < DP_N_PROG; k++) {
        assert_true(isnan(r.recipients[k]));
    }
    assert_int_equal(r.n_reported, 0);
    assert_null(r.reported);
}

/* population.age_groups: 21 numbers per sex, read as written (persons). */
static void
test_region_age_groups(void **state)
{
    dp_ctx *ctx = *state;
    dp_region_input r;
    assert_int_equal(dp_region_load(ctx, "tests/data/regions/agetable.yaml", &r), DP_OK);
    assert_int_equal(r.age_input, DP_AGE_GROUPS);
    assert_close(r.age_pop[0][0], 60.0, 0.0, 0.0);
    assert_close(r.age_pop[0][20], 0.0, 0.0, 0.0);
    assert_close(r.age_pop[1][19], 45.0, 0.0, 0.0);
    assert_close(r.age_pop[1][20], 300.0, 0.0, 0.0);
    assert_true(isnan(r.age_share[0]) && isnan(r.sex_ratio));
    /* Files without a table say so. */
    dp_region_clear(&r);
    assert_int_equal(dp_region_load(ctx, "tests/data/regions/daan.yaml", &r), DP_OK);
    assert_int_equal(r.age_input, DP_AGE_NONE);
    dp_region_clear(&r);
}

static void
test_region_marg_keys(void **state)
{
    (void)state;
    /* The keys documented beside dp_marg_kind in region.h, in enum order. */
    static const char *const expect[DP_N_MARG] = {
        "certified",       "severe",   "severe_certified", "dibao",
        "dibao_certified", "marginal", "aged60",           "children"};
    for (size_t m = 0; m < DP_N_MARG; m++) {
        assert_string_equal(dp_marg_key[m], expect[m]);
    }
}

static void
test_region_missing_file(void **state)
{
    dp_ctx *ctx = *state;
    dp_region_input r;
    dp_status rc = dp_region_load(ctx, "tests/data/regions/bad/no_such_region.yaml", &r);
    assert_int_equal(rc, DP_EINPUT);
    /* strerror(ENOENT) in glibc. */
    assert_string_equal(dp_ctx_errmsg(ctx),
                        "tests/data/regions/bad/no_such_region.yaml: cannot open: "
                        "No such file or directory");
}

/* True if name (a .yaml file in BAD_DIR) has a line in EXPECTED. */
static int
listed(char names[][64], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

static void
test_region_bad_files(void **state)
{
    dp_ctx *ctx = *state;
    FILE *f = fopen(BAD_DIR "/EXPECTED", "r");
    char line[1024];
    char names[64][64];
    size_t n = 0;
    int failures = 0;
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        const char *expect = tab + 1;
        char path[1100];
        snprintf(path, sizeof path, "%s/%s", BAD_DIR, line);
        assert_true(n < 64 && strlen(line) < sizeof names[0]);
        snprintf(names[n++], sizeof names[0], "%.63s", line);

        dp_region_input r;
        memset(&r, 0x5a, sizeof r);
        dp_region_input before = r;
        dp_ctx_clear(ctx);
        dp_status rc = dp_region_load(ctx, path, &r);
        if (rc != DP_EINPUT || strcmp(dp_ctx_errmsg(ctx), expect) != 0) {
            print_error("%s: status %d, message\n  got:      %s\n  expected: %s\n", line, (int)rc,
                        dp_ctx_errmsg(ctx), expect);
            failures++;
        } else if (memcmp(&r, &before, sizeof r) != 0) {
            print_error("%s: output changed on error\n", line);
            failures++;
        }
    }
    fclose(f);
    /* Every bad fixture must be listed, so none is silently untested. */
    DIR *dir = opendir(BAD_DIR);
    assert_non_null(dir);
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0 && !listed(names, n, e->d_name)) {
            print_error("%s/%s has no line in EXPECTED\n", BAD_DIR, e->d_name);
            failures++;
        }
    }
    closedir(dir);
    assert_true(n >= 15);
    assert_int_equal(failures, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_region_good_values),
        cmocka_unit_test(test_region_optional_absent_is_nan),
        cmocka_unit_test(test_region_marg_keys),
        cmocka_unit_test(test_region_age_groups),
        cmocka_unit_test(test_region_missing_file),
        cmocka_unit_test(test_region_bad_files),
    };
    return cmocka_run_group_tests_name("region", tests, setup, teardown);
}
