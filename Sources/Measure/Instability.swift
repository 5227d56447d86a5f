/// Whether a measurement is too uncertain to trust, and what to do.
public struct Instability: Sendable, Equatable {
    /// A point whose 95% interval is wider than ±3% of its estimate is flagged: the changes
    /// argued about on the lists are a few percent.
    public static let thresholdPercent: Double = 3

    /// The interval's relative half-width in percent, nil without an estimate.
    public let intervalPercent: Double?
    public let isUnstable: Bool
    /// A concrete next step when unstable, nil otherwise.
    public let hint: String?

    public init(estimate: RobustEstimate?, undisturbed: Int, sampleCount: Int, sampleNanoseconds: UInt64,
                cpuPinned: Bool) {
        guard let estimate else {
            intervalPercent = nil
            isUnstable = true
            hint = "no estimate could be made (\(sampleCount) samples); take more samples (--samples)"
            return
        }
        let width = estimate.relativeHalfWidth * 100
        intervalPercent = width
        let tooFewClean = undisturbed < RobustEstimate.minimumUndisturbed
        isUnstable = !(width <= Instability.thresholdPercent) || tooFewClean
        guard isUnstable else {
            hint = nil
            return
        }
        var why: [String] = []
        if !(width <= Instability.thresholdPercent) {
            why.append("interval ±\(formatFixed(width, digits: 1))% > ±\(formatFixed(Instability.thresholdPercent, digits: 0))%")
        }
        if tooFewClean { why.append("only \(undisturbed) of \(sampleCount) samples undisturbed") }
        var steps: [String] = []
        if !cpuPinned { steps.append("pin to one CPU (--cpu N)") }
        let ms = Double(sampleNanoseconds) / 1e6
        steps.append("take more samples (--samples \(max(2 * sampleCount, 41)))")
        steps.append("or longer ones (--min-sample-ms \(formatFixed(max(2 * ms, 1), digits: 1)))")
        if tooFewClean || undisturbed * 2 < sampleCount { steps.append("stop other load on this machine") }
        hint = why.joined(separator: ", ") + ": " + steps.joined(separator: "; ")
    }
}
