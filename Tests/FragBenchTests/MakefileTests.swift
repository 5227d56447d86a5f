import Foundation
import Testing

/// What the Makefile's targets run, read with `make -n` (nothing is built or measured).
@Suite struct MakefileTests {
    func dryRun(_ arguments: [String]) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
        return try ChildProcess.run("/usr/bin/env", ["make", "-n", "-C", root.path] + arguments, capture: .standardOutput).text
    }

    @Test func tuneHonoursQuick() throws {
        let quick = try dryRun(["tune", "QUICK=1"])
        #expect(quick.contains("fragbench tune") && quick.contains("--quick"))
        #expect(!(try dryRun(["tune"])).contains("--quick"))
    }

    @Test func tunePassesFragmentedOnlyWhenGiven() throws {
        let line = try dryRun(["tune", "WORKLOAD=mixed", "FRAGMENTED=1:2"]).split(separator: "\n").first { $0.contains("fragbench tune") } ?? ""
        #expect(line.contains("--fragmented '1:2'") && line.contains("--workload mixed"), "\(line)")
        #expect(!(try dryRun(["tune"])).contains("--fragmented"))
    }

    @Test func compareEchoesOnlyTheSettingsGiven() throws {
        let line = try dryRun(["compare", "BASE=HEAD"]).split(separator: "\n").first { $0.contains("scripts/compare.sh") } ?? ""
        #expect(!line.contains("THRESHOLD=") && !line.contains("ROUNDS=") && !line.contains("PRESET="), "\(line)")
        let given = try dryRun(["compare", "BASE=HEAD", "ROUNDS=3"])
        #expect(given.contains("ROUNDS=3 "))
    }

    @Test func benchRunsEachVisitInItsOwnProcessExceptUnderCallgrind() throws {
        let bench = try dryRun(["bench"]).split(separator: "\n").first { $0.contains("fragbench run") } ?? ""
        #expect(bench.contains("--process-per-visit"), "\(bench)")
        let callgrind = try dryRun(["bench", "COUNTERS=callgrind"]).split(separator: "\n").first { $0.contains("fragbench run") } ?? ""
        #expect(callgrind.contains("--counters callgrind") && !callgrind.contains("--process-per-visit"), "\(callgrind)")
        let peers = try dryRun(["peers", "BUDGET=4"]).split(separator: "\n").first { $0.contains("fragbench peers") } ?? ""
        #expect(peers.contains("--budget 4") && !peers.contains("--rounds"), "\(peers)")
    }

    @Test func reproduceBuildsReleaseAndPassesOnlyTheSettingsGiven() throws {
        let plain = try dryRun(["reproduce"]).split(separator: "\n").first { $0.contains("fragbench reproduce") } ?? ""
        #expect(plain.hasSuffix(".build/release/fragbench reproduce     --output results"), "\(plain)")
        let given = try dryRun(["reproduce", "BUDGET=5", "QUICK=1", "FILTER=^part1-"]).split(separator: "\n")
            .first { $0.contains("fragbench reproduce") } ?? ""
        #expect(given.contains("--budget 5 --quick") && given.contains("--filter '^part1-'"), "\(given)")
    }
}
