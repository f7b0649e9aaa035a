"""tests/e2e/ecosystem.py -- the results file in other people's tools, as the docs show them.

1. Every reader snippet of the given Markdown files (```python and ```r blocks, and blocks of
   `h5dump`/`ncdump` command lines) is taken from the text and run as it stands in a folder
   WORK holding results/daan-baseline.h5 (the file of `make run`) and results/plans.h5 (the
   file of `make plans`): a snippet naming results/daan-baseline.h5 runs on both files (the
   plans file has a daan-baseline group too), one naming results/plans.h5 on that file. What a
   snippet gives is checked against the file read here with h5py and numpy:
   - the mean care-subsidy spending of daan by year (h5py's `mean`, xarray's `care`, R's
     `mean_care`) equals the mean over the runs of runs/spending, computed here;
   - `p_met` (plan targets) the mean over runs of runs/target_met, `p` (budget) the mean of
     runs/budget's exceeds, `spend` (README) runs/spending's first run, `base` the base/ tables;
   - the output a `print(...)  # comment` line promises (a comment starting with `[`, `{`, `'`
     or `...`, or holding Chinese) appears in what the snippet printed;
   - a command exits 0 and prints what its kind must (ncdump: Conventions, units and the
     Chinese title in readable UTF-8).
   A snippet for which there is no check fails: a new snippet needs one here.
2. For every scenario group of both files: no table of runs/, summary/ or base/ has the name of
   an axis (a dimension scale of the group) -- xarray refuses such a group -- and xarray opens
   the scenario group and each of runs/, summary/, base/; every table has the CF attributes
   units, long_name, label_zh and none of schema 2's unit, title, title_zh; the root has
   Conventions = CF-1.8, schema_version 5 and git_commit (GIT_COMMIT_OK: a command that exits 0
   for a commit this checkout knows, or the commit must be "unknown").

Usage: ecosystem.py WORK DOC.md [DOC.md ...]
Prints "PASS: name" / "FAIL: name (why)" lines.
"""
import json
import os
import re
import subprocess
import sys

import h5py
import numpy as np

failures = 0


def check(name, ok, why=""):
    global failures
    if ok:
        print(f"PASS: {name}")
    else:
        failures += 1
        print(f"FAIL: {name}" + (f" ({why})" if why else ""))


def s(x):
    return x.decode("utf-8") if isinstance(x, bytes) else str(x)


def labels(g, axis):
    return [s(v) for v in g[axis][()]]


# ---------------------------------------------------------------------------------------------
# Snippets from the text


def snippets(path):
    """(doc, line, lang, text) of every fenced block of a Markdown file that is a reader
    snippet: python, r, or lines that are all h5dump/ncdump commands."""
    out = []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^\s*```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        lang, start, body = m.group(1).lower(), i + 1, []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i])
            i += 1
        i += 1
        text = "\n".join(body) + "\n"
        cmds = [b for b in body if b.strip()]
        if lang in ("python", "r"):
            out.append((os.path.basename(path), start, lang, text))
        elif lang in ("", "sh") and cmds and all(
                re.match(r"^(h5dump|ncdump) ", c.strip()) for c in cmds):
            out.append((os.path.basename(path), start, "commands", text))
    return out


def promised_outputs(text):
    """Fragments that `print(...)  # comment` lines promise to print."""
    out = []
    for line in text.split("\n"):
        m = re.match(r"^\s*print\(.*\)\s+#\s*(.*)$", line)
        if not m:
            continue
        c = m.group(1).strip()
        if not (c[:1] in "[{'" or c.startswith("...") or re.search(r"[\u4e00-\u9fff]", c)):
            continue
        c = re.sub(r"^\.\.\.\s*", "", c)
        c = re.split(r",?\s*\.\.\.", c)[0]
        if c:
            out.append(c)
    return out


# ---------------------------------------------------------------------------------------------
# What the file says, computed here


class Reference:
    def __init__(self, path):
        self.path = path
        with h5py.File(path, "r") as f:
            g = f["daan-baseline"]
            region, prog = labels(g, "region"), labels(g, "programme")
            sp = g["runs/spending"][()]                  # [run, year, region, programme]
            self.care_mean = sp[:, :, region.index("daan"), prog.index("care_subsidy")].mean(0)
            self.spend0 = sp[0]
            self.shape0 = tuple(len(g[a]) for a in ("year", "region", "programme"))
            self.base = sorted(g["base"].keys())
            self.p_met = self.p_exceeds = None
            if "daan-plan" in f:
                gp = f["daan-plan"]
                self.p_met = gp["runs/target_met"][()].mean(0)
                items = labels(gp, "budget_item" if "budget_item" in gp else "budget")
                b = gp["runs/budget"][()][:, :, items.index("exceeds")]
                self.p_exceeds = b.mean(0)               # NaN in any run: NaN


def close(a, b, rel=1e-9):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    both_nan = np.isnan(a) & np.isnan(b)
    ok = np.abs(a - b) <= rel * np.maximum(np.abs(b), 1.0)
    return bool(np.all(both_nan | ok))


PY_EPILOGUE = '''
import json as _json
import numpy as _np
_out = {}
for _k in ("mean", "care", "runs", "base", "p_met", "kind", "p", "spend"):
    if _k not in globals():
        continue
    _v = globals()[_k]
    if _k == "care":
        _out[_k] = {"shape": list(_v.shape), "mean": _v.sel(stat="mean").values.tolist()}
    elif _k == "runs":
        _out[_k] = {"dims": list(_v["spending"].dims)}
    elif _k == "base":
        _out[_k] = sorted(_v.data_vars)
    else:
        _out[_k] = _np.asarray(_v, dtype=float).tolist()
with open("snippet.json", "w") as _f:
    _json.dump(_out, _f)
'''


def run(cmd, work, stdin_text=None):
    p = subprocess.run(cmd, cwd=work, input=stdin_text, capture_output=True, text=True,
                       timeout=300)
    return p.returncode, p.stdout, p.stderr


def run_python(name, text, work, ref):
    path = os.path.join(work, "snippet.py")
    if os.path.exists(os.path.join(work, "snippet.json")):
        os.remove(os.path.join(work, "snippet.json"))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + PY_EPILOGUE)
    rc, out, err = run([sys.executable, "snippet.py"], work)
    check(f"{name}_runs", rc == 0, err.strip().split("\n")[-1] if err.strip() else f"exit {rc}")
    if rc != 0:
        return
    got = json.load(open(os.path.join(work, "snippet.json")))
    checked = 0
    if "mean" in got:
        checked += 1
        check(f"{name}_mean_equals_mean_over_runs", close(got["mean"], ref.care_mean),
              f"{got['mean'][:2]} vs {ref.care_mean[:2].tolist()}")
    if "care" in got:
        checked += 1
        check(f"{name}_care_equals_mean_over_runs",
              got["care"]["shape"] == [3, len(ref.care_mean)]
              and close(got["care"]["mean"], ref.care_mean), str(got["care"]["shape"]))
    if "runs" in got:
        checked += 1
        check(f"{name}_runs_dims", got["runs"]["dims"] == ["run", "year", "region", "programme"],
              str(got["runs"]["dims"]))
    if "base" in got:
        checked += 1
        check(f"{name}_base_tables", got["base"] == ref.base, f"{got['base']} vs {ref.base}")
    if "p_met" in got:
        checked += 1
        check(f"{name}_p_met_equals_mean_of_target_met", ref.p_met is not None
              and close(got["p_met"], ref.p_met), f"{got['p_met']} vs {ref.p_met}")
    if "kind" in got:
        checked += 1
        check(f"{name}_kind_is_0_or_1", set(got["kind"]) <= {0.0, 1.0}, str(got["kind"]))
    if "p" in got:
        checked += 1
        check(f"{name}_p_equals_mean_of_exceeds", ref.p_exceeds is not None
              and close(got["p"], ref.p_exceeds), f"{got['p'][:3]} vs {ref.p_exceeds}")
    if "spend" in got:
        checked += 1
        check(f"{name}_spend_is_the_first_run", close(got["spend"], ref.spend0)
              and np.asarray(got["spend"]).shape == ref.shape0)
    check(f"{name}_has_a_check", checked > 0, "no variable this test knows; add a check")
    for k, frag in enumerate(promised_outputs(text)):
        check(f"{name}_prints_{k}", frag in out, f"{frag!r} not in the output")


def run_r(name, text, work, ref):
    with open(os.path.join(work, "snippet.R"), "w", encoding="utf-8") as f:
        f.write(text + '\ncat("DPSIM_CHECK", sprintf("%.17g", mean_care), "\\n")\n')
    try:
        rc, out, err = run(["Rscript", "snippet.R"], work)
    except FileNotFoundError:
        check(f"{name}_runs", False, "Rscript not installed (Debian r-base-core, r-cran-hdf5r)")
        return
    check(f"{name}_runs", rc == 0, err.strip().split("\n")[-1] if err.strip() else f"exit {rc}")
    if rc != 0:
        return
    line = [x for x in out.split("\n") if x.startswith("DPSIM_CHECK")]
    vals = [float(v) for v in line[0].split()[1:]] if line else []
    check(f"{name}_mean_care_equals_mean_over_runs", close(vals, ref.care_mean),
          f"{vals[:2]} vs {ref.care_mean[:2].tolist()}")
    check(f"{name}_prints_units_and_titles",
          '[1] "yuan"' in out and "年度项目支出（名义）" in out and "重度残疾人护理补贴" in out,
          out[:300])


def run_commands(name, text, work):
    for k, line in enumerate(x for x in text.split("\n") if x.strip()):
        cmd = re.sub(r"\s+#.*$", "", line.strip())
        try:
            rc, out, err = run(["sh", "-c", cmd], work)
        except FileNotFoundError as e:
            rc, out, err = 127, "", str(e)
        tool = cmd.split()[0]
        want = []
        if tool == "ncdump":
            want = [':Conventions = "CF-1.8"', 'spending:units = "yuan"', "年度项目支出（名义）"]
        elif " -d " in cmd:
            want = ['DATASET "' + cmd.split(" -d ")[1].split()[0] + '"']
        elif " -a " in cmd:
            want = ['ATTRIBUTE "' + cmd.split(" -a ")[1].split()[0].rsplit("/", 1)[1] + '"']
        elif " -n " in cmd:
            want = ["group      /daan-baseline/runs"]
        elif " -H " in cmd:
            want = ['ATTRIBUTE "units"', 'ATTRIBUTE "Conventions"']
        missing = [w for w in want if w not in out]
        check(f"{name}_{k}_{tool}", rc == 0 and out and not missing,
              f"exit {rc}: {err.strip()[:200]}" if rc else f"missing {missing}")
        check(f"{name}_{k}_has_a_check", bool(want), f"no check for '{cmd}'")


# ---------------------------------------------------------------------------------------------
# Every file, every group


def check_file(tag, path, commit_ok):
    import xarray as xr
    with h5py.File(path, "r") as f:
        root = {k: s(v) for k, v in f.attrs.items()}
        check(f"{tag}_root_conventions", root.get("Conventions") == "CF-1.8"
              and root.get("schema_version") == "5", str(root))
        commit = root.get("git_commit", "")
        ok = commit == "unknown" if not commit_ok else (
            re.fullmatch(r"[0-9a-f]{4,40}", commit) is not None
            and subprocess.run(commit_ok + [commit], capture_output=True).returncode == 0)
        check(f"{tag}_root_git_commit", ok, f"git_commit {commit!r}")
        clash, attrs_bad, n_tables = [], [], 0
        for scen, g in f.items():
            axes = {k for k, v in g.items() if isinstance(v, h5py.Dataset)
                    and s(v.attrs.get("CLASS", "")) == "DIMENSION_SCALE"}
            for group in ("runs", "summary", "base"):
                for name, ds in g[group].items():
                    n_tables += 1
                    dims = s(ds.attrs.get("dims", "")).split(",")
                    if name in axes or name in dims:
                        clash.append(f"{scen}/{group}/{name}")
                    if not all(k in ds.attrs for k in ("units", "long_name", "label_zh")) or \
                            any(k in ds.attrs for k in ("unit", "title", "title_zh")):
                        attrs_bad.append(f"{scen}/{group}/{name}: {sorted(ds.attrs.keys())}")
        check(f"{tag}_no_table_named_like_an_axis", n_tables > 0 and not clash, str(clash[:5]))
        check(f"{tag}_tables_have_cf_attributes", n_tables > 0 and not attrs_bad,
              str(attrs_bad[:3]))
        scenarios = list(f.keys())
    bad = []
    for scen in scenarios:
        for group in ("", "/runs", "/summary", "/base"):
            try:
                xr.open_dataset(path, engine="h5netcdf", group=scen + group).close()
            except Exception as e:  # any refusal is a failure
                bad.append(f"{scen}{group}: {type(e).__name__}: {e}")
    check(f"{tag}_xarray_opens_every_group", not bad, "; ".join(bad[:3]))


def main():
    work, docs = sys.argv[1], sys.argv[2:]
    files = {"run": os.path.join(work, "results/daan-baseline.h5"),
             "plans": os.path.join(work, "results/plans.h5")}
    commit_ok = os.environ.get("GIT_COMMIT_OK", "").split() or None
    for tag, path in files.items():
        check_file(tag, path, commit_ok)
    refs = {tag: Reference(path) for tag, path in files.items()}
    found = 0
    for doc in docs:
        for docname, line, lang, text in snippets(doc):
            found += 1
            if "results/daan-baseline.h5" in text:
                targets = [("run", text),
                           ("plans", text.replace("results/daan-baseline.h5", "results/plans.h5"))]
            elif "results/plans.h5" in text:
                targets = [("plans", text)]
            else:
                check(f"{docname}_{line}_names_a_known_file", False,
                      "the snippet reads neither results/daan-baseline.h5 nor results/plans.h5")
                continue
            for tag, t in targets:
                name = f"{docname.replace('.md', '')}_{line}_{lang}_{tag}"
                if lang == "python":
                    run_python(name, t, work, refs[tag])
                elif lang == "r":
                    run_r(name, t, work, refs[tag])
                else:
                    run_commands(name, t, work)
    check("snippets_found", found >= 7, f"{found} snippets in {docs}")


if __name__ == "__main__":
    main()
    sys.exit(1 if failures else 0)
