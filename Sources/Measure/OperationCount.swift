/// How many operations one sample runs.
///
/// A sample must last long enough for the clock to resolve it, and the op count must not hang
/// on a single timing: one slow first call (a page fault, a burst on the host) once fixed a
/// batch of 1 op that no clock could time. So the per-op cost is the fastest rate seen over
/// several calibration batches, and an op count is accepted only after `confirmations`
/// batches at it agree that it lasts at least the goal at that rate.
public enum OperationCount {
    /// - Parameters:
    ///   - goal: the shortest sample wanted, ns (already raised to what the timer can resolve).
    ///   - timed: runs one batch of the given size and returns its duration in ns.
    public static func choose(goal: UInt64, maxOps: Int, confirmations: Int = 3, maxBatches: Int = 80,
                              timed: (Int) -> UInt64) -> Int {
        let cap = max(1, maxOps)
        var ops = 1
        var fastestPerOp = Double.infinity
        var confirmed = 0
        for _ in 0..<max(1, maxBatches) {
            let elapsed = timed(ops)
            if elapsed > 0 { fastestPerOp = min(fastestPerOp, Double(elapsed) / Double(ops)) }
            let needed = opsNeeded(goal: goal, perOp: fastestPerOp)
            if ops >= needed || ops >= cap {
                confirmed += 1
                if confirmed >= max(1, confirmations) { return ops }
                continue
            }
            confirmed = 0
            ops = nextCount(current: ops, needed: needed, cap: cap)
        }
        return ops
    }

    /// Ops that last `goal` ns at `perOp` ns each; Int.max when the rate is unknown (a batch
    /// too short for the clock).
    static func opsNeeded(goal: UInt64, perOp: Double) -> Int {
        guard perOp.isFinite, perOp > 0 else { return Int.max }
        let n = (Double(goal) / perOp).rounded(.up)
        return n >= Double(Int.max / 2) ? Int.max / 2 : max(1, Int(n))
    }

    /// Grow toward `needed` with 10% headroom, at most x10 per step (the rate estimate from a
    /// tiny batch is rough), always by at least one.
    static func nextCount(current: Int, needed: Int, cap: Int) -> Int {
        let tenfold = current.multipliedReportingOverflow(by: 10)
        let step = tenfold.overflow ? Int.max : tenfold.partialValue
        let headroom = needed >= Int.max / 2 ? Int.max : needed + needed / 10
        return min(cap, max(current + 1, min(step, headroom)))
    }

    /// The shortest sample the timer can resolve well: 1000 clock ticks and 100 times the
    /// bracket's own cost, and never below the configured minimum.
    public static func goal(minimum: UInt64, clockResolution: UInt64?, overhead: Double) -> UInt64 {
        let byClock = (clockResolution ?? 1) &* 1_000
        let byOverhead = overhead.isFinite && overhead > 0 ? UInt64(min(overhead * 100, 1e12)) : 0
        return max(minimum, byClock, byOverhead, 1)
    }
}
