// The slow path of the C page_frag cache and its page allocator (see CFragCacheC.h).
#include "CFragCacheC.h"

#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

// MARK: - The arena's lock

// The kernel's zone->lock is a spinlock, and so is the Swift model's (SpinLock.swift): one
// locked compare-and-swap to take it, a release store to drop it. Not a pthread mutex: glibc
// skips its atomics while a process has one thread, which made this twin's refill cheaper than
// the model's in single-threaded workers, and its unlock is a second locked instruction once
// there are threads.
static inline void cfrag_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static void cfrag_arena_lock_wait(cfrag_arena *a) {
    int spins = 0;
    for (;;) {
        // Plain loads while it is held: the holder keeps its cache line.
        while (atomic_load_explicit(&a->lock, memory_order_relaxed) != 0) {
            cfrag_cpu_relax();
            if (++spins == 1024) { spins = 0; sched_yield(); }
        }
        uint32_t expected = 0;
        if (atomic_compare_exchange_weak_explicit(&a->lock, &expected, 1, memory_order_acquire,
                                                  memory_order_relaxed))
            return;
    }
}

static inline void cfrag_arena_lock(cfrag_arena *a) {
    uint32_t expected = 0;
    if (__builtin_expect(!atomic_compare_exchange_strong_explicit(&a->lock, &expected, 1, memory_order_acquire,
                                                                  memory_order_relaxed), 0))
        cfrag_arena_lock_wait(a);
}

static inline void cfrag_arena_unlock(cfrag_arena *a) {
    atomic_store_explicit(&a->lock, 0, memory_order_release);
}

// MARK: - Buddy allocator (under arena->lock)

static void link_block(cfrag_arena *a, int32_t index, unsigned order) {
    cfrag_page *d = &a->pages[index];
    d->flags = CFRAG_FLAG_BUDDY_FREE;
    d->order = (uint8_t)order;
    d->prev = -1;
    d->next = a->free_heads[order];
    if (d->next >= 0) a->pages[d->next].prev = index;
    a->free_heads[order] = index;
}

static void unlink_block(cfrag_arena *a, int32_t index, unsigned order) {
    cfrag_page *d = &a->pages[index];
    if (d->prev >= 0) a->pages[d->prev].next = d->next;
    else a->free_heads[order] = d->next;
    if (d->next >= 0) a->pages[d->next].prev = d->prev;
    d->flags = 0;
    d->next = d->prev = -1;
}

static int32_t take_block(cfrag_arena *a, unsigned order) {
    unsigned k = order;
    while (k < CFRAG_ORDERS && a->free_heads[k] < 0) k++;
    if (k == CFRAG_ORDERS) return -1;
    int32_t block = a->free_heads[k];
    unlink_block(a, block, k);
    while (k > order) {
        k--;
        link_block(a, block + (1 << k), k);
    }
    return block;
}

static void insert_merging(cfrag_arena *a, int32_t index, unsigned order) {
    while (order < CFRAG_ORDERS - 1) {
        int32_t buddy = index ^ (1 << order);
        if ((long)buddy + (1L << order) > a->page_count) break;
        cfrag_page *b = &a->pages[buddy];
        if (!(b->flags & CFRAG_FLAG_BUDDY_FREE) || b->order != order) break;
        unlink_block(a, buddy, order);
        if (buddy < index) index = buddy;
        order++;
    }
    link_block(a, index, order);
}

// MARK: - The kept resident mapping

// One populated mapping kept when its arena is destroyed, for the next arena of the same length
// in this process: `run` sets up an arena for every point of every visit, and populating 256 MiB
// was about half of `make bench`'s time, while a lazy arena changed what memory-bound points
// measure (the Swift model's ResidentArenaPool.swift says how much). A mutex, not the arena's
// spinlock: it is taken twice per arena, never in a timed loop, and ThreadSanitizer sees it.
static cfrag_arena_pool process_pool = { PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0 };

// The kept mapping if its length is `length` and an arena of `page_size` populated it (else it
// is unmapped: never two arenas), or NULL. Length alone is not a geometry: 16 MiB of 4 KiB pages
// and 4 MiB of 16 KiB pages map the same length, and each populates only its own arena, at an
// offset its page size sets (the Swift model's ResidentArenaPool.swift says what that did).
static void *take_kept_mapping(cfrag_arena_pool *pool, size_t length, unsigned page_size) {
    pthread_mutex_lock(&pool->lock);
    void *mapping = pool->mapping;
    size_t kept = pool->length;
    unsigned kept_page_size = pool->page_size;
    pool->mapping = NULL;
    pool->length = 0;
    pool->page_size = 0;
    pthread_mutex_unlock(&pool->lock);
    if (mapping && (kept != length || kept_page_size != page_size)) {
        munmap(mapping, kept);
        mapping = NULL;
    }
    return mapping;
}

// Keeps a resident mapping no arena uses any more, or unmaps it when one is kept already.
static void give_kept_mapping(cfrag_arena_pool *pool, void *mapping, size_t length, unsigned page_size) {
    pthread_mutex_lock(&pool->lock);
    int keep = pool->mapping == NULL;
    if (keep) {
        pool->mapping = mapping;
        pool->length = length;
        pool->page_size = page_size;
    }
    pthread_mutex_unlock(&pool->lock);
    if (!keep) munmap(mapping, length);
}

void cfrag_arena_pool_drain(cfrag_arena_pool *pool) {
    (void)take_kept_mapping(pool, 0, 0);  // length 0 matches no mapping: whatever was kept is unmapped
}

cfrag_arena *cfrag_arena_create(unsigned page_size, size_t arena_bytes, int lazy) {
    return cfrag_arena_create_in(page_size, arena_bytes, lazy, &process_pool);
}

cfrag_arena *cfrag_arena_create_in(unsigned page_size, size_t arena_bytes, int lazy, cfrag_arena_pool *pool) {
    if (page_size != 4096 && page_size != 16384 && page_size != 65536) return NULL;
    long count = (long)(arena_bytes / page_size);
    if (count < 1 || count > INT32_MAX) return NULL;
    cfrag_arena *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->page_shift = (unsigned)__builtin_ctz(page_size);
    size_t max_block = (size_t)page_size << (CFRAG_ORDERS - 1);
    a->mapping_length = (size_t)count * page_size + max_block;
    void *kept = (lazy || !pool) ? NULL : take_kept_mapping(pool, a->mapping_length, page_size);
    a->mapping = kept ? kept : mmap(NULL, a->mapping_length, PROT_READ | PROT_WRITE,
                                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (a->mapping == MAP_FAILED) { free(a); return NULL; }
    a->pool = lazy ? NULL : pool;
    a->base = ((uintptr_t)a->mapping + max_block - 1) & ~(uintptr_t)(max_block - 1);
    if (!lazy && !kept) {
        long os_page = sysconf(_SC_PAGESIZE);
        for (size_t off = 0; off < (size_t)count * page_size; off += (size_t)os_page)
            ((volatile char *)a->base)[off] = 0;
    }
    a->page_count = count;
    a->pages = calloc((size_t)count, sizeof(cfrag_page));
    if (!a->pages) {
        if (a->pool) give_kept_mapping(a->pool, a->mapping, a->mapping_length, 1u << a->page_shift);
        else munmap(a->mapping, a->mapping_length);
        free(a);
        return NULL;
    }
    for (long i = 0; i < count; i++) {
        atomic_init(&a->pages[i].refcount, 0);
        a->pages[i].head = (int32_t)i;
        a->pages[i].next = a->pages[i].prev = -1;
    }
    for (int k = 0; k < CFRAG_ORDERS; k++) a->free_heads[k] = -1;
    atomic_init(&a->lock, 0);
    long index = 0;
    while (index < count) {
        int order = CFRAG_ORDERS - 1;
        while (order > 0 && (index % (1L << order) != 0 || index + (1L << order) > count)) order--;
        link_block(a, (int32_t)index, (unsigned)order);
        index += 1L << order;
    }
    return a;
}

void cfrag_arena_destroy(cfrag_arena *a) {
    if (!a) return;
    if (a->pool) give_kept_mapping(a->pool, a->mapping, a->mapping_length, 1u << a->page_shift);
    else munmap(a->mapping, a->mapping_length);
    free(a->pages);
    free(a);
}

int32_t cfrag_alloc_pages(cfrag_arena *a, unsigned order, int compound, int no_memalloc) {
    int pfmemalloc = 0;
    compound = compound && order > 0;
    cfrag_arena_lock(a);
    a->requests[order]++;
    int32_t block = -1;
    if (a->fail_any > 0) {
        a->fail_any--;
    } else if (order > 0 && a->fail_high_order > 0) {
        a->fail_high_order--;
    } else {
        block = take_block(a, order);
    }
    if (block < 0) {
        a->failures[order]++;
        cfrag_arena_unlock(a);
        return -1;
    }
    if (order == 0 && !no_memalloc && a->pfmemalloc_next > 0) {
        a->pfmemalloc_next--;
        pfmemalloc = 1;
    }
    a->pages_in_use += 1L << order;
    if (a->pages_in_use > a->peak_pages_in_use) a->peak_pages_in_use = a->pages_in_use;
    a->pages[block].flags = (uint8_t)(CFRAG_FLAG_ALLOCATED | (compound ? CFRAG_FLAG_HEAD : 0) |
                                      (pfmemalloc ? CFRAG_FLAG_PFMEMALLOC : 0));
    a->pages[block].order = (uint8_t)order;
    cfrag_arena_unlock(a);
    if (compound) {
        for (int32_t i = block + 1; i < block + (1 << order); i++) {
            a->pages[i].head = block;
            a->pages[i].flags = CFRAG_FLAG_TAIL;
        }
    }
    atomic_store_explicit(&a->pages[block].refcount, 1, memory_order_release);
    return block;
}

void cfrag_free_pages(cfrag_arena *a, int32_t head) {
    cfrag_page *d = &a->pages[head];
    if (!(d->flags & CFRAG_FLAG_ALLOCATED)) abort();  // double free
    unsigned order = d->order;
    for (int32_t i = head + 1; i < head + (1 << order); i++) {
        a->pages[i].head = i;
        a->pages[i].flags = 0;
    }
    cfrag_arena_lock(a);
    a->frees[order]++;
    a->pages_in_use -= 1L << order;
    insert_merging(a, head, order);
    cfrag_arena_unlock(a);
}

// MARK: - The cache's slow path (SPEC 4)

void cfrag_cache_init(cfrag_cache *nc, cfrag_arena *arena, uint32_t max_size) {
    memset(nc, 0, sizeof *nc);
    nc->arena = arena;
    nc->page_shift = arena->page_shift;
    nc->page_size = 1u << arena->page_shift;
    if (max_size < nc->page_size) max_size = nc->page_size;
    nc->max_order = (uint32_t)__builtin_ctz(max_size >> arena->page_shift);
    nc->max_size = nc->page_size << nc->max_order;
}

static void become_empty(cfrag_cache *nc) {
    nc->encoded = 0;
    nc->remaining = 0;
    nc->pagecnt_bias = 0;
}

static int32_t current_page(const cfrag_cache *nc) {
    return (int32_t)(((nc->encoded & CFRAG_ADDRESS_MASK) - nc->arena->base) >> nc->page_shift);
}

static int refill(cfrag_cache *nc) {
    cfrag_arena *a = nc->arena;
    int32_t page = -1;
    unsigned order = 0;
    if (nc->max_order > 0) {
        // The caller's gfp (GFP_ATOMIC: no reclaim) plus compound, nowarn, noretry, nomemalloc.
        page = cfrag_alloc_pages(a, nc->max_order, 1, 1);
        if (page >= 0) order = nc->max_order;
        else nc->stats.high_order_failures++;
    }
    if (page < 0) {
        page = cfrag_alloc_pages(a, 0, 0, 0);
        if (page >= 0 && nc->max_order > 0) nc->stats.fallbacks++;
    }
    if (page < 0) {
        nc->stats.refill_failures++;
        become_empty(nc);
        return 0;
    }
    atomic_fetch_add_explicit(&a->pages[page].refcount, (long)nc->max_size, memory_order_relaxed);
    nc->pagecnt_bias = nc->max_size + 1;
    int pfmemalloc = (a->pages[page].flags & CFRAG_FLAG_PFMEMALLOC) != 0;
    nc->encoded = (a->base + ((uintptr_t)page << nc->page_shift)) | order |
                  (pfmemalloc ? CFRAG_PFMEMALLOC_BIT : 0);
    nc->remaining = cfrag_size(nc);
    nc->stats.refills++;
    nc->stats.bytes_opened += nc->remaining;
    return 1;
}

static int reload(cfrag_cache *nc, size_t fragsz) {
    if (__builtin_expect(fragsz > nc->page_size, 0)) {
        nc->stats.oversize_failures++;
        return 0;
    }
    if (nc->encoded != 0) {
        cfrag_arena *a = nc->arena;
        int32_t page = current_page(nc);
        nc->stats.abandoned_bytes += nc->remaining;
        long left = atomic_fetch_sub_explicit(&a->pages[page].refcount, (long)nc->pagecnt_bias,
                                              memory_order_acq_rel) - (long)nc->pagecnt_bias;
        if (left == 0) {
            if (nc->encoded & CFRAG_PFMEMALLOC_BIT) {
                nc->stats.pfmemalloc_drops++;
                cfrag_free_pages(a, page);
            } else {
                atomic_store_explicit(&a->pages[page].refcount, (long)nc->max_size + 1, memory_order_relaxed);
                nc->pagecnt_bias = nc->max_size + 1;
                nc->remaining = cfrag_size(nc);
                nc->stats.reuses++;
                nc->stats.bytes_opened += nc->remaining;
                return 1;
            }
        } else {
            nc->stats.pages_left_behind++;
        }
        become_empty(nc);
    }
    return refill(nc);
}

__attribute__((noinline))
void *cfrag_alloc_slow(cfrag_cache *nc, size_t fragsz, uint32_t align_mask) {
    if (!reload(nc, fragsz)) return NULL;
    // A fresh page always fits: fragsz <= page size <= size, a multiple of every alignment.
    uint32_t size = cfrag_size(nc);
    nc->remaining = size - (uint32_t)fragsz;
    nc->pagecnt_bias--;
    (void)align_mask;
    return (void *)(nc->encoded & CFRAG_ADDRESS_MASK);
}

long cfrag_cache_drain(cfrag_cache *nc) {
    if (nc->encoded == 0) return -1;
    cfrag_arena *a = nc->arena;
    int32_t page = current_page(nc);
    nc->stats.abandoned_bytes += nc->remaining;
    long left = atomic_fetch_sub_explicit(&a->pages[page].refcount, (long)nc->pagecnt_bias,
                                          memory_order_acq_rel) - (long)nc->pagecnt_bias;
    if (left == 0) cfrag_free_pages(a, page);
    become_empty(nc);
    return left;
}

// MARK: - Timed loops

void cfrag_run_alloc_only(cfrag_cache *nc, void **slots, long ops, size_t fragsz, uint32_t align_mask) {
    if (align_mask == 0) {
        for (long i = 0; i < ops; i++) slots[i] = cfrag_alloc(nc, fragsz);
    } else {
        for (long i = 0; i < ops; i++) slots[i] = cfrag_alloc_align(nc, fragsz, align_mask);
    }
}

long cfrag_run_ring(cfrag_cache *nc, void **slots, long depth, long start, long ops, size_t fragsz,
                    uint32_t align_mask, const uint32_t *sizes, long mask, long *drawn) {
    cfrag_arena *a = nc->arena;
    long i = start;
    if (sizes) {
        long d = *drawn;
        for (long n = 0; n < ops; n++) {
            void *fresh = cfrag_alloc_align(nc, sizes[d & mask], align_mask);
            d++;
            if (slots[i]) cfrag_free(a, slots[i]);
            slots[i] = fresh;
            if (++i == depth) i = 0;
        }
        *drawn = d;
    } else if (align_mask == 0) {
        for (long n = 0; n < ops; n++) {
            void *fresh = cfrag_alloc(nc, fragsz);
            if (slots[i]) cfrag_free(a, slots[i]);
            slots[i] = fresh;
            if (++i == depth) i = 0;
        }
    } else {
        for (long n = 0; n < ops; n++) {
            void *fresh = cfrag_alloc_align(nc, fragsz, align_mask);
            if (slots[i]) cfrag_free(a, slots[i]);
            slots[i] = fresh;
            if (++i == depth) i = 0;
        }
    }
    return i;
}
