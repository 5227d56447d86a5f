/// How many pairs a pairing session takes. A session starts with both workloads set up afresh
/// and calibrated, which costs far more than a pair: on the 2-vCPU Intel VM of docs/noise.md,
/// about 250 ms against 5 ms per alloc-free pair, so sessions of a fixed 5 pairs spent 90% of
/// the budget setting up. Sessions stay (their fresh placement is what the interval is taken
/// over); each takes as many pairs as its set-up cost in time, so at least half of the time
/// samples, while the minimum number of sessions still fits the point's budget.
package struct SessionSizing {
    /// Fewest and most pairs in a session.
    package var floor: Int
    package var ceiling: Int = 200

    /// - Parameters:
    ///   - setupSeconds: the wall time of a session's set-up (both workloads, calibration,
    ///     warm-up), as measured so far; nil before the first session.
    ///   - pairSeconds: the wall time of one pair (four samples and their requests).
    ///   - remainingSeconds: what is left of the point's budget.
    ///   - sessionsToGo: sessions still needed before the first stopping check (0 when done).
    package func pairs(setupSeconds: Double?, pairSeconds: Double?, remainingSeconds: Double, sessionsToGo: Int) -> Int {
        guard let setup = setupSeconds, let pair = pairSeconds, setup.isFinite, pair.isFinite, pair > 0, setup >= 0 else {
            return floor
        }
        var wanted = setup / pair
        if sessionsToGo > 0 {
            let perSession = max(0, remainingSeconds) / Double(sessionsToGo)
            wanted = min(wanted, (perSession - setup) / pair)
        }
        guard wanted.isFinite else { return floor }
        return min(ceiling, max(floor, Int(wanted.rounded(.down))))
    }
}
