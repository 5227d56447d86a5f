import Testing
@testable import BenchReport

@Suite struct CSVReportTests {
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

    @Test func theEstimatorAndItsIntervalHaveColumns() {
        let row = Dictionary(uniqueKeysWithValues: zip(CSVReport.columns, CSVReport.fields(Fixtures.fast)))
        #expect(row["estimator"] == "p10 of undisturbed samples")
        #expect(row["ns_per_op_low"] == "1.210")
        #expect(row["ns_per_op_high"] == "1.260")
        #expect(row["median_ns_per_op"] == "1.234")
        #expect(row["disturbed_samples"] == "1")
    }

    @Test func anOlderPointSaysItsFigureIsTheMedian() {
        // Schema 2 and before: nsPerOp was the median; no interval or disturbed count.
        let row = Dictionary(uniqueKeysWithValues: zip(CSVReport.columns, CSVReport.fields(Fixtures.noisy)))
        #expect(row["estimator"] == "median")
        #expect(row["median_ns_per_op"] == row["ns_per_op"])
        #expect(row["ns_per_op_low"] == "")
        #expect(row["disturbed_samples"] == "")
    }
}
