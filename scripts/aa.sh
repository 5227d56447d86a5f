#!/usr/bin/env bash
# The A/A experiment: the same build, N separate processes per workload, one after another,
# each publishing into one results directory per workload (as repeated `make bench` runs do, so
# the canary reference accrues). Then scripts/aa-report.py says how far the processes' estimates
# spread and how often a run's 95% interval covers another run's estimate.
#
#   scripts/aa.sh [N=8] [OUT=/tmp/fragbench-aa] [BIN=.build/release/fragbench] [-- extra run options]
set -euo pipefail
n=${1:-8}
out=${2:-/tmp/fragbench-aa}
bin=${3:-.build/release/fragbench}
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
extra=("$@")
[ -x "$bin" ] || { echo "aa: $bin is not built (swift build -c release)" >&2; exit 1; }
workloads=("alloc-only --fragsz 64" "alloc-free --fragsz 64" "mixed")
for i in $(seq 1 "$n"); do
  for w in "${workloads[@]}"; do
    name=${w%% *}
    # shellcheck disable=SC2086
    "$bin" run --workload $w --max-size 32K --counters none "${extra[@]}" --output "$out/$name" >/dev/null 2>>"$out.log" \
      || echo "aa: process $i of $name failed (see $out.log)" >&2
  done
  echo "aa: $i/$n" >&2
done
python3 "$(dirname "$0")/aa-report.py" "$out"
