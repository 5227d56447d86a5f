import FragCache

/// mixed: the alloc-free ring with sizes drawn from `parameters.distribution` (IMIX, uniform or
/// a histogram). The sizes are drawn once, seeded, into a table of 64K entries that the timed
/// loop cycles through, so the loop runs no random number generator and two runs of a point
/// allocate the same sequence.
///
/// Figures: allocations = fill + operations − failed allocations; bytes = the sum of the sizes
/// drawn (exact from the table's prefix sums; a failed allocation, which the figures report as
/// a refill failure, would still count its size).
final class MixedRunner<A: FragmentAllocator & ~Copyable>: WorkloadRunner {
    public let parameters: WorkloadParameters
    let ring: FragmentRing<A>
    let table: SizeTable
    /// Sizes drawn so far (fill included): the table position the next operation reads.
    var drawn = 0
    /// Whether the arena is fragmented now (`parameters.fragmented`), so that it is given back once.
    private var fragmented = false

    public init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        try parameters.validate(as: .mixed)
        self.parameters = parameters
        table = SizeTable(parameters.distribution, seed: parameters.seed)
        ring = try FragmentRing(parameters)
        // Before the fill, as pressure does: the fill restarts the peak, so the pins are
        // in use over the whole window the figures describe.
        if let fragmentation = parameters.fragmented {
            guard ring.cache.fragmentArena(fragmentation) != nil else {
                throw .notApplicable("a fragmented arena needs the Swift model's page allocator (\(A.implementation.rawValue) has its own)")
            }
            fragmented = true
        }
        var sizes = TableSizes(table)
        ring.fill(&sizes)
        drawn = sizes.drawn
    }

    public var fixedBatchSize: Int? { nil }
    public var maxBatchSize: Int? { nil }

    public func prepareBatch(_ ops: Int) {}

    /// One operation = one allocVA(next size from the table[, align]) + one free of the oldest.
    public func runBatch(_ ops: Int) {
        var sizes = TableSizes(table, drawn: drawn)
        ring.run(ops, sizes: &sizes)
        drawn = sizes.drawn
    }

    public func finishBatch() {}

    public func figures() -> CacheFigures {
        ring.figures(bytesHandedOut: table.bytes(ofFirst: drawn)) ?? .unavailable
    }

    public var figuresUnavailableReason: String? { A.implementation.isPageFrag ? nil : notAPageFragCache }

    deinit {
        if fragmented { ring.cache.unfragmentArena() }
    }

    public func tearDown() -> String? {
        // The pins count as in use but not as a leak (`leakReport`); given back after it.
        let leak = ring.freeAll()
        if fragmented {
            ring.cache.unfragmentArena()
            fragmented = false
        }
        return leak
    }

    /// How many times each size occurs in the precomputed table (for checking a distribution).
    public var sizeTableCounts: [Int: Int] {
        var counts: [Int: Int] = [:]
        for i in 0 ..< table.count { counts[Int(table.sizes[i]), default: 0] += 1 }
        return counts
    }
}

/// mixed on the Swift model, `remaining` layout.
typealias MixedWorkload = MixedRunner<SwiftRemaining>

extension MixedRunner: AllocFreeSplitting where A: ~Copyable {
    /// The ring as alternating phases of frees and allocations, sizes from the same table.
    func runSplit(_ ops: Int) -> PhaseTicks {
        var sizes = TableSizes(table, drawn: drawn)
        let align = parameters.align
        let ticks = ring.runSplit(ops) { cache, slots, n in
            A.allocSizedBatch(&cache, slots: slots, ops: n, align: align, sizes: &sizes)
        }
        drawn = sizes.drawn
        return ticks
    }

    var allocFreeSplitting: (any AllocFreeSplitting)? { self }
    var splitPhase: Int { ring.splitPhase }
    var splitDepth: Int { ring.depth }
}
