/// Which samples a machine disturbance touched. Noise on a quiet benchmark is additive (a
/// burst, a preemption only adds time), so a disturbed sample is dropped from the estimate,
/// not averaged in, and the count is reported.
public enum SampleClass: String, Sendable, Equatable, Codable {
    case undisturbed
    /// The canary before or after the sample ran slow: the machine was disturbed then.
    case canary
    /// Far above the rest (beyond Tukey's far-out fence on the canary-clean samples): a
    /// preemption or an interrupt storm inside the sample.
    case outlier
}

public enum SampleClassification {
    /// Classifies `samples` (ns/op) given the canary reading before each sample and the one
    /// after the last (`canary.count == samples.count + 1`, or empty when there is no canary).
    /// A sample is `.canary` when either neighbouring reading is disturbed against `baseline`;
    /// then `.outlier` when it lies beyond Q3 + 3 IQR of the canary-clean samples (IQR at least 2%
    /// of Q1).
    public static func classify(samples: [Double], canary: [Double], baseline: Double?,
                                tolerance: Double) -> [SampleClass] {
        var classes = [SampleClass](repeating: .undisturbed, count: samples.count)
        if canary.count == samples.count + 1 {
            for i in samples.indices {
                let before = NoiseCanary.isDisturbed(canary[i], baseline: baseline, tolerance: tolerance)
                let after = NoiseCanary.isDisturbed(canary[i + 1], baseline: baseline, tolerance: tolerance)
                if before || after { classes[i] = .canary }
            }
        }
        let clean = samples.indices.filter { classes[$0] == .undisturbed }.map { samples[$0] }
        if clean.count >= 4, let q1 = Statistics.percentile(clean, 25), let q3 = Statistics.percentile(clean, 75) {
            // The IQR of a quiet point can be a fraction of a percent; the floor (2% of Q1) keeps
            // a sample 1% above the rest from being called a disturbance.
            let fence = q3 + 3 * max(q3 - q1, 0.02 * q1)
            for i in samples.indices where classes[i] == .undisturbed && samples[i] > fence {
                classes[i] = .outlier
            }
        }
        return classes
    }
}
