import BenchReport
import Measure
import Workloads

/// Measures one point: sets the workload up, lets the sampler time its batches with the
/// counters around them, then collects the cache's figures and checks that no page leaked.
package struct PointRunner {
    package var sampler: SamplerConfig
    /// The CPU single-threaded workloads are pinned to (nil: not pinned).
    package var pinCPU: Int?
    /// Also time alloc-free and mixed points' allocations and frees apart (AllocFreeSplit).
    package var splitAllocFree = false

    package init(sampler: SamplerConfig, pinCPU: Int?) {
        self.sampler = sampler
        self.pinCPU = pinCPU
    }

    package struct Outcome {
        package var result: SampleResult
        package var figures: CacheFigures
        /// Why the cache figures are unavailable (a peer), or nil.
        package var figuresUnavailable: String?
        package var leak: String?
        /// alloc-free / mixed: the allocation and free halves timed apart, if asked.
        package var split: AllocFreeSplit? = nil
    }

    package func measure(_ parameters: WorkloadParameters, counters: CounterSession?,
                 canary: NoiseCanary? = nil) throws(WorkloadError) -> Outcome {
        let runner = try makeWorkload(parameters)
        var config = sampler
        config.pinCPU = parameters.kind.isSingleThreaded ? pinCPU : parameters.pushCPU
        if let fixed = runner.fixedBatchSize { config.fixedOpsPerSample = fixed }
        config.batchLimit = runner.maxBatchSize
        // Two threads on two given CPUs: each sample says how far apart the host had put them.
        let crossCPU = parameters.kind == .crossThread && parameters.pushCPU != nil && parameters.popCPU != parameters.pushCPU
            ? parameters.popCPU : nil
        let result = Sampler(config).measureBatches(
            label: PointLabel.benchmarkName(parameters), counters: counters, canary: canary, crossCPU: crossCPU,
            setup: { ops in runner.prepareBatch(ops) },
            run: { _, ops in runner.runBatch(ops) },
            teardown: { _ in runner.finishBatch() })
        let figures = runner.figures()
        // After the figures, so they describe the measured loop only.
        var split: AllocFreeSplit?
        if splitAllocFree, let splitter = runner.allocFreeSplitting {
            split = splitter.measureSplit(ops: max(result.operationsPerSample, 4 * splitter.splitDepth),
                                          repeats: max(3, config.samples))
        }
        let leak = runner.tearDown()
        return Outcome(result: result, figures: figures, figuresUnavailable: runner.figuresUnavailableReason, leak: leak,
                       split: split)
    }
}

package enum PointLabel {
    /// The label a worker request carries: builds from before `PointSpec` find the point by it,
    /// so it keeps its old form. Every output names a point by `benchmarkName` instead.
    package static func text(_ p: WorkloadParameters) -> String {
        var parts = [p.kind.rawValue]
        if p.impl != .swift { parts.append("impl=\(p.impl.rawValue)") }
        if p.variant != .remaining { parts.append("variant=\(p.variant.rawValue)") }
        if p.api != .kernel { parts.append("api=\(p.api.rawValue)" + (p.api == .bulk ? " bulk=\(p.bulk)" : "")) }
        parts += ["page=\(p.config.pageSize)", "max=\(p.config.maxSize)"]
        switch p.kind {
        case .mixed: parts.append("sizes=\(p.distribution)" + (p.fragmented.map { " fragmented=\($0)" } ?? ""))
        case .replay: parts.append("trace=\(p.tracePath ?? "?")")
        default: parts.append("fragsz=\(p.fragsz)")
        }
        if p.align > 1 { parts.append("align=\(p.align)") }
        if p.kind == .crossThread {
            // Where the two threads ran, and the kernel test's full-ring logic when asked.
            parts.append("push=\(p.pushCPU.map(String.init) ?? "any") pop=\(p.popCPU.map(String.init) ?? "any")")
            if p.ringFull != .wait { parts.append("ring-full=\(p.ringFull.rawValue)") }
        }
        return parts.joined(separator: " ")
    }

    /// Settings beyond the common axes that define the point, for results and history keys.
    /// The API experiment joins them when it is not the kernel's, so kernel keys do not change.
    package static func parameters(_ p: WorkloadParameters) -> [String: String] {
        var d = workloadParameters(p)
        if p.api != .kernel { d["api"] = p.api.rawValue }
        if p.api == .bulk { d["bulk"] = String(p.bulk) }
        return d
    }

    package static func workloadParameters(_ p: WorkloadParameters) -> [String: String] {
        switch p.kind {
        case .allocOnly, .freeOnly: return [:]
        case .allocFree: return ["depth": String(p.depth)]
        case .crossThread:
            var d = ["count": String(p.count), "prepare": p.usePrepare ? "1" : "0"]
            if let cpu = p.pushCPU { d["push_cpu"] = String(cpu) }
            if let cpu = p.popCPU { d["pop_cpu"] = String(cpu) }
            if p.ringFull != .wait { d["ring_full"] = p.ringFull.rawValue }
            return d
        case .prepareCommit: return ["depth": String(p.depth)]
        case .mixed:
            var d = ["depth": String(p.depth), "distribution": p.distribution.description]
            if let f = p.fragmented {
                d["fragment_fraction"] = String(f.fraction)
                d["fragment_order"] = String(f.maxFreeOrder)
            }
            return d
        case .pressure:
            return ["depth": String(p.depth), "pressure_fraction": String(p.pressureFraction),
                    "pressure_order": String(p.pressureMaxFreeOrder)]
        case .replay: return ["trace": p.tracePath ?? ""]
        }
    }
}

/// Turns a measurement into the plain data every reporter reads.
package enum PointAssembly {
    package static func point(_ p: WorkloadParameters, outcome: PointRunner.Outcome, counterValues: [CounterValue],
                      backend: BackendChoice) -> BenchPoint {
        let r = outcome.result
        let f = outcome.figures
        var readings = counterValues.map {
            CounterReading(name: $0.name, source: $0.source.rawValue, perOp: $0.value, status: $0.status)
        }
        // One entry per name: a measured value wins over an "unavailable" from a fallback.
        var seen = Set<String>()
        readings = readings.filter { seen.insert($0.name).inserted }
        let unavailable = readings.filter { $0.perOp == nil }.map(\.name)
        var status = backend.reason
        if !unavailable.isEmpty { status += "; unavailable: " + unavailable.joined(separator: ", ") }
        // A peer has no cache figures: nil (unavailable, with the reason), never 0.
        let noFigures = outcome.figuresUnavailable
        if let why = noFigures { status += "; cache figures (refills, fallbacks, reuses, waste, pinned) unavailable: \(why)" }
        var point = BenchPoint(
            workload: p.kind.rawValue, impl: p.impl.rawValue, variant: p.variant.rawValue, pageSize: p.config.pageSize, maxSize: p.config.maxSize,
            fragsz: (p.kind == .mixed || p.kind == .replay) ? nil : p.fragsz, align: p.align,
            parameters: PointLabel.parameters(p), ops: r.totalOperations, samples: r.samples.count,
            opsPerSample: r.operationsPerSample,
            sampleNs: Statistics.median(r.samples.map { Double($0.elapsedNanoseconds) }),
            nsPerOp: r.estimate?.value ?? r.medianNanosecondsPerOp, minNsPerOp: r.minNanosecondsPerOp, errPct: r.errPercent,
            unstable: r.instability.isUnstable, hint: nil, tscCyclesPerOp: r.medianTSCTicksPerOp,
            timerOverheadNs: r.overhead.nanosecondsPerBatch, overheadSubtracted: r.overhead.subtracted, cpu: r.cpu, pinned: r.pinned, counters: readings, counterSource: backend.backend.rawValue,
            counterStatus: status, refillsPerKop: noFigures == nil ? f.refillsPerKiloOp : nil,
            fallbacks: noFigures == nil ? f.fallbacks : nil, reuses: noFigures == nil ? f.reuses : nil,
            pfmemallocDrops: noFigures == nil ? f.pfmemallocDrops : nil, wastePct: noFigures == nil ? f.wastePercent : nil,
            peakPinnedBytes: noFigures == nil ? f.peakPinnedBytes : nil,
            sampleNsPerOp: r.samples.map(\.nanosecondsPerOp), refills: outcome.figuresUnavailable == nil ? f.refills : nil,
            highOrderFailures: outcome.figuresUnavailable == nil ? f.highOrderFailures : nil,
            refillFailures: outcome.figuresUnavailable == nil ? f.refillFailures : nil)
        point.estimator = r.estimate?.description ?? "median of all samples (no estimate)"
        point.nsPerOpLow = r.estimate?.lower
        point.nsPerOpHigh = r.estimate?.upper
        point.hint = UnstableAdvice.hint(point, counterBackend: backend.backend.rawValue)
        point.medianNsPerOp = r.medianNanosecondsPerOp
        point.disturbedSamples = r.disturbedCount
        point.sampleDisturbed = r.classes.count == r.samples.count ? r.classes.map { $0 != .undisturbed } : nil
        if r.crossCPUBeforeNs.count == r.samples.count && r.crossCPUAfterNs.count == r.samples.count {
            point.sampleCrossCPUBeforeNs = r.crossCPUBeforeNs.map { $0.isFinite ? $0 : nil }
            point.sampleCrossCPUAfterNs = r.crossCPUAfterNs.map { $0.isFinite ? $0 : nil }
            point.crossCPURoundTripNs = r.crossCPURoundTripNs
        }
        if r.placementLeftOut.contains(true) { point.samplePlacementLeftOut = r.placementLeftOut }
        if let split = outcome.split {
            point.allocNsPerOp = split.allocNanosecondsPerOp
            point.freeNsPerOp = split.freeNanosecondsPerOp
            point.splitMethod = split.method
        }
        return point
    }
}
