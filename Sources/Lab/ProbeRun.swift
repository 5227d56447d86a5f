import BenchReport
import Foundation
import Measure

/// `fragbench probe`: the contention probe (`ContentionProbe`) run for a while, its summary
/// said in a few lines and, if asked, every window written as CSV.
package enum ProbeRun {
    package static let csvColumns = ["start_ns", "memory_ns_per_step", "arithmetic_ns_per_step", "slow"]

    /// Refuses a CSV path that already holds a file (results on disk are never clobbered) or
    /// whose directory does not exist, before anything is measured.
    package static func preflight(csv: String?) throws {
        guard let csv else { return }
        if FileManager.default.fileExists(atPath: csv) {
            throw ValidationFailure("--csv \(csv): a file is already there; FragBench does not overwrite results (pick another name)")
        }
        var isDirectory: ObjCBool = false
        let directory = (csv as NSString).deletingLastPathComponent
        guard directory.isEmpty || (FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue) else {
            throw ValidationFailure("--csv \(csv): no directory \(directory)")
        }
    }

    package static func csv(_ windows: [ContentionProbe.Window], baseline: Double, tolerance: Double = 0.10) -> String {
        CSV.document(columns: csvColumns, rows: windows.map { w in
            [String(w.startNs), formatFixed(w.memoryNsPerStep, digits: 4), formatFixed(w.arithmeticNsPerStep, digits: 4),
             NoiseCanary.isDisturbed(w.memoryNsPerStep, baseline: baseline, tolerance: tolerance) ? "1" : "0"]
        })
    }

    /// The summary in the words the run's canary uses, so the two shares can be set side by side.
    package static func text(_ s: ContentionProbe.Summary, cpu: Int?) -> String {
        var lines = ["probe: \(s.windows) windows\(cpu.map { " on CPU \($0)" } ?? ""); memory loop baseline (p5) \(formatFixed(s.memoryBaseline, digits: 3)) ns/step"]
        var slow = "probe: memory loop slow (more than 10% above its baseline) in \(formatFixed(s.slowShare * 100, digits: 1))% of windows"
        if let factor = s.slowFactor { slow += ", by \(formatFixed((factor - 1) * 100, digits: 0))% (median)" }
        if s.slowStretches > 0, let median = s.medianStretchNs, let longest = s.longestStretchNs {
            slow += "; \(s.slowStretches) slow stretches, median \(formatFixed(median / 1e6, digits: 0)) ms, longest \(formatFixed(longest / 1e6, digits: 0)) ms"
        }
        lines.append(slow)
        lines.append("probe: arithmetic control median \(formatFixed(s.arithmeticMedian, digits: 3)) ns/step, \(formatFixed(s.arithmeticFlatShare * 100, digits: 1))% of windows within 1% of it" +
                     (s.arithmeticFlatShare < 0.9 ? " (not flat: the vCPU itself was slowed or preempted, not only the memory system)" : " (flat: what slowed was the memory system)"))
        return lines.joined(separator: "\n") + "\n"
    }

    package static func run(seconds: Double, windowMs: Double, cpu: Int?, csv: String?) throws {
        try preflight(csv: csv)
        if let cpu, case .failure(let error) = CPUAffinity.pin(to: cpu) {
            throw ValidationFailure("--cpu \(cpu): cannot pin: \(error)")
        }
        InterruptFlag.install()
        let windows = ContentionProbe.run(durationNs: UInt64(seconds * 1e9), windowNs: UInt64(windowMs * 1e6),
                                          stop: { InterruptFlag.isRaised })
        guard let summary = ContentionProbe.summarize(windows) else {
            throw ValidationFailure("probe: too few windows (\(windows.count)) to say anything; run longer")
        }
        StandardStreams.out(text(summary, cpu: cpu))
        if let csv {
            try AtomicFile.write(Self.csv(windows, baseline: summary.memoryBaseline), to: csv)
            StandardStreams.err("probe: \(windows.count) windows written to \(csv)\n")
        }
        if InterruptFlag.isRaised { throw ExitStatus(130) }
    }
}
