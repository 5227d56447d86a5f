/// The machine's speed state during each process of a run, told by the noise canary.
///
/// Why: the shared VMs this lab runs on switch between two speed states about 18% apart
/// (contention in the memory system from outside the VM: memory-bound and atomic work slows,
/// pure arithmetic does not), on a scale of seconds. A process that ran wholly in the slow state
/// sees nothing wrong from inside: its canary's baseline (a low quantile of its own readings) is
/// slow too, so none of its samples is marked disturbed. Against the other processes of the same
/// run it stands out: per-process baselines read 7.03-7.10 ns/step in one state and 8.15-8.45 in
/// the other (Intel Xeon VM, issue 21), a gap far wider than the spread within a state.
///
/// The canary times a fixed loop of our own, not the code under test, so a slower build is never
/// taken for a slower machine: a regression shows in the paired compare and the exact gate, and
/// leaves the canary where it was.
public enum SpeedState: String, Sendable, Equatable, Codable {
    case fast
    case slow
}

public struct SpeedStates: Sendable, Equatable {
    /// A process whose canary baseline is more than this fraction above the fastest process's
    /// ran in the slow state. 8%: between the within-state spread of baselines (about 1%) and
    /// the gap between the states (15-18%).
    public static let gap = 0.08
    /// The fast state must have at least this many processes for the estimate to come from it
    /// alone: fewer cannot give a between-process interval worth the name.
    public static let minimumVisits = 3

    /// Per process, in order; nil where the process had no canary baseline.
    public let states: [SpeedState?]
    /// The fastest process's canary baseline, ns per step.
    public let fastLevel: Double?
    /// The slow processes' median baseline over `fastLevel` (> 1), nil without slow processes.
    public let slowFactor: Double?

    /// Classifies processes by their canary baselines (ns per step).
    public init(baselines: [Double?]) {
        let valid = baselines.compactMap { $0 }.filter { $0 > 0 && $0.isFinite }
        guard let fastest = valid.min() else {
            states = baselines.map { _ in nil }
            fastLevel = nil
            slowFactor = nil
            return
        }
        let states: [SpeedState?] = baselines.map { b in
            guard let b, b > 0, b.isFinite else { return nil }
            return b > fastest * (1 + Self.gap) ? .slow : .fast
        }
        self.states = states
        fastLevel = fastest
        let slow = zip(baselines, states).compactMap { b, s in s == .slow ? b : nil }
        slowFactor = Statistics.median(slow).map { $0 / fastest }
    }

    public var fastCount: Int { states.filter { $0 == .fast }.count }
    public var slowCount: Int { states.filter { $0 == .slow }.count }

    /// Which state the estimate comes from: the fast one when it has enough processes (or when
    /// every process ran in it), else the slow one, which then holds most of the run.
    public var estimatedFrom: SpeedState {
        fastCount >= Self.minimumVisits || slowCount == 0 ? .fast : .slow
    }

    /// Per process: whether its samples feed the estimate (a process without a baseline does:
    /// nothing says it ran slow).
    public var used: [Bool] {
        let from = estimatedFrom
        return states.map { $0 == nil || $0 == from }
    }

    /// One line for the report, nil when every process ran in one state.
    public var summary: String? {
        guard slowCount > 0, let slowFactor else { return nil }
        let slower = formatFixed((slowFactor - 1) * 100, digits: 0)
        let total = states.count
        switch estimatedFrom {
        case .fast:
            return "\(slowCount) of \(total) processes ran \(slower)% slow by the canary (the machine's slow state) and were left out of the estimates"
        case .slow:
            return "only \(fastCount) of \(total) processes ran in the machine's fast state (the other \(slowCount) ran \(slower)% slow by the canary): the estimates come from the slow ones, and their intervals reach down by that much"
        }
    }
}
