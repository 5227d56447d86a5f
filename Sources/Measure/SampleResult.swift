/// One timed batch, raw and overhead-corrected.
public struct SampleTiming: Sendable, Equatable {
    public let operations: Int
    /// CLOCK_MONOTONIC nanoseconds for the batch, before correction.
    public let elapsedNanoseconds: UInt64
    /// TSC ticks for the batch, before correction.
    public let elapsedTicks: UInt64
    public let nanosecondsPerOp: Double
    public let ticksPerOp: Double
}

/// The cost of the timing bracket itself (two clock_gettime, rdtsc/rdtscp,
/// the batch closure call), measured on an empty batch.
public struct TimerOverhead: Sendable, Equatable {
    /// Median nanoseconds of an empty timed batch.
    public let nanosecondsPerBatch: Double
    /// Median TSC ticks of an empty timed batch.
    public let ticksPerBatch: Double
    /// Whether it was subtracted from every sample (false if disabled, or
    /// if any sample was not longer than the overhead).
    public let subtracted: Bool
    public let note: String
}

/// Subtracting the bracket overhead, kept pure for testing.
public enum OverheadCorrection {
    /// Per-op cost after removing `overhead` from a batch of `operations`
    /// that took `elapsed`. A batch no longer than the overhead is returned
    /// uncorrected (`subtracted == false`) rather than as 0 or negative.
    public static func perOp(elapsed: Double, overhead: Double, operations: Int, subtract: Bool)
        -> (perOp: Double, subtracted: Bool)
    {
        guard operations > 0 else { return (.nan, false) }
        if subtract && overhead > 0 && elapsed > overhead {
            return ((elapsed - overhead) / Double(operations), true)
        }
        return (elapsed / Double(operations), false)
    }
}

/// Per-op counter medians across samples.
public enum CounterAggregation {
    /// Divides each sample's counter totals by `operations` and takes the
    /// median per counter (in first-sample order). A counter missing from any
    /// sample is reported unavailable with the first reason seen, never as a
    /// median of fewer samples or 0. The scaling ratio reported is the
    /// worst (smallest) one seen.
    public static func perOpMedians(samples: [[CounterValue]], operations: Int) -> [CounterValue] {
        guard let first = samples.first, operations > 0 else { return samples.first ?? [] }
        return first.map { template in
            var perOp: [Double] = []
            var reason: String? = nil
            var worstRatio: Double? = nil
            var statuses: [String] = []
            for sample in samples {
                guard let v = sample.first(where: { $0.name == template.name && $0.source == template.source }),
                      let value = v.value
                else {
                    reason = reason ?? sample.first(where: { $0.name == template.name })?.status
                        ?? "missing from a sample"
                    continue
                }
                perOp.append(value / Double(operations))
                if let r = v.scalingRatio { worstRatio = min(worstRatio ?? r, r) }
                if let s = v.status { statuses.append(s) }
            }
            guard perOp.count == samples.count, let median = Statistics.median(perOp) else {
                return .unavailable(template.name, source: template.source, reason: reason ?? "no value")
            }
            let status = statuses.isEmpty ? nil : "\(statuses.count)/\(samples.count) samples: \(statuses[0])"
            return CounterValue(name: template.name, source: template.source, value: median,
                                status: status, scalingRatio: worstRatio)
        }
    }
}

/// Everything a report needs about one measured benchmark.
public struct SampleResult: Sendable {
    public let label: String
    public let operationsPerSample: Int
    /// Operations inside timed samples (warm-up and calibration excluded).
    public let totalOperations: Int
    public let samples: [SampleTiming]
    public let medianNanosecondsPerOp: Double?
    public let minNanosecondsPerOp: Double?
    public let meanNanosecondsPerOp: Double?
    /// nanobench err% of ns/op across samples.
    public let errPercent: Double?
    /// Median TSC ticks per op ("TSC cycles/op": reference cycles, not core
    /// cycles if the core clock differs from the TSC rate). Nil without a TSC.
    public let medianTSCTicksPerOp: Double?
    public let overhead: TimerOverhead
    public let instability: Instability
    /// Per-op counter medians (values carry their source), then the
    /// unavailable counters with reasons. Empty when no session was given.
    public let counters: [CounterValue]
    public let backend: BackendChoice?
    public let isDebugBuild: Bool
    /// The CPU at the end of sampling, and whether the thread was pinned.
    public let cpu: Int?
    public let pinned: Bool
    /// Why pinning failed, if it was requested and failed.
    public let pinError: String?
    /// The point estimate (a low quantile of the undisturbed samples) and its 95% interval.
    public var estimate: RobustEstimate? = nil
    /// Each sample's class, in order (all undisturbed without a canary).
    public var classes: [SampleClass] = []
    /// Canary readings (ns per step) before the first sample and after each one.
    public var canaryReadings: [Double] = []
    /// The run's canary baseline when this point was classified.
    public var canaryBaseline: Double? = nil
    /// Two-thread workloads: the cross-CPU round trip read right before and right after each
    /// sample (NaN where no reading could be taken); empty otherwise (`CPUPlacement`).
    public var crossCPUBeforeNs: [Double] = []
    public var crossCPUAfterNs: [Double] = []
    /// The round trip (ns) of the placement the estimate comes from (`CPUPlacement.Split`).
    public var crossCPURoundTripNs: Double? = nil
    /// Per sample: left out of the estimate because it ran in the other placement of the two
    /// CPUs; empty when none was.
    public var placementLeftOut: [Bool] = []

    /// Visits pooled into this result (see `pooled`), and the sample duration aimed at.
    public var visits: Int = 1
    public var sampleGoalNanoseconds: UInt64 = 0

    public var disturbedCount: Int { classes.filter { $0 != .undisturbed }.count }

    /// Timing figures as counter values, so reports can list them uniformly.
    public var timingValues: [CounterValue] {
        [
            CounterValue(name: "ns/op (median)", source: .monotonicClock, value: medianNanosecondsPerOp,
                         status: medianNanosecondsPerOp == nil ? "no samples" : nil),
            CounterValue(name: "ns/op (min)", source: .monotonicClock, value: minNanosecondsPerOp,
                         status: minNanosecondsPerOp == nil ? "no samples" : nil),
            medianTSCTicksPerOp.map { CounterValue(name: "TSC cycles/op", source: .tsc, value: $0) }
                ?? .unavailable("TSC cycles/op", source: .tsc, reason: "no TSC on this architecture"),
        ]
    }
}
