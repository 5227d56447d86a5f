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
    public var minimumUndisturbed: Int = 10
    public var maxSampleFactor: Int = 3

    public init(minSampleNanoseconds: UInt64 = 1_000_000, samples: Int = 41,
                warmupNanoseconds: UInt64 = 20_000_000, fixedOpsPerSample: Int? = nil,
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

    /// 41 samples of at least 1 ms, 20 ms warm-up. Many short samples rather than a few long
    /// ones: a burst on the host lasts about 20 ms, so it spoils a few samples, which the
    /// canary and the low-quantile estimate leave out, instead of a third of the point.
    public static let standard = SamplerConfig()

    /// For smoke runs and CI: 15 samples of 200 us, 2 ms warm-up. Too noisy
    /// for conclusions; reports should say QUICK.
    public static let quick: SamplerConfig = {
        var c = SamplerConfig(minSampleNanoseconds: 200_000, samples: 15, warmupNanoseconds: 2_000_000, overheadBatches: 51)
        c.minimumUndisturbed = 5
        return c
    }()
}
