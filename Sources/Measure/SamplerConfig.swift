/// How hard the sampler works for a number. Defaults follow nanobench: each
/// sample long enough that timer granularity and per-batch overhead are
/// noise, and an odd sample count so the median is a real sample.
public struct SamplerConfig: Sendable, Equatable {
    /// Each sample runs at least this long (the op count is chosen to fit).
    public var minSampleNanoseconds: UInt64
    /// Timed samples per measurement.
    public var samples: Int
    /// Untimed running before sampling, to warm caches, branch predictors
    /// and the allocator.
    public var warmupNanoseconds: UInt64
    /// Fixes the ops per sample instead of choosing automatically.
    public var fixedOpsPerSample: Int?
    /// Upper bound for the automatic op count.
    public var maxOpsPerSample: Int
    /// The most operations one timed batch may hold; a sample of more runs as several timed
    /// batches (each with its untimed set-up and clean-up) whose times add up. For workloads
    /// that hold every fragment of a batch until it ends (alloc-only, free-only): their
    /// pointer array and pages must stay cache-sized, or a 1 ms sample measures memory
    /// bandwidth and where the arena landed rather than the cache. nil: no limit.
    public var batchLimit: Int? = nil
    /// Empty batches timed to estimate the timer overhead.
    public var overheadBatches: Int
    /// Subtract the measured per-batch timer overhead from each sample.
    public var subtractOverhead: Bool
    /// Pin the sampling thread to this CPU first.
    public var pinCPU: Int?
    /// How the point estimate is taken from the undisturbed samples.
    public var estimator: Estimator = .standard
    /// With a canary, sampling goes on past `samples` (up to `maxSampleFactor` times as
    /// many) until this many samples are undisturbed.
    public var minimumUndisturbed: Int = 6
    public var maxSampleFactor: Int = 3
    /// Visits per point: the run measures every point this many times, in passes over the
    /// whole sweep, each visit with a fresh workload (see `SampleResult.pooled`).
    public var visits: Int = 5

    public init(minSampleNanoseconds: UInt64 = 1_000_000, samples: Int = 12,
                warmupNanoseconds: UInt64 = 10_000_000, fixedOpsPerSample: Int? = nil,
                maxOpsPerSample: Int = 1 << 40, overheadBatches: Int = 201,
                subtractOverhead: Bool = true, pinCPU: Int? = nil) {
        self.minSampleNanoseconds = minSampleNanoseconds
        self.samples = samples
        self.warmupNanoseconds = warmupNanoseconds
        self.fixedOpsPerSample = fixedOpsPerSample
        self.maxOpsPerSample = maxOpsPerSample
        self.overheadBatches = overheadBatches
        self.subtractOverhead = subtractOverhead
        self.pinCPU = pinCPU
    }

    /// 5 visits of 12 samples of at least 1 ms, 10 ms warm-up each. Many short samples spread
    /// over the run rather than a few long contiguous ones: a burst on the host lasts about
    /// 20 ms, so it spoils a few samples, which the canary and the low-quantile estimate leave
    /// out, and a slow stretch of the machine spoils one visit, which the interval shows.
    public static let standard = SamplerConfig()

    /// For smoke runs and CI: 3 visits of 5 samples of 200 us, 2 ms warm-up. Too noisy
    /// for conclusions; reports should say QUICK.
    public static let quick: SamplerConfig = {
        var c = SamplerConfig(minSampleNanoseconds: 200_000, samples: 5, warmupNanoseconds: 2_000_000, overheadBatches: 51)
        c.minimumUndisturbed = 3
        c.visits = 3
        return c
    }()
}
