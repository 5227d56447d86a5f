import Foundation

/// The run in google-benchmark's JSON shape (`--benchmark_format=json`), so tools written for
/// it (compare.py, CI dashboards) read FragBench results unchanged. One "iteration" entry per
/// point with a point's median; counters become extra numeric keys, and an unavailable value
/// is left out (the format has no null). cpu_time equals real_time: FragBench measures
/// wall-clock time of pinned, single-threaded batches, not process CPU time.
public enum GoogleBenchmarkReport {
    public static func render(_ run: BenchRun) -> String {
        let p = run.provenance
        var context: [String: JSONValue] = [
            "date": .string(p.date),
            "executable": .string("fragbench"),
            "library_build_type": .string(p.buildConfiguration),
            "cpu_scaling_enabled": .bool(p.governor.map { $0 != "performance" } ?? false),
            "caches": .array([]),
            "fragbench_schema_version": .int(run.schemaVersion),
            "fragbench_command": .string(p.command),
            "fragbench_counter_backend": .string(p.counterBackend),
            "fragbench_quick": .bool(p.quick),
            "fragbench_partial": .bool(run.partial),
            "fragbench_cpu_time_note": .string("cpu_time is real_time: fragbench measures wall-clock time only"),
        ]
        if let n = p.cpuCount { context["num_cpus"] = .int(n) }
        if let hz = p.tscHz { context["mhz_per_cpu"] = .int(Int((hz / 1e6).rounded())) }
        if let commit = p.gitCommit { context["fragbench_git_commit"] = .string(commit + (p.gitDirty == true ? "-dirty" : "")) }
        if let cpu = p.cpuModel { context["fragbench_cpu_model"] = .string(cpu) }
        if let kernel = p.kernel { context["fragbench_kernel"] = .string(kernel) }
        if let swift = p.swiftVersion { context["fragbench_swift_version"] = .string(swift) }

        var benchmarks: [JSONValue] = []
        for (index, point) in run.points.enumerated() {
            guard let ns = point.nsPerOp else { continue }
            let name = benchmarkName(point)
            var entry: [String: JSONValue] = [
                "name": .string(name), "run_name": .string(name), "run_type": .string("iteration"),
                "family_index": .int(index), "per_family_instance_index": .int(0),
                "repetitions": .int(1), "repetition_index": .int(0),
                "threads": .int(point.workload == "cross-thread" ? 2 : 1),
                "iterations": .int(point.ops), "real_time": .double(ns), "cpu_time": .double(ns),
                "time_unit": .string("ns"),
            ]
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
            ]
            for (key, value) in counters {
                if let value, value.isFinite { entry[key] = .double(value) }
            }
            if point.unstable { entry["error_message"] = .string("unstable: " + (point.hint ?? "err% above 5%")) }
            benchmarks.append(.object(entry))
        }
        let root: JSONValue = .object(["context": .object(context), "benchmarks": .array(benchmarks)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Safe: JSONValue holds only finite numbers, strings and booleans.
        return String(decoding: try! encoder.encode(root), as: UTF8.self) + "\n"
    }

    /// google-benchmark style: family/arg:value/…
    public static func benchmarkName(_ p: BenchPoint) -> String {
        var parts = [p.workload + (p.impl != "swift" ? "<\(p.impl)>" : "") + (p.variant != "remaining" ? "[\(p.variant)]" : "")]
        parts.append("page:\(p.pageSize)")
        parts.append("max:\(p.maxSize)")
        parts.append("fragsz:\(p.fragsz.map(String.init) ?? "-")")
        parts.append("align:\(p.align)")
        for key in p.parameters.keys.sorted() { parts.append("\(key):\(p.parameters[key]!)") }
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
