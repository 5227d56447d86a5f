import Testing
@testable import Measure

/// The op count per sample, against fake clocks (no real timing in tests).
@Suite struct OperationCountTests {
    /// A fake clock: `perOp` ns per operation, except the readings listed in `slow` (by call
    /// index), which take `slowNanoseconds` whatever the op count.
    final class FakeClock {
        let perOp: Double
        let slow: Set<Int>
        let slowNanoseconds: UInt64
        var calls: [Int] = []
        init(perOp: Double, slow: Set<Int> = [], slowNanoseconds: UInt64 = 0) {
            self.perOp = perOp
            self.slow = slow
            self.slowNanoseconds = slowNanoseconds
        }
        func time(_ ops: Int) -> UInt64 {
            defer { calls.append(ops) }
            if slow.contains(calls.count) { return slowNanoseconds }
            return UInt64((Double(ops) * perOp).rounded())
        }
    }

    @Test func aSlowFirstReadingDoesNotFixATinyBatch() {
        // The failure seen in the field: 1 op took 5 ms (a page fault, a burst), and the old
        // search stopped there with a batch no clock could time.
        let clock = FakeClock(perOp: 1.5, slow: [0], slowNanoseconds: 5_000_000)
        let ops = OperationCount.choose(goal: 2_000_000, maxOps: 1 << 40, timed: clock.time)
        #expect(Double(ops) * 1.5 >= 2_000_000)
        #expect(Double(ops) * 1.5 <= 2_000_000 * 1.25)
        // Accepted only after several batches at that size agreed.
        #expect(clock.calls.suffix(3).allSatisfy { $0 == ops })
    }

    @Test func slowReadingsInTheMiddleOnlyDelayTheChoice() {
        let clock = FakeClock(perOp: 10, slow: [3, 4, 7], slowNanoseconds: 50_000_000)
        let ops = OperationCount.choose(goal: 1_000_000, maxOps: 1 << 40, timed: clock.time)
        #expect(ops >= 100_000 && ops <= 125_000)
    }

    @Test func neverFromASingleBatch() {
        let clock = FakeClock(perOp: 100)
        let ops = OperationCount.choose(goal: 1_000_000, maxOps: 1 << 40, confirmations: 3, timed: clock.time)
        #expect(clock.calls.filter { $0 == ops }.count >= 3)
        #expect(clock.calls.count >= 4)
    }

    @Test func aClockThatCannotResolveGrowsTheBatch() {
        // Coarse timer: anything under 1 us reads 0.
        var calls = 0
        let ops = OperationCount.choose(goal: 100_000, maxOps: 1 << 40) { ops in
            calls += 1
            let ns = UInt64(ops) * 2
            return ns < 1_000 ? 0 : ns
        }
        #expect(ops * 2 >= 100_000)
        #expect(calls < 80)
    }

    @Test func theCapBoundsTheBatch() {
        let clock = FakeClock(perOp: 1)
        #expect(OperationCount.choose(goal: 10_000_000, maxOps: 4_096, timed: clock.time) == 4_096)
    }

    @Test func theGoalIsAtLeastWhatTheTimerResolves() {
        #expect(OperationCount.goal(minimum: 200_000, clockResolution: 1, overhead: 40) == 200_000)
        // A 1 ms clock (a coarse VM clocksource) needs 1 s samples.
        #expect(OperationCount.goal(minimum: 200_000, clockResolution: 1_000_000, overhead: 40) == 1_000_000_000)
        // A costly bracket: 100x its cost.
        #expect(OperationCount.goal(minimum: 1_000, clockResolution: 1, overhead: 50_000) == 5_000_000)
        #expect(OperationCount.goal(minimum: 0, clockResolution: nil, overhead: .nan) == 1_000)
    }
}
