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
        guard visits.count > 1 else { return result }
        let samples = visits.flatMap(\.samples)
        let classes = visits.flatMap { $0.classes.count == $0.samples.count ? $0.classes : Array(repeating: .undisturbed, count: $0.samples.count) }
        let nsPerOp = samples.map(\.nanosecondsPerOp)
        let perVisit = visits.compactMap { $0.estimate?.value }
        let estimate = RobustEstimate.pooled(samples: nsPerOp, classes: classes, visitEstimates: perVisit, estimator: estimator)
        let undisturbed = classes.filter { $0 == .undisturbed }.count
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
            instability: Instability(estimate: estimate, undisturbed: undisturbed, sampleCount: samples.count,
                                     sampleNanoseconds: visits.map(\.sampleGoalNanoseconds).max() ?? 0,
                                     cpuPinned: visits.allSatisfy(\.pinned)),
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
        result.sampleGoalNanoseconds = visits.map(\.sampleGoalNanoseconds).max() ?? 0
        return result
    }
}

extension RobustEstimate {
    /// The estimator over the pooled undisturbed samples, with a 95% prediction interval for
    /// another run's estimate: on the log scale, t(V-1) x sd(visit estimates) x sqrt(2/V)
    /// (two independent means of V visits differ by that much), combined with the
    /// within-run bootstrap half-width. With one visit, the bootstrap alone (and it says so).
    public static func pooled(samples: [Double], classes: [SampleClass], visitEstimates: [Double],
                              estimator: Estimator) -> RobustEstimate? {
        guard var e = estimate(samples: samples, classes: classes, estimator: estimator) else { return nil }
        let logs = visitEstimates.filter { $0 > 0 && $0.isFinite }.map { log($0) }
        guard logs.count >= 2, e.value > 0 else {
            e.description += "; interval: within-run bootstrap only (one visit)"
            return e
        }
        let v = Double(logs.count)
        let mean = logs.reduce(0, +) / v
        let sd = (logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (v - 1)).squareRoot()
        let between = StudentTQuantile.critical95(degreesOfFreedom: logs.count - 1) * sd * (2 / v).squareRoot()
        let within = log(e.upper / e.value) > log(e.value / e.lower) ? log(e.upper / e.value) : log(e.value / e.lower)
        let h = (between * between + within * within).squareRoot()
        e.lower = e.value * exp(-h)
        e.upper = e.value * exp(h)
        e.description += " over \(logs.count) visits; 95% interval predicts another run"
        return e
    }
}

/// Two-sided 95% Student-t critical values (the same table BenchReport uses; Measure does not
/// depend on BenchReport).
public enum StudentTQuantile {
    public static func critical95(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                               2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086]
        guard df >= 1 else { return .infinity }
        if df <= table.count { return table[df - 1] }
        if df <= 30 { return 2.042 + (2.086 - 2.042) * Double(30 - df) / 10 }
        return df <= 60 ? 2.000 + (2.042 - 2.000) * Double(60 - df) / 30 : 1.96
    }
}
