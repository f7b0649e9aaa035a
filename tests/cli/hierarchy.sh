#!/bin/sh
# tests/cli/hierarchy.sh — the region hierarchy through the dpsim command (docs/scenarios.md
# "Region hierarchy", docs/output-schema.md "Roll-ups"): a scenario selecting regions by node
# (prefecture:daxinganling, province:jilin) with targets on nodes runs with the micro engine;
# the file has the roll-ups and schema 5; every command's --region NODE prints or writes the
# node's numbers, checked against sums over the regions computed by h5py from runs/ (summary,
# targets, export), against the same command without --region (the nation spans all regions)
# and against a one-region node (compare --region jilin = --region daan); the shipped
# scenarios/jilin-province.yaml runs; bad nodes are exit 2 with file:line:column or a
# suggestion, and nothing is written. Prints PASS:/FAIL: lines. Run from the project root.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }

cat >"$tmp/two.yaml" <<'EOF'
dpsim: 1
name: two
regions: [prefecture:daxinganling, province:jilin]
years: {start: 2021, end: 2025}
budget: {ceiling: 3000万}
targets:
  - {indicator: certified, region: nation:china, year: 2025, op: ">=", value: 15000, kind: expected}
  - {indicator: certified_share, region: heilongjiang, year: 2025, op: ">=", value: 0.5, kind: binding}
  - {indicator: care_subsidy_recipients, region: daan, year: 2025, op: ">=", value: 6000, kind: expected}
EOF
sed -e 's/^name: two/name: two-alt/' -e 's/^years:/programmes: {care_subsidy: {monthly: {grade1: 150, grade2: 150}}}\nyears:/' \
    "$tmp/two.yaml" >"$tmp/two-alt.yaml"

"$DPSIM" run --quiet --data data "$tmp/two.yaml" "$tmp/two-alt.yaml" --engine micro --runs 20 \
    --seed 5 -o "$tmp/t.h5" 2>"$tmp/err"
check hierarchy_run_selection_exit_0 $?

"$DPSIM" summary "$tmp/t.h5" --scenario two >"$tmp/all.out" 2>&1 &&
    "$DPSIM" summary "$tmp/t.h5" --scenario two --region china >"$tmp/china.out" 2>&1 &&
    "$DPSIM" summary "$tmp/t.h5" --scenario two --region heilongjiang >"$tmp/hlj.out" 2>&1 &&
    "$DPSIM" summary "$tmp/t.h5" --scenario two --region heilongjiang --table indicators \
        >"$tmp/hlj_table.out" 2>&1
check hierarchy_summary_region_exit_0 $?
# The nation spans both regions: its headline is the all-regions headline (but for the line
# naming the regions, the second).
[ "$(sed 2d "$tmp/all.out" | sed -n '1,20p')" = "$(sed 2d "$tmp/china.out" | sed -n '1,20p')" ] &&
    ! cmp -s "$tmp/all.out" "$tmp/hlj.out"
check hierarchy_summary_nation_is_all_regions $?
grep -q "^Scenario two: heilongjiang (黑龙江省); 20 runs" "$tmp/hlj.out"
check hierarchy_summary_region_header $?
"$DPSIM" targets "$tmp/t.h5" --scenario two --csv >"$tmp/targets.csv" 2>"$tmp/err" &&
    "$DPSIM" targets "$tmp/t.h5" --scenario two --region china --csv >"$tmp/targets_china.csv" \
        2>"$tmp/err" &&
    "$DPSIM" targets "$tmp/t.h5" --scenario two --region heilongjiang >"$tmp/targets_hlj.out" 2>&1
check hierarchy_targets_region_exit_0 $?
[ "$(wc -l <"$tmp/targets_china.csv")" = 2 ] && grep -q ',china,' "$tmp/targets_china.csv" &&
    grep -q 'certified_share' "$tmp/targets_hlj.out" && ! grep -q 'certified_2025_china' "$tmp/targets_hlj.out"
check hierarchy_targets_region_filters $?
"$DPSIM" export "$tmp/t.h5" --scenario two --region china --table spending,indicators \
    --csv "$tmp/csv_china" >/dev/null 2>"$tmp/err" &&
    "$DPSIM" export "$tmp/t.h5" --scenario two --region heilongjiang --table indicators \
        --stat mean,p05,p95 --csv "$tmp/csv_hlj" >/dev/null 2>"$tmp/err"
check hierarchy_export_region_exit_0 $?
"$DPSIM" compare "$tmp/t.h5" two two-alt --region jilin --csv >"$tmp/cmp_jilin.csv" 2>"$tmp/err" &&
    "$DPSIM" compare "$tmp/t.h5" two two-alt --region daan --csv >"$tmp/cmp_daan.csv" 2>"$tmp/err" &&
    "$DPSIM" compare "$tmp/t.h5" two two-alt --region china --csv >"$tmp/cmp_china.csv" 2>"$tmp/err" &&
    "$DPSIM" compare "$tmp/t.h5" two two-alt --csv >"$tmp/cmp_all.csv" 2>"$tmp/err"
check hierarchy_compare_region_exit_0 $?
# Jilin has only Da'an under it: the same differences; the nation is all regions.
cmp -s "$tmp/cmp_jilin.csv" "$tmp/cmp_daan.csv"
check hierarchy_compare_one_region_node $?
cmp -s "$tmp/cmp_china.csv" "$tmp/cmp_all.csv" && ! cmp -s "$tmp/cmp_china.csv" "$tmp/cmp_daan.csv"
check hierarchy_compare_nation_is_all $?

# --region NODE keeps the budget table (the node's total spending, run by run): every command.
"$DPSIM" export "$tmp/t.h5" --scenario two --region heilongjiang --table budget --runs \
    --stat mean,p05,p95 --csv "$tmp/csv_bhlj" >/dev/null 2>"$tmp/err" &&
    "$DPSIM" export "$tmp/t.h5" --scenario two --region china --table budget --runs \
        --stat mean,p05,p95 --csv "$tmp/csv_bchina" >/dev/null 2>"$tmp/err" &&
    "$DPSIM" compare "$tmp/t.h5" two two-alt --region jilin --table budget --by budget_item --csv \
        >"$tmp/cmp_bjilin.csv" 2>"$tmp/err"
check hierarchy_budget_region_export_compare_exit_0 $?
grep -q "^Budget 预算 of heilongjiang" "$tmp/hlj.out" && grep -q "^Budget 预算 of heilongjiang" "$tmp/targets_hlj.out" &&
    grep -q "^Budget 预算 of china" "$tmp/china.out"
check hierarchy_budget_region_summary_targets_print $?

"$PYTHON" - "$tmp" <<'PY'
import csv, sys
import h5py, numpy as np

def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" {why}"))

def labels(d):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in d[()]]

tmp = sys.argv[1]
f = h5py.File(f"{tmp}/t.h5", "r")
check("hierarchy_schema_5", f.attrs["schema_version"] in ("5", b"5"), f.attrs["schema_version"])
g = f["two"]
reg, node = labels(g["region"]), labels(g["node"])
check("hierarchy_regions_expanded", reg == ["huzhong", "daan"], reg)
check("hierarchy_node_axis", node == ["china", "jilin", "baicheng", "heilongjiang", "daxinganling"]
      and labels(g["node_code"]) == ["100000", "220000", "220800", "230000", "232700"]
      and labels(g["node_level"]) == ["nation", "province", "prefecture", "province", "prefecture"],
      node)
ind = labels(g["indicator"])
I = g["runs/indicators"][()]           # [run, year, region, indicator]
IN = g["runs/indicators_node"][()]     # [run, year, node, indicator]
members = {"china": [0, 1], "jilin": [1], "baicheng": [1], "heilongjiang": [0], "daxinganling": [0]}
ok = all(np.array_equal(IN[:, :, k], I[:, :, members[n]].sum(axis=2)) for k, n in enumerate(node))
check("hierarchy_file_rollup_is_sum", ok)
# The node's stored summary is over its replicate totals.
SN = g["summary/indicators_node"][()]
stat = labels(g["stat"])
tot = I.sum(axis=2)
check("hierarchy_file_summary_of_totals",
      np.allclose(SN[stat.index("p95"), :, 0], np.percentile(tot, 95, axis=0)))
years = list(g["year"][()])
y = years.index(2025)
c, d = ind.index("certified"), ind.index("disabled")

rows = {r["target"]: r for r in csv.DictReader(open(f"{tmp}/targets.csv", encoding="utf-8"))}
t_china = rows.get("certified_2025_china")
nat = I[:, y, :, c].sum(axis=1)
check("hierarchy_target_on_nation", t_china is not None and t_china["region"] == "china"
      and abs(float(t_china["mean"]) - nat.mean()) <= 1e-6 * nat.mean()
      and abs(float(t_china["p_met"]) - (nat >= 15000).mean()) < 1e-9, t_china)
t_hlj = rows.get("certified_share_2025_heilongjiang")
share = I[:, y, 0, c] / I[:, y, 0, d]
check("hierarchy_target_share_on_node", t_hlj is not None
      and abs(float(t_hlj["mean"]) - share.mean()) <= 1e-6, t_hlj)

# export --region china: the mean of each year's indicators is the mean of the totals.
ex = list(csv.DictReader(open(f"{tmp}/csv_china/two/indicators.csv", encoding="utf-8-sig")))
ex = [r for r in ex if r["year / 年份"][:1].isdigit()]
mean_col = [k for k in ex[0] if k.startswith("mean")][0]
got = {(int(r["year / 年份"]), r["indicator / 指标"]): float(r[mean_col]) for r in ex}
ok = all(r["region / 地区"] == "china" for r in ex) and all(
    abs(got[(int(yr), lab)] - I[:, i, :, k].sum(axis=1).mean()) <= 1e-6 * max(1, abs(got[(int(yr), lab)]))
    for i, yr in enumerate(years) for k, lab in enumerate(ind))
check("hierarchy_export_nation_means", ok and len(got) == len(years) * len(ind))
ex = list(csv.DictReader(open(f"{tmp}/csv_hlj/two/indicators.csv", encoding="utf-8-sig")))
ex = [r for r in ex if r["year / 年份"][:1].isdigit()]
p95_col = [k for k in ex[0] if k.startswith("p95")][0]
r0 = [r for r in ex if r["year / 年份"] == "2025" and r["indicator / 指标"] == "disabled"][0]
# The node's budget in export --region --runs: its total is the sum over its regions and
# programmes of runs/spending of the same replicate; the nation holds both regions and has
# the run's ceiling (3000万) and exceeds; Heilongjiang (one of two) has none.
S = g["runs/spending"][()]              # [run, year, region, programme]
def budget_rows(path):
    rows = list(csv.DictReader(open(path, encoding="utf-8-sig")))
    return [r for r in rows if r["year / 年份"][:1].isdigit()]
def run_cols(r):
    return [float(r[k]) if r[k] != "" else float("nan") for k in r if k.startswith("run_")]
nr = S.shape[0]
for node_name, regs in (("heilongjiang", [0]), ("china", [0, 1])):
    rows = budget_rows(f"{tmp}/csv_b{'hlj' if node_name == 'heilongjiang' else node_name}/two/budget.csv")
    tot = {int(r["year / 年份"]): run_cols(r) for r in rows if r["budget_item / 预算项目"] == "total"}
    want = S[:, :, regs, :].sum(axis=(2, 3))          # [run, year]
    ok = len(tot) == len(years) and all(
        len(tot[yr]) == nr and all(abs(tot[yr][k] - want[k, i]) <= 1e-9 * want[k, i] for k in range(nr))
        for i, yr in enumerate(years))
    mean_ok = all(abs(float(r[mean_col_b]) - np.mean(tot[int(r["year / 年份"])])) <= 1e-9 * np.mean(tot[int(r["year / 年份"])])
                  for r in rows if r["budget_item / 预算项目"] == "total"
                  for mean_col_b in [[k for k in r if k.startswith("mean")][0]])
    p95_ok = all(abs(float(r[[k for k in r if k.startswith("p95")][0]]) - np.percentile(tot[int(r["year / 年份"])], 95))
                 <= 1e-9 * np.mean(tot[int(r["year / 年份"])]) for r in rows if r["budget_item / 预算项目"] == "total")
    check(f"hierarchy_budget_node_total_is_sum_{node_name}", ok and mean_ok and p95_ok)
    ceil = [run_cols(r) for r in rows if r["budget_item / 预算项目"] == "ceiling"]
    exc = {int(r["year / 年份"]): run_cols(r) for r in rows if r["budget_item / 预算项目"] == "exceeds"}
    if node_name == "china":
        ok = all(c == 3e7 for row in ceil for c in row) and all(
            exc[yr][k] == float(want[k, i] > 3e7) for i, yr in enumerate(years) for k in range(nr))
    else:
        ok = all(np.isnan(c) for row in ceil for c in row) and all(
            np.isnan(c) for row in exc.values() for c in row)
    check(f"hierarchy_budget_node_ceiling_{node_name}", ok and len(ceil) == len(years))
# compare --region jilin --table budget --by budget_item: the total's difference is the
# difference of Da'an's spending sums (the alt scenario's run is in the file too).
A = f["two-alt"]["runs/spending"][()]
cm = list(csv.DictReader(open(f"{tmp}/cmp_bjilin.csv", encoding="utf-8-sig")))
tot_rows = [r for r in cm if r["label"] == "total" and r["axis"] == "budget_item"]
check("hierarchy_budget_compare_node", len(tot_rows) == len(years) and all(
    int(r["year"]) == years[i]
    and abs(1e4 * float(r["base_mean"]) - S[:, i, 1, :].sum(axis=1).mean()) <= 1e-6 * S[:, i, 1, :].sum(axis=1).mean()
    and abs(1e4 * float(r["alt_mean"]) - A[:, i, 1, :].sum(axis=1).mean()) <= 1e-6 * A[:, i, 1, :].sum(axis=1).mean()
    for i, r in enumerate(tot_rows)), tot_rows[:1])
check("hierarchy_export_node_p95", abs(float(r0[p95_col]) - np.percentile(I[:, y, 0, d], 95)) < 1e-6
      and r0["region_zh / 地区（中文）"] == "黑龙江省", r0)
PY

# summary --region heilongjiang --table indicators: Heilongjiang has only Huzhong in this run,
# so the table is Huzhong's, and not the two regions' sum.
"$DPSIM" summary "$tmp/t.h5" --scenario two --region huzhong --table indicators >"$tmp/hz_table.out" 2>&1 &&
    "$DPSIM" summary "$tmp/t.h5" --scenario two --table indicators >"$tmp/all_table.out" 2>&1 &&
    cmp -s "$tmp/hz_table.out" "$tmp/hlj_table.out" && ! cmp -s "$tmp/all_table.out" "$tmp/hlj_table.out"
check hierarchy_summary_table_node_value $?

# The shipped province scenario.
"$DPSIM" run --quiet scenarios/jilin-province.yaml -o "$tmp/j.h5" 2>"$tmp/err" &&
    "$DPSIM" summary "$tmp/j.h5" --region jilin | grep -q "^Scenario jilin-province: jilin (吉林省)" &&
    "$DPSIM" targets "$tmp/j.h5" --region jilin | grep -q "jilin 吉林省"
check hierarchy_jilin_province_scenario $?

# Provinces and the nation whose regions have different base years (docs/scenarios.md "Base
# years"): Heilongjiang (Hulan 2017, Huzhong 2020) with the micro engine, the nation (Hulan
# 2017, the other four 2020) with the cohort engine. Each runs; the file records each region's
# base year; every roll-up is the sum over its regions of the same replicate.
"$DPSIM" run --quiet scenarios/heilongjiang-province.yaml --engine micro --runs 3 --seed 2 \
    -o "$tmp/hp.h5" 2>"$tmp/err" &&
    "$DPSIM" summary "$tmp/hp.h5" --region heilongjiang | grep -q "^Scenario heilongjiang-province: heilongjiang (黑龙江省); 3 runs" &&
    "$DPSIM" targets "$tmp/hp.h5" --region heilongjiang | grep -q "heilongjiang 黑龙江省"
check hierarchy_heilongjiang_province_scenario $?
printf 'dpsim: 1\nextends: %s/scenarios/hulan-baseline.yaml\nname: nation\nregions: [nation:china]\nyears: {start: 2021, end: 2025}\n' \
    "$(pwd)" >"$tmp/nation.yaml"
"$DPSIM" run --quiet --data data "$tmp/nation.yaml" --engine cohort --runs 2 -o "$tmp/n.h5" 2>"$tmp/err"
check hierarchy_nation_mixed_bases_runs $?
"$PYTHON" - "$tmp" <<'PY'
import re, sys
import h5py, numpy as np

def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" {why}"))

def labels(d):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in d[()]]

parent = {}
for line in open("data/regions/hierarchy.yaml", encoding="utf-8"):
    m = re.search(r"\{id: (\w+),.*?(?:parent: (\w+))?, name_en", line)
    if m:
        parent[m.group(1)] = m.group(2)
def ancestors(region):
    p = re.search(r"^parent: (\w+)", open(f"data/regions/{region}.yaml", encoding="utf-8").read(), re.M).group(1)
    out = []
    while p:
        out.append(p)
        p = parent.get(p)
    return out
tmp = sys.argv[1]
for fname, group, regions, bases in (("hp", "heilongjiang-province", ["hulan", "huzhong"], [2017, 2020]),
                                     ("n", "nation", ["daan", "hulan", "huzhong", "pudong", "ningbo"],
                                      [2020, 2017, 2020, 2020, 2020])):
    g = h5py.File(f"{tmp}/{fname}.h5", "r")[group]
    reg, node = labels(g["region"]), labels(g["node"])
    check(f"hierarchy_{fname}_regions", reg == regions, reg)
    check(f"hierarchy_{fname}_base_years", list(g.attrs["base_years"]) == bases, g.attrs["base_years"])
    check(f"hierarchy_{fname}_years", list(g["year"][()]) == list(range(2021, g.attrs["year_end"] + 1)))
    ok, why = True, []
    for t in ("indicators", "spending", "recipients", "population"):
        R, N = g[f"runs/{t}"][()], g[f"runs/{t}_node"][()]   # [run, year, region|node, ...]
        for k, n in enumerate(node):
            members = [i for i, r in enumerate(reg) if n in ancestors(r)]
            s = R[:, :, members].sum(axis=2)
            good = np.array_equal(N[:, :, k], s) if len(members) <= 2 else \
                np.allclose(N[:, :, k], s, rtol=1e-12, atol=0)
            if not members or not good:
                ok = False
                why.append((t, n, members))
    check(f"hierarchy_{fname}_rollups_are_sums", ok, why)
PY

# Errors: exit 2, a position or a suggestion, nothing written.
"$DPSIM" summary "$tmp/t.h5" --region heilongjang >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && grep -q "did you mean 'heilongjiang'" "$tmp/err"
check hierarchy_unknown_region_option $?
for cmd in "targets $tmp/t.h5" "compare $tmp/t.h5 two two-alt" "export $tmp/t.h5 --csv $tmp/nope"; do
    # shellcheck disable=SC2086
    "$DPSIM" $cmd --region zhejiang >"$tmp/out" 2>"$tmp/err"
    [ $? = 2 ] && grep -q "expected a region or a node of the results" "$tmp/err" || echo "bad: $cmd"
done >"$tmp/bad"
[ ! -s "$tmp/bad" ] && [ ! -e "$tmp/nope/two" ]
check hierarchy_region_not_in_results_exit_2 $?
printf 'dpsim: 1\nname: bad\nregions: [daan, province:jilinn]\nyears: {start: 2021, end: 2025}\n' \
    >"$tmp/bad.yaml"
"$DPSIM" run --quiet --data data "$tmp/bad.yaml" -o "$tmp/bad.h5" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && grep -q "bad.yaml:3:17: regions\[1\]: no province 'jilinn' in data/regions/hierarchy.yaml (did you mean 'province:jilin'?)" "$tmp/err" &&
    [ ! -e "$tmp/bad.h5" ]
check hierarchy_unknown_node_position $?
printf 'dpsim: 1\nname: bad\nregions: [daan]\nyears: {start: 2021, end: 2025}\ntargets:\n  - {indicator: certified, region: shanghai, year: 2025, op: ">=", value: 1, kind: expected}\n' \
    >"$tmp/bad2.yaml"
"$DPSIM" check --data data "$tmp/bad2.yaml" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && grep -q "bad2.yaml:6:36: targets\[1\].region: province 'shanghai' has none of the scenario's regions under it" "$tmp/err"
check hierarchy_node_target_outside_run $?
