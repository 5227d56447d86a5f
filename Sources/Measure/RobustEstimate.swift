/// The point estimate of a benchmark and its interval, from samples a burst may have touched.
///
/// Evidence (README, "Noise"): on the shared VMs this lab runs on, separate processes agree on
/// a low quantile of their samples far better than on the median, because the bursts only add
/// time. The estimate is a low quantile of the undisturbed samples; the interval is a
/// percentile bootstrap of that quantile (deterministic seed), which the A/A experiment
/// checks against what other processes measure.
public enum Estimator: Sendable, Equatable, CustomStringConvertible {
    case minimum
    /// The p-th percentile, 0 < p < 100.
    case percentile(Double)
    case median

    public static let standard = Estimator.percentile(10)

    /// Parses "min", "median" or "pNN" (e.g. p10).
    public init?(text: String) {
        switch text {
        case "min", "minimum": self = .minimum
        case "median", "p50": self = .median
        default:
            guard text.hasPrefix("p"), let p = Double(text.dropFirst()), p > 0, p < 100 else { return nil }
            self = .percentile(p)
        }
    }

    /// Short name, as written in reports ("p10", "min", "median").
    public var description: String {
        switch self {
        case .minimum: return "min"
        case .median: return "median"
        case .percentile(let p): return "p" + (p == p.rounded() ? String(Int(p)) : "\(p)")
        }
    }

    public func apply(_ xs: [Double]) -> Double? {
        switch self {
        case .minimum: return Statistics.minimum(xs)
        case .median: return Statistics.median(xs)
        case .percentile(let p): return Statistics.percentile(xs, p)
        }
    }
}

/// An estimate with its 95% interval and what it was computed from.
public struct RobustEstimate: Sendable, Equatable {
    public var value: Double
    public var lower: Double
    public var upper: Double
    /// e.g. "p10 of 38 undisturbed samples (3 disturbed)".
    public var description: String
    /// Samples the estimate used.
    public var used: Int

    /// Relative half-width of the interval (0.02 = ±2%).
    public var relativeHalfWidth: Double {
        guard value > 0 else { return .infinity }
        return max(value - lower, upper - value) / value
    }

    /// Fewer undisturbed samples than this and the estimate falls back to all samples (and says so).

    /// Applies `estimator` to the undisturbed samples (all of them when fewer than
    /// `Stability.minimumUndisturbed` are), with a percentile-bootstrap 95% interval.
    public static func estimate(samples: [Double], classes: [SampleClass], estimator: Estimator,
                                resamples: Int = 1_000, seed: UInt64 = 0x5EED) -> RobustEstimate? {
        let finite = samples.indices.filter { samples[$0].isFinite }
        let clean = finite.filter { $0 < classes.count ? classes[$0] == .undisturbed : true }.map { samples[$0] }
        let disturbed = samples.count - clean.count
        let usingAll = clean.count < Stability.minimumUndisturbed
        let pool = usingAll ? finite.map { samples[$0] } : clean
        guard let value = estimator.apply(pool) else { return nil }
        let (lower, upper) = Bootstrap.interval(pool, statistic: { estimator.apply($0) ?? .nan },
                                                resamples: resamples, seed: seed)
        let text = usingAll
            ? "\(estimator) of all \(pool.count) samples (only \(clean.count) undisturbed)"
            : "\(estimator) of \(clean.count) undisturbed samples (\(disturbed) disturbed)"
        return RobustEstimate(value: value, lower: min(lower, value), upper: max(upper, value),
                              description: text, used: pool.count)
    }
}

/// Percentile bootstrap with a fixed-seed generator, so the same samples always give the same
/// interval (reports are golden-tested; reruns of the arithmetic must agree).
public enum Bootstrap {
    public static func interval(_ xs: [Double], statistic: ([Double]) -> Double, confidence: Double = 0.95,
                                resamples: Int = 1_000, seed: UInt64 = 0x5EED) -> (Double, Double) {
        guard xs.count >= 2 else {
            let v = xs.first ?? .nan
            return (v, v)
        }
        var rng = SplitMix64(seed: seed)
        var stats: [Double] = []
        stats.reserveCapacity(resamples)
        var draw = [Double](repeating: 0, count: xs.count)
        for _ in 0..<max(1, resamples) {
            for i in 0..<xs.count { draw[i] = xs[Int(rng.next() % UInt64(xs.count))] }
            let s = statistic(draw)
            if s.isFinite { stats.append(s) }
        }
        let alpha = (1 - confidence) / 2 * 100
        return (Statistics.percentile(stats, alpha) ?? .nan, Statistics.percentile(stats, 100 - alpha) ?? .nan)
    }
}
