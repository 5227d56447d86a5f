import BenchReport
import FragCache
import Testing
import Workloads
@testable import Lab

/// The top-up of `run --process-per-visit` (deterministic: a fake visit returns synthetic
/// points, nothing is timed).
@Suite struct VisitTopUpTests {
    static func parameters(_ fragsz: Int) throws -> WorkloadParameters {
        WorkloadParameters(kind: .allocOnly, config: try FragCacheConfig(pageSize: 4096, maxSize: 32768), fragsz: fragsz, arenaBytes: 16 << 20)
    }

    /// A visit's point for `p`: six samples at `level`.
    static func point(_ p: WorkloadParameters, level: Double) -> BenchPoint {
        var point = ProcessVisitsTests.visit(Array(repeating: level, count: 6))
        point.fragsz = p.fragsz
        return point
    }

    /// 256 B reads 1 ns in odd visits and 2 ns in even ones (unstable over any two); 64 B
    /// reads 1 ns always.
    struct FakeVisits {
        var calls: [(points: [Int], number: Int, label: String)] = []
        var failAt: Int?

        mutating func visit(_ plan: SweepPlan, _ number: Int, _ label: String) -> (run: BenchRun?, goOn: Bool) {
            calls.append((plan.points.map(\.fragsz), number, label))
            let points = plan.points.map { p in VisitTopUpTests.point(p, level: p.fragsz == 256 && number % 2 == 0 ? 2 : 1) }
            return (BenchRun(provenance: Provenance.unknown, points: points, partial: false, warnings: []), number != failAt)
        }
    }

    @Test func theFakePointsAreNamedAsThePlanNamesThem() throws {
        let p = try Self.parameters(256)
        #expect(Self.point(p, level: 1).name == PointLabel.benchmarkName(p))
    }

    /// Only the points the planned visits left unstable are visited again, decided once.
    @Test func theUnstablePointsGetTheExtraVisits() throws {
        let plan = SweepPlan(points: [try Self.parameters(64), try Self.parameters(256)], combinations: 2, merges: [])
        var fake = FakeVisits()
        let result = ProcessVisits.visits(plan, count: 2, extra: 3, estimator: .standard, command: "fragbench run") { fake.visit($0, $1, $2) }
        #expect(fake.calls.map(\.number) == [1, 2, 3, 4, 5])
        #expect(fake.calls.map(\.points) == [[64, 256], [64, 256], [256], [256], [256]])
        #expect(fake.calls[2].label == "3/5, top-up of 1 point(s)")
        #expect(result.runs.count == 5 && result.planned == 2 && result.merged == nil, "visits were added: merged again by the caller")
        let topUp = try #require(result.topUp)
        #expect(topUp == ProcessVisits.TopUp(planned: 2, added: 3, asked: 3, names: [PointLabel.benchmarkName(plan.points[1])]))

        let merged = try #require(ProcessVisits.merge(result.runs, estimator: .standard, command: "fragbench run"))
        let annotated = topUp.annotated(merged)
        let topped = try #require(annotated.points.first { $0.fragsz == 256 })
        #expect(topped.visitSampleCounts?.count == 5)
        #expect(topped.estimator?.hasSuffix("; 3 more visit(s) after the first 2 left it unstable") == true)
        #expect(topped.estimatorFamily.hasSuffix("; more visits where the planned ones left it unstable"))
        #expect(annotated.points.first { $0.fragsz == 64 }?.estimator?.contains("more visit") == false)
        #expect(annotated.warnings.contains { $0.hasPrefix("Top-up: 1 point(s) were unstable after 2 visits and got 3 more (--top-up)") })
    }

    /// No top-up when nothing is unstable, when none is asked for, or when a planned visit
    /// failed (the run is partial and stops there).
    @Test func noTopUpWithoutCauseOrAfterAFailure() throws {
        let stable = SweepPlan(points: [try Self.parameters(64)], combinations: 1, merges: [])
        var fake = FakeVisits()
        let quiet = ProcessVisits.visits(stable, count: 2, extra: 3, estimator: .standard, command: "x") { fake.visit($0, $1, $2) }
        #expect(quiet.topUp == nil && quiet.merged?.points.count == 1, "merged once, to decide, and handed back")
        #expect(fake.calls.count == 2)

        let both = SweepPlan(points: [try Self.parameters(64), try Self.parameters(256)], combinations: 2, merges: [])
        fake = FakeVisits()
        #expect(ProcessVisits.visits(both, count: 2, extra: 0, estimator: .standard, command: "x") { fake.visit($0, $1, $2) }.topUp == nil)
        #expect(fake.calls.count == 2)

        fake = FakeVisits(failAt: 2)
        let failed = ProcessVisits.visits(both, count: 3, extra: 3, estimator: .standard, command: "x") { fake.visit($0, $1, $2) }
        #expect(failed.topUp == nil && fake.calls.count == 2 && failed.planned == 2)

        // A top-up visit that fails stops the top-up; the warning says how many of those asked for ran.
        fake = FakeVisits(failAt: 3)
        let cut = ProcessVisits.visits(both, count: 2, extra: 3, estimator: .standard, command: "x") { fake.visit($0, $1, $2) }
        let topUp = try #require(cut.topUp)
        #expect(topUp.added == 1 && fake.calls.count == 3)
        let merged = try #require(ProcessVisits.merge(cut.runs, estimator: .standard, command: "x"))
        #expect(topUp.annotated(merged).warnings.contains { $0.contains("got 1 of the 3 more visits asked for") })
    }

    @Test func asManyAsPlannedUnlessTheUserChoseOrItIsQuick() {
        var settings = RunSettings()
        #expect(ProcessVisits.topUpCount(settings, planned: 10) == 10)
        settings.quick = true
        #expect(ProcessVisits.topUpCount(settings, planned: 3) == 0)
        settings.topUpVisits = 4
        #expect(ProcessVisits.topUpCount(settings, planned: 3) == 4)
        settings.quick = false
        settings.topUpVisits = 0
        #expect(ProcessVisits.topUpCount(settings, planned: 10) == 0)
    }
}
