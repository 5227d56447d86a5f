import BenchReport

/// What `compare` and `pair` do with a finished comparison: print the markdown, write
/// compare.md and compare.csv when asked, and turn a regression into exit status 2.
package enum ComparisonOutput {
    package static func publish(_ comparison: Comparison, output: String?, command: String) throws {
        let markdown = comparison.markdown()
        StandardStreams.out(markdown)
        if let output {
            try AtomicFile.write(markdown, to: output + "/compare.md")
            try AtomicFile.write(comparison.csv(), to: output + "/compare.csv")
            StandardStreams.err("\(command): \(output)/compare.md, \(output)/compare.csv\n")
        }
    }
}

extension ComparisonOutput {
    /// Why the comparison did not cover what the base measured (nil: it did): no point in
    /// common, or base points the head lacks. A head's new points are reported, not refused.
    package static func incompleteReason(_ comparison: Comparison) -> String? {
        func sample(_ keys: [String]) -> String {
            keys.prefix(3).joined(separator: "; ") + (keys.count > 3 ? "; and \(keys.count - 3) more" : "")
        }
        if comparison.rows.isEmpty {
            return "no point in common, so nothing was compared (base: \(sample(comparison.onlyInBase)); head: \(sample(comparison.onlyInHead))): the runs differ in a point's workload, implementation, variant, sizes or parameters"
        }
        if !comparison.onlyInBase.isEmpty {
            return "\(comparison.onlyInBase.count) point(s) of the base have no counterpart in the head and were not compared (\(sample(comparison.onlyInBase)))"
        }
        return nil
    }

    /// A finished comparison's exit status: 2 on a regression, 1 (said why) when it did not
    /// cover the base, else 0.
    package static func status(_ comparison: Comparison, command: String) -> Int32 {
        if comparison.hasRegression { return 2 }
        if let why = incompleteReason(comparison) {
            StandardStreams.err("\(command): \(why)\n")
            return 1
        }
        return 0
    }
}
