import Testing
@testable import Measure

@Suite struct InstabilityTests {
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
}
