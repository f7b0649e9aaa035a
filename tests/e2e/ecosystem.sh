#!/bin/sh
# tests/e2e/ecosystem.sh — the results file in other tools, exactly as the docs show them.
#   1. Writes the file of `make run` and the file of `make plans` with PLAN_RUNS=3 (the dpsim
#      commands are taken from `make -n`, so they stay the Makefile's), into a folder laid out
#      as the snippets expect (results/daan-baseline.h5, results/plans.h5).
#   2. tests/e2e/ecosystem.py: every reader snippet of docs/output-schema.md and README.md
#      (h5py, xarray, R hdf5r, h5dump, ncdump) run from the text on those files and checked
#      against them; in every group of both files no table named like an axis, xarray opens
#      every group, CF attributes, Conventions and git_commit.
#   3. A schema-2 file (the plans file with version 2's names put back with h5py: axis budget,
#      attributes unit, title, title_zh, schema_version 2) gives the same `dpsim summary`,
#      `dpsim targets` and `dpsim export --csv` tables as the file itself.
# Prints "PASS: name" / "FAIL: name" lines. Run from the project root after a build.
# Environment: BUILD (default build), PYTHON (default /usr/bin/python3).
. tests/helpers/unseal.sh
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM=$BUILD/bin/dpsim
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/work/results"

check() {
    if [ "$2" -eq 0 ]; then echo "PASS: $1"; else echo "FAIL: $1${3:+ ($3)}"; fi
}

# The dpsim command of a make target (recipe lines joined), with its -o FILE replaced by $3.
make_command() {
    make -s -n "$1" BUILD="$BUILD" $2 2>/dev/null |
        awk '/\/dpsim run /{on=1}
             on{line=$0; cont=sub(/\\$/, "", line); printf "%s ", line; if (!cont) exit}' |
        sed "s| -o [^ ]*| -o $3|"
}

run_cmd=$(make_command run "" "$tmp/work/results/daan-baseline.h5")
plans_cmd=$(make_command plans "PLAN_RUNS=3" "$tmp/work/results/plans.h5")
case "$run_cmd" in *"/dpsim run scenarios/daan-baseline.yaml -o $tmp/"*) ok=0 ;; *) ok=1 ;; esac
check ecosystem_make_run_command $ok "$run_cmd"
case "$plans_cmd" in *"--runs 3 "*"-o $tmp/work/results/plans.h5"*) ok=0 ;; *) ok=1 ;; esac
check ecosystem_make_plans_command $ok "$plans_cmd"
sh -c "$run_cmd" >"$tmp/run.log" 2>&1
check ecosystem_make_run_file $? "$(tail -n 1 "$tmp/run.log")"
sh -c "$plans_cmd" >"$tmp/plans.log" 2>&1
check ecosystem_make_plans_file $? "$(tail -n 1 "$tmp/plans.log")"

# git_commit: a commit this checkout knows, or "unknown" outside git.
if git rev-parse --git-dir >/dev/null 2>&1; then
    GIT_COMMIT_OK="git -C $root cat-file -e"
else
    GIT_COMMIT_OK=""
fi
command -v Rscript >/dev/null && Rscript -e 'library(hdf5r)' >/dev/null 2>&1
check ecosystem_r_hdf5r_installed $? "apt-get install r-cran-hdf5r (make deps)"
command -v ncdump >/dev/null
check ecosystem_ncdump_installed $? "apt-get install netcdf-bin (make deps)"
GIT_COMMIT_OK=$GIT_COMMIT_OK "$PYTHON" tests/e2e/ecosystem.py "$tmp/work" docs/output-schema.md \
    README.md

# 3. Schema 2, read as version 3.
cp "$tmp/work/results/plans.h5" "$tmp/v2.h5"
"$PYTHON" - "$tmp/v2.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f.attrs["schema_version"] = "2"
    for k in ("Conventions", "git_commit"):
        del f.attrs[k]
    for g in f.values():
        g.move("budget_item", "budget")           # the scale keeps its attachments
        g["budget"].attrs["NAME"] = "budget"
        for group in ("runs", "summary", "base"):
            for ds in g[group].values():
                for new, old in (("units", "unit"), ("long_name", "title"), ("label_zh", "title_zh")):
                    ds.attrs[old] = ds.attrs[new]
                    del ds.attrs[new]
                ds.attrs["dims"] = ",".join("budget" if d == "budget_item" else d
                                            for d in ds.attrs["dims"].split(","))
PY
unseal "$tmp/v2.h5"   # changed on purpose: read as an unsealed file
check ecosystem_schema2_made $?
"$PYTHON" -c "
import sys, h5py
f = h5py.File(sys.argv[1], 'r'); g = f['daan-plan']
sys.exit(0 if 'budget' in g and 'budget_item' not in g and 'unit' in g['runs/budget'].attrs
         and g['runs/budget'].attrs['dims'] == 'run,year,budget' else 1)" "$tmp/v2.h5"
check ecosystem_schema2_has_old_names $?
for s in daan-plan hulan-plan; do
    for cmd in "summary --scenario $s --year all" "summary --scenario $s --table budget" \
               "targets --scenario $s"; do
        # shellcheck disable=SC2086
        "$DPSIM" $cmd "$tmp/work/results/plans.h5" >"$tmp/a.txt" 2>&1
        a=$?
        # shellcheck disable=SC2086
        "$DPSIM" $cmd "$tmp/v2.h5" >"$tmp/b.txt" 2>&1
        b=$?
        sed -i "s|$tmp/work/results/plans.h5|FILE|g" "$tmp/a.txt"
        sed -i "s|$tmp/v2.h5|FILE|g" "$tmp/b.txt"
        [ "$a" -eq 0 ] && [ "$b" -eq 0 ] && cmp -s "$tmp/a.txt" "$tmp/b.txt"
        rc=$?
        name="$(echo "$cmd" | cut -d' ' -f1)_$(echo "$cmd" | awk '{print $NF}')"
        check "ecosystem_schema2_same_${name}_$s" $rc \
            "exit $a/$b; $(diff "$tmp/a.txt" "$tmp/b.txt" | head -n 3 | tr '\n' ' ')"
    done
done
"$DPSIM" export "$tmp/work/results/plans.h5" --csv "$tmp/csv3" --scenario daan-plan >/dev/null 2>&1 &&
    "$DPSIM" export "$tmp/v2.h5" --csv "$tmp/csv2" --scenario daan-plan >/dev/null 2>&1
check ecosystem_schema2_export_runs $?
same=0
n=0
for f in "$tmp"/csv3/daan-plan/*.csv; do
    b=$(basename "$f")
    [ "$b" = provenance.csv ] && continue
    n=$((n + 1))
    cmp -s "$f" "$tmp/csv2/daan-plan/$b" || { same=1; echo "  differs: $b"; }
done
[ "$n" -gt 10 ] && [ "$same" -eq 0 ]
check ecosystem_schema2_export_tables_identical $? "$n tables"
grep -q '^schema_version / 格式版本,2,' "$tmp/csv2/daan-plan/provenance.csv"
check ecosystem_schema2_export_provenance_says_2 $?
exit 0
