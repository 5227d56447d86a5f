/// Whether a measurement is too uncertain to trust, as facts: BenchReport's `UnstableAdvice`
/// is the one writer of what to do about it.
public struct Instability: Sendable, Equatable {
    public static var thresholdPercent: Double { Stability.intervalThresholdPercent }

    /// The interval's relative half-width in percent, nil without an estimate.
    public let intervalPercent: Double?
    /// Fewer undisturbed samples than the estimate needs (`RobustEstimate.minimumUndisturbed`).
    public let tooFewUndisturbed: Bool
    public let isUnstable: Bool

    public init(estimate: RobustEstimate?, undisturbed: Int) {
        intervalPercent = estimate.map { $0.relativeHalfWidth * 100 }
        tooFewUndisturbed = undisturbed < RobustEstimate.minimumUndisturbed
        guard let width = intervalPercent else {
            isUnstable = true
            return
        }
        isUnstable = !(width <= Self.thresholdPercent) || tooFewUndisturbed
    }
}
