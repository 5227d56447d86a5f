import FragCache

/// pressure: the alloc-free ring over a fragmented page allocator. At init,
/// `fragment(maxFreeOrder:fraction:)` pins one page in every group of 2^(maxFreeOrder+1) pages
/// over `pressureFraction` of the arena, so high-order refills that land there fail and fall
/// back to order 0, as on a long-running machine. The figures' fallbacks / refills is the
/// measured fallback rate.
///
/// The pinned pages count as in use; `CacheFigures.from` subtracts them from the peak, and the
/// peak is restarted after fragmenting and filling (see `FragmentRing.fill`).
final class PressureRunner<A: SwiftCacheAllocator & ~Copyable>: WorkloadRunner {
    public let parameters: WorkloadParameters
    let ring: FragmentRing<A>
    /// Pages `fragment` pinned, kept so that figures stay right after `unfragment`.
    public let pinnedPages: Int
    private var unfragmented = false

    public init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        try parameters.validate(as: .pressure)
        self.parameters = parameters
        ring = try FragmentRing(parameters)
        pinnedPages = ring.cache.pageAllocator.fragment(maxFreeOrder: parameters.pressureMaxFreeOrder,
                                              fraction: parameters.pressureFraction)
        var sizes = FixedSize(size: parameters.fragsz)
        ring.fill(&sizes)
    }

    deinit {
        if !unfragmented { ring.cache.pageAllocator.unfragment() }
    }

    public var fixedBatchSize: Int? { nil }
    public var maxBatchSize: Int? { nil }

    public func prepareBatch(_ ops: Int) {}

    /// One operation = one allocVA(fragsz[, align]) + one free of the oldest fragment.
    public func runBatch(_ ops: Int) {
        var sizes = FixedSize(size: parameters.fragsz)
        ring.run(ops, sizes: &sizes)
    }

    public func finishBatch() {}

    public func figures() -> CacheFigures {
        // The peak window (from the end of set-up) had the pins in use throughout.
        var allocatorStats = ring.cache.pageAllocator.stats
        allocatorStats.pinnedPages = pinnedPages
        return CacheFigures.from(stats: ring.cache.cache.stats, remaining: ring.cache.cache.remaining,
                                 allocator: allocatorStats, pageSize: parameters.config.pageSize,
                                 allocations: ring.allocations,
                                 bytesHandedOut: ring.allocations * parameters.fragsz)
    }

    public func tearDown() -> String? {
        let leak = ring.freeAll()
        if !unfragmented {
            ring.cache.pageAllocator.unfragment()
            unfragmented = true
        }
        return leak
    }
}

/// pressure on the Swift model, `remaining` layout.
typealias PressureWorkload = PressureRunner<SwiftRemaining>
