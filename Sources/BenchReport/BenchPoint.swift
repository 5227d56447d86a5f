/// One measured point: what ran, how fast, what the counters said (each with its source or
/// the reason it is missing) and the cache's own figures. Plain data for every reporter.
public struct BenchPoint: Codable, Sendable, Equatable {
    // MARK: What ran
    public var workload: String
    public var impl: String
    public var variant: String
    public var pageSize: Int
    public var maxSize: Int
    /// nil where the workload draws its sizes (mixed, replay).
    public var fragsz: Int?
    public var align: Int
    /// Workload-specific settings worth keeping (depth, count, distribution, …), as text.
    public var parameters: [String: String]

    // MARK: Timing
    /// Timed operations across all samples.
    public var ops: Int
    public var samples: Int
    /// Operations in one sample; for cross-thread, the kernel test's whole count.
    public var opsPerSample: Int?
    /// Median duration of one sample in nanoseconds (for cross-thread: the whole count, as the
    /// kernel test reports it).
    public var sampleNs: Double?
    public var nsPerOp: Double?
    public var minNsPerOp: Double?
    /// Median absolute percentage error across samples.
    public var errPct: Double?
    public var unstable: Bool
    /// What to do about an unstable point.
    public var hint: String?
    public var tscCyclesPerOp: Double?
    /// The timer-and-call overhead of one batch, measured, and whether it was subtracted.
    public var timerOverheadNs: Double?
    public var overheadSubtracted: Bool
    /// The CPU the measuring thread ran on, and whether it was pinned there.
    public var cpu: Int?
    public var pinned: Bool

    // MARK: Counters
    public var counters: [CounterReading]
    /// The backend in use (pmu, software, callgrind, none).
    public var counterSource: String
    /// Why counters are what they are, and any unavailable ones.
    public var counterStatus: String

    // MARK: Cache figures (source: the model's own bookkeeping)
    public var refillsPerKop: Double?
    public var fallbacks: Int?
    public var reuses: Int?
    public var pfmemallocDrops: Int?
    public var wastePct: Double?
    public var peakPinnedBytes: Int?

    // MARK: Added in schema 2 (optional: schema-1 runs read back with these nil)
    /// ns/op of every timed sample, in order (for intervals from a single run).
    public var sampleNsPerOp: [Double]?
    /// Refill attempts, high-order allocations that failed (and fell back), refills that got
    /// no page at all: the cache's counters over the whole point.
    public var refills: Int?
    public var highOrderFailures: Int?
    public var refillFailures: Int?

    // MARK: Added in schema 3 (optional: older runs read back with these nil)
    /// How `nsPerOp` was estimated from the samples, e.g. "p10 of undisturbed samples" (schema
    /// 1-2 runs: the median). Every report names it beside the figure.
    public var estimator: String? = nil
    /// The 95% interval of `nsPerOp` (what another process on this machine should measure).
    public var nsPerOpLow: Double? = nil
    public var nsPerOpHigh: Double? = nil
    /// The median of all samples, kept beside the estimate (before schema 3 `nsPerOp` was it).
    public var medianNsPerOp: Double? = nil
    /// Samples classified as disturbed (a burst on the machine), of `samples`.
    public var disturbedSamples: Int? = nil
    /// Per sample (in `sampleNsPerOp` order): true when it was classified disturbed (the
    /// canary ran slow around it, or it was a far outlier), so an A/A analysis can recompute
    /// any estimator from the stored samples.
    public var sampleDisturbed: [Bool]? = nil
    /// Per sample (in `sampleNsPerOp` order), in a run whose visits ran in separate processes:
    /// true when the sample's process ran in the machine's slow state and was left out of the
    /// estimate (`SpeedStates`); nil when no process was left out.
    public var sampleSlowState: [Bool]? = nil
    /// Runs whose visits ran in separate processes: how many of `sampleNsPerOp` each visit
    /// took, in order (they add up to the samples), so the visits can be told apart again.
    public var visitSampleCounts: [Int]? = nil
    /// Two-thread points (cross-thread on two given CPUs): per sample, the round trip of a
    /// cache line between the two CPUs read right before and right after it, in ns (null
    /// where none could be read); nil for other points and older runs.
    public var sampleCrossCPUBeforeNs: [Double?]? = nil
    public var sampleCrossCPUAfterNs: [Double?]? = nil
    /// The round trip (ns) of the placement the estimate comes from; nil when not two-thread.
    public var crossCPURoundTripNs: Double? = nil
    /// Per sample: true when it was left out of the estimate because the two CPUs were placed
    /// otherwise then (`CPUPlacement` in Measure); nil when none was.
    public var samplePlacementLeftOut: [Bool]? = nil

    // MARK: Free-side attribution (optional: nil where not measured)
    /// alloc-free and mixed: nanoseconds per allocation and per free, timed apart on the same
    /// ring; `splitMethod` says how (they are derived, not the interleaved figure split).
    public var allocNsPerOp: Double? = nil
    public var freeNsPerOp: Double? = nil
    public var splitMethod: String? = nil

    public init(workload: String, impl: String = "swift", variant: String = "remaining", pageSize: Int,
                maxSize: Int, fragsz: Int?, align: Int, parameters: [String: String] = [:], ops: Int,
                samples: Int, opsPerSample: Int? = nil, sampleNs: Double? = nil, nsPerOp: Double?, minNsPerOp: Double?, errPct: Double?, unstable: Bool,
                hint: String?, tscCyclesPerOp: Double?, timerOverheadNs: Double? = nil,
                overheadSubtracted: Bool = false, cpu: Int?, pinned: Bool, counters: [CounterReading],
                counterSource: String, counterStatus: String, refillsPerKop: Double?, fallbacks: Int?,
                reuses: Int?, pfmemallocDrops: Int?, wastePct: Double?, peakPinnedBytes: Int?,
                sampleNsPerOp: [Double]? = nil, refills: Int? = nil, highOrderFailures: Int? = nil,
                refillFailures: Int? = nil) {
        self.workload = workload
        self.impl = impl
        self.variant = variant
        self.pageSize = pageSize
        self.maxSize = maxSize
        self.fragsz = fragsz
        self.align = align
        self.parameters = parameters
        self.ops = ops
        self.samples = samples
        self.opsPerSample = opsPerSample
        self.sampleNs = sampleNs
        self.nsPerOp = nsPerOp
        self.minNsPerOp = minNsPerOp
        self.errPct = errPct
        self.unstable = unstable
        self.hint = hint
        self.tscCyclesPerOp = tscCyclesPerOp
        self.timerOverheadNs = timerOverheadNs
        self.overheadSubtracted = overheadSubtracted
        self.cpu = cpu
        self.pinned = pinned
        self.counters = counters
        self.counterSource = counterSource
        self.counterStatus = counterStatus
        self.refillsPerKop = refillsPerKop
        self.fallbacks = fallbacks
        self.reuses = reuses
        self.pfmemallocDrops = pfmemallocDrops
        self.wastePct = wastePct
        self.peakPinnedBytes = peakPinnedBytes
        self.sampleNsPerOp = sampleNsPerOp
        self.refills = refills
        self.highOrderFailures = highOrderFailures
        self.refillFailures = refillFailures
    }

    /// High-order refill attempts that failed and fell back to a single page, as a fraction
    /// of refills; nil when the counts were not recorded or there were no refills.
    public var highOrderFailureRate: Double? {
        guard let refills, refills > 0, let failures = highOrderFailures else { return nil }
        return Double(failures) / Double(refills)
    }

    /// The per-op value of the first available counter among `names`.
    public func perOp(_ names: String...) -> Double? {
        for name in names {
            if let value = counters.first(where: { $0.name == name && $0.perOp != nil })?.perOp { return value }
        }
        return nil
    }

    /// Identifies a point across runs (for history and compare): everything that defines
    /// the work, nothing that was measured.
    public var key: String {
        var parts = [workload, impl, variant, "page=\(pageSize)", "max=\(maxSize)",
                     "fragsz=\(fragsz.map(String.init) ?? "-")", "align=\(align)"]
        parts += parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }
        return parts.joined(separator: " ")
    }
}

/// One counter for one point: per-op value, where it came from, or why it is missing.
public struct CounterReading: Codable, Sendable, Equatable {
    public var name: String
    /// e.g. "pmu", "software event", "tsc", "callgrind simulation".
    public var source: String
    public var perOp: Double?
    /// Why `perOp` is nil, or a qualifier (multiplex scaling).
    public var status: String?

    public init(name: String, source: String, perOp: Double?, status: String? = nil) {
        self.name = name
        self.source = source
        self.perOp = perOp
        self.status = status
    }
}
