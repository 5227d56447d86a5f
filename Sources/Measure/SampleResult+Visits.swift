#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A point measured in several visits spread over the run (each with a fresh workload, so a
/// fresh arena and layout): the samples are pooled for the estimate, and the spread between
/// the visits' own estimates gives the interval. A burst or a slow stretch of the machine that
/// lasts a whole visit then widens the interval instead of hiding in it, and the interval
/// predicts what another run would measure rather than only how well this run pinned its own
/// samples (the A/A experiment in the README checks it).
extension SampleResult {
    public static func pooled(_ visits: [SampleResult], estimator: Estimator) -> SampleResult? {
        guard var result = visits.first else { return nil }
        guard visits.count > 1 else {
            result.estimate?.description += "; interval: within-run bootstrap only (one visit)"
            return result
        }
        let samples = visits.flatMap(\.samples)
        let classes = visits.flatMap { $0.classes.count == $0.samples.count ? $0.classes : Array(repeating: .undisturbed, count: $0.samples.count) }
        let nsPerOp = samples.map(\.nanosecondsPerOp)
        let visitSamples = visits.map { $0.samples.map(\.nanosecondsPerOp) }
        // A two-thread point: one placement of its CPUs over all visits (`CPUPlacement`).
        let placement = CPUPlacement.split(visitSamples: visitSamples, visitClasses: visits.map(\.classes),
                                           visitBefore: visits.map(\.crossCPUBeforeNs), visitAfter: visits.map(\.crossCPUAfterNs))
        var estimate = RobustEstimate.pooled(visitSamples: placement?.visitSamples ?? visitSamples,
                                             visitClasses: placement?.visitClasses ?? visits.map(\.classes), estimator: estimator)
        if let note = placement?.note { estimate?.description += "; \(note)" }
        let undisturbed = (placement?.visitClasses.flatMap { $0 } ?? classes).filter { $0 == .undisturbed }.count
        let ops = visits.map(\.operationsPerSample)
        result = SampleResult(
            label: result.label,
            operationsPerSample: Statistics.median(ops.map(Double.init)).map { Int($0) } ?? result.operationsPerSample,
            totalOperations: visits.reduce(0) { $0 + $1.totalOperations },
            samples: samples,
            medianNanosecondsPerOp: Statistics.median(nsPerOp),
            minNanosecondsPerOp: Statistics.minimum(nsPerOp),
            meanNanosecondsPerOp: Statistics.mean(nsPerOp),
            errPercent: Statistics.medianAbsolutePercentError(nsPerOp),
            medianTSCTicksPerOp: TSC.isSupported ? Statistics.median(samples.map(\.ticksPerOp)) : nil,
            overhead: result.overhead,
            instability: Instability(estimate: estimate, undisturbed: undisturbed),
            counters: result.counters,
            backend: result.backend,
            isDebugBuild: result.isDebugBuild,
            cpu: visits.last?.cpu,
            pinned: visits.allSatisfy(\.pinned),
            pinError: visits.compactMap(\.pinError).first,
            estimate: estimate,
            classes: classes,
            canaryReadings: visits.flatMap(\.canaryReadings),
            canaryBaseline: visits.last?.canaryBaseline)
        result.visits = visits.count
        result.crossCPUBeforeNs = visits.flatMap(\.crossCPUBeforeNs)
        result.crossCPUAfterNs = visits.flatMap(\.crossCPUAfterNs)
        result.crossCPURoundTripNs = placement?.roundTripNs
        result.placementLeftOut = placement?.leftOut ?? []
        result.sampleGoalNanoseconds = visits.map(\.sampleGoalNanoseconds).max() ?? 0
        return result
    }
}

extension RobustEstimate {
    /// What one process cannot see of another: its own code and heap placement, the CPU the
    /// host gave it. Separate processes of the same build on quiet workloads agreed within
    /// ±0.1% to ±0.7% (A/A, README "Noise"), so no interval claims less than ±1%.
    public static let betweenProcessFloor = 0.01

    /// The estimator over the pooled undisturbed samples of all visits, with a 95% prediction
    /// interval for another run's estimate. The interval comes from a two-stage bootstrap
    /// (resample visits, then samples within each drawn visit), so a visit that a slow stretch
    /// of the machine spoiled weighs as much as it would in another run; its half-widths on the
    /// log scale are widened by sqrt(2), because two independent runs' estimates each carry
    /// that uncertainty. With one visit: the within-run bootstrap only (and it says so).
    public static func pooled(visitSamples: [[Double]], visitClasses: [[SampleClass]], estimator: Estimator,
                              resamples: Int = 1_000, seed: UInt64 = 0x5EED) -> RobustEstimate? {
        let samples = visitSamples.flatMap { $0 }
        let classes = zip(visitSamples, visitClasses).flatMap { s, c in
            c.count == s.count ? c : Array(repeating: SampleClass.undisturbed, count: s.count)
        }
        guard var e = estimate(samples: samples, classes: classes, estimator: estimator), e.value > 0 else { return nil }
        let useClean = !e.description.contains("of all")
        // Per visit, the samples the estimate draws from.
        let pools: [[Double]] = zip(visitSamples, visitClasses).map { s, c in
            s.indices.filter { $0 < c.count && useClean ? c[$0] == .undisturbed : true }.map { s[$0] }.filter(\.isFinite)
        }.filter { !$0.isEmpty }
        guard pools.count >= 2 else {
            e.description += "; interval: within-run bootstrap only (one visit)"
            return e
        }
        var rng = SplitMix64(seed: seed)
        var stats: [Double] = []
        stats.reserveCapacity(resamples)
        for _ in 0..<max(1, resamples) {
            var draw: [Double] = []
            for _ in 0..<pools.count {
                let pool = pools[Int(rng.next() % UInt64(pools.count))]
                for _ in 0..<pool.count { draw.append(pool[Int(rng.next() % UInt64(pool.count))]) }
            }
            if let v = estimator.apply(draw), v > 0, v.isFinite { stats.append(v) }
        }
        guard let lo = Statistics.percentile(stats, 2.5), let hi = Statistics.percentile(stats, 97.5), lo > 0 else { return e }
        let floor = log(1 + RobustEstimate.betweenProcessFloor)
        let down = max(floor, max(0, log(e.value / lo)) * 2.0.squareRoot())
        let up = max(floor, max(0, log(hi / e.value)) * 2.0.squareRoot())
        e.lower = e.value * exp(-down)
        e.upper = e.value * exp(up)
        e.description += " over \(pools.count) visits; 95% interval predicts another run (at least ±\(formatFixed(RobustEstimate.betweenProcessFloor * 100, digits: 0))%)"
        return e
    }
}

