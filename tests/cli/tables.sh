#!/bin/sh
# tests/cli/tables.sh — the tables the command prints, from real runs, in one number style
# with aligned columns:
#   1. every table of run, summary (--year all, --table of every table of the file,
#      --sensitivity), compare (text), targets and check, for a micro run with distributions,
#      a budget ceiling and plan targets, and the cohort baseline: no exponent (4.18368e-11,
#      1e+06), no "-0" or "-0.0", numbers of 4 digits or more with thousands separators;
#   2. CJK columns line up: in the headline, its 90% and 95% intervals, the programme
#      spending (and its 95% table), pipeline, services, levels and budget tables and each
#      compare block, every line of the table has the same display width (the targets table: its last, left-aligned column starts at
#      the same display column on every line), measured with Python's
#      unicodedata.east_asian_width (W and F take two columns), a measure independent of the
#      program's own wcwidth; and the Chinese header line is one of them.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD, PYTHON.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }
root=$(pwd)
cat >"$tmp/unc.yaml" <<EOF
dpsim: 1
name: daan-unc
extends: $root/scenarios/daan-baseline.yaml
rates:
  onset_multiplier: {dist: lognormal, median: 1.0, sd_log: 0.10}
programmes:
  care_subsidy:
    take_up: {dist: beta, mean: 0.95, sd: 0.02}
budget:
  ceiling: 3100万
targets:
  - {indicator: total_spending, year: 2025, op: "<=", value: 3100万, kind: expected}
  - {indicator: certified_share, year: 2030, op: ">=", value: 0.72, kind: binding, name_zh: "持证率≥72%（2030年）"}
  - {indicator: care_subsidy_recipients, year: 2030, op: "==", value: 7200, tolerance: 50, kind: expected}
EOF
cat >"$tmp/raise.yaml" <<EOF
dpsim: 1
name: daan-unc-raise
extends: unc.yaml
programmes:
  care_subsidy:
    monthly: {grade1: {2021: 93, 2023: 120}, grade2: {2021: 93, 2023: 120}}
EOF
"$DPSIM" run "$tmp/unc.yaml" "$tmp/raise.yaml" --data data --engine micro --runs 12 --seed 4 \
    -o "$tmp/u.h5" >"$tmp/run.txt" 2>&1
check tables_setup_micro $?
"$DPSIM" run scenarios/daan-baseline.yaml -o "$tmp/c.h5" >"$tmp/run_cohort.txt" 2>&1
check tables_setup_cohort $?
: >"$tmp/all.txt"
for f in run.txt run_cohort.txt; do cat "$tmp/$f" >>"$tmp/all.txt"; done
"$DPSIM" summary "$tmp/u.h5" --year all >"$tmp/summary.txt" && cat "$tmp/summary.txt" >>"$tmp/all.txt"
check tables_summary_exit_0 $?
"$DPSIM" summary "$tmp/c.h5" >>"$tmp/all.txt"
"$DPSIM" summary "$tmp/u.h5" --sensitivity >>"$tmp/all.txt"
check tables_sensitivity_exit_0 $?
# Every table of the file through the generic printer.
tables=$("$DPSIM" summary "$tmp/u.h5" --scenario daan-unc --table nosuch 2>&1 | sed 's/.*its tables are: //; s/,//g')
[ -n "$tables" ]; check tables_listed $?
n=0
for t in $tables; do
    "$DPSIM" summary "$tmp/u.h5" --scenario daan-unc --table "$t" >>"$tmp/all.txt" 2>&1 || echo "table $t failed"
    n=$((n + 1))
done
[ "$n" -ge 15 ]; check tables_every_table_printed $?
"$DPSIM" compare "$tmp/u.h5" daan-unc daan-unc-raise >"$tmp/compare.txt" 2>/dev/null
check tables_compare_exit_0 $?
cat "$tmp/compare.txt" >>"$tmp/all.txt"
"$DPSIM" targets "$tmp/u.h5" >"$tmp/targets.txt"
check tables_targets_exit_0 $?
cat "$tmp/targets.txt" >>"$tmp/all.txt"
"$DPSIM" check "$tmp/unc.yaml" --data data >"$tmp/check.txt"
check tables_check_exit_0 $?
! grep -q "failed" "$tmp/all.txt"; check tables_no_table_failed $?

"$PYTHON" - "$tmp" <<'PY'
import re, sys, unicodedata
tmp = sys.argv[1]
def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" {why}"))
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(f"{tmp}/all.txt", encoding="utf-8").read().splitlines()
# check: its tables are the "#" lines (the resolved YAML is the scenario as written), without
# the SHA-256 digests.
lines += [re.sub(r"\b[0-9a-f]{64}\b", "", l)
          for l in open(f"{tmp}/check.txt", encoding="utf-8").read().splitlines()
          if l.startswith("#")]
check("tables_check_fit_listed", any(re.match(r"^#   dibao_certified +6,818 ", l) for l in lines))

# 1. The number style.
expo = [l for l in lines if re.search(r"\d[eE][-+]?\d", l)]
check("tables_no_exponent", not expo, expo[:3])
negzero = [l for l in lines if re.search(r"(?<![\d.,])-0(\.0+)?(?![\d.,])", l)]
check("tables_no_negative_zero", not negzero, negzero[:3])
# A number of 5+ integer digits without separators (years have four).
bare = [m.group(0) for l in lines
        for m in re.finditer(r"(?<![\w.,/-])\d{5,}(\.\d+)?(?![\w,])", l)]
check("tables_thousands_separators", not bare, bare[:5])

# 2. Columns line up: every line of each table block has the same display width.
def blocks(path, starts):
    """Blocks of lines: after a line matching one of starts, up to a blank line or a line
    that starts with a lower-case word and a colon or ends the table (footnotes)."""
    ls = open(path, encoding="utf-8").read().splitlines()
    out = []
    for i, l in enumerate(ls):
        for name, pat, skip in starts:
            if re.match(pat, l):
                b = []
                for m in ls[i + 1 + skip:]:
                    if not m.strip() or re.match(r"^[a-zA-Z(P][\w ()/>'-]*[:=]", m) or m.startswith("A budget"):
                        break
                    b.append(m)
                out.append((name, b))
    return out
def aligned(name, bs, min_rows):
    bad = []
    for n, b in bs:
        ws = {width(l) for l in b}
        if len(b) < min_rows or len(ws) != 1 or not any(re.search(r"[\u4e00-\u9fff]", l) for l in b):
            bad.append((n, len(b), sorted(ws)))
    check(name, bs and not bad, bad[:3])
summary = [("headline", r"^Scenario ", 0), ("intervals", r"^90% intervals", 0),
           ("intervals95", r"^95% intervals over ", 0),
           ("spending95", r"^95% intervals 95%区间", 0),
           ("spending", r"^Programme spending in ", 0), ("pipeline", r"^Benefit pipeline", 0),
           ("services", r"^Services in ", 0), ("levels", r"^Spending by level", 0),
           ("budget", r"^Budget ceiling", 0)]
bs = blocks(f"{tmp}/summary.txt", summary)
for name, _, _ in summary:
    these = [b for b in bs if b[0] == name]
    aligned(f"tables_aligned_{name}", these, 5)
aligned("tables_aligned_run_headline", [b for b in blocks(f"{tmp}/run.txt", summary[:1])], 5)
cmp = blocks(f"{tmp}/compare.txt", [("compare", r".* / .*（.*）$", 0)])
aligned("tables_aligned_compare_blocks", cmp, 5)
check("tables_compare_blocks_found", len(cmp) >= 4, len(cmp))
# targets: the last column (name 名称) is left-aligned and not padded, so the lines end
# where their name ends; it must start at the same display column in the header and in every
# row that has a name, and the lines without one end before it.
tg = blocks(f"{tmp}/targets.txt", [("targets", r"^daan-unc(-raise)?: 3 plan targets", 0)])
bad = []
for n, b in tg:
    starts = {width(l[:l.index(k)]) for l in b for k in ("name 名称", "持证率≥72%（2030年）") if k in l}
    rest = [l for l in b if "name 名称" not in l and "持证率≥" not in l]
    if len(b) != 5 or len(starts) != 1 or any(width(l) > min(starts) for l in rest):
        bad.append((len(b), sorted(starts), [width(l) for l in rest]))
check("tables_aligned_targets", tg and not bad, bad)
PY
