import Measure
import Testing

/// Telling the machine's speed states apart by the processes' canary baselines.
@Suite struct SpeedStatesTests {
    /// The Intel VM's figures (issue 21): 7.03-7.10 ns/step in one state, 8.15-8.45 in the other.
    @Test func processesAFewPercentApartShareAStateAndEighteenPercentDoNot() {
        let states = SpeedStates(baselines: [7.05, 8.30, 7.10, 7.03, 8.45, 7.08])
        #expect(states.states == [.fast, .slow, .fast, .fast, .slow, .fast])
        #expect(states.fastLevel == 7.03)
        let factor = try! #require(states.slowFactor)
        #expect(abs(factor - 8.375 / 7.03) < 1e-9, "the slow processes' median baseline over the fastest")
        #expect(states.estimatedFrom == .fast)
        #expect(states.used == [true, false, true, true, false, true])
        #expect(states.summary == "2 of 6 processes ran 19% slow by the canary (the machine's slow state) and were left out of the estimates")
    }

    @Test func oneStateThroughoutLeavesNothingOutAndSaysNothing() {
        let states = SpeedStates(baselines: [8.2, 8.3, 8.25, 8.4])
        #expect(states.states.allSatisfy { $0 == .fast })
        #expect(states.slowFactor == nil && states.summary == nil)
        #expect(states.used.allSatisfy { $0 })
    }

    /// Too few quick processes to estimate from: the slow state, which holds most of the run,
    /// and the report says the intervals reach down.
    @Test func tooFewFastProcessesEstimateFromTheSlowOnes() {
        let states = SpeedStates(baselines: [7.0, 8.3, 8.2, 7.05, 8.4, 8.3])
        #expect(states.fastCount == 2 && states.slowCount == 4)
        #expect(states.estimatedFrom == .slow)
        #expect(states.used == [false, true, true, false, true, true])
        #expect(states.summary?.hasPrefix("only 2 of 6 processes ran in the machine's fast state") == true)
    }

    /// A process that recorded no baseline is not called slow: nothing says it was.
    @Test func aProcessWithoutABaselineIsKept() {
        let states = SpeedStates(baselines: [7.0, nil, 7.1, 9.0, 7.02, .nan])
        #expect(states.states == [.fast, nil, .fast, .slow, .fast, nil])
        #expect(states.used == [true, true, true, false, true, true])
        let none = SpeedStates(baselines: [nil, nil])
        #expect(none.fastLevel == nil && none.used == [true, true] && none.summary == nil)
    }

    /// The gap sits between the spread within a state and the distance between states.
    @Test func theGapSeparatesTheStatesMeasured() {
        #expect(7.10 / 7.03 - 1 < SpeedStates.gap)
        #expect(8.15 / 7.10 - 1 > SpeedStates.gap)
    }
}
