import Testing
@testable import BenchReport

@Suite struct CSVReportTests {
    @Test func quotesOnlyWhatRFC4180Requires() {
        #expect(CSVReport.escape("plain") == "plain")
        #expect(CSVReport.escape("a,b") == "\"a,b\"")
        #expect(CSVReport.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVReport.escape("two\nlines") == "\"two\nlines\"")
    }

    @Test func unavailableValuesAreEmptyNotZero() {
        let fields = CSVReport.fields(Fixtures.noisy)
        let row = Dictionary(uniqueKeysWithValues: zip(CSVReport.columns, fields))
        #expect(row["cycles_per_op"] == "")
        #expect(row["instructions_per_op"] == "")
        #expect(row["refills_per_kop"] == "")
        #expect(row["counter_status"]!.contains("unavailable: cycles"))
        // A measured zero stays a zero.
        let fast = Dictionary(uniqueKeysWithValues: zip(CSVReport.columns, CSVReport.fields(Fixtures.fast)))
        #expect(fast["page_faults_per_op"] == "0.000000")
        #expect(fast["ipc"] == "0.776")
    }

    @Test func everyRowHasEveryColumn() {
        for point in Fixtures.run.points {
            #expect(CSVReport.fields(point).count == CSVReport.columns.count)
        }
    }
}
