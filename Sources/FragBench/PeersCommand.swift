import ArgumentParser
import BenchReport
import FragCache
import Foundation
import Measure
import Workloads

/// `fragbench peers` (`make peers`): the Swift model against the same algorithm in C and
/// against glibc malloc, jemalloc and mimalloc, interleaved. For each point, R rounds of:
/// measure swift, then every other subject, back to back (A B C … A B C …), each a full
/// sampler measurement with fewer samples. Per point and subject the ratio subject/swift of
/// the rounds' figures, with a 95% confidence interval (`RatioEstimate.paired`), goes into a
/// markdown table and a CSV under results/peers/<date-commit>/, beside each subject's
/// geometric mean over the rounds: the two numbers whose quotient the ratio is.
struct PeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers",
        abstract: "Swift vs C vs glibc malloc, jemalloc, mimalloc (and the layouts), interleaved, with ratio CIs.",
        discussion: "Example: fragbench peers --workload alloc-only,alloc-free --fragsz 64,2048 --rounds 5"
    )

    @Option(parsing: .unconditional, help: "Workloads (page_frag-only ones are reported as not applicable for peers).")
    var workload = "alloc-only,alloc-free,mixed,cross-thread"
    @Option(parsing: .unconditional, help: "Fragment sizes.")
    var fragsz = "64,256,2048"
    @Option(parsing: .unconditional, help: "Subjects besides swift: implementations, swift layouts as swift:offset-up, and the free-side API experiments as swift:local-free and swift:bulk.")
    var against = "c,malloc,jemalloc,mimalloc,swift:offset-up,swift:offset-down,swift:local-free,swift:bulk"
    @Option(name: .customLong("max-size"), parsing: .unconditional, help: "PAGE_FRAG_CACHE_MAX_SIZE values (4K pages).")
    var maxSize = "32K"
    @Option(parsing: .unconditional, help: "swift:bulk: fragments per bulk allocation and per bulk free.",
            transform: OptionValues.integer(1 ... FragAPI.largestBulk))
    var bulk = 16
    @Option(parsing: .unconditional, help: "Interleaved rounds per point (at least 2, for a confidence interval).",
            transform: OptionValues.integer(2 ... 10_000))
    var rounds = 5
    @Option(parsing: .unconditional, help: "Samples per measurement (each round's median is one pair member).",
            transform: OptionValues.integer(1 ... OptionValues.largestSampleCount))
    var samples = 5
    @Option(parsing: .unconditional, help: "cross-thread: fragments per run.", transform: OptionValues.integer(1 ... 1 << 40))
    var count = 50_000
    @Flag(help: "Short samples (smoke runs).")
    var quick = false
    @Option(parsing: .unconditional, help: "Results directory (peers/ is created under it).", transform: OptionValues.nonEmpty)
    var output = "results"
    @Flag(name: .customLong("no-save"), help: "Print only.")
    var noSave = false
    @Flag(name: .customLong("allow-debug"), help: "Measure a debug build anyway.")
    var allowDebug = false

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

    func sizes() throws -> [Int] {
        do { return try SizeParsing.sizes(fragsz) } catch { throw ValidationError("--fragsz \(error)") }
    }

    /// The configurations to measure: 4K pages, each --max-size.
    func configs() throws -> [FragCacheConfig] {
        let values: [Int]
        do { values = try SizeParsing.sizes(maxSize) } catch { throw ValidationError("--max-size \(error)") }
        return try values.map { value in
            do { return try FragCacheConfig(pageSize: 4096, maxSize: value) } catch {
                throw ValidationError("--max-size \(value): \(error)")
            }
        }
    }

    /// Every point is checked before the first round, as `run` does: a bad value is a usage
    /// error, not a table of failed rows.
    func validate() throws {
        _ = try subjects()
        let sizes = try sizes()
        let configs = try configs()
        for kind in try kinds() {
            for size in kind == .mixed ? [sizes[0]] : sizes {
                let p = WorkloadParameters(kind: kind, config: configs[0], fragsz: size, count: count)
                do { try p.validate() } catch {
                    throw ValidationError("--workload \(kind.rawValue) --fragsz \(size): \(error)")
                }
            }
        }
    }

    func run() throws {
        if Measure.isDebugBuild && !allowDebug {
            throw ValidationFailure("this is a debug build: build with 'swift build -c release' (make peers does), or pass --allow-debug")
        }
        let subjects = try subjects()
        if subjects.contains(where: { $0.impl == .jemalloc }) { StaticTLS.ensureForJemalloc() }
        let kinds = try kinds()
        let sizes = try sizes()
        InterruptFlag.install()
        let machine = MachineFacts.read()

        var sampler = quick ? SamplerConfig.quick : SamplerConfig.standard
        sampler.samples = samples
        let runner = PointRunner(sampler: sampler, pinCPU: CPUAffinity.current())
        // One canary for the command, as in run: disturbed samples are left out of each figure.
        let canary = NoiseCanary()
        canary.warmUp()
        let twoCPUs = (CPUAffinity.allowedCount() ?? 1) >= 2

        var rows: [Row] = []
        var notes: [String] = []
        if let busy = machine.loadWarning {
            notes.append(busy)
            StandardStreams.err("warning: \(busy)\n")
        }
        for kind in kinds {
            for config in try configs() {
            for size in kind == .mixed ? [sizes[0]] : sizes {
                var base = WorkloadParameters(kind: kind, config: config, fragsz: size, count: count)
                base.bulk = bulk
                if kind == .crossThread && twoCPUs { base.pushCPU = 0; base.popCPU = 1 }
                let page = NumberFormat.bytes(base.config.pageSize), max = NumberFormat.bytes(base.config.maxSize)
                let label = "\(kind.rawValue), \(page) pages, max \(max), " + (kind == .mixed ? "imix sizes" : "fragsz \(size) B")
                var medians: [Subject: [Double]] = [:]
                var skipped: [Subject: String] = [:]
                for round in 0 ..< rounds {
                    for subject in subjects where skipped[subject] == nil {
                        if InterruptFlag.isRaised { throw ExitCode(130) }
                        var p = base
                        p.impl = subject.impl
                        p.variant = subject.variant
                        p.api = subject.api
                        if let why = p.notApplicableReason { skipped[subject] = why; continue }
                        do {
                            let outcome = try runner.measure(p, counters: nil, canary: canary)
                            if let ns = outcome.result.estimate?.value ?? outcome.result.medianNanosecondsPerOp { medians[subject, default: []].append(ns) }
                            if let leak = outcome.leak { notes.append("\(label) \(subject.name): \(leak)") }
                        } catch WorkloadError.notApplicable(let why) {
                            skipped[subject] = why
                        } catch {
                            skipped[subject] = "failed: \(error)"
                        }
                    }
                    StandardStreams.err("peers: \(label) round \(round + 1)/\(rounds)\n")
                }
                let baseline = medians[subjects[0]] ?? []
                for subject in subjects {
                    if let why = skipped[subject] {
                        rows.append(Row(point: label, subject: subject.name, nsPerOp: nil, estimate: nil, note: why))
                        continue
                    }
                    let mine = medians[subject] ?? []
                    let estimate = subject == subjects[0] ? nil : RatioEstimate.paired(a: baseline, b: mine)
                    rows.append(Row(point: label, subject: subject.name, nsPerOp: Self.geometricMean(mine),
                                    estimate: estimate, note: nil))
                }
            }
            }
        }

        let provenance = ProvenanceCollector.collect(backend: BackendChoice(requested: .none, backend: .none, reason: "timing only"),
                                                     tsc: nil, command: (["fragbench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                                                     quick: quick, machine: machine)
        let markdown = Self.markdown(rows, rounds: rounds, notes: notes, provenance: provenance,
                                     libraries: Self.allocatorLibraries())
        StandardStreams.out(markdown)
        guard !noSave else { return }
        let name = ResultStore.runName(date: Date(), commit: provenance.gitCommit, dirty: provenance.gitDirty)
        let directory = "\(output)/peers/\(name)"
        try AtomicFile.write(markdown, to: "\(directory)/peers.md")
        try AtomicFile.write(Self.csv(rows), to: "\(directory)/peers.csv")
        StandardStreams.err("peers: \(directory)/peers.md\n")
    }

    struct Row {
        var point: String
        var subject: String
        var nsPerOp: Double?
        var estimate: RatioEstimate?
        var note: String?
    }

    /// The geometric mean of the rounds' figures: the ratio of two subjects' geometric means is
    /// exactly the paired ratio (the geometric mean of the per-round ratios) printed beside it.
    static func geometricMean(_ values: [Double]) -> Double? {
        let logs = values.filter { $0 > 0 && $0.isFinite }.map { Foundation.log($0) }
        guard !logs.isEmpty, logs.count == values.count else { return nil }
        return Foundation.exp(logs.reduce(0, +) / Double(logs.count))
    }

    /// The allocator libraries this machine has, as Debian packages and versions.
    static func allocatorLibraries() -> String? {
        let found = ["libc6", "libjemalloc2*", "libmimalloc2*"].compactMap {
            ProvenanceCollector.shell(["dpkg-query", "-W", "-f=${Package} ${Version}\\n", $0])
        }
        return found.isEmpty ? nil : found.joined(separator: ", ").replacingOccurrences(of: "\n", with: ", ")
    }

    static func markdown(_ rows: [Row], rounds: Int, notes: [String], provenance: Provenance?, libraries: String?) -> String {
        var out = "# FragBench peers: the Swift model against C, glibc malloc, jemalloc, mimalloc and the layouts\n\n"
        if let p = provenance {
            let commit = (p.gitCommit.map { String($0.prefix(12)) } ?? "unknown commit") + (p.gitDirty == true ? " (dirty)" : "")
            out += "| | |\n|---|---|\n"
            out += "| commit | \(commit) |\n| date | \(p.date) |\n| build | \(p.buildConfiguration) |\n"
            out += "| cpu | \(p.cpuModel ?? "unknown")\(p.cpuCount.map { ", \($0) CPUs online" } ?? "") |\n"
            if let host = p.hostName { out += "| host | \(host) |\n" }
            if let load = p.loadAverage { out += "| load average | \(load) (at the start) |\n" }
            out += "| allocator libraries | \(libraries ?? "unknown (dpkg-query found none)") |\n"
            out += "| mode | \(p.quick ? "QUICK: short samples, for smoke tests, not conclusions" : "standard samples") |\n"
            out += "| command | `\(p.command)` |\n\n"
        }
        out += "Each round measures every subject back to back (\(rounds) rounds, interleaved); a round's figure for a subject is its run estimate (the p10 of its undisturbed samples, as `fragbench run` reports). "
        out += "ns/op below is each subject's geometric mean over the rounds; the ratio is subject/swift (below 1: faster than the Swift model), the geometric mean of the per-round ratios, "
        out += "which equals the quotient of the two ns/op shown; its 95% interval is a paired t-interval over the rounds. — means not measured (the reason is in the row).\n\n"
        out += "| point | impl | ns/op (geometric mean of rounds) | ratio vs swift | 95% CI |\n|---|---|---:|---:|---|\n"
        for r in rows {
            let ns = r.nsPerOp.map { NumberFormat.text($0) } ?? "—"
            if let note = r.note {
                out += "| \(r.point) | \(r.subject) | — | — | \(note.replacingOccurrences(of: "|", with: "\\|")) |\n"
            } else if let e = r.estimate {
                out += "| \(r.point) | \(r.subject) | \(ns) | \(NumberFormat.fixed(e.ratio, 3)) | \(NumberFormat.fixed(e.lower, 3))–\(NumberFormat.fixed(e.upper, 3)) |\n"
            } else if r.subject == "swift" {
                out += "| \(r.point) | \(r.subject) | \(ns) | 1 (baseline) | |\n"
            } else {
                out += "| \(r.point) | \(r.subject) | \(ns) | — | too few rounds with a figure for an interval |\n"
            }
        }
        for note in notes { out += "\n- \(note)" }
        return out + "\n"
    }

    static let csvColumns = ["point", "impl", "ns_per_op_geomean", "ratio", "ci_lower", "ci_upper", "rounds", "note"]

    static func csv(_ rows: [Row]) -> String {
        CSV.document(columns: csvColumns, rows: rows.map { r in
            [r.point, r.subject, NumberFormat.fixed(r.nsPerOp, 4), NumberFormat.fixed(r.estimate?.ratio, 5),
             NumberFormat.fixed(r.estimate?.lower, 5), NumberFormat.fixed(r.estimate?.upper, 5),
             NumberFormat.integer(r.estimate?.rounds), r.note ?? ""]
        })
    }
}
