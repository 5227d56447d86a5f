#!/usr/bin/env bash
# make sanitize: the test suite under AddressSanitizer (with LeakSanitizer) and under
# ThreadSanitizer, each in its own build directory (.build-address, .build-thread). The
# end-to-end tests run the fragbench binary of the same build, so it is checked too.
#
#   SANITIZERS="address thread"  which to run (default both)
#   SANITIZE_FILTER=regex        only these tests (swift test --filter), e.g. the stress tests
#
# Leaks: scripts/sanitizers/lsan.supp names the toolchain frames that leak on every use
# (Foundation's Process, its file reading, XCTest's runner); everything else is reported.
# TSan checks the page allocator's lock as benchmarks build it: SpinLock's atomics are inlined
# into FragCache, so TSan sees its acquire and release (Sources/FragCache/SpinLock.swift).
# Prints the number of sanitizer reports per sanitizer; fails if any, or if a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
status=0
for sanitizer in ${SANITIZERS:-address thread}; do
  scratch=".build-$sanitizer"
  flags=(--scratch-path "$scratch" --sanitize="$sanitizer")
  start=$(date +%s)
  echo "sanitize: $sanitizer: building ($scratch)"
  mkdir -p "$scratch"
  $SWIFT build --build-tests "${flags[@]}" >"$scratch/build.log" 2>&1 || { tail -30 "$scratch/build.log" >&2; exit 1; }
  log="$scratch/sanitize.log"
  echo "sanitize: $sanitizer: testing${SANITIZE_FILTER:+ ($SANITIZE_FILTER)}, log in $log"
  set +e
  # FRAGBENCH_SANITIZER: tests that run the binary under valgrind skip (valgrind cannot run a
  # sanitizer-instrumented binary).
  FRAGBENCH_SANITIZER="$sanitizer" \
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=0" \
  LSAN_OPTIONS="suppressions=$PWD/scripts/sanitizers/lsan.supp:print_suppressions=0" \
  TSAN_OPTIONS="halt_on_error=0" \
    $SWIFT test --skip-build "${flags[@]}" ${SANITIZE_FILTER:+--filter "$SANITIZE_FILTER"} >"$log" 2>&1
  tests=$?
  set -e
  reports=$(grep -cE 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer' "$log" || true)
  summary=$(grep -E '(Test run with|Executed) .* (passed|failed)' "$log" | tail -1 || true)
  echo "sanitize: $sanitizer: $reports report(s), tests exit $tests, $(( $(date +%s) - start ))s: $summary"
  if [ "$reports" != 0 ] || [ "$tests" != 0 ]; then
    grep -E -A12 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer' "$log" | head -80 >&2 || true
    grep -E '✘' "$log" | head -20 >&2 || true
    status=1
  fi
done
exit $status
