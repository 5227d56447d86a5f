import BenchReport
import Foundation
import FragCache
import Measure
import Testing
import Workloads
@testable import Lab

/// `run --process-per-visit`: the child's options, and the pooling of visits made in separate
/// processes (deterministic: synthetic points, no timing).
@Suite struct ProcessVisitsTests {
    static func visit(_ samples: [Double], disturbed: [Bool]? = nil, cycles: Double? = 4.0) -> BenchPoint {
        var p = BenchPoint(
            workload: "alloc-only", pageSize: 4096, maxSize: 32768, fragsz: 64, align: 1, parameters: [:],
            ops: 1000 * samples.count, samples: samples.count, nsPerOp: samples.min(), minNsPerOp: samples.min(), errPct: 1,
            unstable: false, hint: nil, tscCyclesPerOp: 3, cpu: 1, pinned: true,
            counters: [CounterReading(name: "cycles", source: "pmu", perOp: cycles),
                       CounterReading(name: "page-faults", source: "software event", perOp: 0)],
            counterSource: "pmu", counterStatus: "pmu", refillsPerKop: 2, fallbacks: 0, reuses: 1, pfmemallocDrops: 0,
            wastePct: 0, peakPinnedBytes: 4096, sampleNsPerOp: samples)
        p.sampleDisturbed = disturbed ?? Array(repeating: false, count: samples.count)
        p.disturbedSamples = (disturbed ?? []).filter { $0 }.count
        return p
    }

    @Test func theChildRunsOneVisitAndSavesWhereTheParentReads() throws {
        var settings = RunSettings()
        settings.visits = 5
        settings.output = nil
        settings.samples = 9
        settings.estimator = .percentile(20)
        let child = ProcessVisits.childSettings(settings, output: "/tmp/x")
        #expect(child.visits == 1 && child.output == "/tmp/x" && child.samples == 9 && child.estimator == .percentile(20))
        #expect(ProcessVisits.childSettings(settings, output: "/tmp/y", samples: 6).samples == 6)
    }

    /// The visit's plan survives the file unchanged, and a damaged one is refused with a reason.
    @Test func aVisitPlanTravelsAsAFile() throws {
        let config = try FragCacheConfig(pageSize: 4096, maxSize: 32768)
        let point = WorkloadParameters(kind: .allocFree, config: config, fragsz: 256, arenaBytes: 16 << 20)
        var settings = RunSettings()
        settings.counters = .software
        settings.quick = true
        let job = VisitPlan(plan: SweepPlan(points: [point], combinations: 1, merges: []), settings: settings)
        let back = try VisitPlan.decode(job.encoded())
        #expect(back.plan.points == [point] && back.settings == settings)
        var bad = job
        bad.plan.points[0].depth = 0
        #expect(throws: ValidationFailure.self) { try VisitPlan.decode(bad.encoded()) }
        #expect(throws: ValidationFailure.self) { try VisitPlan.decode(Data("{\"format\": 1}".utf8)) }
    }

    @Test func tenProcessesOfSixSamplesUnlessTheUserChose() {
        let defaults = ProcessVisits.plan(visits: nil, samples: nil, quick: false)
        #expect(defaults.visits == 10 && defaults.childSamples == 6)
        #expect(defaults.visits * defaults.childSamples! == SamplerConfig.standard.visits * SamplerConfig.standard.samples,
                "as many samples per point as one process's default visits")
        let chosen = ProcessVisits.plan(visits: 4, samples: 20, quick: false)
        #expect(chosen.visits == 4 && chosen.childSamples == nil, "the child gets the user's --samples as given")
        let quick = ProcessVisits.plan(visits: nil, samples: nil, quick: true)
        #expect(quick.visits == SamplerConfig.quick.visits && quick.childSamples == nil)
    }

    @Test func visitsFromOffsetProcessesWidenTheIntervalAndPool() throws {
        // Three processes: two quick, one 4% slow throughout (a per-process offset).
        let quick1 = Self.visit((0..<12).map { 1.30 + Double($0 % 3) * 0.002 })
        let quick2 = Self.visit((0..<12).map { 1.31 + Double($0 % 3) * 0.002 })
        let slow = Self.visit((0..<12).map { 1.36 + Double($0 % 3) * 0.002 })
        let merged = try #require(ProcessVisits.merge([quick1, quick2, slow], estimator: .standard))
        #expect(merged.samples == 36 && merged.sampleNsPerOp?.count == 36 && merged.ops == 36_000)
        let low = try #require(merged.nsPerOpLow), high = try #require(merged.nsPerOpHigh), value = try #require(merged.nsPerOp)
        #expect(low <= value && value <= high)
        #expect(high >= 1.33, "a process 4% slow must reach into the interval: \(low)...\(high)")
        #expect(merged.estimator?.contains("each visit in its own process") == true)
        // One process alone claims far less.
        let alone = try #require(ProcessVisits.merge([quick1, quick1], estimator: .standard))
        #expect((alone.nsPerOpHigh ?? 0) < high)
    }

    @Test func disturbedSamplesAndUnavailableCountersStayHonest() throws {
        let a = Self.visit([1, 1, 1, 5], disturbed: [false, false, false, true])
        let b = Self.visit([1, 1, 1, 1], cycles: nil)
        let merged = try #require(ProcessVisits.merge([a, b], estimator: .standard))
        #expect(merged.disturbedSamples == 1)
        #expect(merged.sampleDisturbed == [false, false, false, true, false, false, false, false])
        let cycles = try #require(merged.counters.first { $0.name == "cycles" })
        #expect(cycles.perOp == nil, "a counter one visit could not read is unavailable, not the other visit's figure")
        #expect(cycles.status?.contains("unavailable in 1 of 2 visits") == true)
        #expect(merged.counters.first { $0.name == "page-faults" }?.perOp == 0)
        #expect(ProcessVisits.merge([BenchPoint](), estimator: .standard) == nil)
    }

    @Test func runsMergeInTheSweepsOrderWithWarningsOnce() throws {
        var first = Self.visit([1, 1, 1])
        first.maxSize = 4096
        let runs = (0..<2).map { _ in
            BenchRun(provenance: Provenance.unknown, points: [first, Self.visit([2, 2, 2])], partial: false,
                     warnings: ["Other work was running (load 1.2)", "Other work was running (load 3.4)"])
        }
        let merged = try #require(ProcessVisits.merge(runs, estimator: .standard, command: "fragbench run --process-per-visit"))
        #expect(merged.points.map(\.maxSize) == [4096, 32768])
        #expect(merged.points.allSatisfy { $0.samples == 6 })
        #expect(merged.warnings.count == 1)
        #expect(merged.provenance.command == "fragbench run --process-per-visit")
    }

    /// Visits whose process ran wholly in the machine's slow state are left out of the estimate
    /// (their samples kept and marked), and the run says so once.
    @Test func processesInTheSlowStateAreLeftOutAndSaidSo() throws {
        let baselines = [7.05, 8.30, 7.10, 7.03]
        let runs = baselines.enumerated().map { i, b in
            var provenance = Provenance.unknown
            provenance.canaryBaselineNs = b
            let level = i == 1 ? 12.0 : 10.0
            return BenchRun(provenance: provenance, points: [Self.visit([level, level + 0.1, level + 0.2, level + 0.1, level, level + 0.3])],
                            partial: false, warnings: [])
        }
        let merged = try #require(ProcessVisits.merge(runs, estimator: .minimum, command: "fragbench run"))
        let point = try #require(merged.points.first)
        #expect(point.nsPerOp == 10.0, "the slow process's samples (12 ns) do not feed the estimate")
        #expect(point.samples == 24, "every sample stays in the point")
        #expect(point.sampleSlowState == Array(repeating: false, count: 6) + Array(repeating: true, count: 6) + Array(repeating: false, count: 12))
        #expect(point.estimator?.contains("1 of 4 visits left out (slow state)") == true)
        #expect(merged.provenance.visitStates == ["fast", "slow", "fast", "fast"])
        #expect(merged.provenance.canaryBaselineNs == 7.05, "the baseline of the state estimated from")
        #expect(merged.warnings.contains { $0.hasPrefix("Speed states: 1 of 4 processes ran 18% slow") })
        #expect(merged.provenance.machineNoise?.contains("1 of 4 processes ran 18% slow") == true)

        // The visits' own noise lines give way to one for the whole run.
        let noisy = runs.map { run -> BenchRun in
            var run = run
            run.warnings = ["Machine noise: \(Int.random(in: 10...90))% of samples disturbed (3 of 6); the point estimates use the undisturbed ones."]
            run.points = run.points.map { p in
                var p = p
                p.sampleDisturbed = [true, false, false, false, false, false]
                p.disturbedSamples = 1
                return p
            }
            return run
        }
        let once = try #require(ProcessVisits.merge(noisy, estimator: .minimum, command: "fragbench run"))
        let lines = once.warnings.filter { $0.hasPrefix("Machine noise:") }
        #expect(lines.count == 1, "\(once.warnings)")
        #expect(lines.first?.contains("17% of samples disturbed within their process (4 of 24)") == true, "\(lines)")

        // All in one state: nothing left out, nothing said.
        let same = baselines.map { b -> BenchRun in
            var provenance = Provenance.unknown
            provenance.canaryBaselineNs = b == 8.30 ? 7.06 : b
            return BenchRun(provenance: provenance, points: [Self.visit([10, 10.1, 12])], partial: false, warnings: [])
        }
        let level = try #require(ProcessVisits.merge(same, estimator: .minimum, command: "fragbench run"))
        #expect(level.points.first?.sampleSlowState == nil)
        #expect(!level.warnings.contains { $0.hasPrefix("Speed states") })
    }

    /// A two-thread point's visits: the samples taken while the host had placed the two CPUs
    /// otherwise leave the estimate (the fastest placement that stands for the run stays), are
    /// marked in the visits' order, and the kept placement's round trip is recorded; a slow-state
    /// visit's samples are not marked as placed.
    @Test func samplesAtAnotherPlacementOfTheTwoCPUsAreLeftOut() throws {
        func placed(_ samples: [Double], _ trip: Double) -> BenchPoint {
            var p = Self.visit(samples)
            p.workload = "cross-thread"
            p.sampleCrossCPUBeforeNs = samples.map { _ in trip }
            p.sampleCrossCPUAfterNs = samples.map { _ in trip }
            return p
        }
        let visits = [placed([18, 18.2, 18.1], 100), placed([55, 56, 54], 440), placed([18.3, 18.1, 18.4], 101),
                      placed([18.2, 18.4, 18.3], 100), placed([40, 40, 40], 99)]
        let merged = try #require(ProcessVisits.merge(visits, estimator: .minimum, used: [true, true, true, true, false]))
        #expect(merged.nsPerOp == 18.0)
        #expect(merged.samplePlacementLeftOut == [false, false, false, true, true, true] + Array(repeating: false, count: 9))
        #expect(merged.crossCPURoundTripNs == 100)
        #expect(merged.estimator?.contains("3 of 12 samples left out: the host placed the two CPUs otherwise then") == true)
        #expect(merged.sampleCrossCPUBeforeNs?.count == 15 && merged.samples == 15)

        // Single-thread points carry no readings and are left as they were.
        let plain = try #require(ProcessVisits.merge([Self.visit([10, 11]), Self.visit([10.5, 11])], estimator: .minimum))
        #expect(plain.samplePlacementLeftOut == nil && plain.crossCPURoundTripNs == nil && plain.sampleCrossCPUBeforeNs == nil)
    }
}
