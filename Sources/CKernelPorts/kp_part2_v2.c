// part2-v2: mm/page_frag_cache.c of Yunsheng Lin's Part-2 v2, patch 01/10
// (<20241206122533.3589947-2-linyunsheng@huawei.com>), over the v6.13 state: the allocation
// becomes __page_frag_cache_prepare (which fills a struct page_frag and moves nothing) and
// __page_frag_cache_commit_noref (which moves the offset), both exported;
// __page_frag_alloc_align is a header inline over them (CKernelPorts.h), so an allocation is
// two calls. Refill and drain are v6.13's (kp_internal.h).
// Our own C from that logic; see CKernelPorts.h for deviations.
#include "kp_internal.h"

void kp_part2_v2_page_frag_cache_drain(struct kp_v6_13_page_frag_cache *nc) { kp_mainline_drain(nc); }

// __page_frag_cache_commit_noref: the cache's offset moves to the end of what was used; the
// true size (alignment padding included) is returned. Its VM_BUG_ON checks are compiled out.
unsigned int kp_part2_v2__page_frag_cache_commit_noref(struct kp_v6_13_page_frag_cache *nc,
                                                       struct kp_page_frag *pfrag, unsigned int used_sz) {
    unsigned int orig_offset = nc->offset;
    nc->offset = pfrag->offset + used_sz;
    return nc->offset - orig_offset;
}

void *kp_part2_v2__page_frag_cache_prepare(struct kp_v6_13_page_frag_cache *nc, unsigned int fragsz,
                                           struct kp_page_frag *pfrag, kp_gfp_t gfp_mask,
                                           unsigned int align_mask) {
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
    } else {
        page = kp_virt_to_page(e, encoded_page);
    }

    size = e->page_size << encoded_page_decode_order(encoded_page);
    offset = (nc->offset + ~align_mask) & align_mask;  // __ALIGN_KERNEL_MASK(offset, ~align_mask)
    if (__builtin_expect(offset + fragsz > size, 0)) {
        if (__builtin_expect(fragsz > e->page_size, 0)) {
            // Larger than a page and the cache's page cannot hold it (low memory): keep the
            // page rather than add to the pressure, fail.
            e->counts.oversize_failures++;
            return NULL;
        }
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
        nc->offset = 0;
        e->counts.reuses++;
        e->counts.bytes_opened += size;
        offset = 0;
    }

    pfrag->page = page;
    pfrag->offset = offset;
    pfrag->size = size - offset;
    return (char *)encoded_page_decode_virt(encoded_page) + offset;
}

long kp_part2_v2_unused(const kp_cache *c) { return kp_offset_up_unused(&c->env, &c->nc.part2_v2); }
