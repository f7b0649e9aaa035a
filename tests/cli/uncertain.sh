#!/bin/sh
# tests/cli/uncertain.sh — parameter distributions through the dpsim command, on the example
# scenarios/daan-uncertain.yaml (five distributions): `check` lists them in key-table order with
# their means; `run --runs 1` stores the central values in runs/parameters; `run --runs 4`
# stores one draw per replicate, inside each key's range, different between replicates, the
# same draws again for the same seed, and the same draws with the micro engine (the draws depend
# on seed, replicate and parameter id only). Prints PASS:/FAIL: lines. Run from the project root.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
SCEN=scenarios/daan-uncertain.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }

"$DPSIM" check "$SCEN" >"$tmp/check.out" 2>"$tmp/check.err"
check uncertain_check_exit_0 $?
grep -q '^# uncertain parameters: 5,' "$tmp/check.out"
check uncertain_check_count $?
# Names in key-table order (docs/scenarios.md), with the closed-form means: lognormal
# exp(0.1^2 / 2) = 1.00501; beta means as written; triangular (0 + 0.02 + 0.05) / 3 = 0.0233333.
# Rows "#   ID  NAME  DISTRIBUTION  MEAN  SD" of the list, up to its blank line.
awk '/^# uncertain parameters/ { on = 1; next } on && /^$/ { on = 0 }
     on && $2 ~ /^[0-9]+$/ { print $2, $3, $(NF - 1) }' "$tmp/check.out" >"$tmp/list"
cat >"$tmp/want" <<'TXT'
0 rates.onset_multiplier 1.00501
1 rates.worsening.under60 0.01
2 rates.worsening.over60 0.03
3 programmes.living_subsidy.indexation.rate 0.0233333
4 programmes.care_subsidy.take_up 0.95
TXT
cmp -s "$tmp/list" "$tmp/want"
check uncertain_check_list $?

"$DPSIM" run --quiet "$SCEN" --runs 1 -o "$tmp/one.h5" >/dev/null 2>"$tmp/run.err"
check uncertain_run1_exit_0 $?
"$DPSIM" run --quiet "$SCEN" --runs 4 --seed 17 -o "$tmp/four.h5" >/dev/null 2>>"$tmp/run.err"
check uncertain_run4_exit_0 $?
"$DPSIM" run --quiet "$SCEN" --runs 4 --seed 17 -o "$tmp/again.h5" >/dev/null 2>>"$tmp/run.err"
check uncertain_run4_again_exit_0 $?
"$DPSIM" run --quiet "$SCEN" --engine micro --runs 4 --seed 17 -o "$tmp/micro.h5" >/dev/null \
    2>>"$tmp/run.err"
check uncertain_run4_micro_exit_0 $?

"$PYTHON" - "$tmp/one.h5" "$tmp/four.h5" "$tmp/again.h5" "$tmp/micro.h5" <<'PY'
import sys, math, h5py, numpy as np
def s(x): return x.decode() if isinstance(x, bytes) else str(x)
def check(name, cond): print(("PASS: " if cond else "FAIL: ") + name)
names = ["rates.onset_multiplier", "rates.worsening.under60", "rates.worsening.over60",
         "programmes.living_subsidy.indexation.rate", "programmes.care_subsidy.take_up"]
one = h5py.File(sys.argv[1], "r")["daan-uncertain"]
four = h5py.File(sys.argv[2], "r")["daan-uncertain"]
again = h5py.File(sys.argv[3], "r")["daan-uncertain"]
micro = h5py.File(sys.argv[4], "r")["daan-uncertain"]
check("uncertain_parameter_axis", [s(x) for x in four["parameter"][:]] == names)
p1 = one["runs/parameters"][:]
# Central values by hand: exp(0.005); 0.01; 0.03; (0 + 0.02 + 0.05) / 3; 0.95.
central = [math.exp(0.005), 0.01, 0.03, 0.07 / 3, 0.95]
check("uncertain_run1_central_values", p1.shape == (1, 5) and np.allclose(p1[0], central, rtol=1e-12, atol=0))
p4 = four["runs/parameters"][:]
check("uncertain_run4_shape", p4.shape == (4, 5))
lo = [0, 0, 0, 0, 0]; hi = [10, 1, 1, 0.05, 1]   # key ranges; triangular support [0, 0.05]
check("uncertain_run4_in_range", bool(np.all((p4 >= lo) & (p4 <= hi))))
check("uncertain_run4_replicates_differ", all(len(set(p4[:, j])) == 4 for j in range(5)))
check("uncertain_same_seed_same_draws", np.array_equal(p4, again["runs/parameters"][:]))
check("uncertain_micro_same_draws", np.array_equal(p4, micro["runs/parameters"][:]))
PY
