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
/// the rounds' medians, with a 95% confidence interval (`RatioEstimate.paired`), goes into a
/// markdown table and a CSV under results/peers/<date-commit>/.
struct PeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers",
        abstract: "Swift vs C vs glibc malloc, jemalloc, mimalloc (and the layouts), interleaved, with ratio CIs.",
        discussion: "Example: fragbench peers --workload alloc-only,alloc-free --fragsz 64,2048 --rounds 5"
    )

    @Option(help: "Workloads (page_frag-only ones are reported as not applicable for peers).")
    var workload = "alloc-only,alloc-free,mixed,cross-thread"
    @Option(help: "Fragment sizes.")
    var fragsz = "64,256,2048"
    @Option(help: "Subjects besides swift: implementations, and swift layouts as swift:offset-up.")
    var against = "c,malloc,jemalloc,mimalloc,swift:offset-up,swift:offset-down"
    @Option(help: "Interleaved rounds per point.")
    var rounds = 5
    @Option(help: "Samples per measurement (each round's median is one pair member).")
    var samples = 5
    @Option(help: "cross-thread: fragments per run.")
    var count = 50_000
    @Flag(help: "Short samples (smoke runs).")
    var quick = false
    @Option(help: "Results directory (peers/ is created under it).")
    var output = "results"
    @Flag(name: .customLong("no-save"), help: "Print only.")
    var noSave = false
    @Flag(name: .customLong("allow-debug"), help: "Measure a debug build anyway.")
    var allowDebug = false

    struct Subject: Hashable {
        var impl: Implementation
        var variant: LayoutVariant
        var name: String {
            impl == .swift && variant != .remaining ? "swift:\(variant.rawValue)" : impl.rawValue
        }
    }

    func subjects() throws -> [Subject] {
        var list = [Subject(impl: .swift, variant: .remaining)]
        for item in against.split(separator: ",") {
            let parts = item.split(separator: ":")
            guard let impl = Implementation(rawValue: String(parts[0])) else {
                throw ValidationError("--against '\(item)': not one of \(Implementation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var variant = LayoutVariant.remaining
            if parts.count > 1 {
                guard let v = LayoutVariant(rawValue: String(parts[1])) else {
                    throw ValidationError("--against '\(item)': unknown variant")
                }
                variant = v
            }
            let subject = Subject(impl: impl, variant: variant)
            if !list.contains(subject) { list.append(subject) }
        }
        return list
    }

    func run() throws {
        if Measure.isDebugBuild && !allowDebug {
            throw ValidationFailure("this is a debug build: build with 'swift build -c release' (make peers does), or pass --allow-debug")
        }
        guard rounds >= 2 else { throw ValidationError("--rounds must be at least 2 for a confidence interval") }
        let subjects = try subjects()
        if subjects.contains(where: { $0.impl == .jemalloc }) { StaticTLS.ensureForJemalloc() }
        let kinds = try workload.split(separator: ",").map { name -> WorkloadKind in
            guard let kind = WorkloadKind(rawValue: String(name)) else { throw ValidationError("--workload '\(name)' unknown") }
            return kind
        }
        let sizes = try SizeParsing.sizes(fragsz)
        InterruptFlag.install()

        var sampler = quick ? SamplerConfig.quick : SamplerConfig.standard
        sampler.samples = samples
        let runner = PointRunner(sampler: sampler, pinCPU: CPUAffinity.current())
        let twoCPUs = (CPUAffinity.allowedCount() ?? 1) >= 2

        var rows: [Row] = []
        var notes: [String] = []
        for kind in kinds {
            for size in kind == .mixed ? [sizes[0]] : sizes {
                var base = WorkloadParameters(kind: kind, config: try FragCacheConfig(), fragsz: size, count: count)
                if kind == .crossThread && twoCPUs { base.pushCPU = 0; base.popCPU = 1 }
                let label = kind == .mixed ? "\(kind.rawValue) (imix)" : "\(kind.rawValue) \(size) B"
                var medians: [Subject: [Double]] = [:]
                var skipped: [Subject: String] = [:]
                for round in 0 ..< rounds {
                    for subject in subjects where skipped[subject] == nil {
                        if InterruptFlag.isRaised { throw ExitCode(130) }
                        var p = base
                        p.impl = subject.impl
                        p.variant = subject.variant
                        if let why = p.notApplicableReason { skipped[subject] = why; continue }
                        do {
                            let outcome = try runner.measure(p, counters: nil)
                            if let ns = outcome.result.medianNanosecondsPerOp { medians[subject, default: []].append(ns) }
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
                    rows.append(Row(point: label, subject: subject.name, nsPerOp: Statistics.median(mine),
                                    estimate: estimate, note: nil))
                }
            }
        }

        let markdown = Self.markdown(rows, rounds: rounds, notes: notes)
        StandardStreams.out(markdown)
        guard !noSave else { return }
        let provenance = ProvenanceCollector.collect(backend: BackendChoice(requested: .none, backend: .none, reason: "timing only"),
                                                     tsc: nil, command: (["fragbench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                                                     quick: quick)
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

    static func markdown(_ rows: [Row], rounds: Int, notes: [String]) -> String {
        var out = "Ratios of ns/op against swift (below 1: faster than the Swift model), geometric mean over \(rounds) interleaved rounds, 95% CI.\n\n"
        out += "| point | impl | ns/op | ratio vs swift | 95% CI |\n|---|---|---:|---:|---|\n"
        for r in rows {
            let ns = r.nsPerOp.map { NumberFormat.text($0) } ?? "—"
            if let note = r.note {
                out += "| \(r.point) | \(r.subject) | — | — | \(note) |\n"
            } else if let e = r.estimate {
                out += "| \(r.point) | \(r.subject) | \(ns) | \(String(format: "%.3f", e.ratio)) | \(String(format: "%.3f–%.3f", e.lower, e.upper)) |\n"
            } else {
                out += "| \(r.point) | \(r.subject) | \(ns) | 1 (baseline) | |\n"
            }
        }
        for note in notes { out += "\n- \(note)" }
        return out + "\n"
    }

    static func csv(_ rows: [Row]) -> String {
        func field(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var out = "point,impl,ns_per_op,ratio,ci_lower,ci_upper,rounds,note\r\n"
        for r in rows {
            let cells = [r.point, r.subject, r.nsPerOp.map { String($0) } ?? "", r.estimate.map { String($0.ratio) } ?? "",
                         r.estimate.map { String($0.lower) } ?? "", r.estimate.map { String($0.upper) } ?? "",
                         r.estimate.map { String($0.rounds) } ?? "", r.note ?? ""]
            out += cells.map(field).joined(separator: ",") + "\r\n"
        }
        return out
    }
}
