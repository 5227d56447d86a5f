/// Which counters a run uses, as chosen on the command line.
public enum CounterMode: String, Sendable, CaseIterable {
    /// callgrind if running under valgrind, else PMU if any hardware event
    /// opens, else software events + TSC.
    case auto
    /// Hardware counters (plus software events).
    case pmu
    /// Kernel software events + TSC; works in VMs without a PMU.
    case software
    /// valgrind callgrind simulation; requires running under valgrind.
    case callgrind
    /// Timing only (TSC + CLOCK_MONOTONIC).
    case none
}

/// The backend actually in use, which can differ from the requested mode.
public enum ResolvedBackend: String, Sendable, Equatable {
    case pmu
    case software
    case callgrind
    case none
}

/// The decision and, always, why: a report must say why it has no cache
/// misses rather than silently printing fewer columns.
public struct BackendChoice: Sendable, Equatable {
    public let requested: CounterMode
    public let backend: ResolvedBackend
    public let reason: String

    public init(requested: CounterMode, backend: ResolvedBackend, reason: String) {
        self.requested = requested
        self.backend = backend
        self.reason = reason
    }

    /// The pure decision rule. Never fails: an unavailable explicit request
    /// degrades to the best working backend and says so in `reason`.
    ///
    /// - Parameters:
    ///   - hardwareOpened: hardware events that opened.
    ///   - hardwareFailure: a summary of why hardware events failed.
    ///   - softwareOpened: software events that opened.
    ///   - onValgrind: whether this process runs under valgrind.
    ///   - reexecCommand: how to get callgrind counts if not under valgrind.
    public static func decide(mode: CounterMode, hardwareOpened: Int, hardwareFailure: String?,
                              softwareOpened: Int, onValgrind: Bool, reexecCommand: String?) -> BackendChoice {
        let hwWhyNot = hardwareFailure ?? "no hardware events were requested"
        let fallback: (ResolvedBackend, String) = softwareOpened > 0
            ? (.software, "software events + TSC")
            : (.none, "TSC + CLOCK_MONOTONIC timing only (software events did not open either)")
        switch mode {
        case .none:
            return .init(requested: mode, backend: .none, reason: "counters disabled by request; timing only")
        case .callgrind:
            if onValgrind {
                return .init(requested: mode, backend: .callgrind,
                             reason: "running under valgrind; callgrind instruments the measured region only")
            }
            let how = reexecCommand.map { "; use: \($0)" } ?? "; valgrind is not on PATH"
            return .init(requested: mode, backend: fallback.0,
                         reason: "callgrind requested but not running under valgrind\(how); using \(fallback.1)")
        case .pmu:
            if hardwareOpened > 0 {
                return .init(requested: mode, backend: .pmu, reason: "\(hardwareOpened) hardware event(s) opened")
            }
            return .init(requested: mode, backend: fallback.0,
                         reason: "pmu requested but no hardware event opened (\(hwWhyNot)); using \(fallback.1)")
        case .software:
            if softwareOpened > 0 {
                return .init(requested: mode, backend: .software, reason: "software events + TSC by request")
            }
            return .init(requested: mode, backend: .none,
                         reason: "software requested but no software event opened; timing only")
        case .auto:
            if onValgrind {
                return .init(requested: mode, backend: .callgrind,
                             reason: "running under valgrind: PMU and timings are meaningless there, callgrind counts are exact")
            }
            if hardwareOpened > 0 {
                return .init(requested: mode, backend: .pmu,
                             reason: "\(hardwareOpened) hardware event(s) opened")
            }
            return .init(requested: mode, backend: fallback.0,
                         reason: "no hardware event opened (\(hwWhyNot)); using \(fallback.1)")
        }
    }
}
