import FragCache

/// The cache's own figures for one point, computed from the cache's slow-path counters, the
/// allocator's statistics and what the workload handed out. Source: simulation (the model's
/// own bookkeeping), exact, not sampled.
public struct CacheFigures: Sendable, Equatable {
    /// Fragments handed out (allocations or commits).
    public var allocations: Int
    /// Bytes the callers asked for and got.
    public var bytesHandedOut: Int
    public var refills: Int
    public var fallbacks: Int
    public var reuses: Int
    public var pfmemallocDrops: Int
    public var highOrderFailures: Int
    public var refillFailures: Int
    /// Bytes of pages consumed (alignment padding, abandoned tails and fragments).
    public var bytesConsumed: Int
    /// Most bytes of pages held at once (by outstanding fragments and the cache), from the
    /// allocator's peak pages in use.
    public var peakPinnedBytes: Int
    /// Operations as ns/op counts them (a message for prepare-commit, a trace line for replay,
    /// an allocation attempt elsewhere); nil means one per allocation.
    public var operations: Int?

    public init(allocations: Int, bytesHandedOut: Int, refills: Int, fallbacks: Int, reuses: Int,
                pfmemallocDrops: Int, highOrderFailures: Int, refillFailures: Int,
                bytesConsumed: Int, peakPinnedBytes: Int, operations: Int? = nil) {
        self.operations = operations
        self.allocations = allocations
        self.bytesHandedOut = bytesHandedOut
        self.refills = refills
        self.fallbacks = fallbacks
        self.reuses = reuses
        self.pfmemallocDrops = pfmemallocDrops
        self.highOrderFailures = highOrderFailures
        self.refillFailures = refillFailures
        self.bytesConsumed = bytesConsumed
        self.peakPinnedBytes = peakPinnedBytes
    }

    /// What a runner without a page_frag cache reports (its `figuresUnavailableReason` says
    /// why); the point assembly turns it into unavailable figures, never zeros.
    public static let unavailable = CacheFigures(allocations: 0, bytesHandedOut: 0, refills: 0, fallbacks: 0, reuses: 0,
                                                 pfmemallocDrops: 0, highOrderFailures: 0, refillFailures: 0,
                                                 bytesConsumed: 0, peakPinnedBytes: 0)

    /// Refills per 1000 operations, an operation being what ns/op divides by, so the figure
    /// means the same on every workload; nil without operations.
    public var refillsPerKiloOp: Double? {
        let ops = operations ?? allocations
        return ops > 0 ? Double(refills) * 1000 / Double(ops) : nil
    }

    /// Alignment padding plus abandoned page tails, as % of the bytes handed out.
    public var wastePercent: Double? {
        bytesHandedOut > 0 ? Double(bytesConsumed - bytesHandedOut) * 100 / Double(bytesHandedOut) : nil
    }

    /// Builds the figures from a cache's counters and the allocator after a run. `stats` and
    /// `remaining` are the cache's at the end of the run, before any drain.
    public static func from(stats: FragCacheStats, remaining: Int, allocator: PageAllocatorStats,
                            pageSize: Int, allocations: Int, bytesHandedOut: Int, operations: Int? = nil) -> CacheFigures {
        CacheFigures(allocations: allocations, bytesHandedOut: bytesHandedOut,
                     refills: stats.refills, fallbacks: stats.fallbacks, reuses: stats.reuses,
                     pfmemallocDrops: stats.pfmemallocDrops, highOrderFailures: stats.highOrderFailures,
                     refillFailures: stats.refillFailures,
                     bytesConsumed: stats.bytesOpened - remaining,
                     peakPinnedBytes: (allocator.peakPagesInUse - allocator.pinnedPages) * pageSize,
                     operations: operations)
    }
}
