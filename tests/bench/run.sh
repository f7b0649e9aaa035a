#!/bin/sh
# tests/bench/run.sh — make bench: runs every benchmark and prints its figures.
BUILD=${BUILD:-build}
set -e
for b in "$BUILD"/bench/*; do
    [ -x "$b" ] || continue
    echo "== $b"
    "$b" data
done
# The distributed run (build/mpi, make MPI=1): skipped with a line when it is not built.
echo "== tests/bench/mpi.sh"
BUILD=$BUILD sh tests/bench/mpi.sh
# The synthetic nation (long: only with BENCH_NATIONAL=1; knobs in tests/bench/national.sh).
echo "== tests/bench/national.sh"
BUILD=$BUILD sh tests/bench/national.sh
