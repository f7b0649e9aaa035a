"""tests/e2e/notebooks_check.py

Checks of notebooks/dpsim_nb.py, the notebooks' reader and statistics, each against a value with
an independent reason (stated beside it). Prints "PASS: name" / "FAIL: name" lines.

Usage: notebooks_check.py REAL.h5 FIXTURE.h5 BASE ALT
  REAL.h5     a file written by `dpsim run BASE.yaml ALT.yaml --runs N` (N >= 2)
  FIXTURE.h5  the same file rewritten by notebooks_fixture.py
"""

import math
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import h5py
import numpy as np
import xarray as xr

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "notebooks"))
import dpsim_nb as nb  # noqa: E402
import notebooks_fixture as fx  # noqa: E402

failed = 0


def check(name, cond, detail=""):
    global failed
    if cond:
        print(f"PASS: {name}")
    else:
        failed += 1
        print(f"FAIL: {name}" + (f" ({detail})" if detail else ""))


def main(real, fixture, base, alt):
    # 1. Percentiles: runs 1..5 sorted; quantile f sits at position f*(n-1) = 4f
    #    (docs/output-schema.md), so p025 = 1 + 0.1, p05 = 1 + 0.2, p25 = 2, p50 = 3, p75 = 4,
    #    p95 = 4.8, p975 = 4 + 0.9 = 4.9.
    a = xr.DataArray([3.0, 1.0, 5.0, 2.0, 4.0], dims=["run"])
    q = nb.quantiles(a)
    check("nb_quantiles_hand",
          list(q["stat"].values) == ["p025", "p05", "p25", "p50", "p75", "p95", "p975"]
          and np.allclose(q.values, [1.1, 1.2, 2.0, 3.0, 4.0, 4.8, 4.9], rtol=0, atol=1e-12),
          str(q.values))
    # sd with divisor n-1: sum of squares about 3 is 10, 10/4 = 2.5.
    d = nb.describe(a)
    check("nb_describe_sd_hand", abs(float(d.sel(stat="sd")) - math.sqrt(2.5)) < 1e-12)
    # One run: sd is 0 by the file's definition, not NaN.
    check("nb_describe_one_run_sd_zero", float(nb.describe(a[:1]).sel(stat="sd")) == 0.0)

    # 2. The reader against the C writer: the percentiles computed from runs/ equal the file's
    #    summary/ (written by dpsim with GSL) for every table of the real file.
    with nb.Results(real) as res:
        scen = res.scenarios
        check("nb_scenarios_in_written_order", scen == [base, alt], str(scen))
        worst = 0.0
        for name in res.tables(base, "runs"):
            # runs/target_gap_yuan is NaN where a target has no unit cost: its percentiles are
            # NaN on both sides (the comparison skips them), without numpy's warning.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
                mine = nb.describe(res.table(base, "runs", name)).transpose("stat", ...)
            theirs = res.table(base, "summary", name).sel(stat=list(mine["stat"].values))
            top = float(abs(theirs.sel(stat="mean")).max()) or 1.0
            worst = max(worst, float(abs(mine - theirs).max()) / top)
        check("nb_describe_equals_file_summary", worst < 1e-9, f"relative gap {worst:.2e}")
        t = res.table(base, "runs", "spending")
        check("nb_table_dims", t.dims == ("run", "year", "region", "programme"), str(t.dims))
        check("nb_table_year_coord", list(t["year"].values) == list(range(2021, 2036)))
        check("nb_table_unit", t.attrs.get("units") == "yuan")
        prog = res.axis(base, "programme")
        check("nb_axis_label_zh", prog.zh("care_subsidy") == "重度残疾人护理补贴")
        # The default run's scenarios both list daan-targets.yaml's four targets (the overlay
        # inherits them): dpsim's own layout is read, probabilities = mean of runs/target_met.
        for s in (base, alt):
            tg, note = nb.read_targets(res, s)
            met = res.f[s]["runs/target_met"][()] if res.has(s, "runs", "target_met") else None
            check(f"nb_targets_default_run_{s}",
                  tg is not None and "base/targets" in note and len(tg) == 4 and met is not None
                  and np.allclose(tg["probability"].values, met.mean(axis=0), rtol=0, atol=1e-15),
                  note)
    # The same file with dpsim's target tables removed (as from a scenario listing none).
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.h5"
        shutil.copyfile(real, bare)
        with h5py.File(bare, "r+") as f:
            gone = fx.strip_dpsim_targets(f[base])
        with nb.Results(bare) as res:
            tg, note = nb.read_targets(res, base)
            check("nb_targets_absent", "base/targets" in gone and tg is None
                  and note.startswith("no targets in this file"), note)

    # 3. Paired differences on the fixture: run r of ALT - BASE is D * (1 + 0.1 z_r) by
    #    construction (notebooks_fixture.py), so percentile f is D * (1 + 0.1 (2f - 1)).
    with nb.Results(fixture) as res, nb.Results(real) as orig:
        sb = res.table(base, "runs", "spending").sum("region")
        sa = res.table(alt, "runs", "spending").sum("region")
        diff = nb.paired_difference(sb, sa)
        D = (orig.table(alt, "runs", "spending").isel(run=0)
             - orig.table(base, "runs", "spending").isel(run=0)).sum("region")
        q = nb.quantiles(diff)
        expect = xr.concat([D * (1 + 0.1 * (2 * f - 1)) for f in nb.QUANTILES.values()],
                           dim="stat").assign_coords(stat=list(nb.QUANTILES))
        top = float(abs(D).max())
        gap = float(abs(q - expect).max()) / top
        check("nb_paired_difference_closed_form", gap < 1e-9, f"relative gap {gap:.2e}")
        # Unpaired, the spread of the difference would be that of the scenarios (20 % of
        # spending): the pairing is what makes the interval narrow.
        tot_b = sb.sum("programme").sel(year=2035)
        width_paired = float(q.sel(stat="p95", year=2035).sum() - q.sel(stat="p05", year=2035).sum())
        width_base = float(nb.quantiles(tot_b).sel(stat="p95") - nb.quantiles(tot_b).sel(stat="p05"))
        check("nb_paired_narrower_than_unpaired", width_paired < 0.5 * width_base,
              f"{width_paired:.0f} vs {width_base:.0f}")
        # Years only one side has are dropped, not compared with 0.
        short = sa.sel(year=slice(2021, 2030))
        check("nb_paired_common_years",
              list(nb.paired_difference(sb, short)["year"].values) == list(range(2021, 2031)))
        # A programme only one side has counts as 0 on the other: the difference is its spending.
        extra = sa.isel(programme=[0]).assign_coords(programme=["new_programme"])
        both = xr.concat([sa, extra], dim="programme")
        dd = nb.paired_difference(sb, both).sel(programme="new_programme")
        check("nb_paired_missing_programme_is_zero", np.allclose(dd, extra.isel(programme=0)))
        # The 95 % half-width of the mean is 1.959964 sd / sqrt(n).
        m, half = nb.mean_interval(diff.sel(year=2035, programme="care_subsidy"))
        x = diff.sel(year=2035, programme="care_subsidy").values
        check("nb_mean_interval_hand",
              abs(float(half) - 1.959963984540054 * x.std(ddof=1) / math.sqrt(len(x))) < 1e-6)

        # 4. Targets in the documented layout, read back with their metadata, binding first,
        #    then by year, then least likely first (TARGETS in the fixture).
        tg, note = nb.read_targets(res, base)
        ok = tg is not None
        check("nb_targets_read", ok, note)
        if ok:
            tg = nb.order_targets(tg)
            want = ["severe_certified_2025", "disabled_2035", "certified_2025", "aged60_2035"]
            check("nb_targets_binding_first", list(tg["target"]) == want, str(list(tg["target"])))
            byname = tg.set_index("target")
            check("nb_targets_probability",
                  all(abs(byname.loc[t[0], "probability"] - t[7]) < 1e-12 for t in fx.TARGETS))
            check("nb_targets_metadata",
                  all(byname.loc[t[0], "op"] == t[3] and int(byname.loc[t[0], "year"]) == t[2]
                      and byname.loc[t[0], "kind"] == t[5] for t in fx.TARGETS))

    # 5. Other target layouts (notebooks/README.md): runs/targets_met [run, target] of 0/1 (the
    #    probability is the share of runs meeting the target: 3 of 4 and 1 of 4) merged with
    #    summary/targets [stat, target] (its mean row), and a compound dataset with op as
    #    -1/0/1 and kind as 1/0.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.h5"
        with h5py.File(path, "w") as f:
            g = f.create_group("s")
            g["scenario_yaml"] = "dpsim: 1\nname: s\n"
            tgt = g.create_dataset("target", data=np.array(["a_2025", "b_2035"],
                                                           dtype=h5py.string_dtype()))
            tgt.make_scale("target")
            g.create_dataset("run", data=np.arange(4, dtype=np.int32)).make_scale("run")
            d = g.create_dataset("runs/targets_met", data=np.array(
                [[1, 0], [1, 1], [0, 0], [1, 0]], dtype=float))
            d.attrs["dims"] = "run,target"
            # The indicators' own statistics beside them, [stat, target]: the mean is merged in.
            g.create_dataset("stat", data=np.array(["mean", "sd"], dtype=h5py.string_dtype()))
            d = g.create_dataset("summary/targets", data=np.array([[0.84, 7.5], [0.02, 0.1]]))
            d.attrs["dims"] = "stat,target"
            g2 = f.create_group("c")
            rec = np.array([(b"rehab", 2025, 1, 0.85, 1, 0.81, 0.2)],
                           dtype=[("indicator", "S16"), ("year", "i4"), ("op", "i4"),
                                  ("value", "f8"), ("kind", "i4"), ("mean", "f8"),
                                  ("probability", "f8")])
            g2.create_dataset("summary/targets", data=rec)
        with nb.Results(path) as res:
            tg, note = nb.read_targets(res, "s")
            check("nb_targets_runs_met",
                  tg is not None and list(tg["probability"]) == [0.75, 0.25]
                  and list(tg["year"]) == [2025, 2035], note)
            check("nb_targets_sources_merged",
                  tg is not None and list(tg["mean"]) == [0.84, 7.5], note)
            tg, note = nb.read_targets(res, "c")
            check("nb_targets_compound",
                  tg is not None and tg.loc[0, "op"] == ">=" and tg.loc[0, "kind"] == "binding"
                  and tg.loc[0, "probability"] == 0.2 and tg.loc[0, "indicator"] == "rehab", note)

    # 6. Scenario diff, by hand: grade1 goes 93 -> {2021: 93, 2023: 120}, so it differs in
    #    2023-2035 only; indexation is added (absent on the base side); grade2 is unchanged;
    #    the name differs but is not a parameter. A dated value applies its first entry before
    #    its first year (docs/scenarios.md).
    b = ("dpsim: 1\nname: a\nyears: {start: 2021, end: 2035}\n"
         "programmes:\n  care_subsidy:\n    monthly: {grade1: 93, grade2: 93}\n")
    a_ = ("dpsim: 1\nname: b\nyears: {start: 2021, end: 2035}\nprogrammes:\n  care_subsidy:\n"
          "    monthly: {grade1: {2021: 93, 2023: 120}, grade2: 93}\n    indexation: {rate: 0.03}\n")
    df = nb.scenario_diff(b, a_)
    rows = [tuple(r) for r in df.itertuples(index=False)]
    want = [("programmes.care_subsidy.indexation.rate", "all", "—", "0.03"),
            ("programmes.care_subsidy.monthly.grade1", "2023–2035", "93", "120")]
    check("nb_scenario_diff_hand", rows == want, str(rows))
    check("nb_value_in_year_before_first", nb.value_in_year({2023: 5, 2025: 7}, 2021) == 5
          and nb.value_in_year({2023: 5, 2025: 7}, 2024) == 5
          and nb.value_in_year({2023: 5, 2025: 7}, 2030) == 7)
    check("nb_scenario_diff_none", nb.scenario_diff(b, b).empty)
    # Several dated changes: 99 -> {2021: 99, 2024: 120, 2030: 150} differs in two ranges.
    df = nb.scenario_diff("programmes: {living_subsidy: {monthly: 99}}\n",
                          "programmes: {living_subsidy: {monthly: {2021: 99, 2024: 120, "
                          "2030: 150}}}\n")
    check("nb_scenario_diff_ranges", [tuple(r)[1:] for r in df.itertuples(index=False)] ==
          [("2024–2029", "99", "120"), ("2030–2035", "99", "150")], str(df.values.tolist()))

    # 7. The default run's engine: the --engine paragraph of `dpsim run --help` decides; a
    #    "not available" elsewhere in the help does not.
    today = ("options:\n  --engine E          cohort (deterministic expected values; the default). The\n"
             "                      micro engine (Monte Carlo) is not available in this version.\n"
             "  --runs N            replicates\n")
    later = ("options:\n  --engine E          micro (Monte Carlo) or cohort (the default)\n"
             "  --threads N         threads (MPI is not available in this build)\n")
    check("nb_engine_help_today", "not available" in nb.engine_help(today)
          and "--runs" not in nb.engine_help(today))
    check("nb_engine_help_later", nb.engine_help(later) ==
          "--engine E          micro (Monte Carlo) or cohort (the default)")

    # 8. The pyramid of notebook 04 (tests/e2e/notebooks_pyramid.py checks its drawn totals).
    #    Base year: year_start - 1 = 2020, Da'an's base year (docs/output-schema.md). The 2035
    #    panel summed over sex, age and grade is the disabled count of summary/indicators (the
    #    same persons counted by another table); the base panel is base/disabled_base itself.
    with nb.Results(real) as res:
        (p0, p1), by_grade, note = nb.pyramid(res, base)
        check("nb_pyramid_base_year", p0.year == 2020 and p0.base and p1.year == 2035
              and by_grade and p0.data.dims == ("sex", "age", "grade"), note)
        ind = res.table(base, "summary", "indicators").sel(stat="mean", year=2035,
                                                          indicator="disabled").sum()
        check("nb_pyramid_2035_equals_indicator",
              abs(float(p1.data.sum()) - float(ind)) <= 1e-9 * float(ind),
              f"{float(p1.data.sum())} vs {float(ind)}")
        gt = nb.grade_totals(res, base, [p0, p1], by_grade)
        check("nb_pyramid_grade_totals_columns", list(gt.columns) == [2020, 2035]
              and np.allclose(gt[2020].sum(), float(p0.data.sum()), rtol=1e-12))
    # A file with the age x grade table but not base/disabled_base: the first projected year
    # stands in for the base year, and the note says so.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "nobase.h5"
        shutil.copyfile(real, path)
        with h5py.File(path, "r+") as f:
            del f[base]["base/disabled_base"]
        with nb.Results(path) as res:
            (p0, p1), by_grade, note = nb.pyramid(res, base)
            check("nb_pyramid_without_base_table", p0.year == 2021 and not p0.base and by_grade
                  and "no base/disabled_base" in note, note)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit("usage: notebooks_check.py REAL.h5 FIXTURE.h5 BASE ALT")
    sys.exit(main(*sys.argv[1:]))
