#!/bin/sh
# tests/cli/alloc_fail.sh — every allocation's failure is reported (issue 14). The command's
# allocations go through model/cli/mem_wrap.c; DPSIM_FAIL_ALLOC=N makes the N-th fail. For a
# small run (tests/fuzz/template.yaml: two years of Da'an, cohort engine, 2 runs; then the micro
# engine on 2 threads) this walks N over the first 120 allocations one by one and over the
# rest at 180 evenly spaced points, and checks for each N: no crash (status < 128), exit status
# 1 with "out of memory" in the message, no results file and no temporary file left; or, where
# the failed allocation had a fallback, exit 0 with a complete file. Then `summary` on a good
# file the same way. Prints one PASS line per walk and a FAIL line for each N that breaks a rule.
# Then `check` on three scenarios with every 2nd-4th allocation failed in turn (ALLOC_EVERY=1:
# every one).
# Run from the project root. Environment: BUILD. (`make check` runs it under ASan, which adds a
# leak check to each failure.)
BUILD=${BUILD:-build}
DPSIM="$BUILD/bin/dpsim"
export DPSIM_DATA=data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count() { # count ARGS...: allocations of a successful command
    DPSIM_COUNT_ALLOC=1 "$@" 2>&1 >/dev/null | sed -n 's/^dpsim: \([0-9]*\) allocations$/\1/p' | tail -n 1
}

# walk NAME OUT ARGS...: the command with each failing N; OUT is the file it writes ("" if none).
walk() {
    name=$1 out=$2
    shift 2
    [ -n "$out" ] && rm -f "$out"
    total=$(count "$@")
    [ -n "$out" ] && rm -f "$out"
    if [ -z "$total" ] || [ "$total" -lt 10 ]; then
        echo "FAIL: alloc_${name}_count (no allocation count: '$total')"
        return
    fi
    first=120 step=1
    [ -n "$EVERY" ] && first=$total step=$EVERY
    ns=$(awk -v t="$total" -v f="$first" -v st="$step" 'BEGIN { for (i = 1; i <= f && i <= t; i += st) print i;
                                     for (k = 1; f < t && k <= 180; k++) { n = int(f + k * (t - f) / 180); if (n > f) print n } }' | uniq)
    bad=0 tried=0 fallback=0
    for n in $ns; do
        tried=$((tried + 1))
        [ -n "$out" ] && rm -f "$out"
        DPSIM_FAIL_ALLOC=$n "$@" >"$tmp/o" 2>&1
        rc=$?
        left=$(ls -a "$tmp" | grep -c '\.tmp\.' )
        if [ "$rc" -ge 128 ]; then
            echo "FAIL: alloc_${name}_$n (crashed: status $rc; $(head -c 200 "$tmp/o"))"; bad=$((bad + 1))
        elif [ "$rc" = 0 ]; then
            if [ -n "$out" ] && ! "$DPSIM" summary "$out" >/dev/null 2>&1; then
                echo "FAIL: alloc_${name}_$n (exit 0 but the file does not read)"; bad=$((bad + 1))
            else
                fallback=$((fallback + 1))
            fi
        elif [ "$rc" != 1 ] || ! grep -q "out of memory" "$tmp/o"; then
            echo "FAIL: alloc_${name}_$n (exit $rc: $(head -c 200 "$tmp/o"))"; bad=$((bad + 1))
        elif [ -n "$out" ] && [ -e "$out" ]; then
            echo "FAIL: alloc_${name}_$n (a results file was left)"; bad=$((bad + 1))
        elif [ "$left" != 0 ]; then
            echo "FAIL: alloc_${name}_$n (a temporary file was left)"; bad=$((bad + 1))
            rm -f "$tmp"/.*.tmp.*
        fi
    done
    [ "$bad" = 0 ] && echo "PASS: alloc_${name} ($tried of $total allocations failed in turn; $fallback with a fallback, exit 0)"
}

walk run_cohort "$tmp/c.h5" "$DPSIM" run tests/fuzz/template.yaml --engine cohort --runs 2 -o "$tmp/c.h5" --quiet
walk run_micro "$tmp/m.h5" "$DPSIM" run tests/fuzz/template.yaml --engine micro --runs 2 --threads 2 -o "$tmp/m.h5" --quiet
"$DPSIM" run tests/fuzz/template.yaml --engine cohort --runs 2 -o "$tmp/good.h5" --quiet >/dev/null 2>&1
walk summary "" "$DPSIM" summary "$tmp/good.h5"
walk targets "" "$DPSIM" targets "$tmp/good.h5"
# The loaders over the whole command (EVERY=K: every K-th N from 1 to the total, about 1,000
# to 1,500 allocations each; every one with ALLOC_EVERY=1): a scenario with extends:, dated
# rules and targets; a hierarchy node selection (the hierarchy file, a province's region files
# with their dated reported figures and bases); a national trend scenario (reported series).
EVERY=${ALLOC_EVERY:-2} walk check_plan "" "$DPSIM" check scenarios/daan-plan.yaml
EVERY=${ALLOC_EVERY:-3} walk check_province "" "$DPSIM" check scenarios/jilin-province.yaml
EVERY=${ALLOC_EVERY:-4} walk check_history "" "$DPSIM" check scenarios/china-2017-trend.yaml
exit 0
