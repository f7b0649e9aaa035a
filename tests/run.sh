#!/bin/sh
# tests/run.sh — runs every test suite and ends with one summary line "N passed, M failed".
#   unit:   build/tests/test_* (cmocka; one executable per module)
#   shell:  tests/layers.sh, tests/cli/*.sh, tests/schema/*.sh, tests/e2e/*.sh — each prints "PASS: name" or
#           "FAIL: name" lines; a script that exits non-zero also counts as one failure.
# Run from the project root (make test does). Environment: BUILD (default build), PYTHON.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
export BUILD PYTHON
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
        echo "FAIL: $t exited with status $rc"
        failed=$((failed + 1))
    fi
done

for s in tests/layers.sh tests/cli/*.sh tests/schema/*.sh tests/e2e/*.sh; do
    [ -f "$s" ] || continue
    echo "== $s"
    sh "$s" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL: $s exited with status $rc"
        failed=$((failed + 1))
    fi
done

echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
