"""notebooks/plans_report.py

The tables `make plans` prints for one region (docs/plans.md), read from a dpsim results file
that holds the region's `<region>-baseline` and `<region>-plan` groups (schema v2,
docs/output-schema.md):

1. the base year against the administrative figures the plan reports (the region file's
   `reported:` entries): model, actual, difference, in the style of a budget office's "actual vs
   model" table; figures the model does not compute are listed with why;
2. spending by programme and in total in the chosen years (2025 and 2035; Hulan also 2020), in
   万元 (10,000 yuan, nominal): the baseline's and the plan's mean with the 90% interval over
   the replicates (5th to 95th percentile), and plan minus baseline, paired run k with run k
   (meaningful because `make plans` runs both with one seed: common random numbers).

Percentiles are computed as dpsim computes them (GSL: linear interpolation between the sorted
runs at position f (n - 1), numpy's default). Run with Debian's interpreter, /usr/bin/python3.

usage: /usr/bin/python3 notebooks/plans_report.py RESULTS.h5 REGION [--data DIR] [--years Y,...]
(default years: 2025 and 2035, and the plan's last target year when it is earlier)
Exit status 2 on bad input (missing file, group or region file), with a one-line message.
"""

import argparse
import sys
from pathlib import Path

import h5py
import numpy as np
import yaml

# Reported figures the model does not compute in its base year, and why (docs/plans.md; the
# same list as tests/unit/test_plans.c).
NOT_COMPUTED = {
    "medical_participants": "participation in medical insurance; computed for the projection years, not in the base-year fit",
    "pension_participation": "participation in pension insurance; computed for the projection years, not in the base-year fit",
    "medical_participation": "participation in medical insurance; computed for the projection years, not in the base-year fit",
}

PCT = (5.0, 95.0)


def fail(msg):
    """Prints msg as `plans_report: msg` and exits with status 2 (bad input)."""
    print(f"plans_report: {msg}", file=sys.stderr)
    sys.exit(2)


def labels(g, axis):
    """English labels of an axis dataset of group g (numeric axes: their values)."""
    d = g[axis]
    if d.dtype.kind in "iuf":
        return list(d[()])
    return list(d.asstr()[()])


def labels_zh(g, axis):
    """Chinese labels of an axis (attribute label_zh), as str."""
    return [x.decode() if isinstance(x, bytes) else str(x) for x in g[axis].attrs["label_zh"]]


def table(g, name, group="runs"):
    """A table as (array, dims list)."""
    d = g[f"{group}/{name}"]
    return d[()], d.attrs["dims"].split(",") if isinstance(d.attrs["dims"], str) else d.attrs["dims"].decode().split(",")


def interval(x):
    """Mean and the 5th and 95th percentiles of the 1-D array x (runs)."""
    lo, hi = np.percentile(x, PCT)
    return float(np.mean(x)), float(lo), float(hi)


def dwidth(s):
    """Display width of s in a terminal: CJK characters take two columns."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in s)


def ljust(s, w):
    """s padded on the right to display width w."""
    return s + " " * max(0, w - dwidth(s))


def rjust(s, w):
    """s padded on the left to display width w."""
    return " " * max(0, w - dwidth(s)) + s


def num(v):
    """v with one decimal; values that round to zero print as 0.0, not -0.0."""
    return f"{0.0 if abs(v) < 0.05 else v:.1f}"


def fmt_cell(m, lo, hi, runs):
    """'mean [lo, hi]' in 万元 with one decimal; just the mean with one run."""
    if runs < 2:
        return num(m)
    return f"{num(m)} [{num(lo)}, {num(hi)}]"


def base_year_table(gb, region, data_dir):
    """Prints the base year against the region file's reported figures."""
    path = Path(data_dir) / "regions" / f"{region}.yaml"
    try:
        reg = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        fail(f"{path}: cannot open: {e.strerror}")
    base = int(gb.attrs["year_start"]) - 1
    print(f"Base year {base}: model against the plan's administrative figures "
          f"/ 基年{base}年：模型与行政数据对照")
    reported = reg.get("reported") or []
    if not reported:
        print("  (the region file reports no administrative figures / 无行政数据)")
        return
    marg = labels(gb, "marginal")
    fitstat = labels(gb, "fitstat")
    fit, _ = table(gb, "fit", "base")  # [region, marginal, fitstat]
    regions = labels(gb, "region")
    ri = regions.index(region)
    prog = labels(gb, "programme")
    take_up, _ = table(gb, "take_up", "base")  # [region, programme]
    settings = labels(gb, "setting")
    sett, _ = table(gb, "settings", "base")  # [setting, year]
    # Base-year recipients from the identity person-months = 6 (R_start + R_end) of the first
    # projected year: R_start = person-months / 6 - R_end, per run, then the mean.
    pm, _ = table(gb, "person_months")  # [run, year, region, programme, grade]
    rec, _ = table(gb, "recipients")  # [run, year, region, programme]

    def base_recipients(k):
        r0 = pm[:, 0, ri, k, :].sum(axis=1) / 6.0 - rec[:, 0, ri, k]
        return float(np.mean(r0))

    def model_value(key):
        """(value, how) for a reported key, or None when not computed."""
        if key == "certified":
            return fit[ri, marg.index("certified"), fitstat.index("fitted")], "certified (card holders)"
        if key == "dibao_certified":
            return fit[ri, marg.index("dibao_certified"), fitstat.index("fitted")], "certified in dibao households"
        if key in ("living_subsidy_recipients", "care_subsidy_recipients"):
            return base_recipients(prog.index(key[: -len("_recipients")])), "recipients at the end of the base year"
        if key in ("living_subsidy_coverage", "care_subsidy_coverage"):
            return take_up[ri, prog.index(key[: -len("_coverage")])], "take-up: paid / eligible card holders"
        if key == "adult_rehab_coverage":
            return sett[settings.index("programmes.adult_rehab.coverage"), 0], "adult_rehab coverage (scenario input)"
        if key == "device_fitting_rate":
            return sett[settings.index("programmes.assistive_devices.coverage"), 0], "assistive_devices coverage (scenario input)"
        return None

    print(f"  {'figure':<31} {'model':>12} {'actual':>12} {'difference':>12}  model quantity "
          "(模型 / 实际 / 差值)")
    skipped = []
    for rep in reported:
        key, actual, unit = rep["key"], float(rep["value"]), rep.get("unit", "")
        year, first = int(rep["year"]), int(rep.get("from", rep["year"]))
        if year != base or first != year or rep.get("at", "end") != "end":
            when = f"{first}-{year}" if first != year else f"{year} ({rep.get('at', 'end')})"
            skipped.append((key, f"a figure for {when}, not the end of the base year"))
            continue
        bound = {"lower": ">=", "upper": "<="}.get(rep.get("bound", "exact"), "")
        mv = model_value(key)
        if mv is None:
            skipped.append((key, NOT_COMPUTED.get(key, "no model quantity")))
            continue
        v, how = mv
        if unit == "share":
            act = f"{bound}{100 * actual:.1f}%"
            print(f"  {key:<31} {100 * v:11.1f}% {act:>12} {100 * (v - actual):11.1f}%  {how}")
        else:
            act = f"{bound}{actual:.0f}"
            print(f"  {key:<31} {v:12.1f} {act:>12} {num(v - actual):>12}  {how}")
    for key, why in skipped:
        print(f"  {key:<31} {'-':>12} {'':>12} {'':>12}  not compared: {why}")


def spending_tables(gb, gp, years):
    """Prints spending by programme and in total, baseline, plan and the paired difference."""
    prog = labels(gb, "programme")
    prog_zh = labels_zh(gb, "programme")
    yb = labels(gb, "year")
    sb, _ = table(gb, "spending")  # [run, year, region, programme] yuan
    sp, _ = table(gp, "spending")
    if labels(gp, "programme") != prog or labels(gp, "year") != yb:
        fail("the baseline and the plan have different programme or year axes")
    runs_b, runs_p = sb.shape[0], sp.shape[0]
    paired = runs_b == runs_p and runs_b > 1
    sb = sb.sum(axis=2) / 1e4  # [run, year, programme] 万元, regions summed
    sp = sp.sum(axis=2) / 1e4
    for y in years:
        if y not in yb:
            continue
        yi = yb.index(y)
        many = max(runs_b, runs_p) > 1
        print()
        print(f"Spending {y}, 万元 (10,000 yuan, nominal) / {y}年支出（万元，名义）: mean"
              + (" [5th, 95th percentile] over the runs" if many else ""))
        rows = [(prog[k], prog_zh[k], sb[:, yi, k], sp[:, yi, k]) for k in range(len(prog))]
        rows.append(("total", "合计", sb[:, yi, :].sum(axis=1), sp[:, yi, :].sum(axis=1)))
        cells = []
        for name, zh, xb, xp in rows:
            cb = fmt_cell(*interval(xb), runs_b)
            cp = fmt_cell(*interval(xp), runs_p)
            if paired:
                cd = fmt_cell(*interval(xp - xb), runs_b)
            else:
                cd = num(float(np.mean(xp) - np.mean(xb)))
            cells.append((name, zh, cb, cp, cd))
        head = ("programme", "项目", "baseline 基准", "plan 方案", "plan - baseline 差值")
        w = [max(dwidth(c[i]) for c in cells + [head]) for i in range(5)]
        for c in [head] + cells:
            print("  " + ljust(c[0], w[0]) + "  " + ljust(c[1], w[1]) + "  "
                  + "  ".join(rjust(c[i], w[i]) for i in (2, 3, 4)))
    if not paired:
        print("  (plan - baseline: difference of means; no interval without equal runs > 1)")
    else:
        print(f"  (plan - baseline: paired differences, run k with run k, {runs_b} runs each)")


def main(argv):
    """Entry point; see the module docstring."""
    ap = argparse.ArgumentParser(prog="plans_report.py", description=__doc__.split("\n\n")[1])
    ap.add_argument("results")
    ap.add_argument("region")
    ap.add_argument("--data", default="data", help="data folder with regions/ (default: data)")
    ap.add_argument("--years", default=None, help="comma-separated years (default: 2025,2035; "
                    "a plan ending before 2025 adds its first years' end, e.g. Hulan 2020)")
    a = ap.parse_args(argv)
    try:
        f = h5py.File(a.results, "r")
    except OSError:
        fail(f"{a.results}: cannot open as a dpsim results file")
    nb, np_ = f"{a.region}-baseline", f"{a.region}-plan"
    for n in (nb, np_):
        if n not in f:
            fail(f"{a.results}: no scenario '{n}' (the file has: {' '.join(f.keys())})")
    gb, gp = f[nb], f[np_]
    if a.years:
        years = [int(y) for y in a.years.split(",")]
    else:
        # 2025 and 2035; a plan whose targets end before 2025 (Hulan: 2020) adds that year.
        years = [2025, 2035]
        if "base/targets" in gp:
            field = labels(gp, "target_field")
            last = int(np.max(gp["base/targets"][:, field.index("year")]))
            if last < 2025:
                years.insert(0, last)
    regions = labels(gb, "region")
    title = gb.attrs.get("title", "")
    print(f"== {a.region}: {np_} against {nb} ==")
    if title:
        print(f"   {gp.attrs.get('title', '')}")
    print(f"   engine {gb.attrs['engine']}, {int(gb.attrs['runs'])} runs (baseline), "
          f"{int(gp.attrs['runs'])} runs (plan), seed {int(gb.attrs['seed'])}; regions: {', '.join(regions)}")
    print()
    base_year_table(gb, a.region, a.data)
    spending_tables(gb, gp, years)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
