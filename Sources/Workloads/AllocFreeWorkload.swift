import FragCache

/// alloc-free: a steady ring of `depth` live fragments of `fragsz` bytes. The ring is filled
/// at init (untimed); one timed operation allocates a fragment and frees the oldest (an RX
/// ring), so the cache sees a steady stream of frees and reuses or moves on from its pages.
///
/// Figures: allocations = fill + operations − failed allocations; bytes = allocations × fragsz.
/// Peak pinned memory is measured from the filled ring on (see `FragmentRing.fill`).
final class AllocFreeRunner<A: FragmentAllocator & ~Copyable>: WorkloadRunner {
    public let parameters: WorkloadParameters
    let ring: FragmentRing<A>

    public init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        try parameters.validate(as: .allocFree)
        self.parameters = parameters
        ring = try FragmentRing(parameters)
        var sizes = FixedSize(size: parameters.fragsz)
        ring.fill(&sizes)
    }

    public var fixedBatchSize: Int? { nil }
    /// The ring frees as it goes, so a batch of any length fits.
    public var maxBatchSize: Int? { nil }

    public func prepareBatch(_ ops: Int) {}

    /// One operation = one allocVA(fragsz[, align]) + one free of the oldest fragment.
    public func runBatch(_ ops: Int) {
        var sizes = FixedSize(size: parameters.fragsz)
        ring.run(ops, sizes: &sizes)
    }

    public func finishBatch() {}

    public func figures() -> CacheFigures {
        ring.figures(bytesHandedOut: ring.allocations * parameters.fragsz) ?? .unavailable
    }

    public var figuresUnavailableReason: String? { A.implementation.isPageFrag ? nil : notAPageFragCache }

    public func tearDown() -> String? {
        ring.freeAll()
    }
}

/// alloc-free on the Swift model, `remaining` layout.
typealias AllocFreeWorkload = AllocFreeRunner<SwiftRemaining>

extension AllocFreeRunner: AllocFreeSplitting where A: ~Copyable {
    /// The ring as alternating phases of frees and allocations (see `AllocFreeSplit`).
    func runSplit(_ ops: Int) -> PhaseTicks {
        let fragsz = parameters.fragsz
        let align = parameters.align
        return ring.runSplit(ops) { cache, slots, n in
            A.allocBatch(&cache, slots: slots, ops: n, fragsz: fragsz, align: align)
        }
    }

    // (The extension says `where A: ~Copyable`: without it, it would only apply to copyable
    // allocators, and none is.)
    var allocFreeSplitting: (any AllocFreeSplitting)? { self }
    var splitPhase: Int { ring.splitPhase }
    var splitDepth: Int { ring.depth }
}
