#!/bin/sh
# tests/e2e/notebooks.sh — the Jupyter notebooks (notebooks/*.ipynb) run headlessly, top to
# bottom, with Debian's /usr/bin/python3 (notebooks/execute.sh: nbconvert --execute):
#   1. the committed notebooks carry no outputs and no execution counts;
#   2. the helper module's reader and statistics against hand calculations and against dpsim's
#      own summary/ tables (notebooks_check.py);
#   3. all four notebooks on their default input (each makes a small run itself of
#      scenarios/daan-targets.yaml and the care-subsidy overlay that inherits its targets): no
#      cell error, nothing on stderr, the figures each must draw; 03 lists the targets binding
#      first, with the probabilities of runs/target_met in the same run made here (same seed,
#      runs and engine), and draws its chart; 03 on a file without targets (a cohort run of
#      daan-baseline.yaml) says "no targets in this file";
#   4. all four on a file with spread, parameter draws, an age x grade table and plan targets
#      (notebooks_fixture.py), through DPSIM_RESULTS: the richer paths draw their figures;
#   5. a DPSIM_RESULTS that does not exist stops the notebook with a message naming it;
#   6. 04 on a real dpsim run: the pyramid's totals by grade (the bars it drew, from its output
#      metadata) equal base/disabled_base summed for the base year and summary/disabled_age_grade's
#      mean for 2035, read with h5py alone (notebooks_pyramid.py); and 04 on the same file without
#      those tables (an older dpsim's) falls back to sex x age, says so, and still draws;
#   7. a relative DPSIM_RESULTS given from another working directory (execute.sh resolves it
#      against the caller's, not the notebook's folder where the kernel starts): 01 runs clean
#      and names the file.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD, PYTHON.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
export BUILD PYTHON
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
NOTEBOOKS="notebooks/01-budget-outlook.ipynb notebooks/02-scenario-comparison.ipynb
notebooks/03-plan-targets.ipynb notebooks/04-population.ipynb"

for nb in $NOTEBOOKS; do
    [ -f "$nb" ] || { bad "notebook_exists ($nb)"; exit 1; }
done
if ! "$PYTHON" -c 'import nbconvert, ipykernel, h5py, xarray, pandas, matplotlib, yaml' \
        >"$tmp/imp.log" 2>&1; then
    cat "$tmp/imp.log"
    bad "notebooks_python_packages ($PYTHON lacks a package; run make deps)"
    exit 1
fi
ok notebooks_python_packages
[ -x "$DPSIM" ] || { bad "notebooks_dpsim_built ($DPSIM missing; run make)"; exit 1; }

# 1. Committed without outputs.
if "$PYTHON" - $NOTEBOOKS <<'PY'
import sys, nbformat
dirty = [p for p in sys.argv[1:] for c in nbformat.read(p, 4).cells
         if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
for p in sorted(set(dirty)):
    print(f"{p}: has outputs or execution counts (clear them before committing)")
sys.exit(1 if dirty else 0)
PY
then ok notebooks_committed_without_outputs; else bad notebooks_committed_without_outputs; fi

# The default run's two scenarios (notebooks/dpsim_nb.py: DEFAULT_BASELINE, the overlay).
BASE=daan-targets
ALT=daan-care-raise
# The notebooks' default run is made with these unset; the same run is made here.
unset DPSIM_RESULTS DPSIM_SCENARIO DPSIM_BASE DPSIM_ALT DPSIM_RUNS DPSIM_ENGINE

# 2. The helper module, on a real two-scenario file and the fixture made from it. real.h5 is
#    the notebooks' default run itself: 20 runs, seed 1, the engine the helper picks.
if "$PYTHON" notebooks/dpsim_nb.py default-run "$tmp/real.h5" 20 >/dev/null 2>"$tmp/run.err" &&
   "$PYTHON" tests/e2e/notebooks_fixture.py "$tmp/real.h5" "$tmp/fixture.h5" \
        $BASE $ALT 2>"$tmp/fix.err"; then
    ok notebooks_fixture
    "$PYTHON" tests/e2e/notebooks_check.py "$tmp/real.h5" "$tmp/fixture.h5" $BASE $ALT 2>&1
    "$PYTHON" tests/e2e/notebooks_pyramid.py old "$tmp/real.h5" "$tmp/old.h5" 2>&1 ||
        bad notebooks_old_file
else
    cat "$tmp/run.err" "$tmp/fix.err"
    bad notebooks_fixture
fi

# Executed notebook -> "name images error stderr text" facts for the checks below.
inspect() {
    "$PYTHON" - "$1" <<'PY'
import sys, nbformat
b = nbformat.read(sys.argv[1], 4)
images = errors = stderr = 0
text = []
for c in b.cells:
    for o in c.get("outputs", []):
        t = o.get("output_type")
        if t == "error":
            errors += 1
        elif t == "stream":
            if o.get("name") == "stderr":
                stderr += 1
                sys.stderr.write(o.get("text", ""))
            text.append(o.get("text", ""))
        else:
            d = o.get("data", {})
            images += "image/png" in d
            text += [d.get("text/plain", ""), d.get("text/markdown", ""), d.get("text/html", "")]
print(images, errors, stderr)
open(sys.argv[1] + ".txt", "w").write("\n".join(text))
PY
}

# run_all LABEL OUTDIR: executes the four notebooks, one PASS/FAIL each for "ran" and "clean".
run_all() {
    for nb in $NOTEBOOKS; do
        name=$(basename "$nb" .ipynb)
        if sh notebooks/execute.sh "$2" "$nb" >"$tmp/$1-$name.log" 2>&1; then
            ok "notebook_runs_$1_$name"
        else
            tail -n 30 "$tmp/$1-$name.log"
            bad "notebook_runs_$1_$name"
            continue
        fi
        set -- "$1" "$2" $(inspect "$2/$name.ipynb" 2>"$tmp/$1-$name.stderr")
        if [ "$4" = 0 ] && [ "$5" = 0 ]; then
            ok "notebook_clean_$1_$name"
        else
            cat "$tmp/$1-$name.stderr"
            bad "notebook_clean_$1_$name (errors $4, stderr outputs $5)"
        fi
        echo "$3" >"$2/$(echo "$name" | cut -c1-2).images"
    done
}
# at_least NAME FILE MIN: the figure count recorded in FILE is at least MIN.
at_least() {
    n=$(cat "$2" 2>/dev/null)
    if [ "${n:-0}" -ge "$3" ]; then ok "$1"; else bad "$1 (${n:-no count} < $3)"; fi
}

# 3 and 4 run side by side (each notebook waits mostly on its kernel's start-up).
# 3. Default input: each notebook makes its own small run (20 runs, the micro engine when the
#    binary has it).
run_all default "$tmp/default" >"$tmp/default.out" 2>&1 &
# 4. The fixture through DPSIM_RESULTS.
(DPSIM_RESULTS="$tmp/fixture.h5"; export DPSIM_RESULTS; run_all fixture "$tmp/fixture") \
    >"$tmp/fixture.out" 2>&1 &
# 01 once more with the cohort engine and no distribution: identical replicates, zero bands.
# 02 and 03 on a file with one scenario and no targets (a cohort run of daan-baseline.yaml):
# nothing to compare and no targets, said plainly, no error.
(DPSIM_ENGINE=cohort; export DPSIM_ENGINE
 if sh notebooks/execute.sh "$tmp/cohort" notebooks/01-budget-outlook.ipynb >"$tmp/cohort.log" 2>&1
 then inspect "$tmp/cohort/01-budget-outlook.ipynb" >/dev/null 2>&1; fi
 "$DPSIM" run scenarios/daan-baseline.yaml -o "$tmp/one.h5" --quiet >>"$tmp/cohort.log" 2>&1
 if DPSIM_RESULTS="$tmp/one.h5" sh notebooks/execute.sh "$tmp/one" \
        notebooks/02-scenario-comparison.ipynb >"$tmp/one.log" 2>&1
 then inspect "$tmp/one/02-scenario-comparison.ipynb" >"$tmp/one.facts" 2>&1; fi
 if DPSIM_RESULTS="$tmp/one.h5" sh notebooks/execute.sh "$tmp/one" \
        notebooks/03-plan-targets.ipynb >"$tmp/one03.log" 2>&1
 then inspect "$tmp/one/03-plan-targets.ipynb" >"$tmp/one03.facts" 2>&1; fi
 # 7. A relative DPSIM_RESULTS, from another working directory than the project root (and the
 #    notebook's folder, where nbconvert starts the kernel): resolved against the caller's.
 root=$(pwd)
 mkdir -p "$tmp/rel/data" && cp "$tmp/one.h5" "$tmp/rel/data/one-rel.h5"
 if (cd "$tmp/rel" && DPSIM_RESULTS=data/one-rel.h5 BUILD="$root/$BUILD" \
         sh "$root/notebooks/execute.sh" out "$root/notebooks/01-budget-outlook.ipynb") \
         >"$tmp/rel.log" 2>&1
 then inspect "$tmp/rel/out/01-budget-outlook.ipynb" >"$tmp/rel.facts" 2>&1; fi) &
# 6. 04 on the real run and on the same file as an older dpsim wrote it.
for kind in real old; do
    (if DPSIM_RESULTS="$tmp/$kind.h5" sh notebooks/execute.sh "$tmp/$kind" \
            notebooks/04-population.ipynb >"$tmp/$kind.log" 2>&1
     then inspect "$tmp/$kind/04-population.ipynb" >"$tmp/$kind.facts" 2>"$tmp/$kind.stderr"
     fi) &
done
wait
cat "$tmp/default.out" "$tmp/fixture.out"

# The kernel the notebooks run on is $PYTHON (the project kernel spec execute.sh installs under
# $BUILD/jupyter), whatever other python3 is first on PATH.
jdir="$(cd "$BUILD" && pwd)/jupyter"
k=$(JUPYTER_PATH="$jdir" "$PYTHON" -c \
    'from jupyter_client.kernelspec import KernelSpecManager as K
s = K().get_kernel_spec("python3")
print(s.argv[0], s.resource_dir)' 2>"$tmp/kernel.err")
if [ "$k" = "$PYTHON $jdir/kernels/python3" ]; then ok "notebooks_kernel_is_debian_python ($k)"
else cat "$tmp/kernel.err"; bad "notebooks_kernel_is_debian_python ($k)"; fi

at_least notebook_figures_default_01 "$tmp/default/01.images" 2
at_least notebook_figures_default_02 "$tmp/default/02.images" 2
at_least notebook_figures_default_04 "$tmp/default/04.images" 2
# 03 by default: the targets chart, and the table's rows (its output metadata: scenario, target,
# kind, unrounded probability, in the order shown) binding first, each probability the mean over
# runs of runs/target_met in real.h5, read with h5py alone.
at_least notebook_figures_default_03 "$tmp/default/03.images" 1
if grep -q "no targets in this file" "$tmp/default/03-plan-targets.ipynb.txt" 2>/dev/null; then
    bad "notebook_targets_default_shown (the default 03 says no targets)"
else
    ok notebook_targets_default_shown
fi
"$PYTHON" - "$tmp/default/03-plan-targets.ipynb" "$tmp/real.h5" <<'PY' 2>&1
import sys
import h5py
import nbformat
import numpy as np
def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" ({why})"))
try:
    b = nbformat.read(sys.argv[1], 4)
except OSError as e:
    check("notebook_targets_default_metadata", False, str(e))
    sys.exit(0)
rows = [t for c in b.cells for o in c.get("outputs", [])
        for t in o.get("metadata", {}).get("dpsim", {}).get("targets", [])]
check("notebook_targets_default_metadata", len(rows) == 8, f"{len(rows)} rows, want 2 x 4")
kinds = [r["kind"] for r in rows]
check("notebook_targets_default_binding_first",
      "binding" in kinds and kinds == sorted(kinds, key=lambda k: k != "binding"), str(kinds))
with h5py.File(sys.argv[2], "r") as f:
    want = {}
    for s in f:
        labels = [x.decode() if isinstance(x, bytes) else str(x) for x in f[s]["target"][()]]
        p = f[s]["runs/target_met"][()].mean(axis=0)
        want.update({(s, t): float(v) for t, v in zip(labels, p)})
got = {(r["scenario"], r["target"]): r["probability"] for r in rows}
check("notebook_targets_default_probability_is_mean_of_runs",
      len(want) == 8 and got.keys() == want.keys()
      and all(abs(got[k] - want[k]) <= 1e-15 for k in want),
      f"notebook {got} file {want}")
PY
if [ "$(cat "$tmp/one03.facts" 2>/dev/null)" = "0 0 0" ] &&
   grep -q "no targets in this file" "$tmp/one/03-plan-targets.ipynb.txt" 2>/dev/null; then
    ok notebook_targets_absent_says_so
else
    tail -n 20 "$tmp/one03.log"
    bad "notebook_targets_absent_says_so ($(cat "$tmp/one03.facts" 2>/dev/null))"
fi
if grep -q "bands have zero width" "$tmp/cohort/01-budget-outlook.ipynb.txt" 2>/dev/null; then
    ok notebook_identical_runs_noted
else
    tail -n 20 "$tmp/cohort.log"
    bad notebook_identical_runs_noted
fi
# Figures carry Chinese labels: a CJK font (fonts-noto-cjk, in DEB_PKGS) was found.
if [ -f "$tmp/default/01-budget-outlook.ipynb.txt" ] &&
   ! grep -q "No CJK font found" "$tmp/default/01-budget-outlook.ipynb.txt"; then
    ok notebook_cjk_font
else
    bad "notebook_cjk_font (install fonts-noto-cjk: make deps)"
fi
if [ "$(cat "$tmp/one.facts" 2>/dev/null)" = "0 0 0" ] &&
   grep -q "there is nothing to compare" "$tmp/one/02-scenario-comparison.ipynb.txt"; then
    ok notebook_comparison_one_scenario
else
    tail -n 20 "$tmp/one.log"
    bad "notebook_comparison_one_scenario ($(cat "$tmp/one.facts" 2>/dev/null))"
fi
# The default run used the engine the helper chose: micro when the binary offers it.
engine=$(DPSIM_BIN="$DPSIM" "$PYTHON" -c 'import sys; sys.path.insert(0, "notebooks")
import dpsim_nb as nb
print("micro" if nb.micro_available(nb.dpsim_binary()) else "cohort")' 2>/dev/null)
if grep -q -- "--engine ${engine:-?} " "$tmp/default/01-budget-outlook.ipynb.txt" 2>/dev/null; then
    ok "notebook_default_run_engine (${engine})"
else
    bad "notebook_default_run_engine (${engine:-none})"
fi

at_least notebook_figures_fixture_01 "$tmp/fixture/01.images" 2
at_least notebook_figures_fixture_02 "$tmp/fixture/02.images" 2
at_least notebook_figures_fixture_03 "$tmp/fixture/03.images" 1
at_least notebook_figures_fixture_04 "$tmp/fixture/04.images" 2
f03="$tmp/fixture/03-plan-targets.ipynb.txt"
# Binding targets first: severe_certified_2025 (binding, 2025) before disabled_2035 (binding,
# 2035) before certified_2025 (expected) (the fixture's TARGETS).
if [ -f "$f03" ] && "$PYTHON" - "$f03" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = [re.search(r"(?<![a-z_])" + x, t) for x in ("severe_certified_2025", "disabled_2035",
                                                "certified_2025", "aged60_2035")]
i = [x.start() if x else -1 for x in m]
sys.exit(0 if min(i) >= 0 and i == sorted(i) else 1)
PY
then ok notebook_targets_binding_first; else bad notebook_targets_binding_first; fi
if grep -q "pyramid from runs/disabled_age_grade" "$tmp/fixture/04-population.ipynb.txt" 2>/dev/null
then ok notebook_pyramid_by_grade; else bad notebook_pyramid_by_grade; fi
if grep -q "rates.onset_multiplier" "$tmp/fixture/02-scenario-comparison.ipynb.txt" 2>/dev/null
then ok notebook_parameter_draws_shown; else bad notebook_parameter_draws_shown; fi
if grep -q "programmes.care_subsidy.monthly.grade1" \
        "$tmp/fixture/02-scenario-comparison.ipynb.txt" 2>/dev/null
then ok notebook_parameter_diff_shown; else bad notebook_parameter_diff_shown; fi

# 6. The pyramid's own numbers against the file; the fallback for older files.
for kind in real old; do
    facts=$(cat "$tmp/$kind.facts" 2>/dev/null)
    if [ "${facts#* }" = "0 0" ] && [ "${facts%% *}" -ge 2 ]; then
        ok "notebook_04_${kind}_runs (figures, errors, stderr: $facts)"
    else
        tail -n 20 "$tmp/$kind.log"
        cat "$tmp/$kind.stderr" 2>/dev/null
        bad "notebook_04_${kind}_runs (figures, errors, stderr: ${facts:-none})"
    fi
done
"$PYTHON" tests/e2e/notebooks_pyramid.py check new "$tmp/real/04-population.ipynb" \
    "$tmp/real.h5" $BASE 2>&1
"$PYTHON" tests/e2e/notebooks_pyramid.py check old "$tmp/old/04-population.ipynb" \
    "$tmp/old.h5" $BASE 2>&1
if grep -q "base/disabled_base for the base year 2020" "$tmp/real/04-population.ipynb.txt" \
        2>/dev/null
then ok notebook_04_says_base_year; else bad notebook_04_says_base_year; fi
if grep -q "this file has no base/disabled_base" "$tmp/old/04-population.ipynb.txt" 2>/dev/null &&
   grep -q "by sex and age only" "$tmp/old/04-population.ipynb.txt"
then ok notebook_04_old_file_says_fallback; else bad notebook_04_old_file_says_fallback; fi

if [ "$(cut -d' ' -f2,3 "$tmp/rel.facts" 2>/dev/null)" = "0 0" ] &&
   grep -q "one-rel.h5" "$tmp/rel/out/01-budget-outlook.ipynb.txt" 2>/dev/null; then
    ok notebook_relative_results_path
else
    tail -n 20 "$tmp/rel.log"
    bad "notebook_relative_results_path ($(cat "$tmp/rel.facts" 2>/dev/null))"
fi

# 5. A results file that does not exist: the notebook stops and names it.
DPSIM_RESULTS="$tmp/missing.h5"
export DPSIM_RESULTS
if sh notebooks/execute.sh "$tmp/missing" notebooks/01-budget-outlook.ipynb \
        >"$tmp/missing.log" 2>&1; then
    bad notebook_missing_results_fails
elif grep -q "DPSIM_RESULTS=$tmp/missing.h5: no such file" "$tmp/missing.log"; then
    ok notebook_missing_results_fails
else
    tail -n 20 "$tmp/missing.log"
    bad notebook_missing_results_fails
fi
exit 0
