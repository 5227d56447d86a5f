import ArgumentParser
import BenchReport
import Foundation

/// `fragbench compare BASE HEAD`: head against base, point by point, with a 95% interval
/// and a verdict; exit status 2 when a point regressed. With `--base-runs`/`--head-runs`, the
/// interleaved rounds `make compare` ran (base round i paired with head round i).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two stored runs (or interleaved rounds): ratio head/base with a 95% interval and a verdict per point.",
        discussion: """
            <base> and <head> are run directories (results/runs/<name>) or results directories (their latest run).
            A point is a regression only when the slowdown is resolved (its interval excludes 1) and larger than --threshold.
            Exit status: 0 without regressions, 2 with.
            """
    )

    @Argument(help: "The base run: a run directory or a results directory.")
    var base: String?
    @Argument(help: "The head run, compared against the base.")
    var head: String?
    @Option(name: .customLong("base-runs"), help: "Base rounds, comma-separated run directories (instead of <base> <head>).")
    var baseRuns: String?
    @Option(name: .customLong("head-runs"), help: "Head rounds, comma-separated, in the same order as --base-runs.")
    var headRuns: String?
    @Option(help: "Practical threshold in percent: smaller resolved changes are not called faster or slower.")
    var threshold = 2.0
    @Option(help: "time (ns/op) or instructions (callgrind ins/op, exact).")
    var metric = "time"
    @Option(name: .customLong("base-label"), help: "Name of the base in the output.")
    var baseLabel: String?
    @Option(name: .customLong("head-label"), help: "Name of the head in the output.")
    var headLabel: String?
    @Option(help: "Also write compare.md and compare.csv into this directory.")
    var output: String?

    func validate() throws {
        if baseRuns != nil || headRuns != nil {
            guard baseRuns != nil, headRuns != nil, base == nil, head == nil else {
                throw ValidationError("give both --base-runs and --head-runs, and no <base> <head>")
            }
        } else if base == nil || head == nil {
            throw ValidationError("give two runs: <base> and <head>")
        }
        guard threshold >= 0 else { throw ValidationError("--threshold must be at least 0") }
        guard Comparison.Metric(rawValue: metric) != nil else { throw ValidationError("--metric must be time or instructions") }
    }

    func run() throws {
        let basePaths = baseRuns.map { $0.split(separator: ",").map(String.init) } ?? [base ?? ""]
        let headPaths = headRuns.map { $0.split(separator: ",").map(String.init) } ?? [head ?? ""]
        guard basePaths.count == headPaths.count else {
            throw ValidationFailure("--base-runs has \(basePaths.count) runs, --head-runs \(headPaths.count): rounds pair one to one")
        }
        let base: [BenchRun], head: [BenchRun]
        do {
            base = try basePaths.map { try StoredRun.load($0).run }
            head = try headPaths.map { try StoredRun.load($0).run }
        } catch let error as ResultStoreError {
            throw ValidationFailure(error.description)
        }
        func label(_ run: BenchRun, _ path: String) -> String {
            run.provenance.gitCommit.map { String($0.prefix(12)) + (run.provenance.gitDirty == true ? "-dirty" : "") } ?? path
        }
        let comparison = Comparison.rounds(
            base: base, head: head, baseLabel: baseLabel ?? label(base[0], basePaths[0]),
            headLabel: headLabel ?? label(head[0], headPaths[0]), metric: Comparison.Metric(rawValue: metric)!,
            threshold: threshold / 100)
        let markdown = comparison.markdown()
        StandardStreams.out(markdown)
        if let output {
            try AtomicFile.write(markdown, to: output + "/compare.md")
            try AtomicFile.write(comparison.csv(), to: output + "/compare.csv")
            StandardStreams.err("compare: \(output)/compare.md, \(output)/compare.csv\n")
        }
        if comparison.hasRegression { throw ExitCode(2) }
    }
}
