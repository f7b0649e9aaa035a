#!/bin/sh
# tests/cli/output_safety.sh — issue 14, "Found": an output path never destroys an input. Every
# finding reproduced through the command line on a copy of the project's scenarios and data (so
# that a regression destroys only the copy):
#   1. dpsim run s.yaml -o X for X = the scenario itself, its `extends:` base, its region file,
#      a reference CSV the run reads, a hard link and a symbolic link to the scenario: exit 2,
#      one sentence naming the input, and every input's sha256 unchanged;
#   2. -o a symbolic link (to a results file, dangling), a FIFO, /dev/null, a folder: exit 2,
#      the link, FIFO or device still what it was, the link's target unchanged;
#   3. -o an existing read-only results file: exit 2 and the file byte for byte the same; with
#      --force exit 0 and the file replaced by a complete results file (h5ls opens it);
#   4. -o into a missing folder, a name too long: exit 2, no HDF5 text;
#      DPSIM_MEMORY_LIMIT=garbage: exit 2, naming the variable;
#   5. dpsim export --xlsx / --csv naming the results file, a link to it, /dev/null, a read-only
#      workbook (and --force), a CSV file that is a link to the results file: exit 2, unchanged;
#   6. make report with REPORT naming $DPSIM_RESULTS or a scenario: exit 2 before any notebook
#      runs, the file unchanged (dpsim check-output, also tested directly);
#   7. no temporary file (.NAME.tmp.PID) left anywhere in the copy.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD.
BUILD=${BUILD:-build}
DPSIM="$(pwd)/$BUILD/bin/dpsim"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else bad "$1"; fi; }

cp -r scenarios data "$tmp/"
S=$tmp/scenarios/daan-plan.yaml           # extends daan-baseline.yaml
BASE=$tmp/scenarios/daan-baseline.yaml
REGION=$tmp/data/regions/daan.yaml
CSV=$tmp/data/reference/wpp2024_e0.csv
INPUTS="$S $BASE $REGION $CSV $(ls "$tmp"/data/reference/*.csv)"
EXTRA=
digests() { sha256sum $INPUTS $EXTRA 2>/dev/null; }
before=$(digests)
grep -q "^extends: daan-baseline.yaml" "$S"; check fixture_extends $?
grep -q "daan" "$BASE"; check fixture_region $?

# refused NAME PATTERN CMD...: exit 2, stderr one line "dpsim: ..." matching PATTERN without
# HDF5 text, nothing on stdout, every input unchanged.
refused() {
    name=$1 pattern=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    code=$?
    [ "$code" = 2 ]; check "${name}_exit_2" $?
    [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "^dpsim: .*$pattern" "$tmp/err" &&
        ! grep -qi "hdf5\|H5F\|errno" "$tmp/err"
    check "${name}_one_sentence" $?
    [ ! -s "$tmp/out" ]; check "${name}_nothing_run" $?
    [ "$(digests)" = "$before" ]; check "${name}_inputs_unchanged" $?
}

# 1. An input as the output.
refused run_o_scenario "is the same file as '$S', an input of this run" \
    "$DPSIM" run "$S" -o "$S" --quiet
refused run_o_extends_base "is the same file as '$BASE'" "$DPSIM" run "$S" -o "$BASE" --quiet
refused run_o_region_file "is the same file as '.*data/regions/daan.yaml'" \
    "$DPSIM" run "$S" -o "$REGION" --quiet
refused run_o_reference_csv "is the same file as '.*data/reference/wpp2024_e0.csv'" \
    "$DPSIM" run "$S" -o "$CSV" --quiet
# --force does not make an input writable.
refused run_o_scenario_force "an input of this run" "$DPSIM" run "$S" -o "$S" --force --quiet
# The second of two scenarios' inputs, and the input under another spelling.
refused run_o_second_scenario "an input of this run" \
    "$DPSIM" run "$tmp/scenarios/hulan-baseline.yaml" "$S" -o "$tmp/scenarios/./daan-plan.yaml" \
    --quiet
ln "$S" "$tmp/hard.h5"
refused run_o_hard_link "is the same file as '$S'" "$DPSIM" run "$S" -o "$tmp/hard.h5" --quiet
ln -s scenarios/daan-plan.yaml "$tmp/sym.h5"
refused run_o_symlink_to_input "is the same file as '$S'" "$DPSIM" run "$S" -o "$tmp/sym.h5" --quiet
[ -L "$tmp/sym.h5" ]; check run_o_symlink_to_input_link_kept $?

# 2. Not a regular file.
"$DPSIM" run "$S" -o "$tmp/old.h5" --quiet; check fixture_old_results $?
sha_old=$(sha256sum <"$tmp/old.h5")
ln -s old.h5 "$tmp/link.h5"
refused run_o_symlink "'$tmp/link.h5' exists and is a symbolic link, not a regular file" \
    "$DPSIM" run "$S" -o "$tmp/link.h5" --quiet
[ -L "$tmp/link.h5" ] && [ "$(sha256sum <"$tmp/old.h5")" = "$sha_old" ]
check run_o_symlink_link_and_target_kept $?
ln -s nowhere.h5 "$tmp/dangling.h5"
refused run_o_dangling_symlink "is a symbolic link" "$DPSIM" run "$S" -o "$tmp/dangling.h5" --quiet
[ -L "$tmp/dangling.h5" ] && [ ! -e "$tmp/nowhere.h5" ]; check run_o_dangling_kept $?
mkfifo "$tmp/fifo.h5"
refused run_o_fifo "is a FIFO (named pipe), not a regular file" \
    timeout 20 "$DPSIM" run "$S" -o "$tmp/fifo.h5" --quiet
[ -p "$tmp/fifo.h5" ]; check run_o_fifo_kept $?
refused run_o_dev_null "'/dev/null' exists and is a device" \
    "$DPSIM" run "$S" -o /dev/null --quiet
[ -c /dev/null ]; check run_o_dev_null_still_a_device $?
mkdir "$tmp/folder.h5"
refused run_o_folder "is a folder" "$DPSIM" run "$S" -o "$tmp/folder.h5" --quiet

# 3. Read-only: "do not replace" unless --force.
cp "$tmp/old.h5" "$tmp/ro.h5"
chmod 444 "$tmp/ro.h5"
refused run_o_read_only "exists and is read-only.*--force" "$DPSIM" run "$S" -o "$tmp/ro.h5" --quiet
cmp -s "$tmp/ro.h5" "$tmp/old.h5"; check run_o_read_only_untouched $?
"$DPSIM" run "$S" --runs 2 -o "$tmp/ro.h5" --force --quiet; check run_o_read_only_force_exit_0 $?
! cmp -s "$tmp/ro.h5" "$tmp/old.h5" && h5ls "$tmp/ro.h5/daan-plan" >/dev/null 2>&1
check run_o_read_only_force_replaced $?

# Another user's file in a sticky folder (as on /tmp) cannot be renamed over: refused before
# the run, even with --force (as nobody, with setpriv, when the test runs as root).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    mkdir "$tmp/sticky"
    chmod 1777 "$tmp/sticky"
    chmod 755 "$tmp"
    cp "$tmp/old.h5" "$tmp/sticky/theirs.h5"
    chmod 666 "$tmp/sticky/theirs.h5"
    refused run_o_sticky_other_owner "belongs to another user.*sticky bit" \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$DPSIM" run "$S" \
        -o "$tmp/sticky/theirs.h5" --force --quiet
    cmp -s "$tmp/sticky/theirs.h5" "$tmp/old.h5"; check run_o_sticky_untouched $?
else
    echo "SKIP: run_o_sticky_other_owner (needs root and setpriv)"
fi

# 4. Folder and name; the memory limit.
refused run_o_missing_folder "the folder '$tmp/nowhere' does not exist" \
    "$DPSIM" run "$S" -o "$tmp/nowhere/x.h5" --quiet
refused run_o_name_too_long "is too long for the file system" \
    "$DPSIM" run "$S" -o "$tmp/$(printf '%0250d' 0).h5" --quiet
DPSIM_MEMORY_LIMIT=garbage "$DPSIM" run "$S" -o "$tmp/m.h5" --quiet 2>"$tmp/err"
[ $? = 2 ] && grep -q "DPSIM_MEMORY_LIMIT must be a number" "$tmp/err" && [ ! -e "$tmp/m.h5" ]
check run_memory_limit_garbage $?
DPSIM_MEMORY_LIMIT=5K "$DPSIM" run "$S" -o "$tmp/m.h5" --quiet 2>"$tmp/err"
[ $? = 2 ] && grep -q "5.0 KiB is available" "$tmp/err" && ! grep -q "0.0 GiB" "$tmp/err"
check run_memory_limit_small_in_kib $?

# 5. export.
R=$tmp/old.h5
EXTRA=$R
before=$(digests)
refused export_xlsx_is_results "is the same file as '$R', an input" \
    "$DPSIM" export "$R" --xlsx "$R"
refused export_csv_is_results "an input of this run" "$DPSIM" export "$R" --csv "$R"
ln -s old.h5 "$tmp/book.xlsx"
refused export_xlsx_symlink_to_results "is the same file as '$R'" \
    "$DPSIM" export "$R" --xlsx "$tmp/book.xlsx"
refused export_xlsx_dev_null "is a device" "$DPSIM" export "$R" --xlsx /dev/null
refused export_csv_fifo "is a FIFO (named pipe), not a folder" "$DPSIM" export "$R" --csv "$tmp/fifo.h5"
"$DPSIM" export "$R" --xlsx "$tmp/ro.xlsx" --table population; check export_xlsx_fixture $?
chmod 444 "$tmp/ro.xlsx"
sha_x=$(sha256sum <"$tmp/ro.xlsx")
refused export_xlsx_read_only "is read-only" "$DPSIM" export "$R" --xlsx "$tmp/ro.xlsx" --table population
[ "$(sha256sum <"$tmp/ro.xlsx")" = "$sha_x" ]; check export_xlsx_read_only_untouched $?
"$DPSIM" export "$R" --xlsx "$tmp/ro.xlsx" --table population,budget --force
[ $? = 0 ] && [ "$(sha256sum <"$tmp/ro.xlsx")" != "$sha_x" ]; check export_xlsx_force_replaces $?
mkdir -p "$tmp/csv/daan-plan"
ln -s ../../old.h5 "$tmp/csv/daan-plan/population.csv"
refused export_csv_file_is_symlink "population.csv' exists and is a symbolic link" \
    "$DPSIM" export "$R" --csv "$tmp/csv"
[ -L "$tmp/csv/daan-plan/population.csv" ] && [ "$(ls "$tmp/csv/daan-plan")" = population.csv ]
check export_csv_nothing_else_written $?

# 6. make report (the check runs before any notebook) and dpsim check-output.
before=$(digests)
DPSIM_RESULTS=$R make -s report BUILD="$BUILD" REPORT="$R" >"$tmp/out" 2>"$tmp/err"
[ $? != 0 ] && grep -q "is the same file as '$R'" "$tmp/err" && [ "$(digests)" = "$before" ]
check make_report_onto_results_refused $?
cp scenarios/daan-baseline.yaml "$tmp/keep.yaml"
make -s report BUILD="$BUILD" REPORT=scenarios/daan-baseline.yaml >"$tmp/out" 2>"$tmp/err"
[ $? != 0 ] && grep -q "an input of this run" "$tmp/err" && cmp -s scenarios/daan-baseline.yaml "$tmp/keep.yaml"
check make_report_onto_scenario_refused $?
refused check_output_input "is the same file as '$S'" "$DPSIM" check-output "$tmp/sym.h5" "$S"
refused check_output_fifo "is a FIFO" "$DPSIM" check-output "$tmp/fifo.h5"
"$DPSIM" check-output "$tmp/new.html" "$S" && [ ! -e "$tmp/new.html" ]; check check_output_ok $?

# 7. No temporary left behind.
[ -z "$(find "$tmp" -name '.*.tmp.*')" ]; check no_temporaries_left $?
