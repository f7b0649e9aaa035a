/* model/serve/serve_http.h
 *
 * The HTTP side of dpsim serve: GNU libmicrohttpd (Debian libmicrohttpd-dev) in front of the
 * handlers of serve/serve.h. Serves the embedded page files (serve/web_files.h) and /api/...;
 * opens no file a request names. Bounds: request bodies of DP_SERVE_MAX_BODY bytes (larger:
 * 413, the rest discarded), DP_SERVE_MAX_CONN connections, a pool of DP_SERVE_THREADS request
 * threads, DP_SERVE_TIMEOUT seconds of idle connection.
 */
#ifndef DPSIM_SERVE_HTTP_H
#define DPSIM_SERVE_HTTP_H

#include <signal.h>

#include "core/ctx.h"
#include "serve/serve.h"

enum { DP_SERVE_MAX_CONN = 64, DP_SERVE_THREADS = 4, DP_SERVE_TIMEOUT = 30 };

/* Listens on bind_addr (an IPv4 address, e.g. "127.0.0.1") and port, and serves until *stop
 * becomes nonzero (polled every 0.2 s). Calls ready(user, port) once listening (port 0 picks a
 * free one; ready gets the one taken). Errors: DP_EINPUT for a bad address, DP_EIO when the
 * port cannot be bound. */
dp_status dp_serve_http(dp_ctx *ctx, dp_serve *sv, const char *bind_addr, unsigned port,
                        volatile sig_atomic_t *stop, void (*ready)(void *, unsigned), void *user);

#endif
