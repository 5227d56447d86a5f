#!/usr/bin/env bash
# make compare BASE=<rev> [HEAD=<rev>] [COUNTERS=both|auto|callgrind] [THRESHOLD=2] [GATE_THRESHOLD=1] [BUDGET=120] [PRESET=quick|default] [ROUNDS=5] [FILTER=regex] [VARIANT=list] [ALIGN=list] [API=list]
#
# Builds BASE (and HEAD, default: the working tree) in release, then compares them point by
# point. A commit's binary is kept in .build-compare/bin/<commit>-<toolchain> (the five
# newest), so comparing against the same commit again builds nothing; the working tree builds
# incrementally in .build-compare/worktree. FILTER, VARIANT (layouts and versions), ALIGN and
# API (comma-separated lists) narrow the timed points and the exact gate's alike to the points
# whose names match all of them.
# - time (default): `fragbench pair` runs each build as a worker pinned to one CPU and
#   alternates their samples A A B B / B B A A, so a burst on the machine falls on both builds
#   of a pair; per point, sessions with fresh workers, the geometric mean of their median pair
#   ratios head/base with a t-interval over sessions, sampling until the
#   interval is narrower than THRESHOLD or the point's share of BUDGET seconds is spent.
#   A BASE from before the worker existed falls back to ROUNDS whole runs per build, and says so.
# - COUNTERS=callgrind: one callgrind run per build (instruction counts are deterministic),
#   points in parallel on every core; the ratio is exact, and a change counts beyond
#   GATE_THRESHOLD percent (default 1): an exact count has no noise to stand above, so its
#   threshold only says what size of change is worth a look, not what the machine can resolve.
# - COUNTERS=both (the default when valgrind is installed): time, then callgrind; both tables
#   in compare.md (time/ and instructions/ hold each one's files), exit 2 when either finds a
#   regression. COUNTERS=auto (or pmu, software, none) is time alone, with those counters.
# Exit status 0 without regressions, 2 with, 1 when something failed.
# Output: results/compare/<base>-vs-<head>/compare.md (also appended to $GITHUB_STEP_SUMMARY)
# and compare.csv.
set -euo pipefail

base_rev=${1:?usage: scripts/compare.sh BASE [HEAD]}
head_rev=${2:-}
counters=${COUNTERS:-}
threshold=${THRESHOLD:-2}
gate_threshold=${GATE_THRESHOLD:-1}
preset=${PRESET:-quick}
budget=${BUDGET:-120}
rounds=${ROUNDS:-5}
swift=${SWIFT:-swift}
case "$rounds" in ''|*[!0-9]*) echo "compare: ROUNDS must be a number" >&2; exit 1;; esac
case "$budget" in ''|*[!0-9.]*) echo "compare: BUDGET must be a number of seconds" >&2; exit 1;; esac
case "$gate_threshold" in ''|*[!0-9.]*) echo "compare: GATE_THRESHOLD must be a number (percent)" >&2; exit 1;; esac
# list_ok NAME VALUE PATTERN: a comma-separated list of words matching PATTERN.
list_ok() {
  [ -z "$2" ] && return 0
  local IFS=, word
  for word in $2; do
    [[ "$word" =~ ^($3)$ ]] || { echo "compare: $1 '$2': '$word' is not one of $4" >&2; exit 64; }
  done
}
list_ok VARIANT "${VARIANT:-}" 'remaining|offset-up|offset-down|v6\.12|v6\.13|rfc-v11-pre08|rfc-v11|part2-v2|sk-page-frag' \
  "remaining, offset-up, offset-down, v6.12, v6.13, rfc-v11-pre08, rfc-v11, part2-v2, sk-page-frag"
list_ok ALIGN "${ALIGN:-}" '1|2|4|8|16|32|64|128|256|512|1024|2048|4096|8192|16384|32768|65536' "the powers of two up to 65536"
list_ok API "${API:-}" 'kernel|local-free|bulk' "kernel, local-free, bulk"
# The point-name filter: FILTER and each of VARIANT, ALIGN and API as one lookahead apiece, so
# a name (fragbench list) must match all of them.
alternatives() { echo "$1" | sed 's/\./\\./g; s/,/|/g'; }
# without WORD LIST: LIST with WORD taken out.
without() { echo ",$2," | sed "s/,$1,/,/g; s/^,//; s/,\$//"; }
name_filter=""
if [ -n "${VARIANT:-}" ]; then
  others=$(without remaining "$VARIANT")
  bracket=${others:+\\[(?:$(alternatives "$others"))\\]}
  if [ "$others" != "$VARIANT" ]; then  # remaining: the names without a [variant]
    name_filter+="(?=[a-z-]+(?:/${bracket:+|$bracket/}))"
  else
    name_filter+="(?=[a-z-]+$bracket/)"
  fi
fi
[ -n "${ALIGN:-}" ] && name_filter+="(?=.*/align:(?:$(alternatives "$ALIGN"))(?:/|$))"
if [ -n "${API:-}" ]; then
  others=$(without kernel "$API")
  api=${others:+(?=.*/api:(?:$(alternatives "$others"))(?:/|$))}
  if [ "$others" != "$API" ]; then  # kernel: the names without an api: part
    name_filter+="(?:(?!.*/api:)${api:+|$api})"
  else
    name_filter+="$api"
  fi
fi
[ -n "${FILTER:-}" ] && name_filter+="(?=.*?(?:$FILTER))"
[ -n "$name_filter" ] && name_filter="^$name_filter"
if [ -z "$counters" ]; then
  # Time says what a change costs on this machine; the exact gate flags what time cannot
  # resolve on a noisy VM (one extra store behind a locked RMW is ~1% of alloc-free's time).
  if command -v valgrind >/dev/null 2>&1; then
    counters=both
  else
    counters=auto
    echo "compare: valgrind is not installed (make deps installs it): time only, without the exact instruction gate" >&2
  fi
fi
case "$counters" in
  both|callgrind|auto|pmu|software|none) ;;
  *) echo "compare: COUNTERS must be both, callgrind, auto, pmu, software or none (got '$counters')" >&2; exit 1;;
esac

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

# build NAME SOURCE_DIR: release build with its own scratch path; prints the binary. Progress
# (SwiftPM's "[n/m] Compiling ...") goes to the log, and a line every 20 s says it is alive.
build() {
  local name=$1 source=$2 scratch="$area/$1" log="$area/build-$1.log" started=$SECONDS
  echo "compare: building $name ($source) in $scratch; log: $log" >&2
  "$swift" build -c release --package-path "$source" --scratch-path "$scratch" --product fragbench >"$log" 2>&1 &
  local pid=$!
  # Polled every second (a build with nothing to do takes a few), said every 20 s.
  local said=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ $((SECONDS - said)) -ge 20 ] && kill -0 "$pid" 2>/dev/null; then
      said=$SECONDS
      echo "compare:   $name: $((SECONDS - started)) s, $(grep -E '^\[[0-9]+/[0-9]+\]' "$log" | tail -1 | cut -c1-100)" >&2
    fi
  done
  if ! wait "$pid"; then
    tail -30 "$log" >&2
    echo "compare: building $name failed (log above, whole log: $log)" >&2
    exit 1
  fi
  echo "compare: built $name in $((SECONDS - started)) s" >&2
  echo "$scratch/release/fragbench"
}

# checkout NAME SHA: a detached worktree of SHA; prints its directory.
checkout() {
  local dir="$work/src-$1"
  git worktree add --quiet --detach "$dir" "$2" >&2
  worktrees+=("$dir")
  echo "$dir"
}

cache_root="$area/bin"

# commit_build NAME SHA LABEL: SHA's release binary, from the cache or built into it; prints
# its path. A binary that has no 'fragbench run' (older than the lab's runner) is refused.
commit_build() {
  # The toolchain is part of a cached build's key: another compiler makes another binary.
  local toolchain
  toolchain=$( ("$swift" --version 2>/dev/null || echo "no swift") | cksum | cut -d' ' -f1)
  local name=$1 sha=$2 label=$3 cached="$cache_root/$2-$toolchain"
  if [ -x "$cached/fragbench" ]; then
    touch "$cached"
    echo "compare: $name: $label built before, reusing $cached/fragbench (no build)" >&2
    echo "$cached/fragbench"
    return
  fi
  local src bin
  src=$(checkout "$name" "$sha")
  bin=$(build "$name" "$src")
  # Asked of the binary, not grepped from its source: what a build supports is what it runs.
  if ! "$bin" run --help >/dev/null 2>&1; then
    echo "compare: $label predates 'fragbench run': nothing to compare against (pick a newer commit)" >&2
    exit 1
  fi
  # Published whole (rename), so a compare killed mid-copy or running beside another never
  # leaves a half-written binary under a commit's name.
  mkdir -p "$cache_root"
  local staging
  staging=$(mktemp -d "$cache_root/.staging.XXXXXX")
  cp "$bin" "$staging/fragbench"
  mv -T "$staging" "$cached" 2>/dev/null || rm -rf "$staging"
  # Keep the five most recently used commits' binaries (about 20 MB each).
  ls -1dt "$cache_root"/*-"$toolchain" 2>/dev/null | tail -n +6 | xargs -r rm -rf
  echo "$cached/fragbench"
}

echo "compare: BASE=$base_rev HEAD=${head_rev:-working tree} PRESET=$preset FILTER=${FILTER:-} VARIANT=${VARIANT:-} ALIGN=${ALIGN:-} API=${API:-} name filter: ${name_filter:-none} COUNTERS=$counters THRESHOLD=$threshold% GATE_THRESHOLD=$gate_threshold% BUDGET=${budget}s" >&2
# COMPARE_DRY_RUN=1: the settings above are all it does (the tests read them).
[ -n "${COMPARE_DRY_RUN:-}" ] && exit 0
base_sha=$(resolve "$base_rev")
base_bin=$(commit_build base "$base_sha" "BASE $base_rev")
base_label="$base_rev ($(git rev-parse --short=12 "$base_sha"))"

# The working tree's fragbench does the comparing (it knows the newest result format).
tool_bin=$(build worktree "$root")
if [ -n "$head_rev" ]; then
  head_sha=$(resolve "$head_rev")
  head_bin=$(commit_build head "$head_sha" "HEAD $head_rev")
  head_label="$head_rev ($(git rev-parse --short=12 "$head_sha"))"
  head_name=$(git rev-parse --short=12 "$head_sha")
else
  head_bin=$tool_bin
  dirty=$([ -n "$(git status --porcelain --untracked-files=no)" ] && echo "-dirty" || true)
  head_label="working tree ($(git rev-parse --short=12 HEAD)$dirty)"
  head_name="worktree$dirty"
fi

dest="$root/results/compare/$(git rev-parse --short=12 "$base_sha")-vs-$head_name"
# The directory holds this comparison's files only: an earlier comparison of the same two
# sides (another COUNTERS mode leaves other files) is kept whole as <dir>.previous, not mixed in.
if [ -e "$dest" ]; then
  rm -rf "$dest.previous"
  mv "$dest" "$dest.previous"
  echo "compare: the earlier comparison of these two sides is kept in $dest.previous" >&2
fi
mkdir -p "$dest"
join() { local IFS=,; echo "$*"; }
preset_flags=(--preset "$preset")
[ "$preset" = quick ] && preset_flags+=(--quick)
# FILTER, VARIANT, ALIGN, API: only the points whose name matches, for time and the gate alike.
[ -n "$name_filter" ] && preset_flags+=(--filter "$name_filter")
sweep_flags=("${preset_flags[@]}")
# The exact gate's sweep: the gate preset, FILTER kept.
use_gate_preset() {
  sweep_flags=(--preset gate --quick)
  [ -n "$name_filter" ] && sweep_flags+=(--filter "$name_filter")
  return 0
}
status=0

# rounds METRIC COUNTERS N THRESHOLD: N whole runs per build, alternating which goes first,
# then compare with THRESHOLD percent.
rounds() {
  local metric=$1 ctr=$2 n=$3 limit=$4 extra=("${@:5}")
  local base_runs=() head_runs=()
  for r in $(seq 1 "$n"); do
    if [ $((r % 2)) -eq 1 ]; then order="base head"; else order="head base"; fi
    for side in $order; do
      bin=${side}_bin
      out="$work/rounds-$metric/$side-$r"
      echo "compare: round $r/$n: $side" >&2
      if ! "${!bin}" run "${sweep_flags[@]}" --counters "$ctr" "${extra[@]}" --output "$out" >"$work/$side-$r.log" 2>&1; then
        tail -20 "$work/$side-$r.log" >&2
        echo "compare: the $side run of round $r failed (log above)" >&2
        exit 1
      fi
      if [ $side = base ]; then base_runs+=("$out"); else head_runs+=("$out"); fi
    done
  done
  "$tool_bin" compare --base-runs "$(join "${base_runs[@]}")" --head-runs "$(join "${head_runs[@]}")" \
    --threshold "$limit" --metric "$metric" --base-label "$base_label" --head-label "$head_label" \
    --output "$out_dir" || status=$?
}

# time_compare: samples paired in time (falls back to whole-run rounds for an old BASE).
time_compare() {
  "$tool_bin" pair --base "$base_bin" --head "$head_bin" --threshold "$threshold" --budget "$budget" \
    --base-label "$base_label" --head-label "$head_label" --output "$out_dir" -- "${preset_flags[@]}" || status=$?
  if [ "$status" = 3 ]; then
    echo "compare: BASE has no 'fragbench worker' (it predates paired sampling): falling back to $rounds whole-run rounds per build (coarser: bursts hit one side only)" >&2
    status=0
    rounds time "$time_counters" "$rounds" "$threshold"
  fi
}

# callgrind_compare: deterministic counts, one run per build, only the callgrind children,
# every core busy.
callgrind_compare() {
  local jobs
  jobs=$(nproc 2>/dev/null || echo 2)
  echo "compare: callgrind instruction counts, one run per build, $jobs points at a time" >&2
  # The gate preset covers every layout, kernel version, alignment, page size and API (exact
  # counts are cheap); a BASE that predates it gates on the time preset's points.
  # (Asked of the binary itself: help text wraps with the terminal's width.)
  if "$base_bin" list --preset gate --quick >/dev/null 2>&1; then
    use_gate_preset
  else
    echo "compare: BASE has no gate preset: the gate counts the $preset preset's points only" >&2
  fi
  if "$base_bin" run --help 2>/dev/null | grep -q -- '--callgrind-only'; then
    rounds instructions callgrind 1 "$gate_threshold" --callgrind-only --jobs "$jobs"
  else
    echo "compare: BASE has no --callgrind-only: its run also times every point natively (slower)" >&2
    rounds instructions callgrind 1 "$gate_threshold"
  fi
}

# coverage LIST_FLAGS...: the layouts/versions, alignments, page sizes and APIs the points of a
# sweep exercise, from their names (fragbench list), one word each, sorted.
coverage() {
  "$tool_bin" list "$@" 2>/dev/null | awk -F/ '/\/page:/ {
      v = "remaining"; if (match($1, /\[[^]]*\]/)) v = substr($1, RSTART + 1, RLENGTH - 2)
      print "layout:" v
      for (i = 2; i <= NF; i++) if ($i ~ /^(page|align|api):/) print $i
    }' | sort -u | tr '\n' ' '
}

# coverage_note: what the time table measured, and what only the exact gate counted (issue:
# a change to code the timed points do not run must not read as "no regression" in time).
coverage_note() {
  local timed gated missing=()
  timed=$(coverage "${preset_flags[@]}")
  gated=$(coverage "${sweep_flags[@]}")
  for word in $gated; do case " $timed " in *" $word "*) ;; *) missing+=("$word");; esac; done
  echo
  echo "**What was timed.** Time measured the \`$preset\` preset${FILTER:+ filtered by \`$FILTER\`} ($(echo "$timed" | sed 's/ $//; s/ /, /g'))."
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "It did not time $(echo "${missing[*]}" | sed 's/ /, /g'): a change there shows in the instructions table only${gate_ran:+ (the exact gate counted them)}."
  fi
}

started=$SECONDS
case "$counters" in
  callgrind)
    out_dir=$dest; callgrind_compare ;;
  both)
    # Time, then instructions: each in its own directory, compare.md holds both tables, and
    # either one's regression is the exit status. Time says what a change costs on this
    # machine; callgrind flags a change too small for time to resolve (alloc-free pays a
    # locked RMW per operation that hides one extra store).
    time_counters=auto
    out_dir=$dest/time; mkdir -p "$out_dir"; time_compare; time_status=$status; status=0
    out_dir=$dest/instructions; mkdir -p "$out_dir"; callgrind_compare; gate_status=$status; gate_ran=1
    { cat "$dest/time/compare.md"; coverage_note; echo; cat "$dest/instructions/compare.md"; } >"$dest/compare.md" 2>/dev/null || true
    if [ "$time_status" = 2 ] || [ "$gate_status" = 2 ]; then
      status=2; [ "$time_status" != 0 ] && [ "$time_status" != 2 ] && status=$time_status
      [ "$gate_status" != 0 ] && [ "$gate_status" != 2 ] && status=$gate_status
    else
      status=$(( time_status != 0 ? time_status : gate_status ))
    fi ;;
  *)
    time_counters=$counters
    out_dir=$dest; time_compare
    use_gate_preset
    [ -f "$dest/compare.md" ] && coverage_note >>"$dest/compare.md" ;;
esac
echo "compare: compared in $((SECONDS - started)) s after the builds" >&2
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$dest/compare.md" ]; then cat "$dest/compare.md" >>"$GITHUB_STEP_SUMMARY"; fi
case $status in
  0) echo "compare: no regression ($dest/compare.md)" >&2 ;;
  2) echo "compare: REGRESSION ($dest/compare.md)" >&2 ;;
  *) echo "compare: the comparison failed (status $status)" >&2 ;;
esac
exit $status
