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
    reported_at_text reported_from reported_bound reported_status reported_field; do
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
