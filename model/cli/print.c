/* model/cli/print.c
 *
 * Text tables for the terminal: the headline table of a scenario (summed over regions, mean
 * over runs, then the 90% and 95% intervals), the programmes of a year (recipients and
 * spending nominal and real with 90% and 95% intervals, the
 * benefit pipeline, services, spending by level of government), the budget ceiling, and a
 * generic table printer. Spending is shown in 10,000 yuan (万元), the unit of Chinese budget
 * documents; labels carry the Chinese term beside the English.
 */
#define _XOPEN_SOURCE 700 /* wcwidth */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "cli.h"
#include "analysis/targets.h"

#define NO_POS ((size_t)-1)  /* a label not found */
#define ALL_POS ((size_t)-2) /* summed over the axis */

/* ------------------------------------------------------------------------------------------ */
/* Numbers: the one style of every table the command prints (cli.h). */

const char *
cli_fmt_num(double v, int decimals, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
        return buf;
    }
    decimals = decimals < 0 ? 0 : (decimals > 9 ? 9 : decimals);
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    /* A value that rounds to zero is 0 (no "-0.0"). */
    if (strspn(tmp, "-0.") == strlen(tmp)) {
        snprintf(tmp, sizeof tmp, "%.*f", decimals, 0.0);
    }
    const char *dot = strchr(tmp, '.');
    size_t int_len = dot ? (size_t)(dot - tmp) : strlen(tmp), start = tmp[0] == '-', o = 0;
    for (size_t i = 0; tmp[i] && o + 2 < n; i++) {
        buf[o++] = tmp[i];
        if (i < int_len) {
            size_t left = int_len - i - 1;
            if (i >= start && left > 0 && left % 3 == 0) {
                buf[o++] = ',';
            }
        }
    }
    buf[o] = '\0';
    return buf;
}

const char *
cli_fmt_sig(double v, int sig, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
        return buf;
    }
    double a = fabs(v);
    int mag = a > 0.0 ? (int)floor(log10(a)) + 1 : 1; /* digits before the point; <= 0 below 1 */
    int decimals = sig - mag;                          /* cli_fmt_num keeps it in [0, 9] */
    cli_fmt_num(v, decimals, buf, n);
    /* Trailing zeros of the decimals go, and the point with them. */
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf);
        while (e > dot + 1 && e[-1] == '0') {
            *--e = '\0';
        }
        if (e == dot + 1) {
            *dot = '\0';
        }
    }
    return buf;
}

const char *
cli_fmt_pct(double share, int decimals, char *buf, size_t n)
{
    char tmp[64];
    if (!isfinite(share)) {
        snprintf(buf, n, "-");
        return buf;
    }
    snprintf(buf, n, "%s%%", cli_fmt_num(100.0 * share, decimals, tmp, sizeof tmp));
    return buf;
}

const char *
cli_fmt_range(double lo, double hi, int decimals, char *buf, size_t n)
{
    char a[64], b[64];
    cli_fmt_num(lo, decimals, a, sizeof a);
    cli_fmt_num(hi, decimals, b, sizeof b);
    size_t la = strlen(a), lb = strlen(b);
    if (n == 0) {
        return buf;
    }
    if (la + 1 + lb + 1 > n) { /* too narrow: as much as fits */
        la = la < n - 1 ? la : n - 1;
        lb = la + 1 + lb + 1 > n ? (n > la + 2 ? n - la - 2 : 0) : lb;
    }
    memcpy(buf, a, la);
    if (la + 1 < n) {
        buf[la] = '-';
        memcpy(buf + la + 1, b, lb);
        buf[la + 1 + lb] = '\0';
    } else {
        buf[la] = '\0';
    }
    return buf;
}

/* v rounded to an integer with thousands separators. */
static const char *
fmt_int(double v, char *buf, size_t n)
{
    return cli_fmt_num(v, 0, buf, n);
}

/* yuan in 10,000 yuan (万元) with one decimal and thousands separators. */
static const char *
fmt_wan(double yuan, char *buf, size_t n)
{
    return cli_fmt_num(yuan / 1e4, 1, buf, n);
}

/* Whether LC_CTYPE is a UTF-8 locale (cli_init_locale), so that wcwidth measures. */
static int utf8_ctype;

void
cli_init_locale(void)
{
    static const char *const names[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !utf8_ctype; i++) {
        if (setlocale(LC_CTYPE, names[i]) && MB_CUR_MAX > 1) {
            utf8_ctype = 1;
        }
    }
    if (!utf8_ctype) {
        setlocale(LC_CTYPE, "C");
    }
}

/* Terminal columns of a UTF-8 string: with a UTF-8 locale, the sum of wcwidth over its
 * characters (wcswidth; CJK characters and full-width punctuation take two, a character
 * wcwidth does not know or an invalid byte one); without one, a byte heuristic (U+1100 and
 * above take two). */
static size_t
display_width(const char *s)
{
    size_t w = 0;
    if (utf8_ctype) {
        mbstate_t st;
        memset(&st, 0, sizeof st);
        size_t left = strlen(s);
        while (left > 0) {
            wchar_t wc;
            size_t k = mbrtowc(&wc, s, left, &st);
            if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
                memset(&st, 0, sizeof st);
                w += 1;
                s += 1;
                left -= 1;
                continue;
            }
            int cw = wcwidth(wc);
            w += cw < 0 ? 1 : (size_t)cw;
            s += k;
            left -= k;
        }
        return w;
    }
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

/* Prints s left-aligned in width terminal columns (padded with spaces). */
static void
put_left(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    for (size_t w = display_width(s); w < width; w++) {
        fputc(' ', f);
    }
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

/* The two intervals printed: 90% (5th to 95th percentile) and 95% (2.5th to 97.5th), the
 * quantile levels of summary/'s p05, p95, p025 and p975. */
typedef struct {
    const char *en, *zh, *pct; /* "90% interval", "90%区间", "5th to 95th percentile" */
    double q_lo, q_hi;
} interval_level;
static const interval_level level90 = {"90% interval", "90%区间", "5th to 95th percentile", 0.05,
                                       0.95};
static const interval_level level95 = {"95% interval", "95%区间", "2.5th to 97.5th percentile",
                                       0.025, 0.975};

/* The percentiles q_lo and q_hi over runs of run_value (GSL's quantile of the sorted values). */
static void
interval(const dp_results *res, const dp_table *t, size_t yi, size_t k, double *work,
         const interval_level *lv, double *lo, double *hi)
{
    for (size_t run = 0; run < res->n_run; run++) {
        work[run] = run_value(res, t, run, yi, k);
    }
    gsl_sort(work, 1, res->n_run);
    *lo = gsl_stats_quantile_from_sorted_data(work, 1, res->n_run, lv->q_lo);
    *hi = gsl_stats_quantile_from_sorted_data(work, 1, res->n_run, lv->q_hi);
}

/* "lo-hi" with thousands separators: whole numbers, or (wan) yuan in 万元 with one decimal. */
static const char *
fmt_range(double lo, double hi, int wan, char *buf, size_t n)
{
    return wan ? cli_fmt_range(lo / 1e4, hi / 1e4, 1, buf, n) : cli_fmt_range(lo, hi, 0, buf, n);
}

/* The intervals (90% or 95%) over runs of the headline series, when there are several runs. */
static void
print_intervals(FILE *f, const dp_results *res, const dp_table *ind, const dp_table *rec,
                const dp_table *sp, size_t i_dis, size_t i_cert, size_t p_liv, size_t p_care,
                const interval_level *lv)
{
    (void)rec;
    const dp_axis *years = &res->axis[dp_results_find_axis(res, "year")];
    double *work = malloc(res->n_run * sizeof *work);
    if (!work) {
        return;
    }
    fprintf(f, "%s%ss over the %zu runs (%s; %s):\n", lv == &level95 ? "\n" : "", lv->en,
            res->n_run, lv->pct, lv->zh);
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
        interval(res, ind, yi, i_dis, work, lv, &lo, &hi);
        fprintf(f, " %19s", fmt_range(lo, hi, 0, b[0], 64));
        interval(res, ind, yi, i_cert, work, lv, &lo, &hi);
        fprintf(f, " %19s", fmt_range(lo, hi, 0, b[1], 64));
        interval(res, sp, yi, p_liv, work, lv, &lo, &hi);
        fprintf(f, " %17s", fmt_range(lo, hi, 1, b[2], 64));
        interval(res, sp, yi, p_care, work, lv, &lo, &hi);
        fprintf(f, " %17s", fmt_range(lo, hi, 1, b[3], 64));
        interval(res, sp, yi, (size_t)-2, work, lv, &lo, &hi);
        fprintf(f, " %17s\n", fmt_range(lo, hi, 1, b[4], 64));
    }
    if (lv == &level95) {
        fprintf(f, "A budget range: in 90%% (95%%) of the runs the year's spending fell within "
                   "the 90%% (95%%) interval (the\nruns vary by the parameter draws and, with the "
                   "micro engine, by chance events).\n");
    }
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
    put_left(f, "困难残疾人生活补贴", 21);
    fputs(" | ", f);
    put_left(f, "重度残疾人护理补贴", 21);
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
        fprintf(f, "%5s %10s %10s %10s %10s | %10s %10s | %10s %10s\n", years->label[yi],
                fmt_int(year_value(res, ind, yi, i_dis), b[0], 32),
                fmt_int(year_value(res, ind, yi, i_sev), b[1], 32),
                fmt_int(year_value(res, ind, yi, i_old), b[2], 32),
                fmt_int(year_value(res, ind, yi, i_cert), b[3], 32),
                fmt_int(year_value(res, rec, yi, p_liv), b[4], 32),
                fmt_wan(year_value(res, sp, yi, p_liv), b[6], 32),
                fmt_int(year_value(res, rec, yi, p_care), b[5], 32),
                fmt_wan(year_value(res, sp, yi, p_care), b[7], 32));
    }
    fprintf(f, "severe = grades 1-2 (重度, 一、二级); persons at the end of each year; spending in "
               "10,000 yuan (万元), nominal.\n");
    /* The two subsidies above are two of the twelve programmes: the whole budget too. */
    if (years->n > 0 && pa->n > 2) {
        double first = 0.0, last = 0.0;
        for (size_t run = 0; run < res->n_run; run++) {
            first += run_value(res, sp, run, 0, (size_t)-2) / (double)res->n_run;
            last += run_value(res, sp, run, years->n - 1, (size_t)-2) / (double)res->n_run;
        }
        char a[48], b[48];
        fprintf(f,
                "all %zu programmes 全部项目: %s 万元 in %s, %s 万元 in %s (dpsim summary FILE "
                "--year Y: each programme)\n",
                pa->n, fmt_wan(first, a, sizeof a), years->label[0], fmt_wan(last, b, sizeof b),
                years->label[years->n - 1]);
    }
    if (res->n_run > 1 && i_dis != (size_t)-1 && i_cert != (size_t)-1 && p_liv != (size_t)-1 &&
        p_care != (size_t)-1) {
        print_intervals(f, res, ind, rec, sp, i_dis, i_cert, p_liv, p_care, &level90);
        print_intervals(f, res, ind, rec, sp, i_dis, i_cert, p_liv, p_care, &level95);
    }
}

int
cli_print_table(FILE *f, const dp_results *res, const char *name)
{
    const dp_table *t = dp_results_find(res, name);
    if (!t) {
        return -1;
    }
    /* Rows: every axis but region (summed) and the last (the columns), in the table's order;
     * a table of one axis is one row. */
    size_t n_axis = t->rank, reg_pos = NO_POS;
    for (size_t a = 0; a + 1 < n_axis; a++) {
        if (strcmp(res->axis[t->axis[a]].name, "region") == 0) {
            reg_pos = a;
        }
    }
    const dp_axis *last = &res->axis[t->axis[n_axis - 1]];
    size_t n_last = last->n, n_rows = 1, n_reg = 1;
    for (size_t a = 0; a + 1 < n_axis; a++) {
        if (a == reg_pos) {
            n_reg = res->axis[t->axis[a]].n;
        } else {
            n_rows *= res->axis[t->axis[a]].n;
        }
    }
    /* Row labels "2025/living_subsidy" and their width. */
    size_t label_w = 4;
    char rowname[256];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            fprintf(f, "%s [%s]: %s / %s%s\n", t->name, t->unit, t->title, t->title_zh,
                    reg_pos != NO_POS && n_reg > 1 ? " (regions summed)" : "");
            fprintf(f, "%-*s", (int)label_w, n_axis > 1 ? res->axis[t->axis[0]].name : "");
            for (size_t k = 0; k < n_last; k++) {
                fprintf(f, " %14s", last->label[k]);
            }
            fputc('\n', f);
            int zh = 0;
            for (size_t k = 0; k < n_last; k++) {
                zh |= strcmp(last->label[k], last->label_zh[k]) != 0;
            }
            if (zh) {
                fprintf(f, "%-*s", (int)label_w, "");
                for (size_t k = 0; k < n_last; k++) {
                    fputc(' ', f);
                    put_right(f, last->label_zh[k], 14);
                }
                fputc('\n', f);
            }
        }
        for (size_t i = 0; i < n_rows; i++) {
            size_t rem = i, o = 0, idx[DP_MAX_RANK] = {0};
            for (size_t a = n_axis - 1; a-- > 0;) {
                if (a == reg_pos) {
                    continue;
                }
                size_t n = res->axis[t->axis[a]].n;
                idx[a] = rem % n;
                rem /= n;
            }
            rowname[0] = '\0';
            for (size_t a = 0; a + 1 < n_axis && o < sizeof rowname; a++) {
                if (a == reg_pos) {
                    continue;
                }
                int w = snprintf(rowname + o, sizeof rowname - o, "%s%s", o ? "/" : "",
                                 res->axis[t->axis[a]].label[idx[a]]);
                o += w > 0 ? (size_t)w : 0;
            }
            if (pass == 0) {
                size_t w = strlen(rowname);
                label_w = w > label_w ? w : label_w;
                continue;
            }
            fprintf(f, "%-*s", (int)label_w, rowname);
            for (size_t k = 0; k < n_last; k++) {
                double s = 0.0;
                for (size_t run = 0; run < (t->per_run ? res->n_run : 1); run++) {
                    const double *d = dp_table_run(t, run);
                    for (size_t r = 0; r < n_reg; r++) {
                        /* The flat index of (idx with region r, k). */
                        size_t flat = 0;
                        for (size_t a = 0; a + 1 < n_axis; a++) {
                            flat = flat * res->axis[t->axis[a]].n + (a == reg_pos ? r : idx[a]);
                        }
                        s += d[flat * n_last + k];
                    }
                }
                s /= t->per_run ? (double)res->n_run : 1.0;
                char num[64];
                fputc(' ', f);
                put_right(f, cli_fmt_sig(s, 6, num, sizeof num), 14);
            }
            fputc('\n', f);
        }
    }
    return 0;
}

/* Exported for the other commands (cli.h). */
const char *
cli_fmt_int(double v, char *buf, size_t n)
{
    return fmt_int(v, buf, n);
}

void
cli_put_right(FILE *f, const char *s, size_t width)
{
    put_right(f, s, width);
}

size_t
cli_display_width(const char *s)
{
    return display_width(s);
}

/* ------------------------------------------------------------------------------------------ */
/* Programmes of one year: spending (nominal and real), the pipeline, services, levels, and the
 * budget ceiling. Every number is a sum over regions; means over runs, and with several runs
 * the 90% interval (5th to 95th percentile over runs, as the headline's). */

enum { G_ROWS = 24, G_COLS = 12, G_CELL = 80 };

/* A text table: cells, right or left alignment per column, printed with widths measured in
 * terminal columns (CJK characters count two). Row 0 (and 1 when n_head is 2) is the
 * header. */
typedef struct {
    size_t n_row, n_col, n_head;
    int right[G_COLS];
    char cell[G_ROWS][G_COLS][G_CELL];
} grid;

static void
grid_set(grid *g, size_t row, size_t col, const char *text)
{
    if (row < G_ROWS && col < G_COLS) {
        snprintf(g->cell[row][col], G_CELL, "%s", text);
        g->n_row = row + 1 > g->n_row ? row + 1 : g->n_row;
    }
}

/* Clears g and writes the two header rows of a programme table: "programme 项目", then one
 * right-aligned column per label of axis a (English over Chinese), then, if en is not NULL,
 * one more right-aligned column en / zh. */
static void
grid_axis_header(grid *g, const dp_axis *a, const char *en, const char *zh)
{
    memset(g, 0, sizeof *g);
    g->n_col = 2 + a->n + (en ? 1 : 0);
    grid_set(g, 0, 0, "programme");
    grid_set(g, 0, 1, "项目");
    for (size_t i = 0; i < a->n && 2 + i < G_COLS; i++) {
        grid_set(g, 0, 2 + i, a->label[i]);
        grid_set(g, 1, 2 + i, a->label_zh[i]);
        g->right[2 + i] = 1;
    }
    if (en && 2 + a->n < G_COLS) {
        grid_set(g, 0, 2 + a->n, en);
        grid_set(g, 1, 2 + a->n, zh);
        g->right[2 + a->n] = 1;
    }
}

static void
grid_print(FILE *f, const grid *g)
{
    size_t width[G_COLS] = {0};
    for (size_t r = 0; r < g->n_row; r++) {
        for (size_t c = 0; c < g->n_col; c++) {
            size_t w = display_width(g->cell[r][c]);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    for (size_t r = 0; r < g->n_row; r++) {
        size_t last = g->n_col;
        while (last > 0 && !g->cell[r][last - 1][0]) {
            last--;
        }
        for (size_t c = 0; c < last; c++) {
            fputs("  ", f);
            if (g->right[c]) {
                put_right(f, g->cell[r][c], width[c]);
            } else {
                fputs(g->cell[r][c], f);
                if (c + 1 < last) {
                    for (size_t w = display_width(g->cell[r][c]); w < width[c]; w++) {
                        fputc(' ', f);
                    }
                }
            }
        }
        fputc('\n', f);
    }
}

/* Run `run` of t [year, region, K] or [year, region, K, K2] at year yi, summed over regions,
 * at k (ALL_POS: summed over K) and k2 (ALL_POS: summed over K2; ignored for three axes). */
static double
cell_run(const dp_results *res, const dp_table *t, size_t run, size_t yi, size_t k, size_t k2)
{
    size_t n_reg = res->axis[t->axis[1]].n, n_k = res->axis[t->axis[2]].n;
    size_t n_k2 = t->rank >= 4 ? res->axis[t->axis[3]].n : 1;
    const double *d = dp_table_run(t, run) + yi * n_reg * n_k * n_k2;
    double s = 0.0;
    for (size_t r = 0; r < n_reg; r++) {
        for (size_t j = 0; j < n_k; j++) {
            if (k != ALL_POS && j != k) {
                continue;
            }
            for (size_t j2 = 0; j2 < n_k2; j2++) {
                if (k2 == ALL_POS || t->rank < 4 || j2 == k2) {
                    s += d[(r * n_k + j) * n_k2 + j2];
                }
            }
        }
    }
    return s;
}

/* Mean over runs of cell_run and, when lo and hi are given, its interval lv (work: n_run
 * doubles). */
static double
cell_interval(const dp_results *res, const dp_table *t, size_t yi, size_t k, size_t k2,
              double *work, const interval_level *lv, double *lo, double *hi)
{
    double s = 0.0;
    for (size_t run = 0; run < res->n_run; run++) {
        work[run] = cell_run(res, t, run, yi, k, k2);
        s += work[run];
    }
    if (lo && hi) {
        gsl_sort(work, 1, res->n_run);
        *lo = gsl_stats_quantile_from_sorted_data(work, 1, res->n_run, lv->q_lo);
        *hi = gsl_stats_quantile_from_sorted_data(work, 1, res->n_run, lv->q_hi);
    }
    return s / (double)res->n_run;
}

/* Mean, 5th and 95th percentiles over runs of cell_run (work: n_run doubles). */
static double
cell_stats(const dp_results *res, const dp_table *t, size_t yi, size_t k, size_t k2, double *work,
           double *lo, double *hi)
{
    return cell_interval(res, t, yi, k, k2, work, &level90, lo, hi);
}

/* The table name of res with axes [year, region, first(, second)], or NULL. */
static const dp_table *
prog_table(const dp_results *res, const char *name, const char *third, const char *fourth)
{
    const dp_table *t = dp_results_find(res, name);
    if (!t || !t->per_run || t->rank != (fourth ? 4u : 3u) ||
        strcmp(res->axis[t->axis[0]].name, "year") != 0 ||
        strcmp(res->axis[t->axis[1]].name, "region") != 0 ||
        strcmp(res->axis[t->axis[2]].name, third) != 0 ||
        (fourth && strcmp(res->axis[t->axis[3]].name, fourth) != 0)) {
        return NULL;
    }
    return t;
}

/* One column of the programme table: what it shows. */
enum { PC_NAME, PC_NAME_ZH, PC_REC, PC_REC_IV, PC_NOM, PC_NOM_IV, PC_REAL, PC_REAL_IV, PC_N };

/* Fills g with the programme rows of year yi for the columns cols[0..n_col) (PC_*); interval
 * columns use lv. */
static void
prog_grid(grid *g, const dp_results *res, size_t yi, double *work, const size_t *cols, size_t n_col,
          const interval_level *lv)
{
    const dp_table *sp = prog_table(res, "spending", "programme", NULL);
    const dp_table *sr = prog_table(res, "spending_real", "programme", NULL);
    const dp_table *rec = prog_table(res, "recipients", "programme", NULL);
    const dp_axis *pa = &res->axis[sp->axis[2]];
    for (size_t k = 0; k <= pa->n && k + 2 < G_ROWS; k++) {
        size_t row = k + 2, pos = k < pa->n ? k : ALL_POS;
        for (size_t c = 0; c < n_col; c++) {
            char buf[G_CELL];
            double lo = NAN, hi = NAN, m;
            buf[0] = '\0';
            switch (cols[c]) {
            case PC_NAME:
                snprintf(buf, sizeof buf, "%s", k < pa->n ? pa->label[k] : "total");
                break;
            case PC_NAME_ZH:
                snprintf(buf, sizeof buf, "%s", k < pa->n ? pa->label_zh[k] : "合计");
                break;
            case PC_REC:
                if (k < pa->n) {
                    fmt_int(cell_stats(res, rec, yi, pos, ALL_POS, work, NULL, NULL), buf,
                            sizeof buf);
                }
                break;
            case PC_REC_IV:
                /* Recipients are counted in different units (persons, households, homes,
                 * jobs): no total. */
                if (k < pa->n) {
                    cell_interval(res, rec, yi, pos, ALL_POS, work, lv, &lo, &hi);
                    fmt_range(lo, hi, 0, buf, sizeof buf);
                }
                break;
            case PC_NOM:
            case PC_REAL:
                m = cell_stats(res, cols[c] == PC_NOM ? sp : sr, yi, pos, ALL_POS, work, NULL,
                               NULL);
                fmt_wan(m, buf, sizeof buf);
                break;
            case PC_NOM_IV:
            case PC_REAL_IV:
                cell_interval(res, cols[c] == PC_NOM_IV ? sp : sr, yi, pos, ALL_POS, work, lv, &lo,
                              &hi);
                fmt_range(lo, hi, 1, buf, sizeof buf);
                break;
            default:
                break;
            }
            grid_set(g, row, c, buf);
        }
    }
}

/* Spending of every programme in year yi: nominal and real, with the recipients; with several
 * runs the 90% intervals beside the means, then a second table of the 95% intervals. */
static void
print_prog_spending(FILE *f, const dp_results *res, size_t yi, double *work)
{
    const dp_table *sp = prog_table(res, "spending", "programme", NULL);
    const dp_table *sr = prog_table(res, "spending_real", "programme", NULL);
    const dp_table *rec = prog_table(res, "recipients", "programme", NULL);
    if (!sp) {
        return;
    }
    const char *year = res->axis[sp->axis[0]].label[yi];
    int many = res->n_run > 1;
    grid g;
    static const char *const head[PC_N] = {"programme",    "项目",        "recipients",
                                           "90% interval", "nominal",     "90% interval",
                                           "real",         "90% interval"};
    static const char *const head2[PC_N] = {"",          "",        "受益人数",      "90%区间",
                                            "名义 万元", "90%区间", "基年价格 万元", "90%区间"};
    /* The 95% table: the interval columns, headed by their quantity. */
    static const char *const head_95[PC_N] = {"programme", "项目",    "", "recipients",
                                              "",          "nominal", "", "real"};
    static const char *const head2_95[PC_N] = {"", "",          "", "受益人数",
                                               "", "名义 万元", "", "基年价格 万元"};
    size_t cols[PC_N], n_col = 0, cols95[PC_N], n_col95 = 0;
    for (size_t c = 0; c < PC_N; c++) {
        int iv = c == PC_REC_IV || c == PC_NOM_IV || c == PC_REAL_IV;
        if ((c == PC_REAL || c == PC_REAL_IV) && !sr) {
            continue;
        }
        if ((c == PC_REC || c == PC_REC_IV) && !rec) {
            continue;
        }
        if (!iv || many) {
            cols[n_col++] = c;
        }
        if (c <= PC_NAME_ZH || iv) {
            cols95[n_col95++] = c;
        }
    }
    memset(&g, 0, sizeof g);
    g.n_col = n_col;
    for (size_t c = 0; c < n_col; c++) {
        grid_set(&g, 0, c, head[cols[c]]);
        grid_set(&g, 1, c, head2[cols[c]]);
        g.right[c] = cols[c] >= PC_REC;
    }
    prog_grid(&g, res, yi, work, cols, n_col, &level90);
    fprintf(f,
            "\nProgramme spending in %s 年度项目支出 (万元 = 10,000 yuan; summed over regions; "
            "%s)\n",
            year, many ? "means and 90% intervals over the runs" : "one run");
    grid_print(f, &g);
    if (many) {
        memset(&g, 0, sizeof g);
        g.n_col = n_col95;
        for (size_t c = 0; c < n_col95; c++) {
            size_t pc = cols95[c];
            grid_set(&g, 0, c, head_95[pc]);
            grid_set(&g, 1, c, head2_95[pc]);
            g.right[c] = pc >= PC_REC;
        }
        prog_grid(&g, res, yi, work, cols95, n_col95, &level95);
        fprintf(f,
                "\n95%% intervals 95%%区间 (2.5th to 97.5th percentile over the runs) of the same "
                "programmes in %s:\n",
                year);
        grid_print(f, &g);
    }
    fprintf(f, "recipients: at the end of the year (households for multi_disabled_household; "
               "homes renovated during the year for\nhome_renovation; new jobs subsidised for "
               "employment_support). real: in base-year prices (the scenario's CPI path).\n");
}

/* The pipeline of every programme in year yi: eligible -> certified -> applied -> paid. */
static void
print_pipeline(FILE *f, const dp_results *res, size_t yi, double *work)
{
    const dp_table *pl = prog_table(res, "pipeline", "programme", "stage");
    if (!pl) {
        return;
    }
    const dp_axis *pa = &res->axis[pl->axis[2]], *sa = &res->axis[pl->axis[3]];
    size_t s_elig = find_label(sa, "eligible"), s_paid = find_label(sa, "paid");
    grid g;
    grid_axis_header(&g, sa, "paid/eligible", "发放/符合条件");
    for (size_t k = 0; k < pa->n && k + 2 < G_ROWS; k++) {
        char buf[G_CELL];
        grid_set(&g, k + 2, 0, pa->label[k]);
        grid_set(&g, k + 2, 1, pa->label_zh[k]);
        for (size_t s = 0; s < sa->n; s++) {
            grid_set(&g, k + 2, 2 + s,
                     fmt_int(cell_stats(res, pl, yi, k, s, work, NULL, NULL), buf, sizeof buf));
        }
        double e =
            s_elig != NO_POS ? cell_stats(res, pl, yi, k, s_elig, work, NULL, NULL) : (double)NAN;
        double p =
            s_paid != NO_POS ? cell_stats(res, pl, yi, k, s_paid, work, NULL, NULL) : (double)NAN;
        if (e > 0.0 && isfinite(p)) {
            cli_fmt_pct(p / e, 1, buf, sizeof buf);
        } else {
            snprintf(buf, sizeof buf, "-");
        }
        grid_set(&g, k + 2, 2 + sa->n, buf);
    }
    fprintf(f,
            "\nBenefit pipeline at the end of %s 受益流程 (persons; households for "
            "multi_disabled_household; means)\n",
            res->axis[pl->axis[0]].label[yi]);
    grid_print(f, &g);
    fprintf(f, "eligible: meet the rules, the card aside; certified: of which hold the card; "
               "applied: of which take it up (services:\nthe coverage target's demand); paid: "
               "of which are paid or served, after capacity, budget caps and overlaps.\n");
}

/* Services in year yi: need, demand, served, unmet need and capacity (programmes with any). */
static void
print_services(FILE *f, const dp_results *res, size_t yi, double *work)
{
    const dp_table *sv = prog_table(res, "services", "programme", "service");
    if (!sv) {
        return;
    }
    const dp_axis *pa = &res->axis[sv->axis[2]], *va = &res->axis[sv->axis[3]];
    size_t v_cap = find_label(va, "capacity"), v_need = find_label(va, "need");
    grid g;
    grid_axis_header(&g, va, NULL, NULL);
    size_t row = 2;
    for (size_t k = 0; k < pa->n && row < G_ROWS; k++) {
        /* A service programme has a demand, persons served or unmet need, or a capacity (NaN:
         * unlimited); the others only count their need (their certified eligible). */
        int service = 0;
        for (size_t v = 0; v < va->n; v++) {
            double m = cell_stats(res, sv, yi, k, v, work, NULL, NULL);
            service |= v == v_cap ? m != 0.0 : (v != v_need && m != 0.0);
        }
        if (!service) {
            continue;
        }
        grid_set(&g, row, 0, pa->label[k]);
        grid_set(&g, row, 1, pa->label_zh[k]);
        for (size_t v = 0; v < va->n; v++) {
            char buf[G_CELL];
            double m = cell_stats(res, sv, yi, k, v, work, NULL, NULL);
            if (v == v_cap && !isfinite(m)) {
                snprintf(buf, sizeof buf, "none 不限");
            } else {
                fmt_int(m, buf, sizeof buf);
            }
            grid_set(&g, row, 2 + v, buf);
        }
        row++;
    }
    if (row == 2) {
        return;
    }
    fprintf(f, "\nServices in %s 服务 (persons; devices: persons with a device in use; means)\n",
            res->axis[sv->axis[0]].label[yi]);
    grid_print(f, &g);
    fprintf(f, "need: certified eligible persons in need; demand: the coverage target's share "
               "of the need; served: after capacity\nand budget caps; unmet = need - served; "
               "capacity: places ('none' = not capped). Home renovation: persons in the\ntarget "
               "group and in renovated homes.\n");
}

/* Spending by level of government in year yi: programme x level means, and the totals. */
static void
print_levels(FILE *f, const dp_results *res, size_t yi, double *work)
{
    const dp_table *sl = prog_table(res, "spending_level", "programme", "level");
    if (!sl) {
        return;
    }
    const dp_axis *pa = &res->axis[sl->axis[2]], *la = &res->axis[sl->axis[3]];
    int many = res->n_run > 1;
    grid g;
    grid_axis_header(&g, la, "all levels", "合计");
    size_t row = 2;
    for (size_t k = 0; k <= pa->n && row + 1 < G_ROWS; k++) {
        size_t pos = k < pa->n ? k : ALL_POS;
        char buf[G_CELL];
        grid_set(&g, row, 0, k < pa->n ? pa->label[k] : "total");
        grid_set(&g, row, 1, k < pa->n ? pa->label_zh[k] : "合计");
        for (size_t l = 0; l <= la->n; l++) {
            double m = cell_stats(res, sl, yi, pos, l < la->n ? l : ALL_POS, work, NULL, NULL);
            grid_set(&g, row, 2 + l, fmt_wan(m, buf, sizeof buf));
        }
        row++;
        for (int v = 0; k == pa->n && many && v < 2 && row < G_ROWS; v++) {
            /* The 90% and 95% intervals of each level's total. */
            const interval_level *lv = v == 0 ? &level90 : &level95;
            grid_set(&g, row, 0, lv->en);
            grid_set(&g, row, 1, lv->zh);
            for (size_t l = 0; l <= la->n; l++) {
                double lo, hi;
                cell_interval(res, sl, yi, ALL_POS, l < la->n ? l : ALL_POS, work, lv, &lo, &hi);
                fmt_range(lo, hi, 1, buf, sizeof buf);
                grid_set(&g, row, 2 + l, buf);
            }
            row++;
        }
    }
    fprintf(f, "\nSpending by level of government in %s 按财政层级支出 (万元, nominal; means)\n",
            res->axis[sl->axis[0]].label[yi]);
    grid_print(f, &g);
}

int
cli_print_budget(FILE *f, const dp_results *res)
{
    return cli_print_budget_region(f, res, NULL);
}

int
cli_print_budget_region(FILE *f, const dp_results *res, const char *region)
{
    dp_ctx *ctx = dp_ctx_alloc();
    dp_budget_year *b = NULL;
    size_t n = 0, any = 0;
    if (!ctx) {
        return -2;
    }
    dp_status rc = dp_budget_read(ctx, res, &b, &n);
    dp_ctx_free(ctx);
    if (rc != DP_OK) {
        return rc == DP_ENOMEM ? -2 : -1;
    }
    for (size_t i = 0; i < n; i++) {
        any += isfinite(b[i].ceiling);
    }
    if (n == 0 || (any == 0 && !region)) {
        free(b);
        return 0;
    }
    grid g;
    memset(&g, 0, sizeof g);
    static const char *const head[] = {"year",         "total spending", "90% interval",
                                       "95% interval", "ceiling",        "P(total > ceiling)"};
    static const char *const head2[] = {"年份",    "支出合计 万元", "90%区间",
                                        "95%区间", "预算上限 万元", "超出上限概率"};
    g.n_col = 6;
    for (size_t c = 0; c < 6; c++) {
        grid_set(&g, 0, c, head[c]);
        grid_set(&g, 1, c, head2[c]);
        g.right[c] = 1;
    }
    size_t row = 2;
    for (size_t i = 0; i < n; i++) {
        char buf[G_CELL];
        if (row >= G_ROWS) {
            /* More years than one grid holds: print and start another. */
            grid_print(f, &g);
            g.n_row = 0;
            row = 0;
        }
        snprintf(buf, sizeof buf, "%d", b[i].year);
        grid_set(&g, row, 0, buf);
        grid_set(&g, row, 1, fmt_wan(b[i].total, buf, sizeof buf));
        fmt_range(b[i].p05, b[i].p95, 1, buf, sizeof buf);
        grid_set(&g, row, 2, buf);
        fmt_range(b[i].p025, b[i].p975, 1, buf, sizeof buf);
        grid_set(&g, row, 3, buf);
        grid_set(&g, row, 4, fmt_wan(b[i].ceiling, buf, sizeof buf));
        if (!isfinite(b[i].p_exceeds)) {
            snprintf(buf, sizeof buf, "-");
        } else if (b[i].p_exceeds > 0.0 && b[i].p_exceeds < 0.01) {
            snprintf(buf, sizeof buf, "<1%%");
        } else if (b[i].p_exceeds > 0.99 && b[i].p_exceeds < 1.0) {
            snprintf(buf, sizeof buf, ">99%%");
        } else {
            cli_fmt_pct(b[i].p_exceeds, 0, buf, sizeof buf);
        }
        grid_set(&g, row, 5, buf);
        row++;
    }
    if (region) {
        fprintf(f,
                "\nBudget 预算 of %s: total spending of all programmes of its regions (summed run "
                "by run) against the scenario's ceiling (%zu run%s)\n",
                region, b[0].n_run, b[0].n_run == 1 ? "" : "s");
    } else {
        fprintf(f,
                "\nBudget ceiling 预算上限: total spending of all programmes and regions against "
                "the scenario's ceiling (%zu run%s)\n",
                b[0].n_run, b[0].n_run == 1 ? "" : "s");
    }
    grid_print(f, &g);
    fprintf(f, "P(total > ceiling): the share of runs whose total spending exceeds the ceiling "
               "that year ('-': no ceiling that year).\n");
    if (region && any == 0) {
        fprintf(f, "The ceiling is shown only for a region or node that holds all the run's "
                   "regions (the scenario's ceiling is for all of them) and when one is set.\n");
    }
    free(b);
    return 1;
}

int
cli_print_programmes(FILE *f, const dp_results *res, const char *year)
{
    size_t ya = dp_results_find_axis(res, "year");
    if (ya == NO_POS || !dp_results_find(res, "spending") || res->n_run == 0) {
        return 0;
    }
    const dp_axis *years = &res->axis[ya];
    int all = year && strcmp(year, "all") == 0;
    size_t from = 0, to = years->n ? 1 : 0;
    if (year && !all) {
        from = find_label(years, year);
        if (from == NO_POS) {
            return -1;
        }
        to = from + 1;
    } else if (all) {
        to = years->n;
    }
    double *work = malloc(res->n_run * sizeof *work);
    if (!work) {
        return -1;
    }
    for (size_t yi = from; yi < to; yi++) {
        print_prog_spending(f, res, yi, work);
        print_pipeline(f, res, yi, work);
        print_services(f, res, yi, work);
        print_levels(f, res, yi, work);
    }
    free(work);
    return 1;
}
