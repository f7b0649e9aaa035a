#!/bin/sh
# tests/e2e/serve_browser.sh — dpsim serve in a real browser (issue 16): headless Debian
# chromium driven by puppeteer-core (tests/e2e/serve_browser.js) opens the workbench on
# scenarios/daan-targets.yaml, changes the care subsidy's grade-1 amount (93 -> 150 yuan a
# month), and checks that
#   - the 2030 total the page shows after the edit is what `dpsim run` gives for the same edit,
#     and its change is the change `dpsim run` gives between the scenario and the edit
#     (both to 1e-9 relative: the same library computes both);
#   - the overlay downloaded through the page's button runs with `dpsim run` unchanged (that is
#     the run compared above);
#   - the page recomputes within the goal of 0.5 s: the median of the server's own times of
#     seven edits (the run of the edited scenario: load, fit, projection, targets, JSON);
#   - the HDF5 and Excel downloads of the edit (the page's buttons): the HDF5 file's 2030 total
#     is the same, the workbook opens (openpyxl) with sheets;
#   - ranges: a micro run of 10 replicates ends with its progress bar full and the fan shown;
#   - a refused value (-5 yuan) shows the loader's message with the key path next to its field;
#   - the screenshot is not blank (many colours, not one flat background);
#   - no JavaScript error.
# Prints PASS:/FAIL: lines. Needs node, /usr/bin/chromium and model/web/node_modules (npm ci).
# Environment: BUILD (build), PYTHON (/usr/bin/python3), SERVE_SCREENSHOT=FILE also keeps the
# screenshot there (docs/serve.png is made so).
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
BIN=$BUILD/bin/dpsim
tmp=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
if [ ! -x /usr/bin/chromium ] || [ ! -d model/web/node_modules/puppeteer-core ] || ! command -v node >/dev/null; then
    echo "FAIL: serve_browser (needs /usr/bin/chromium, node and model/web/node_modules: cd model/web && npm ci)"
    exit 0
fi
"$BIN" serve scenarios/daan-targets.yaml --port 0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
i=0
while ! grep -q 'http://' "$tmp/serve.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
url=$(sed -n 's|^dpsim serve: \(http://[^ ]*\) .*|\1|p' "$tmp/serve.out")
if [ -z "$url" ]; then
    echo "FAIL: serve_browser (the server did not start: $(cat "$tmp/serve.err"))"
    exit 0
fi
mkdir -p "$tmp/dl"
if ! timeout 120 node tests/e2e/serve_browser.js "$url" "$tmp/dl" 150 >"$tmp/page.json" 2>"$tmp/node.err"; then
    echo "FAIL: serve_browser (the browser script failed: $(tail -3 "$tmp/node.err"))"
    exit 0
fi
overlay=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["overlay"] or "")' "$tmp/page.json")
if [ -n "$overlay" ] && "$BIN" run "$overlay" -o "$tmp/edit.h5" --quiet &&
    "$BIN" run scenarios/daan-targets.yaml -o "$tmp/base.h5" --quiet; then
    echo "PASS: serve_browser_overlay_runs (the downloaded overlay runs with dpsim run unchanged)"
else
    echo "FAIL: serve_browser_overlay_runs (overlay '$overlay' did not run)"
    exit 0
fi
lists=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("lists_overlay") or "")' "$tmp/page.json")
if [ -n "$lists" ] && grep -q 'grades: \[1, 2, 3\]' "$lists" && grep -q 'kind: dibao' "$lists" &&
    "$BIN" run "$lists" -o "$tmp/lists.h5" --quiet; then
    echo "PASS: serve_browser_lists_overlay (a word and a list edited on the page: the overlay has kind: dibao and grades: [1, 2, 3] and runs)"
else
    echo "FAIL: serve_browser_lists_overlay (overlay '$lists': $(cat "$lists" 2>/dev/null | tr '\n' ' '))"
    exit 0
fi
[ -n "$SERVE_SCREENSHOT" ] && cp "$tmp/dl/serve.png" "$SERVE_SCREENSHOT"
"$PYTHON" - "$tmp/page.json" "$tmp/edit.h5" "$tmp/base.h5" "$tmp/dl/serve.png" "$tmp/lists.h5" <<'PY'
import openpyxl
import json, os, sys
import h5py, numpy as np
from PIL import Image
page = json.load(open(sys.argv[1]))
def total_2030(path):
    with h5py.File(path, "r") as f:
        g = f[list(k for k in f.keys())[0]]
        years = list(g["year"][:])
        return float(g["runs/spending"][0, years.index(2030)].sum()) / 1e4
edit, base = total_2030(sys.argv[2]), total_2030(sys.argv[3])
def check(name, ok, what):
    print(("PASS: " if ok else "FAIL: ") + name + " (" + what + ")")
check("serve_browser_total", abs(page["after"] - edit) <= 1e-9 * abs(edit),
      "2030 total shown %.6f, dpsim run %.6f 万元" % (page["after"], edit))
d_page, d_cli = page["after"] - page["before"], edit - base
check("serve_browser_change", d_cli > 0 and abs(d_page - d_cli) <= 1e-9 * abs(base),
      "change shown %.6f, dpsim run %.6f 万元" % (d_page, d_cli))
ms = sorted([page["elapsed_ms"]] + page["edit_ms"])
what = "7 edits recomputed in median %.0f ms, %.0f-%.0f (goal < 500)" % (ms[len(ms) // 2], ms[0], ms[-1])
if os.environ.get("DPSIM_SANITIZED"):
    # make check: ASan and UBSan slow every allocation several times; the goal is the user's
    # build's, so the figure is printed but not judged.
    print("SKIP: serve_browser_fast (sanitized build; " + what + ")")
else:
    check("serve_browser_fast", 0 < ms[len(ms) // 2] < 500, what)
img = np.asarray(Image.open(sys.argv[4]).convert("RGB"))
colours = len(np.unique(img.reshape(-1, 3), axis=0))
check("serve_browser_screenshot", img.shape[0] >= 900 and colours > 200 and img.std() > 20,
      "%dx%d, %d colours, sd %.1f" % (img.shape[1], img.shape[0], colours, img.std()))
dl = page.get("h5") and total_2030(page["h5"])
check("serve_browser_download_h5", dl and abs(dl - edit) <= 1e-9 * abs(edit),
      "the page's HDF5 download: 2030 total %s" % dl)
try:
    sheets = openpyxl.load_workbook(page["xlsx"], read_only=True).sheetnames
except Exception as e:
    sheets = []
check("serve_browser_download_xlsx", len(sheets) > 3, "the page's Excel download: %d sheets" % len(sheets))
pv, pm = page["ranges_progress"]
check("serve_browser_ranges", pv == pm == 10 and "10" in page["ranges_status"],
      "progress %s of %s, status %r" % (pv, pm, page["ranges_status"]))
fe = page["field_error"]
check("serve_browser_field_error", "programmes.care_subsidy.monthly.grade2" in fe and "non-negative" in fe,
      "next to the field: %r" % fe)
lists = total_2030(sys.argv[5])
check("serve_browser_lists_total", abs(page["lists_total"] - lists) <= 1e-9 * abs(lists)
      and abs(lists - edit) > 1e-6 * abs(edit),
      "after the word and list edits the 2030 total shown %.6f, dpsim run %.6f 万元 (%.6f before)"
      % (page["lists_total"], lists, edit))
# Expected labels: the key table's segment names in model/input/key_meta.c (seg_name, word_name,
# and the programme names), Chinese first and the English beside it.
want = [("label_grades", "重度残疾人护理补贴·资格条件·残疾等级", "care subsidy · eligibility · grades"),
        ("label_grade3", "三级", "grade 3"),
        ("label_kind_option", "随低保标准调整", "with the dibao standard"),
        ("label_rates_group", "残疾状态转移率", "disability transition rates")]
bad = [(k, page[k]) for k, zh, en in want if not (page[k].strip().startswith(zh) and en in page[k])]
levels = page["label_levels"]
check("serve_browser_chinese_labels", not bad and "中央 central" in levels and "县级 county" in levels,
      "labels %s; levels %s" % (bad or "as key_meta.c", levels))
# Da'an's run: the region and the nodes above it in data/regions/hierarchy.yaml.
check("serve_browser_places", "吉林省 Jilin province (省级 province)" in page["places"]
      and "白城市 Baicheng city (地市级 prefecture)" in page["places"], "places offered: %s" % page["places"])
check("serve_browser_js", not page["page_errors"], "page errors: %s" % page["page_errors"])
PY
