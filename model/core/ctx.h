/* model/core/ctx.h
 *
 * dp_ctx: the library's per-thread context. It holds the last error message and optional log
 * and progress callbacks. Only the calling thread touches a context; OpenMP workers never do.
 */
#ifndef DPSIM_CTX_H
#define DPSIM_CTX_H

#include <stddef.h>

#include "core/error.h"

typedef struct dp_ctx dp_ctx;

/* Progress callback: done of total units finished. Called from the calling thread only. */
typedef void (*dp_progress_fn)(void *user, size_t done, size_t total);

/* Allocates a context. Returns NULL when out of memory. */
dp_ctx *dp_ctx_alloc(void);
/* Frees ctx; NULL is a no-op. */
void dp_ctx_free(dp_ctx *ctx);

/* The message of the last error recorded in ctx ("" when none). Borrowed: valid until the next
 * call that records an error. Input errors read "file:line:column: what was expected". */
const char *dp_ctx_errmsg(const dp_ctx *ctx);
/* The status of the last error recorded (DP_OK when none). */
dp_status dp_ctx_status(const dp_ctx *ctx);
/* The status to pass up after a call below has failed: the status it recorded, so that out of
 * memory stays out of memory (exit 1) and is not reported as bad input; DP_EINPUT when it
 * recorded none. */
dp_status dp_ctx_failed(const dp_ctx *ctx);
/* Clears the error slot. */
void dp_ctx_clear(dp_ctx *ctx);

/* Installs a progress callback (NULL to remove). */
void dp_ctx_set_progress(dp_ctx *ctx, dp_progress_fn fn, void *user);
/* Reports progress through the installed callback, if any. */
void dp_ctx_progress(dp_ctx *ctx, size_t done, size_t total);

/* Records an error in ctx and returns code. Use through the dp_error macro:
 *     return dp_error(ctx, DP_EINPUT, "%s:%d:%d: expected a number", file, line, col);
 * Put a breakpoint on dp_error_at to catch every error at its source. */
dp_status dp_error_at(dp_ctx *ctx, dp_status code, const char *src_file, int src_line,
                      const char *func, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#define dp_error(ctx, code, ...) dp_error_at((ctx), (code), __FILE__, __LINE__, __func__, __VA_ARGS__)

#endif
