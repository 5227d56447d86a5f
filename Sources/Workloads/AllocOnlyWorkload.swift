import FragCache

/// alloc-only: allocate a batch of fragments (timed), then free them all (untimed). Measures
/// the fast path with refills amortised over the batch.
final class AllocOnlyRunner<A: FragmentAllocator & ~Copyable>: WorkloadRunner {
    public let parameters: WorkloadParameters
    var cache: A
    /// Where the timed loop stores what it allocated; grown outside the timed region.
    var slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    var capacity: Int
    var lastBatch = 0
    var allocations = 0
    var bytesHandedOut = 0

    public init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        self.parameters = parameters
        cache = try A.make(parameters)
        capacity = 1024
        slots = .allocate(capacity: capacity)
    }

    deinit { slots.deallocate() }

    public var fixedBatchSize: Int? { nil }

    /// A batch pins every fragment it allocates until `finishBatch`, so it must fit the arena
    /// with room to spare (a quarter is kept free for refills at the high order).
    public var maxBatchSize: Int? { parameters.heldBatchLimit }

    public func prepareBatch(_ ops: Int) {
        growSlots(&slots, capacity: &capacity, toFit: ops)
    }

    public func runBatch(_ ops: Int) {
        A.allocBatch(&cache, slots: slots, ops: ops, fragsz: parameters.fragsz, align: parameters.align)
        lastBatch = ops
    }

    public func finishBatch() {
        for i in 0 ..< lastBatch where slots[i] != nil { allocations += 1 }
        cache.freer.freeAll(slots, count: lastBatch)
        lastBatch = 0
        bytesHandedOut = allocations * parameters.fragsz
    }

    public func figures() -> CacheFigures {
        cache.figures(allocations: allocations, bytesHandedOut: bytesHandedOut) ?? .unavailable
    }

    public var figuresUnavailableReason: String? { A.implementation.isPageFrag ? nil : notAPageFragCache }

    public func tearDown() -> String? {
        finishBatch()
        return cache.tearDown()
    }
}

/// alloc-only on the Swift model, `remaining` layout.
typealias AllocOnlyWorkload = AllocOnlyRunner<SwiftRemaining>
