#!/bin/sh
# tests/bench/national.sh — make bench, the synthetic nation (docs/cluster.md "Measured
# scaling", docs/speed.md "The synthetic nation"). Long (minutes to hours on 2 cores), so it runs
# only with BENCH_NATIONAL=1; else it prints one line and exits 0. Not a test: it only measures.
#
# Writes the synthetic national county set (tests/bench/national_set.py: 2,850 counties,
# 89.5 million disabled persons, 31 provinces, 333 prefectures) to a temporary folder, then:
#  1. micro engine, for each R in BENCH_NATIONAL_RUNS (default "1 10") replicates: 1 rank x 1
#     thread, 2 ranks x 1 thread (MPI build: build/mpi, make MPI=1) and 1 rank x 2 threads.
#     Prints wall time, person-years per second per core, the parallel efficiency from 1 to 2
#     cores (t(1 core) / (2 t(2 cores))), each rank's peak memory, bytes per person (peak memory
#     of a rank / the persons the run simulates: every person of the set, held one county at a
#     time), the share of the run spent in the roll-ups and in writing the file, the merge's
#     time and bytes ($DPSIM_TIMING), the file's size, and whether the files are identical
#     (h5diff).
#  2. cohort engine, BENCH_NATIONAL_DRAWS (default 100) parameter draws (the onset multiplier
#     and the care subsidy's take-up as distributions), 2 threads: wall time (goal < 60 s), or
#     the memory check's refusal when the run's tables do not fit.
# Knobs: BENCH_NATIONAL_END (last year, default 2035), BENCH_NATIONAL_COUNTIES (default 2850),
# BENCH_NATIONAL_SET (nation or province-p01, default nation), BENCH_NATIONAL_DRAWS.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
MPI_BUILD=${MPI_BUILD:-build/mpi}
if [ "${BENCH_NATIONAL:-}" != 1 ]; then
    echo "national bench skipped (long): run it with BENCH_NATIONAL=1 make bench, or" \
        "BENCH_NATIONAL=1 sh tests/bench/national.sh (knobs in the script's header)"
    exit 0
fi
END=${BENCH_NATIONAL_END:-2035}
RUNS=${BENCH_NATIONAL_RUNS:-1 10}
COUNTIES=${BENCH_NATIONAL_COUNTIES:-2850}
SET=${BENCH_NATIONAL_SET:-nation}
DRAWS=${BENCH_NATIONAL_DRAWS:-100}
DPSIM="$BUILD/bin/dpsim"
MPSIM="$MPI_BUILD/bin/dpsim"
[ -x /usr/bin/time ] || { echo "national bench skipped: no /usr/bin/time"; exit 0; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" tests/bench/national_set.py "$tmp/set" --counties "$COUNTIES" >/dev/null || exit 1
sed -e "s/end: 2035/end: $END/" "$tmp/set/$SET.yaml" >"$tmp/set/bench.yaml"
cat >"$tmp/set/draws.yaml" <<EOF
extends: bench.yaml
name: draws
rates:
  onset_multiplier: {dist: lognormal, median: 1.0, sd_log: 0.10}
programmes:
  care_subsidy:
    take_up: {dist: beta, mean: 0.95, sd: 0.02}
EOF
cat >"$tmp/wrap.sh" <<'W'
#!/bin/sh
out=$1; shift
exec /usr/bin/time -f "%M" -o "$out.${OMPI_COMM_WORLD_RANK:-0}" "$@"
W
mpi=no
if [ -x "$MPSIM" ] && command -v mpirun >/dev/null 2>&1; then
    mpi=yes
fi
echo "national bench: $SET of $COUNTIES counties, 2021-$END, replicates: $RUNS; MPI: $mpi;" \
    "$(uptime | sed 's/.*load/load/')"
# name ranks threads runs [engine]: one run; timing lines in $tmp/name.timing.
one() {
    t0=$(date +%s.%N)
    if [ "$2" -gt 1 ]; then
        DPSIM_TIMING=1 mpirun --oversubscribe --bind-to none -np "$2" -x DPSIM_TIMING \
            sh "$tmp/wrap.sh" "$tmp/$1.rss" "$MPSIM" run "$tmp/set/bench.yaml" --data "$tmp/set" \
            --engine micro --runs "$4" --threads "$3" -o "$tmp/$1.h5" --quiet 2>"$tmp/$1.timing" || {
            cat "$tmp/$1.timing"; return 1; }
    else
        DPSIM_TIMING=1 sh "$tmp/wrap.sh" "$tmp/$1.rss" "$DPSIM" run "$tmp/set/bench.yaml" \
            --data "$tmp/set" --engine micro --runs "$4" --threads "$3" -o "$tmp/$1.h5" \
            --quiet 2>"$tmp/$1.timing" || { cat "$tmp/$1.timing"; return 1; }
    fi
    t1=$(date +%s.%N)
    echo "$1 $2 $3 $4 $t0 $t1" >>"$tmp/times"
}
for r in $RUNS; do
    : >"$tmp/times"
    one "r1t1" 1 1 "$r" || exit 1
    [ "$mpi" = yes ] && { one "r2t1" 2 1 "$r" || exit 1; }
    one "r1t2" 1 2 "$r" || exit 1
    same=yes
    for c in r2t1 r1t2; do
        [ -e "$tmp/$c.h5" ] || continue
        h5diff -r --exclude-attribute / "$tmp/r1t1.h5" "$tmp/$c.h5" >/dev/null 2>&1 || same=NO
    done
    "$PYTHON" - "$tmp" "$same" "$r" <<'PY' || exit 1
import glob, os, re, sys
import h5py, numpy as np
tmp, same, runs = sys.argv[1:4]
rows = [l.split() for l in open(f"{tmp}/times")]
f = h5py.File(f"{tmp}/r1t1.h5", "r")
g = f["nation"] if "nation" in f else f[[k for k in f if isinstance(f[k], h5py.Group)][0]]
flows = list(g["flow"].asstr()[()])
dis = g["runs/disabled"]
per = np.zeros(dis.shape[:3])
for k in range(dis.shape[0]):                       # run by run: a national run is large
    per[k] = dis[k].sum(axis=tuple(range(2, dis.ndim - 1)))
deaths = g["runs/flows"][..., flows.index("deaths_disabled")].sum()
py = float(per.sum() + deaths)
persons = float(g["base/disabled_base"][()].sum()) if "base/disabled_base" in g else float(per[0, 0].sum())
tables = sum(d.nbytes for d in g["runs"].values() if isinstance(d, h5py.Dataset))
size = os.path.getsize(f"{tmp}/r1t1.h5")
print(f"  micro, {runs} replicate(s) x {per.shape[2]} regions x {per.shape[1]} years: "
      f"{py / 1e6:.0f} million person-years, {persons / 1e6:.1f} million persons in the base year; "
      f"file {size / 2**20:.0f} MiB (runs/ uncompressed {tables / 2**20:.0f} MiB); "
      f"files identical: {same}")
t = {}
for name, ranks, threads, r, t0, t1 in rows:
    ranks, threads = int(ranks), int(threads)
    sec = float(t1) - float(t0)
    cores = ranks * threads
    t[name] = sec
    rss = [int(open(p).read().split()[-1]) * 1024.0 for p in sorted(glob.glob(f"{tmp}/{name}.rss.*"))]
    tim = open(f"{tmp}/{name}.timing").read()
    eng = re.search(r"engine ([0-9.]+) s \(of which merging the ranks' tables ([0-9.]+) s, ([0-9]+) bytes\), "
                    r"roll-up \+ sensitivity \+ targets ([0-9.]+) s", tim)
    wr = re.search(r"timing: write ([0-9.]+) s", tim)
    e, m, mb, ro = (float(x) for x in eng.groups()) if eng else (float("nan"),) * 4
    w = float(wr.group(1)) if wr else float("nan")
    print(f"  {ranks} rank(s) x {threads} thread(s): {sec:7.1f} s, "
          f"{py / sec / cores / 1e6:.2f} million person-years/s per core "
          f"(engine alone {e:.1f} s: {py / e / cores / 1e6:.2f} million); peak memory per rank "
          + ", ".join(f"{x / 2**20:.0f} MiB" for x in rss)
          + f" = {max(rss) / persons:.1f} bytes per person; roll-up {100 * ro / sec:.1f}%, "
          f"write {w:.1f} s = {100 * w / sec:.1f}% of the run; merge {m:.2f} s for {mb / 2**20:.0f} MiB")
s1 = t["r1t1"]
for name, label in (("r2t1", "2 ranks x 1 thread"), ("r1t2", "1 rank x 2 threads")):
    if name in t:
        print(f"  parallel efficiency 1 -> 2 cores, {label}: {100 * s1 / (2 * t[name]):.0f}%")
PY
    rm -f "$tmp"/r*.h5 "$tmp"/r*.rss.* "$tmp"/r*.timing
done
# 2. The cohort engine with parameter draws, 2 threads.
t0=$(date +%s.%N)
if /usr/bin/time -f "%M" -o "$tmp/cohort.rss" "$DPSIM" run "$tmp/set/draws.yaml" --data "$tmp/set" \
    --engine cohort --runs "$DRAWS" --threads 2 -o "$tmp/cohort.h5" --quiet 2>"$tmp/cohort.err"; then
    t1=$(date +%s.%N)
    echo "  cohort, $DRAWS draws, 2 threads: $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}") s (goal < 60 s); peak memory" \
        "$(($(tail -1 "$tmp/cohort.rss") / 1024)) MiB; file $(($(stat -c %s "$tmp/cohort.h5") / 1048576)) MiB"
else
    echo "  cohort, $DRAWS draws, 2 threads: not run: $(grep -v '^Command' "$tmp/cohort.err" | head -1)"
fi
