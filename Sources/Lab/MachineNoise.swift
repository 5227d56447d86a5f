import Foundation
import Support
import BenchReport
import Measure

/// The run-level noise figure: how many samples the canary (or the outlier fence) marked as
/// disturbed, for the provenance and the warnings.
package enum MachineNoise {
    /// Warn when at least this share of samples was disturbed.
    package static let warnShare = 0.05
    /// How the run's noise warning begins (a merged run replaces its visits' lines by one).
    package static let warningPrefix = MarkdownReport.machineNoisePrefix

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

/// The machine's quiet speed as earlier runs saw it: the lowest canary baseline of the release
/// runs on this machine's CPU model. A whole run on a slowed machine (a busy neighbour for its
/// whole duration) looks clean from inside; against this reference it does not.
///
/// The reference belongs to the machine, not to a results directory, so a run with a fresh
/// `--output` keeps it: it lives in `$FRAGBENCH_MACHINE_DIR` (default
/// `$XDG_CACHE_HOME/fragbench`, else `~/.cache/fragbench`) as canary-reference.json, one entry
/// per CPU model, written whole (rename). Debug builds neither read nor write it: their canary
/// is not the release build's.
package enum CanaryReference {
    /// A slower canary than this fraction above the reference marks the run's machine as slow.
    package static let tolerance = 0.10

    package struct Reference: Codable, Equatable {
        package var baseline: Double
        package var runs: Int
    }

    /// The file's contents: CPU model → reference.
    package typealias Table = [String: Reference]

    package static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let dir = environment["FRAGBENCH_MACHINE_DIR"], !dir.isEmpty { return dir }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty { return cache + "/fragbench" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/fragbench" }
        return nil
    }

    package static func file(in directory: String) -> String { directory + "/canary-reference.json" }

    /// The table in `directory`; empty when there is none or it is damaged (a damaged file is
    /// replaced by the next run's write, never trusted).
    package static func table(in directory: String) -> Table {
        guard let data = FileManager.default.contents(atPath: file(in: directory)),
              let table = try? JSONDecoder().decode(Table.self, from: data) else { return [:] }
        return table.filter { $0.value.baseline > 0 && $0.value.baseline.isFinite && $0.value.runs > 0 }
    }

    /// The reference for `cpuModel` in `directory`, nil when no earlier run recorded one.
    package static func load(directory: String, cpuModel: String?) -> Reference? {
        table(in: directory)[cpuModel ?? "unknown CPU"]
    }

    /// Adds this run's baseline to the machine's reference (the lower of the two; one more
    /// run). Returns why it could not, or nil.
    @discardableResult
    package static func record(baseline: Double, cpuModel: String?, directory: String) -> String? {
        guard baseline > 0, baseline.isFinite else { return "no canary baseline" }
        var table = table(in: directory)
        let key = cpuModel ?? "unknown CPU"
        let old = table[key]
        table[key] = Reference(baseline: min(old?.baseline ?? baseline, baseline), runs: (old?.runs ?? 0) + 1)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(String(decoding: try encoder.encode(table), as: UTF8.self), to: file(in: directory))
            return nil
        } catch {
            return ResultStoreError.describe(error)
        }
    }

    /// When this run's canary was slower than the reference: the factor (> 1), else nil.
    package static func slowdown(baseline: Double?, reference: Reference?) -> Double? {
        guard let baseline, let reference, reference.baseline > 0 else { return nil }
        let factor = baseline / reference.baseline
        return factor > 1 + tolerance ? factor : nil
    }

    /// Against the machine's reference (none for a debug build, or when there is no
    /// directory for it): the points widened and the warning to give, or the points as they
    /// are and nil when the machine was not slower than usual. A release run's baseline is then
    /// added to the reference.
    package static func check(_ points: [BenchPoint], baseline: Double?, cpuModel: String?,
                              directory: String? = Measure.isDebugBuild ? nil : CanaryReference.directory())
        -> (points: [BenchPoint], warning: String?) {
        guard let directory else { return (points, nil) }
        let reference = load(directory: directory, cpuModel: cpuModel)
        if let baseline { record(baseline: baseline, cpuModel: cpuModel, directory: directory) }
        guard let factor = slowdown(baseline: baseline, reference: reference), let reference else { return (points, nil) }
        let warning = "Machine slower than usual: the canary ran \(formatFixed((factor - 1) * 100, digits: 0))% slower than in the quietest of \(reference.runs) earlier run(s) on this CPU model (\(formatFixed(baseline ?? 0, digits: 2)) vs \(formatFixed(reference.baseline, digits: 2)) ns/step, \(file(in: directory))): estimates may be that much high; intervals widened accordingly."
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
            if width > Stability.intervalThresholdPercent {
                p.unstable = true
                let why = "machine \(formatFixed((factor - 1) * 100, digits: 0))% slower than the quietest earlier run on this CPU (canary): interval widened to what a quiet machine would measure; rerun when the machine is quiet"
                p.hint = p.hint.map { $0 + "; " + why } ?? why
            }
            return p
        }
    }
}
