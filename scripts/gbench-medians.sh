#!/usr/bin/env bash
# gbench.json keeps every sample as a repetition, plus mean/median/stddev/cv aggregates.
# github-action-benchmark (tool: googlecpp) charts one value per name and commit: give it the
# medians, named as the points are (fragbench list), so its history lines up with ours.
# Usage: scripts/gbench-medians.sh results/latest/gbench.json > medians.json
set -euo pipefail
file=${1:?usage: scripts/gbench-medians.sh GBENCH_JSON}
command -v jq >/dev/null || { echo "gbench-medians: jq is not installed (make deps installs it)" >&2; exit 1; }
jq '{context: .context, benchmarks: [.benchmarks[] | select(.run_type == "aggregate" and .aggregate_name == "median")
     | .name = (.run_name // (.name | sub("_median$"; "")))]}' "$file"
