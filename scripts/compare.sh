#!/usr/bin/env bash
# make compare BASE=<rev> [HEAD=<rev>] [COUNTERS=auto|callgrind|…] [THRESHOLD=2] [ROUNDS=5] [PRESET=quick|default]
#
# Builds BASE (and HEAD, default: the working tree) in release, each in its own git worktree
# and scratch path, runs the two binaries interleaved (base and head back to back, alternating which goes first) on the same
# points, and compares them point by point with `fragbench compare`: ratio head/base with a 95%
# interval and a verdict. Exit status 0 without regressions, 2 with, 1 when something failed.
# With COUNTERS=callgrind it compares callgrind instruction counts (deterministic: one round).
# Output: results/compare/<base>-vs-<head>/compare.md (also appended to $GITHUB_STEP_SUMMARY)
# and compare.csv.
set -euo pipefail

base_rev=${1:?usage: scripts/compare.sh BASE [HEAD]}
head_rev=${2:-}
counters=${COUNTERS:-auto}
threshold=${THRESHOLD:-2}
preset=${PRESET:-quick}
swift=${SWIFT:-swift}
if [ "$counters" = callgrind ]; then
  metric=instructions
  rounds=${ROUNDS:-1}
else
  metric=time
  rounds=${ROUNDS:-5}
fi
case "$rounds" in ''|*[!0-9]*) echo "compare: ROUNDS must be a number" >&2; exit 1;; esac

root=$(git rev-parse --show-toplevel)
cd "$root"
area="$root/.build-compare"
mkdir -p "$area"
work=$(mktemp -d "$area/run.XXXXXX")
worktrees=()
cleanup() {
  for w in "${worktrees[@]}"; do git -C "$root" worktree remove --force "$w" >/dev/null 2>&1 || true; done
  rm -rf "$work"
  git -C "$root" worktree prune >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'echo "compare: interrupted" >&2; exit 130' INT TERM

resolve() {
  git rev-parse --verify --quiet "$1^{commit}" || { echo "compare: '$1' is not a commit here" >&2; exit 1; }
}

# build NAME SOURCE_DIR: release build with its own scratch path; prints the binary.
build() {
  local name=$1 source=$2 scratch="$area/$1"
  echo "compare: building $name ($source) in $scratch" >&2
  if ! "$swift" build -c release --package-path "$source" --scratch-path "$scratch" --product fragbench >"$work/build-$name.log" 2>&1; then
    tail -30 "$work/build-$name.log" >&2
    echo "compare: building $name failed (log above)" >&2
    exit 1
  fi
  echo "$scratch/release/fragbench"
}

# checkout NAME SHA: a detached worktree of SHA; prints its directory.
checkout() {
  local dir="$work/src-$1"
  git worktree add --quiet --detach "$dir" "$2" >&2
  worktrees+=("$dir")
  if ! grep -q 'commandName: "run"' "$dir/Sources/FragBench/RunCommand.swift" 2>/dev/null; then
    echo "compare: $3 ($2) predates 'fragbench run': nothing to compare against (pick a commit from $(git log --format=%h -1 --diff-filter=A -- Sources/FragBench/RunCommand.swift) on)" >&2
    exit 1
  fi
  echo "$dir"
}

base_sha=$(resolve "$base_rev")
base_src=$(checkout base "$base_sha" "BASE $base_rev")
base_bin=$(build base "$base_src")
base_label="$base_rev ($(git rev-parse --short=12 "$base_sha"))"

# The working tree's fragbench does the comparing (it knows the newest result format).
tool_bin=$(build worktree "$root")
if [ -n "$head_rev" ]; then
  head_sha=$(resolve "$head_rev")
  head_src=$(checkout head "$head_sha" "HEAD $head_rev")
  head_bin=$(build head "$head_src")
  head_label="$head_rev ($(git rev-parse --short=12 "$head_sha"))"
  head_name=$(git rev-parse --short=12 "$head_sha")
else
  head_bin=$tool_bin
  dirty=$([ -n "$(git status --porcelain --untracked-files=no)" ] && echo "-dirty" || true)
  head_label="working tree ($(git rev-parse --short=12 HEAD)$dirty)"
  head_name="worktree$dirty"
fi

run_flags=(run --preset "$preset" --counters "$counters")
[ "$preset" = quick ] && [ -n "${QUICK:-}" ] && run_flags+=(--quick)
base_runs=() head_runs=()
echo "compare: $rounds round(s) of base and head, alternating which goes first (ABBA), on preset '$preset' (counters $counters)" >&2
for r in $(seq 1 "$rounds"); do
  # Odd rounds run base first, even rounds head first, so whatever the first run of a round
  # pays (a cold page cache, a CPU still ramping) falls on both sides equally.
  if [ $((r % 2)) -eq 1 ]; then order="base head"; else order="head base"; fi
  for side in $order; do
    bin=${side}_bin
    out="$work/rounds/$side-$r"
    echo "compare: round $r/$rounds: $side" >&2
    if ! "${!bin}" "${run_flags[@]}" --output "$out" >"$work/$side-$r.log" 2>&1; then
      tail -20 "$work/$side-$r.log" >&2
      echo "compare: the $side run of round $r failed (log above)" >&2
      exit 1
    fi
    if [ $side = base ]; then base_runs+=("$out"); else head_runs+=("$out"); fi
  done
done

join() { local IFS=,; echo "$*"; }
dest="$root/results/compare/$(git rev-parse --short=12 "$base_sha")-vs-$head_name"
status=0
"$tool_bin" compare --base-runs "$(join "${base_runs[@]}")" --head-runs "$(join "${head_runs[@]}")" \
  --threshold "$threshold" --metric "$metric" --base-label "$base_label" --head-label "$head_label" \
  --output "$dest" || status=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$dest/compare.md" ]; then cat "$dest/compare.md" >>"$GITHUB_STEP_SUMMARY"; fi
case $status in
  0) echo "compare: no regression ($dest/compare.md)" >&2 ;;
  2) echo "compare: REGRESSION ($dest/compare.md)" >&2 ;;
  *) echo "compare: the comparison failed (status $status)" >&2 ;;
esac
exit $status
