/// The lab's one timing bracket: the sampler's samples and a pairing worker's samples are
/// timed by the same code, so the two ways of measuring a point differ only in how many
/// samples they take and in what order, not in what a sample is.
public enum BatchTiming {
    /// Time `ops` operations: monotonic clock outside, TSC inside, so the TSC bracket is the
    /// tightest and both see the same batch. Above `limit` the sample is several timed
    /// batches, their times and counts added (see SubBatches). `setup` and `teardown` run
    /// outside the bracket.
    @inline(__always)
    public static func time<State>(
        _ ops: Int, limit: Int?, counters: CounterSession? = nil,
        setup: (_ ops: Int) -> State, run: (_ state: inout State, _ ops: Int) -> Void,
        teardown: (_ state: inout State) -> Void
    ) -> (ns: UInt64, ticks: UInt64, counters: [CounterValue], batches: Int) {
        var ns: UInt64 = 0
        var ticks: UInt64 = 0
        var parts: [[CounterValue]] = []
        let sizes = SubBatches.sizes(operations: ops, limit: limit)
        for n in sizes {
            var state = setup(n)
            counters?.start()
            let t0 = MonotonicClock.nanoseconds()
            let c0 = TSC.start()
            run(&state, n)
            let c1 = TSC.end()
            let t1 = MonotonicClock.nanoseconds()
            if let values = counters?.stop() { parts.append(values) }
            teardown(&state)
            ns &+= t1 &- t0
            ticks &+= c1 &- c0
        }
        return (ns, ticks, CounterValue.summed(parts), sizes.count)
    }

    /// Median cost of the bracket around an empty batch over `batches` tries: the clock and TSC
    /// reads plus one closure call whose argument is sunk so it cannot be deleted. The per-op
    /// loop inside a real batch is the caller's code and stays in the result.
    public static func overhead(batches: Int) -> (ns: Double, ticks: Double) {
        var ns: [Double] = []
        var ticks: [Double] = []
        let empty: (Int) -> Void = { blackHole(UInt64($0)) }
        for _ in 0..<max(1, batches) {
            let t0 = MonotonicClock.nanoseconds()
            let c0 = TSC.start()
            empty(0)
            let c1 = TSC.end()
            let t1 = MonotonicClock.nanoseconds()
            ns.append(Double(t1 &- t0))
            ticks.append(Double(c1 &- c0))
        }
        return (Statistics.median(ns) ?? 0, Statistics.median(ticks) ?? 0)
    }
}
