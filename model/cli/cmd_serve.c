/* model/cli/cmd_serve.c
 *
 * dpsim serve: the browser workbench (docs/serve.md). Loads the scenarios given (the only ones
 * the page can choose), then serves the embedded page and the JSON endpoints of serve/serve.h
 * on 127.0.0.1 (or --bind ADDR) until interrupted (Ctrl-C, SIGTERM).
 */
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "domain/model.h"
#include "output/export_xlsx.h"
#include "serve/serve.h"
#include "serve/serve_http.h"

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void
help(void)
{
    printf(
        "usage: dpsim serve [SCENARIO.yaml...] [--port P] [--bind ADDR] [--data DIR]\n"
        "                   [--work N] [--threads N]\n\n"
        "The browser workbench 浏览器工作台: serves a page at http://ADDR:P/ where a scenario is\n"
        "edited key by key (the form is the scenario key table, with labels, units, defaults\n"
        "and sources) and every edit reruns the cohort engine: spending by programme and year\n"
        "and by level of government (万元), the plan targets and the difference from the\n"
        "scenario as it is. Also: ranges (a micro run with replicates in the background, fan\n"
        "charts and P(met)), \"what does it take?\" (dpsim solve) on each target, and\n"
        "downloads of the edits as an `extends:` overlay that dpsim run accepts, and of the\n"
        "results as HDF5 and XLSX. The page works offline (ECharts is inside the binary).\n\n"
        "Only the scenarios given can be chosen (default scenarios/daan-baseline.yaml); the\n"
        "server opens no file a request names. Stops on Ctrl-C.\n\n"
        "options:\n"
        "  --port P     the TCP port (default 8080; 0: any free port, printed)\n"
        "  --bind ADDR  the IPv4 address to listen on (default 127.0.0.1, this machine only;\n"
        "               0.0.0.0 opens the workbench to the network: there is no login)\n"
        "  --data DIR   the data folder\n"
        "  --work N     engine runs at a time (default 2; others wait)\n"
        "  --threads N  OpenMP threads of each run (results do not depend on it)\n"
        "  -h, --help   this text\n");
}

static void
ready(void *user, unsigned port)
{
    const char *addr = user;
    printf("dpsim serve: http://%s:%u/ (Ctrl-C stops it)\n", addr, port);
    fflush(stdout);
}

int
cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"port", required_argument, NULL, 'p'},
                                         {"bind", required_argument, NULL, 'b'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"work", required_argument, NULL, 'w'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *bind = "127.0.0.1", *data_opt = NULL;
    unsigned long port = 8080, work = 2, threads = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'p':
            bad = cli_parse_size("serve", "--port", optarg, 65535, &port);
            break;
        case 'b':
            bind = optarg;
            break;
        case 'd':
            data_opt = optarg;
            break;
        case 'w':
            bad = cli_parse_size("serve", "--work", optarg, 64, &work);
            break;
        case 't':
            bad = cli_parse_size("serve", "--threads", optarg, 1024, &threads);
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("serve", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (bad) {
            return bad;
        }
    }
    if (work < 1) {
        return cli_usage_error("serve", "--work expects at least 1");
    }
    static const char *const dflt[] = {"scenarios/daan-baseline.yaml"};
    const char *const *paths = optind < argc ? (const char *const *)(argv + optind) : dflt;
    size_t n = optind < argc ? (size_t)(argc - optind) : 1;
    dp_set_threads((int)threads);
    const char *data_dir = cli_data_dir(data_opt, paths[0]);
    dp_ctx *ctx = dp_ctx_alloc();
    dp_serve *sv = NULL;
    if (!ctx) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    dp_status rc = dp_serve_open(ctx, paths, n, data_dir, (int)work, dp_export_xlsx_open, &sv);
    if (rc == DP_OK) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        rc = dp_serve_http(ctx, sv, bind, (unsigned)port, &stop_flag, ready,
                           (void *)(uintptr_t)bind);
    }
    int exit_code = rc == DP_OK ? EXIT_OK : cli_fail(ctx, rc);
    dp_serve_free(sv);
    dp_ctx_free(ctx);
    return exit_code;
}
