#!/bin/sh
# tests/cli/fuzz.sh — part of make test: every libFuzzer target (tests/fuzz/) runs for
# FUZZ_TEST_SECONDS (default 20) seconds and replays its regression inputs, so that a loader
# change that crashes on a known input, or on one found within that time, fails the suite.
# `make fuzz FUZZ_SECONDS=N` is the long run. Prints PASS:/FAIL: lines.
BUILD=${BUILD:-build}
FUZZ_SECONDS=${FUZZ_TEST_SECONDS:-20} BUILD=$BUILD sh tests/fuzz/run.sh
