import Testing
@testable import Measure

/// Classification and the robust estimate on synthetic sample streams with bursts.
@Suite struct SampleClassificationTests {
    /// 60 samples around 1.00 ns/op (±0.5%, deterministic), with a 10-sample burst at 2.1 where
    /// the canary (8.0 quiet) reads 11, one preempted sample at 40 the canary missed, and a
    /// level shift of +18% for 8 samples that the canary sees at +20%.
    static func stream() -> (samples: [Double], canary: [Double]) {
        var samples: [Double] = []
        var canary: [Double] = [8.0]
        for i in 0..<60 {
            let jitter = 1 + 0.005 * Double((i * 7) % 5 - 2) / 2
            var s = 1.0 * jitter
            var c = 8.0 * (1 + 0.01 * Double(i % 3))
            if (20..<30).contains(i) { s = 2.1; c = 11 }
            if (40..<48).contains(i) { s = 1.18 * jitter; c = 9.6 }
            if i == 55 { s = 40 }
            samples.append(s)
            canary.append(c)
        }
        return (samples, canary)
    }

    @Test func burstsAreClassifiedAndLeftOut() throws {
        let (samples, canary) = Self.stream()
        let classes = SampleClassification.classify(samples: samples, canary: canary, baseline: 8.0, tolerance: 0.10)
        // Burst samples and the level shift: the canary reading before or after is slow, so
        // the first sample after each episode is marked too (its before-reading is slow).
        for i in 20..<30 { #expect(classes[i] == .canary) }
        for i in 40..<48 { #expect(classes[i] == .canary) }
        #expect(classes[30] == .canary && classes[48] == .canary)
        #expect(classes[19] == .undisturbed && classes[39] == .undisturbed)
        #expect(classes[55] == .outlier)
        #expect(classes[0] == .undisturbed && classes[10] == .undisturbed && classes[59] == .undisturbed)
        #expect(classes.filter { $0 != .undisturbed }.count == 21)

        let e = try #require(RobustEstimate.estimate(samples: samples, classes: classes, estimator: .standard))
        #expect(e.value > 0.99 && e.value < 1.0)
        #expect(e.lower <= e.value && e.upper >= e.value)
        #expect(e.relativeHalfWidth < 0.01)
        #expect(e.description == "p10 of 39 undisturbed samples (21 disturbed)")
        // The median of all samples is pulled up by the bursts; the estimate is not.
        #expect(Statistics.median(samples)! > 1.0)
    }

    @Test func withoutACanaryOnlyFarOutliersAreMarked() {
        let (samples, _) = Self.stream()
        let classes = SampleClassification.classify(samples: samples, canary: [], baseline: nil, tolerance: 0.10)
        // 2.1 and 40 are beyond Q3 + 3 IQR; the +18% shift is not (the canary's job).
        #expect(classes.filter { $0 == .outlier }.count == 11)
        #expect(classes[45] == .undisturbed)
    }

    @Test func aSpreadOfOnePercentIsNotCalledADisturbance() {
        let samples = (0..<40).map { 1.0 + 0.0005 * Double($0 % 20) }
        let classes = SampleClassification.classify(samples: samples, canary: [], baseline: nil, tolerance: 0.10)
        #expect(classes.allSatisfy { $0 == .undisturbed })
    }

    @Test func tooFewCleanSamplesFallBackToAllAndSaySo() throws {
        let samples = [1.0, 1.1, 1.2, 1.3, 1.4, 1.5]
        let classes: [SampleClass] = [.undisturbed, .canary, .canary, .canary, .canary, .undisturbed]
        let e = try #require(RobustEstimate.estimate(samples: samples, classes: classes, estimator: .minimum))
        #expect(e.value == 1.0)
        #expect(e.description == "min of all 6 samples (only 2 undisturbed)")
        #expect(RobustEstimate.estimate(samples: [], classes: [], estimator: .standard) == nil)
    }

    @Test func theBootstrapIsDeterministic() {
        let xs = (0..<30).map { 1 + Double(($0 * 13) % 17) / 100 }
        let a = Bootstrap.interval(xs, statistic: { Statistics.percentile($0, 10)! })
        let b = Bootstrap.interval(xs, statistic: { Statistics.percentile($0, 10)! })
        #expect(a == b)
        #expect(a.0 <= Statistics.percentile(xs, 10)! && a.1 >= Statistics.percentile(xs, 10)!)
        let single = Bootstrap.interval([2.5], statistic: { $0[0] })
        #expect(single == (2.5, 2.5))
    }

    @Test func estimatorNames() {
        #expect(Estimator(text: "p10") == .percentile(10))
        #expect(Estimator(text: "min") == .minimum)
        #expect(Estimator(text: "median") == .median)
        #expect(Estimator(text: "p0") == nil && Estimator(text: "p100") == nil && Estimator(text: "pnan") == nil)
        #expect(Estimator(text: "") == nil && Estimator(text: "q10") == nil)
        #expect(Estimator.standard.description == "p10")
        #expect(Estimator.percentile(2.5).description == "p2.5")
    }

    @Test func canaryArithmetic() {
        #expect(NoiseCanary.isDisturbed(8.9, baseline: 8.0, tolerance: 0.10))
        #expect(!NoiseCanary.isDisturbed(8.7, baseline: 8.0, tolerance: 0.10))
        #expect(!NoiseCanary.isDisturbed(100, baseline: nil, tolerance: 0.10))
        #expect(!NoiseCanary.isDisturbed(.nan, baseline: 8, tolerance: 0.10))
        let canary = NoiseCanary(iterations: 200)
        canary.warmUp(readings: 20)
        #expect(canary.readings.count == 20)
        #expect(canary.baseline! > 0)
        #expect(canary.disturbedShare! >= 0 && canary.disturbedShare! <= 1)
    }
}

/// Pooling visits: the interval must reflect a visit the machine spoiled.
@Suite struct VisitPoolingTests {
    static func visit(_ level: Double, count: Int = 12) -> [Double] {
        (0..<count).map { level * (1 + 0.002 * Double($0 % 4)) }
    }

    @Test func slowVisitsWidenTheIntervalButNotTheEstimate() throws {
        let quiet = [Self.visit(1.0), Self.visit(1.0), Self.visit(1.0), Self.visit(1.0), Self.visit(1.0)]
        let clean = quiet.map { [SampleClass](repeating: .undisturbed, count: $0.count) }
        let calm = try #require(RobustEstimate.pooled(visitSamples: quiet, visitClasses: clean, estimator: .standard))
        #expect(abs(calm.relativeHalfWidth - RobustEstimate.betweenProcessFloor) < 1e-9)
        #expect(calm.description.contains("over 5 visits; 95% interval predicts another run (at least ±1%)"))

        // One visit 20% slow (the canary did not notice: classes all clean) does not move a
        // low quantile of the pool, and another run would not be moved by it either.
        var one = quiet
        one[2] = Self.visit(1.2)
        let e1 = try #require(RobustEstimate.pooled(visitSamples: one, visitClasses: clean, estimator: .standard))
        #expect(abs(e1.value - calm.value) < 0.005)
        // Three of five visits slow: another run could well see mostly slow visits, and the
        // interval says so, while the estimate stays on the quiet level.
        var most = quiet
        for i in [0, 2, 4] { most[i] = Self.visit(1.2) }
        let e3 = try #require(RobustEstimate.pooled(visitSamples: most, visitClasses: clean, estimator: .standard))
        #expect(abs(e3.value - calm.value) < 0.005)
        #expect(e3.upper > 1.15)
        #expect(e3.upper > calm.upper)
    }

    @Test func oneVisitSaysItsIntervalIsWithinRunOnly() throws {
        let e = try #require(RobustEstimate.pooled(visitSamples: [Self.visit(2)], visitClasses: [[]], estimator: .minimum))
        #expect(e.description.hasSuffix("interval: within-run bootstrap only (one visit)"))
        #expect(e.value == 2)
    }

    @Test func theSameVisitsGiveTheSameInterval() throws {
        let v = [Self.visit(1.0), Self.visit(1.1), Self.visit(0.95)]
        let c = v.map { [SampleClass](repeating: .undisturbed, count: $0.count) }
        let a = try #require(RobustEstimate.pooled(visitSamples: v, visitClasses: c, estimator: .standard))
        let b = try #require(RobustEstimate.pooled(visitSamples: v, visitClasses: c, estimator: .standard))
        #expect(a == b)
    }
}
