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
