import Testing
@testable import BenchReport

/// report.md beyond its golden file: the summary, the fallbacks for older runs, and what an
/// unavailable figure prints as.
@Suite struct MarkdownReportTests {
    @Test func theSummaryComesFirstAndTheAdviceOnce() throws {
        let text = MarkdownReport.render(Fixtures.run)
        let summary = try #require(text.range(of: "## Summary"))
        let provenance = try #require(text.range(of: "| commit |"))
        #expect(summary.lowerBound < provenance.lowerBound)
        #expect(text.contains("**3 point(s)**, **1 unstable**"))
        #expect(text.contains("Machine noise: 1 of 22 samples disturbed (4.5%)"))
        #expect(text.contains("Load average when the run started: 0.12 0.30 0.25"))
        // The advice is said once, in the summary, not per row.
        #expect(text.components(separatedBy: "--min-sample-ms to").count == 2)
        #expect(!text.contains("stop other load on this machine"), "the stored per-point hint is not repeated")
    }

    /// A --callgrind-only run timed nothing: its summary says what was counted instead of
    /// "0 unstable" and an estimator that never ran.
    @Test func aCallgrindOnlyRunSaysNothingWasTimed() {
        var run = Fixtures.run
        run.points = run.points.map { p in
            var p = p
            p.nsPerOp = nil
            p.samples = 0
            p.estimator = "not timed (--callgrind-only)"
            return p
        }
        let summary = MarkdownReport.summary(run)
        #expect(summary.contains("**nothing timed** (--callgrind-only)"))
        #expect(!summary.contains("unstable") && !summary.contains("ns/op: the"))
    }

    /// Cross-thread counts include both threads' spinning: the report says so beside them.
    @Test func crossThreadCountsCarryTheSpinCaveat() {
        var run = Fixtures.run
        #expect(!MarkdownReport.render(run).contains("spin waits on the ring included"))
        run.points = run.points.map { p in
            guard p.workload == "cross-thread" else { return p }
            var p = p
            p.counters = [CounterReading(name: "instructions", source: "callgrind simulation", perOp: 77)]
            return p
        }
        #expect(MarkdownReport.render(run).contains("spin waits on the ring included"))
        // The terminal's table (what `run` prints) carries it too, marked on the figure.
        let table = MarkdownReport.table(run.points)
        #expect(table.contains("| 77.0 † |") && table.contains("† cross-thread: ins/op"), "\(table)")
    }

    @Test func anOlderRunSaysItsFigureIsTheMedian() {
        var run = ReportingFixtures.sweep
        for i in run.points.indices {
            run.points[i].estimator = nil
            run.points[i].nsPerOpLow = nil
            run.points[i].nsPerOpHigh = nil
            run.points[i].disturbedSamples = nil
        }
        run.provenance.loadAverage = nil
        let text = MarkdownReport.render(run)
        #expect(text.contains("ns/op: the **median** of the samples (the run recorded no estimator or interval"))
        #expect(text.contains("samples were not classified as disturbed or not"))
        #expect(!text.contains("Load average"))
        #expect(text.contains("ns/op: the median, over samples"))
    }

    @Test func theMachineNotTheAffinityIsDescribed() {
        let text = MarkdownReport.render(Fixtures.run)
        #expect(text.contains("| cpu | AMD EPYC, 2 CPUs online |"))
        #expect(text.contains("| host | bench-vm |"))
        #expect(text.contains("| memory | 24 GiB |"))
        #expect(text.contains("| ASLR | full (2) |"))
        #expect(text.contains("| transparent huge pages | madvise |"))
    }

    @Test func tscCyclesHaveTheirOwnColumnAndEachCycleColumnSaysWhatItHolds() {
        let table = MarkdownReport.table([Fixtures.crossThread])
        #expect(table.contains("| TSC/op |"))
        #expect(table.contains("| 45.4 |"), "the TSC figure is shown, not —")
        let text = MarkdownReport.render(Fixtures.run)
        #expect(text.contains("TSC/op is time in time-stamp-counter ticks"))
        #expect(text.contains("cyc/op is core cycles per operation"))
        #expect(text.contains("refills/1k op is page refills per 1000 operations"))
    }

    @Test func aPeerWithoutCacheFiguresShowsDashesNotZero() {
        var peer = Fixtures.crossThread
        peer.impl = "malloc"
        peer.refillsPerKop = nil
        peer.wastePct = nil
        peer.peakPinnedBytes = nil
        let row = MarkdownReport.table([peer]).split(separator: "\n").last!
        #expect(!row.contains("0 B"))
        #expect(row.hasSuffix("| — | — | — |"))
    }

    /// A run whose canary line already counts the disturbed samples (visit processes) says its
    /// machine noise once, in the summary: not the count twice in one line, and not again
    /// under Warnings, where the other warnings stay.
    @Test func machineNoiseIsSaidOnce() throws {
        var run = Fixtures.run
        let disturbed = run.points.compactMap(\.disturbedSamples).reduce(0, +)
        let total = run.points.filter { $0.disturbedSamples != nil }.map(\.samples).reduce(0, +)
        let noise = "14% of samples disturbed within their process (\(disturbed) of \(total)); canary baselines 3.96, 4.02 ns/step in the 2 visit processes"
        run.provenance.machineNoise = noise
        run.warnings = ["\(MarkdownReport.machineNoisePrefix) \(noise); the point estimates use the undisturbed ones.", "Other work was running."]
        let report = MarkdownReport.render(run, charts: [])
        #expect(report.components(separatedBy: "Machine noise").count == 2, "once")
        #expect(report.contains("- Machine noise: \(noise).\n"))
        #expect(report.contains("## Warnings\n\n- Other work was running.\n"))
        run.warnings = [run.warnings[0]]
        #expect(!MarkdownReport.render(run, charts: []).contains("## Warnings"), "no empty Warnings section")
    }
}
