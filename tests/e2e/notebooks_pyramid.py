"""tests/e2e/notebooks_pyramid.py

Notebook 04's age pyramid against the results file it drew, for tests/e2e/notebooks.sh.
The pyramid cell attaches the totals of the bars it drew to its caption's output metadata
(`dpsim.pyramid`: per panel its year, source and totals by grade, or by sex when the file has no
table by age and grade). Those numbers are compared here with sums read from the file with h5py
alone (not with notebooks/dpsim_nb.py, the notebook's own reader):

  new   a file written by today's dpsim (base/disabled_base and runs/disabled_age_grade):
        - the first panel is the base year, the scenario's year_start - 1, from
          base/disabled_base; its total of grade g is base/disabled_base[..., g] summed over
          region, sex and age;
        - the second panel is 2035; its total of grade g is the `mean` row of
          summary/disabled_age_grade (written by dpsim's C code with GSL, a second computation
          of the mean over runs the notebook takes from runs/) at 2035, summed the same way.
  old   the same file without those three tables (`old SRC OUT` makes it): the pyramid falls
        back to runs/disabled_age by sex and age, for the first projected year and 2035; its
        totals by sex equal summary/disabled_age's mean summed over region and age.

Prints PASS:/FAIL: lines; exit status 1 when a check fails.
Usage: notebooks_pyramid.py old SRC.h5 OUT.h5
       notebooks_pyramid.py check new|old EXECUTED.ipynb RESULTS.h5 SCENARIO
"""

import shutil
import sys

import h5py
import nbformat
import numpy as np

NEW_TABLES = ("runs/disabled_age_grade", "summary/disabled_age_grade", "base/disabled_base",
              # later still (card holders by age and grade): an old file has none of these
              "runs/certified_age_grade", "summary/certified_age_grade")
REL = 1e-9      # summing the same numbers in another order: differences of rounding only
failed = 0


def check(name, cond, detail=""):
    global failed
    if cond:
        print(f"PASS: {name}")
    else:
        failed += 1
        print(f"FAIL: {name}" + (f" ({detail})" if detail else ""))


def strings(d):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in d[()]]


def drawn(path):
    """The `dpsim.pyramid` metadata of the executed notebook's outputs (None if absent)."""
    book = nbformat.read(path, 4)
    for c in book.cells:
        for o in c.get("outputs", []):
            meta = o.get("metadata", {}).get("dpsim", {})
            if "pyramid" in meta:
                return meta["pyramid"]
    return None


def totals(g, name, keep, year=None):
    """Table `name` of group g at `year` (mean row of a summary/ table), summed over every
    dimension but `keep`: {label of keep: persons}."""
    d = g[name]
    dims = d.attrs["dims"]
    dims = (dims.decode() if isinstance(dims, bytes) else dims).split(",")
    a = d[()]
    if dims[0] == "stat":
        a = a[strings(g["stat"]).index("mean")]
        dims = dims[1:]
    if year is not None:
        a = a[list(g["year"][()]).index(year)]
        dims = dims[1:]
    k = dims.index(keep)
    sums = a.sum(axis=tuple(i for i in range(a.ndim) if i != k))
    return dict(zip(strings(g[keep]), sums.tolist()))


def close(mine, theirs):
    if set(mine) != set(theirs):
        return False
    return all(abs(mine[k] - theirs[k]) <= REL * max(abs(theirs[k]), 1.0) for k in theirs)


def main_check(mode, notebook, results, scen):
    p = drawn(notebook)
    check(f"nb04_{mode}_pyramid_metadata", p is not None and len(p.get("panels", [])) == 2,
          "no dpsim.pyramid output metadata with two panels")
    if p is None or len(p.get("panels", [])) != 2:
        return 1
    first, last = p["panels"]
    with h5py.File(results, "r") as f:
        g = f[scen]
        y_start = int(g.attrs["year_start"])
        if mode == "new":
            check("nb04_new_pyramid_by_grade", p["by_grade"] is True)
            # The base year is the year before the first projected one (docs/output-schema.md).
            check("nb04_new_base_year", first["year"] == y_start - 1 and first["base"] is True
                  and first["source"] == "base/disabled_base", str(first))
            want = totals(g, "base/disabled_base", "grade")
            check("nb04_new_base_totals_by_grade", close(first["totals"], want),
                  f"{first['totals']} vs {want}")
            check("nb04_new_last_year", last["year"] == 2035 and last["base"] is False
                  and last["source"] == "runs/disabled_age_grade", str(last))
            want = totals(g, "summary/disabled_age_grade", "grade", 2035)
            check("nb04_new_2035_totals_by_grade", close(last["totals"], want),
                  f"{last['totals']} vs {want}")
        else:
            check("nb04_old_pyramid_by_sex", p["by_grade"] is False)
            check("nb04_old_first_projected_year", first["year"] == y_start
                  and first["base"] is False and first["source"] == "runs/disabled_age",
                  str(first))
            for panel in (first, last):
                want = totals(g, "summary/disabled_age", "sex", panel["year"])
                check(f"nb04_old_{panel['year']}_totals_by_sex", close(panel["totals"], want),
                      f"{panel['totals']} vs {want}")
    return 1 if failed else 0


def main_old(src, out):
    """A file as dpsim wrote it before disabled_age_grade and disabled_base (and the later
    certified_age_grade) existed."""
    shutil.copyfile(src, out)
    with h5py.File(out, "r+") as f:
        for scen in f:
            for name in NEW_TABLES:
                if name in f[scen]:
                    del f[scen][name]
    return 0


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "old":
        sys.exit(main_old(a[1], a[2]))
    if len(a) == 5 and a[0] == "check" and a[1] in ("new", "old"):
        sys.exit(main_check(*a[1:]))
    raise SystemExit("usage: notebooks_pyramid.py old SRC.h5 OUT.h5\n"
                     "       notebooks_pyramid.py check new|old EXECUTED.ipynb RESULTS.h5 SCENARIO")
