/* model/cli/cmd_check_output.c
 *
 * dpsim check-output [--force] [--folder] OUT [INPUT...]: the output-path checks of dpsim run
 * -o (core/outpath.h) for writers outside the C command, such as `make report` (the HTML
 * report and its default results file): exit 0 when OUT may be written, else 2 with the same
 * one-sentence reason. Writes nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/outpath.h"

static void
help(void)
{
    printf("usage: dpsim check-output [--force] [--folder] OUT [INPUT...]\n\n"
           "Checks, without writing anything, that a file OUT may be written the way dpsim\n"
           "writes its outputs (README \"Reliability\"): OUT is not one of the INPUT files (by\n"
           "device and inode, links followed), not a symbolic link, folder, FIFO or device,\n"
           "not a read-only file (unless --force), and its folder exists, is writable and\n"
           "takes a name of that length. With --folder, OUT is a folder to write files into\n"
           "(created if missing). Exit status 0 when it may, 2 with one sentence otherwise.\n"
           "Used by `make report`.\n\n"
           "options:\n"
           "  --force       accept a read-only OUT (it will be replaced)\n"
           "  --folder      OUT is an output folder, not a file\n"
           "  -h, --help    this text\n");
}

int
cmd_check_output(int argc, char **argv)
{
    static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
                                         {"folder", no_argument, NULL, 'F'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int force = 0, folder = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': force = 1; break;
        case 'F': folder = 1; break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_usage_error("check-output", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        return cli_usage_error("check-output", "no output path given");
    }
    dp_ctx *ctx = dp_ctx_alloc();
    if (!ctx) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    const char *out = argv[optind];
    const char *const *inputs = (const char *const *)(argv + optind + 1);
    size_t n = (size_t)(argc - optind - 1);
    dp_status rc = folder ? dp_outpath_check_dir(ctx, out, inputs, n, "output folder")
                          : dp_outpath_check(ctx, out, inputs, n, force, "output file");
    int code = rc == DP_OK ? EXIT_OK : cli_fail(ctx, rc);
    dp_ctx_free(ctx);
    return code;
}
