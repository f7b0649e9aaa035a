#!/bin/sh
# tests/cli/progress.sh — the progress lines of `dpsim run` on a terminal (script(1) gives the
# command one; $DPSIM_PROGRESS=1 forces them on a pipe, for this test):
#   1. no estimate of the time left before it is meaningful: the first frames say
#      "estimating time left"; the estimates shown (elapsed + left) are within a factor of 3
#      of the engine's actual time (the old first-tick estimate was 8 times too long);
#   2. after 100%, "writing FILE ..." then " done (N s)" on standard error, after the
#      summarising line, so that the seconds of writing are not silent;
#   3. --quiet shows none of it, and a pipe without $DPSIM_PROGRESS none either.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD, PYTHON.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }

if command -v script >/dev/null; then
    script -qec "$DPSIM run scenarios/daan-baseline.yaml --engine micro --runs 150 -o $tmp/p.h5 >/dev/null" /dev/null >"$tmp/p.log" 2>&1
    check progress_terminal_run_exit_0 $?
else
    DPSIM_PROGRESS=1 "$DPSIM" run scenarios/daan-baseline.yaml --engine micro --runs 150 -o "$tmp/p.h5" >/dev/null 2>"$tmp/p.log"
    check progress_forced_run_exit_0 $?
fi
"$PYTHON" - "$tmp/p.log" "$tmp/p.h5" <<'PY'
import re, sys
def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" {why}"))
text = open(sys.argv[1], encoding="utf-8", errors="replace").read().replace("\r\n", "\n")
frames = [f for f in re.split(r"[\r\n]", text) if "replicates" in f]
check("progress_frames_shown", len(frames) >= 5, len(frames))
first = frames[:1]
check("progress_no_first_tick_estimate", first and "about" not in first[0] and "estimating" in first[0], first)
final = [f for f in frames if "150/150 replicates" in f]
total = float(re.search(r"replicates +([\d.]+) s", final[-1]).group(1)) if final else 0
est = [(float(m.group(1)), float(m.group(2))) for f in frames
       for m in [re.search(r"replicates +([\d.]+) s, about ([\d.]+) s left", f)] if m]
bad = [(e, l) for e, l in est if not (total / 3 <= e + l <= 3 * total)]
check("progress_estimates_within_factor_3", final and not bad, (total, bad[:3]))
after = text.split("150/150 replicates", 1)[-1]
check("progress_says_summarising", "daan-baseline: summarising the runs" in after)
m = re.search(r"writing (\S+) \.\.\. done \([\d.]+ s\)", after)
check("progress_says_writing_file", m is not None and m.group(1) == sys.argv[2], after[-200:])
PY
script -qec "$DPSIM run scenarios/daan-baseline.yaml --engine micro --runs 6 -o $tmp/q.h5 --quiet" /dev/null >"$tmp/q.log" 2>&1
! grep -q "writing\|replicates\|summarising" "$tmp/q.log"; check progress_quiet_silent $?
"$DPSIM" run scenarios/daan-baseline.yaml --engine micro --runs 6 -o "$tmp/q.h5" >/dev/null 2>"$tmp/pipe.err"
[ ! -s "$tmp/pipe.err" ]; check progress_pipe_silent $?
DPSIM_PROGRESS=1 "$DPSIM" run scenarios/daan-baseline.yaml --engine micro --runs 6 -o "$tmp/q.h5" >/dev/null 2>"$tmp/forced.err"
grep -q "6/6 replicates" "$tmp/forced.err" && grep -q "writing $tmp/q.h5 ... done" "$tmp/forced.err"
check progress_forced_on_a_pipe $?
