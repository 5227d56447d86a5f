import Foundation

/// The run in google-benchmark's JSON shape (`--benchmark_format=json` with repetitions), so
/// tools written for it (tools/compare.py and its U-test, CI dashboards) read FragBench results
/// unchanged. Per point: one "iteration" entry per sample (a repetition: `repetition_index`,
/// `real_time` the sample's ns/op), then the aggregates google-benchmark computes over
/// repetitions (mean, median, stddev in ns, cv as a fraction), then FragBench's own estimate as
/// one more aggregate named after it. Counters become extra numeric keys on the aggregates, and an
/// unavailable value is left out (the format has no null). cpu_time equals real_time: FragBench
/// measures wall-clock time of pinned, single-threaded batches, not process CPU time. A merely
/// unstable point is not an error (google-benchmark's `error_occurred`); its aggregates carry
/// `fragbench_unstable` instead.
public enum GoogleBenchmarkReport {
    /// The version of google-benchmark's JSON this follows (its `json_schema_version`).
    public static let jsonSchemaVersion = 1

    public static func render(_ run: BenchRun) -> String {
        let p = run.provenance
        var context: [String: JSONValue] = [
            "date": .string(p.date),
            "executable": .string("fragbench"),
            "library_version": .string("fragbench " + (p.gitCommit.map { String($0.prefix(12)) + (p.gitDirty == true ? "-dirty" : "") } ?? "unknown")),
            "library_build_type": .string(p.buildConfiguration),
            "json_schema_version": .int(jsonSchemaVersion),
            "caches": .array((p.caches ?? []).map { cache in
                .object(["type": .string(cache.type), "level": .int(cache.level), "size": .int(cache.sizeBytes),
                         "num_sharing": .int(cache.sharedBy)])
            }),
            "fragbench_schema_version": .int(run.schemaVersion),
            "fragbench_command": .string(p.command),
            "fragbench_counter_backend": .string(p.counterBackend),
            "fragbench_quick": .bool(p.quick),
            "fragbench_partial": .bool(run.partial),
            "fragbench_estimator": .string(run.estimatorText),
            "fragbench_cpu_time_note": .string("cpu_time is real_time: fragbench measures wall-clock time only"),
        ]
        // google-benchmark's own fields, only where known: no governor means unknown scaling.
        if let governor = p.governor { context["cpu_scaling_enabled"] = .bool(governor != "performance") }
        if let n = p.cpuCount { context["num_cpus"] = .int(n) }
        if let hz = p.tscHz { context["mhz_per_cpu"] = .int(Int((hz / 1e6).rounded())) }
        if let host = p.hostName { context["host_name"] = .string(host) }
        if let load = p.loadAverage {
            let values = load.split(separator: " ").compactMap { Double($0) }
            if values.count == 3 { context["load_avg"] = .array(values.map(JSONValue.double)) }
        }
        if let commit = p.gitCommit { context["fragbench_git_commit"] = .string(commit + (p.gitDirty == true ? "-dirty" : "")) }
        if let cpu = p.cpuModel { context["fragbench_cpu_model"] = .string(cpu) }
        if let kernel = p.kernel { context["fragbench_kernel"] = .string(kernel) }
        if let swift = p.swiftVersion { context["fragbench_swift_version"] = .string(swift) }

        var benchmarks: [JSONValue] = []
        for (index, point) in run.points.enumerated() {
            guard let ns = point.nsPerOp else { continue }
            benchmarks += entries(point, family: index, estimate: ns)
        }
        let root: JSONValue = .object(["context": .object(context), "benchmarks": .array(benchmarks)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Safe: JSONValue holds only finite numbers, strings and booleans.
        return String(decoding: try! encoder.encode(root), as: UTF8.self) + "\n"
    }

    /// One point's repetitions and aggregates. Without stored samples (older runs) the point is
    /// one repetition, its estimate.
    static func entries(_ point: BenchPoint, family: Int, estimate: Double) -> [JSONValue] {
        let name = benchmarkName(point)
        let samples = (point.sampleNsPerOp ?? []).filter(\.isFinite)
        let repetitions = samples.isEmpty ? [estimate] : samples
        let threads = point.isTwoThread ? 2 : 1
        let iterations = point.opsPerSample ?? max(1, point.ops / max(1, repetitions.count))
        func base(_ entryName: String, runType: String) -> [String: JSONValue] {
            [
                "name": .string(entryName), "run_name": .string(name), "run_type": .string(runType),
                "family_index": .int(family), "per_family_instance_index": .int(0),
                "repetitions": .int(repetitions.count), "threads": .int(threads), "time_unit": .string("ns"),
            ]
        }
        var out: [JSONValue] = []
        for (i, value) in repetitions.enumerated() {
            var entry = base(name, runType: "iteration")
            entry["repetition_index"] = .int(i)
            entry["iterations"] = .int(iterations)
            entry["real_time"] = .double(value)
            entry["cpu_time"] = .double(value)
            out.append(.object(entry))
        }
        let n = Double(repetitions.count)
        let mean = repetitions.reduce(0, +) / n
        let stddev = repetitions.count > 1
            ? (repetitions.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot() : 0
        let sorted = repetitions.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        var aggregates: [(String, String, Double)] = [
            ("mean", "time", mean), ("median", "time", median), ("stddev", "time", stddev),
            ("cv", "percentage", mean > 0 ? stddev / mean : 0),
        ]
        // FragBench's own figure, under its estimator's name, for tools that read one number.
        aggregates.append(("fragbench", "time", estimate))
        for (aggregate, unit, value) in aggregates {
            var entry = base(name + "_" + aggregate, runType: "aggregate")
            entry["aggregate_name"] = .string(aggregate)
            entry["aggregate_unit"] = .string(unit)
            entry["iterations"] = .int(repetitions.count)
            entry["real_time"] = .double(value)
            entry["cpu_time"] = .double(value)
            if aggregate == "fragbench" {
                entry["fragbench_estimator"] = .string(point.estimatorName)
                if let interval = point.nsPerOpInterval {
                    entry["ns_per_op_low"] = .double(interval.low)
                    entry["ns_per_op_high"] = .double(interval.high)
                }
            }
            if unit == "time" { addCounters(point, to: &entry) }
            out.append(.object(entry))
        }
        return out
    }

    static func addCounters(_ point: BenchPoint, to entry: inout [String: JSONValue]) {
        let instructions = point.perOp("instructions")
        let cycles = point.perOp("cycles", "estimated cycles")
        let counters: [(String, Double?)] = [
            ("err_pct", point.errPct), ("min_ns_per_op", point.minNsPerOp),
            ("tsc_cycles_per_op", point.tscCyclesPerOp), ("instructions_per_op", instructions),
            ("cycles_per_op", cycles),
            ("ipc", (instructions != nil && cycles != nil && cycles! > 0) ? instructions! / cycles! : nil),
            ("l1d_misses_per_op", point.perOp("L1-dcache-load-misses", "L1D misses")),
            ("llc_misses_per_op", point.perOp("LLC-load-misses", "cache-misses", "LL misses")),
            ("refills_per_kop", point.refillsPerKop), ("waste_pct", point.wastePct),
            ("peak_pinned_bytes", point.peakPinnedBytes.map(Double.init)),
            ("high_order_failure_rate", point.highOrderFailureRate),
            ("disturbed_samples", point.disturbedSamples.map(Double.init)),
        ]
        for (key, value) in counters {
            if let value, value.isFinite { entry[key] = .double(value) }
        }
        if point.unstable { entry["fragbench_unstable"] = .int(1) }
        // The spin-wait caveat, for tools that read the counts without report.md beside them.
        if point.countsIncludeSpinning && instructions != nil { entry["fragbench_counts_include_spin_waits"] = .int(1) }
    }

    /// google-benchmark style: family/arg:value/…
    public static func benchmarkName(_ p: BenchPoint) -> String {
        benchmarkName(workload: p.workload, impl: p.impl, variant: p.variant, pageSize: p.pageSize, maxSize: p.maxSize,
                      fragsz: p.fragsz, align: p.align, parameters: p.parameters)
    }

    /// The same name from a point's defining values (what `fragbench run --list` and `--filter`
    /// use before anything is measured).
    public static func benchmarkName(workload: String, impl: String, variant: String, pageSize: Int, maxSize: Int,
                                     fragsz: Int?, align: Int, parameters: [String: String],
                                     wildcards: Set<BenchPoint.NameAxis> = []) -> String {
        var parts = [workload + (impl != "swift" ? "<\(impl)>" : "") + (variant != "remaining" ? "[\(variant)]" : "")]
        parts.append("page:\(wildcards.contains(.pageSize) ? "*" : String(pageSize))")
        parts.append("max:\(wildcards.contains(.maxSize) ? "*" : String(maxSize))")
        parts.append("fragsz:\(wildcards.contains(.fragsz) ? "*" : fragsz.map(String.init) ?? "-")")
        parts.append("align:\(align)")
        var parameters = parameters
        // Where cross-thread's two threads ran is part of what was measured: a point left to
        // the scheduler says so rather than looking like one whose CPUs were not recorded.
        if workload == "cross-thread" {
            for key in ["push_cpu", "pop_cpu"] where parameters[key] == nil { parameters[key] = "any" }
        }
        for key in parameters.keys.sorted() { parts.append("\(key):\(parameters[key]!)") }
        return parts.joined(separator: "/")
    }
}

/// A JSON value with a stable encoding (for formats that are not our Codable model).
public enum JSONValue: Encodable, Equatable, Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .bool(let b): try container.encode(b)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}
