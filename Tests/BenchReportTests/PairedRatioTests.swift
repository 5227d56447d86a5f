import Foundation
import Testing
@testable import BenchReport

/// The paired-sample ratio on synthetic streams: bursts common to both builds of a pair cancel.
@Suite struct PairedRatioTests {
    @Test func medianIntervalRanksMatchTheBinomialTable() {
        // 0-based ranks of the distribution-free 95% interval for the median.
        #expect(PairedRatio.medianInterval(count: 6)! == (0, 5))
        #expect(PairedRatio.medianInterval(count: 10)! == (1, 8))
        #expect(PairedRatio.medianInterval(count: 30)! == (9, 20))
        #expect(PairedRatio.medianInterval(count: 100)! == (39, 60))
        #expect(PairedRatio.medianInterval(count: 5) == nil)
        #expect(PairedRatio.medianInterval(count: 0) == nil)
        #expect(PairedRatio.medianInterval(count: 5000) != nil)
    }

    /// Base 10 ns/op with bursts (x2 for 20 pairs, both sides), head exactly 3% slower, one
    /// preempted head sample, and ±0.3% independent jitter.
    static func pairs(slowdown: Double, count: Int = 200) -> (base: [Double], head: [Double]) {
        var rng = UInt64(12345)
        func jitter() -> Double {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return 1 + (Double(rng >> 33) / Double(1 << 31) - 0.5) * 0.006
        }
        var base: [Double] = [], head: [Double] = []
        for i in 0..<count {
            let burst = (50..<70).contains(i) ? 2.0 : 1.0
            base.append(10 * burst * jitter())
            head.append(10 * slowdown * burst * jitter() * (i == 120 ? 30 : 1))
        }
        return (base, head)
    }

    @Test func aThreePercentSlowdownIsResolvedThroughBursts() throws {
        let (a, b) = Self.pairs(slowdown: 1.03)
        let e = try #require(PairedRatio.estimate(base: a, head: b))
        #expect(abs(e.ratio - 1.03) < 0.003)
        #expect(e.lower > 1.02)
        #expect(e.method == "paired samples")
        #expect(e.rounds == 200)
        #expect(Verdict.judge(e, threshold: 0.02) == .slower)
        #expect(PairedRatio.resolution(e) < 0.005)
    }

    @Test func theSameBuildIsNoDifference() throws {
        let (a, b) = Self.pairs(slowdown: 1.0)
        let e = try #require(PairedRatio.estimate(base: a, head: b))
        #expect(e.lower < 1.0 + 1e-9 || e.upper > 1.0 - 1e-9)
        #expect(abs(e.ratio - 1) < 0.003)
        #expect(Verdict.judge(e, threshold: 0.02) == .noDifference)
    }

    @Test func tooFewOrUnusablePairsGiveNoInterval() {
        #expect(PairedRatio.estimate(base: [1, 1, 1, 1, 1], head: [1, 1, 1, 1, 1]) == nil)
        #expect(PairedRatio.estimate(base: [1, 0, .nan, -1, 1, 1, 1], head: [1, 1, 1, 1, 1, 1, 1]) == nil)
    }
}

/// Sessions as clusters: a placement offset shared by one session's pairs must widen the
/// interval instead of passing for a difference between the builds.
@Suite struct ClusteredPairedRatioTests {
    /// `sessions` sessions of 20 pairs; the head's true ratio `slowdown`; session s adds a
    /// placement effect of `offsets[s % offsets.count]` to the head's samples; ±0.3% jitter.
    static func clusters(slowdown: Double, offsets: [Double], sessions: Int = 8) -> [[(base: Double, head: Double)]] {
        var rng = UInt64(99)
        func jitter() -> Double {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return 1 + (Double(rng >> 33) / Double(1 << 31) - 0.5) * 0.006
        }
        return (0..<sessions).map { s in
            (0..<20).map { _ in (base: 10 * jitter(), head: 10 * slowdown * (1 + offsets[s % offsets.count]) * jitter()) }
        }
    }

    @Test func placementThatAlternatesBetweenSessionsIsNotADifference() throws {
        // The second-set-up worker runs 4% faster; sessions alternate which one that is.
        let c = Self.clusters(slowdown: 1.0, offsets: [-0.04, 0.0])
        let e = try #require(PairedRatio.clustered(c))
        #expect(e.lower <= 1.0 && e.upper >= 0.96)
        #expect(Verdict.judge(e, threshold: 0.02) == .noDifference)
        // All pairs pooled as if independent: a tighter interval, which would call it faster.
        let flat = c.flatMap { $0 }
        let naive = try #require(PairedRatio.estimate(base: flat.map(\.base), head: flat.map(\.head)))
        #expect(naive.upper - naive.lower < e.upper - e.lower)
        #expect(Verdict.judge(naive, threshold: 0.02) != .slower)
    }

    @Test func aRealSlowdownIsStillResolved() throws {
        let e = try #require(PairedRatio.clustered(Self.clusters(slowdown: 1.03, offsets: [0.003, -0.003])))
        #expect(e.lower > 1.02)
        #expect(Verdict.judge(e, threshold: 0.02) == .slower)
    }

    @Test func deterministicAndDegenerateCases() throws {
        let c = Self.clusters(slowdown: 1.01, offsets: [0])
        #expect(PairedRatio.clustered(c) == PairedRatio.clustered(c))
        #expect(PairedRatio.clustered([[(1, 1), (1, 1)]]) == nil)
        // Fewer than 3 sessions: the order-statistic interval over the pairs, labelled.
        let one = [Array(c[0])]
        let e = try #require(PairedRatio.clustered(one))
        #expect(e.ratio == PairedRatio.estimate(base: one[0].map(\.base), head: one[0].map(\.head))!.ratio)
        #expect(e.method == "paired samples (one session: interval over pairs)")
    }

    @Test func anOrderEffectCancelsWhenTheOrdersAreKnown() throws {
        // 10 sessions of 20 pairs of a build with itself; whichever build is sampled second
        // reads 5% slower, a small wobble per pair. Without the orders the pairs are bimodal.
        var clusters: [[(base: Double, head: Double)]] = []
        var orders: [[Bool]] = []
        for s in 0..<10 {
            var c: [(base: Double, head: Double)] = []
            var o: [Bool] = []
            for i in 0..<20 {
                let baseFirst = i % 2 == 0
                let x = 10 * (1 + 0.002 * sin(Double(s * 20 + i)))
                c.append(baseFirst ? (x, x * 1.05) : (x * 1.05, x))
                o.append(baseFirst)
            }
            clusters.append(c)
            orders.append(o)
        }
        let balanced = try #require(PairedRatio.clustered(clusters, baseFirst: orders))
        #expect(abs(balanced.ratio - 1) < 0.002, "\(balanced)")
        #expect(balanced.upper - balanced.lower < 0.01, "\(balanced)")
        // A session with pairs of one order only falls back to its median; mismatched or
        // missing order lists are ignored, never trapped on.
        #expect(PairedRatio.clustered(clusters, baseFirst: [[true]]) != nil)
        #expect(PairedRatio.clustered(clusters, baseFirst: []) == PairedRatio.clustered(clusters))
        let oneOrder = PairedRatio.clustered(clusters, baseFirst: orders.map { $0.map { _ in true } })
        #expect(oneOrder == PairedRatio.clustered(clusters))
    }

    /// The far-out rule over sessions: only with 6 or more, never a third or more of them,
    /// and never within 4.5 x 1.4% of the median.
    @Test func farOutSessionsAreFewAndFar() {
        let calm = [0.01, -0.005, 0.0, 0.004, -0.01, 0.002]
        #expect(PairedRatio.farOutSessions(calm + [log(0.22)]) == [6])
        #expect(PairedRatio.farOutSessions(calm + [0.05]).isEmpty, "5% lies inside 4.5 x the 1.4% floor")
        #expect(PairedRatio.farOutSessions(calm + [0.07]) == [6])
        // Two unlucky layouts of seven sessions (an A/A of alloc-free 64 B at 32K): Tukey's
        // fence past the quartiles kept both, the upper quartile lying between them.
        let layouts = [0.137, 0.003, -0.013, 0.007, 0.120, -0.010, 0.003]
        #expect(PairedRatio.farOutSessions(layouts) == [0, 4])
        // A wide but unimodal spread has a wide scale: nothing is far.
        #expect(PairedRatio.farOutSessions([0.06, -0.05, 0.02, -0.07, 0.04, 0.0, -0.03]).isEmpty)
        #expect(PairedRatio.farOutSessions(Array(calm.prefix(4)) + [log(0.22)]).isEmpty, "fewer than 6 sessions")
        #expect(PairedRatio.farOutSessions(calm + [1, 1, 1]).isEmpty, "a third or more is not an outlier")
        #expect(PairedRatio.sessionLog([(1, 2), (1, 2)]) == log(2))
        #expect(PairedRatio.sessionLog([(1, 2), (1, 4)], baseFirst: [true, false]) == (log(2) + log(4)) / 2)
    }
}
