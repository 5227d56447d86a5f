#!/usr/bin/env bash
# Instructions per allocation of the C twins of the kernel versions (Sources/CKernelPorts),
# outside the lab: the version files and kp_loops.c compiled with ${CC:-gcc} -O2 into a small
# program that runs alloc-only batches (32768 allocations of FRAGSZ bytes, max size 32 KiB,
# 4 KiB pages, then all freed untimed, REPS times), counted by callgrind inside the loop
# function only (--toggle-collect). A cross-check of `fragbench run --impl c --variant ...
# --counters callgrind`: the same C, without Swift or the harness around it.
#
#   scripts/kernel-c-twins-check.sh            # gcc; CC=clang for the compiler SwiftPM uses
#   CC=clang EXTRA_CFLAGS=-fno-omit-frame-pointer scripts/kernel-c-twins-check.sh   # as SwiftPM builds it
#   FRAGSZ=64 ALIGNS="1 64" REPS=20 scripts/kernel-c-twins-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC:-gcc}
EXTRA_CFLAGS=${EXTRA_CFLAGS:-}
FRAGSZ=${FRAGSZ:-12}
ALIGNS=${ALIGNS:-"1 64"}
REPS=${REPS:-20}
OPS=32768
command -v valgrind >/dev/null || { echo "kernel-c-twins-check: valgrind is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/main.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "CKernelPorts.h"

typedef void (*run_fn)(kp_cache *, void **, long, unsigned, unsigned);
typedef void (*drain_fn)(kp_cache *);
#define V(ver) { #ver, kp_##ver##_run_alloc_only, kp_##ver##_drain }
static const struct { const char *name; run_fn run; drain_fn drain; } versions[] = {
    V(v6_12), V(v6_13), V(rfc_v11_pre08), V(rfc_v11), V(part2_v2),
};

int main(int argc, char **argv) {
    if (argc != 6) return 2;
    long ops = atol(argv[2]), reps = atol(argv[5]);
    unsigned fragsz = (unsigned)atoi(argv[3]), align = (unsigned)atoi(argv[4]);
    for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++) {
        if (strcmp(versions[v].name, argv[1]) != 0) continue;
        cfrag_arena *arena = cfrag_arena_create(4096, 64 << 20, 0);
        kp_cache c;
        kp_cache_init(&c, arena, 32768);
        void **slots = calloc((size_t)ops, sizeof *slots);
        for (long r = 0; r < reps; r++) {
            versions[v].run(&c, slots, ops, fragsz, align);
            for (long i = 0; i < ops; i++) kp_page_frag_free(arena, slots[i]);
        }
        versions[v].drain(&c);
        if (arena->pages_in_use != 0) { fprintf(stderr, "leak: %ld pages\n", arena->pages_in_use); return 1; }
        printf("%ld\n", ops * reps);
        return 0;
    }
    return 2;
}
C
$CC -O2 $EXTRA_CFLAGS -ISources/CKernelPorts/include -ISources/CKernelPorts -ISources/CFragCacheC/include \
    "$work/main.c" Sources/CKernelPorts/*.c Sources/CFragCacheC/cfragcache.c -lpthread -o "$work/check"

echo "$($CC --version | head -1), -O2 $EXTRA_CFLAGS; fragsz $FRAGSZ, max 32 KiB, 4 KiB pages, $REPS x $OPS allocations"
printf '%-15s %6s %10s\n' version align Ir/alloc
for ver in v6_12 v6_13 rfc_v11_pre08 rfc_v11 part2_v2; do
  for align in $ALIGNS; do
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" --toggle-collect="kp_${ver}_run_alloc_only" \
      "$work/check" "$ver" "$OPS" "$FRAGSZ" "$align" "$REPS" > "$work/ops" 2> "$work/vg.log"
    ir=$(awk '/^summary:/ { print $2 }' "$work/cg.out")
    printf '%-15s %6s %10.3f\n' "$ver" "$align" "$(echo "$ir / $(cat "$work/ops")" | bc -l)"
  done
done
