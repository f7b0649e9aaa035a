#!/bin/sh
# tests/cli/run_errors.sh — `dpsim run` refuses bad output paths and a bad $DPSIM_MEMORY_LIMIT
# before any engine runs, with exit status 2 and one plain sentence:
#   1. -o into a folder that does not exist, under a file, or that is not writable (run as
#      nobody with setpriv when the test runs as root), a name too long for the file system,
#      -o naming a folder: exit 2, a sentence naming the folder, no HDF5 text, no progress
#      (checked before the engine: the run takes no time and prints no table);
#   2. DPSIM_MEMORY_LIMIT=garbage (also 0, -5, 12X): exit 2 naming the variable; 64M and a
#      plain number are accepted, and the refusal prints sizes in units by size (KiB, MiB).
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD.
BUILD=${BUILD:-build}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else bad "$1"; fi; }
S=scenarios/daan-baseline.yaml

# expect_refusal NAME PATTERN -o ARG...: exit 2, one line on stderr matching PATTERN, no
# HDF5 text, nothing on stdout.
expect_refusal() {
    name=$1 pattern=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    code=$?
    [ "$code" = 2 ]; check "${name}_exit_2" $?
    [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "^dpsim: $pattern" "$tmp/err" &&
        ! grep -qi "hdf5\|H5F\|errno" "$tmp/err"
    check "${name}_one_plain_sentence" $?
    [ ! -s "$tmp/out" ]; check "${name}_nothing_run" $?
}

# 1. Output paths.
# A long micro run (minutes) refused at once: the path is checked before the engine starts.
expect_refusal out_missing_folder \
    "cannot write the results file '$tmp/nowhere/x.h5': the folder '$tmp/nowhere' does not exist" \
    timeout 20 "$DPSIM" run "$S" --engine micro --runs 5000 -o "$tmp/nowhere/x.h5"
: >"$tmp/plainfile"
expect_refusal out_under_a_file "cannot write the results file .*'$tmp/plainfile' is not a folder" \
    "$DPSIM" run "$S" -o "$tmp/plainfile/x.h5"
long=$(printf '%0250d' 0)
expect_refusal out_name_too_long "the results file name '$long.h5' is too long for the file system" \
    "$DPSIM" run "$S" -o "$tmp/$long.h5"
expect_refusal out_is_a_folder "the results file '$tmp' is a folder" "$DPSIM" run "$S" -o "$tmp"
mkdir "$tmp/ro"
chmod 555 "$tmp/ro"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$tmp"
    expect_refusal out_unwritable_folder "cannot write the results file '$tmp/ro/x.h5': the folder '$tmp/ro' is not writable" \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$DPSIM" run "$S" -o "$tmp/ro/x.h5"
elif [ "$(id -u)" != 0 ]; then
    expect_refusal out_unwritable_folder "cannot write the results file '$tmp/ro/x.h5': the folder '$tmp/ro' is not writable" \
        "$DPSIM" run "$S" -o "$tmp/ro/x.h5"
else
    echo "SKIP: out_unwritable_folder (root without setpriv)"
fi
[ -z "$(ls -A "$tmp/ro")" ]; check out_unwritable_leaves_nothing $?
# A name that fits is written (the check does not refuse good paths; its probe is removed).
"$DPSIM" run "$S" -o "$tmp/good.h5" --quiet; check out_good_path_exit_0 $?
[ "$(ls -A "$tmp" | grep -c 'tmp\.')" = 0 ] && [ -s "$tmp/good.h5" ]; check out_good_path_no_probe_left $?

# 2. DPSIM_MEMORY_LIMIT.
for v in garbage 0 -5 12X 1e; do
    DPSIM_MEMORY_LIMIT=$v "$DPSIM" run "$S" -o "$tmp/m.h5" --quiet >/dev/null 2>"$tmp/err"
    [ $? = 2 ] && grep -q "^dpsim: DPSIM_MEMORY_LIMIT must be a number of bytes greater than 0.*got '$v'" "$tmp/err"
    check "memory_limit_rejects_$v" $?
done
[ ! -e "$tmp/m.h5" ]; check memory_limit_bad_writes_nothing $?
DPSIM_MEMORY_LIMIT=64M "$DPSIM" run "$S" -o "$tmp/m.h5" --quiet; check memory_limit_64M_accepted $?
DPSIM_MEMORY_LIMIT=68000000 "$DPSIM" run "$S" -o "$tmp/m.h5" --quiet; check memory_limit_bytes_accepted $?
DPSIM_MEMORY_LIMIT=2000 "$DPSIM" run "$S" -o "$tmp/m2.h5" --quiet 2>"$tmp/err"
[ $? = 2 ] && grep -Eq "needs about [0-9]+\.[0-9] MiB of memory but 2\.0 KiB is available" "$tmp/err" &&
    ! grep -q "0\.0 GiB" "$tmp/err"
check memory_refusal_units_by_size $?
DPSIM_MEMORY_LIMIT=500 "$DPSIM" run "$S" -o "$tmp/m2.h5" --quiet 2>"$tmp/err"
grep -q "but 500 B is available" "$tmp/err"; check memory_refusal_bytes_unit $?
