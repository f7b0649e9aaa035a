/* model/cli/cmd_targets.c
 *
 * dpsim targets: read a results file and print, per scenario (or the one named), its plan
 * targets with the statistics over replicates that dp_targets_read computes from the stored
 * per-run tables: the indicator's mean, the probability the target is met, the mean gap and
 * the mean yuan to close it. Binding targets first, then by year, then in file order.
 * --csv prints the same as comma-separated values (one header line, full precision) for
 * spreadsheets. A scenario without targets is a note, not an error (exit status 0).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engines/rollup.h"
#include "output/output.h"
#include "analysis/targets.h"

static void
help(void)
{
    printf("usage: dpsim targets RESULTS.h5 [--scenario NAME] [--region NODE] [--csv]\n\n"
           "Prints, for each scenario in the file (or only NAME), the plan targets its scenario\n"
           "lists (`targets:`, docs/scenarios.md), binding (约束性) first, then by year:\n"
           "  indicator and 指标   the indicator, in English and Chinese\n"
           "  region              the region, or 'all' (all regions summed)\n"
           "  target              the comparison and value (shares in %%, spending in 万元,\n"
           "                      households with 户, cash per person in 元/人)\n"
           "  mean                the indicator's mean over the runs\n"
           "  P(met)              the share of runs in which the target is met\n"
           "  mean gap            persons (or households) short (for a share: the shortfall\n"
           "                      times the persons it is a share of), or 万元 for spending and\n"
           "                      cash per person; 0 in runs that meet it, so this is the\n"
           "                      expected shortfall\n"
           "  to close            万元 to close the gap: persons short times the programme's\n"
           "                      yearly amount (coverage rates, employment, renovations), or\n"
           "                      its spending per recipient or per trainee that year; the gap\n"
           "                      itself for spending; '-' where no unit cost applies\n"
           "Then, when the scenario sets a budget ceiling, per year total spending and the\n"
           "probability over runs that it exceeds the ceiling (预算上限).\n"
           "A scenario without targets is reported as such (exit status 0). With one run the\n"
           "probability is 0 or 100%%; run with --runs N for a probability over replicates.\n\n"
           "options:\n"
           "  --scenario NAME  only this scenario\n"
           "  --region NODE    only the targets set on this region or node of the region\n"
           "                   hierarchy (a province's total: docs/scenarios.md#targets)\n"
           "  --csv            comma-separated values with a header line instead of the table\n"
           "  -h, --help       this text\n");
}

/* ------------------------------------------------------------------------------------------ */
/* Formatting */

/* v with one decimal and thousands separators ("-" when not finite). */
static const char *
fmt_1dec(double v, char *buf, size_t n)
{
    return cli_fmt_num(v, 1, buf, n);
}

/* A value in the indicator's unit: shares in %, persons whole, households whole with 户, yuan
 * in 万元, yuan per person with one decimal and 元/人. */
static const char *
fmt_value(double v, const char *unit, char *buf, size_t n)
{
    char tmp[64];
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
    } else if (strcmp(unit, "share") == 0) {
        cli_fmt_pct(v, 1, buf, n);
    } else if (strcmp(unit, "yuan") == 0) {
        snprintf(buf, n, "%s万元", fmt_1dec(v / 1e4, tmp, sizeof tmp));
    } else if (strcmp(unit, "yuan per person") == 0) {
        snprintf(buf, n, "%s元/人", fmt_1dec(v, tmp, sizeof tmp));
    } else if (strcmp(unit, "households") == 0) {
        snprintf(buf, n, "%s户", cli_fmt_int(v, tmp, sizeof tmp));
    } else {
        cli_fmt_int(v, buf, n);
    }
    return buf;
}

/* A probability in whole percent; "<1%" and ">99%" rather than rounding to 0 or 100. */
static const char *
fmt_prob(double p, char *buf, size_t n)
{
    if (!isfinite(p)) {
        snprintf(buf, n, "-");
    } else if (p > 0.0 && p < 0.01) {
        snprintf(buf, n, "<1%%");
    } else if (p > 0.99 && p < 1.0) {
        snprintf(buf, n, ">99%%");
    } else {
        cli_fmt_pct(p, 0, buf, n);
    }
    return buf;
}

/* s then spaces up to width terminal columns. */
static void
put_left(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    for (size_t w = cli_display_width(s); w < width; w++) {
        fputc(' ', f);
    }
}

/* Binding first, then by year, then the axis order. */
static int
order_cmp(const void *a, const void *b)
{
    const dp_target_result *x = *(const dp_target_result *const *)a;
    const dp_target_result *y = *(const dp_target_result *const *)b;
    if (x->binding != y->binding) {
        return x->binding ? -1 : 1;
    }
    if (x->year != y->year) {
        return x->year < y->year ? -1 : 1;
    }
    return (x > y) - (x < y);
}

/* ------------------------------------------------------------------------------------------ */
/* One scenario */

enum { N_COL = 11, CELL = 128 };

static void
print_table(const char *scenario, const dp_output_info *info, dp_target_result **t, size_t n)
{
    static const char *const head[N_COL] = {"kind",     "year",     "indicator", "指标",
                                            "region",   "target",   "mean",      "P(met)",
                                            "mean gap", "to close", "name 名称"};
    static const char *const head2[N_COL] = {"",     "", "", "", "", "", "", "", "persons|万元",
                                             "万元", ""};
    static const int right[N_COL] = {0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0};
    char(*cell)[N_COL][CELL] = calloc(n ? n : 1, sizeof *cell);
    size_t width[N_COL];
    int any_name = 0;
    if (!cell) {
        fprintf(stderr, "dpsim: out of memory\n");
        return;
    }
    for (size_t c = 0; c < N_COL; c++) {
        width[c] = cli_display_width(head[c]);
        width[c] = cli_display_width(head2[c]) > width[c] ? cli_display_width(head2[c]) : width[c];
    }
    for (size_t i = 0; i < n; i++) {
        const dp_target_result *r = t[i];
        char v[64];
        const char *unit = r->unit[0] ? r->unit : (r->gap_in_yuan ? "yuan" : "persons");
        const char *gap_unit = r->gap_unit && r->gap_unit[0] ? r->gap_unit : "persons";
        snprintf(cell[i][0], CELL, "%s", r->binding ? "binding 约束性" : "expected 预期性");
        snprintf(cell[i][1], CELL, "%d", r->year);
        snprintf(cell[i][2], CELL, "%s", r->indicator);
        snprintf(cell[i][3], CELL, "%s", r->indicator_zh[0] ? r->indicator_zh : "-");
        if (r->region[0]) {
            snprintf(cell[i][4], CELL, "%s %s", r->region, r->region_zh);
        } else {
            snprintf(cell[i][4], CELL, "all 全部");
        }
        fmt_value(r->value, unit, v, sizeof v);
        if (r->op == DP_OP_EQ && isfinite(r->tolerance) && r->tolerance >= 1e-6) {
            char tol[48], num[32];
            if (strcmp(unit, "share") == 0) {
                snprintf(tol, sizeof tol, "%s%%", cli_fmt_sig(100.0 * r->tolerance, 6, num, 32));
            } else if (strcmp(unit, "yuan") == 0) {
                snprintf(tol, sizeof tol, "%s万元", cli_fmt_sig(r->tolerance / 1e4, 6, num, 32));
            } else if (strcmp(unit, "yuan per person") == 0) {
                snprintf(tol, sizeof tol, "%s元/人", cli_fmt_sig(r->tolerance, 6, num, 32));
            } else {
                cli_fmt_sig(r->tolerance, 6, tol, sizeof tol);
            }
            snprintf(cell[i][5], CELL, "== %s ± %s", v, tol);
        } else {
            snprintf(cell[i][5], CELL, "%s %s", dp_target_op_text[r->op], v);
        }
        fmt_value(r->mean, unit, cell[i][6], CELL);
        fmt_prob(r->p_met, cell[i][7], CELL);
        fmt_value(r->mean_gap, gap_unit, cell[i][8], CELL);
        fmt_1dec(r->mean_gap_yuan / 1e4, cell[i][9], CELL);
        snprintf(cell[i][10], CELL, "%s", r->name_zh);
        any_name |= r->name_zh[0] != '\0';
        for (size_t c = 0; c < N_COL; c++) {
            size_t w = cli_display_width(cell[i][c]);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    size_t n_col = any_name ? N_COL : N_COL - 1;
    printf("\n%s: %zu plan target%s, %zu run%s (%s engine, seed %llu)\n", scenario, n,
           n == 1 ? "" : "s", n ? t[0]->n_run : 0, n && t[0]->n_run == 1 ? "" : "s",
           info ? info->engine : "?", info ? (unsigned long long)info->seed : 0ULL);
    for (int line = 0; line < 2; line++) {
        const char *const *h = line ? head2 : head;
        size_t c_last = n_col;
        while (line && c_last > 0 && !h[c_last - 1][0]) {
            c_last--;
        }
        if (line && c_last == 0) {
            continue;
        }
        for (size_t c = 0; c < c_last; c++) {
            fputs("  ", stdout);
            if (right[c]) {
                cli_put_right(stdout, h[c], width[c]);
            } else if (c + 1 < c_last) {
                put_left(stdout, h[c], width[c]);
            } else {
                fputs(h[c], stdout);
            }
        }
        fputc('\n', stdout);
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < n_col; c++) {
            if (c + 1 == n_col && !cell[i][c][0]) {
                break; /* no trailing blanks for an empty last column */
            }
            fputs("  ", stdout);
            if (right[c]) {
                cli_put_right(stdout, cell[i][c], width[c]);
            } else if (c + 1 < n_col) {
                put_left(stdout, cell[i][c], width[c]);
            } else {
                fputs(cell[i][c], stdout);
            }
        }
        fputc('\n', stdout);
    }
    if (n && t[0]->n_run == 1) {
        printf("  one run: P(met) is 0 or 100%%; dpsim run --runs N gives a probability over "
               "replicates\n");
    }
    free(cell);
}

/* A text field for CSV: quoted when it holds a comma, quote or newline. */
static void
csv_text(const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, stdout);
        return;
    }
    fputc('"', stdout);
    for (const char *c = s; *c; c++) {
        if (*c == '"') {
            fputc('"', stdout);
        }
        fputc(*c, stdout);
    }
    fputc('"', stdout);
}

static void
csv_number(double v)
{
    if (isfinite(v)) {
        printf(",%.10g", v);
    } else {
        fputs(",", stdout); /* empty: not a number */
    }
}

static void
print_csv(const char *scenario, dp_target_result **t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const dp_target_result *r = t[i];
        const char *texts[] = {scenario,        r->label,  r->label_zh, r->indicator,
                               r->indicator_zh, r->region, r->name_zh};
        for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
            if (k) {
                fputc(',', stdout);
            }
            csv_text(texts[k]);
        }
        printf(",%d,%s", r->year, dp_target_op_text[r->op]);
        csv_number(r->value);
        csv_number(r->op == DP_OP_EQ ? r->tolerance : (double)NAN);
        printf(",%s,%s,%s,%zu", r->binding ? "binding" : "expected", r->unit,
               r->gap_unit && r->gap_unit[0] ? r->gap_unit : (r->gap_in_yuan ? "yuan" : "persons"),
               r->n_run);
        csv_number(r->mean);
        csv_number(r->p05);
        csv_number(r->p95);
        csv_number(r->p025);
        csv_number(r->p975);
        csv_number(r->p_met);
        csv_number(r->mean_gap);
        csv_number(r->mean_gap_yuan);
        fputc('\n', stdout);
    }
}

int
cmd_targets(int argc, char **argv)
{
    static const struct option opts[] = {{"scenario", required_argument, NULL, 's'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"region", required_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *only = NULL, *region = NULL;
    int c, csv = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            only = optarg;
            break;
        case 'c':
            csv = 1;
            break;
        case 'r':
            region = optarg;
            break;
        case 'h':
            help();
            return EXIT_OK;
        default:
            return cli_usage_error("targets", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("targets", "expects exactly one results file");
    }
    const char *path = argv[optind];
    dp_ctx *ctx = dp_ctx_alloc();
    char **names = NULL;
    size_t n_scen = 0, shown = 0;
    int code = EXIT_OK;
    dp_status rc = DP_OK;
    dp_results *res = NULL;
    dp_output_info *info = NULL;
    dp_target_result *tr = NULL;
    dp_target_result **order = NULL;
    size_t n = 0;
    if (!ctx) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    if ((rc = dp_output_scenarios(ctx, path, &names, &n_scen)) != DP_OK) {
        goto fail;
    }
    if (only) {
        size_t i = 0;
        while (i < n_scen && strcmp(names[i], only) != 0) {
            i++;
        }
        if (i == n_scen) {
            fprintf(stderr, "dpsim: %s: no scenario '%s' (the file has:", path, only);
            for (size_t k = 0; k < n_scen; k++) {
                fprintf(stderr, " %s", names[k]);
            }
            fprintf(stderr, ")\n");
            code = EXIT_INPUT;
            goto done;
        }
    }
    if (csv) {
        printf("scenario,target,target_zh,indicator,indicator_zh,region,name_zh,year,op,value,"
               "tolerance,kind,unit,gap_unit,runs,mean,p05,p95,p025,p975,p_met,mean_gap,"
               "mean_gap_yuan\n");
    }
    for (size_t i = 0; i < n_scen; i++) {
        if (only && strcmp(only, names[i]) != 0) {
            continue;
        }
        if ((rc = dp_output_read(ctx, path, names[i], &res)) != DP_OK ||
            (rc = dp_output_read_info(ctx, path, names[i], &info)) != DP_OK ||
            (rc = dp_targets_read(ctx, res, &tr, &n)) != DP_OK) {
            goto fail;
        }
        if (region) {
            /* Only the targets on that region or node (checked to be one of the results). */
            size_t kept = 0;
            if (!dp_rollup_has(res, region)) {
                rc = cli_region_view(ctx, path, names[i], region, &res); /* its error message */
                goto fail;
            }
            for (size_t k = 0; k < n; k++) {
                if (strcmp(tr[k].region, region) == 0) {
                    tr[kept++] = tr[k];
                }
            }
            n = kept;
        }
        if (n == 0 && region) {
            fprintf(csv ? stderr : stdout, "%s%s: no plan targets on %s\n", csv ? "dpsim: " : "\n",
                    names[i], region);
        } else if (n == 0) {
            fprintf(csv ? stderr : stdout,
                    "%s%s: no plan targets (the scenario lists none; docs/scenarios.md#targets)\n",
                    csv ? "dpsim: " : "\n", names[i]);
        } else {
            if (!(order = malloc(n * sizeof *order))) {
                rc = dp_error(ctx, DP_ENOMEM, "out of memory");
                goto fail;
            }
            for (size_t k = 0; k < n; k++) {
                order[k] = &tr[k];
            }
            qsort(order, n, sizeof *order, order_cmp);
            if (csv) {
                print_csv(names[i], order, n);
            } else {
                print_table(names[i], info, order, n);
            }
            shown += n;
        }
        /* --region: the node's budget (its view; the targets above are printed already). */
        if (!csv && region && (rc = cli_region_view(ctx, path, names[i], region, &res)) != DP_OK) {
            goto fail;
        }
        int pb = csv ? 0 : cli_print_budget_region(stdout, res, region);
        if (pb < 0) {
            rc = pb == -2 ? dp_error(ctx, DP_ENOMEM, "out of memory printing the budget table")
                          : dp_error(ctx, DP_EINPUT,
                                     "%s: the budget table of scenario '%s' is malformed", path,
                                     names[i]);
            goto fail;
        }
        free(order);
        order = NULL;
        free(tr);
        tr = NULL;
        dp_output_info_free(info);
        info = NULL;
        dp_results_free(res);
        res = NULL;
    }
    if (!csv && shown > 0) {
        printf("\nP(met): share of runs meeting the target (values within 10^-9 of it count "
               "as equal). mean gap: persons (户:\nhouseholds) short, 0 in runs that meet it; a "
               "share's shortfall times the persons it is a share of; 万元\nfor spending and "
               "cash per person. to close: 万元 to close the gap: coverage rates, employment "
               "and\nrenovations at the programme's yearly amount per person or home "
               "(scenario amounts); recipients at the\nprogramme's spending per recipient, "
               "training at the spending per trainee that year; spending: the gap\nitself; "
               "'-' where no unit cost applies (docs/scenarios.md#targets).\n");
    }
    goto done;
fail:
    code = cli_fail(ctx, rc);
done:
    free(order);
    free(tr);
    dp_output_info_free(info);
    dp_results_free(res);
    dp_output_names_free(names, n_scen);
    dp_ctx_free(ctx);
    return code;
}
