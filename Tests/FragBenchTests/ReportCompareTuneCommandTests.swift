import BenchReport
import Foundation
import Testing
@testable import FragBench
import Lab

/// `fragbench report`, `compare` and `tune --from` end to end on the debug binary.
@Suite(.serialized) struct ReportCompareTuneCommandTests {
    let runner = RunCommandTests()

    func temporaryDirectory() -> String { NSTemporaryDirectory() + "fragbench-rct-\(UUID().uuidString)" }

    /// A small real run, published under a fresh results directory.
    func smallRun() throws -> String {
        let output = temporaryDirectory()
        let result = try runner.run(["run", "--output", output, "--workload", "alloc-only", "--fragsz", "64,256",
                                     "--max-size", "4K,32K"] + RunCommandTests.fast)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return output
    }

    @Test func reportRerendersAStoredRunAndRefusesNonRuns() throws {
        let output = try smallRun()
        let latest = output + "/latest"
        try FileManager.default.removeItem(atPath: latest + "/report.md")
        let result = try runner.run(["report", latest])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let report = try String(contentsOfFile: latest + "/report.md", encoding: .utf8)
        #expect(report.contains("## Charts"))
        #expect(FileManager.default.fileExists(atPath: latest + "/gbench.json"))
        let missing = try runner.run(["report", output + "/nothing-here"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no such directory"), "stderr: \(missing.stderr)")
    }

    @Test func aRunComparedWithItselfIsNoRegressionAndASlowerOneIs() throws {
        let output = try smallRun()
        let same = try runner.run(["compare", output, output])
        #expect(same.status == 0, "stderr: \(same.stderr)")
        #expect(same.stdout.contains("**No regression** in 4 point(s)"))
        #expect(!same.stdout.contains("| faster") && !same.stdout.contains("**slower**"))

        // One point 50% slower in every sample. Its samples are made steady on both sides: a
        // debug run's own samples on a loaded machine can be too spread for any verdict.
        var run = try StoredRun.load(output).run
        let steady = [10.0, 10.1, 9.9, 10.05, 9.95]
        run.points[1].sampleNsPerOp = steady
        run.points[1].nsPerOp = 10
        let base = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try JSONReport.render(run).write(toFile: base + "/run.json", atomically: true, encoding: .utf8)
        run.points[1].nsPerOp = 15
        run.points[1].sampleNsPerOp = steady.map { $0 * 1.5 }
        let slower = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: slower, withIntermediateDirectories: true)
        try JSONReport.render(run).write(toFile: slower + "/run.json", atomically: true, encoding: .utf8)
        let written = temporaryDirectory()
        let result = try runner.run(["compare", base, slower, "--output", written])
        #expect(result.status == 2, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(result.stdout.contains("**REGRESSION: 1 of 4 point(s) slower**"))
        #expect(FileManager.default.fileExists(atPath: written + "/compare.csv"))
        // Rounds: the same run three times on each side.
        let rounds = try runner.run(["compare", "--base-runs", [output, output, output].joined(separator: ","),
                                     "--head-runs", [output, output, output].joined(separator: ",")])
        #expect(rounds.status == 0)
        #expect(rounds.stdout.contains("3 interleaved rounds"))
    }

    /// A comparison that compares nothing, or leaves base points out, is not a pass.
    @Test func comparingRunsThatShareNoPointFails() throws {
        let output = try smallRun()
        let other = temporaryDirectory()
        let result = try runner.run(["run", "--output", other, "--workload", "alloc-only", "--fragsz", "64",
                                     "--max-size", "4K", "--variant", "offset-up"] + RunCommandTests.fast)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let none = try runner.run(["compare", output, other])
        #expect(none.status == 1, "stdout: \(none.stdout)")
        #expect(none.stderr.contains("no point in common"), "stderr: \(none.stderr)")
        // The head lacks three of the base's four points (the one it has is the base's own).
        var run = try StoredRun.load(output).run
        run.points = [run.points[0]]
        let subset = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: subset, withIntermediateDirectories: true)
        try JSONReport.render(run).write(toFile: subset + "/run.json", atomically: true, encoding: .utf8)
        let partial = try runner.run(["compare", output, subset])
        #expect(partial.status == 1, "stdout: \(partial.stdout)")
        #expect(partial.stderr.contains("3 point(s) of the base have no counterpart"), "stderr: \(partial.stderr)")
    }

    @Test func tuneReanalysesAStoredSweep() throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let output = try smallRun()
        var run = try StoredRun.load(output).run
        // Keep fragsz 64: two max sizes, the larger clearly faster but pinning 8 times the memory.
        run.points = run.points.filter { $0.fragsz == 64 }
        run.points[0].peakPinnedBytes = 4096
        run.points[1].peakPinnedBytes = 32768
        // Steady samples: a debug run's own on a loaded machine may be too noisy to recommend on
        // (tune then says so; checked below).
        for (i, centre) in [10.0, 5.0].enumerated() {
            run.points[i].sampleNsPerOp = [1.0, 1.01, 0.99, 1.005, 0.995].map { $0 * centre }
            run.points[i].nsPerOp = centre
            run.points[i].unstable = false
            run.points[i].nsPerOpLow = nil
            run.points[i].nsPerOpHigh = nil
        }
        try JSONReport.render(run).write(toFile: directory + "/points.json", atomically: true, encoding: .utf8)
        let result = try runner.run(["tune", "--from", directory])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let tune = try String(contentsOfFile: directory + "/tune.md", encoding: .utf8)
        #expect(tune.contains("**Recommendation: PAGE_FRAG_CACHE_MAX_SIZE = 4 KiB**"))
        #expect(FileManager.default.fileExists(atPath: directory + "/tune.csv"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).contains { $0.hasSuffix(".svg") })
        let fastest = try runner.run(["tune", "--from", directory, "--objective", "smallest"])
        #expect(fastest.status == 0)
        // Unstable data among settings to rank: no recommendation, and tune says why (with
        // the default objective the unstable setting may be the only candidate, which needs
        // no ranking).
        run.points[0].unstable = true
        try JSONReport.render(run).write(toFile: directory + "/points.json", atomically: true, encoding: .utf8)
        let noisy = try runner.run(["tune", "--from", directory, "--objective", "fastest"])
        #expect(noisy.status == 0)
        #expect(noisy.stdout.contains("No recommendation: the data cannot support one."))
        #expect(!noisy.stdout.contains("**Recommendation"))
        let bad = try runner.run(["tune", "--objective", "cheapest"])
        #expect(bad.status == 64)
        // A bad --fragmented, in tune and in run: one line, exit 64, nothing measured.
        for arguments in [["tune", "--fragmented", "2"], ["tune", "--fragmented", "1:99"], ["tune", "--workload", "pressure", "--fragmented", "1"],
                          ["run", "--workload", "mixed", "--fragmented", "lots"], ["run", "--workload", "alloc-free", "--fragmented", "1"]] {
            let refused = try runner.run(arguments)
            #expect(refused.status == 64, "\(arguments)")
            let lines = refused.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(lines.count == 1 && lines[0].contains("--fragmented"), "\(arguments): \(refused.stderr)")
        }
    }

    /// Two max sizes, both candidates (objective fastest), one short paired comparison.
    func quickTune(_ output: String, interruptAfterStderr marker: String? = nil) throws -> (RunCommandTests.Result, String) {
        let result = try runner.run(["tune", "--quick", "--allow-debug", "--workload", "mixed", "--page-size", "4K",
                                     "--max-size", "4K,32K", "--objective", "fastest", "--samples", "3", "--min-sample-ms", "0.2",
                                     "--pair-budget", "2", "--output", output], interruptAfterStderr: marker)
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []
        return (result, output + "/" + (runs.first ?? "no-tune-directory"))
    }

    @Test func aQuickTunePairsItsCandidatesAndFromReproducesIt() throws {
        let (result, directory) = try quickTune(temporaryDirectory())
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let tune = try String(contentsOfFile: directory + "/tune.md", encoding: .utf8)
        let pairs = try TuningPairs.parse(String(contentsOfFile: directory + "/paired.json", encoding: .utf8), path: "paired.json")
        let compared = try #require(pairs.comparisons.first)
        #expect(compared.estimate != nil, "not compared: \(compared.missing ?? "")")
        #expect(Set([compared.base, compared.head]) == [4096, 32768])
        #expect(tune.contains("- max \(NumberFormat.bytes(compared.head)) vs max \(NumberFormat.bytes(compared.base)): ratio "))
        #expect(tune.contains(" pairs in \(compared.sessions) sessions"))
        #expect(tune.contains("Paired phase: ") && tune.contains("Paired rows: "))
        // Each paired side named the very point its run measured.
        let run = try JSONReport.parse(String(contentsOfFile: directory + "/points.json", encoding: .utf8), path: "points.json")
        for point in run.points {
            let side = try #require(try TunePlan.point(workload: point.workload, pageSize: point.pageSize, maxSize: point.maxSize, choices: .init()))
            #expect(TunePairing.mismatch(side, point) == nil)
        }

        let csv = try String(contentsOfFile: directory + "/tune.csv", encoding: .utf8)
        try FileManager.default.removeItem(atPath: directory + "/tune.md")
        let again = try runner.run(["tune", "--from", directory, "--objective", "fastest"])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(!again.stderr.contains("tune: pairing") && !again.stderr.contains("tune: mixed on"), "--from measures nothing")
        #expect(try String(contentsOfFile: directory + "/tune.md", encoding: .utf8) == tune)
        #expect(try String(contentsOfFile: directory + "/tune.csv", encoding: .utf8) == csv)

        let ignored = try runner.run(["tune", "--from", directory, "--objective", "fastest", "--pair-budget", "0"])
        #expect(ignored.status == 0 && ignored.stdout.contains("Paired evidence not used (--pair-budget 0)"))
        #expect(!ignored.stdout.contains("Paired rows: "))
        try "{\"format\": \"fragbench-tune-paired\", \"version\": 1, \"comparisons\": 3}".write(
            toFile: directory + "/paired.json", atomically: true, encoding: .utf8)
        let broken = try runner.run(["tune", "--from", directory])
        #expect(broken.status == 1, "stderr: \(broken.stderr)")
        #expect(broken.stderr.contains("paired.json is not a readable paired.json"), "stderr: \(broken.stderr)")
    }

    @Test func ctrlCDuringThePairingKeepsTheRuns() throws {
        let (result, directory) = try quickTune(temporaryDirectory(), interruptAfterStderr: "tune: pairing")
        #expect(result.status == 130, "stderr: \(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory + "/points.json"))
        let pairs = try TuningPairs.parse(String(contentsOfFile: directory + "/paired.json", encoding: .utf8), path: "paired.json")
        #expect(pairs.interrupted)
        #expect(pairs.comparisons.allSatisfy { $0.estimate == nil })
        let tune = try String(contentsOfFile: directory + "/tune.md", encoding: .utf8)
        #expect(tune.contains("Interrupted (Ctrl-C)"))
        #expect(tune.contains("| 4 KiB") && tune.contains("| 32 KiB"), "the runs' rows are kept")
    }
}
