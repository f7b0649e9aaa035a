#!/bin/sh
# tests/cli/keys.sh — `dpsim keys`: docs/keys.md is exactly `dpsim keys --format md` (regenerate
# with `build/bin/dpsim keys --format md >docs/keys.md` after changing a key or its metadata);
# the CSV form has a non-empty unit, label, label_zh and source on every row, one row per path,
# the same rows as the Markdown; the sources agree with data/reference/programme_defaults.csv
# where it names one key of a programme exactly (read here with Python's csv module, not by
# dpsim); --prefix and bad options. Prints PASS:/FAIL: lines. Run from the project root.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }

"$DPSIM" keys --format md >"$tmp/keys.md" 2>"$tmp/err"
check keys_md_exit_0 $?
if diff -u docs/keys.md "$tmp/keys.md" >"$tmp/diff"; then
    check keys_doc_matches_command 0
else
    head -20 "$tmp/diff"
    check keys_doc_matches_command 1
fi
"$DPSIM" keys >"$tmp/default.md" && cmp -s "$tmp/default.md" "$tmp/keys.md"
check keys_default_format_is_md $?

"$DPSIM" keys --format csv >"$tmp/keys.csv" 2>"$tmp/err"
check keys_csv_exit_0 $?
[ ! -s "$tmp/err" ]
check keys_csv_no_stderr $?

"$PYTHON" - "$tmp/keys.csv" "$tmp/keys.md" data/reference/programme_defaults.csv <<'PY'
import csv, sys

def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" ({why})"))

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
check("keys_csv_header", rows and list(rows[0].keys()) ==
      ["path", "type", "unit", "default", "bounds", "label", "label_zh", "source"])
empty = [r["path"] for r in rows
         if not all(r[c].strip() for c in ("unit", "label", "label_zh", "source", "type"))]
check("keys_every_row_has_unit_label_label_zh_source", not empty, ", ".join(empty[:5]))
# The Chinese label is Chinese: at least one CJK character on every row.
nozh = [r["path"] for r in rows if not any("\u4e00" <= ch <= "\u9fff" for ch in r["label_zh"])]
check("keys_label_zh_is_chinese", not nozh, ", ".join(nozh[:5]))
paths = [r["path"] for r in rows]
check("keys_one_row_per_path", len(paths) == len(set(paths)))
check("keys_label_unique", len({r["label"] for r in rows}) == len(rows))
check("keys_label_zh_unique", len({r["label_zh"] for r in rows}) == len(rows))
# Every programme has its keys, with exactly one amount key.
progs = ["living_subsidy", "care_subsidy", "dibao_supplement", "multi_disabled_household",
         "child_rehab", "adult_rehab", "assistive_devices", "home_renovation", "pension_premium",
         "medical_premium", "care_services", "employment_support"]
amount = {p: [k for k in ("monthly", "yearly", "unit_cost") if f"programmes.{p}.{k}" in paths]
          for p in progs}
check("keys_one_amount_key_per_programme", all(len(v) == 1 for v in amount.values()), amount)
unit_of = {"monthly": "yuan a month", "yearly": "yuan a year", "unit_cost": "yuan per unit"}
by_path = {r["path"]: r for r in rows}
check("keys_amount_unit_follows_the_key",
      all(by_path[f"programmes.{p}.{v[0]}"]["unit"] == unit_of[v[0]] for p, v in amount.items()))
# The Markdown has the same rows: a table row per key.
md = [l for l in open(sys.argv[2], encoding="utf-8") if l.startswith("| `")]
check("keys_md_rows_equal_csv_rows", len(md) == len(rows), f"{len(md)} vs {len(rows)}")
# Sources from programme_defaults.csv where a row names one key of a programme exactly.
src = list(csv.DictReader(l for l in open(sys.argv[3], encoding="utf-8") if not l.startswith("#")))
bad, seen = [], 0
for s in src:
    if s["scope"] != "default" or s["programme"] not in progs:
        continue
    key = s["key"]
    if key.startswith(s["programme"] + "."):
        key = key[len(s["programme"]) + 1:]
    path = f"programmes.{s['programme']}.{key}"
    if path not in by_path:
        continue
    seen += 1
    got = by_path[path]["source"]
    if s["status"].startswith("ASSUMPTION") or s["status"].startswith("NOT FOUND"):
        ok = got.startswith("assumption")
    else:
        ok = s["status"] in got
    if s["source"] != "-":
        ok = ok and s["source"] in got
    if not ok:
        bad.append(f"{path}: {got!r} for {s['status']} {s['source']}")
check("keys_sources_follow_programme_defaults_csv", seen > 40 and not bad, "; ".join(bad[:3]) or seen)
PY

"$DPSIM" keys --format csv --prefix programmes.care_subsidy >"$tmp/care.csv"
[ $? = 0 ] && [ "$(sed 1d "$tmp/care.csv" | grep -vc '^programmes\.care_subsidy\.')" = 0 ] &&
    [ "$(sed 1d "$tmp/care.csv" | wc -l)" = "$(grep -c '^programmes\.care_subsidy\.' "$tmp/keys.csv")" ]
check keys_prefix_selects_the_programme $?
"$DPSIM" keys --format csv --prefix population.sex_ratio_at_birth >"$tmp/one.csv" &&
    [ "$(wc -l <"$tmp/one.csv")" = 2 ] && grep -q '^population.sex_ratio_at_birth,number,' "$tmp/one.csv"
check keys_prefix_one_key $?
"$DPSIM" keys --format xml >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "expected md or csv" "$tmp/err"
check keys_bad_format_exit_2 $?
"$DPSIM" keys --prefix programmes.nothing >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "no key matches" "$tmp/err"
check keys_unknown_prefix_exit_2 $?
