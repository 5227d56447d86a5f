import BenchReport
import Measure

/// The run-level noise figure: how many samples the canary (or the outlier fence) marked as
/// disturbed, for the provenance and the warnings.
enum MachineNoise {
    /// Warn when at least this share of samples was disturbed.
    static let warnShare = 0.05

    static func summary(points: [BenchPoint], canary: NoiseCanary) -> (text: String, share: Double)? {
        let total = points.reduce(0) { $0 + $1.samples }
        guard total > 0 else { return nil }
        let disturbed = points.reduce(0) { $0 + ($1.disturbedSamples ?? 0) }
        let share = Double(disturbed) / Double(total)
        var text = "\(formatFixed(share * 100, digits: 0))% of samples disturbed (\(disturbed) of \(total))"
        if let b = canary.baseline {
            text += "; canary baseline \(formatFixed(b, digits: 2)) ns/step over \(canary.readings.count) readings, tolerance \(formatFixed(canary.tolerance * 100, digits: 0))%"
        }
        if let s = canary.disturbedShare { text += ", \(formatFixed(s * 100, digits: 0))% of canary readings slow" }
        return (text, share)
    }
}
