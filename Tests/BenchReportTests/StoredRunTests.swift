import Foundation
import Testing
@testable import BenchReport

/// `fragbench report DIR` and `fragbench compare A B` read runs back from their directories.
@Suite(.serialized) struct StoredRunTests {
    func publish(_ run: BenchRun) throws -> (ResultStore, String) {
        let root = NSTemporaryDirectory() + "fragbench-stored-\(UUID().uuidString)"
        let store = ResultStore(root: root)
        let directory = try store.publish(name: "r", files: ReportFiles.render(run), historyRows: run.points,
                                          provenance: run.provenance)
        return (store, directory)
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aRunDirectoryHoldsEveryReportersFiles() throws {
        let (_, directory) = try publish(ReportingFixtures.sweep)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["chart-alloc-only-swift-remaining-page4k-align1.svg", "gbench.json", "report.md", "results.csv", "run.json"])
    }

    @Test func reportRerendersAStoredRun() throws {
        let (store, directory) = try publish(ReportingFixtures.sweep)
        let original = read(directory + "/report.md")
        try "stale".write(toFile: directory + "/report.md", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: directory + "/results.csv")
        try "old".write(toFile: directory + "/chart-gone.svg", atomically: true, encoding: .utf8)
        // Through the results root: its latest run.
        let (path, files) = try StoredRun.rerender(store.root)
        #expect(files.contains("report.md") && files.contains("gbench.json") && !files.contains("run.json"))
        #expect(read(path + "/report.md") == original)
        #expect(read(path + "/results.csv") == CSVReport.render(ReportingFixtures.sweep.points))
        #expect(!FileManager.default.fileExists(atPath: path + "/chart-gone.svg"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func missingOrMalformedDirectoriesAreRefusedClearly() throws {
        let nowhere = NSTemporaryDirectory() + "fragbench-none-\(UUID().uuidString)"
        #expect(throws: ResultStoreError.unreadable(nowhere, "no such directory")) { try StoredRun.load(nowhere) }
        try FileManager.default.createDirectory(atPath: nowhere, withIntermediateDirectories: true)
        #expect(throws: ResultStoreError.malformed(nowhere, "no run.json here (nor a latest run under it)")) {
            try StoredRun.load(nowhere)
        }
        try "{\"schemaVersion\": 2, \"points\": 3}".write(toFile: nowhere + "/run.json", atomically: true, encoding: .utf8)
        #expect(throws: ResultStoreError.self) { try StoredRun.rerender(nowhere) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: nowhere) == ["run.json"], "nothing written")
    }

    @Test func aStoredRunComparedWithItselfHasNoRegression() throws {
        let (_, directory) = try publish(ReportingFixtures.sweep)
        let run = try StoredRun.load(directory).run
        let c = Comparison.rounds(base: [run], head: [run], baseLabel: "a", headLabel: "a")
        #expect(c.rows.count == ReportingFixtures.sweep.points.count)
        #expect(c.rows.allSatisfy { $0.verdict == .noDifference })
        #expect(!c.hasRegression)
    }
}

@Suite struct ReporterTests {
    @Test func severalReportersHearTheSameRun() {
        var lines: [String] = []
        var table = ""
        let terminal = TerminalReporter(line: { lines.append($0) }, table: { table = $0 })
        let reporters = Reporters([terminal, CSVReporter(), JSONReporter()])
        let files = reporters.replay(Fixtures.run)
        #expect(Set(files.keys) == ["results.csv", "run.json"])
        #expect(files["results.csv"] == CSVReport.render(Fixtures.run.points))
        #expect(files["run.json"] == JSONReport.render(Fixtures.run))
        #expect(lines.count == 2 + Fixtures.run.points.count)  // context line, one warning, one per point
        #expect(lines.contains { $0.contains("UNSTABLE") })
        #expect(table == MarkdownReport.table(Fixtures.run.points))
    }

    @Test func pinningIsReadOffThePoints() {
        #expect(Provenance.pinningSummary(Fixtures.run.points)
            == "single-threaded points pinned to CPU 1; 1 single-threaded point(s) not pinned; cross-thread: push CPU 0, pop CPU 1")
    }
}
