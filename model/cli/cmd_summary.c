/* model/cli/cmd_summary.c
 *
 * dpsim summary: read a results file and print, for each scenario (or the one named), the
 * headline table (as `dpsim run` prints it), then the programmes of one year (recipients and
 * spending nominal and real with 90% and 95% intervals, the benefit pipeline, services,
 * spending by level) and the budget ceiling; or with --table T that table by year against its last axis.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input/yaml_tree.h"
#include "output/output.h"

static void
help(void)
{
    printf("usage: dpsim summary RESULTS.h5 [--year Y|all] [--table T | --sensitivity]\n"
           "                    [--scenario NAME] [--region NODE]\n\n"
           "Prints, for each scenario in the file (or only NAME):\n"
           "  - the headline table: disabled persons (total, severe = grades 1-2, aged 60+),\n"
           "    certified persons, and recipients and spending (10,000 yuan, 万元) of the living\n"
           "    and care subsidies, by year; with several runs the means, then the 90%%\n"
           "    intervals (5th to 95th percentile over runs) and the 95%% intervals (2.5th to\n"
           "    97.5th) of the main series;\n"
           "  - the programmes of one year (the first; --year): every programme's recipients\n"
           "    and spending, nominal and in base-year prices, with 90%% intervals, then a\n"
           "    table of their 95%% intervals (项目支出);\n"
           "    the benefit pipeline eligible -> certified -> applied -> paid (受益流程);\n"
           "    services' need, demand, served, unmet need and capacity (服务); spending by\n"
           "    level of government, central / provincial / municipal / county (按财政层级);\n"
           "  - when the scenario sets a budget ceiling, per year the total spending, the\n"
           "    ceiling and the probability over runs that spending exceeds it (预算上限),\n"
           "    with the 90%% and 95%% intervals of the total.\n"
           "Several regions are summed.\n\n"
           "options:\n"
           "  --year Y         the year of the programme tables, or 'all' for every year\n"
           "  --table T        print table T instead: rows are years (and the table's other\n"
           "                   axes but region), columns its last axis, regions summed, means\n"
           "                   over runs (tables: docs/output-schema.md)\n"
           "  --sensitivity    print instead which uncertain parameters explain the spread of\n"
           "                   total spending in 2025, 2030 and 2035 (docs/compare.md)\n"
           "  --scenario NAME  only this scenario\n"
           "  --region NODE    one region, or a node of the region hierarchy (a prefecture,\n"
           "                   province or the nation: its roll-up, the sum of its regions in\n"
           "                   each run; docs/scenarios.md \"Region hierarchy\") instead of\n"
           "                   all regions summed; the budget table is the node's total spending\n"
           "                   (the ceiling only when the node holds all the run's regions)\n"
           "  -h, --help       this text\n");
}

static int
find_name(char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* "no table 'T' in scenario 'S' (did you mean 'U'?); its tables: a, b, c" on stderr: the
 * closest name within two edits (and fewer edits than T has characters) is suggested. */
static void
no_table(const char *path, const char *scenario, const dp_results *res, const char *table)
{
    const char *best = NULL;
    size_t best_d = 3, len = strlen(table);
    for (size_t i = 0; i < res->n_table; i++) {
        size_t d = dp_edit_distance(table, res->table[i].name);
        if (d < best_d && d < len) {
            best = res->table[i].name;
            best_d = d;
        }
    }
    fprintf(stderr, "dpsim: %s: no table '%s' in scenario '%s'", path, table, scenario);
    if (best) {
        fprintf(stderr, " (did you mean '%s'?)", best);
    }
    fprintf(stderr, "; its tables are:");
    for (size_t i = 0; i < res->n_table; i++) {
        fprintf(stderr, "%s %s", i ? "," : "", res->table[i].name);
    }
    fprintf(stderr, "\n");
}

int
cmd_summary(int argc, char **argv)
{
    static const struct option opts[] = {{"table", required_argument, NULL, 't'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"scenario", required_argument, NULL, 's'},
                                         {"sensitivity", no_argument, NULL, 'v'},
                                         {"region", required_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *table = NULL, *only = NULL, *year = NULL, *region = NULL;
    int c, sensitivity = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': table = optarg; break;
        case 'y': year = optarg; break;
        case 's': only = optarg; break;
        case 'r': region = optarg; break;
        case 'v': sensitivity = 1; break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_usage_error("summary", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("summary", "expects exactly one results file");
    }
    if (table && sensitivity) {
        return cli_usage_error("summary", "--table and --sensitivity exclude each other");
    }
    if (year && (table || sensitivity)) {
        return cli_usage_error("summary", "--year goes with the default tables, not with "
                                          "--table or --sensitivity");
    }
    const char *path = argv[optind];
    dp_ctx *ctx = dp_ctx_alloc();
    char **names = NULL;
    dp_results **res = NULL;
    size_t n = 0;
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
    /* Every option is checked against the file before anything is printed: the scenario, then
     * the year or the table in each scenario shown. */
    if (only && !find_name(names, n, only)) {
        fprintf(stderr, "dpsim: %s: no scenario '%s' (the file has:", path, only);
        for (size_t i = 0; i < n; i++) {
            fprintf(stderr, " %s", names[i]);
        }
        fprintf(stderr, ")\n");
        code = EXIT_INPUT;
        goto done;
    }
    if (!(res = calloc(n ? n : 1, sizeof *res))) {
        fprintf(stderr, "dpsim: out of memory\n");
        code = EXIT_INTERNAL;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (only && strcmp(only, names[i]) != 0) {
            continue;
        }
        if ((rc = dp_output_read(ctx, path, names[i], &res[i])) != DP_OK ||
            (rc = cli_region_view(ctx, path, names[i], region, &res[i])) != DP_OK) {
            code = cli_fail(ctx, rc);
            goto done;
        }
        if (table && !dp_results_find(res[i], table)) {
            no_table(path, names[i], res[i], table);
            code = EXIT_INPUT;
            goto done;
        }
        if (year && strcmp(year, "all") != 0 && !sensitivity && !table &&
            dp_results_find(res[i], "spending")) {
            size_t ya = dp_results_find_axis(res[i], "year");
            const dp_axis *y = ya != (size_t)-1 ? &res[i]->axis[ya] : NULL;
            int found = 0;
            for (size_t k = 0; y && k < y->n; k++) {
                found |= strcmp(y->label[k], year) == 0;
            }
            if (!found) {
                fprintf(stderr,
                        "dpsim: summary: --year %s: expected 'all' or a year of the results "
                        "(%s to %s%s%s)\n",
                        year, y && y->n ? y->label[0] : "-", y && y->n ? y->label[y->n - 1] : "-",
                        n > 1 ? " in scenario " : "", n > 1 ? names[i] : "");
                code = EXIT_INPUT;
                goto done;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!res[i]) {
            continue;
        }
        if (sensitivity) {
            cli_print_sensitivity(stdout, names[i], res[i]);
        } else if (table) {
            printf("%s: table %s\n", names[i], table);
            cli_print_table(stdout, res[i], table);
        } else {
            cli_print_headline(stdout, names[i], res[i]);
            if (cli_print_programmes(stdout, res[i], year) < 0) {
                fprintf(stderr, "dpsim: out of memory\n");
                code = EXIT_INTERNAL;
                goto done;
            }
            int pb = cli_print_budget_region(stdout, res[i], region);
            if (pb == -2) {
                fprintf(stderr, "dpsim: out of memory\n");
                code = EXIT_INTERNAL;
                goto done;
            }
            if (pb < 0) {
                fprintf(stderr, "dpsim: %s: the budget table of scenario '%s' is malformed\n",
                        path, names[i]);
                code = EXIT_INPUT;
                goto done;
            }
        }
    }
done:
    for (size_t i = 0; res && i < n; i++) {
        dp_results_free(res[i]);
    }
    free(res);
    dp_output_names_free(names, n);
    dp_ctx_free(ctx);
    return code;
}
