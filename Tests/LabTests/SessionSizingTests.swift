import Testing
@testable import Lab

/// Pairs per pairing session: as many as the session's set-up costs in time, within bounds,
/// and never so many that the minimum number of sessions no longer fits the budget.
@Suite struct SessionSizingTests {
    let sizing = SessionSizing(floor: 5, ceiling: 200)

    @Test func theFirstSessionTakesTheFloor() {
        #expect(sizing.pairs(setupSeconds: nil, pairSeconds: nil, remainingSeconds: 10, sessionsToGo: 8) == 5)
        #expect(sizing.pairs(setupSeconds: 0.25, pairSeconds: nil, remainingSeconds: 10, sessionsToGo: 8) == 5)
    }

    @Test func samplingTimeMatchesSetUpTime() {
        // 250 ms of set-up, 5 ms a pair: 50 pairs, half the session samples.
        #expect(sizing.pairs(setupSeconds: 0.25, pairSeconds: 0.005, remainingSeconds: 100, sessionsToGo: 0) == 50)
        // Cheap set-up: the floor; dear set-up: the ceiling.
        #expect(sizing.pairs(setupSeconds: 0.001, pairSeconds: 0.005, remainingSeconds: 100, sessionsToGo: 0) == 5)
        #expect(sizing.pairs(setupSeconds: 5, pairSeconds: 0.001, remainingSeconds: 100, sessionsToGo: 0) == 200)
    }

    @Test func theMinimumSessionsStillFitTheBudget() {
        // 6 sessions to go in 3 s: 0.5 s each, 0.25 s of it set-up, so 50 pairs of 5 ms.
        #expect(sizing.pairs(setupSeconds: 0.25, pairSeconds: 0.005, remainingSeconds: 3, sessionsToGo: 6) == 50)
        // 1.875 s for 6 sessions: 0.3125 s each, 0.0625 s left for pairs of 1/128 s: 8.
        #expect(sizing.pairs(setupSeconds: 0.25, pairSeconds: 0.0078125, remainingSeconds: 1.875, sessionsToGo: 6) == 8)
        // Over budget already: the floor, not zero or a negative count.
        #expect(sizing.pairs(setupSeconds: 0.25, pairSeconds: 0.005, remainingSeconds: -1, sessionsToGo: 6) == 5)
    }

    @Test func nonsenseTimesFallBackToTheFloor() {
        for (setup, pair) in [(Double.nan, 0.005), (0.25, 0), (0.25, -1), (-1, 0.005), (Double.infinity, 0.005)] {
            #expect(sizing.pairs(setupSeconds: setup, pairSeconds: pair, remainingSeconds: 10, sessionsToGo: 0) == 5,
                    "setup \(setup) pair \(pair)")
        }
    }
}
