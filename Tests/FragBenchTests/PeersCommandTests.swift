import BenchReport
import Foundation
import Testing
import Measure
import Workloads
@testable import FragBench
import Lab

/// peers.md: a title, where it was measured, full point labels, both sides' figures from the
/// same pairs beside the paired ratio, and a reason wherever a figure is missing.
@Suite struct PeersCommandTests {
    func rows() -> [PeersCommand.Row] {
        let label = "alloc-only, 4 KiB pages, max 32 KiB, fragsz 64 B"
        let estimate = RatioEstimate(ratio: 0.82, lower: 0.80, upper: 0.84, rounds: 120, method: "paired samples")
        return [
            PeersCommand.Row(point: label, subject: "c", nsPerOp: 8.2, swiftNsPerOp: 10.0, estimate: estimate,
                             verdict: Verdict.judge(estimate, threshold: 0.02), pairing: "120 pairs in 8 sessions, resolution ±2.5%"),
            PeersCommand.Row(point: label, subject: "jemalloc", note: "libjemalloc.so.2 cannot be loaded"),
        ]
    }

    @Test func peersMarkdownHasATitleProvenanceAndFullLabels() {
        var provenance = Provenance.unknown
        provenance.gitCommit = "0123456789abcdef"
        provenance.cpuModel = "Intel Xeon"
        provenance.cpuCount = 2
        provenance.quick = true
        let text = PeersCommand.markdown(rows(), threshold: 2, budget: 8, notes: ["interrupted: only the rows above were measured"],
                                         provenance: provenance, libraries: "libc6 2.36-9, libjemalloc2 5.3.0-1")
        #expect(text.hasPrefix("# FragBench peers: "))
        #expect(text.contains("| commit | 0123456789ab |"))
        #expect(text.contains("| cpu | Intel Xeon, 2 CPUs online |"))
        #expect(text.contains("| allocator libraries | libc6 2.36-9, libjemalloc2 5.3.0-1 |"))
        #expect(text.contains("| mode | QUICK"))
        #expect(text.contains("| alloc-only, 4 KiB pages, max 32 KiB, fragsz 64 B | c | 8.20 | 10.0 | 0.820 | 0.800–0.840 | faster | 120 pairs in 8 sessions, resolution ±2.5% |"))
        #expect(text.contains("paired with the Swift model sample by sample"))
        #expect(text.contains("| jemalloc | — | — | — | libjemalloc.so.2 cannot be loaded |"))
        #expect(text.contains("- interrupted: only the rows above were measured"))
        #expect(!text.contains("0 B"))
    }

    @Test func peersCSVGoesThroughTheOneWriter() {
        let csv = PeersCommand.csv(rows())
        #expect(csv.hasPrefix(CSV.row(PeersCommand.csvColumns)))
        #expect(csv.contains("\"alloc-only, 4 KiB pages, max 32 KiB, fragsz 64 B\",c,8.2000,10.0000,0.82000,0.80000,0.84000,120,faster,"))
        #expect(csv.contains("\"alloc-only, 4 KiB pages, max 32 KiB, fragsz 64 B\",jemalloc,,,,,,,,,libjemalloc.so.2 cannot be loaded\r\n"))
    }
}

/// `fragbench peers` end to end on the debug binary: every applicable subject is paired with
/// the Swift model by workers of the same binary, a subject that does not apply gets its
/// reason, and every pair lands in pairs.csv.
@Suite(.serialized) struct PeersPairingTests {
    let runner = RunCommandTests()

    @Test func everySubjectIsPairedWithTheSwiftModel() throws {
        let output = NSTemporaryDirectory() + "fragbench-peers-\(UUID().uuidString)"
        let result = try runner.run([
            "peers", "--allow-debug", "--quick", "--budget", "1", "--workload", "alloc-free", "--fragsz", "64",
            "--against", "c,swift:offset-down,swift:bulk", "--arena", "16M", "--output", output,
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let directories = try FileManager.default.contentsOfDirectory(atPath: output + "/peers")
        let directory = output + "/peers/" + (try #require(directories.first))
        let markdown = try String(contentsOfFile: directory + "/peers.md", encoding: .utf8)
        // Each row and its pairs are named by the subject's point as `fragbench list` names it.
        let names = ["c": "alloc-free<c>/page:4096/max:32768/fragsz:64/align:1/depth:256",
                     "swift:offset-down": "alloc-free[offset-down]/page:4096/max:32768/fragsz:64/align:1/depth:256",
                     "swift:bulk": "alloc-free/page:4096/max:32768/fragsz:64/align:1/api:bulk/bulk:16/depth:256"]
        for (subject, name) in names {
            let row = markdown.components(separatedBy: "\n").first { $0.hasPrefix("| \(name) | \(subject) |") }
            let line = try #require(row, "no row for \(subject)")
            #expect(line.contains("pairs in") && line.contains("sessions"), "\(line)")
        }
        let pairs = try String(contentsOfFile: directory + "/pairs.csv", encoding: .utf8).components(separatedBy: "\r\n")
        for (subject, name) in names {
            #expect(pairs.filter { $0.hasPrefix(name + ",") }.count >= 12, "pairs of \(subject)")
        }
        let csv = try String(contentsOfFile: directory + "/peers.csv", encoding: .utf8)
        #expect(names.values.allSatisfy { csv.contains("\r\n" + $0 + ",") })
    }

    /// --align pairs the aligned path too: one point per alignment, named so, each side with
    /// the alignment in its options.
    @Test func alignmentsArePointsOfTheirOwn() throws {
        let command = try PeersCommand.parse(["--workload", "alloc-only", "--fragsz", "64", "--against", "c", "--align", "1,64"])
        let planned = try command.comparisons()
        #expect(planned.count == 2)
        #expect(planned.map(\.point.label) == ["alloc-only, 4 KiB pages, max 32 KiB, fragsz 64 B",
                                               "alloc-only, 4 KiB pages, max 32 KiB, fragsz 64 B, align 64"])
        #expect(try #require(planned.last?.parameters).align == 64)
        #expect(planned.last?.point.swift.align == 64)
    }

    /// Peers builds its points directly, without a command line; each is the point `run`
    /// measures with the options that describe it (what peers once parsed), default included.
    @Test func eachPointIsTheOneRunMeasuresWithTheSameOptions() throws {
        let command = try PeersCommand.parse(["--workload", "alloc-only,alloc-free,mixed,cross-thread,prepare-commit,free-only",
                                              "--fragsz", "2048,64", "--align", "1,64", "--max-size", "4K,128K", "--bulk", "8",
                                              "--against", "c,mimalloc,swift:offset-up,swift:local-free,swift:bulk,swift:v6.13"])
        let twoCPUs = (CPUAffinity.allowedCount() ?? 1) >= 2
        func runOptions(_ p: WorkloadParameters, impl: Implementation = .swift, variant: LayoutVariant = .remaining,
                        api: FragAPI = .kernel) -> [String] {
            var options = ["--workload", p.kind.rawValue, "--page-size", String(p.config.pageSize), "--max-size", String(p.config.maxSize),
                           "--arena", "64M", "--count", "50000", "--bulk", "8", "--align", String(p.align),
                           "--impl", impl.rawValue, "--variant", variant.rawValue, "--api", api.rawValue]
            if p.kind != .mixed { options += ["--fragsz", String(p.fragsz)] }
            if p.kind == .crossThread && twoCPUs { options += ["--push-cpu", "0", "--pop-cpu", "1"] }
            return options
        }
        let planned = try command.comparisons()
        #expect(planned.count == (5 * 2 + 1) * 2 * 2 * 6, "six workloads, mixed with one size: \(planned.count)")
        var measured = 0
        for item in planned {
            #expect(try SelfPairing.point(runOptions(item.point.swift)) == item.point.swift, "\(item.point.label)")
            guard let parameters = item.parameters else { continue }
            measured += 1
            let options = runOptions(item.point.swift, impl: item.subject.impl, variant: item.subject.variant, api: item.subject.api)
            #expect(try SelfPairing.point(options) == parameters, "\(item.point.label) \(item.subject.name)")
        }
        #expect(measured > planned.count / 2, "most subjects apply: \(measured) of \(planned.count)")
    }

    @Test func aSubjectThatDoesNotApplySaysWhyAndBadOptionsAreRefused() throws {
        let output = NSTemporaryDirectory() + "fragbench-peers-\(UUID().uuidString)"
        let result = try runner.run([
            "peers", "--allow-debug", "--quick", "--budget", "1", "--workload", "alloc-free", "--fragsz", "64",
            "--against", "swift:offset-down", "--no-save", "--output", output,
        ].map { $0 == "alloc-free" ? "prepare-commit" : $0 })
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("| prepare-commit[offset-down]/page:4096/max:32768/fragsz:64/align:1/depth:256 | swift:offset-down | — | — | — |"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: output), "--no-save writes nothing")
        for (args, message) in [(["--budget", "0"], "--budget"), (["--threshold", "nan"], "--threshold"),
                                (["--against", "tcmalloc"], "--against"), (["--arena", "1K"], "arena"),
                                (["--max-size", "0"], "--max-size 0 must be at least 1"),
                                (["--align", "3"], "--align 3 is not a power of two")] {
            let refused = try runner.run(["peers", "--allow-debug"] + args)
            #expect(refused.status == 64, "\(args): \(refused.stderr)")
            #expect(refused.stderr.contains(message), "\(args): \(refused.stderr)")
        }
    }
}

@Suite struct PeersAPISubjectsTests {
    @Test func theAPIExperimentsAreSubjects() throws {
        let command = try PeersCommand.parse(["--against", "mimalloc,swift:local-free,swift:bulk,swift:offset-up", "--max-size", "32K,128K"])
        let subjects = try command.subjects()
        #expect(subjects.map(\.name) == ["swift", "mimalloc", "swift:local-free", "swift:bulk", "swift:offset-up"])
        #expect(subjects[2].api == .localFree && subjects[2].variant == .remaining)
        #expect(try command.configs().map(\.maxSize) == [32768, 131072])
        #expect(throws: (any Error).self) { try PeersCommand.parse(["--against", "mimalloc:bulk"]).subjects() }
    }
}
