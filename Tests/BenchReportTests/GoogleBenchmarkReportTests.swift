import Foundation
import Testing
@testable import BenchReport

/// gbench.json read the way google-benchmark's tools/compare.py reads it: entries grouped by
/// `name` (compare.py's partition_benchmarks keeps those with time_unit, real_time and
/// cpu_time), the U-test run over each group's real_time values, and a warning below 9
/// repetitions (UTEST_OPTIMAL_REPETITIONS). scripts/check-gbench.py runs the real U-test on two
/// files.
@Suite struct GoogleBenchmarkReportTests {
    func entries(_ run: BenchRun) throws -> (context: [String: Any], benchmarks: [[String: Any]]) {
        let data = Data(GoogleBenchmarkReport.render(run).utf8)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (try #require(root["context"] as? [String: Any]), try #require(root["benchmarks"] as? [[String: Any]]))
    }

    /// compare.py's partition: name -> the comparable entries with that name, in order.
    func partitions(_ benchmarks: [[String: Any]]) -> [(String, [[String: Any]])] {
        var order: [String] = []
        var groups: [String: [[String: Any]]] = [:]
        for b in benchmarks {
            guard let name = b["name"] as? String, b["time_unit"] != nil, b["real_time"] != nil, b["cpu_time"] != nil else { continue }
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].append(b)
        }
        return order.map { ($0, groups[$0]!) }
    }

    @Test func eachSampleIsARepetitionEnoughForTheUTest() throws {
        let (_, benchmarks) = try entries(Fixtures.run)
        let groups = partitions(benchmarks)
        let point = "alloc-only/page:4096/max:32768/fragsz:64/align:1"
        let iterations = try #require(groups.first { $0.0 == point }?.1)
        #expect(iterations.count == 11, "11 samples: 11 repetitions, at least compare.py's 9")
        #expect(iterations.allSatisfy { $0["run_type"] as? String == "iteration" })
        #expect(iterations.map { $0["repetition_index"] as? Int } == Array(0 ..< 11))
        #expect(iterations.allSatisfy { $0["repetitions"] as? Int == 11 && $0["threads"] as? Int == 1 })
        #expect(iterations.map { $0["real_time"] as? Double } == Fixtures.fast.sampleNsPerOp!.map { Optional($0) })
        #expect(iterations.allSatisfy { $0["cpu_time"] as? Double == $0["real_time"] as? Double })
        #expect(iterations.allSatisfy { $0["time_unit"] as? String == "ns" })
    }

    @Test func aggregatesAsGoogleBenchmarkNamesThem() throws {
        let (_, benchmarks) = try entries(Fixtures.run)
        let point = "alloc-only/page:4096/max:32768/fragsz:64/align:1"
        let aggregates = benchmarks.filter { $0["run_name"] as? String == point && $0["run_type"] as? String == "aggregate" }
        #expect(aggregates.map { $0["aggregate_name"] as? String } == ["mean", "median", "stddev", "cv", "fragbench"])
        #expect(aggregates.map { $0["name"] as? String } == ["mean", "median", "stddev", "cv", "fragbench"].map { point + "_" + $0 })
        #expect(aggregates.map { $0["aggregate_unit"] as? String } == ["time", "time", "time", "percentage", "time"])
        let samples = Fixtures.fast.sampleNsPerOp!
        let mean = samples.reduce(0, +) / Double(samples.count)
        #expect(abs((aggregates[0]["real_time"] as? Double ?? 0) - mean) < 1e-12)
        #expect(aggregates[1]["real_time"] as? Double == 1.2345)
        let stddev = try #require(aggregates[2]["real_time"] as? Double)
        #expect(abs((aggregates[3]["real_time"] as? Double ?? 0) - stddev / mean) < 1e-12, "cv is a fraction of the mean")
        #expect(aggregates[4]["real_time"] as? Double == Fixtures.fast.nsPerOp)
        #expect(aggregates[4]["fragbench_estimator"] as? String == "p10 of undisturbed samples")
        #expect(aggregates[4]["ns_per_op_low"] as? Double == 1.21)
        // Counters on the aggregates; an unavailable one is absent, never 0.
        #expect(aggregates[0]["instructions_per_op"] as? Double == 9.5)
        #expect(aggregates[3]["instructions_per_op"] == nil, "no counters on the percentage aggregate")
    }

    @Test func anUnstablePointIsNotAnError() throws {
        let (_, benchmarks) = try entries(Fixtures.run)
        #expect(benchmarks.allSatisfy { $0["error_message"] == nil && $0["error_occurred"] == nil })
        let mixed = benchmarks.filter { ($0["run_name"] as? String)?.hasPrefix("mixed/") == true }
        #expect(mixed.contains { $0["fragbench_unstable"] as? Int == 1 })
        // No samples stored (an older run): one repetition, its figure.
        #expect(mixed.filter { $0["run_type"] as? String == "iteration" }.count == 1)
    }

    /// cross-thread's counts are flagged as both threads' with their spin waits, where counted.
    @Test func crossThreadCountsAreFlaggedAsIncludingSpinWaits() throws {
        var run = Fixtures.run
        let (_, plain) = try entries(run)
        #expect(plain.allSatisfy { $0["fragbench_counts_include_spin_waits"] == nil }, "no counts, no flag")
        run.points = run.points.map { p in
            var p = p
            if p.workload == "cross-thread" { p.counters = [CounterReading(name: "instructions", source: "callgrind simulation", perOp: 77)] }
            return p
        }
        let (_, counted) = try entries(run)
        let flagged = counted.filter { $0["fragbench_counts_include_spin_waits"] as? Int == 1 }
        #expect(!flagged.isEmpty && flagged.allSatisfy { ($0["run_name"] as? String)?.hasPrefix("cross-thread/") == true })
    }

    @Test func theContextHasGoogleBenchmarksFields() throws {
        let (context, _) = try entries(Fixtures.run)
        #expect(context["host_name"] as? String == "bench-vm")
        #expect(context["num_cpus"] as? Int == 2)
        #expect(context["mhz_per_cpu"] as? Int == 2596)
        let caches = try #require(context["caches"] as? [[String: Any]])
        #expect(caches.count == 2)
        #expect(caches[0]["type"] as? String == "Data" && caches[0]["level"] as? Int == 1)
        #expect(caches[0]["size"] as? Int == 49152 && caches[0]["num_sharing"] as? Int == 1)
        #expect(context["load_avg"] as? [Double] == [0.12, 0.30, 0.25])
        #expect(context["library_version"] as? String == "fragbench 0123456789ab-dirty")
        #expect(context["json_schema_version"] as? Int == 1)
        #expect(context["cpu_scaling_enabled"] == nil, "unknown governor: left out, not false")
        var run = Fixtures.run
        run.provenance.governor = "powersave"
        #expect(try entries(run).context["cpu_scaling_enabled"] as? Bool == true)
    }
}
