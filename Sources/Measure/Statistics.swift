/// Summary statistics over per-sample figures. Pure functions so they can be
/// checked against hand-computed values; empty input yields nil rather than a
/// made-up number.
public enum Statistics {
    public static func minimum(_ xs: [Double]) -> Double? { xs.min() }

    public static func maximum(_ xs: [Double]) -> Double? { xs.max() }

    public static func mean(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        return xs.reduce(0, +) / Double(xs.count)
    }

    /// The median, averaging the two middle values for even counts. Benchmarks
    /// report the median because scheduler and interrupt noise only ever adds
    /// time, which drags the mean upward.
    public static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let sorted = xs.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The p-th percentile (0...100) with linear interpolation between closest
    /// ranks (the "R-7"/NumPy default), so p=50 equals `median`.
    public static func percentile(_ xs: [Double], _ p: Double) -> Double? {
        guard !xs.isEmpty, p >= 0, p <= 100 else { return nil }
        let sorted = xs.sorted()
        let rank = p / 100 * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = Int(rank.rounded(.up))
        let fraction = rank - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    /// nanobench's "err%": the median of |x - median| / median, in percent
    /// (median absolute percentage error). Robust to a few outlier samples,
    /// unlike a standard deviation. Nil when empty or the median is 0.
    public static func medianAbsolutePercentError(_ xs: [Double]) -> Double? {
        guard let m = median(xs), m != 0 else { return nil }
        return median(xs.map { abs($0 - m) / abs(m) * 100 })
    }
}

/// Whether a measurement's spread is too wide to trust, and what to do.
public struct Instability: Sendable, Equatable {
    /// nanobench flags results above 5% err% as unstable; we use the same bar.
    public static let thresholdPercent: Double = 5

    public let errPercent: Double?
    public let isUnstable: Bool
    /// A concrete next step when unstable, nil otherwise.
    public let hint: String?

    public init(errPercent: Double?, sampleCount: Int, opsPerSample: Int, cpuPinned: Bool) {
        self.errPercent = errPercent
        guard let err = errPercent else {
            isUnstable = true
            hint = "no spread could be computed (\(sampleCount) samples); take more samples"
            return
        }
        isUnstable = err > Instability.thresholdPercent
        guard isUnstable else {
            hint = nil
            return
        }
        var steps: [String] = []
        if !cpuPinned { steps.append("pin the benchmark to one CPU (--cpu N)") }
        steps.append("raise the minimum sample time (currently \(opsPerSample) ops/sample)")
        steps.append("stop other load on this machine")
        if sampleCount < 21 { steps.append("take more samples (have \(sampleCount))") }
        steps.append("or use --counters callgrind for a noise-free instruction count")
        hint = "err% \(formatFixed(err, digits: 1)) > \(formatFixed(Instability.thresholdPercent, digits: 0))%: "
            + steps.joined(separator: "; ")
    }
}

/// Fixed-point decimal formatting without Foundation's String(format:).
public func formatFixed(_ x: Double, digits: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    var scale = 1.0
    for _ in 0..<max(0, digits) { scale *= 10 }
    let scaled = (abs(x) * scale).rounded()
    let whole = (scaled / scale).rounded(.down)
    let fraction = scaled - whole * scale
    var fractionText = digits > 0 ? String(Int(fraction)) : ""
    while fractionText.count < digits { fractionText = "0" + fractionText }
    let sign = x < 0 && scaled != 0 ? "-" : ""
    let wholeText = whole < 1e18 ? String(Int(whole)) : "\(whole)"
    return digits > 0 ? "\(sign)\(wholeText).\(fractionText)" : "\(sign)\(wholeText)"
}
