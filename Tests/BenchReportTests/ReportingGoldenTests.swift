import Foundation
import Testing
@testable import BenchReport

/// The newer outputs compared byte for byte with reviewed files (FRAGBENCH_UPDATE_GOLDEN=1 to
/// rewrite after an intended change; review the diff, and render the SVGs to look at them).
@Suite struct ReportingGoldenTests {
    let golden = GoldenReportTests()

    @Test func googleBenchmarkJSON() throws {
        try golden.compare(GoogleBenchmarkReport.render(Fixtures.run), "gbench.json")
    }

    @Test func sweepReportWithCharts() throws {
        let files = ReportFiles.render(ReportingFixtures.sweep)
        try golden.compare(files["report.md"]!, "sweep-report.md")
        let charts = files.keys.filter { $0.hasSuffix(".svg") }.sorted()
        #expect(charts == ["chart-alloc-only-swift-remaining-page4k-align1.svg"])
        try golden.compare(files[charts[0]]!, "chart-line.svg")
        #expect(files["report.md"]!.contains("![ns/op by fragment size: alloc-only/page:4096/max:*/fragsz:*/align:1](\(charts[0]))"))
    }

    @Test func frontierChart() throws {
        let groups = Tuning.analyse(TuningTests.mixedSweep, objective: .default)
        let charts = Tuning.charts(groups, objective: .default)
        #expect(charts.count == 1)
        try golden.compare(charts[0].svg, "chart-frontier.svg")
        try golden.compare(Tuning.markdown(groups, objective: .default, charts: charts, provenance: Fixtures.provenance,
                                           notes: ["A note."]), "tune.md")
        try golden.compare(Tuning.csv(groups), "tune.csv")
    }

    @Test func comparisonOutput() throws {
        let base = ReportingFixtures.sweep
        var head = base
        head.points[0].nsPerOp = 6.0   // 20% slower in every round
        let c = Comparison.rounds(base: [base, base, base], head: [head, head, head], baseLabel: "base", headLabel: "head")
        try golden.compare(c.markdown(), "compare.md")
        try golden.compare(c.csv(), "compare.csv")
    }
}
