/* model/serve/serve.c
 *
 * The request handlers of serve.h. Each answer is built with jansson from the library's own
 * results: the scenario loaded with the page's edits as a YAML overlay
 * (dp_scenario_load_overlay), the cohort engine (or the micro engine for ranges), the plan
 * targets and the budget ceiling as `dpsim run` stores them.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, realpath */
#include "serve/serve.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/solve.h"
#include "analysis/targets.h"
#include "core/results.h"
#include "core/rng.h"
#include "domain/model.h"
#include "engines/engines.h"
#include "engines/rollup.h"
#include "input/key_meta.h"
#include "input/reference.h"
#include "input/scenario.h"
#include "output/output.h"

/* The overlay's name in loader messages: "edits:LINE:COL: ...". */
#define OVERLAY_NAME "edits"

typedef struct {
    char path[PATH_MAX]; /* absolute */
    char name[96];
    char title[256];
    json_t *baseline; /* cached /api/run answers for the scenario as it is, by place shown
                         ({"": whole run, "jilin": ...}), or NULL */
} scen_entry;

typedef struct {
    pthread_t thread;
    int started, finished;
    unsigned id;
    size_t done, total;
    size_t scen, runs;
    char *overlay;  /* YAML text */
    char place[32]; /* the region or node shown ("" the whole run) */
    json_t *overlay_json;
    json_t *result; /* when finished: the answer, or {"error": ...} */
} range_job;

struct dp_serve {
    size_t n;
    scen_entry *scen;
    char data_dir[PATH_MAX];
    char tmp[PATH_MAX];
    dp_export_open_fn open_xlsx;
    dp_reference *ref;    /* the reference data, loaded once (read only: shared by threads) */
    pthread_mutex_t lock; /* guards busy, baseline caches, job, counter */
    pthread_cond_t freed;
    int max_work, busy;
    unsigned counter;
    range_job job;
};

/* ------------------------------------------------------------------------------------------ */
/* Replies */

static void
reply_json(dp_serve_reply *r, int status, json_t *j)
{
    r->status = status;
    r->content_type = "application/json; charset=utf-8";
    r->body = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    r->size = r->body ? strlen(r->body) : 0;
    json_decref(j);
    if (!r->body) {
        r->status = 500;
        r->content_type = "text/plain; charset=utf-8";
        r->body = strdup("out of memory");
        r->size = r->body ? strlen(r->body) : 0;
    }
}

static void reply_error(dp_serve_reply *r, int status, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
reply_error(dp_serve_reply *r, int status, const char *key, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    reply_json(r, status, json_pack("{s:s, s:s?}", "error", msg, "key", key));
}

/* ------------------------------------------------------------------------------------------ */
/* Edits as a YAML overlay */

typedef struct {
    char *buf;
    size_t len, cap;
    int line;              /* lines written so far */
    char (*line_key)[128]; /* [line] the key path a line sets or opens */
    size_t line_cap;
} ybuf;

static int
ybuf_put(ybuf *y, const char *s)
{
    size_t n = strlen(s);
    if (y->len + n + 1 > y->cap) {
        size_t cap = (y->cap + n + 1) * 2;
        char *b = realloc(y->buf, cap);
        if (!b) {
            return -1;
        }
        y->buf = b;
        y->cap = cap;
    }
    memcpy(y->buf + y->len, s, n + 1);
    y->len += n;
    return 0;
}

static int
ybuf_line(ybuf *y, const char *key)
{
    if ((size_t)y->line + 1 >= y->line_cap) {
        size_t cap = y->line_cap ? y->line_cap * 2 : 64;
        char(*k)[128] = realloc(y->line_key, cap * sizeof *k);
        if (!k) {
            return -1;
        }
        y->line_key = k;
        y->line_cap = cap;
    }
    y->line++;
    snprintf(y->line_key[y->line], sizeof y->line_key[0], "%s", key);
    return 0;
}

static int
segment_ok(const char *s, size_t n)
{
    if (n == 0 || n > 63) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_')) {
            return 0;
        }
    }
    return 1;
}

/* The edits {key.path: value} as a tree of nested objects; 0, or -1 with a message. */
static int
edits_tree(json_t *edits, json_t **tree, char *err, size_t esize, char *ekey, size_t ksize)
{
    *tree = json_object();
    const char *key;
    json_t *v;
    if (!*tree) {
        return snprintf(err, esize, "out of memory"), -1;
    }
    if (json_object_size(edits) > DP_SERVE_MAX_EDITS) {
        snprintf(err, esize, "at most %d edits at a time", DP_SERVE_MAX_EDITS);
        return -1;
    }
    json_object_foreach(edits, key, v)
    {
        snprintf(ekey, ksize, "%s", key);
        if (strlen(key) >= 120) {
            snprintf(err, esize, "%s: key path too long", key);
            return -1;
        }
        if (json_is_array(v)) {
            /* A list (eligible types, grades, households; an age range): numbers and words. */
            size_t ia;
            json_t *item;
            if (json_array_size(v) > 16) {
                snprintf(err, esize, "%s: a list of at most 16 items", key);
                return -1;
            }
            json_array_foreach(v, ia, item)
            {
                if (!(json_is_number(item) || json_is_string(item)) ||
                    (json_is_real(item) && !isfinite(json_real_value(item))) ||
                    (json_is_string(item) && strlen(json_string_value(item)) > 40)) {
                    snprintf(err, esize, "%s: a list's items are numbers or words", key);
                    return -1;
                }
            }
        } else if (!json_is_number(v) && !json_is_boolean(v) && !json_is_string(v)) {
            snprintf(err, esize, "%s: expected a number, true/false, a word or a list", key);
            return -1;
        }
        if (json_is_real(v) && !isfinite(json_real_value(v))) {
            snprintf(err, esize, "%s: expected a finite number", key);
            return -1;
        }
        if (json_is_string(v) && strlen(json_string_value(v)) > 200) {
            snprintf(err, esize, "%s: value too long", key);
            return -1;
        }
        json_t *node = *tree;
        const char *seg = key;
        for (;;) {
            size_t n = strcspn(seg, ".");
            if (!segment_ok(seg, n)) {
                snprintf(err, esize,
                         "%s: not a key path of the scenario key table (segments of letters, "
                         "digits and '_', joined by '.')",
                         key);
                return -1;
            }
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)n, seg);
            json_t *child = json_object_get(node, name);
            if (seg[n] == '\0') {
                if (child) {
                    snprintf(err, esize, "%s: set twice (as a value and as a map)", key);
                    return -1;
                }
                json_object_set(node, name, v);
                break;
            }
            if (!child) {
                child = json_object();
                json_object_set_new(node, name, child);
            } else if (!json_is_object(child)) {
                snprintf(err, esize, "%s: set twice (as a value and as a map)", key);
                return -1;
            }
            node = child;
            seg += n + 1;
        }
    }
    ekey[0] = '\0';
    return 0;
}

/* A word of letters, digits and '_' (starting with a letter), not one YAML reads as a boolean
 * or null: written plain, as in a file (the loader takes `all`, `never` and `calibrated` only
 * plain); anything else is a double-quoted scalar. */
static int
plain_word(const char *w)
{
    static const char *const special[] = {"true", "false", "yes", "no", "on",
                                          "off",  "null",  "y",   "n"};
    size_t n = strlen(w);
    if (n == 0 || n > 40 || !((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z')) ||
        !segment_ok(w, n)) {
        return 0;
    }
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        if (strcasecmp(w, special[i]) == 0) {
            return 0;
        }
    }
    return 1;
}

/* One scalar of the overlay (a number, a boolean or a word) into out. */
static int
put_scalar(char *out, size_t size, json_t *v)
{
    if (json_is_true(v) || json_is_false(v)) {
        snprintf(out, size, "%s", json_is_true(v) ? "true" : "false");
    } else if (json_is_integer(v)) {
        snprintf(out, size, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        snprintf(out, size, "%.17g", json_real_value(v));
    } else if (plain_word(json_string_value(v))) {
        snprintf(out, size, "%s", json_string_value(v));
    } else {
        /* A JSON string is a YAML double-quoted scalar. */
        char *q = json_dumps(v, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
        if (!q) {
            return -1;
        }
        snprintf(out, size, "%s", q);
        free(q);
    }
    return 0;
}

static int
emit_tree(ybuf *y, json_t *node, int depth, const char *prefix)
{
    const char *name;
    json_t *v;
    json_object_foreach(node, name, v)
    {
        char path[128], head[160];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", name);
        snprintf(head, sizeof head, "%*s%s:", 2 * depth, "", name);
        if (ybuf_put(y, head) != 0 || ybuf_line(y, path) != 0) {
            return -1;
        }
        if (json_is_object(v)) {
            if (ybuf_put(y, "\n") != 0 || emit_tree(y, v, depth + 1, path) != 0) {
                return -1;
            }
            continue;
        }
        char val[1600];
        size_t o = 1;
        val[0] = ' ';
        if (json_is_array(v)) {
            /* A flow sequence on the key's line: [a, b, c]. */
            size_t ia;
            json_t *item;
            val[o++] = '[';
            json_array_foreach(v, ia, item)
            {
                if (ia > 0 && o + 2 < sizeof val) {
                    val[o++] = ',';
                    val[o++] = ' ';
                }
                if (o >= sizeof val || put_scalar(val + o, sizeof val - o, item) != 0) {
                    return -1;
                }
                o += strlen(val + o);
            }
            snprintf(val + o, sizeof val - o, "]");
        } else if (put_scalar(val + 1, sizeof val - 1, v) != 0) {
            return -1;
        }
        if (ybuf_put(y, val) != 0 || ybuf_put(y, "\n") != 0) {
            return -1;
        }
    }
    return 0;
}

/* The overlay's YAML text of edits (a JSON object) into y (y->buf "" for no edits). */
static int
overlay_yaml(json_t *edits, ybuf *y, char *err, size_t esize, char *ekey, size_t ksize)
{
    json_t *tree = NULL;
    memset(y, 0, sizeof *y);
    int rc = edits_tree(edits, &tree, err, esize, ekey, ksize);
    if (rc == 0 && (ybuf_put(y, "") != 0 || emit_tree(y, tree, 0, "") != 0)) {
        snprintf(err, esize, "out of memory");
        rc = -1;
    }
    json_decref(tree);
    return rc;
}

static void
ybuf_free(ybuf *y)
{
    free(y->buf);
    free(y->line_key);
}

/* ------------------------------------------------------------------------------------------ */
/* Requests */

/* The scenario the request names ("scenario": name or index), or -1 with the reply made. */
static long
pick_scenario(dp_serve *sv, json_t *s, dp_serve_reply *r)
{
    if (json_is_integer(s)) {
        json_int_t i = json_integer_value(s);
        if (i >= 0 && (size_t)i < sv->n) {
            return (long)i;
        }
    } else if (json_is_string(s)) {
        const char *name = json_string_value(s);
        for (size_t i = 0; i < sv->n; i++) {
            if (strcmp(name, sv->scen[i].name) == 0) {
                return (long)i;
            }
        }
        if (strchr(name, '/') || strchr(name, '\\') || strstr(name, "..")) {
            reply_error(r, 400, NULL,
                        "scenario '%.100s': a scenario is chosen by its name from the list the "
                        "server was started with, never by a path",
                        name);
            return -1;
        }
        reply_error(r, 400, NULL, "unknown scenario '%.100s' (GET /api/scenarios lists them)",
                    name);
        return -1;
    }
    reply_error(r, 400, NULL, "\"scenario\": expected a scenario name or index");
    return -1;
}

/* Parses a POST body as a JSON object with scenario and overlay; fills *scen and the overlay
 * text. Returns the parsed object, or NULL with the reply made. */
static json_t *
parse_request(dp_serve *sv, const char *body, size_t size, long *scen, ybuf *y, dp_serve_reply *r)
{
    json_error_t je;
    json_t *req = json_loadb(body ? body : "", size, JSON_REJECT_DUPLICATES, &je);
    char err[512], key[128] = "";
    memset(y, 0, sizeof *y);
    if (!req || !json_is_object(req)) {
        if (req) {
            reply_error(r, 400, NULL, "the request body must be a JSON object");
        } else {
            reply_error(r, 400, NULL, "malformed JSON at line %d, column %d: %s", je.line,
                        je.column, je.text);
        }
        json_decref(req);
        return NULL;
    }
    if ((*scen = pick_scenario(sv, json_object_get(req, "scenario"), r)) < 0) {
        json_decref(req);
        return NULL;
    }
    json_t *edits = json_object_get(req, "overlay");
    if (edits && !json_is_object(edits) && !json_is_null(edits)) {
        reply_error(r, 400, NULL, "\"overlay\": expected an object {key path: value}");
        json_decref(req);
        return NULL;
    }
    json_t *empty = json_object();
    int rc = overlay_yaml(edits && json_is_object(edits) ? edits : empty, y, err, sizeof err, key,
                          sizeof key);
    json_decref(empty);
    if (rc != 0) {
        reply_error(r, 400, key[0] ? key : NULL, "%s", err);
        ybuf_free(y);
        memset(y, 0, sizeof *y);
        json_decref(req);
        return NULL;
    }
    return req;
}

/* The key path of an "edits:LINE:COL: ..." message (NULL when the message names no line of the
 * overlay). */
static const char *
error_key(const ybuf *y, const char *msg)
{
    size_t n = strlen(OVERLAY_NAME);
    if (strncmp(msg, OVERLAY_NAME ":", n + 1) != 0) {
        return NULL;
    }
    long line = strtol(msg + n + 1, NULL, 10);
    return line >= 1 && line <= y->line ? y->line_key[line] : NULL;
}

/* Loads scenario i with the overlay (or as it is when the overlay is empty); on error makes the
 * reply (400 with the loader's message and the key path for input errors). */
static dp_scenario *
load(dp_serve *sv, dp_ctx *ctx, size_t i, const ybuf *y, dp_serve_reply *r)
{
    dp_scenario *s = NULL;
    dp_status rc = y->buf && y->buf[0]
                       ? dp_scenario_load_overlay(ctx, sv->scen[i].path, sv->data_dir, OVERLAY_NAME,
                                                  y->buf, &s)
                       : dp_scenario_load(ctx, sv->scen[i].path, sv->data_dir, &s);
    if (rc != DP_OK) {
        const char *msg = dp_ctx_errmsg(ctx);
        reply_error(r, rc == DP_EINPUT ? 400 : 500, error_key(y, msg), "%s", msg);
        return NULL;
    }
    return s;
}

/* A slot of engine work: waits up to 30 s. Returns 0, or -1 (busy). */
static int
work_acquire(dp_serve *sv)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    pthread_mutex_lock(&sv->lock);
    int rc = 0;
    while (sv->busy >= sv->max_work && rc == 0) {
        rc = pthread_cond_timedwait(&sv->freed, &sv->lock, &until);
    }
    int ok = sv->busy < sv->max_work;
    if (ok) {
        sv->busy++;
    }
    pthread_mutex_unlock(&sv->lock);
    return ok ? 0 : -1;
}

static void
work_release(dp_serve *sv)
{
    pthread_mutex_lock(&sv->lock);
    sv->busy--;
    pthread_cond_signal(&sv->freed);
    pthread_mutex_unlock(&sv->lock);
}

/* ------------------------------------------------------------------------------------------ */
/* Results as JSON */

/* Mean over runs (run = SIZE_MAX) or run `run` of table t summed over every axis but year and
 * keep (an axis name, or NULL) into out[n_year * n_keep]. Returns n_keep, or 0 when t lacks an
 * axis. */
static size_t
table_sum(const dp_results *res, const dp_table *t, const char *keep, size_t run, double *out,
          size_t cap)
{
    size_t iy = SIZE_MAX, ik = SIZE_MAX, dims[DP_MAX_RANK];
    for (size_t a = 0; a < t->rank; a++) {
        dims[a] = res->axis[t->axis[a]].n;
        if (strcmp(res->axis[t->axis[a]].name, "year") == 0) {
            iy = a;
        } else if (keep && strcmp(res->axis[t->axis[a]].name, keep) == 0) {
            ik = a;
        }
    }
    if (iy == SIZE_MAX || (keep && ik == SIZE_MAX)) {
        return 0;
    }
    size_t nk = keep ? dims[ik] : 1, ny = dims[iy];
    if (ny * nk > cap) {
        return 0;
    }
    memset(out, 0, ny * nk * sizeof *out);
    size_t r0 = run == SIZE_MAX ? 0 : run, r1 = run == SIZE_MAX ? res->n_run : run + 1;
    for (size_t k = r0; k < r1; k++) {
        const double *d = t->per_run ? dp_table_run(t, k) : t->data;
        for (size_t e = 0; e < t->size; e++) {
            size_t rest = e, idx[DP_MAX_RANK] = {0};
            for (size_t a = t->rank; a-- > 0;) {
                idx[a] = rest % dims[a];
                rest /= dims[a];
            }
            size_t cell = idx[iy] * nk + (keep ? idx[ik] : 0);
            out[cell] += d[e] / (double)(r1 - r0);
        }
    }
    return nk;
}

static json_t *
num_array(const double *v, size_t n, size_t stride, double scale)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride] * scale;
        json_array_append_new(arr, isfinite(x) ? json_real(x) : json_null());
    }
    return arr;
}

/* Spending by programme and by level (万元, per year) and totals of view (the whole run, or
 * its view on one region or node: dp_rollup_view), the targets and the budget of the whole run
 * res (a target names its own region or node; the ceiling is the run's). */
static json_t *
results_json(dp_ctx *ctx, const dp_results *view, const dp_results *whole)
{
    json_t *o = json_object();
    const dp_results *res = view;
    size_t iy = dp_results_find_axis(res, "year");
    const dp_table *sp = dp_results_find(res, "spending");
    const dp_table *lv = dp_results_find(res, "spending_level");
    if (iy == (size_t)-1 || !sp || !lv) {
        json_decref(o);
        return NULL;
    }
    size_t ny = res->axis[iy].n;
    double *buf = malloc(ny * 64 * sizeof *buf);
    if (!buf) {
        json_decref(o);
        return NULL;
    }
    json_t *years = json_array();
    for (size_t y = 0; y < ny; y++) {
        json_array_append_new(years, json_integer(atoi(res->axis[iy].label[y])));
    }
    json_object_set_new(o, "years", years);
    const char *groups[2][2] = {{"programmes", "programme"}, {"levels", "level"}};
    const dp_table *tabs[2] = {sp, lv};
    for (int g = 0; g < 2; g++) {
        size_t ia = dp_results_find_axis(res, groups[g][1]);
        size_t nk =
            ia == (size_t)-1 ? 0 : table_sum(res, tabs[g], groups[g][1], SIZE_MAX, buf, ny * 64);
        json_t *arr = json_array();
        for (size_t k = 0; k < nk; k++) {
            /* The English label from the key table's segments (programmes.care_subsidy: "care
             * subsidy"; central: "central"), the Chinese as the outputs have it. */
            char path[96], en[128];
            snprintf(path, sizeof path, "%s%s", g == 0 ? "programmes." : "",
                     res->axis[ia].label[k]);
            dp_key_label(path, 0, en, sizeof en);
            json_array_append_new(arr,
                                  json_pack("{s:s, s:s, s:s, s:o}", "key", res->axis[ia].label[k],
                                            "label", en, "label_zh", res->axis[ia].label_zh[k],
                                            "spending", num_array(buf + k, ny, nk, 1e-4)));
        }
        json_object_set_new(o, groups[g][0], arr);
    }
    table_sum(res, sp, NULL, SIZE_MAX, buf, ny);
    json_object_set_new(o, "total", num_array(buf, ny, 1, 1e-4));
    free(buf);

    res = whole;
    dp_target_result *tr = NULL;
    size_t n_tr = 0;
    json_t *targets = json_array();
    if (dp_targets_read(ctx, res, &tr, &n_tr) == DP_OK) {
        for (size_t i = 0; i < n_tr; i++) {
            json_t *t = json_pack("{s:s, s:s, s:s, s:i, s:s, s:f, s:s, s:b}", "label", tr[i].label,
                                  "label_zh", tr[i].label_zh, "indicator", tr[i].indicator, "year",
                                  tr[i].year, "op", dp_target_op_text[tr[i].op], "value",
                                  tr[i].value, "unit", tr[i].unit, "binding", tr[i].binding);
            json_object_set_new(t, "mean",
                                isfinite(tr[i].mean) ? json_real(tr[i].mean) : json_null());
            json_object_set_new(t, "p_met",
                                isfinite(tr[i].p_met) ? json_real(tr[i].p_met) : json_null());
            json_object_set_new(t, "gap",
                                isfinite(tr[i].mean_gap) ? json_real(tr[i].mean_gap) : json_null());
            json_object_set_new(t, "region", json_string(tr[i].region));
            json_object_set_new(t, "region_zh", json_string(tr[i].region_zh));
            json_object_set_new(t, "gap_unit", json_string(tr[i].gap_unit));
            json_object_set_new(t, "gap_unit_zh", json_string(dp_unit_zh(tr[i].gap_unit)));
            json_object_set_new(t, "unit_zh", json_string(dp_unit_zh(tr[i].unit)));
            json_array_append_new(targets, t);
        }
    }
    free(tr);
    json_object_set_new(o, "targets", targets);

    dp_budget_year *by = NULL;
    size_t n_by = 0;
    json_t *budget = json_null();
    if (dp_budget_read(ctx, res, &by, &n_by) == DP_OK && n_by > 0 && isfinite(by[0].ceiling)) {
        budget = json_array();
        for (size_t i = 0; i < n_by; i++) {
            json_array_append_new(budget,
                                  json_pack("{s:i, s:f, s:f, s:f}", "year", by[i].year, "total",
                                            by[i].total * 1e-4, "ceiling", by[i].ceiling * 1e-4,
                                            "p_exceeds", by[i].p_exceeds));
        }
    }
    free(by);
    json_object_set_new(o, "budget", budget);
    return o;
}

/* Runs scenario s with the cohort engine (one run) or the micro engine; targets added. */
static dp_status
run_engine(dp_ctx *ctx, const dp_serve *sv, const dp_scenario *s, int micro, size_t runs,
           dp_results **res)
{
    dp_model *m = NULL;
    dp_engine_opts eo = {runs, 1};
    dp_status rc = dp_model_of_scenario(ctx, s, sv->ref, &m);
    if (rc == DP_OK) {
        rc = micro ? dp_micro_run(ctx, m, &eo, res) : dp_cohort_run(ctx, m, &eo, res);
    }
    /* As dpsim run: the roll-ups to the hierarchy's nodes first, since a target may name a
     * node (engines/rollup.h). */
    if (rc == DP_OK) {
        rc = dp_rollup_add(ctx, dp_scenario_hierarchy(s), *res);
    }
    if (rc == DP_OK) {
        rc = dp_targets_add(ctx, s, *res);
    }
    dp_model_free(m);
    return rc;
}

static double
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

/* The places of a run's results that the page may show: its regions (axis `region`) and the
 * nodes of the hierarchy above them (axis `node`, engines/rollup.h), each {id, name, name_zh,
 * level} (level "region" for a region file, else the node's level), the English names from
 * the scenario's region files and hierarchy. */
static json_t *
places_json(const dp_scenario *s, const dp_results *res)
{
    json_t *arr = json_array();
    size_t ra = dp_results_find_axis(res, "region"), na = dp_results_find_axis(res, "node");
    size_t la = dp_results_find_axis(res, "node_level");
    const dp_hierarchy *h = dp_scenario_hierarchy(s);
    for (size_t k = 0; ra != (size_t)-1 && k < res->axis[ra].n; k++) {
        const char *id = res->axis[ra].label[k], *en = id;
        for (size_t j = 0; j < dp_scenario_n_region(s); j++) {
            if (strcmp(dp_scenario_region(s, j)->id, id) == 0) {
                en = dp_scenario_region(s, j)->name_en;
            }
        }
        json_array_append_new(arr,
                              json_pack("{s:s, s:s, s:s, s:s}", "id", id, "name", en, "name_zh",
                                        res->axis[ra].label_zh[k], "level", "region"));
    }
    for (size_t k = 0; na != (size_t)-1 && k < res->axis[na].n; k++) {
        const char *id = res->axis[na].label[k], *en = id;
        size_t hk = h ? dp_hierarchy_find(h, id) : (size_t)-1;
        if (h && hk < h->n) {
            en = h->node[hk].name_en;
        }
        const char *level =
            la != (size_t)-1 && k < res->axis[la].n ? res->axis[la].label[k] : "node";
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "id", id, "name", en,
                                             "name_zh", res->axis[na].label_zh[k], "level", level));
    }
    return arr;
}

/* Runs scenario s (loaded) and answers with the results of the whole run, or of one region or
 * node when place is not NULL; the results JSON (with "places") or NULL with the reply made. */
static json_t *
run_json(dp_serve *sv, dp_ctx *ctx, const dp_scenario *s, const char *place, dp_serve_reply *r)
{
    dp_results *res = NULL, *view = NULL;
    if (work_acquire(sv) != 0) {
        reply_error(r, 503, NULL, "the server is busy; try again");
        return NULL;
    }
    dp_status rc = run_engine(ctx, sv, s, 0, 1, &res);
    work_release(sv);
    if (rc == DP_OK && place) {
        rc = dp_rollup_view(ctx, res, place, &view);
    }
    json_t *j = rc == DP_OK ? results_json(ctx, view ? view : res, res) : NULL;
    if (j) {
        json_object_set_new(j, "places", places_json(s, res));
        json_object_set_new(j, "place", place ? json_string(place) : json_null());
    }
    dp_results_free(view);
    dp_results_free(res);
    if (!j) {
        reply_error(r, rc == DP_EINPUT ? 400 : 500, NULL, "%s%s",
                    rc == DP_EINPUT && place ? "\"region\": " : "",
                    rc != DP_OK ? dp_ctx_errmsg(ctx) : "results without spending tables");
    }
    return j;
}

static json_t *
diff_array(json_t *a, json_t *b)
{
    json_t *d = json_array();
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *x = json_array_get(a, i), *y = json_array_get(b, i);
        json_array_append_new(d, json_is_number(x) && json_is_number(y)
                                     ? json_real(json_number_value(x) - json_number_value(y))
                                     : json_null());
    }
    return d;
}

static void
handle_run(dp_serve *sv, dp_ctx *ctx, const char *body, size_t size, dp_serve_reply *r)
{
    long i;
    ybuf y;
    double t0 = now_ms();
    json_t *req = parse_request(sv, body, size, &i, &y, r);
    if (!req) {
        return;
    }
    /* "region": a region or a node of the run (GET /api/run's "places"); absent or null: the
     * whole run. Checked against the results' own labels (dp_rollup_view), never a path. */
    json_t *jp = json_object_get(req, "region");
    const char *place =
        json_is_string(jp) && json_string_value(jp)[0] ? json_string_value(jp) : NULL;
    json_t *cur = NULL;
    dp_scenario *s = NULL;
    if (jp && !json_is_null(jp) && !json_is_string(jp)) {
        reply_error(r, 400, NULL, "\"region\": expected a region or node id, or null");
    } else if (place && strlen(place) > 31) {
        reply_error(r, 400, NULL, "\"region\": an id of at most 31 characters");
    } else if ((s = load(sv, ctx, (size_t)i, &y, r)) != NULL) {
        cur = run_json(sv, ctx, s, place, r);
    }
    dp_scenario_free(s);
    double t_run = now_ms() - t0;
    json_t *base = NULL;
    if (cur) {
        /* The scenario as it is, once per place shown (cached: {place or "": answer}). */
        const char *slot = place ? place : "";
        pthread_mutex_lock(&sv->lock);
        base = json_incref(json_object_get(sv->scen[i].baseline, slot));
        pthread_mutex_unlock(&sv->lock);
        if (!base) {
            ybuf none = {0};
            dp_scenario *s0 = load(sv, ctx, (size_t)i, &none, r);
            base = s0 ? run_json(sv, ctx, s0, place, r) : NULL;
            dp_scenario_free(s0);
            if (base) {
                pthread_mutex_lock(&sv->lock);
                if (!sv->scen[i].baseline) {
                    sv->scen[i].baseline = json_object();
                }
                if (json_object_size(sv->scen[i].baseline) < 64 &&
                    !json_object_get(sv->scen[i].baseline, slot)) {
                    json_object_set(sv->scen[i].baseline, slot, base);
                }
                pthread_mutex_unlock(&sv->lock);
            }
        }
    }
    if (cur && base) {
        json_t *d = json_object();
        json_object_set_new(
            d, "total", diff_array(json_object_get(cur, "total"), json_object_get(base, "total")));
        json_t *dp = json_array(), *cp = json_object_get(cur, "programmes"),
               *bp = json_object_get(base, "programmes");
        for (size_t k = 0; k < json_array_size(cp); k++) {
            json_array_append_new(
                dp, json_pack("{s:O, s:o}", "key", json_object_get(json_array_get(cp, k), "key"),
                              "spending",
                              diff_array(json_object_get(json_array_get(cp, k), "spending"),
                                         json_object_get(json_array_get(bp, k), "spending"))));
        }
        json_object_set_new(d, "programmes", dp);
        json_object_set_new(cur, "scenario", json_string(sv->scen[i].name));
        json_object_set_new(cur, "overlay_yaml", json_string(y.buf ? y.buf : ""));
        json_object_set_new(cur, "baseline", base);
        json_object_set_new(cur, "difference", d);
        json_object_set_new(cur, "elapsed_ms", json_real(t_run));
        reply_json(r, 200, cur);
    } else {
        json_decref(cur);
        json_decref(base);
    }
    ybuf_free(&y);
    json_decref(req);
}

/* The edits as a file `extends:` the scenario (its absolute path) sets them. */
static char *
overlay_file_text(const dp_serve *sv, size_t i, const ybuf *y)
{
    size_t n = strlen(y->buf ? y->buf : "") + strlen(sv->scen[i].path) + 512;
    char *t = malloc(n);
    if (t) {
        snprintf(t, n,
                 "# Written by dpsim serve: the page's edits of scenario %s.\n"
                 "# Run it with: dpsim run THIS_FILE\n"
                 "dpsim: 1\nextends: %s\nname: %.60s-edited\n%s",
                 sv->scen[i].name, sv->scen[i].path, sv->scen[i].name, y->buf ? y->buf : "");
    }
    return t;
}

static void
handle_overlay(dp_serve *sv, dp_ctx *ctx, const char *body, size_t size, dp_serve_reply *r)
{
    long i;
    ybuf y;
    json_t *req = parse_request(sv, body, size, &i, &y, r);
    if (!req) {
        return;
    }
    /* Checked like a run would check it: an overlay that does not load is not offered. */
    dp_scenario *s = load(sv, ctx, (size_t)i, &y, r);
    if (s) {
        char *t = overlay_file_text(sv, (size_t)i, &y);
        r->status = t ? 200 : 500;
        r->content_type = "application/x-yaml; charset=utf-8";
        r->body = t ? t : strdup("out of memory");
        r->size = r->body ? strlen(r->body) : 0;
        snprintf(r->filename, sizeof r->filename, "%.60s-edited.yaml", sv->scen[i].name);
    }
    dp_scenario_free(s);
    ybuf_free(&y);
    json_decref(req);
}

/* Writes text to a new file of the server's folder; its path into out. */
static int
tmp_write(dp_serve *sv, const char *stem, const char *ext, const char *text, char *out, size_t n)
{
    pthread_mutex_lock(&sv->lock);
    unsigned k = ++sv->counter;
    pthread_mutex_unlock(&sv->lock);
    if ((size_t)snprintf(out, n, "%.3900s/%.16s-%u.%.8s", sv->tmp, stem, k, ext) >= n) {
        return -1;
    }
    if (!text) {
        return 0;
    }
    FILE *f = fopen(out, "wx");
    if (!f) {
        return -1;
    }
    int bad = fputs(text, f) < 0;
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

static char *
slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            cap = (len + 65536) * 2;
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            break;
        }
    }
    fclose(f);
    *size = len;
    return buf;
}

static void
handle_download(dp_serve *sv, dp_ctx *ctx, int xlsx, const char *body, size_t size,
                dp_serve_reply *r)
{
    long i;
    ybuf y;
    if (xlsx && !sv->open_xlsx) {
        reply_error(r, 501, NULL, "this server has no Excel writer");
        return;
    }
    json_t *req = parse_request(sv, body, size, &i, &y, r);
    if (!req) {
        return;
    }
    char yaml[PATH_MAX], h5[PATH_MAX], xl[PATH_MAX];
    char *text = overlay_file_text(sv, (size_t)i, &y);
    dp_scenario *s = NULL;
    dp_results *res = NULL;
    dp_output *out = NULL;
    dp_status rc = DP_ENOMEM;
    dp_run_info info = {"cohort", 1, 1, "none"};
    h5[0] = xl[0] = '\0';
    if (!text || tmp_write(sv, "edit", "yaml", text, yaml, sizeof yaml) != 0) {
        reply_error(r, 500, NULL, "cannot write the server's temporary folder");
        goto done;
    }
    if ((rc = dp_scenario_load(ctx, yaml, sv->data_dir, &s)) != DP_OK) {
        /* The edits' lines are shifted by the 5 header lines of the file. */
        reply_error(r, rc == DP_EINPUT ? 400 : 500, NULL, "%s", dp_ctx_errmsg(ctx));
        goto done;
    }
    if (work_acquire(sv) != 0) {
        reply_error(r, 503, NULL, "the server is busy; try again");
        goto done;
    }
    rc = run_engine(ctx, sv, s, 0, 1, &res);
    work_release(sv);
    tmp_write(sv, "edit", "h5", NULL, h5, sizeof h5);
    if (rc == DP_OK && (rc = dp_output_open(ctx, h5, "dpsim serve", &out)) == DP_OK &&
        (rc = dp_output_write(ctx, out, s, res, &info, sv->ref->n_input,
                              (const char(*)[256])sv->ref->input_path,
                              (const char(*)[65])sv->ref->input_sha256)) == DP_OK) {
        rc = dp_output_close(ctx, out);
        out = NULL;
    }
    if (rc == DP_OK && xlsx) {
        tmp_write(sv, "edit", "xlsx", NULL, xl, sizeof xl);
        dp_export_request er = {h5, NULL, xl, NULL, 0, NULL, 0, NULL, 0, 0, NULL, "dpsim serve"};
        rc = dp_export(ctx, &er, sv->open_xlsx);
    }
    if (rc != DP_OK) {
        reply_error(r, rc == DP_EINPUT ? 400 : 500, NULL, "%s", dp_ctx_errmsg(ctx));
    } else {
        r->body = slurp(xlsx ? xl : h5, &r->size);
        r->status = r->body ? 200 : 500;
        r->content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                               : "application/x-hdf5";
        snprintf(r->filename, sizeof r->filename, "%.60s-edited.%s", sv->scen[i].name,
                 xlsx ? "xlsx" : "h5");
        if (!r->body) {
            reply_error(r, 500, NULL, "cannot read the results back");
        }
        if (xlsx) {
            unlink(xl);
        }
    }
    unlink(h5);
done:
    dp_output_abort(out);
    if (text) {
        unlink(yaml);
    }
    free(text);
    dp_results_free(res);
    dp_scenario_free(s);
    ybuf_free(&y);
    json_decref(req);
}

static void
solve_reply(dp_serve *sv, dp_ctx *ctx, const char *yaml, const char *target, const char *key,
            double prob, dp_serve_reply *r)
{
    dp_solve_result *res = NULL;
    if (work_acquire(sv) != 0) {
        reply_error(r, 503, NULL, "the server is busy; try again");
        unlink(yaml);
        return;
    }
    dp_solve_opts o = {target, key, prob, 0, 1, 1, NAN, NAN, 40, NULL, NULL};
    dp_status rc = dp_solve(ctx, yaml, sv->data_dir, &o, &res);
    work_release(sv);
    unlink(yaml);
    if (rc != DP_OK) {
        reply_error(r, rc == DP_EINPUT ? 400 : 500, rc == DP_EINPUT ? key : NULL, "%s",
                    dp_ctx_errmsg(ctx));
        dp_solve_result_free(res);
        return;
    }
    static const char *const status_text[] = {"found", "unreachable", "no_effect", "limit"};
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i}", "status", status_text[res->status], "target",
                          res->target, "target_zh", res->target_zh, "key", res->key, "direction",
                          res->direction);
    json_object_set_new(j, "message",
                        json_string(res->status == DP_SOLVE_FOUND ? "" : res->message));
    if (res->status == DP_SOLVE_FOUND) {
        const dp_solve_eval *e = &res->eval[res->answer], *e0 = &res->eval[0];
        json_object_set_new(j, "value", json_real(res->x));
        json_object_set_new(j, "value_text", json_string(res->x_text));
        json_object_set_new(j, "indicator", isfinite(e->value) ? json_real(e->value) : json_null());
        json_object_set_new(j, "p_met", json_real(e->p));
        json_object_set_new(j, "total_difference", json_real((e->total - e0->total) * 1e-4));
    }
    json_object_set_new(j, "x0", isfinite(res->x0) ? json_real(res->x0) : json_null());
    json_object_set_new(j, "evaluations", json_integer((json_int_t)res->n_eval));
    reply_json(r, 200, j);
    dp_solve_result_free(res);
}

static void
handle_solve(dp_serve *sv, dp_ctx *ctx, const char *body, size_t size, dp_serve_reply *r)
{
    long i;
    ybuf y;
    json_t *req = parse_request(sv, body, size, &i, &y, r);
    if (!req) {
        return;
    }
    const char *target = json_string_value(json_object_get(req, "target"));
    const char *key = json_string_value(json_object_get(req, "key"));
    json_t *jp = json_object_get(req, "prob");
    double prob = json_is_number(jp) ? json_number_value(jp) : 0.9;
    char yaml[PATH_MAX];
    char *text = NULL;
    dp_scenario *s = NULL;
    if (!target || !key) {
        reply_error(r, 400, NULL, "\"target\" and \"key\" are both needed");
        goto done;
    }
    /* The edits must load on their own first, so their errors name their key. */
    if (!(s = load(sv, ctx, (size_t)i, &y, r))) {
        goto done;
    }
    text = overlay_file_text(sv, (size_t)i, &y);
    if (!text || tmp_write(sv, "solve", "yaml", text, yaml, sizeof yaml) != 0) {
        reply_error(r, 500, NULL, "cannot write the server's temporary folder");
        goto done;
    }
    solve_reply(sv, ctx, yaml, target, key, prob, r);
done:
    free(text);
    dp_scenario_free(s);
    ybuf_free(&y);
    json_decref(req);
}

/* ------------------------------------------------------------------------------------------ */
/* Ranges: a micro run in the background */

static void
range_progress(void *user, size_t done, size_t total)
{
    dp_serve *sv = user;
    pthread_mutex_lock(&sv->lock);
    sv->job.done = done;
    sv->job.total = total;
    pthread_mutex_unlock(&sv->lock);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
quantile(const double *sorted, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return sorted[lo] + (h - (double)lo) * (sorted[hi] - sorted[lo]);
}

/* The fan of total spending over the runs of res (the whole run, or its view on one region or
 * node), with the targets and the budget of the whole run whole. */
static json_t *
ranges_json(dp_ctx *ctx, const dp_results *res, const dp_results *whole)
{
    const dp_table *sp = dp_results_find(res, "spending");
    size_t iy = dp_results_find_axis(res, "year");
    if (!sp || iy == (size_t)-1) {
        return NULL;
    }
    size_t ny = res->axis[iy].n, nr = res->n_run;
    double *tot = malloc(ny * nr * sizeof *tot), *col = malloc(nr * sizeof *col);
    json_t *o = json_object();
    if (!tot || !col) {
        free(tot);
        free(col);
        json_decref(o);
        return NULL;
    }
    for (size_t k = 0; k < nr; k++) {
        table_sum(res, sp, NULL, k, tot + k * ny, ny);
    }
    static const double qs[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    static const char *const qn[] = {"p05", "p25", "p50", "p75", "p95"};
    json_t *fan = json_object(), *mean = json_array();
    for (size_t q = 0; q < 5; q++) {
        json_object_set_new(fan, qn[q], json_array());
    }
    for (size_t y = 0; y < ny; y++) {
        double m = 0.0;
        for (size_t k = 0; k < nr; k++) {
            col[k] = tot[k * ny + y];
            m += col[k] / (double)nr;
        }
        qsort(col, nr, sizeof *col, cmp_double);
        for (size_t q = 0; q < 5; q++) {
            json_array_append_new(json_object_get(fan, qn[q]),
                                  json_real(quantile(col, nr, qs[q]) * 1e-4));
        }
        json_array_append_new(mean, json_real(m * 1e-4));
    }
    free(tot);
    free(col);
    json_object_set_new(o, "runs", json_integer((json_int_t)nr));
    json_object_set_new(o, "total_fan", fan);
    json_object_set_new(o, "total_mean", mean);
    json_t *r = results_json(ctx, res, whole);
    if (r) {
        json_object_set(o, "years", json_object_get(r, "years"));
        json_object_set(o, "targets", json_object_get(r, "targets"));
        json_object_set(o, "budget", json_object_get(r, "budget"));
        json_decref(r);
    }
    return o;
}

static void *
range_thread(void *arg)
{
    dp_serve *sv = arg;
    dp_ctx *ctx = dp_ctx_alloc();
    dp_scenario *s = NULL;
    dp_results *res = NULL, *view = NULL;
    json_t *out = NULL;
    dp_status rc = DP_ENOMEM;
    if (ctx) {
        dp_ctx_set_progress(ctx, range_progress, sv);
        rc = dp_scenario_load_overlay(ctx, sv->scen[sv->job.scen].path, sv->data_dir, OVERLAY_NAME,
                                      sv->job.overlay, &s);
        if (rc == DP_OK && work_acquire(sv) != 0) {
            rc = dp_error(ctx, DP_EINPUT, "the server is busy; try again");
        } else if (rc == DP_OK) {
            rc = run_engine(ctx, sv, s, 1, sv->job.runs, &res);
            work_release(sv);
        }
        if (rc == DP_OK && sv->job.place[0]) {
            rc = dp_rollup_view(ctx, res, sv->job.place, &view);
        }
        out = rc == DP_OK ? ranges_json(ctx, view ? view : res, res) : NULL;
    }
    if (!out) {
        out = json_pack("{s:s}", "error", ctx ? dp_ctx_errmsg(ctx) : "out of memory");
    }
    pthread_mutex_lock(&sv->lock);
    sv->job.result = out;
    sv->job.finished = 1;
    pthread_mutex_unlock(&sv->lock);
    dp_results_free(view);
    dp_results_free(res);
    dp_scenario_free(s);
    dp_ctx_free(ctx);
    return NULL;
}

/* Joins the job's thread and frees it. Called with sv->lock held when the job has finished
 * (the thread then takes the lock no more), or from dp_serve_free without it. */
static void
job_clear(dp_serve *sv)
{
    if (sv->job.started) {
        pthread_join(sv->job.thread, NULL);
    }
    free(sv->job.overlay);
    json_decref(sv->job.result);
    unsigned id = sv->job.id;
    memset(&sv->job, 0, sizeof sv->job);
    sv->job.id = id;
}

static void
handle_ranges_start(dp_serve *sv, dp_ctx *ctx, const char *body, size_t size, dp_serve_reply *r)
{
    long i;
    ybuf y;
    json_t *req = parse_request(sv, body, size, &i, &y, r);
    if (!req) {
        return;
    }
    json_t *jr = json_object_get(req, "runs");
    json_int_t runs = json_is_integer(jr) ? json_integer_value(jr) : 100;
    json_t *jp = json_object_get(req, "region");
    dp_scenario *s = NULL;
    if (jp && !json_is_null(jp) && (!json_is_string(jp) || strlen(json_string_value(jp)) > 31)) {
        reply_error(r, 400, NULL, "\"region\": expected a region or node id, or null");
    } else if (runs < 2 || runs > DP_SERVE_MAX_RANGE_RUNS) {
        reply_error(r, 400, NULL, "\"runs\": expected a whole number from 2 to %d",
                    DP_SERVE_MAX_RANGE_RUNS);
    } else if ((s = load(sv, ctx, (size_t)i, &y, r)) != NULL) {
        pthread_mutex_lock(&sv->lock);
        if (sv->job.started && !sv->job.finished) {
            unsigned id = sv->job.id;
            pthread_mutex_unlock(&sv->lock);
            reply_error(r, 503, NULL, "a ranges run is already going (job %u)", id);
        } else {
            job_clear(sv); /* a finished thread: joined at once, under the lock */
            sv->job.id++;
            sv->job.scen = (size_t)i;
            sv->job.runs = (size_t)runs;
            sv->job.total = (size_t)runs;
            snprintf(sv->job.place, sizeof sv->job.place, "%s",
                     json_is_string(jp) ? json_string_value(jp) : "");
            sv->job.overlay = strdup(y.buf ? y.buf : "");
            sv->job.started =
                sv->job.overlay && pthread_create(&sv->job.thread, NULL, range_thread, sv) == 0;
            unsigned id = sv->job.id;
            int ok = sv->job.started;
            pthread_mutex_unlock(&sv->lock);
            if (ok) {
                reply_json(r, 200, json_pack("{s:i, s:I}", "job", id, "runs", runs));
            } else {
                reply_error(r, 500, NULL, "cannot start the background run");
            }
        }
    }
    dp_scenario_free(s);
    ybuf_free(&y);
    json_decref(req);
}

static void
handle_ranges_get(dp_serve *sv, const char *query, dp_serve_reply *r)
{
    const char *q = query ? strstr(query, "job=") : NULL;
    long id = q ? strtol(q + 4, NULL, 10) : -1;
    pthread_mutex_lock(&sv->lock);
    if (!sv->job.started || id != (long)sv->job.id) {
        pthread_mutex_unlock(&sv->lock);
        reply_error(r, 404, NULL, "no ranges job %ld", id);
        return;
    }
    json_t *j = json_pack("{s:i, s:s, s:I, s:I}", "job", sv->job.id, "state",
                          sv->job.finished ? "done" : "running", "done", (json_int_t)sv->job.done,
                          "total", (json_int_t)sv->job.total);
    if (sv->job.finished) {
        json_object_set(j, "result", sv->job.result);
    }
    pthread_mutex_unlock(&sv->lock);
    reply_json(r, 200, j);
}

/* ------------------------------------------------------------------------------------------ */
/* Scenarios and the key form */

static void
handle_scenarios(dp_serve *sv, dp_ctx *ctx, dp_serve_reply *r)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < sv->n; i++) {
        dp_scenario *s = NULL;
        if (dp_scenario_load(ctx, sv->scen[i].path, sv->data_dir, &s) != DP_OK) {
            json_decref(arr);
            reply_error(r, 500, NULL, "%s", dp_ctx_errmsg(ctx));
            return;
        }
        const dp_params *p = dp_scenario_params(s);
        json_t *regions = json_array();
        for (size_t k = 0; k < dp_scenario_n_region(s); k++) {
            const dp_region_input *ri = dp_scenario_region(s, k);
            json_array_append_new(regions, json_pack("{s:s, s:s, s:s}", "id", ri->id, "name",
                                                     ri->name_en, "name_zh", ri->name_zh));
        }
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:o, s:i, s:i}", "index",
                                             (json_int_t)i, "name", sv->scen[i].name, "title",
                                             sv->scen[i].title, "regions", regions, "year_start",
                                             p->year_start, "year_end", p->year_end));
        dp_scenario_free(s);
    }
    reply_json(r, 200, json_pack("{s:o}", "scenarios", arr));
}

/* The group a key belongs to in the form: the programme for programmes.P.*, else the first
 * segment. */
static void
key_group(const char *path, char *out, size_t n)
{
    if (strncmp(path, "programmes.", 11) == 0) {
        snprintf(out, n, "%.*s", (int)strcspn(path + 11, "."), path + 11);
    } else {
        snprintf(out, n, "%.*s", (int)strcspn(path, "."), path);
    }
}

/* A number, or a word written in digits (a grade of a list) as a number. */
static json_t *
word_json(const char *w, size_t len)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.*s", (int)len, w);
    char *end = NULL;
    long v = strtol(buf, &end, 10);
    return buf[0] && *end == '\0' ? json_integer(v) : json_string(buf);
}

/* The form's entry of settings set[k0..k1) (one setting, or every setting of a word, list or
 * age-range key when whole) with the key's metadata meta. */
static json_t *
key_entry(const dp_setting *set, size_t k0, size_t k1, const dp_key_meta *meta, int whole)
{
    const dp_setting *st = &set[k0];
    const char *path = whole ? meta->path : st->path;
    char label[256], label_zh[256], group[64], gp[96], glabel[128], glabel_zh[128];
    const char *unit = "", *unit_zh = "", *source = "";
    if (dp_setting_meta(st->path, st->key, label, sizeof label, label_zh, sizeof label_zh, &unit,
                        &unit_zh, &source) != 0) {
        return NULL;
    }
    if (whole) {
        dp_key_label(path, 0, label, sizeof label);
        dp_key_label(path, 1, label_zh, sizeof label_zh);
        unit = meta->unit;
        unit_zh = meta->unit_zh;
    }
    dp_key_info info;
    int numeric = dp_scenario_key_numeric(st->path, &info) == 1;
    /* Also editable: switches (a checkbox: true/false) and funding shares (numbers; the
     * loader checks that a programme's shares add up to 1). */
    int boolean = strcmp(meta->type, "boolean") == 0;
    int share = strncmp(meta->type, "share", 5) == 0;
    key_group(path, group, sizeof group);
    /* The group's labels from the key table's segments, as every other label. */
    if (strncmp(path, "programmes.", 11) == 0) {
        snprintf(gp, sizeof gp, "programmes.%s", group);
    } else {
        snprintf(gp, sizeof gp, "%s", group);
    }
    dp_key_label(gp, 0, glabel, sizeof glabel);
    dp_key_label(gp, 1, glabel_zh, sizeof glabel_zh);
    json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "path",
                          path, "label", label, "label_zh", label_zh, "unit", unit, "unit_zh",
                          unit_zh, "source", source, "default", meta->dflt, "type", meta->type,
                          "group", group, "group_label", glabel, "group_label_zh", glabel_zh,
                          "editable", numeric || boolean || share || whole);
    if (!e) {
        return NULL;
    }
    if (whole) {
        json_t *opts = json_array(), *value = NULL;
        const char *w = meta->words;
        for (size_t i = 0; *w; i++) {
            size_t len = strcspn(w, "|");
            char word[48], wl[96], wl_zh[96];
            snprintf(word, sizeof word, "%.*s", (int)len, w);
            dp_key_word_label(path, word, 0, wl, sizeof wl);
            dp_key_word_label(path, word, 1, wl_zh, sizeof wl_zh);
            json_array_append_new(opts, json_pack("{s:o, s:s, s:s}", "value", word_json(w, len),
                                                  "label", wl, "label_zh", wl_zh));
            /* A word's and a list's settings are one switch per word, in the words' order. */
            if (strcmp(meta->control, "select") == 0 && k0 + i < k1 && set[k0 + i].value == 1.0) {
                value = word_json(w, len);
            }
            w += len + (w[len] == '|');
        }
        /* The bounds of an age range or a year, as the key table gives them ("[lo, hi]"). */
        double lo = NAN, hi = NAN;
        if (sscanf(meta->bounds, "[%lf, %lf]", &lo, &hi) != 2) {
            lo = hi = NAN;
        }
        if (strcmp(meta->control, "ages") == 0 || strcmp(meta->control, "year_word") == 0) {
            json_object_set_new(e, "min", isfinite(lo) ? json_real(lo) : json_null());
            json_object_set_new(e, "max", isfinite(hi) ? json_real(hi) : json_null());
        }
        if (strcmp(meta->control, "set") == 0) {
            value = json_array();
            for (size_t i = 0; i < json_array_size(opts) && k0 + i < k1; i++) {
                if (set[k0 + i].value == 1.0) {
                    json_array_append(value, json_object_get(json_array_get(opts, i), "value"));
                }
            }
        } else if (strcmp(meta->control, "ages") == 0 && k1 - k0 == 2) {
            value = json_pack("[i, i]", (int)set[k0].value, (int)set[k0 + 1].value);
        } else if (strcmp(meta->control, "year_word") == 0) {
            value = isfinite(st->value) ? json_integer((json_int_t)st->value)
                                        : json_string(meta->words);
        }
        json_object_set_new(e, "kind", json_string(meta->control));
        json_object_set_new(e, "options", opts);
        json_object_set_new(e, "value", value ? value : json_null());
        return e;
    }
    json_object_set_new(e, "kind", json_string(boolean ? "boolean" : "number"));
    json_object_set_new(e, "value", isfinite(st->value) ? json_real(st->value) : json_null());
    json_object_set_new(e, "word",
                        st->word && !isfinite(st->value) ? json_string(st->word) : json_null());
    if (share) {
        json_object_set_new(e, "min", json_real(0.0));
        json_object_set_new(e, "max", json_real(1.0));
    } else if (numeric) {
        json_object_set_new(e, "min", isfinite(info.min) ? json_real(info.min) : json_null());
        json_object_set_new(e, "max", isfinite(info.max) ? json_real(info.max) : json_null());
        json_object_set_new(e, "integer", json_boolean(info.integer));
    }
    return e;
}

static void
handle_keys(dp_serve *sv, dp_ctx *ctx, const char *query, dp_serve_reply *r)
{
    char name[128] = "";
    const char *q = query ? strstr(query, "scenario=") : NULL;
    if (q) {
        snprintf(name, sizeof name, "%.*s", (int)strcspn(q + 9, "&"), q + 9);
    }
    json_t *jn = json_string(name);
    long i = jn ? pick_scenario(sv, jn, r) : -1;
    json_decref(jn);
    if (i < 0) {
        return;
    }
    dp_scenario *s = NULL;
    ybuf none = {0};
    if (!(s = load(sv, ctx, (size_t)i, &none, r))) {
        return;
    }
    const dp_params *p = dp_scenario_params(s);
    size_t n = 0;
    dp_setting *set = NULL;
    json_t *arr = json_array();
    if (dp_params_describe(ctx, p, p->year_start, NULL, 0, &n) != DP_OK ||
        !(set = malloc((n ? n : 1) * sizeof *set)) ||
        dp_params_describe(ctx, p, p->year_start, set, n, &n) != DP_OK) {
        free(set);
        dp_scenario_free(s);
        json_decref(arr);
        reply_error(r, 500, NULL, "%s", dp_ctx_errmsg(ctx));
        return;
    }
    for (size_t k = 0; k < n; k++) {
        if (strstr(set[k].path, "_indexed")) {
            continue; /* derived: the amount with indexation applied, not a key of its own */
        }
        dp_key_meta meta;
        if (dp_key_meta_get(NULL, set[k].key, &meta) != 0) {
            continue;
        }
        /* A word, a list or an age range is one field of the whole key (its settings are one
         * switch per word or member, or min and max): the settings after the first are left
         * out. */
        int whole = strcmp(meta.control, "select") == 0 || strcmp(meta.control, "set") == 0 ||
                    strcmp(meta.control, "ages") == 0 || strcmp(meta.control, "year_word") == 0;
        size_t k_end = k + 1;
        while (whole && k_end < n && set[k_end].key == set[k].key) {
            k_end++;
        }
        json_t *e = key_entry(set, k, k_end, &meta, whole);
        if (e) {
            json_array_append_new(arr, e);
        }
        k = k_end - 1;
    }
    free(set);
    json_t *j = json_pack("{s:s, s:i, s:o}", "scenario", sv->scen[i].name, "year", p->year_start,
                          "keys", arr);
    dp_scenario_free(s);
    reply_json(r, 200, j);
}

/* ------------------------------------------------------------------------------------------ */

void
dp_serve_request(dp_serve *sv, const char *method, const char *url, const char *body, size_t size,
                 dp_serve_reply *reply)
{
    memset(reply, 0, sizeof *reply);
    char path[128];
    size_t plen = strcspn(url, "?");
    const char *query = url[plen] == '?' ? url + plen + 1 : NULL;
    if (plen >= sizeof path) {
        reply_error(reply, 404, NULL, "no such endpoint");
        return;
    }
    snprintf(path, sizeof path, "%.*s", (int)plen, url);
    int get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
    if (size > DP_SERVE_MAX_BODY) {
        reply_error(reply, 413, NULL, "request body of %zu bytes; at most %d", size,
                    DP_SERVE_MAX_BODY);
        return;
    }
    dp_ctx *ctx = dp_ctx_alloc();
    if (!ctx) {
        reply_error(reply, 500, NULL, "out of memory");
        return;
    }
    static const struct {
        const char *path;
        int post;
    } eps[] = {{"/api/scenarios", 0},   {"/api/keys", 0},         {"/api/run", 1},
               {"/api/overlay", 1},     {"/api/solve", 1},        {"/api/ranges", 2},
               {"/api/download/h5", 1}, {"/api/download/xlsx", 1}};
    size_t e = 0, n_ep = sizeof eps / sizeof eps[0];
    while (e < n_ep && strcmp(path, eps[e].path) != 0) {
        e++;
    }
    if (e == n_ep) {
        reply_error(reply, 404, NULL, "no such endpoint: %.100s", path);
    } else if (eps[e].post == 2 ? !(get || post) : eps[e].post ? !post : !get) {
        reply_error(reply, 405, NULL, "%.100s: method %.10s not allowed", path, method);
    } else if (e == 0) {
        handle_scenarios(sv, ctx, reply);
    } else if (e == 1) {
        handle_keys(sv, ctx, query, reply);
    } else if (e == 2) {
        handle_run(sv, ctx, body, size, reply);
    } else if (e == 3) {
        handle_overlay(sv, ctx, body, size, reply);
    } else if (e == 4) {
        handle_solve(sv, ctx, body, size, reply);
    } else if (e == 5) {
        if (post) {
            handle_ranges_start(sv, ctx, body, size, reply);
        } else {
            handle_ranges_get(sv, query, reply);
        }
    } else {
        handle_download(sv, ctx, e == 7, body, size, reply);
    }
    dp_ctx_free(ctx);
}

dp_status
dp_serve_open(dp_ctx *ctx, const char *const *paths, size_t n, const char *data_dir, int max_work,
              dp_export_open_fn open_xlsx, dp_serve **out)
{
    *out = NULL;
    if (n == 0) {
        return dp_error(ctx, DP_EINPUT, "no scenario to serve");
    }
    dp_serve *sv = calloc(1, sizeof *sv);
    if (!sv || !(sv->scen = calloc(n, sizeof *sv->scen))) {
        free(sv);
        return dp_error(ctx, DP_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&sv->lock, NULL);
    pthread_cond_init(&sv->freed, NULL);
    sv->max_work = max_work < 1 ? 1 : max_work;
    sv->open_xlsx = open_xlsx;
    sv->n = n;
    snprintf(sv->data_dir, sizeof sv->data_dir, "%s", data_dir);
    const char *tmpdir = getenv("TMPDIR");
    snprintf(sv->tmp, sizeof sv->tmp, "%s/dpsim-serve-XXXXXX",
             tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    if (!mkdtemp(sv->tmp)) {
        dp_status rc = dp_error(ctx, DP_EIO, "cannot make a temporary folder: %s", strerror(errno));
        sv->tmp[0] = '\0';
        dp_serve_free(sv);
        return rc;
    }
    dp_status rc0 = dp_reference_load(ctx, data_dir, &sv->ref);
    if (rc0 != DP_OK) {
        dp_serve_free(sv);
        return rc0;
    }
    for (size_t i = 0; i < n; i++) {
        dp_scenario *s = NULL;
        dp_status rc = dp_scenario_load(ctx, paths[i], data_dir, &s);
        if (rc != DP_OK) {
            dp_serve_free(sv);
            return rc;
        }
        if (!realpath(paths[i], sv->scen[i].path)) {
            snprintf(sv->scen[i].path, sizeof sv->scen[i].path, "%s", paths[i]);
        }
        snprintf(sv->scen[i].name, sizeof sv->scen[i].name, "%s", dp_scenario_name(s));
        snprintf(sv->scen[i].title, sizeof sv->scen[i].title, "%s", dp_scenario_title(s));
        dp_scenario_free(s);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(sv->scen[i].name, sv->scen[j].name) == 0) {
                dp_status e =
                    dp_error(ctx, DP_EINPUT, "%s: scenario name '%s' is also the name of %s",
                             paths[i], sv->scen[i].name, paths[j]);
                dp_serve_free(sv);
                return e;
            }
        }
    }
    *out = sv;
    return DP_OK;
}

void
dp_serve_free(dp_serve *sv)
{
    if (!sv) {
        return;
    }
    job_clear(sv);
    dp_reference_free(sv->ref);
    for (size_t i = 0; i < sv->n; i++) {
        json_decref(sv->scen[i].baseline);
    }
    if (sv->tmp[0]) {
        rmdir(sv->tmp); /* every file in it is removed after use */
    }
    pthread_mutex_destroy(&sv->lock);
    pthread_cond_destroy(&sv->freed);
    free(sv->scen);
    free(sv);
}
