// v6.13: mm/page_frag_cache.c as Linux v6.13 has it, after Part-1 of Yunsheng Lin's series
// (encoded_page_create/decode_*, __page_frag_cache_refill, page_frag_cache_drain,
// __page_frag_alloc_align). The cache counts up: `offset` is where the next fragment may
// start, aligned up. Our own C from that logic; see CKernelPorts.h for deviations.
#include "kp_internal.h"

// __page_frag_cache_refill and the encoded_page helpers: kp_internal.h (part2 shares them).

void kp_v6_13_page_frag_cache_drain(struct kp_v6_13_page_frag_cache *nc) { kp_mainline_drain(nc); }

void *kp_v6_13__page_frag_alloc_align(struct kp_v6_13_page_frag_cache *nc, unsigned int fragsz,
                                      kp_gfp_t gfp_mask, unsigned int align_mask) {
    unsigned long encoded_page = nc->encoded_page;
    kp_env *e = kp_env_of(nc);
    unsigned int size, offset;
    kp_page *page;

    if (__builtin_expect(!encoded_page, 0)) {
refill:
        page = kp_mainline_refill(nc, gfp_mask);
        if (!page)
            return NULL;
        encoded_page = nc->encoded_page;
        // Not an atomic set: get_page_unless_zero() users may hold the page.
        kp_page_ref_add(page, e->max_size);
        nc->pagecnt_bias = e->max_size + 1;
        nc->offset = 0;
    }

    size = e->page_size << encoded_page_decode_order(encoded_page);
    offset = (nc->offset + ~align_mask) & align_mask;  // __ALIGN_KERNEL_MASK(offset, ~align_mask)
    if (__builtin_expect(offset + fragsz > size, 0)) {
        if (__builtin_expect(fragsz > e->page_size, 0)) {
            // Larger than a page and the cache's page cannot hold it (low memory): keep the
            // page rather than add to the pressure, fail the allocation.
            e->counts.oversize_failures++;
            return NULL;
        }
        page = kp_virt_to_page(e, encoded_page);
        if (!kp_page_ref_sub_and_test(page, nc->pagecnt_bias))
            goto refill;
        if (__builtin_expect(encoded_page_decode_pfmemalloc(encoded_page), 0)) {
            e->counts.pfmemalloc_drops++;
            kp_free_unref_page(e->arena, page, encoded_page_decode_order(encoded_page));
            goto refill;
        }
        // Every fragment came back: the count is 0, so a plain set is safe.
        kp_set_page_count(page, e->max_size + 1);
        nc->pagecnt_bias = e->max_size + 1;
        e->counts.reuses++;
        e->counts.bytes_opened += size;
        offset = 0;
    }

    nc->pagecnt_bias--;
    nc->offset = offset + fragsz;
    return (char *)encoded_page_decode_virt(encoded_page) + offset;
}

long kp_v6_13_unused(const kp_cache *c) { return kp_offset_up_unused(&c->env, &c->nc.v6_13); }
