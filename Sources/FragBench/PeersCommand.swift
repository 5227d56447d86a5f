import Lab
import ArgumentParser
import BenchReport
import FragCache
import Foundation
import Measure
import Workloads

/// `fragbench peers` (`make peers`): the Swift model against the same algorithm in C, glibc
/// malloc, jemalloc, mimalloc, the other layouts and the free-side API experiments. Each
/// subject is paired with the Swift model point by point, sample by sample, by the method of
/// `make compare` (`SelfPairing`/`PointPairer`: two workers of this binary pinned to one CPU,
/// A A B B / B B A A turns of single samples, sessions with fresh workers, a t-interval over
/// sessions). Per point and subject: the ratio subject/swift with its interval, both sides'
/// figures from the same pairs, and how many pairs and sessions it took, in a markdown table
/// and CSVs under results/peers/<date-commit>/.
struct PeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers",
        abstract: "Swift vs C vs glibc malloc, jemalloc, mimalloc (and the layouts), samples paired in time, with ratio CIs.",
        discussion: "Example: fragbench peers --workload alloc-only,alloc-free --fragsz 64,2048 --budget 8"
    )

    @Option(parsing: .unconditional, help: "Workloads (page_frag-only ones are reported as not applicable for peers).")
    var workload = "alloc-only,alloc-free,mixed,cross-thread"
    @Option(parsing: .unconditional, help: "Fragment sizes.")
    var fragsz = "64,256,2048"
    @Option(parsing: .unconditional, help: "Subjects besides swift: implementations, swift layouts as swift:offset-up, and the free-side API experiments as swift:local-free and swift:bulk.")
    var against = "c,malloc,jemalloc,mimalloc,swift:offset-up,swift:offset-down,swift:local-free,swift:bulk"
    @Option(name: .customLong("max-size"), parsing: .unconditional, help: "PAGE_FRAG_CACHE_MAX_SIZE values (4K pages).")
    var maxSize = "32K"
    @Option(parsing: .unconditional, help: "Alignments (powers of two up to 4096; 1 = none): the aligned allocation path is paired too.")
    var align = "1"
    @Option(parsing: .unconditional, help: "swift:bulk: fragments per bulk allocation and per bulk free.",
            transform: OptionValues.integer(1 ... FragAPI.largestBulk))
    var bulk = 16
    @Option(parsing: .unconditional, help: "Seconds at most per comparison (one point, one subject against swift); default 8, quick 3.",
            transform: OptionValues.decimal(0 ... 86_400, excludingLower: true))
    var budget: Double?
    @Option(parsing: .unconditional, help: "Precision in percent: a comparison stops once its interval is narrower; a subject is faster or slower only beyond it.",
            transform: OptionValues.decimal(0 ... 99))
    var threshold = 2.0
    @Option(parsing: .unconditional, help: "cross-thread: fragments per sample.", transform: OptionValues.integer(1 ... 1 << 40))
    var count = 50_000
    @Option(parsing: .unconditional, help: "Page allocator arena per worker.")
    var arena = "64M"
    @OptionGroup var pinning: CPUOption
    @Flag(help: "Smoke runs: a 3 s budget per comparison, 4 sessions before the first stopping check.")
    var quick = false
    @OptionGroup var saving: ResultsOptions
    @OptionGroup var debugBuild: DebugBuildOption

    struct Subject: Hashable {
        var impl: Implementation
        var variant: LayoutVariant
        /// The free-side API (swift only).
        var api: FragAPI = .kernel
        var name: String {
            if impl == .swift && api != .kernel { return "swift:\(api.rawValue)" }
            return impl == .swift && variant != .remaining ? "swift:\(variant.rawValue)" : impl.rawValue
        }
    }

    func subjects() throws -> [Subject] {
        var list = [Subject(impl: .swift, variant: .remaining)]
        guard !against.trimmingSpaces.isEmpty else { throw ValidationError("--against is empty") }
        for item in against.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard let impl = Implementation(rawValue: String(parts[0])) else {
                throw ValidationError("--against '\(item)': '\(parts[0])' is not one of \(Implementation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard parts.count <= 2 else { throw ValidationError("--against '\(item)': expected IMPL, IMPL:VARIANT or swift:API") }
            var variant = LayoutVariant.remaining
            var api = FragAPI.kernel
            if parts.count > 1 {
                if let v = LayoutVariant(rawValue: String(parts[1])) {
                    variant = v
                } else if impl == .swift, let a = FragAPI(rawValue: String(parts[1])) {
                    api = a
                } else {
                    throw ValidationError("--against '\(item)': '\(parts[1])' is not one of \((LayoutVariant.allCases.map(\.rawValue) + FragAPI.allCases.filter { $0 != .kernel }.map(\.rawValue)).joined(separator: ", "))")
                }
            }
            let subject = Subject(impl: impl, variant: variant, api: api)
            if !list.contains(subject) { list.append(subject) }
        }
        return list
    }

    func kinds() throws -> [WorkloadKind] {
        guard !workload.trimmingSpaces.isEmpty else { throw ValidationError("--workload is empty") }
        return try workload.split(separator: ",", omittingEmptySubsequences: false).map { name -> WorkloadKind in
            guard let kind = WorkloadKind(rawValue: String(name)) else {
                throw ValidationError("--workload '\(name)' is not one of \(WorkloadKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
    }

    func aligns() throws -> [Int] {
        let values: [Int]
        do { values = try SizeParsing.sizes(align) } catch { throw ValidationError("--align \(error)") }
        for value in values where value < 1 || value & (value - 1) != 0 || value > 4096 {
            throw ValidationError("--align \(value) is not a power of two between 1 and the page size 4096")
        }
        return values
    }

    func sizes() throws -> [Int] {
        do { return try SizeParsing.sizes(fragsz) } catch { throw ValidationError("--fragsz \(error)") }
    }

    /// The configurations to measure: 4K pages, each --max-size.
    func configs() throws -> [FragCacheConfig] {
        let values: [Int]
        do { values = try SizeParsing.sizes(maxSize) } catch { throw ValidationError("--max-size \(error)") }
        return try values.map { value in
            do { try SweepPlan.checkMaxSize(value) } catch { throw ValidationError("\(error)") }
            do { return try FragCacheConfig(pageSize: 4096, maxSize: value) } catch {
                throw ValidationError("--max-size \(value): \(error)")
            }
        }
    }

    /// Every comparison's two sides are checked before anything runs, as `run` does: a bad
    /// value is a usage error, not a table of failed rows.
    func validate() throws {
        _ = try comparisons()
    }

    /// One point of the sweep: its label for tables and Swift's point.
    struct Point {
        var label: String
        var swift: WorkloadParameters
    }

    /// One row to measure: a point, a subject, and the subject's point (nil with the reason
    /// when the subject does not apply to the point).
    struct Planned {
        var point: Point
        var subject: Subject
        var parameters: WorkloadParameters?
        var notApplicable: String?
        /// The subject's point as `fragbench list` names it: the row's name in every output.
        var name: String
    }

    func comparisons() throws -> [Planned] {
        let subjects = try subjects()
        let sizes = try sizes()
        let configs = try configs()
        let arenaBytes = try arenaBytes()
        if let refusal = MemoryBudget.current().refusal(arenaBytes: arenaBytes) { throw ValidationError(refusal) }
        let twoCPUs = (CPUAffinity.allowedCount() ?? 1) >= 2
        var planned: [Planned] = []
        let aligns = try aligns()
        for kind in try kinds() {
            for config in configs {
                for size in kind == .mixed ? [sizes[0]] : sizes {
                    for align in aligns {
                        let page = NumberFormat.bytes(config.pageSize), max = NumberFormat.bytes(config.maxSize)
                        let label = "\(kind.rawValue), \(page) pages, max \(max), " + (kind == .mixed ? "imix sizes" : "fragsz \(size) B")
                            + (align > 1 ? ", align \(align)" : "")
                        var template = WorkloadParameters(kind: kind, config: config, count: count, arenaBytes: arenaBytes)
                        template.bulk = bulk
                        if kind == .crossThread && twoCPUs { (template.pushCPU, template.popCPU) = (0, 1) }
                        // mixed draws its own sizes: its fragsz stays run's default.
                        if kind != .mixed { template.fragsz = size }
                        template.align = align
                        // The size as given, even where mixed draws its own: a bad --fragsz is
                        // refused as one, whichever workload comes first.
                        var given = template
                        given.fragsz = size
                        do { try given.validate() } catch {
                            throw ValidationError("--workload \(kind.rawValue) --fragsz \(size): \(error)")
                        }
                        let swift: WorkloadParameters
                        do { swift = try Self.point(template, subject: subjects[0]) } catch { throw ValidationError("\(label): \(error)") }
                        let point = Point(label: label, swift: swift)
                        for subject in subjects.dropFirst() {
                            var p = template
                            (p.impl, p.variant, p.api) = (subject.impl, subject.variant, subject.api)
                            if let why = p.notApplicableReason {
                                planned.append(Planned(point: point, subject: subject, parameters: nil, notApplicable: why,
                                                       name: PointLabel.benchmarkName(p)))
                                continue
                            }
                            do {
                                let parameters = try Self.point(template, subject: subject)
                                planned.append(Planned(point: point, subject: subject, parameters: parameters, notApplicable: nil,
                                                       name: PointLabel.benchmarkName(parameters)))
                            } catch {
                                throw ValidationError("\(label), \(subject.name): \(error)")
                            }
                        }
                    }
                }
            }
        }
        return planned
    }

    /// The subject's point on `template`, checked as `run` checks a point: the sweep's own
    /// checks (sizes, alignment against the page), then the workload's.
    static func point(_ template: WorkloadParameters, subject: Subject) throws -> WorkloadParameters {
        let axes = SweepPlan.Axes(workloads: [template.kind], pageSizes: [template.config.pageSize], maxSizes: [template.config.maxSize],
                                  fragszs: [template.fragsz], aligns: [template.align], template: template,
                                  impls: [subject.impl], variants: [subject.variant], apis: [subject.api])
        guard let point = try SweepPlan.build(axes).points.first else {
            throw ValidationFailure("\(subject.name) has no point here")
        }
        if let why = point.notApplicableReason { throw ValidationFailure("\(PointLabel.text(point)): \(why)") }
        try point.validate()
        return point
    }

    /// `--arena`: one size.
    func arenaBytes() throws -> Int {
        do { return try SizeParsing.size(Substring(arena)) } catch { throw ValidationError("--arena \(error)") }
    }

    func run() throws {
        try debugBuild.refuseDebugBuild(makeTarget: "peers")
        let subjects = try subjects()
        // The workers inherit the environment jemalloc needs.
        if subjects.contains(where: { $0.impl == .jemalloc }) { StaticTLS.ensureForJemalloc() }
        let planned = try comparisons()
        InterruptFlag.install()
        let machine = MachineFacts.read()
        let seconds = budget ?? (quick ? 3 : 8)
        let provenance = ProvenanceCollector.collect(backend: BackendChoice(requested: .none, backend: .none, reason: "timing only"),
                                                     tsc: nil, command: Invocation.text,
                                                     quick: quick, machine: machine)
        let name = ResultStore.runName(date: Date(), commit: provenance.gitCommit, dirty: provenance.gitDirty)
        // A new directory of its own (`-2`, … when the name is taken): only this run's files.
        let directory = saving.noSave ? "" : try ResultStore(root: saving.output).freshDirectory(section: "peers", name: name)
        var settings = SelfPairing.Settings()
        settings.thresholdPercent = threshold
        settings.cpu = pinning.cpu
        settings.allowDebug = debugBuild.allowDebug
        settings.log = saving.noSave ? nil : directory + "/workers.log"
        if quick { settings.minSessions = 4; settings.minPairs = 12 }
        let pairing = SelfPairing(settings)

        var rows: [Row] = []
        var pairRows: [[String]] = []
        var notes: [String] = []
        if let busy = machine.loadWarning {
            notes.append(busy)
            StandardStreams.err("warning: \(busy)\n")
        }
        var progress = Progress(total: planned.count)
        for item in planned {
            if InterruptFlag.isRaised { break }
            let label = item.name
            guard let parameters = item.parameters else {
                rows.append(Row(point: label, subject: item.subject.name, note: item.notApplicable))
                progress.finished(label, summary: "not applicable")
                continue
            }
            switch pairing.compare(label: label, base: item.point.swift, head: parameters, seconds: seconds) {
            case .missing(let why):
                rows.append(Row(point: label, subject: item.subject.name, note: "failed: \(why)"))
                progress.finished(label, summary: "failed: \(why)")
            case .measured(let row, let pairs, let exclusions):
                rows.append(Row(point: label, subject: item.subject.name, nsPerOp: row.head, swiftNsPerOp: row.base,
                                estimate: row.estimate, verdict: row.verdict, pairing: row.note))
                pairRows += PairsCSV.rows(point: label, pairs: pairs, exclusions: exclusions)
                progress.finished(label, summary: PairSummary.progressText(row))
            }
        }
        if InterruptFlag.isRaised { notes.append("interrupted: only the rows above were measured") }
        let markdown = Self.markdown(rows, threshold: threshold, budget: seconds, notes: notes, provenance: provenance,
                                     libraries: Self.allocatorLibraries())
        StandardStreams.out(markdown)
        if !saving.noSave {
            try AtomicFile.write(markdown, to: "\(directory)/peers.md")
            try AtomicFile.write(Self.csv(rows), to: "\(directory)/peers.csv")
            try AtomicFile.write(PairsCSV.document(pairRows), to: "\(directory)/pairs.csv")
            StandardStreams.err("peers: \(directory)/peers.md\n")
        }
        if InterruptFlag.isRaised { throw ExitCode(130) }
    }

    struct Row {
        var point: String
        var subject: String
        /// The subject's and Swift's figures from the same pairs (p10 of each side's samples).
        var nsPerOp: Double? = nil
        var swiftNsPerOp: Double? = nil
        var estimate: RatioEstimate? = nil
        var verdict: Verdict? = nil
        /// Pairs, sessions, disturbed pairs, resolution (PointPairer's note).
        var pairing: String? = nil
        /// Why the subject has no figure here (not applicable, failed), or nil.
        var note: String? = nil
    }

    /// The allocator libraries this machine has, as Debian packages and versions.
    static func allocatorLibraries() -> String? {
        let found = ["libc6", "libjemalloc2*", "libmimalloc2*"].compactMap {
            ProvenanceCollector.shell(["dpkg-query", "-W", "-f=${Package} ${Version}\\n", $0])
        }
        return found.isEmpty ? nil : found.joined(separator: ", ").replacingOccurrences(of: "\n", with: ", ")
    }

    static func verdictText(_ v: Verdict?) -> String {
        switch v {
        case .slower?: return "slower"
        case .faster?: return "faster"
        case .noDifference?: return "within threshold"
        case nil: return ""
        }
    }

    static func markdown(_ rows: [Row], threshold: Double, budget: Double, notes: [String], provenance: Provenance?,
                         libraries: String?) -> String {
        var out = "# FragBench peers: the Swift model against C, glibc malloc, jemalloc, mimalloc and the layouts\n\n"
        if let p = provenance {
            out += ProvenanceTable.markdown(p, extra: [("allocator libraries", libraries ?? "unknown (dpkg-query found none)")])
        }
        let pct = NumberFormat.fixed(threshold, threshold == threshold.rounded() ? 0 : 1)
        out += "Each subject is paired with the Swift model sample by sample, as `make compare` pairs two builds: two workers of this binary pinned to one CPU take turns A A B B, B B A A of single 1 ms samples (the first of each turn re-warms that side's caches and is not used), in sessions with fresh worker processes. "
        out += "ratio = subject/swift (below 1: faster than the Swift model): the geometric mean over sessions of each session's median pair ratio, with a Student-t 95% interval over the sessions; "
        out += "point: the subject's point as `fragbench list` names it (the Swift side is the same point without the subject's `<impl>`, `[variant]` or `api:`); "
        out += "ns/op columns: the p10 of each side's samples in the pairs used (their quotient is close to the ratio, not equal to it). "
        out += "A comparison stops once its interval is narrower than \(pct)% or after \(NumberFormat.significant(budget)) s; a subject is faster or slower only when the whole interval lies beyond ±\(pct)%. — means not measured (the reason is in the row).\n\n"
        out += "| point | impl | ns/op | swift ns/op (same pairs) | ratio vs swift | 95% CI | verdict | pairing |\n|---|---|---:|---:|---:|---|---|---|\n"
        for r in rows {
            if let note = r.note {
                out += "| \(r.point) | \(r.subject) | — | — | — | \(note.replacingOccurrences(of: "|", with: "\\|")) | | |\n"
                continue
            }
            let ns = r.nsPerOp.map { NumberFormat.text($0) } ?? "—"
            let swift = r.swiftNsPerOp.map { NumberFormat.text($0) } ?? "—"
            let pairing = (r.pairing ?? "").replacingOccurrences(of: "|", with: "\\|")
            if let e = r.estimate {
                out += "| \(r.point) | \(r.subject) | \(ns) | \(swift) | \(NumberFormat.fixed(e.ratio, 3)) | \(NumberFormat.fixed(e.lower, 3))–\(NumberFormat.fixed(e.upper, 3)) | \(verdictText(r.verdict)) | \(pairing) |\n"
            } else {
                out += "| \(r.point) | \(r.subject) | \(ns) | \(swift) | — | too few sessions for an interval | | \(pairing) |\n"
            }
        }
        for note in notes { out += "\n- \(note)" }
        return out + "\n"
    }

    static let csvColumns = ["point", "impl", "ns_per_op", "swift_ns_per_op", "ratio", "ci_lower", "ci_upper", "pairs",
                             "verdict", "pairing", "note"]

    static func csv(_ rows: [Row]) -> String {
        CSV.document(columns: csvColumns, rows: rows.map { r in
            [r.point, r.subject, NumberFormat.fixed(r.nsPerOp, 4), NumberFormat.fixed(r.swiftNsPerOp, 4),
             NumberFormat.fixed(r.estimate?.ratio, 5), NumberFormat.fixed(r.estimate?.lower, 5),
             NumberFormat.fixed(r.estimate?.upper, 5), NumberFormat.integer(r.estimate?.rounds),
             r.estimate == nil ? "" : verdictText(r.verdict), r.pairing ?? "", r.note ?? ""]
        })
    }
}
