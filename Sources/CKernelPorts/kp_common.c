// What the five versions share: page_frag_free (page_frag_free_va in the RFC), which is the
// same logic in all of them, __page_frag_cache_drain, and the lab's set-up and counters.
// Our own C from the kernel's logic; see CKernelPorts.h for sources and deviations.
#include "CKernelPorts.h"

#include <string.h>

// page_frag_free (v6.12 mm/page_alloc.c; v6.13 and part2 mm/page_frag_cache.c;
// page_frag_free_va in the RFC): drop the fragment's reference on its head page, freeing the
// page when it was the last one.
void kp_page_frag_free(cfrag_arena *arena, void *addr) {
    kp_page *page = kp_virt_to_head_page(arena, addr);
    if (__builtin_expect(kp_put_page_testzero(page), 0))
        kp_free_unref_page(arena, page, kp_compound_order(page));
}

// __page_frag_cache_drain: give back `count` references, freeing the page on the last.
void kp___page_frag_cache_drain(cfrag_arena *arena, kp_page *page, unsigned int count) {
    if (kp_page_ref_sub_and_test(page, count))
        kp_free_unref_page(arena, page, kp_compound_order(page));
}

void kp_cache_init(kp_cache *c, cfrag_arena *arena, uint32_t max_size) {
    memset(c, 0, sizeof *c);
    kp_env *e = &c->env;
    e->arena = arena;
    e->page_shift = arena->page_shift;
    e->page_size = 1u << arena->page_shift;
    if (max_size < e->page_size) max_size = e->page_size;
    e->max_order = (uint32_t)__builtin_ctz(max_size >> arena->page_shift);
    e->max_size = e->page_size << e->max_order;
}

void kp_count_refill(kp_env *e, const kp_page *page, unsigned order) {
    if (e->max_order > 0 && order == 0) e->counts.high_order_failures++;
    if (!page) {
        e->counts.refill_failures++;
        return;
    }
    if (e->max_order > 0 && order == 0) e->counts.fallbacks++;
    e->counts.refills++;
    e->counts.bytes_opened += (long)e->page_size << order;
}
