import Foundation
import Testing
import BenchReport
import FragCache
import Workloads
@testable import Lab

/// The paired estimate from synthetic pairs (no timing): a burst on one side of a pair is left
/// out, a burst on both sides is kept, and a side whose canary reads higher throughout loses
/// nothing.
@Suite struct PointPairerTests {
    typealias Reply = WorkerProtocol.SampleReply

    static func pair(_ base: Double, _ head: Double, canaries: (Double, Double) = (8.5, 8.5), session: Int) -> PointPairer.Pair {
        PointPairer.Pair(base: Reply(nanosecondsPerOp: base, canaryNanosecondsPerStep: canaries.0),
                         head: Reply(nanosecondsPerOp: head, canaryNanosecondsPerStep: canaries.1), session: session)
    }

    /// 10 sessions of 20 pairs, head 3% slower, a small deterministic wobble per pair.
    static func stream(headFactor: Double = 1.03, sessionOffset: (Int) -> Double = { _ in 0 }) -> [PointPairer.Pair] {
        var pairs: [PointPairer.Pair] = []
        for s in 0..<10 {
            for i in 0..<20 {
                let wobble = 1 + 0.01 * sin(Double(s * 20 + i))
                let base = 9.0 * wobble * (1 + sessionOffset(s))
                pairs.append(pair(base, base * headFactor * (1 + 0.005 * cos(Double(i))), session: s))
            }
        }
        return pairs
    }

    @Test func oneSidedBurstsAreLeftOutBothSidedOnesKept() {
        var pairs = Self.stream()
        // Every 5th pair: a burst on the head only (head 2x slower, its canary 40% up).
        for i in stride(from: 0, to: pairs.count, by: 5) {
            pairs[i].head = Reply(nanosecondsPerOp: pairs[i].head.nanosecondsPerOp * 2, canaryNanosecondsPerStep: 12)
        }
        // Every 7th pair (not a 5th): both sides slowed by 1.5x, both canaries up: a burst pairing cancels.
        for i in stride(from: 1, to: pairs.count, by: 7) where i % 5 != 0 {
            pairs[i].base = Reply(nanosecondsPerOp: pairs[i].base.nanosecondsPerOp * 1.5, canaryNanosecondsPerStep: 12)
            pairs[i].head = Reply(nanosecondsPerOp: pairs[i].head.nanosecondsPerOp * 1.5, canaryNanosecondsPerStep: 12)
        }
        let summary = PointPairer.estimate(pairs, tolerance: 0.10)
        #expect(summary.disturbed == 40)
        #expect(!summary.usedAll)
        #expect(summary.used.count == 160)
        let e = try! #require(summary.estimate)
        #expect(abs(e.ratio - 1.03) < 0.005, "\(e)")
        #expect(e.lower > 1.02 && e.upper < 1.04, "\(e)")
        #expect(pairs.filter { summary.isUsed($0) }.count == 160)
    }

    /// One session whose base worker ran 4.5x slow with a normal canary (seen in an A/A: 0.22
    /// in one session of 12) is left out and named; the interval is the other sessions'.
    /// Per-session offsets of a few percent stay in the interval.
    @Test func aSessionFarOutsideTheOthersIsLeftOutAndNamed() throws {
        var pairs = Self.stream(headFactor: 1.0, sessionOffset: { $0 % 2 == 0 ? 0.01 : -0.01 })
        for i in pairs.indices where pairs[i].session == 3 {
            pairs[i].base = Reply(nanosecondsPerOp: pairs[i].base.nanosecondsPerOp * 4.5, canaryNanosecondsPerStep: 8.5)
        }
        let summary = PointPairer.estimate(pairs, tolerance: 0.10)
        #expect(summary.farOutSessions.map(\.session) == [3])
        #expect(abs((summary.farOutSessions.first?.ratio ?? 0) - 1 / 4.5) < 0.01)
        let e = try #require(summary.estimate)
        #expect(abs(e.ratio - 1) < 0.005 && e.upper - e.lower < 0.02, "\(e)")
        #expect(summary.exclusion(pairs.first { $0.session == 3 }!) == "session far outside the others")
        #expect(summary.exclusion(pairs.first { $0.session == 4 }!) == nil)

        // A 3% offset between sessions is a process pair's, not a broken worker's: kept.
        let offsets = PointPairer.estimate(Self.stream(headFactor: 1.0, sessionOffset: { $0 == 3 ? 0.03 : 0 }), tolerance: 0.10)
        #expect(offsets.farOutSessions.isEmpty)
    }

    @Test func aSideWhoseCanaryReadsHigherThroughoutLosesNoPairs() {
        var pairs = Self.stream(headFactor: 1.0)
        for i in pairs.indices {
            pairs[i].head.canaryNanosecondsPerStep = 9.4 + 0.1 * sin(Double(i))  // 10% above the base's 8.5
        }
        let summary = PointPairer.estimate(pairs, tolerance: 0.10)
        #expect(summary.disturbed == 0)
        let e = try! #require(summary.estimate)
        #expect(abs(e.ratio - 1) < 0.005, "\(e)")
    }

    @Test func sessionsAreTheUnitOfTheInterval() {
        // Each session's processes and placement shift both builds' ratio by up to ±2%: the
        // interval must be wide enough to cover 1 though every session is tight on its own.
        let offsets = [0.02, -0.015, 0.01, -0.02, 0.018, -0.01, 0.005, -0.018, 0.012, -0.004]
        var pairs: [PointPairer.Pair] = []
        for s in 0..<10 {
            for i in 0..<20 {
                let base = 9.0 * (1 + 0.001 * sin(Double(i)))
                pairs.append(Self.pair(base, base * (1 + offsets[s]), session: s))
            }
        }
        let e = try! #require(PointPairer.estimate(pairs, tolerance: 0.10).estimate)
        #expect(e.lower < 1 && e.upper > 1, "\(e)")
        #expect(e.upper - e.lower > 0.015, "\(e)")
    }

    @Test func mostPairsDisturbedKeepsThemAll() {
        var pairs = Self.stream()
        for i in pairs.indices where i % 3 != 0 {
            pairs[i].head.canaryNanosecondsPerStep = i % 2 == 0 ? 12 : 6
        }
        let summary = PointPairer.estimate(pairs, tolerance: 0.10)
        #expect(summary.usedAll)
        #expect(summary.used.count == pairs.count)
    }

    @Test func aResolvedChangeWithinTheThresholdIsNamed() {
        func e(_ r: Double, _ lo: Double, _ hi: Double) -> RatioEstimate {
            RatioEstimate(ratio: r, lower: lo, upper: hi, rounds: 100, method: "paired samples")
        }
        #expect(PointPairer.smallChangeNote(e(1.018, 1.010, 1.027), verdict: .noDifference, threshold: 0.02)
            == "a change of +1.8% [+1.0%, +2.7%] is resolved, within the ±2.0% threshold")
        #expect(PointPairer.smallChangeNote(e(0.985, 0.975, 0.995), verdict: .noDifference, threshold: 0.02)
            == "a change of -1.5% [-2.5%, -0.5%] is resolved, within the ±2.0% threshold")
        // The estimate beyond the threshold, the interval reaching back inside it: not "within".
        #expect(PointPairer.smallChangeNote(e(1.061, 1.018, 1.105), verdict: .noDifference, threshold: 0.02)
            == "resolved +6.1% [+1.8%, +10.5%], not beyond the ±2.0% threshold with confidence")
        #expect(PointPairer.smallChangeNote(e(1.004, 0.996, 1.013), verdict: .noDifference, threshold: 0.02) == nil)
        #expect(PointPairer.smallChangeNote(e(1.05, 1.03, 1.07), verdict: .slower, threshold: 0.02) == nil)
        #expect(PointPairer.smallChangeNote(nil, verdict: .noDifference, threshold: 0.02) == nil)
    }

    @Test func sessionsWithAHandfulOfUsablePairsAreLeftOut() throws {
        var pairs = Self.stream()
        // Two sessions of 3 pairs each, taken while the other build was descheduled.
        for _ in 0..<3 { pairs.append(Self.pair(9, 9 * 0.28, session: 10)) }
        for _ in 0..<3 { pairs.append(Self.pair(9, 9 * 2.37, session: 11)) }
        let summary = PointPairer.estimate(pairs, tolerance: 0.10)
        #expect(summary.thinSessions == [10, 11])
        let e = try #require(summary.estimate)
        #expect(abs(e.ratio - 1.03) < 0.005 && e.upper - e.lower < 0.02, "\(e)")
        #expect(summary.exclusion(pairs[pairs.count - 1]) == "session with too few usable pairs")
        #expect(summary.exclusion(pairs[0]) == nil)
        // With fewer than 3 full sessions, nothing is left out for being thin.
        let few = pairs.filter { $0.session < 2 || $0.session >= 10 }
        #expect(PointPairer.estimate(few, tolerance: 0.10).thinSessions.isEmpty)
    }

    /// Cross-thread rows never claim less than the spread of separate pairings; single-thread
    /// rows keep their own interval.
    /// Sampling stops once the interval decides: wholly beyond the threshold, or narrower than
    /// it and clear of both edges; an interval straddling an edge goes on (it could still
    /// become a verdict).
    @Test func samplingStopsWhenTheIntervalSettles() {
        func settled(_ lo: Double, _ hi: Double) -> Bool {
            PointPairer.isSettled(RatioEstimate(ratio: (lo + hi) / 2, lower: lo, upper: hi, rounds: 8), threshold: 0.02)
        }
        #expect(settled(1.021, 1.09), "slower, however wide")
        #expect(settled(0.90, 0.979), "faster")
        #expect(settled(0.992, 1.008) && settled(1.005, 1.019), "narrow and within")
        #expect(!settled(1.0159, 1.0363), "narrow but straddling +2%: the +3% calibration stopped here")
        #expect(!settled(0.975, 0.985), "straddling -2%")
        #expect(!settled(0.985, 1.015), "within but wider than the threshold")
    }

    @Test func crossThreadIntervalsHaveAFloor() throws {
        let config = try FragCacheConfig(pageSize: 4096, maxSize: 32768)
        let cross = WorkerProtocol.PointRequest(label: "x", spec: PointSpec(WorkloadParameters(kind: .crossThread, config: config)))
        let single = WorkerProtocol.PointRequest(label: "y", spec: PointSpec(WorkloadParameters(kind: .allocFree, config: config)))
        #expect(PointPairer.intervalFloor(single, single) == 0)
        #expect(PointPairer.intervalFloor(single, cross) == PointPairer.crossThreadFloor)
        #expect(PointPairer.intervalFloor(WorkerProtocol.PointRequest(WorkloadParameters(kind: .crossThread, config: config), args: []), single)
                == PointPairer.crossThreadFloor, "the controller's own requests carry the point")
        let narrow = RatioEstimate(ratio: 0.986, lower: 0.976, upper: 0.996, rounds: 34)
        let wide = PointPairer.widened(narrow, floor: PointPairer.crossThreadFloor)
        #expect(abs(wide.lower - 0.986 / 1.025) < 1e-12 && abs(wide.upper - 0.986 * 1.025) < 1e-12)
        #expect(wide.lower < 1 && wide.upper > 1, "the separate pairings' spread no longer reads as a change")
        let already = RatioEstimate(ratio: 1.1, lower: 1.0, upper: 1.2, rounds: 8)
        #expect(PointPairer.widened(already, floor: 0.025) == already)
        #expect(PointPairer.widened(narrow, floor: 0) == narrow)
    }

    @Test func codePlacementIsWarnedAboutOnlyForTwoBuildsNotBothAligned() throws {
        #expect(PairSummary.codePlacementWarning(sameBinary: true, baseAligns: false, headAligns: false) == nil)
        #expect(PairSummary.codePlacementWarning(sameBinary: false, baseAligns: true, headAligns: true) == nil)
        let base = try #require(PairSummary.codePlacementWarning(sameBinary: false, baseAligns: false, headAligns: true))
        #expect(base.hasPrefix("code placement: the base build does not start every function on a 64-byte boundary"))
        let head = try #require(PairSummary.codePlacementWarning(sameBinary: false, baseAligns: true, headAligns: false))
        #expect(head.hasPrefix("code placement: the head build does not start every function on a 64-byte boundary"))
        let neither = try #require(PairSummary.codePlacementWarning(sameBinary: false, baseAligns: false, headAligns: false))
        #expect(neither.hasPrefix("code placement: neither build starts every function on a 64-byte boundary"))
    }
}
