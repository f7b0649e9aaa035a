#!/bin/sh
# tests/cli/backtest.sh — dpsim backtest (analysis/backtest.h) and status_quo: trend: the national
# back-test fitted to 2017-2018 (20 runs, to stay short) prints its table and coverage line,
# writes the CSV with the documented columns and a backtest/ group with -o; the report's
# back-test figure drawn from that file (notebooks/05-backtest.ipynb); the errors: no
# --fit-until, a year before the base, a distribution on a take-up the trend calibrates, a
# reported share above the trend's ceiling. Prints PASS:/FAIL: lines. Run from the project
# root. Environment: BUILD, PYTHON.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
S=scenarios/china-2017-trend.yaml

"$DPSIM" backtest "$S" --fit-until 2018 --runs 20 --csv "$tmp/bt.csv" -o "$tmp/bt.h5" >"$tmp/out" 2>&1
rc=$?
if [ "$rc" = 0 ] && grep -q '^Coverage 区间覆盖率: [0-9]* figures compared' "$tmp/out" &&
    grep -q 'care_subsidy_recipients *2020-12 upper' "$tmp/out"; then
    echo "PASS: backtest_national_table"
else
    cat "$tmp/out"; echo "FAIL: backtest_national_table (exit $rc)"
fi
want='region,key,year,month,bound,actual,mean,p5,p25,p50,p75,p95,rel_error,inside50,inside90'
if [ "$(head -1 "$tmp/bt.csv")" = "$want" ] &&
    [ "$(grep -c . "$tmp/bt.csv")" -ge 3 ] &&
    awk -F, 'NR > 1 && NF != 15 { bad = 1 } END { exit bad }' "$tmp/bt.csv"; then
    echo "PASS: backtest_csv_columns"
else
    head -3 "$tmp/bt.csv"; echo "FAIL: backtest_csv_columns"
fi
if "$PYTHON" - "$tmp/bt.h5" "$tmp/bt.csv" <<'PY'
import csv, sys, h5py
f = h5py.File(sys.argv[1], "r")
g = f["china-2017-trend"]
items, summ = g["backtest/backtest_items"][...], g["backtest/backtest_summary"][...]
rows = list(csv.DictReader(open(sys.argv[2])))
assert items.shape == (len(rows), 14), items.shape
assert int(summ[0]) == 2018 and int(summ[1]) == 20 and int(summ[2]) == len(rows)
assert abs(summ[5] - sum(int(r["inside90"]) for r in rows) / len(rows)) < 1e-12
for r, it in zip(rows, items):
    assert abs(float(r["mean"]) - it[4]) <= 1e-9 * abs(it[4])
tf = g["base/trend_fit"][...]
assert tf.shape == (1, 2, 10) and tf[0, 1, 7] == 2  # care: two figures fitted
tg = g["runs/trend_growth"][...]
assert tg.shape == (20, 1, 2)
# Each replicate its own draw of g, spread as the fit's SE: with 20 draws the sample sd / SE
# lies in [0.55, 1.45] with probability 0.996 (chi-square, 19 degrees of freedom; seed 1).
ratio = tg[:, 0, 1].std(ddof=1) / tf[0, 1, 3]
assert 0.55 < ratio < 1.45, ratio
PY
then echo "PASS: backtest_hdf5_group"; else echo "FAIL: backtest_hdf5_group"; fi

"$DPSIM" backtest "$S" >"$tmp/out" 2>&1
[ $? = 2 ] && grep -q -- '--fit-until YEAR is required' "$tmp/out" && echo "PASS: backtest_needs_fit_until" ||
    echo "FAIL: backtest_needs_fit_until"
"$DPSIM" backtest "$S" --fit-until 2016 --runs 2 >"$tmp/out" 2>&1
[ $? = 2 ] && grep -q 'from the base year 2017' "$tmp/out" && echo "PASS: backtest_before_base_refused" ||
    { cat "$tmp/out"; echo "FAIL: backtest_before_base_refused"; }

# The report's back-test figure (notebooks/05-backtest.ipynb), executed on the back-test's file:
# it shows one figure, of two panels (living and care subsidy), with the 6 one-date figures
# data/regions/china.yaml reports for them (2017-03, 2019-11 and 2020 each: counted by hand);
# and the fan it draws is the back-test's own projection: its 2020 mean equals the mean in
# backtest/backtest_items of the same figure (an identity), and so does the in90 flag.
mkdir -p "$tmp/nb"
if DPSIM_RESULTS="$tmp/bt.h5" BUILD="$BUILD" PYTHON="$PYTHON" \
    sh notebooks/execute.sh "$tmp/nb" notebooks/05-backtest.ipynb >"$tmp/nbout" 2>&1 &&
    "$PYTHON" - "$tmp/nb/05-backtest.ipynb" "$tmp/bt.h5" <<'PY'
import json, sys
sys.path.insert(0, "notebooks")
import dpsim_nb as nb
book = json.load(open(sys.argv[1]))
figs = [o for c in book["cells"] for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
assert len(figs) == 1, len(figs)
meta = figs[0]["metadata"]["dpsim"]["figure"]
assert meta["kind"] == "backtest" and meta["panels"] == 2 and meta["points"] == 6, meta
assert meta["overlaps"] == [], meta["overlaps"]
res = nb.Results(sys.argv[2])
scen = nb.has_backtest(sys.argv[2])
panels, fit_until = nb.backtest_panels(res, scen)
assert fit_until == 2018
items = res.table(scen, "backtest", "backtest_items")
for key, years, runs, pts in panels:
    it = items.sel(backtest_item=f"china {key} 2020-12")
    mean = float(runs.sel(year=2020).mean("run"))
    want = float(it.sel(backtest_stat="mean"))
    assert abs(mean - want) <= 1e-9 * want, (key, mean, want)
    late = pts[pts["t"] == 2020.0]
    assert len(late) == 1 and bool(late["checked"].iloc[0])
    assert float(late["in90"].iloc[0]) == float(it.sel(backtest_stat="in90")), key
    assert list(pts["checked"]) == [False, True, True], list(pts["checked"])
PY
then
    echo "PASS: backtest_report_figure"
else
    tail -20 "$tmp/nbout"; echo "FAIL: backtest_report_figure"
fi

# A distribution on a take-up the trend calibrates is refused, never a silent replacement.
cat >"$tmp/dist.yaml" <<Y
dpsim: 1
name: tmp-backtest-dist
extends: $PWD/scenarios/china-2017-trend.yaml
programmes:
  care_subsidy:
    take_up: {dist: beta, mean: 0.8, sd: 0.05}
Y
"$DPSIM" run "$tmp/dist.yaml" --data data --runs 2 -o "$tmp/d.h5" >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q "^dpsim: $tmp/dist.yaml:6:14: programmes.care_subsidy.take_up: a distribution on a take-up that status_quo: trend calibrates" "$tmp/out" &&
    [ ! -e "$tmp/d.h5" ] && echo "PASS: trend_distribution_refused" ||
    { cat "$tmp/out"; echo "FAIL: trend_distribution_refused (exit $rc)"; }
# The living subsidy's 2017 share (1.02 of the base's eligible persons) is above a ceiling of 1.
cat >"$tmp/ceiling.yaml" <<Y
dpsim: 1
name: tmp-backtest-ceiling
extends: $PWD/scenarios/china-2017-trend.yaml
calibration: {ceiling: 1}
Y
"$DPSIM" check "$tmp/ceiling.yaml" --data data >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q 'take-up trend of living_subsidy.*not below the ceiling 1' "$tmp/out" &&
    echo "PASS: trend_ceiling_refused" || { cat "$tmp/out"; echo "FAIL: trend_ceiling_refused (exit $rc)"; }
# --csv is an output like -o: never an input of the run, never the results file (issue 14).
cp "$tmp/ceiling.yaml" "$tmp/keep.yaml"
before=$(sha256sum "$tmp/keep.yaml" | cut -d' ' -f1)
"$DPSIM" backtest "$tmp/keep.yaml" --fit-until 2018 --data data --csv "$tmp/keep.yaml" >"$tmp/out" 2>&1
rc=$?
[ "$rc" = 2 ] && [ "$(sha256sum "$tmp/keep.yaml" | cut -d' ' -f1)" = "$before" ] &&
    grep -q 'an input of this run' "$tmp/out" && echo "PASS: backtest_csv_never_an_input" ||
    { cat "$tmp/out"; echo "FAIL: backtest_csv_never_an_input (exit $rc)"; }
exit 0
