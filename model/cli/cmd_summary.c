/* model/cli/cmd_summary.c
 *
 * dpsim summary: read a results file and print, for each scenario (or the one named), the
 * headline table, or with --table T that table by year against its last axis.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dpsim/output.h"

static void
help(void)
{
    printf("usage: dpsim summary RESULTS.h5 [--table T] [--scenario NAME]\n\n"
           "Prints, for each scenario in the file (or only NAME), the headline table: disabled\n"
           "persons (total, severe = grades 1-2, aged 60+), certified persons, and recipients\n"
           "and spending (10,000 yuan, 万元) of the living and care subsidies, by year.\n"
           "Several regions are summed; several runs show the mean, then a table of 90%%\n"
           "intervals (5th to 95th percentile over runs) of the main series.\n\n"
           "options:\n"
           "  --table T        print table T instead: rows are years, columns its last axis,\n"
           "                   other axes summed (tables: docs/output-schema.md)\n"
           "  --scenario NAME  only this scenario\n"
           "  -h, --help       this text\n");
}

int
cmd_summary(int argc, char **argv)
{
    static const struct option opts[] = {{"table", required_argument, NULL, 't'},
                                         {"scenario", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *table = NULL, *only = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': table = optarg; break;
        case 's': only = optarg; break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_usage_error("summary", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("summary", "expects exactly one results file");
    }
    const char *path = argv[optind];
    dp_ctx *ctx = dp_ctx_alloc();
    char **names = NULL;
    size_t n = 0, shown = 0;
    int code = EXIT_OK;
    dp_status rc;
    if (!ctx) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    if ((rc = dp_output_scenarios(ctx, path, &names, &n)) != DP_OK) {
        code = cli_fail(ctx, rc);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (only && strcmp(only, names[i]) != 0) {
            continue;
        }
        dp_results *res = NULL;
        if ((rc = dp_output_read(ctx, path, names[i], &res)) != DP_OK) {
            code = cli_fail(ctx, rc);
            goto done;
        }
        shown++;
        if (table) {
            printf("%s: table %s\n", names[i], table);
            if (cli_print_table(stdout, res, table) != 0) {
                fprintf(stderr, "dpsim: %s: no table '%s' in scenario '%s'\n", path, table,
                        names[i]);
                code = EXIT_INPUT;
            }
        } else {
            cli_print_headline(stdout, names[i], res);
        }
        dp_results_free(res);
        if (code != EXIT_OK) {
            goto done;
        }
    }
    if (only && shown == 0) {
        fprintf(stderr, "dpsim: %s: no scenario '%s' (the file has:", path, only);
        for (size_t i = 0; i < n; i++) {
            fprintf(stderr, " %s", names[i]);
        }
        fprintf(stderr, ")\n");
        code = EXIT_INPUT;
    }
done:
    dp_output_names_free(names, n);
    dp_ctx_free(ctx);
    return code;
}
