/* model/cli/cmd_backtest.c
 *
 * dpsim backtest: fits a scenario on the reported figures up to --fit-until YEAR (status_quo:
 * trend; dp_params.fit_until), projects it from its base with N replicates, and compares every
 * figure the region files report for a later year with the projection (analysis/backtest.h):
 * actual, projected mean, 50% and 90% intervals, relative error, inside or not, and a summary
 * line of interval coverage. Writes the table as CSV with --csv FILE and, with -o FILE, the
 * run's results with a backtest/ group (docs/output-schema.md). Exit status 0, or 2 for bad
 * input.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/backtest.h"
#include "cli.h"
#include "core/outpath.h"
#include "core/rng.h"
#include "engines/engines.h"
#include "input/reference.h"
#include "input/scenario.h"
#include "output/output.h"

static void
help(void)
{
    printf("usage: dpsim backtest SCENARIO.yaml --fit-until YEAR [--engine cohort|micro]\n"
           "                      [--runs N] [--seed S] [-o FILE] [--csv FILE] [--force]\n"
           "                      [--threads N] [--data DIR]\n\n"
           "Fits the scenario's take-up trend (status_quo: trend) on the recipients its region\n"
           "files report up to the end of YEAR (at least the base year), projects from the\n"
           "base with N replicates (default 200; each draws the fitted trend parameters from\n"
           "their joint distribution), and compares every figure reported for a later year:\n"
           "actual, projected mean, 50%% (25th-75th percentile) and 90%% (5th-95th) intervals,\n"
           "relative error (mean - actual) / actual and whether the actual lies inside each\n"
           "interval (a lower bound: the interval reaches up to it; an upper bound: down to\n"
           "it). The last line gives the coverage: the share of actuals inside the 50%% and the\n"
           "90%% interval. Figures that are totals over several years, keys that are not\n"
           "indicators, and stocks of a month before the end of the first projected year are\n"
           "counted as not compared. Under status_quo: frozen the back-test measures the\n"
           "frozen take-up (YEAR is then only the comparison's start).\n\n"
           "options:\n"
           "  --fit-until YEAR  last year of reported figures fitted (required)\n"
           "  --engine E        cohort (default) or micro\n"
           "  --runs N          replicates (default 200)\n"
           "  --seed S          random seed (default 1)\n"
           "  -o FILE           also write the results with a backtest/ group (HDF5)\n"
           "  --csv FILE        write the table as CSV (full precision)\n"
           "  --force           replace a read-only FILE\n"
           "  --threads N       OpenMP threads (results do not depend on it)\n"
           "  --data DIR        the data folder\n"
           "  -h, --help        this text\n");
}

static const char *const bound_word[] = {"exact", "lower", "upper"};

static void
print_table(FILE *f, const char *name, const dp_backtest *bt)
{
    fprintf(f, "Back-test 回测 %s: fitted on figures up to %d, %zu runs\n\n", name, bt->fit_until,
            bt->n_run);
    fprintf(f, "  %-8s %-30s %-7s %-5s %13s %13s %27s %27s %8s %4s %4s\n", "region", "figure", "at",
            "bound", "actual", "mean", "50% interval", "90% interval", "error", "50%", "90%");
    for (size_t i = 0; i < bt->n_item; i++) {
        const dp_backtest_item *it = &bt->item[i];
        char at[16], i50[64], i90[64];
        snprintf(at, sizeof at, "%d-%02d", it->year, it->month);
        snprintf(i50, sizeof i50, "%.4g - %.4g", it->p25, it->p75);
        snprintf(i90, sizeof i90, "%.4g - %.4g", it->p5, it->p95);
        fprintf(f, "  %-8s %-30s %-7s %-5s %13.6g %13.6g %27s %27s %+7.1f%% %4s %4s\n", it->region,
                it->key, at, bound_word[it->bound], it->actual, it->mean, i50, i90,
                100.0 * it->rel_error, it->in50 ? "yes" : "no", it->in90 ? "yes" : "no");
    }
    if (bt->n_item) {
        fprintf(f,
                "\nCoverage 区间覆盖率: %zu figures compared (%zu not comparable); inside the 50%% "
                "interval %.0f%%, inside the 90%% interval %.0f%%\n",
                bt->n_item, bt->n_skipped, 100.0 * bt->cover50, 100.0 * bt->cover90);
        if (bt->n_trend) {
            fprintf(f,
                    "  of which living and care subsidy recipients (the trend's figures): %zu; "
                    "inside the 50%% interval %.0f%%, the 90%% interval %.0f%%\n",
                    bt->n_trend, 100.0 * bt->trend50, 100.0 * bt->trend90);
        }
    } else {
        fprintf(f, "\nNo figure reported after %d could be compared (%zu not comparable).\n",
                bt->fit_until, bt->n_skipped);
    }
}

static int
write_csv(const char *path, const dp_backtest *bt)
{
    /* Under a temporary name, renamed when complete (README "Reliability"). */
    char *tmp = dp_outpath_temp_name(path);
    FILE *f = tmp ? fopen(tmp, "wx") : NULL;
    if (!f) {
        fprintf(stderr, "dpsim backtest: cannot write '%s'\n", path);
        free(tmp);
        return tmp ? EXIT_INPUT : EXIT_INTERNAL;
    }
    fprintf(f, "region,key,year,month,bound,actual,mean,p5,p25,p50,p75,p95,rel_error,"
               "inside50,inside90\n");
    for (size_t i = 0; i < bt->n_item; i++) {
        const dp_backtest_item *it = &bt->item[i];
        fprintf(f, "%s,%s,%d,%d,%s,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.6g,%d,%d\n",
                it->region, it->key, it->year, it->month, bound_word[it->bound], it->actual,
                it->mean, it->p5, it->p25, it->p50, it->p75, it->p95, it->rel_error, it->in50,
                it->in90);
    }
    if (ferror(f) | fclose(f) || rename(tmp, path) != 0) {
        fprintf(stderr, "dpsim backtest: error writing '%s'\n", path);
        remove(tmp);
        free(tmp);
        return EXIT_INTERNAL;
    }
    free(tmp);
    return EXIT_OK;
}

int
cmd_backtest(int argc, char **argv)
{
    static const struct option opts[] = {{"fit-until", required_argument, NULL, 'y'},
                                         {"engine", required_argument, NULL, 'e'},
                                         {"runs", required_argument, NULL, 'r'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"csv", required_argument, NULL, 'c'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    unsigned long runs = 200, seed = 1, threads = 0, fit_until = 0;
    const char *engine = "cohort", *data_opt = NULL, *output = NULL, *csv = NULL;
    int force = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'y':
            bad = cli_parse_size("backtest", "--fit-until", optarg, 2100, &fit_until);
            break;
        case 'r':
            bad = cli_parse_size("backtest", "--runs", optarg, 1000000, &runs);
            break;
        case 's':
            bad = cli_parse_size("backtest", "--seed", optarg, 0xffffffffUL, &seed);
            break;
        case 't':
            bad = cli_parse_size("backtest", "--threads", optarg, 1024, &threads);
            break;
        case 'e':
            engine = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'c':
            csv = optarg;
            break;
        case 'f':
            force = 1;
            break;
        case 'd':
            data_opt = optarg;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("backtest", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
        if (bad) {
            return bad;
        }
    }
    if (optind + 1 != argc) {
        return cli_usage_error("backtest", optind >= argc ? "no scenario file given"
                                                          : "one scenario file at a time");
    }
    if (fit_until == 0) {
        return cli_usage_error("backtest", "--fit-until YEAR is required (the last year of "
                                           "reported figures the fit may use)");
    }
    if (runs < 1) {
        return cli_usage_error("backtest", "--runs expects at least 1 replicate");
    }
    if (strcmp(engine, "cohort") != 0 && strcmp(engine, "micro") != 0) {
        return cli_usage_error("backtest", "--engine expects cohort or micro, got '%s'", engine);
    }
    int micro = strcmp(engine, "micro") == 0;
    dp_set_threads((int)threads);
    const char *path = argv[optind];
    const char *data_dir = cli_data_dir(data_opt, path);
    dp_ctx *ctx = dp_ctx_alloc();
    dp_scenario *s = NULL;
    dp_reference *ref = NULL;
    dp_model *m = NULL;
    dp_results *res = NULL;
    dp_backtest *bt = NULL;
    dp_region_input *in = NULL;
    dp_output *out = NULL;
    const char **inputs = NULL;
    dp_status rc = DP_OK;
    int exit_code = EXIT_OK;
    dp_engine_opts eo = {runs, seed};
    dp_params p;
    size_t n_region = 0;
    if (!ctx) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    if ((rc = dp_scenario_load(ctx, path, data_dir, &s)) != DP_OK ||
        (rc = dp_reference_load(ctx, data_dir, &ref)) != DP_OK) {
        goto fail;
    }
    p = *dp_scenario_params(s);
    if ((int)fit_until < p.base_year || (int)fit_until >= p.year_end) {
        rc = dp_error(ctx, DP_EINPUT,
                      "--fit-until %lu: expected a year from the base year %d (a back-test "
                      "projects from the scenario's base) to %d, the year before its last",
                      fit_until, p.base_year, p.year_end - 1);
        goto fail;
    }
    p.fit_until = (int)fit_until;
    n_region = dp_scenario_n_region(s);
    if (output || csv) {
        size_t n = ref->n_input + dp_scenario_n_input(s) + 1, k = 0;
        inputs = malloc((n ? n : 1) * sizeof *inputs);
        if (!inputs) {
            rc = dp_error(ctx, DP_ENOMEM, "out of memory");
            goto fail;
        }
        for (size_t j = 0; j < dp_scenario_n_input(s); j++) {
            inputs[k++] = dp_scenario_input_path(s, j);
        }
        for (size_t j = 0; j < ref->n_input; j++) {
            inputs[k++] = ref->input_path[j];
        }
        if (output &&
            (rc = dp_outpath_check(ctx, output, inputs, k, force, "results file")) != DP_OK) {
            goto fail;
        }
        if (output) {
            inputs[k++] = output; /* the CSV may not be the results file either */
        }
        if (csv && (rc = dp_outpath_check(ctx, csv, inputs, k, force, "CSV file")) != DP_OK) {
            goto fail;
        }
    }
    in = malloc((n_region ? n_region : 1) * sizeof *in);
    if (!in) {
        rc = dp_error(ctx, DP_ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t r = 0; r < n_region; r++) {
        in[r] = *dp_scenario_region(s, r);
    }
    if ((rc = dp_model_alloc(ctx, &p, ref, in, n_region, &m)) != DP_OK ||
        (rc = micro ? dp_micro_run(ctx, m, &eo, &res) : dp_cohort_run(ctx, m, &eo, &res)) !=
            DP_OK ||
        (rc = dp_backtest_compare(ctx, in, n_region, (int)fit_until, res, &bt)) != DP_OK) {
        goto fail;
    }
    print_table(stdout, dp_scenario_name(s), bt);
    if (csv && (exit_code = write_csv(csv, bt)) != EXIT_OK) {
        goto done;
    }
    if (output) {
        char cmdline[512];
        snprintf(cmdline, sizeof cmdline,
                 "dpsim backtest %s --fit-until %lu --engine %s --runs "
                 "%lu --seed %lu",
                 path, fit_until, engine, runs, seed);
        dp_run_info info = {engine, runs, seed, dp_rng_name()};
        if ((rc = dp_backtest_add(ctx, bt, res)) != DP_OK ||
            (rc = dp_history_add(ctx, s, res)) != DP_OK ||
            (rc = dp_output_open(ctx, output, cmdline, &out)) != DP_OK ||
            (rc = dp_output_write(ctx, out, s, res, &info, ref->n_input,
                                  (const char(*)[256])ref->input_path,
                                  (const char(*)[65])ref->input_sha256)) != DP_OK) {
            goto fail;
        }
        rc = dp_output_close(ctx, out);
        out = NULL;
        if (rc != DP_OK) {
            goto fail;
        }
    }
    goto done;
fail:
    exit_code = cli_fail(ctx, rc);
done:
    dp_output_abort(out);
    free(inputs);
    free(in);
    dp_backtest_free(bt);
    dp_results_free(res);
    dp_model_free(m);
    dp_reference_free(ref);
    dp_scenario_free(s);
    dp_ctx_free(ctx);
    return exit_code;
}
