import BenchReport
import Foundation
import Lab
import Measure
import Testing
@testable import FragBench

/// `fragbench profile` and `fragbench history` end to end on the debug binary: bad input is
/// one line and an exit code, and leaves the results directory as it was.
@Suite(.serialized) struct ProfileHistoryCommandTests {
    let runner = RunCommandTests()
    static let point = "alloc-free/page:4096/max:32768/fragsz:64/align:1/depth:256"

    static func onPath(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }

    /// Every path under `root`, for "nothing on disk changed".
    func tree(_ root: String) -> [String] {
        (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
    }

    @Test func aPointThatMatchesNothingIsAUsageError() throws {
        let output = runner.temporaryDirectory()
        let result = try runner.run(["profile", "alloc-free/no-such-point", "--output", output])
        #expect(result.status == 64)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("'alloc-free/no-such-point' is not a point of the gate, default or quick preset"))
        #expect(!FileManager.default.fileExists(atPath: output))
        let against = try runner.run(["profile", Self.point, "--against", "nothing-like-this", "--output", output])
        #expect(against.status == 64)
        #expect(against.stderr.contains("--against 'nothing-like-this' is neither a point"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test(.enabled(if: Self.onPath("valgrind") && ProcessInfo.processInfo.environment["FRAGBENCH_SANITIZER"] == nil,
                   "needs valgrind, and a binary without a sanitizer (make sanitize sets FRAGBENCH_SANITIZER)"))
    func theExactSplitSumsToTheGatesCount() throws {
        let output = runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try runner.run(["profile", Self.point, "--no-perf", "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("(100.0% of the total); the exact gate's own count of this point is"))
        #expect(result.stdout.contains("(split +0.00% from it)") || result.stdout.contains("(split -0.00% from it)"), "\(result.stdout.split(separator: "\n").filter { $0.contains("instructions per operation") })")
        #expect(result.stdout.contains("Not sampled: --no-perf."))
        let runs = tree(output + "/profile")
        #expect(runs.contains { $0.hasSuffix("/flame-callgrind.svg") } && runs.contains { $0.hasSuffix("/callgrind.folded") })
    }

    static var perfMaySample: Bool {
        onPath("perf") && (getuid() == 0 || (PerfSettings.paranoid() ?? 3) <= 2)
            && ProcessInfo.processInfo.environment["FRAGBENCH_SANITIZER"] == nil
    }

    /// perf's samples name the timed loop: the point runs in the process perf started, from
    /// the file perf reads symbols from (run's default visit processes each ran from a deleted
    /// copy of the binary, and every sample landed in "[fragbench-exec-…]").
    @Test(.enabled(if: Self.perfMaySample, "needs perf allowed to sample this user's processes, and no sanitizer"))
    func sampledTimeLandsInTheTimedLoopOfThePoint() throws {
        let binary = try #require(RunCommandTests.binary, "build fragbench first (make test does)")
        let point = try #require(ProfilePoint.find(Self.point, options: nil))
        #expect(ProfileRun.sampledRunCommand(binary: binary.path, arguments: point.runArguments).contains("--one-process"))
        let scratch = runner.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let sampled = try ProfileRun.sampled(binary: binary.path, arguments: point.runArguments + ["--allow-debug"],
                                             scratch: scratch).get()
        #expect(sampled.scope.contains("inside the workload's timed batches (runBatch)"), "\(sampled.scope)")
        let frames = sampled.stacks.keys.flatMap { $0.split(separator: ";") }
        #expect(frames.contains { $0.contains("FragmentAllocator.cycle") || $0.contains("freeFragment") || $0.contains("allocVA") },
                "\(Set(frames).prefix(20))")
        #expect(!frames.contains { $0.contains("fragbench-exec-") })
    }

    func writeHistory(_ text: String) throws -> String {
        let output = runner.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try text.write(toFile: output + "/history.csv", atomically: true, encoding: .utf8)
        return output
    }

    @Test func aMissingEmptyOrForeignHistoryIsOneLineAndChangesNothing() throws {
        let missing = runner.temporaryDirectory()
        let none = try runner.run(["history", "--output", missing])
        #expect(none.status == 1)
        #expect(none.stderr == "Error: no history at \(missing)/history.csv (make bench writes it)\n")
        #expect(!FileManager.default.fileExists(atPath: missing))

        for (text, message) in [("", "has no rows"), ("a,b\n1,2\n", "is not a FragBench history")] {
            let output = try writeHistory(text)
            defer { try? FileManager.default.removeItem(atPath: output) }
            let result = try runner.run(["history", "--output", output])
            #expect(result.status == 1)
            #expect(result.stderr.contains(message) && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(tree(output) == ["history.csv"])
        }
    }

    @Test func aHistoryIsChartedAndItsMovesTabled() throws {
        let output = try writeHistory(HistoryReportTestsFixture.history())
        defer { try? FileManager.default.removeItem(atPath: output) }
        let nothing = try runner.run(["history", "--output", output, "--filter", "^cross-thread"])
        #expect(nothing.status == 64)
        #expect(nothing.stderr.contains("--filter '^cross-thread' matches none of the 1 point(s)"))
        #expect(tree(output) == ["history.csv"])

        let result = try runner.run(["history", "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| instructions | `\(HistoryReportTestsFixture.commit(5).prefix(12))` | 32.7 | 33.7 | +3.06% (+1.0 ins/op) | exact |"))
        let written = tree(output)
        #expect(written.contains { $0.hasPrefix("history/") && $0.hasSuffix("/history.md") })
        #expect(written.contains { $0.hasSuffix("-time.svg") } && written.contains { $0.hasSuffix("-instructions.svg") })
        #expect(written.contains { $0.hasSuffix("/changes.csv") })
    }
}

/// A small history for the command: one point, one machine, +1 instruction/op at commit 5
/// (commits unknown to git, so they stay in the file's order).
enum HistoryReportTestsFixture {
    static func commit(_ n: Int) -> String { String(format: "%040x", n + 0xfeed000) }

    static func history() -> String {
        var text = CSV.row(ResultStore.historyColumns)
        for n in 0 ..< 10 {
            text += HistoryTable.row(["run": "r\(n)", "commit": commit(n), "host": "vm", "ns_per_op": "7.000",
                                      "instructions_per_op": n >= 5 ? "33.700" : "32.700", "counter_source": "callgrind"])
        }
        return text
    }
}
