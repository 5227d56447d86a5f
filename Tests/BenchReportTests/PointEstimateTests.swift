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
}
