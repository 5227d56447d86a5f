import Testing
@testable import Measure

@Suite struct StatisticsTests {
    @Test func medianOddAndEven() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([]) == nil)
    }

    @Test func minimumMaximumMean() {
        #expect(Statistics.minimum([5, 2, 9]) == 2)
        #expect(Statistics.maximum([5, 2, 9]) == 9)
        #expect(Statistics.mean([1, 2, 3, 4]) == 2.5)
        #expect(Statistics.mean([]) == nil)
    }

    @Test func percentileInterpolatesLikeNumPy() {
        let xs: [Double] = [10, 20, 30, 40, 50]
        #expect(Statistics.percentile(xs, 0) == 10)
        #expect(Statistics.percentile(xs, 100) == 50)
        #expect(Statistics.percentile(xs, 50) == 30)
        // rank = 0.9 * 4 = 3.6 -> 40 + 0.6 * 10
        #expect(abs(Statistics.percentile(xs, 90)! - 46) < 1e-9)
        #expect(Statistics.percentile(xs, 101) == nil)
    }

    @Test func errPercentIsMedianAbsolutePercentError() {
        // median 100; deviations 0,2,2,5,10 % -> median 2 %
        let xs: [Double] = [100, 98, 102, 105, 90]
        #expect(abs(Statistics.medianAbsolutePercentError(xs)! - 2) < 1e-9)
        #expect(Statistics.medianAbsolutePercentError([7, 7, 7]) == 0)
        #expect(Statistics.medianAbsolutePercentError([0, 0]) == nil)
    }

    @Test func instabilityFollowsTheIntervalAndTheCleanSampleCount() throws {
        let tight = RobustEstimate(value: 10, lower: 9.9, upper: 10.2, description: "p10", used: 30)
        let stable = Instability(estimate: tight, undisturbed: 30, sampleCount: 41, sampleNanoseconds: 1_000_000, cpuPinned: true)
        #expect(!stable.isUnstable)
        #expect(stable.hint == nil)
        #expect(abs(stable.intervalPercent! - 2) < 1e-9)

        let wide = RobustEstimate(value: 10, lower: 9.5, upper: 10.8, description: "p10", used: 30)
        let unstable = Instability(estimate: wide, undisturbed: 30, sampleCount: 41, sampleNanoseconds: 1_000_000, cpuPinned: false)
        #expect(unstable.isUnstable)
        let hint = try #require(unstable.hint)
        #expect(hint.hasPrefix("interval ±8.0% > ±3%"))
        #expect(hint.contains("--cpu"))
        #expect(hint.contains("--min-sample-ms 2.0"))
        #expect(hint.contains("--samples 82"))
        #expect(!hint.contains("callgrind"))

        // A tight interval from too few undisturbed samples is still unstable, and says why.
        let few = Instability(estimate: tight, undisturbed: 3, sampleCount: 41, sampleNanoseconds: 200_000, cpuPinned: true)
        #expect(few.isUnstable)
        #expect(few.hint!.contains("only 3 of 41 samples undisturbed"))
        #expect(few.hint!.contains("stop other load"))

        let unknown = Instability(estimate: nil, undisturbed: 0, sampleCount: 1, sampleNanoseconds: 1, cpuPinned: true)
        #expect(unknown.isUnstable)
        #expect(unknown.hint != nil)
    }

    @Test func fixedFormatting() {
        #expect(formatFixed(3.14159, digits: 2) == "3.14")
        #expect(formatFixed(-0.5, digits: 1) == "-0.5")
        #expect(formatFixed(2.999, digits: 2) == "3.00")
        #expect(formatFixed(42, digits: 0) == "42")
        #expect(formatFixed(0.05, digits: 3) == "0.050")
        #expect(formatFixed(-0.0001, digits: 2) == "0.00")
    }
}
