import FragCache

/// Everything that defines one benchmark point's workload. Plain data: the sweep builds these,
/// results record them.
public struct WorkloadParameters: Sendable, Hashable, Codable {
    public var kind: WorkloadKind
    /// What allocates (`--impl`); the Swift model by default.
    public var impl: Implementation = .swift
    /// The Swift cache's layout (`--variant`); the SPEC's `remaining` by default.
    public var variant: LayoutVariant = .remaining
    /// The free-side API experiment (`--api`); the kernel's by default.
    public var api: FragAPI = .kernel
    /// `--api bulk`: fragments per bulk allocation and per bulk free.
    public var bulk: Int = 16
    public var config: FragCacheConfig
    /// Fragment size in bytes (for `mixed`, ignored in favour of `distribution`; for
    /// `prepare-commit`, the mean message size).
    public var fragsz: Int
    /// Alignment of every fragment (1 = none).
    public var align: Int
    /// Live fragments kept by the ring workloads (alloc-free, mixed, pressure, prepare-commit).
    public var depth: Int
    /// cross-thread: operations per run, as the kernel test's `nr_test`.
    public var count: Int
    /// cross-thread: the producer's and consumer's CPUs (nil: leave to the scheduler).
    public var pushCPU: Int?
    public var popCPU: Int?
    /// cross-thread: use prepare/probe/commit instead of alloc, as the kernel test's `test_prepare`.
    public var usePrepare: Bool
    /// cross-thread: what the producer does when the ring is full.
    public var ringFull: RingFullPolicy = .wait
    public var distribution: SizeDistribution
    /// pressure: share of the arena fragmented, and the largest free order left there.
    public var pressureFraction: Double
    public var pressureMaxFreeOrder: Int
    /// mixed: the arena fragmented before the ring fills (`--fragmented`); nil: not. Optional
    /// so that a PointSpec from a build without it decodes as not fragmented.
    public var fragmented: ArenaFragmentation? = nil
    /// replay: the trace file.
    public var tracePath: String?
    /// Bytes of the page allocator's arena, populated at set-up as kernel memory is resident.
    /// (Builds 31b5048 to 66f968e could ask for a lazy one, `lazyArena`, in their pair workers'
    /// specs; decoding ignores that key, because faulting the pages in one by one moved what
    /// memory-bound points measure by up to 10%: docs/noise.md.)
    public var arenaBytes: Int
    /// Seed for every random choice, so two runs do the same work.
    public var seed: UInt64

    public init(kind: WorkloadKind, config: FragCacheConfig, fragsz: Int = 64, align: Int = 1,
                depth: Int = 256, count: Int = 200_000, pushCPU: Int? = nil, popCPU: Int? = nil,
                usePrepare: Bool = false, distribution: SizeDistribution = .imix,
                pressureFraction: Double = 1.0, pressureMaxFreeOrder: Int = 0,
                tracePath: String? = nil, arenaBytes: Int = 256 << 20, seed: UInt64 = 0x5EED) {
        self.kind = kind
        self.config = config
        self.fragsz = fragsz
        self.align = align
        self.depth = depth
        self.count = count
        self.pushCPU = pushCPU
        self.popCPU = popCPU
        self.usePrepare = usePrepare
        self.distribution = distribution
        self.pressureFraction = pressureFraction
        self.pressureMaxFreeOrder = pressureMaxFreeOrder
        self.tracePath = tracePath
        self.arenaBytes = arenaBytes
        self.seed = seed
    }
}
