/// Where a figure came from. Reports print it next to every number, because
/// a simulated cache miss and a PMU cache miss are not the same quantity.
public enum CounterSource: String, Sendable, Equatable, CaseIterable {
    /// A hardware performance counter read through perf_event_open.
    case pmu
    /// A kernel software event (task-clock, page-faults, ...).
    case softwareEvent = "software event"
    /// The time stamp counter.
    case tsc
    /// CLOCK_MONOTONIC.
    case monotonicClock = "CLOCK_MONOTONIC"
    /// valgrind's callgrind cache/branch simulation.
    case callgrind = "callgrind simulation"
}

/// One named figure, or the reason it is missing. An unavailable counter has
/// `value == nil` and a `status`; it is never reported as 0, which would be
/// indistinguishable from a real zero count.
public struct CounterValue: Sendable, Equatable {
    public let name: String
    public let source: CounterSource
    /// The figure (total or per-op, as the container documents); nil when
    /// unavailable.
    public let value: Double?
    /// Why `value` is nil, or a qualifier such as "scaled: ran 50% of the time".
    public let status: String?
    /// time_running / time_enabled for perf events; < 1 means the kernel
    /// multiplexed the counter and `value` is an extrapolation.
    public let scalingRatio: Double?

    public init(name: String, source: CounterSource, value: Double?, status: String? = nil,
                scalingRatio: Double? = nil) {
        self.name = name
        self.source = source
        self.value = value
        self.status = status
        self.scalingRatio = scalingRatio
    }

    public static func unavailable(_ name: String, source: CounterSource, reason: String) -> CounterValue {
        CounterValue(name: name, source: source, value: nil, status: reason)
    }

    public var isAvailable: Bool { value != nil }
}
