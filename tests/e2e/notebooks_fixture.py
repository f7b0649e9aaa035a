"""tests/e2e/notebooks_fixture.py

Makes a results file with known spread, for tests/e2e/notebooks.sh: the notebooks must also
run on files richer than what today's engines write (replicates that differ, parameter draws,
an age x grade table, plan targets). Starting from a real dpsim file with the scenarios BASE and
ALT (same runs), it rewrites, with h5py:

  runs/spending of BASE: run r scaled by (1 + 0.2 * z_r), z = linspace(-1, 1, runs)
  runs/spending of ALT:  BASE's new run r + D * (1 + 0.1 * z_r), where D = ALT - BASE of run 0
                         in the original file (the reform's cost); so the paired difference of
                         run r is exactly D * (1 + 0.1 * z_r), and its percentile f is
                         D * (1 + 0.1 * (2 f - 1)) (linear interpolation of evenly spaced z)
  summary/spending of both: recomputed from the new runs (mean, sd, percentiles as the writer
                         defines them)
  runs/parameters [run, parameter] in BASE: draws 1 + 0.1 * z_r of rates.onset_multiplier
  runs/disabled_age_grade [run, year, region, sex, age, grade] in BASE: disabled_age split by
                         the year's grade shares from runs/disabled (synthetic; only its shape
                         and labels matter to the notebooks)
  targets in BASE: dpsim's own target tables (the default run's baseline lists targets)
                         removed first (strip_dpsim_targets), then axis `target` (attributes
                         indicator, year, op, value, kind) and
                         summary/targets [target, field] with fields mean and probability (the
                         first of the other layouts notebooks/README.md lists; dpsim's own
                         layout is tested by notebook_targets.sh), values in TARGETS below

Usage: notebooks_fixture.py SRC.h5 OUT.h5 BASE ALT
"""

import shutil
import sys

import h5py
import numpy as np

# target label, indicator, year, op, value, kind, mean, probability
TARGETS = [
    ("certified_2025", "certified", 2025, ">=", 14500.0, "expected", 14420.0, 0.35),
    ("disabled_2035", "disabled", 2035, "<=", 21000.0, "binding", 20466.0, 0.80),
    ("severe_certified_2025", "severe_certified", 2025, ">=", 7000.0, "binding", 7100.0, 0.60),
    ("aged60_2035", "aged60", 2035, "<=", 15000.0, "expected", 16009.0, 0.05),
]
PARAM_ZH = "发病率乘数"


def stats(runs):
    """mean, sd (divisor n-1), p025, p05, p25, p50, p75, p95, p975 over axis 0: schema 4's
    stat axis, as docs/output-schema.md."""
    q = np.quantile(runs, [0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975], axis=0, method="linear")
    sd = runs.std(axis=0, ddof=1) if runs.shape[0] > 1 else np.zeros(runs.shape[1:])
    return np.concatenate([runs.mean(axis=0)[None], sd[None], q], axis=0)


def scale(g, name, values, label_zh, labels=None):
    d = g.create_dataset(name, data=values)
    d.make_scale(name)
    d.attrs["label_zh"] = np.array(label_zh, dtype=h5py.string_dtype())
    if labels is not None:
        d.attrs["labels"] = np.array(labels, dtype=h5py.string_dtype())
    return d


def table(g, path, data, dims, unit, title, title_zh):
    d = g.create_dataset(path, data=data)
    d.attrs["dims"] = ",".join(dims)
    d.attrs["unit"] = unit
    d.attrs["title"] = title
    d.attrs["title_zh"] = title_zh
    for i, dim in enumerate(dims):
        d.dims[i].attach_scale(g[dim])
    return d


def strip_dpsim_targets(g):
    """Removes from scenario group g the plan-target tables `dpsim run` writes
    (docs/output-schema.md#plan-targets): base/targets, runs/target_*, summary/target_*, then
    the axes target and target_field. Returns the names removed."""
    gone = []
    for sub in ("base", "runs", "summary"):
        grp = g.get(sub)
        if isinstance(grp, h5py.Group):
            for k in [k for k in grp if k == "targets" or k.startswith("target_")]:
                del grp[k]
                gone.append(f"{sub}/{k}")
    for k in ("target", "target_field"):        # the axes last: no table refers to them now
        if k in g:
            del g[k]
            gone.append(k)
    return gone


def main(src, out, base, alt):
    shutil.copyfile(src, out)
    with h5py.File(out, "r+") as f:
        b, a = f[base], f[alt]
        sb = b["runs/spending"][()]
        sa = a["runs/spending"][()]
        runs = sb.shape[0]
        if sa.shape != sb.shape or runs < 2:
            raise SystemExit("fixture: BASE and ALT need the same shapes and at least 2 runs")
        z = np.linspace(-1.0, 1.0, runs)
        zz = z.reshape((runs,) + (1,) * (sb.ndim - 1))
        D = sa[0] - sb[0]
        nb_ = sb * (1 + 0.2 * zz)
        na_ = nb_ + D[None] * (1 + 0.1 * zz)
        b["runs/spending"][...] = nb_
        a["runs/spending"][...] = na_
        b["summary/spending"][...] = stats(nb_)
        a["summary/spending"][...] = stats(na_)

        str_t = h5py.string_dtype()
        scale(b, "parameter", np.array(["rates.onset_multiplier"], dtype=str_t), [PARAM_ZH])
        table(b, "runs/parameters", (1 + 0.1 * z)[:, None], ["run", "parameter"], "ratio",
              "parameter draws", "参数抽样")

        # dpsim writes runs/disabled_age_grade itself; older files lack it, so make one then.
        if "runs/disabled_age_grade" not in b:
            da = b["runs/disabled_age"][()]                   # [run, year, region, sex, age]
            dis = b["runs/disabled"][()]                      # [run, year, region, type, grade, cert, hh]
            by_grade = dis.sum(axis=(3, 5, 6))                # [run, year, region, grade]
            share = by_grade / by_grade.sum(axis=-1, keepdims=True)
            dag = da[..., None] * share[:, :, :, None, None, :]
            table(b, "runs/disabled_age_grade", dag,
                  ["run", "year", "region", "sex", "age", "grade"], "persons",
                  "disabled persons by sex, age and grade (synthetic)",
                  "残疾人数（按性别、年龄、等级）")

        # The fixture's targets are in another layout than dpsim's, which must not be there too.
        strip_dpsim_targets(b)
        labels = [t[0] for t in TARGETS]
        ax = scale(b, "target", np.array(labels, dtype=str_t), [f"目标{i + 1}" for i in
                                                                 range(len(labels))])
        ax.attrs["indicator"] = np.array([t[1] for t in TARGETS], dtype=str_t)
        ax.attrs["year"] = np.array([t[2] for t in TARGETS], dtype=np.int32)
        ax.attrs["op"] = np.array([t[3] for t in TARGETS], dtype=str_t)
        ax.attrs["value"] = np.array([t[4] for t in TARGETS])
        ax.attrs["kind"] = np.array([t[5] for t in TARGETS], dtype=str_t)
        scale(b, "field", np.array(["mean", "probability"], dtype=str_t), ["均值", "达标概率"])
        table(b, "summary/targets", np.array([[t[6], t[7]] for t in TARGETS]),
              ["target", "field"], "mixed", "plan targets: mean and probability met",
              "规划目标：均值与达标概率")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit("usage: notebooks_fixture.py SRC.h5 OUT.h5 BASE ALT")
    sys.exit(main(*sys.argv[1:]))
