import FragCache

/// `--api local-free`: the Swift cache (remaining layout) as OwnerLocalFragCache, whose owner
/// frees without an atomic when the fragment's page is the current one or one it left and still
/// holds (its set of left pages). The
/// ring's and free-only's loops free through the cache (the owner's path); cross-thread's
/// consumer frees through the arena (a remote free: always atomic).
struct SwiftLocalFreeAllocator: FragmentAllocator, ~Copyable {
    /// First, so that the cache's address is the allocator's: the timed loop then keeps one
    /// pointer for both (with the cache at offset 8, the mixed loop kept the cache's address for
    /// the slow-path calls and spilled the allocator's, reloading it five times per free).
    var cache: OwnerLocalFragCache<RemainingLayout>
    let pageAllocator: PageAllocator

    static var implementation: Implementation { .swift }

    static func make(_ parameters: WorkloadParameters) throws(WorkloadError) -> Self {
        let allocator = try makeAllocator(parameters)
        let config = parameters.config
        let slots = OwnerLocalFragCache<RemainingLayout>.leftSlots(budgetBytes: leftPageBudget,
                                                                   maxSize: config.pageSize << config.maxOrder)
        return Self(cache: OwnerLocalFragCache(allocator: allocator, config: config, leftSlots: slots), pageAllocator: allocator)
    }

    /// What the left-page set may pin besides the current page: 2 MiB (256 slots of 4 KiB,
    /// 128 of 16 KiB, 64 of 32 KiB, 16 of 128 KiB), so that every ring of the grid (256
    /// fragments of up to 2 KiB: at most 128 pages live, on 4 KiB pages) fits in it.
    static var leftPageBudget: Int { 2 << 20 }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? { cache.allocVA(fragsz) }

    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? { cache.allocVA(fragsz, align: align) }

    var freer: PageArena { cache.arena }

    var failedAllocations: Int { cache.stats.refillFailures + cache.stats.oversizeFailures }

    func figures(allocations: Int, bytesHandedOut: Int) -> CacheFigures? {
        CacheFigures.from(stats: cache.stats, remaining: cache.remaining, allocator: pageAllocator.stats,
                          pageSize: pageAllocator.pageSize, allocations: allocations, bytesHandedOut: bytesHandedOut)
    }

    mutating func tearDown() -> String? {
        cache.drain()
        return leakReport(pageAllocator)
    }

    mutating func resetPeak() { pageAllocator.resetPeak() }

    static func cycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout FixedSize) -> Int {
        localCycle(&allocator, slots: slots, depth: depth, start: start, ops: ops, align: align, sizes: &sizes)
    }

    static func cycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout TableSizes) -> Int {
        localCycle(&allocator, slots: slots, depth: depth, start: start, ops: ops, align: align, sizes: &sizes)
    }

    /// The ring's loop with the owner's free: allocate, free the oldest through the cache.
    @inline(__always)
    static func localCycle<S: FragmentSizes>(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                             depth: Int, start: Int, ops: Int, align: Int, sizes: inout S) -> Int {
        var i = start
        if align == 1 {
            for _ in 0 ..< ops {
                let fresh = allocator.cache.allocVA(sizes.next())
                // Safe: 0 <= i < depth, and every slot holds nil or a fragment still live.
                if let old = slots[i] { allocator.cache.free(old) }
                slots[i] = fresh
                i &+= 1
                if i == depth { i = 0 }
            }
        } else {
            for _ in 0 ..< ops {
                let fresh = allocator.cache.allocVA(sizes.next(), align: align)
                // Safe: as above.
                if let old = slots[i] { allocator.cache.free(old) }
                slots[i] = fresh
                i &+= 1
                if i == depth { i = 0 }
            }
        }
        return i
    }

    static func freeBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>, ops: Int) {
        for i in 0 ..< ops {
            // Safe: 0 <= i < ops <= the slots' capacity; each entry is nil or a live fragment.
            if let p = slots[i] { allocator.cache.free(p) }
        }
    }
}
