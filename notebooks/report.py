"""notebooks/report.py

Renders executed notebooks into one HTML report (what `make report` writes to
results/report.html): a title and contents section, then each notebook's cells in order with
the code hidden, its figures embedded as data: URIs (PNG), no script or style fetched from the
network (template notebooks/templates/dpsim-report), so the file can be mailed and opened
offline.

    /usr/bin/python3 notebooks/report.py OUT.html EXECUTED.ipynb...

The notebooks must already have been executed (notebooks/execute.sh); $DPSIM_RESULTS, when
set, is named in the report's heading as the results file they read. A notebook with a cell
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
             f"Generated {now} from the notebooks in `notebooks/` "
             f"(生成时间 {now}).", ""]
    if source:
        intro += [f"Results file 结果文件: `{source}`", ""]
    intro += ["Contents 目录:", ""] + toc + [
        "", "Spending is in 10,000 yuan (万元), nominal. Bands: 50% and 90% of the replicates; "
        "see each section for how to read it."]
    merged = nbformat.v4.new_notebook()
    merged.metadata = dict(books[0][1].metadata)
    merged.metadata["title"] = "dpsim report"
    merged.cells.append(nbformat.v4.new_markdown_cell("\n".join(intro)))
    for k, (path, book) in enumerate(books):
        merged.cells.append(nbformat.v4.new_markdown_cell(
            f'<div class="dpsim-section-break" id="section-{k + 1}"></div>'))
        for c in book.cells:
            if c.cell_type == "code":
                # stderr (warnings) is for the analyst, not the reader of the report.
                c.outputs = [o for o in c.get("outputs", [])
                             if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            merged.cells.append(c)

    exporter = HTMLExporter(template_name="dpsim-report",
                            extra_template_basedirs=[str(HERE / "templates")])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(merged, resources={"metadata": {"name": "dpsim report"}})

    out.parent.mkdir(parents=True, exist_ok=True)
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
