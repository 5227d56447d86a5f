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

/// Whether a measurement is too uncertain to trust, and what to do.
public struct Instability: Sendable, Equatable {
    /// A point whose 95% interval is wider than ±3% of its estimate is flagged: the changes
    /// argued about on the lists are a few percent.
    public static let thresholdPercent: Double = 3

    /// The interval's relative half-width in percent, nil without an estimate.
    public let intervalPercent: Double?
    public let isUnstable: Bool
    /// A concrete next step when unstable, nil otherwise.
    public let hint: String?

    public init(estimate: RobustEstimate?, undisturbed: Int, sampleCount: Int, sampleNanoseconds: UInt64,
                cpuPinned: Bool) {
        guard let estimate else {
            intervalPercent = nil
            isUnstable = true
            hint = "no estimate could be made (\(sampleCount) samples); take more samples (--samples)"
            return
        }
        let width = estimate.relativeHalfWidth * 100
        intervalPercent = width
        let tooFewClean = undisturbed < RobustEstimate.minimumUndisturbed
        isUnstable = !(width <= Instability.thresholdPercent) || tooFewClean
        guard isUnstable else {
            hint = nil
            return
        }
        var why: [String] = []
        if !(width <= Instability.thresholdPercent) {
            why.append("interval ±\(formatFixed(width, digits: 1))% > ±\(formatFixed(Instability.thresholdPercent, digits: 0))%")
        }
        if tooFewClean { why.append("only \(undisturbed) of \(sampleCount) samples undisturbed") }
        var steps: [String] = []
        if !cpuPinned { steps.append("pin to one CPU (--cpu N)") }
        let ms = Double(sampleNanoseconds) / 1e6
        steps.append("take more samples (--samples \(max(2 * sampleCount, 41)))")
        steps.append("or longer ones (--min-sample-ms \(formatFixed(max(2 * ms, 1), digits: 1)))")
        if tooFewClean || undisturbed * 2 < sampleCount { steps.append("stop other load on this machine") }
        hint = why.joined(separator: ", ") + ": " + steps.joined(separator: "; ")
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
