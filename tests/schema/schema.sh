#!/bin/sh
# tests/schema/schema.sh — the results file's schema (version 5, docs/output-schema.md).
#
# Builds tests/schema/write_sample.c against $BUILD/lib/libdpsim.a (it drives the writer's
# internal entry point, so the check depends on the writer only, not on scenario files or the
# model), writes a sample file, and
#   1. compares `h5dump -H` of it with the committed tests/schema/expected.ddl (the header
#      view shows names, types, shapes and attribute names, never values, so nothing volatile
#      such as created_utc, command_line or sha256 digests appears; only the file name on the
#      first line is normalised);
#   2. reads it with h5py (and xarray's h5netcdf engine when installed): check_h5py.py.
# Prints "PASS: name" / "FAIL: name" lines. Run from the project root.
#   sh tests/schema/schema.sh --update   rewrites expected.ddl after a deliberate schema change
# Environment: BUILD (default build), PYTHON (default /usr/bin/python3), CC (default gcc).
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
CC=${CC:-gcc}
here=tests/schema
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$BUILD/lib/libdpsim.a" ]; then
    echo "FAIL: schema_write_sample ($BUILD/lib/libdpsim.a not built; run make first)"
    exit 1
fi
# A library built by `make check` (AddressSanitizer, UBSan) needs the same flags to link.
SAN=""
if nm "$BUILD/lib/libdpsim.a" 2>/dev/null | grep -q '__asan_'; then
    SAN="-fsanitize=address,undefined"
fi
# shellcheck disable=SC2046,SC2086
if ! $CC $SAN -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Imodel \
        $(pkg-config --cflags hdf5) "$here/write_sample.c" "$BUILD/lib/libdpsim.a" -fopenmp \
        -lhdf5_hl $(pkg-config --libs hdf5 openblas yaml-0.1 nettle) -lgsl -lm \
        -o "$tmp/write_sample" >"$tmp/cc.log" 2>&1; then
    cat "$tmp/cc.log"
    echo "FAIL: schema_write_sample (does not build)"
    exit 1
fi
if ! "$tmp/write_sample" "$tmp/sample.h5"; then
    echo "FAIL: schema_write_sample (writing the sample file failed)"
    exit 1
fi
if ls -a "$tmp" | grep -q '\.tmp\.'; then
    echo "FAIL: schema_no_temporary_left"
else
    echo "PASS: schema_no_temporary_left"
fi

h5dump -H "$tmp/sample.h5" | sed '1s/^HDF5 ".*" {$/HDF5 "sample.h5" {/' >"$tmp/actual.ddl"
if [ "$1" = "--update" ]; then
    cp "$tmp/actual.ddl" "$here/expected.ddl"
    echo "updated $here/expected.ddl"
fi
if diff -u "$here/expected.ddl" "$tmp/actual.ddl" >"$tmp/ddl.diff"; then
    echo "PASS: schema_h5dump_matches_expected_ddl"
else
    head -n 60 "$tmp/ddl.diff"
    echo "FAIL: schema_h5dump_matches_expected_ddl"
fi

if "$PYTHON" -c 'import h5py' 2>/dev/null; then
    "$PYTHON" "$here/check_h5py.py" "$tmp/sample.h5" baseline
else
    echo "FAIL: schema_h5py ($PYTHON cannot import h5py; install python3-h5py)"
fi
exit 0
