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

    /// The median, averaging the two middle values for even counts (the lab's one median:
    /// reports, comparisons, pairing and the workloads' own splits all use this one). Benchmarks
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

    /// The indices of the finite positive `values`, sorted by value and cut into groups where
    /// one value exceeds the one before it by more than `gapFactor` (levels that sit apart, such
    /// as the placements of two CPUs: `Stability.placementGapFactor`).
    public static func gapGroups(_ values: [Double], gapFactor: Double) -> [[Int]] {
        let order = values.indices.filter { values[$0].isFinite && values[$0] > 0 }.sorted { values[$0] < values[$1] }
        guard let first = order.first else { return [] }
        var groups: [[Int]] = [[first]]
        for (a, b) in zip(order, order.dropFirst()) {
            if values[b] > values[a] * gapFactor { groups.append([b]) } else { groups[groups.count - 1].append(b) }
        }
        return groups
    }
}
