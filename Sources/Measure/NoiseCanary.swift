import CFragShim

/// A small fixed-work reference loop timed between samples (`fb_canary`: bump carving, ring
/// stores, one locked RMW per step, the memory traffic the workloads make). When it runs
/// slower than its own low quantile, the machine is disturbed (a neighbour, the host), and the
/// samples taken then are marked. One canary lives for a whole run so its baseline comes from
/// every quiet moment of the run, not just one point's.
///
/// Not thread-safe: one measuring thread owns it.
public final class NoiseCanary: @unchecked Sendable {
    /// Steps per reading: about 5 us on an AMD EPYC VM, 20 us on an Intel Xeon VM, short next
    /// to a sample (0.2 to 2 ms) and long next to the clock's cost.
    public let iterations: UInt64
    /// A reading more than this fraction above the baseline marks the machine disturbed.
    /// 10%: the canary's own spread on a quiet VM is 1-3%, while the bursts measured here
    /// slow it 15-60% (README, "Noise").
    public let tolerance: Double
    /// Every reading of the run, ns per step, in order.
    public private(set) var readings: [Double] = []

    public init(iterations: UInt64 = 2_000, tolerance: Double = 0.10) {
        self.iterations = max(1, iterations)
        self.tolerance = tolerance
    }

    /// Times one canary run; returns ns per step.
    @discardableResult
    public func read() -> Double {
        // One untimed pass of the loop itself before the timed one: touching the buffer's lines
        // was not enough after a sample that streamed megabytes. Beside an independent probe on
        // the other CPU (scripts/canary-vs-probe.sh, quiet AMD EPYC VM), the run's canary read
        // slow in 3-33% of readings against the probe's 1-4%, and 0-3% against 1-5% with the pass.
        blackHole(fb_canary_warm())
        blackHole(fb_canary(iterations))
        let t0 = MonotonicClock.nanoseconds()
        blackHole(fb_canary(iterations))
        let t1 = MonotonicClock.nanoseconds()
        let perStep = Double(t1 &- t0) / Double(iterations)
        readings.append(perStep)
        return perStep
    }

    /// Readings taken up front so the baseline exists before the first point.
    public func warmUp(readings count: Int = 50) {
        for _ in 0..<max(0, count) { read() }
    }

    /// The undisturbed level: the 5th percentile of every reading so far (the minimum would
    /// follow one lucky reading; the median would include the bursts).
    public var baseline: Double? { Statistics.percentile(readings, 5) }

    /// Whether a reading shows a disturbed machine against `baseline`.
    public static func isDisturbed(_ reading: Double, baseline: Double?, tolerance: Double) -> Bool {
        guard let baseline, baseline > 0, reading.isFinite else { return false }
        return reading > baseline * (1 + tolerance)
    }

    /// Share of all readings so far that showed a disturbed machine (0...1), nil before any.
    public var disturbedShare: Double? {
        guard !readings.isEmpty else { return nil }
        let b = baseline
        return Double(readings.filter { Self.isDisturbed($0, baseline: b, tolerance: tolerance) }.count)
            / Double(readings.count)
    }
}
