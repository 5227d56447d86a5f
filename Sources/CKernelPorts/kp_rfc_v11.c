// rfc-v11: mm/page_frag_cache.c of Yunsheng Lin's RFC v11 series after patch 08/14 "mm:
// page_frag: some minor refactoring before adding new API" (v13 repost
// <20240808123714.462740-9-linyunsheng@huawei.com>): the slow path moves into static
// __page_frag_cache_reuse / __page_frag_cache_refill / __page_frag_cache_reload, and the fast
// path loses its empty test (an empty cache has remaining 0: init, drain and a failed refill
// zero the whole struct). Our own C from that logic; see CKernelPorts.h for deviations.
#include "kp_internal.h"

#include <string.h>

// __page_frag_cache_reuse: every fragment of the old page came back and it is not a
// pfmemalloc page, so it can be carved again (its count set back to the full bias).
static bool reuse(kp_env *e, unsigned long encoded_va, unsigned int pagecnt_bias) {
    kp_page *page = kp_virt_to_page(e, encoded_va);
    if (!kp_page_ref_sub_and_test(page, pagecnt_bias))
        return false;
    if (__builtin_expect(encoded_page_decode_pfmemalloc(encoded_va), 0)) {
        e->counts.pfmemalloc_drops++;
        kp_free_unref_page(e->arena, page, encoded_page_decode_order(encoded_va));
        return false;
    }
    kp_set_page_count(page, e->max_size + 1);
    e->counts.reuses++;
    e->counts.bytes_opened += page_frag_cache_page_size(e, encoded_va);
    return true;
}

// __page_frag_cache_refill: a new page with its references added; on failure the whole
// cache is zeroed.
static bool refill(struct kp_rfc_v11_page_frag_cache *nc, kp_gfp_t gfp_mask) {
    kp_env *e = kp_env_of(nc);
    unsigned order;
    kp_page *page = kp_refill_pages(e, gfp_mask, &order);
    if (__builtin_expect(!page, 0)) {
        memset(nc, 0, sizeof(*nc));
        return false;
    }
    nc->encoded_va = encoded_page_create(e, page, order, kp_page_is_pfmemalloc(page));
    // Not an atomic set: get_page_unless_zero() users may hold the page.
    kp_page_ref_add(page, e->max_size);
    return true;
}

// __page_frag_cache_reload: reuse the old page if possible, else refill; then a full bias and
// the whole page remaining.
static bool reload(struct kp_rfc_v11_page_frag_cache *nc, kp_gfp_t gfp_mask) {
    kp_env *e = kp_env_of(nc);
    if (__builtin_expect(nc->encoded_va != 0, 1)) {
        if (reuse(e, nc->encoded_va, nc->pagecnt_bias))
            goto out;
    }
    if (__builtin_expect(!refill(nc, gfp_mask), 0))
        return false;
out:
    nc->pagecnt_bias = e->max_size + 1;
    nc->remaining = page_frag_cache_page_size(e, nc->encoded_va);
    return true;
}

void kp_rfc_v11_page_frag_cache_drain(struct kp_rfc_v11_page_frag_cache *nc) {
    if (!nc->encoded_va)
        return;
    cfrag_arena *arena = kp_env_of(nc)->arena;
    kp___page_frag_cache_drain(arena, kp_virt_to_head_page(arena, (void *)nc->encoded_va), nc->pagecnt_bias);
    memset(nc, 0, sizeof(*nc));
}

void *kp_rfc_v11__page_frag_alloc_va_align(struct kp_rfc_v11_page_frag_cache *nc, unsigned int fragsz,
                                           kp_gfp_t gfp_mask, unsigned int align_mask) {
    unsigned long encoded_va = nc->encoded_va;
    unsigned int remaining;

    remaining = nc->remaining & align_mask;
    // remaining is 0 on an empty cache, so this test alone says the fragment fits.
    if (__builtin_expect(remaining >= fragsz, 1)) {
        nc->pagecnt_bias--;
        nc->remaining = remaining - fragsz;
        return (char *)encoded_page_decode_virt(encoded_va) +
               (page_frag_cache_page_size(kp_env_of(nc), encoded_va) - remaining);
    }

    if (__builtin_expect(fragsz > kp_env_of(nc)->page_size, 0)) {
        // Larger than a page and the cache's page cannot hold it (low memory): keep the page
        // rather than add to the pressure, fail the allocation.
        kp_env_of(nc)->counts.oversize_failures++;
        return NULL;
    }

    if (__builtin_expect(!reload(nc, gfp_mask), 0))
        return NULL;

    // Counting up from a just-reloaded page: the fragment is at offset 0, no alignment needed.
    nc->pagecnt_bias--;
    nc->remaining -= fragsz;
    return encoded_page_decode_virt(nc->encoded_va);
}

long kp_rfc_v11_unused(const kp_cache *c) { return (long)c->nc.rfc_v11.remaining; }
