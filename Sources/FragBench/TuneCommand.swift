import Lab
import ArgumentParser
import BenchReport
import Foundation
import FragCache
import Measure
import Workloads

/// `fragbench tune`: sweep PAGE_FRAG_CACHE_MAX_SIZE from one page to 128K over the realistic
/// workloads on 4K and 64K pages, then report the speed/memory frontier and a recommendation
/// per workload and page size.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Sweep PAGE_FRAG_CACHE_MAX_SIZE and recommend one per workload and page size.",
        discussion: """
            Each workload and page size is one run (a child process of this binary, measuring as 'fragbench run' does) over the max sizes \
            from one page to 128K. On 64K pages only 64K and 128K exist (a smaller max size means one page).
            Then, in each group, the settings within the objective are paired with the nominally fastest one (or one a paired \
            ratio resolves faster): both run in this binary's workers on one CPU, alternating single samples, as make compare \
            does, so their ratio has an interval separate runs on a busy machine cannot give (--pair-budget seconds each; 0: off).
            Where the data cannot support a choice (unstable settings, intervals too wide to rank them), tune says so \
            instead of recommending.
            --from re-analyses a stored tune directory (its points.json and paired.json) without measuring again.
            """
    )

    @Option(parsing: .unconditional, help: "Workloads, comma-separated: mixed, cross-thread, prepare-commit, pressure.")
    var workload = "mixed,cross-thread,prepare-commit,pressure"
    @Option(name: .customLong("page-size"), parsing: .unconditional, help: "Page sizes, comma-separated.")
    var pageSize = "4K,64K"
    @Option(name: .customLong("max-size"), parsing: .unconditional, help: "Max sizes to try (those below a page size are skipped for it).")
    var maxSize = "4K,8K,16K,32K,64K,128K"
    @Option(parsing: .unconditional, help: "mixed: the packet size distribution (imix, uniform:LO-HI or histogram:FILE), as run's --distribution.")
    var distribution = "imix"
    @Option(parsing: .unconditional, help: "Live fragments kept by every workload's ring (as run's --depth; default run's).",
            transform: OptionValues.integer(1 ... 1 << 30))
    var depth: Int?
    @Option(parsing: .unconditional,
            help: "mixed: fragment the page allocator's arena before the ring fills, as run's --fragmented: \(ArenaFragmentation.syntax). High-order refills that fail fall back to single pages, and the recommendation counts them.")
    var fragmented: String?
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
    @Option(name: .customLong("pair-budget"), parsing: .unconditional,
            help: "Seconds per paired comparison of two max sizes (default 8, with --quick 3); 0: no paired phase (with --from: ignore paired.json).",
            transform: OptionValues.decimal(0 ... 3600))
    var pairBudget: Double?
    @OptionGroup var debugBuild: DebugBuildOption

    /// With --quick, short comparisons: fewer sessions before the first stopping check.
    var pairSettings: SelfPairing.Settings {
        var settings = SelfPairing.Settings()
        if quick {
            settings.minSessions = 4
            settings.minPairs = 12
        }
        settings.allowDebug = debugBuild.allowDebug
        return settings
    }

    var effectivePairBudget: Double { pairBudget ?? (quick ? 3 : 8) }

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
        let known = TunePlan.workloads.map(\.kind.rawValue)
        guard !workload.trimmingSpaces.isEmpty else { throw ValidationError("--workload is empty") }
        for w in workload.split(separator: ",", omittingEmptySubsequences: false) where !known.contains(String(w)) {
            throw ValidationError("--workload '\(w)' is not one of \(known.joined(separator: ", "))")
        }
        guard CounterMode(rawValue: counters) != nil else {
            throw ValidationError("--counters '\(counters)' is not one of auto, pmu, software, callgrind, none")
        }
        let pages = try sizes(pageSize, "page-size")
        for page in pages where !FragCacheConfig.pageSizes.contains(page) {
            throw ValidationError("--page-size \(page) is not one of 4K, 16K, 64K")
        }
        do { _ = try SizeDistribution.parse(distribution) } catch { throw ValidationError("--distribution \(error)") }
        if let fragmented {
            do { _ = try ArenaFragmentation.parse(fragmented) } catch { throw ValidationError("--fragmented '\(fragmented)': \(error)") }
            guard workload.split(separator: ",").contains("mixed") else {
                throw ValidationError("--fragmented fragments the mixed workload's arena; --workload \(workload) has no mixed (pressure fragments its own)")
            }
        }
        let maxes = try sizes(maxSize, "max-size")
        guard pages.contains(where: { page in maxes.contains { $0 >= page } }) else {
            throw ValidationError("--max-size \(maxSize): every max size is below every page size, nothing to tune")
        }
        // Every point checked as run checks it, before anything is measured.
        let choices = try choices()
        for w in workload.split(separator: ",") {
            for page in pages where maxes.contains(where: { $0 >= page }) {
                do {
                    _ = try TunePlan.plan(workload: String(w), pageSize: page, maxSizes: maxes.filter { $0 >= page }, choices: choices)
                } catch {
                    throw ValidationError("\(error)")
                }
            }
        }
    }

    func sizes(_ text: String, _ name: String) throws -> [Int] {
        do { return try SizeParsing.sizes(text) } catch { throw ValidationError("--\(name) \(error)") }
    }

    func run() throws {
        let objective = try objectiveValue()
        let merged: BenchRun
        let pairs: TuningPairs?
        var interrupted = false
        let directory: String
        if let from {
            merged = try Self.loadPoints(from)
            pairs = effectivePairBudget == 0 ? nil : try Self.loadPairs(from)
            directory = from
        } else {
            try debugBuild.refuseDebugBuild(makeTarget: "tune")
            merged = try measure()
            // A new directory of its own (`-2`, … when the name is taken): only this tune's files.
            directory = try ResultStore.freshDirectory(in: output, name: ResultStore.runName(
                date: Date(), commit: merged.provenance.gitCommit, dirty: merged.provenance.gitDirty))
            // Written before the paired phase: whatever stops it, the runs stay re-analysable.
            try AtomicFile.write(JSONReport.render(merged), to: directory + "/points.json")
            let record = try pairingPhase(merged, objective: objective, directory: directory)
            interrupted = record.interrupted
            try AtomicFile.write(try record.json(), to: directory + "/" + TuningPairs.fileName)
            pairs = record
        }
        // What was measured, then how settings were separated, then what the runs warned of.
        var notes: [String] = []
        notes.append("Counters: \(merged.provenance.counterBackend) (the frontier needs time and memory only).")
        let pages = Set(merged.points.map(\.pageSize))
        if pages.contains(65536) {
            notes.append("On 64 KiB pages only 64 KiB and 128 KiB max sizes exist: a smaller PAGE_FRAG_CACHE_MAX_SIZE means a single page.")
        }
        if let arena = Self.fragmentedNote(merged.points) { notes.append(arena) }
        if let pairs {
            notes.append(pairs.note)
        } else if from != nil {
            notes.append(effectivePairBudget == 0
                ? "Paired evidence not used (--pair-budget 0): settings are separated by their runs' samples only."
                : "No paired comparisons (no paired.json: a tune from before the paired phase): settings are separated by their runs' samples only.")
        }
        notes += merged.warnings
        let groups = Tuning.analyse(merged.points, objective: objective, pairs: pairs)
        let charts = Tuning.charts(groups, objective: objective)
        let markdown = Tuning.markdown(groups, objective: objective, charts: charts, provenance: merged.provenance, notes: notes)

        var files = ["tune.md": markdown, "tune.csv": Tuning.csv(groups)]
        for chart in charts { files[chart.file] = chart.svg }
        for (name, text) in files.sorted(by: { $0.key < $1.key }) { try AtomicFile.write(text, to: directory + "/" + name) }
        StandardStreams.out(markdown)
        StandardStreams.err("tune: \(directory)/tune.md\n")
        if interrupted { throw ExitCode(130) }
    }

    /// The paired phase over the groups the runs gave (a record of 0 s when it is off).
    func pairingPhase(_ merged: BenchRun, objective: Tuning.Objective, directory: String) throws -> TuningPairs {
        var settings = pairSettings
        let budget = effectivePairBudget
        guard budget > 0 else {
            return TuningPairs(budgetSeconds: 0, minSessions: settings.minSessions, minPairs: settings.minPairs,
                               sampleMs: settings.sampleMs, thresholdPercent: settings.thresholdPercent,
                               maxReferenceChanges: TunePairing.maxReferenceChanges)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        settings.log = directory + "/pair-workers.log"
        // From here a Ctrl-C stops the pairing and keeps what the runs and the finished
        // comparisons found; before, it ends the child runs as it always has.
        InterruptFlag.install()
        let choices = try choices()
        let pairing = TunePairing(settings: settings, budget: budget) { group, maxSize in
            try TunePlan.point(workload: group.workload, pageSize: group.pageSize, maxSize: maxSize, choices: choices)
        }
        return pairing.run(Tuning.analyse(merged.points, objective: objective))
    }

    /// What a fragmented arena (`--fragmented`) meant, read from the points so that `--from`
    /// says it too; nil when no point ran on one.
    static func fragmentedNote(_ points: [BenchPoint]) -> String? {
        guard let p = points.first(where: { $0.parameters["fragment_fraction"] != nil }),
              let fraction = p.parameters["fragment_fraction"], let order = p.parameters["fragment_order"].flatMap(Int.init) else { return nil }
        return "Fragmented arena (--fragmented \(fraction):\(order)): before each mixed run fills its ring, one page in every \(1 << (order + 1)) is pinned over \(fraction) of the page allocator's arena, "
            + "so the largest free block there is \(1 << order) page(s); a refill of a higher order that finds none falls back to a single page (high-order failures). The other workloads' arenas are not fragmented (pressure fragments its own)."
    }

    static func loadPoints(_ directory: String) throws -> BenchRun {
        let path = directory + "/points.json"
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationFailure("no points.json in \(directory)") }
        do {
            return try JSONReport.parse(String(decoding: data, as: UTF8.self), path: path)
        } catch let error as ResultStoreError {
            throw ValidationFailure(error.description)
        }
    }

    /// paired.json when the directory has one; a damaged one is an error, not a silent
    /// re-analysis without it.
    static func loadPairs(_ directory: String) throws -> TuningPairs? {
        let path = directory + "/" + TuningPairs.fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationFailure("cannot read \(path)") }
        do {
            return try TuningPairs.parse(String(decoding: data, as: UTF8.self), path: path)
        } catch let error as TuningPairs.Malformed {
            throw ValidationFailure(error.description)
        }
    }

    /// What tune's options set on every point (checked by `validate`).
    func choices() throws -> TunePlan.Choices {
        var choices = TunePlan.Choices(distribution: try SizeDistribution.parse(distribution), depth: depth)
        if let fragmented { choices.fragmented = try ArenaFragmentation.parse(fragmented) }
        return choices
    }

    /// One child run per workload and page size, each a visit process measuring tune's plan for
    /// them (`VisitPlan`); their points merged into one run.
    func measure() throws -> BenchRun {
        let scratch = NSTemporaryDirectory() + "fragbench-tune-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let maxSizes = try sizes(maxSize, "max-size")
        let chosen = workload.split(separator: ",").map(String.init)
        let choices = try choices()
        var points: [BenchPoint] = []
        var provenance: Provenance?
        var warnings = ChildWarnings()
        for (kind, _) in TunePlan.workloads where chosen.contains(kind.rawValue) {
            let name = kind.rawValue
            for page in try sizes(pageSize, "page-size") {
                let maxes = maxSizes.filter { $0 >= page }
                guard !maxes.isEmpty,
                      let plan = try TunePlan.plan(workload: name, pageSize: page, maxSizes: maxes, choices: choices) else { continue }
                let out = scratch + "/\(name)-\(page)"
                StandardStreams.err("tune: \(name) on \(page / 1024)K pages, max \(maxes.map { "\($0 / 1024)K" }.joined(separator: ","))\n")
                // One process per child run: tune's verdicts come from the paired sides, and the
                // child runs give memory and an unpaired figure beside them.
                let status = try VisitPlan(plan: plan, settings: childSettings(output: out)).runInChild(planFile: out + ".plan.json")
                if status == 130 { throw ExitCode(130) }
                guard status == 0 else {
                    throw ValidationFailure("tune: the run of \(name) on \(NumberFormat.bytes(page)) pages failed with status \(status)")
                }
                let run = try StoredRun.load(out).run
                provenance = provenance ?? run.provenance
                warnings.add(run.warnings, from: "\(name) on \(NumberFormat.bytes(page)) pages")
                points += run.points
            }
        }
        guard var p = provenance else { throw ValidationFailure("nothing to tune: no workload and page size left") }
        p.command = Invocation.text
        return BenchRun(provenance: p, points: points, partial: false, warnings: warnings.lines)
    }

    /// How a child run measures: tune's counters and sampling, all visits in the one process,
    /// saved under `output`.
    func childSettings(output: String) -> RunSettings {
        var settings = RunSettings()
        settings.counters = CounterMode(rawValue: counters) ?? .none
        settings.samples = samples
        settings.minSampleMs = minSampleMs
        settings.quick = quick
        settings.output = output
        settings.allowDebug = debugBuild.allowDebug
        settings.command = Invocation.text
        return settings
    }

}

/// The child runs' warnings as tune.md lists them, each labelled with the runs it came from.
/// A warning whose figures are the point (machine noise: how many samples were disturbed in
/// that run) keeps one line per run; any other is said once, naming every run that said it
/// (two warnings are the same when they agree up to their first parenthesis).
struct ChildWarnings {
    private var entries: [(text: String, runs: [String])] = []

    static func isPerRun(_ warning: String) -> Bool { warning.hasPrefix("Machine noise") }

    mutating func add(_ warnings: [String], from run: String) {
        for w in warnings {
            if !Self.isPerRun(w), let i = entries.firstIndex(where: { BenchRun.sameWarning($0.text, w) }) {
                if !entries[i].runs.contains(run) { entries[i].runs.append(run) }
            } else {
                entries.append((w, [run]))
            }
        }
    }

    var lines: [String] {
        entries.map { entry in
            if Self.isPerRun(entry.text), let colon = entry.text.firstIndex(of: ":") {
                // "Machine noise, mixed on 4 KiB pages: 31% of samples disturbed …"
                return "\(entry.text[..<colon]), \(entry.runs.joined(separator: "; "))\(entry.text[colon...])"
            }
            // The first run's figures stand for the others'.
            let others = entry.runs.dropFirst()
            return "\(entry.runs[0])\(others.isEmpty ? "" : " (likewise \(others.joined(separator: "; ")))"): \(entry.text)"
        }
    }
}
