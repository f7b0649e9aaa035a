/* tests/unit/test_serve.c
 *
 * The request handlers of dpsim serve (serve/serve.h), called as functions, no socket:
 *   - GET /api/scenarios lists the scenarios the server was opened with, by name;
 *   - GET /api/keys gives the form: the care subsidy's monthly amounts with labels in both
 *     languages, unit, default and source, and the scenario's current value (93 yuan);
 *   - POST /api/run: with no edits the difference from the baseline is 0 in every year; with
 *     the care subsidy's grade-1 and grade-2 amounts doubled (93 -> 186) its spending doubles
 *     (spending = amount x person-months, and person-months do not depend on the amount), so
 *     the difference of the care subsidy equals its baseline spending year by year, and the
 *     total's difference equals it too (no other programme moves); the programmes add up to
 *     the total; the levels of government add up to the total;
 *   - switches are checkboxes and funding shares numbers in the form; the care subsidy paid
 *     by the county alone leaves every year's total as it is and raises the county's level;
 *   - one funding share alone: the loader's sum check, with the share's key path;
 *   - malformed JSON, a body that is no object, an unknown key (400 with the key path, the
 *     loader's "edits:LINE:COL:" message and its suggestion), a bad value (400, key path), a key
 *     with characters outside [A-Za-z0-9_.] (refused before YAML: no injection);
 *   - path-like scenario names (../, /etc/passwd, the scenario's own file path) refused;
 *   - a body above DP_SERVE_MAX_BODY answers 413; unknown endpoint 404, wrong method 405;
 *   - POST /api/overlay gives an `extends:` file that loads on its own to the same edit;
 *   - POST /api/solve: total spending is linear in the care subsidy's grade-1 amount a
 *     (spending = amount x person-months), T(a) = T(93) + (a - 93) c, with c from two runs; the
 *     largest a meeting the target total_spending_2025 <= 3,030 万元 is 93 + (3030 - T(93)) / c,
 *     which the solver must find to its tolerance;
 *   - POST /api/ranges runs the micro engine in the background: progress, then a fan with
 *     p05 <= p25 <= p50 <= p75 <= p95 over the runs asked; a second job while one runs is 503;
 *   - POST /api/download/h5 gives an HDF5 file (its signature after the 512-byte seal).
 */
#define _XOPEN_SOURCE 700 /* realpath, mkstemp */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dp_test.h"
#include "input/scenario.h"
#include "serve/serve.h"

static dp_serve *
open_server(void)
{
    static const char *const paths[] = {"scenarios/daan-baseline.yaml",
                                        "scenarios/daan-targets.yaml"};
    dp_ctx *ctx = dp_ctx_alloc();
    dp_serve *sv = NULL;
    dp_status rc = dp_serve_open(ctx, paths, 2, dp_test_data_dir(), 2, NULL, &sv);
    if (rc != DP_OK) {
        fprintf(stderr, "%s\n", dp_ctx_errmsg(ctx));
    }
    assert_int_equal(rc, DP_OK);
    dp_ctx_free(ctx);
    return sv;
}

/* Sends a request; returns the parsed JSON answer (the caller decrefs) and the status. */
static json_t *
call(dp_serve *sv, const char *method, const char *url, const char *body, int *status)
{
    dp_serve_reply r;
    dp_serve_request(sv, method, url, body, body ? strlen(body) : 0, &r);
    *status = r.status;
    json_t *j = json_loadb(r.body ? r.body : "", r.size, 0, NULL);
    free(r.body);
    return j;
}

/* Polls ranges job id until it is done (at most 120 s) and returns its result (the caller
 * decrefs). */
static json_t *
job_result(dp_serve *sv, int id)
{
    char url[64];
    int st;
    snprintf(url, sizeof url, "/api/ranges?job=%d", id);
    json_t *res = NULL;
    for (int k = 0; k < 1200 && !res; k++) {
        json_t *j = call(sv, "GET", url, NULL, &st);
        assert_int_equal(st, 200);
        if (strcmp(json_string_value(json_object_get(j, "state")), "done") == 0) {
            res = json_incref(json_object_get(j, "result"));
        } else {
            nanosleep(&(struct timespec){0, 100000000L}, NULL);
        }
        json_decref(j);
    }
    assert_non_null(res);
    return res;
}

static void
test_scenarios_and_keys(void **state)
{
    (void)state;
    dp_serve *sv = open_server();
    int st;
    json_t *j = call(sv, "GET", "/api/scenarios", NULL, &st);
    assert_int_equal(st, 200);
    json_t *arr = json_object_get(j, "scenarios");
    assert_int_equal(json_array_size(arr), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 1), "name")),
                        "daan-targets");
    json_decref(j);

    j = call(sv, "GET", "/api/keys?scenario=daan-baseline", NULL, &st);
    assert_int_equal(st, 200);
    json_t *keys = json_object_get(j, "keys"), *k;
    size_t i;
    int found = 0;
    json_array_foreach(keys, i, k)
    {
        if (strcmp(json_string_value(json_object_get(k, "path")),
                   "programmes.care_subsidy.monthly.grade1") == 0) {
            found = 1;
            assert_true(json_is_true(json_object_get(k, "editable")));
            assert_string_equal(json_string_value(json_object_get(k, "unit")), "yuan a month");
            assert_non_null(strstr(json_string_value(json_object_get(k, "label_zh")), "护理补贴"));
            assert_true(strlen(json_string_value(json_object_get(k, "source"))) > 0);
            assert_true(strlen(json_string_value(json_object_get(k, "default"))) > 0);
            assert_close(json_number_value(json_object_get(k, "value")), 93.0, 0, 1e-9);
        }
    }
    assert_true(found);
    /* Switches are checkboxes, funding shares numbers in [0, 1]; lists are not editable. */
    int kinds = 0;
    json_array_foreach(keys, i, k)
    {
        const char *path = json_string_value(json_object_get(k, "path"));
        const char *kind = json_string_value(json_object_get(k, "kind"));
        if (strcmp(path, "programmes.care_subsidy.eligibility.certified") == 0) {
            assert_string_equal(kind, "boolean");
            assert_true(json_is_true(json_object_get(k, "editable")));
            kinds++;
        } else if (strcmp(path, "programmes.care_subsidy.funding.central") == 0) {
            assert_string_equal(kind, "number");
            assert_true(json_is_true(json_object_get(k, "editable")));
            assert_close(json_number_value(json_object_get(k, "max")), 1.0, 0, 0);
            kinds++;
        } else if (strcmp(path, "programmes.care_subsidy.eligibility.types") == 0) {
            /* A list: one field of the whole key, a checkbox per type (7), all of them on. */
            assert_string_equal(kind, "set");
            assert_true(json_is_true(json_object_get(k, "editable")));
            assert_int_equal(json_array_size(json_object_get(k, "options")), 7);
            assert_int_equal(json_array_size(json_object_get(k, "value")), 7);
            kinds++;
        } else if (strcmp(path, "programmes.care_subsidy.eligibility.grades") == 0) {
            /* Daan's care subsidy: grades 1 and 2 (data/regions/daan.yaml rules), written 1..4. */
            assert_string_equal(kind, "set");
            json_t *v = json_object_get(k, "value");
            assert_int_equal(json_array_size(v), 2);
            assert_int_equal(json_integer_value(json_array_get(v, 0)), 1);
            assert_int_equal(json_integer_value(json_array_get(v, 1)), 2);
            kinds++;
        } else if (strcmp(path, "status_quo") == 0) {
            /* A word: a select of the key table's words, each labelled in both languages. */
            assert_string_equal(kind, "select");
            json_t *o = json_object_get(k, "options");
            assert_int_equal(json_array_size(o), 2);
            assert_string_equal(json_string_value(json_object_get(json_array_get(o, 1), "value")),
                                "trend");
            const char *zh = json_string_value(json_object_get(json_array_get(o, 1), "label_zh"));
            assert_true((unsigned char)zh[0] >= 0x80); /* a Chinese label, not the word again */
            kinds++;
        } else if (strcmp(path, "programmes.child_rehab.eligibility.ages") == 0) {
            assert_string_equal(kind, "ages");
            assert_int_equal(json_array_size(json_object_get(k, "value")), 2);
            assert_close(json_number_value(json_object_get(k, "max")), 100.0, 0, 0);
            kinds++;
        } else if (strcmp(path, "programmes.living_subsidy.marginal_from") == 0) {
            assert_string_equal(kind, "year_word");
            assert_string_equal(json_string_value(json_object_get(k, "value")), "never");
            kinds++;
        } else if (strncmp(path, "rates.", 6) == 0) {
            /* Every group has its Chinese label (key_meta.c), not its English key. */
            const char *g = json_string_value(json_object_get(k, "group_label_zh"));
            assert_true((unsigned char)g[0] >= 0x80);
        }
        /* One field per list or word key: its members are no fields of their own. */
        assert_null(strstr(path, "eligibility.types."));
        assert_null(strstr(path, "status_quo."));
    }
    assert_int_equal(kinds, 7);
    json_decref(j);
    j = call(sv, "GET", "/api/keys?scenario=nope", NULL, &st);
    assert_int_equal(st, 400);
    json_decref(j);
    dp_serve_free(sv);
}

static double
num(json_t *arr, size_t i)
{
    return json_number_value(json_array_get(arr, i));
}

static json_t *
programme(json_t *run, const char *key)
{
    json_t *p;
    size_t i;
    json_array_foreach(json_object_get(run, "programmes"), i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "key")), key) == 0) {
            return p;
        }
    }
    fail_msg("no programme %s", key);
    return NULL;
}

static void
test_run(void **state)
{
    (void)state;
    dp_serve *sv = open_server();
    int st;
    json_t *j = call(sv, "POST", "/api/run", "{\"scenario\": \"daan-targets\"}", &st);
    assert_int_equal(st, 200);
    json_t *diff = json_object_get(json_object_get(j, "difference"), "total");
    json_t *years = json_object_get(j, "years");
    assert_int_equal(json_array_size(years), 15);
    for (size_t y = 0; y < json_array_size(years); y++) {
        assert_close(num(diff, y), 0.0, 0, 1e-9);
    }
    assert_true(json_array_size(json_object_get(j, "targets")) == 4);
    json_decref(j);

    j = call(sv, "POST", "/api/run",
             "{\"scenario\": 1, \"overlay\": {\"programmes.care_subsidy.monthly.grade1\": 186,"
             " \"programmes.care_subsidy.monthly.grade2\": 186.0}}",
             &st);
    assert_int_equal(st, 200);
    json_t *base = json_object_get(j, "baseline");
    json_t *cs_base = json_object_get(programme(base, "care_subsidy"), "spending");
    json_t *cs_diff = NULL, *p;
    size_t i;
    json_array_foreach(json_object_get(json_object_get(j, "difference"), "programmes"), i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "key")), "care_subsidy") == 0) {
            cs_diff = json_object_get(p, "spending");
        }
    }
    assert_non_null(cs_diff);
    diff = json_object_get(json_object_get(j, "difference"), "total");
    json_t *total = json_object_get(j, "total");
    for (size_t y = 0; y < 15; y++) {
        assert_true(num(cs_base, y) > 500.0); /* about 1,000 万元 a year */
        assert_close(num(cs_diff, y), num(cs_base, y), 1e-9, 1e-9);
        assert_close(num(diff, y), num(cs_base, y), 1e-9, 1e-6);
        double sum = 0.0, lsum = 0.0;
        json_array_foreach(json_object_get(j, "programmes"), i, p)
        {
            sum += num(json_object_get(p, "spending"), y);
        }
        json_array_foreach(json_object_get(j, "levels"), i, p)
        {
            lsum += num(json_object_get(p, "spending"), y);
        }
        assert_close(sum, num(total, y), 1e-12, 1e-9);
        assert_close(lsum, num(total, y), 1e-9, 1e-6);
    }
    json_decref(j);

    /* The care subsidy paid by the county alone (and the certified rule as it is): funding
     * moves spending between levels, not its amount, so the total stays as it is in every
     * year, and the county's level rises. */
    j = call(sv, "POST", "/api/run",
             "{\"scenario\": \"daan-targets\", \"overlay\": "
             "{\"programmes.care_subsidy.funding.central\": 0, "
             "\"programmes.care_subsidy.funding.provincial\": 0, "
             "\"programmes.care_subsidy.funding.municipal\": 0, "
             "\"programmes.care_subsidy.funding.county\": 1, "
             "\"programmes.care_subsidy.eligibility.certified\": true}}",
             &st);
    assert_int_equal(st, 200);
    diff = json_object_get(json_object_get(j, "difference"), "total");
    json_t *lv = json_object_get(j, "levels"),
           *blv = json_object_get(json_object_get(j, "baseline"), "levels");
    for (size_t y = 0; y < 15; y++) {
        assert_close(num(diff, y), 0.0, 0, 1e-6);
        for (size_t l = 0; l < json_array_size(lv); l++) {
            if (strcmp(json_string_value(json_object_get(json_array_get(lv, l), "key")),
                       "county") == 0) {
                assert_true(num(json_object_get(json_array_get(lv, l), "spending"), y) >
                            num(json_object_get(json_array_get(blv, l), "spending"), y) + 100.0);
            }
        }
    }
    json_decref(j);
    dp_serve_free(sv);
}

static void
expect_400(dp_serve *sv, const char *body, const char *msg_part, const char *key)
{
    int st;
    json_t *j = call(sv, "POST", "/api/run", body, &st);
    assert_int_equal(st, 400);
    const char *msg = json_string_value(json_object_get(j, "error"));
    assert_non_null(msg);
    if (!strstr(msg, msg_part)) {
        fail_msg("message '%s' lacks '%s'", msg, msg_part);
    }
    json_t *k = json_object_get(j, "key");
    if (key) {
        assert_string_equal(json_string_value(k), key);
    } else {
        assert_true(!k || json_is_null(k));
    }
    json_decref(j);
}

static void
test_bad_requests(void **state)
{
    (void)state;
    dp_serve *sv = open_server();
    expect_400(sv, "{\"scenario\": ", "malformed JSON", NULL);
    expect_400(sv, "", "malformed JSON", NULL);
    expect_400(sv, "[1, 2]", "must be a JSON object", NULL);
    expect_400(sv, "{\"scenario\": \"daan-baseline\", \"overlay\": 3}", "\"overlay\"", NULL);
    expect_400(sv,
               "{\"scenario\": \"daan-baseline\", \"overlay\": "
               "{\"programmes.care_subsidy.monthlyy.grade1\": 150}}",
               "edits:3:5: unknown key 'programmes.care_subsidy.monthlyy' (did you mean "
               "'monthly'?)",
               "programmes.care_subsidy.monthlyy");
    expect_400(sv,
               "{\"scenario\": \"daan-baseline\", \"overlay\": "
               "{\"programmes.care_subsidy.monthly.grade1\": -5}}",
               "expected a non-negative amount", "programmes.care_subsidy.monthly.grade1");
    expect_400(sv, "{\"scenario\": \"daan-baseline\", \"overlay\": {\"rates.x: 1\\nname\": 1}}",
               "not a key path", "rates.x: 1\nname");
    expect_400(sv, "{\"scenario\": \"daan-baseline\", \"overlay\": {\"a.b\": {\"c\": 1}}}",
               "expected a number, true/false, a word or a list", "a.b");
    /* One funding share alone: the loader's sum check, at the line of the share edited. */
    expect_400(sv,
               "{\"scenario\": \"daan-baseline\", \"overlay\": "
               "{\"programmes.care_subsidy.funding.central\": 0.5}}",
               "the shares sum to 0.5 in 2021, expected 1",
               "programmes.care_subsidy.funding.central");
    expect_400(sv, "{\"scenario\": \"../scenarios/daan-plan\"}", "never by a path", NULL);
    expect_400(sv, "{\"scenario\": \"/etc/passwd\"}", "never by a path", NULL);
    expect_400(sv, "{\"scenario\": \"scenarios/daan-baseline.yaml\"}", "never by a path", NULL);
    expect_400(sv, "{\"scenario\": \"daan-plan\"}", "unknown scenario", NULL);
    expect_400(sv, "{\"scenario\": 2}", "expected a scenario name", NULL);

    /* Size bound: the handler refuses a body above the bound without reading it. */
    size_t big = (size_t)DP_SERVE_MAX_BODY + 1;
    char *buf = malloc(big + 1);
    assert_non_null(buf);
    memset(buf, ' ', big);
    buf[big] = '\0';
    dp_serve_reply r;
    dp_serve_request(sv, "POST", "/api/run", buf, big, &r);
    assert_int_equal(r.status, 413);
    free(r.body);
    free(buf);

    int st;
    json_decref(call(sv, "GET", "/api/nothing", NULL, &st));
    assert_int_equal(st, 404);
    json_decref(call(sv, "GET", "/api/run", NULL, &st));
    assert_int_equal(st, 405);
    json_decref(call(sv, "POST", "/api/scenarios", "{}", &st));
    assert_int_equal(st, 405);
    json_decref(call(sv, "GET", "/api/ranges?job=7", NULL, &st));
    assert_int_equal(st, 404);
    dp_serve_free(sv);
}

static void
test_overlay_loads(void **state)
{
    (void)state;
    dp_serve *sv = open_server();
    dp_serve_reply r;
    const char *body = "{\"scenario\": \"daan-baseline\", \"overlay\": "
                       "{\"programmes.care_subsidy.monthly.grade1\": 150, "
                       "\"rates.onset_multiplier\": 1.25}}";
    dp_serve_request(sv, "POST", "/api/overlay", body, strlen(body), &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "extends: /"));
    assert_non_null(strstr(r.body, "name: daan-baseline-edited\n"));
    char path[] = "/tmp/test_serve_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, r.body, r.size), (ssize_t)r.size);
    close(fd);
    free(r.body);
    dp_ctx *ctx = dp_ctx_alloc();
    dp_scenario *s = NULL;
    assert_int_equal(dp_scenario_load(ctx, path, dp_test_data_dir(), &s), DP_OK);
    double v;
    int varies;
    assert_int_equal(
        dp_scenario_key_value(ctx, s, "programmes.care_subsidy.monthly.grade1", 2030, &v, &varies),
        DP_OK);
    assert_close(v, 150.0, 0, 1e-12);
    assert_int_equal(dp_scenario_key_value(ctx, s, "rates.onset_multiplier", 2030, &v, &varies),
                     DP_OK);
    assert_close(v, 1.25, 0, 1e-12);
    dp_scenario_free(s);
    dp_ctx_free(ctx);
    unlink(path);
    dp_serve_free(sv);
}

static double
total_2025(dp_serve *sv, double amount)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"scenario\": \"daan-targets\", \"overlay\": "
             "{\"programmes.care_subsidy.monthly.grade1\": %.17g}}",
             amount);
    int st;
    json_t *j = call(sv, "POST", "/api/run", body, &st);
    assert_int_equal(st, 200);
    double t = num(json_object_get(j, "total"), 4); /* 2021 + 4 */
    assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "years"), 4)), 2025);
    json_decref(j);
    return t;
}

static void
test_solve(void **state)
{
    (void)state;
    dp_serve *sv = open_server();
    double t0 = total_2025(sv, 93.0), t1 = total_2025(sv, 193.0);
    double c = (t1 - t0) / 100.0;
    assert_true(c > 0.0);
    /* Linear: a third point on the line. */
    assert_close(total_2025(sv, 43.0), t0 - 50.0 * c, 1e-9, 1e-7);
    double want = 93.0 + (3030.0 - t0) / c;
    assert_true(want > 0.0 && want < 93.0);
    int st;
    json_t *j = call(sv, "POST", "/api/solve",
                     "{\"scenario\": \"daan-targets\", \"target\": \"total_spending_2025\", "
                     "\"key\": \"programmes.care_subsidy.monthly.grade1\"}",
                     &st);
    assert_int_equal(st, 200);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "found");
    assert_close(json_number_value(json_object_get(j, "value")), want, 1e-5, 1e-6);
    json_decref(j);
    j = call(sv, "POST", "/api/solve",
             "{\"scenario\": \"daan-targets\", \"target\": \"nope_2025\", "
             "\"key\": \"programmes.care_subsidy.monthly.grade1\"}",
             &st);
    assert_int_equal(st, 400);
    assert_non_null(strstr(json_string_value(json_object_get(j, "error")), "unknown target"));
    json_decref(j);
    dp_serve_free(sv);
}

static void
test_ranges_and_download(void **state)
{
    (void)state;
    dp_serve *sv = open_server();
    int st;
    json_t *j =
        call(sv, "POST", "/api/ranges", "{\"scenario\": \"daan-baseline\", \"runs\": 4}", &st);
    assert_int_equal(st, 200);
    int id = (int)json_integer_value(json_object_get(j, "job"));
    json_decref(j);
    json_decref(
        call(sv, "POST", "/api/ranges", "{\"scenario\": \"daan-baseline\", \"runs\": 4}", &st));
    assert_true(st == 503 || st == 200); /* 200 only if the first already finished */
    if (st == 200) {
        id++;
    }
    json_t *res = job_result(sv, id);
    assert_null(json_object_get(res, "error"));
    assert_int_equal(json_integer_value(json_object_get(res, "runs")), 4);
    json_t *fan = json_object_get(res, "total_fan");
    static const char *const q[] = {"p05", "p25", "p50", "p75", "p95"};
    for (size_t y = 0; y < 15; y++) {
        for (int k = 0; k + 1 < 5; k++) {
            assert_true(num(json_object_get(fan, q[k]), y) <=
                        num(json_object_get(fan, q[k + 1]), y));
        }
        assert_true(num(json_object_get(fan, "p05"), y) < num(json_object_get(fan, "p95"), y));
    }
    json_decref(res);

    dp_serve_reply r;
    const char *body = "{\"scenario\": \"daan-baseline\"}";
    dp_serve_request(sv, "POST", "/api/download/h5", body, strlen(body), &r);
    assert_int_equal(r.status, 200);
    assert_true(r.size > 4096);
    assert_memory_equal(r.body + 512, "\x89HDF\r\n\x1a\n", 8);
    free(r.body);
    dp_serve_request(sv, "POST", "/api/download/xlsx", body, strlen(body), &r);
    assert_int_equal(r.status, 501); /* no Excel writer in the library alone */
    free(r.body);
    dp_serve_free(sv);
}

/* The total of a /api/run answer in year index y. */
static double
total_at(json_t *j, size_t y)
{
    return num(json_object_get(j, "total"), y);
}

/* Lists, words, age ranges and year-or-word keys edited on the page give the results the same
 * edit written in a scenario file gives (the file extends the same scenario and is one of the
 * server's scenarios): the overlay route and the file route are the same loader. And a list
 * written differently but meaning the same (grades [2, 1] for [1, 2], types all) changes
 * nothing. */
static void
test_list_and_word_edits(void **state)
{
    (void)state;
    char base[4096], file[] = "/tmp/dpsim-test-serve-XXXXXX";
    assert_non_null(realpath("scenarios/daan-baseline.yaml", base));
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f,
            "dpsim: 1\nextends: %s\nname: lists-by-file\nstatus_quo: trend\nprogrammes:\n"
            "  care_subsidy:\n    eligibility: {grades: [1, 2, 3]}\n"
            "  care_services:\n    eligibility: {types: [physical, intellectual, mental]}\n"
            "  child_rehab:\n    eligibility: {ages: [0, 17]}\n"
            "  living_subsidy:\n    marginal_from: 2024\n"
            "    eligibility: {households: [dibao, marginal]}\n",
            base);
    fclose(f);
    const char *paths[] = {"scenarios/daan-baseline.yaml", file};
    dp_ctx *ctx = dp_ctx_alloc();
    dp_serve *sv = NULL;
    assert_int_equal(dp_serve_open(ctx, paths, 2, dp_test_data_dir(), 2, NULL, &sv), DP_OK);
    dp_ctx_free(ctx);
    int st;
    json_t *by_file = call(sv, "POST", "/api/run", "{\"scenario\": \"lists-by-file\"}", &st);
    assert_int_equal(st, 200);
    json_t *by_page =
        call(sv, "POST", "/api/run",
             "{\"scenario\": \"daan-baseline\", \"overlay\": {\"status_quo\": \"trend\", "
             "\"programmes.care_subsidy.eligibility.grades\": [1, 2, 3], "
             "\"programmes.care_services.eligibility.types\": [\"physical\", \"intellectual\", "
             "\"mental\"], \"programmes.child_rehab.eligibility.ages\": [0, 17], "
             "\"programmes.living_subsidy.eligibility.households\": [\"dibao\", \"marginal\"], "
             "\"programmes.living_subsidy.marginal_from\": 2024}}",
             &st);
    assert_int_equal(st, 200);
    json_t *same = call(sv, "POST", "/api/run",
                        "{\"scenario\": \"daan-baseline\", \"overlay\": "
                        "{\"programmes.care_subsidy.eligibility.grades\": [2, 1], "
                        "\"programmes.care_subsidy.eligibility.types\": \"all\", "
                        "\"programmes.living_subsidy.marginal_from\": \"never\"}}",
                        &st);
    assert_int_equal(st, 200);
    double moved = 0.0;
    for (size_t y = 0; y < 15; y++) {
        assert_close(total_at(by_page, y), total_at(by_file, y), 1e-12, 1e-9);
        assert_close(num(json_object_get(json_object_get(same, "difference"), "total"), y), 0.0, 0,
                     1e-9);
        moved += fabs(num(json_object_get(json_object_get(by_page, "difference"), "total"), y));
    }
    assert_true(moved > 1.0); /* the edits do change the budget (万元 over the years) */
    /* A word the loader takes only plain (all, never) is written plain in the overlay. */
    assert_non_null(
        strstr(json_string_value(json_object_get(same, "overlay_yaml")), "types: all\n"));
    json_decref(by_file);
    json_decref(by_page);
    json_decref(same);

    /* Refused lists: the loader's message with the key path; malformed items before YAML. */
    expect_400(sv,
               "{\"scenario\": 0, \"overlay\": {\"programmes.care_subsidy.eligibility.grades\": "
               "[]}}",
               "empty list", "programmes.care_subsidy.eligibility.grades");
    expect_400(sv,
               "{\"scenario\": 0, \"overlay\": {\"programmes.care_subsidy.eligibility.types\": "
               "[\"visual\", \"visual\"]}}",
               "listed twice", "programmes.care_subsidy.eligibility.types");
    expect_400(sv,
               "{\"scenario\": 0, \"overlay\": {\"programmes.child_rehab.eligibility.ages\": "
               "[9, 3]}}",
               "min <= max", "programmes.child_rehab.eligibility.ages");
    expect_400(sv, "{\"scenario\": 0, \"overlay\": {\"status_quo\": \"sometimes\"}}",
               "one of frozen, trend", "status_quo");
    expect_400(sv,
               "{\"scenario\": 0, \"overlay\": {\"programmes.care_subsidy.eligibility.grades\": "
               "[[1], 2]}}",
               "items are numbers or words", "programmes.care_subsidy.eligibility.grades");
    expect_400(sv,
               "{\"scenario\": 0, \"overlay\": {\"programmes.care_subsidy.eligibility.grades\": "
               "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}}",
               "at most 16", "programmes.care_subsidy.eligibility.grades");
    /* A word with YAML's characters is a quoted scalar: refused as a word, nothing injected. */
    expect_400(sv, "{\"scenario\": 0, \"overlay\": {\"status_quo\": \"trend\\nname: x\"}}",
               "one of frozen, trend", "status_quo");
    dp_serve_free(sv);
    unlink(file);
}

/* Starts a ranges job with body and waits for its result (the caller decrefs). */
static json_t *
ranges_result(dp_serve *sv, const char *body)
{
    int st;
    json_t *j = call(sv, "POST", "/api/ranges", body, &st);
    assert_int_equal(st, 200);
    int id = (int)json_integer_value(json_object_get(j, "job"));
    json_decref(j);
    return job_result(sv, id);
}

/* A region or node of the run: the roll-up of provinces-baseline's four provinces to the
 * nation is their sum (the roll-up is an exact sum of the same run, engines/rollup.h), and each
 * place's difference from its own baseline is 0 with no edits; an id the results lack is 400;
 * a target on a node (jilin-province's) is evaluated (the roll-ups come before the targets). */
static void
test_regions_and_nodes(void **state)
{
    (void)state;
    const char *paths[] = {"scenarios/provinces-baseline.yaml", "scenarios/jilin-province.yaml"};
    dp_ctx *ctx = dp_ctx_alloc();
    dp_serve *sv = NULL;
    assert_int_equal(dp_serve_open(ctx, paths, 2, dp_test_data_dir(), 2, NULL, &sv), DP_OK);
    dp_ctx_free(ctx);
    int st;
    json_t *whole = call(sv, "POST", "/api/run", "{\"scenario\": 0}", &st);
    assert_int_equal(st, 200);
    json_t *places = json_object_get(whole, "places");
    assert_int_equal(json_array_size(places), 5); /* 4 provinces and China */
    assert_string_equal(json_string_value(json_object_get(json_array_get(places, 4), "id")),
                        "china");
    assert_string_equal(json_string_value(json_object_get(json_array_get(places, 4), "name_zh")),
                        "中国");
    static const char *const ids[] = {"jilin", "heilongjiang", "zhejiang", "shanghai", "china"};
    json_t *one[5];
    for (size_t k = 0; k < 5; k++) {
        char body[128];
        snprintf(body, sizeof body, "{\"scenario\": 0, \"region\": \"%s\"}", ids[k]);
        one[k] = call(sv, "POST", "/api/run", body, &st);
        assert_int_equal(st, 200);
        assert_string_equal(json_string_value(json_object_get(one[k], "place")), ids[k]);
    }
    for (size_t y = 0; y < 15; y++) {
        double sum = 0.0;
        for (size_t k = 0; k < 4; k++) {
            assert_true(total_at(one[k], y) > 1000.0);
            assert_true(total_at(one[k], y) < total_at(whole, y));
            sum += total_at(one[k], y);
            assert_close(num(json_object_get(json_object_get(one[k], "difference"), "total"), y),
                         0.0, 0, 1e-9);
        }
        assert_close(total_at(one[4], y), sum, 1e-12, 1e-6);
        assert_close(total_at(whole, y), sum, 1e-12, 1e-6);
    }
    for (size_t k = 0; k < 5; k++) {
        json_decref(one[k]);
    }
    json_decref(whole);
    expect_400(sv, "{\"scenario\": 0, \"region\": \"daan\"}", "expected a region or a node", NULL);
    expect_400(sv, "{\"scenario\": 0, \"region\": 7}", "\"region\"", NULL);
    json_t *j = call(sv, "POST", "/api/run", "{\"scenario\": \"jilin-province\"}", &st);
    assert_int_equal(st, 200);
    json_t *t = json_array_get(json_object_get(j, "targets"), 0);
    assert_string_equal(json_string_value(json_object_get(t, "region")), "jilin");
    assert_true(json_number_value(json_object_get(t, "mean")) > 1000.0);
    json_decref(j);
    /* Ranges of one place: jilin-province's only region is Da'an, so the Jilin node's
     * replicates are Da'an's (the same seed, the roll-up a sum of one region): equal fans. */
    json_t *rn = ranges_result(sv, "{\"scenario\": 1, \"runs\": 3, \"region\": \"jilin\"}");
    json_t *rr = ranges_result(sv, "{\"scenario\": 1, \"runs\": 3, \"region\": \"daan\"}");
    assert_null(json_object_get(rn, "error"));
    for (size_t y = 0; y < 15; y++) {
        double a = num(json_object_get(json_object_get(rn, "total_fan"), "p50"), y);
        assert_true(a > 1000.0);
        assert_close(a, num(json_object_get(json_object_get(rr, "total_fan"), "p50"), y), 1e-12,
                     1e-9);
    }
    json_decref(rn);
    json_decref(rr);
    json_t *bad = ranges_result(sv, "{\"scenario\": 1, \"runs\": 2, \"region\": \"nowhere\"}");
    assert_non_null(strstr(json_string_value(json_object_get(bad, "error")), "nowhere"));
    json_decref(bad);
    dp_serve_free(sv);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenarios_and_keys),
        cmocka_unit_test(test_run),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_overlay_loads),
        cmocka_unit_test(test_solve),
        cmocka_unit_test(test_ranges_and_download),
        cmocka_unit_test(test_list_and_word_edits),
        cmocka_unit_test(test_regions_and_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
