#!/bin/sh
# tests/cli/bases.sh — regions of different base years in one run (docs/scenarios.md "Base
# years", docs/model.md "Regions of different base years").
# Identity: regions are independent, so Hulan (base 2017) projected alone over 2018-2025 and
# Hulan projected in a run 2021-2025 beside Da'an (base 2020) must give the same 2021-2025 values
# in every per-region table, bit for bit, under both engines (Hulan is the first region in both
# runs, so the micro engine's random streams, keyed by region index, are the same); and under
# the cohort engine Da'an's tables in the mixed run are those of Da'an alone from 2021. The
# file's base_years attribute lists 2017, 2020. dpsim reconcile (the engines agree) on the mixed
# run. Errors: a region with no base before years.start, and base_year: a region lacks, are
# exit 2 at file:line:column and nothing is written.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD, PYTHON,
# RECONCILE_RUNS (default 20).
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
RUNS=${RECONCILE_RUNS:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }

cp scenarios/hulan-baseline.yaml "$tmp/"
printf 'extends: hulan-baseline.yaml\nname: mixed\nregions: [hulan, daan]\nyears: {start: 2021, end: 2025}\n' \
    >"$tmp/mixed.yaml"
printf 'extends: hulan-baseline.yaml\nname: hulan\nregions: [hulan]\nyears: {start: 2018, end: 2025}\n' \
    >"$tmp/hulan.yaml"
printf 'extends: hulan-baseline.yaml\nname: daan\nregions: [daan]\nyears: {start: 2021, end: 2025}\n' \
    >"$tmp/daan.yaml"
ok=0
for e in cohort micro; do
    for s in mixed hulan daan; do
        "$DPSIM" run --quiet --data data "$tmp/$s.yaml" --engine $e --runs 3 --seed 7 \
            -o "$tmp/$s-$e.h5" 2>"$tmp/err" || { ok=1; cat "$tmp/err"; }
    done
done
check bases_mixed_runs $ok

"$PYTHON" - "$tmp" <<'PY'
import sys
import h5py, numpy as np

def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" {why}"))

def dims(ds):
    d = ds.attrs["dims"]
    if isinstance(d, (bytes, str)):
        d = (d.decode() if isinstance(d, bytes) else d).split(",")
    return [x.decode() if isinstance(x, bytes) else str(x) for x in d]

tmp = sys.argv[1]
for e in ("cohort", "micro"):
    m = h5py.File(f"{tmp}/mixed-{e}.h5", "r")["mixed"]
    check(f"bases_{e}_base_years_attribute", list(m.attrs["base_years"]) == [2017, 2020],
          m.attrs["base_years"])
    check(f"bases_{e}_reported_years", list(m["year"][()]) == [2021, 2022, 2023, 2024, 2025]
          and m.attrs["year_start"] == 2021)
    alone = {"hulan": (h5py.File(f"{tmp}/hulan-{e}.h5", "r")["hulan"], 0, 3),
             "daan": (h5py.File(f"{tmp}/daan-{e}.h5", "r")["daan"], 1, 0)}
    for name, (a, ri_mixed, y0) in alone.items():
        if e == "micro" and name == "daan":
            continue  # Da'an is region 1 in the mixed run, region 0 alone: other streams
        checked, bad = [], []
        for t, ds in m["runs"].items():
            d = dims(ds)
            if "year" not in d or "region" not in d or t == "population_base":
                continue
            yi, ri = d.index("year"), d.index("region")
            A = np.take(np.take(a["runs"][t][()], range(y0, y0 + 5), axis=yi), [0], axis=ri)
            M = np.take(ds[()], [ri_mixed], axis=ri)
            checked.append(t)
            if not np.array_equal(A, M, equal_nan=True):
                bad.append(t)
        check(f"bases_{e}_{name}_alone_equals_mixed", len(checked) >= 10 and not bad, bad)
    # The base tables are each region's own base: Hulan's in the mixed run are Hulan's alone.
    a = h5py.File(f"{tmp}/hulan-{e}.h5", "r")["hulan"]
    check(f"bases_{e}_base_tables_own_base",
          all(np.array_equal(m[f"base/{t}"][()][0], a[f"base/{t}"][()][0], equal_nan=True)
              for t in ("fit", "take_up", "disabled_base")))
PY

"$DPSIM" reconcile "$tmp/mixed.yaml" --data data --runs "$RUNS" --seed 1 >"$tmp/out" 2>&1
rc=$?
if [ "$rc" = 0 ] && grep -q 'the engines agree\.$' "$tmp/out"; then
    echo "PASS: bases_reconcile_mixed ($(sed -n 2p "$tmp/out"))"
else
    sed -n '1,60p' "$tmp/out"
    echo "FAIL: bases_reconcile_mixed (exit $rc)"
fi

# No usable base: Da'an's only base is 2020, so a run from 2020 has none before it.
printf 'dpsim: 1\nname: bad\nregions: [hulan, daan]\nyears: {start: 2020, end: 2025}\n' >"$tmp/bad1.yaml"
"$DPSIM" run --quiet --data data "$tmp/bad1.yaml" -o "$tmp/bad1.h5" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && [ ! -e "$tmp/bad1.h5" ] &&
    grep -q "bad1.yaml:4:16: years.start 2020 needs a base year before it (2019 or earlier), but region 'daan' has base year 2020$" "$tmp/err"
check bases_no_usable_base $?
# base_year: picks one base for every region: Hulan has no 2020 base.
printf 'dpsim: 1\nname: bad\nregions: [daan, hulan]\nbase_year: 2020\nyears: {end: 2025}\n' >"$tmp/bad2.yaml"
"$DPSIM" run --quiet --data data "$tmp/bad2.yaml" -o "$tmp/bad2.h5" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && [ ! -e "$tmp/bad2.h5" ] &&
    grep -q "bad2.yaml:4:12: base_year: 2020, but region 'hulan' has base year 2017 (without base_year: each region is projected from its latest base before years.start)" "$tmp/err"
check bases_base_year_lacking $?
exit 0
