#!/usr/bin/env python3
"""check-gbench.py A/gbench.json B/gbench.json

Reads two FragBench gbench.json files the way google-benchmark's tools/compare.py does
(`compare.py -a benchmarks A B`): entries grouped by their name (those with time_unit, real_time
and cpu_time), a Mann-Whitney U-test over each group's real_time values, and compare.py's
warning when a group has fewer than 9 repetitions. Prints one line per point; exit status 1 when
a point would get that warning or the files lack what compare.py reads. Needs scipy (as
compare.py does).
"""
import json
import sys

from scipy.stats import mannwhitneyu

OPTIMAL_REPETITIONS = 9  # compare.py's UTEST_OPTIMAL_REPETITIONS
REQUIRED = ["name", "run_type", "real_time", "cpu_time", "time_unit", "repetitions", "threads"]


def groups(path):
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        missing = [k for k in REQUIRED if k not in b]
        if missing:
            sys.exit(f"{path}: {b.get('name', '?')} lacks {', '.join(missing)}")
        if b["run_type"] == "iteration" and "repetition_index" not in b:
            sys.exit(f"{path}: {b['name']} is an iteration without repetition_index")
        if b["run_type"] == "aggregate" and not {"aggregate_name", "aggregate_unit"} <= b.keys():
            sys.exit(f"{path}: {b['name']} is an aggregate without aggregate_name/aggregate_unit")
        if "error_message" in b and not b.get("error_occurred"):
            sys.exit(f"{path}: {b['name']} has error_message without error_occurred")
        out.setdefault(b["name"], []).append(b)
    return data["context"], out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    (ca, a), (cb, b) = groups(sys.argv[1]), groups(sys.argv[2])
    for key in ["host_name", "num_cpus", "library_version", "json_schema_version"]:
        if key not in ca or key not in cb:
            print(f"context lacks {key}")
    warned = 0
    for name in [n for n in a if n in b]:
        if a[name][0]["run_type"] != "iteration":
            continue
        x, y = [e["real_time"] for e in a[name]], [e["real_time"] for e in b[name]]
        n = min(len(x), len(y))
        p = mannwhitneyu(x, y, alternative="two-sided").pvalue if n >= 2 else None
        note = "" if n >= OPTIMAL_REPETITIONS else f"  WARNING: {OPTIMAL_REPETITIONS}+ repetitions recommended"
        warned += 1 if note else 0
        print(f"{name}: {len(x)} vs {len(y)} repetitions, U-test p={p if p is None else round(p, 4)}{note}")
    sys.exit(1 if warned else 0)


if __name__ == "__main__":
    main()
