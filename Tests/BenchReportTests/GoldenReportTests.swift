import Foundation
import Testing
@testable import BenchReport

/// CSV, markdown and JSON compared byte for byte with files a person checked. To update one
/// after an intended change, run with FRAGBENCH_UPDATE_GOLDEN=1 and review the diff.
@Suite struct GoldenReportTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func compare(_ text: String, _ name: String) throws {
        let url = Self.directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["FRAGBENCH_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "differs from Golden/\(name)")
    }

    @Test func csv() throws { try compare(CSVReport.render(Fixtures.run.points), "results.csv") }
    @Test func markdown() throws { try compare(MarkdownReport.render(Fixtures.run), "report.md") }
    @Test func json() throws { try compare(JSONReport.render(Fixtures.run), "run.json") }

    @Test func jsonRoundTrips() throws {
        let back = try JSONReport.parse(JSONReport.render(Fixtures.run), path: "run.json")
        #expect(back == Fixtures.run)
    }

    @Test func aSchemaOneRunStillReads() throws {
        // Schema 2 only added optional fields: a schema-1 file reads back with them nil.
        var text = JSONReport.render(Fixtures.run).replacingOccurrences(of: "\"schemaVersion\" : 3", with: "\"schemaVersion\" : 1")
        text = text.replacingOccurrences(of: "\"governorStatus\" : null,", with: "")
        let back = try JSONReport.parse(text, path: "old.json")
        #expect(back.schemaVersion == 1)
        #expect(back.points == Fixtures.run.points)
    }

    @Test func jsonOfAnotherSchemaIsRefused() {
        #expect(throws: ResultStoreError.malformed("x.json", "schema version 99, this fragbench reads 1...3")) {
            try JSONReport.parse(#"{"schemaVersion": 99}"#, path: "x.json")
        }
        #expect(throws: ResultStoreError.malformed("x.json", "no schemaVersion")) {
            try JSONReport.parse("not json", path: "x.json")
        }
    }
}
