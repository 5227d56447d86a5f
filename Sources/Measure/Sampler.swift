/// The batch timing loop. Times whole batches of operations because one
/// operation (tens of ns) is shorter than the timer's own cost; the caller's
/// closure runs `ops` operations and the sampler divides.
public struct Sampler: Sendable {
    public let config: SamplerConfig

    public init(_ config: SamplerConfig = .standard) {
        self.config = config
    }

    /// Times `body(ops)` batches. Counters in `counters`, if given, count
    /// exactly the timed batches.
    public func measure(label: String, counters: CounterSession? = nil,
                        _ body: (_ ops: Int) -> Void) -> SampleResult {
        measureBatches(label: label, counters: counters,
                       setup: { _ in () }, run: { _, ops in body(ops) }, teardown: { _ in })
    }

    /// Times only `run`; `setup(ops)` prepares each batch's state and
    /// `teardown` releases it, both outside the timed region and outside the
    /// counters (e.g. filling a cache before timing a drain).
    public func measureBatches<State>(
        label: String,
        counters: CounterSession? = nil,
        setup: (_ ops: Int) -> State,
        run: (_ state: inout State, _ ops: Int) -> Void,
        teardown: (_ state: inout State) -> Void
    ) -> SampleResult {
        var pinError: String? = nil
        if let cpu = config.pinCPU, case .failure(let error) = CPUAffinity.pin(to: cpu) {
            pinError = error.description
        }

        // Time one batch: monotonic outside, TSC inside, so the TSC bracket
        // is the tightest and both see the same batch.
        func timed(_ ops: Int, counting: Bool) -> (ns: UInt64, ticks: UInt64, counters: [CounterValue]) {
            var state = setup(ops)
            if counting { counters?.start() }
            let t0 = MonotonicClock.nanoseconds()
            let c0 = TSC.start()
            run(&state, ops)
            let c1 = TSC.end()
            let t1 = MonotonicClock.nanoseconds()
            let values = counting ? (counters?.stop() ?? []) : []
            teardown(&state)
            return (t1 &- t0, c1 &- c0, values)
        }

        let overhead = measureOverhead()
        let ops = chooseOperations(timed: { timed($0, counting: false).ns })

        // Warm-up: untimed in the result, at the chosen size.
        var warmed: UInt64 = 0
        repeat { warmed &+= timed(ops, counting: false).ns } while warmed < config.warmupNanoseconds

        var timings: [SampleTiming] = []
        var counterSamples: [[CounterValue]] = []
        var allSubtracted = config.subtractOverhead
        for _ in 0..<max(1, config.samples) {
            let (ns, ticks, values) = timed(ops, counting: true)
            let nsPerOp = OverheadCorrection.perOp(
                elapsed: Double(ns), overhead: overhead.ns, operations: ops, subtract: config.subtractOverhead)
            let ticksPerOp = OverheadCorrection.perOp(
                elapsed: Double(ticks), overhead: overhead.ticks, operations: ops, subtract: config.subtractOverhead)
            allSubtracted = allSubtracted && nsPerOp.subtracted && ticksPerOp.subtracted
            timings.append(SampleTiming(operations: ops, elapsedNanoseconds: ns, elapsedTicks: ticks,
                                        nanosecondsPerOp: nsPerOp.perOp, ticksPerOp: ticksPerOp.perOp))
            if counters != nil { counterSamples.append(values) }
        }

        let nsPerOp = timings.map(\.nanosecondsPerOp)
        let err = Statistics.medianAbsolutePercentError(nsPerOp)
        let note: String
        if !config.subtractOverhead {
            note = "not subtracted (disabled by configuration)"
        } else if allSubtracted {
            note = "subtracted from every sample"
        } else {
            note = "NOT subtracted from samples no longer than the overhead itself; raise the minimum sample time"
        }
        return SampleResult(
            label: label,
            operationsPerSample: ops,
            totalOperations: ops * timings.count,
            samples: timings,
            medianNanosecondsPerOp: Statistics.median(nsPerOp),
            minNanosecondsPerOp: Statistics.minimum(nsPerOp),
            meanNanosecondsPerOp: Statistics.mean(nsPerOp),
            errPercent: err,
            medianTSCTicksPerOp: TSC.isSupported ? Statistics.median(timings.map(\.ticksPerOp)) : nil,
            overhead: TimerOverhead(nanosecondsPerBatch: overhead.ns, ticksPerBatch: overhead.ticks,
                                    subtracted: allSubtracted, note: note),
            instability: Instability(errPercent: err, sampleCount: timings.count, opsPerSample: ops,
                                     cpuPinned: config.pinCPU != nil && pinError == nil),
            counters: CounterAggregation.perOpMedians(samples: counterSamples, operations: ops),
            backend: counters?.choice,
            isDebugBuild: Measure.isDebugBuild,
            cpu: CPUAffinity.current(),
            pinned: config.pinCPU != nil && pinError == nil,
            pinError: pinError)
    }

    /// Median cost of the timing bracket around an empty batch: the clock and
    /// TSC reads plus one closure call whose argument is sunk so it cannot be
    /// deleted. The per-op loop inside a real batch is the caller's code and
    /// stays in the result.
    private func measureOverhead() -> (ns: Double, ticks: Double) {
        var ns: [Double] = []
        var ticks: [Double] = []
        let empty: (Int) -> Void = { blackHole(UInt64($0)) }
        for _ in 0..<max(1, config.overheadBatches) {
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

    /// Grows the op count until one batch lasts `minSampleNanoseconds`
    /// (nanobench's approach): x10 while far too short, then scale by the
    /// shortfall with 10% headroom. These batches double as first warm-up.
    func chooseOperations(timed: (Int) -> UInt64) -> Int {
        if let fixed = config.fixedOpsPerSample { return max(1, fixed) }
        var ops = 1
        while true {
            let elapsed = timed(ops)
            if elapsed >= config.minSampleNanoseconds || ops >= config.maxOpsPerSample { return ops }
            ops = min(config.maxOpsPerSample,
                      Sampler.nextOperationCount(current: ops, elapsed: elapsed, target: config.minSampleNanoseconds))
        }
    }

    /// The next op count to try after `current` ops took `elapsed` ns.
    public static func nextOperationCount(current: Int, elapsed: UInt64, target: UInt64) -> Int {
        if elapsed == 0 || elapsed * 10 < target { return current * 10 }
        let scaled = Double(current) * Double(target) * 1.1 / Double(elapsed)
        return max(current + 1, Int(scaled.rounded(.up)))
    }
}
