#!/bin/sh
# tests/e2e/report.sh — `make report` end to end: the four notebooks rendered into one HTML
# file, opened offline in headless Chromium (Debian `chromium`):
#   1. make report succeeds and writes the file (to a temporary REPORT, not results/);
#   2. the HTML embeds at least 4 figures as data: URIs and fetches nothing from the network
#      (no src/href to http(s)), and shows no code cells; section 3 (plan targets: the default
#      run's baseline, scenarios/daan-targets.yaml, lists targets) has its targets chart and
#      not "no targets in this file";
#   3. Chromium, with every host name unresolvable, loads the page: all its images decode
#      (the page records the count in <body data-images-loaded>, read back with --dump-dom);
#   4. a screenshot of the top of the page is not blank: its pixels vary, and some are coloured
#      (the first fan chart is blue), read with matplotlib's PNG reader;
#   5. a failed notebook run leaves an existing report byte-identical;
#   6. what a county finance bureau reads (tests/e2e/report_check.py, on the HTML and the executed
#      notebooks' figure metadata): no developer text (DPSIM_..., 8.69e-16, runs/... table paths,
#      the results file's full path), the title page's provenance in plain words (file name,
#      scenarios, runs, seed, date), no table cell with 6 decimals, money in 万元 and shares in %
#      in the targets tables, the 2035 column of the 2025/2035 targets table, a "0%" label for
#      every target met in no replicate, no figure with text drawn over text (suptitle over the
#      panel titles), no empty subsection;
#   7. a results file with one scenario and no targets, given as a relative DPSIM_RESULTS: the
#      report names the file, section 2 says a comparison needs two scenarios and has no empty
#      figure headings, section 3 says there are no targets.
# Prints PASS:/FAIL: lines. Run from the project root. Environment: BUILD, PYTHON, CHROMIUM.
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
CHROMIUM=${CHROMIUM:-chromium}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }

if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
    bad "report_chromium_installed ($CHROMIUM not found; run make deps: Debian package chromium)"
    exit 1
fi
ok report_chromium_installed

# 1. make report into the temporary folder (the results file goes beside it).
unset DPSIM_RESULTS
if make --no-print-directory report BUILD="$BUILD" PYTHON="$PYTHON" \
        REPORT="$tmp/report.html" >"$tmp/make.log" 2>&1 && [ -s "$tmp/report.html" ]; then
    ok report_make
else
    tail -n 40 "$tmp/make.log"
    bad report_make
    exit 1
fi
[ -s "$tmp/report-results.h5" ] && ok report_default_results_beside || bad report_default_results_beside

# 2. The HTML itself.
n=$(grep -o '<img src="data:image/png;base64,' "$tmp/report.html" | wc -l)
if [ "$n" -ge 4 ]; then ok "report_embedded_figures ($n)"; else bad "report_embedded_figures ($n < 4)"; fi
if grep -Eqi '(src|href)="https?:' "$tmp/report.html"; then
    grep -Eoi '(src|href)="https?:[^"]*"' "$tmp/report.html" | head -n 5
    bad report_offline_no_network_references
else
    ok report_offline_no_network_references
fi
# No code: neither a code editor area nor a line of the notebooks' set-up cell.
if grep -q -e 'class="jp-CodeMirrorEditor' -e 'nb.setup_plots()' "$tmp/report.html"; then
    bad report_code_hidden
else
    ok report_code_hidden
fi
# Section 3: from its anchor to section 4's, at least one embedded figure (the probability
# chart), the binding targets' Chinese name, and no "no targets" line.
sed -n '/id="section-3"/,/id="section-4"/p' "$tmp/report.html" >"$tmp/section3.html"
n3=$(grep -o '<img src="data:image/png;base64,' "$tmp/section3.html" | wc -l)
if [ "$n3" -ge 1 ] && grep -q "Plan targets" "$tmp/section3.html" &&
   grep -q "持证率达到90%" "$tmp/section3.html" &&
   ! grep -q "no targets in this file" "$tmp/section3.html"; then
    ok "report_section3_targets_figure ($n3)"
else
    bad "report_section3_targets_figure ($n3 figures)"
fi
for s in "Budget outlook" "Scenario comparison" "Plan targets" "disabled population" "预算展望"; do
    grep -q "$s" "$tmp/report.html" || { bad "report_has_section ($s)"; continue; }
    ok "report_has_section ($s)"
done

# 6. What a bureau reads, on the default report (before the runs below replace $BUILD/report).
"$PYTHON" tests/e2e/report_check.py default "$tmp/report.html" "$BUILD/report" \
    "$tmp/report-results.h5" 2>&1 || bad report_check_default_ran

# 3 and 4. Chromium, offline (every host name maps to nothing), as root without the sandbox.
url="file://$tmp/report.html"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    "--host-resolver-rules=MAP * ~NOTFOUND" --user-data-dir="$tmp/profile" \
    --virtual-time-budget=10000 --dump-dom "$url" >"$tmp/dom.html" 2>"$tmp/dom.err"
loaded=$(sed -n 's/.*data-images-loaded="\([0-9]*\)".*/\1/p' "$tmp/dom.html" | head -n 1)
total=$(sed -n 's/.*data-images="\([0-9]*\)".*/\1/p' "$tmp/dom.html" | head -n 1)
if [ -n "$loaded" ] && [ "$loaded" -ge 4 ] && [ "$loaded" = "$total" ]; then
    ok "report_chromium_images_decoded ($loaded of $total)"
else
    tail -n 5 "$tmp/dom.err"
    bad "report_chromium_images_decoded (${loaded:-?} of ${total:-?})"
fi
"$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    "--host-resolver-rules=MAP * ~NOTFOUND" --user-data-dir="$tmp/profile" \
    --window-size=1200,2400 --screenshot="$tmp/shot.png" "$url" >"$tmp/shot.log" 2>&1
if [ -s "$tmp/shot.png" ]; then ok report_screenshot_taken; else
    tail -n 5 "$tmp/shot.log"; bad report_screenshot_taken; fi
if [ -s "$tmp/shot.png" ] && "$PYTHON" - "$tmp/shot.png" <<'PY'
import sys
import matplotlib.image as mpimg
import numpy as np
px = mpimg.imread(sys.argv[1])[..., :3]          # floats in [0, 1]
var = float(px.var())
nonwhite = float((px.min(axis=2) < 0.9).mean())
coloured = float(((px.max(axis=2) - px.min(axis=2)) > 0.25).mean())
print(f"screenshot {px.shape[1]}x{px.shape[0]}: variance {var:.4f}, "
      f"non-white {nonwhite:.3f}, coloured {coloured:.4f}")
sys.exit(0 if var > 0 and nonwhite > 0.01 and coloured > 0.001 else 1)
PY
then ok report_screenshot_not_blank; else bad report_screenshot_not_blank; fi

# 5. A run that fails (a results file that is not HDF5: the first notebook stops) leaves the
#    existing report as it was; so does a results file that does not exist (refused at once).
cp "$tmp/report.html" "$tmp/before.html"
echo "not an HDF5 file" >"$tmp/garbage.h5"
if DPSIM_RESULTS="$tmp/garbage.h5" make --no-print-directory report BUILD="$BUILD" \
        PYTHON="$PYTHON" REPORT="$tmp/report.html" >"$tmp/make2.log" 2>&1; then
    bad report_failed_run_exit_status
else
    ok report_failed_run_exit_status
fi
if cmp -s "$tmp/before.html" "$tmp/report.html"; then ok report_failed_run_keeps_existing; else
    bad report_failed_run_keeps_existing; fi
if DPSIM_RESULTS="$tmp/missing.h5" make --no-print-directory report BUILD="$BUILD" \
        PYTHON="$PYTHON" REPORT="$tmp/report.html" >"$tmp/make3.log" 2>&1; then
    bad report_missing_results_refused
elif grep -q "DPSIM_RESULTS: no such file" "$tmp/make3.log" &&
     cmp -s "$tmp/before.html" "$tmp/report.html"; then
    ok report_missing_results_refused
else
    cat "$tmp/make3.log"
    bad report_missing_results_refused
fi
if ls -a "$tmp" | grep -q '\.tmp\.'; then bad report_no_temporary_left; else
    ok report_no_temporary_left; fi

# 7. One scenario, no targets (a cohort run of daan-baseline.yaml), named by a path relative to
#    the working directory.
mkdir -p "$tmp/one"
if "$BUILD/bin/dpsim" run scenarios/daan-baseline.yaml -o "$tmp/one/one-rel.h5" --quiet \
        >"$tmp/one.log" 2>&1 &&
   rel=$("$PYTHON" -c 'import os, sys; print(os.path.relpath(sys.argv[1]))' "$tmp/one/one-rel.h5") &&
   DPSIM_RESULTS="$rel" make --no-print-directory report BUILD="$BUILD" PYTHON="$PYTHON" \
        REPORT="$tmp/one/report.html" >>"$tmp/one.log" 2>&1 && [ -s "$tmp/one/report.html" ]; then
    ok "report_one_scenario_relative_results ($rel)"
    "$PYTHON" tests/e2e/report_check.py one "$tmp/one/report.html" "$BUILD/report" \
        "$tmp/one/one-rel.h5" 2>&1 || bad report_check_one_ran
else
    tail -n 30 "$tmp/one.log"
    bad report_one_scenario_relative_results
fi
exit 0
