/* model/core/ctx.c
 *
 * The error chokepoint and the context object. dp_error_at formats the message into the
 * context's fixed buffer (no allocation, so it works when memory has run out) and returns the
 * code; it never prints and never exits.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/ctx.h"

#define DP_ERRMSG_MAX 1024

struct dp_ctx {
    dp_status status;           /**< last recorded status */
    char msg[DP_ERRMSG_MAX];    /**< last recorded message */
    const char *src_file;       /**< where in dpsim the error was raised (for debugging) */
    int src_line;               /**< line in src_file */
    dp_progress_fn progress;    /**< optional progress callback */
    void *progress_user;        /**< its user pointer */
};

const char *
dp_strerror(dp_status code)
{
    static const char *const text[] = {
#define DP_STATUS_TEXT(c, t) t,
        DP_STATUS_LIST(DP_STATUS_TEXT)
#undef DP_STATUS_TEXT
    };
    if ((int)code < 0 || code >= DP_N_STATUS) {
        return "unknown status";
    }
    return text[code];
}

dp_ctx *
dp_ctx_alloc(void)
{
    return calloc(1, sizeof(dp_ctx));
}

void
dp_ctx_free(dp_ctx *ctx)
{
    free(ctx);
}

const char *
dp_ctx_errmsg(const dp_ctx *ctx)
{
    return ctx ? ctx->msg : "";
}

dp_status
dp_ctx_status(const dp_ctx *ctx)
{
    return ctx ? ctx->status : DP_OK;
}

dp_status
dp_ctx_failed(const dp_ctx *ctx)
{
    dp_status s = dp_ctx_status(ctx);
    return s != DP_OK ? s : DP_EINPUT;
}

void
dp_ctx_clear(dp_ctx *ctx)
{
    if (ctx) {
        ctx->status = DP_OK;
        ctx->msg[0] = '\0';
    }
}

void
dp_ctx_set_progress(dp_ctx *ctx, dp_progress_fn fn, void *user)
{
    ctx->progress = fn;
    ctx->progress_user = user;
}

void
dp_ctx_progress(dp_ctx *ctx, size_t done, size_t total)
{
    if (ctx && ctx->progress) {
        ctx->progress(ctx->progress_user, done, total);
    }
}

dp_status
dp_error_at(dp_ctx *ctx, dp_status code, const char *src_file, int src_line, const char *func,
            const char *fmt, ...)
{
    (void)func;
    if (!ctx) {
        return code;
    }
    ctx->status = code;
    ctx->src_file = src_file;
    ctx->src_line = src_line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
    va_end(ap);
    return code;
}
