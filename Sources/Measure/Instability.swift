/// Whether a measurement is too uncertain to trust, as facts: BenchReport's `UnstableAdvice`
/// is the one writer of what to do about it.
public struct Instability: Sendable, Equatable {
    /// The interval's relative half-width in percent, nil without an estimate.
    public let intervalPercent: Double?
    /// Fewer undisturbed samples than the estimate needs (`Stability.minimumUndisturbed`).
    public let tooFewUndisturbed: Bool
    public let isUnstable: Bool

    public init(estimate: RobustEstimate?, undisturbed: Int) {
        intervalPercent = estimate.map { $0.relativeHalfWidth * 100 }
        tooFewUndisturbed = undisturbed < Stability.minimumUndisturbed
        guard let width = intervalPercent else {
            isUnstable = true
            return
        }
        isUnstable = !(width <= Stability.intervalThresholdPercent) || tooFewUndisturbed
    }
}
