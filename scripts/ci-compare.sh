#!/usr/bin/env bash
# What .github/workflows/bench.yml runs on a pull request (docs/ci.md): make compare against the
# target branch, with compare.md in the step summary, and an exit status CI can act on:
#   0  no regression          2  a regression (compare's own 2)          1  compare could not run
# make exits 2 whenever a recipe fails, so the script's own status is read from make's
# "[Makefile:N: compare] Error S" line instead.
# Usage: scripts/ci-compare.sh BASE [make compare settings: COUNTERS=both BUDGET=60 FILTER=…]
set -uo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: scripts/ci-compare.sh BASE [COUNTERS=… BUDGET=… FILTER=…]}
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
make compare BASE="$base" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then
  echo "ci-compare: no regression against $base"
  exit 0
fi
if grep -Eq '\[Makefile:[0-9]+: compare\] Error 2$' "$log"; then
  echo "ci-compare: a regression against $base (compare.md has the points)" >&2
  exit 2
fi
# fragbench compare --build appends compare.md to the summary when it gets that far; say why when it did not.
why=$(grep -v '^make' "$log" | tail -n 1)
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  printf '### make compare could not run\n\n```\n%s\n```\n' "$why" >>"$GITHUB_STEP_SUMMARY"
fi
echo "ci-compare: make compare failed: $why" >&2
exit 1
