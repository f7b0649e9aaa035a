"""notebooks/report.py

Renders executed notebooks into one HTML report (what `make report` writes to
results/report.html): a title and contents section, then each notebook's cells in order with
the code hidden, its figures embedded as data: URIs (PNG), no script or style fetched from the
network (template notebooks/templates/dpsim-report), so the file can be mailed and opened
offline.

    /usr/bin/python3 notebooks/report.py OUT.html EXECUTED.ipynb...

The notebooks must already have been executed (notebooks/execute.sh); $DPSIM_RESULTS, when
set, is described on the report's title page in plain words: the file's name, when it was
written, and its scenarios with their runs and seeds. What a finance bureau does not need is
left out: cells tagged `no-report` (dpsim_nb.REPORT_OMIT_TAG: environment variables, table
names, self-checks; they stay in the notebooks), stderr, and a subsection (from a `## ` heading
to the next) whose code cells show nothing, e.g. the comparison's figures when the file holds
one scenario (the notebook says in plain words what is missing). A notebook with a cell
error is refused: the report would show a traceback instead of numbers. The file is written
under a temporary name in OUT's folder and renamed when complete, so an existing report is
never left half-written. Exit status 0, 2 for bad input (missing or failed notebook), 1 else.
"""

import datetime as dt
import html
import os
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import dpsim_nb  # noqa: E402  (the notebooks' helper module, beside this file)


def remove_stale_temporaries(out):
    """Removes .<name>.tmp.<pid> files beside out whose pid is no longer a process (left by a
    killed earlier run), as dpsim's own writers do (core/outpath.c)."""
    prefix = f".{out.name}.tmp."
    for p in out.parent.glob(f".{out.name}.tmp.*"):
        pid = p.name[len(prefix):]
        if not pid.isdigit() or int(pid) == os.getpid() or p.is_symlink() or not p.is_file():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            p.unlink(missing_ok=True)
        except OSError:
            pass


def fail(msg, code=2):
    print(f"report.py: {msg}", file=sys.stderr)
    sys.exit(code)


def first_heading(book):
    for c in book.cells:
        if c.cell_type == "markdown":
            for line in c.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def shown_outputs(cell):
    """The outputs of a code cell the report shows: all but stderr (warnings are for the
    analyst, not the reader of the report)."""
    return [o for o in cell.get("outputs", [])
            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


def report_cells(book):
    """The cells of an executed notebook that go into the report, in order: cells tagged
    no-report are left out, and so is every subsection (a markdown cell starting with `## `, up
    to the next such cell) that has code cells and none of them shows anything."""
    cells = []
    for c in book.cells:
        if dpsim_nb.REPORT_OMIT_TAG in c.get("metadata", {}).get("tags", []):
            continue
        if c.cell_type == "code":
            c.outputs = shown_outputs(c)
        cells.append(c)
    groups, current = [], []
    for c in cells:
        if c.cell_type == "markdown" and c.source.lstrip().startswith("## "):
            groups.append(current)
            current = []
        current.append(c)
    groups.append(current)
    out = []
    for k, g in enumerate(groups):
        code = [c for c in g if c.cell_type == "code"]
        if k > 0 and code and not any(c.outputs for c in code):
            continue
        out += g
    return out


def main(argv):
    if len(argv) < 3:
        fail("usage: report.py OUT.html EXECUTED.ipynb...")
    out = Path(argv[1])
    books = []
    for name in argv[2:]:
        path = Path(name)
        if not path.is_file():
            fail(f"{path}: no such notebook")
        book = nbformat.read(path, as_version=4)
        for i, c in enumerate(book.cells):
            for o in c.get("outputs", []):
                if o.get("output_type") == "error":
                    fail(f"{path}: cell {i + 1} failed ({o.get('ename')}: {o.get('evalue')})")
        if not any(c.cell_type == "code" and c.get("outputs") for c in book.cells):
            fail(f"{path}: has no outputs (run notebooks/execute.sh first)")
        books.append((path, book))

    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    source = os.environ.get("DPSIM_RESULTS")
    toc = []
    for k, (path, book) in enumerate(books):
        title = first_heading(book) or path.stem
        toc.append(f'- <a href="#section-{k + 1}">{html.escape(title)}</a>')
    intro = ["# dpsim report 残疾人口与保障预算预测报告", "",
             f"Report made {now} (报告生成时间).", ""]
    if source:
        try:
            intro += dpsim_nb.report_summary(source) + [""]
        except (OSError, KeyError) as e:
            fail(f"{source}: cannot be read ({e})")
    intro += ["Contents 目录:", ""] + toc + [
        "", "Spending is in 10,000 yuan (万元), nominal. Bands: 50%, 90% and 95% of the "
        "replicates; "
        "see each section for how to read it."]
    merged = nbformat.v4.new_notebook()
    merged.metadata = dict(books[0][1].metadata)
    merged.metadata["title"] = "dpsim report"
    merged.cells.append(nbformat.v4.new_markdown_cell("\n".join(intro)))
    for k, (path, book) in enumerate(books):
        merged.cells.append(nbformat.v4.new_markdown_cell(
            f'<div class="dpsim-section-break" id="section-{k + 1}"></div>'))
        merged.cells.extend(report_cells(book))

    exporter = HTMLExporter(template_name="dpsim-report",
                            extra_template_basedirs=[str(HERE / "templates")])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(merged, resources={"metadata": {"name": "dpsim report"}})

    out.parent.mkdir(parents=True, exist_ok=True)
    # Never renamed over a link, folder, FIFO or device (README "Reliability"; `make report`
    # checks this before the notebooks run, this is the last look before the rename).
    if out.is_symlink() or (out.exists() and not out.is_file()):
        fail(f"{out}: exists and is not a regular file (a link, folder, FIFO or device); "
             "nothing was written")
    remove_stale_temporaries(out)
    tmp = out.parent / f".{out.name}.tmp.{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        fail(f"{out}: {e.strerror}", 1)
    n_img = body.count('<img src="data:image/png;base64,')
    print(f"report written to {out} ({len(books)} notebooks, {n_img} figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
