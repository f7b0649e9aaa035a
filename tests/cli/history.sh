#!/bin/sh
# tests/cli/history.sh — region files' dated reported figures and province names through the
# dpsim command, and the national and provincial region files:
#   - each bad region file listed below (from tests/data/regions/bad/, its message in EXPECTED)
#     named by a scenario: `dpsim check` and `dpsim run` exit 2 and print exactly
#     "dpsim: FILE:LINE:COL: MESSAGE"; run writes nothing;
#   - a province written in lower case or in Chinese is accepted;
#   - a region file with two bases (tests/data/regions/bases.yaml): years.start picks the base
#     `check` fits; a years.start between them is refused with the file's base years; the
#     scenario's base_year picks the base alone, must agree with years.start, and must be one
#     of the file's;
#   - scenarios/china-baseline.yaml, china-2017.yaml (the 2017 base) and provinces-baseline.yaml
#     pass `check` and run (cohort engine), and the summary names their regions (china-2017's
#     first year is 2018).
# Prints "PASS: name" / "FAIL: name why". Run from the repository root (tests/run.sh does).
# Environment: BUILD (default build).
BUILD=${BUILD:-build}
DPSIM=$BUILD/bin/dpsim
BAD=tests/data/regions/bad
TAB=$(printf '\t')

if [ ! -x "$DPSIM" ]; then
    echo "FAIL: history $DPSIM not built"
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/data" "$work/data/regions"
ln -s "$(pwd)/data/reference" "$work/data/reference"

# A scenario naming region $1 (base year 2020).
scenario() {
    printf 'dpsim: 1\nname: t\nregions: [%s]\nyears: {start: 2021, end: 2023}\n' "$1" \
        >"$work/$1-scen.yaml"
}

for name in province_typo province_unknown reported_key_typo reported_key_unknown \
    reported_unit_wrong reported_year reported_year_missing reported_month reported_at_year \
    reported_at_text reported_from reported_bound reported_status reported_field \
    standards_one_year standards_programme standards_year_order; do
    cp "$BAD/$name.yaml" "$work/data/regions/$name.yaml"
    scenario "$name"
    msg=$(grep "^$name.yaml$TAB" "$BAD/EXPECTED" | cut -f2-)
    if [ -z "$msg" ]; then
        echo "FAIL: history/$name no line in $BAD/EXPECTED"
        continue
    fi
    printf 'dpsim: %s\n' "$msg" | sed "s#^dpsim: $BAD/#dpsim: $work/data/regions/#" >"$work/want"
    "$DPSIM" check --data "$work/data" "$work/$name-scen.yaml" >/dev/null 2>"$work/err"
    rc=$?
    if [ "$rc" -ne 2 ]; then
        echo "FAIL: history/check/$name exit status $rc, expected 2"
    elif ! cmp -s "$work/err" "$work/want"; then
        echo "FAIL: history/check/$name stderr was: $(cat "$work/err")"
    else
        echo "PASS: history/check/$name"
    fi
    "$DPSIM" run --data "$work/data" -o "$work/out.h5" --quiet "$work/$name-scen.yaml" \
        >/dev/null 2>"$work/err"
    rc=$?
    if [ "$rc" -ne 2 ]; then
        echo "FAIL: history/run/$name exit status $rc, expected 2"
    elif ! cmp -s "$work/err" "$work/want"; then
        echo "FAIL: history/run/$name stderr was: $(cat "$work/err")"
    elif [ -e "$work/out.h5" ]; then
        echo "FAIL: history/run/$name wrote $work/out.h5"
    else
        echo "PASS: history/run/$name"
    fi
done

# Provinces in lower case and in Chinese are the same province.
for spelling in jilin 吉林省; do
    sed "s/^province: .*/province: $spelling/; s/^id: .*/id: spelt/" \
        tests/data/regions/history.yaml >"$work/data/regions/spelt.yaml"
    scenario spelt
    if "$DPSIM" check --data "$work/data" "$work/spelt-scen.yaml" >"$work/out" 2>"$work/err"; then
        echo "PASS: history/province_$spelling"
    else
        echo "FAIL: history/province_$spelling $(cat "$work/err")"
    fi
done

# A file with two bases: years.start picks one; a year between them is refused with the list.
cp tests/data/regions/bases.yaml "$work/data/regions/bases.yaml"
for start in 2018 2021; do
    printf 'dpsim: 1\nname: t\nregions: [bases]\nyears: {start: %s, end: 2023}\n' "$start" \
        >"$work/bases-scen.yaml"
    base=$((start - 1))
    if ! "$DPSIM" check --data "$work/data" "$work/bases-scen.yaml" >"$work/out" 2>"$work/err"; then
        echo "FAIL: history/bases_$base $(cat "$work/err")"
    elif grep -q "base-year fit, region bases (Bases test, 基年测试), base year $base" "$work/out"; then
        echo "PASS: history/bases_$base"
    else
        echo "FAIL: history/bases_$base check does not fit base year $base"
    fi
done
# Without base_year: the latest base before years.start: 2017 for a run from 2019 (projected
# through 2018); a run from 2017 has no usable base.
printf 'dpsim: 1\nname: t\nregions: [bases]\nyears: {start: 2019, end: 2023}\n' >"$work/bases-scen.yaml"
if "$DPSIM" check --data "$work/data" "$work/bases-scen.yaml" >"$work/out" 2>"$work/err" &&
    grep -q "base-year fit, region bases (Bases test, 基年测试), base year 2017" "$work/out"; then
    echo "PASS: history/bases_latest_before_start"
else
    echo "FAIL: history/bases_latest_before_start $(cat "$work/err")"
fi
printf 'dpsim: 1\nname: t\nregions: [bases]\nyears: {start: 2017, end: 2023}\n' >"$work/bases-scen.yaml"
printf 'dpsim: %s:4:16: years.start 2017 needs a base year before it (2016 or earlier), but region '"'"'bases'"'"' has base years 2017, 2020\n' \
    "$work/bases-scen.yaml" >"$work/want"
"$DPSIM" check --data "$work/data" "$work/bases-scen.yaml" >/dev/null 2>"$work/err"
rc=$?
if [ "$rc" -eq 2 ] && cmp -s "$work/err" "$work/want"; then
    echo "PASS: history/bases_missing_year"
else
    echo "FAIL: history/bases_missing_year exit $rc, stderr: $(cat "$work/err")"
fi

# The scenario's base_year picks the base (years.start then follows); both given must agree;
# a base_year the file lacks is refused at the key.
printf 'dpsim: 1\nname: t\nregions: [bases]\nbase_year: 2017\nyears: {end: 2023}\n' >"$work/by.yaml"
if "$DPSIM" check --data "$work/data" "$work/by.yaml" >"$work/out" 2>"$work/err" &&
    grep -q "region bases (Bases test, 基年测试), base year 2017" "$work/out"; then
    echo "PASS: history/base_year_picks"
else
    echo "FAIL: history/base_year_picks $(cat "$work/err")"
fi
for case in "2017|years: {start: 2021, end: 2023}|base_year: 2017 needs years.start 2018 (the run starts the year after its base), got years.start 2021" \
    "2018|years: {end: 2023}|base_year: 2018, but region 'bases' has base years 2017, 2020 (without base_year: each region is projected from its latest base before years.start)"; do
    by=${case%%|*}
    rest=${case#*|}
    years=${rest%%|*}
    msg=${rest#*|}
    printf 'dpsim: 1\nname: t\nregions: [bases]\nbase_year: %s\n%s\n' "$by" "$years" >"$work/by.yaml"
    printf 'dpsim: %s:4:12: %s\n' "$work/by.yaml" "$msg" >"$work/want"
    "$DPSIM" check --data "$work/data" "$work/by.yaml" >/dev/null 2>"$work/err"
    rc=$?
    if [ "$rc" -eq 2 ] && cmp -s "$work/err" "$work/want"; then
        echo "PASS: history/base_year_$by"
    else
        echo "FAIL: history/base_year_$by exit $rc, stderr: $(cat "$work/err")"
    fi
done

# The national and provincial files, through their scenarios.
for scen in china-baseline china-2017 provinces-baseline; do
    if ! "$DPSIM" check --data data "scenarios/$scen.yaml" >"$work/out" 2>"$work/err"; then
        echo "FAIL: history/check_$scen $(cat "$work/err")"
        continue
    fi
    echo "PASS: history/check_$scen"
    if [ "$scen" = china-2017 ]; then
        # The dated figures as check prints them: a month, a bound, a total over years.
        ok=1
        for pat in "care_subsidy_recipients +2019-11 +>= 13,000,000 persons +quoted" \
            "home_renovation_recipients +2016-2018 +304,900 households +quoted" \
            "rehab_recipients +2017 +8,506,000 persons +derived"; do
            grep -Eq "^#     $pat" "$work/out" || { ok=0; echo "FAIL: history/check_reported '$pat' not printed"; }
        done
        [ "$ok" -eq 1 ] && echo "PASS: history/check_reported"
    fi
    rm -f "$work/$scen.h5"
    if ! "$DPSIM" run --data data --engine cohort -o "$work/$scen.h5" --quiet \
        "scenarios/$scen.yaml" >"$work/out" 2>"$work/err"; then
        echo "FAIL: history/run_$scen $(cat "$work/err")"
        continue
    fi
    "$DPSIM" summary "$work/$scen.h5" >"$work/sum" 2>"$work/err"
    case $scen in
    china-*) want="china (全国)" ;;
    *) want="jilin (吉林省), heilongjiang (黑龙江省), zhejiang (浙江省), shanghai (上海市)" ;;
    esac
    first=$(awk '$1 ~ /^20[0-9][0-9]$/ {print $1; exit}' "$work/sum")
    case $scen in
    china-2017) want_first=2018 ;;
    *) want_first=2021 ;;
    esac
    if [ "$first" != "$want_first" ]; then
        echo "FAIL: history/run_$scen first year $first, expected $want_first"
    elif grep -q "$want" "$work/sum"; then
        echo "PASS: history/run_$scen"
    else
        echo "FAIL: history/run_$scen summary does not name '$want': $(head -3 "$work/sum")"
    fi
done

# status_quo: frozen, a distribution on a take-up the region file's base-year recipients
# calibrate (Da'an's care subsidy: 6,619 recipients of end-2020) combines with the calibration
# (docs/scenarios.md "Status quo and calibration"): take-up = calibrated x draw / mean. So one
# run (the mean) projects exactly what the calibration alone projects; a number replaces the
# calibration knowingly (recipients scale by 0.8 / the calibrated 0.9501, i.e. 0.842, the
# care subsidy's recipients being proportional to its take-up); 40 runs of beta(mean 0.95,
# sd 0.02) have a mean within 4 standard errors of the calibration's (relative sd of a draw
# 0.02 / 0.95 = 2.1%, of a mean of 40: 0.33%, so 1.3%) and a spread.
care2021() { # the care subsidy's recipients in 2021 (means) of results $1
    "$DPSIM" summary "$1" | awk -F'|' '$1 ~ /^ 2021 / {split($3, f, " "); gsub(",", "", f[1]); print f[1]; exit}'
}
for v in none dist num; do
    {
        printf 'dpsim: 1\nname: t-%s\nextends: %s/scenarios/daan-baseline.yaml\n' "$v" "$(pwd)"
        case $v in
        dist) printf 'programmes:\n  care_subsidy:\n    take_up: {dist: beta, mean: 0.95, sd: 0.02}\n' ;;
        num) printf 'programmes:\n  care_subsidy:\n    take_up: 0.8\n' ;;
        esac
    } >"$work/comb-$v.yaml"
    "$DPSIM" run --data data -o "$work/comb-$v.h5" --quiet "$work/comb-$v.yaml" 2>"$work/err" ||
        echo "FAIL: history/frozen_dist run $v: $(cat "$work/err")"
done
"$DPSIM" run --data data --runs 40 -o "$work/comb-40.h5" --quiet "$work/comb-dist.yaml" 2>"$work/err" ||
    echo "FAIL: history/frozen_dist run 40: $(cat "$work/err")"
n0=$(care2021 "$work/comb-none.h5"); n1=$(care2021 "$work/comb-dist.h5")
nn=$(care2021 "$work/comb-num.h5"); n40=$(care2021 "$work/comb-40.h5")
if awk -v a="$n0" -v b="$n1" -v c="$nn" -v d="$n40" 'BEGIN {
        ok = a > 0 && b == a && (c / a - 0.8 / 0.9501)^2 < 0.002^2 && ((d - a) / a)^2 < 0.013^2
        exit !ok }'; then
    echo "PASS: history/frozen_dist_combined"
else
    echo "FAIL: history/frozen_dist_combined care 2021: calibrated $n0, one run $n1, number $nn, 40 runs $n40"
fi
spread=$("$DPSIM" summary "$work/comb-40.h5" | awk '$1 == "2021" && $5 ~ /-/ {split($5, r, "-"); print (r[2] > r[1]); exit}')
[ "$spread" = 1 ] && echo "PASS: history/frozen_dist_spread" ||
    echo "FAIL: history/frozen_dist_spread the 90% interval of the care subsidy's 2021 spending has no width"
"$DPSIM" check --data data "$work/comb-dist.yaml" | grep -q "care_subsidy  *0.9501  (calibrated to base-year recipients; the scenario's distribution gives its relative spread)" &&
    echo "PASS: history/frozen_dist_check" || echo "FAIL: history/frozen_dist_check take-up line not printed"

# The reported figures reach the HDF5 (history/history_reported, docs/output-schema.md), read
# with h5py: as many rows as data/regions/daan.yaml has `- {key:` entries under reported:, and
# two rows checked against the file by hand: certified 14,036 persons at the end of 2020, exact
# and quoted; rehab_person_times 15,000 over 2016-2020, a lower bound.
nrep=$(sed -n '/^reported:/,$p' data/regions/daan.yaml | grep -c '^  - {key:')
if /usr/bin/python3 - "$work/comb-none.h5" "$nrep" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
g = f[list(f.keys())[0]]
t = g["history/history_reported"]
stat = [s.decode() for s in g["reported_stat"][...]]
items = [s.decode() for s in g["reported_item"][...]]
src = [s.decode() for s in g["reported_source"][...]]
unit = [s.decode() for s in g["reported_unit"][...]]
assert t.shape == (int(sys.argv[2]), 8), t.shape
assert stat == ["year", "month", "mid", "from", "value", "bound", "status", "region_index"], stat
region = [s.decode() for s in g["region"][...]]
def row(label):
    i = items.index(label)
    return dict(zip(stat, t[i])), src[i], unit[i]
r, s, u = row("daan certified 2020-12")
assert (r["year"], r["month"], r["from"], r["value"], r["bound"], r["status"]) == (2020, 12, 2020, 14036, 0, 0), r
assert region[int(r["region_index"])] == "daan"
assert u == "persons" and s.startswith("plan 000, end 2020: disabled persons (card holders"), (u, s)
r, s, u = row("daan rehab_person_times 2016-2020-12")
assert (r["from"], r["value"], r["bound"]) == (2016, 15000, 1) and u == "person-times", (r, u)
PY
then echo "PASS: history/hdf5_reported"; else echo "FAIL: history/hdf5_reported"; fi

# status_quo: trend and a region file's `standards:` (docs/model.md "Take-up trend", amounts):
# Da'an's file with care-subsidy standards 100 yuan (2016) and 121 yuan (2018), so a yearly
# increase of (121 / 100)^(1/2) - 1 = 10% by hand, against the same file without them, both
# from the 2020 base under daan-baseline (indexation rate 0). The care subsidy's spending must
# be 1.1, 1.21, 1.331 times the other's in 2021-2023 (recipients do not depend on amounts);
# the living subsidy's (no standards given) the same; under status_quo: frozen no change.
mkdir -p "$work/std/regions"
ln -s "$(pwd)/data/reference" "$work/std/reference"
for r in daan daanstd; do
    sed -e "s/^id: daan/id: $r/" -e '/^code:/d' -e '/^parent:/d' data/regions/daan.yaml >"$work/std/regions/$r.yaml"
    for sq in trend frozen; do
        printf 'dpsim: 1\nname: t-%s-%s\nextends: %s/scenarios/daan-baseline.yaml\nregions: [%s]\nstatus_quo: %s\nyears: {start: 2021, end: 2023}\n' \
            "$r" "$sq" "$(pwd)" "$r" "$sq" >"$work/std-$r-$sq.yaml"
    done
done
printf 'standards:\n  care_subsidy:\n    source: "test: by hand"\n    values: {2016: 100, 2018: 121}\n' \
    >>"$work/std/regions/daanstd.yaml"
ok=1
for f in daan-trend daanstd-trend daan-frozen daanstd-frozen; do
    "$DPSIM" run --data "$work/std" -o "$work/std-$f.h5" --quiet "$work/std-$f.yaml" 2>"$work/err" ||
        { ok=0; echo "FAIL: history/standards_growth run $f: $(cat "$work/err")"; }
done
if [ "$ok" = 1 ] && /usr/bin/python3 - "$work" <<'PY'
import sys, h5py, numpy as np
w = sys.argv[1]
def spending(f):
    h = h5py.File(f"{w}/std-{f}.h5", "r")
    g = h[list(h.keys())[0]]
    prog = [s.decode() for s in g["programme"][...]]
    years = list(g["year"][...])
    s = g["runs/spending"][0]  # [year, region, programme]
    return years, s[:, 0, prog.index("care_subsidy")], s[:, 0, prog.index("living_subsidy")]
y, c0, l0 = spending("daan-trend")
_, c1, l1 = spending("daanstd-trend")
assert y == [2021, 2022, 2023], y
assert np.allclose(c1 / c0, [1.1, 1.21, 1.331], rtol=1e-9, atol=0), c1 / c0
assert np.allclose(l1, l0, rtol=1e-12, atol=0)
_, f0, _ = spending("daan-frozen")
_, f1, _ = spending("daanstd-frozen")
assert np.allclose(f1, f0, rtol=1e-12, atol=0)
PY
then echo "PASS: history/standards_growth"; else echo "FAIL: history/standards_growth"; fi
