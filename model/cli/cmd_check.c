/* model/cli/cmd_check.c
 *
 * dpsim check: validate a scenario (and the region files it names), print the resolved
 * scenario, its parameters given as distributions (id, name, distribution, mean, sd), the input
 * files with their SHA-256, and the base-year fit of every region: each marginal's target,
 * fitted value and residual, and the take-up of each programme; then the region file's dated
 * reported figures, if it has any.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "domain/model.h"
#include "input/reference.h"
#include "input/scenario.h"
#include "analysis/targets.h"

static void
help(void)
{
    printf("usage: dpsim check SCENARIO.yaml [--data DIR]\n\n"
           "Validates the scenario and the region files it names, then prints the resolved\n"
           "scenario (extends: applied), the parameters given as distributions (id, name,\n"
           "distribution, mean, sd), every input file with its SHA-256, and each region's\n"
           "base-year fit: the region file's known counts (target), the synthesised base\n"
           "population's values (fitted) and their difference, and the take-up of each\n"
           "programme, then the region file's reported figures (date, value, unit, bound,\n"
           "status, source). Errors read FILE:LINE:COLUMN: what was expected; exit status 2.\n\n"
           "options:\n"
           "  --data DIR   data folder (default: $DPSIM_DATA, else ../data next to the\n"
           "               scenario, else ./data)\n"
           "  -h, --help   this text\n");
}

/* "lognormal(median 1, sd_log 0.1)": the distribution as the scenario writes it. */
static void
format_dist(const dp_dist *d, char *buf, size_t size)
{
    char a[32], b[32], c[32];
    cli_fmt_sig(d->a, 6, a, sizeof a);
    cli_fmt_sig(d->b, 6, b, sizeof b);
    cli_fmt_sig(d->c, 6, c, sizeof c);
    switch (d->kind) {
    case DP_DIST_FIXED:
        snprintf(buf, size, "fixed(value %s)", a);
        return;
    case DP_DIST_NORMAL:
        snprintf(buf, size, "normal(mean %s, sd %s)", a, b);
        return;
    case DP_DIST_LOGNORMAL:
        snprintf(buf, size, "lognormal(median %s, sd_log %s)", a, b);
        return;
    case DP_DIST_BETA:
        snprintf(buf, size, "beta(mean %s, sd %s)", a, b);
        return;
    case DP_DIST_UNIFORM:
        snprintf(buf, size, "uniform(min %s, max %s)", a, b);
        return;
    case DP_DIST_TRIANGULAR:
        snprintf(buf, size, "triangular(min %s, mode %s, max %s)", a, b, c);
        return;
    }
    snprintf(buf, size, "?");
}

/* The scenario's uncertain parameters, in id order. The mean shown is the central value the
 * scenario holds (the distribution's mean, clamped to the key's range); sd is the
 * distribution's. */
static void
print_uncertain(const dp_params *p)
{
    char dist[128];
    if (p->n_uncertain == 0) {
        printf("\n# uncertain parameters: none (every value is a number)\n");
        return;
    }
    printf("\n# uncertain parameters: %zu, drawn once per replicate with --runs N > 1 (stored in\n"
           "# runs/parameters); a single run uses the mean\n",
           p->n_uncertain);
    printf("#   %2s  %-46s %-38s %12s %12s\n", "id", "name", "distribution", "mean", "sd");
    for (size_t i = 0; i < p->n_uncertain; i++) {
        const dp_uncertain *u = &p->uncertain[i];
        double central;
        memcpy(&central, (const char *)p + u->offset[0], sizeof central);
        format_dist(&u->dist, dist, sizeof dist);
        char mean[32], sd[32];
        printf("#   %2zu  %-46s %-38s %12s %12s\n", i, u->name, dist,
               cli_fmt_sig(central, 6, mean, sizeof mean),
               cli_fmt_sig(dp_dist_sd(&u->dist), 6, sd, sizeof sd));
    }
}

/* The scenario's plan targets, in file order (docs/scenarios.md#targets). */
static void
print_targets(const dp_scenario *s)
{
    size_t n = 0;
    const dp_target *t = dp_scenario_targets(s, &n);
    if (n == 0) {
        printf("\n# plan targets: none\n");
        return;
    }
    printf("\n# plan targets: %zu, evaluated in every replicate by dpsim run (dpsim targets "
           "prints them)\n",
           n);
    printf("#   %3s  %-26s %-10s %4s  %-2s %14s  %-8s  %s\n", "#", "indicator", "region", "year",
           "op", "value", "kind", "name_zh");
    for (size_t i = 0; i < n; i++) {
        char value[80], v[32], tol[32];
        cli_fmt_sig(t[i].value, 10, v, sizeof v);
        if (t[i].op == DP_OP_EQ) {
            snprintf(value, sizeof value, "%s +- %s", v, cli_fmt_sig(t[i].tolerance, 10, tol, 32));
        } else {
            snprintf(value, sizeof value, "%s", v);
        }
        printf("#   %3zu  %-26s %-10s %4d  %-2s %14s  %-*s%s%s\n", i + 1, t[i].indicator,
               t[i].region[0] ? t[i].region : "all", t[i].year, dp_target_op_text[t[i].op], value,
               t[i].name_zh[0] ? 8 : 0, t[i].binding ? "binding" : "expected",
               t[i].name_zh[0] ? "  " : "", t[i].name_zh);
    }
}

/* The date of a reported figure: "2020", "2019 mid", "2017-03", or a total's "2016-2020". */
static void
format_date(const dp_reported *rep, char *buf, size_t size)
{
    char end[32];
    if (rep->mid) {
        snprintf(end, sizeof end, "%d mid", rep->year);
    } else if (rep->month != 12) {
        snprintf(end, sizeof end, "%d-%02d", rep->year, rep->month);
    } else {
        snprintf(end, sizeof end, "%d", rep->year);
    }
    if (rep->from != rep->year) {
        snprintf(buf, size, "%d-%s", rep->from, end);
    } else {
        snprintf(buf, size, "%s", end);
    }
}

/* The region file's `standards:`: the yearly increase of each programme's standard. */
static void
print_standards(const dp_region_input *in, int trend)
{
    for (size_t k = 0; k < DP_N_PROG; k++) {
        if (isfinite(in->std_growth[k])) {
            printf("#   standard 补贴标准 %s: %+.2f%% a year (%d-%d, region file standards:)%s\n",
                   dp_prog_key[k], 100.0 * in->std_growth[k], in->std_from[k], in->std_to[k],
                   trend ? "; status_quo: trend applies it to unindexed amounts"
                         : "; not applied (status_quo: frozen)");
        }
    }
}

/* The region file's reported figures, one a line, as parsed (dated, bounds as >= / <=). */
static void
print_reported(const dp_region_input *in)
{
    static const char *const bound_op[DP_N_BOUND] = {"", ">= ", "<= "};
    if (in->n_reported == 0) {
        return;
    }
    printf("#   reported figures (%zu):\n", in->n_reported);
    printf("#     %-28s %-13s %17s %-12s %-12s %s\n", "key", "date", "value", "unit", "status",
           "source");
    for (size_t i = 0; i < in->n_reported; i++) {
        const dp_reported *rep = &in->reported[i];
        char date[40], num[40], value[48];
        format_date(rep, date, sizeof date);
        int share = strcmp(rep->unit, "share") == 0;
        snprintf(value, sizeof value, "%s%s", bound_op[rep->bound],
                 cli_fmt_num(rep->value, share ? 3 : 0, num, sizeof num));
        printf("#     %-28s %-13s %17s %-12s %-12s %s\n", rep->key, date, value, rep->unit,
               dp_rep_status_key[rep->status], rep->source);
    }
}

static const char *const take_up_source[] = {"scenario", "calibrated to base-year recipients",
                                             "default assumption"};

/* status_quo: trend: each fitted take-up trend (base/trend_fit and base/trend_obs). */
static void
print_trend(const dp_model *m, size_t r)
{
    for (size_t k = 0; k < DP_N_PROG; k++) {
        const dp_trend_fit *f = dp_model_trend(m, r, k);
        if (!f) {
            continue;
        }
        printf("#   take-up trend 领取率趋势 %s: s(t) = %g / (1 + exp(-(a + g (t - %g))))\n",
               dp_prog_key[k], f->ceiling, f->t0);
        printf("#     a = %.4f (SE %.4f), g = %.4f a year (SE %.4f), corr %.3f; "
               "weighted SS %.4g over %zu figures and the prior\n",
               f->a, f->se_a, f->g, f->se_g, f->cov[0][1] / (f->se_a * f->se_g), f->chi2,
               f->n_obs);
        printf("#     %-10s %12s %12s %12s\n", "time", "share", "fitted", "residual");
        for (size_t i = 0; i < f->n_obs; i++) {
            printf("#     %-10.2f %12.4f %12.4f %+12.4f\n", f->t[i], f->y[i],
                   f->y[i] - f->resid[i], f->resid[i]);
        }
    }
}

int
cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *data_opt = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data_opt = optarg; break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_usage_error("check", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("check", "expects exactly one scenario file");
    }
    const char *path = argv[optind];
    const char *data_dir = cli_data_dir(data_opt, path);
    dp_ctx *ctx = dp_ctx_alloc();
    dp_scenario *s = NULL;
    dp_reference *ref = NULL;
    dp_model *m = NULL;
    dp_status rc;
    int code = EXIT_OK;
    size_t n_reg = 0;
    if (!ctx) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    if ((rc = dp_scenario_load(ctx, path, data_dir, &s)) != DP_OK ||
        (rc = dp_reference_load(ctx, data_dir, &ref)) != DP_OK) {
        goto fail;
    }
    n_reg = dp_scenario_n_region(s);
    if ((rc = dp_model_of_scenario(ctx, s, ref, &m)) != DP_OK) {
        goto fail;
    }
    printf("# scenario %s: valid\n# resolved scenario:\n%s", dp_scenario_name(s),
           dp_scenario_text(s));
    print_uncertain(dp_scenario_params(s));
    print_targets(s);
    printf("\n# inputs (SHA-256):\n");
    for (size_t i = 0; i < dp_scenario_n_input(s); i++) {
        printf("#   %s  %s\n", dp_scenario_input_sha256(s, i), dp_scenario_input_path(s, i));
    }
    for (size_t i = 0; i < ref->n_input; i++) {
        printf("#   %s  %s\n", ref->input_sha256[i], ref->input_path[i]);
    }
    for (size_t r = 0; r < n_reg; r++) {
        const dp_region_input *in = dp_scenario_region(s, r);
        printf("\n# base-year fit, region %s (%s, %s), base year %d\n", in->id, in->name_en,
               in->name_zh, in->base_year);
        printf("#   %-18s %12s %12s %12s\n", "marginal", "target", "fitted", "residual");
        char b[3][40];
        printf("#   %-18s %12s %12s %12s\n", "disabled total",
               cli_fmt_num(in->disabled_total, 0, b[0], 40),
               cli_fmt_num(in->disabled_total, 2, b[1], 40), cli_fmt_num(0.0, 2, b[2], 40));
        for (size_t k = 0; k < DP_N_MARG; k++) {
            double fitted = dp_model_marginal(m, r, (dp_marg_kind)k);
            if (isfinite(in->marginal[k])) {
                printf("#   %-18s %12s %12s %12s\n", dp_marg_key[k],
                       cli_fmt_num(in->marginal[k], 0, b[0], 40), cli_fmt_num(fitted, 2, b[1], 40),
                       cli_fmt_num(fitted - in->marginal[k], 2, b[2], 40));
            } else {
                printf("#   %-18s %12s %12s %12s\n", dp_marg_key[k], "-",
                       cli_fmt_num(fitted, 2, b[1], 40), "-");
            }
        }
        printf("#   fit: %zu sweeps of iterative proportional fitting (tolerance 10^-10)\n",
               dp_model_fit_iterations(m, r));
        printf("#   take-up:\n");
        for (size_t k = 0; k < DP_N_PROG; k++) {
            double tu = dp_model_take_up(m, r, k);
            char v[32];
            printf("#     %-24s %s  (%s%s)\n", dp_prog_key[k], cli_fmt_num(tu, 4, v, sizeof v),
                   take_up_source[dp_model_take_up_source(m, r, k)],
                   dp_model_take_up_combined(m, r, k)
                       ? "; the scenario's distribution gives its relative spread"
                       : "");
        }
        print_trend(m, r);
        print_standards(in, dp_model_params(m)->status_quo == DP_SQ_TREND);
        print_reported(in);
    }
    goto done;
fail:
    code = cli_fail(ctx, rc);
done:
    dp_model_free(m);
    dp_reference_free(ref);
    dp_scenario_free(s);
    dp_ctx_free(ctx);
    return code;
}
