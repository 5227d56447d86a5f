import BenchReport
import Foundation

/// `fragbench compare --build BASE [HEAD]` (what `make compare` runs): builds each side once per
/// commit into the commit-keyed cache, pairs their samples in time, counts their instructions
/// exactly, and writes one compare.md with both into `results/compare/<base>-vs-<head>/`.
/// Exit status: 0 without regressions, 2 with, 1 when something failed or nothing was
/// compared, 130 when interrupted (nothing half-written is left in results/).
package enum BuildCompare {
    /// Ctrl-C between or during the steps: the steps stop (`run` turns it into status 130),
    /// and the staged files are dropped with the scratch directory.
    static func stopIfInterrupted() throws(ValidationFailure) {
        if InterruptFlag.isRaised { throw ValidationFailure("interrupted") }
    }

    /// What the comparison will do, said before anything is built (`--dry-run` stops here).
    package static func plan(_ settings: BuildCompareSettings) -> [String] {
        let time = "time: fragbench pair \(settings.timedSweep.joined(separator: " ")), THRESHOLD \(BuildCompareSettings.shortest(settings.threshold))%, \(BuildCompareSettings.shortest(settings.budget)) s"
        let gate = "exact gate: one callgrind run per build, \(settings.gateSweep.joined(separator: " ")), GATE_THRESHOLD \(BuildCompareSettings.shortest(settings.gateThreshold))%"
        switch settings.counters {
        case .both: return [time, gate]
        case .callgrind: return [gate]
        default: return [time + " (counters \(settings.counters.rawValue))"]
        }
    }

    package static func run(_ settings: BuildCompareSettings, dryRun: Bool) throws(ExitStatus) {
        StandardStreams.err(settings.summary + "\n")
        for step in plan(settings) { StandardStreams.err("compare: plan: \(step)\n") }
        if dryRun { return }
        InterruptFlag.install()
        do {
            let status = try compare(settings)
            if status != 0 { throw ExitStatus(status) }
        } catch let failure as ValidationFailure {
            if InterruptFlag.isRaised {
                StandardStreams.err("compare: interrupted: nothing was written to results/\n")
                throw ExitStatus(130)
            }
            StandardStreams.err("compare: \(failure.description)\n")
            throw ExitStatus(1)
        } catch let status as ExitStatus {
            throw status
        } catch {
            StandardStreams.err("compare: \(error)\n")
            throw ExitStatus(1)
        }
    }

    /// The comparison's exit status; a ValidationFailure is a failure already described.
    static func compare(_ settings: BuildCompareSettings) throws -> Int32 {
        guard let revisions = try BuildRevisions.here() else { throw ValidationFailure("not inside a git repository") }
        let area = revisions.root + "/.build-compare"
        try FileManager.default.createDirectory(atPath: area, withIntermediateDirectories: true)
        var template = Array("\(area)/run.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ValidationFailure("cannot create a directory in \(area)") }
        let work = String(cString: made)
        defer {
            try? FileManager.default.removeItem(atPath: work)
            revisions.pruneWorktrees()
        }
        let cache = BuildCache(root: area + "/bin", toolchain: try BuildCache.toolchainKey(swift: settings.swift))
        let builder = BuildCompareBuilder(area: area, swift: settings.swift, revisions: revisions, cache: cache, work: work)
        let sides = try BuildCompareSides.resolve(settings, revisions: revisions, builder: builder)
        try stopIfInterrupted()

        let output = BuildCompareOutput(destination: "\(revisions.root)/results/compare/\(sides.baseName)-vs-\(sides.headName)",
                                        staging: work + "/compare")
        try output.prepare()
        let steps = BuildCompareSteps(settings: settings, sides: sides, work: work)
        let started = Date()
        let status = try measure(settings, steps: steps, into: output.staging)
        StandardStreams.err("compare: compared in \(Int(Date().timeIntervalSince(started))) s after the builds\n")
        let markdown = output.destination + "/compare.md"
        if FileManager.default.fileExists(atPath: output.staging + "/compare.md") {
            try output.publish()
            if let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
                appendStepSummary(markdown, to: summary)
            }
        } else {
            output.discard()
        }
        switch status {
        case 0: StandardStreams.err("compare: no regression (\(markdown))\n")
        case 2: StandardStreams.err("compare: REGRESSION (\(markdown))\n")
        default: StandardStreams.err("compare: the comparison failed (status \(status))\n")
        }
        return status
    }

    /// CI's job summary gets compare.md (created if the runner has not yet).
    static func appendStepSummary(_ markdown: String, to summary: String) {
        guard let text = try? String(contentsOfFile: markdown, encoding: .utf8) else { return }
        if !FileManager.default.fileExists(atPath: summary) { _ = FileManager.default.createFile(atPath: summary, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: summary) else { return }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try? handle.close()
    }

    /// Runs the steps COUNTERS asks for into `directory` and writes its compare.md.
    static func measure(_ settings: BuildCompareSettings, steps: BuildCompareSteps, into directory: String) throws -> Int32 {
        func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
        func note(gateRan: Bool) -> String {
            BuildCompareCoverage.note(preset: settings.preset, filter: settings.filter.filter,
                                      timed: steps.coverage(settings.timedSweep), gated: steps.coverage(settings.gateSweep),
                                      gateRan: gateRan)
        }
        switch settings.counters {
        case .callgrind:
            return try steps.gate(into: directory)
        case .both:
            // Time, then instructions, each in its own directory; compare.md holds both tables.
            let time = directory + "/time", gate = directory + "/instructions"
            try FileManager.default.createDirectory(atPath: time, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: gate, withIntermediateDirectories: true)
            let timeStatus = try steps.time(into: time, counters: "auto")
            let gateStatus = try steps.gate(into: gate)
            let merged = BuildCompareReport.merged(
                time: .init(markdown: read(time + "/compare.md"), status: timeStatus), note: note(gateRan: true),
                gate: .init(markdown: read(gate + "/compare.md"), status: gateStatus))
            try AtomicFile.write(merged, to: directory + "/compare.md")
            return BuildCompareReport.status(time: timeStatus, gate: gateStatus)
        default:
            let status = try steps.time(into: directory, counters: settings.counters.rawValue)
            if let table = read(directory + "/compare.md") {
                try AtomicFile.write(table + note(gateRan: false), to: directory + "/compare.md")
            }
            return status
        }
    }
}
