#!/bin/sh
# tests/cli/bad_scenarios.sh — every bad scenario listed in tests/data/scenarios/bad/EXPECTED
# (file<TAB>exact message) must be refused by the dpsim command:
#   check: `dpsim check --data tests/data FILE` exits 2 and prints exactly "dpsim: MESSAGE" on
#          standard error;
#   run:   `dpsim run --data tests/data -o DIR/out.h5 FILE`, with DIR/out.h5 already present,
#          exits 2, prints the same, leaves out.h5 byte-identical and DIR with no other file.
# Prints "PASS: name" / "FAIL: name why". Run from the repository root (tests/run.sh does).
# Environment: BUILD (default build).
BUILD=${BUILD:-build}
DPSIM=$BUILD/bin/dpsim
LIST=tests/data/scenarios/bad/EXPECTED
DATA=tests/data
TAB=$(printf '\t')

if [ ! -x "$DPSIM" ]; then
    echo "FAIL: bad_scenarios $DPSIM not built"
    exit 1
fi
if [ ! -f "$LIST" ]; then
    echo "FAIL: bad_scenarios $LIST missing"
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# Any existing file will do as the output that must stay untouched.
orig=$work/orig.h5
cp "$LIST" "$orig"

while IFS="$TAB" read -r name msg; do
    case $name in '#'* | '') continue ;; esac
    file=tests/data/scenarios/bad/$name
    printf 'dpsim: %s\n' "$msg" >"$work/want"

    # check
    "$DPSIM" check --data "$DATA" "$file" >"$work/out" 2>"$work/err"
    rc=$?
    if [ "$rc" -ne 2 ]; then
        echo "FAIL: check/$name exit status $rc, expected 2"
    elif ! cmp -s "$work/err" "$work/want"; then
        echo "FAIL: check/$name stderr was: $(cat "$work/err")"
    else
        echo "PASS: check/$name"
    fi

    # run, with an existing output file
    dir=$work/run
    rm -rf "$dir"
    mkdir "$dir"
    cp "$orig" "$dir/out.h5"
    "$DPSIM" run --data "$DATA" -o "$dir/out.h5" "$file" >"$work/out" 2>"$work/err"
    rc=$?
    left=$(ls -A "$dir")
    if [ "$rc" -ne 2 ]; then
        echo "FAIL: run/$name exit status $rc, expected 2"
    elif ! cmp -s "$work/err" "$work/want"; then
        echo "FAIL: run/$name stderr was: $(cat "$work/err")"
    elif ! cmp -s "$dir/out.h5" "$orig"; then
        echo "FAIL: run/$name the existing output file was changed"
    elif [ "$left" != "out.h5" ]; then
        echo "FAIL: run/$name files left in the output folder: $(echo $left)"
    else
        echo "PASS: run/$name"
    fi
done <"$LIST"
exit 0
