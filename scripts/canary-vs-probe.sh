#!/usr/bin/env bash
# Does the run's noise canary measure the machine, or the benchmark's own footprint? Runs
# `fragbench probe` on one CPU over the same minutes as a one-process run pinned to the other,
# and prints the two shares side by side: the share of the run's canary readings that read slow
# and the share of the probe's windows that did (both: more than 10% above their own 5th
# percentile). docs/noise.md, "Speed states".
#
#   [PROBE_WINDOW_MS=1] scripts/canary-vs-probe.sh [OUT=/tmp/fragbench-probe] [BIN=.build/release/fragbench] [-- run options]
# (1 ms windows, the length of a sample, so a preemption weighs in both alike)
# (default run: alloc-only, alloc-free and mixed at 64 B, 32K max)
set -euo pipefail
out=${1:-/tmp/fragbench-probe}
bin=${2:-.build/release/fragbench}
shift $(( $# < 2 ? $# : 2 ))
[ "${1:-}" = "--" ] && shift
run_options=("$@")
[ ${#run_options[@]} -gt 0 ] || run_options=(--workload alloc-only,alloc-free,mixed --fragsz 64 --max-size 32K)
[ -x "$bin" ] || { echo "canary-vs-probe: $bin is not built (swift build -c release)" >&2; exit 1; }
[ ! -e "$out" ] || { echo "canary-vs-probe: $out exists; pick another directory" >&2; exit 1; }
mkdir -p "$out"
"$bin" probe --cpu 1 --seconds 3600 --window-ms "${PROBE_WINDOW_MS:-1}" --csv "$out/probe.csv" >"$out/probe.txt" 2>"$out/probe.log" &
probe=$!
trap 'kill -INT $probe 2>/dev/null || true' EXIT
sleep 1
"$bin" run "${run_options[@]}" --one-process --cpu 0 --counters none --output "$out/run" >/dev/null 2>"$out/run.log"
kill -INT $probe
wait $probe || true
trap - EXIT
run_share=$(python3 -c 'import json,re,sys; t=json.load(open(sys.argv[1]))["provenance"].get("machineNoise") or ""; m=re.search(r"[0-9.]+% of canary readings slow", t); print(m.group(0) if m else "")' "$out/run/latest/run.json" 2>/dev/null || true)
probe_share=$(grep -o 'slow (more than 10% above its baseline) in [0-9.]*% of windows' "$out/probe.txt" || true)
echo "run (CPU 0): ${run_share:-no canary figure (see $out/run.log)}"
echo "probe (CPU 1): ${probe_share:-no summary (see $out/probe.log)}"
cat "$out/probe.txt"
