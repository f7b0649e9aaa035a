#!/bin/sh
# tests/cli/summary_options.sh — `dpsim summary` checks every option against the file before
# it prints anything:
#   1. --year 2040 (not in the file) and --scenario nope: exit 2, the error on stderr, and
#      nothing at all on standard output (before, the whole headline was printed first);
#      with two scenarios, a year of neither is refused before the first scenario's tables;
#   2. --table spendng: exit 2, "did you mean 'spending'?", and the list of the file's tables
#      (spending_real, pipeline, ... named); nothing on standard output; a name far from every
#      table gets the list without a suggestion;
#   3. a good --year and --table still print (exit 0).
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD.
BUILD=${BUILD:-build}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }
root=$(pwd)
cat >"$tmp/short.yaml" <<EOF
dpsim: 1
name: daan-short
extends: $root/scenarios/daan-baseline.yaml
years: {start: 2021, end: 2030}
EOF
"$DPSIM" run scenarios/daan-baseline.yaml -o "$tmp/b.h5" --quiet
check summary_opts_setup $?
"$DPSIM" run scenarios/daan-baseline.yaml "$tmp/short.yaml" -o "$tmp/two.h5" --quiet
check summary_opts_setup_two $?

# 1. Years and scenarios.
"$DPSIM" summary "$tmp/b.h5" --year 2040 >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && grep -q "^dpsim: summary: --year 2040: expected 'all' or a year of the results (2021 to 2035)" "$tmp/err"
check summary_year_2040_exit_2 $?
[ ! -s "$tmp/out" ]; check summary_year_2040_prints_nothing $?
"$DPSIM" summary "$tmp/two.h5" --year 2033 >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && grep -q "2021 to 2030 in scenario daan-short" "$tmp/err" && [ ! -s "$tmp/out" ]
check summary_year_checked_in_every_scenario_first $?
"$DPSIM" summary "$tmp/b.h5" --scenario nope --year 2025 >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && grep -q "no scenario 'nope' (the file has: daan-baseline)" "$tmp/err" && [ ! -s "$tmp/out" ]
check summary_unknown_scenario_prints_nothing $?

# 2. Tables.
"$DPSIM" summary "$tmp/b.h5" --table spendng >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ]; check summary_table_typo_exit_2 $?
grep -q "no table 'spendng' in scenario 'daan-baseline' (did you mean 'spending'?); its tables are: " "$tmp/err" &&
    grep -q "spending_real" "$tmp/err" && grep -q " pipeline," "$tmp/err"
check summary_table_typo_did_you_mean_and_list $?
[ ! -s "$tmp/out" ]; check summary_table_typo_prints_nothing $?
"$DPSIM" summary "$tmp/b.h5" --table zzzzzzzz >/dev/null 2>"$tmp/err"
[ $? = 2 ] && ! grep -q "did you mean" "$tmp/err" && grep -q "its tables are: " "$tmp/err"
check summary_table_far_no_suggestion $?

# 3. Good options.
"$DPSIM" summary "$tmp/two.h5" --year 2030 >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] && [ "$(grep -c '^Programme spending in 2030 ' "$tmp/out")" = 2 ] && [ ! -s "$tmp/err" ]
check summary_good_year_both_scenarios $?
"$DPSIM" summary "$tmp/b.h5" --table spending >"$tmp/out" 2>&1
[ $? = 0 ] && grep -q '^2035 ' "$tmp/out"
check summary_good_table $?
