import Testing
@testable import Measure

@Suite struct AtomicCalibrationTests {
    /// A figure, not a bound: any positive, finite per-operation time, and the method named.
    @Test func measuresSomethingAndSaysHow() throws {
        let result = try #require(AtomicCalibration.measure(batches: 3, iterations: 100_000))
        #expect(result.nanoseconds > 0 && result.nanoseconds.isFinite)
        #expect(result.method.contains("median of 3 batches of 100000"))
    }
}
