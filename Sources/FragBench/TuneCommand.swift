import ArgumentParser
import BenchReport
import Foundation
import FragCache
import Measure

/// `fragbench tune`: sweep PAGE_FRAG_CACHE_MAX_SIZE from one page to 128K over the realistic
/// workloads on 4K and 64K pages, then report the speed/memory frontier and a recommendation
/// per workload and page size.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Sweep PAGE_FRAG_CACHE_MAX_SIZE and recommend one per workload and page size.",
        discussion: """
            Each workload and page size is one 'fragbench run' (a child process of this binary) over the max sizes \
            from one page to 128K. On 64K pages only 64K and 128K exist (a smaller max size means one page).
            Where the data cannot support a choice (unstable settings, intervals too wide to rank them), tune says so \
            instead of recommending.
            --from re-analyses a stored tune directory (its points.json) without measuring again.
            """
    )

    static let workloads: [(name: String, arguments: [String])] = [
        ("mixed", ["--distribution", "imix"]),
        ("cross-thread", ["--fragsz", "2048"]),
        ("prepare-commit", ["--fragsz", "1024"]),
        ("pressure", ["--fragsz", "2048"]),
    ]

    @Option(parsing: .unconditional, help: "Workloads, comma-separated: mixed, cross-thread, prepare-commit, pressure.")
    var workload = "mixed,cross-thread,prepare-commit,pressure"
    @Option(name: .customLong("page-size"), parsing: .unconditional, help: "Page sizes, comma-separated.")
    var pageSize = "4K,64K"
    @Option(name: .customLong("max-size"), parsing: .unconditional, help: "Max sizes to try (those below a page size are skipped for it).")
    var maxSize = "4K,8K,16K,32K,64K,128K"
    @Option(parsing: .unconditional, help: "fastest-within (default: the fastest setting within --memory-slack of the smallest pinned memory), fastest, smallest.")
    var objective = "fastest-within"
    @Option(name: .customLong("memory-slack"), parsing: .unconditional,
            help: "For fastest-within: how much more pinned memory than the smallest is acceptable (0.25 = 25%).",
            transform: OptionValues.decimal(0 ... 1000))
    var memorySlack = 0.25
    @Option(parsing: .unconditional, help: "Samples per point.",
            transform: OptionValues.integer(1 ... OptionValues.largestSampleCount))
    var samples = 11
    @Option(name: .customLong("min-sample-ms"), parsing: .unconditional, help: "Minimum duration of one sample in milliseconds.",
            transform: OptionValues.decimal(0 ... OptionValues.longestSampleMs, excludingLower: true))
    var minSampleMs = 5.0
    @Flag(help: "Short samples (smoke test).")
    var quick = false
    @Option(parsing: .unconditional, help: "Counters for the runs (none keeps it fast; the frontier needs time and memory only).")
    var counters = "none"
    @Option(parsing: .unconditional, help: "Where tune directories go.", transform: OptionValues.nonEmpty)
    var output = "results/tune"
    @Option(parsing: .unconditional, help: "Re-analyse a stored tune directory instead of measuring.", transform: OptionValues.nonEmpty)
    var from: String?
    @Flag(name: .customLong("allow-debug"), help: .hidden)
    var allowDebug = false

    func objectiveValue() throws -> Tuning.Objective {
        switch objective {
        case "fastest-within", "balanced": return .fastestWithin(slack: memorySlack)
        case "fastest": return .fastest
        case "smallest": return .smallest
        default: throw ValidationError("--objective must be fastest-within, fastest or smallest")
        }
    }

    func validate() throws {
        _ = try objectiveValue()
        let known = Set(Self.workloads.map(\.name))
        guard !workload.trimmingSpaces.isEmpty else { throw ValidationError("--workload is empty") }
        for w in workload.split(separator: ",", omittingEmptySubsequences: false) where !known.contains(String(w)) {
            throw ValidationError("--workload '\(w)' is not one of \(Self.workloads.map(\.name).joined(separator: ", "))")
        }
        guard CounterMode(rawValue: counters) != nil else {
            throw ValidationError("--counters '\(counters)' is not one of auto, pmu, software, callgrind, none")
        }
        let pages = try sizes(pageSize, "page-size")
        for page in pages where !FragCacheConfig.pageSizes.contains(page) {
            throw ValidationError("--page-size \(page) is not one of 4K, 16K, 64K")
        }
        let maxes = try sizes(maxSize, "max-size")
        guard pages.contains(where: { page in maxes.contains { $0 >= page } }) else {
            throw ValidationError("--max-size \(maxSize): every max size is below every page size, nothing to tune")
        }
    }

    func sizes(_ text: String, _ name: String) throws -> [Int] {
        do { return try SizeParsing.sizes(text) } catch { throw ValidationError("--\(name) \(error)") }
    }

    func run() throws {
        let objective = try objectiveValue()
        var notes: [String] = []
        let merged: BenchRun
        if let from {
            let path = from + "/points.json"
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationFailure("no points.json in \(from)") }
            do {
                merged = try JSONReport.parse(String(decoding: data, as: UTF8.self), path: path)
            } catch let error as ResultStoreError {
                throw ValidationFailure(error.description)
            }
        } else {
            (merged, notes) = try measure()
        }
        let pages = Set(merged.points.map(\.pageSize))
        if pages.contains(65536) {
            notes.append("On 64 KiB pages only 64 KiB and 128 KiB max sizes exist: a smaller PAGE_FRAG_CACHE_MAX_SIZE means a single page.")
        }
        notes.append("Counters: \(merged.provenance.counterBackend) (the frontier needs time and memory only).")
        let groups = Tuning.analyse(merged.points, objective: objective)
        let charts = Tuning.charts(groups, objective: objective)
        let markdown = Tuning.markdown(groups, objective: objective, charts: charts, provenance: merged.provenance, notes: notes)

        let directory = from ?? (output + "/" + ResultStore.runName(date: Date(), commit: merged.provenance.gitCommit,
                                                                      dirty: merged.provenance.gitDirty))
        var files = ["tune.md": markdown, "tune.csv": Tuning.csv(groups)]
        if from == nil { files["points.json"] = JSONReport.render(merged) }
        for chart in charts { files[chart.file] = chart.svg }
        for (name, text) in files.sorted(by: { $0.key < $1.key }) { try AtomicFile.write(text, to: directory + "/" + name) }
        StandardStreams.out(markdown)
        StandardStreams.err("tune: \(directory)/tune.md\n")
    }

    /// Two warnings say the same thing when they agree up to their first parenthesis (where
    /// the figures start).
    static func sameWarning(_ a: String, _ b: String) -> Bool {
        a.prefix { $0 != "(" } == b.prefix { $0 != "(" }
    }

    /// One child `fragbench run` per workload and page size; their points merged into one run.
    func measure() throws -> (BenchRun, [String]) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let executable = FileManager.default.isExecutableFile(atPath: binary) ? binary : (Bundle.main.executablePath ?? binary)
        let scratch = NSTemporaryDirectory() + "fragbench-tune-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let maxSizes = try sizes(maxSize, "max-size")
        let chosen = workload.split(separator: ",").map(String.init)
        var points: [BenchPoint] = []
        var provenance: Provenance?
        var warnings: [String] = []
        var notes: [String] = []
        for (name, extra) in Self.workloads where chosen.contains(name) {
            for page in try sizes(pageSize, "page-size") {
                let maxes = maxSizes.filter { $0 >= page }
                guard !maxes.isEmpty else { continue }
                let out = scratch + "/\(name)-\(page)"
                var arguments = ["run", "--workload", name, "--page-size", String(page),
                                 "--max-size", maxes.map(String.init).joined(separator: ","),
                                 "--counters", counters, "--output", out, "--samples", String(samples),
                                 "--min-sample-ms", String(minSampleMs)] + extra
                if quick { arguments.append("--quick") }
                if allowDebug { arguments.append("--allow-debug") }
                StandardStreams.err("tune: \(name) on \(page / 1024)K pages, max \(maxes.map { "\($0 / 1024)K" }.joined(separator: ","))\n")
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                if process.terminationStatus == 130 { throw ExitCode(130) }
                guard process.terminationStatus == 0 else {
                    throw ValidationFailure("fragbench \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus)")
                }
                let run = try StoredRun.load(out).run
                provenance = provenance ?? run.provenance
                // Each child run says the same things; once is enough (the load warning differs
                // only in its figures: the first one stands for all).
                for w in run.warnings where !warnings.contains(where: { Self.sameWarning($0, w) }) { warnings.append(w) }
                points += run.points
            }
        }
        guard var p = provenance else { throw ValidationFailure("nothing to tune: no workload and page size left") }
        p.command = (["fragbench"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        notes += warnings
        return (BenchRun(provenance: p, points: points, partial: false, warnings: warnings), notes)
    }
}
