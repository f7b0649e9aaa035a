#!/bin/sh
# tests/e2e/notebook_targets.sh — notebook 03 (plan targets) and the target reader of
# notebooks/dpsim_nb.py on a real dpsim file with targets (scenarios/daan-targets.yaml, micro
# engine, 20 runs): the reader gives what `dpsim targets --csv` gives, its probabilities are
# the mean over runs of runs/target_met (numpy), the formatting helpers and the 2025/2035 table
# (a 2035 column even with no target dated 2035) match hand-written
# strings, and the notebook runs with no error and nothing on stderr, draws the probability and
# cost figures, and lists binding targets first. Prints PASS:/FAIL: lines. Run from the project
# root. Environment: BUILD, PYTHON.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
export BUILD PYTHON
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }

"$DPSIM" run --quiet scenarios/daan-targets.yaml --engine micro --runs 20 --seed 3 \
    -o "$tmp/t.h5" 2>"$tmp/err"
check nb_targets_real_run $?
"$DPSIM" targets "$tmp/t.h5" --csv >"$tmp/t.csv" 2>>"$tmp/err"

"$PYTHON" - "$tmp/t.h5" "$tmp/t.csv" <<'PY'
import csv, math, sys
sys.path.insert(0, "notebooks")
import h5py
import numpy as np
import dpsim_nb as nb

def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" ({why})"))

rows = {r["target"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
with nb.Results(sys.argv[1]) as res:
    df, note = nb.read_targets(res, "daan-targets")
    check("nb_targets_real_layout", df is not None and "base/targets" in note, note)
    met = h5py.File(sys.argv[1], "r")["daan-targets/runs/target_met"][()]
    check("nb_targets_real_probability_is_mean_of_runs",
          np.allclose(df["probability"].values, met.mean(axis=0), rtol=0, atol=1e-15))
    same = True
    for _, r in df.iterrows():
        c = rows[r["target"]]
        for col in ("mean", "p05", "p95", "mean_gap"):
            same &= math.isclose(r[col], float(c[col]), rel_tol=1e-9, abs_tol=1e-9)
        same &= math.isclose(r["probability"], float(c["p_met"]), rel_tol=0, abs_tol=1e-12)
        same &= (c["mean_gap_yuan"] == "") == (not math.isfinite(r["mean_gap_yuan"]))
        same &= r["op"] == c["op"] and r["kind"] == c["kind"] and int(r["year"]) == int(c["year"])
        same &= r["indicator"] == c["indicator"] and r["region"] == (c["region"] or "all")
    check("nb_targets_real_equals_dpsim_targets", same)
    ordered = list(nb.order_targets(df)["kind"])
    check("nb_targets_real_binding_first", ordered == sorted(ordered, key=lambda k: k != "binding"))
    table = nb.target_table(nb.order_targets(df))
    check("nb_targets_real_table_columns", "P(met) 达标概率" in table.columns
          and "to close 弥补所需 (万元)" in table.columns, str(list(table.columns)))
# Formatting, by hand: 0.9 is 90.0%; 15,700,000 yuan is 1,570.0 万元; 6947.6 persons 6,948.
check("nb_format_target_value",
      nb.format_target_value(0.9, "share") == "90.0%"
      and nb.format_target_value(15700000, "yuan") == "1,570.0 万元"
      and nb.format_target_value(6947.6, "persons") == "6,948"
      and nb.format_target_value(float("nan"), "yuan") == "-")
# The programme indicators' units: coverage rates are shares, cash per person 元/人,
# renovations households.
check("nb_target_units",
      nb.target_unit({"indicator": "adult_rehab_coverage"}) == "share"
      and nb.target_unit({"indicator": "employment_rate"}) == "share"
      and nb.target_unit({"indicator": "cash_per_disabled", "gap_unit": "yuan"})
      == "yuan per person"
      and nb.target_unit({"indicator": "county_spending", "gap_unit": "yuan"}) == "yuan"
      and nb.target_unit({"indicator": "renovations_cumulative"}) == "households"
      and nb.gap_unit({"indicator": "cash_per_disabled", "gap_unit": "yuan"}) == "yuan"
      and nb.gap_unit({"indicator": "adult_rehab_coverage"}) == "persons"
      and nb.format_target_value(1093.14, "yuan per person") == "1,093.1 元/人"
      and nb.format_target_value(96, "households") == "96 户")
check("nb_format_probability",
      [nb.format_probability(p) for p in (0, 0.004, 0.245, 0.995, 1)]
      == ["0%", "<1%", "24%", ">99%", "100%"])
# The 2025/2035 table of notebook 03: both years have a column, '—' where no target is dated
# that year; the target value as people read it (90.0%, not 0.900000).
import pandas as pd
t = nb.target_years_table(pd.DataFrame({
    "scenario": ["s", "s"], "indicator": ["certified_share", "total_spending"],
    "year": [2025, 2025], "op": [">=", "<="], "value": [0.9, 31500000.0],
    "kind": ["binding", "expected"], "probability": [0.0, 0.8], "gap_unit": ["persons", "yuan"]}))
check("nb_target_years_table",
      list(t.columns)[-2:] == ["P(met) 2025 达标概率", "P(met) 2035 达标概率"]
      and t.values.tolist() == [["s", "certified_share", ">= 90.0%", "binding 约束性", "0%", "—"],
                                ["s", "total_spending", "<= 3,150.0 万元", "expected 预期性",
                                 "80%", "—"]], str(t.values.tolist()))
PY

DPSIM_RESULTS="$tmp/t.h5" sh notebooks/execute.sh "$tmp/nb" notebooks/03-plan-targets.ipynb \
    >"$tmp/nb.log" 2>&1
rc=$?
check nb_targets_real_notebook_runs $rc
[ "$rc" = 0 ] || tail -n 30 "$tmp/nb.log"
"$PYTHON" - "$tmp/nb/03-plan-targets.ipynb" "$tmp/t.csv" <<'PY'
import csv, re, sys
import nbformat
def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" ({why})"))
try:
    b = nbformat.read(sys.argv[1], 4)
except OSError as e:
    check("nb_targets_real_notebook_output", False, str(e))
    sys.exit(0)
images = errors = stderr = 0
text = []
for c in b.cells:
    for o in c.get("outputs", []):
        t = o.get("output_type")
        errors += t == "error"
        if t == "stream":
            stderr += o.get("name") == "stderr"
            text.append(o.get("text", ""))
        elif t in ("display_data", "execute_result"):
            d = o.get("data", {})
            images += "image/png" in d
            text += [d.get("text/html", ""), d.get("text/markdown", ""), d.get("text/plain", "")]
t = "\n".join(text)
check("nb_targets_real_notebook_clean", errors == 0 and stderr == 0, f"{errors} {stderr}")
# The probability chart and the cost-to-close chart (the care recipients target is missed in
# some replicates, and it has a unit cost).
check("nb_targets_real_notebook_figures", images >= 2, str(images))
# The order the notebook promises (binding first, then by year, then the least likely first,
# ties in file order), computed here from `dpsim targets --csv`.
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
want = [r["target"] for r in sorted(rows, key=lambda r: (r["kind"] != "binding", int(r["year"]),
                                                         float(r["p_met"])))]
m = [re.search(r"(?<![a-z_])" + x + r"(?![a-z_0-9])", t) for x in want]
i = [x.start() if x else -1 for x in m]
check("nb_targets_real_notebook_order", min(i) >= 0 and i == sorted(i), str(i))
check("nb_targets_real_notebook_names", "持证率达到90%" in t and "约束性" in t)
PY
