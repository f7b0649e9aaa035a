#!/bin/sh
# tests/e2e/cli.sh — the dpsim command end to end, as a user runs it: run the Da'an baseline,
# read the HDF5 back with h5py (shapes, labels, units, attributes, the base-year figures), check
# that `summary` prints what `run` printed, several scenarios in one file, `check`, help texts
# and exit codes. Prints PASS:/FAIL: lines. Run from the project root.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else bad "$1"; fi; }

# 1. run: exit 0, a file, no temporary left, a headline row for each year 2021-2035.
"$DPSIM" run scenarios/daan-baseline.yaml -o "$tmp/daan.h5" >"$tmp/run.out" 2>"$tmp/run.err"
check run_exit_0 $?
[ -s "$tmp/daan.h5" ]; check run_writes_file $?
[ "$(ls -A "$tmp" | grep -c tmp)" = 0 ]; check run_leaves_no_temporary $?
n=$(grep -cE '^ 20(2[1-9]|3[0-5]) ' "$tmp/run.out")
[ "$n" = 15 ]; check run_prints_15_years $?
grep -q '万元' "$tmp/run.out"; check run_prints_chinese_units $?

# 2. The file, read with h5py without knowing dpsim.
"$PYTHON" - "$tmp/daan.h5" <<'PY' >"$tmp/py.out" 2>&1
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
def s(x): return x.decode() if isinstance(x, bytes) else str(x)
def check(name, cond):
    print(("PASS: " if cond else "FAIL: ") + name)
check("h5_root_tool", s(f.attrs["tool"]) == "dpsim")
g = f["daan-baseline"]
check("h5_engine_cohort", s(g.attrs["engine"]) == "cohort")
ind = g["runs/indicators"]
ind_labels = [s(x) for x in g["indicator"][:]]
check("h5_indicators_shape", ind.shape == (1, 15, 1, len(ind_labels)) and
      ind_labels[:8] == ["disabled", "severe", "aged60", "children", "certified",
                         "severe_certified", "dibao", "marginal"])
check("h5_indicators_unit", s(ind.attrs["units"]) == "persons")
check("h5_spending_unit", s(g["runs/spending"].attrs["units"]) == "yuan")
years = g["year"][:]
check("h5_years", list(years) == list(range(2021, 2036)))
region_zh = [s(x) for x in g["region"].attrs["label_zh"]]
check("h5_region_label_zh", region_zh == ["大安市"])
check("h5_scenario_text", "daan-baseline" in s(g["scenario_yaml"][()]))
fit = g["base/fit"][0]        # [marginal, fitstat]
marg = [s(x) for x in g["marginal"][:]]
i = marg.index("certified")
check("h5_fit_certified_target", abs(fit[i, 0] - 14036) < 1e-6)
check("h5_fit_certified_residual", abs(fit[i, 2]) < 1e-6)
tu = g["base/take_up"][0]
# take-up x eligible (certified in dibao 6,818) = 6,549 reported recipients
check("h5_take_up_living", abs(tu[0] * 6818 - 6549) < 1e-6)
summ = g["summary/indicators"]
check("h5_summary_stat_axis", [s(x) for x in g["stat"][:]][:2] == ["mean", "sd"])
check("h5_summary_mean_equals_run", np.allclose(summ[0], ind[0]))
check("h5_summary_sd_zero_one_run", np.all(summ[1] == 0))
# spending = sum over grades of person-months x amount for the monthly cash programmes (living
# and care subsidies, dibao supplement: params.h), read from the file
pm = g["runs/person_months"][0]  # [year, region, programme, grade]
amt = g["runs/amount"][0]        # [year, programme, grade]
sp = g["runs/spending"][0]       # [year, region, programme]
prog = [s(x) for x in g["programme"][:]]
monthly = [prog.index(p) for p in ("living_subsidy", "care_subsidy", "dibao_supplement")]
check("h5_spending_identity",
      np.allclose(sp[:, 0, monthly], (pm[:, 0, monthly, :] * amt[:, monthly, :]).sum(axis=2),
                  rtol=1e-12))
# The programme tables add up: spending by level sums to spending, the pipeline narrows.
sl = g["runs/spending_level"][0]  # [year, region, programme, level]
check("h5_levels_add_up", np.allclose(sl.sum(axis=3), sp, rtol=1e-12, atol=1e-6))
pl = g["runs/pipeline"][0]        # [year, region, programme, stage]
check("h5_pipeline_certified_within_eligible", np.all(pl[..., 1] <= pl[..., 0] + 1e-9))
PY
cat "$tmp/py.out"

# 3. summary prints the same table as run.
"$DPSIM" summary "$tmp/daan.h5" >"$tmp/sum.out" 2>&1
check summary_exit_0 $?
grep -E '^ 20[23][0-9] ' "$tmp/run.out" >"$tmp/a"; grep -E '^ 20[23][0-9] ' "$tmp/sum.out" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b"; check summary_matches_run $?
"$DPSIM" summary "$tmp/daan.h5" --table recipients >"$tmp/t.out" 2>&1
grep -q 'living_subsidy' "$tmp/t.out"; check summary_table $?
"$DPSIM" summary "$tmp/daan.h5" --table nosuch >/dev/null 2>&1
[ $? = 2 ]; check summary_unknown_table_exit_2 $?
"$DPSIM" summary "$tmp/nosuch.h5" >/dev/null 2>&1
[ $? = 2 ]; check summary_missing_file_exit_2 $?

# 4. Several scenarios in one file; an existing file is replaced only when complete.
cp "$tmp/daan.h5" "$tmp/two.h5"
"$DPSIM" run scenarios/daan-baseline.yaml scenarios/huzhong-baseline.yaml -o "$tmp/two.h5" --quiet >"$tmp/q.out" 2>&1
check run_two_scenarios $?
[ ! -s "$tmp/q.out" ]; check run_quiet_prints_nothing $?
"$DPSIM" summary "$tmp/two.h5" --scenario huzhong-baseline | grep -q 'huzhong'; check summary_scenario_option $?
"$DPSIM" run scenarios/daan-baseline.yaml scenarios/daan-baseline.yaml -o "$tmp/two.h5" >/dev/null 2>"$tmp/dup.err"
[ $? = 2 ] && grep -q "scenario name 'daan-baseline'" "$tmp/dup.err"; check run_duplicate_names_exit_2 $?
"$DPSIM" summary "$tmp/two.h5" --scenario huzhong-baseline >/dev/null 2>&1; check failed_run_keeps_file $?

# 5. check prints the fit; help texts; exit codes.
"$DPSIM" check scenarios/daan-baseline.yaml >"$tmp/check.out" 2>&1
check check_exit_0 $?
grep -q 'dibao_certified *6,818  *6,818.00  *0.00$' "$tmp/check.out"; check check_prints_fit $?
for c in run check summary; do
    "$DPSIM" $c --help >"$tmp/h" 2>&1 && grep -q "usage: dpsim $c" "$tmp/h"; check "help_$c" $?
done
"$DPSIM" --help >/dev/null 2>&1; check help_main $?
"$DPSIM" frobnicate >/dev/null 2>&1; [ $? = 2 ]; check unknown_command_exit_2 $?
"$DPSIM" run scenarios/daan-baseline.yaml --engine nope -o "$tmp/m.h5" >/dev/null 2>&1; [ $? = 2 ]; check engine_unknown_exit_2 $?
"$DPSIM" run scenarios/daan-baseline.yaml --runs 0 -o "$tmp/m.h5" >/dev/null 2>&1; [ $? = 2 ]; check runs_zero_exit_2 $?
[ ! -e "$tmp/m.h5" ]; check bad_options_write_nothing $?
"$DPSIM" run scenarios/daan-baseline.yaml --threads x >/dev/null 2>&1; [ $? = 2 ]; check bad_threads_exit_2 $?
"$DPSIM" run scenarios/daan-baseline.yaml --bogus >/dev/null 2>&1; [ $? = 2 ]; check unknown_option_exit_2 $?

# 6. The thread count does not change the results.
"$DPSIM" run scenarios/daan-baseline.yaml scenarios/huzhong-baseline.yaml -o "$tmp/t1.h5" --threads 1 --quiet
"$DPSIM" run scenarios/daan-baseline.yaml scenarios/huzhong-baseline.yaml -o "$tmp/t2.h5" --threads 2 --quiet
h5diff "$tmp/t1.h5" "$tmp/t2.h5" /daan-baseline/runs /daan-baseline/runs >/dev/null 2>&1; check threads_identical_runs $?

# 6b. The micro engine: the same seed gives identical datasets for 1 and 2 threads; a run
# that would not fit in memory is refused with exit 2 before anything is written; no progress
# bar when standard error is not a terminal.
"$DPSIM" run scenarios/daan-baseline.yaml --engine micro --runs 8 --seed 9 --threads 1 -o "$tmp/m1.h5" --quiet
"$DPSIM" run scenarios/daan-baseline.yaml --engine micro --runs 8 --seed 9 --threads 2 -o "$tmp/m2.h5" 2>"$tmp/m2.err" >/dev/null
h5diff "$tmp/m1.h5" "$tmp/m2.h5" /daan-baseline/runs /daan-baseline/runs >/dev/null 2>&1; check micro_threads_identical_runs $?
h5diff "$tmp/m1.h5" "$tmp/m2.h5" /daan-baseline/summary /daan-baseline/summary >/dev/null 2>&1; check micro_threads_identical_summary $?
[ ! -s "$tmp/m2.err" ]; check micro_no_progress_bar_when_not_a_terminal $?
"$DPSIM" run scenarios/daan-baseline.yaml --engine micro --runs 8 --seed 10 -o "$tmp/m3.h5" --quiet
h5diff -q "$tmp/m1.h5" "$tmp/m3.h5" /daan-baseline/runs/indicators /daan-baseline/runs/indicators >/dev/null 2>&1; [ $? = 1 ]; check micro_seed_changes_draws $?
h5dump -a /daan-baseline/engine "$tmp/m1.h5" | grep -q '"micro"'; check micro_engine_attribute $?
"$DPSIM" summary "$tmp/m1.h5" >"$tmp/m1.txt" 2>&1; check summary_micro_exit_0 $?
"$PYTHON" tests/e2e/summary_interval.py "$tmp/m1.h5" daan-baseline "$tmp/m1.txt" >/dev/null; check summary_interval_matches_numpy $?
# The progress bar on a terminal (script(1) gives the command one), and --quiet silences it.
script -qec "$DPSIM run scenarios/daan-baseline.yaml --engine micro --runs 6 -o $tmp/pb.h5 >/dev/null" /dev/null >"$tmp/pb.log" 2>&1
grep -q "6/6 replicates" "$tmp/pb.log"; check progress_bar_on_terminal $?
script -qec "$DPSIM run scenarios/daan-baseline.yaml --engine micro --runs 6 -o $tmp/pb.h5 --quiet" /dev/null >"$tmp/pbq.log" 2>&1
! grep -q "replicates" "$tmp/pbq.log"; check progress_bar_quiet $?
cp "$tmp/m1.h5" "$tmp/keep.h5"
DPSIM_MEMORY_LIMIT=1000000 "$DPSIM" run scenarios/daan-baseline.yaml --engine micro --runs 8 -o "$tmp/keep.h5" >/dev/null 2>"$tmp/mem.err"; [ $? = 2 ]; check memory_refused_exit_2 $?
# Units chosen by size: 1,000,000 bytes is 976.6 KiB, not "0.0 GiB".
grep -q "MiB of memory but 976.6 KiB is available" "$tmp/mem.err" && ! grep -q "0\.0 GiB" "$tmp/mem.err"
check memory_refused_message $?
cmp -s "$tmp/m1.h5" "$tmp/keep.h5"; check memory_refused_keeps_existing_file $?

# 7. GSL's CBLAS calls bind to OpenBLAS, not to libgslcblas (DESIGN §8; see the Makefile).
LD_BIND_NOW=1 LD_DEBUG=bindings "$DPSIM" --version 2>&1 | grep "libgsl.so[^ ]* .*cblas_dgemm'" | grep -q libopenblas
check gsl_cblas_is_openblas $?
