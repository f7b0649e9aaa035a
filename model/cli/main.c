/* model/cli/main.c
 *
 * The dpsim command: a table of subcommands, each in its own cmd_*.c file. Sets the process-wide
 * switches only the program may set (GSL error handler off, HDF5 error printing off) and maps
 * library status codes to exit codes: 0 success, 2 bad input, 1 internal failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>

#include "cli.h"
#include "output/output.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"run", cmd_run, "project one or more scenarios and write the results to HDF5"},
    {"check", cmd_check, "validate a scenario; print it resolved, its inputs and the base-year fit"},
    {"summary", cmd_summary, "print the headline table (or one table) of a results file"},
    {"compare", cmd_compare, "differences between two scenarios with paired intervals; what changed"},
    {"targets", cmd_targets, "plan targets: each target's mean, probability met and gap"},
    {"export", cmd_export, "write a results file's tables as CSV files or an Excel workbook"},
    {"reconcile", cmd_reconcile, "run both engines on a scenario and report where they disagree"},
    {"backtest", cmd_backtest, "fit on reported figures up to a year and compare the projection with later ones"},
    {"solve", cmd_solve, "what does it take: the value of a key that meets a plan target"},
    {"serve", cmd_serve, "the browser workbench: edit a scenario and see its cost at once"},
    {"keys", cmd_keys, "the scenario keys: type, unit, default, bounds, labels, sources"},
    {"check-output", cmd_check_output, "check that an output path may be written (make report)"},
};

static void
usage(FILE *f)
{
    fprintf(f, "usage: dpsim COMMAND [options]\n\n"
               "dpsim projects a region's disabled population and the budgets of the programmes\n"
               "that serve it, year by year, under policy scenarios written as YAML files.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(f, "\n'dpsim COMMAND --help' explains a command's options.\n"
               "Exit status: 0 success, 2 bad input, 1 internal failure.\n");
}

int
cli_exit_code(dp_status rc)
{
    return rc == DP_OK ? EXIT_OK : (rc == DP_EINPUT ? EXIT_INPUT : EXIT_INTERNAL);
}

int
cli_fail(const dp_ctx *ctx, dp_status rc)
{
    const char *msg = dp_ctx_errmsg(ctx);
    fprintf(stderr, "dpsim: %s\n", msg && *msg ? msg : dp_strerror(rc));
    return cli_exit_code(rc);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "dpsim: %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'dpsim %s --help')\n", cmd);
    return EXIT_INPUT;
}

const char *
cli_data_dir(const char *opt, const char *scenario_path)
{
    static char buf[4096];
    struct stat st;
    if (opt && *opt) {
        return opt;
    }
    const char *env = getenv("DPSIM_DATA");
    if (env && *env) {
        return env;
    }
    if (scenario_path) {
        const char *slash = strrchr(scenario_path, '/');
        int n = slash ? (int)(slash - scenario_path) : 1;
        const char *dir = slash ? scenario_path : ".";
        snprintf(buf, sizeof buf, "%.*s/../data/regions", n, dir);
        if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
            buf[strlen(buf) - strlen("/regions")] = '\0';
            return buf;
        }
    }
    return "data";
}

int
main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    /* HDF5 would otherwise close every file still open in an atexit handler. After a failed
     * write (a full disk: H5Fclose fails half-way) that handler crashes in H5F__close_cb
     * (HDF5 1.10.8), turning a clean "file system is full" exit into a segmentation fault.
     * The writer discards its temporary file itself, so the library is shut down explicitly
     * (H5close) after a successful command only. Must precede every other HDF5 call. */
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    cli_init_locale();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_INPUT : EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("dpsim %s (output schema %s)\n", DP_VERSION, DP_SCHEMA_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            int code = commands[i].fn(argc - 1, argv + 1);
            if (code == EXIT_OK) {
                H5close();
            }
            return code;
        }
    }
    fprintf(stderr, "dpsim: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_INPUT;
}
