/* model/input/amounts.c
 *
 * The money side of the parameters in a given year (params.h, docs/model.md "Programmes"): the
 * price index, the dibao standard (including the consumption rule) and each programme's amount
 * per grade, with its indexation and floor. Pure functions of a dp_params: both engines, the
 * settings table and the indicators read the same numbers. Thread-safe.
 */
#include <math.h>

#include "input/params.h"

double
dp_price_index(const dp_params *p, int year)
{
    int base = dp_params_run_start(p) - 1;
    double x = 1.0;
    for (int y = base + 1; y <= year; y++) {
        x *= 1.0 + dp_sched_or(&p->cpi, y, 0.0);
    }
    for (int y = year + 1; y <= base; y++) {
        x /= 1.0 + dp_sched_or(&p->cpi, y, 0.0);
    }
    return x;
}

/* First year a dated value is indexed from: its key year, or the run's first reported year for
 * a constant (which is then the value of that year, and of the years before it that a region
 * of an earlier base projects). */
static int
index_from(const dp_params *p, const dp_sched *s, int year)
{
    int key = dp_sched_key(s, year);
    return key > 0 ? key : dp_params_run_start(p);
}

int
dp_params_run_start(const dp_params *p)
{
    return p->run_start ? p->run_start : p->year_start;
}

void
dp_params_region(const dp_params *p, int base_year, dp_params *out)
{
    *out = *p;
    if (base_year != p->year_start - 1) {
        out->run_start = dp_params_run_start(p);
        out->year_start = base_year + 1;
        out->base_year = base_year;
    }
}

/* Per-capita consumption spending in year: the dated value, grown after its key year. */
static double
consumption(const dp_params *p, int year)
{
    const dp_sched *s = &p->dibao.consumption;
    double v = dp_sched_at(s, year);
    if (!isfinite(v)) {
        return 0.0;
    }
    int k = year - index_from(p, s, year);
    return k > 0 ? v * pow(1.0 + p->dibao.consumption_growth, (double)k) : v;
}

double
dp_dibao_standard(const dp_params *p, int year)
{
    const dp_sched *s = &p->dibao.standard;
    double v = dp_sched_at(s, year);
    if (!isfinite(v)) {
        v = 0.0;
    }
    int from = index_from(p, s, year);
    switch (p->dibao.kind) {
    case DP_DIBAO_CPI:
        /* Before its dated year a value applies as it is (dp_sched). */
        v = year > from ? v * dp_price_index(p, year) / dp_price_index(p, from) : v;
        break;
    case DP_DIBAO_CONSUMPTION: {
        /* Huzhong: at least share x last year's per-capita consumption spending, per month.
         * The dated values are indexed at `rate` and act as the standard below that floor. */
        int k = year - from;
        v = k > 0 ? v * pow(1.0 + p->dibao.rate, (double)k) : v;
        double fl = p->dibao.consumption_share * consumption(p, year - 1) / 12.0;
        v = v > fl ? v : fl;
        break;
    }
    case DP_DIBAO_RATE:
    default: {
        int k = year - from;
        v = k > 0 ? v * pow(1.0 + p->dibao.rate, (double)k) : v;
        break;
    }
    }
    return v;
}

double
dp_prog_amount(const dp_params *p, size_t prog, size_t g, int year)
{
    const dp_prog_params *pp = &p->prog[prog];
    if (!pp->enabled) {
        return 0.0;
    }
    double a;
    if (pp->index_kind == DP_INDEX_DIBAO) {
        a = pp->dibao_share * dp_dibao_standard(p, year) *
            (dp_prog_pay[prog] == DP_PAY_YEARLY ? 12.0 : 1.0);
    } else {
        const dp_sched *s = &pp->amount[g];
        a = dp_sched_at(s, year);
        if (!isfinite(a)) {
            a = 0.0;
        }
        int from = index_from(p, s, year);
        /* A constant is indexed from the first projected year on (the base year's value is
         * the constant itself); before its dated year a value applies as it is (dp_sched), by
         * prices as by a rate. */
        if (year > from) {
            a *= pp->index_kind == DP_INDEX_CPI ? dp_price_index(p, year) / dp_price_index(p, from)
                                                : pow(1.0 + pp->index_rate, (double)(year - from));
        }
    }
    return a > pp->floor[g] ? a : pp->floor[g];
}

