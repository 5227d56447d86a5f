import Testing
@testable import BenchReport

/// report.md says which placement of the two CPUs each two-thread estimate comes from.
@Suite struct CPUPlacementSummaryTests {
    @Test func twoThreadPointsNameTheirPlacementsOnce() throws {
        var run = Fixtures.run
        #expect(CPUPlacementSummary.line(run.points) == nil, "no two-thread point, no line")
        #expect(!MarkdownReport.summary(run).contains("Two-thread points"))
        let trips: [Double?] = [62, 98, 104, nil]
        run.points = (run.points + run.points).prefix(4).enumerated().map { i, p in
            var p = p
            let n = p.sampleNsPerOp?.count ?? p.samples
            p.sampleCrossCPUBeforeNs = Array(repeating: trips[i] ?? 440, count: n)
            p.sampleCrossCPUAfterNs = p.sampleCrossCPUBeforeNs
            p.crossCPURoundTripNs = trips[i]
            if i == 1 { p.samplePlacementLeftOut = (0..<n).map { $0 == 0 } }
            return p
        }
        let line = try #require(CPUPlacementSummary.line(run.points))
        #expect(line.contains("cross-CPU round trip 62 ns (1 point), 98–104 ns (2 points)"))
        #expect(line.contains("In 1 of 4, samples taken at another placement were left out"))
        #expect(line.contains("1 kept all samples, their placement changing too often"))
        #expect(MarkdownReport.summary(run).contains("- " + line + "\n"))
    }

    /// The unstable count says how many of each kind, when a run has both and a two-thread
    /// point is among the unstable.
    @Test func theUnstableCountIsSplitByThreads() throws {
        var run = Fixtures.run
        run.points = run.points.filter { $0.workload != "cross-thread" }
        #expect(CPUPlacementSummary.unstableSplit(run.points) == nil, "no two-thread point")
        let single = run.points.count
        var two = run.points[0]
        two.workload = "cross-thread"
        two.unstable = false
        run.points.append(two)
        #expect(CPUPlacementSummary.unstableSplit(run.points) == nil, "no unstable two-thread point")
        run.points[single].unstable = true
        let unstableSingle = run.points.prefix(single).filter(\.unstable).count
        let split = try #require(CPUPlacementSummary.unstableSplit(run.points))
        #expect(split.hasPrefix("\(unstableSingle) of \(single) single-thread point(s) and 1 of 1 two-thread one(s)"))
        #expect(MarkdownReport.summary(run).contains("marked ⚠): " + split + ".\n"))
        #expect(CPUPlacementSummary.unstableSplit([two, two].map { var p = $0; p.unstable = true; return p }) == nil, "two-thread points only")
    }
}

@Suite struct EstimatorFamilyTests {
    /// Two-thread points' placement clauses and slow-state counts are their own: a summary names
    /// the estimator once, whatever each point left out.
    @Test func placementAndSlowStateClausesShareOneFamily() {
        let base = "p10 of 48 undisturbed samples (13 disturbed) over 8 visits; 95% interval predicts another run (at least ±1%)"
        let clauses = [
            "; 12 of 73 samples left out: the host placed the two CPUs otherwise then (estimate from the 61 at a cross-CPU round trip of 103 ns; 12 at 436 ns)",
            "; the two CPUs kept one placement (cross-CPU round trip 99 ns)",
            "; the placement of the two CPUs changed too often for 5 samples from 3 visit(s) in one (cross-CPU round trips 60, 100 ns): all samples kept",
        ]
        let families = Set(clauses.map { BenchPoint.family(of: base + $0 + "; each visit in its own process") })
        #expect(families == ["p10 of the undisturbed samples over the visits; 95% interval predicts another run (at least ±1%); by the placement of the two CPUs; each visit in its own process"])
        #expect(BenchPoint.family(of: base + "; 2 of 10 visits left out (slow state)") == BenchPoint.family(of: base + "; 1 of 10 visits left out (slow state)"))
    }
}
