// rfc-v11-pre08: mm/page_frag_cache.c of Yunsheng Lin's RFC v11 series before patch 08/14 (the
// state kernel-patches/bpf carried: __page_frag_cache_refill, page_frag_cache_drain,
// __page_frag_alloc_va_align, page_frag_free_va). `encoded_va` as v6.13's encoded page, and
// `remaining`, the bytes left at the end of the page (aligned by masking it down), instead of
// an offset; the fast path still tests for an empty cache.
// Our own C from that logic; see CKernelPorts.h for deviations.
#include "kp_internal.h"

// __page_frag_cache_refill (static, inlined): on failure the cache's encoded_va becomes 0.
static kp_page *refill(struct kp_rfc_v11_page_frag_cache *nc, kp_gfp_t gfp_mask) {
    kp_env *e = kp_env_of(nc);
    unsigned order;
    kp_page *page = kp_refill_pages(e, gfp_mask, &order);
    if (__builtin_expect(!page, 0)) {
        nc->encoded_va = 0;
        return NULL;
    }
    nc->encoded_va = encoded_page_create(e, page, order, kp_page_is_pfmemalloc(page));
    return page;
}

void kp_rfc_v11_pre08_page_frag_cache_drain(struct kp_rfc_v11_page_frag_cache *nc) {
    if (!nc->encoded_va)
        return;
    cfrag_arena *arena = kp_env_of(nc)->arena;
    kp___page_frag_cache_drain(arena, kp_virt_to_head_page(arena, (void *)nc->encoded_va), nc->pagecnt_bias);
    nc->encoded_va = 0;
}

void *kp_rfc_v11_pre08__page_frag_alloc_va_align(struct kp_rfc_v11_page_frag_cache *nc, unsigned int fragsz,
                                                 kp_gfp_t gfp_mask, unsigned int align_mask) {
    unsigned long encoded_va = nc->encoded_va;
    kp_env *e = kp_env_of(nc);
    unsigned int size, remaining;
    kp_page *page;

    if (__builtin_expect(!encoded_va, 0)) {
refill:
        page = refill(nc, gfp_mask);
        if (!page)
            return NULL;
        encoded_va = nc->encoded_va;
        size = page_frag_cache_page_size(e, encoded_va);
        // Not an atomic set: get_page_unless_zero() users may hold the page.
        kp_page_ref_add(page, e->max_size);
        nc->pagecnt_bias = e->max_size + 1;
        nc->remaining = size;
    }

    size = page_frag_cache_page_size(e, encoded_va);
    remaining = nc->remaining & align_mask;
    if (__builtin_expect(remaining < fragsz, 0)) {
        if (__builtin_expect(fragsz > e->page_size, 0)) {
            // Larger than a page and the cache's page cannot hold it (low memory): keep the
            // page rather than add to the pressure, fail the allocation.
            e->counts.oversize_failures++;
            return NULL;
        }
        page = kp_virt_to_page(e, encoded_va);
        if (!kp_page_ref_sub_and_test(page, nc->pagecnt_bias))
            goto refill;
        if (__builtin_expect(encoded_page_decode_pfmemalloc(encoded_va), 0)) {
            e->counts.pfmemalloc_drops++;
            kp_free_unref_page(e->arena, page, encoded_page_decode_order(encoded_va));
            goto refill;
        }
        // Every fragment came back: the count is 0, so a plain set is safe.
        kp_set_page_count(page, e->max_size + 1);
        nc->pagecnt_bias = e->max_size + 1;
        nc->remaining = size;
        e->counts.reuses++;
        e->counts.bytes_opened += size;
        remaining = size;
    }

    nc->pagecnt_bias--;
    nc->remaining = remaining - fragsz;
    return (char *)encoded_page_decode_virt(encoded_va) + (size - remaining);
}

long kp_rfc_v11_pre08_unused(const kp_cache *c) {
    return c->nc.rfc_v11_pre08.encoded_va ? (long)c->nc.rfc_v11_pre08.remaining : 0;
}
