import Foundation
import Support

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
    /// Pairs grouped in sessions (fresh workloads, fresh placement): each session's median pair
    /// ratio is one observation, and the estimate is their geometric mean with a Student-t 95%
    /// interval over the sessions. Pairs within a session share its placement, which can move
    /// alloc-only by 5-10% between sessions on a loaded VM, so they are not independent draws:
    /// an order-statistic (or pair-level bootstrap) interval over all of them was too narrow
    /// and called a build paired with itself 12% slower. Fewer than 3 sessions: the
    /// order-statistic interval over all pairs, labelled as such.
    ///
    /// With `baseFirst` (per pair, parallel to `clusters`: whether the base took the pair's
    /// first turn), a session's observation is the mean of its two orders' medians, so an order
    /// effect (the build sampled second in a block running slower) cancels instead of making
    /// the session's pairs bimodal: prepare-commit paired with itself read +4.7% in base-first
    /// and -4.5% in head-first pairs.
    public static func clustered(_ clusters: [[(base: Double, head: Double)]], baseFirst: [[Bool]]? = nil,
                                 confidence: Double = 0.95) -> RatioEstimate? {
        overSessions(clusters, baseFirst: baseFirst, leavingOutFar: false, confidence: confidence).estimate
    }

    /// As `clustered`, with the sessions far outside the others (`farOutSessions`) left out:
    /// the estimate, and the left-out sessions' indices in `clusters` with their ratios.
    public static func clusteredLeavingOutFar(_ clusters: [[(base: Double, head: Double)]], baseFirst: [[Bool]]? = nil,
                                              confidence: Double = 0.95) -> (estimate: RatioEstimate?, leftOut: [(index: Int, ratio: Double)]) {
        overSessions(clusters, baseFirst: baseFirst, leavingOutFar: true, confidence: confidence)
    }

    private static func overSessions(_ clusters: [[(base: Double, head: Double)]], baseFirst: [[Bool]]?, leavingOutFar: Bool,
                                     confidence: Double) -> (estimate: RatioEstimate?, leftOut: [(index: Int, ratio: Double)]) {
        // (cluster index, log ratio) of every session that has one.
        let all: [(index: Int, log: Double)] = clusters.indices.compactMap { i in
            sessionLog(clusters[i], baseFirst: baseFirst.flatMap { i < $0.count ? $0[i] : nil }).map { (i, $0) }
        }
        guard all.count >= 3 else {
            let c = clusters.flatMap { $0 }
            var e = estimate(base: c.map(\.base), head: c.map(\.head), confidence: confidence)
            e?.method = "paired samples (one session: interval over pairs)"
            return (e, [])
        }
        let far = leavingOutFar ? farOutSessions(all.map(\.log)) : []
        let leftOut = far.sorted().map { (index: all[$0].index, ratio: exp(all[$0].log)) }
        let sessionLogs = all.indices.filter { !far.contains($0) }.map { all[$0].log }
        let n = Double(sessionLogs.count)
        let mean = sessionLogs.reduce(0, +) / n
        let sd = (sessionLogs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let half = StudentT.critical(degreesOfFreedom: sessionLogs.count - 1, confidence: confidence) * sd / n.squareRoot()
        let pairs = clusters.indices.filter { i in !leftOut.contains { $0.index == i } }.reduce(0) { $0 + clusters[$1].count }
        return (RatioEstimate(ratio: exp(mean), lower: exp(mean - half), upper: exp(mean + half), rounds: pairs,
                              method: "paired samples"), leftOut)
    }

    /// One session's observation: the log of its median pair ratio head/base, or with `baseFirst`
    /// (per pair) the mean of its two orders' medians; nil when it has no usable pair.
    public static func sessionLog(_ pairs: [(base: Double, head: Double)], baseFirst: [Bool]? = nil) -> Double? {
        func medianLog(_ pairs: [(base: Double, head: Double)]) -> Double? {
            Statistics.median(pairs.compactMap { a, b in a > 0 && b > 0 && a.isFinite && b.isFinite ? log(b / a) : nil })
        }
        if let orders = baseFirst, orders.count == pairs.count {
            let first = medianLog(zip(pairs, orders).filter { $0.1 }.map(\.0))
            let second = medianLog(zip(pairs, orders).filter { !$0.1 }.map(\.0))
            if let first, let second { return (first + second) / 2 }
        }
        return medianLog(pairs)
    }

    /// The sessions far outside the others: further from the sessions' median log ratio than
    /// 4.5 robust standard deviations (1.4826 x the median absolute deviation, taken as at
    /// least `minimumScale`, 1.4%: so never within 6.3% of the median, and a process pair's
    /// offset of a few percent stays in). Only with at least 6 sessions, and fewer than a third
    /// of them (a third is a mode of the sessions, not a stray one).
    ///
    /// What it catches: a worker that ran its whole session in a broken state (an A/A read
    /// 0.22 in one session of 12, its base 4x slower than in every other session, while its
    /// canary read normal), and a worker that drew an unlucky layout (A/As of alloc-free 64 B
    /// read +13% to +17% in two sessions of seven and within ±1.5% in the rest). Measured from
    /// the median, not as Tukey's fence past the quartiles: with two such sessions of seven the
    /// upper quartile lay between them and the rest, the fence moved out with it, and both
    /// stayed in (1.040 [0.975, 1.110] for a build paired with itself).
    public static func farOutSessions(_ logs: [Double], minimumScale: Double = 0.014) -> Set<Int> {
        guard logs.count >= 6, let median = Statistics.median(logs),
              let mad = Statistics.median(logs.map { abs($0 - median) }) else { return [] }
        let scale = max(1.4826 * mad, minimumScale)
        let far = Set(logs.indices.filter { abs(logs[$0] - median) > 4.5 * scale })
        return far.count * 3 < logs.count ? far : []
    }
}
