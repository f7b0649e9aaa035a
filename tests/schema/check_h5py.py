"""tests/schema/check_h5py.py -- reads a dpsim results file the way a user would (h5py, and
xarray's h5netcdf engine when installed) and checks schema 3 (docs/output-schema.md):
root attributes (Conventions, git_commit), UTF-8 Chinese labels, the CF table attributes
(units, long_name, label_zh), that every table dimension has the axis named in its `dims`
attribute attached as a dimension scale, that no table is named like an axis, and the
summary's stat axis.

Usage: /usr/bin/python3 tests/schema/check_h5py.py FILE.h5 [SCENARIO]
Prints one "PASS: name" or "FAIL: name (why)" line per check (tests/run.sh counts them), and
"SKIP: name (why)" when an optional reader is not installed. Exit status 1 if any check failed.
"""
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


def text(value):
    """h5py gives str for variable-length UTF-8; accept bytes too."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def main():
    path = sys.argv[1]
    scenario = sys.argv[2] if len(sys.argv) > 2 else "baseline"
    with h5py.File(path, "r") as f:
        root = f.attrs
        check("h5py_root_attributes",
              text(root.get("tool", "")) == "dpsim" and text(root.get("schema_version", "")) == "5"
              and text(root.get("Conventions", "")) == "CF-1.8"
              and all(k in root for k in ("version", "git_commit", "created_utc", "command_line")),
              f"root attributes {sorted(root.keys())}")
        g = f[scenario]
        check("h5py_group_attributes",
              all(k in g.attrs for k in ("title", "engine", "runs", "seed", "rng", "regions")),
              f"group attributes {sorted(g.attrs.keys())}")
        yaml = g["scenario_yaml"][()]
        check("h5py_scenario_yaml", text(yaml).startswith("dpsim:")
              and len(text(g["scenario_yaml"].attrs["sha256"])) == 64)

        # Chinese labels: a UTF-8 attribute decodes to the original characters.
        region = g["region"]
        zh = [text(s) for s in region.attrs["label_zh"]]
        check("h5py_label_zh_utf8", zh == ["大安区", "呼中区"], f"label_zh = {zh!r}")
        labels = [text(s) for s in region[()]]
        check("h5py_region_labels", labels == ["daan", "huzhong"], f"labels = {labels!r}")
        year = g["year"]
        check("h5py_numeric_axis",
              year.dtype == np.int32 and list(year[()]) == [2021, 2022, 2023]
              and [text(s) for s in year.attrs["labels"]] == ["2021", "2022", "2023"])
        check("h5py_stat_axis",
              [text(s) for s in g["stat"][()]] == ["mean", "sd", "p025", "p05", "p25", "p50", "p75", "p95", "p975"])

        # Every table: attributes, and the scale attached to each dimension is the axis its
        # dims attribute names, of matching length.
        bad = []
        n_tables = 0
        axes = {k for k, v in g.items()
                if isinstance(v, h5py.Dataset) and text(v.attrs.get("CLASS", "")) == "DIMENSION_SCALE"}
        for group, lead in (("runs", "run"), ("summary", "stat"), ("base", None)):
            for name, ds in g[group].items():
                n_tables += 1
                where = f"{group}/{name}"
                for key in ("units", "long_name", "label_zh", "dims"):
                    if key not in ds.attrs:
                        bad.append(f"{where}: no {key}")
                for key in ("unit", "title", "title_zh"):
                    if key in ds.attrs:
                        bad.append(f"{where}: has the schema-2 attribute {key}")
                if name in axes:
                    bad.append(f"{where}: named like the axis /{scenario}/{name}")
                dims = text(ds.attrs.get("dims", "")).split(",") if ds.ndim else []
                if lead and (not dims or dims[0] != lead):
                    bad.append(f"{where}: first dimension {dims[:1]} is not {lead}")
                if len(dims) != ds.ndim:
                    bad.append(f"{where}: dims {dims} for rank {ds.ndim}")
                    continue
                for k, dim in enumerate(ds.dims):
                    if len(dim) != 1:
                        bad.append(f"{where}: dimension {k} has {len(dim)} scales")
                        continue
                    scale = dim[0]
                    if scale.name != f"/{scenario}/{dims[k]}":
                        bad.append(f"{where}: dimension {k} is {scale.name}, dims says {dims[k]}")
                    if h5py.h5ds.is_attached(ds.id, scale.id, k) is not True:
                        bad.append(f"{where}: scale {dims[k]} not attached")
                    if scale.shape[0] != ds.shape[k]:
                        bad.append(f"{where}: {dims[k]} has {scale.shape[0]} values")
        check("h5py_tables_scales_attached", n_tables > 0 and not bad, "; ".join(bad[:5]))
        t = g["runs/spending"]
        check("h5py_units_titles",
              text(t.attrs["units"]) == "yuan" and text(t.attrs["label_zh"]) == "项目支出",
              f"units {t.attrs.get('units')!r}, label_zh {t.attrs.get('label_zh')!r}")
        check("h5py_chunked_compressed", t.chunks is not None and t.compression == "gzip"
              and t.shuffle and t.chunks[0] == 1, f"chunks {t.chunks}, {t.compression}")

    try:
        import xarray as xr
    except ImportError:
        print("SKIP: xarray_h5netcdf (xarray not installed for this Python)")
        return
    try:
        import h5netcdf  # noqa: F401
    except ImportError:
        print("SKIP: xarray_h5netcdf (h5netcdf not installed for this Python)")
        return
    try:
        axes = xr.open_dataset(path, engine="h5netcdf", group=scenario)
        runs = xr.open_dataset(path, engine="h5netcdf", group=f"{scenario}/runs")
        runs = runs.assign_coords({d: axes[d] for d in runs.dims})
        value = runs["spending"].sel(run=1, year=2022, region="huzhong").item()
        with h5py.File(path, "r") as f:
            expected = f[f"{scenario}/runs/spending"][1, 1, 1]
        check("xarray_h5netcdf", runs["spending"].dims == ("run", "year", "region")
              and value == expected, f"dims {runs['spending'].dims}, value {value}")
    except Exception as e:  # any failure to read is a failed check
        check("xarray_h5netcdf", False, f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
    sys.exit(1 if failures else 0)
