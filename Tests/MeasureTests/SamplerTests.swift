import Testing
@testable import Measure

@Suite struct SamplerArithmeticTests {
    @Test func overheadSubtraction() {
        let r = OverheadCorrection.perOp(elapsed: 1_100, overhead: 100, operations: 10, subtract: true)
        #expect(r.perOp == 100 && r.subtracted)
        let off = OverheadCorrection.perOp(elapsed: 1_100, overhead: 100, operations: 10, subtract: false)
        #expect(off.perOp == 110 && !off.subtracted)
        // A batch no longer than the overhead is left alone, never 0/negative.
        let tiny = OverheadCorrection.perOp(elapsed: 80, overhead: 100, operations: 4, subtract: true)
        #expect(tiny.perOp == 20 && !tiny.subtracted)
        #expect(OverheadCorrection.perOp(elapsed: 1, overhead: 0, operations: 0, subtract: true).perOp.isNaN)
    }

    @Test func counterMediansPerOp() {
        let samples: [[CounterValue]] = [
            [CounterValue(name: "task-clock", source: .softwareEvent, value: 1000, scalingRatio: 1),
             .unavailable("cycles", source: .pmu, reason: "no PMU")],
            [CounterValue(name: "task-clock", source: .softwareEvent, value: 3000, scalingRatio: 0.5),
             .unavailable("cycles", source: .pmu, reason: "no PMU")],
            [CounterValue(name: "task-clock", source: .softwareEvent, value: 2000, scalingRatio: 1),
             .unavailable("cycles", source: .pmu, reason: "no PMU")],
        ]
        let out = CounterAggregation.perOpMedians(samples: samples, operations: 10)
        #expect(out.count == 2)
        #expect(out[0].value == 200)
        #expect(out[0].scalingRatio == 0.5)
        #expect(out[1].value == nil)
        #expect(out[1].status == "no PMU")
    }

    @Test func counterMissingInOneSampleIsUnavailable() {
        let samples: [[CounterValue]] = [
            [CounterValue(name: "page-faults", source: .softwareEvent, value: 4)],
            [.unavailable("page-faults", source: .softwareEvent, reason: "read failed")],
        ]
        let out = CounterAggregation.perOpMedians(samples: samples, operations: 2)
        #expect(out.count == 1 && out[0].value == nil && out[0].status == "read failed")
    }
}

@Suite(.serialized) struct SamplerRunTests {
    static let config = SamplerConfig(minSampleNanoseconds: 200_000, samples: 5,
                                      warmupNanoseconds: 500_000, overheadBatches: 21)

    @Test func measuresABusyLoop() {
        let result = Sampler(Self.config).measure(label: "sum") { ops in
            var acc: UInt64 = 0
            for i in 0..<ops { acc &+= UInt64(truncatingIfNeeded: i) &* 2654435761 }
            blackHole(acc)
        }
        #expect(result.samples.count == 5)
        #expect(result.operationsPerSample > 1)
        #expect(result.totalOperations == result.operationsPerSample * 5)
        // Each sample's per-op figure is its batch time, less the measured overhead, over its
        // operations. (No assertion on how long a sample took: on a shared machine that flakes.)
        for sample in result.samples where result.overhead.subtracted {
            let expected = (Double(sample.elapsedNanoseconds) - result.overhead.nanosecondsPerBatch) / Double(sample.operations)
            #expect(abs(sample.nanosecondsPerOp - expected) <= 1e-9 * max(1, expected))
        }
        let median = try! #require(result.medianNanosecondsPerOp)
        #expect(median > 0)
        #expect(result.minNanosecondsPerOp! <= median)
        #expect(result.errPercent != nil)
        #expect(result.overhead.nanosecondsPerBatch > 0)
        #expect(result.overhead.subtracted)
        if TSC.isSupported { #expect(result.medianTSCTicksPerOp! > 0) }
        #expect(result.isDebugBuild == Measure.isDebugBuild)
        #expect(result.counters.isEmpty && result.backend == nil)
    }

    @Test func setupAndTeardownAreNotTimed() {
        var setups = 0
        var teardowns = 0
        var config = Self.config
        config.fixedOpsPerSample = 1
        config.warmupNanoseconds = 0
        let result = Sampler(config).measureBatches(
            label: "untimed setup",
            setup: { ops -> [Int] in
                setups += 1
                busyWait(nanoseconds: 1_000_000)  // 1 ms outside the timed region
                return Array(0..<ops)
            },
            run: { state, _ in blackHole(UInt64(state.count)) },
            teardown: { state in
                teardowns += 1
                busyWait(nanoseconds: 1_000_000)
                state.removeAll()
            })
        #expect(result.operationsPerSample == 1)
        #expect(setups == teardowns)
        #expect(setups >= 5)
        // The 2 ms of setup+teardown would dominate if it were timed.
        #expect(result.medianNanosecondsPerOp! < 500_000)
    }

    @Test func countersCoverTheTimedBatches() {
        let session = CounterSession.open(mode: .software)
        let result = Sampler(Self.config).measure(label: "counted", counters: session) { ops in
            var acc: UInt64 = 1
            for _ in 0..<ops { acc = acc &* 6364136223846793005 &+ 1 }
            blackHole(acc)
        }
        #expect(result.backend?.backend == .software)
        let taskClock = try! #require(result.counters.first { $0.name == "task-clock" })
        #expect(taskClock.source == .softwareEvent)
        #expect((taskClock.value ?? 0) > 0, "task-clock per op should be positive: \(taskClock)")
        for value in result.counters where value.value == nil {
            #expect(!(value.status ?? "").isEmpty)
        }
    }

    @Test func samplesAboveTheBatchLimitRunAsSeveralBatches() {
        var sizes: [Int] = []
        var config = Self.config
        config.fixedOpsPerSample = 10_000
        config.batchLimit = 3_000
        config.warmupNanoseconds = 0
        let session = CounterSession.open(mode: .software)
        let result = Sampler(config).measureBatches(
            label: "sub-batches", counters: session,
            setup: { ops -> Int in sizes.append(ops); return ops },
            run: { state, ops in
                var acc: UInt64 = 1
                for _ in 0..<ops { acc = acc &* 6364136223846793005 &+ 1 }
                blackHole(acc &+ UInt64(state))
            },
            teardown: { _ in })
        #expect(result.operationsPerSample == 10_000)
        #expect(sizes.allSatisfy { $0 <= 3_000 })
        // Every sample, and the one warm-up, is four batches of 2500.
        #expect(sizes.count == 4 * (result.samples.count + 1))
        #expect(Set(sizes) == [2_500])
        #expect(result.samples.allSatisfy { $0.operations == 10_000 })
        let taskClock = try! #require(result.counters.first { $0.name == "task-clock" })
        #expect((taskClock.value ?? 0) > 0, "the batches' counts add up to a positive per-op figure: \(taskClock)")
    }
}
