#!/bin/sh
# tests/cli/compare.sh — `dpsim compare` and `dpsim summary --sensitivity` end to end.
#   1. Da'an baseline against a reform raising the care subsidy from 2023 (one run each): the
#      parameter diff names exactly the changed keys and years; the differences are the
#      differences of means, checked against h5py reading the same file (a second reader);
#      pairing is declared impossible.
#   2. A paired file: both scenarios run with --runs 40, then h5py gives every replicate k a
#      common factor (1 + 0.05 z_k) on spending (common random numbers) plus a small factor
#      of its own per scenario, and stores z and an unrelated draw w as runs/parameters. The
#      CSV's mean, 5th/95th percentiles and variance removed are recomputed with numpy
#      (numpy's default percentile interpolates at q (n - 1), like GSL); z must rank first in
#      the sensitivity.
#   3. The micro engine with one seed for both scenarios: common random numbers make what the
#      reform does not touch differ by exactly 0 in every run.
#   4. Parameters given as distributions: paired draws, the sensitivity ranking.
#   5. Bad input: unknown scenario, different horizons, unknown table or axis, wrong
#      arguments: exit status 2 and a message naming the thing.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD, PYTHON.
. tests/helpers/unseal.sh
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else bad "$1"; fi; }

root=$(pwd)
cat >"$tmp/raise.yaml" <<EOF
dpsim: 1
name: daan-raise
extends: $root/scenarios/daan-baseline.yaml
programmes:
  care_subsidy:
    monthly: {grade1: {2021: 93, 2023: 120}, grade2: {2021: 93, 2023: 120}}
EOF
cat >"$tmp/short.yaml" <<EOF
dpsim: 1
name: daan-short
extends: $root/scenarios/daan-baseline.yaml
years: {start: 2021, end: 2030}
EOF

# 1. One run each.
"$DPSIM" run scenarios/daan-baseline.yaml "$tmp/raise.yaml" "$tmp/short.yaml" --data data \
    -o "$tmp/r.h5" --quiet
check compare_setup_run $?
"$DPSIM" compare "$tmp/r.h5" daan-baseline daan-raise >"$tmp/c.out" 2>"$tmp/c.err"
check compare_exit_0 $?
grep -q '^Pairing impossible: daan-baseline has 1 run and daan-raise 1' "$tmp/c.out"
check compare_says_pairing_impossible $?
grep -q '项目支出合计（万元）' "$tmp/c.out" && grep -q '重度残疾人护理补贴支出（万元）' "$tmp/c.out"
check compare_chinese_headers $?
# The changed keys, and only those: the dated amounts of grades 1 and 2, as written and as
# paid (no indexation: the same ranges).
sed -n '/^What changed/,$p' "$tmp/c.out" | grep '^  [a-z]' >"$tmp/keys"
cat >"$tmp/want_keys" <<'EOF'
  programmes.care_subsidy.monthly.grade1
  programmes.care_subsidy.monthly.grade2
  programmes.care_subsidy.monthly_indexed.grade1
  programmes.care_subsidy.monthly_indexed.grade2
EOF
cmp -s "$tmp/keys" "$tmp/want_keys"; check compare_parameter_diff_keys $?
[ "$(grep -c '^    2021–2022: 93 → 93; 2023–2035: 93 → 120$' "$tmp/c.out")" = 4 ]
check compare_parameter_diff_years $?
# Identical scenarios: no parameter differs, every difference is 0.
"$DPSIM" compare "$tmp/r.h5" daan-baseline daan-baseline >"$tmp/same.out" 2>&1
grep -q '^  none: every resolved parameter is the same' "$tmp/same.out"
check compare_same_scenario_no_diff $?

"$DPSIM" compare "$tmp/r.h5" daan-baseline daan-raise --csv >"$tmp/c.csv" 2>&1
check compare_csv_exit_0 $?
"$PYTHON" - "$tmp/r.h5" "$tmp/c.csv" <<'PY'
import sys, csv, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
def check(name, cond):
    print(("PASS: " if cond else "FAIL: ") + name)
# 1 total + the programmes' spending, their recipients, disabled, certified: (3 + 2 x 12) x 15
# years (12 programmes: params.h).
n_prog = len(f["daan-baseline/programme"])
check("csv_row_count", n_prog == 12 and len(rows) == (3 + 2 * n_prog) * 15)
b = f["daan-baseline/runs/spending"][0].sum(axis=(1, 2)) / 1e4   # [year], 万元
a = f["daan-raise/runs/spending"][0].sum(axis=(1, 2)) / 1e4
tot = [r for r in rows if r["table"] == "spending" and r["label"] == "total"]
check("csv_total_years", [int(r["year"]) for r in tot] == list(range(2021, 2036)))
check("csv_total_diff_h5py", np.allclose([float(r["diff_mean"]) for r in tot], a - b,
                                         rtol=1e-9, atol=1e-9))
check("csv_unit_10k_yuan", tot[0]["unit"] == "10k yuan")
check("csv_no_interval_unpaired", all(r["diff_p05"] == "" and r["paired"] == "0" for r in tot))
# The raise applies from 2023: care-subsidy spending equal in 2021, higher from 2023 on.
care = {int(r["year"]): float(r["diff_mean"]) for r in rows
        if r["table"] == "spending" and r["label"] == "care_subsidy"}
check("csv_care_zero_2021", abs(care[2021]) < 1e-9)
check("csv_care_up_2023", care[2023] > 0)
ind = f["daan-raise/runs/indicators"][0].sum(axis=1)               # [year, indicator]
dis = [r for r in rows if r["table"] == "indicators" and r["label"] == "disabled"]
check("csv_disabled_h5py", abs(float(dis[-1]["alt_mean"]) / ind[-1, 0] - 1) < 1e-9)  # 10 digits
PY

"$DPSIM" compare "$tmp/r.h5" daan-baseline daan-raise --table recipients --by region \
    >"$tmp/t.out" 2>&1
check compare_table_by_exit_0 $?
grep -q 'recipients: region = daan (persons)' "$tmp/t.out"; check compare_table_by_block $?

# 2. A paired file with parameter draws (made with h5py from a --runs 40 run).
"$DPSIM" run scenarios/daan-baseline.yaml "$tmp/raise.yaml" --data data --runs 40 \
    -o "$tmp/p.h5" --quiet
check compare_setup_runs_40 $?
"$PYTHON" - "$tmp/p.h5" <<'PY'
import sys, h5py, numpy as np
rng = np.random.default_rng(20260415)
n = 40
z = rng.standard_normal(n)       # shared by both scenarios, replicate by replicate
w = rng.standard_normal(n)       # drawn, but without effect on spending
with h5py.File(sys.argv[1], "r+") as f:
    for name, own_sd in (("daan-baseline", 0.004), ("daan-raise", 0.006)):
        g = f[name]
        own = rng.standard_normal(n)
        sp = g["runs/spending"][()]
        factor = (1 + 0.05 * z + own_sd * own)[:, None, None, None]
        g["runs/spending"][...] = sp * factor
        labels = ["rates.onset_multiplier", "rates.dibao_exit"]
        p = g.create_dataset("parameter", data=np.array(labels, dtype=object),
                             dtype=h5py.string_dtype("utf-8"))
        p.make_scale("parameter")
        p.attrs["label_zh"] = np.array(labels, dtype=object)
        t = g.create_dataset("runs/parameters", data=np.stack([1 + 0.1 * z, 0.05 + 0.01 * w], 1))
        t.attrs["units"] = "value"
        t.attrs["long_name"] = "parameter draws"
        t.attrs["label_zh"] = "参数抽样值"
        t.attrs["dims"] = "run,parameter"
        t.dims[0].attach_scale(g["run"])
        t.dims[1].attach_scale(p)
PY
unseal "$tmp/p.h5"   # changed on purpose: read as an unsealed file
check compare_setup_h5py_draws $?
"$DPSIM" compare "$tmp/p.h5" daan-baseline daan-raise >"$tmp/p.out" 2>&1
check compare_paired_exit_0 $?
grep -q '^Paired: run k of daan-raise with run k of daan-baseline, 40 runs each' "$tmp/p.out"
check compare_says_paired $?
grep -q '^Sensitivity of total spending, daan-raise: 40 runs, 2 uncertain parameters' "$tmp/p.out"
check compare_prints_sensitivity $?
grep -A5 '^Sensitivity of total spending, daan-baseline' "$tmp/p.out" |
    grep -q '^ 2025    1  rates.onset_multiplier'
check sensitivity_ranks_driver_first $?
"$DPSIM" summary "$tmp/p.h5" --sensitivity --scenario daan-baseline >"$tmp/s.out" 2>&1
check summary_sensitivity_exit_0 $?
grep -q '^ 2035    1  rates.onset_multiplier' "$tmp/s.out"; check summary_sensitivity_2035 $?
"$DPSIM" summary "$tmp/r.h5" --sensitivity --scenario daan-baseline >"$tmp/s1.out" 2>&1
grep -q 'no parameter is given as a distribution' "$tmp/s1.out"
check summary_sensitivity_none $?

"$DPSIM" compare "$tmp/p.h5" daan-baseline daan-raise --csv >"$tmp/p.csv" 2>&1
"$PYTHON" - "$tmp/p.h5" "$tmp/p.csv" <<'PY'
import sys, csv, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
rows = [r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))
        if r["table"] == "spending" and r["label"] == "total"]
def check(name, cond):
    print(("PASS: " if cond else "FAIL: ") + name)
b = f["daan-baseline/runs/spending"][()].sum(axis=(2, 3)) / 1e4   # [run, year]
a = f["daan-raise/runs/spending"][()].sum(axis=(2, 3)) / 1e4
d = a - b
good = True
for i, r in enumerate(rows):
    dk = d[:, i]
    want = [dk.mean(), np.percentile(dk, 5), np.percentile(dk, 95),
            1 - dk.var(ddof=1) / (a[:, i].var(ddof=1) + b[:, i].var(ddof=1))]
    got = [float(r[k]) for k in ("diff_mean", "diff_p05", "diff_p95", "variance_removed")]
    good &= np.allclose(got, want, rtol=1e-8, atol=1e-8) and r["paired"] == "1"
check("csv_paired_statistics_numpy", good and len(rows) == 15)
# The common factor makes the runs of both scenarios move together: pairing removes most of
# the variance of the difference in the years the raise applies.
check("csv_pairing_removes_variance", all(float(r["variance_removed"]) > 0.5 for r in rows[2:]))
PY

# 3. The micro engine, both scenarios with the same seed (common random numbers): the reform
#    changes only the care-subsidy amount, so each person's life is the same in both and the
#    living subsidy and every count differ by exactly 0 in every paired run; the care
#    subsidy's difference has a spread, most of which pairing removes (about 95% with 200
#    runs; the bound 0.5 leaves room for the sampling error of variances over 20 runs).
"$DPSIM" run scenarios/daan-baseline.yaml "$tmp/raise.yaml" --data data --engine micro \
    --runs 20 --seed 7 -o "$tmp/m.h5" --quiet
check compare_setup_micro $?
"$DPSIM" compare "$tmp/m.h5" daan-baseline daan-raise --csv >"$tmp/m.csv" 2>&1
check compare_micro_exit_0 $?
"$PYTHON" - "$tmp/m.csv" <<'PY'
import sys, csv
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
def check(name, cond):
    print(("PASS: " if cond else "FAIL: ") + name)
# (3 + 2 x 12 programmes) x 15 years, as above.
check("micro_paired", len(rows) == 27 * 15 and all(r["paired"] == "1" for r in rows))
same = [r for r in rows if r["label"] == "living_subsidy" or r["table"] != "spending"]
check("micro_crn_untouched_exactly_zero",
      all(float(r[k]) == 0.0 for r in same for k in ("diff_mean", "diff_p05", "diff_p95")))
care = [r for r in rows if r["table"] == "spending" and r["label"] == "care_subsidy"]
check("micro_care_interval_has_width", all(float(r["diff_p95"]) > float(r["diff_p05"])
                                           for r in care if int(r["year"]) >= 2023))
check("micro_crn_removes_variance", all(float(r["variance_removed"]) > 0.5
                                        for r in care if int(r["year"]) >= 2023))
PY

# 4. Parameters given as distributions (cohort engine, 60 runs, one seed): run k of both
#    scenarios draws the same values, so before the raise (2021-2022) every paired difference
#    is exactly 0; the sensitivity ranks the onset multiplier (lognormal, sd_log 0.1, acting
#    on every new case) above the care-subsidy take-up (beta, sd 0.02) in 2025.
cat >"$tmp/unc.yaml" <<EOF
dpsim: 1
name: daan-unc
extends: $root/scenarios/daan-baseline.yaml
rates:
  onset_multiplier: {dist: lognormal, median: 1.0, sd_log: 0.10}
programmes:
  care_subsidy:
    take_up: {dist: beta, mean: 0.95, sd: 0.02}
EOF
cat >"$tmp/unc-raise.yaml" <<EOF
dpsim: 1
name: daan-unc-raise
extends: unc.yaml
programmes:
  care_subsidy:
    monthly: {grade1: {2021: 93, 2023: 120}, grade2: {2021: 93, 2023: 120}}
EOF
"$DPSIM" run "$tmp/unc.yaml" "$tmp/unc-raise.yaml" --data data --runs 60 --seed 11 \
    -o "$tmp/u.h5" --quiet
check compare_setup_distributions $?
"$DPSIM" compare "$tmp/u.h5" daan-unc daan-unc-raise >"$tmp/u.out" 2>&1
check compare_distributions_exit_0 $?
grep -A5 '^Sensitivity of total spending, daan-unc:' "$tmp/u.out" >"$tmp/u.sens"
grep -q '^ 2025    1  rates.onset_multiplier' "$tmp/u.sens" &&
    grep -q '^         2  programmes.care_subsidy.take_up' "$tmp/u.sens"
check sensitivity_real_draws_ranking $?
grep -q '^  given as distributions in daan-unc (central values above): rates.onset_multiplier, programmes.care_subsidy.take_up$' "$tmp/u.out"
check compare_lists_distributions $?
"$DPSIM" compare "$tmp/u.h5" daan-unc daan-unc-raise --csv >"$tmp/u.csv" 2>&1
"$PYTHON" - "$tmp/u.csv" <<'PY'
import sys, csv
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))
        if r["table"] == "spending" and r["label"] == "total"]
def check(name, cond):
    print(("PASS: " if cond else "FAIL: ") + name)
early = [r for r in rows if int(r["year"]) <= 2022]
check("draws_paired_zero_before_reform",
      len(early) == 2 and all(float(r[k]) == 0.0 for r in early
                              for k in ("diff_mean", "diff_p05", "diff_p95")))
late = [r for r in rows if int(r["year"]) >= 2023]
check("draws_interval_after_reform", all(float(r["diff_p05"]) < float(r["diff_mean"]) <
                                         float(r["diff_p95"]) for r in late))
PY

# 4b. Pairing without the same draws: a distribution in one scenario only, and the same key
#     with another distribution, are warned about (stderr, and the printed output, with the
#     fix); the properly paired file of 4 (both extend unc.yaml) gets no warning.
grep -q "Warning" "$tmp/u.out"; [ $? = 1 ]; check compare_paired_draws_no_warning $?
cat >"$tmp/other-sd.yaml" <<EOF
dpsim: 1
name: daan-other-sd
extends: unc.yaml
rates:
  onset_multiplier: {dist: lognormal, median: 1.0, sd_log: 0.20}
EOF
"$DPSIM" run scenarios/daan-baseline.yaml "$tmp/unc-raise.yaml" "$tmp/other-sd.yaml" --data data \
    --runs 20 --seed 11 -o "$tmp/w.h5" --quiet
check compare_setup_unpaired_draws $?
"$DPSIM" compare "$tmp/w.h5" daan-baseline daan-unc-raise >"$tmp/w.out" 2>"$tmp/w.err"
check compare_unpaired_exit_0 $?
grep -q "^dpsim: Warning: the runs of daan-unc-raise and daan-baseline do not draw the same parameter values" "$tmp/w.err" &&
    grep -q "^  only daan-unc-raise gives these as distributions: rates.onset_multiplier, programmes.care_subsidy.take_up$" "$tmp/w.err"
check compare_unpaired_warns_on_stderr $?
sed -n '1,/^spending, all programmes/p' "$tmp/w.out" >"$tmp/w.head"
grep -q "^Warning: the runs of daan-unc-raise and daan-baseline" "$tmp/w.head" &&
    grep -q "give both scenarios the same distributions" "$tmp/w.head" &&
    grep -q "same --seed and --runs" "$tmp/w.head" && grep -q "警告" "$tmp/w.head"
check compare_unpaired_warns_in_output_with_fix $?
"$DPSIM" compare "$tmp/w.h5" daan-baseline daan-unc-raise --csv >"$tmp/w.csv" 2>"$tmp/w.err"
grep -q "Warning" "$tmp/w.err" && ! grep -q "Warning" "$tmp/w.csv"
check compare_unpaired_csv_warns_on_stderr_only $?
"$DPSIM" compare "$tmp/w.h5" daan-unc-raise daan-other-sd >"$tmp/w2.out" 2>"$tmp/w2.err"
grep -q "^  drawn differently in the two (another distribution, --seed or --runs): rates.onset_multiplier$" "$tmp/w2.err" &&
    ! grep -q "only daan" "$tmp/w2.err"
check compare_differently_drawn_warns $?

# 5. Bad input.
"$DPSIM" compare "$tmp/r.h5" daan-baseline nosuch >/dev/null 2>"$tmp/e1"
[ $? = 2 ] && grep -q "^dpsim: $tmp/r.h5: no scenario 'nosuch' (the file has: daan-baseline daan-raise daan-short)" "$tmp/e1"
check compare_unknown_scenario_exit_2 $?
"$DPSIM" compare "$tmp/r.h5" daan-baseline daan-short >"$tmp/o2" 2>"$tmp/e2"
[ $? = 2 ] && grep -q "different year axes: 2021…2035 (15 labels) in 'daan-baseline', 2021…2030 (10 labels) in 'daan-short'" "$tmp/e2" && [ ! -s "$tmp/o2" ]
check compare_different_years_exit_2 $?
"$DPSIM" compare "$tmp/r.h5" daan-baseline daan-raise --table nosuch >/dev/null 2>"$tmp/e3"
[ $? = 2 ] && grep -q "no table 'nosuch' in scenario 'daan-baseline' (tables:" "$tmp/e3"
check compare_unknown_table_exit_2 $?
"$DPSIM" compare "$tmp/r.h5" daan-baseline daan-raise --table spending --by sex >/dev/null 2>"$tmp/e4"
[ $? = 2 ] && grep -q "table 'spending' has no axis 'sex' (its axes: year, region, programme)" "$tmp/e4"
check compare_unknown_by_exit_2 $?
"$DPSIM" compare "$tmp/r.h5" daan-baseline >/dev/null 2>"$tmp/e5"
[ $? = 2 ] && grep -q "expects a results file and two scenario names" "$tmp/e5"
check compare_missing_argument_exit_2 $?
"$DPSIM" compare "$tmp/r.h5" daan-baseline daan-raise --by region >/dev/null 2>&1
[ $? = 2 ]; check compare_by_needs_table_exit_2 $?
"$DPSIM" compare "$tmp/nosuch.h5" a b >/dev/null 2>&1
[ $? = 2 ]; check compare_missing_file_exit_2 $?
"$DPSIM" compare --help | grep -q '^usage: dpsim compare'; check compare_help $?
exit 0
