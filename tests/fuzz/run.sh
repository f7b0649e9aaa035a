#!/bin/sh
# tests/fuzz/run.sh — runs libFuzzer targets (tests/fuzz/README.md) and prints one PASS:/FAIL:
# line each: FUZZ_SECONDS (default 60) seconds of fuzzing from the seed corpus, after every
# input of tests/fuzz/regress/<target>/ once (the inputs that once crashed must not again).
#   sh tests/fuzz/run.sh [target ...]      (default: every built target)
# Environment: BUILD (default build), FUZZ_SECONDS, FUZZ_JOBS (parallel workers per target,
# default 1), FUZZ_TIMEOUT (seconds one input may take before it is a finding, default 20;
# raise it for long runs on a loaded machine, where an input that takes 2 s alone can wait 20). Run from the project root. A crash's input is kept in build/fuzz/artifacts/ and
# named in the FAIL line; copy it into tests/fuzz/regress/<target>/ with the fix.
BUILD=${BUILD:-build}
SECS=${FUZZ_SECONDS:-60}
FZ="$BUILD/fuzz"
export DPSIM_DATA=${DPSIM_DATA:-data}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$FZ/artifacts" "$FZ/logs"
targets=$*
[ -n "$targets" ] || targets=$(cd "$FZ" 2>/dev/null && ls fuzz_* 2>/dev/null)
[ -n "$targets" ] || { echo "FAIL: fuzz (no targets built: make fuzz-build)"; exit 0; }

# A dictionary of the YAML keys the loaders know: scenario keys (docs/keys.md, each path
# component) and the keys of the shipped region files, as "key:" tokens.
dict="$FZ/yaml.dict"
{
    sed -n 's/^| `\([^`]*\)` |.*/\1/p' docs/keys.md | tr '.' '\n'
    grep -ho '^ *[a-z_][a-z_0-9]*:' data/regions/*.yaml scenarios/*.yaml | tr -d ' :'
    printf '%s\n' extends regions targets distribution normal lognormal uniform triangular \
        from until value indicator year scenario region dpsim dpsim_region
} | grep -v '^$' | sort -u | sed 's/.*/"&:"/' >"$dict"
printf '"#--base--\\x0A"\n"extends: base.yaml\\x0A"\n"- {"\n"[1, 2]"\n"1e308"\n"-0"\n"nan"\n".inf"\n' >>"$dict"

for t in $targets; do
    bin="$FZ/$t"
    name=${t#fuzz_}
    [ -x "$bin" ] || { echo "FAIL: $t (not built: make fuzz-build)"; continue; }
    corpus="$FZ/corpus/$name"
    mkdir -p "$corpus"
    seeds=""
    opts="-max_len=65536"
    case $name in
    scenario) seeds="scenarios tests/data/scenarios tests/fuzz/corpus/scenario"; opts="$opts -dict=$dict" ;;
    region) seeds="data/regions tests/data/regions"; opts="$opts -dict=$dict" ;;
    results)
        # The template: a real results file with plan targets and the budget table.
        "$BUILD/bin/dpsim" run tests/fuzz/template.yaml --engine cohort -o "$FZ/template.h5" \
            --quiet --force >/dev/null 2>&1 || { echo "FAIL: $t (cannot write the template)"; continue; }
        export DPSIM_FUZZ_RESULTS="$FZ/template.h5"
        seeds="tests/fuzz/corpus/results" ;;
    reference)
        # One seed per reference file: its index as the first byte, then its text.
        i=0
        for f in $(cd "$DPSIM_DATA/reference" && ls *.csv | LC_ALL=C sort); do
            { printf "\\$(printf '%03o' "$i")"; cat "$DPSIM_DATA/reference/$f"; } >"$corpus/seed-$f"
            i=$((i + 1))
        done ;;
    esac
    log="$FZ/logs/$t.log"
    # The regression inputs, once each.
    reg="tests/fuzz/regress/$name"
    if [ -d "$reg" ] && [ -n "$(ls "$reg" 2>/dev/null)" ]; then
        if ! "$bin" -runs=1 "$reg"/* >"$log.regress" 2>&1; then
            tail -n 30 "$log.regress"
            echo "FAIL: ${t}_regressions (an input of $reg crashes again; $log.regress)"
            continue
        fi
        echo "PASS: ${t}_regressions ($(ls "$reg" | wc -l) inputs)"
    fi
    existing=""
    for d in $seeds; do [ -d "$d" ] && existing="$existing $d"; done
    # shellcheck disable=SC2086
    "$bin" $opts -max_total_time="$SECS" -timeout="${FUZZ_TIMEOUT:-20}" -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$FZ/artifacts/$name-" "$corpus" $existing >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    if [ "$rc" = 0 ]; then
        echo "PASS: $t ($SECS s, ${execs:-?} executions, coverage ${cov:-?} edges, ${ft:-?} features, corpus $(ls "$corpus" | wc -l) files)"
    else
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 10
        echo "FAIL: $t (exit $rc after ${execs:-?} executions; input in $FZ/artifacts/, log $log)"
    fi
done
exit 0
