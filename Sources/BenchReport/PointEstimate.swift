import Foundation

/// What a point's ns/op is, in words every report prints beside the figure: the estimator
/// (schema 3 records it; older runs reported the median) and its interval, when recorded.
extension BenchPoint {
    /// Runs before schema 3 recorded no estimator: their ns/op was the median of the samples.
    public static let legacyEstimator = "median"

    /// The estimator behind `nsPerOp`.
    public var estimatorName: String { estimator ?? Self.legacyEstimator }

    /// The estimator without this point's own counts ("p10 of 47 undisturbed samples (74
    /// disturbed) over 9 visits; …" → "p10 of the undisturbed samples over the visits; …"), so a
    /// run's points that used the same estimator are named once in summaries; results.csv keeps
    /// each point's whole description.
    public var estimatorFamily: String { Self.family(of: estimatorName) }

    static func family(of description: String) -> String {
        let rules: [(pattern: String, replacement: String)] = [
            (#"of all \d+ samples \(only \d+ undisturbed\)"#, "of all samples (where too few were undisturbed)"),
            (#"of \d+ undisturbed samples \(\d+ disturbed\)"#, "of the undisturbed samples"),
            (#" over \d+ visits"#, " over the visits"),
            (#"; \d+ of \d+ visits left out \(slow state\)"#, "; slow-state visits left out"),
            // ProcessVisits' top-up: the visits added to a point the planned ones left unstable.
            (#"; \d+ more visit\(s\) after the first \d+ left it unstable"#, "; more visits where the planned ones left it unstable"),
            // CPUPlacement's clauses (two-thread points): the counts and round trips are the point's.
            (#"; (\d+ of \d+ samples left out: the host placed the two CPUs otherwise then \([^)]*\)|the two CPUs kept one placement \([^)]*\)|the placement of the two CPUs changed too often[^;]*)"#,
             "; by the placement of the two CPUs"),
        ]
        var text = description
        for rule in rules {
            text = text.replacingOccurrences(of: rule.pattern, with: rule.replacement, options: .regularExpression)
        }
        return text
    }

    /// The 95% interval of `nsPerOp`, when the run recorded one (schema 3).
    public var nsPerOpInterval: (low: Double, high: Double)? {
        guard let low = nsPerOpLow, let high = nsPerOpHigh, low.isFinite, high.isFinite else { return nil }
        return (low, high)
    }

    /// Disturbed samples as a share of all samples, when the run classified them.
    public var disturbedShare: Double? {
        guard let disturbed = disturbedSamples, samples > 0 else { return nil }
        return Double(disturbed) / Double(samples)
    }
}

extension BenchRun {
    /// The estimators the run's points used (their families, without per-point counts), in
    /// order of first use ("median" for older runs).
    public var estimators: [String] {
        var seen: [String] = []
        for p in points where p.nsPerOp != nil && !seen.contains(p.estimatorFamily) { seen.append(p.estimatorFamily) }
        return seen
    }

    /// The estimators in one phrase, for headers and summaries.
    public var estimatorText: String {
        let names = estimators
        guard names.count > 1 else { return names.first ?? BenchPoint.legacyEstimator }
        return names.map { name in
            "\(name) (\(points.filter { $0.nsPerOp != nil && $0.estimatorFamily == name }.count) point(s))"
        }.joined(separator: "; ")
    }
}
