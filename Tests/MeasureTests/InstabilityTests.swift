import Testing
@testable import Measure

/// Instability is facts (the interval's width, too few undisturbed samples); the advice is
/// BenchReport's (UnstableAdviceTests).
@Suite struct InstabilityTests {
    @Test func instabilityFollowsTheIntervalAndTheCleanSampleCount() throws {
        let tight = RobustEstimate(value: 10, lower: 9.9, upper: 10.2, description: "p10", used: 30)
        let stable = Instability(estimate: tight, undisturbed: 30)
        #expect(!stable.isUnstable && !stable.tooFewUndisturbed)
        #expect(abs(stable.intervalPercent! - 2) < 1e-9)

        let wide = RobustEstimate(value: 10, lower: 9.5, upper: 10.8, description: "p10", used: 30)
        let unstable = Instability(estimate: wide, undisturbed: 30)
        #expect(unstable.isUnstable)
        #expect(abs(unstable.intervalPercent! - 8) < 1e-9)

        // A tight interval from too few undisturbed samples is still unstable, and says why.
        let few = Instability(estimate: tight, undisturbed: 3)
        #expect(few.isUnstable && few.tooFewUndisturbed)

        let unknown = Instability(estimate: nil, undisturbed: 0)
        #expect(unknown.isUnstable && unknown.intervalPercent == nil)
        #expect(Stability.intervalThresholdPercent == 3)
    }
}
