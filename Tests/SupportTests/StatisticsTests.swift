import Testing
import Support

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

    @Test func fixedFormatting() {
        #expect(formatFixed(3.14159, digits: 2) == "3.14")
        #expect(formatFixed(-0.5, digits: 1) == "-0.5")
        #expect(formatFixed(2.999, digits: 2) == "3.00")
        #expect(formatFixed(42, digits: 0) == "42")
        #expect(formatFixed(0.05, digits: 3) == "0.050")
        #expect(formatFixed(-0.0001, digits: 2) == "0.00")
        #expect(formatFixed(0.125, digits: 2) == "0.12")  // an exact half: to even, as printf
        #expect(formatFixed(1.2345, digits: 3) == "1.234")  // the double is below the half
        #expect(formatFixed(1234.5678, digits: 2) == "1234.57")
        #expect(formatFixed(.infinity, digits: 2) == "inf")
        #expect(!formatFixed(1e300, digits: 1).isEmpty)  // no trap beyond Int's range
    }

    /// Sorted indices cut where a value exceeds the one before it by more than the factor;
    /// missing and non-positive values belong to no group.
    @Test func gapGroupsCutAtWideGaps() {
        #expect(Statistics.gapGroups([100, 61, 440, .nan, 98, 0, 60], gapFactor: 1.15) == [[6, 1], [4, 0], [2]])
        #expect(Statistics.gapGroups([1, 1.1, 1.2, 1.3], gapFactor: 1.15) == [[0, 1, 2, 3]])
        #expect(Statistics.gapGroups([], gapFactor: 1.15).isEmpty)
        #expect(Statistics.gapGroups([.nan, -1], gapFactor: 1.15).isEmpty)
    }
}
