import Testing
@testable import BenchReport

/// A run spent mostly on a contended machine says so first, once.
@Suite struct MachineContentionTests {
    @Test func mostlyContendedRunsSayItBeforeTheRows() throws {
        var run = Fixtures.run
        // Three of four processes' samples in the slow state, on every point.
        run.provenance.visitStates = ["fast", "slow", "slow", "slow"]
        run.points = run.points.map { p in
            var p = p
            let n = p.sampleNsPerOp?.count ?? p.samples
            p.sampleSlowState = (0..<n).map { $0 >= n / 4 }
            return p
        }
        let contention = try #require(MachineContention(run))
        #expect(contention.isMostOfTheTime)
        #expect(contention.slowProcesses == 3 && contention.processes == 4)
        let summary = MarkdownReport.summary(run)
        let headline = try #require(summary.range(of: "The machine was contended most of this run"))
        let rows = try #require(summary.range(of: "point(s)**"))
        #expect(headline.lowerBound < rows.lowerBound, "before the point count")
        #expect(summary.contains("in a process that ran wholly in its slow state (3 of 4)"))
        #expect(summary.contains("rerun in a quieter stretch"), "the advice fits a contended machine")
    }

    /// The fixture's 1 disturbed sample of 22 is no story to lead with.
    @Test func aQuietRunSaysNothingExtra() throws {
        let contention = try #require(MachineContention(Fixtures.run))
        #expect(contention.contendedSamples == 1 && contention.totalSamples == 22)
        #expect(!contention.isMostOfTheTime)
        #expect(!MarkdownReport.summary(Fixtures.run).contains("contended most"))
    }

    /// Nothing classified (no canary, or a callgrind-only run): no figure at all.
    @Test func aRunWithoutClassificationHasNoFigure() {
        var run = Fixtures.run
        run.points = run.points.map { p in
            var p = p
            p.sampleDisturbed = nil
            p.disturbedSamples = nil
            return p
        }
        #expect(MachineContention(run) == nil)
    }
}
