// v6.12: the page_frag allocation path before Yunsheng Lin's series, as Linux v6.12 has it in
// mm/page_alloc.c (__page_frag_cache_refill, page_frag_cache_drain, __page_frag_alloc_align).
// The cache counts down from the end of the page: `offset` is where the last fragment starts,
// and alignment rounds it down. Our own C from that logic; see CKernelPorts.h for deviations.
#include "kp_internal.h"

// __page_frag_cache_refill (static, inlined): a PAGE_FRAG_CACHE_MAX_SIZE compound page
// without direct reclaim, warnings, retries or the memalloc reserves, else one page with the
// caller's gfp; records the size it got and the page's address (NULL on failure).
static kp_page *refill(struct kp_v6_12_page_frag_cache *nc, kp_gfp_t gfp_mask) {
    kp_env *e = kp_env_of(nc);
    unsigned order;
    kp_page *page = kp_refill_pages(e, gfp_mask, &order);
    // `nc->size = page ? PAGE_FRAG_CACHE_MAX_SIZE : PAGE_SIZE` after the high-order attempt
    // (and PAGE_SIZE when there is none: the kernel has no nc->size then).
    nc->size = e->page_size << order;
    nc->va = page ? kp_page_address(e, page) : NULL;
    return page;
}

void kp_v6_12_page_frag_cache_drain(struct kp_v6_12_page_frag_cache *nc) {
    if (!nc->va)
        return;
    cfrag_arena *arena = kp_env_of(nc)->arena;
    kp___page_frag_cache_drain(arena, kp_virt_to_head_page(arena, nc->va), nc->pagecnt_bias);
    nc->va = NULL;
}

void *kp_v6_12__page_frag_alloc_align(struct kp_v6_12_page_frag_cache *nc, unsigned int fragsz,
                                      kp_gfp_t gfp_mask, unsigned int align_mask) {
    unsigned int size;
    kp_page *page;
    int offset;

    if (__builtin_expect(!nc->va, 0)) {
refill:
        page = refill(nc, gfp_mask);
        if (!page)
            return NULL;
        kp_env *e = kp_env_of(nc);
        size = nc->size;
        // Not an atomic set: get_page_unless_zero() users may hold the page.
        kp_page_ref_add(page, e->max_size);
        nc->pfmemalloc = kp_page_is_pfmemalloc(page);
        nc->pagecnt_bias = e->max_size + 1;
        nc->offset = size;
    }

    offset = (int)nc->offset - (int)fragsz;
    if (__builtin_expect(offset < 0, 0)) {
        kp_env *e = kp_env_of(nc);
        page = kp_virt_to_page(e, (unsigned long)nc->va);
        if (!kp_page_ref_sub_and_test(page, nc->pagecnt_bias))
            goto refill;
        if (__builtin_expect(nc->pfmemalloc, 0)) {
            e->counts.pfmemalloc_drops++;
            kp_free_unref_page(e->arena, page, kp_compound_order(page));
            goto refill;
        }
        size = nc->size;
        // Every fragment came back: the count is 0, so a plain set is safe.
        kp_set_page_count(page, e->max_size + 1);
        nc->pagecnt_bias = e->max_size + 1;
        e->counts.reuses++;
        e->counts.bytes_opened += size;
        offset = (int)size - (int)fragsz;
        if (__builtin_expect(offset < 0, 0)) {
            // fragsz larger than the page just reused (low memory left an order-0 page):
            // keep the page, fail the allocation.
            e->counts.oversize_failures++;
            return NULL;
        }
    }

    nc->pagecnt_bias--;
    offset &= align_mask;
    nc->offset = offset;
    return (char *)nc->va + offset;
}

long kp_v6_12_unused(const kp_cache *c) {
    return c->nc.v6_12.va ? (long)c->nc.v6_12.offset : 0;
}
