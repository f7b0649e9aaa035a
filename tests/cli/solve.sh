#!/bin/sh
# tests/cli/solve.sh — dpsim solve (analysis/solve.h, docs/solve.md) on the shipped scenarios:
#   - Da'an's plan renovates `households` homes a year; started from 10 a year (an overlay),
#     the smallest count meeting 200 renovations by 2025 is 40 (5 x 40 = 200, hand count), and
#     the overlay --write-overlay writes (in another folder) runs unchanged with dpsim run and
#     meets the target;
#   - Ningbo's employment entry multiplier for an employment rate of card holders above 60%:
#     the overlay meets the target, the value just below the answer (the trace's "next value
#     tried") does not;
#   - the budget ceiling of 2030 covering 95% of 20 replicates: dpsim run of the overlay with
#     the same runs and seed exceeds it in 5% of the runs (1 of 20);
#   - no answer (exit 3) and bad input (exit 2 with the reason).
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD.
BUILD=${BUILD:-build}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in" "$tmp/out"

check() { # name, condition status (0 pass), then the output file shown on failure
    if [ "$2" = 0 ]; then echo "PASS: $1"; else sed -n '1,40p' "$3"; echo "FAIL: $1"; fi
}

# --- Da'an: 40 homes a year -------------------------------------------------------------
cat >"$tmp/in/daan10.yaml" <<EOT
dpsim: 1
extends: $(pwd)/scenarios/daan-plan.yaml
name: daan-ten
programmes:
  home_renovation:
    households: 10
EOT
"$DPSIM" solve "$tmp/in/daan10.yaml" --target renovations_cumulative_2025 \
    --vary programmes.home_renovation.households --write-overlay "$tmp/out/daan.yaml" >"$tmp/log" 2>&1
rc=$?
grep -q '^Answer 答案: programmes.home_renovation.households = 40 ' "$tmp/log" &&
    grep -q 'the next value tried, 39, does not meet it' "$tmp/log"
check solve_daan_renovations_40 $(( rc + $? )) "$tmp/log"
grep -q '^extends: \.\./in/daan10\.yaml$' "$tmp/out/daan.yaml" &&
    grep -q '^    households: 40$' "$tmp/out/daan.yaml"
check solve_overlay_relative_extends $? "$tmp/out/daan.yaml"
"$DPSIM" run "$tmp/out/daan.yaml" -o "$tmp/daan.h5" --quiet >"$tmp/log" 2>&1 &&
    "$DPSIM" targets "$tmp/daan.h5" --csv >"$tmp/t.csv" 2>>"$tmp/log"
rc=$?
awk -F, '$2 == "renovations_cumulative_2025"' "$tmp/t.csv" >"$tmp/row"
head -1 "$tmp/t.csv" >>"$tmp/log"; cat "$tmp/row" >>"$tmp/log"
# The CSV row: the mean 200 and P(met) 1 (columns located by the header).
awk -F, -v hdr="$(head -1 "$tmp/t.csv")" 'BEGIN { n = split(hdr, h, ","); for (i = 1; i <= n; i++) col[h[i]] = i }
    { ok = ($col["mean"] + 0 == 200 && $col["p_met"] + 0 == 1) } END { exit !ok }' "$tmp/row"
check solve_overlay_runs_and_meets $(( rc + $? )) "$tmp/log"

# --- Ningbo: the employment entry multiplier --------------------------------------------
"$DPSIM" solve scenarios/ningbo-plan.yaml --target employment_rate_certified_2025 \
    --vary programmes.employment_support.entry_multiplier --write-overlay "$tmp/out/nb.yaml" >"$tmp/log" 2>&1
rc=$?
ans=$(sed -n 's/^Answer 答案: programmes.employment_support.entry_multiplier = \([0-9.]*\) .*/\1/p' "$tmp/log")
below=$(sed -n 's/^  the next value tried, \([0-9.]*\), does not meet it$/\1/p' "$tmp/log")
[ "$rc" = 0 ] && [ -n "$ans" ] && [ -n "$below" ]
check solve_ningbo_entry_multiplier $? "$tmp/log"
meets() { # overlay file -> exit 0 when employment_rate_certified_2025 is met
    "$DPSIM" run "$1" -o "$tmp/nb.h5" --quiet >/dev/null 2>&1 &&
        "$DPSIM" targets "$tmp/nb.h5" --csv | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
            $2 == "employment_rate_certified_2025" { ok = ($col["p_met"] + 0 == 1) } END { exit !ok }'
}
meets "$tmp/out/nb.yaml"
check solve_ningbo_overlay_meets $? "$tmp/out/nb.yaml"
sed "s/^    entry_multiplier: .*/    entry_multiplier: $below/" "$tmp/out/nb.yaml" >"$tmp/out/nb-below.yaml"
if meets "$tmp/out/nb-below.yaml"; then r=1; else r=0; fi
check solve_ningbo_below_not_met $r "$tmp/out/nb-below.yaml"

# --- The budget ceiling covering 95% of replicates ---------------------------------------
"$DPSIM" solve scenarios/daan-ceiling.yaml --target ceiling_2030 --vary budget.ceiling --prob 0.95 \
    --runs 20 --write-overlay "$tmp/out/ceil.yaml" >"$tmp/log" 2>&1
rc=$?
"$DPSIM" run "$tmp/out/ceil.yaml" --runs 20 --seed 1 -o "$tmp/ceil.h5" --quiet >>"$tmp/log" 2>&1 &&
    "$DPSIM" summary "$tmp/ceil.h5" >"$tmp/sum" 2>>"$tmp/log"
rc=$(( rc + $? ))
grep -q '^  2030 .* 5%$' "$tmp/sum"
check solve_ceiling_covers_95_percent $(( rc + $? )) "$tmp/log"

# --- No answer: exit 3 ------------------------------------------------------------------
"$DPSIM" solve scenarios/daan-plan.yaml --target renovations_cumulative_2025 \
    --vary programmes.home_renovation.households --hi 30 --write-overlay "$tmp/out/none.yaml" >"$tmp/log" 2>&1
rc=$?
[ "$rc" = 3 ] && grep -q 'No answer 无解: no value of programmes.home_renovation.households in \[0, 30\]' "$tmp/log" &&
    [ ! -e "$tmp/out/none.yaml" ]
check solve_unreachable_exit_3 $? "$tmp/log"

# --- Bad input: exit 2 -------------------------------------------------------------------
bad() { # name, expected text, arguments...
    name=$1; text=$2; shift 2
    "$DPSIM" solve "$@" >"$tmp/log" 2>&1
    rc=$?
    [ "$rc" = 2 ] && grep -q -- "$text" "$tmp/log"
    check "$name" $? "$tmp/log"
}
bad solve_unknown_target "unknown target 'renovations'; the scenario's targets: renovations_cumulative_2025, child_rehab_coverage_2025" \
    scenarios/daan-plan.yaml --target renovations --vary programmes.home_renovation.households
bad solve_unknown_key "did you mean 'programmes.home_renovation.households'" \
    scenarios/daan-plan.yaml --target renovations_cumulative_2025 --vary programmes.home_renovation.houshold
bad solve_key_not_numeric "not a number the solver can vary" \
    scenarios/daan-plan.yaml --target renovations_cumulative_2025 --vary programmes.home_renovation.enabled
bad solve_needs_target_and_key "are both needed" scenarios/daan-plan.yaml --target renovations_cumulative_2025
bad solve_bad_prob "probability in (0, 1]" scenarios/daan-plan.yaml --target x --vary y --prob 1.5
bad solve_bad_engine "cohort or micro" scenarios/daan-plan.yaml --target x --vary y --engine fast
bad solve_bad_scenario_located "probability.yaml:[0-9]*:[0-9]*:" \
    tests/data/scenarios/bad/probability.yaml --target x --vary y
"$DPSIM" solve --help >"$tmp/log" 2>&1
[ $? = 0 ] && grep -q '^usage: dpsim solve SCENARIO.yaml --target NAME --vary KEY' "$tmp/log"
check solve_help $? "$tmp/log"
# --write-overlay is an output like run -o: never one of the scenario's own files (issue 14).
cp scenarios/daan-plan.yaml scenarios/daan-baseline.yaml "$tmp/" && mv "$tmp/daan-plan.yaml" "$tmp/plan.yaml"
before=$(sha256sum "$tmp/plan.yaml" | cut -d' ' -f1)
"$DPSIM" solve "$tmp/plan.yaml" --data data --target renovations_2025 \
    --vary programmes.home_renovation.households --write-overlay "$tmp/plan.yaml" >"$tmp/log" 2>&1
rc=$?
after=$(sha256sum "$tmp/plan.yaml" | cut -d' ' -f1)
[ "$rc" = 2 ] && [ "$before" = "$after" ] && grep -q 'an input of this run' "$tmp/log"
check solve_overlay_never_an_input $? "$tmp/log"
exit 0
