#!/bin/sh
# tests/e2e/export.sh — `dpsim export` end to end (docs/export.md).
#
# 1. Runs the Da'an baseline with the cohort engine, 3 runs, and exports it to CSV and Excel;
#    tests/e2e/check_export.py reads the CSV files (Python's csv module) and the workbook
#    (openpyxl) and compares every value with the HDF5 file read by h5py.
#    The same for scenarios/daan-uncertain.yaml (distributions: runs differ; runs/parameters).
# 2. The cohort engine's 3 runs of a scenario without distributions are identical, which would
#    hide a run or statistic put in the wrong column; so a second file is made from two
#    scenarios (Da'an, Huzhong) whose runs are then made different with h5py (run r scaled by
#    1 + r/16, the summary recomputed with numpy), and the second group renamed to a 31-byte
#    name with characters Excel refuses in sheet names. It is exported with --runs and
#    --stat all, and with --scenario/--table selections.
# 3. Errors: missing file, not a dpsim file, unknown table, scenario or statistic, an output
#    folder that cannot be created: exit status 2, no output and no temporary file left, and an
#    existing workbook or CSV file byte for byte unchanged.
# Prints PASS:/FAIL: lines. Run from the project root.
. tests/helpers/unseal.sh
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
CHECK=tests/e2e/check_export.py
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else bad "$1"; fi; }
# No file or folder whose name holds ".tmp." anywhere under $1.
no_temp() { [ -z "$(find "$1" -name '*.tmp.*' 2>/dev/null)" ]; }

if ! "$PYTHON" -c 'import h5py, numpy, openpyxl' 2>/dev/null; then
    bad "export_python_modules ($PYTHON needs h5py, numpy and openpyxl: make deps)"
    exit 0
fi

# ---------------------------------------------------------------------------------------------
# 1. The Da'an baseline, 3 runs, default statistics.
"$DPSIM" run scenarios/daan-baseline.yaml --runs 3 -o "$tmp/daan.h5" --quiet
check export_run_results $?
"$DPSIM" export "$tmp/daan.h5" --csv "$tmp/csv" --xlsx "$tmp/daan.xlsx" >"$tmp/out" 2>&1
check export_exit_0 $?
[ -s "$tmp/daan.xlsx" ] && [ -d "$tmp/csv/daan-baseline" ]; check export_writes_outputs $?
no_temp "$tmp"; check export_leaves_no_temporary $?
"$PYTHON" "$CHECK" "$tmp/daan.h5" --csv "$tmp/csv" --xlsx "$tmp/daan.xlsx" --prefix daan_

# Exporting again replaces the outputs (same content apart from the export time).
"$DPSIM" export "$tmp/daan.h5" --csv "$tmp/csv" --xlsx "$tmp/daan.xlsx" >/dev/null 2>&1
check export_again_replaces $?
no_temp "$tmp"; check export_again_no_temporary $?

# The example scenario with distributions: runs that differ and the runs/parameters table
# (unit "value", axis parameter), exported with every run.
"$DPSIM" run scenarios/daan-uncertain.yaml --runs 3 --seed 5 -o "$tmp/unc.h5" --quiet
check export_run_uncertain $?
"$DPSIM" export "$tmp/unc.h5" --csv "$tmp/csvu" --xlsx "$tmp/unc.xlsx" --runs >/dev/null 2>&1
check export_uncertain_exit_0 $?
[ -f "$tmp/csvu/daan-uncertain/parameters.csv" ]; check export_uncertain_parameters_csv $?
"$PYTHON" "$CHECK" "$tmp/unc.h5" --csv "$tmp/csvu" --xlsx "$tmp/unc.xlsx" --runs --prefix unc_

# ---------------------------------------------------------------------------------------------
# 2. Two scenarios with runs that differ.
"$DPSIM" run scenarios/daan-baseline.yaml scenarios/huzhong-baseline.yaml --runs 3 \
    -o "$tmp/two.h5" --quiet
check export_run_two_scenarios $?
"$PYTHON" - "$tmp/two.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    for name in list(f):
        g = f[name]
        for t in g["runs"]:
            d = g["runs"][t][()]
            for r in range(d.shape[0]):
                d[r] *= 1 + r / 16
            g["runs"][t][()] = d
            # mean, sample sd, and percentiles by linear interpolation between the sorted runs:
            # docs/output-schema.md's definitions, computed with numpy, in the order of the
            # file's stat axis (schema 4: mean, sd, p025, p05, p25, p50, p75, p95, p975).
            stat = list(g["stat"].asstr()[()])
            pct = {"p025": 2.5, "p05": 5, "p25": 25, "p50": 50, "p75": 75, "p95": 95,
                   "p975": 97.5}
            g["summary"][t][()] = np.stack(
                [d.mean(axis=0) if k == "mean" else d.std(axis=0, ddof=1) if k == "sd"
                 else np.percentile(d, pct[k], axis=0) for k in stat])
    # 31 bytes, with ':' '[' ']' that a sheet name may not hold.
    f.move("huzhong-baseline", "huzhong:reform[2025]-plan-extra")
PY
unseal "$tmp/two.h5"   # changed on purpose: read as an unsealed file
check export_make_varied_file $?
"$DPSIM" export "$tmp/two.h5" --csv "$tmp/new/parents/csv2" --xlsx "$tmp/two.xlsx" --runs --stat all \
    >"$tmp/out" 2>&1
check export_two_exit_0 $?
"$PYTHON" "$CHECK" "$tmp/two.h5" --csv "$tmp/new/parents/csv2" --xlsx "$tmp/two.xlsx" --runs --stats all \
    --prefix two_
# The sheet names: "<scenario>.<table>", the scenario cut so that 31 characters hold the whole
# table name, the forbidden characters replaced by '_'.
"$PYTHON" - "$tmp/two.xlsx" <<'PY'
import sys, openpyxl
names = openpyxl.load_workbook(sys.argv[1], read_only=True).sheetnames
# 31 - len(".spending") = 22 characters of the scenario: "huzhong:reform[2025]-p".
ok = "daan-baseline.spending" in names and "huzhong_reform_2025_-p.spending" in names
print(("PASS: " if ok else "FAIL: ") + "two_sheet_names" + ("" if ok else f" ({names})"))
PY

# Selections: one scenario, two tables, two statistics.
"$DPSIM" export "$tmp/two.h5" --csv "$tmp/csv3" --xlsx "$tmp/sel.xlsx" \
    --scenario 'huzhong:reform[2025]-plan-extra' --table spending,take_up --stat p50,sd >/dev/null 2>&1
check export_selection_exit_0 $?
ls "$tmp/csv3" >"$tmp/ls1"; ls "$tmp/csv3"/* >"$tmp/ls2"
[ "$(cat "$tmp/ls1")" = "huzhong:reform[2025]-plan-extra" ] &&
    [ "$(cat "$tmp/ls2" | tr '\n' ' ')" = "provenance.csv scenario.yaml spending.csv take_up.csv " ]
check export_selection_files $?
"$PYTHON" "$CHECK" "$tmp/two.h5" --csv "$tmp/csv3" --xlsx "$tmp/sel.xlsx" --stats p50,sd \
    --scenarios 'huzhong:reform[2025]-plan-extra' --tables spending,take_up --prefix sel_
"$PYTHON" - "$tmp/sel.xlsx" <<'PY'
import sys, openpyxl
names = openpyxl.load_workbook(sys.argv[1], read_only=True).sheetnames
ok = names == ["contents", "spending", "take_up", "provenance"]
print(("PASS: " if ok else "FAIL: ") + "sel_sheet_names_one_scenario" + ("" if ok else f" ({names})"))
PY

# ---------------------------------------------------------------------------------------------
# 3. Errors: exit 2, nothing written, nothing damaged.
mkdir "$tmp/err"
cp "$tmp/daan.xlsx" "$tmp/err/keep.xlsx"
cp "$tmp/daan.xlsx" "$tmp/err/keep.orig"
mkdir -p "$tmp/err/keepcsv/daan-baseline"
cp "$tmp/csv/daan-baseline/spending.csv" "$tmp/err/keepcsv/daan-baseline/spending.csv"
cp "$tmp/csv/daan-baseline/spending.csv" "$tmp/err/spending.orig"

expect_2() {  # name, then the export arguments
    name=$1
    shift
    "$DPSIM" export "$@" >"$tmp/err.out" 2>&1
    rc=$?
    if [ "$rc" = 2 ] && grep -q '^dpsim: ' "$tmp/err.out"; then
        ok "${name}_exit_2"
    else
        bad "${name}_exit_2 (status $rc: $(head -c 300 "$tmp/err.out"))"
    fi
    cmp -s "$tmp/err/keep.xlsx" "$tmp/err/keep.orig" &&
        cmp -s "$tmp/err/keepcsv/daan-baseline/spending.csv" "$tmp/err/spending.orig" &&
        [ "$(ls "$tmp/err" | tr '\n' ' ')" = "keep.orig keep.xlsx keepcsv spending.orig " ] &&
        [ "$(ls "$tmp/err/keepcsv/daan-baseline")" = "spending.csv" ] && no_temp "$tmp/err"
    check "${name}_nothing_written" $?
}
expect_2 export_missing_file "$tmp/nosuch.h5" --csv "$tmp/err/new" --xlsx "$tmp/err/keep.xlsx"
grep -q 'nosuch.h5' "$tmp/err.out"; check export_missing_file_names_it $?
printf 'not hdf5\n' >"$tmp/text.h5"
expect_2 export_not_hdf5 "$tmp/text.h5" --csv "$tmp/err/new"
"$PYTHON" -c 'import h5py, sys; h5py.File(sys.argv[1], "w").create_group("x")' "$tmp/other.h5"
expect_2 export_not_dpsim "$tmp/other.h5" --xlsx "$tmp/err/keep.xlsx"
grep -q 'not a dpsim results file' "$tmp/err.out"; check export_not_dpsim_message $?
expect_2 export_unknown_table "$tmp/daan.h5" --table spending,nosuch \
    --csv "$tmp/err/keepcsv" --xlsx "$tmp/err/keep.xlsx"
grep -q "no table 'nosuch'" "$tmp/err.out"; check export_unknown_table_message $?
# The folders the export would have created (with their parents) are removed again.
expect_2 export_unknown_table_new_dirs "$tmp/daan.h5" --table nosuch --csv "$tmp/err/new/a/b"
expect_2 export_unknown_scenario "$tmp/daan.h5" --scenario nosuch --csv "$tmp/err/keepcsv"
grep -q "no scenario 'nosuch' (the file has: daan-baseline)" "$tmp/err.out"
check export_unknown_scenario_message $?
expect_2 export_unknown_stat "$tmp/daan.h5" --stat mean,p99 --xlsx "$tmp/err/keep.xlsx"
expect_2 export_no_output "$tmp/daan.h5"
# An output folder that cannot be made: under a regular file (even root cannot write there).
expect_2 export_unwritable_csv_dir "$tmp/daan.h5" --csv "$tmp/err/keep.orig/csv"
expect_2 export_unwritable_xlsx_dir "$tmp/daan.h5" --xlsx "$tmp/err/keep.orig/x.xlsx"
expect_2 export_missing_xlsx_dir "$tmp/daan.h5" --xlsx "$tmp/err/nodir/x.xlsx" \
    --csv "$tmp/err/new"
# A folder without write permission (only meaningful when not root: root may write anyway).
if [ "$(id -u)" != 0 ]; then
    mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
    "$DPSIM" export "$tmp/daan.h5" --csv "$tmp/ro/csv" --xlsx "$tmp/ro/x.xlsx" >/dev/null 2>&1
    [ $? = 2 ] && [ -z "$(ls -A "$tmp/ro")" ]; check export_readonly_dir_exit_2 $?
fi

# Help and usage.
"$DPSIM" export --help | grep -q -- '--xlsx FILE'; check export_help $?
"$DPSIM" --help | grep -q '^  export'; check export_listed_in_help $?
exit 0
