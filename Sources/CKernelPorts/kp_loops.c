// The timed loops of the kernel twins, in their own translation unit so that every exported
// kernel function (the allocation functions, page_frag_free) is a real call from them, as it
// is from a driver. The loops are the C cache's (cfrag_run_alloc_only, cfrag_run_ring) line
// for line, with each version's API in place of the cache's, except that alloc-only walks the
// slots with a pointer: with an index, the aligned loop keeps six values live across the call,
// one more than the callee-saved registers left beside the frame pointer (SwiftPM builds C
// with -fno-omit-frame-pointer), and clang then shuffled registers around every call (+9.6
// instructions per allocation, measured), which would be the loop's cost, not the kernel's.
#include "CKernelPorts.h"

#define KP_RING_LOOP(ALLOC_EXPR)                                     \
    for (long n = 0; n < ops; n++) {                                 \
        void *fresh = (ALLOC_EXPR);                                  \
        if (slots[i]) kp_page_frag_free(arena, slots[i]);            \
        slots[i] = fresh;                                            \
        if (++i == depth) i = 0;                                     \
    }

#define KP_LOOPS(ver, ALLOC, ALLOC_ALIGN)                                                          \
    void kp_##ver##_run_alloc_only(kp_cache *c, void **slots, long ops, unsigned int fragsz,       \
                                   unsigned int align) {                                           \
        void **end = slots + ops;                                                                  \
        if (align == 1) {                                                                          \
            for (void **p = slots; p < end; p++) *p = ALLOC(&c->nc.ver, fragsz, KP_GFP_ATOMIC);    \
        } else {                                                                                   \
            for (void **p = slots; p < end; p++)                                                   \
                *p = ALLOC_ALIGN(&c->nc.ver, fragsz, KP_GFP_ATOMIC, align);                        \
        }                                                                                          \
    }                                                                                              \
    long kp_##ver##_run_ring(kp_cache *c, void **slots, long depth, long start, long ops,          \
                             unsigned int fragsz, unsigned int align, const uint32_t *sizes,       \
                             long mask, long *drawn) {                                             \
        cfrag_arena *arena = c->env.arena;                                                         \
        long i = start;                                                                            \
        if (sizes) {                                                                               \
            long d = *drawn;                                                                       \
            if (align == 1) {                                                                      \
                KP_RING_LOOP(ALLOC(&c->nc.ver, sizes[d++ & mask], KP_GFP_ATOMIC))                  \
            } else {                                                                               \
                KP_RING_LOOP(ALLOC_ALIGN(&c->nc.ver, sizes[d++ & mask], KP_GFP_ATOMIC, align))     \
            }                                                                                      \
            *drawn = d;                                                                            \
        } else if (align == 1) {                                                                   \
            KP_RING_LOOP(ALLOC(&c->nc.ver, fragsz, KP_GFP_ATOMIC))                                 \
        } else {                                                                                   \
            KP_RING_LOOP(ALLOC_ALIGN(&c->nc.ver, fragsz, KP_GFP_ATOMIC, align))                    \
        }                                                                                          \
        return i;                                                                                  \
    }

KP_LOOPS(v6_12, kp_v6_12_page_frag_alloc, kp_v6_12_page_frag_alloc_align)
KP_LOOPS(v6_13, kp_v6_13_page_frag_alloc, kp_v6_13_page_frag_alloc_align)
KP_LOOPS(rfc_v11_pre08, kp_rfc_v11_pre08_page_frag_alloc_va, kp_rfc_v11_pre08_page_frag_alloc_va_align)
KP_LOOPS(rfc_v11, kp_rfc_v11_page_frag_alloc_va, kp_rfc_v11_page_frag_alloc_va_align)
KP_LOOPS(part2_v2, kp_part2_v2_page_frag_alloc, kp_part2_v2_page_frag_alloc_align)

#define KP_DISPATCH(v, call)                          \
    switch (v) {                                      \
    case KP_V6_12: return kp_v6_12_##call;            \
    case KP_V6_13: return kp_v6_13_##call;            \
    case KP_RFC_V11_PRE08: return kp_rfc_v11_pre08_##call; \
    case KP_RFC_V11: return kp_rfc_v11_##call;        \
    case KP_PART2_V2: return kp_part2_v2_##call;      \
    }                                                 \
    __builtin_unreachable();

void kp_run_alloc_only(kp_version v, kp_cache *c, void **slots, long ops, unsigned int fragsz, unsigned int align) {
    KP_DISPATCH(v, run_alloc_only(c, slots, ops, fragsz, align))
}
long kp_run_ring(kp_version v, kp_cache *c, void **slots, long depth, long start, long ops, unsigned int fragsz,
                 unsigned int align, const uint32_t *sizes, long mask, long *drawn) {
    KP_DISPATCH(v, run_ring(c, slots, depth, start, ops, fragsz, align, sizes, mask, drawn))
}
void kp_drain(kp_version v, kp_cache *c) { KP_DISPATCH(v, drain(c)) }
long kp_unused(kp_version v, kp_cache *c) { KP_DISPATCH(v, unused(c)) }
