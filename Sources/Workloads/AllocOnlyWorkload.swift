import FragCache

/// alloc-only: allocate a batch of fragments (timed), then free them all (untimed). Measures
/// the fast path with refills amortised over the batch.
public final class AllocOnlyWorkload: WorkloadRunner {
    public let parameters: WorkloadParameters
    let allocator: PageAllocator
    var cache: FragCache
    /// Where the timed loop stores what it allocated; grown outside the timed region.
    var slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    var capacity: Int
    var lastBatch = 0
    var allocations = 0
    var bytesHandedOut = 0

    public init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        self.parameters = parameters
        do {
            allocator = try PageAllocator(pageSize: parameters.config.pageSize, arenaBytes: parameters.arenaBytes)
        } catch {
            throw .setupFailed("\(error)")
        }
        cache = FragCache(allocator: allocator, config: parameters.config)
        capacity = 1024
        slots = .allocate(capacity: capacity)
    }

    deinit { slots.deallocate() }

    public var fixedBatchSize: Int? { nil }

    /// A batch pins every fragment it allocates until `finishBatch`, so it must fit the arena
    /// with room to spare (a quarter is kept free for refills at the high order).
    public var maxBatchSize: Int? {
        let perFragment = parameters.fragsz + parameters.align - 1
        return max(1, parameters.arenaBytes * 3 / 4 / perFragment)
    }

    public func prepareBatch(_ ops: Int) {
        if ops > capacity {
            slots.deallocate()
            capacity = ops
            slots = .allocate(capacity: capacity)
        }
    }

    public func runBatch(_ ops: Int) {
        let slots = self.slots
        let fragsz = parameters.fragsz
        let align = parameters.align
        if align == 1 {
            for i in 0 ..< ops { slots[i] = cache.allocVA(fragsz) }
        } else {
            for i in 0 ..< ops { slots[i] = cache.allocVA(fragsz, align: align) }
        }
        lastBatch = ops
    }

    public func finishBatch() {
        let arena = allocator.arena
        for i in 0 ..< lastBatch {
            if let p = slots[i] {
                arena.freeFragment(p)
                allocations += 1
            }
        }
        lastBatch = 0
        bytesHandedOut = allocations * parameters.fragsz
    }

    public func figures() -> CacheFigures {
        CacheFigures.from(stats: cache.stats, remaining: cache.remaining, allocator: allocator.stats,
                          pageSize: parameters.config.pageSize, allocations: allocations,
                          bytesHandedOut: bytesHandedOut)
    }

    public func tearDown() -> String? {
        finishBatch()
        cache.drain()
        let stats = allocator.stats
        guard stats.pagesInUse == stats.pinnedPages else {
            return "\(stats.pagesInUse - stats.pinnedPages) pages still in use after draining"
        }
        return nil
    }
}
