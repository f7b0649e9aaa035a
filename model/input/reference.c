/* model/input/reference.c
 *
 * dp_reference_load and friends (reference.h): reads the national reference tables in
 * data_dir/reference/ with the CSV reader (csv.h), records each file's SHA-256, and builds the
 * single-age, single-year life table q(year, sex, age) for 2015..2035 from the UN WPP 2024
 * five-year central death rates. Loading reads seven small files and does about 4,000
 * interpolations; it runs once per `dpsim run`. The result is read-only and shared by threads.
 *
 * Life-table method (also in data/README.md):
 *  1. Time. WPP's five-year periods run from 1 July to 30 June ("2015-2020" = mid-2015 to
 *     mid-2020), so a period is centred on 1 January of its third year, the boundary between two
 *     calendar years; calendar year Y is evaluated at its middle, Y + 0.5. On the scale used
 *     here (time = Y for calendar year Y) the period centres are 2017.5, 2022.5, 2027.5 and
 *     2032.5. For each five-year age group, log(mx) is interpolated linearly in time between
 *     centres and held constant before the first and after the last (2015-2017 use 2015-2020's
 *     rates; 2033-2035 use 2030-2035's).
 *  2. Age. Age 0 keeps the quoted 1m0; ages 1-4 each take the quoted 4m1; 100+ keeps its quoted
 *     rate. For 5..99, log(m) at single age a (evaluated at a + 0.5) is interpolated linearly
 *     between the group mid-points (3 for 1-4, 7.5, 12.5, ..., 97.5, and 102.5 for 100+, the
 *     mid-point it would have as a five-year group). Each group's single-age rates are then
 *     scaled by one factor so that the group's life-table central rate, deaths / person-years
 *     = sum(d) / sum(L) over its five ages, equals the (time-interpolated) quoted group mx: the
 *     group keeps its quoted mean force, weighted by person-years as a central rate is. The
 *     factor is found by a fixed-point iteration (|rate - mx| <= 1e-14 mx, a few steps).
 *  3. Conversion. From age 1 on, the force of mortality is constant within each year of age,
 *     q_a = 1 - exp(-m_a), the same assumption the open group 100+ needs (its e = 1 / m100); so
 *     q rises with age wherever m does, across 99 / 100+ too. Infant deaths cluster in the
 *     first weeks, so age 0 uses a0 = 0.1 instead: q0 = m0 / (1 + 0.9 m0). Step 2's group rate
 *     uses the same assumption (L_a = d_a / m_a).
 * dp_reference_e0 counts person-years with deaths at mid-year (a0 = 0.1; open group 1 / m), the
 * conventional abridged formula; for these rates it differs from the constant-force e0 by less
 * than 0.01 year. Check (test_reference.c): at each period centre (the mean of the two calendar
 * years around it) e0 is within 0.06 year of WPP's; the single years 2018, 2023, 2028 and 2033,
 * half a year past the centres, are up to 0.13 year above it, which is half a year of WPP's own
 * e0 trend.
 */
#include "input/reference.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "input/scenario.h"

enum { N_PERIOD = 4 };    /* WPP five-year periods 2015-2020 .. 2030-2035 */
enum { N_GROUP = 22 };    /* age groups 0, 1-4, 5-9, ..., 95-99, 100+ */
enum { GROUP_OPEN = 21 }; /* index of 100+ */
enum { PERIOD_LEN = 5 };

/* Reference files, relative to data_dir/reference/. */
static const char FILE_MX[] = "china_mx_qx_wpp2024_5yr.csv";
static const char FILE_E0[] = "wpp2024_e0.csv";
static const char FILE_NATIONAL[] = "survey2006_national_structure.csv";
static const char FILE_AGE_PREV[] = "survey2006_prevalence_by_age_derived.csv";
static const char FILE_PROVINCES[] = "survey2006_selected_provinces.csv";
static const char FILE_GRADES[] = "grade_split_beijing2006.csv";
static const char FILE_SEVERE_TYPE[] = "severe_share_by_type_zheng2008.csv";
static const char FILE_POP5[] = "china_population_2020_5yr_assumption.csv";

static const char *const agegroup_label[DP_N_AGEGROUP] = {"0-14", "15-59", "60+"};
static const char *const sex_key[DP_N_SEX] = {"male", "female"};

/* Five-year mx as read: [period][sex][group], and the first year of each period. */
typedef struct {
    int start[N_PERIOD];                    /**< first calendar year of each period */
    double mx[N_PERIOD][DP_N_SEX][N_GROUP]; /**< central death rates [1/yr] */
} mx_table;

static inline size_t
q_index(size_t year_index, size_t sex, size_t age)
{
    return (year_index * DP_N_SEX + sex) * DP_N_AGE + age;
}

/* ---------------------------------------------------------------------------------------- */
/* Files and provenance. */

/* Opens data_dir/reference/name and records its path and SHA-256 in ref. */
static dp_status
open_table(dp_ctx *ctx, dp_reference *ref, const char *data_dir, const char *name, dp_csv **csv)
{
    dp_status rc = DP_OK;
    char path[256];
    int n = snprintf(path, sizeof path, "%s/reference/%s", data_dir, name);

    if (n < 0 || (size_t)n >= sizeof path) {
        return dp_error(ctx, DP_EINPUT, "%s/reference/%s: path longer than %zu bytes", data_dir,
                        name, sizeof path - 1);
    }
    if (ref->n_input >= DP_REF_MAX_INPUT) {
        return dp_error(ctx, DP_EINTERNAL, "more than %d reference files", DP_REF_MAX_INPUT);
    }
    if ((rc = dp_csv_load(ctx, path, csv)) != DP_OK) {
        return rc;
    }
    if ((rc = dp_sha256_file(ctx, path, ref->input_sha256[ref->n_input])) != DP_OK) {
        dp_csv_free(*csv);
        *csv = NULL;
        return rc;
    }
    memcpy(ref->input_path[ref->n_input], path, (size_t)n + 1);
    ref->n_input++;
    return DP_OK;
}

/* Looks up the columns named in names[0..n) into cols. */
static dp_status
columns(dp_ctx *ctx, const dp_csv *csv, size_t n, const char *const *names, size_t *cols)
{
    for (size_t i = 0; i < n; i++) {
        dp_status rc = dp_csv_col(ctx, csv, names[i], &cols[i]);
        if (rc != DP_OK) {
            return rc;
        }
    }
    return DP_OK;
}

/* The first row whose column a equals va and column b equals vb; DP_EINPUT when none. */
static dp_status
find_row2(dp_ctx *ctx, const dp_csv *csv, size_t a, const char *va, size_t b, const char *vb,
          size_t *row)
{
    for (size_t r = 0; r < dp_csv_n_rows(csv); r++) {
        if (strcmp(dp_csv_field(csv, r, a), va) == 0 && strcmp(dp_csv_field(csv, r, b), vb) == 0) {
            *row = r;
            return DP_OK;
        }
    }
    return dp_error(ctx, DP_EINPUT, "%s: no row with '%s' in column %zu and '%s' in column %zu",
                    dp_csv_path(csv), va, a + 1, vb, b + 1);
}

/* A number from (row, col) that must lie in [lo, hi]. */
static dp_status
number_in(dp_ctx *ctx, const dp_csv *csv, size_t row, size_t col, double lo, double hi,
          double *result)
{
    double v = 0.0;
    dp_status rc = dp_csv_double(ctx, csv, row, col, &v);
    if (rc != DP_OK) {
        return rc;
    }
    if (!(v >= lo && v <= hi)) {
        return dp_csv_error(ctx, csv, row, col, "value %g outside [%g, %g]", v, lo, hi);
    }
    *result = v;
    return DP_OK;
}

static dp_status
parse_sex(dp_ctx *ctx, const dp_csv *csv, size_t row, size_t col, size_t *sex)
{
    const char *s = dp_csv_field(csv, row, col);
    for (size_t k = 0; k < DP_N_SEX; k++) {
        if (strcmp(s, sex_key[k]) == 0) {
            *sex = k;
            return DP_OK;
        }
    }
    return dp_csv_error(ctx, csv, row, col, "expected 'male' or 'female', found '%s'", s);
}

/* Parses a "YYYY-YYYY" five-year period label into its first year. */
static dp_status
parse_period(dp_ctx *ctx, const dp_csv *csv, size_t row, size_t col, int *start)
{
    const char *s = dp_csv_field(csv, row, col);
    int a = 0;
    int b = 0;
    char tail = '\0';
    if (sscanf(s, "%4d-%4d%c", &a, &b, &tail) != 2 || b != a + PERIOD_LEN) {
        return dp_csv_error(ctx, csv, row, col,
                            "expected a five-year period like '2015-2020', found '%s'", s);
    }
    *start = a;
    return DP_OK;
}

/* Index of period start in t, or DP_EINPUT at (row, col). */
static dp_status
period_index(dp_ctx *ctx, const dp_csv *csv, size_t row, size_t col, const mx_table *t, size_t *k)
{
    int start = 0;
    dp_status rc = parse_period(ctx, csv, row, col, &start);
    if (rc != DP_OK) {
        return rc;
    }
    for (size_t p = 0; p < N_PERIOD; p++) {
        if (t->start[p] == start) {
            *k = p;
            return DP_OK;
        }
    }
    return dp_csv_error(
        ctx, csv, row, col, "period '%s' is not one of the %d life-table periods %d-%d",
        dp_csv_field(csv, row, col), N_PERIOD, t->start[0], t->start[N_PERIOD - 1] + PERIOD_LEN);
}

/* ---------------------------------------------------------------------------------------- */
/* National residents by sex and 5-year group. */

static dp_status
read_pop5(dp_ctx *ctx, const dp_csv *csv, dp_reference *ref)
{
    static const char *const names[] = {"sex", "age_start", "width", "population"};
    size_t c[4];
    int seen[DP_N_SEX][21] = {{0}};
    dp_status rc = columns(ctx, csv, 4, names, c);
    if (rc != DP_OK) {
        return rc;
    }
    for (size_t row = 0; row < dp_csv_n_rows(csv); row++) {
        size_t sex = 0, g = 0;
        if ((rc = parse_sex(ctx, csv, row, c[0], &sex)) != DP_OK) {
            return rc;
        }
        const char *age = dp_csv_field(csv, row, c[1]), *width = dp_csv_field(csv, row, c[2]);
        char *end = NULL;
        long a = strtol(age, &end, 10);
        if (strcmp(age, "100+") == 0 && strcmp(width, "open") == 0) {
            g = 20;
        } else if (end != age && *end == '\0' && a >= 0 && a <= 95 && a % 5 == 0 &&
                   strcmp(width, "5") == 0) {
            g = (size_t)(a / 5);
        } else {
            return dp_csv_error(ctx, csv, row, c[1],
                                "expected a 5-year group 0, 5, ..., 95 (width 5) or 100+ "
                                "(width open), found '%s' (width '%s')",
                                age, width);
        }
        if (seen[sex][g]++) {
            return dp_csv_error(ctx, csv, row, c[1], "second row for %s, age %s", sex_key[sex],
                                age);
        }
        if ((rc = number_in(ctx, csv, row, c[3], 0.0, 1e10, &ref->pop5[sex][g])) != DP_OK) {
            return rc;
        }
    }
    for (size_t sex = 0; sex < DP_N_SEX; sex++) {
        for (size_t g = 0; g < 21; g++) {
            if (!seen[sex][g]) {
                return dp_error(ctx, DP_EINPUT, "%s: no row for %s, group %zu of 21",
                                dp_csv_path(csv), sex_key[sex], g + 1);
            }
        }
    }
    return DP_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Life table. */

/* Group index of an age_start / width pair of the WPP table. */
static dp_status
parse_group(dp_ctx *ctx, const dp_csv *csv, size_t row, size_t c_age, size_t c_width, size_t *g)
{
    const char *age = dp_csv_field(csv, row, c_age);
    const char *width = dp_csv_field(csv, row, c_width);
    if (strcmp(age, "100+") == 0) {
        if (strcmp(width, "open") != 0) {
            return dp_csv_error(ctx, csv, row, c_width, "the 100+ group has width 'open'");
        }
        *g = GROUP_OPEN;
        return DP_OK;
    }
    char *end = NULL;
    long a = strtol(age, &end, 10);
    long w = strtol(width, NULL, 10);
    long want_w = a == 0 ? 1 : a == 1 ? 4 : 5;
    if (end == age || *end != '\0' || a < 0 || a > 95 || (a >= 5 && a % 5 != 0) ||
        (a > 1 && a < 5)) {
        return dp_csv_error(ctx, csv, row, c_age,
                            "expected an age group start 0, 1, 5, ..., 95 or 100+, found '%s'",
                            age);
    }
    if (w != want_w) {
        return dp_csv_error(ctx, csv, row, c_width, "age group %ld has width %ld, found '%s'", a,
                            want_w, width);
    }
    *g = a == 0 ? 0 : a == 1 ? 1 : (size_t)(a / 5) + 1;
    return DP_OK;
}

static dp_status
read_mx(dp_ctx *ctx, const dp_csv *csv, mx_table *t)
{
    static const char *const names[] = {"period", "sex", "age_start", "width_years", "mx_quoted"};
    size_t c[5];
    dp_status rc = columns(ctx, csv, 5, names, c);
    unsigned char seen[N_PERIOD][DP_N_SEX][N_GROUP];
    int first = 0;

    if (rc != DP_OK) {
        return rc;
    }
    if (dp_csv_n_rows(csv) == 0) {
        return dp_error(ctx, DP_EINPUT, "%s: no data rows", dp_csv_path(csv));
    }
    /* The periods are the four consecutive five-year periods from the earliest one listed. */
    for (size_t row = 0; row < dp_csv_n_rows(csv); row++) {
        int start = 0;
        if ((rc = parse_period(ctx, csv, row, c[0], &start)) != DP_OK) {
            return rc;
        }
        if (row == 0 || start < first) {
            first = start;
        }
    }
    for (size_t p = 0; p < N_PERIOD; p++) {
        t->start[p] = first + (int)p * PERIOD_LEN;
    }
    memset(seen, 0, sizeof seen);
    for (size_t row = 0; row < dp_csv_n_rows(csv); row++) {
        size_t k = 0;
        size_t sex = 0;
        size_t g = 0;
        double mx = 0.0;
        if ((rc = period_index(ctx, csv, row, c[0], t, &k)) != DP_OK ||
            (rc = parse_sex(ctx, csv, row, c[1], &sex)) != DP_OK ||
            (rc = parse_group(ctx, csv, row, c[2], c[3], &g)) != DP_OK ||
            (rc = number_in(ctx, csv, row, c[4], 1e-7, 5.0, &mx)) != DP_OK) {
            return rc;
        }
        if (seen[k][sex][g]) {
            return dp_csv_error(ctx, csv, row, c[0], "second row for period %s, %s, age %s",
                                dp_csv_field(csv, row, c[0]), sex_key[sex],
                                dp_csv_field(csv, row, c[2]));
        }
        seen[k][sex][g] = 1;
        t->mx[k][sex][g] = mx;
    }
    for (size_t k = 0; k < N_PERIOD; k++) {
        for (size_t sex = 0; sex < DP_N_SEX; sex++) {
            for (size_t g = 0; g < N_GROUP; g++) {
                if (!seen[k][sex][g]) {
                    return dp_error(ctx, DP_EINPUT,
                                    "%s: no mx for period %d-%d, %s, age group %zu of %d",
                                    dp_csv_path(csv), t->start[k], t->start[k] + PERIOD_LEN,
                                    sex_key[sex], g + 1, N_GROUP);
                }
            }
        }
    }
    return DP_OK;
}

/* Group mx of calendar year (time = year) by log-linear interpolation between period centres. */
static void
mx_at_year(const mx_table *t, size_t sex, int year, double g_mx[N_GROUP])
{
    double time = (double)year;
    double centre0 = t->start[0] + 0.5 * PERIOD_LEN;
    double pos = (time - centre0) / PERIOD_LEN; /* in periods from the first centre */
    size_t k = 0;
    double w = 0.0;

    if (pos <= 0.0) {
        k = 0;
        w = 0.0;
    } else if (pos >= N_PERIOD - 1) {
        k = N_PERIOD - 2;
        w = 1.0;
    } else {
        k = (size_t)pos;
        w = pos - (double)k;
    }
    for (size_t g = 0; g < N_GROUP; g++) {
        double a = log(t->mx[k][sex][g]);
        double b = log(t->mx[k + 1][sex][g]);
        g_mx[g] = exp(a + w * (b - a));
    }
}

/* Life-table central death rate (deaths / person-years) of a run of single ages with forces
 * scale * m, constant within each year of age: d = l (1 - exp(-m)), L = d / m. */
static double
group_rate(const double *m, size_t n, double scale)
{
    double l = 1.0;
    double deaths = 0.0;
    double py = 0.0;
    for (size_t i = 0; i < n; i++) {
        double mi = scale * m[i];
        double d = -l * expm1(-mi);
        deaths += d;
        py += d / mi;
        l -= d;
    }
    return deaths / py;
}

/* Spreads one year's group rates to single-age rates m[0..DP_N_AGE) (method in the header). */
static dp_status
spread_ages(dp_ctx *ctx, const double g_mx[N_GROUP], double m[DP_N_AGE])
{
    enum { N_NODE = 21 }; /* 1-4, the nineteen groups 5-9 .. 95-99, and 100+ */
    double node_x[N_NODE];
    double node_y[N_NODE];

    node_x[0] = 3.0;
    node_y[0] = log(g_mx[1]);
    for (size_t j = 1; j < N_NODE; j++) {
        node_x[j] = 5.0 * (double)j + 2.5; /* 7.5 .. 97.5, and 102.5 for 100+ */
        node_y[j] = log(g_mx[j + 1]);
    }
    m[0] = g_mx[0];
    for (size_t age = 1; age < 5; age++) {
        m[age] = g_mx[1];
    }
    for (size_t age = 5; age < DP_MAX_AGE; age++) {
        double x = (double)age + 0.5;
        size_t j = 0;
        while (j + 2 < N_NODE && x > node_x[j + 1]) {
            j++;
        }
        double s = (x - node_x[j]) / (node_x[j + 1] - node_x[j]);
        m[age] = exp(node_y[j] + s * (node_y[j + 1] - node_y[j]));
    }
    for (size_t g = 2; g < GROUP_OPEN; g++) {
        double *mg = &m[5 * (g - 1)];
        double target = g_mx[g];
        double scale = 1.0;
        size_t iter = 0;
        for (; iter < 100; iter++) {
            double rate = group_rate(mg, 5, scale);
            if (fabs(rate - target) <= 1e-14 * target) {
                break;
            }
            scale *= target / rate;
        }
        if (iter == 100 || !(scale > 0.0)) {
            return dp_error(ctx, DP_ENUMERIC, "life table: group %zu-%zu rate did not converge",
                            5 * (g - 1), 5 * (g - 1) + 4);
        }
        for (size_t i = 0; i < 5; i++) {
            mg[i] *= scale;
        }
    }
    m[DP_MAX_AGE] = g_mx[GROUP_OPEN];
    return DP_OK;
}

static dp_status
build_life_table(dp_ctx *ctx, const mx_table *t, dp_reference *ref)
{
    double g_mx[N_GROUP];
    double m[DP_N_AGE];

    ref->year0 = t->start[0];
    ref->n_year = (size_t)(N_PERIOD * PERIOD_LEN + 1); /* 2015..2035 inclusive */
    ref->q = malloc(ref->n_year * DP_N_SEX * DP_N_AGE * sizeof *ref->q);
    if (!ref->q) {
        return dp_error(ctx, DP_ENOMEM, "life table: out of memory");
    }
    for (size_t y = 0; y < ref->n_year; y++) {
        for (size_t sex = 0; sex < DP_N_SEX; sex++) {
            mx_at_year(t, sex, ref->year0 + (int)y, g_mx);
            dp_status rc = spread_ages(ctx, g_mx, m);
            if (rc != DP_OK) {
                return rc;
            }
            double *q = &ref->q[q_index(y, sex, 0)];
            q[0] = m[0] / (1.0 + 0.9 * m[0]);
            for (size_t age = 1; age < DP_N_AGE; age++) {
                q[age] = -expm1(-m[age]);
            }
            for (size_t age = 0; age < DP_N_AGE; age++) {
                if (!(q[age] > 0.0 && q[age] < 1.0)) {
                    return dp_error(ctx, DP_ENUMERIC,
                                    "life table: q(%d, %s, %zu) = %g outside (0, 1)",
                                    ref->year0 + (int)y, sex_key[sex], age, q[age]);
                }
            }
        }
    }
    return DP_OK;
}

static dp_status
read_e0(dp_ctx *ctx, const dp_csv *csv, const mx_table *t, dp_reference *ref)
{
    static const char *const names[] = {"period", "sex", "e0_years"};
    size_t c[3];
    unsigned char seen[N_PERIOD][DP_N_SEX];
    dp_status rc = columns(ctx, csv, 3, names, c);

    if (rc != DP_OK) {
        return rc;
    }
    memset(seen, 0, sizeof seen);
    for (size_t row = 0; row < dp_csv_n_rows(csv); row++) {
        size_t k = 0;
        size_t sex = 0;
        double e0 = 0.0;
        if ((rc = period_index(ctx, csv, row, c[0], t, &k)) != DP_OK ||
            (rc = parse_sex(ctx, csv, row, c[1], &sex)) != DP_OK ||
            (rc = number_in(ctx, csv, row, c[2], 20.0, 110.0, &e0)) != DP_OK) {
            return rc;
        }
        seen[k][sex] = 1;
        ref->e0_wpp[k][sex] = e0;
    }
    for (size_t k = 0; k < N_PERIOD; k++) {
        for (size_t sex = 0; sex < DP_N_SEX; sex++) {
            if (!seen[k][sex]) {
                return dp_error(ctx, DP_EINPUT, "%s: no e0 for period %d-%d, %s", dp_csv_path(csv),
                                t->start[k], t->start[k] + PERIOD_LEN, sex_key[sex]);
            }
        }
    }
    return DP_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* 2006 survey structure. */

static dp_status
read_national(dp_ctx *ctx, const dp_csv *csv, dp_reference *ref)
{
    static const char *const names[] = {"dimension", "group", "count_10k", "share_of_disabled_pct"};
    size_t c[4];
    size_t row = 0;
    double sum = 0.0;
    double count[DP_N_TYPE + DP_N_AGEGROUP]; /* big enough for either list */
    dp_status rc = columns(ctx, csv, 4, names, c);

    if (rc != DP_OK) {
        return rc;
    }
    /* Type shares from the quoted counts (they add up to the quoted total 8,296 万). */
    for (size_t type = 0; type < DP_N_TYPE; type++) {
        if ((rc = find_row2(ctx, csv, c[0], "type", c[1], dp_type_label[type], &row)) != DP_OK ||
            (rc = number_in(ctx, csv, row, c[2], 0.0, 1e6, &count[type])) != DP_OK) {
            return rc;
        }
        sum += count[type];
    }
    if (!(sum > 0.0)) {
        return dp_error(ctx, DP_EINPUT, "%s: type counts sum to zero", dp_csv_path(csv));
    }
    for (size_t type = 0; type < DP_N_TYPE; type++) {
        ref->type_share[type] = count[type] / sum;
    }
    /* Severe (grades 1-2) and male shares: the quoted percentages. */
    if ((rc = find_row2(ctx, csv, c[0], "severity", c[1], "grade1_2_severe", &row)) != DP_OK ||
        (rc = number_in(ctx, csv, row, c[3], 0.0, 100.0, &ref->severe_share)) != DP_OK ||
        (rc = find_row2(ctx, csv, c[0], "sex", c[1], "male", &row)) != DP_OK ||
        (rc = number_in(ctx, csv, row, c[3], 0.0, 100.0, &ref->male_share)) != DP_OK) {
        return rc;
    }
    ref->severe_share /= 100.0;
    ref->male_share /= 100.0;
    /* Age-group shares from the counts (0-14 is total minus the two quoted groups). */
    sum = 0.0;
    for (size_t ag = 0; ag < DP_N_AGEGROUP; ag++) {
        if ((rc = find_row2(ctx, csv, c[0], "age", c[1], agegroup_label[ag], &row)) != DP_OK ||
            (rc = number_in(ctx, csv, row, c[2], 0.0, 1e6, &count[ag])) != DP_OK) {
            return rc;
        }
        sum += count[ag];
    }
    if (!(sum > 0.0)) {
        return dp_error(ctx, DP_EINPUT, "%s: age-group counts sum to zero", dp_csv_path(csv));
    }
    for (size_t ag = 0; ag < DP_N_AGEGROUP; ag++) {
        ref->agegroup_share[ag] = count[ag] / sum;
    }
    return DP_OK;
}

static dp_status
read_age_prevalence(dp_ctx *ctx, const dp_csv *csv, dp_reference *ref)
{
    static const char *const names[] = {"age_group", "prevalence_pct_scaled_to_6.34"};
    size_t c[2];
    dp_status rc = columns(ctx, csv, 2, names, c);

    if (rc != DP_OK) {
        return rc;
    }
    for (size_t ag = 0; ag < DP_N_AGEGROUP; ag++) {
        size_t row = dp_csv_find(csv, c[0], agegroup_label[ag], 0);
        if (row == dp_csv_n_rows(csv)) {
            return dp_error(ctx, DP_EINPUT, "%s: no row for age group '%s'", dp_csv_path(csv),
                            agegroup_label[ag]);
        }
        if ((rc = number_in(ctx, csv, row, c[1], 0.0, 100.0, &ref->agegroup_prevalence[ag])) !=
            DP_OK) {
            return rc;
        }
        ref->agegroup_prevalence[ag] /= 100.0;
    }
    return DP_OK;
}

static dp_status
read_grades(dp_ctx *ctx, const dp_csv *csv, dp_reference *ref)
{
    static const char *const names[] = {"grade", "share_pct"};
    static const char *const grade_key[DP_N_GRADE] = {"1", "2", "3", "4"};
    size_t c[2];
    double pct[DP_N_GRADE];
    dp_status rc = columns(ctx, csv, 2, names, c);

    if (rc != DP_OK) {
        return rc;
    }
    for (size_t g = 0; g < DP_N_GRADE; g++) {
        size_t row = dp_csv_find(csv, c[0], grade_key[g], 0);
        if (row == dp_csv_n_rows(csv)) {
            return dp_error(ctx, DP_EINPUT, "%s: no row for grade %s", dp_csv_path(csv),
                            grade_key[g]);
        }
        if ((rc = number_in(ctx, csv, row, c[1], 0.0, 100.0, &pct[g])) != DP_OK) {
            return rc;
        }
    }
    if (!(pct[0] + pct[1] > 0.0 && pct[2] + pct[3] > 0.0)) {
        return dp_error(ctx, DP_EINPUT, "%s: grades 1-2 and 3-4 need positive shares",
                        dp_csv_path(csv));
    }
    ref->grade_within[0] = pct[0] / (pct[0] + pct[1]);
    ref->grade_within[1] = pct[1] / (pct[0] + pct[1]);
    ref->grade_within[2] = pct[2] / (pct[2] + pct[3]);
    ref->grade_within[3] = pct[3] / (pct[2] + pct[3]);
    return DP_OK;
}

static dp_status
read_severe_by_type(dp_ctx *ctx, const dp_csv *csv, dp_reference *ref)
{
    static const char *const names[] = {"type", "severe_share_pct"};
    size_t c[2];
    dp_status rc = columns(ctx, csv, 2, names, c);

    if (rc != DP_OK) {
        return rc;
    }
    for (size_t type = 0; type < DP_N_TYPE; type++) {
        ref->severe_share_type[type] = NAN;
    }
    for (size_t row = 0; row < dp_csv_n_rows(csv); row++) {
        const char *name = dp_csv_field(csv, row, c[0]);
        size_t type = 0;
        while (type < DP_N_TYPE && strcmp(name, dp_type_label[type]) != 0) {
            type++;
        }
        if (type == DP_N_TYPE) {
            return dp_csv_error(ctx, csv, row, c[0], "unknown disability type '%s'", name);
        }
        if ((rc = number_in(ctx, csv, row, c[1], 0.0, 100.0, &ref->severe_share_type[type])) !=
            DP_OK) {
            return rc;
        }
        ref->severe_share_type[type] /= 100.0;
    }
    return DP_OK;
}

static dp_status
read_provinces(dp_ctx *ctx, const dp_csv *csv, dp_reference *ref)
{
    static const char *const names[] = {"province", "indicator", "pct"};
    enum { MAX_PROV = sizeof ref->province / sizeof ref->province[0] };
    size_t c[3];
    unsigned char have[MAX_PROV][DP_N_TYPE];
    dp_status rc = columns(ctx, csv, 3, names, c);

    if (rc != DP_OK) {
        return rc;
    }
    memset(have, 0, sizeof have);
    ref->n_province = 0;
    for (size_t row = 0; row < dp_csv_n_rows(csv); row++) {
        const char *ind = dp_csv_field(csv, row, c[1]);
        const char *prov = dp_csv_field(csv, row, c[0]);
        size_t type = 0;
        size_t p = 0;
        while (type < DP_N_TYPE && strcmp(ind, dp_type_label[type]) != 0) {
            type++;
        }
        if (type == DP_N_TYPE) {
            continue; /* totals and certified counts: not type shares */
        }
        while (p < ref->n_province && strcmp(ref->province[p], prov) != 0) {
            p++;
        }
        if (p == ref->n_province) {
            if (p == MAX_PROV) {
                return dp_csv_error(ctx, csv, row, c[0], "more than %d provinces with type shares",
                                    (int)MAX_PROV);
            }
            if (strlen(prov) >= sizeof ref->province[0] || prov[0] == '\0') {
                return dp_csv_error(ctx, csv, row, c[0],
                                    "province name empty or longer than %zu bytes",
                                    sizeof ref->province[0] - 1);
            }
            strcpy(ref->province[p], prov);
            ref->n_province++;
        }
        if (have[p][type]) {
            return dp_csv_error(ctx, csv, row, c[1], "second '%s' row for %s", ind, prov);
        }
        have[p][type] = 1;
        if ((rc = number_in(ctx, csv, row, c[2], 0.0, 100.0, &ref->province_type_share[p][type])) !=
            DP_OK) {
            return rc;
        }
    }
    for (size_t p = 0; p < ref->n_province; p++) {
        double sum = 0.0;
        for (size_t type = 0; type < DP_N_TYPE; type++) {
            if (!have[p][type]) {
                return dp_error(ctx, DP_EINPUT, "%s: %s has no '%s' row", dp_csv_path(csv),
                                ref->province[p], dp_type_label[type]);
            }
            sum += ref->province_type_share[p][type];
        }
        if (fabs(sum - 100.0) > 0.5) {
            return dp_error(ctx, DP_EINPUT, "%s: %s type shares sum to %.2f%%, not 100%%",
                            dp_csv_path(csv), ref->province[p], sum);
        }
        for (size_t type = 0; type < DP_N_TYPE; type++) {
            ref->province_type_share[p][type] /= sum; /* rounding residual spread evenly */
        }
    }
    for (size_t p = ref->n_province; p < MAX_PROV; p++) {
        ref->province[p][0] = '\0';
        for (size_t type = 0; type < DP_N_TYPE; type++) {
            ref->province_type_share[p][type] = NAN;
        }
    }
    return DP_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Public API. */

dp_status
dp_reference_load(dp_ctx *ctx, const char *data_dir, dp_reference **out)
{
    dp_status rc = DP_OK;
    dp_reference *ref = calloc(1, sizeof *ref);
    mx_table *mx = calloc(1, sizeof *mx);
    dp_csv *csv = NULL;

    *out = NULL;
    if (!ref || !mx) {
        rc = dp_error(ctx, DP_ENOMEM, "reference data: out of memory");
        goto out;
    }
    if ((rc = open_table(ctx, ref, data_dir, FILE_MX, &csv)) != DP_OK ||
        (rc = read_mx(ctx, csv, mx)) != DP_OK || (rc = build_life_table(ctx, mx, ref)) != DP_OK) {
        goto out;
    }
    dp_csv_free(csv);
    csv = NULL;
    if ((rc = open_table(ctx, ref, data_dir, FILE_E0, &csv)) != DP_OK ||
        (rc = read_e0(ctx, csv, mx, ref)) != DP_OK) {
        goto out;
    }
    dp_csv_free(csv);
    csv = NULL;
    if ((rc = open_table(ctx, ref, data_dir, FILE_NATIONAL, &csv)) != DP_OK ||
        (rc = read_national(ctx, csv, ref)) != DP_OK) {
        goto out;
    }
    dp_csv_free(csv);
    csv = NULL;
    if ((rc = open_table(ctx, ref, data_dir, FILE_AGE_PREV, &csv)) != DP_OK ||
        (rc = read_age_prevalence(ctx, csv, ref)) != DP_OK) {
        goto out;
    }
    dp_csv_free(csv);
    csv = NULL;
    if ((rc = open_table(ctx, ref, data_dir, FILE_GRADES, &csv)) != DP_OK ||
        (rc = read_grades(ctx, csv, ref)) != DP_OK) {
        goto out;
    }
    dp_csv_free(csv);
    csv = NULL;
    if ((rc = open_table(ctx, ref, data_dir, FILE_SEVERE_TYPE, &csv)) != DP_OK ||
        (rc = read_severe_by_type(ctx, csv, ref)) != DP_OK) {
        goto out;
    }
    dp_csv_free(csv);
    csv = NULL;
    if ((rc = open_table(ctx, ref, data_dir, FILE_PROVINCES, &csv)) != DP_OK ||
        (rc = read_provinces(ctx, csv, ref)) != DP_OK) {
        goto out;
    }
    dp_csv_free(csv);
    csv = NULL;
    if ((rc = open_table(ctx, ref, data_dir, FILE_POP5, &csv)) != DP_OK ||
        (rc = read_pop5(ctx, csv, ref)) != DP_OK) {
        goto out;
    }
    *out = ref;
    ref = NULL;
out:
    dp_csv_free(csv);
    free(mx);
    dp_reference_free(ref);
    return rc;
}

void
dp_reference_free(dp_reference *ref)
{
    if (!ref) {
        return;
    }
    free(ref->q);
    free(ref);
}

static size_t
year_index(const dp_reference *ref, int year)
{
    if (year <= ref->year0) {
        return 0;
    }
    size_t y = (size_t)(year - ref->year0);
    return y < ref->n_year ? y : ref->n_year - 1;
}

double
dp_reference_q(const dp_reference *ref, int year, size_t sex, size_t age)
{
    if (age > DP_MAX_AGE) {
        age = DP_MAX_AGE;
    }
    return ref->q[q_index(year_index(ref, year), sex, age)];
}

double
dp_reference_e0(const dp_reference *ref, int year, size_t sex)
{
    const double *q = &ref->q[q_index(year_index(ref, year), sex, 0)];
    double l = 1.0;
    double e0 = 0.0;
    for (size_t age = 0; age < DP_MAX_AGE; age++) {
        double a = age == 0 ? 0.1 : 0.5; /* average years lived in the year by those who die */
        double d = l * q[age];
        e0 += l - (1.0 - a) * d;
        l -= d;
    }
    double m_open = -log1p(-q[DP_MAX_AGE]); /* constant force of the open group */
    e0 += l / m_open;
    return e0;
}

const double *
dp_reference_type_share(const dp_reference *ref, const char *province)
{
    if (province) {
        for (size_t p = 0; p < ref->n_province; p++) {
            if (strcasecmp(ref->province[p], province) == 0) {
                return ref->province_type_share[p];
            }
        }
    }
    return ref->type_share;
}
