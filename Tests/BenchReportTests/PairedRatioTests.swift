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
