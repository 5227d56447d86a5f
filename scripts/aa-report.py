#!/usr/bin/env python3
"""Reads the runs scripts/aa.sh made (OUT/<workload>/runs/*/run.json) and prints, per workload:
each process's estimate and interval, the largest deviation from the median of the estimates,
how often one run's 95% interval covers another run's estimate (the target is about 95%), and
the same spread for other estimators recomputed from the stored samples (min, p10, p25, median
of the undisturbed samples; the median of all samples, the estimator before schema 3)."""
import glob
import json
import statistics
import sys


def percentile(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    rank = p / 100 * (len(xs) - 1)
    lo, hi = int(rank), min(int(rank) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (rank - lo)


def maxdev(values):
    m = statistics.median(values)
    return max(abs(v / m - 1) for v in values) * 100


def main(root):
    for workload in sorted(d.split("/")[-1] for d in glob.glob(root + "/*") if glob.glob(d + "/runs/*/run.json")):
        runs = [json.load(open(f)) for f in sorted(glob.glob(f"{root}/{workload}/runs/*/run.json"))]
        points = [r["points"][0] for r in runs if r["points"] and r["points"][0].get("nsPerOpLow") is not None]
        if len(points) < 2:
            continue
        est = [p["nsPerOp"] for p in points]
        print(f"{workload}: {len(points)} processes; CPU {runs[0]['provenance'].get('cpuModel')}")
        print("  estimates   " + " ".join(f"{e:.3f}" for e in est) + f"   largest deviation from their median {maxdev(est):.1f}%")
        print("  intervals   " + " ".join(f"[-{100 * (p['nsPerOp'] - p['nsPerOpLow']) / p['nsPerOp']:.1f},+{100 * (p['nsPerOpHigh'] - p['nsPerOp']) / p['nsPerOp']:.1f}]%" for p in points))
        print("  disturbed   " + " ".join(f"{p.get('disturbedSamples')}/{p['samples']}" for p in points))
        covered = [points[i]["nsPerOpLow"] <= est[j] <= points[i]["nsPerOpHigh"]
                   for i in range(len(points)) for j in range(len(points)) if i != j]
        print(f"  coverage    {100 * sum(covered) / len(covered):.0f}% of {len(covered)} (run, other run) pairs")
        for name, f in [("min", min), ("p10", lambda s: percentile(s, 10)), ("p25", lambda s: percentile(s, 25)),
                        ("median", statistics.median)]:
            values = []
            for p in points:
                samples, flags = p["sampleNsPerOp"], p.get("sampleDisturbed") or [False] * len(p["sampleNsPerOp"])
                clean = [s for s, d in zip(samples, flags) if not d]
                values.append(f(clean if len(clean) >= 5 else samples))
            print(f"  {name:7s}of undisturbed samples: largest deviation {maxdev(values):5.1f}%")
        print(f"  median of all samples (before schema 3): largest deviation {maxdev([statistics.median(p['sampleNsPerOp']) for p in points]):5.1f}%")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/fragbench-aa")
