import Foundation
import Testing

/// `fragbench probe` end to end on the debug binary: a short probe, its CSV, and what it refuses.
@Suite(.serialized) struct ProbeCommandTests {
    let runner = RunCommandTests()

    @Test func aShortProbeSaysItsSharesAndWritesItsWindows() throws {
        let csv = NSTemporaryDirectory() + "fragbench-probe-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: csv) }
        let result = try runner.run(["probe", "--seconds", "0.2", "--window-ms", "2", "--csv", csv])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("memory loop slow (more than 10% above its baseline) in"), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("arithmetic control median"))
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline)
        #expect(lines.first == "start_ns,memory_ns_per_step,arithmetic_ns_per_step,slow")
        #expect(lines.count >= 3)

        // The CSV is there now: a second probe must not overwrite it, and measures nothing.
        let again = try runner.run(["probe", "--seconds", "0.2", "--csv", csv])
        #expect(again.status != 0 && again.stderr.contains("already there"), "stderr: \(again.stderr)")
        #expect(try String(contentsOfFile: csv, encoding: .utf8) == text)
    }

    @Test func badValuesAreOneLineAndExit64() throws {
        for bad in [["--seconds", "0"], ["--seconds", "x"], ["--window-ms", "0"], ["--cpu", "-1"], ["--csv", ""]] {
            let result = try runner.run(["probe"] + bad)
            #expect(result.status == 64, "\(bad): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(bad): \(result.stderr)")
        }
        let nowhere = try runner.run(["probe", "--seconds", "0.1", "--csv", "/nonexistent-dir/x.csv"])
        #expect(nowhere.status != 0 && nowhere.stderr.contains("no directory"), "stderr: \(nowhere.stderr)")
    }
}
