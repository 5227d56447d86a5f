import Foundation

/// Turning a sweep over PAGE_FRAG_CACHE_MAX_SIZE into a decision: per workload and page size,
/// the speed/memory frontier and a recommendation under a stated objective, saying when the
/// data cannot separate two settings.
public enum Tuning {
    public enum Objective: Sendable, Equatable {
        /// The fastest setting whose peak pinned memory is within `slack` (0.25 = 25%) of the
        /// smallest.
        case fastestWithin(slack: Double)
        /// The fastest setting, whatever it pins.
        case fastest
        /// The setting that pins least; among equals, the fastest.
        case smallest

        public static let `default` = Objective.fastestWithin(slack: 0.25)

        public var text: String {
            switch self {
            case .fastestWithin(let slack):
                return "the fastest setting whose peak pinned memory is within \(NumberFormat.fixed(slack * 100, 0))% of the smallest"
            case .fastest: return "the fastest setting, whatever memory it pins"
            case .smallest: return "the setting that pins the least memory (the fastest among equals)"
            }
        }
    }

    public struct Setting: Sendable, Equatable {
        public var point: BenchPoint
        public var maxSize: Int { point.maxSize }
        public var nsPerOp: Double
        /// 95% interval of ns/op: the estimate's own interval when the run recorded one
        /// (schema 3), else from the samples (geometric mean, t-interval on logs) when stored,
        /// else median ± err%.
        public var lower: Double
        public var upper: Double
        public var intervalSource: String
        public var pinned: Int?
        public var onFrontier: Bool

        init(_ p: BenchPoint) {
            point = p
            nsPerOp = p.nsPerOp ?? .nan
            if let interval = p.nsPerOpInterval {
                lower = min(interval.low, nsPerOp)
                upper = max(interval.high, nsPerOp)
                intervalSource = "estimate"
            } else if let samples = p.sampleNsPerOp, let level = RatioEstimate.level(samples) {
                lower = min(level.lower, nsPerOp)
                upper = max(level.upper, nsPerOp)
                intervalSource = "samples"
            } else {
                let e = (p.errPct ?? 0) / 100
                lower = nsPerOp * (1 - e)
                upper = nsPerOp * (1 + e)
                intervalSource = "err%"
            }
            pinned = p.peakPinnedBytes
            onFrontier = false
        }
    }

    public struct Group: Sendable, Equatable {
        /// What identifies the group among others (workload, implementation, page size, fragsz,
        /// parameters): paired.json names groups by it.
        public var key: String
        public var workload: String
        public var pageSize: Int
        /// Other settings that define the group (fragsz, distribution, …), for the heading.
        public var detail: String
        public var settings: [Setting]
        public var recommended: Int?
        /// Settings the data cannot tell apart from the recommended one (within the budget).
        public var inseparable: [Int]
        public var explanation: String
        /// Max sizes within the objective, and the nominally fastest of them (by the runs' ns/op).
        public var candidates: [Int] = []
        public var nominalBest: Int?
        /// The setting the others are judged against: the nominally fastest, or the one paired
        /// evidence resolved faster (`TuningPairs.referencePath`).
        public var reference: Int?
        /// This group's paired comparisons (empty without a paired phase).
        public var pairs: [TuningPairs.Comparison] = []

        /// The group's points' `fragbench list` name with the max size as `*`.
        public var namePattern: String {
            settings.first.map { $0.point.namePattern(varying: [.maxSize]) } ?? "\(workload)/page:\(pageSize)/max:*"
        }
    }

    /// Whether the data resolve a speed difference between two settings: a paired ratio
    /// between them when there is one (its interval excludes 1), else their runs' samples.
    public static func separable(_ a: Setting, _ b: Setting, pairs: [TuningPairs.Comparison]) -> Bool {
        if let e = TuningPairs.estimate(pairs, head: a.maxSize, base: b.maxSize) { return e.isResolved }
        return separable(a, b)
    }

    /// Whether two runs' samples (Welch), or else their intervals, resolve a speed difference.
    public static func separable(_ a: Setting, _ b: Setting) -> Bool {
        if let sa = a.point.sampleNsPerOp, let sb = b.point.sampleNsPerOp, let e = RatioEstimate.welch(a: sa, b: sb) {
            return e.isResolved
        }
        return a.upper < b.lower || b.upper < a.lower
    }

    /// The widest interval (upper / lower) a setting may have and still take part in a choice:
    /// wider, and ns/op is not known to within ±15% or so.
    public static let widestInterval = 1.35

    /// Why the data cannot support a choice, or nil when they can: a candidate judged by its
    /// run (`judged`: those without paired evidence) unstable or with an interval too wide to
    /// rank it. A paired interval is evidence of its own, whatever the runs' spread.
    static func unsupported(_ judged: [Setting], of candidateCount: Int, paired: Bool) -> String? {
        let unstable = judged.filter(\.point.unstable)
        let wide = judged.filter { $0.lower > 0 && $0.upper / $0.lower > widestInterval }
        guard !unstable.isEmpty || !wide.isEmpty else { return nil }
        var parts: [String] = []
        if !unstable.isEmpty {
            let which = paired ? "setting(s) within the objective without paired evidence" : "setting(s) within the objective"
            parts.append("\(unstable.count) of the \(candidateCount) \(which) \(unstable.count == 1 && paired ? "is" : "are") unstable (sample spread above 5%)")
        }
        if let widest = wide.max(by: { $0.upper / $0.lower < $1.upper / $1.lower }) {
            parts.append("ns/op intervals are as wide as \(NumberFormat.significant(widest.lower))–\(NumberFormat.significant(widest.upper)) (max size \(NumberFormat.bytes(widest.maxSize)))")
        }
        return parts.joined(separator: "; ") + "."
    }

    /// Per workload and page size (and every other setting but the max size): the frontier and
    /// a decision. `pairs`: the paired phase's evidence (paired.json), when there was one.
    public static func analyse(_ points: [BenchPoint], objective: Objective = .default, pairs: TuningPairs? = nil) -> [Group] {
        var groups: [String: [BenchPoint]] = [:]
        var order: [String] = []
        for p in points where p.nsPerOp != nil {
            let key = groupKey(p)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(p)
        }
        return order.compactMap { key in
            guard let members = groups[key], let first = members.first else { return nil }
            return group(members, first: first, key: key, objective: objective, pairs: pairs?.comparisons(group: key) ?? [])
        }
    }

    /// Everything that defines a point but its max size.
    public static func groupKey(_ p: BenchPoint) -> String {
        [p.workload, p.impl, p.variant, String(p.pageSize), p.fragsz.map(String.init) ?? "-", String(p.align),
         p.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")].joined(separator: "|")
    }

    static func group(_ points: [BenchPoint], first: BenchPoint, key: String, objective: Objective,
                      pairs: [TuningPairs.Comparison]) -> Group {
        var settings = points.sorted { $0.maxSize < $1.maxSize }.map(Setting.init)
        // The frontier: no other setting is at least as fast with no more memory (and better in one).
        for i in settings.indices {
            let s = settings[i]
            guard let pinned = s.pinned else { continue }
            settings[i].onFrontier = !settings.contains { t in
                guard let tp = t.pinned else { return false }
                return tp <= pinned && t.nsPerOp <= s.nsPerOp && (tp < pinned || t.nsPerOp < s.nsPerOp)
            }
        }
        var detail: [String] = []
        if let f = first.fragsz { detail.append(first.workload == "prepare-commit" ? "messages of \(f) B" : "fragsz \(f)") }
        if let d = first.parameters["distribution"] { detail.append("sizes \(d)") }
        if first.parameters["prepare"] == "1" { detail.append("prepare/commit") }
        if let fraction = first.parameters["pressure_fraction"] {
            detail.append("\(fraction) of the arena fragmented to order \(first.parameters["pressure_order"] ?? "?")")
        }
        if let fraction = first.parameters["fragment_fraction"] {
            detail.append("arena fragmented: \(fraction) of it, free blocks up to order \(first.parameters["fragment_order"] ?? "?")")
        }
        if first.align > 1 { detail.append("align \(first.align)") }
        if first.impl != "swift" { detail.append(first.impl) }
        var result = Group(key: key, workload: first.workload, pageSize: first.pageSize, detail: detail.joined(separator: ", "),
                           settings: settings, recommended: nil, inseparable: [], explanation: "")
        result.pairs = pairs
        // Every setting decided on has its pinned memory; `pinned` only orders them.
        let measured = settings.filter { $0.nsPerOp.isFinite && $0.pinned != nil }
        let pinned = { (s: Setting) in s.pinned ?? Int.max }
        guard let minPinned = measured.compactMap(\.pinned).min() else {
            result.explanation = "No setting has both ns/op and peak pinned memory: no recommendation."
            return result
        }
        let candidates: [Setting]
        switch objective {
        case .fastestWithin(let slack):
            candidates = measured.filter { Double(pinned($0)) <= Double(minPinned) * (1 + slack) }
        case .fastest:
            candidates = measured
        case .smallest:
            candidates = measured.filter { pinned($0) == minPinned }
        }
        guard let best = candidates.min(by: { ($0.nsPerOp, pinned($0), $0.maxSize) < ($1.nsPerOp, pinned($1), $1.maxSize) }) else {
            result.explanation = "No candidate setting."
            return result
        }
        result.candidates = candidates.map(\.maxSize)
        result.nominalBest = best.maxSize
        let path = TuningPairs.referencePath(from: best.maxSize, candidates: result.candidates, pairs)
        let reference = candidates.first { $0.maxSize == path.last } ?? best
        result.reference = reference.maxSize
        let evidence = PairedEvidence(reference: reference, candidates: candidates, pairs: pairs)
        // Judged by its run: a candidate without a paired ratio against the reference, and the
        // reference itself unless every other candidate has one.
        // A sole candidate is the choice whatever its ns/op: no speed ranking, so no refusal
        // for noise (prepare-commit on 4K pages: only 4 KiB fits 25% of the smallest memory).
        let judged = candidates.count == 1 ? [] : candidates.filter { $0.maxSize == reference.maxSize ? !evidence.coversAll : !evidence.covers($0) }
        if let why = unsupported(judged, of: candidates.count, paired: !evidence.ratios.isEmpty) {
            result.explanation = "**No recommendation: the data cannot support one.** \(why)\(evidence.failureText) Measure again on a quiet machine (longer samples: --min-sample-ms), then decide."
            return result
        }
        if let contradiction = evidence.contradiction(path: path, settings: settings) {
            result.explanation = contradiction
            return result
        }
        let tied = evidence.others.filter { !separable($0, reference, pairs: pairs) }
        // Among settings the data cannot tell apart, the one that pins least (then the smaller max size).
        let choice = ([reference] + tied).min { (pinned($0), $0.maxSize) < (pinned($1), $1.maxSize) } ?? reference
        result.recommended = choice.maxSize
        result.inseparable = tied.map(\.maxSize).filter { $0 != choice.maxSize } + (choice.maxSize != reference.maxSize ? [reference.maxSize] : [])
        result.inseparable.sort()
        let size = { (s: Setting) in NumberFormat.bytes(s.maxSize) }
        var text = "**Recommendation: PAGE_FRAG_CACHE_MAX_SIZE = \(size(choice))** (\(NumberFormat.significant(choice.nsPerOp)) ns/op, pins \(NumberFormat.bytes(choice.pinned)))."
        text += evidence.pathText(path, settings: settings)
        if !tied.isEmpty {
            let names = ([reference] + tied).sorted { $0.maxSize < $1.maxSize }.map(size).joined(separator: ", ")
            text += " The data cannot separate \(names): \(evidence.tieReason(tied)), so the one that pins least is recommended"
            let role = path.count > 1 ? "reference" : "nominally fastest"
            text += choice.maxSize != reference.maxSize ? " (the \(role) is \(size(reference)), \(NumberFormat.significant(reference.nsPerOp)) ns/op)." : "."
        }
        text += evidence.basisText
        // Settings outside the budget were never paired with the choice: their runs' ns/op
        // stand in the table, and no claim is made about them here (separate runs on a shared
        // machine drift apart by more than max sizes differ).
        let outside = measured.filter { s in !candidates.contains { $0.maxSize == s.maxSize } }
        if !outside.isEmpty {
            text += " \(outside.map(size).joined(separator: ", ")) pin\(outside.count == 1 ? "s" : "") more than the objective allows and \(outside.count == 1 ? "was" : "were") not paired with it: \(outside.count == 1 ? "its" : "their") ns/op is not compared with the recommendation's."
        }
        if candidates.count == 1 && measured.count > 1 {
            text += " Only this setting meets the memory budget."
            if choice.point.unstable || choice.lower > 0 && choice.upper / choice.lower > widestInterval {
                text += " Its ns/op is noisy (unstable or a wide interval), which does not affect the choice: no ranking was needed."
            }
        } else if let why = unstableButSound(settings, candidates: candidates, evidence: evidence) {
            text += " " + why
        }
        result.explanation = text
        return result
    }

    /// Why a recommendation stands beside settings flagged unstable, or nil when none is.
    /// Only candidates with paired evidence can be unstable here (`unsupported` refuses the
    /// others), and a paired ratio alternates the two settings sample by sample, so both see
    /// the same speed states of the machine: the runs' spread does not reach it.
    static func unstableButSound(_ settings: [Setting], candidates: [Setting], evidence: PairedEvidence) -> String? {
        let unstable = settings.filter(\.point.unstable)
        guard !unstable.isEmpty else { return nil }
        let names = { (s: [Setting]) in s.map { NumberFormat.bytes($0.maxSize) }.joined(separator: ", ") }
        let inBudget = unstable.filter { s in candidates.contains { $0.maxSize == s.maxSize } }
        let outside = unstable.filter { s in !candidates.contains { $0.maxSize == s.maxSize } }
        var parts: [String] = []
        if !inBudget.isEmpty {
            parts.append("\(names(inBudget)) \(inBudget.count == 1 ? "is" : "are") flagged unstable (⚠: \(inBudget.count == 1 ? "its run's" : "their runs'") samples spread above 5%), yet the recommendation stands: it rests on paired ratios, which alternate the two settings sample by sample so that both meet the same speed states of the machine, and the runs' spread does not enter them")
        }
        if !outside.isEmpty {
            parts.append("\(names(outside)) (⚠) \(outside.count == 1 ? "lies" : "lie") outside the memory budget and take\(outside.count == 1 ? "s" : "") no part in the choice")
        }
        return parts.joined(separator: "; ") + "."
    }

    // MARK: Output

    public static func markdown(_ groups: [Group], objective: Objective, charts: [ChartFile], provenance: Provenance?,
                                notes: [String]) -> String {
        var out = "# FragBench tune: PAGE_FRAG_CACHE_MAX_SIZE\n\n"
        out += "Objective: \(objective.text). When the data cannot separate settings, the one that pins least is recommended.\n\n"
        if let p = provenance {
            out += "Measured at \(p.gitCommit.map { String($0.prefix(12)) } ?? "unknown commit")\(p.gitDirty == true ? " (dirty)" : ""), \(p.buildConfiguration), \(p.cpuModel ?? "unknown CPU"), kernel \(p.kernel ?? "unknown"), \(p.date)\(p.quick ? ", QUICK samples" : "").\n\n"
        }
        for note in notes { out += "- \(note)\n" }
        if !notes.isEmpty { out += "\n" }
        out += "## Recommendations\n\n| points | recommended max size | cannot be separated from |\n|---|---:|---|\n"
        for g in groups {
            out += "| `\(g.namePattern)` | "
            out += "\(g.recommended.map { NumberFormat.bytes($0) } ?? "none: data too noisy or incomplete") | \(g.inseparable.isEmpty ? "—" : g.inseparable.map { NumberFormat.bytes($0) }.joined(separator: ", ")) |\n"
        }
        out += "\n"
        for g in groups {
            out += "## \(g.workload), \(NumberFormat.bytes(g.pageSize)) pages\(g.detail.isEmpty ? "" : " (\(g.detail))")\n\n"
            out += "| point | max size | ns/op | 95% interval | peak pinned | waste% | high-order failures | refills/1k op | frontier |\n"
            out += "|---|---:|---:|---:|---:|---:|---:|---:|:---:|\n"
            for s in g.settings {
                let mark = s.maxSize == g.recommended ? " ◀" : ""
                let failures = s.point.highOrderFailureRate.map { NumberFormat.fixed($0 * 100, 1) + "%" } ?? "—"
                out += "| \(s.point.name) | \(NumberFormat.bytes(s.maxSize))\(mark) | \(NumberFormat.significant(s.nsPerOp))\(s.point.unstable ? " ⚠" : "") | "
                out += "\(NumberFormat.significant(s.lower))–\(NumberFormat.significant(s.upper)) | \(NumberFormat.bytes(s.pinned).isEmpty ? "—" : NumberFormat.bytes(s.pinned)) | "
                out += "\(NumberFormat.significant(s.point.wastePct).isEmpty ? "—" : NumberFormat.significant(s.point.wastePct)) | \(failures) | "
                out += "\(NumberFormat.significant(s.point.refillsPerKop).isEmpty ? "—" : NumberFormat.significant(s.point.refillsPerKop)) | \(s.onFrontier ? "yes" : "") |\n"
            }
            out += "\n" + g.explanation + "\n\n"
            out += pairedRows(g)
            if let chart = charts.first(where: { $0.file == chartFile(g.workload, detail: g.detail) }) {
                if !out.contains("(\(chart.file))") { out += "![\(chart.title)](\(chart.file))\n\n" }
            }
        }
        out += columnNotes(groups)
        if groups.contains(where: { !$0.pairs.isEmpty }) { out += "\n" + pairedMethod }
        return out
    }

    /// What each column of the tables means, in the tables' order, said once for the file;
    /// then the rule a recommendation follows.
    static func columnNotes(_ groups: [Group]) -> String {
        // One estimator description for the file: the family, without each point's counts.
        let settings = groups.flatMap(\.settings)
        var families: [String] = []
        for s in settings where !families.contains(s.point.estimatorFamily) { families.append(s.point.estimatorFamily) }
        // The estimator proper (what follows its first "; " is about the interval, the next
        // line's subject); where points fell back to another, how many did.
        let estimators = families.map { family -> String in
            let head = family.components(separatedBy: "; ").first ?? family
            let count = settings.filter { $0.point.estimatorFamily == family }.count
            return families.count == 1 ? head : "\(head) (\(count) setting\(count == 1 ? "" : "s"))"
        }
        var out = "Columns:\n\n"
        out += "- point: the setting's point as `fragbench list` names it; max size: its PAGE_FRAG_CACHE_MAX_SIZE (◀ recommended).\n"
        out += "- ns/op: the run's estimate, the \(estimators.isEmpty ? BenchPoint.legacyEstimator : estimators.joined(separator: "; or the ")) (⚠: unstable, the samples spread above 5%).\n"
        out += "- 95% interval: the estimate's interval where the run recorded one (where another run should land), else a 95% t-interval of the samples' geometric mean (or ns/op ± err% where samples were not stored).\n"
        out += "- peak pinned: the most bytes of pages held at once by outstanding fragments and the cache.\n"
        out += "- waste%: alignment padding and abandoned page tails, as a share of the bytes handed out.\n"
        out += "- high-order failures: refills whose high-order allocation failed and fell back to a single page, as a share of refills.\n"
        out += "- refills/1k op: page refills per 1000 operations (for prepare-commit, per 1000 messages).\n"
        out += "- frontier: no other setting is at least as fast while pinning no more memory.\n\n"
        out += "A recommendation needs every setting within the objective stable, with an interval whose upper end is within \(NumberFormat.fixed(widestInterval, 2)) times its lower end, unless a paired ratio against the reference judges it; otherwise tune says so instead of recommending.\n"
        return out
    }

    public static let csvColumns = ["name", "workload", "page_size", "detail", "max_size", "ns_per_op", "ci_lower", "ci_upper",
                                    "interval_source", "err_pct", "peak_pinned_bytes", "waste_pct", "high_order_failure_rate",
                                    "refills_per_kop", "fallbacks", "on_frontier", "recommended", "inseparable_from_recommended"]
        + pairedColumns

    public static func csv(_ groups: [Group]) -> String {
        CSV.document(columns: csvColumns, rows: groups.flatMap { g in
            g.settings.map { s in
                [
                    s.point.name, g.workload, String(g.pageSize), g.detail, String(s.maxSize), NumberFormat.fixed(s.nsPerOp, 3),
                    NumberFormat.fixed(s.lower, 3), NumberFormat.fixed(s.upper, 3), s.intervalSource,
                    NumberFormat.fixed(s.point.errPct, 2), NumberFormat.integer(s.pinned), NumberFormat.fixed(s.point.wastePct, 3),
                    NumberFormat.fixed(s.point.highOrderFailureRate, 4), NumberFormat.fixed(s.point.refillsPerKop, 3),
                    NumberFormat.integer(s.point.fallbacks), s.onFrontier ? "1" : "0", s.maxSize == g.recommended ? "1" : "0",
                    g.inseparable.contains(s.maxSize) ? "1" : "0",
                ] + pairedFields(s, g)
            }
        })
    }

    static func chartFile(_ workload: String, detail: String) -> String {
        "tune-" + RunCharts.slug(workload + (detail.isEmpty ? "" : "-" + detail)) + ".svg"
    }

    /// One frontier chart per workload (and detail): ns/op against peak pinned memory, one
    /// series per page size, each point labelled with its max size, the recommendations ringed.
    public static func charts(_ groups: [Group], objective: Objective) -> [ChartFile] {
        var byWorkload: [String: [Group]] = [:]
        var order: [String] = []
        for g in groups {
            let key = chartFile(g.workload, detail: g.detail)
            if byWorkload[key] == nil { order.append(key) }
            byWorkload[key, default: []].append(g)
        }
        return order.compactMap { file in
            guard let gs = byWorkload[file], let g = gs.first else { return nil }
            let series = gs.map { g in
                // Not joined: the points are settings, not a curve (joined in max-size order on a
                // memory axis they zigzag).
                Chart.Series(name: "\(NumberFormat.bytes(g.pageSize)) pages", points: g.settings.compactMap { s in
                    guard let pinned = s.pinned, s.nsPerOp.isFinite else { return nil }
                    return Chart.Point(x: Double(pinned), y: s.nsPerOp, yLow: s.lower, yHigh: s.upper,
                                       label: "max " + NumberFormat.bytes(s.maxSize), highlight: s.maxSize == g.recommended,
                                       flagged: s.point.unstable)
                }, connect: false)
            }
            let title = "\(g.workload): speed against memory by max size"
            // The points' names, the axes the chart spans as `*` (page size: one series each).
            let varying: Set<BenchPoint.NameAxis> = Set(gs.map(\.pageSize)).count > 1 ? [.maxSize, .pageSize] : [.maxSize]
            let pattern = g.settings.first.map { $0.point.namePattern(varying: varying) }
            let chart = Chart(
                title: title, subtitle: pattern,
                x: Chart.Axis(title: "peak pinned memory", scale: .log2, units: .bytes),
                y: Chart.Axis(title: "ns per operation"),
                series: series, highlightLegend: "recommended", flaggedLegend: "unstable",
                footnote: "Lower left is better. Objective: \(objective.text).")
            return ChartFile(file: file, title: title, svg: chart.svg())
        }
    }
}
