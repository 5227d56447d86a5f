import Foundation
import Support

/// Where a series' level moved. Two detectors, one per kind of figure:
///
/// - **Exact counts** (callgrind instructions per operation) do not vary between runs of one
///   build, so any step larger than the rounding of the history's figures is a change, and its
///   position is certain.
/// - **Times** are noisy. E-divisive means (Matteson & James, 2014; the detector of MongoDB's
///   and DataStax's Hunter) finds the split that maximises the energy distance between the
///   values before and after it, then recurses into both halves. A split is kept only when it
///   is significant against the same statistic over permutations of the segment (Matteson &
///   James's test: the best split of shuffled data is the bar, so picking the maximum does not
///   make noise look like a change, which a plain t-test on the chosen split does), when
///   Welch's interval on the log ratio of the two sides excludes no change, and, as Bencher's
///   thresholds do, when the change is larger than a practical threshold: a resolved 0.3% is
///   not a regression anyone acts on.
public enum ChangePoints {
    /// A level change: the series moved at `index` (the first value of the new level).
    public struct Change: Sendable, Equatable {
        public var index: Int
        /// The level before and after: medians of the segments either side (the whole
        /// segments between neighbouring changes).
        public var before: Double
        public var after: Double
        /// after / before with its interval (exact counts: the ratio itself).
        public var ratio: RatioEstimate

        public var relative: Double { after / before - 1 }
        public var delta: Double { after - before }
    }

    public struct Options: Sendable, Equatable {
        /// The smallest change kept, as a fraction (0.01 = 1%).
        public var threshold: Double
        /// Confidence of the interval a change must resolve.
        public var confidence: Double
        /// The fewest values either side of a split: Welch's interval needs two, and three keep
        /// one outlier from making a level.
        public var minimumSegment: Int
        /// Permutations of the significance test, and the largest p-value kept: no shuffle of
        /// 499 may split as well as the data. The recursion tests every segment it makes, so a
        /// looser bar (0.01) let one spurious level in on 1 of 20 synthetic histories without one.
        public var permutations: Int
        public var significance: Double

        public init(threshold: Double = 0.01, confidence: Double = 0.99, minimumSegment: Int = 3,
                    permutations: Int = 499, significance: Double = 0.002) {
            self.threshold = threshold
            self.confidence = confidence
            self.minimumSegment = minimumSegment
            self.permutations = permutations
            self.significance = significance
        }
    }

    /// Every step of an exact series larger than `resolution` (the history prints counts with
    /// three decimals; steps below that are rounding, not code).
    public static func exact(_ values: [Double], resolution: Double = 0.0015) -> [Change] {
        guard values.count >= 2 else { return [] }
        var changes: [Change] = []
        for i in 1 ..< values.count where abs(values[i] - values[i - 1]) > resolution {
            let r = values[i - 1] != 0 ? values[i] / values[i - 1] : .infinity
            changes.append(Change(index: i, before: values[i - 1], after: values[i],
                                  ratio: RatioEstimate(ratio: r, lower: r, upper: r, rounds: 1, method: "exact")))
        }
        return changes
    }

    /// E-divisive means over a noisy series, with the significance and threshold tests above.
    /// Returns the changes in series order.
    public static func eDivisive(_ values: [Double], options: Options = Options()) -> [Change] {
        var splits: [Int] = []
        var pending = [0 ..< values.count]
        while let segment = pending.popLast() {
            guard let best = bestSplit(values, in: segment, minimumSegment: options.minimumSegment),
                  pValue(values, in: segment, observed: best.q, options: options) <= options.significance else { continue }
            let split = best.tau
            let left = Array(values[segment.lowerBound ..< split]), right = Array(values[split ..< segment.upperBound])
            guard let ratio = RatioEstimate.welch(a: left, b: right, confidence: options.confidence), ratio.isResolved,
                  abs(ratio.ratio - 1) >= options.threshold else { continue }
            splits.append(split)
            pending += [segment.lowerBound ..< split, split ..< segment.upperBound]
        }
        splits.sort()
        // Each change is described by the whole levels either side of it, which the recursion
        // only knows once every split is found.
        let bounds = [0] + splits + [values.count]
        return splits.enumerated().compactMap { n, split in
            let left = Array(values[bounds[n] ..< split]), right = Array(values[split ..< bounds[n + 2]])
            guard let ratio = RatioEstimate.welch(a: left, b: right, confidence: options.confidence),
                  let before = Statistics.median(left), let after = Statistics.median(right) else { return nil }
            return Change(index: split, before: before, after: after, ratio: ratio)
        }
    }

    /// The split of `segment` with the largest energy statistic (α = 1):
    ///
    ///     q(τ) = n·m/(n+m) · ( 2/(n·m) Σ|l−r| − 1/C(n,2) Σ|l−l'| − 1/C(m,2) Σ|r−r'| )
    ///
    /// for the n values left of τ and the m right of it. The three sums are kept up to date as
    /// τ moves one value right, so a segment of N values costs O(N²).
    static func bestSplit(_ values: [Double], in segment: Range<Int>, minimumSegment: Int) -> (tau: Int, q: Double)? {
        let lo = segment.lowerBound, hi = segment.upperBound
        // Two values at least: a side of one has no spread (and C(1,2) = 0).
        let minimumSegment = max(2, minimumSegment)
        guard hi - lo >= 2 * minimumSegment else { return nil }
        func d(_ i: Int, _ j: Int) -> Double { abs(values[i] - values[j]) }
        var total = 0.0
        for i in lo ..< hi { for j in (i + 1) ..< hi { total += d(i, j) } }
        // Left = [lo, τ), right = [τ, hi); start with τ = lo (everything right).
        var withinLeft = 0.0, withinRight = total
        var best: (tau: Int, q: Double)?
        for tau in lo ..< hi - minimumSegment {
            // Move values[tau] from the right to the left.
            for i in lo ..< tau { withinLeft += d(i, tau) }
            for k in (tau + 1) ..< hi { withinRight -= d(tau, k) }
            let split = tau + 1
            let n = Double(split - lo), m = Double(hi - split)
            guard split - lo >= minimumSegment else { continue }
            let between = total - withinLeft - withinRight
            let q = n * m / (n + m) * (2 * between / (n * m) - 2 * withinLeft / (n * (n - 1)) - 2 * withinRight / (m * (m - 1)))
            if best == nil || q > best!.q { best = (split, q) }
        }
        return best
    }

    /// The share of shuffles of the segment whose best split scores at least `observed`
    /// ((k + 1) / (permutations + 1)). Shuffled by a fixed-seed SplitMix64, so one history always
    /// gives the same answer.
    static func pValue(_ values: [Double], in segment: Range<Int>, observed: Double, options: Options) -> Double {
        var random = SplitMix64(seed: 0x5EED_0000 &+ UInt64(segment.lowerBound) &* 31 &+ UInt64(segment.count))
        var shuffled = Array(values[segment])
        var atLeast = 0
        for _ in 0 ..< options.permutations {
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                shuffled.swapAt(i, random.next(below: i + 1))
            }
            if let best = bestSplit(shuffled, in: 0 ..< shuffled.count, minimumSegment: options.minimumSegment), best.q >= observed {
                atLeast += 1
            }
        }
        return Double(atLeast + 1) / Double(options.permutations + 1)
    }
}
