/* model/cli/cmd_compare.c
 *
 * dpsim compare RESULTS.h5 BASE ALT: reads two scenario groups of a results file, checks they
 * have the same axes, and prints ALT - BASE by year for the headline quantities (or one table,
 * optionally by one axis): the means, the mean difference and, when both have the same number
 * of runs (at least 2), the 5th and 95th percentiles of the paired differences and the share of
 * variance pairing removed (analysis.h). Then the settings that differ, by ranges of years,
 * and the sensitivity of total spending to each scenario's uncertain parameters. --csv writes
 * the differences only, as CSV on standard output. Spending is shown in 10,000 yuan (万元).
 * Also cli_print_sensitivity, which `dpsim summary --sensitivity` uses.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "analysis/analysis.h"
#include "output/output.h"

#define NO_INDEX ((size_t)-1)

static void
help(void)
{
    printf("usage: dpsim compare RESULTS.h5 BASE ALT [--table T [--by AXIS]] [--csv]\n"
           "                    [--region NODE]\n\n"
           "Prints ALT - BASE for two scenarios of one results file (written by one\n"
           "`dpsim run` with both scenarios, or any file with both groups), by year:\n"
           "  - the mean of each scenario and the mean difference;\n"
           "  - when both have the same number of runs (at least 2), the 90%% interval (5th to\n"
           "    95th percentile) of the paired differences ALT_k - BASE_k, run k with run k,\n"
           "    and the share of variance that pairing removed, 1 - Var(d) / (Var(ALT) +\n"
           "    Var(BASE)). Pairing uses common random numbers when both were run with the\n"
           "    same --seed;\n"
           "  - the resolved parameters that differ, BASE -> ALT, by ranges of years;\n"
           "  - for scenarios with parameters given as distributions, which of them explain\n"
           "    the spread of total spending in 2025, 2030 and 2035.\n"
           "By default: spending (10,000 yuan, 万元) in total and by programme, recipients by\n"
           "programme, disabled and certified persons, each summed over regions; the\n"
           "programmes that are the same in both in every year and run are named on one line.\n"
           "The two scenarios must have the same years, regions and categories.\n\n"
           "options:\n"
           "  --table T   compare table T instead, summed over every axis but year\n"
           "              (tables: docs/output-schema.md)\n"
           "  --by AXIS   with --table: keep AXIS too (e.g. region, programme)\n"
           "  --region NODE  one region, or a node of the region hierarchy (its roll-up:\n"
           "              the sum of its regions in each run), instead of all regions\n"
           "  --csv       write the differences as CSV to standard output (one row per\n"
           "              quantity and year; no parameter or sensitivity sections)\n"
           "  -h, --help  this text\n"
           "Details: docs/compare.md\n");
}

/* ------------------------------------------------------------------------------------------ */
/* Formatting */

/* v with `decimals` decimals (cli_fmt_num); decimals < 0: 6 significant digits (cli_fmt_sig). */
static const char *
fmt_num(double v, int decimals, char *buf, size_t n)
{
    return decimals < 0 ? cli_fmt_sig(v, 6, buf, n) : cli_fmt_num(v, decimals, buf, n);
}

/* v with three decimals and its sign ("+0.412", "-0.050", "0.000"). */
static const char *
fmt_signed(double v, char *buf, size_t n)
{
    if (n < 2) {
        return cli_fmt_num(v, 3, buf, n);
    }
    cli_fmt_num(v, 3, buf + 1, n - 1);
    if (isfinite(v) && buf[1] != '-' && strcmp(buf + 1, "0.000") != 0) {
        buf[0] = '+';
    } else {
        memmove(buf, buf + 1, strlen(buf + 1) + 1);
    }
    return buf;
}

/* A setting's value: the number (6 significant digits) or its word. */
static const char *
fmt_setting(double v, const char *word, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "%s", word ? word : "-");
    } else {
        cli_fmt_sig(v, 6, buf, n);
    }
    return buf;
}

/* Writes s as one CSV field (quoted when it holds a comma, quote or newline). */
static void
csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

static void
csv_num(FILE *f, double v)
{
    fputc(',', f);
    if (isfinite(v)) {
        fprintf(f, "%.10g", v);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The quantities compared */

/* One block of output: a table, optionally one label of a kept axis. */
typedef struct {
    const char *table;  /**< table name */
    const char *by;     /**< kept axis or NULL */
    const char *only;   /**< print only this label of the kept axis, or NULL for every one */
    const char *what;   /**< English name of the quantity, followed by the kept axis' label
                             unless `only` is set; NULL: the table's name */
    const char *what_zh;/**< Chinese name, preceded by the label's label_zh unless `only` is
                             set; NULL: the table's title_zh */
} block;

/* Unit shown for a table unit, and the divisor to it: yuan become 10,000 yuan (万元). */
static double
display_unit(const char *unit, const char **en, const char **zh, int *decimals)
{
    if (strcmp(unit, "yuan") == 0) {
        *en = "10k yuan";
        *zh = "万元";
        *decimals = 1;
        return 1e4;
    }
    if (strcmp(unit, "persons") == 0) {
        *en = "persons";
        *zh = "人";
        *decimals = 0;
        return 1.0;
    }
    *en = unit;
    *zh = unit;
    *decimals = -1;
    return 1.0;
}

typedef struct {
    const char *base_name, *alt_name;
    const dp_results *base;
    int csv;
} printer;

static void
print_text_block(const printer *pr, const dp_diff *d, size_t g, const char *what,
                 const char *what_zh)
{
    const char *unit_en, *unit_zh;
    int dec;
    double div = display_unit(d->unit, &unit_en, &unit_zh, &dec);
    const dp_axis *years = d->year_axis != NO_INDEX ? &pr->base->axis[d->year_axis] : NULL;
    char b[6][96];
    printf("\n%s (%s) / %s（%s）\n", what, unit_en, what_zh, unit_zh);
    printf("%5s %12s %12s %12s %12s %12s %9s\n", "year", "BASE", "ALT", "ALT-BASE", "5th pct",
           "95th pct", "pairing");
    static const char *const zh[] = {"年份", "基准", "方案", "差值", "第5百分位", "第95百分位",
                                     "配对消除"};
    static const size_t width[] = {5, 13, 13, 13, 13, 13, 10};
    for (size_t i = 0; i < sizeof zh / sizeof zh[0]; i++) {
        cli_put_right(stdout, zh[i], width[i]);
    }
    printf("\n%5s %12s %12s %12s %12s %12s %9s\n", "", "", "", "", "(paired)", "(paired)",
           "removed");
    for (size_t yi = 0; yi < d->n_year; yi++) {
        size_t c = yi * d->n_group + g;
        char vr[16];
        cli_fmt_pct(d->var_removed[c], 1, vr, sizeof vr);
        printf("%5s %12s %12s %12s %12s %12s %9s\n", years ? years->label[yi] : "all",
               fmt_num(d->base_mean[c] / div, dec, b[0], sizeof b[0]),
               fmt_num(d->alt_mean[c] / div, dec, b[1], sizeof b[1]),
               fmt_num(d->mean[c] / div, dec, b[2], sizeof b[2]),
               fmt_num(d->p05[c] / div, dec, b[3], sizeof b[3]),
               fmt_num(d->p95[c] / div, dec, b[4], sizeof b[4]), vr);
    }
}

static void
print_csv_rows(const printer *pr, const dp_diff *d, size_t g, const char *label)
{
    const char *unit_en, *unit_zh;
    int dec;
    double div = display_unit(d->unit, &unit_en, &unit_zh, &dec);
    const dp_axis *years = d->year_axis != NO_INDEX ? &pr->base->axis[d->year_axis] : NULL;
    const char *axis = d->by_axis != NO_INDEX ? pr->base->axis[d->by_axis].name : "";
    for (size_t yi = 0; yi < d->n_year; yi++) {
        size_t c = yi * d->n_group + g;
        csv_field(stdout, pr->base_name);
        fputc(',', stdout);
        csv_field(stdout, pr->alt_name);
        fputc(',', stdout);
        csv_field(stdout, d->table);
        fputc(',', stdout);
        csv_field(stdout, unit_en);
        fputc(',', stdout);
        csv_field(stdout, axis);
        fputc(',', stdout);
        csv_field(stdout, label);
        fputc(',', stdout);
        csv_field(stdout, years ? years->label[yi] : "");
        csv_num(stdout, d->base_mean[c] / div);
        csv_num(stdout, d->alt_mean[c] / div);
        csv_num(stdout, d->mean[c] / div);
        csv_num(stdout, d->p05[c] / div);
        csv_num(stdout, d->p95[c] / div);
        csv_num(stdout, d->var_removed[c]);
        printf(",%zu,%zu,%d\n", d->n_run_base, d->n_run_alt, d->paired);
    }
}

/* 1 when group g is the same in both scenarios in every year and run: no difference and no
 * spread of differences. */
static int
identical(const dp_diff *d, size_t g)
{
    for (size_t yi = 0; yi < d->n_year; yi++) {
        size_t c = yi * d->n_group + g;
        if (d->mean[c] != 0.0 || d->base_mean[c] != d->alt_mean[c] ||
            (isfinite(d->p05[c]) && d->p05[c] != 0.0) ||
            (isfinite(d->p95[c]) && d->p95[c] != 0.0)) {
            return 0;
        }
    }
    return 1;
}

/* Compares one block and prints it. Returns the library status. */
static dp_status
run_block(dp_ctx *ctx, const printer *pr, const dp_results *alt, const block *bl)
{
    dp_diff *d = NULL;
    dp_status rc = dp_compare_table(ctx, pr->base, alt, bl->table, bl->by, &d);
    if (rc != DP_OK) {
        return rc;
    }
    const dp_axis *by = d->by_axis != NO_INDEX ? &pr->base->axis[d->by_axis] : NULL;
    size_t n_same = 0;
    for (size_t g = 0; g < d->n_group; g++) {
        const char *label = by ? by->label[g] : "total";
        if (bl->only && strcmp(bl->only, label) != 0) {
            continue;
        }
        if (pr->csv) {
            print_csv_rows(pr, d, g, label);
            continue;
        }
        if (bl->what && by && !bl->only && identical(d, g)) {
            /* The headline's blocks by programme: one line for those that do not change. */
            if (n_same == 0) {
                printf("\n%sthe same in both scenarios in every year and run (%s两方案相同):\n  ",
                       bl->what, bl->what_zh);
            } else {
                printf(n_same % 3 == 0 ? ",\n  " : ", ");
            }
            printf("%s %s", by->label[g], by->label_zh[g]);
            n_same++;
            continue;
        }
        char en[160], zh[320];
        if (bl->what) {
            int add = by && !bl->only;
            snprintf(en, sizeof en, "%s%s", bl->what, add ? by->label[g] : "");
            snprintf(zh, sizeof zh, "%s%s", add ? by->label_zh[g] : "", bl->what_zh);
        } else if (by) {
            snprintf(en, sizeof en, "%s: %s = %s", d->table, by->name, by->label[g]);
            snprintf(zh, sizeof zh, "%s：%s", d->title_zh, by->label_zh[g]);
        } else {
            snprintf(en, sizeof en, "%s, all summed but year", d->table);
            snprintf(zh, sizeof zh, "%s（合计）", d->title_zh);
        }
        if (n_same) {
            printf("\n");
            n_same = 0;
        }
        print_text_block(pr, d, g, en, zh);
    }
    if (n_same) {
        printf("\n");
    }
    dp_diff_free(d);
    return DP_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Settings and sensitivity */

static void
print_settings(dp_ctx *ctx, const printer *pr, const dp_results *alt)
{
    dp_setting_range *r = NULL;
    size_t n = 0;
    printf("\nWhat changed: resolved parameters that differ, BASE -> ALT, by years\n"
           "参数变化（基准 → 方案，按年份）\n");
    if (dp_settings_diff(ctx, pr->base, alt, &r, &n) != DP_OK) {
        printf("  not available: %s\n", dp_ctx_errmsg(ctx));
        dp_ctx_clear(ctx);
        return;
    }
    if (n == 0) {
        printf("  none: every resolved parameter is the same in both scenarios in every year "
               "(参数相同)\n");
    }
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        char vb[64], va[64], item[160];
        if (i == 0 || strcmp(r[i].path, r[i - 1].path) != 0) {
            printf("%s  %s\n", i ? "\n" : "", r[i].path);
            col = 0;
        }
        fmt_setting(r[i].base, r[i].word, vb, sizeof vb);
        fmt_setting(r[i].alt, r[i].word, va, sizeof va);
        if (r[i].differs && strcmp(vb, va) == 0) { /* differ beyond 6 digits: show more */
            cli_fmt_sig(r[i].base, 15, vb, sizeof vb);
            cli_fmt_sig(r[i].alt, 15, va, sizeof va);
        }
        if (r[i].year_from == r[i].year_to) {
            snprintf(item, sizeof item, "%d: %s → %s", r[i].year_from, vb, va);
        } else {
            snprintf(item, sizeof item, "%d–%d: %s → %s", r[i].year_from, r[i].year_to, vb, va);
        }
        /* Ranges separated by "; ", wrapped before 96 columns. */
        size_t w = cli_display_width(item);
        if (col > 0 && col + 2 + w > 96) {
            printf(";\n");
            col = 0;
        } else if (col > 0) {
            printf("; ");
            col += 2;
        }
        if (col == 0) {
            printf("    ");
            col = 4;
        }
        printf("%s", item);
        col += w;
    }
    if (n > 0) {
        printf("\n");
    }
    /* Parameters given as distributions: the settings show their central values. */
    size_t pb = dp_results_find_axis(pr->base, "parameter");
    size_t pa = dp_results_find_axis(alt, "parameter");
    for (int s = 0; s < 2; s++) {
        const dp_results *res = s == 0 ? pr->base : alt;
        size_t ax = s == 0 ? pb : pa;
        if (ax == NO_INDEX) {
            continue;
        }
        printf("  given as distributions in %s (central values above):", s == 0 ? pr->base_name
                                                                                : pr->alt_name);
        for (size_t k = 0; k < res->axis[ax].n; k++) {
            printf("%s %s", k ? "," : "", res->axis[ax].label[k]);
        }
        printf("\n");
    }
    free(r);
}

void
cli_print_sensitivity(FILE *f, const char *scenario, const dp_results *res)
{
    static const int wanted[] = {2025, 2030, 2035};
    const dp_table *stored = dp_results_find(res, "sensitivity");
    const dp_table *par = dp_results_find(res, "parameters");
    size_t ya = dp_results_find_axis(res, "year");
    size_t pa = dp_results_find_axis(res, "parameter");
    dp_ctx *ctx = NULL;
    double *result = NULL;
    if (!par || ya == NO_INDEX || pa == NO_INDEX || !res->axis[ya].value) {
        fprintf(f, "\n%s: no parameter is given as a distribution, so there is no sensitivity "
                   "to report (无不确定参数)\n",
                scenario);
        return;
    }
    const dp_axis *years = &res->axis[ya], *params = &res->axis[pa];
    size_t n_param = params->n;
    if (!stored && res->n_run < n_param + 2) {
        fprintf(f, "\n%s: sensitivity needs at least %zu runs for %zu uncertain parameters; the "
                   "file has %zu (run again with --runs %zu or more)\n",
                scenario, n_param + 2, n_param, res->n_run, n_param + 2 > 200 ? n_param + 2
                                                                                : 200);
        return;
    }
    /* The years shown: 2025, 2030, 2035 within the horizon, else the last year. */
    size_t show[3], n_show = 0;
    for (size_t i = 0; i < 3; i++) {
        for (size_t yi = 0; yi < years->n; yi++) {
            if (years->value[yi] == (double)wanted[i]) {
                show[n_show++] = yi;
            }
        }
    }
    if (n_show == 0 && years->n > 0) {
        show[n_show++] = years->n - 1;
    }
    ctx = dp_ctx_alloc();
    result = malloc((n_param * DP_N_SENS + 1) * sizeof *result);
    if (!ctx || !result) {
        fprintf(f, "dpsim: out of memory\n");
        goto out;
    }
    fprintf(f, "\nSensitivity of total spending, %s: %zu runs, %zu uncertain parameters%s\n"
               "总支出对不确定参数的敏感性（按标准化回归系数平方排序）\n",
            scenario, res->n_run, n_param, stored ? "" : " (computed from the stored draws)");
    fprintf(f, "%5s %4s  %-44s %7s %10s %7s %9s\n", "year", "rank", "parameter", "SRC^2",
            "Spearman^2", "SRC", "Spearman");
    static const char *const zh[] = {"年份", "排序", "参数", "SRC平方", "秩相关平方", "SRC",
                                     "秩相关"};
    static const size_t width[] = {5, 5, 0, 8, 11, 8, 10};
    for (size_t i = 0; i < sizeof zh / sizeof zh[0]; i++) {
        if (width[i] == 0) { /* the left-aligned parameter column */
            fprintf(f, "  %s", zh[i]);
            for (size_t w = cli_display_width(zh[i]); w < 44; w++) {
                fputc(' ', f);
            }
        } else {
            cli_put_right(f, zh[i], width[i]);
        }
    }
    fputc('\n', f);
    for (size_t s = 0; s < n_show; s++) {
        size_t yi = show[s];
        if (stored) {
            memcpy(result, stored->data + yi * n_param * DP_N_SENS,
                   n_param * DP_N_SENS * sizeof *result);
        } else if (dp_sensitivity(ctx, res, (int)years->value[yi], result) != DP_OK) {
            fprintf(f, "%5s  not available: %s\n", years->label[yi], dp_ctx_errmsg(ctx));
            continue;
        }
        int any = 0;
        for (size_t rank = 1; rank <= n_param; rank++) {
            for (size_t p = 0; p < n_param; p++) {
                const double *r = result + p * DP_N_SENS;
                if (r[DP_SENS_RANK] != (double)rank) {
                    continue;
                }
                char v[4][32];
                fprintf(f, "%5s %4zu  %-44s %7s %10s %7s %9s\n", any ? "" : years->label[yi],
                        rank, params->label[p], cli_fmt_num(r[DP_SENS_SRC2], 3, v[0], 32),
                        cli_fmt_num(r[DP_SENS_SPEARMAN2], 3, v[1], 32),
                        fmt_signed(r[DP_SENS_SRC], v[2], 32),
                        fmt_signed(r[DP_SENS_SPEARMAN], v[3], 32));
                any = 1;
            }
        }
        for (size_t p = 0; p < n_param; p++) {
            if (isnan(result[p * DP_N_SENS + DP_SENS_RANK])) {
                fprintf(f, "%5s %4s  %-44s %7s %10s %7s %9s\n", any ? "" : years->label[yi], "-",
                        params->label[p], "-", "-", "-", "-");
                any = 1;
            }
        }
        double r2 = NAN;
        for (size_t p = 0; p < n_param && isnan(r2); p++) {
            r2 = result[p * DP_N_SENS + DP_SENS_R2];
        }
        if (isnan(r2)) {
            fprintf(f, "%5s       total spending does not vary over the runs this year\n", "");
        } else {
            char v[32];
            fprintf(f, "%5s       R^2 of the linear fit %s (线性回归决定系数)\n", "",
                    cli_fmt_num(r2, 3, v, sizeof v));
        }
    }
    fprintf(f, "SRC^2: share of the spread of total spending each parameter explains (squared "
               "standardised regression coefficient; with independent draws they add up to about "
               "R^2); Spearman^2: squared rank correlation. '-': the draws do not vary.\n");
out:
    free(result);
    dp_ctx_free(ctx);
}

/* ------------------------------------------------------------------------------------------ */
/* The command */

/* Index of name in names, or NO_INDEX. */
static size_t
find_name(char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return i;
        }
    }
    return NO_INDEX;
}

static int
no_scenario(const char *path, const char *name, char **names, size_t n)
{
    fprintf(stderr, "dpsim: %s: no scenario '%s' (the file has:", path, name);
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, " %s", names[i]);
    }
    fprintf(stderr, ")\n");
    return EXIT_INPUT;
}

/* Checks that table is in both results; prints the error naming the scenario otherwise. */
static int
have_table(const char *path, const printer *pr, const dp_results *alt, const char *table)
{
    for (int s = 0; s < 2; s++) {
        const dp_results *res = s == 0 ? pr->base : alt;
        if (dp_results_find(res, table)) {
            continue;
        }
        fprintf(stderr, "dpsim: %s: no table '%s' in scenario '%s' (tables:", path, table,
                s == 0 ? pr->base_name : pr->alt_name);
        for (size_t i = 0; i < res->n_table; i++) {
            fprintf(stderr, " %s", res->table[i].name);
        }
        fprintf(stderr, ")\n");
        return 0;
    }
    return 1;
}

/* Appends ", name" (or "name" first) to list[size]; "..." once it is full. */
static void
list_add(char *list, size_t size, const char *name)
{
    size_t len = strlen(list);
    if (len + strlen(name) + 8 >= size) {
        if (len + 5 < size && (len < 3 || strcmp(list + len - 3, "...") != 0)) {
            strcat(list, ", ...");
        }
        return;
    }
    if (len) {
        strcat(list, ", ");
    }
    strcat(list, name);
}

/* The parameter draws of res (the `parameters` table over the `parameter` axis), or NULL. */
static const dp_table *
draws(const dp_results *res, const dp_axis **axis)
{
    const dp_table *t = dp_results_find(res, "parameters");
    if (!t || !t->per_run || t->rank != 1) {
        return NULL;
    }
    *axis = &res->axis[t->axis[0]];
    return t;
}

/* When the two scenarios are paired run by run but their runs do not draw the same parameter
 * values (a distribution in one only, or the same key drawn differently: another
 * distribution, seed or run count), pairing cancels the common chance events but not the
 * draws, and the intervals of the differences hold the whole spread of those draws: warn, on
 * standard error and (text output) in the output, and say how to pair them. Returns 1 when
 * warned. */
static int
warn_unpaired_draws(const printer *pr, const dp_results *alt)
{
    const dp_results *res[2] = {pr->base, alt};
    const char *name[2] = {pr->base_name, pr->alt_name};
    const dp_table *t[2];
    const dp_axis *ax[2] = {NULL, NULL};
    char only[2][400] = {"", ""}, differ[400] = "";
    size_t n_run = pr->base->n_run;
    if (n_run != alt->n_run || n_run < 2) {
        return 0;
    }
    for (int s = 0; s < 2; s++) {
        t[s] = draws(res[s], &ax[s]);
    }
    for (int s = 0; s < 2; s++) {
        for (size_t k = 0; t[s] && k < ax[s]->n; k++) {
            size_t j = NO_INDEX;
            for (size_t m = 0; t[1 - s] && m < ax[1 - s]->n; m++) {
                if (strcmp(ax[s]->label[k], ax[1 - s]->label[m]) == 0) {
                    j = m;
                }
            }
            if (j == NO_INDEX) {
                list_add(only[s], sizeof only[s], ax[s]->label[k]);
                continue;
            }
            if (s == 1) {
                continue; /* common keys: compared once */
            }
            for (size_t run = 0; run < n_run; run++) {
                if (dp_table_run(t[0], run)[k] != dp_table_run(t[1], run)[j]) {
                    list_add(differ, sizeof differ, ax[0]->label[k]);
                    break;
                }
            }
        }
    }
    if (!only[0][0] && !only[1][0] && !differ[0]) {
        return 0;
    }
    for (int out = 0; out < 2; out++) {
        FILE *f = out == 0 ? stderr : stdout;
        if (out == 1 && pr->csv) {
            break;
        }
        fprintf(f, "%sWarning: the runs of %s and %s do not draw the same parameter values: "
                   "pairing cancels the chance events but not the draws, so it removes little "
                   "of the variance and the intervals of the differences are too wide (they "
                   "hold the spread of the draws):\n",
                out == 0 ? "dpsim: " : "", pr->alt_name, pr->base_name);
        for (int s = 0; s < 2; s++) {
            if (only[s][0]) {
                fprintf(f, "  only %s gives these as distributions: %s\n", name[s], only[s]);
            }
        }
        if (differ[0]) {
            fprintf(f, "  drawn differently in the two (another distribution, --seed or --runs): "
                       "%s\n", differ);
        }
        fprintf(f, "  To pair them, give both scenarios the same distributions (write them once, "
                   "in a file both extend) and run both in one `dpsim run` (the same --seed and "
                   "--runs): run k of each then draws the same values, and the differences "
                   "show what the policy changes.\n");
        if (out == 1) {
            fprintf(f, "  警告：两情景的参数抽样不一致，配对几乎无效，差值区间过宽；请让两情景使用相同"
                       "的参数分布，并以相同的 --seed 和 --runs 一起运行。\n");
        }
    }
    return 1;
}

static void
print_header(const printer *pr, const dp_results *alt)
{
    size_t nb = pr->base->n_run, na = alt->n_run;
    printf("Compare %s (ALT) with %s (BASE): differences ALT - BASE\n"
           "情景比较：%s（方案）减 %s（基准）\n",
           pr->alt_name, pr->base_name, pr->alt_name, pr->base_name);
    if (nb == na && nb >= 2) {
        printf("Paired: run k of %s with run k of %s, %zu runs each; intervals are the 5th-95th "
               "percentiles of the paired differences (common random numbers when both ran with "
               "the same --seed).\n"
               "配对比较：两情景第k次模拟一一配对，共%zu次；区间为配对差值的第5至第95百分位数。\n",
               pr->alt_name, pr->base_name, nb, nb);
        warn_unpaired_draws(pr, alt);
    } else {
        printf("Pairing impossible: %s has %zu run%s and %s %zu; the differences below are "
               "differences of means, without an interval.\n"
               "无法配对（模拟次数不同或仅一次）：下表为均值之差，无区间。\n",
               pr->base_name, nb, nb == 1 ? "" : "s", pr->alt_name, na);
    }
}

int
cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {{"table", required_argument, NULL, 't'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"region", required_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const block headline[] = {
        {"spending", NULL, NULL, "spending, all programmes", "项目支出合计"},
        {"spending", "programme", NULL, "spending: ", "支出"},
        {"recipients", "programme", NULL, "recipients: ", "受益人数"},
        {"indicators", "indicator", "disabled", "disabled persons", "残疾人数"},
        {"indicators", "indicator", "certified", "certified persons", "持证残疾人数"},
    };
    const char *table = NULL, *by = NULL, *region = NULL;
    int csv = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': table = optarg; break;
        case 'b': by = optarg; break;
        case 'c': csv = 1; break;
        case 'r': region = optarg; break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_usage_error("compare", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (argc - optind != 3) {
        return cli_usage_error("compare", "expects a results file and two scenario names "
                                          "(BASE and ALT), got %d argument%s",
                               argc - optind, argc - optind == 1 ? "" : "s");
    }
    if (by && !table) {
        return cli_usage_error("compare", "--by needs --table");
    }
    const char *path = argv[optind];
    printer pr = {argv[optind + 1], argv[optind + 2], NULL, csv};
    dp_ctx *ctx = dp_ctx_alloc();
    char **names = NULL;
    size_t n = 0;
    dp_results *base = NULL, *alt = NULL;
    int code = EXIT_OK;
    dp_status rc = DP_OK;
    if (!ctx) {
        fprintf(stderr, "dpsim: out of memory\n");
        return EXIT_INTERNAL;
    }
    if ((rc = dp_output_scenarios(ctx, path, &names, &n)) != DP_OK) {
        code = cli_fail(ctx, rc);
        goto done;
    }
    for (int s = 0; s < 2; s++) {
        const char *name = s == 0 ? pr.base_name : pr.alt_name;
        if (find_name(names, n, name) == NO_INDEX) {
            code = no_scenario(path, name, names, n);
            goto done;
        }
    }
    if ((rc = dp_output_read(ctx, path, pr.base_name, &base)) != DP_OK ||
        (rc = dp_output_read(ctx, path, pr.alt_name, &alt)) != DP_OK ||
        (rc = cli_region_view(ctx, path, pr.base_name, region, &base)) != DP_OK ||
        (rc = cli_region_view(ctx, path, pr.alt_name, region, &alt)) != DP_OK) {
        code = cli_fail(ctx, rc);
        goto done;
    }
    pr.base = base;
    if ((rc = dp_compare_axes(ctx, base, alt, pr.base_name, pr.alt_name)) != DP_OK) {
        fprintf(stderr, "dpsim: %s: %s\n", path, dp_ctx_errmsg(ctx));
        code = cli_exit_code(rc);
        goto done;
    }
    if (table && !have_table(path, &pr, alt, table)) {
        code = EXIT_INPUT;
        goto done;
    }
    if (csv) {
        warn_unpaired_draws(&pr, alt); /* on standard error only */
        printf("base,alt,table,unit,axis,label,year,base_mean,alt_mean,diff_mean,diff_p05,"
               "diff_p95,variance_removed,runs_base,runs_alt,paired\n");
    } else {
        print_header(&pr, alt);
    }
    if (table) {
        block one = {table, by, NULL, NULL, NULL};
        rc = run_block(ctx, &pr, alt, &one);
    } else {
        for (size_t i = 0; i < sizeof headline / sizeof headline[0] && rc == DP_OK; i++) {
            if (!dp_results_find(base, headline[i].table) ||
                !dp_results_find(alt, headline[i].table)) {
                continue; /* a file without that table: nothing to show */
            }
            rc = run_block(ctx, &pr, alt, &headline[i]);
        }
    }
    if (rc != DP_OK) {
        fflush(stdout);
        fprintf(stderr, "dpsim: %s: %s\n", path, dp_ctx_errmsg(ctx));
        code = cli_exit_code(rc);
        goto done;
    }
    if (!csv) {
        print_settings(ctx, &pr, alt);
        for (int s = 0; s < 2; s++) {
            const dp_results *res = s == 0 ? base : alt;
            if (dp_results_find(res, "parameters")) {
                cli_print_sensitivity(stdout, s == 0 ? pr.base_name : pr.alt_name, res);
            }
        }
        if (!table) {
            printf("\nspending in 10,000 yuan (万元), nominal; persons at the end of each year; "
                   "summed over regions.\n");
        }
    }
done:
    dp_results_free(base);
    dp_results_free(alt);
    dp_output_names_free(names, n);
    dp_ctx_free(ctx);
    return code;
}
