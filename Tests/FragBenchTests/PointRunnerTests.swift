import Foundation
import Testing

/// A run's points as assembled from a measurement: a malloc-family peer has no cache figures,
/// and they are unavailable (empty, —), never 0; the unstable hint names flags with values.
@Suite struct PointRunnerTests {
    let runner = RunCommandTests()

    @Test func aPeerHasNoCacheFiguresNotZeros() throws {
        let output = runner.temporaryDirectory()
        let result = try runner.run(["run", "--output", output, "--impl", "malloc", "--workload", "alloc-only",
                                     "--counters", "none"] + RunCommandTests.fast)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let csv = try String(contentsOfFile: output + "/latest/results.csv", encoding: .utf8)
        let records = Self.parse(csv)
        let header = records[0], row = records[1]
        for column in ["refills_per_kop", "fallbacks", "reuses", "waste_pct", "peak_pinned_bytes"] {
            let i = try #require(header.firstIndex(of: column))
            #expect(row[i] == "", "\(column) is \(row[i]) for a peer")
        }
        let report = try String(contentsOfFile: output + "/latest/report.md", encoding: .utf8)
        #expect(!report.contains("| 0 B |"))
        // --counters none asked for no counters: no complaint about a missing PMU.
        #expect(!report.contains("No hardware PMU counters"))
    }

    /// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true
            } else if c == "," { record.append(field); field = ""
            } else if c == "\r\n" || c == "\n" { record.append(field); field = ""; records.append(record); record = []
            } else { field.append(c) }
        }
        return records
    }
}
