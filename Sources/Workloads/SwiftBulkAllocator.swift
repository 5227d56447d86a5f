import FragCache

/// `--api bulk`: the Swift cache (remaining layout, the kernel's cache) driven `bulk`
/// fragments at a time: allocBulk for fixed-size allocations (one bias and one cursor update
/// per page), bulk free (one atomic subtract per run of same-page fragments) for every free.
/// mixed's sizes vary from one fragment to the next, so there it allocates one at a time and
/// frees in bulk. In the ring, a bulk step frees the `bulk` oldest fragments, then allocates
/// `bulk` fresh ones into their slots (free first, so the slots are reused in place).
struct SwiftBulkAllocator: FragmentAllocator, ~Copyable {
    let pageAllocator: PageAllocator
    var cache: FragCache
    let bulk: Int
    /// Safe: `bulk` entries, allocated in make and freed in deinit: the producer's batch (kept
    /// here so the timed loop allocates nothing).
    let batch: UnsafeMutablePointer<UnsafeMutableRawPointer?>

    static var implementation: Implementation { .swift }

    static func make(_ parameters: WorkloadParameters) throws(WorkloadError) -> Self {
        let allocator = try makeAllocator(parameters)
        return Self(pageAllocator: allocator, cache: FragCache(allocator: allocator, config: parameters.config),
                    bulk: parameters.bulk, batch: .allocate(capacity: parameters.bulk))
    }

    deinit { batch.deallocate() }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? { cache.allocVA(fragsz) }

    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? { cache.allocVA(fragsz, align: align) }

    var freer: BulkArenaFreer { BulkArenaFreer(arena: cache.arena, bulk: bulk) }

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

    /// alloc-only: `ops` fragments, `bulk` per call. A short count (no page) leaves nil.
    static func allocBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                           ops: Int, fragsz: Int, align: Int) {
        let bulk = allocator.bulk
        var i = 0
        while i < ops {
            let n = min(bulk, ops &- i)
            let got = allocator.cache.allocBulk(fragsz, align: align, count: n, into: slots + i)
            if _slowPath(got < n) { (slots + i + got).update(repeating: nil, count: n &- got) }
            i &+= n
        }
    }

    static func cycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout FixedSize) -> Int {
        let fragsz = sizes.size
        return bulkCycle(&allocator, slots: slots, depth: depth, start: start, ops: ops) { cache, into, n in
            let got = cache.allocBulk(fragsz, align: align, count: n, into: into)
            if _slowPath(got < n) { (into + got).update(repeating: nil, count: n &- got) }
        }
    }

    static func cycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout TableSizes) -> Int {
        var table = sizes
        let next = bulkCycle(&allocator, slots: slots, depth: depth, start: start, ops: ops) { cache, into, n in
            for k in 0 ..< n { into[k] = cache.allocVA(table.next(), align: align) }
        }
        sizes = table
        return next
    }

    /// The ring in steps of up to `bulk` slots (never across the ring's end, so each step's
    /// slots are contiguous): bulk-free their fragments, then fill them.
    @inline(__always)
    static func bulkCycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                          depth: Int, start: Int, ops: Int,
                          _ fill: (inout FragCache, UnsafeMutablePointer<UnsafeMutableRawPointer?>, Int) -> Void) -> Int {
        let bulk = allocator.bulk
        var i = start
        var left = ops
        while left > 0 {
            let n = min(bulk, left, depth &- i)
            // Safe: i + n <= depth; the entries are nil or live fragments.
            allocator.cache.freeBulk(slots + i, count: n)
            fill(&allocator.cache, slots + i, n)
            i &+= n
            if i == depth { i = 0 }
            left &-= n
        }
        return i
    }

    /// cross-thread's producer: `bulk` fragments per allocBulk, pushed one by one.
    static func produce(_ allocator: inout Self, channel: SPSCChannel, ops: Int, pushed: Int,
                        fragsz: Int, align: Int, prepared: Bool, freeWhenFull: Bool) -> Int {
        precondition(!prepared, "cross-thread --prepare with --api bulk")
        let bulk = allocator.bulk
        let batch = allocator.batch
        var t = pushed
        var left = ops
        while left > 0 {
            let n = min(bulk, left)
            var got = allocator.cache.allocBulk(fragsz, align: align, count: n, into: batch)
            while _slowPath(got < n) {
                // No page: the consumer's frees may make room (retryAllocation traps if not).
                batch[got] = retryAllocation(&allocator, channel: channel, pushed: t) { $0.cache.allocVA(fragsz, align: align) }
                got &+= 1
            }
            t = pushRun(channel, batch: batch, count: n, pushed: t)
            left &-= n
        }
        return t
    }

    static func freeBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>, ops: Int) {
        let bulk = allocator.bulk
        var i = 0
        while i < ops {
            let n = min(bulk, ops &- i)
            allocator.cache.freeBulk(slots + i, count: n)
            i &+= n
        }
    }
}

/// The bulk API's free side for another thread: `bulk` fragments per bulk free.
struct BulkArenaFreer: FragmentFreer {
    let arena: PageArena
    let bulk: Int

    @inline(__always)
    func free(_ fragment: UnsafeMutableRawPointer) { arena.freeFragment(fragment) }

    static var freesInRuns: Bool { true }

    @inline(__always)
    func freeRun(_ fragments: UnsafeMutablePointer<UnsafeMutableRawPointer?>, count: Int) {
        arena.freeFragments(fragments, count: count)
    }

    var runLength: Int { bulk }
}
