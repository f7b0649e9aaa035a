#!/bin/sh
# tests/bench/mpi.sh — make bench, the distributed run (build/mpi; docs/cluster.md): the four
# provinces of the seed regions (scenarios/provinces-baseline.yaml), micro engine, BENCH_MPI_RUNS
# replicates (default 2), 2021-2035, on 1 rank x 1 thread, 2 ranks x 1 thread and 1 rank x 2
# threads. Prints each one's wall time, person-years per second per core, the parallel
# efficiency from 1 to 2 cores (t(1 core) / (2 t(2 cores))), each rank's peak resident memory
# and bytes per person in flight (peak memory / the largest region's persons times the tasks a
# rank runs at once: an upper bound, it includes the tables and the program). Checks that the
# three files are the same (h5diff). Not a test: it only measures. Skips without build/mpi.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
MPI_BUILD=${MPI_BUILD:-build/mpi}
RUNS=${BENCH_MPI_RUNS:-2}
SCEN=${BENCH_MPI_SCENARIO:-scenarios/provinces-baseline.yaml}
MPSIM="$MPI_BUILD/bin/dpsim"
if [ ! -x "$MPSIM" ] || ! command -v mpirun >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
    echo "mpi bench skipped: no $MPSIM (make MPI=1), mpirun or /usr/bin/time"
    exit 0
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# name ranks threads: one run under mpirun, each rank's peak memory in $tmp/name.rss.RANK.
# /usr/bin/time's -o does not expand the rank: a wrapper writes one file per rank.
cat >"$tmp/wrap.sh" <<'W'
#!/bin/sh
out=$1; shift
exec /usr/bin/time -f "%M" -o "$out.$OMPI_COMM_WORLD_RANK" "$@"
W
one() {
    t0=$(date +%s.%N)
    mpirun --oversubscribe --bind-to none -np "$2" sh "$tmp/wrap.sh" "$tmp/$1.rss" \
        "$MPSIM" run "$SCEN" --engine micro --runs "$RUNS" --threads "$3" -o "$tmp/$1.h5" --quiet || exit 1
    t1=$(date +%s.%N)
    echo "$1 $2 $3 $t0 $t1" >>"$tmp/times"
}
one r1t1 1 1
one r2t1 2 1
one r1t2 1 2
same=yes
for c in r2t1 r1t2; do
    h5diff -r --exclude-attribute / "$tmp/r1t1.h5" "$tmp/$c.h5" >/dev/null 2>&1 || same=NO
done
"$PYTHON" - "$tmp" "$same" "$SCEN" "$RUNS" <<'PY'
import glob, sys, h5py, numpy as np
tmp, same, scen, runs = sys.argv[1:5]
rows = [l.split() for l in open(f"{tmp}/times")]
f = h5py.File(f"{tmp}/r1t1.h5", "r")
g = f[list(k for k in f if isinstance(f[k], h5py.Group))[0]]
flows = [x.decode() if isinstance(x, bytes) else x for x in g["flow"].attrs.get("labels", g["flow"][:])]
dis = g["runs/disabled"][...]                      # run, year, region, ...
ax = tuple(range(3, dis.ndim))
per = dis.sum(axis=ax)                             # run, year, region
deaths = g["runs/flows"][..., flows.index("deaths_disabled")] if "deaths_disabled" in flows else 0
py = float(per.sum() + np.sum(deaths))
biggest = float(per.max())                         # the largest region's persons in one year
print(f"mpi bench: {scen}, micro engine, {runs} replicates x {per.shape[2]} regions, "
      f"{per.shape[1]} years: {py / 1e6:.1f} million person-years; files identical: {same}")
t = {}
for name, ranks, threads, t0, t1 in rows:
    ranks, threads = int(ranks), int(threads)
    sec = float(t1) - float(t0)
    cores = ranks * threads
    t[name] = (sec, cores)
    rss = [int(open(p).read().split()[-1]) * 1024.0 for p in sorted(glob.glob(f"{tmp}/{name}.rss.*"))]
    flight = biggest * threads
    print(f"  {ranks} rank(s) x {threads} thread(s): {sec:6.1f} s, "
          f"{py / sec / cores / 1e6:.2f} million person-years/s per core; peak memory per rank "
          + ", ".join(f"{r / 2**20:.0f} MiB" for r in rss)
          + f"; at most {max(rss) / flight:.0f} bytes per person in flight")
s1 = t["r1t1"][0]
for name, label in (("r2t1", "2 ranks x 1 thread"), ("r1t2", "1 rank x 2 threads")):
    print(f"  parallel efficiency 1 -> 2 cores, {label}: {100 * s1 / (2 * t[name][0]):.0f}%")
PY
