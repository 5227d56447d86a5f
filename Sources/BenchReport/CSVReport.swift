import Foundation

/// Results as CSV (through the one writer, `CSV`): a fixed header, one row per point.
/// Unavailable values are empty fields; the status columns say why. `ns_per_op` is the point
/// estimate named in `estimator` ("median" for runs before schema 3), with its 95% interval in
/// `ns_per_op_low`/`ns_per_op_high` when the run recorded one.
public enum CSVReport {
    /// results.csv: `name` first, the point's `fragbench list` name and the row's identifier;
    /// the defining columns after it are the same values split out for filtering.
    public static let columns = ["name"] + pointColumns

    /// Every column but the name. history.csv keeps exactly these (its readers derive the name
    /// from them): a new column there would set every existing history aside as another
    /// FragBench's.
    public static let pointColumns = [
        "workload", "impl", "variant", "page_size", "max_size", "fragsz", "align", "parameters",
        "ops", "samples", "ns_per_op", "estimator", "ns_per_op_low", "ns_per_op_high", "median_ns_per_op",
        "disturbed_samples", "min_ns_per_op", "err_pct", "unstable", "tsc_cycles_per_op",
        "instructions_per_op", "cycles_per_op", "ipc", "l1d_misses_per_op", "llc_misses_per_op",
        "branch_misses_per_op", "page_faults_per_op", "counter_source", "counter_status",
        "refills_per_kop", "fallbacks", "reuses", "pfmemalloc_drops", "waste_pct", "peak_pinned_bytes",
        "cpu", "pinned", "timer_overhead_ns", "overhead_subtracted", "ops_per_sample", "sample_ms",
    ]

    public static func render(_ points: [BenchPoint]) -> String {
        CSV.document(columns: columns, rows: points.map { [$0.name] + pointFields($0) })
    }

    /// A row of results.csv.
    public static func fields(_ p: BenchPoint) -> [String] { [p.name] + pointFields(p) }

    public static func pointFields(_ p: BenchPoint) -> [String] {
        let instructions = p.perOp("instructions")
        let cycles = p.perOp("cycles", "estimated cycles")
        let ipc = (instructions != nil && cycles != nil && cycles! > 0) ? instructions! / cycles! : nil
        return [
            p.workload, p.impl, p.variant, String(p.pageSize), String(p.maxSize),
            NumberFormat.integer(p.fragsz), String(p.align),
            p.parameters.keys.sorted().map { "\($0)=\(p.parameters[$0]!)" }.joined(separator: ";"),
            String(p.ops), String(p.samples),
            NumberFormat.fixed(p.nsPerOp, 3), p.nsPerOp == nil ? "" : p.estimatorName,
            NumberFormat.fixed(p.nsPerOpLow, 3), NumberFormat.fixed(p.nsPerOpHigh, 3),
            NumberFormat.fixed(p.medianNsPerOp ?? (p.estimator == nil ? p.nsPerOp : nil), 3),
            NumberFormat.integer(p.disturbedSamples), NumberFormat.fixed(p.minNsPerOp, 3), NumberFormat.fixed(p.errPct, 2),
            p.unstable ? "1" : "0", NumberFormat.fixed(p.tscCyclesPerOp, 3),
            NumberFormat.fixed(instructions, 3), NumberFormat.fixed(cycles, 3), NumberFormat.fixed(ipc, 3),
            NumberFormat.fixed(p.perOp("L1-dcache-load-misses", "L1D misses"), 4),
            NumberFormat.fixed(p.perOp("LLC-load-misses", "cache-misses", "LL misses"), 4),
            NumberFormat.fixed(p.perOp("branch-misses"), 4),
            NumberFormat.fixed(p.perOp("page-faults"), 6),
            p.counterSource, p.counterStatus,
            NumberFormat.fixed(p.refillsPerKop, 3), NumberFormat.integer(p.fallbacks), NumberFormat.integer(p.reuses),
            NumberFormat.integer(p.pfmemallocDrops), NumberFormat.fixed(p.wastePct, 3),
            NumberFormat.integer(p.peakPinnedBytes), NumberFormat.integer(p.cpu), p.pinned ? "1" : "0",
            NumberFormat.fixed(p.timerOverheadNs, 1), p.overheadSubtracted ? "1" : "0",
            NumberFormat.integer(p.opsPerSample), NumberFormat.fixed(p.sampleNs.map { $0 / 1e6 }, 4),
        ]
    }
}
