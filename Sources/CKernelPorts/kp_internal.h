// Helpers shared by the versions that encode the page (v6.13, rfc-v11-pre08, rfc-v11,
// part2-v2). Static inline, as the kernel's are (static functions of mm/page_frag_cache.c in
// v6.13 and part2; header inlines of include/linux/page_frag_cache.h in the RFC, where they
// are named encode_aligned_va, encoded_page_order, encoded_page_pfmemalloc,
// encoded_page_address and page_frag_cache_page_size: the same logic).
// Our own C from that logic; see CKernelPorts.h for deviations.
#ifndef KP_INTERNAL_H
#define KP_INTERNAL_H

#include "CKernelPorts.h"

/// encoded_page_create (v6.13) / encode_aligned_va (RFC): address | order | pfmemalloc bit.
static inline unsigned long encoded_page_create(const kp_env *e, kp_page *page, unsigned order, bool pfmemalloc) {
    return (unsigned long)kp_page_address(e, page) | (order & KP_ORDER_MASK) |
           ((unsigned long)pfmemalloc * KP_PFMEMALLOC_BIT);
}
/// encoded_page_decode_order / encoded_page_order
static inline unsigned long encoded_page_decode_order(unsigned long encoded) {
    return encoded & KP_ORDER_MASK;
}
/// encoded_page_decode_virt / encoded_page_address: & PAGE_MASK.
static inline void *encoded_page_decode_virt(unsigned long encoded) {
    return (void *)(encoded & KP_PAGE_MASK);
}
/// encoded_page_decode_pfmemalloc / encoded_page_pfmemalloc
static inline bool encoded_page_decode_pfmemalloc(unsigned long encoded) {
    return (encoded & KP_PFMEMALLOC_BIT) != 0;
}
/// page_frag_cache_page_size (RFC): PAGE_SIZE << order.
static inline unsigned int page_frag_cache_page_size(const kp_env *e, unsigned long encoded) {
    return e->page_size << encoded_page_decode_order(encoded);
}

/// The high-order-then-order-0 attempt every version's refill makes, counted for the lab:
/// a max-order compound page without direct reclaim, warnings, retries or the reserves
/// (`#if (PAGE_SIZE < PAGE_FRAG_CACHE_MAX_SIZE)` in the kernel), else one page with the
/// caller's gfp. `*order` gets the order obtained.
static inline kp_page *kp_refill_pages(kp_env *e, kp_gfp_t gfp_mask, unsigned *order) {
    kp_page *page = NULL;
    *order = e->max_order;
    if (e->max_order > 0)
        page = kp_alloc_pages_node(e, kp_high_order_gfp(gfp_mask), e->max_order);
    if (__builtin_expect(!page, 0)) {
        page = kp_alloc_pages_node(e, gfp_mask, 0);
        *order = 0;
    }
    kp_count_refill(e, page, *order);
    return page;
}

/// v6.13 __page_frag_cache_refill (unchanged in part2-v2): the page, encoded (0 on failure).
static inline kp_page *kp_mainline_refill(struct kp_v6_13_page_frag_cache *nc, kp_gfp_t gfp_mask) {
    kp_env *e = kp_env_of(nc);
    unsigned order;
    kp_page *page = kp_refill_pages(e, gfp_mask, &order);
    nc->encoded_page = page ? encoded_page_create(e, page, order, kp_page_is_pfmemalloc(page)) : 0;
    return page;
}

/// v6.13 page_frag_cache_drain (unchanged in part2-v2).
static inline void kp_mainline_drain(struct kp_v6_13_page_frag_cache *nc) {
    if (!nc->encoded_page)
        return;
    kp_env *e = kp_env_of(nc);
    kp___page_frag_cache_drain(e->arena, kp_virt_to_page(e, nc->encoded_page), nc->pagecnt_bias);
    nc->encoded_page = 0;
}

/// Lab: bytes left in the current page of an offset-counting-up cache (v6.13, part2).
static inline long kp_offset_up_unused(const kp_env *e, const struct kp_v6_13_page_frag_cache *nc) {
    if (!nc->encoded_page) return 0;
    long size = (long)page_frag_cache_page_size(e, nc->encoded_page);
    return nc->offset < size ? size - nc->offset : 0;
}

#endif
