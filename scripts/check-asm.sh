#!/usr/bin/env bash
# make check-asm: builds release and disassembles the timed loops of the alloc-only, alloc-free,
# mixed, cross-thread and free-only workloads, as compiled for the Swift cache (every layout, and
# the API experiments: local-free, bulk, with the bulk consumer; the kernel version ports and their
# exported functions; prepare-commit's writer on every sendmsg scheme), the C cache and the C twins of the kernel versions, and fails if any of them calls a Swift runtime entry point (swift_retain,
# swift_release, swift_beginAccess, swift_getGenericMetadata, …). Calls to the out-of-line
# slow paths are allowed and listed.
#
# SCRATCH=<dir> uses another build directory (default .build); NO_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SCRATCH=${SCRATCH:-.build}
if [ -z "${NO_BUILD:-}" ]; then
  $SWIFT build -c release --scratch-path "$SCRATCH" >/dev/null
fi
objects=("$SCRATCH"/release/Workloads.build/*.o "$SCRATCH"/release/FragCache.build/PageFrag*.o "$SCRATCH"/release/FragCache.build/SkPageFrag*.o)
[ -e "${objects[0]}" ] || { echo "check-asm: no objects in $SCRATCH/release/Workloads.build" >&2; exit 1; }

# The functions that hold timed loops: the loop requirements' witnesses for the concrete
# allocators and their specialisations (the fast paths are inlined into them).
# (prepare-commit's loop specialised for ContentAudit is the tests' byte checker, with arrays:
# not a timed loop, left out.)
# The kernel version ports' exported functions (`__pageFrag…`, called from those loops) too.
select='(allocBatch|cycle|cCycle|kernelCycle|cycleLoop|produce|produceLoop|localCycle|bulkCycle|pushRun|freeBatch|allocSizedBatch|popAndFreeRuns|freeRun|__pageFrag[A-Za-z]*|skPageFragRefill|write|writeMessages)[(<]'
types='(SwiftRemaining|SwiftOffsetUp|SwiftOffsetDown|CFragAllocator|CKernelV6_12|CKernelV6_13|CKernelRFCv11Pre08|CKernelRFCv11|CKernelPart2v2|SwiftLocalFreeAllocator|SwiftBulkAllocator|BulkArenaFreer|SwiftV6_12|SwiftV6_13|SwiftRFCv11Pre08|SwiftRFCv11|SwiftPart2V2|PageFragV6_12|PageFragV6_13|PageFragRFCv11|PageFragPart2V2|Part2Sendmsg|SkPageFrag|SendmsgCache)'

status=0
rm -f "$SCRATCH/check-asm.names"
for object in "${objects[@]}"; do
  # mangled<TAB>size<TAB>demangled, for the functions of interest, so that each function is
  # read only up to its own size (objdump would run on into unnamed local functions).
  table=$(nm -S --defined-only "$object" | awk 'function hex(s,   i, c, v) { v = 0; s = tolower(s); for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)); v = v * 16 + c - 1 }; return v } NF == 4 && ($3 == "T" || $3 == "t" || $3 == "W") { print $4 "\t" hex($2) }' |
          while IFS=$'\t' read -r mangled size; do
            printf '%s\t%s\t%s\n' "$mangled" "$size" "$($SWIFT demangle --compact "$mangled")"
          done | awk -F'\t' -v sel="$select" -v types="$types" '$3 ~ sel && $3 ~ types && $3 !~ /ContentAudit/')
  [ -n "$table" ] || continue
  cut -f1 <<<"$table" >>"$SCRATCH/check-asm.names"
  objdump -d -r --no-show-raw-insn "$object" | awk -v table="$table" '
    function hex(s,   i, c, v) { v = 0; s = tolower(s); for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)); v = v * 16 + c - 1 }; return v } 
    BEGIN {
      n = split(table, lines, "\n")
      for (i = 1; i <= n; i++) { split(lines[i], f, "\t"); size[f[1]] = f[2]; pretty[f[1]] = f[3] }
    }
    /^[0-9a-f]+ <.*>:$/ {
      sym = substr($0, index($0, "<") + 1); sub(/>:$/, "", sym)
      inside = (sym in size)
      if (inside) { start = hex($1); end = start + size[sym]; count++; print "checked: " pretty[sym] }
      next
    }
    inside && /^ +[0-9a-f]+:/ { addr = $1; sub(/:$/, "", addr); if (hex(addr) >= end) inside = 0 }
    inside && match($0, /R_X86_64_[A-Z0-9_]+[ \t]+/) && prev ~ /\t(call|jmp)[ \t]/ {
      target = substr($0, RSTART + RLENGTH); sub(/[-+]0x[0-9a-f]+$/, "", target)
      if (target ~ /^_?swift_/) { bad++; print "  RUNTIME CALL: " target }
      else if (!(seen[target]++)) {
        d = target; cmd = "swift demangle --compact \047" target "\047"; cmd | getline d; close(cmd)
        print "  allowed call: " d
      }
    }
    { prev = $0 }
    END { printf "%d %d\n", count, bad > "/dev/stderr" }' 2> >(cat >> "$SCRATCH/check-asm.counts") || status=1
done >"$SCRATCH/check-asm.out"
cat "$SCRATCH/check-asm.out"
wait
read -r functions runtime < <(awk '{ c += $1; b += $2 } END { print c + 0, b + 0 }' "$SCRATCH/check-asm.counts")
rm -f "$SCRATCH/check-asm.counts"
if [ "$functions" -eq 0 ]; then
  echo "check-asm: no timed-loop functions found (names changed?)"; exit 1
fi
# Every allocator type must own at least one checked loop: a type whose loops were not
# specialised (a generic adapter that lost its specialisations, ~2.3x the instructions per
# allocation) has no function under its name, and would otherwise pass unseen.
missing=()
for type in $(echo "$types" | tr -d '()' | tr '|' ' '); do
  grep -q "^checked: .*[^A-Za-z0-9_]$type[^A-Za-z0-9_]" "$SCRATCH/check-asm.out" || missing+=("$type")
done
rm -f "$SCRATCH/check-asm.out"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "check-asm: FAILED: no specialised timed loop for ${missing[*]} (specialisation lost, or the type was renamed)"; exit 1
fi
# Every timed-loop function, and every function of the C cache and the C kernel twins, starts
# on a 64-byte boundary in the linked binary (Package.swift's codeAlignment): otherwise an
# unrelated change elsewhere moves a hot loop across cache lines and two builds' timings differ
# by placement alone (docs/noise.md). Parts the C compiler split off as `.cold` are not entries.
binary="$SCRATCH/release/fragbench"
nm --defined-only "$SCRATCH"/release/CFragCacheC.build/*.o "$SCRATCH"/release/CKernelPorts.build/*.o 2>/dev/null |
  awk 'NF == 3 && ($2 == "T" || $2 == "t") && $3 !~ /\.cold/ { print $3 }' >>"$SCRATCH/check-asm.names"
misaligned=$(nm --defined-only "$binary" | awk 'NR == FNR { want[$1] = 1; next }
  NF == 3 && ($2 == "T" || $2 == "t") && ($3 in want) { checked++; a = $1; v = 0
    for (i = length(a) - 1; i <= length(a); i++) v = v * 16 + index("0123456789abcdef", tolower(substr(a, i, 1))) - 1
    if (v % 64 != 0) print $1, $3 }
  END { if (checked == 0) print "none-found" }' "$SCRATCH/check-asm.names" -)
aligned=$(sort -u "$SCRATCH/check-asm.names" | wc -l)
rm -f "$SCRATCH/check-asm.names"
if [ "$misaligned" = "none-found" ]; then
  echo "check-asm: FAILED: none of the timed-loop functions found in $binary"; exit 1
elif [ -n "$misaligned" ]; then
  echo "check-asm: FAILED: functions not on a 64-byte boundary (Package.swift's codeAlignment lost?):"; echo "$misaligned" | head -20; exit 1
fi
echo "check-asm: $aligned timed-loop and C functions start on 64-byte boundaries in $binary"
if [ "$runtime" -gt 0 ] || [ "$status" -ne 0 ]; then
  echo "check-asm: FAILED: $runtime Swift runtime call(s) in $functions timed-loop functions"; exit 1
fi
echo "check-asm: OK: $functions timed-loop functions (Swift: remaining, offset-up, offset-down, APIs local-free and bulk, the kernel version ports; C; the C kernel twins), no Swift runtime calls"
