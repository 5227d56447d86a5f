import Testing
@testable import BenchReport

@Suite struct TerminalReporterTests {
    /// The progress line labels err% as the samples' spread, not as a ± interval.
    @Test func theTerminalLineSaysWhatTheSpreadIs() {
        var lines: [String] = []
        let reporter = TerminalReporter(line: { lines.append($0) }, table: { _ in })
        reporter.point(Fixtures.fast)
        #expect(lines == ["\(Fixtures.fast.key): 1.23 ns/op, sample spread 0.800% (median abs. deviation)\n"])
        #expect(!lines[0].contains("±"))
    }
}
