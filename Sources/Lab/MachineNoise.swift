import Foundation
import BenchReport
import Measure

/// The run-level noise figure: how many samples the canary (or the outlier fence) marked as
/// disturbed, for the provenance and the warnings.
package enum MachineNoise {
    /// Warn when at least this share of samples was disturbed.
    package static let warnShare = 0.05

    package static func summary(points: [BenchPoint], canary: NoiseCanary) -> (text: String, share: Double)? {
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

/// The machine's quiet speed as earlier runs saw it: the lowest canary baseline among the
/// stored runs on the same CPU model. A whole run on a slowed machine (a busy neighbour for
/// its whole duration) looks clean from inside; against this reference it does not.
package enum CanaryReference {
    /// A slower canary than this fraction above the reference marks the run's machine as slow.
    package static let tolerance = 0.10

    package struct Reference: Equatable {
        package var baseline: Double
        package var runs: Int
    }

    /// Reads `root/runs/*/run.json` (newest 200 by name) for the same CPU model.
    package static func load(root: String, cpuModel: String?) -> Reference? {
        let runs = root + "/runs"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: runs) else { return nil }
        var baselines: [Double] = []
        for name in names.filter({ !$0.hasPrefix(".") }).sorted().suffix(200) {
            let path = "\(runs)/\(name)/run.json"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                  let run = try? JSONReport.parse(text, path: path),
                  run.provenance.cpuModel == cpuModel, let b = run.provenance.canaryBaselineNs, b > 0, b.isFinite
            else { continue }
            baselines.append(b)
        }
        guard let best = baselines.min() else { return nil }
        return Reference(baseline: best, runs: baselines.count)
    }

    /// When this run's canary was slower than the reference: the factor (> 1), else nil.
    package static func slowdown(baseline: Double?, reference: Reference?) -> Double? {
        guard let baseline, let reference, reference.baseline > 0 else { return nil }
        let factor = baseline / reference.baseline
        return factor > 1 + tolerance ? factor : nil
    }

    /// Against the stored runs under `root` (none when `root` is nil: a run that saves
    /// nothing has no store): the points widened and the warning to give, or the points as
    /// they are and nil when the machine was not slower than usual.
    package static func check(_ points: [BenchPoint], baseline: Double?, root: String?, cpuModel: String?) -> (points: [BenchPoint], warning: String?) {
        let reference = root.flatMap { load(root: $0, cpuModel: cpuModel) }
        guard let factor = slowdown(baseline: baseline, reference: reference), let reference else { return (points, nil) }
        let warning = "Machine slower than usual: the canary ran \(formatFixed((factor - 1) * 100, digits: 0))% slower than in the quietest of \(reference.runs) earlier run(s) on this CPU model (\(formatFixed(baseline ?? 0, digits: 2)) vs \(formatFixed(reference.baseline, digits: 2)) ns/step): estimates may be that much high; intervals widened accordingly."
        return (widen(points, slowdown: factor), warning)
    }

    /// Extends each point's interval down to what a quiet machine would measure (the estimate
    /// divided by the slowdown) and flags it: a run on a slowed machine must not claim the
    /// precision its samples alone suggest.
    package static func widen(_ points: [BenchPoint], slowdown factor: Double) -> [BenchPoint] {
        points.map { p in
            var p = p
            guard let v = p.nsPerOp, v > 0 else { return p }
            p.nsPerOpLow = min(p.nsPerOpLow ?? v, v / factor)
            let width = (v - (p.nsPerOpLow ?? v)) / v * 100
            if width > Instability.thresholdPercent {
                p.unstable = true
                let why = "machine \(formatFixed((factor - 1) * 100, digits: 0))% slower than the quietest earlier run on this CPU (canary): interval widened to what a quiet machine would measure; rerun when the machine is quiet"
                p.hint = p.hint.map { $0 + "; " + why } ?? why
            }
            return p
        }
    }
}
