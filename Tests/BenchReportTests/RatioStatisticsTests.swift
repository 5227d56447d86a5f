import Foundation
import Testing
@testable import BenchReport

@Suite struct RatioStatisticsTests {
    @Test func identicalSeriesGiveRatioOneWithNoSpread() throws {
        let e = try #require(RatioEstimate.paired(a: [10, 11, 12], b: [10, 11, 12]))
        #expect(e.ratio == 1)
        #expect(e.lower == 1 && e.upper == 1)
        #expect(!e.isResolved)
        #expect(Verdict.judge(e, threshold: 0.02) == .noDifference)
    }

    @Test func knownValues() throws {
        // log ratios ln(0.5) and ln(2): mean 0, sd ln(2)*sqrt(2), t(1) = 12.706.
        let e = try #require(RatioEstimate.paired(a: [2, 1], b: [1, 2]))
        #expect(abs(e.ratio - 1) < 1e-12)
        let half = 12.706 * (2 * log(2) * log(2) / 2).squareRoot()
        #expect(abs(e.upper - exp(half)) < 1e-9)
        #expect(abs(e.lower - exp(-half)) < 1e-9)
        // A constant 10% slowdown is resolved exactly.
        let slow = try #require(RatioEstimate.paired(a: [10, 20, 30, 40], b: [11, 22, 33, 44]))
        #expect(abs(slow.ratio - 1.1) < 1e-12)
        #expect(Verdict.judge(slow, threshold: 0.02) == .slower)
        #expect(Verdict.judge(RatioEstimate.paired(a: [11, 22, 33], b: [10, 20, 30]), threshold: 0.02) == .faster)
    }

    @Test func smallResolvedChangesBelowTheThresholdAreNoDifference() throws {
        let e = try #require(RatioEstimate.paired(a: [100, 100, 100, 100], b: [101, 101.01, 100.99, 101]))
        #expect(e.isResolved)
        #expect(Verdict.judge(e, threshold: 0.02) == .noDifference)
        #expect(Verdict.judge(e, threshold: 0.005) == .slower)
    }

    @Test func tooFewRoundsGiveNoEstimate() {
        #expect(RatioEstimate.paired(a: [1], b: [2]) == nil)
        #expect(RatioEstimate.paired(a: [1, 0], b: [2, 3]) == nil)
        #expect(Verdict.judge(nil, threshold: 0.02) == .noDifference)
    }

    @Test func studentTTable() {
        #expect(StudentT.critical(degreesOfFreedom: 1) == 12.706)
        #expect(StudentT.critical(degreesOfFreedom: 10) == 2.228)
        #expect(StudentT.critical(degreesOfFreedom: 100) == 1.960)
        #expect(StudentT.critical(degreesOfFreedom: 4, confidence: 0.99) == 4.604)
    }
}

@Suite struct WelchAndLevelTests {
    @Test func welchKnownValues() throws {
        // logs a: 0, 0.2 (mean 0.1, var 0.02); logs b: 0.1, 0.3 (mean 0.2, var 0.02).
        // se = sqrt(0.01 + 0.01); Welch df = 0.02^2 / (0.01^2 + 0.01^2) = 2: t = 4.303.
        let e = try #require(RatioEstimate.welch(a: [exp(0), exp(0.2)], b: [exp(0.1), exp(0.3)]))
        #expect(abs(e.ratio - exp(0.1)) < 1e-12)
        let half = 4.303 * 0.02.squareRoot()
        #expect(abs(e.lower - exp(0.1 - half)) < 1e-9)
        #expect(abs(e.upper - exp(0.1 + half)) < 1e-9)
        #expect(e.method == "welch")
        #expect(!e.isResolved)
    }

    @Test func welchOfIdenticalSetsIsRatioOne() throws {
        let e = try #require(RatioEstimate.welch(a: [10, 11, 12], b: [10, 11, 12]))
        #expect(abs(e.ratio - 1) < 1e-12)
        #expect(!e.isResolved)
        #expect(RatioEstimate.welch(a: [1], b: [1, 2]) == nil)
    }

    @Test func exactAndLevel() throws {
        let e = try #require(RatioEstimate.exact(a: 40, b: 42))
        #expect(e.ratio == 1.05 && e.lower == 1.05 && e.upper == 1.05)
        #expect(Verdict.judge(e, threshold: 0.02) == .slower)
        #expect(Verdict.judge(e, threshold: 0.06) == .noDifference)
        // logs 0 and ln 4: geometric mean 2; sd ln4/sqrt2, n 2, t(1) = 12.706.
        let level = try #require(RatioEstimate.level([1, 4]))
        #expect(abs(level.mean - 2) < 1e-12)
        let half = 12.706 * (log(4.0) / 2.0.squareRoot()) / 2.0.squareRoot()
        #expect(abs(level.upper - 2 * exp(half)) < 1e-9)
    }

    @Test func aCentreBeyondTheThresholdIsNotEnoughOnItsOwn() throws {
        // About 1.034 [1.005, 1.064]: resolved, centre above 2%, but the interval reaches below 2%
        // (the kind of difference two builds of one commit show through code placement).
        let e = try #require(RatioEstimate.paired(a: [100, 100, 100], b: [102.2, 104.6, 103.4]))
        #expect(e.isResolved && e.ratio > 1.02 && e.lower < 1.02)
        #expect(Verdict.judge(e, threshold: 0.02) == .noDifference)
        #expect(Verdict.judge(e, threshold: 0.001) == .slower)
    }
}
