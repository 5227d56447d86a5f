import Foundation
import Support

/// Base against head, point by point: the ratio head/base with a 95% interval and a verdict.
/// A point is a regression only when the slowdown is both resolved by the data and larger
/// than the practical threshold.
public struct Comparison: Sendable, Equatable {
    public enum Metric: String, Sendable, Codable, CaseIterable {
        /// Median ns/op of each run; interval from interleaved rounds (or samples).
        case time
        /// Instructions per op from callgrind: deterministic, so the ratio is exact.
        case instructions

        public var unit: String { self == .time ? "ns/op" : "ins/op" }
    }

    public struct Row: Sendable, Equatable {
        public var key: String
        /// Short label for tables.
        public var label: String
        public var base: Double?
        public var head: Double?
        public var estimate: RatioEstimate?
        public var verdict: Verdict
        /// Why there is no interval, or what to keep in mind.
        public var note: String?

        public init(key: String, label: String, base: Double?, head: Double?, estimate: RatioEstimate?,
                    verdict: Verdict, note: String?) {
            self.key = key
            self.label = label
            self.base = base
            self.head = head
            self.estimate = estimate
            self.verdict = verdict
            self.note = note
        }
    }

    public var baseLabel: String
    public var headLabel: String
    public var metric: Metric
    public var threshold: Double
    public var rounds: Int
    public var rows: [Row]
    /// Points measured on one side only.
    public var onlyInBase: [String]
    public var onlyInHead: [String]
    /// Provenance differences the reader must weigh (machine, toolchain, flags, …).
    public var warnings: [String]
    /// How the ratios were made, when not by rounds or callgrind (e.g. samples paired in time).
    public var method: String? = nil

    public init(baseLabel: String, headLabel: String, metric: Metric, threshold: Double, rounds: Int, rows: [Row],
                onlyInBase: [String], onlyInHead: [String], warnings: [String]) {
        self.baseLabel = baseLabel
        self.headLabel = headLabel
        self.metric = metric
        self.threshold = threshold
        self.rounds = rounds
        self.rows = rows
        self.onlyInBase = onlyInBase
        self.onlyInHead = onlyInHead
        self.warnings = warnings
    }

    public var regressions: [Row] { rows.filter { $0.verdict == .slower } }
    public var hasRegression: Bool { !regressions.isEmpty }

    /// Interleaved rounds: `base[i]` and `head[i]` ran back to back. With two or more rounds
    /// the interval is the paired t-interval of the per-round log ratios; with one, each
    /// point's samples give a Welch interval (labelled as such); callgrind counts are exact.
    public static func rounds(base: [BenchRun], head: [BenchRun], baseLabel: String, headLabel: String,
                              metric: Metric = .time, threshold: Double = 0.02) -> Comparison {
        let n = min(base.count, head.count)
        let baseRuns = Array(base.prefix(n)), headRuns = Array(head.prefix(n))
        func index(_ run: BenchRun) -> [String: BenchPoint] {
            var d: [String: BenchPoint] = [:]
            for p in run.points where d[p.key] == nil { d[p.key] = p }
            return d
        }
        let baseIndex = baseRuns.map(index), headIndex = headRuns.map(index)
        let order = (baseRuns.first?.points ?? []).map(\.key)
        let headKeys = Set(headRuns.first?.points.map(\.key) ?? [])
        var rows: [Row] = []
        var seen = Set<String>()
        for key in order where headKeys.contains(key) && seen.insert(key).inserted {
            let a = baseIndex.compactMap { $0[key] }, b = headIndex.compactMap { $0[key] }
            let label = label(a[0])
            let av = a.compactMap { value($0, metric) }, bv = b.compactMap { value($0, metric) }
            var estimate: RatioEstimate?
            var note: String?
            switch metric {
            case .instructions:
                if a[0].isTwoThread {
                    // Two threads under valgrind run one at a time, and the consumer's and
                    // producer's spin waits on the ring take as many instructions as valgrind's
                    // scheduling gives them: a commit against itself read 142 vs 127 ins/op.
                    note = "not compared: two-thread counts include spin waits that vary with valgrind's scheduling"
                } else if let x = av.first, let y = bv.first {
                    estimate = RatioEstimate.exact(a: x, b: y)
                    note = exactNote(base: x, head: y, threshold: threshold)
                    if Set(av).count > 1 || Set(bv).count > 1 { note = "counts differ between rounds" }
                } else {
                    note = "no instruction counts (run with COUNTERS=callgrind)"
                }
            case .time:
                if av.count >= 2 && av.count == bv.count && a.count == b.count {
                    estimate = RatioEstimate.paired(a: av, b: bv)
                } else if let sa = a.first?.sampleNsPerOp, let sb = b.first?.sampleNsPerOp {
                    // The method paragraph says it is a Welch interval over samples.
                    estimate = RatioEstimate.welch(a: sa, b: sb)
                }
                if estimate == nil && note == nil { note = "too few rounds or samples for an interval" }
            }
            rows.append(Row(key: key, label: label, base: Statistics.median(av), head: Statistics.median(bv), estimate: estimate,
                            verdict: Verdict.judge(estimate, threshold: threshold), note: note))
        }
        let baseKeys = Set(order)
        var warnings: [String] = []
        for (i, run) in (baseRuns + headRuns).enumerated().dropFirst() {
            for difference in provenanceDifferences(baseRuns[0].provenance, run.provenance) {
                let text = (i < n ? "base round \(i + 1)" : "head round \(i - n + 1)") + " vs base round 1: " + difference
                if !warnings.contains(text) { warnings.append(text) }
            }
        }
        for run in baseRuns + headRuns where run.partial { warnings.append("a partial run is part of the comparison") }
        if baseRuns.contains(where: { $0.provenance.quick }) || headRuns.contains(where: { $0.provenance.quick }) {
            // Exact counts do not get noisier with shorter samples: they count fewer operations,
            // the same number on both sides.
            warnings.append(metric == .instructions
                ? "quick runs: callgrind counted fewer operations per point (the same on both sides); the counts stay exact"
                : "QUICK runs (short samples): fine for catching large changes, not for small ones")
        }
        return Comparison(
            baseLabel: baseLabel, headLabel: headLabel, metric: metric, threshold: threshold, rounds: n, rows: rows,
            onlyInBase: order.filter { !headKeys.contains($0) },
            onlyInHead: (headRuns.first?.points.map(\.key) ?? []).filter { !baseKeys.contains($0) },
            warnings: dedupe(warnings))
    }

    /// An exact count has no interval, so "no difference resolved" would hide a real change
    /// below the threshold: the row says how large it is, in percent and per operation, or
    /// that the counts are identical.
    static func exactNote(base: Double, head: Double, threshold: Double) -> String? {
        guard base > 0 else { return nil }
        if head == base { return "identical" }
        let change = (head / base - 1) * 100
        let sign = change > 0 ? "+" : ""
        let perOp = "\(sign)\(NumberFormat.fixed(head - base, 2)) per operation"
        guard abs(head / base - 1) <= threshold else { return perOp }
        return "an exact change of \(sign)\(NumberFormat.fixed(change, 2))% (\(perOp)), within the ±\(NumberFormat.fixed(threshold * 100, 1))% threshold"
    }

    static func value(_ p: BenchPoint, _ metric: Metric) -> Double? {
        switch metric {
        case .time: return p.nsPerOp
        case .instructions: return p.counters.first { $0.name == "instructions" && $0.source.contains("callgrind") && $0.perOp != nil }?.perOp
                ?? p.perOp("instructions")
        }
    }


    static func dedupe(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// A point's name in a comparison: its `fragbench list` name, the one name a point has in
    /// every table, CSV, chart and `--filter`.
    static func label(_ p: BenchPoint) -> String { GoogleBenchmarkReport.benchmarkName(p) }

    /// What differs between two runs' origins beyond the commit and date: the reasons two
    /// sets of numbers may not be comparable.
    public static func provenanceDifferences(_ a: Provenance, _ b: Provenance) -> [String] {
        let fields: [(String, String?, String?)] = [
            ("CPU model", a.cpuModel, b.cpuModel),
            ("CPU count", a.cpuCount.map(String.init), b.cpuCount.map(String.init)),
            ("kernel", a.kernel, b.kernel),
            ("Swift", a.swiftVersion, b.swiftVersion),
            ("build configuration", a.buildConfiguration, b.buildConfiguration),
            ("build flags", a.buildFlags, b.buildFlags),
            ("frequency governor", a.governor, b.governor),
            ("counter backend", a.counterBackend, b.counterBackend),
            ("quick mode", String(a.quick), String(b.quick)),
            ("perf_event_paranoid", a.perfEventParanoid.map(String.init), b.perfEventParanoid.map(String.init)),
            ("workloads revision (what some points time)", a.workloadsRevision.map(String.init) ?? "not recorded",
             b.workloadsRevision.map(String.init) ?? "not recorded"),
        ]
        return fields.compactMap { name, x, y in
            x == y ? nil : "\(name) differs: \(x ?? "unknown") vs \(y ?? "unknown")"
        }
    }

    // MARK: Output

    /// Markdown that fits a CI step summary.
    public func markdown() -> String {
        var out = "## FragBench compare: \(baseLabel) → \(headLabel)\n\n"
        let faster = rows.filter { $0.verdict == .faster }.count
        let slower = regressions.count
        let same = rows.count - faster - slower
        out += hasRegression
            ? "**REGRESSION: \(slower) of \(rows.count) point(s) slower** (\(faster) faster, \(same) no difference resolved)\n\n"
            : "**No regression** in \(rows.count) point(s): \(faster) faster, \(same) no difference resolved.\n\n"
        out += methodText() + "\n\n"
        if !warnings.isEmpty {
            out += "Warnings:\n\n"
            for w in warnings { out += "- \(w)\n" }
            out += "\n"
        }
        let unit = metric.unit
        // The value columns are the median over the rounds; the ratio is its own estimate
        // (method above), so the labels say which is which.
        // A paired comparison (`method` set) shows each side's p10 over the pairs it used, which
        // is not what the ratio is computed from: the header says so, so that the two columns'
        // quotient is not read as the ratio.
        let values = rounds >= 2 ? "median of \(rounds) rounds" : metric == .instructions ? "the run's count"
            : method != nil ? "p10 of its paired samples; not the ratio's estimator" : "the run's estimate"
        let ratioColumn = metric == .instructions ? "ratio (exact)" : "ratio [95% CI]"
        out += "| point | base \(unit) (\(values)) | head \(unit) (\(values)) | \(ratioColumn) | verdict |\n|---|---:|---:|---:|---|\n"
        for r in rows {
            let verdict = r.verdict == .slower ? "**slower**" : r.verdict == .faster ? "faster" : r.verdict.rawValue
            out += "| \(r.label.replacingPipes) | \(NumberFormat.significant(r.base)) | \(NumberFormat.significant(r.head)) | "
            out += "\(Self.ratioText(r.estimate)) | \(verdict)\(r.note.map { " (\($0))" } ?? "") |\n"
        }
        if !onlyInBase.isEmpty || !onlyInHead.isEmpty {
            out += "\n"
            for k in onlyInBase { out += "- only in base: \(k)\n" }
            for k in onlyInHead { out += "- only in head: \(k)\n" }
        }
        return out
    }

    func methodText() -> String {
        if let method { return method }
        let pct = NumberFormat.fixed(threshold * 100, threshold * 100 == (threshold * 100).rounded() ? 0 : 1)
        switch metric {
        case .instructions:
            return "Metric: instructions per operation from callgrind (simulated, deterministic): the ratio head/base is exact, so there is no interval; a change counts when it exceeds \(pct)%."
        case .time:
            let how = rounds >= 2
                ? "\(rounds) interleaved rounds (base and head back to back, alternating which goes first); ratio = geometric mean of the per-round ratios of median ns/op, with a 95% paired t-interval"
                : "one run each; ratio of the runs' geometric-mean sample ns/op, with a 95% Welch interval over the samples (optimistic: drift between the two runs is not in it; use rounds for a verdict you can lean on)"
            return "Metric: ns/op (time), \(how). A point is slower or faster only when its whole interval lies beyond ±\(pct)% (resolved, and larger than the threshold with confidence)."
        }
    }

    public static func ratioText(_ e: RatioEstimate?) -> String {
        guard let e else { return "—" }
        if e.method == "exact" { return NumberFormat.fixed(e.ratio, 4) + " (exact)" }
        return "\(NumberFormat.fixed(e.ratio, 3)) [\(NumberFormat.fixed(e.lower, 3)), \(NumberFormat.fixed(e.upper, 3))]"
    }

    public static let csvColumns = ["point", "metric", "base", "head", "ratio", "ci_lower", "ci_upper", "method",
                                    "rounds", "verdict", "threshold", "note"]

    public func csv() -> String {
        CSV.document(columns: Self.csvColumns, rows: rows.map { r in
            [
                r.key, metric.rawValue, NumberFormat.fixed(r.base, 4), NumberFormat.fixed(r.head, 4),
                NumberFormat.fixed(r.estimate?.ratio, 5), NumberFormat.fixed(r.estimate?.lower, 5),
                NumberFormat.fixed(r.estimate?.upper, 5), r.estimate?.method ?? "", NumberFormat.integer(r.estimate?.rounds),
                r.verdict.rawValue, NumberFormat.fixed(threshold, 4), r.note ?? "",
            ]
        })
    }
}
