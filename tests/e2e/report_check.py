"""tests/e2e/report_check.py

What a county finance bureau sees in `make report`'s HTML, for tests/e2e/report.sh: the text
of the page (outside scripts and styles), its tables cell by cell, its sections, and the
figure facts the notebooks attach to their outputs (notebooks/dpsim_nb.py: show(), the
`dpsim.figure` metadata; the executed notebooks are in $BUILD/report).

  report_check.py default REPORT.html EXECUTED_DIR RESULTS.h5
      the default report (two scenarios with plan targets, all dated 2025):
      - report_no_developer_text: no environment variable (DPSIM_...), no number in
        scientific notation (8.69e-16), no HDF5 table path (runs/..., summary/..., base/...),
        no notebook file, no self-check line, not the results file's full path;
      - report_title_page_provenance: the title page names the results file (its name), each
        scenario, runs, seed and the date it was written, in plain words;
      - report_tables_no_raw_decimals: no table cell holds a number with 6 or more decimals
        (31500000.000000, 0.900000);
      - report_targets_money_share_formatted: the targets tables show the spending target in
        万元 with thousands separators (3,030.0 万元) and shares in % (90.0%), the values
        read from scenarios/daan-targets.yaml;
      - report_targets_2035_column: section 3's table of the probability each target is met
        in 2025 and 2035 has both columns (no target of the default run is dated 2035: its
        cells say "—"), and the page says no target is dated 2035;
      - report_targets_zero_marked: every target with probability 0 (in the rows the table
        shows, its `dpsim.targets` metadata) has a "0%" label in the chart and is listed
        under it, and the page explains "0%";
      - report_figures_no_overlap: every figure of the four notebooks reports its layout and
        none has text drawn over other text (the suptitle over a panel's title, a panel over
        another);
      - report_no_empty_subsection: every subsection heading is followed by a figure or a
        table or text before the next heading.
  report_check.py one REPORT.html EXECUTED_DIR RESULTS.h5
      a report of a file with one scenario and no targets:
      - report_one_comparison_says_two_needed: section 2 says in plain words that a
        comparison needs two scenarios, and has no subsection (no empty figure headings);
      - report_one_targets_says_none: section 3 says there are no targets, draws nothing;
      - report_one_no_developer_text, report_one_no_empty_subsection: as above;
      - report_one_file_named: the title page names the results file by its name.

Prints PASS:/FAIL: lines.
"""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat


def check(name, cond, why=""):
    print(("PASS: " if cond else "FAIL: ") + name + ("" if cond or not why else f" ({why})"))


class Page(HTMLParser):
    """The page as a flat list of events: ('heading', level, text), ('section', n),
    ('img',), ('table', [[cell text, ...], ...]), ('text', text) for other visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events = []
        self.skip = 0
        self.heading = None
        self.table = None
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ("h1", "h2", "h3"):
            self.heading = [int(tag[1]), ""]
        elif tag == "img":
            self.events.append(("img",))
        elif tag == "table":
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""
        if a.get("class") == "dpsim-section-break" and a.get("id", "").startswith("section-"):
            self.events.append(("section", int(a["id"].split("-")[1])))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        elif tag in ("h1", "h2", "h3") and self.heading:
            # nbconvert appends a pilcrow anchor link to headings.
            self.events.append(("heading", self.heading[0], self.heading[1].replace("¶", "").strip()))
            self.heading = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.table.append(self.row)
            self.row = None
        elif tag == "table" and self.table is not None:
            self.events.append(("table", self.table))
            self.table = None

    def handle_data(self, data):
        if self.skip:
            return
        if self.heading is not None:
            self.heading[1] += data
        elif self.cell is not None:
            self.cell += data
        elif data.strip():
            self.events.append(("text", data.strip()))


def text_of(events):
    out = []
    for e in events:
        if e[0] == "heading":
            out.append(e[2])
        elif e[0] == "text":
            out.append(e[1])
        elif e[0] == "table":
            out += [c for row in e[1] for c in row]
    return " ".join(out)


def sections(events):
    """{0: title page, 1: ..., 4: ...} -> events."""
    out, k = {0: []}, 0
    for e in events:
        if e[0] == "section":
            k = e[1]
            out[k] = []
        else:
            out[k].append(e)
    return out


DEVELOPER = [
    (r"DPSIM_", "an environment variable"),
    (r"\d(\.\d+)?e[-+]\d", "a number in scientific notation"),
    (r"\b(runs|summary|base)/[a-z_]", "an HDF5 table path"),
    (r"\.ipynb\b", "a notebook file"),
    (r"largest difference", "the self-check line"),
    (r"scenario_yaml|schema \d", "a file-format detail"),
]


def developer_text(text, results):
    found = []
    for pat, what in DEVELOPER:
        m = re.search(pat, text)
        if m:
            found.append(f"{what}: ...{text[max(0, m.start() - 40):m.end() + 30]}...")
    full = str(Path(results).resolve())
    if full in text:
        found.append(f"the full path {full}")
    return found


def empty_subsections(events):
    """Headings (h2, h3) followed by nothing (no figure, table or text) before the next
    heading or section."""
    empty = []
    for i, e in enumerate(events):
        if e[0] == "heading" and e[1] >= 2:
            nxt = events[i + 1] if i + 1 < len(events) else ("section",)
            if nxt[0] in ("heading", "section"):
                empty.append(e[2])
    return empty


def figure_meta(outdir):
    """Per executed notebook, the `dpsim.figure` metadata of its outputs and the count of its
    figures."""
    figs, n_images = [], 0
    for path in sorted(Path(outdir).glob("*.ipynb")):
        for c in nbformat.read(path, 4).cells:
            for o in c.get("outputs", []):
                if "image/png" in o.get("data", {}):
                    n_images += 1
                meta = o.get("metadata", {}).get("dpsim", {}).get("figure")
                if meta is not None:
                    figs.append((path.name, meta))
    return figs, n_images


def targets_meta(outdir):
    path = Path(outdir) / "03-plan-targets.ipynb"
    rows = []
    for c in nbformat.read(path, 4).cells:
        for o in c.get("outputs", []):
            rows += o.get("metadata", {}).get("dpsim", {}).get("targets", [])
    return rows


def main(argv):
    mode, report, outdir, results = argv[1:5]
    page = Page()
    page.feed(Path(report).read_text(encoding="utf-8"))
    ev = page.events
    sec = sections(ev)
    text = text_of(ev)
    prefix = "report" if mode == "default" else "report_one"

    found = developer_text(text, results)
    check(f"{prefix}_no_developer_text", not found, "; ".join(found))
    empty = empty_subsections(ev)
    check(f"{prefix}_no_empty_subsection", not empty, ", ".join(empty))
    title = text_of(sec[0])
    name = Path(results).name

    if mode == "one":
        check("report_one_file_named", name in title, title[:300])
        s2, s3 = sec.get(2, []), sec.get(3, [])
        t2 = text_of(s2)
        heads2 = [e[2] for e in s2 if e[0] == "heading" and e[1] >= 2]
        check("report_one_comparison_says_two_needed",
              "needs two scenarios" in t2 and not heads2 and not any(e[0] == "img" for e in s2),
              f"headings {heads2}")
        t3 = text_of(s3)
        check("report_one_targets_says_none",
              "no targets in this file" in t3 and not any(e[0] in ("img", "table") for e in s3),
              t3[-300:])
        return 0

    # Title page: the file by its name, each scenario, runs, seed, written date.
    check("report_title_page_provenance",
          all(s in title for s in (name, "daan-targets", "daan-care-raise", "runs 重复次数",
                                   "seed 随机种子", "written"))
          and re.search(r"written \d{4}-\d\d-\d\d \d\d:\d\d UTC", title) is not None, title[:400])
    cells = [c for e in ev if e[0] == "table" for row in e[1] for c in row]
    raw = [c for c in cells if re.search(r"\d\.\d{6}", c)]
    check("report_tables_no_raw_decimals", not raw and len(cells) > 100, ", ".join(raw[:5]))
    s3 = sec.get(3, [])
    cells3 = [c for e in s3 if e[0] == "table" for row in e[1] for c in row]
    # The expected texts from the targets of the default run's scenario (daan-targets.yaml).
    import yaml
    tg = {t["indicator"]: t["value"] for t in
          yaml.safe_load(Path("scenarios/daan-targets.yaml").read_text())["targets"]}
    want = [f"<= {tg['total_spending'] / 1e4:,.1f} 万元", f">= {tg['certified_share']:.1%}",
            f">= {tg['care_subsidy_recipients']:,.0f}"]
    check("report_targets_money_share_formatted", all(w in cells3 for w in want),
          "wanted " + ", ".join(want) + "; got " + ", ".join(cells3[:40]))
    years = [e[1] for e in s3 if e[0] == "table" and any("P(met) 2025" in c for c in e[1][0])]
    ok = bool(years)
    if ok:
        head = years[0][0]
        i35 = next((i for i, c in enumerate(head) if "P(met) 2035" in c), None)
        ok = i35 is not None and all(len(r) == len(head) and r[i35] == "—" for r in years[0][1:])
    t3 = text_of(s3)
    check("report_targets_2035_column", ok and "No target is dated 2035" in t3,
          str(years[0][0] if years else "no table with a P(met) 2025 column"))

    figs, n_images = figure_meta(outdir)
    overl = [f"{nb}: {o}" for nb, m in figs for o in m.get("overlaps", [])]
    check("report_figures_no_overlap", len(figs) == n_images and n_images >= 8 and not overl,
          f"{len(figs)} figures report their layout of {n_images}; " + "; ".join(overl))
    rows = targets_meta(outdir)
    zeros = [r for r in rows if r["probability"] == 0]
    chart = [m for nb, m in figs if "zero_probability" in m]
    labels = chart[0]["texts"].count("0%") if chart else -1
    listed = len(chart[0]["zero_probability"]) if chart else -1
    check("report_targets_zero_marked",
          len(zeros) >= 1 and labels == len(zeros) and listed == len(zeros)
          and "met in none of the replicates" in t3,
          f"{len(zeros)} targets at 0%, {labels} '0%' labels, {listed} listed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
