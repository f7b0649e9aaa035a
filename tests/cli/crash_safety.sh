#!/bin/sh
# tests/cli/crash_safety.sh — issue 14, "Crash safety": an existing results file survives a
# run killed at any moment, and a full disk.
#   1. A results file r.h5 is written and kept as a copy. Then `dpsim run` over r.h5 (the Da'an
#      plan, 100 runs: about 1 s of projection and 1 s of final HDF5 write) is killed with
#      SIGKILL, KILLS_ANY times at random moments of the whole run and KILLS_WRITE times at
#      random moments after it has started the final write (its progress line "writing ...").
#      After every kill: r.h5 is byte-identical to the copy (cmp) and opens (h5ls); the
#      temporaries left (.r.h5.tmp.PID, the only thing a kill can leave) are listed. At least
#      one kill must have hit the write (its temporary existed when it was killed).
#   2. The next complete run to r.h5 exits 0, replaces r.h5 with a file that opens, and removes
#      every temporary the killed runs left (their pids are gone).
#   3. Full disk: a 6 MiB tmpfs (root only; otherwise a SKIP line, not a failure) holding a
#      3 MiB results file; a run whose file does not fit, and an export --csv/--xlsx, exit 1
#      with one "file system is full" sentence, no HDF5 text, the old file byte-identical and
#      no temporary left.
# The moments are drawn with awk's srand($CRASH_SEED) (default 14), so a failure repeats.
# Prints PASS:/FAIL:/SKIP: lines. Run from the project root. Environment: BUILD, CRASH_SEED,
# KILLS_ANY (default 6), KILLS_WRITE (default 6).
BUILD=${BUILD:-build}
DPSIM="$(pwd)/$BUILD/bin/dpsim"
SEED=${CRASH_SEED:-14}
KILLS_ANY=${KILLS_ANY:-6}
KILLS_WRITE=${KILLS_WRITE:-6}
tmp=$(mktemp -d)
mnt=
cleanup() {
    [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else bad "$1"; fi; }
S=scenarios/daan-plan.yaml
R=$tmp/r.h5
RUN="run $S --runs 100 -o $R"

"$DPSIM" run "$S" -o "$R" --quiet; check fixture_results_written $?
cp "$R" "$tmp/orig.h5"
cp "$R" "$tmp/fixture.h5"   # part 3's file (orig.h5 becomes a 100-run file if a run finishes)
# Time of a whole run (on another name), to spread the kills over it.
t0=$(date +%s.%N)
"$DPSIM" run "$S" --runs 100 -o "$tmp/timing.h5" --quiet; check fixture_long_run $?
total=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
rm -f "$tmp/timing.h5"
echo "crash_safety: a whole run takes ${total} s; seed $SEED"

# Random fractions in [0, 1), one a line.
fractions() { awk -v n="$1" -v s="$2" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%.3f\n", rand() }'; }

n_kill=0 n_in_write=0 n_same=0 n_open=0 n_done=0 n_late=0 left_all=
# after_kill PID: the checks after a kill. A run that finished before its kill (exit status
# 0, not 137) has rightly replaced r.h5: it becomes the new copy and is not counted as a kill.
after_kill() {
    wait "$1" 2>/dev/null
    status=$?
    if [ "$status" != 137 ]; then
        n_done=$((n_done + 1))
        [ "$status" = 0 ] || echo "crash_safety: a run exited with status $status"
        cp "$R" "$tmp/orig.h5"
        return
    fi
    # Killed after its rename but before it exited (slow exits, e.g. under ASan's leak check):
    # r.h5 is then the run's complete new file, which its seal proves (summary verifies the
    # SHA-256 of every byte before reading) - a finished run, not a damaged file.
    if ! cmp -s "$R" "$tmp/orig.h5" && [ ! -e "$tmp/.r.h5.tmp.$1" ] &&
        "$DPSIM" summary "$R" >/dev/null 2>&1; then
        n_done=$((n_done + 1))
        n_late=$((n_late + 1))
        cp "$R" "$tmp/orig.h5"
        return
    fi
    n_kill=$((n_kill + 1))
    cmp -s "$R" "$tmp/orig.h5" && n_same=$((n_same + 1))
    h5ls "$R" >/dev/null 2>&1 && n_open=$((n_open + 1))
    [ -e "$tmp/.r.h5.tmp.$1" ] && left_all="$left_all .r.h5.tmp.$1"
}

# 1a. Anywhere in the run.
for f in $(fractions "$KILLS_ANY" "$SEED"); do
    delay=$(awk -v f="$f" -v t="$total" 'BEGIN { printf "%.3f", f * 0.9 * t }')
    "$DPSIM" $RUN --quiet >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    [ -e "$tmp/.r.h5.tmp.$pid" ] && n_in_write=$((n_in_write + 1))
    kill -9 "$pid" 2>/dev/null
    after_kill "$pid"
done
# 1b. During the final write: after the progress line "writing ..." appears.
for f in $(fractions "$KILLS_WRITE" "$((SEED + 1))"); do
    DPSIM_PROGRESS=1 "$DPSIM" $RUN >/dev/null 2>"$tmp/err" &
    pid=$!
    i=0
    while ! grep -q "writing" "$tmp/err" 2>/dev/null && [ $i -lt 600 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    # The write takes about 40% of the run; kill within the first 25% of the run time.
    sleep "$(awk -v f="$f" -v t="$total" 'BEGIN { printf "%.3f", f * 0.25 * t }')"
    [ -e "$tmp/.r.h5.tmp.$pid" ] && n_in_write=$((n_in_write + 1))
    kill -9 "$pid" 2>/dev/null
    after_kill "$pid"
done
echo "crash_safety: $n_kill kills, $n_in_write during the final write (temporary present)," \
    "$n_done runs finished before their kill ($n_late of them killed after their rename)"
echo "crash_safety: temporaries left by the kills (each removed by a later run):${left_all:- none}"
[ "$n_kill" -ge $(((KILLS_ANY + KILLS_WRITE) / 2)) ]; check kills_mostly_made $?
[ "$n_same" = "$n_kill" ]; check killed_runs_leave_results_byte_identical $?
[ "$n_open" = "$n_kill" ]; check killed_runs_leave_results_readable $?
[ "$n_in_write" -ge 1 ]; check kills_hit_the_final_write $?
# Only the writer's temporaries, nothing under another name.
[ -z "$(cd "$tmp" && ls -A | grep -v '^\.r\.h5\.tmp\.[0-9]*$' | grep -v '^r\.h5$\|^orig\.h5$\|^fixture\.h5$\|^err$')" ]
check kills_leave_only_named_temporaries $?

# 2. The next run cleans up.
"$DPSIM" $RUN --quiet; check next_run_exit_0 $?
! cmp -s "$R" "$tmp/orig.h5" && h5ls "$R/daan-plan" >/dev/null 2>&1; check next_run_replaced $?
[ -z "$(cd "$tmp" && ls -A | grep '\.tmp\.')" ]; check next_run_removes_stale_temporaries $?

# 3. Full disk.
if [ "$(id -u)" = 0 ] && mkdir "$tmp/full" && mount -t tmpfs -o size=6m tmpfs "$tmp/full" 2>/dev/null; then
    mnt=$tmp/full
    F=$mnt/r.h5
    cp "$tmp/fixture.h5" "$F"
    cp "$tmp/fixture.h5" "$tmp/orig.h5"
    # full_disk NAME CMD...: exit 1, one sentence, old file identical, no temporary.
    full_disk() {
        name=$1
        shift
        "$@" >/dev/null 2>"$tmp/err"
        code=$?
        [ "$code" = 1 ]; check "${name}_exit_1" $?
        grep "^dpsim: " "$tmp/err" | grep -q "the file system is full (no space left on device)" &&
            [ "$(grep -c '^dpsim: ' "$tmp/err")" = 1 ] && ! grep -qi "hdf5\|H5F\|H5D" "$tmp/err"
        check "${name}_one_sentence" $?
        cmp -s "$F" "$tmp/orig.h5"; check "${name}_old_file_identical" $?
        [ -z "$(ls -A "$mnt" | grep '\.tmp\.')" ]; check "${name}_no_temporary" $?
    }
    full_disk full_disk_run "$DPSIM" run "$S" --runs 50 -o "$F" --quiet
    dd if=/dev/zero of="$mnt/filler" bs=1024 count=1024 2>/dev/null
    full_disk full_disk_export_csv "$DPSIM" export "$F" --csv "$mnt/csv" --runs
    full_disk full_disk_export_xlsx "$DPSIM" export "$F" --xlsx "$mnt/r.xlsx"
    [ ! -e "$mnt/r.xlsx" ] && [ ! -e "$mnt/csv" ]; check full_disk_export_nothing_written $?
else
    echo "SKIP: full_disk (needs root to mount a small tmpfs)"
fi
