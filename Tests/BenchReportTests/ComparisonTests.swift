import Foundation
import Testing
@testable import BenchReport

@Suite struct ComparisonTests {
    /// Quick runs make time noisier, not exact counts: each metric's table says its own thing.
    @Test func theQuickWarningFitsTheMetric() {
        var run = ReportingFixtures.sweep
        run.provenance.quick = true
        let time = Comparison.rounds(base: [run], head: [run], baseLabel: "a", headLabel: "a")
        #expect(time.warnings.contains { $0.hasPrefix("QUICK runs (short samples)") })
        let counts = Comparison.rounds(base: [run], head: [run], baseLabel: "a", headLabel: "a", metric: .instructions)
        #expect(!counts.warnings.contains { $0.contains("short samples") })
        #expect(counts.warnings.contains { $0.contains("the counts stay exact") })
    }

    @Test func aRunComparedWithItselfHasNoRegression() {
        let run = ReportingFixtures.sweep
        // One run each: Welch over the samples.
        let single = Comparison.rounds(base: [run], head: [run], baseLabel: "a", headLabel: "a")
        #expect(single.rows.count == run.points.count)
        #expect(single.rows.allSatisfy { $0.verdict == .noDifference })
        #expect(single.rows.allSatisfy { $0.estimate?.method == "welch" && $0.estimate?.ratio == 1 })
        #expect(!single.hasRegression)
        #expect(single.warnings.filter { $0.contains("differs") }.isEmpty)
        // Rounds: paired.
        let rounds = Comparison.rounds(base: [run, run, run], head: [run, run, run], baseLabel: "a", headLabel: "a")
        #expect(rounds.rows.allSatisfy { $0.verdict == .noDifference && $0.estimate?.method == "paired" })
        #expect(rounds.markdown().contains("**No regression** in 9 point(s): 0 faster, 9 no difference resolved."))
    }

    /// Noisy rounds of the same code: whatever the noise, no point may be called a regression.
    @Test func noisyRoundsOfTheSameCodeAreNoDifference() {
        var rng = SplitMix(seed: 42)
        func noisy(_ run: BenchRun) -> BenchRun {
            var run = run
            for i in run.points.indices { run.points[i].nsPerOp! *= 1 + (rng.next() - 0.5) * 0.02 }
            return run
        }
        let base = (0 ..< 5).map { _ in noisy(ReportingFixtures.sweep) }
        let head = (0 ..< 5).map { _ in noisy(ReportingFixtures.sweep) }
        let c = Comparison.rounds(base: base, head: head, baseLabel: "a", headLabel: "a")
        #expect(!c.hasRegression, "\(c.markdown())")
    }

    @Test func aResolvedSlowdownBeyondTheThresholdIsARegression() {
        let base = ReportingFixtures.sweep
        var head = base
        for i in head.points.indices { head.points[i].nsPerOp! *= i == 4 ? 1.10 : 1.0 }
        let c = Comparison.rounds(base: [base, base, base], head: [head, head, head], baseLabel: "a", headLabel: "b")
        #expect(c.hasRegression)
        #expect(c.regressions.map(\.key) == [base.points[4].key])
        #expect(c.markdown().contains("**REGRESSION: 1 of 9 point(s) slower**"))
        // Below the threshold it is not called.
        let lenient = Comparison.rounds(base: [base, base, base], head: [head, head, head], baseLabel: "a", headLabel: "b",
                                        threshold: 0.15)
        #expect(!lenient.hasRegression)
    }

    @Test func callgrindCountsCompareExactly() {
        func withInstructions(_ value: Double) -> BenchRun {
            var run = ReportingFixtures.sweep
            for i in run.points.indices {
                run.points[i].counters = [CounterReading(name: "instructions", source: "callgrind simulation", perOp: value)]
            }
            return run
        }
        let same = Comparison.rounds(base: [withInstructions(40)], head: [withInstructions(40)], baseLabel: "a",
                                     headLabel: "a", metric: .instructions)
        #expect(same.rows.allSatisfy { $0.verdict == .noDifference && $0.estimate?.method == "exact" })
        let more = Comparison.rounds(base: [withInstructions(40)], head: [withInstructions(41)], baseLabel: "a",
                                     headLabel: "b", metric: .instructions)
        #expect(more.rows.allSatisfy { $0.verdict == .slower })  // +2.5% > 2%
        let within = Comparison.rounds(base: [withInstructions(40)], head: [withInstructions(40.4)], baseLabel: "a",
                                       headLabel: "b", metric: .instructions)
        #expect(!within.hasRegression)  // +1%, exact but below the threshold
        #expect(within.rows.allSatisfy { $0.note == "an exact change of +1.00% (+0.40 per operation), within the ±2.0% threshold" },
                "\(within.rows.map(\.note))")
        #expect(same.rows.allSatisfy { $0.note == "identical" }, "equal exact counts say so")
        #expect(more.rows.allSatisfy { $0.note == "+1.00 per operation" })
        #expect(more.markdown().contains("| ratio (exact) | verdict |") && more.markdown().contains("(the run's count)"))
    }

    @Test func crossThreadCallgrindCountsAreNotCompared() throws {
        var base = ReportingFixtures.sweep
        base.points = [base.points[0]]
        base.points[0].workload = "cross-thread"
        base.points[0].counters = [CounterReading(name: "instructions", source: "callgrind simulation", perOp: 142)]
        var head = base
        head.points[0].counters = [CounterReading(name: "instructions", source: "callgrind simulation", perOp: 127)]
        let c = Comparison.rounds(base: [base], head: [head], baseLabel: "a", headLabel: "a", metric: .instructions)
        let row = try #require(c.rows.first)
        #expect(row.verdict == .noDifference && row.estimate == nil)
        #expect(row.note?.contains("spin waits") == true)
    }

    @Test func provenanceDifferencesAreWarned() {
        var other = ReportingFixtures.sweep
        other.provenance.cpuModel = "Intel Xeon"
        other.provenance.buildFlags = "-Onone"
        other.provenance.gitCommit = "ffff"
        let c = Comparison.rounds(base: [ReportingFixtures.sweep], head: [other], baseLabel: "a", headLabel: "b")
        #expect(c.warnings.contains("head round 1 vs base round 1: CPU model differs: AMD EPYC vs Intel Xeon"))
        #expect(c.warnings.contains { $0.contains("build flags differs: -O vs -Onone") })
        #expect(!c.warnings.contains { $0.contains("commit") }, "a different commit is the point of comparing")
    }

    @Test func aWorkloadsRevisionThatDiffersOrWasNotRecordedIsWarned() {
        var base = ReportingFixtures.sweep, head = ReportingFixtures.sweep
        base.provenance.workloadsRevision = 2
        head.provenance.workloadsRevision = 2
        let same = Comparison.rounds(base: [base], head: [head], baseLabel: "a", headLabel: "b")
        #expect(!same.warnings.contains { $0.contains("workloads revision") })
        head.provenance.workloadsRevision = 3
        let changed = Comparison.rounds(base: [base], head: [head], baseLabel: "a", headLabel: "b")
        #expect(changed.warnings.contains { $0.contains("workloads revision (what some points time) differs: 2 vs 3") }, "\(changed.warnings)")
        base.provenance.workloadsRevision = nil
        let old = Comparison.rounds(base: [base], head: [head], baseLabel: "a", headLabel: "b")
        #expect(old.warnings.contains { $0.contains("differs: not recorded vs 3") }, "\(old.warnings)")
    }

    @Test func pointsOnOneSideAreListed() {
        var head = ReportingFixtures.sweep
        head.points.removeLast()
        let c = Comparison.rounds(base: [ReportingFixtures.sweep], head: [head], baseLabel: "a", headLabel: "b")
        #expect(c.rows.count == 8)
        #expect(c.onlyInBase == [ReportingFixtures.sweep.points.last!.key])
    }
}

/// A small deterministic generator for tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
