import FragCache

/// free-only: allocate a batch of fragments (untimed), then free them all (timed), in
/// allocation order. The free side alone: with the kernel API one atomic decrement per
/// fragment; with `--api bulk` one per run of same-page fragments; with `--api local-free`
/// the owner's free, which is local only for the current and previous page (the rest of a big
/// batch lies on pages the cache has left, so most frees stay atomic: that is the point).
///
/// Figures: allocations = fragments allocated and freed; bytes = allocations × fragsz.
final class FreeOnlyRunner<A: FragmentAllocator & ~Copyable>: WorkloadRunner {
    public let parameters: WorkloadParameters
    var cache: A
    /// Safe: `capacity` entries; the first `lastBatch` hold what prepareBatch allocated.
    var slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    var capacity: Int
    var lastBatch = 0
    var allocations = 0

    public init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        try parameters.validate(as: .freeOnly)
        self.parameters = parameters
        cache = try A.make(parameters)
        capacity = 1024
        slots = .allocate(capacity: capacity)
    }

    deinit { slots.deallocate() }

    public var fixedBatchSize: Int? { nil }

    /// A batch is allocated before it is freed, so it must fit the arena (as for alloc-only).
    public var maxBatchSize: Int? { parameters.heldBatchLimit }

    /// Untimed: allocate the fragments the batch will free.
    public func prepareBatch(_ ops: Int) {
        growSlots(&slots, capacity: &capacity, toFit: ops)
        let fragsz = parameters.fragsz
        let align = parameters.align
        for i in 0 ..< ops {
            slots[i] = align == 1 ? cache.alloc(fragsz) : cache.alloc(fragsz, align: align)
            if slots[i] != nil { allocations += 1 }
        }
        lastBatch = ops
    }

    /// One operation = one free.
    public func runBatch(_ ops: Int) {
        A.freeBatch(&cache, slots: slots, ops: min(ops, lastBatch))
        lastBatch = 0
    }

    public func finishBatch() {}

    public func figures() -> CacheFigures {
        cache.figures(allocations: allocations, bytesHandedOut: allocations * parameters.fragsz) ?? .unavailable
    }

    public var figuresUnavailableReason: String? { A.implementation.isPageFrag ? nil : notAPageFragCache }

    public func tearDown() -> String? {
        // A batch prepared but never run still holds its fragments.
        A.freeBatch(&cache, slots: slots, ops: lastBatch)
        lastBatch = 0
        return cache.tearDown()
    }
}

/// free-only on the Swift model, `remaining` layout, kernel API.
typealias FreeOnlyWorkload = FreeOnlyRunner<SwiftRemaining>
