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
    ///
    /// With a `canary`, each sample is bracketed by canary readings, samples taken while the
    /// machine was disturbed are classified and left out of the estimate, and sampling goes on
    /// (up to `config.maxSampleFactor` times the planned count) until enough undisturbed
    /// samples exist.
    ///
    /// With `crossCPU` (a two-thread workload whose other thread runs there), each sample is
    /// bracketed by readings of the round trip to that CPU (one reading between two samples),
    /// and the estimate comes from one placement of the two (`CPUPlacement`).
    public func measureBatches<State>(
        label: String,
        counters: CounterSession? = nil,
        canary: NoiseCanary? = nil,
        crossCPU: Int? = nil,
        setup: (_ ops: Int) -> State,
        run: (_ state: inout State, _ ops: Int) -> Void,
        teardown: (_ state: inout State) -> Void
    ) -> SampleResult {
        var pinError: String? = nil
        if let cpu = config.pinCPU, case .failure(let error) = CPUAffinity.pin(to: cpu) {
            pinError = error.description
        }

        func timed(_ ops: Int, counting: Bool) -> (ns: UInt64, ticks: UInt64, counters: [CounterValue], batches: Int) {
            BatchTiming.time(ops, limit: config.batchLimit, counters: counting ? counters : nil,
                             setup: setup, run: run, teardown: teardown)
        }

        let overhead = BatchTiming.overhead(batches: config.overheadBatches)
        let goal = OperationCount.goal(minimum: config.minSampleNanoseconds,
                                       clockResolution: MonotonicClock.resolutionNanoseconds(), overhead: overhead.ns)
        let ops = config.fixedOpsPerSample.map { max(1, $0) }
            ?? OperationCount.choose(goal: goal, maxOps: config.maxOpsPerSample) { timed($0, counting: false).ns }

        // Warm-up: untimed in the result, at the chosen size.
        var warmed: UInt64 = 0
        repeat { warmed &+= timed(ops, counting: false).ns } while warmed < config.warmupNanoseconds

        var timings: [SampleTiming] = []
        var counterSamples: [[CounterValue]] = []
        var canaryReadings: [Double] = []
        var placementReadings: [Double] = []
        var allSubtracted = config.subtractOverhead
        let planned = max(1, config.samples)
        let limit = canary == nil ? planned : planned * max(1, config.maxSampleFactor)
        if let canary { canaryReadings.append(canary.read()) }
        if let crossCPU { placementReadings.append(CPUPlacement.read(toCPU: crossCPU) ?? .nan) }
        while timings.count < limit {
            if timings.count >= planned {
                // Enough samples planned; go on only while too few are undisturbed.
                let classes = classify(timings.map(\.nanosecondsPerOp), canaryReadings, canary)
                if classes.filter({ $0 == .undisturbed }).count >= config.minimumUndisturbed { break }
            }
            let (ns, ticks, values, batches) = timed(ops, counting: true)
            if let canary { canaryReadings.append(canary.read()) }
            if let crossCPU { placementReadings.append(CPUPlacement.read(toCPU: crossCPU) ?? .nan) }
            // One bracket per timed batch.
            let nsPerOp = OverheadCorrection.perOp(
                elapsed: Double(ns), overhead: overhead.ns * Double(batches), operations: ops, subtract: config.subtractOverhead)
            let ticksPerOp = OverheadCorrection.perOp(
                elapsed: Double(ticks), overhead: overhead.ticks * Double(batches), operations: ops, subtract: config.subtractOverhead)
            allSubtracted = allSubtracted && nsPerOp.subtracted && ticksPerOp.subtracted
            timings.append(SampleTiming(operations: ops, elapsedNanoseconds: ns, elapsedTicks: ticks,
                                        nanosecondsPerOp: nsPerOp.perOp, ticksPerOp: ticksPerOp.perOp))
            if counters != nil { counterSamples.append(values) }
        }

        let nsPerOp = timings.map(\.nanosecondsPerOp)
        let classes = classify(nsPerOp, canaryReadings, canary)
        // Reading i was taken before sample i, reading i + 1 after it.
        let before = Array(placementReadings.dropLast()), after = Array(placementReadings.dropFirst())
        let placement = CPUPlacement.split(visitSamples: [nsPerOp], visitClasses: [classes], visitBefore: [before], visitAfter: [after])
        var estimate = RobustEstimate.estimate(samples: placement?.visitSamples[0] ?? nsPerOp,
                                               classes: placement?.visitClasses[0] ?? classes, estimator: config.estimator)
        if let note = placement?.note { estimate?.description += "; \(note)" }
        let err = Statistics.medianAbsolutePercentError(nsPerOp)
        let note: String
        if !config.subtractOverhead {
            note = "not subtracted (disabled by configuration)"
        } else if allSubtracted {
            note = "subtracted from every sample"
        } else {
            note = "NOT subtracted from samples no longer than the overhead itself; raise the minimum sample time"
        }
        let undisturbed = (placement?.visitClasses[0] ?? classes).filter { $0 == .undisturbed }.count
        var result = SampleResult(
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
            instability: Instability(estimate: estimate, undisturbed: undisturbed),
            counters: CounterAggregation.perOpMedians(samples: counterSamples, operations: ops),
            backend: counters?.choice,
            isDebugBuild: Measure.isDebugBuild,
            cpu: CPUAffinity.current(),
            pinned: config.pinCPU != nil && pinError == nil,
            pinError: pinError,
            estimate: estimate,
            classes: classes,
            canaryReadings: canaryReadings,
            canaryBaseline: canary?.baseline)
        result.sampleGoalNanoseconds = goal
        if !placementReadings.isEmpty {
            result.crossCPUBeforeNs = before
            result.crossCPUAfterNs = after
            result.crossCPURoundTripNs = placement?.roundTripNs
        }
        result.placementLeftOut = placement?.leftOut ?? []
        return result
    }

    private func classify(_ nsPerOp: [Double], _ readings: [Double], _ canary: NoiseCanary?) -> [SampleClass] {
        SampleClassification.classify(samples: nsPerOp, canary: readings, baseline: canary?.baseline,
                                      tolerance: canary?.tolerance ?? 0)
    }

}
