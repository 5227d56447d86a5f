import Foundation

/// The ratio of two implementations' (or commits') times, with a 95% confidence interval,
/// from interleaved rounds: round i measured A then B back to back, so the pairs share the
/// machine's state at that moment. Works on log ratios (times are positive and their noise is
/// multiplicative): mean and Student-t interval of ln(b_i / a_i), mapped back with exp.
public struct RatioEstimate: Sendable, Equatable, Codable {
    /// Geometric mean of b_i / a_i: below 1 means B is faster.
    public var ratio: Double
    public var lower: Double
    public var upper: Double
    public var rounds: Int
    /// How the interval was made: "paired" (interleaved rounds), "welch" (two independent
    /// sets of samples), "exact" (deterministic counts: no interval needed).
    public var method: String?

    public init(ratio: Double, lower: Double, upper: Double, rounds: Int, method: String? = nil) {
        self.ratio = ratio
        self.lower = lower
        self.upper = upper
        self.rounds = rounds
        self.method = method
    }

    /// nil when there are fewer than two usable pairs (no spread, no interval).
    public static func paired(a: [Double], b: [Double], confidence: Double = 0.95) -> RatioEstimate? {
        let logs = zip(a, b).compactMap { x, y -> Double? in
            guard x > 0, y > 0, x.isFinite, y.isFinite else { return nil }
            return log(y / x)
        }
        guard logs.count >= 2 else { return nil }
        let n = Double(logs.count)
        let mean = logs.reduce(0, +) / n
        let variance = logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let halfWidth = StudentT.critical(degreesOfFreedom: logs.count - 1, confidence: confidence) * (variance / n).squareRoot()
        return RatioEstimate(ratio: exp(mean), lower: exp(mean - halfWidth), upper: exp(mean + halfWidth),
                             rounds: logs.count, method: "paired")
    }

    /// Ratio of geometric means of two independent sets of samples (B over A) with a Welch
    /// t-interval on the log scale. For one run against another, where there are no rounds to
    /// pair: samples within a run share its moment, so this interval is optimistic about
    /// drift between the runs. nil with fewer than two usable samples on either side.
    public static func welch(a: [Double], b: [Double], confidence: Double = 0.95) -> RatioEstimate? {
        let la = a.filter { $0 > 0 && $0.isFinite }.map { log($0) }
        let lb = b.filter { $0 > 0 && $0.isFinite }.map { log($0) }
        guard la.count >= 2, lb.count >= 2 else { return nil }
        func meanVar(_ x: [Double]) -> (Double, Double) {
            let m = x.reduce(0, +) / Double(x.count)
            return (m, x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1))
        }
        let (ma, va) = meanVar(la), (mb, vb) = meanVar(lb)
        let na = Double(la.count), nb = Double(lb.count)
        let sa = va / na, sb = vb / nb
        let se = (sa + sb).squareRoot()
        let denominator = sa * sa / (na - 1) + sb * sb / (nb - 1)
        // Welch-Satterthwaite, rounded down (the conservative side; the epsilon keeps an exact
        // integer from rounding to the one below); with no spread on either side the interval is a point anyway.
        let df = denominator > 0 ? max(1, Int(((sa + sb) * (sa + sb) / denominator + 1e-9).rounded(.down))) : la.count + lb.count - 2
        let half = StudentT.critical(degreesOfFreedom: df, confidence: confidence) * se
        let d = mb - ma
        return RatioEstimate(ratio: exp(d), lower: exp(d - half), upper: exp(d + half),
                             rounds: min(la.count, lb.count), method: "welch")
    }

    /// Deterministic counts (callgrind): the ratio is exact, so its interval is the ratio.
    public static func exact(a: Double, b: Double) -> RatioEstimate? {
        guard a > 0, b > 0, a.isFinite, b.isFinite else { return nil }
        let r = b / a
        return RatioEstimate(ratio: r, lower: r, upper: r, rounds: 1, method: "exact")
    }

    /// Geometric mean of `values` with a Student-t interval on the log scale (for one setting's
    /// samples: its ns/op and the range the data allow). nil with fewer than two samples.
    public static func level(_ values: [Double], confidence: Double = 0.95) -> (mean: Double, lower: Double, upper: Double)? {
        let logs = values.filter { $0 > 0 && $0.isFinite }.map { log($0) }
        guard logs.count >= 2 else { return nil }
        let n = Double(logs.count)
        let m = logs.reduce(0, +) / n
        let v = logs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        let half = StudentT.critical(degreesOfFreedom: logs.count - 1, confidence: confidence) * (v / n).squareRoot()
        return (exp(m), exp(m - half), exp(m + half))
    }

    /// Whether the interval excludes 1: the data resolve a difference.
    public var isResolved: Bool { lower > 1 || upper < 1 }
}

/// What a comparison concludes about one point.
public enum Verdict: String, Sendable, Codable {
    case faster
    case slower
    /// The interval includes 1, or the change is below the practical threshold.
    case noDifference = "no difference resolved"

    /// Faster or slower only when the change is both statistically resolved and larger than
    /// `threshold` (0.02 = 2%), and both with confidence: the whole interval must lie beyond
    /// the threshold, not just its centre. A comparison checks many points at once, and two
    /// builds of the same commit can differ by a few percent through code placement alone; with
    /// only "centre beyond 2% and interval excluding 1", comparing a commit with itself flagged
    /// a point about half the time on this machine.
    public static func judge(_ estimate: RatioEstimate?, threshold: Double) -> Verdict {
        guard let e = estimate, e.isResolved else { return .noDifference }
        if e.upper < 1 - threshold { return .faster }
        if e.lower > 1 + threshold { return .slower }
        return .noDifference
    }
}

/// Two-sided Student-t critical values.
public enum StudentT {
    /// t such that P(|T| <= t) = confidence, for 95% (tabulated) and 90%/99% (tabulated);
    /// other levels fall back to the normal approximation.
    public static func critical(degreesOfFreedom df: Int, confidence: Double = 0.95) -> Double {
        precondition(df >= 1, "StudentT: \(df) degrees of freedom")
        let table: [Double]
        let normal: Double
        switch confidence {
        case 0.95:
            table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                     2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                     2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
            normal = 1.960
        case 0.90:
            table = [6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812,
                     1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725,
                     1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697]
            normal = 1.645
        case 0.99:
            table = [63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169,
                     3.106, 3.055, 3.012, 2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845,
                     2.831, 2.819, 2.807, 2.797, 2.787, 2.779, 2.771, 2.763, 2.756, 2.750]
            normal = 2.576
        default:
            return 1.960
        }
        return df <= table.count ? table[df - 1] : normal
    }
}
