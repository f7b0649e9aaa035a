"""Checks `dpsim summary`'s 90% and 95% intervals of total spending against numpy's percentiles of the
runs stored in the file (an independent reader and an independent quantile routine; numpy's
default linear interpolation is GSL's gsl_stats_quantile_from_sorted_data definition).
usage: summary_interval.py RESULTS.h5 SCENARIO SUMMARY_OUTPUT.txt"""
import sys

import h5py
import numpy as np

path, scen, text = sys.argv[1], sys.argv[2], open(sys.argv[3], encoding="utf-8").read()
with h5py.File(path, "r") as f:
    sp = f[scen]["runs/spending"][...]  # [run, year, region, programme]
    years = [y.decode() if isinstance(y, bytes) else str(y) for y in f[scen]["year"][...]]
total = sp.sum(axis=(2, 3))  # [run, year]
checked = 0
for head, q in (("90% intervals", [5, 95]), ("95% intervals over", [2.5, 97.5])):
    lines = text.split(head, 1)[1].splitlines()
    for yi, year in enumerate(years):
        row = [l for l in lines if l.strip().startswith(year + " ")]
        assert row, f"no {head} row for {year}"
        lo, hi = (float(x.replace(",", "")) for x in row[0].split()[-1].split("-"))
        plo, phi = np.percentile(total[:, yi], q) / 1e4
        assert abs(lo - plo) <= 0.051 and abs(hi - phi) <= 0.051, (head, year, lo, hi, plo, phi)
        assert lo <= total[:, yi].mean() / 1e4 <= hi
        checked += 1
print(f"summary 90% and 95% intervals match numpy for {checked} year rows")
