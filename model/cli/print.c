/* model/cli/print.c
 *
 * Text tables for the terminal: the headline table of a scenario (summed over regions, mean
 * over runs) and a generic table printer. Spending is shown in 10,000 yuan (万元), the unit of
 * Chinese budget documents.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "cli.h"

/* Formats v rounded to an integer with thousands separators into buf. */
static const char *
fmt_int(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
        return buf;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.0f", fabs(v) < 0.5 ? 0.0 : v);
    size_t len = strlen(tmp), start = tmp[0] == '-', o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        buf[o++] = tmp[i];
        size_t left = len - i - 1;
        if (i >= start && left > 0 && left % 3 == 0) {
            buf[o++] = ',';
        }
    }
    buf[o] = '\0';
    return buf;
}

/* Terminal columns of a UTF-8 string: CJK characters (U+1100 and above, as in the labels
 * here) take two, others one. */
static size_t
display_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p < 0x80) {
            w += 1;
            p += 1;
        } else {
            size_t n = *p >= 0xf0 ? 4 : (*p >= 0xe0 ? 3 : 2);
            w += n >= 3 ? 2 : 1;
            while (n-- && *p) {
                p++;
            }
        }
    }
    return w;
}

/* Prints s right-aligned in width terminal columns. */
static void
put_right(FILE *f, const char *s, size_t width)
{
    for (size_t w = display_width(s); w < width; w++) {
        fputc(' ', f);
    }
    fputs(s, f);
}

static size_t
find_label(const dp_axis *a, const char *label)
{
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->label[i], label) == 0) {
            return i;
        }
    }
    return (size_t)-1;
}

/* Mean over runs of table[year, sum over region, k] for tables shaped [year, region, K]. */
static double
year_value(const dp_results *res, const dp_table *t, size_t yi, size_t k)
{
    if (!t || k == (size_t)-1) {
        return NAN;
    }
    size_t n_reg = res->axis[t->axis[1]].n, n_k = res->axis[t->axis[2]].n;
    double s = 0.0;
    for (size_t run = 0; run < res->n_run; run++) {
        const double *d = dp_table_run(t, run);
        for (size_t r = 0; r < n_reg; r++) {
            s += d[(yi * n_reg + r) * n_k + k];
        }
    }
    return s / (double)res->n_run;
}

/* Run `run`'s table[year, sum over region, k] (k = (size_t)-2: the sum over k too). */
static double
run_value(const dp_results *res, const dp_table *t, size_t run, size_t yi, size_t k)
{
    size_t n_reg = res->axis[t->axis[1]].n, n_k = res->axis[t->axis[2]].n;
    const double *d = dp_table_run(t, run);
    double s = 0.0;
    for (size_t r = 0; r < n_reg; r++) {
        for (size_t j = 0; j < n_k; j++) {
            if (j == k || k == (size_t)-2) {
                s += d[(yi * n_reg + r) * n_k + j];
            }
        }
    }
    return s;
}

/* 5th and 95th percentiles over runs of run_value (GSL's quantile of the sorted values). */
static void
interval(const dp_results *res, const dp_table *t, size_t yi, size_t k, double *work, double *lo,
         double *hi)
{
    for (size_t run = 0; run < res->n_run; run++) {
        work[run] = run_value(res, t, run, yi, k);
    }
    gsl_sort(work, 1, res->n_run);
    *lo = gsl_stats_quantile_from_sorted_data(work, 1, res->n_run, 0.05);
    *hi = gsl_stats_quantile_from_sorted_data(work, 1, res->n_run, 0.95);
}

/* "lo-hi" with thousands separators, or with one decimal for 10,000 yuan. */
static const char *
fmt_range(double lo, double hi, int wan, char *buf, size_t n)
{
    char a[32], b[32];
    if (wan) {
        snprintf(buf, n, "%.1f-%.1f", lo / 1e4, hi / 1e4);
    } else {
        snprintf(buf, n, "%s-%s", fmt_int(lo, a, sizeof a), fmt_int(hi, b, sizeof b));
    }
    return buf;
}

/* The 90% intervals over runs of the headline series, when there are several runs. */
static void
print_intervals(FILE *f, const dp_results *res, const dp_table *ind, const dp_table *rec,
                const dp_table *sp, size_t i_dis, size_t i_cert, size_t p_liv, size_t p_care)
{
    (void)rec;
    const dp_axis *years = &res->axis[dp_results_find_axis(res, "year")];
    double *work = malloc(res->n_run * sizeof *work);
    if (!work) {
        return;
    }
    fprintf(f, "90%% intervals over the %zu runs (5th to 95th percentile; 90%%区间):\n",
            res->n_run);
    fprintf(f, "%5s %19s %19s %17s %17s %17s\n", "year", "disabled", "certified",
            "living 10k yuan", "care 10k yuan", "total 10k yuan");
    static const char *const zh[] = {"年份", "残疾人", "持证", "生活补贴 万元", "护理补贴 万元",
                                     "合计 万元"};
    static const size_t width[] = {5, 20, 20, 18, 18, 18};
    for (size_t i = 0; i < sizeof zh / sizeof zh[0]; i++) {
        put_right(f, zh[i], width[i]);
    }
    fputc('\n', f);
    for (size_t yi = 0; yi < years->n; yi++) {
        char b[5][64];
        double lo, hi;
        fprintf(f, "%5s", years->label[yi]);
        interval(res, ind, yi, i_dis, work, &lo, &hi);
        fprintf(f, " %19s", fmt_range(lo, hi, 0, b[0], 64));
        interval(res, ind, yi, i_cert, work, &lo, &hi);
        fprintf(f, " %19s", fmt_range(lo, hi, 0, b[1], 64));
        interval(res, sp, yi, p_liv, work, &lo, &hi);
        fprintf(f, " %17s", fmt_range(lo, hi, 1, b[2], 64));
        interval(res, sp, yi, p_care, work, &lo, &hi);
        fprintf(f, " %17s", fmt_range(lo, hi, 1, b[3], 64));
        interval(res, sp, yi, (size_t)-2, work, &lo, &hi);
        fprintf(f, " %17s\n", fmt_range(lo, hi, 1, b[4], 64));
    }
    fprintf(f, "A budget range: in 90%% of the runs the year's spending fell within it (the runs "
               "vary by the\nparameter draws and, with the micro engine, by chance events).\n");
    free(work);
}

void
cli_print_headline(FILE *f, const char *scenario, const dp_results *res)
{
    const dp_table *ind = dp_results_find(res, "indicators");
    const dp_table *rec = dp_results_find(res, "recipients");
    const dp_table *sp = dp_results_find(res, "spending");
    size_t ya = dp_results_find_axis(res, "year"), ra = dp_results_find_axis(res, "region");
    if (!ind || !rec || !sp || ya == (size_t)-1 || ra == (size_t)-1) {
        fprintf(f, "%s: no headline tables in this file\n", scenario);
        return;
    }
    const dp_axis *years = &res->axis[ya], *regions = &res->axis[ra];
    const dp_axis *ia = &res->axis[ind->axis[2]], *pa = &res->axis[rec->axis[2]];
    size_t i_dis = find_label(ia, "disabled"), i_sev = find_label(ia, "severe");
    size_t i_old = find_label(ia, "aged60"), i_cert = find_label(ia, "certified");
    size_t p_liv = find_label(pa, "living_subsidy"), p_care = find_label(pa, "care_subsidy");

    fprintf(f, "\nScenario %s: ", scenario);
    for (size_t r = 0; r < regions->n && r < 8; r++) {
        fprintf(f, "%s%s (%s)", r ? ", " : "", regions->label[r], regions->label_zh[r]);
    }
    if (regions->n > 8) {
        fprintf(f, " and %zu more regions (summed)", regions->n - 8);
    }
    fprintf(f, "; %zu run%s%s\n", res->n_run, res->n_run == 1 ? "" : "s",
            res->n_run > 1 ? " (means)" : "");
    fprintf(f, "%5s %10s %10s %10s %10s | %-21s | %-21s\n", "", "", "", "", "",
            "living subsidy", "care subsidy");
    fprintf(f, "%49s | ", "");
    put_right(f, "困难残疾人生活补贴", 18);
    fputs("    | ", f);
    put_right(f, "重度残疾人护理补贴", 18);
    fputc('\n', f);
    fprintf(f, "%5s %10s %10s %10s %10s | %10s %10s | %10s %10s\n", "year", "disabled",
            "severe", "aged 60+", "certified", "recipients", "10k yuan", "recipients",
            "10k yuan");
    static const char *const zh[] = {"年份", "残疾人", "重度", "60岁以上", "持证",
                                     "人数", "万元", "人数", "万元"};
    static const size_t width[] = {5, 11, 11, 11, 11, 11, 11, 11, 11};
    for (size_t i = 0; i < sizeof zh / sizeof zh[0]; i++) {
        put_right(f, zh[i], width[i]);
        if (i == 4 || i == 6) {
            fputs(" |", f);
        }
    }
    fputc('\n', f);
    for (size_t yi = 0; yi < years->n; yi++) {
        char b[8][32];
        fprintf(f, "%5s %10s %10s %10s %10s | %10s %10.1f | %10s %10.1f\n", years->label[yi],
                fmt_int(year_value(res, ind, yi, i_dis), b[0], 32),
                fmt_int(year_value(res, ind, yi, i_sev), b[1], 32),
                fmt_int(year_value(res, ind, yi, i_old), b[2], 32),
                fmt_int(year_value(res, ind, yi, i_cert), b[3], 32),
                fmt_int(year_value(res, rec, yi, p_liv), b[4], 32),
                year_value(res, sp, yi, p_liv) / 1e4,
                fmt_int(year_value(res, rec, yi, p_care), b[5], 32),
                year_value(res, sp, yi, p_care) / 1e4);
    }
    fprintf(f, "severe = grades 1-2 (重度, 一、二级); persons at the end of each year; spending in "
               "10,000 yuan (万元), nominal.\n");
    if (res->n_run > 1 && i_dis != (size_t)-1 && i_cert != (size_t)-1 && p_liv != (size_t)-1 &&
        p_care != (size_t)-1) {
        print_intervals(f, res, ind, rec, sp, i_dis, i_cert, p_liv, p_care);
    }
}

int
cli_print_table(FILE *f, const dp_results *res, const char *name)
{
    const dp_table *t = dp_results_find(res, name);
    if (!t) {
        return -1;
    }
    const dp_axis *first = &res->axis[t->axis[0]], *last = &res->axis[t->axis[t->rank - 1]];
    int by_year = strcmp(first->name, "year") == 0 && t->rank >= 2;
    size_t n_last = last->n, n_rows = t->size / n_last;
    size_t n_first = by_year ? first->n : n_rows, per_row = by_year ? n_rows / first->n : 1;
    fprintf(f, "%s [%s]: %s / %s\n", t->name, t->unit, t->title, t->title_zh);
    fprintf(f, "%-24s", by_year ? "year" : "");
    for (size_t k = 0; k < n_last; k++) {
        fprintf(f, " %14s", last->label[k]);
    }
    fprintf(f, "\n");
    for (size_t i = 0; i < n_first; i++) {
        char rowname[128];
        if (by_year) {
            snprintf(rowname, sizeof rowname, "%s", first->label[i]);
        } else {
            /* Row label: the labels of every axis but the last. */
            size_t rem = i, o = 0;
            rowname[0] = '\0';
            size_t idx[DP_MAX_RANK] = {0};
            for (size_t a = t->rank - 1; a-- > 0;) {
                size_t n = res->axis[t->axis[a]].n;
                idx[a] = rem % n;
                rem /= n;
            }
            for (size_t a = 0; a + 1 < t->rank && o < sizeof rowname; a++) {
                int w = snprintf(rowname + o, sizeof rowname - o, "%s%s", a ? "/" : "",
                                 res->axis[t->axis[a]].label[idx[a]]);
                o += w > 0 ? (size_t)w : 0;
            }
        }
        fprintf(f, "%-24s", rowname);
        for (size_t k = 0; k < n_last; k++) {
            double s = 0.0;
            for (size_t run = 0; run < (t->per_run ? res->n_run : 1); run++) {
                const double *d = dp_table_run(t, run);
                for (size_t j = 0; j < per_row; j++) {
                    s += d[(i * per_row + j) * n_last + k];
                }
            }
            s /= t->per_run ? (double)res->n_run : 1.0;
            fprintf(f, " %14.6g", s);
        }
        fprintf(f, "\n");
    }
    return 0;
}
