#!/usr/bin/env bash
# make compare BASE=<rev> [HEAD=<rev>] [COUNTERS=both|auto|callgrind] [THRESHOLD=2] [GATE_THRESHOLD=1] [BUDGET=120] [PRESET=quick|default] [ROUNDS=5] [FILTER=regex] [VARIANT=list] [ALIGN=list] [API=list]
#
# Builds the working tree's fragbench in release (incrementally, in .build-compare/worktree)
# and hands the comparison to it: `fragbench compare --build BASE [HEAD]` builds each commit
# once into .build-compare/bin/, pairs the builds' samples in time, counts their instructions
# exactly, and writes results/compare/<base>-vs-<head>/compare.md ('fragbench compare --help').
# Exit status 0 without regressions, 2 with, 1 when something failed, 64 on a bad setting.
set -euo pipefail

base_rev=${1:?usage: scripts/compare.sh BASE [HEAD]}
head_rev=${2:-}
swift=${SWIFT:-swift}
root=$(git rev-parse --show-toplevel)
cd "$root"
area="$root/.build-compare"
mkdir -p "$area"
log="$area/build-worktree.log"
echo "compare: building the working tree's fragbench in $area/worktree; log: $log" >&2
started=$SECONDS
if ! "$swift" build -c release --scratch-path "$area/worktree" --product fragbench >"$log" 2>&1; then
  tail -30 "$log" >&2
  echo "compare: building the working tree failed (log above, whole log: $log)" >&2
  exit 1
fi
echo "compare: built the working tree in $((SECONDS - started)) s" >&2

# Each make compare setting becomes its option, given only when set.
options=()
add() { [ -n "$2" ] && options+=("$1" "$2"); return 0; }
add --counters "${COUNTERS:-}"
add --threshold "${THRESHOLD:-}"
add --gate-threshold "${GATE_THRESHOLD:-}"
add --budget "${BUDGET:-}"
add --preset "${PRESET:-}"
add --rounds "${ROUNDS:-}"
add --filter "${FILTER:-}"
add --variant "${VARIANT:-}"
add --align "${ALIGN:-}"
add --api "${API:-}"
add --swift "$swift"
exec "$area/worktree/release/fragbench" compare --build "${options[@]}" -- "$base_rev" ${head_rev:+"$head_rev"}
