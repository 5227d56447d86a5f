import Foundation

extension BenchPoint {
    /// cross-thread's counters count both threads, the consumer's and producer's spin waits on
    /// the ring included: not the allocation path's cost.
    public var countsIncludeSpinning: Bool { workload == "cross-thread" }
}
