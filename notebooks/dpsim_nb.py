"""notebooks/dpsim_nb.py

Helpers shared by the notebooks in this folder: find or make the results file, read a dpsim
HDF5 results file (schema v2, or v1, docs/output-schema.md) into labelled xarray arrays with h5py, the
replicate statistics the figures need (percentiles as GSL computes them, paired scenario
differences), the scenario-text diff, the plan-target reader, the age pyramid's panels
(notebook 04: the base year from base/disabled_base beside 2035), and the plot style (a CJK
font when one is installed, so that figures can carry Chinese labels).

Run it with Debian's interpreter, /usr/bin/python3 (h5py, xarray, pandas, matplotlib and PyYAML
are Debian packages; another `python3` first on PATH may not see them).

Environment read here (never by the library):
  DPSIM_RESULTS   results file to read; when unset, default_run() makes a small run itself
  DPSIM_BIN       the dpsim binary (default: build/bin/dpsim under the project root)
  DPSIM_RUNS      replicates of that small run (default 20)
  DPSIM_ENGINE    engine of that small run (default: micro when the binary offers it, else cohort)
  DPSIM_SCENARIO  scenario group shown by 01, 03 and 04 (default: the first in the file)
  DPSIM_BASE, DPSIM_ALT   the two groups compared by 02 (default: the first two in the file)

Also a command: `/usr/bin/python3 notebooks/dpsim_nb.py default-run OUT.h5` writes the default
run to OUT.h5 (make report uses it, so all four notebooks read one file).
"""

import atexit
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import xarray as xr
import yaml

ROOT = Path(__file__).resolve().parent.parent
# The statistics of the file's summary/ group, in the order of schema 4's stat axis (files of
# schemas 1-3 lack p025 and p975: read statistics by name, never by position).
STATS = ("mean", "sd", "p025", "p05", "p25", "p50", "p75", "p95", "p975")
QUANTILES = {"p025": 0.025, "p05": 0.05, "p25": 0.25, "p50": 0.50, "p75": 0.75, "p95": 0.95,
             "p975": 0.975}
WAN = 1e4  # yuan per 万元: spending is shown in 10,000 yuan, as dpsim's own tables do

# The default run's baseline: Da'an's baseline with its four illustrative plan targets
# (scenarios/daan-targets.yaml extends daan-baseline.yaml), so that notebook 03 has targets to
# show. The reform the default run compares with it (notebook 02) extends it and so inherits
# the targets: Da'an's care subsidy (重度残疾人护理补贴) raised from 93 to 120 yuan a month
# from 2023 and indexed by 3 % a year. An illustration of an overlay, not a plan commitment.
DEFAULT_BASELINE = "daan-targets.yaml"
DEFAULT_VARIANT_NAME = "daan-care-raise"
DEFAULT_VARIANT = """\
dpsim: 1
name: daan-care-raise
title: "Da'an: care subsidy 120 yuan/month from 2023, indexed 3% a year (illustration)"
extends: {baseline}
programmes:
  care_subsidy:
    monthly: {{grade1: {{2021: 93, 2023: 120}}, grade2: {{2021: 93, 2023: 120}}}}
    indexation: {{rate: 0.03}}
"""


# ---------------------------------------------------------------------------------------------
# Finding or making the results file


def dpsim_binary():
    """Path of the dpsim binary: $DPSIM_BIN, else build/bin/dpsim under the project root."""
    path = Path(os.environ.get("DPSIM_BIN") or ROOT / "build" / "bin" / "dpsim")
    if not path.is_file():
        raise FileNotFoundError(f"dpsim binary not found at {path}: run `make` in {ROOT} first")
    return path


def engine_help(text):
    """The description of the --engine option in `dpsim run --help` output, as one line: from
    the line that starts with --engine to the next option line."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if out and (s.startswith("-") or not s):
            break
        if out or s.startswith("--engine"):
            out.append(s)
    return " ".join(out)


def micro_available(binary):
    """True when `dpsim run --help` describes a micro engine under --engine, not saying that
    it is not available."""
    text = subprocess.run([str(binary), "run", "--help"], capture_output=True, text=True).stdout
    desc = engine_help(text).lower()
    return "micro" in desc and "not available" not in desc


def default_run(out=None, runs=None, seed=1):
    """Runs the Da'an baseline with plan targets (DEFAULT_BASELINE) and the care-subsidy overlay
    on it into one small results file.

    out: the file to write (default: a temporary folder removed when the kernel exits).
    runs: replicates (default $DPSIM_RUNS or 20). Engine: $DPSIM_ENGINE, else micro when the
    binary offers it, else cohort. Returns the path. Raises RuntimeError with dpsim's message
    when the run fails.
    """
    binary = dpsim_binary()
    runs = int(runs or os.environ.get("DPSIM_RUNS") or 20)
    engine = os.environ.get("DPSIM_ENGINE") or ("micro" if micro_available(binary) else "cohort")
    work = Path(tempfile.mkdtemp(prefix="dpsim-nb-"))
    if out is None:
        atexit.register(shutil.rmtree, work, True)
        out = work / "results.h5"
    out = Path(out)
    baseline = ROOT / "scenarios" / DEFAULT_BASELINE
    variant = work / f"{DEFAULT_VARIANT_NAME}.yaml"
    variant.write_text(DEFAULT_VARIANT.format(baseline=baseline), encoding="utf-8")
    cmd = [str(binary), "run", str(baseline), str(variant), "--engine", engine,
           "--runs", str(runs), "--seed", str(seed), "--data", str(ROOT / "data"),
           "-o", str(out), "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if out != work / "results.h5":
        shutil.rmtree(work, True)
    if proc.returncode != 0:
        raise RuntimeError(f"dpsim run failed (exit {proc.returncode}): {proc.stderr.strip()}")
    return out


def results_path():
    """The results file: $DPSIM_RESULTS when set (it must exist), else a fresh default_run()."""
    env = os.environ.get("DPSIM_RESULTS")
    if env:
        path = Path(env)
        if not path.is_file():
            raise FileNotFoundError(f"DPSIM_RESULTS={env}: no such file")
        return path
    return default_run()


# The back-test the report shows when the results file holds none: the national back-test of
# docs/validation.md (status_quo: trend from the end-2017 base, fitted on the figures up to 2018).
BACKTEST_SCENARIO = "china-2017-trend.yaml"
BACKTEST_FIT_UNTIL = 2018
# The figures status_quo: trend fits and projects (the back-test's "trend" figures).
BACKTEST_KEYS = (("living_subsidy_recipients", "Living subsidy recipients", "困难残疾人生活补贴领取人数"),
                 ("care_subsidy_recipients", "Care subsidy recipients", "重度残疾人护理补贴领取人数"))


def has_backtest(path):
    """The first scenario of the file at path that has a backtest/ group, or None."""
    with h5py.File(path, "r") as f:
        for k, v in f.items():
            if isinstance(v, h5py.Group) and isinstance(v.get("backtest"), h5py.Group):
                return k
    return None


def backtest_path(path=None, runs=None, seed=1):
    """A results file with a backtest/ group and the command that made it: path (default
    results_path()) when it holds one; else `dpsim backtest` of BACKTEST_SCENARIO fitted up
    to BACKTEST_FIT_UNTIL (cohort engine, `runs` replicates, default $DPSIM_RUNS or 40), into a
    temporary folder removed when the kernel exits. Raises RuntimeError with dpsim's message
    when the back-test fails."""
    path = Path(path) if path else results_path()
    if has_backtest(path):
        return path, None
    binary = dpsim_binary()
    runs = int(runs or os.environ.get("DPSIM_RUNS") or 40)
    work = Path(tempfile.mkdtemp(prefix="dpsim-bt-"))
    atexit.register(shutil.rmtree, work, True)
    out = work / "backtest.h5"
    args = ["backtest", f"scenarios/{BACKTEST_SCENARIO}", "--fit-until", str(BACKTEST_FIT_UNTIL),
            "--engine", "cohort", "--runs", str(runs), "--seed", str(seed)]
    proc = subprocess.run([str(binary)] + args[:2] + ["--data", str(ROOT / "data")] + args[2:]
                          + ["-o", str(out)], capture_output=True, text=True,
                          cwd=str(ROOT))
    if proc.returncode != 0:
        raise RuntimeError(f"dpsim backtest failed (exit {proc.returncode}): "
                           f"{proc.stderr.strip()}")
    return out, "dpsim " + " ".join(args)


def backtest_panels(res, scen):
    """The back-test figure's data, per key of BACKTEST_KEYS that the file reports: (key,
    years, runs [run, year] of the programme's recipients (runs/recipients) summed over regions,
    points). points is a
    DataFrame of the key's reported one-date figures (history/history_reported): t (years; the
    end of month m of year Y is Y - 1 + m / 12), value, bound (0 exact, 1 lower, 2 upper),
    checked (reported after the fitted years, so compared) and in50 / in90 (from
    backtest/backtest_items; NaN for fitted figures). Also returns fit_until."""
    g = res.f[scen]
    sstat = res.axis(scen, "backtest_summary_stat").labels
    fit_until = int(g["backtest/backtest_summary"][sstat.index("fit_until")])
    rec = res.table(scen, "runs", "recipients").sum("region")
    years = rec["year"].values
    rep = res.table(scen, "history", "history_reported") if "history" in g else None
    items = res.table(scen, "backtest", "backtest_items")
    out = []
    for key, _, _ in BACKTEST_KEYS:
        prog = key[:-len("_recipients")]
        if prog not in list(rec["programme"].values):
            continue
        rows = []
        if rep is not None:
            for label in rep["reported_item"].values:
                r = rep.sel(reported_item=label)
                if label.split(" ")[1] != key or r.sel(reported_stat="from") != r.sel(
                        reported_stat="year"):
                    continue
                y, m = int(r.sel(reported_stat="year")), int(r.sel(reported_stat="month"))
                it = f"{label.split(' ')[0]} {key} {y}-{m:02d}"
                hit = it in list(items["backtest_item"].values)
                rows.append({"t": y - 1 + m / 12, "value": float(r.sel(reported_stat="value")),
                             "bound": int(r.sel(reported_stat="bound")),
                             "checked": y > fit_until,
                             "in50": float(items.sel(backtest_item=it, backtest_stat="in50"))
                             if hit else math.nan,
                             "in90": float(items.sel(backtest_item=it, backtest_stat="in90"))
                             if hit else math.nan})
        out.append((key, years, rec.sel(programme=prog), pd.DataFrame(rows)))
    return out, fit_until


# ---------------------------------------------------------------------------------------------
# Reading the file


def _text(x):
    if isinstance(x, bytes):
        return x.decode("utf-8")
    if isinstance(x, np.ndarray) and x.shape == ():
        return _text(x[()])
    return str(x)


def _texts(xs):
    return [_text(x) for x in np.asarray(xs).ravel()]


class Axis:
    """One axis of a scenario group: English labels, Chinese labels, numeric values or None."""

    def __init__(self, name, labels, label_zh, values):
        self.name = name
        self.labels = labels
        self.label_zh = label_zh
        self.values = values

    def coord(self):
        """Coordinate for xarray: the numbers of a numeric axis, else the English labels."""
        return self.values if self.values is not None else np.array(self.labels, dtype=object)

    def zh(self, label):
        """Chinese label of an English label (the English one when there is none)."""
        return self.label_zh[self.labels.index(label)] if label in self.labels else label


class Results:
    """A dpsim results file opened read-only with h5py."""

    def __init__(self, path):
        self.path = Path(path)
        self.f = h5py.File(self.path, "r")
        self._axes = {}

    def close(self):
        self.f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def attrs(self):
        return {k: _text(v) for k, v in self.f.attrs.items()}

    @property
    def scenarios(self):
        """Scenario groups in the order they were written (alphabetical if not tracked)."""
        names = []
        try:
            self.f.id.links.iterate(lambda n: names.append(n.decode("utf-8")),
                                    idx_type=h5py.h5.INDEX_CRT_ORDER)
        except (KeyError, ValueError, RuntimeError):
            names = list(self.f.keys())
        return [n for n in names if isinstance(self.f.get(n), h5py.Group)]

    def scenario(self, env="DPSIM_SCENARIO", index=0):
        """The group named by $env, else the index-th of the file."""
        name = os.environ.get(env)
        if name:
            if name not in self.scenarios:
                raise KeyError(f"{env}={name}: no such scenario in {self.path} "
                               f"(it has {', '.join(self.scenarios)})")
            return name
        return self.scenarios[index]

    def info(self, scen):
        """Scenario group attributes as a dict of plain Python values."""
        out = {}
        for k, v in self.f[scen].attrs.items():
            out[k] = v.item() if isinstance(v, np.generic) else _text(v)
        return out

    def scenario_yaml(self, scen):
        return _text(self.f[scen]["scenario_yaml"][()])

    def axis(self, scen, name):
        key = (scen, name)
        if key not in self._axes:
            d = self.f[scen][name]
            raw = d[()]
            if d.dtype.kind in "iuf":
                values = np.asarray(raw)
                labels = (_texts(d.attrs["labels"]) if "labels" in d.attrs
                          else [str(v) for v in values.tolist()])
            else:
                values = None
                labels = _texts(raw)
            label_zh = _texts(d.attrs["label_zh"]) if "label_zh" in d.attrs else list(labels)
            self._axes[key] = Axis(name, labels, label_zh, values)
        return self._axes[key]

    def has(self, scen, group, name):
        g = self.f[scen].get(group)
        return isinstance(g, h5py.Group) and isinstance(g.get(name), h5py.Dataset)

    def tables(self, scen, group):
        g = self.f[scen].get(group)
        if not isinstance(g, h5py.Group):
            return []
        return [k for k, v in g.items() if isinstance(v, h5py.Dataset)]

    def dims(self, scen, group, name):
        return _text(self.f[scen][group][name].attrs["dims"]).split(",")

    # A table's attributes: the CF names of schema 3, and the names schema 1 and 2 used.
    TABLE_ATTRS = (("units", "unit"), ("long_name", "title"), ("label_zh", "title_zh"),
                   ("dims", "dims"))

    def table(self, scen, group, name):
        """A table as an xarray.DataArray with its axes as coordinates and its attributes
        (units, long_name, label_zh, dims; read from an older file's unit, title, title_zh)."""
        d = self.f[scen][group][name]
        dims = self.dims(scen, group, name)
        coords = {dim: self.axis(scen, dim).coord() for dim in dims}
        attrs = {new: _text(d.attrs[new] if new in d.attrs else d.attrs[old])
                 for new, old in self.TABLE_ATTRS if new in d.attrs or old in d.attrs}
        return xr.DataArray(d[()], dims=dims, coords=coords, attrs=attrs, name=name)


# Notebook cells tagged so are left out of the HTML report (notebooks/report.py): details for
# the analyst who runs the notebooks (environment variables, HDF5 table names, self-checks), not
# for the finance bureau that reads the report.
REPORT_OMIT_TAG = "no-report"

ENGINE_WORDS = {
    "micro": "micro: person by person, Monte Carlo 微观模拟（蒙特卡洛）",
    "cohort": "cohort: groups of persons, expected values 队列模型（期望值）",
}


def written_at(stamp):
    """'2026-12-07T09:11:19Z' -> '2026-12-07 09:11 UTC' (the text as it is otherwise)."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d*)?)?Z?", str(stamp).strip())
    return f"{m.group(1)} {m.group(2)} UTC" if m else str(stamp)


def provenance(res, scen):
    """Where the numbers come from, in plain words, as a two-column table for the top of a
    notebook: the results file's name, the scenario, its title, engine, runs, seed, regions,
    years and when the file was written. The full path, schema and command line are in
    provenance_details()."""
    info = res.info(scen)
    root = res.attrs
    engine = str(info.get("engine", ""))
    rows = [
        ("results file 结果文件", res.path.name),
        ("scenario 方案", scen),
        ("title 标题", info.get("title", "")),
        ("engine 引擎", ENGINE_WORDS.get(engine, engine)),
        ("runs 重复次数", info.get("runs", "")),
        ("seed 随机种子", info.get("seed", "")),
        ("regions 地区", info.get("regions", "")),
        ("years 年份", f"{info.get('year_start', '')}–{info.get('year_end', '')}"),
        ("results written 结果生成时间", written_at(root.get("created_utc", ""))),
    ]
    return pd.DataFrame(rows, columns=["", "value 值"]).set_index("")


def provenance_details(res):
    """The technical side of provenance (for the analyst; left out of the report): the full
    path of the results file, the tool, version and schema that wrote it, its command line."""
    root = res.attrs
    rows = [
        ("path 路径", str(res.path.resolve())),
        ("written by 生成", f"{root.get('tool', '')} {root.get('version', '')}, "
                            f"schema {root.get('schema_version', '')}, {root.get('created_utc', '')}"),
        ("command 命令", root.get("command_line", "")),
    ]
    return pd.DataFrame(rows, columns=["", "value 值"]).set_index("")


def left(df):
    """A table of text shown left-aligned (pandas Styler): provenance and label tables."""
    return df.style.set_properties(**{"text-align": "left"}).set_table_styles(
        [{"selector": "th", "props": [("text-align", "left")]}])


def report_summary(path):
    """What the report's title page says about the results file, in plain words (notebooks/
    report.py): its name, when it was written and by which dpsim version, and one row per
    scenario (name, title, engine, runs, seed, years) as a Markdown table."""
    with Results(path) as res:
        root = res.attrs
        lines = [f"Results file 结果文件: **{res.path.name}**, written "
                 f"{written_at(root.get('created_utc', ''))} by {root.get('tool', 'dpsim')} "
                 f"{root.get('version', '')} (结果生成时间).", "",
                 "| scenario 方案 | title 标题 | engine 引擎 | runs 重复次数 | seed 随机种子 | "
                 "years 年份 |", "|---|---|---|---|---|---|"]
        for s in res.scenarios:
            i = res.info(s)
            engine = str(i.get("engine", ""))
            cells = [s, i.get("title", ""), ENGINE_WORDS.get(engine, engine), i.get("runs", ""),
                     i.get("seed", ""), f"{i.get('year_start', '')}–{i.get('year_end', '')}"]
            lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return lines


def both(axis, label):
    """'English 中文' label of an axis entry, for table headers."""
    chinese = axis.zh(label)
    return label if chinese == label else f"{label} {chinese}"


# ---------------------------------------------------------------------------------------------
# Statistics over replicates


def quantiles(a, dim="run"):
    """p025, p05, p25, p50, p75, p95, p975 over `dim`, by linear interpolation between the
    sorted runs:
    quantile f sits at position f*(runs - 1), as GSL's gsl_stats_quantile_from_sorted_data
    and the file's summary/ tables (docs/output-schema.md). Returns a DataArray with a `stat`
    dimension labelled p025..p975 (p025-p975 the 95% interval, p05-p95 the 90%)."""
    q = a.quantile(list(QUANTILES.values()), dim=dim, method="linear")
    return q.assign_coords(quantile=list(QUANTILES)).rename(quantile="stat")


def describe(a, dim="run"):
    """mean, sd (divisor runs - 1; 0 for one run) and the percentiles over `dim`."""
    a = a.reset_coords(drop=True)
    n = a.sizes[dim]
    mean = a.mean(dim).expand_dims(stat=["mean"])
    sd = (a.std(dim, ddof=1) if n > 1 else xr.zeros_like(a.isel({dim: 0}), dtype=float))
    sd = sd.drop_vars(dim, errors="ignore").expand_dims(stat=["sd"])
    return xr.concat([mean, sd, quantiles(a, dim)], dim="stat", coords="minimal")


def paired_difference(base, alt, dim="run", common=("year",)):
    """alt - base run by run (same replicate index: with the same seed both scenarios drew the
    same random numbers, DESIGN §7). Only the first min(runs) replicates are paired; the
    `common` dimensions keep only the labels both sides have (years of both horizons); other
    coordinates are aligned on their labels, a label missing on one side counting as 0 (e.g. a
    programme only the alternative has)."""
    n = min(base.sizes[dim], alt.sizes[dim])
    b = base.isel({dim: slice(0, n)})
    a = alt.isel({dim: slice(0, n)})
    for c in common:
        if c in b.dims and c in a.dims:
            keep = [v for v in b[c].values if v in set(a[c].values)]
            b, a = b.sel({c: keep}), a.sel({c: keep})
    b, a = xr.align(b, a, join="outer", fill_value=0.0, exclude=[dim, *common])
    return a - b


def mean_interval(a, dim="run", z=1.959963984540054):
    """Mean over `dim` and the half-width of its normal 95 % confidence interval
    (z * sd / sqrt(n)); the half-width is NaN for fewer than 2 runs."""
    n = a.sizes[dim]
    mean = a.mean(dim)
    half = (z * a.std(dim, ddof=1) / math.sqrt(n)) if n > 1 else xr.full_like(mean, np.nan)
    return mean, half


# ---------------------------------------------------------------------------------------------
# Scenario text diff


def _is_dated(v):
    return isinstance(v, dict) and len(v) > 0 and all(
        isinstance(k, int) and not isinstance(k, bool) for k in v)


def _leaf_text(v):
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_leaf_text(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_leaf_text(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def flatten(tree, prefix=""):
    """Key paths of a parsed scenario: {'programmes.care_subsidy.monthly.grade1': value, ...}.
    A date-ranged value (a map whose keys are all years) and a distribution (a map with `dist`)
    stay one leaf; lists are leaves."""
    out = {}
    if isinstance(tree, dict) and not _is_dated(tree) and "dist" not in tree:
        for k, v in tree.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    else:
        out[prefix] = tree
    return out


def value_in_year(v, year):
    """The value a (possibly date-ranged) leaf has in `year`: the entry of the latest key not
    after the year; before the first key, the first entry (docs/scenarios.md)."""
    if not _is_dated(v):
        return v
    keys = sorted(v)
    chosen = keys[0]
    for k in keys:
        if k <= year:
            chosen = k
    return v[chosen]


def _year_ranges(years):
    """[2023, 2024, 2025, 2030] -> '2023–2025, 2030'."""
    parts = []
    start = prev = None
    for y in years:
        if start is None:
            start = prev = y
        elif y == prev + 1:
            prev = y
        else:
            parts.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = prev = y
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}–{prev}")
    return ", ".join(parts)


def scenario_diff(base_text, alt_text, skip=("name", "title", "extends")):
    """What differs between two resolved scenario texts, as a DataFrame with columns
    key, years, base, alternative. Keys are flattened to paths; where either side is
    date-ranged, both are expanded year by year over the union of the two horizons
    (years.start..years.end, default 2021..2035) and consecutive years with the same pair of
    values are merged into one row. A key present on one side only shows '—' on the other."""
    base = yaml.safe_load(base_text) or {}
    alt = yaml.safe_load(alt_text) or {}

    def horizon(t):
        y = t.get("years") or {}
        return int(y.get("start", 2021)), int(y.get("end", 2035))

    (s0, e0), (s1, e1) = horizon(base), horizon(alt)
    years = range(min(s0, s1), max(e0, e1) + 1)
    fb, fa = flatten(base), flatten(alt)
    rows = []
    missing = "—"
    for key in sorted(set(fb) | set(fa)):
        if key.split(".")[0] in skip:
            continue
        vb, va = fb.get(key, missing), fa.get(key, missing)
        if vb == va:
            continue
        if _is_dated(vb) or _is_dated(va):
            by_pair = {}
            for y in years:
                pair = (_leaf_text(value_in_year(vb, y)), _leaf_text(value_in_year(va, y)))
                if pair[0] != pair[1]:
                    by_pair.setdefault(pair, []).append(y)
            for (tb, ta), ys in sorted(by_pair.items(), key=lambda kv: kv[1][0]):
                rows.append({"key": key, "years": _year_ranges(ys), "base": tb, "alternative": ta})
        else:
            rows.append({"key": key, "years": "all", "base": _leaf_text(vb),
                         "alternative": _leaf_text(va)})
    return pd.DataFrame(rows, columns=["key", "years", "base", "alternative"])


# ---------------------------------------------------------------------------------------------
# Plan targets

TARGET_COLUMNS = ("indicator", "year", "op", "value", "kind", "mean", "probability")
_ALIASES = {
    "probability": ("probability", "prob", "p_met", "probability_met", "met_probability",
                    "share_met", "met"),
    "mean": ("mean", "expected", "mean_value"),
    "value": ("value", "threshold", "target_value"),
    "kind": ("kind", "type", "binding"),
    "op": ("op", "operator", "comparison"),
    "indicator": ("indicator", "name"),
    "year": ("year",),
}
_OPS = {-1: "<=", 0: "==", 1: ">="}


def _canonical(col):
    c = str(col).strip().lower()
    for name, aliases in _ALIASES.items():
        if c in aliases:
            return name
    return None


def _frame_from_columns(cols):
    df = pd.DataFrame(cols)
    rename = {}
    for c in df.columns:
        name = _canonical(c)
        if name and name not in rename.values():
            rename[c] = name
    return df.rename(columns=rename)


def _target_datasets(res, scen):
    """Every dataset under the scenario group whose name starts with 'target'."""
    found = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and name.split("/")[-1].lower().startswith("target"):
            found.append(name)

    res.f[scen].visititems(visit)
    return sorted(found)


def _targets_from(res, scen, name):
    """One target dataset as a DataFrame (None when its layout is not one read here)."""
    d = res.f[scen][name]
    if d.dtype.names:                                       # layout 1: compound records
        rec = d[()]
        return _frame_from_columns({f: (_texts(rec[f]) if rec[f].dtype.kind in "OS" else rec[f])
                                    for f in d.dtype.names})
    if "dims" not in d.attrs or "/" not in name:
        return None
    group, table = name.rsplit("/", 1)
    a = res.table(scen, group, table)
    if "target" not in a.dims:
        return None
    labels = [str(t) for t in a["target"].values]
    if "stat" in a.dims:
        a = a.sel(stat="mean", drop=True)
    if "run" in a.dims:                                     # layout 4: 0/1 per run
        if "met" not in table.lower():
            return None
        return pd.DataFrame({"target": labels, "probability": a.mean("run").values.astype(float)})
    other = [x for x in a.dims if x != "target"]
    if len(other) == 1:                                     # layout 2: [target, field]
        wide = a.transpose("target", other[0]).values
        cols = {"target": labels}
        cols.update({str(c): wide[:, i] for i, c in enumerate(a[other[0]].values)})
        return _frame_from_columns(cols)
    if not other:                                           # one value per target
        col = "probability" if re.search(r"met|prob", table.lower()) else "mean"
        return pd.DataFrame({"target": labels, col: a.values.astype(float)})
    return None


def dpsim_targets(res, scen):
    """The plan targets as `dpsim run` writes them (docs/output-schema.md#plan-targets), or None
    when the group lacks that layout: the axis `target`, the base table `targets [target,
    target_field]` (year, value, op, strict, binding, tolerance, region, gap_in_yuan) and the
    per-run tables target_values, target_met, target_gap, target_gap_yuan with their summary/.
    One row per target, in the file's order: target, target_zh, indicator, region, year, op,
    value, tolerance, kind, runs, mean, p05, p95, then from schema 4 p025, p975 (of the
    indicator), probability (the mean of target_met), mean_gap, gap_unit (persons or yuan),
    mean_gap_yuan (NaN: no unit cost)."""
    g = res.f[scen]
    need = ["base/targets"] + [f"summary/target_{t}" for t in ("values", "met", "gap", "gap_yuan")]
    if not all(isinstance(g.get(n), h5py.Dataset) for n in need) or \
            not isinstance(g.get("target_field"), h5py.Dataset):
        return None
    if res.dims(scen, "base", "targets") != ["target", "target_field"]:
        return None
    labels = _texts(g["target"][()])
    label_zh = _texts(g["target"].attrs["label_zh"]) if "label_zh" in g["target"].attrs \
        else list(labels)
    field = _texts(g["target_field"][()])
    d = g["base/targets"][()]
    col = {f: d[:, field.index(f)] for f in field}
    stat = _texts(g["stat"][()])

    def summary(name, which="mean"):
        return g["summary"][name][stat.index(which)]

    regions = _texts(g["region"][()]) if "region" in g else []
    year = col["year"].astype(int)
    op = [("==" if o == 0 else (">" if o > 0 else "<") + ("" if st else "="))
          for o, st in zip(col["op"], col["strict"])]
    df = pd.DataFrame({
        "target": labels,
        "target_zh": label_zh,
        # The indicator is the label up to "_<year>" (indicator names hold no year).
        "indicator": [t.split(f"_{y}")[0] for t, y in zip(labels, year)],
        "region": [regions[int(r)] if r >= 0 and int(r) < len(regions) else "all"
                   for r in col["region"]],
        "year": year,
        "op": op,
        "value": col["value"],
        "tolerance": col["tolerance"],
        "kind": ["binding" if b else "expected" for b in col["binding"]],
        "runs": int(g.attrs.get("runs", len(g["run"]) if "run" in g else 0)),
        "mean": summary("target_values"),
        "p05": summary("target_values", "p05"),
        "p95": summary("target_values", "p95"),
        "probability": summary("target_met"),
        "mean_gap": summary("target_gap"),
        "gap_unit": ["yuan" if y else "persons" for y in col["gap_in_yuan"]],
        "mean_gap_yuan": summary("target_gap_yuan"),
    })
    if "p025" in stat and "p975" in stat:        # schema 4 on: the 95% interval too
        df.insert(df.columns.get_loc("p95") + 1, "p025", summary("target_values", "p025"))
        df.insert(df.columns.get_loc("p025") + 1, "p975", summary("target_values", "p975"))
    return df


def read_targets(res, scen):
    """The scenario's plan targets as a DataFrame (columns among target, indicator, year, op,
    value, kind, mean, probability), with a note saying where they were read, or (None, note)
    when the file has none. The layout `dpsim run` writes is read first (dpsim_targets(); it
    adds target_zh, region, tolerance, runs, p05, p95, mean_gap, gap_unit, mean_gap_yuan);
    files written otherwise are read in these layouts (see notebooks/README.md):
      1. a compound dataset `summary/targets` (or any `target*` dataset): one record per target;
      2. a table `summary/targets` [target, field] (or [stat, target, field]): columns from the
         field axis labels, rows from the target axis;
      3. a group `targets/` of equal-length 1-D datasets (indicator, year, ..., probability);
      4. a runs/ table named target*met* [run, target] of 0/1: probability = mean over runs;
      5. a table [target] or [stat, target]: `probability` if its name says met or prob, else
         `mean`.
    Every source found is merged on the target label (the first one read wins a column both
    have); then the `target` axis attributes (indicator, year, op, value, kind, label_zh) fill
    in, and failing those the year is parsed from the label (e.g. 'rehab_2025')."""
    df = dpsim_targets(res, scen)
    if df is not None:
        return df, (f"read from /{scen}/base/targets and summary/target_values, target_met, "
                    "target_gap, target_gap_yuan")
    names = _target_datasets(res, scen)
    if not names:
        return None, (f"no targets in this file: /{scen} has no target tables (a scenario "
                      "lists its plan targets under `targets:`; docs/scenarios.md#targets)")
    g = res.f[scen]
    frames, used = [], []
    for gname in ("targets", "summary/targets"):            # layout 3: a group of columns
        grp = g.get(gname)
        if isinstance(grp, h5py.Group):
            cols = {}
            for k, d in grp.items():
                if isinstance(d, h5py.Dataset) and d.ndim == 1:
                    v = d[()]
                    cols[k] = _texts(v) if v.dtype.kind in "OSU" else v
            if cols and len({len(v) for v in cols.values()}) == 1:
                frames.append(_frame_from_columns(cols))
                used.append(f"/{scen}/{gname}/")
    for name in names:
        if name.startswith(("targets/", "summary/targets/")) or name == "target":
            continue
        df = _targets_from(res, scen, name)
        if df is not None:
            frames.append(df)
            used.append(f"/{scen}/{name}")
    if not frames:
        return None, (f"no targets in this file that can be read: found {', '.join(names)} "
                      "but none in a known layout (see notebooks/README.md)")
    for i, df in enumerate(frames):
        if "target" not in df.columns:
            df.insert(0, "target", [f"target {k + 1}" for k in range(len(df))])
        df["target"] = df["target"].map(_text)
        frames[i] = df.drop_duplicates("target").set_index("target")
    df = frames[0]
    for other in frames[1:]:
        df = df.combine_first(other) if set(other.index) & set(df.index) or df.empty \
            else pd.concat([df, other])
    df = df.reset_index()
    # Metadata from the target axis attributes.
    if isinstance(g.get("target"), h5py.Dataset):
        ax = g["target"]
        labels = _texts(ax[()])
        for k, v in ax.attrs.items():
            name = "target_zh" if k == "label_zh" else _canonical(k)
            v = np.asarray(v)
            if name and name not in df.columns and v.size == len(labels):
                vals = _texts(v) if v.dtype.kind in "OSU" else v.ravel()
                df[name] = df["target"].map(dict(zip(labels, vals)))
    if "year" not in df.columns:
        df["year"] = [int(m.group(0)) if (m := re.search(r"(19|20)\d\d", t)) else np.nan
                      for t in df["target"]]
    if "indicator" not in df.columns:
        df["indicator"] = [re.sub(r"[@_. -]*(19|20)\d\d$", "", t) for t in df["target"]]
    if "op" in df.columns:
        df["op"] = [(_OPS.get(int(o), str(o)) if isinstance(o, (int, float, np.number))
                     and not isinstance(o, bool) and not pd.isna(o) else _text(o))
                    for o in df["op"]]
    if "kind" in df.columns:
        df["kind"] = [("binding" if k in (1, True, "1", "binding") else
                       "expected" if k in (0, False, "0", "expected") else _text(k))
                      for k in df["kind"]]
    if "probability" not in df.columns:
        return None, (f"targets found in {', '.join(used)} but no probability of meeting them "
                      "(see notebooks/README.md)")
    df["probability"] = df["probability"].astype(float)
    return df, "read from " + ", ".join(used)


def order_targets(df):
    """Binding targets first, then by year, then the least likely first."""
    kind = df["kind"] if "kind" in df.columns else pd.Series("", index=df.index)
    rank = (kind != "binding").astype(int)
    return (df.assign(_rank=rank)
              .sort_values(["_rank", "year", "probability"], kind="stable")
              .drop(columns="_rank").reset_index(drop=True))


_HOUSEHOLDS = ("renovations_cumulative", "multi_disabled_households",
               "home_renovation_recipients")


def target_unit(row):
    """The unit of a target's indicator (model/input/indicators.c, docs/scenarios.md#indicators):
    share (names ending in _share, _coverage or _rate), yuan per person (cash_per_disabled),
    yuan (spending: the gap is in yuan), households (renovations, multi-disabled households),
    else persons."""
    ind = str(row.get("indicator", ""))
    if ind.endswith(("_share", "_coverage", "_rate")):
        return "share"
    if ind == "cash_per_disabled":
        return "yuan per person"
    if row.get("gap_unit") == "yuan" or ind.endswith(("_spending", "_spending_real")):
        return "yuan"
    if ind in _HOUSEHOLDS or ind.startswith("multi_disabled_household_"):
        return "households"
    return "persons"


def gap_unit(row):
    """The unit of a target's gap: yuan (spending, cash per person), households, or persons
    (counts, and the persons short of a share)."""
    unit = target_unit(row)
    if row.get("gap_unit") == "yuan" or unit in ("yuan", "yuan per person"):
        return "yuan"
    return "households" if unit == "households" else "persons"


def format_target_value(v, unit):
    """A value in its unit, as `dpsim targets` prints it: shares in %, yuan in 万元, yuan per
    person in 元/人, households whole with 户, persons whole; '-' when missing."""
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "-" if v is None else str(v)
    if not math.isfinite(v):
        return "-"
    if unit == "share":
        return f"{100 * v:.1f}%"
    if unit == "yuan":
        return f"{v / WAN:,.1f} 万元"
    if unit == "yuan per person":
        return f"{v:,.1f} 元/人"
    if unit == "households":
        return f"{v:,.0f} 户"
    return f"{v:,.0f}"


def format_probability(p):
    """A probability in whole percent; '<1%' and '>99%' rather than rounding to 0 or 100."""
    if p is None or not math.isfinite(float(p)):
        return "-"
    p = float(p)
    if 0 < p < 0.01:
        return "<1%"
    if 0.99 < p < 1:
        return ">99%"
    return f"{100 * p:.0f}%"


def target_table(df):
    """The targets as a table of text for display, in df's order: target (with its Chinese
    name), region, year, the target itself (op value), kind (with 约束性/预期性), mean, 90%
    and (when given) 95% ranges of the indicator, P(met), the mean gap and the 万元 to close it. Columns the file does
    not give are left out."""
    rows = []
    for _, r in df.iterrows():
        r = r.to_dict()
        unit = target_unit(r)
        row = {}
        if "scenario" in r:
            row["scenario 方案"] = r["scenario"]
        row["target 目标"] = r.get("target", "")
        if isinstance(r.get("target_zh"), str):
            row["目标名称"] = r["target_zh"]
        if "region" in r:
            row["region 地区"] = r["region"] if isinstance(r["region"], str) else "—"
        row["year 年份"] = "" if pd.isna(r.get("year")) else f"{int(r['year'])}"
        if "op" in r and "value" in r:
            row["target value 目标值"] = f"{r['op']} {format_target_value(r['value'], unit)}"
        if "kind" in r:
            row["kind 类型"] = {"binding": "binding 约束性", "expected": "expected 预期性"}.get(
                r["kind"], r["kind"])
        if "mean" in r:
            row["mean 均值"] = format_target_value(r["mean"], unit)
        if "p05" in r and "p95" in r:
            lo, hi = format_target_value(r["p05"], unit), format_target_value(r["p95"], unit)
            row["90% range 90%区间"] = "-" if lo == hi == "-" else f"{lo} – {hi}"
        if "p025" in r and "p975" in r and not (pd.isna(r["p025"]) and pd.isna(r["p975"])):
            lo, hi = format_target_value(r["p025"], unit), format_target_value(r["p975"], unit)
            row["95% range 95%区间"] = "-" if lo == hi == "-" else f"{lo} – {hi}"
        row["P(met) 达标概率"] = format_probability(r.get("probability"))
        if "mean_gap" in r:
            row["mean gap 平均差距"] = format_target_value(r["mean_gap"], gap_unit(r))
        if "mean_gap_yuan" in r:
            row["to close 弥补所需 (万元)"] = format_target_value(r["mean_gap_yuan"], "yuan") \
                .replace(" 万元", "")
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# The population pyramid (notebook 04)

PYRAMID_TABLE = "disabled_age_grade"    # [run|stat, year, region, sex, age, grade]
PYRAMID_BASE = "disabled_base"          # base/ [region, sex, age, grade]: end of the base year
PYRAMID_OLD = "disabled_age"            # [run|stat, year, region, sex, age]: schema 1's first files


class Panel:
    """One side of the pyramid comparison: persons at the end of `year`, summed over regions and
    (for projected years) averaged over replicates, as a DataArray [sex, age] or
    [sex, age, grade]. `source` names the table it comes from; `base` is True for the base
    year (read from base/, no replicates)."""

    def __init__(self, year, data, source, base):
        self.year = year
        self.data = data
        self.source = source
        self.base = base

    def title(self):
        """Panel title: 'end of 2020 (base year)' or 'end of 2035'."""
        return f"end of {self.year}" + (" (base year)" if self.base else "")

    def title_zh(self):
        return f"{self.year}年末" + ("（基年）" if self.base else "")


def mean_over_runs(res, scen, group, name):
    """A runs/ table's mean over the replicates (a summary/ table's `mean` statistic; a base/
    table as it is)."""
    a = res.table(scen, group, name)
    if "run" in a.dims:
        return a.mean("run")
    if "stat" in a.dims:
        return a.sel(stat="mean", drop=True)
    return a


def keep_dims(a, dims):
    """`a` summed over every dimension not in `dims`, the rest in the order of `dims`."""
    a = a.sum([d for d in a.dims if d not in dims])
    return a.transpose(*[d for d in dims if d in a.dims])


def _projected_table(res, scen):
    """(group, table, by_grade) of the projected persons by sex and age: runs/ (else summary/)
    disabled_age_grade, else any table whose dims include year, sex, age and grade, else
    disabled_age (by sex and age only); None when the file has none of them. Roll-ups
    (<table>_node: the regions summed to each node of the region hierarchy) are never taken:
    summed over their nodes they would count each region once per level."""
    found = [(g, t) for g in ("runs", "summary") for t in res.tables(scen, g)
             if not t.endswith("_node")]
    by_grade = [(g, t) for g, t in found
                if {"year", "sex", "age", "grade"} <= set(res.dims(scen, g, t))]
    by_grade.sort(key=lambda gt: gt[1] != PYRAMID_TABLE)     # dpsim's own table first (stable)
    if by_grade:
        return by_grade[0] + (True,)
    old = [(g, t) for g, t in found if t == PYRAMID_OLD]
    return old[0] + (False,) if old else None


def _base_table(res, scen, by_grade):
    """Name of the base/ table holding the disabled persons of the base year by sex and age (and
    grade when the projection has it): base/disabled_base, else any base/ table named disabled*
    with those dims, but not a roll-up (<table>_node, summed to the nodes of the region
    hierarchy: summing it over its nodes would count each region once per level); None when
    there is none (files written before dpsim stored it)."""
    want = {"sex", "age"} | ({"grade"} if by_grade else set())
    names = sorted(res.tables(scen, "base"), key=lambda t: t != PYRAMID_BASE)
    return next((t for t in names if t.startswith("disabled") and not t.endswith("_node")
                 and "year" not in
                 res.dims(scen, "base", t) and want <= set(res.dims(scen, "base", t))), None)


def base_year(res, scen):
    """The base year: the scenario group's `year_start` - 1 (the first projected year - 1;
    docs/output-schema.md), else the first value of the year axis - 1."""
    info = res.info(scen)
    if "year_start" in info:
        return int(info["year_start"]) - 1
    return int(res.axis(scen, "year").values[0]) - 1


def pyramid(res, scen, last=2035):
    """The two panels of notebook 04's pyramid and a line saying where they come from.

    Returns (panels, by_grade, note): panels = [first, last], each a Panel with data
    [sex, age, grade] when by_grade, else [sex, age]; all summed over regions, projected years
    averaged over the replicates.
      first: the base year from base/disabled_base (the fitted base population at the end of
             year_start - 1); in a file without that table (an older dpsim), the first
             projected year from the projection table, and the note says so;
      last:  `last` (2035) from runs/disabled_age_grade (mean over runs; summary/'s mean when
             the file has no runs/ table), or the last projected year when the horizon ends
             earlier; in a file without a table by age and grade, runs/disabled_age, by sex and
             age only, and the note says so.
    Raises KeyError naming the tables looked for when the file has no projection by sex and age.
    """
    found = _projected_table(res, scen)
    if found is None:
        raise KeyError(f"/{scen} has neither runs/{PYRAMID_TABLE} nor runs/{PYRAMID_OLD}: "
                       "no age pyramid can be drawn from this file")
    group, name, by_grade = found
    dims = ("sex", "age", "grade") if by_grade else ("sex", "age")
    proj = keep_dims(mean_over_runs(res, scen, group, name), ("year",) + dims)
    years = [int(y) for y in proj["year"].values]
    y1 = last if last in years else years[-1]
    avg = "mean over runs" if group == "runs" else "summary mean"
    last_panel = Panel(y1, proj.sel(year=y1, drop=True), f"{group}/{name}", False)
    base = _base_table(res, scen, by_grade)
    if base:
        y0 = base_year(res, scen)
        first = Panel(y0, keep_dims(res.table(scen, "base", base), dims), f"base/{base}", True)
        note = (f"pyramid from {group}/{name} ({avg}) for {y1} and base/{base} for the base "
                f"year {y0}, summed over regions")
    else:
        y0 = years[0]
        first = Panel(y0, proj.sel(year=y0, drop=True), f"{group}/{name}", False)
        note = (f"pyramid from {group}/{name} ({avg}) for {y0} and {y1}, summed over regions; "
                f"this file has no base/{PYRAMID_BASE} (written by an older dpsim), so the "
                f"first projected year {y0} stands in for the base year")
    if not by_grade:
        note += (f"; no table by age and grade ({PYRAMID_TABLE}) either, so the pyramid is by "
                 "sex and age only and the grades are shown apart, from runs/disabled")
    if y1 != last:
        note += f"; the projection ends in {y1}, before {last}"
    return [first, last_panel], by_grade, note


def grade_totals(res, scen, panels, by_grade):
    """Persons by grade in each panel's year, as a DataFrame [grade, year]: the pyramid's own
    totals when it is by grade; else runs/disabled summed over everything but grade (mean over
    runs) for the projected years, the base year left out (no base table by grade)."""
    grade = res.axis(scen, "grade")
    cols = {}
    for p in panels:
        if by_grade:
            cols[p.year] = keep_dims(p.data, ("grade",)).sel(grade=grade.labels).values
        elif not p.base and res.has(scen, "runs", "disabled"):
            g = keep_dims(mean_over_runs(res, scen, "runs", "disabled"), ("year", "grade"))
            cols[p.year] = g.sel(year=p.year, grade=grade.labels).values
    return pd.DataFrame(cols, index=pd.Index(grade.labels, name="grade"))


# ---------------------------------------------------------------------------------------------
# Plotting

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
             "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "AR PL UMing CN")
CJK_FILES = ("opentype/noto/NotoSansCJK-Regular.ttc", "truetype/wqy/wqy-microhei.ttc",
             "truetype/wqy/wqy-zenhei.ttc")
CJK = None


def setup_plots():
    """Plot style for the notebooks and the report. Picks the first installed CJK font so that
    Chinese labels draw (Debian fonts-noto-cjk); without one, figures keep English labels only.
    Returns the font name or None."""
    global CJK
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    CJK = next((f for f in CJK_FONTS if f in have), None)
    if CJK is None:
        # matplotlib keeps a font list cached from its first use: a font installed after that
        # is not in it. Add the Debian CJK fonts by path.
        for pattern in CJK_FILES:
            for path in sorted(Path("/usr/share/fonts").glob(pattern)):
                font_manager.fontManager.addfont(str(path))
        have = {f.name for f in font_manager.fontManager.ttflist}
        CJK = next((f for f in CJK_FONTS if f in have), None)
    if CJK is None:
        print("No CJK font found (Debian: fonts-noto-cjk): figure labels are in English only.")
    plt.rcParams.update({
        "figure.figsize": (9.0, 4.6),
        "figure.dpi": 96,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "font.family": "sans-serif",
        "font.sans-serif": ([CJK] if CJK else []) + ["DejaVu Sans"],
        "axes.unicode_minus": False,
    })
    matplotlib.rcParams["axes.formatter.use_locale"] = False
    return CJK


def zh(en, chinese):
    """A figure label: 'English 中文' when a CJK font is installed, else English only."""
    return f"{en} {chinese}" if CJK else en


def fan(ax, years, runs, color, label, scale=1.0):
    """A fan chart on ax: the 95 % band (p025–p975, faintest), the 90 % band (p05–p95), the
    50 % band (p25–p75), the median and the mean of `runs` (DataArray [run, year]) divided by
    scale. Bands of zero width (identical replicates) draw as lines."""
    q = quantiles(runs) / scale
    mean = runs.mean("run") / scale
    ax.fill_between(years, q.sel(stat="p025"), q.sel(stat="p975"), color=color, alpha=0.08,
                    linewidth=0, label=f"{label}: 95%")
    ax.fill_between(years, q.sel(stat="p05"), q.sel(stat="p95"), color=color, alpha=0.18,
                    linewidth=0, label=f"{label}: 90%")
    ax.fill_between(years, q.sel(stat="p25"), q.sel(stat="p75"), color=color, alpha=0.38,
                    linewidth=0, label=f"{label}: 50%")
    ax.plot(years, q.sel(stat="p50"), color=color, linewidth=2, label=f"{label}: median")
    ax.plot(years, mean, color=color, linewidth=1, linestyle="--", label=f"{label}: mean")


def _overlaps(fig, renderer):
    """Pairs of the figure's text blocks that overlap: the suptitle against each visible
    axes (with its title and tick labels), and the visible axes against each other."""
    import itertools

    boxes = []
    if fig._suptitle is not None and fig._suptitle.get_text():
        boxes.append(("suptitle", fig._suptitle.get_window_extent(renderer)))
    for i, ax in enumerate(fig.axes):
        if ax.get_visible():
            title = ax.get_title() or f"axes {i}"
            boxes.append((title, ax.get_tightbbox(renderer)))
    return [f"{a} / {b}" for (a, ba), (b, bb) in itertools.combinations(boxes, 2)
            if ba.overlaps(bb)]


def show(fig, **meta):
    """Shows a figure (in place of plt.show()) with facts about its layout attached to the
    output metadata, `dpsim.figure` (not shown; tests/e2e/report.sh reads them): `overlaps`,
    the text blocks drawn over one another (suptitle over a panel, a panel over another;
    should be empty), `texts`, the text labels drawn inside the panels (e.g. "0%" next to a
    bar), plus the caller's `meta`."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    meta = dict(meta)
    meta["overlaps"] = _overlaps(fig, renderer)
    meta["texts"] = [t.get_text() for ax in fig.axes for t in ax.texts]
    display(fig, metadata={"dpsim": {"figure": meta}})
    plt.close(fig)


def fmt_wan(v):
    """An amount already in 万元, for people: thousands separators, one decimal."""
    return "—" if v is None or not math.isfinite(float(v)) else f"{float(v):,.1f}"


def fmt_persons(v):
    """Persons, whole, with thousands separators."""
    return "—" if v is None or not math.isfinite(float(v)) else f"{float(v):,.0f}"


def fmt_change(v):
    """A change in percent, with its sign: '+7.2%'."""
    return "—" if v is None or not math.isfinite(float(v)) else f"{float(v):+.1f}%"


def target_years_table(df, years=(2025, 2035)):
    """The probability each target is met in `years` (2025, the end of the 14th five-year plan,
    and 2035), as a table of text: one row per scenario and target (indicator, the target value
    formatted as in target_table(), kind), one column per year, '—' where no target of that row
    is dated that year. Every year of `years` has its column, even when no target is dated it."""
    rows = {}
    for r in df.itertuples(index=False):
        r = r._asdict()
        if pd.isna(r.get("year")) or int(r["year"]) not in years:
            continue
        unit = target_unit(r)
        value = (f"{r.get('op', '')} {format_target_value(r['value'], unit)}".strip()
                 if "value" in r else "")
        kind = {"binding": "binding 约束性", "expected": "expected 预期性"}.get(
            r.get("kind", ""), r.get("kind", ""))
        key = (r.get("scenario", ""), r.get("indicator", r.get("target", "")), value, kind)
        rows.setdefault(key, {})[int(r["year"])] = format_probability(r.get("probability"))
    cols = ["scenario 方案", "indicator 指标", "target value 目标值", "kind 类型"]
    out = pd.DataFrame([list(k) + [v.get(y, "—") for y in years] for k, v in rows.items()],
                       columns=cols + [f"P(met) {y} 达标概率" for y in years])
    return out


def age_groups(ages, width=5, top=100):
    """Labels of `width`-year age groups for single ages (the last one open: '100+')."""
    out = []
    for a in ages:
        a = int(a)
        if a >= top:
            out.append(f"{top}+")
        else:
            lo = a // width * width
            out.append(f"{lo}–{min(lo + width - 1, top - 1)}")
    return out


def main(argv):
    if len(argv) >= 3 and argv[1] == "default-run":
        runs = int(argv[3]) if len(argv) > 3 else None
        out = default_run(argv[2], runs=runs)
        print(out)
        return 0
    print("usage: dpsim_nb.py default-run OUT.h5 [RUNS]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
