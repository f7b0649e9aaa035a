#!/bin/sh
# tests/cli/targets.sh — plan targets through the dpsim command, on scenarios/daan-targets.yaml
# (four targets): `dpsim run --engine micro --runs 50` stores them, and `dpsim targets --csv`
# gives, per target, the probability met, the mean, the mean gap and the mean yuan gap that
# h5py computes on its own from the file's runs/indicators, runs/recipients and runs/spending
# and the targets as the scenario file writes them (not from the runs/target_* tables); the
# stored runs/target_* and summary/target_met agree with it too. Then the table output (binding
# first), a file without targets (exit 0, said so), a one-run cohort file (0 or 100% with a
# note) and bad input (exit 2). Prints PASS:/FAIL: lines. Run from the project root.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
SCEN=scenarios/daan-targets.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }

# check lists the targets as the file writes them.
"$DPSIM" check "$SCEN" >"$tmp/check.out" 2>&1
[ $? = 0 ] && grep -q '^# plan targets: 4,' "$tmp/check.out" &&
    grep -Eq '^#  +1  certified_share +all +2025  >= +0.9  binding  +持证率达到90%$' "$tmp/check.out" &&
    grep -Eq '^#  +4  total_spending +all +2025  <= +30,300,000  expected$' "$tmp/check.out"
check targets_check_lists_them $?

"$DPSIM" run --quiet "$SCEN" --engine micro --runs 50 --seed 11 -o "$tmp/t.h5" 2>"$tmp/err"
check targets_run_micro_exit_0 $?
"$DPSIM" targets "$tmp/t.h5" --csv >"$tmp/t.csv" 2>"$tmp/err"
check targets_csv_exit_0 $?
[ ! -s "$tmp/err" ]
check targets_csv_no_stderr $?

"$PYTHON" - "$tmp/t.h5" "$tmp/t.csv" <<'PY'
import csv, math, sys
import h5py, numpy as np

def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" {why}"))

def labels(d):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in d[()]]

g = h5py.File(sys.argv[1], "r")["daan-targets"]
rows = {r["target"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
years = list(g["year"][()])
ind, prog, reg = labels(g["indicator"]), labels(g["programme"]), labels(g["region"])
I = g["runs/indicators"][()]   # [run, year, region, indicator]
R = g["runs/recipients"][()]   # [run, year, region, programme]
S = g["runs/spending"][()]     # [run, year, region, programme]
y = years.index(2025)
n_run = I.shape[0]
check("targets_runs", n_run == 50 and all(int(r["runs"]) == 50 for r in rows.values()))

# The four targets as scenarios/daan-targets.yaml writes them: per run the indicator x, then
# met, the gap (persons; yuan for spending) and the yuan gap, computed here from the tables.
cert = I[:, y, :, ind.index("certified")].sum(axis=1)
dis = I[:, y, :, ind.index("disabled")].sum(axis=1)
d = reg.index("daan")
sev_c = I[:, y, d, ind.index("severe_certified")]
sev = I[:, y, d, ind.index("severe")]
care = prog.index("care_subsidy")
rec = R[:, y, :, care].sum(axis=1)
cost = S[:, y, :, care].sum(axis=1) / rec            # yearly spending per recipient
total = S[:, y, :, :].sum(axis=(1, 2))
own = {
    "certified_share_2025":
        (cert / dis, cert / dis >= 0.9, np.maximum(0, 0.9 - cert / dis) * dis, None),
    "severe_certified_share_2025_daan":
        (sev_c / sev, sev_c / sev >= 0.9, np.maximum(0, 0.9 - sev_c / sev) * sev, None),
    "care_subsidy_recipients_2025":
        (rec, rec >= 6400, np.maximum(0, 6400 - rec), np.maximum(0, 6400 - rec) * cost),
    "total_spending_2025":
        (total, total <= 30300000, np.maximum(0, total - 30300000),
         np.maximum(0, total - 30300000)),
}
check("targets_labels", sorted(rows) == sorted(own), str(sorted(rows)))
tl = labels(g["target"])
for label, (x, met, gap, yuan) in own.items():
    r = rows.get(label)
    if r is None:
        check(f"targets_{label}_present", False)
        continue
    k = tl.index(label)
    p = met.mean()
    check(f"targets_{label}_p_met", abs(float(r["p_met"]) - p) < 1e-12, f"{r['p_met']} vs {p}")
    check(f"targets_{label}_mean", math.isclose(float(r["mean"]), x.mean(), rel_tol=1e-9),
          f"{r['mean']} vs {x.mean()}")
    # The 90% and 95% intervals of the indicator: numpy's linear percentiles of its runs.
    for col, q in (("p05", 5), ("p95", 95), ("p025", 2.5), ("p975", 97.5)):
        want = np.percentile(x, q)
        check(f"targets_{label}_{col}_numpy",
              col in r and math.isclose(float(r[col]), want, rel_tol=1e-9, abs_tol=1e-9),
              f"{r.get(col)} vs {want}")
    check(f"targets_{label}_mean_gap",
          math.isclose(float(r["mean_gap"]), gap.mean(), rel_tol=1e-9, abs_tol=1e-6),
          f"{r['mean_gap']} vs {gap.mean()}")
    if yuan is None:
        check(f"targets_{label}_no_unit_cost", r["mean_gap_yuan"] == "", r["mean_gap_yuan"])
    else:
        check(f"targets_{label}_mean_gap_yuan",
              math.isclose(float(r["mean_gap_yuan"]), yuan.mean(), rel_tol=1e-9, abs_tol=1e-6),
              f"{r['mean_gap_yuan']} vs {yuan.mean()}")
    # The stored per-run tables agree run by run, and summary/ holds the probability.
    check(f"targets_{label}_runs_met", np.array_equal(g["runs/target_met"][:, k], met * 1.0))
    check(f"targets_{label}_runs_values", np.allclose(g["runs/target_values"][:, k], x,
                                                      rtol=1e-12, atol=0))
    stat = labels(g["stat"])
    check(f"targets_{label}_summary_is_probability",
          abs(g["summary/target_met"][stat.index("mean"), k] - p) < 1e-12)

# Probabilities strictly between 0 and 1 somewhere, so the test says something.
ps = [float(r["p_met"]) for r in rows.values()]
check("targets_some_uncertain", any(0 < p < 1 for p in ps), str(ps))
# The definition: binding of the first two, the operators, and the Chinese names.
r = rows["certified_share_2025"]
check("targets_definition", r["kind"] == "binding" and r["op"] == ">=" and r["value"] == "0.9"
      and r["indicator_zh"] == "持证率" and r["name_zh"] == "持证率达到90%"
      and rows["total_spending_2025"]["op"] == "<="
      and rows["total_spending_2025"]["gap_unit"] == "yuan"
      and rows["severe_certified_share_2025_daan"]["region"] == "daan", str(r))
PY

# The table: binding targets first, English and Chinese names, the kind in Chinese.
"$DPSIM" targets "$tmp/t.h5" >"$tmp/t.txt" 2>"$tmp/err"
check targets_table_exit_0 $?
grep -q '^daan-targets: 4 plan targets, 50 runs (micro engine, seed 11)$' "$tmp/t.txt"
check targets_table_title $?
awk '/binding|expected/ && $0 ~ /2025/ { print ($0 ~ /binding/) ? "b" : "e" }' "$tmp/t.txt" \
    | tr -d '\n' >"$tmp/order"
[ "$(cat "$tmp/order")" = "bbee" ]
check targets_table_binding_first $?
grep -q 'certified_share  *持证率 .*持证率达到90%$' "$tmp/t.txt" &&
    grep -q '约束性' "$tmp/t.txt" && grep -q '预期性' "$tmp/t.txt" &&
    grep -q 'care_subsidy_recipients  *重度残疾人护理补贴受益人数' "$tmp/t.txt"
check targets_table_names $?
"$DPSIM" targets "$tmp/t.h5" --scenario daan-targets >"$tmp/t2.txt" 2>&1
cmp -s "$tmp/t.txt" "$tmp/t2.txt"
check targets_scenario_option $?

# A file without targets: said so, exit 0; one cohort run: 0 or 100% with a note.
"$DPSIM" run --quiet scenarios/daan-baseline.yaml -o "$tmp/b.h5" 2>/dev/null
"$DPSIM" targets "$tmp/b.h5" >"$tmp/b.txt" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q '^daan-baseline: no plan targets' "$tmp/b.txt"
check targets_none_exit_0 $?
"$DPSIM" run --quiet "$SCEN" -o "$tmp/one.h5" 2>/dev/null
"$DPSIM" targets "$tmp/one.h5" >"$tmp/one.txt" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q 'one run: P(met) is 0 or 100%' "$tmp/one.txt" &&
    ! grep -Eq ' [1-9][0-9]?%  ' "$tmp/one.txt"
check targets_one_run $?

# Bad input: exit 2 with a message naming the thing.
"$DPSIM" targets "$tmp/missing.h5" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "missing.h5: cannot open" "$tmp/err"
check targets_missing_file_exit_2 $?
"$DPSIM" targets "$tmp/t.h5" --scenario nope >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "no scenario 'nope' (the file has: daan-targets)" "$tmp/err"
check targets_unknown_scenario_exit_2 $?
"$DPSIM" targets "$SCEN" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "not an HDF5 file" "$tmp/err"
check targets_not_hdf5_exit_2 $?
"$DPSIM" targets --bogus "$tmp/t.h5" >/dev/null 2>"$tmp/err"
[ $? = 2 ]
check targets_bad_option_exit_2 $?
"$DPSIM" targets >/dev/null 2>"$tmp/err"
[ $? = 2 ]
check targets_no_file_exit_2 $?
