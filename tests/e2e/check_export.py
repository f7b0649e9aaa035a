"""tests/e2e/check_export.py — checks what `dpsim export` wrote against the HDF5 results file.

The results file is read with h5py and the CSV files with Python's csv module, the workbook with
openpyxl: readers independent of dpsim's. Every value written is compared with the HDF5 value
it claims to be. Prints "PASS: name" / "FAIL: name (detail)" lines, one per check.

usage: check_export.py RESULTS.h5 [--csv DIR] [--xlsx FILE] [--stats mean,p05,p95] [--runs]
                       [--tables T,...] [--scenarios S,...] [--prefix NAME]
"""
import argparse
import csv
import hashlib
import io
import math
import sys

import h5py
import numpy as np

# Chinese names of the axes, as docs/export.md lists them (written down here, not read from
# dpsim, so that a change on either side shows).
AXIS_ZH = {
    "year": "年份", "region": "地区", "sex": "性别", "age": "年龄", "type": "残疾类别",
    "grade": "残疾等级", "certified": "持证状况", "household": "家庭经济状况",
    "indicator": "指标", "flow": "流量", "programme": "项目", "marginal": "拟合边际",
    "fitstat": "拟合统计量", "parameter": "参数", "programme2": "项目二",
    "stage": "受益流程阶段", "level": "财政层级", "service": "服务指标", "component": "支出构成",
    "budget_item": "预算项目", "setting": "参数设置", "measure": "敏感性指标", "target": "规划目标",
    "target_field": "目标字段",
}
# Units row text and Excel number format by the table's unit attribute (docs/export.md).
UNIT_CSV = {"persons": "persons / 人", "yuan": "yuan / 元", "share": "share (0-1) / 比例",
            "person-months": "person-months / 人月",
            "yuan/person/month": "yuan/person/month / 元/人/月", "value": "value / 数值"}
XLSX_FMT = {"persons": "#,##0", "yuan": "#,##0.0", "share": "0.0%", "person-months": "#,##0",
            "yuan/person/month": "#,##0.00", "value": "General"}
WAN = "10k yuan / 万元"

failures = 0
prefix = ""


def check(name, cond, detail=""):
    global failures
    if cond:
        print(f"PASS: {prefix}{name}")
    else:
        failures += 1
        print(f"FAIL: {prefix}{name}" + (f" ({detail})" if detail else ""))


def s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


class Table:
    """One table of one scenario, read with h5py: axes, labels, data."""

    def __init__(self, g, group, name):
        ds = g[f"{group}/{name}"]
        self.name = name
        self.per_run = group == "runs"
        self.unit = s(ds.attrs["units"])
        self.title, self.title_zh = s(ds.attrs["long_name"]), s(ds.attrs["label_zh"])
        dims = s(ds.attrs["dims"]).split(",")
        self.axes = dims[1:] if self.per_run else dims
        self.data = ds[()]
        self.summary = g[f"summary/{name}"][()] if self.per_run else None
        self.labels, self.labels_zh, self.values = [], [], []
        for a in self.axes:
            ax = g[a]
            if ax.dtype.kind in "iuf":
                lab = [s(v) for v in ax.attrs["labels"]]
                self.values.append(ax[()].tolist())
            else:
                lab = [s(v) for v in ax[()]]
                self.values.append(None)
            self.labels.append(lab)
            self.labels_zh.append([s(v) for v in ax.attrs["label_zh"]])
        self.shape = self.data.shape[1:] if self.per_run else self.data.shape
        self.n_run = self.data.shape[0] if self.per_run else 0

    def has_zh(self, k):
        return self.labels[k] != self.labels_zh[k]

    def axis_columns(self):
        cols = []
        for k, a in enumerate(self.axes):
            cols.append(("axis", k, f"{a} / {AXIS_ZH.get(a, a)}"))
            if self.has_zh(k):
                cols.append(("zh", k, f"{a}_zh / {AXIS_ZH.get(a, a)}（中文）"))
        return cols


def read_scenarios(path, only):
    f = h5py.File(path, "r")
    out = {}
    for name in f:
        if only and name not in only:
            continue
        g = f[name]
        tables = [Table(g, "runs", t) for t in g["runs"]] + [Table(g, "base", t) for t in g["base"]]
        out[name] = (g, tables)
    return f, out


def table_unit(t):
    """(units-row text, Excel format, shown in 万元) of a table, as docs/export.md states: yuan
    tables in 万元 except `amount` (yuan a month, year or unit) and a table with a `budget_item`
    axis (its exceeds row is 1 or 0), both as stored."""
    if t.unit == "yuan" and t.name == "amount":
        return "yuan (a month, year or unit) / 元", "#,##0.00", False
    if t.unit == "yuan" and "budget_item" in t.axes:
        return "yuan; exceeds 1 or 0 / 元；超出上限为1或0", "#,##0.00", False
    return UNIT_CSV.get(t.unit, t.unit), XLSX_FMT.get(t.unit, "General"), t.unit == "yuan"


def value_columns(t, stats, stat_zh, runs, target):
    """(kind, index, divisor, header, unit) of the value columns, as docs/export.md states."""
    unit, _, yuan = table_unit(t)
    cols = []
    passes = [False, True] if (yuan and target == "csv") else [yuan and target == "xlsx"]
    for wan in passes:
        sen, szh = (" (10k yuan)", "（万元）") if wan else ("", "")
        divisor = 1e4 if wan else 1.0  # 万元 = yuan / 10,000
        if not t.per_run:
            cols.append(("value", 0, divisor, f"value{sen} / 数值{szh}", WAN if wan else unit))
            continue
        for st in stats:
            cols.append(("stat", st, divisor, f"{st}{sen} / {stat_zh[st]}{szh}", WAN if wan else unit))
    if t.per_run and runs:
        wan = yuan and target == "xlsx"
        for r in range(t.n_run):
            head = f"run_{r} (10k yuan) / 模拟{r}（万元）" if wan else f"run_{r} / 模拟{r}"
            cols.append(("run", r, 1e4 if wan else 1.0, head, WAN if wan else unit))
    return cols


def expected_value(t, stat_index, kind, k, divisor, idx):
    if kind == "stat":
        v = t.summary[(stat_index[k],) + idx]
    elif kind == "run":
        v = t.data[(k,) + idx]
    else:
        v = t.data[idx]
    return float(v) / divisor


def measured_scale(t, stat_index, rows, axis_cols, vcols):
    """For each value column of an exported sheet (rows: header, units, data as read back), the
    ratio of the HDF5 value to the cell, measured on the data: the first element where both are
    finite and nonzero (None when there is none). Independent of what the sheet says its unit
    is, so that the stated unit can be checked against it."""
    out = []
    for c, (kind, k, _, _, _) in enumerate(vcols, start=len(axis_cols)):
        ratio = None
        for row, idx in zip(rows[2:], np.ndindex(*t.shape)):
            v = expected_value(t, stat_index, kind, k, 1.0, idx)
            got = row[c]
            if got in ("", None):
                continue
            got = float(got)
            if math.isfinite(v) and v != 0 and got != 0:
                ratio = v / got
                break
        out.append(ratio)
    return out


def unit_scale_bad(units, ratios):
    """Disagreements between a stated unit and the measured ratio: a unit in 万元 must be
    HDF5 yuan / 10,000 (ratio 1e4), any other unit the stored value (ratio 1)."""
    bad = []
    for unit, ratio in zip(units, ratios):
        if ratio is None:
            continue
        want = 1e4 if "万元" in (unit or "") else 1.0
        if abs(ratio / want - 1) > 1e-12:
            bad.append(f"unit {unit!r} but the cell is the HDF5 value / {ratio:g}")
    return bad


def check_csv(root, scen, stats, runs, tables_only):
    for name, (g, tables) in scen.items():
        stat_names = [s(x) for x in g["stat"][()]]
        stat_zh = dict(zip(stat_names, [s(x) for x in g["stat"].attrs["label_zh"]]))
        stat_index = {st: i for i, st in enumerate(stat_names)}
        chosen = stat_names if stats == ["all"] else stats
        for t in tables:
            if tables_only and t.name not in tables_only:
                continue
            path = f"{root}/{name}/{t.name}.csv"
            try:
                raw = open(path, "rb").read()
            except OSError as e:
                check(f"csv_{name}_{t.name}_exists", False, str(e))
                continue
            check(f"csv_{t.name}_bom", raw.startswith(b"\xef\xbb\xbf"))
            body = raw[3:]
            # CRLF: every LF is preceded by CR, and the file ends with CRLF.
            check(f"csv_{t.name}_crlf", body.count(b"\n") == body.count(b"\r\n") and
                  body.endswith(b"\r\n"))
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
            axis_cols = t.axis_columns()
            vcols = value_columns(t, chosen, stat_zh, runs, "csv")
            want_head = [c[2] for c in axis_cols] + [c[3] for c in vcols]
            check(f"csv_{t.name}_bilingual_header", rows[0] == want_head,
                  f"{rows[0][:6]} != {want_head[:6]}")
            want_units = ["unit / 单位"] + [""] * (len(axis_cols) - 1) + [c[4] for c in vcols]
            check(f"csv_{t.name}_units_row", rows[1] == want_units, f"{rows[1]} != {want_units}")
            data = rows[2:]
            n = int(np.prod(t.shape))
            check(f"csv_{t.name}_row_count", len(data) == n, f"{len(data)} rows, {n} elements")
            bad = []
            for row, idx in zip(data, np.ndindex(*t.shape)):
                for c, (kind, k, _) in enumerate(axis_cols):
                    lab = (t.labels if kind == "axis" else t.labels_zh)[k][idx[k]]
                    if row[c] != lab:
                        bad.append(f"{idx} col {c}: {row[c]!r} != {lab!r}")
                for c, (kind, k, divisor, _, _) in enumerate(vcols, start=len(axis_cols)):
                    v = expected_value(t, stat_index, kind, k, divisor, idx)
                    got = float(row[c]) if row[c] != "" else math.nan
                    # Exact: the CSV holds the shortest text that reads back as the same double.
                    if not (got == v or (math.isnan(got) and math.isnan(v))):
                        bad.append(f"{idx} col {c}: {row[c]} != {v!r}")
                if len(bad) > 5:
                    break
            check(f"csv_{t.name}_values_equal_hdf5", not bad, "; ".join(bad[:5]))
            ratios = measured_scale(t, stat_index, rows, axis_cols, vcols)
            bad = unit_scale_bad(rows[1][len(axis_cols):], ratios)
            check(f"csv_{t.name}_unit_row_matches_values", not bad, "; ".join(bad[:3]))
        # Provenance: the text is byte for byte the stored one; its SHA-256 (hashlib) is the
        # stored digest; command line and digest in provenance.csv.
        text = g["scenario_yaml"].asstr()[()]
        sha = s(g["scenario_yaml"].attrs["sha256"])
        try:
            raw = open(f"{root}/{name}/scenario.yaml", "rb").read()
            check("csv_scenario_yaml_verbatim", raw == text.encode("utf-8"))
            check("csv_scenario_yaml_sha256", hashlib.sha256(raw).hexdigest() == sha)
            prov = open(f"{root}/{name}/provenance.csv", "rb").read()
            check("csv_provenance_bom", prov.startswith(b"\xef\xbb\xbf"))
            items = {}
            for r in csv.reader(io.StringIO(prov[3:].decode("utf-8"), newline="")):
                items.setdefault(r[0], []).append(r[1:])
            check("csv_provenance_command_line",
                  items.get("command_line / 命令行", [[None]])[0][0] == s(g.file.attrs["command_line"]))
            check("csv_provenance_sha256",
                  items.get("scenario_sha256 / 情景SHA-256", [[None]])[0][0] == sha)
            paths = [s(p) for p in g["inputs/path"][()]]
            digests = [s(p) for p in g["inputs/sha256"][()]]
            check("csv_provenance_inputs",
                  items.get("input / 输入文件") == [[p, d] for p, d in zip(paths, digests)])
        except OSError as e:
            check("csv_provenance_files", False, str(e))


def check_xlsx(path, f, scen, stats, runs, tables_only):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    check("xlsx_first_sheet_contents", names[0] == "contents", names[0])
    check("xlsx_last_sheet_provenance", names[-1] == "provenance", names[-1])
    folded = [n.lower() for n in names]
    check("xlsx_sheet_names_valid",
          all(len(n) <= 31 and not any(ch in n for ch in "[]:*?/\\") for n in names) and
          len(set(folded)) == len(folded), str(names))
    contents = list(wb["contents"].iter_rows(values_only=True))
    check("xlsx_contents_header", contents[0][:3] == ("sheet / 工作表", "scenario / 情景", "table / 表"))
    where = {(r[1], r[2]): r[0] for r in contents[1:]}
    contents_unit = {(r[1], r[2]): r[5] for r in contents[1:]}
    for name, (g, tables) in scen.items():
        stat_names = [s(x) for x in g["stat"][()]]
        stat_zh = dict(zip(stat_names, [s(x) for x in g["stat"].attrs["label_zh"]]))
        stat_index = {st: i for i, st in enumerate(stat_names)}
        chosen = stat_names if stats == ["all"] else stats
        for t in tables:
            if tables_only and t.name not in tables_only:
                continue
            sheet = where.get((name, t.name))
            if sheet is None or sheet not in names:
                check(f"xlsx_{name}_{t.name}_sheet", False, "not in the contents sheet")
                continue
            ws = wb[sheet]
            rows = list(ws.iter_rows(values_only=True))
            axis_cols = t.axis_columns()
            vcols = value_columns(t, chosen, stat_zh, runs, "xlsx")
            want_head = tuple([c[2] for c in axis_cols] + [c[3] for c in vcols])
            check(f"xlsx_{t.name}_bilingual_header", rows[0] == want_head,
                  f"{rows[0][:6]} != {want_head[:6]}")
            want_units = tuple(["unit / 单位"] + [None] * (len(axis_cols) - 1) + [c[4] for c in vcols])
            check(f"xlsx_{t.name}_units_row", rows[1] == want_units, f"{rows[1]} != {want_units}")
            # Frozen: the two header rows and the label columns.
            col_letter = openpyxl.utils.get_column_letter(len(axis_cols) + 1)
            check(f"xlsx_{t.name}_frozen", ws.freeze_panes == f"{col_letter}3", ws.freeze_panes)
            n = int(np.prod(t.shape))
            check(f"xlsx_{t.name}_row_count", len(rows) - 2 == n, f"{len(rows) - 2} rows, {n}")
            bad = []
            fmt_want = table_unit(t)[1]
            fmts = set()
            for r, idx in enumerate(np.ndindex(*t.shape), start=3):
                row = rows[r - 1]
                for c, (kind, k, _) in enumerate(axis_cols):
                    lab = (t.labels if kind == "axis" else t.labels_zh)[k][idx[k]]
                    got = row[c]
                    # Numeric axes are numbers where the label is the plain integer (years, ages).
                    if not (got == lab or (isinstance(got, (int, float)) and
                                           t.values[k] is not None and
                                           got == t.values[k][idx[k]] and
                                           lab == str(int(got)))):
                        bad.append(f"{idx} col {c}: {got!r} != {lab!r}")
                for c, (kind, k, divisor, _, _) in enumerate(vcols, start=len(axis_cols)):
                    v = expected_value(t, stat_index, kind, k, divisor, idx)
                    got = row[c]
                    # libxlsxwriter writes numbers with 16 significant digits (%.16G): equal to
                    # a relative 1e-15 (Excel itself keeps 15 digits).
                    if got is None and math.isnan(v):
                        continue
                    if got is None or abs(got - v) > 1e-15 * abs(v):
                        bad.append(f"{idx} col {c}: {got!r} != {v!r}")
                    if r <= 40:
                        fmts.add(ws.cell(row=r, column=c + 1).number_format)
                if len(bad) > 5:
                    break
            check(f"xlsx_{t.name}_values_equal_hdf5", not bad, "; ".join(bad[:5]))
            check(f"xlsx_{t.name}_number_format", fmts == {fmt_want}, f"{fmts} != {fmt_want}")
            # The unit of every value column, in the units row and in the contents sheet,
            # against the ratio of the HDF5 value to the cell measured on the data: 万元
            # exactly when the cells are yuan / 10,000.
            ratios = measured_scale(t, stat_index, rows, axis_cols, vcols)
            stated = list(rows[1][len(axis_cols):])
            check(f"xlsx_{t.name}_unit_row_matches_values",
                  not unit_scale_bad(stated, ratios), "; ".join(unit_scale_bad(stated, ratios)[:3]))
            cu = contents_unit.get((name, t.name))
            check(f"xlsx_{t.name}_contents_unit_matches_values",
                  set(stated) == {cu} and not unit_scale_bad([cu] * len(ratios), ratios),
                  f"contents says {cu!r}, units row {sorted(set(map(str, stated)))}, "
                  f"measured HDF5/cell {sorted({r for r in ratios if r is not None})}")
    # Provenance sheet.
    prov = list(wb["provenance"].iter_rows(values_only=True))
    items = {}
    for r in prov:
        if r[0] is not None:
            items.setdefault(r[0], []).append(r)
    check("xlsx_provenance_command_line",
          items.get("command_line / 命令行", [(None, None)])[0][1] == s(f.attrs["command_line"]))
    scen_rows = [r[1] for r in items.get("scenario / 情景", [])]
    check("xlsx_provenance_scenarios", scen_rows == list(scen), f"{scen_rows}")
    shas = [r[1] for r in items.get("scenario_sha256 / 情景SHA-256", [])]
    check("xlsx_provenance_sha256", shas == [s(g["scenario_yaml"].attrs["sha256"])
                                             for g, _ in scen.values()], str(shas))
    inputs = [(r[1], r[2]) for r in items.get("input / 输入文件", [])]
    want_inputs = []
    for g, _ in scen.values():
        want_inputs += list(zip([s(p) for p in g["inputs/path"][()]],
                                [s(p) for p in g["inputs/sha256"][()]]))
    check("xlsx_provenance_inputs", inputs == want_inputs)
    # The scenario text: one row a line, column A "scenario_yaml / 情景全文", column B the line
    # (empty cell for an empty line), in each scenario's block; joined with LF it must give the
    # stored text back (without its final LF).
    blocks = [i for i, r in enumerate(prov) if r[0] == "scenario / 情景"] + [len(prov)]
    got = []
    for b0, b1 in zip(blocks, blocks[1:]):
        got.append("\n".join(r[1] or "" for r in prov[b0:b1] if r[0] == "scenario_yaml / 情景全文"))
    want = [g["scenario_yaml"].asstr()[()].rstrip("\n") for g, _ in scen.values()]
    check("xlsx_provenance_scenario_text", got == want,
          f"{[x[:60] for x in got]} != {[x[:60] for x in want]}")


def main():
    global prefix
    ap = argparse.ArgumentParser()
    ap.add_argument("h5")
    ap.add_argument("--csv")
    ap.add_argument("--xlsx")
    ap.add_argument("--stats", default="mean,p05,p95")
    ap.add_argument("--runs", action="store_true")
    ap.add_argument("--tables", default="")
    ap.add_argument("--scenarios", default="")
    ap.add_argument("--prefix", default="")
    a = ap.parse_args()
    prefix = a.prefix
    tables_only = [x for x in a.tables.split(",") if x]
    f, scen = read_scenarios(a.h5, [x for x in a.scenarios.split(",") if x])
    stats = a.stats.split(",")
    if a.csv:
        check_csv(a.csv, scen, stats, a.runs, tables_only)
    if a.xlsx:
        check_xlsx(a.xlsx, f, scen, stats, a.runs, tables_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
