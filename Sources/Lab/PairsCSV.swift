import BenchReport

/// pairs.csv: every pair `fragbench pair` took, so the estimate can be recomputed or questioned
/// (per-session spread, the canary's verdicts) without rerunning. One row per pair, in the order
/// taken.
package enum PairsCSV {
    package static let columns = [
        "point", "session", "first", "base_ns_per_op", "head_ns_per_op", "ratio",
        "base_canary_ns_per_step", "head_canary_ns_per_step", "used",
    ]

    package static func rows(point: String, pairs: [PointPairer.Pair], exclusions: [String?]) -> [[String]] {
        zip(pairs, exclusions).map { p, why in
            [
                point, String(p.session), p.baseFirst ? "base" : "head",
                String(p.base.nanosecondsPerOp), String(p.head.nanosecondsPerOp),
                String(p.head.nanosecondsPerOp / p.base.nanosecondsPerOp),
                String(p.base.canaryNanosecondsPerStep), String(p.head.canaryNanosecondsPerStep),
                why.map { "no (\($0))" } ?? "yes",
            ]
        }
    }

    package static func document(_ rows: [[String]]) -> String {
        CSV.document(columns: columns, rows: rows)
    }
}
