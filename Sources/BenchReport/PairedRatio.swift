import Foundation

/// The ratio of two builds from samples taken in adjacent pairs (A B B A ...): each pair saw
/// the same moment of the machine, so a burst that slows one sample slows its partner too and
/// cancels in the ratio. The estimate is the median of the per-pair ratios, with a
/// distribution-free 95% interval from order statistics (the median's binomial interval): no
/// assumption about the shape of the noise, and a preempted sample (one huge ratio) moves it
/// by one rank at most.
public enum PairedRatio {
    /// nil with fewer than 6 usable pairs (below that no order-statistic interval reaches 95%).
    public static func estimate(base: [Double], head: [Double], confidence: Double = 0.95) -> RatioEstimate? {
        let ratios = zip(base, head).compactMap { a, b -> Double? in
            guard a > 0, b > 0, a.isFinite, b.isFinite else { return nil }
            return b / a
        }.sorted()
        let n = ratios.count
        guard n >= 6, let (lo, hi) = medianInterval(count: n, confidence: confidence) else { return nil }
        let median = n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] * ratios[n / 2]).squareRoot()
        return RatioEstimate(ratio: median, lower: ratios[lo], upper: ratios[hi], rounds: n, method: "paired samples")
    }

    /// 0-based ranks (lo, hi) such that [x(lo), x(hi)] covers the median with at least
    /// `confidence`, from the binomial(n, 1/2) distribution computed exactly.
    public static func medianInterval(count n: Int, confidence: Double = 0.95) -> (Int, Int)? {
        guard n >= 1 else { return nil }
        // P(X <= k) for X ~ Binomial(n, 1/2), accumulated in log space to stay finite for large n.
        var cdf: [Double] = []
        var logChoose = 0.0
        var total = 0.0
        let logHalfN = Double(n) * log(0.5)
        for k in 0...n {
            if k > 0 { logChoose += log(Double(n - k + 1)) - log(Double(k)) }
            total += exp(logChoose + logHalfN)
            cdf.append(total)
        }
        let alpha = 1 - confidence
        // x(k) (0-based) lies above the median exactly when at most k samples lie at or below
        // it: P(X <= k). Take the largest k with P(X <= k) <= alpha/2 on each side.
        var k = -1
        for j in 0..<n where cdf[j] <= alpha / 2 + 1e-15 { k = j }
        guard k >= 0, n - 1 - k >= k else { return nil }
        return (k, n - 1 - k)
    }

    /// The smallest change the data could resolve: the interval's larger distance from the
    /// estimate, relative (0.01 = ±1%).
    public static func resolution(_ e: RatioEstimate) -> Double {
        max(e.upper - e.ratio, e.ratio - e.lower) / e.ratio
    }
}

extension PairedRatio {
    /// The median of all pairs' ratios, with a 95% interval from a two-stage bootstrap: draw
    /// clusters (sessions: fresh workloads, fresh placement) with replacement, then pairs within
    /// each drawn cluster. Pairs within a session share its placement, so they are not
    /// independent draws and an order-statistic interval over all of them would be too narrow.
    /// One cluster: the order-statistic interval of `estimate`. Deterministic (fixed seed).
    public static func clustered(_ clusters: [[(base: Double, head: Double)]], confidence: Double = 0.95,
                                 resamples: Int = 1_000) -> RatioEstimate? {
        let logs: [[Double]] = clusters.map { c in
            c.compactMap { a, b in a > 0 && b > 0 && a.isFinite && b.isFinite ? log(b / a) : nil }
        }.filter { !$0.isEmpty }
        let all = logs.flatMap { $0 }
        guard all.count >= 6 else { return nil }
        guard logs.count >= 2 else {
            let c = clusters.flatMap { $0 }
            return estimate(base: c.map(\.base), head: c.map(\.head), confidence: confidence)
        }
        func median(_ xs: [Double]) -> Double {
            let s = xs.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            // SplitMix64, as Measure's bootstrap uses (BenchReport does not depend on Measure).
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var stats: [Double] = []
        for _ in 0..<max(1, resamples) {
            var draw: [Double] = []
            for _ in 0..<logs.count {
                let cluster = logs[Int(next() % UInt64(logs.count))]
                for _ in 0..<cluster.count { draw.append(cluster[Int(next() % UInt64(cluster.count))]) }
            }
            stats.append(median(draw))
        }
        stats.sort()
        let alpha = (1 - confidence) / 2
        let lo = stats[min(stats.count - 1, Int((alpha * Double(stats.count)).rounded(.down)))]
        let hi = stats[min(stats.count - 1, Int(((1 - alpha) * Double(stats.count)).rounded(.up)) - 1)]
        let m = median(all)
        return RatioEstimate(ratio: exp(m), lower: exp(min(lo, m)), upper: exp(max(hi, m)), rounds: all.count,
                             method: "paired samples")
    }
}
