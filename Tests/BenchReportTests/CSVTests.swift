import Foundation
import Testing
@testable import BenchReport

@Suite struct CSVTests {
    @Test func quotesOnlyWhatRFC4180Requires() {
        #expect(CSV.escape("plain") == "plain")
        #expect(CSV.escape("a,b") == "\"a,b\"")
        #expect(CSV.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.escape("two\nlines") == "\"two\nlines\"")
        #expect(CSV.escape("cr\rlf") == "\"cr\rlf\"")
    }

    @Test func aDocumentIsTheHeaderThenOneCRLFLinePerRow() {
        let text = CSV.document(columns: ["a", "b"], rows: [["1", "x,y"], ["", "2"]])
        #expect(text == "a,b\r\n1,\"x,y\"\r\n,2\r\n")
    }

    /// Every CSV FragBench writes goes through `CSV`: no other source file ends a CSV line
    /// itself (there used to be four writers, quoting differently).
    @Test func noOtherSourceWritesCSVLines() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources").standardizedFileURL
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20)
        for file in files where !file.hasSuffix("BenchReport/CSV.swift") {
            let text = try String(contentsOfFile: sources.path + "/" + file, encoding: .utf8)
            #expect(!text.contains("\\r\\n"), "\(file) writes CSV lines itself; use CSV.document/CSV.row")
        }
    }
}
