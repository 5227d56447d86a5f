import CFragShim
import Glibc
import Support

/// Where an alloc-free or mixed point's time goes: the same ring run as alternating timed
/// phases, `phase` frees of the oldest fragments then `phase` allocations into their slots,
/// with the TSC read between phases. Interleaving is lost at phase granularity (between
/// depth - phase and depth fragments are live), so the halves are a derivation to read beside
/// the interleaved ns/op, not a split of it.
public struct AllocFreeSplit: Sendable, Equatable {
    public var allocNanosecondsPerOp: Double
    public var freeNanosecondsPerOp: Double
    public var method: String
}

/// Runners whose timed loop is a ring of allocations and frees.
public protocol AllocFreeSplitting: AnyObject {
    /// Runs `ops` ring operations split into phases; returns the two halves' ticks.
    func runSplit(_ ops: Int) -> PhaseTicks
    /// Operations per phase.
    var splitPhase: Int { get }
    var splitDepth: Int { get }
}

/// The TSC ticks of a split batch: each half's, the whole batch's, and the wall time, so the
/// ticks convert to nanoseconds without a separate calibration; `overheadTicks` is what an
/// empty phase costs (TSC read and call), subtracted per phase.
public struct PhaseTicks: Sendable {
    public var allocTicks: UInt64 = 0
    public var freeTicks: UInt64 = 0
    public var phases: Int = 0
    public var totalTicks: UInt64 = 0
    public var wallNanoseconds: UInt64 = 0
    public var overheadTicks: Double = 0
    public var ops: Int = 0
}

extension AllocFreeSplitting {
    /// `repeats` split batches of `ops` operations; the medians of each half in ns/op. nil
    /// without a TSC (the phases are too short for the system clock).
    public func measureSplit(ops: Int, repeats: Int) -> AllocFreeSplit? {
        guard fb_has_tsc() != 0, ops > 0, repeats > 0 else { return nil }
        var allocs: [Double] = []
        var frees: [Double] = []
        for _ in 0 ..< repeats {
            let t = runSplit(ops)
            guard t.totalTicks > 0, t.wallNanoseconds > 0, t.ops > 0 else { continue }
            let nsPerTick = Double(t.wallNanoseconds) / Double(t.totalTicks)
            let overhead = t.overheadTicks * Double(t.phases)
            allocs.append(max(0, Double(t.allocTicks) - overhead) * nsPerTick / Double(t.ops))
            frees.append(max(0, Double(t.freeTicks) - overhead) * nsPerTick / Double(t.ops))
        }
        guard let a = Statistics.median(allocs), let f = Statistics.median(frees) else { return nil }
        return AllocFreeSplit(
            allocNanosecondsPerOp: a, freeNanosecondsPerOp: f,
            method: "alternating timed phases of \(splitPhase) frees (oldest first) and \(splitPhase) allocations into their slots on the same ring of \(splitDepth), TSC between phases, an empty phase's cost subtracted; median of \(allocs.count) batches as long as the point's samples")
    }
}

extension FragmentRing where A: ~Copyable {
    /// Operations per phase: a quarter of the ring, at most 64 (long enough for the TSC reads
    /// to matter little, short enough to stay close to the interleaved ring).
    var splitPhase: Int { max(1, min(64, depth / 4)) }

    /// The split loop over `ops` operations; `alloc` fills `count` slots from `slot`.
    func runSplit(_ ops: Int, alloc: (inout A, UnsafeMutablePointer<UnsafeMutableRawPointer?>, Int) -> Void) -> PhaseTicks {
        var ticks = PhaseTicks()
        // An empty phase: the TSC read and the calls, with nothing to do.
        var empty: [UInt64] = []
        for _ in 0 ..< 16 {
            let t0 = fb_rdtsc()
            A.freeBatch(&cache, slots: slots, ops: 0)
            empty.append(fb_rdtsc() &- t0)
        }
        ticks.overheadTicks = Double(empty.sorted()[empty.count / 2])
        let phase = splitPhase
        var i = oldest
        var left = ops
        var wallStart = timespec()
        clock_gettime(CLOCK_MONOTONIC, &wallStart)
        let start = fb_rdtsc()
        var t = start
        while left > 0 {
            let n = min(phase, left, depth &- i)
            A.freeBatch(&cache, slots: slots + i, ops: n)
            let t1 = fb_rdtsc()
            alloc(&cache, slots + i, n)
            let t2 = fb_rdtsc()
            ticks.freeTicks &+= t1 &- t
            ticks.allocTicks &+= t2 &- t1
            t = t2
            ticks.phases += 1
            i &+= n
            if i == depth { i = 0 }
            left &-= n
        }
        var wallEnd = timespec()
        clock_gettime(CLOCK_MONOTONIC, &wallEnd)
        ticks.totalTicks = t &- start
        ticks.wallNanoseconds = UInt64(wallEnd.tv_sec - wallStart.tv_sec) &* 1_000_000_000 &+ UInt64(wallEnd.tv_nsec) &- UInt64(wallStart.tv_nsec)
        ticks.ops = ops
        oldest = i
        return ticks
    }
}
