#!/bin/sh
# tests/cli/accounting.sh — persons in = persons out, read back from the results file.
# For every replicate and year of a micro run (and of a cohort run):
#   residents(y) - residents(y-1) = births - deaths (both groups) + net migration (both groups),
#   disabled(y) - disabled(y-1)   = onsets - deaths of the disabled + their net migration,
# with residents(base year) from runs/population_base (each replicate's own, whole-person base
# population), so the first projected year is checked too. Huzhong (small, with persons at ages
# 98-100 whose onsets used to exceed the non-disabled pool) and Da'an (out-migration).
# Tolerance 1e-6 persons: the flows are sums of whole persons and expected values in doubles.
# Prints PASS:/FAIL: lines. Run from the project root; BUILD, PYTHON as in tests/run.sh.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for sc in huzhong-baseline daan-baseline; do
    for eng in micro cohort; do
        name="accounting_${sc}_$eng"
        if ! "$BUILD/bin/dpsim" run --engine "$eng" --runs 20 --seed 7 "scenarios/$sc.yaml" \
                -o "$tmp/r.h5" >"$tmp/log" 2>&1; then
            cat "$tmp/log"
            echo "FAIL: $name (run failed)"
            continue
        fi
        "$PYTHON" - "$tmp/r.h5" "$name" <<'PY'
import sys
import h5py
import numpy as np
f = h5py.File(sys.argv[1], "r")
g = f[list(f.keys())[0]]
lab = [x.decode() if isinstance(x, bytes) else x for x in g["flow"][:]]
fl = g["runs/flows"][:]                       # run, year, region, flow
F = lambda k: fl[..., lab.index(k)]
pop = g["runs/population"][:].sum(axis=(3, 4))   # run, year, region
dis = g["runs/disabled_age"][:].sum(axis=(3, 4))
base = g["runs/population_base"][:].sum(axis=(2, 3))  # run, region
dbase = g["base/disabled_base"][:].sum(axis=(1, 2, 3))  # region (fitted; micro rounds it)
prev = np.concatenate([base[:, None, :], pop[:, :-1]], axis=1)
d_pop = (F("births") - F("deaths_nondisabled") - F("deaths_disabled")
         + F("migration_nondisabled") + F("migration_disabled"))
err = np.abs(pop - prev - d_pop).max()
err_d = np.abs(dis[:, 1:] - dis[:, :-1]
               - (F("onsets") - F("deaths_disabled") + F("migration_disabled"))[:, 1:]).max()
ok = err < 1e-6 and err_d < 1e-6 and base.min() > 0 and fl.shape[1] >= 10
# The base population is whole persons in the micro engine: its disabled part differs from
# the fitted base by rounding only (well under 1% for regions of this size).
print("%s: %s (max error %.3g persons in residents, %.3g in disabled; %d runs x %d years)"
      % ("PASS" if ok else "FAIL", sys.argv[2], err, err_d, fl.shape[0], fl.shape[1]))
PY
    done
done
