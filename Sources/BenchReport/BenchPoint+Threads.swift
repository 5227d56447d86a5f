import Foundation

extension BenchPoint {
    /// A point whose workload runs two threads on two CPUs (cross-thread: a producer that
    /// allocates and a consumer that frees). Reports treat such points apart: their pinning,
    /// their counts, their placement and their stability differ from the single-thread ones.
    public var isTwoThread: Bool { workload == "cross-thread" }

    /// cross-thread's counters count both threads, the consumer's and producer's spin waits on
    /// the ring included: not the allocation path's cost.
    public var countsIncludeSpinning: Bool { isTwoThread }
}
