// C twins of five versions of the Linux kernel's page_frag allocation path, compiled at -O2,
// so that the lab can compare instructions per allocation of its Swift ports of the same
// versions against "the same versions' C at -O2".
//
// Our own C, written from the kernel's logic (described in comments), never pasted kernel
// source (which is GPL-2.0). Upstream sources each version follows:
//   v6.12          mm/page_alloc.c __page_frag_alloc_align, __page_frag_cache_refill,
//                  page_frag_cache_drain, page_frag_free; include/linux/gfp.h wrappers;
//                  include/linux/mm_types_task.h struct page_frag_cache (Linux v6.12)
//   v6.13          mm/page_frag_cache.c and include/linux/page_frag_cache.h (Linux v6.13,
//                  after "mm: page_frag: ..." Part-1 of Yunsheng Lin's series)
//   rfc-v11-pre08  mm/page_frag_cache.c, include/linux/page_frag_cache.h of the RFC v11 series
//                  before patch 08/14 (__page_frag_alloc_va_align, encoded_va + remaining)
//   rfc-v11        after 08/14 "mm: page_frag: some minor refactoring before adding new API"
//                  (v13 repost: <20240808123714.462740-9-linyunsheng@huawei.com>):
//                  __page_frag_cache_reuse/refill/reload helpers, no empty test in the fast path
//   part2-v2       Part-2 v2 patch 01/10, <20241206122533.3589947-2-linyunsheng@huawei.com>:
//                  __page_frag_cache_prepare + __page_frag_cache_commit_noref exported,
//                  __page_frag_alloc_align a header inline over them
//
// What each kernel "exported" function is here is a real, out-of-line function in its own
// translation unit (kp_<version>.c); the timed loops live in kp_loops.c and call them through
// the header's inline wrappers, so -O2 cannot inline across the boundary, as in the kernel.
//
// Naming: kp_<version> followed by the kernel's own name (kp_v6_13 + __page_frag_alloc_align
// = kp_v6_13__page_frag_alloc_align). Lab-only helpers (init, figures, loops) are named
// kp_<version>_<what> and marked as such.
//
// Deviations from the kernel, shared by every version (the report and docs list them):
// - PAGE_SIZE, PAGE_SHIFT, PAGE_FRAG_CACHE_MAX_SIZE and _MAX_ORDER are run-time values read
//   from the lab's environment beside the kernel struct (the lab sweeps page and max sizes);
//   the kernel's compile-time `#if (PAGE_SIZE < PAGE_FRAG_CACHE_MAX_SIZE)` becomes a test of
//   max_order > 0 in the refill path.
// - struct page is the lab's cfrag_page (CFragCacheC), page_address/virt_to_page are
//   arithmetic on the arena (the kernel's on vmemmap and the direct map), alloc_pages_node is
//   cfrag_alloc_pages, free_unref_page is cfrag_free_pages. page_frag_free takes the arena.
// - Slow paths (refill, reuse, failures) bump counters in the environment, for the lab's
//   figures; the kernel struct itself is as the version had it. No CONFIG_DEBUG_VM checks.
#ifndef CKERNELPORTS_H
#define CKERNELPORTS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "CFragCacheC.h"

// MARK: - The lab's stand-ins for the kernel's mm

/// gfp_t: a plain flag word passed through to the page allocator. Our own bit values.
typedef unsigned int kp_gfp_t;
#define KP_GFP_DIRECT_RECLAIM 0x01u
#define KP_GFP_KSWAPD_RECLAIM 0x02u
#define KP_GFP_HIGH 0x04u
#define KP_GFP_COMP 0x08u
#define KP_GFP_NOWARN 0x10u
#define KP_GFP_NORETRY 0x20u
#define KP_GFP_NOMEMALLOC 0x40u
/// GFP_ATOMIC: no direct reclaim (what the networking callers pass; the lab never reclaims).
#define KP_GFP_ATOMIC (KP_GFP_HIGH | KP_GFP_KSWAPD_RECLAIM)

/// struct page.
typedef cfrag_page kp_page;

/// Slow-path counters for the lab's figures (not kernel state).
typedef struct kp_counts {
    long refills, fallbacks, high_order_failures, refill_failures, reuses, pfmemalloc_drops,
        oversize_failures, bytes_opened;
} kp_counts;

/// What the kernel has as constants and globals (PAGE_SIZE, PAGE_FRAG_CACHE_MAX_SIZE, the
/// memory map), plus the counters: lab state kept beside the kernel struct.
typedef struct kp_env {
    cfrag_arena *arena;
    uint32_t page_shift;  // PAGE_SHIFT
    uint32_t page_size;   // PAGE_SIZE
    uint32_t max_order;   // PAGE_FRAG_CACHE_MAX_ORDER
    uint32_t max_size;    // PAGE_FRAG_CACHE_MAX_SIZE
    kp_counts counts;
} kp_env;

// MARK: - The kernel structs, one per version

/// v6.12 include/linux/mm_types_task.h. Deviation: the kernel has `__u16 offset, size` when
/// PAGE_SIZE < PAGE_FRAG_CACHE_MAX_SIZE (else `__u32 offset` and no size); here both are u32
/// always, because the lab's max sizes go beyond 64 KiB.
struct kp_v6_12_page_frag_cache {
    void *va;
    uint32_t offset;
    uint32_t size;
    unsigned int pagecnt_bias;
    bool pfmemalloc;
};

/// v6.13 include/linux/mm_types_task.h (also part2-v2's): the page's address with the order in
/// its low byte and the pfmemalloc bit above it.
struct kp_v6_13_page_frag_cache {
    unsigned long encoded_page;
    uint32_t offset;
    uint32_t pagecnt_bias;
};

/// RFC v11 include/linux/mm_types_task.h (before and after 08/14): the same encoding, and the
/// bytes left at the end of the page instead of an offset.
struct kp_rfc_v11_page_frag_cache {
    unsigned long encoded_va;
    uint32_t remaining;
    uint32_t pagecnt_bias;
};

/// include/linux/mm_types_task.h struct page_frag (64-bit layout), filled by part2's prepare.
struct kp_page_frag {
    kp_page *page;
    uint32_t offset;
    uint32_t size;
};

#define KP_ORDER_MASK 0xfful          // PAGE_FRAG_CACHE_ORDER_MASK, GENMASK(7, 0)
#define KP_PFMEMALLOC_BIT 0x100ul     // PAGE_FRAG_CACHE_PFMEMALLOC_BIT, BIT(8)
/// PAGE_MASK for decoding an encoded address: the smallest page size's (4 KiB), a constant as
/// the kernel's is; the encoding uses bits 0-8 only, so it decodes every page size the same.
#define KP_PAGE_MASK (~0xffful)

/// One cache of any version, with the lab's environment beside it. The kernel struct is at
/// offset 0, so an exported function that gets the kernel's `nc` finds the environment the
/// way container_of would (a constant offset).
typedef struct kp_cache {
    union {
        struct kp_v6_12_page_frag_cache v6_12;
        struct kp_v6_13_page_frag_cache v6_13;
        struct kp_rfc_v11_page_frag_cache rfc_v11_pre08;
        struct kp_rfc_v11_page_frag_cache rfc_v11;
        struct kp_v6_13_page_frag_cache part2_v2;
    } nc;
    kp_env env;
} kp_cache;

static inline kp_env *kp_env_of(const void *nc) { return &((kp_cache *)(uintptr_t)nc)->env; }

// MARK: - mm helpers (static inline, as the kernel's are)

/// virt_to_page
static inline kp_page *kp_virt_to_page(const kp_env *e, unsigned long va) {
    const cfrag_arena *a = e->arena;
    return a->pages + ((va - a->base) >> a->page_shift);
}
/// virt_to_head_page (compound_head)
static inline kp_page *kp_virt_to_head_page(const cfrag_arena *a, const void *va) {
    const kp_page *page = a->pages + (((uintptr_t)va - a->base) >> a->page_shift);
    return a->pages + page->head;
}
/// page_address
static inline void *kp_page_address(const kp_env *e, const kp_page *page) {
    const cfrag_arena *a = e->arena;
    return (void *)(a->base + ((uintptr_t)(page - a->pages) << a->page_shift));
}
/// page_is_pfmemalloc
static inline bool kp_page_is_pfmemalloc(const kp_page *page) {
    return (page->flags & CFRAG_FLAG_PFMEMALLOC) != 0;
}
/// compound_order
static inline unsigned kp_compound_order(const kp_page *page) {
    return (page->flags & CFRAG_FLAG_HEAD) ? page->order : 0;
}
/// page_ref_add
static inline void kp_page_ref_add(kp_page *page, long nr) {
    atomic_fetch_add_explicit(&page->refcount, nr, memory_order_relaxed);
}
/// page_ref_sub_and_test
static inline bool kp_page_ref_sub_and_test(kp_page *page, long nr) {
    return atomic_fetch_sub_explicit(&page->refcount, nr, memory_order_acq_rel) == nr;
}
/// set_page_count
static inline void kp_set_page_count(kp_page *page, long v) {
    atomic_store_explicit(&page->refcount, v, memory_order_relaxed);
}
/// page_ref_count
static inline long kp_page_ref_count(const kp_page *page) {
    return atomic_load_explicit(&((kp_page *)(uintptr_t)page)->refcount, memory_order_relaxed);
}
/// put_page_testzero
static inline bool kp_put_page_testzero(kp_page *page) {
    return atomic_fetch_sub_explicit(&page->refcount, 1, memory_order_acq_rel) == 1;
}
/// free_unref_page (the order is the block's own in the lab's allocator)
static inline void kp_free_unref_page(const cfrag_arena *a, kp_page *page, unsigned order) {
    (void)order;
    cfrag_free_pages((cfrag_arena *)(uintptr_t)a, (int32_t)(page - a->pages));
}
/// alloc_pages_node(NUMA_NO_NODE, gfp, order): __GFP_COMP makes a compound page,
/// __GFP_NOMEMALLOC keeps it off the pfmemalloc reserves.
static inline kp_page *kp_alloc_pages_node(const kp_env *e, kp_gfp_t gfp, unsigned order) {
    int32_t index = cfrag_alloc_pages(e->arena, order, (gfp & KP_GFP_COMP) != 0, (gfp & KP_GFP_NOMEMALLOC) != 0);
    return index < 0 ? NULL : e->arena->pages + index;
}
/// The gfp of the high-order attempt of every version's refill.
static inline kp_gfp_t kp_high_order_gfp(kp_gfp_t gfp) {
    return (gfp & ~KP_GFP_DIRECT_RECLAIM) | KP_GFP_COMP | KP_GFP_NOWARN | KP_GFP_NORETRY | KP_GFP_NOMEMALLOC;
}

// MARK: - Shared exported functions (kp_common.c): the same in all five versions

/// page_frag_free (rfc: page_frag_free_va): virt_to_head_page, put_page_testzero, free.
void kp_page_frag_free(cfrag_arena *arena, void *addr);
/// __page_frag_cache_drain(page, count)
void kp___page_frag_cache_drain(cfrag_arena *arena, kp_page *page, unsigned int count);

/// Lab: an empty cache (every version's init leaves the struct zeroed) and its environment.
/// `max_size` must be page_size << k, k in 0...10 (below the page size means one page).
void kp_cache_init(kp_cache *c, cfrag_arena *arena, uint32_t max_size);
/// Lab: counts one refill attempt's outcome (`page` NULL: failed; `order`: what it got).
void kp_count_refill(kp_env *e, const kp_page *page, unsigned order);

// MARK: - v6.12 (kp_v6_12.c)

void *kp_v6_12__page_frag_alloc_align(struct kp_v6_12_page_frag_cache *nc, unsigned int fragsz,
                                      kp_gfp_t gfp_mask, unsigned int align_mask);
void kp_v6_12_page_frag_cache_drain(struct kp_v6_12_page_frag_cache *nc);
/// Lab: bytes left in the current page (0 when empty).
long kp_v6_12_unused(const kp_cache *c);

static inline void *kp_v6_12_page_frag_alloc(struct kp_v6_12_page_frag_cache *nc, unsigned int fragsz,
                                             kp_gfp_t gfp_mask) {
    return kp_v6_12__page_frag_alloc_align(nc, fragsz, gfp_mask, ~0u);
}
static inline void *kp_v6_12_page_frag_alloc_align(struct kp_v6_12_page_frag_cache *nc, unsigned int fragsz,
                                                   kp_gfp_t gfp_mask, unsigned int align) {
    return kp_v6_12__page_frag_alloc_align(nc, fragsz, gfp_mask, -align);
}

// MARK: - v6.13 (kp_v6_13.c)

void *kp_v6_13__page_frag_alloc_align(struct kp_v6_13_page_frag_cache *nc, unsigned int fragsz,
                                      kp_gfp_t gfp_mask, unsigned int align_mask);
void kp_v6_13_page_frag_cache_drain(struct kp_v6_13_page_frag_cache *nc);
long kp_v6_13_unused(const kp_cache *c);

static inline void *kp_v6_13_page_frag_alloc(struct kp_v6_13_page_frag_cache *nc, unsigned int fragsz,
                                             kp_gfp_t gfp_mask) {
    return kp_v6_13__page_frag_alloc_align(nc, fragsz, gfp_mask, ~0u);
}
static inline void *kp_v6_13_page_frag_alloc_align(struct kp_v6_13_page_frag_cache *nc, unsigned int fragsz,
                                                   kp_gfp_t gfp_mask, unsigned int align) {
    return kp_v6_13__page_frag_alloc_align(nc, fragsz, gfp_mask, -align);
}

// MARK: - rfc-v11-pre08 (kp_rfc_v11_pre08.c)

void *kp_rfc_v11_pre08__page_frag_alloc_va_align(struct kp_rfc_v11_page_frag_cache *nc, unsigned int fragsz,
                                                 kp_gfp_t gfp_mask, unsigned int align_mask);
void kp_rfc_v11_pre08_page_frag_cache_drain(struct kp_rfc_v11_page_frag_cache *nc);
long kp_rfc_v11_pre08_unused(const kp_cache *c);

static inline void *kp_rfc_v11_pre08_page_frag_alloc_va(struct kp_rfc_v11_page_frag_cache *nc,
                                                        unsigned int fragsz, kp_gfp_t gfp_mask) {
    return kp_rfc_v11_pre08__page_frag_alloc_va_align(nc, fragsz, gfp_mask, ~0u);
}
static inline void *kp_rfc_v11_pre08_page_frag_alloc_va_align(struct kp_rfc_v11_page_frag_cache *nc,
                                                              unsigned int fragsz, kp_gfp_t gfp_mask,
                                                              unsigned int align) {
    return kp_rfc_v11_pre08__page_frag_alloc_va_align(nc, fragsz, gfp_mask, -align);
}

// MARK: - rfc-v11 (kp_rfc_v11.c)

void *kp_rfc_v11__page_frag_alloc_va_align(struct kp_rfc_v11_page_frag_cache *nc, unsigned int fragsz,
                                           kp_gfp_t gfp_mask, unsigned int align_mask);
void kp_rfc_v11_page_frag_cache_drain(struct kp_rfc_v11_page_frag_cache *nc);
long kp_rfc_v11_unused(const kp_cache *c);

static inline void *kp_rfc_v11_page_frag_alloc_va(struct kp_rfc_v11_page_frag_cache *nc, unsigned int fragsz,
                                                  kp_gfp_t gfp_mask) {
    return kp_rfc_v11__page_frag_alloc_va_align(nc, fragsz, gfp_mask, ~0u);
}
static inline void *kp_rfc_v11_page_frag_alloc_va_align(struct kp_rfc_v11_page_frag_cache *nc,
                                                        unsigned int fragsz, kp_gfp_t gfp_mask,
                                                        unsigned int align) {
    return kp_rfc_v11__page_frag_alloc_va_align(nc, fragsz, gfp_mask, -align);
}

// MARK: - part2-v2 (kp_part2_v2.c)

void *kp_part2_v2__page_frag_cache_prepare(struct kp_v6_13_page_frag_cache *nc, unsigned int fragsz,
                                           struct kp_page_frag *pfrag, kp_gfp_t gfp_mask,
                                           unsigned int align_mask);
unsigned int kp_part2_v2__page_frag_cache_commit_noref(struct kp_v6_13_page_frag_cache *nc,
                                                       struct kp_page_frag *pfrag, unsigned int used_sz);
void kp_part2_v2_page_frag_cache_drain(struct kp_v6_13_page_frag_cache *nc);
long kp_part2_v2_unused(const kp_cache *c);

/// __page_frag_cache_commit (header inline): one reference for the fragment, then commit_noref.
static inline unsigned int kp_part2_v2__page_frag_cache_commit(struct kp_v6_13_page_frag_cache *nc,
                                                               struct kp_page_frag *pfrag,
                                                               unsigned int used_sz) {
    nc->pagecnt_bias--;
    return kp_part2_v2__page_frag_cache_commit_noref(nc, pfrag, used_sz);
}
/// __page_frag_alloc_align (header inline in part2): prepare, then commit fragsz.
static inline void *kp_part2_v2__page_frag_alloc_align(struct kp_v6_13_page_frag_cache *nc, unsigned int fragsz,
                                                       kp_gfp_t gfp_mask, unsigned int align_mask) {
    struct kp_page_frag page_frag;
    void *va = kp_part2_v2__page_frag_cache_prepare(nc, fragsz, &page_frag, gfp_mask, align_mask);
    if (__builtin_expect(!va, 0)) return NULL;
    kp_part2_v2__page_frag_cache_commit(nc, &page_frag, fragsz);
    return va;
}
static inline void *kp_part2_v2_page_frag_alloc(struct kp_v6_13_page_frag_cache *nc, unsigned int fragsz,
                                                kp_gfp_t gfp_mask) {
    return kp_part2_v2__page_frag_alloc_align(nc, fragsz, gfp_mask, ~0u);
}
static inline void *kp_part2_v2_page_frag_alloc_align(struct kp_v6_13_page_frag_cache *nc, unsigned int fragsz,
                                                      kp_gfp_t gfp_mask, unsigned int align) {
    return kp_part2_v2__page_frag_alloc_align(nc, fragsz, gfp_mask, -align);
}

// MARK: - Lab entry points per version: the kernel API with GFP_ATOMIC on a kp_cache, and the
// timed loops (kp_loops.c), for Swift.

#define KP_VERSION_ENTRY_POINTS(ver, ALLOC, ALLOC_ALIGN, DRAIN)                                      \
    static inline void *kp_##ver##_alloc(kp_cache *c, unsigned int fragsz) {                         \
        return ALLOC(&c->nc.ver, fragsz, KP_GFP_ATOMIC);                                             \
    }                                                                                                \
    static inline void *kp_##ver##_alloc_align(kp_cache *c, unsigned int fragsz, unsigned int align) { \
        return ALLOC_ALIGN(&c->nc.ver, fragsz, KP_GFP_ATOMIC, align);                                \
    }                                                                                                \
    static inline void kp_##ver##_drain(kp_cache *c) { DRAIN(&c->nc.ver); }                          \
    /* alloc-only: `ops` allocations stored in `slots` (`align` 1: page_frag_alloc). */             \
    void kp_##ver##_run_alloc_only(kp_cache *c, void **slots, long ops, unsigned int fragsz,         \
                                   unsigned int align);                                              \
    /* alloc-free: `ops` x (allocate, page_frag_free the oldest of `depth`); returns the next  */    \
    /* slot. With `sizes` (indexed by `*drawn & mask`), sizes are drawn from it (mixed). */          \
    long kp_##ver##_run_ring(kp_cache *c, void **slots, long depth, long start, long ops,            \
                             unsigned int fragsz, unsigned int align, const uint32_t *sizes, long mask, \
                             long *drawn);

KP_VERSION_ENTRY_POINTS(v6_12, kp_v6_12_page_frag_alloc, kp_v6_12_page_frag_alloc_align,
                        kp_v6_12_page_frag_cache_drain)
KP_VERSION_ENTRY_POINTS(v6_13, kp_v6_13_page_frag_alloc, kp_v6_13_page_frag_alloc_align,
                        kp_v6_13_page_frag_cache_drain)
KP_VERSION_ENTRY_POINTS(rfc_v11_pre08, kp_rfc_v11_pre08_page_frag_alloc_va,
                        kp_rfc_v11_pre08_page_frag_alloc_va_align, kp_rfc_v11_pre08_page_frag_cache_drain)
KP_VERSION_ENTRY_POINTS(rfc_v11, kp_rfc_v11_page_frag_alloc_va, kp_rfc_v11_page_frag_alloc_va_align,
                        kp_rfc_v11_page_frag_cache_drain)
KP_VERSION_ENTRY_POINTS(part2_v2, kp_part2_v2_page_frag_alloc, kp_part2_v2_page_frag_alloc_align,
                        kp_part2_v2_page_frag_cache_drain)

/// Lab: the five versions by number, for the entry points below that dispatch on it (once per
/// call, outside the loops).
typedef enum kp_version { KP_V6_12, KP_V6_13, KP_RFC_V11_PRE08, KP_RFC_V11, KP_PART2_V2 } kp_version;
/// The version's kp_<version>_run_alloc_only.
void kp_run_alloc_only(kp_version v, kp_cache *c, void **slots, long ops, unsigned int fragsz, unsigned int align);
/// The version's kp_<version>_run_ring.
long kp_run_ring(kp_version v, kp_cache *c, void **slots, long depth, long start, long ops, unsigned int fragsz,
                 unsigned int align, const uint32_t *sizes, long mask, long *drawn);
/// The version's page_frag_cache_drain.
void kp_drain(kp_version v, kp_cache *c);
/// Bytes left in the version's current page.
long kp_unused(kp_version v, kp_cache *c);

/// Lab: part2's prepare / commit / commit_noref on a kp_cache, for tests.
static inline void *kp_part2_v2_prepare(kp_cache *c, unsigned int fragsz, struct kp_page_frag *pfrag,
                                        unsigned int align) {
    return kp_part2_v2__page_frag_cache_prepare(&c->nc.part2_v2, fragsz, pfrag, KP_GFP_ATOMIC, -align);
}
static inline unsigned int kp_part2_v2_commit(kp_cache *c, struct kp_page_frag *pfrag, unsigned int used_sz) {
    return kp_part2_v2__page_frag_cache_commit(&c->nc.part2_v2, pfrag, used_sz);
}
static inline unsigned int kp_part2_v2_commit_noref(kp_cache *c, struct kp_page_frag *pfrag, unsigned int used_sz) {
    return kp_part2_v2__page_frag_cache_commit_noref(&c->nc.part2_v2, pfrag, used_sz);
}

#endif
