/* model/cli/cmd_export.c
 *
 * dpsim export: a results file to CSV files and/or an Excel workbook (docs/export.md). This
 * file parses the options; the export itself is dp_export (model/output/export.h), with the
 * Excel writer dp_export_xlsx_open (model/output/export_xlsx.h, libdpsim_xlsx.a).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/outpath.h"
#include "output/export.h"
#include "output/export_xlsx.h"

static void
help(void)
{
    printf("usage: dpsim export RESULTS.h5 [--csv DIR] [--xlsx FILE] [--scenario NAME[,NAME...]]\n"
           "                  [--table T[,T...]] [--stat S[,S...]|all] [--runs] [--force]\n"
           "                  [--region NODE]\n\n"
           "Writes the tables of a results file as CSV files (one per scenario and table,\n"
           "DIR/<scenario>/<table>.csv, UTF-8 with BOM for Excel) and/or as one Excel\n"
           "workbook (one sheet per scenario and table, spending in 10,000 yuan (万元), shares\n"
           "as percentages, a contents sheet and a provenance sheet). Every table is long\n"
           "(\"tidy\"): a column per axis with English labels (and Chinese labels in <axis>_zh\n"
           "columns), then the statistics over runs, one row per element. Row 1 is a\n"
           "bilingual header, row 2 the units. At least one of --csv and --xlsx is required.\n"
           "Nothing is written under the requested names unless the whole export succeeds.\n\n"
           "options:\n"
           "  --csv DIR         write CSV files under DIR (created with its parents if missing)\n"
           "  --xlsx FILE       write an Excel workbook (replaced if it exists, unless it is\n"
           "                    read-only; never the results file, a link, FIFO or device)\n"
           "  --scenario NAMES  only these scenarios (comma-separated; default: all)\n"
           "  --table NAMES     only these tables (comma-separated; default: all)\n"
           "  --stat NAMES      statistics over runs: mean, sd, p025, p05, p25, p50, p75,\n"
           "                    p95, p975 (p025-p975 the 95%% interval, p05-p95 the 90%%),\n"
           "                    or all (default: mean,p05,p95; files before schema 4 have\n"
           "                    no p025, p975)\n"
           "  --runs            also one column per run (replicate) with its value\n"
           "  --force           replace a read-only workbook FILE\n"
           "  --region NODE     only this region, or a node of the region hierarchy (its\n"
           "                    roll-up, the sum of its regions in each run): the region\n"
           "                    column holds NODE; budget is the node's total spending (its\n"
           "                    ceiling only when the node holds all the run's regions)\n"
           "  -h, --help        this text\n\n"
           "Details: docs/export.md.\n");
}

/* A list of names from comma-separated option values. */
typedef struct {
    char **item; /**< [n] owned strings */
    size_t n;
} strlist;

static void
strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->item[i]);
    }
    free(l->item);
    l->item = NULL;
    l->n = 0;
}

/* Appends the comma-separated names of arg. Returns 0, 1 for an empty name, -1 out of memory. */
static int
strlist_add(strlist *l, const char *arg)
{
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0) {
            return 1;
        }
        char **grown = realloc(l->item, (l->n + 1) * sizeof *grown);
        if (!grown) {
            return -1;
        }
        l->item = grown;
        l->item[l->n] = malloc(len + 1);
        if (!l->item[l->n]) {
            return -1;
        }
        memcpy(l->item[l->n], p, len);
        l->item[l->n][len] = '\0';
        l->n++;
        if (!comma) {
            return 0;
        }
        p = comma + 1;
    }
}

static size_t
strlist_find(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->item[i], s) == 0) {
            return i;
        }
    }
    return (size_t)-1;
}

/* "dpsim export ..." from the subcommand's arguments (argv[0] is "export"). */
static char *
join_argv(int argc, char **argv)
{
    size_t n = sizeof "dpsim";
    for (int i = 0; i < argc; i++) {
        n += strlen(argv[i]) + 1;
    }
    char *s = malloc(n);
    if (!s) {
        return NULL;
    }
    strcpy(s, "dpsim");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* The options. */
typedef struct {
    const char *path;    /**< results file */
    const char *csv_dir; /**< --csv */
    const char *xlsx;    /**< --xlsx */
    strlist scenario;    /**< --scenario (empty: all) */
    strlist table;       /**< --table (empty: all) */
    strlist stat;        /**< --stat (empty: the default) */
    int runs;            /**< --runs */
    int force;           /**< --force: replace a read-only workbook */
    const char *region;  /**< --region (NULL: every region) */
    char *command_line;  /**< this command, for the provenance */
} options;

/* Parses the arguments; returns -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, options *opt)
{
    static const struct option opts[] = {
        {"csv", required_argument, NULL, 'c'},      {"xlsx", required_argument, NULL, 'x'},
        {"scenario", required_argument, NULL, 's'}, {"table", required_argument, NULL, 't'},
        {"stat", required_argument, NULL, 'S'},     {"runs", no_argument, NULL, 'r'},
        {"force", no_argument, NULL, 'f'},          {"region", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    int c;
    /* Joined before getopt_long, which reorders argv. */
    opt->command_line = join_argv(argc, argv);
    if (!opt->command_line) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'c':
            opt->csv_dir = optarg;
            break;
        case 'x':
            opt->xlsx = optarg;
            break;
        case 's':
            bad = strlist_add(&opt->scenario, optarg);
            break;
        case 't':
            bad = strlist_add(&opt->table, optarg);
            break;
        case 'S':
            bad = strlist_add(&opt->stat, optarg);
            break;
        case 'r':
            opt->runs = 1;
            break;
        case 'f':
            opt->force = 1;
            break;
        case 'R':
            opt->region = optarg;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("export", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (bad < 0) {
            fprintf(stderr, "dpsim: out of memory\n");
            return EXIT_INTERNAL;
        }
        if (bad > 0) {
            return cli_usage_error("export", "--%s '%s': an empty name in the list",
                                   c == 's' ? "scenario" : (c == 't' ? "table" : "stat"), optarg);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("export", "expects exactly one results file");
    }
    opt->path = argv[optind];
    if (!opt->csv_dir && !opt->xlsx) {
        return cli_usage_error("export", "give --csv DIR and/or --xlsx FILE");
    }
    if (opt->csv_dir && opt->csv_dir[0] == '\0') {
        return cli_usage_error("export", "--csv expects a folder name");
    }
    if (opt->stat.n > 1 && strlist_find(&opt->stat, "all") != (size_t)-1) {
        return cli_usage_error("export", "--stat all cannot be combined with other statistics");
    }
    if (opt->stat.n > DP_MAX_AXES) {
        return cli_usage_error("export", "--stat: at most %d statistics", DP_MAX_AXES);
    }
    return -1;
}


int
cmd_export(int argc, char **argv)
{
    options opt = {0};
    int code = parse_args(argc, argv, &opt);

    if (code < 0) {
        dp_ctx *ctx = dp_ctx_alloc();
        dp_export_request req = {.path = opt.path,
                                 .csv_dir = opt.csv_dir,
                                 .xlsx = opt.xlsx,
                                 .scenario = opt.scenario.item,
                                 .n_scenario = opt.scenario.n,
                                 .table = opt.table.item,
                                 .n_table = opt.table.n,
                                 .stat = opt.stat.item,
                                 .n_stat = opt.stat.n,
                                 .runs = opt.runs,
                                 .region = opt.region,
                                 .command_line = opt.command_line};
        /* The outputs may not be the results file read (or a link to it), a link, FIFO or
         * device, nor a read-only workbook without --force (core/outpath.h); checked before
         * anything is read or written. */
        const char *inputs[] = {opt.path};
        dp_status rc = !ctx ? DP_ENOMEM : DP_OK;
        if (rc == DP_OK && opt.xlsx) {
            rc = dp_outpath_check(ctx, opt.xlsx, inputs, 1, opt.force, "workbook");
        }
        if (rc == DP_OK && opt.csv_dir) {
            rc = dp_outpath_check_dir(ctx, opt.csv_dir, inputs, 1, "CSV folder");
        }
        if (rc == DP_OK) {
            rc = dp_export(ctx, &req, dp_export_xlsx_open);
        }
        if (!ctx) {
            fprintf(stderr, "dpsim: out of memory\n");
            code = EXIT_INTERNAL;
        } else {
            code = rc == DP_OK ? EXIT_OK : cli_fail(ctx, rc);
        }
        dp_ctx_free(ctx);
    }
    strlist_free(&opt.scenario);
    strlist_free(&opt.table);
    strlist_free(&opt.stat);
    free(opt.command_line);
    return code;
}
