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

    struct Injected: Error {}

    /// An I/O failure at any step before the commit publishes nothing and leaves nothing behind.
    @Test(arguments: [PublicationStep.staging, .staged, .locked, .pending, .historyTemp])
    func aFailureBeforeTheCommitPublishesNothing(at failing: PublicationStep) throws {
        var store = ResultStore(root: temporaryRoot())
        try store.publish(name: "good", files: ReportFiles.render(Fixtures.run), historyRows: Fixtures.run.points,
                          provenance: Fixtures.provenance)
        let before = try #require(read(store.historyPath))
        store.fault = { step in if step == failing { throw Injected() } }
        #expect(throws: Injected.self) {
            try store.publish(name: "doomed", files: ReportFiles.render(Fixtures.run), historyRows: Fixtures.run.points,
                              provenance: Fixtures.provenance)
        }
        #expect(read(store.historyPath) == before)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: store.latestPath) == "runs/good")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.runsDirectory) == ["good"],
                "no half-published run and no staging left behind")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).sorted() == [".lock", "history.csv", "latest", "runs"],
                "no temporary files left behind")
    }

    /// After the commit the run is published whatever fails; what could not be done is said,
    /// and the next run finishes it: its rows once in the history, no pending rows left.
    @Test(arguments: [PublicationStep.renamed, .history, .latestTemp, .latest, .published])
    func aFailureAfterTheCommitIsFinishedByTheNextRun(at failing: PublicationStep) throws {
        var store = ResultStore(root: temporaryRoot())
        try store.publish(name: "good", files: ReportFiles.render(Fixtures.run), historyRows: Fixtures.run.points,
                          provenance: Fixtures.provenance)
        store.fault = { step in if step == failing { throw Injected() } }
        let faulted = try store.publishReporting(name: "faulted", files: ReportFiles.render(Fixtures.run),
                                                 historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        #expect(faulted.directory.hasSuffix("/runs/faulted"))
        #expect(faulted.notes.count == (failing == .published ? 0 : 1), "\(faulted.notes)")
        store.fault = nil
        let next = try store.publishReporting(name: "next", files: ReportFiles.render(Fixtures.run),
                                              historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        let history = try #require(read(store.historyPath))
        for run in ["good", "faulted", "next"] {
            let rows = history.components(separatedBy: "\r\n").filter { $0.hasPrefix(run + ",") }
            #expect(rows.count == Fixtures.run.points.count, "\(run)")
        }
        #expect(!FileManager.default.fileExists(atPath: faulted.directory + "/.pending-history.csv"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: store.latestPath) == "runs/next")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).sorted() == [".lock", "history.csv", "latest", "runs"])
        // What stopped before the journal was removed is finished by the next run, and said.
        let finished = next.notes.contains { $0.contains("finished publishing \(faulted.directory)") }
        #expect(finished == [.renamed, .history, .latest].contains(failing), "\(next.notes)")
    }

    /// `latest` made a directory (or a file) by hand: the run is published, whole, and only
    /// `latest` is left alone, with a note saying so. One run, one state.
    @Test(arguments: ["directory", "file"])
    func aLatestThatIsNotASymlinkIsLeftAloneAndSaidSo(kind: String) throws {
        let store = ResultStore(root: temporaryRoot())
        if kind == "directory" {
            try FileManager.default.createDirectory(atPath: store.latestPath + "/mine", withIntermediateDirectories: true)
        } else {
            try "mine\n".write(toFile: store.latestPath, atomically: false, encoding: .utf8)
        }
        let publication = try store.publishReporting(name: "r", files: ReportFiles.render(Fixtures.run),
                                                     historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        #expect(publication.directory.hasSuffix("/runs/r"))
        #expect(publication.notes.count == 1)
        #expect(publication.notes.first?.contains("\(store.latestPath) is a \(kind == "directory" ? "directory" : "regular file")") == true)
        #expect(publication.notes.first?.contains("does not point to this run (runs/r)") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.runsDirectory) == ["r"], "no partial copy")
        #expect(read(store.historyPath)!.components(separatedBy: "\r\n").filter { $0.hasPrefix("r,") }.count == Fixtures.run.points.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).sorted() == [".lock", "history.csv", "latest", "runs"],
                "no .latest.tmp left")
        if kind == "directory" {
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.latestPath) == ["mine"])
        } else {
            #expect(read(store.latestPath) == "mine\n")
        }
    }

    /// A staging directory is removed by the next run only when no live process holds it.
    @Test func onlyAbandonedStagingIsRemoved() throws {
        let store = ResultStore(root: temporaryRoot())
        let live = try Staging.create(in: store, label: "live")
        try live.write(["a.txt": "a"], store: store)
        // A dead writer's: no one holds its lock (as after kill -9: the kernel dropped it).
        let dead = store.runsDirectory + "/.staging-dead-1-0"
        try FileManager.default.createDirectory(atPath: dead, withIntermediateDirectories: true)
        try "half".write(toFile: dead + "/report.md", atomically: false, encoding: .utf8)
        let first = try store.publishReporting(name: "r", files: ["a.txt": "a"], historyRows: [], provenance: Fixtures.provenance)
        #expect(first.notes.contains { $0.contains("removed 1 staging directory") })
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live.path + "/a.txt"), "a live writer's staging is kept")
        live.lock.release()
        try store.publish(name: "r", files: ["a.txt": "a"], historyRows: [], provenance: Fixtures.provenance)
        #expect(!FileManager.default.fileExists(atPath: live.path), "once its writer is gone it is removed")
    }

    /// Run names are never reused, even when a run's directory was deleted by hand.
    @Test func aNameTheHistoryKnowsIsNotReused() throws {
        let store = ResultStore(root: temporaryRoot())
        let first = try store.publish(name: "r", files: ReportFiles.render(Fixtures.run), historyRows: Fixtures.run.points,
                                      provenance: Fixtures.provenance)
        try FileManager.default.removeItem(atPath: first)
        let second = try store.publish(name: "r", files: ReportFiles.render(Fixtures.run), historyRows: Fixtures.run.points,
                                       provenance: Fixtures.provenance)
        #expect(second.hasSuffix("/runs/r-2"))
    }

    @Test func aHistoryWithOtherColumnsIsSetAsideNotClobbered() throws {
        let store = ResultStore(root: temporaryRoot())
        let old = "run,date,commit,workload\r\nr0,2026-01-01,abc,alloc-only\r\n"
        try old.write(toFile: store.historyPath, atomically: true, encoding: .utf8)
        let publication = try store.publishReporting(name: "r", files: ReportFiles.render(Fixtures.run),
                                                     historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        #expect(publication.notes == ["\(store.historyPath) had other columns (an older format, or not FragBench's): kept as \(store.root)/history-before-r.csv, new history started"])
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
