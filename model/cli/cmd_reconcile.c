/* model/cli/cmd_reconcile.c
 *
 * dpsim reconcile: runs one scenario with both engines, the same runs and seed (so replicate k
 * of each projects the same parameter draw), compares every per-run table series by series
 * (analysis/reconcile.h) and prints where the micro mean lies beyond --z standard errors of the
 * cohort value. Exit status 1 when any series-year does, 0 when none, 2 for bad input. Writes
 * no file.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/reconcile.h"
#include "analysis/targets.h"
#include "cli.h"
#include "engines/engines.h"
#include "input/reference.h"
#include "input/scenario.h"

static void
help(void)
{
    printf("usage: dpsim reconcile SCENARIO.yaml [--runs N] [--seed S] [--z Z] [--show N]\n"
           "                       [--threads N] [--data DIR] [--csv]\n\n"
           "Runs the scenario with the cohort and the micro engine, N replicates each (default\n"
           "100) with seed S (default 1), so that replicate k of both draws the same parameters;\n"
           "then compares every per-run table (ages summed into 0-14, 15-59, 60-79 and 80+),\n"
           "series by series and year by year, over the paired differences micro - cohort:\n"
           "z = mean difference / its standard error. Prints each table's worst z and every\n"
           "series-year with |z| > Z (default 4), with how many would exceed Z by chance alone\n"
           "if the engines agreed. Exit status 1 when any series-year lies beyond the\n"
           "family-wise bound max(Z, the normal deviate of 0.005 / series-years), which chance\n"
           "alone passes with probability 1%% at most when the engines agree; else 0.\n\n"
           "options:\n"
           "  --runs N     replicates of each engine (at least 2)\n"
           "  --seed S     random seed\n"
           "  --z Z        threshold in standard errors (default 4)\n"
           "  --show N     print at most N of the series-years beyond Z (default 40; 0: all)\n"
           "  --threads N  OpenMP threads (results do not depend on it)\n"
           "  --data DIR   the data folder\n"
           "  --csv        every series-year beyond Z as CSV, full precision\n"
           "  -h, --help   this text\n");
}

static const char *
fmt_z(double z, char *buf, size_t n)
{
    if (isinf(z)) {
        snprintf(buf, n, "%sinf", z > 0 ? "+" : "-");
    } else if (isnan(z)) {
        snprintf(buf, n, "-");
    } else {
        snprintf(buf, n, "%+.2f", z);
    }
    return buf;
}

static void
print_item(FILE *f, const dp_recon_item *it)
{
    char a[48], b[48], c[48], z[16];
    fprintf(f, "  %-22s %4d %14s %14s %12s %7s  %s\n", it->table, it->year,
            cli_fmt_sig(it->cohort, 6, a, sizeof a), cli_fmt_sig(it->micro, 6, b, sizeof b),
            cli_fmt_sig(it->se, 3, c, sizeof c), fmt_z(it->z, z, sizeof z), it->where);
}

static void
print_report(FILE *f, const char *name, const dp_recon *r, size_t show)
{
    char e[32], z[16];
    fprintf(f, "Engine agreement 引擎一致性 %s: cohort vs micro, %zu paired runs\n", name, r->n_run);
    fprintf(f, "%zu series-years in %zu tables; |z| > %g in %zu (about %s expected by chance "
               "if the engines agree); beyond the family-wise bound %.2f: %zu\n\n",
            r->n_tested, r->n_table, r->z_max, r->n_beyond, cli_fmt_sig(r->expected, 2, e, sizeof e),
            r->z_family, r->n_family);
    fprintf(f, "  %-22s %13s %9s %8s  %s\n", "table 表", "series-years", "beyond", "worst z",
            "worst at");
    for (size_t i = 0; i < r->n_table; i++) {
        const dp_recon_table *t = &r->table[i];
        fprintf(f, "  %-22s %13zu %9zu %8s  %d %s\n", t->table, t->n_tested, t->n_beyond,
                fmt_z(t->worst.z, z, sizeof z), t->worst.year, t->worst.where);
    }
    if (r->n_beyond) {
        fprintf(f, "\nBeyond %g standard errors 超出%g倍标准误 (largest first):\n", r->z_max,
                r->z_max);
        fprintf(f, "  %-22s %4s %14s %14s %12s %7s  %s\n", "table", "year", "cohort", "micro",
                "SE", "z", "series");
        size_t n = show && show < r->n_beyond ? show : r->n_beyond;
        for (size_t i = 0; i < n; i++) {
            print_item(f, &r->beyond[i]);
        }
        if (n < r->n_beyond) {
            fprintf(f, "  ... and %zu more (--show 0 prints all)\n", r->n_beyond - n);
        }
    }
    if (r->n_family) {
        fprintf(f, "\n%zu series-years beyond %.2f standard errors: the engines disagree "
                   "(引擎不一致).\n",
                r->n_family, r->z_family);
    } else if (r->n_beyond) {
        fprintf(f, "\nNone beyond the family-wise bound %.2f (the chance that any of %zu series-years "
                   "lies beyond it by chance is 1%%): the engines agree.\n",
                r->z_family, r->n_random);
    } else {
        fprintf(f, "\nNo series-year beyond %g standard errors: the engines agree.\n", r->z_max);
    }
}

static void
print_csv(FILE *f, const dp_recon *r)
{
    fprintf(f, "table,year,series,cohort,micro,se,z,beyond_family_bound\n");
    for (size_t i = 0; i < r->n_beyond; i++) {
        const dp_recon_item *it = &r->beyond[i];
        fprintf(f, "%s,%d,\"%s\",%.10g,%.10g,%.10g,%.6g,%d\n", it->table, it->year, it->where,
                it->cohort, it->micro, it->se, it->z, fabs(it->z) > r->z_family);
    }
}

int
cmd_reconcile(int argc, char **argv)
{
    static const struct option opts[] = {
        {"runs", required_argument, NULL, 'r'},    {"seed", required_argument, NULL, 's'},
        {"z", required_argument, NULL, 'z'},       {"show", required_argument, NULL, 'n'},
        {"threads", required_argument, NULL, 't'}, {"data", required_argument, NULL, 'd'},
        {"csv", no_argument, NULL, 'c'},           {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    unsigned long runs = 100, seed = 1, threads = 0, show = 40;
    double z_max = 4.0;
    const char *data_opt = NULL;
    int csv = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int bad = 0;
        char *end = NULL;
        switch (c) {
        case 'r': bad = cli_parse_size("reconcile", "--runs", optarg, 1000000, &runs); break;
        case 's': bad = cli_parse_size("reconcile", "--seed", optarg, 0xffffffffUL, &seed); break;
        case 'n': bad = cli_parse_size("reconcile", "--show", optarg, 1000000, &show); break;
        case 't': bad = cli_parse_size("reconcile", "--threads", optarg, 1024, &threads); break;
        case 'z':
            z_max = strtod(optarg, &end);
            if (!end || *end || end == optarg || !(z_max > 0.0) || !isfinite(z_max)) {
                return cli_usage_error("reconcile", "--z expects a number > 0, got '%s'", optarg);
            }
            break;
        case 'd': data_opt = optarg; break;
        case 'c': csv = 1; break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_usage_error("reconcile", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
        if (bad) {
            return bad;
        }
    }
    if (optind + 1 != argc) {
        return cli_usage_error("reconcile", optind >= argc ? "no scenario file given"
                                                           : "one scenario file at a time");
    }
    if (runs < 2) {
        return cli_usage_error("reconcile", "--runs expects at least 2 replicates (a standard "
                                            "error needs two)");
    }
    dp_set_threads((int)threads);
    const char *path = argv[optind];
    const char *data_dir = cli_data_dir(data_opt, path);
    dp_ctx *ctx = dp_ctx_alloc();
    dp_scenario *s = NULL;
    dp_reference *ref = NULL;
    dp_model *m = NULL;
    dp_results *rc_res = NULL, *rm_res = NULL;
    dp_recon *r = NULL;
    dp_status rc = DP_OK;
    int exit_code = EXIT_OK;
    dp_engine_opts eo = {0, 0};
    if (!ctx) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    if ((rc = dp_scenario_load(ctx, path, data_dir, &s)) != DP_OK ||
        (rc = dp_reference_load(ctx, data_dir, &ref)) != DP_OK) {
        goto fail;
    }
    eo.runs = runs;
    eo.seed = seed;
    if ((rc = dp_model_of_scenario(ctx, s, ref, &m)) != DP_OK ||
        (rc = dp_cohort_run(ctx, m, &eo, &rc_res)) != DP_OK ||
        (rc = dp_micro_run(ctx, m, &eo, &rm_res)) != DP_OK ||
        (rc = dp_targets_add(ctx, s, rc_res)) != DP_OK ||
        (rc = dp_targets_add(ctx, s, rm_res)) != DP_OK ||
        (rc = dp_reconcile(ctx, rc_res, rm_res, z_max, &r)) != DP_OK) {
        goto fail;
    }
    if (csv) {
        print_csv(stdout, r);
    } else {
        print_report(stdout, dp_scenario_name(s), r, show);
    }
    exit_code = r->n_family ? EXIT_INTERNAL : EXIT_OK;
    goto done;
fail:
    exit_code = cli_fail(ctx, rc);
done:
    dp_recon_free(r);
    dp_results_free(rc_res);
    dp_results_free(rm_res);
    dp_model_free(m);
    dp_reference_free(ref);
    dp_scenario_free(s);
    dp_ctx_free(ctx);
    return exit_code;
}
