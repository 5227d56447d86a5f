import BenchReport
import Foundation

/// The measuring half of `compare --build`: time (samples paired in time by `fragbench pair`,
/// whole-run rounds for a BASE without a worker) and the exact callgrind gate, each writing
/// compare.md, compare.csv and its other files into one directory.
struct BuildCompareSteps {
    let settings: BuildCompareSettings
    let sides: BuildCompareSides
    /// Scratch for the rounds' runs and logs.
    let work: String

    /// Samples paired in time; a BASE from before `fragbench worker` falls back to `rounds`
    /// whole runs per build, and says so.
    func time(into output: String, counters: String) throws(ValidationFailure) -> Int32 {
        let pair = ChildCommand(ThisBinary.path, [
            "pair", "--base", sides.baseBinary, "--head", sides.headBinary,
            "--threshold", BuildCompareSettings.shortest(settings.threshold),
            "--budget", BuildCompareSettings.shortest(settings.budget),
            "--base-label", sides.baseLabel, "--head-label", sides.headLabel, "--output", output, "--",
        ] + settings.timedSweep)
        let status = try pair.run(output: .inherit).status
        try BuildCompare.stopIfInterrupted()
        guard status == 3 else { return status }
        StandardStreams.err("compare: BASE has no 'fragbench worker' (it predates paired sampling): falling back to \(settings.rounds) whole-run rounds per build (coarser: bursts hit one side only)\n")
        return try rounds(.time, counters: counters, count: settings.rounds, threshold: settings.threshold,
                          sweep: settings.timedSweep, into: output)
    }

    /// Deterministic instruction counts: one run per build, only the callgrind children, every
    /// core busy, over the gate preset (a BASE that predates it gates on the time preset's points).
    func gate(into output: String) throws(ValidationFailure) -> Int32 {
        let jobs = max(1, ProcessInfo.processInfo.activeProcessorCount)
        StandardStreams.err("compare: callgrind instruction counts, one run per build, \(jobs) points at a time\n")
        let base = BuildCapabilities(binary: sides.baseBinary)
        var sweep = settings.gateSweep
        if !base.hasGatePreset {
            StandardStreams.err("compare: BASE has no gate preset: the gate counts the \(settings.preset) preset's points only\n")
            sweep = settings.timedSweep
        }
        var extra = ["--callgrind-only", "--jobs", String(jobs)]
        if !base.hasCallgrindOnly {
            StandardStreams.err("compare: BASE has no --callgrind-only: its run also times every point natively (slower)\n")
            extra = []
        }
        return try rounds(.instructions, counters: "callgrind", count: 1, threshold: settings.gateThreshold,
                          sweep: sweep + extra, into: output)
    }

    /// `count` whole runs per build, alternating which goes first, then head against base
    /// round by round with `threshold` percent.
    func rounds(_ metric: Comparison.Metric, counters: String, count: Int, threshold: Double, sweep: [String],
                into output: String) throws(ValidationFailure) -> Int32 {
        var runs: [String: [String]] = ["base": [], "head": []]
        for round in 1...max(1, count) {
            for side in round % 2 == 1 ? ["base", "head"] : ["head", "base"] {
                let binary = side == "base" ? sides.baseBinary : sides.headBinary
                let run = "\(work)/rounds-\(metric.rawValue)/\(side)-\(round)", log = "\(work)/\(metric.rawValue)-\(side)-\(round).log"
                StandardStreams.err("compare: round \(round)/\(count): \(side)\n")
                let status = try ChildCommand(binary, ["run"] + sweep + ["--counters", counters, "--output", run]).run(output: .log(log)).status
                try BuildCompare.stopIfInterrupted()
                guard status == 0 else {
                    ChildCommand.showTail(ofLog: log, lines: 20)
                    throw ValidationFailure("the \(side) run of round \(round) failed (log above)")
                }
                runs[side, default: []].append(run)
            }
        }
        let base: [BenchRun], head: [BenchRun]
        do {
            base = try runs["base", default: []].map { try StoredRun.load($0).run }
            head = try runs["head", default: []].map { try StoredRun.load($0).run }
        } catch {
            throw ValidationFailure("cannot read a round's run: \(error)")
        }
        let comparison = Comparison.rounds(base: base, head: head, baseLabel: sides.baseLabel, headLabel: sides.headLabel,
                                           metric: metric, threshold: threshold / 100)
        do {
            try ComparisonOutput.publish(comparison, output: output, command: "compare")
        } catch {
            throw ValidationFailure("cannot write \(output)/compare.md: \(error)")
        }
        return ComparisonOutput.status(comparison, command: "compare")
    }

    /// The coverage words of the points `fragbench list` names for a sweep (this binary lists).
    func coverage(_ sweep: [String]) -> [String] {
        let out = try? ChildCommand(ThisBinary.path, ["list"] + sweep).run(output: .capture)
        return BuildCompareCoverage.words(names: (out?.text ?? "").split(separator: "\n").map(String.init))
    }
}
