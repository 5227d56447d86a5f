/// A known slowdown that touches no memory: a chain of dependent multiply-adds, calibrated to
/// nanoseconds on this CPU. Paired compares are checked against it (`pair --head-delay-ns`):
/// the head spends exactly N ns more per operation, without changing the point's cache or
/// memory footprint, which a slowdown made of more operations would (issue: inflating the op
/// count moved alloc-free 256 B's ratio the wrong way). The machine's slow state spares ALU
/// work, so the delay is the same in both states.
public struct ArithmeticDelay: Sendable {
    /// Chain steps per nanosecond, measured.
    public let stepsPerNanosecond: Double

    /// Times the chain in several windows and keeps the fastest (a window a burst hit only
    /// reads slower).
    public static func calibrate(windows: Int = 7, steps: Int = 2_000_000) -> ArithmeticDelay {
        var best = Double.infinity
        for _ in 0..<max(1, windows) {
            let t0 = MonotonicClock.nanoseconds()
            spin(steps: steps)
            let t1 = MonotonicClock.nanoseconds()
            best = min(best, Double(t1 &- t0))
        }
        return ArithmeticDelay(stepsPerNanosecond: best > 0 && best.isFinite ? Double(steps) / best : 1)
    }

    public init(stepsPerNanosecond: Double) {
        self.stepsPerNanosecond = stepsPerNanosecond
    }

    /// Steps that take `nanoseconds` (rounded, at least 0).
    public func steps(nanoseconds: Double) -> Int {
        guard nanoseconds > 0, nanoseconds.isFinite else { return 0 }
        return Int((nanoseconds * stepsPerNanosecond).rounded())
    }

    /// `steps` dependent multiply-adds on one register: each waits for the one before, so the
    /// time is latency, not throughput, and no load or store is issued.
    @inline(never)
    public static func spin(steps: Int) {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var i = 0
        while i < steps {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            i &+= 1
        }
        blackHole(x)
    }
}
