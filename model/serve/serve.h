/* model/serve/serve.h
 *
 * The request handlers of `dpsim serve` (issue 16, docs/serve.md): pure functions from a
 * request (method, URL, body) to a reply (status, content type, bytes), testable without a
 * socket; model/serve/serve_http.c puts them behind libmicrohttpd. They call the same library
 * functions as the command line (dp_scenario_load_overlay, the cohort and micro engines,
 * dp_targets_add, dp_budget_read, dp_solve, dp_output_write): no second model.
 *
 * Safety: a scenario is chosen by its name (or index) among the files the server was opened
 * with, never by a path the request names; page edits are key paths of the scenario key table
 * written as a YAML overlay (segments of letters, digits and '_' only) and get the scenario
 * loader's checks, its message and the key path on error (400); a body above
 * DP_SERVE_MAX_BODY is refused (413); at most max_work engine runs at a time (others wait up
 * to 30 s, then 503); downloads are written to a temporary folder the server owns and removed
 * after reading. Thread-safe: any number of threads may call dp_serve_request at once.
 *
 * Endpoints (JSON in and out unless said):
 *   GET  /api/scenarios              the scenarios: index, name, title, regions, years
 *   GET  /api/keys?scenario=NAME     the form: every setting with labels, unit, default,
 *                                    source, current value, whether it is editable
 *   POST /api/run {scenario, overlay:{key: value}}  cohort run: spending by programme and year
 *                                    and by level of government (万元), targets, budget, the
 *                                    same for the scenario as it is, and the difference
 *   POST /api/overlay {scenario, overlay}   the edits as an `extends:` overlay (YAML text)
 *   POST /api/solve {scenario, overlay, target, key, prob?}   dp_solve on the edited scenario
 *   POST /api/ranges {scenario, overlay, runs}   starts a micro run in the background (one at a
 *                                    time); GET /api/ranges?job=ID its progress, then fans
 *   POST /api/download/h5, /api/download/xlsx {scenario, overlay}  results of a cohort run
 */
#ifndef DPSIM_SERVE_H
#define DPSIM_SERVE_H

#include <stddef.h>

#include "core/ctx.h"
#include "output/export.h"

enum { DP_SERVE_MAX_BODY = 65536, DP_SERVE_MAX_EDITS = 256, DP_SERVE_MAX_RANGE_RUNS = 1000 };

typedef struct dp_serve dp_serve;

typedef struct {
    int status;               /**< HTTP status */
    const char *content_type; /**< static */
    char *body;               /**< malloc'd; the caller frees it */
    size_t size;
    char filename[96]; /**< for downloads ("" otherwise) */
} dp_serve_reply;

/* Opens the server state: the n scenario files paths[] (each loaded once now, to check it and
 * learn its name; names must differ), data_dir as for dp_scenario_load, max_work engine runs
 * at a time (>= 1), open_xlsx the Excel writer for /api/download/xlsx (NULL: that download
 * answers 501). Makes a private temporary folder. Errors: the loader's, DP_EINPUT for no
 * scenario or a name given twice, DP_EIO, DP_ENOMEM. */
dp_status dp_serve_open(dp_ctx *ctx, const char *const *paths, size_t n, const char *data_dir,
                        int max_work, dp_export_open_fn open_xlsx, dp_serve **out);
/* Waits for a background job, removes the temporary folder and frees sv (NULL: no-op). */
void dp_serve_free(dp_serve *sv);

/* Handles one request. url is the path with its query ("/api/keys?scenario=x"); body may be
 * NULL when size is 0. Always fills *reply (free reply->body); never fails otherwise. Status
 * 200 with the answer; 400 with {"error": MESSAGE, "key": KEY PATH or null} for bad input;
 * 404 unknown endpoint; 405 wrong method; 413 body too large; 503 too busy; 500 otherwise. */
void dp_serve_request(dp_serve *sv, const char *method, const char *url, const char *body,
                      size_t size, dp_serve_reply *reply);

#endif
