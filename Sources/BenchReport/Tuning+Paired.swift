import Foundation

extension Tuning {
    /// One group's paired ratios against its reference, and what the explanation says about
    /// them: which settings the decision judged by paired evidence, which by their runs.
    struct PairedEvidence {
        let reference: Setting
        let others: [Setting]
        let pairs: [TuningPairs.Comparison]
        /// The other candidates with a paired ratio against the reference (head: the candidate).
        let ratios: [(setting: Setting, estimate: RatioEstimate)]

        init(reference: Setting, candidates: [Setting], pairs: [TuningPairs.Comparison]) {
            self.reference = reference
            self.pairs = pairs
            others = candidates.filter { $0.maxSize != reference.maxSize }
            ratios = others.compactMap { s in
                TuningPairs.estimate(pairs, head: s.maxSize, base: reference.maxSize).map { (s, $0) }
            }
        }

        func covers(_ s: Setting) -> Bool { ratios.contains { $0.setting.maxSize == s.maxSize } }
        var coversAll: Bool { !others.isEmpty && ratios.count == others.count }
        var uncovered: [Setting] { others.filter { !covers($0) } }

        /// Comparisons with the reference that were attempted and failed.
        var failed: [TuningPairs.Comparison] {
            uncovered.compactMap { TuningPairs.comparison(pairs, $0.maxSize, reference.maxSize) }.filter { $0.missing != nil }
        }

        var failureText: String {
            failed.map { c in
                " The paired comparison of max \(NumberFormat.bytes(c.head)) with max \(NumberFormat.bytes(c.base)) gave no ratio (\(c.missing ?? "no estimate"))."
            }.joined()
        }

        /// How the reference moved from the nominally fastest setting, step by step.
        func pathText(_ path: [Int], settings: [Setting]) -> String {
            guard path.count > 1 else { return "" }
            let steps = zip(path, path.dropFirst()).map { from, to in
                let e = TuningPairs.estimate(pairs, head: to, base: from)
                return "\(NumberFormat.bytes(to)) faster than \(NumberFormat.bytes(from)) (ratio \(Comparison.ratioText(e)))"
            }
            return " Paired comparisons resolved \(steps.joined(separator: ", then ")): \(NumberFormat.bytes(reference.maxSize)) is the reference, not the nominally fastest \(NumberFormat.bytes(path[0]))."
        }

        /// A candidate the paired ratios resolve faster than the reference, though the
        /// reference was reached from it: the comparisons form a cycle, so at least one of them
        /// is wrong and none can be relied on.
        func contradiction(path: [Int], settings: [Setting]) -> String? {
            guard let (faster, e) = ratios.first(where: { $0.estimate.upper < 1 }) else { return nil }
            let chain = path.map { NumberFormat.bytes($0) }.joined(separator: " → ")
            return "**No recommendation: the paired comparisons contradict each other.** They resolved the chain \(chain) (each faster than the one before), "
                + "and \(NumberFormat.bytes(faster.maxSize)) faster than \(NumberFormat.bytes(reference.maxSize)) (ratio \(Comparison.ratioText(e))): "
                + "at least one of these intervals missed. Pair again with a larger --pair-budget, or on a quieter machine."
        }

        /// Why the tied settings could not be separated from the reference.
        func tieReason(_ tied: [Setting]) -> String {
            let paired = tied.filter(covers), unpaired = tied.filter { !covers($0) }
            let names = { (s: [Setting]) in s.map { NumberFormat.bytes($0.maxSize) }.joined(separator: ", ") }
            if paired.isEmpty { return "their ns/op intervals overlap" }
            if unpaired.isEmpty { return "the paired ratio\(paired.count == 1 ? "'s interval includes" : "s' intervals include") 1" }
            return "the paired ratio intervals of \(names(paired)) include 1 and the ns/op intervals of \(names(unpaired)) (not paired) overlap"
        }

        /// Whether the decision rests on paired evidence, and where it does not.
        var basisText: String {
            guard !others.isEmpty, !pairs.isEmpty else { return "" }
            let names = { (s: [Setting]) in s.map { NumberFormat.bytes($0.maxSize) }.joined(separator: ", ") }
            var text = ""
            if !ratios.isEmpty {
                text += " This rests on paired evidence: \(names(ratios.map(\.setting))) paired in time with \(NumberFormat.bytes(reference.maxSize)) (rows below)."
            }
            let rest = uncovered
            if !rest.isEmpty {
                text += " \(names(rest)) \(rest.count == 1 ? "has" : "have") no paired ratio against \(NumberFormat.bytes(reference.maxSize)) and \(rest.count == 1 ? "was" : "were") judged by the runs' samples."
                text += failureText
            }
            return text
        }
    }

    /// The paired rows under a group's explanation, as measured (ratio: first over second).
    static func pairedRows(_ g: Group) -> String {
        guard !g.pairs.isEmpty else { return "" }
        var out = "Paired comparisons:\n\n"
        for c in g.pairs {
            out += "- max \(NumberFormat.bytes(c.head)) vs max \(NumberFormat.bytes(c.base)): "
            if let e = c.estimate {
                out += "ratio \(Comparison.ratioText(e)), \(c.pairs) pairs in \(c.sessions) sessions"
                out += e.upper < 1 ? " (faster)" : e.lower > 1 ? " (slower)" : " (not resolved)"
            } else {
                out += "not compared: \(c.missing ?? "no estimate")"
            }
            out += "\n"
        }
        return out + "\n"
    }

    /// The paired method, said once under the tables.
    static let pairedMethod = "Paired rows: max X vs max Y is X's ns/op over Y's (below 1: X is faster), measured as make compare measures two builds: "
        + "both settings run in this build's `fragbench worker` processes pinned to one CPU, alternating single samples A A B B / B B A A (the first of each turn re-warms and is not used), "
        + "so a burst on the machine falls on both samples of a pair; in sessions with fresh worker processes, the ratio is the geometric mean of the sessions' median pair ratios with a Student-t 95% interval over the sessions. "
        + "Where such a ratio exists between a setting and the reference, it decides whether they are separable (its interval excludes 1) instead of the runs' samples, and the refusal on unstable or wide run intervals does not apply to that setting.\n"

    /// The tune.csv fields of one setting: its paired ratio against the group's reference.
    static func pairedFields(_ s: Setting, _ g: Group) -> [String] {
        guard let reference = g.reference, s.maxSize != reference,
              let c = TuningPairs.comparison(g.pairs, s.maxSize, reference),
              let e = TuningPairs.estimate(g.pairs, head: s.maxSize, base: reference) else { return ["", "", "", "", "", ""] }
        return [String(reference), NumberFormat.fixed(e.ratio, 4), NumberFormat.fixed(e.lower, 4), NumberFormat.fixed(e.upper, 4),
                String(c.pairs), String(c.sessions)]
    }

    static let pairedColumns = ["paired_reference_max_size", "paired_ratio", "paired_ci_lower", "paired_ci_upper",
                                "paired_pairs", "paired_sessions"]
}

extension TuningPairs {
    /// What the notes say about the paired phase, so a re-analysis (`--from`) says the same.
    public var note: String {
        if budgetSeconds == 0 {
            return "Paired phase off (--pair-budget 0): settings are separated by their runs' samples only (Welch test, else non-overlapping intervals)."
        }
        let made = comparisons.filter { $0.estimate != nil }.count
        var text = "Paired phase: in each group, every candidate within the objective was paired in time with the reference (the nominally fastest; "
            + "a candidate a paired ratio resolved faster became the reference, at most \(maxReferenceChanges) times), "
            + "for up to \(NumberFormat.fixed(budgetSeconds, budgetSeconds == budgetSeconds.rounded() ? 0 : 1)) s per comparison "
            + "(at least \(minSessions) sessions, \(NumberFormat.fixed(sampleMs, sampleMs == sampleMs.rounded() ? 0 : 2)) ms samples, stopping once the interval is narrower than \(NumberFormat.fixed(thresholdPercent, thresholdPercent == thresholdPercent.rounded() ? 0 : 1))%): "
            + "\(made) of \(comparisons.count) comparison(s) gave a ratio."
        if interrupted { text += " Interrupted (Ctrl-C): the comparisons not made leave their settings to the runs' samples." }
        return text
    }
}
