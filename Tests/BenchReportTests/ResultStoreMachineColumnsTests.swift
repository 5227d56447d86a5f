import Foundation
import Testing
@testable import BenchReport

/// history.csv says which machine each row came from, so histories merged from several
/// machines can be told apart.
@Suite struct ResultStoreMachineColumnsTests {
    @Test func historyRowsCarryTheMachine() {
        let rows = ResultStore.historyRows([Fixtures.fast], runName: "run-a", provenance: Fixtures.provenance)
        let header = ResultStore.historyColumns
        for column in ["host", "cpu_count", "memory_bytes", "smt", "aslr", "thp", "load_avg"] {
            #expect(header.contains(column), "history lacks \(column)")
        }
        let expected = CSV.row(["run-a", "2026-11-25T12:00:00Z", "0123456789abcdef0123456789abcdef01234567", "1", "1", "software",
                                "bench-vm", "2", String(24 << 30), "notsupported", "full (2)", "madvise", "0.12 0.30 0.25"]
                               + CSVReport.pointFields(Fixtures.fast))
        #expect(rows == expected)
    }
}
