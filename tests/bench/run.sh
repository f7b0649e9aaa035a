#!/bin/sh
# tests/bench/run.sh — make bench: runs every benchmark and prints its figures.
BUILD=${BUILD:-build}
set -e
for b in "$BUILD"/bench/*; do
    [ -x "$b" ] || continue
    echo "== $b"
    "$b" data
done
