import Lab
import ArgumentParser
import BenchReport
import Foundation
import Measure

/// `fragbench compare BASE HEAD`: head against base, point by point, with a 95% interval
/// and a verdict; exit status 2 when a point regressed. With `--base-runs`/`--head-runs`,
/// interleaved rounds (base round i paired with head round i). With `--build`, BASE and HEAD
/// are git revisions: what `make compare` runs (`BuildCompare`).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two stored runs (or interleaved rounds, or two builds with --build): ratio head/base with a 95% interval and a verdict per point.",
        discussion: """
            <base> and <head> are run directories (results/runs/<name>) or results directories (their latest run).
            With --build they are git revisions (no <head>: this binary, the working tree's build): each commit is built once into \
            .build-compare/bin/, their samples are paired in time, callgrind counts their instructions exactly, and \
            results/compare/<base>-vs-<head>/compare.md holds both tables (what 'make compare' runs).
            A point is a regression only when the slowdown is resolved (its interval excludes 1) and larger than --threshold.
            Exit status: 0 without regressions, 2 with, 1 when a base point has no counterpart in the head (or no point is in common).
            """
    )

    @Argument(help: "The base run: a run directory or a results directory.")
    var base: String?
    @Argument(help: "The head run, compared against the base.")
    var head: String?
    @Option(name: .customLong("base-runs"), parsing: .unconditional, help: "Base rounds, comma-separated run directories (instead of <base> <head>).")
    var baseRuns: String?
    @Option(name: .customLong("head-runs"), parsing: .unconditional, help: "Head rounds, comma-separated, in the same order as --base-runs.")
    var headRuns: String?
    @Option(parsing: .unconditional, help: "Practical threshold in percent: smaller resolved changes are not called faster or slower.",
            transform: OptionValues.decimal(0 ... 1000))
    var threshold = 2.0
    @Option(parsing: .unconditional, help: "time (ns/op) or instructions (callgrind ins/op, exact).")
    var metric = "time"
    @Option(name: .customLong("base-label"), parsing: .unconditional, help: "Name of the base in the output.")
    var baseLabel: String?
    @Option(name: .customLong("head-label"), parsing: .unconditional, help: "Name of the head in the output.")
    var headLabel: String?
    @Option(parsing: .unconditional, help: "Also write compare.md and compare.csv into this directory.", transform: OptionValues.nonEmpty)
    var output: String?
    @Flag(help: "<base> and <head> are git revisions: build each (once per commit) and compare the builds.")
    var build = false
    @OptionGroup(title: "Comparing two builds (--build)")
    var builds: BuildCompareOptions

    func validate() throws {
        if build {
            guard baseRuns == nil, headRuns == nil, output == nil, metric == "time", baseLabel == nil, headLabel == nil else {
                throw ValidationError("--build takes <base> [<head>] revisions and its own options, not --base-runs, --head-runs, --output, --metric or labels")
            }
            guard let base, !base.trimmingSpaces.isEmpty else { throw ValidationError("--build needs <base>, a git revision") }
            if let head, head.trimmingSpaces.isEmpty { throw ValidationError("<head> is an empty revision") }
            _ = try buildSettings()
            return
        }
        if builds.anyGiven { throw ValidationError("--counters, --budget, --preset, --filter and the like need --build") }
        if baseRuns != nil || headRuns != nil {
            guard baseRuns != nil, headRuns != nil, base == nil, head == nil else {
                throw ValidationError("give both --base-runs and --head-runs, and no <base> <head>")
            }
        } else if base == nil || head == nil {
            throw ValidationError("give two runs: <base> and <head>")
        }
        for (name, path) in [("<base>", base), ("<head>", head)] where path?.trimmingSpaces.isEmpty == true {
            throw ValidationError("\(name) is an empty path")
        }
        guard Comparison.Metric(rawValue: metric) != nil else { throw ValidationError("--metric must be time or instructions") }
        let (base, head) = try paths()
        guard base.count == head.count else {
            throw ValidationError("--base-runs has \(base.count) runs, --head-runs \(head.count): rounds pair one to one")
        }
    }

    /// The base and head run directories, each list non-empty with no empty item.
    func paths() throws -> (base: [String], head: [String]) {
        func list(_ option: String, _ text: String?, _ single: String?) throws -> [String] {
            guard let text else { return [single ?? ""] }
            let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !text.trimmingSpaces.isEmpty else { throw ValidationError("--\(option) is empty: expected comma-separated run directories") }
            if let empty = items.firstIndex(where: { $0.trimmingSpaces.isEmpty }) {
                throw ValidationError("--\(option) '\(text)': item \(empty + 1) is empty")
            }
            return items
        }
        return (try list("base-runs", baseRuns, base), try list("head-runs", headRuns, head))
    }

    func buildSettings() throws -> BuildCompareSettings {
        try builds.settings(base: base ?? "", head: head, threshold: threshold, valgrindInstalled: findExecutable("valgrind") != nil)
    }

    func run() throws {
        if build {
            let settings = try buildSettings()
            if builds.counters == nil, settings.counters == .auto {
                StandardStreams.err("compare: valgrind is not installed (make deps installs it): time only, without the exact instruction gate\n")
            }
            try BuildCompare.run(settings, dryRun: builds.dryRun)
            return
        }
        let (basePaths, headPaths) = try paths()
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
        try ComparisonOutput.publish(comparison, output: output, command: "compare")
        let status = ComparisonOutput.status(comparison, command: "compare")
        if status != 0 { throw ExitCode(status) }
    }
}
