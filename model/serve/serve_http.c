/* model/serve/serve_http.c
 *
 * libmicrohttpd glue of serve_http.h: each request's body is gathered (up to
 * DP_SERVE_MAX_BODY bytes), then handed to dp_serve_request, or a page file is served from the
 * embedded table.
 */
#define _POSIX_C_SOURCE 200809L
#include "serve/serve_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "serve/web_files.h"

typedef struct {
    char *buf;
    size_t len, cap;
    int too_large;
} request_body;

typedef struct {
    dp_serve *sv;
} server;

static enum MHD_Result
send_bytes(struct MHD_Connection *c, unsigned status, const char *type, const void *data,
           size_t size, int copy, const char *filename)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        size, (void *)(uintptr_t)data, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                            "img-src 'self' data: blob:");
    if (filename && filename[0]) {
        char cd[160];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", filename);
        MHD_add_response_header(r, "Content-Disposition", cd);
    }
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
           const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    server *s = cls;
    (void)version;
    request_body *b = *con_cls;
    if (!b) {
        if (!(b = calloc(1, sizeof *b))) {
            return MHD_NO;
        }
        *con_cls = b;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!b->too_large && b->len + *upload_size <= DP_SERVE_MAX_BODY) {
            if (b->len + *upload_size + 1 > b->cap) {
                size_t cap = (b->len + *upload_size + 1) * 2;
                char *nb = realloc(b->buf, cap);
                if (!nb) {
                    return MHD_NO;
                }
                b->buf = nb;
                b->cap = cap;
            }
            memcpy(b->buf + b->len, upload, *upload_size);
            b->len += *upload_size;
        } else {
            b->too_large = 1; /* the rest is read and dropped */
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (strncmp(url, "/api/", 5) == 0) {
        char full[2048];
        const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "scenario");
        const char *job = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "job");
        /* The query as the handlers read it (libmicrohttpd has split and decoded it). */
        snprintf(full, sizeof full, "%.200s?%s%.200s%s%s%.40s", url, q ? "scenario=" : "",
                 q ? q : "", q && job ? "&" : "", job ? "job=" : "", job ? job : "");
        dp_serve_reply r;
        dp_serve_request(s->sv, method, full, b->buf, b->too_large ? DP_SERVE_MAX_BODY + 1 : b->len,
                         &r);
        enum MHD_Result ret = send_bytes(c, (unsigned)r.status, r.content_type,
                                         r.body ? r.body : "", r.size, 1, r.filename);
        free(r.body);
        return ret;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        static const char msg[] = "method not allowed\n";
        return send_bytes(c, 405, "text/plain; charset=utf-8", msg, sizeof msg - 1, 0, NULL);
    }
    const char *name = strcmp(url, "/") == 0 ? "index.html" : url + 1;
    for (size_t i = 0; i < dp_web_n_files; i++) {
        if (strcmp(name, dp_web_files[i].name) == 0) {
            return send_bytes(c, 200, dp_web_files[i].content_type, dp_web_files[i].data,
                              dp_web_files[i].size, 0, NULL);
        }
    }
    static const char nf[] = "not found\n";
    return send_bytes(c, 404, "text/plain; charset=utf-8", nf, sizeof nf - 1, 0, NULL);
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    (void)cls;
    (void)c;
    (void)t;
    request_body *b = *con_cls;
    if (b) {
        free(b->buf);
        free(b);
        *con_cls = NULL;
    }
}

dp_status
dp_serve_http(dp_ctx *ctx, dp_serve *sv, const char *bind_addr, unsigned port,
              volatile sig_atomic_t *stop, void (*ready)(void *, unsigned), void *user)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (port > 65535 || inet_pton(AF_INET, bind_addr, &addr.sin_addr) != 1) {
        return dp_error(ctx, DP_EINPUT, "--bind %s: expected an IPv4 address such as 127.0.0.1",
                        bind_addr);
    }
    server s = {sv};
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, (uint16_t)port, NULL, NULL, on_request,
        &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)DP_SERVE_THREADS, MHD_OPTION_CONNECTION_LIMIT, (unsigned)DP_SERVE_MAX_CONN,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)DP_SERVE_TIMEOUT, MHD_OPTION_NOTIFY_COMPLETED,
        on_done, NULL, MHD_OPTION_END);
    if (!d) {
        return dp_error(ctx, DP_EIO, "cannot listen on %s port %u (in use?)", bind_addr, port);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (ready) {
        ready(user, info ? info->port : port);
    }
    struct timespec tick = {0, 200000000L};
    while (!*stop) {
        nanosleep(&tick, NULL);
    }
    MHD_stop_daemon(d);
    return DP_OK;
}
