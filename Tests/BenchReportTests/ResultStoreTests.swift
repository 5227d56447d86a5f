import Foundation
import Testing
@testable import BenchReport

/// The results directory: runs appear whole, history grows by one row per point per run, and
/// an interrupted or failed run leaves everything that was there untouched.
@Suite(.serialized) struct ResultStoreTests {
    func temporaryRoot() -> String {
        let root = NSTemporaryDirectory() + "fragbench-store-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func publishWritesTheRunTheHistoryAndLatest() throws {
        let store = ResultStore(root: temporaryRoot())
        let files = ReportFiles.render(Fixtures.run)
        let first = try store.publish(name: "run-a", files: files, historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        #expect(first.hasSuffix("/runs/run-a"))
        for name in ["results.csv", "report.md", "run.json"] {
            #expect(read(first + "/" + name) == files[name])
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: store.latestPath) == "runs/run-a")
        let history = try #require(read(store.historyPath))
        #expect(history.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1 + Fixtures.run.points.count)
        #expect(history.hasPrefix(ResultStore.historyColumns.joined(separator: ",")))

        // The same name again gets its own directory; history grows, latest moves.
        let second = try store.publish(name: "run-a", files: files, historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        #expect(second.hasSuffix("/runs/run-a-2"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: store.latestPath) == "runs/run-a-2")
        #expect(read(store.historyPath)!.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1 + 2 * Fixtures.run.points.count)
    }

    @Test func aPartialRunTouchesNothingElse() throws {
        let store = ResultStore(root: temporaryRoot())
        try store.publish(name: "good", files: ReportFiles.render(Fixtures.run), historyRows: Fixtures.run.points,
                          provenance: Fixtures.provenance)
        let history = read(store.historyPath)
        let directory = try store.keepPartial(name: "bad", files: ["results.csv": "x"], reason: "interrupted (Ctrl-C)")
        #expect(directory.hasSuffix("/runs/bad-partial"))
        #expect(read(directory + "/PARTIAL")!.contains("interrupted (Ctrl-C)"))
        #expect(read(store.historyPath) == history)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: store.latestPath) == "runs/good")
    }

    @Test func historySurvivesAnInterruptedWrite() throws {
        let store = ResultStore(root: temporaryRoot())
        try store.publish(name: "good", files: ReportFiles.render(Fixtures.run), historyRows: Fixtures.run.points,
                          provenance: Fixtures.provenance)
        let before = try #require(read(store.historyPath))
        struct Killed: Error {}
        // Only this store's history: other suites write their own stores in parallel.
        let target = store.historyPath
        AtomicFile.beforeRename = { path in if path == target { throw Killed() } }
        defer { AtomicFile.beforeRename = nil }
        #expect(throws: Killed.self) {
            try store.publish(name: "doomed", files: ReportFiles.render(Fixtures.run), historyRows: Fixtures.run.points,
                              provenance: Fixtures.provenance)
        }
        #expect(read(store.historyPath) == before)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: store.latestPath) == "runs/good")
        let entries = try FileManager.default.contentsOfDirectory(atPath: store.runsDirectory)
        #expect(entries == ["good"], "no half-published run and no staging left behind")
        let rootEntries = try FileManager.default.contentsOfDirectory(atPath: store.root).sorted()
        #expect(rootEntries == ["history.csv", "latest", "runs"], "no temporary files left behind")
    }

    @Test func aHistoryWithOtherColumnsIsSetAsideNotClobbered() throws {
        let store = ResultStore(root: temporaryRoot())
        let old = "run,date,commit,workload\r\nr0,2026-01-01,abc,alloc-only\r\n"
        try old.write(toFile: store.historyPath, atomically: true, encoding: .utf8)
        let publication = try store.publishReporting(name: "r", files: ReportFiles.render(Fixtures.run),
                                                     historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        #expect(publication.notes.count == 1)
        #expect(read(store.root + "/history-before-r.csv") == old)
        let history = try #require(read(store.historyPath))
        #expect(history.hasPrefix(ResultStore.historyColumns.joined(separator: ",")))
        #expect(history.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1 + Fixtures.run.points.count)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: store.latestPath) == "runs/r")
    }

    @Test func runNamesCarryDateCommitAndDirtiness() {
        let date = Date(timeIntervalSince1970: 1_764_072_000)  // 2025-11-25T12:00:00Z
        #expect(ResultStore.runName(date: date, commit: "0123456789abcdef", dirty: true) == "20251125T120000Z-0123456789ab-dirty")
        #expect(ResultStore.runName(date: date, commit: nil, dirty: nil) == "20251125T120000Z-nocommit")
    }
}
