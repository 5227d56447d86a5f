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
        #expect(line.contains("1 of 4 left out samples taken at another placement"))
        #expect(line.contains("1 kept all samples, their placement changing too often"))
        #expect(MarkdownReport.summary(run).contains("- " + line + "\n"))
    }
}
