#!/bin/sh
# tests/e2e/intervals95.sh — the 95% intervals (schema 4's p025 and p975) on a real file, and
# a file of schema 3 (seven statistics) still read:
#   1. scenarios/daan-uncertain.yaml, cohort engine, 40 runs: the stat axis is mean, sd, p025,
#      p05, p25, p50, p75, p95, p975 with its Chinese labels; every summary/ table equals
#      numpy on runs/ (mean, std with ddof 1, numpy.percentile with linear interpolation at
#      2.5, 5, 25, 50, 75, 95, 97.5; NaN wherever a run is NaN);
#   2. `dpsim summary --year 2025`: the 95% intervals printed (headline, programme table:
#      recipients, nominal and real spending) are the file's p025 and p975 of the one region,
#      to the printed precision; the 90% ones its p05 and p95;
#   3. `dpsim export --csv --stat p025,p975` and `--stat all`: the columns p025 / 第2.5百分位数
#      and p975 / 第97.5百分位数 exist and hold the file's values;
#   4. a copy made schema 3 with h5py (p025 and p975 dropped from the stat axis and every
#      summary/ table): summary and targets print what they print for the schema-4 file,
#      export's default columns are the same, `--stat all` gives the seven, `--stat p025` is
#      exit 2 naming the statistics the file has.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD, PYTHON.
. tests/helpers/unseal.sh
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
DPSIM="$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1 $3"; fi; }

"$DPSIM" run --quiet scenarios/daan-uncertain.yaml --runs 40 --seed 3 -o "$tmp/u.h5" \
    >/dev/null 2>&1
check intervals95_run $?
"$DPSIM" summary "$tmp/u.h5" --year 2025 >"$tmp/s.txt" 2>&1
check intervals95_summary_exit_0 $?

# 1 and 2: the file against numpy, the printout against the file.
"$PYTHON" - "$tmp/u.h5" "$tmp/s.txt" <<'PY'
import sys
import h5py, numpy as np

def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" {why}"))

def labels(d):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in d[()]]

f = h5py.File(sys.argv[1], "r")
g = f["daan-uncertain"]
check("intervals95_schema_4", f.attrs["schema_version"] in ("4", b"4", "5", b"5"), f.attrs["schema_version"])
stat = labels(g["stat"])
check("intervals95_stat_axis",
      stat == ["mean", "sd", "p025", "p05", "p25", "p50", "p75", "p95", "p975"], stat)
zh = [str(x) for x in g["stat"].attrs["label_zh"]]
check("intervals95_stat_label_zh",
      zh == ["均值", "标准差", "第2.5百分位数", "第5百分位数", "第25百分位数", "中位数",
             "第75百分位数", "第95百分位数", "第97.5百分位数"], zh)

pct = {"p025": 2.5, "p05": 5, "p25": 25, "p50": 50, "p75": 75, "p95": 95, "p975": 97.5}
bad, n_tab, widths = [], 0, False
for name, runs in g["runs"].items():
    x = runs[()]
    s = g["summary"][name][()]
    n_tab += 1
    nan = np.isnan(x).any(axis=0)
    want = {"mean": x.mean(axis=0), "sd": x.std(axis=0, ddof=1)}
    for k, q in pct.items():
        want[k] = np.percentile(x, q, axis=0, method="linear")
    for k, w in want.items():
        w = np.where(nan, np.nan, w)
        got = s[stat.index(k)]
        if not np.allclose(got, w, rtol=1e-12, atol=1e-9 * max(1.0, np.nanmax(np.abs(w), initial=0)),
                           equal_nan=True):
            bad.append((name, k))
    widths |= bool(np.nanmax(s[stat.index("p975")] - s[stat.index("p025")], initial=0) >
                   np.nanmax(s[stat.index("p95")] - s[stat.index("p05")], initial=0))
check("intervals95_summary_equals_numpy", n_tab >= 15 and not bad, str(bad[:5]))
check("intervals95_95_wider_than_90", widths)
# p025 <= p05 <= ... <= p975 everywhere (an identity of the quantiles).
order = True
for name in g["summary"]:
    s = g["summary"][name][()]
    q = np.stack([s[stat.index(k)] for k in ("p025", "p05", "p25", "p50", "p75", "p95", "p975")])
    ok = np.isnan(q).any(axis=0) | (np.diff(q, axis=0) >= -1e-9 * (1 + np.abs(q[1:]))).all(axis=0)
    order &= bool(ok.all())
check("intervals95_percentiles_ordered", order)

# The printout of 2025 (one region: the printed sums are the file's elements).
text = open(sys.argv[2], encoding="utf-8").read()
y = list(g["year"][()]).index(2025)
prog = labels(g["programme"])

def num(t):
    return float(t.replace(",", ""))

def rng(t):
    lo, hi = t.split("-")
    return num(lo), num(hi)

def near(pair, lo, hi, tol):
    return abs(pair[0] - lo) <= tol + 1e-9 and abs(pair[1] - hi) <= tol + 1e-9

def row(lines, key):
    for l in lines:
        p = l.split()
        if p and p[0] == key:
            return p
    return None

S = lambda t, k: g["summary"][t][stat.index(k)]
ok = True
part95 = text.split("95% intervals 95%区间", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
part90 = text.split("Programme spending in 2025", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
for k, p in enumerate(prog):
    r95, r90 = row(part95, p), row(part90, p)
    if r95 is None or r90 is None:
        ok = False
        continue
    rec = (S("recipients", "p025")[y, 0, k], S("recipients", "p975")[y, 0, k])
    nom = (S("spending", "p025")[y, 0, k] / 1e4, S("spending", "p975")[y, 0, k] / 1e4)
    real = (S("spending_real", "p025")[y, 0, k] / 1e4, S("spending_real", "p975")[y, 0, k] / 1e4)
    ok &= near(rng(r95[2]), *rec, 0.5) and near(rng(r95[3]), *nom, 0.05) \
        and near(rng(r95[4]), *real, 0.05)
    # 90%: recipients, their interval, nominal, its interval, real, its interval.
    ok &= near(rng(r90[3]), S("recipients", "p05")[y, 0, k], S("recipients", "p95")[y, 0, k], 0.5)
    ok &= near(rng(r90[5]), S("spending", "p05")[y, 0, k] / 1e4,
               S("spending", "p95")[y, 0, k] / 1e4, 0.05)
check("intervals95_summary_programmes_are_file_p025_p975", ok, str(part95[:3]))

ind = labels(g["indicator"])
head95 = text.split("95% intervals over the 40 runs", 1)[1].split("\n\n", 1)[0].splitlines()
r = row(head95, "2025")
ok = r is not None
if ok:
    for col, (t, axis, lab, div, tol) in enumerate(
            [("indicators", ind, "disabled", 1, 0.5), ("indicators", ind, "certified", 1, 0.5),
             ("spending", prog, "living_subsidy", 1e4, 0.05),
             ("spending", prog, "care_subsidy", 1e4, 0.05)]):
        i = axis.index(lab)
        ok &= near(rng(r[1 + col]), S(t, "p025")[y, 0, i] / div, S(t, "p975")[y, 0, i] / div, tol)
check("intervals95_summary_headline_is_file_p025_p975", ok, str(r))
PY

# 3. Export: the new statistics as columns.
"$DPSIM" export "$tmp/u.h5" --csv "$tmp/csv95" --table spending,recipients --stat p025,p975 \
    >/dev/null 2>&1 &&
    "$DPSIM" export "$tmp/u.h5" --csv "$tmp/csvall" --table spending --stat all >/dev/null 2>&1
check intervals95_export_exit_0 $?
"$PYTHON" - "$tmp/u.h5" "$tmp/csv95/daan-uncertain" "$tmp/csvall/daan-uncertain" <<'PY'
import csv, sys
import h5py, numpy as np

def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond else f" {why}"))

def read(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[2:]

g = h5py.File(sys.argv[1], "r")["daan-uncertain"]
stat = [x.decode() if isinstance(x, bytes) else x for x in g["stat"][()]]
ok = True
for table in ("spending", "recipients"):
    head, rows = read(f"{sys.argv[2]}/{table}.csv")
    want = ["p025 / 第2.5百分位数", "p975 / 第97.5百分位数"]
    present = all(w in head for w in want)
    ok &= present
    if not present:
        continue
    for w, k in zip(want, ("p025", "p975")):
        col = head.index(w)
        got = np.array([float(r[col]) for r in rows])
        ok &= np.array_equal(got, g["summary"][table][stat.index(k)].ravel())
check("intervals95_export_p025_p975_columns", ok)
head, rows = read(f"{sys.argv[3]}/spending.csv")
names = [h.split(" / ")[0] for h in head if " / " in h]
check("intervals95_export_all_has_nine",
      [n for n in names if n in stat] == stat, str(names))
PY

# 4. The file as schema 3 wrote it: seven statistics.
cp "$tmp/u.h5" "$tmp/v3.h5"
"$PYTHON" - "$tmp/v3.h5" <<'PY'
import sys
import h5py, numpy as np
keep = [0, 1, 3, 4, 5, 6, 7]          # mean, sd, p05, p25, p50, p75, p95
with h5py.File(sys.argv[1], "r+") as f:
    f.attrs["schema_version"] = "3"
    for g in f.values():
        summ = g["summary"]
        saved = {}
        for name, ds in summ.items():
            saved[name] = (ds[()][keep], {k: v for k, v in ds.attrs.items()
                                          if k not in ("DIMENSION_LIST",)}, ds.chunks)
        for name in saved:
            del summ[name]
        old = g["stat"]
        labels = old[()][keep]
        zh = old.attrs["label_zh"][keep]
        del g["stat"]
        st = g.create_dataset("stat", data=labels, dtype=h5py.string_dtype("utf-8"))
        st.attrs.create("label_zh", zh, dtype=h5py.string_dtype("utf-8"))
        st.make_scale("stat")
        for name, (data, attrs, chunks) in saved.items():
            ds = summ.create_dataset(name, data=data,
                                     chunks=(1,) + tuple(chunks[1:]) if chunks else None)
            for k, v in attrs.items():
                ds.attrs[k] = v
            dims = attrs["dims"]
            dims = dims.decode() if isinstance(dims, bytes) else dims
            for i, d in enumerate(dims.split(",")):
                ds.dims[i].attach_scale(g[d])
PY
unseal "$tmp/v3.h5"   # changed on purpose: read as an unsealed file
check intervals95_schema3_made $?
"$PYTHON" -c "
import sys, h5py
g = h5py.File(sys.argv[1], 'r')['daan-uncertain']
sys.exit(0 if g['stat'].shape == (7,) and g['summary/spending'].shape[0] == 7 else 1)" "$tmp/v3.h5"
check intervals95_schema3_has_seven $?
for cmd in "summary --year 2025" "summary --table recipients" "targets"; do
    # shellcheck disable=SC2086
    "$DPSIM" $cmd "$tmp/u.h5" 2>&1 | sed "s|$tmp/u.h5|FILE|g" >"$tmp/a.txt"
    # shellcheck disable=SC2086
    "$DPSIM" $cmd "$tmp/v3.h5" >"$tmp/b.raw" 2>&1
    rc=$?
    sed "s|$tmp/v3.h5|FILE|g" "$tmp/b.raw" >"$tmp/b.txt"
    [ "$rc" = 0 ] && cmp -s "$tmp/a.txt" "$tmp/b.txt"
    check "intervals95_schema3_same_$(echo "$cmd" | tr ' -' '__')" $? \
        "$(diff "$tmp/a.txt" "$tmp/b.txt" | head -n 4 | tr '\n' ' ')"
done
"$DPSIM" export "$tmp/u.h5" --csv "$tmp/e4" --table spending >/dev/null 2>&1 &&
    "$DPSIM" export "$tmp/v3.h5" --csv "$tmp/e3" --table spending >/dev/null 2>&1 &&
    cmp -s "$tmp/e4/daan-uncertain/spending.csv" "$tmp/e3/daan-uncertain/spending.csv"
check intervals95_schema3_export_default_same $?
"$DPSIM" export "$tmp/v3.h5" --csv "$tmp/e3all" --table spending --stat all >/dev/null 2>&1 &&
    head -n 1 "$tmp/e3all/daan-uncertain/spending.csv" | grep -q 'p05 / 第5百分位数' &&
    ! head -n 1 "$tmp/e3all/daan-uncertain/spending.csv" | grep -q 'p025'
check intervals95_schema3_export_all_seven $?
"$DPSIM" export "$tmp/v3.h5" --csv "$tmp/e3bad" --stat p025 >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "no statistic 'p025' (the file has: mean, sd, p05, p25, p50, p75, p95, or all)" "$tmp/err"
check intervals95_schema3_export_p025_exit_2 $? "$(cat "$tmp/err")"
