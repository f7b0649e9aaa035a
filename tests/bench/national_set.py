#!/usr/bin/python3
"""tests/bench/national_set.py — writes the synthetic national county set with its hierarchy.

The set is the one the benchmarks generate in memory (tests/bench/bench_cohort.c (c),
tests/bench/bench_rollup.c): N county-sized regions (default 2,850, about China's county-level
divisions) sharing China's 1.412 billion residents of 2020 by a log-normal size distribution
(county r gets the quantile of N(0, 0.8) at (r + 0.5) / N, scaled to the total), 6.34% of them
disabled (the 2006 survey's national prevalence), 45% of those certified, births 0.85% a year, no
migration, the national age, sex and type structure. ASSUMPTION: a synthetic set for scale
tests and benchmarks, not data; no county's numbers are real.

The hierarchy groups them like China's: 31 provinces, 333 prefectures (every prefecture in one
province, round robin; counties likewise spread over prefectures, so that every province has
small and large counties), under the nation. Codes follow GB/T 2260's pattern (province PP0000,
prefecture PPCC00, county PPCCXX, PP from 11) but are synthetic.

Writes a data folder OUT (default build/nation):
  OUT/regions/county0000.yaml ...   one region file per county, with parent: and code:
  OUT/regions/hierarchy.yaml        nation -> 31 provinces -> 333 prefectures -> counties
  OUT/reference                     a symbolic link to this project's data/reference
  OUT/nation.yaml                   the whole nation (regions: [nation:china]), 2021-2035
  OUT/province-p01.yaml             the first province (regions: [province:p01])
to run with `dpsim run OUT/nation.yaml --data OUT`.

usage: /usr/bin/python3 tests/bench/national_set.py [OUT] [--counties N]
"""
import os
import sys
from statistics import NormalDist

N_PROVINCE, N_PREFECTURE = 31, 333
RESIDENTS, PREVALENCE, CERTIFIED, BIRTHS = 1.412e9, 0.0634, 0.45, 0.0085


def main(argv):
    out, n = "build/nation", 2850
    args = list(argv[1:])
    while args:
        a = args.pop(0)
        if a == "--counties" and args:
            n = int(args.pop(0))
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        elif not a.startswith("-"):
            out = a
        else:
            print(f"national_set.py: unknown option {a}", file=sys.stderr)
            return 2
    if n < 1 or n > N_PREFECTURE * 99:
        print(f"national_set.py: --counties expects 1 to {N_PREFECTURE * 99}", file=sys.stderr)
        return 2
    n_pref = min(N_PREFECTURE, n)
    n_prov = min(N_PROVINCE, n_pref)
    regions = os.path.join(out, "regions")
    os.makedirs(regions, exist_ok=True)
    ref = os.path.join(out, "reference")
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.path.normpath(os.path.join(here, "..", "..", "data", "reference"))
    if not os.path.lexists(ref):
        os.symlink(target, ref)

    size = [pow(2.718281828459045, 0.8 * NormalDist().inv_cdf((r + 0.5) / n)) for r in range(n)]
    total = sum(size)
    prov_code = [f"{11 + p:02d}0000" for p in range(n_prov)]
    pref_prov = [j % n_prov for j in range(n_pref)]
    pref_rank = [sum(1 for i in range(j) if pref_prov[i] == pref_prov[j]) for j in range(n_pref)]
    pref_code = [f"{11 + pref_prov[j]:02d}{pref_rank[j] + 1:02d}00" for j in range(n_pref)]
    pref_id = [f"p{pref_prov[j] + 1:02d}c{pref_rank[j] + 1:02d}" for j in range(n_pref)]
    lines = [
        "# Synthetic national county set (tests/bench/national_set.py): ASSUMPTION, not data.",
        "dpsim_hierarchy: 1",
        "nodes:",
        '  - {id: china, level: nation, code: "100000", name_en: Synthetic nation, name_zh: 合成全国}',
    ]
    for p in range(n_prov):
        lines.append(f'  - {{id: p{p + 1:02d}, level: province, code: "{prov_code[p]}", '
                     f'parent: china, name_en: Synthetic province {p + 1}, name_zh: 合成省{p + 1}}}')
    for j in range(n_pref):
        lines.append(f'  - {{id: {pref_id[j]}, level: prefecture, code: "{pref_code[j]}", '
                     f'parent: p{pref_prov[j] + 1:02d}, name_en: Synthetic prefecture {j + 1}, '
                     f'name_zh: 合成地区{j + 1}}}')
    seen = [0] * n_pref
    for r in range(n):
        j = r % n_pref
        seen[j] += 1
        cid, code = f"county{r:04d}", f"{pref_code[j][:4]}{seen[j]:02d}"
        pop = RESIDENTS * size[r] / total
        lines.append(f'  - {{id: {cid}, level: county, code: "{code}", parent: {pref_id[j]}, '
                     f'name_en: Synthetic county {r}, name_zh: 合成县{r}}}')
        with open(os.path.join(regions, cid + ".yaml"), "w", encoding="utf-8") as f:
            f.write(f"""# Synthetic county {r} of the national set (tests/bench/national_set.py): ASSUMPTION.
dpsim_region: 1
id: {cid}
name_en: "Synthetic county {r}"
name_zh: 合成县{r}
province: China
parent: {pref_id[j]}
code: "{code}"
base_year: 2020
population:
  total: {pop:.17g}
  birth_rate: {BIRTHS}
  migration_rate: 0
disabled:
  total: {PREVALENCE * pop:.17g}
  marginals:
    certified: {CERTIFIED * PREVALENCE * pop:.17g}
""")
    with open(os.path.join(regions, "hierarchy.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    for name, sel, title in (("nation", "nation:china", "the synthetic nation"),
                             ("province-p01", "province:p01", "synthetic province 1")):
        with open(os.path.join(out, name + ".yaml"), "w", encoding="utf-8") as f:
            f.write(f"""# {title} of tests/bench/national_set.py: the national default rules, 2021-2035.
dpsim: 1
name: {name}
title: "{title} (synthetic county set)"
regions: [{sel}]
years: {{start: 2021, end: 2035}}
""")
    print(f"{n} counties, {n_pref} prefectures, {n_prov} provinces in {out}/regions; "
          f"run: dpsim run {out}/nation.yaml --data {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
