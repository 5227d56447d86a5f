import Foundation
import Testing
@testable import BenchReport

/// A history.csv that does not end in a complete record (cut by a full disk, a killed editor,
/// a bad copy) is never appended to: it is kept aside byte for byte, its complete rows carry
/// over, and a note names the file under the results directory actually used.
@Suite struct ResultStoreHistoryTests {
    /// A results directory under a name other than `results`, so notes must name the real path.
    func storeWithTwoRuns() throws -> (ResultStore, String) {
        let root = NSTemporaryDirectory() + "fragbench-history-\(UUID().uuidString)/elsewhere"
        let store = ResultStore(root: root)
        for name in ["a", "b"] {
            try store.publish(name: name, files: ReportFiles.render(Fixtures.run), historyRows: Fixtures.run.points,
                              provenance: Fixtures.provenance)
        }
        return (store, try #require(read(store.historyPath)))
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    func records(_ text: String) -> [CSVRecords.Record] { CSVRecords.parse(text) }

    /// The damage, the complete data rows left, the run whose rows it hit, and the note's reason.
    static let damages: [(String, @Sendable (String) -> String, Int, String, String)] = [
        ("last line cut", { String($0.utf8.dropLast(40))! }, 5, "b", "its last line is cut (no final line break)"),
        ("no final line break", { String($0.dropLast(1)) }, 5, "b", "its last line is cut (no final line break)"),
        // Cut inside the quoted parameters field of run b's second point.
        ("unbalanced quote", { text in
            let marker = "b,2026-11-25T12:00:00Z"
            let rowStart = text.range(of: marker, options: .backwards)!.lowerBound
            let secondOfB = text[..<rowStart].range(of: marker, options: .backwards)!.lowerBound
            let quote = text[secondOfB...].firstIndex(of: "\"")!
            return String(text[..<text.index(after: quote)]) + "uniform:64"
        }, 4, "b", "its last record is cut inside a quoted field"),
        ("a row with missing fields", { text in
            var lines = text.components(separatedBy: "\r\n")
            lines[2] = lines[2].components(separatedBy: ",").prefix(5).joined(separator: ",")
            return lines.joined(separator: "\r\n")
        }, 5, "a", "1 row(s) with other than \(ResultStore.historyColumns.count) fields"),
    ]

    /// The damaged file is kept aside; the run it hit has its rows rebuilt from its run.json,
    /// so the new history is exactly the sound one plus the new run.
    @Test(arguments: 0 ..< ResultStoreHistoryTests.damages.count)
    func aDamagedHistoryIsSetAsideAndRepaired(damage index: Int) throws {
        let (label, damage, surviving, hit, reason) = Self.damages[index]
        let (store, history) = try storeWithTwoRuns()
        let damaged = damage(history)
        #expect(damaged != history, "\(label)")
        try Data(damaged.utf8).write(to: URL(fileURLWithPath: store.historyPath))

        let publication = try store.publishReporting(name: "c", files: ReportFiles.render(Fixtures.run),
                                                     historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        let aside = store.root + "/history-before-c.csv"
        #expect(read(aside) == damaged, "the damaged file is kept byte for byte")
        #expect(publication.notes == ["\(store.historyPath) was damaged (\(reason)): kept as \(aside); its \(surviving) complete row(s) carried over; the rows of runs/\(hit) rebuilt from run.json"])
        let rows = ResultStore.historyRows(Fixtures.run.points, runName: "c", provenance: Fixtures.provenance)
        #expect(read(store.historyPath) == history + rows)
    }

    /// A row whose run cannot be read back (its directory gone) stays only in the copy.
    @Test func aDamagedRowOfAnUnreadableRunStaysInTheCopy() throws {
        let (store, history) = try storeWithTwoRuns()
        try FileManager.default.removeItem(atPath: store.runsDirectory + "/b")
        try Data(history.utf8.dropLast(40)).write(to: URL(fileURLWithPath: store.historyPath))
        let publication = try store.publishReporting(name: "c", files: ReportFiles.render(Fixtures.run),
                                                     historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        #expect(publication.notes.first?.hasSuffix("its 5 complete row(s) carried over; 1 cut or malformed row(s) only in the copy") == true,
                "\(publication.notes)")
        let parsed = records(try #require(read(store.historyPath)))
        #expect(parsed.count == 1 + 5 + Fixtures.run.points.count)
        #expect(parsed.allSatisfy { $0.complete && $0.fields.count == ResultStore.historyColumns.count })
        let originalRows = Set(history.components(separatedBy: "\r\n"))
        #expect(try #require(read(store.historyPath)).components(separatedBy: "\r\n").dropLast(Fixtures.run.points.count + 1).allSatisfy(originalRows.contains))
    }

    @Test func aSoundHistoryIsAppendedToAsItIs() throws {
        let (store, history) = try storeWithTwoRuns()
        let publication = try store.publishReporting(name: "c", files: ReportFiles.render(Fixtures.run),
                                                     historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        #expect(publication.notes.isEmpty)
        #expect(try #require(read(store.historyPath)).hasPrefix(history))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).filter { $0.hasPrefix("history-before") }.isEmpty)
    }

    /// A run killed between setting the damaged history aside and replacing it leaves a second
    /// name for the same file; the next run reuses that name instead of making a copy.
    @Test func anAsideLeftByAKilledRunIsReused() throws {
        let (store, history) = try storeWithTwoRuns()
        try Data(history.utf8.dropLast(3)).write(to: URL(fileURLWithPath: store.historyPath))
        #expect(link(store.historyPath, store.root + "/history-before-killed.csv") == 0)
        let publication = try store.publishReporting(name: "c", files: ReportFiles.render(Fixtures.run),
                                                     historyRows: Fixtures.run.points, provenance: Fixtures.provenance)
        #expect(publication.notes.first?.contains("kept as \(store.root)/history-before-killed.csv") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).filter { $0.hasPrefix("history-before") } == ["history-before-killed.csv"])
    }

    @Test func recordsSplitOnLineBreaksOutsideQuotesOnly() {
        let parsed = records("a,\"b,\"\"c\"\"\r\nd\",e\r\nf,g\nh,\"i")
        #expect(parsed.map(\.fields) == [["a", "b,\"c\"\r\nd", "e"], ["f", "g"], ["h", "i"]])
        #expect(parsed.map(\.complete) == [true, true, false])
        #expect(parsed.map(\.openQuote) == [false, false, true])
        #expect(records("").isEmpty)
    }
}
