#!/bin/sh
# tests/cli/reconcile.sh — dpsim reconcile (engine agreement, analysis/reconcile.h) on all ten
# shipped scenarios (each region's baseline and plan) at a size that keeps the suite short:
# RECONCILE_RUNS (default 20) paired replicates, seed 1, threshold 4 standard errors. Each
# scenario is one PASS/FAIL line; a failure prints the command's report (the series-years
# beyond 4 SE; the verdict is the family-wise bound, docs/validation.md). `make validate` runs the same at full size (200 runs). Also: the exit status
# for bad input. Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD.
BUILD=${BUILD:-build}
DPSIM="$BUILD/bin/dpsim"
RUNS=${RECONCILE_RUNS:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for r in daan huzhong ningbo pudong hulan; do
    for k in baseline plan; do
        s=scenarios/$r-$k.yaml
        "$DPSIM" reconcile "$s" --runs "$RUNS" --seed 1 >"$tmp/out" 2>&1
        rc=$?
        if [ "$rc" = 0 ] && grep -q 'the engines agree\.$' "$tmp/out"; then
            echo "PASS: reconcile_$r-$k ($(sed -n 2p "$tmp/out"))"
        else
            sed -n '1,60p' "$tmp/out"
            echo "FAIL: reconcile_$r-$k (exit $rc)"
        fi
    done
done

# Bad input: exit 2 with a sentence, no report.
"$DPSIM" reconcile scenarios/daan-baseline.yaml --runs 1 >"$tmp/out" 2>&1
[ $? = 2 ] && grep -q 'at least 2 replicates' "$tmp/out" && echo "PASS: reconcile_one_run_refused" ||
    echo "FAIL: reconcile_one_run_refused"
"$DPSIM" reconcile scenarios/daan-baseline.yaml --z 0 >"$tmp/out" 2>&1
[ $? = 2 ] && echo "PASS: reconcile_bad_threshold_refused" || echo "FAIL: reconcile_bad_threshold_refused"
"$DPSIM" reconcile tests/data/scenarios/bad/probability.yaml >"$tmp/out" 2>&1
[ $? = 2 ] && grep -q 'probability.yaml:[0-9]*:[0-9]*:' "$tmp/out" && echo "PASS: reconcile_bad_scenario_located" ||
    echo "FAIL: reconcile_bad_scenario_located"
exit 0
