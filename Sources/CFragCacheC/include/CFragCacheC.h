// The page_frag cache of SPEC sections 3 and 4 (the `remaining` layout), written in C as the
// parity reference for the Swift model: the same 16-byte state (encoded page word, remaining,
// pagecnt_bias), the same page allocator design (an mmap'd arena of base pages with a
// 24-byte descriptor each and a locked binary buddy allocator), the same fast path.
//
// The fast paths (alloc, free) are `static inline` here so that callers, in C or Swift,
// inline them; everything that talks to the page allocator is out of line in cfragcache.c.
// Our own code, written from the SPEC; no kernel source.
#ifndef CFRAGCACHEC_H
#define CFRAGCACHEC_H

#include <stdatomic.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>

#define CFRAG_ORDERS 11
#define CFRAG_ORDER_MASK ((uintptr_t)0xff)
#define CFRAG_PFMEMALLOC_BIT ((uintptr_t)1 << 8)
#define CFRAG_ADDRESS_MASK (~(uintptr_t)0xfff)

#define CFRAG_FLAG_HEAD 1u
#define CFRAG_FLAG_TAIL 2u
#define CFRAG_FLAG_PFMEMALLOC 4u
#define CFRAG_FLAG_BUDDY_FREE 8u
#define CFRAG_FLAG_ALLOCATED 16u

/// The model's `struct page`, laid out as the Swift `PageDescriptor` (24 bytes).
typedef struct cfrag_page {
    _Atomic long refcount;
    int32_t head;
    uint8_t order;
    uint8_t flags;
    int32_t next;
    int32_t prev;
} cfrag_page;

/// The page allocator: arena, descriptors, and the buddy state under one spinlock (the Swift
/// model's `SpinLock`: 0 free, 1 held; see cfrag_arena_lock).
typedef struct cfrag_arena {
    uintptr_t base;
    unsigned page_shift;
    long page_count;
    cfrag_page *pages;
    void *mapping;
    size_t mapping_length;
    _Atomic uint32_t lock;
    int32_t free_heads[CFRAG_ORDERS];
    long requests[CFRAG_ORDERS];
    long failures[CFRAG_ORDERS];
    long frees[CFRAG_ORDERS];
    long pages_in_use;
    long peak_pages_in_use;
    long fail_any;
    long fail_high_order;
    long pfmemalloc_next;
    /// Where destroy keeps the mapping (a resident arena's pool), or NULL: unmapped.
    struct cfrag_arena_pool *pool;
} cfrag_arena;

/// One resident mapping kept between arenas of one geometry, its length and the page size of
/// the arena that populated it (cfrag_arena_create_in).
typedef struct cfrag_arena_pool {
    pthread_mutex_t lock;
    void *mapping;
    size_t length;
    unsigned page_size;
} cfrag_arena_pool;

typedef struct cfrag_stats {
    long refills, fallbacks, high_order_failures, refill_failures, reuses, pfmemalloc_drops,
        pages_left_behind, oversize_failures, bytes_opened, abandoned_bytes;
} cfrag_stats;

/// The cache: the kernel's three fields first, then read-only environment and slow-path counters.
typedef struct cfrag_cache {
    uintptr_t encoded;
    uint32_t remaining;
    uint32_t pagecnt_bias;
    cfrag_arena *arena;
    uint32_t page_shift;
    uint32_t page_size;
    uint32_t max_order;
    uint32_t max_size;
    cfrag_stats stats;
} cfrag_cache;

// MARK: - Out of line (cfragcache.c)

/// Maps an arena of `arena_bytes` (whole pages, pre-faulted unless `lazy`); NULL on failure.
/// A pre-faulted arena's mapping is kept at destroy for the next arena of its size in this
/// process (as the Swift model's `ResidentArenaPool`), so it is populated once, not per point.
cfrag_arena *cfrag_arena_create(unsigned page_size, size_t arena_bytes, int lazy);
/// The same with a pool of the caller's (a test's own, initialised with
/// PTHREAD_MUTEX_INITIALIZER and NULL); empty it with cfrag_arena_pool_drain.
cfrag_arena *cfrag_arena_create_in(unsigned page_size, size_t arena_bytes, int lazy, cfrag_arena_pool *pool);
void cfrag_arena_pool_drain(cfrag_arena_pool *pool);
void cfrag_arena_destroy(cfrag_arena *arena);
/// `alloc_pages`: a block of 2^order pages with refcount 1, or -1. `compound` sets up tails;
/// `no_memalloc` keeps it from being a pfmemalloc page.
int32_t cfrag_alloc_pages(cfrag_arena *arena, unsigned order, int compound, int no_memalloc);
/// Gives a block whose refcount reached 0 back, merging buddies.
void cfrag_free_pages(cfrag_arena *arena, int32_t head);

/// `page_frag_cache_init`: an empty cache. `max_size` must be page_size << k, k in 0...10.
void cfrag_cache_init(cfrag_cache *nc, cfrag_arena *arena, uint32_t max_size);
/// `page_frag_cache_drain`: returns the refs left on the page, or -1 if the cache was empty.
long cfrag_cache_drain(cfrag_cache *nc);
/// The slow path of the allocation: reload, then carve from offset 0.
void *cfrag_alloc_slow(cfrag_cache *nc, size_t fragsz, uint32_t align_mask);

// MARK: - Fast paths

static inline uint32_t cfrag_size(const cfrag_cache *nc) {
    return (uint32_t)1 << (nc->page_shift + (unsigned)(nc->encoded & CFRAG_ORDER_MASK));
}

/// `page_frag_alloc_va_align` with `align_mask = align - 1` (0 for no alignment).
static inline void *cfrag_alloc_align(cfrag_cache *nc, size_t fragsz, uint32_t align_mask) {
    // The same contract as the Swift API's precondition: a 0-byte fragment is a programming
    // error and traps, so both fast paths carry the same check.
    if (__builtin_expect(fragsz == 0, 0)) __builtin_trap();
    uint32_t size = cfrag_size(nc);
    uint32_t avail = nc->remaining & ~align_mask;
    if (__builtin_expect(fragsz <= avail, 1)) {
        nc->remaining = avail - (uint32_t)fragsz;
        nc->pagecnt_bias--;
        return (void *)((nc->encoded & CFRAG_ADDRESS_MASK) + size - avail);
    }
    return cfrag_alloc_slow(nc, fragsz, align_mask);
}

static inline void *cfrag_alloc(cfrag_cache *nc, size_t fragsz) {
    return cfrag_alloc_align(nc, fragsz, 0);
}

/// `page_frag_free_va`: drops the fragment's page reference, from any thread; returns the refs left.
static inline long cfrag_free(cfrag_arena *arena, void *p) {
    size_t index = ((uintptr_t)p - arena->base) >> arena->page_shift;
    int32_t head = arena->pages[index].head;
    long left = atomic_fetch_sub_explicit(&arena->pages[head].refcount, 1, memory_order_acq_rel) - 1;
    if (__builtin_expect(left == 0, 0)) cfrag_free_pages(arena, head);
    return left;
}

// MARK: - Timed loops, in C, for the parity comparison (the Swift workloads' loops, line for line)

/// alloc-only: `ops` allocations stored in `slots`.
void cfrag_run_alloc_only(cfrag_cache *nc, void **slots, long ops, size_t fragsz, uint32_t align_mask);
/// alloc-free: `ops` x (allocate, free the oldest of `depth` slots); returns the next slot.
/// With `sizes` (a table indexed by `*drawn & mask`), sizes are drawn from it (mixed).
long cfrag_run_ring(cfrag_cache *nc, void **slots, long depth, long start, long ops, size_t fragsz,
                    uint32_t align_mask, const uint32_t *sizes, long mask, long *drawn);

#endif
