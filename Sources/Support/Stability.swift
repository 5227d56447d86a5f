/// When a point's estimate is too uncertain to trust: a 95% interval wider than ±3% of the
/// estimate (the changes argued about on the lists are a few percent). The one definition:
/// Measure flags points by it and BenchReport's advice quotes it.
public enum Stability {
    public static let intervalThresholdPercent = 3.0
    /// Fewer undisturbed samples than this and an estimate falls back to all samples, and the
    /// point is unstable however narrow its interval.
    public static let minimumUndisturbed = 5
    /// Two cross-CPU round trips more than this factor apart belong to different placements of
    /// the two CPUs (Measure's `CPUPlacement` groups samples by it, report.md its estimates):
    /// within a placement neighbouring readings lie within a few percent, and the placements
    /// seen are about 60, 100 and 440 ns.
    public static let placementGapFactor = 1.15
}
