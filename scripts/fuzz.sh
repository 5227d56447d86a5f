#!/usr/bin/env bash
# make fuzz: libFuzzer + AddressSanitizer over the trace parser and replayer (every layout),
# for FUZZ_SECONDS (default 60). The corpus starts from the golden traces and grows in
# .build-fuzz/corpus across runs; a crash leaves its input in .build-fuzz/artifacts/ and
# fails the script.
#
# The FragFuzz target exists only when FRAGBENCH_FUZZ is set (libFuzzer brings its own main,
# so an ordinary build could not link it). --sanitize=fuzzer instruments only the product's
# own module, hence -Xswiftc: the parser, the replayer and the cache get coverage too.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SECONDS_TO_RUN=${FUZZ_SECONDS:-60}
SCRATCH=.build-fuzz
FRAGBENCH_FUZZ=1 $SWIFT build --scratch-path "$SCRATCH" --product fragfuzz \
  --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address >/dev/null
mkdir -p "$SCRATCH/corpus" "$SCRATCH/artifacts"
cp -n Tests/FragReplayTests/Golden/*.trace "$SCRATCH/corpus/" 2>/dev/null || true
echo "fuzz: ${SECONDS_TO_RUN}s of libFuzzer + ASan over trace replay (corpus $SCRATCH/corpus)"
# -rss_limit_mb: ASan's quarantine and the corpus grow past libFuzzer's 2 GB default on long runs.
"$SCRATCH/debug/fragfuzz" -max_total_time="$SECONDS_TO_RUN" -dict=scripts/fuzz/trace.dict -max_len=4096 \
  -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$SCRATCH/artifacts/" \
  "$SCRATCH/corpus" 2>"$SCRATCH/fuzz.log" || {
    status=$?
    tail -60 "$SCRATCH/fuzz.log" >&2
    echo "fuzz: FAILED (status $status); the input is in $SCRATCH/artifacts/, the log in $SCRATCH/fuzz.log" >&2
    exit 1
  }
grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$SCRATCH/fuzz.log"
echo "fuzz: no crash"
