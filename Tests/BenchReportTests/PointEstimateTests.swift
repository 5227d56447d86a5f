import Testing
@testable import BenchReport

@Suite struct PointEstimateTests {
    @Test func aRecordedEstimatorIsNamedAndAnOlderPointIsTheMedian() {
        #expect(Fixtures.fast.estimatorName == "p10 of undisturbed samples")
        #expect(Fixtures.noisy.estimatorName == "median")
        #expect(Fixtures.fast.nsPerOpInterval?.low == 1.21)
        #expect(Fixtures.noisy.nsPerOpInterval == nil)
        #expect(Fixtures.fast.disturbedShare == 1.0 / 11)
        #expect(Fixtures.noisy.disturbedShare == nil)
    }

    @Test func aRunNamesItsEstimatorsAndHowManyPointsEachCovers() {
        #expect(ReportingFixtures.sweep.estimatorText == "p10 of undisturbed samples")
        #expect(Fixtures.run.estimatorText == "p10 of undisturbed samples (2 point(s)); median (1 point(s))")
        let legacy = BenchRun(provenance: Fixtures.provenance, points: [Fixtures.noisy])
        #expect(legacy.estimatorText == "median")
    }

    @Test func pointsWithTheSameEstimatorButTheirOwnCountsAreNamedOnce() {
        // What run writes: each point's description carries its own sample and visit counts.
        var a = Fixtures.fast, b = Fixtures.fast, c = Fixtures.fast
        a.estimator = "p10 of 47 undisturbed samples (74 disturbed) over 9 visits; 95% interval predicts another run (at least ±1%); each visit in its own process"
        b.estimator = "p10 of 6 undisturbed samples (174 disturbed) over 2 visits; 95% interval predicts another run (at least ±1%); each visit in its own process"
        c.estimator = "p10 of all 180 samples (only 3 undisturbed) over 10 visits; 95% interval predicts another run (at least ±1%); each visit in its own process"
        let run = BenchRun(provenance: Fixtures.provenance, points: [a, b, c])
        #expect(run.estimatorText == "p10 of the undisturbed samples over the visits; 95% interval predicts another run (at least ±1%); each visit in its own process (2 point(s)); "
                + "p10 of all samples (where too few were undisturbed) over the visits; 95% interval predicts another run (at least ±1%); each visit in its own process (1 point(s))",
                "\(run.estimatorText)")
        #expect(a.estimatorName.contains("47 undisturbed"), "the point keeps its own description")
    }
}
