import Lab
import ArgumentParser
import BenchReport
import Foundation
import Measure
import Workloads

/// `fragbench reproduce` (`make reproduce`): runs the experiment of each published claim in
/// docs/claims.tsv and writes a verdict. Per claim, the two sides (scenario + base options,
/// scenario + head options) are paired in time by the method of `peers`/`tune`
/// (`SelfPairing`), and measured under callgrind for exact instructions and simulated branch
/// mispredictions per operation (the `--counters callgrind` child, `CallgrindPoint`). The
/// verdict (`ClaimVerdict`) rests on the claim's metric. Every line of the claims file is
/// checked before anything runs.
struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Run each published claim's experiment (docs/claims.tsv) and write a verdict.",
        discussion: """
            Each claim names one point (fragbench run options) and the options of its before and after sides. Both sides are \
            paired in time (as peers and tune pair: workers of this binary pinned to one CPU, A A B B / B B A A turns, a \
            t-interval over sessions) for --budget seconds at most, and run once each under callgrind for exact instructions \
            and simulated branch mispredictions per operation. Example: fragbench reproduce --filter '^part1-' --budget 20
            """
    )

    @Option(parsing: .unconditional, help: "The claims file (tab-separated; see docs/claims.tsv).", transform: OptionValues.nonEmpty)
    var claims = "docs/claims.tsv"
    @Option(parsing: .unconditional, help: "Keep only the claims whose id matches this regular expression.")
    var filter: String?
    @Flag(help: "Print the claims (and each side's run options) and run nothing.")
    var list = false
    @Option(parsing: .unconditional, help: "Seconds at most for one claim's paired time comparison (default \(Self.defaultBudget), quick \(Self.quickBudget)).",
            transform: OptionValues.decimal(0 ... 86_400, excludingLower: true))
    var budget: Double?
    @Option(name: .customLong("exact-tolerance"), parsing: .unconditional,
            help: "Percent: an exact count's ratio is compared with the claim within this tolerance each way.",
            transform: OptionValues.decimal(0 ... 100))
    var exactTolerance = 2.0
    @Option(parsing: .unconditional, help: "Page allocator arena per worker, unless a claim's options give one.")
    var arena = "64M"
    @OptionGroup var pinning: CPUOption
    @Option(parsing: .unconditional, help: "Callgrind children at once (default: the number of CPUs).",
            transform: OptionValues.integer(1 ... 256))
    var jobs: Int?
    @Flag(name: .customLong("no-callgrind"), help: "Time only: no exact instruction or branch misprediction counts.")
    var noCallgrind = false
    @Flag(help: "A smoke run: short budgets, 4 sessions, small callgrind batches.")
    var quick = false
    @OptionGroup var saving: ResultsOptions
    @OptionGroup var debugBuild: DebugBuildOption

    static let defaultBudget = 45.0
    static let quickBudget = 3.0

    /// A claim with its experiment: each side's full run options and the point they name, and
    /// the options its callgrind counts use (nil with why when there are none).
    struct Planned {
        var claim: Claim
        var base: [String] = []
        var head: [String] = []
        /// Why one side cannot run the point (a version without the API), or nil.
        var notApplicable: String?
        /// Each side's point as `fragbench list` names it.
        var baseName = ""
        var headName = ""
        var callgrindBase: [String]?
        var callgrindHead: [String]?
        /// How the callgrind point differs from the timed one, or why there are no counts.
        var callgrindNote: String?
    }

    /// Every bad line of the claims file, each as `file:line: what`.
    struct Refusal: Error { var lines: [String] }

    func validate() throws {
        do {
            _ = try plan()
        } catch let refusal as Refusal {
            for line in refusal.lines { StandardStreams.err("error: \(line)\n") }
            throw ValidationError("\(claims): \(refusal.lines.count) bad line(s), nothing was run")
        }
    }

    /// The claims file read, filtered and every experiment checked; throws `Refusal` (all
    /// the bad lines) or a `ValidationError`.
    func plan() throws -> [Planned] {
        let text: String
        switch readTextFile(claims) {
        case .success(let t): text = t
        case .failure(let error): throw ValidationError("--claims \(claims): \(error)")
        }
        let parsed = ClaimsFile.parseLines(text, file: claims)
        var all = parsed.claims
        var problems = parsed.problems.map { (line: $0.line, text: $0.description) }
        if let filter {
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(filter) } catch {
                throw ValidationError("--filter '\(filter)' is not a regular expression: \(error)")
            }
            let kept = all.filter { $0.id.contains(regex) }
            guard !kept.isEmpty || !problems.isEmpty else {
                throw ValidationError("--filter '\(filter)' matches none of the \(all.count) claim id(s) (--list shows them)")
            }
            all = kept
        }
        var planned: [Planned] = []
        for claim in all {
            do {
                planned.append(try experiment(claim))
            } catch let failure as ValidationFailure {
                problems.append((line: Int(claim.location.split(separator: ":").last ?? "") ?? 0,
                                 text: "\(claim.location): \(failure.description)"))
            }
        }
        if !problems.isEmpty { throw Refusal(lines: problems.sorted { $0.line < $1.line }.map(\.text)) }
        guard !planned.isEmpty else { throw ValidationError("\(claims) has no claims") }
        return planned
    }

    /// A claim's experiment, checked: each side's options name exactly one point (an unknown
    /// variant is an error here), at least one side can run it.
    func experiment(_ claim: Claim) throws -> Planned {
        var planned = Planned(claim: claim)
        guard claim.isReproducible else { return planned }
        let extra = claim.baseOptions.contains("--arena") || claim.headOptions.contains("--arena") ? [] : ["--arena", arena]
        planned.base = claim.baseOptions + extra
        planned.head = claim.headOptions + extra
        let base: WorkloadParameters, head: WorkloadParameters
        do { base = try SelfPairing.namedPoint(planned.base) } catch let f as ValidationFailure { throw ValidationFailure("base side: \(f)") }
        do { head = try SelfPairing.namedPoint(planned.head) } catch let f as ValidationFailure { throw ValidationFailure("head side: \(f)") }
        planned.baseName = PointLabel.benchmarkName(base)
        planned.headName = PointLabel.benchmarkName(head)
        switch (base.notApplicableReason, head.notApplicableReason) {
        case (let b?, let h?):
            throw ValidationFailure("neither side can run its point: base: \(b); head: \(h)")
        case (let b?, nil): planned.notApplicable = "the base side (\(claim.base.joined(separator: " "))) cannot run this point: \(b)"
        case (nil, let h?): planned.notApplicable = "the head side (\(claim.head.joined(separator: " "))) cannot run this point: \(h)"
        case (nil, nil): break
        }
        let counted = Self.callgrindOptions(planned.base, point: base)
        planned.callgrindBase = counted.options
        planned.callgrindHead = Self.callgrindOptions(planned.head, point: head).options
        planned.callgrindNote = counted.note
        for options in [planned.callgrindBase, planned.callgrindHead].compactMap({ $0 }) {
            do { _ = try SelfPairing.namedPoint(options) } catch let f as ValidationFailure {
                throw ValidationFailure("callgrind point: \(f)")
            }
        }
        return planned
    }

    /// The run options callgrind counts a side with. cross-thread under valgrind counts its
    /// two threads spinning on the ring for as long as valgrind's scheduler lets them (the
    /// reason `make compare` leaves it out of the gate), so its allocation path is counted on
    /// alloc-only with the same sizes, alignment and layout instead, and the report says so.
    static func callgrindOptions(_ options: [String], point: WorkloadParameters) -> (options: [String]?, note: String?) {
        guard point.kind == .crossThread else { return (options, nil) }
        if point.usePrepare {
            return (nil, "no exact counts: cross-thread under valgrind counts spin-waiting, and --prepare has no single-threaded analogue here")
        }
        var out: [String] = []
        var index = 0
        while index < options.count {
            let word = options[index]
            if ["--push-cpu", "--pop-cpu", "--count"].contains(word) { index += 2; continue }
            if word == "--workload", index + 1 < options.count {
                out += ["--workload", WorkloadKind.allocOnly.rawValue]
                index += 2
                continue
            }
            out.append(word)
            index += 1
        }
        return (out, "instructions and mispredicts per allocation counted on alloc-only with the same fragment size, alignment, max size and layout: cross-thread under valgrind counts its threads' spin-waiting")
    }

    func run() throws {
        let planned = try plan()
        if list {
            for p in planned {
                var line = "\(p.claim.id)\t\(p.claim.metric.rawValue)\t\(p.claim.what)"
                if p.claim.isReproducible {
                    line += "\n    base: \(p.base.joined(separator: " "))\n    head: \(p.head.joined(separator: " "))"
                } else {
                    line += "\n    not reproducible here: \(p.claim.note)"
                }
                StandardStreams.out(line + "\n")
            }
            return
        }
        try debugBuild.refuseDebugBuild(makeTarget: "reproduce")
        InterruptFlag.install()
        let machine = MachineFacts.read()
        let seconds = budget ?? (quick ? Self.quickBudget : Self.defaultBudget)
        let provenance = ProvenanceCollector.collect(
            backend: BackendChoice(requested: .none, backend: .none, reason: "timing paired by workers; callgrind children for counts"),
            tsc: nil, command: Invocation.text, quick: quick, machine: machine)
        let directory: String? = saving.noSave ? nil : try ResultStore(root: saving.output).freshDirectory(
            section: "reproduce", name: ResultStore.runName(date: Date(), commit: provenance.gitCommit, dirty: provenance.gitDirty))
        var notes: [String] = []
        if let busy = machine.loadWarning {
            notes.append(busy)
            StandardStreams.err("warning: \(busy)\n")
        }

        let counts = measureCounts(planned, directory: directory)
        let times = measureTimes(planned, seconds: seconds, directory: directory)
        if InterruptFlag.isRaised { notes.append("interrupted: the claims after the last measured one were not measured") }

        let rows = planned.map { p in
            var row = ReproduceReport.row(p.claim, base: p.base, head: p.head, notApplicable: p.notApplicable,
                                time: times.outcomes[Self.pairKey(p)], counts: (counts.values[p.callgrindBase ?? []], counts.values[p.callgrindHead ?? []]),
                                countsMissing: p.callgrindBase == nil ? p.callgrindNote ?? "no callgrind point" : counts.missing,
                                countsNote: p.callgrindBase == nil ? nil : p.callgrindNote, tolerance: exactTolerance / 100)
            row.baseName = p.baseName
            row.headName = p.headName
            return row
        }
        let whyPath = ((claims as NSString).deletingLastPathComponent.isEmpty ? "." : (claims as NSString).deletingLastPathComponent) + "/record-why.md"
        let context = ReproduceReport.Context(
            provenance: provenance, valgrind: counts.valgrindVersion, budget: seconds, tolerance: exactTolerance / 100,
            claimsFile: claims, whyPath: whyPath, why: try? String(contentsOfFile: whyPath, encoding: .utf8), notes: notes)
        let markdown = ReproduceReport.markdown(rows, context: context)
        StandardStreams.out(markdown)
        if let directory {
            try AtomicFile.write(markdown, to: "\(directory)/reproduce.md")
            try AtomicFile.write(ReproduceReport.csv(rows), to: "\(directory)/reproduce.csv")
            try AtomicFile.write(PairsCSV.document(times.pairRows), to: "\(directory)/pairs.csv")
            StandardStreams.err("reproduce: \(directory)/reproduce.md\n")
        }
        if InterruptFlag.isRaised { throw ExitCode(130) }
    }

    static func pairKey(_ p: Planned) -> String { p.base.joined(separator: " ") + "\u{1}" + p.head.joined(separator: " ") }

    struct Counts {
        var values: [[String]: [CounterValue]] = [:]
        /// Why there are no counts at all (no valgrind, --no-callgrind), or nil.
        var missing: String?
        var valgrindVersion: String?
    }

    /// Every distinct callgrind point once, `jobs` at a time, before the timing (so the
    /// children do not disturb it).
    func measureCounts(_ planned: [Planned], directory: String?) -> Counts {
        var counts = Counts()
        if noCallgrind { counts.missing = "not measured (--no-callgrind)"; return counts }
        guard Callgrind.valgrindPath() != nil else {
            counts.missing = "valgrind is not on PATH (make deps installs it)"
            return counts
        }
        counts.valgrindVersion = ProvenanceCollector.shell(["valgrind", "--version"])
        var distinct: [[String]] = []
        for p in planned where p.notApplicable == nil {
            for options in [p.callgrindBase, p.callgrindHead].compactMap({ $0 }) where !distinct.contains(options) {
                distinct.append(options)
            }
        }
        guard !distinct.isEmpty else { return counts }
        let scratch = NSTemporaryDirectory() + "fragbench-reproduce-\(getpid())"
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // Planning already refused options that name no single point.
        let sides = distinct.compactMap { options in (try? SelfPairing.namedPoint(options)).map { (options, $0) } }
        distinct = sides.map(\.0)
        let tasks = sides.enumerated().map { n, side in
            CallgrindOnlyRun.Task(label: side.0.joined(separator: " "), point: side.1, quick: quick, tag: "side\(n)",
                                  branchSim: true)
        }
        StandardStreams.err("reproduce: \(tasks.count) point(s) under callgrind\n")
        let measured = CallgrindOnlyRun.measure(tasks, scratch: scratch, jobs: jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount))
        for (n, options) in distinct.enumerated() { counts.values[options] = measured[n] }
        return counts
    }

    struct Times {
        var outcomes: [String: PointPairer.Outcome] = [:]
        var pairRows: [[String]] = []
    }

    /// Every distinct (base, head) pair of the measurable claims, paired in time once.
    func measureTimes(_ planned: [Planned], seconds: Double, directory: String?) -> Times {
        var settings = SelfPairing.Settings()
        settings.thresholdPercent = 1
        settings.cpu = pinning.cpu
        settings.allowDebug = debugBuild.allowDebug
        settings.log = directory.map { $0 + "/workers.log" }
        if quick { settings.minSessions = 4; settings.minPairs = 12 }
        let pairing = SelfPairing(settings)
        var times = Times()
        var order: [String] = []
        var ids: [String: [String]] = [:]
        for p in planned where p.claim.isReproducible && p.notApplicable == nil {
            let key = Self.pairKey(p)
            if ids[key] == nil { order.append(key) }
            ids[key, default: []].append(p.claim.id)
        }
        var progress = Progress(total: order.count)
        for key in order {
            if InterruptFlag.isRaised { break }
            guard let p = planned.first(where: { Self.pairKey($0) == key }) else { continue }
            let label = ids[key, default: []].joined(separator: ", ") + ": \(p.baseName) → \(p.headName)"
            let outcome = pairing.compare(label: label, base: p.base, head: p.head, seconds: seconds)
            times.outcomes[key] = outcome
            switch outcome {
            case .missing(let why): progress.finished(label, summary: "failed: \(why)")
            case .measured(let row, let pairs, let exclusions):
                times.pairRows += PairsCSV.rows(point: label, pairs: pairs, exclusions: exclusions)
                progress.finished(label, summary: PairSummary.progressText(row))
            }
        }
        return times
    }
}
