import Foundation

/// `tune`'s paired evidence: max sizes of one group compared by samples paired in time (the
/// estimator of `make compare`). Separate runs on a shared machine drift apart by more than
/// the differences between max sizes; pairing puts a burst on both sides of a pair, so its
/// interval resolves what the runs' intervals cannot. Kept as paired.json beside points.json,
/// so `tune --from` re-analyses without measuring.
public struct TuningPairs: Sendable, Equatable, Codable {
    /// One comparison in one group: head's ns/op over base's.
    public struct Comparison: Sendable, Equatable, Codable {
        /// `Tuning.Group.key` of the group both settings belong to.
        public var group: String
        public var workload: String
        public var pageSize: Int
        /// Max sizes: base is the reference the head was paired against.
        public var base: Int
        public var head: Int
        /// head/base with its 95% interval over sessions; nil when `missing` says why.
        public var estimate: RatioEstimate?
        /// Pairs taken and sessions run (all of them, as `make compare` counts them).
        public var pairs: Int
        public var sessions: Int
        /// The pairer's own note (disturbed pairs, resolution).
        public var note: String?
        /// Why there is no estimate: a worker failed, too few pairs, interrupted.
        public var missing: String?

        public init(group: String, workload: String, pageSize: Int, base: Int, head: Int, estimate: RatioEstimate? = nil,
                    pairs: Int = 0, sessions: Int = 0, note: String? = nil, missing: String? = nil) {
            self.group = group
            self.workload = workload
            self.pageSize = pageSize
            self.base = base
            self.head = head
            self.estimate = estimate
            self.pairs = pairs
            self.sessions = sessions
            self.note = note
            self.missing = missing
        }

        func joins(_ a: Int, _ b: Int) -> Bool { (base == a && head == b) || (base == b && head == a) }
    }

    public static let formatName = "fragbench-tune-paired"
    public static let formatVersion = 1

    public var format = TuningPairs.formatName
    public var version = TuningPairs.formatVersion
    /// Seconds per comparison; 0: the paired phase was off (`--pair-budget 0`).
    public var budgetSeconds: Double
    public var minSessions: Int
    public var minPairs: Int
    public var sampleMs: Double
    /// Sampling of a comparison stops once its interval is narrower than this (percent).
    public var thresholdPercent: Double
    /// How often the measurement moved the reference to a candidate resolved faster, at most.
    public var maxReferenceChanges: Int
    /// Ctrl-C stopped the paired phase: comparisons not made leave their settings to the runs.
    public var interrupted: Bool
    public var comparisons: [Comparison]

    public init(budgetSeconds: Double, minSessions: Int, minPairs: Int, sampleMs: Double, thresholdPercent: Double,
                maxReferenceChanges: Int, interrupted: Bool = false, comparisons: [Comparison] = []) {
        self.budgetSeconds = budgetSeconds
        self.minSessions = minSessions
        self.minPairs = minPairs
        self.sampleMs = sampleMs
        self.thresholdPercent = thresholdPercent
        self.maxReferenceChanges = maxReferenceChanges
        self.interrupted = interrupted
        self.comparisons = comparisons
    }

    public func comparisons(group: String) -> [Comparison] { comparisons.filter { $0.group == group } }
}

extension TuningPairs {
    /// The comparison of two max sizes in either direction; a successful one over a failed one,
    /// then the latest.
    public static func comparison(_ comparisons: [Comparison], _ a: Int, _ b: Int) -> Comparison? {
        let between = comparisons.filter { $0.joins(a, b) }
        return between.last { $0.estimate != nil } ?? between.last
    }

    /// head's ns/op over base's, from a comparison in either direction: one measured the other
    /// way round is inverted (its interval too).
    public static func estimate(_ comparisons: [Comparison], head: Int, base: Int) -> RatioEstimate? {
        guard let c = comparison(comparisons, head, base), let e = c.estimate else { return nil }
        if c.head == head { return e }
        return RatioEstimate(ratio: 1 / e.ratio, lower: 1 / e.upper, upper: 1 / e.lower, rounds: e.rounds, method: e.method)
    }

    /// The settings a decision moves through: from the nominally fastest candidate to the
    /// candidate a paired ratio resolves faster than it (the fastest of several), and on from
    /// there while the evidence leads to one not yet visited. The last one is the reference.
    /// The measurement (`tune`) and the analysis both follow it, so `--from` reaches the same
    /// reference the measurement paired against.
    public static func referencePath(from start: Int, candidates: [Int], _ comparisons: [Comparison]) -> [Int] {
        var path = [start]
        while let current = path.last {
            let faster = candidates.filter { !path.contains($0) }.compactMap { c -> (Int, Double)? in
                guard let e = estimate(comparisons, head: c, base: current), e.upper < 1 else { return nil }
                return (c, e.ratio)
            }
            guard let next = faster.min(by: { ($0.1, $0.0) < ($1.1, $1.0) }) else { break }
            path.append(next.0)
        }
        return path
    }
}
