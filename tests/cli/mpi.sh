#!/bin/sh
# tests/cli/mpi.sh — the distributed run (make MPI=1, build/mpi; docs/cluster.md):
#   1. `mpirun -np N build/mpi/bin/dpsim run` gives the same results file as the one-process
#      default build, bit for bit, for N = 1, 2, 3 ranks x 1, 2 threads per rank, micro engine
#      (3 replicates x 2 regions, parameter draws: tasks split unevenly over the ranks) and
#      cohort engine: h5diff of every dataset and attribute, the root's created_utc and
#      command_line excepted (the seal's SHA-256 covers them, so files are compared with h5diff,
#      not cmp);
#      the same for a run mixing base years (Hulan 2017 beside Da'an and Huzhong 2020), N = 1, 2, 3;
#   2. a rank that fails ($DPSIM_TEST_FAIL_RANK=k) fails the whole job with its error, printed
#      once (by rank 0), and no results file or temporary file is left; an input error fails
#      every rank with exit status 2 and one message;
#   3. the progress bar is the whole job's: rank 0 alone prints it and it reaches every
#      replicate of every rank.
# make test builds build/mpi when mpicc is installed (Makefile, mpi-build). Without it, or
# without mpirun, prints one line "SKIP: mpi ..." and no PASS. Prints PASS:/FAIL: lines. Run
# from the project root. Environment: BUILD, PYTHON, MPI_BUILD (default build/mpi).
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
MPI_BUILD=${MPI_BUILD:-build/mpi}
DPSIM="$BUILD/bin/dpsim"
MPSIM="$MPI_BUILD/bin/dpsim"
if [ ! -x "$MPSIM" ] || ! command -v mpirun >/dev/null 2>&1; then
    echo "SKIP: mpi (no $MPSIM or no mpirun: build it with make MPI=1; Debian libopenmpi-dev openmpi-bin)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$2" = 0 ]; then echo "PASS: $1"; else echo "FAIL: $1"; fi; }
# As root Open MPI needs these; 2 cores: oversubscribe, no binding.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN="mpirun --oversubscribe --bind-to none"

# Two regions with different persons, 2021-2025, the five distributions of daan-uncertain.
cp scenarios/daan-baseline.yaml scenarios/daan-uncertain.yaml "$tmp/"
printf 'extends: daan-uncertain.yaml\nname: two\nregions: [daan, huzhong]\nyears: {start: 2021, end: 2025}\n' \
    >"$tmp/two.yaml"

# Same file: every object and attribute but the root's (h5diff), then the root's attributes
# but created_utc and command_line (h5py).
same() {
    h5diff -r --exclude-attribute / "$1" "$2" >"$tmp/diff.log" 2>&1 &&
        "$PYTHON" - "$1" "$2" <<'PY'
import sys, h5py
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
skip = {"created_utc", "command_line"}
ka = set(a.attrs) - skip
kb = set(b.attrs) - skip
sys.exit(0 if ka == kb and ka and all(a.attrs[k] == b.attrs[k] for k in ka) else 1)
PY
}

for engine in micro cohort; do
    "$DPSIM" run "$tmp/two.yaml" --data data --engine $engine --runs 3 --threads 1 \
        -o "$tmp/ref-$engine.h5" --quiet
    check mpi_reference_run_$engine $?
    for n in 1 2 3; do
        for th in 1 2; do
            out="$tmp/$engine-$n-$th.h5"
            $MPIRUN -np $n "$MPSIM" run "$tmp/two.yaml" --data data --engine $engine --runs 3 \
                --threads $th -o "$out" --quiet >"$tmp/run.log" 2>&1
            rc=$?
            [ $rc = 0 ] && same "$tmp/ref-$engine.h5" "$out"
            check "mpi_bit_identical_${engine}_np${n}_threads${th}" $?
        done
    done
done
# 1b. Regions of different base years (docs/scenarios.md "Base years"): Hulan (2017, projected
# through 2018-2020 before the reported years) beside Da'an and Huzhong (2020), the same file
# for N = 1, 2, 3 ranks.
cp scenarios/hulan-baseline.yaml "$tmp/"
printf 'extends: hulan-baseline.yaml\nname: mixed\nregions: [daan, hulan, huzhong]\nyears: {start: 2021, end: 2024}\n' \
    >"$tmp/mixed.yaml"
for engine in micro cohort; do
    "$DPSIM" run "$tmp/mixed.yaml" --data data --engine $engine --runs 3 --threads 1 \
        -o "$tmp/mref-$engine.h5" --quiet
    check mpi_mixed_bases_reference_run_$engine $?
    for n in 1 2 3; do
        out="$tmp/mixed-$engine-$n.h5"
        $MPIRUN -np $n "$MPSIM" run "$tmp/mixed.yaml" --data data --engine $engine --runs 3 \
            --threads 1 -o "$out" --quiet >"$tmp/run.log" 2>&1
        rc=$?
        [ $rc = 0 ] && same "$tmp/mref-$engine.h5" "$out"
        check "mpi_mixed_bases_bit_identical_${engine}_np${n}" $?
    done
done
# The comparison itself can fail: a file of another seed differs.
"$DPSIM" run "$tmp/two.yaml" --data data --engine micro --runs 3 --seed 2 -o "$tmp/seed2.h5" --quiet
! same "$tmp/ref-micro.h5" "$tmp/seed2.h5"
check mpi_comparison_sees_another_seed $?

# 2. A failing rank fails the job, one message, no file.
for k in 1 2; do
    DPSIM_TEST_FAIL_RANK=$k $MPIRUN -x DPSIM_TEST_FAIL_RANK -np 3 "$MPSIM" run "$tmp/two.yaml" \
        --data data --engine micro --runs 3 -o "$tmp/fail.h5" >"$tmp/fail.out" 2>"$tmp/fail.err"
    rc=$?
    [ $rc -ne 0 ]; check mpi_failing_rank${k}_fails_job $?
    n_msg=$(grep -c "^dpsim: rank $k of 3 failed on purpose" "$tmp/fail.err")
    [ "$n_msg" = 1 ]; check mpi_failing_rank${k}_error_printed_once $?
    [ ! -e "$tmp/fail.h5" ] && ! ls -a "$tmp" | grep -q '\.tmp\.'
    check mpi_failing_rank${k}_leaves_no_file $?
done
printf 'dpsim: 1\nname: bad\nregions: [daan]\nyears: {start: 2021, end: two}\n' >"$tmp/bad.yaml"
$MPIRUN -np 2 "$MPSIM" run "$tmp/bad.yaml" --data data -o "$tmp/bad.h5" >/dev/null 2>"$tmp/bad.err"
rc=$?
n_msg=$(grep -c "^dpsim: .*bad.yaml:4:" "$tmp/bad.err")
[ $rc = 2 ] && [ "$n_msg" = 1 ] && [ ! -e "$tmp/bad.h5" ]
check mpi_input_error_exit_2_one_message $?

# 3. The whole job's progress, from rank 0 only.
DPSIM_PROGRESS=1 $MPIRUN -x DPSIM_PROGRESS -np 3 "$MPSIM" run "$tmp/two.yaml" --data data \
    --engine micro --runs 3 -o "$tmp/p.h5" >/dev/null 2>"$tmp/p.err"
tr '\r' '\n' <"$tmp/p.err" >"$tmp/p.txt"
n_final=$(grep -c "^two \[#*\] 3/3 replicates" "$tmp/p.txt")
n_write=$(grep -c "^writing $tmp/p.h5 ... done" "$tmp/p.txt")
[ "$n_final" -ge 1 ] && [ "$n_write" = 1 ] && ! grep -q "[4-9]/3 replicates" "$tmp/p.txt"
check mpi_progress_whole_job_from_rank_0 $?
exit 0
