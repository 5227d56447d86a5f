import CFragShim

/// An independent check on the noise canary: the canary's memory loop and a pure arithmetic
/// loop, timed in alternating windows for as long as asked, in a process of its own (on the
/// other CPU while a run measures).
///
/// Why: the canary inside a run reads right after a sample that may have streamed megabytes,
/// so some of what it calls "disturbed" could be the benchmark's own footprint. The probe has no
/// benchmark beside it. The arithmetic loop is the control: the machine's slow state (memory
/// contention from outside the VM) spares it, while frequency changes or a preempted vCPU would
/// not.
public enum ContentionProbe {
    /// One window: when it started (CLOCK_MONOTONIC, comparable across processes on this
    /// machine), the memory loop's and the arithmetic loop's ns per step.
    public struct Window: Sendable, Equatable {
        public var startNs: UInt64
        public var memoryNsPerStep: Double
        public var arithmeticNsPerStep: Double

        public init(startNs: UInt64, memoryNsPerStep: Double, arithmeticNsPerStep: Double) {
            self.startNs = startNs
            self.memoryNsPerStep = memoryNsPerStep
            self.arithmeticNsPerStep = arithmeticNsPerStep
        }
    }

    /// Times windows of about `windowNs` (memory loop) plus a fifth of that (arithmetic) until
    /// `durationNs` has passed or `stop` says so.
    public static func run(durationNs: UInt64, windowNs: UInt64 = 8_000_000, stop: () -> Bool = { false }) -> [Window] {
        // Steps per window from one timed pass of each loop (the canary reads warm, as in a run).
        blackHole(fb_canary_warm())
        let calibrationSteps: UInt64 = 20_000
        let m0 = MonotonicClock.nanoseconds()
        blackHole(fb_canary(calibrationSteps))
        let memoryStepNs = max(0.1, Double(MonotonicClock.nanoseconds() &- m0) / Double(calibrationSteps))
        let a0 = MonotonicClock.nanoseconds()
        ArithmeticDelay.spin(steps: Int(calibrationSteps))
        let arithmeticStepNs = max(0.05, Double(MonotonicClock.nanoseconds() &- a0) / Double(calibrationSteps))
        let memorySteps = UInt64(max(1, Double(windowNs) / memoryStepNs))
        let arithmeticSteps = max(1, Int(Double(windowNs) / 5 / arithmeticStepNs))

        var windows: [Window] = []
        let start = MonotonicClock.nanoseconds()
        while MonotonicClock.nanoseconds() &- start < durationNs && !stop() {
            let t0 = MonotonicClock.nanoseconds()
            blackHole(fb_canary(memorySteps))
            let t1 = MonotonicClock.nanoseconds()
            ArithmeticDelay.spin(steps: arithmeticSteps)
            let t2 = MonotonicClock.nanoseconds()
            windows.append(Window(startNs: t0, memoryNsPerStep: Double(t1 &- t0) / Double(memorySteps),
                                  arithmeticNsPerStep: Double(t2 &- t1) / Double(arithmeticSteps)))
        }
        return windows
    }

    /// What the windows say: the share the memory loop ran slow (the canary's own rule: more
    /// than `tolerance` above its 5th percentile), the slow stretches, and how flat the
    /// arithmetic control stayed.
    public struct Summary: Sendable, Equatable {
        public var windows: Int
        public var memoryBaseline: Double
        public var slowShare: Double
        /// Runs of consecutive slow windows: how many, and the median and longest in ns.
        public var slowStretches: Int
        public var medianStretchNs: Double?
        public var longestStretchNs: Double?
        /// The slow windows' median memory reading over the baseline (> 1), nil without any.
        public var slowFactor: Double?
        public var arithmeticMedian: Double
        /// Share of windows whose arithmetic reading lies within 1% of its median.
        public var arithmeticFlatShare: Double
    }

    public static func summarize(_ windows: [Window], tolerance: Double = 0.10) -> Summary? {
        let memory = windows.map(\.memoryNsPerStep)
        guard windows.count >= 2, let baseline = Statistics.percentile(memory, 5), baseline > 0,
              let arithmetic = Statistics.median(windows.map(\.arithmeticNsPerStep)), arithmetic > 0 else { return nil }
        let slow = memory.map { NoiseCanary.isDisturbed($0, baseline: baseline, tolerance: tolerance) }
        var stretches: [Double] = []
        var i = 0
        while i < windows.count {
            guard slow[i] else { i += 1; continue }
            var j = i
            while j + 1 < windows.count && slow[j + 1] { j += 1 }
            // From the first slow window's start to the next window's start (or, at the end,
            // one more window's length).
            let end = j + 1 < windows.count ? windows[j + 1].startNs
                : windows[j].startNs &+ (j > 0 ? windows[j].startNs &- windows[j - 1].startNs : 0)
            stretches.append(Double(end &- windows[i].startNs))
            i = j + 1
        }
        let slowReadings = zip(memory, slow).compactMap { $1 ? $0 : nil }
        let flat = windows.filter { abs($0.arithmeticNsPerStep / arithmetic - 1) <= 0.01 }.count
        return Summary(windows: windows.count, memoryBaseline: baseline,
                       slowShare: Double(slowReadings.count) / Double(windows.count),
                       slowStretches: stretches.count, medianStretchNs: Statistics.median(stretches),
                       longestStretchNs: stretches.max(), slowFactor: Statistics.median(slowReadings).map { $0 / baseline },
                       arithmeticMedian: arithmetic, arithmeticFlatShare: Double(flat) / Double(windows.count))
    }
}
