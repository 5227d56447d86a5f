import CFragShim

/// What one uncontended locked read-modify-write costs on this machine: the price of every
/// kernel-API fragment free (one atomic decrement of the page's refcount). It differs a lot
/// between CPUs (about 7 ns on the Intel Xeon VM this lab grew on, about 2 ns on an AMD EPYC
/// VM), which reorders the cache against malloc-family peers, so runs record it.
public enum AtomicCalibration {
    public struct Result: Sendable, Equatable {
        /// Nanoseconds per locked RMW: the median over batches.
        public var nanoseconds: Double
        /// How it was measured, for the reader.
        public var method: String
    }

    /// Median of `batches` batches of `iterations` locked decrements (a C loop, CFragShim's
    /// `fb_locked_rmw_batch`); nil if the clock gave nothing usable.
    public static func measure(batches: Int = 7, iterations: Int = 2_000_000) -> Result? {
        precondition(batches >= 1 && iterations >= 1, "AtomicCalibration: \(batches) batches of \(iterations)")
        // One untimed batch first: the line and the loop come into cache, the CPU wakes up.
        _ = fb_locked_rmw_batch(UInt64(iterations / 10 + 1))
        let perOp = (0 ..< batches).compactMap { _ -> Double? in
            let ns = fb_locked_rmw_batch(UInt64(iterations))
            return ns > 0 ? Double(ns) / Double(iterations) : nil
        }
        guard let median = Statistics.median(perOp) else { return nil }
        return Result(nanoseconds: median,
                      method: "median of \(perOp.count) batches of \(iterations) uncontended __atomic_sub_fetch (acq_rel, tested against 0, as a fragment free does) on one cache line, C loop, CLOCK_MONOTONIC, loop overhead included")
    }
}
