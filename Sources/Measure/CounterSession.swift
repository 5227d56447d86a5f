/// The counters of one run, open and ready to bracket measured regions.
///
/// Not Sendable: perf groups count the thread that opened them, so a session
/// must be opened and driven on the benchmark thread.
public final class CounterSession {
    public let choice: BackendChoice
    /// Groups in use: hardware (leader = first hardware event) and software
    /// are separate groups so a missing PMU cannot take software events down.
    private let groups: [CounterGroup]
    /// Counters the backend wanted but could not open, with reasons; carried
    /// into every reading so reports list them rather than omit them.
    public let unavailable: [CounterValue]

    private init(choice: BackendChoice, groups: [CounterGroup], unavailable: [CounterValue]) {
        self.choice = choice
        self.groups = groups
        self.unavailable = unavailable
    }

    /// Probes and opens counters for `mode`. Never fails: whatever cannot be
    /// opened becomes an `unavailable` entry with a reason.
    public static func open(mode: CounterMode,
                            hardware: [HardwareEventRequest] = HardwareEventRequest.defaults,
                            software: [PerfEventSpec] = PerfEventSpec.defaultSoftware,
                            reexecCommand: String? = nil) -> CounterSession {
        let paranoid = PerfSettings.paranoid()
        let onValgrind = Callgrind.isRunningOnValgrind
        // Under valgrind perf_event_open would count valgrind itself; skip it.
        let wantsPerf = mode != .none && !(mode == .callgrind && onValgrind) && !(mode == .auto && onValgrind)

        var unavailable: [CounterValue] = []
        var hardwareSpecs: [PerfEventSpec] = []
        var hardwareFailure: String? = nil
        if wantsPerf && (mode == .pmu || mode == .auto) {
            let statuses = HardwareProbe.probe(hardware, paranoid: paranoid)
            hardwareSpecs = statuses.compactMap(\.usable)
            let failed = statuses.filter { !$0.isAvailable }
            hardwareFailure = failed.first?.reason
            unavailable += failed.map {
                .unavailable($0.request.label, source: .pmu, reason: $0.reason ?? "unavailable")
            }
            // Events that open may still count nothing (some hypervisors): trusted only after a
            // known loop reads right.
            if !hardwareSpecs.isEmpty, case .unavailable(let why) = CounterCalibration.run(paranoid: paranoid) {
                unavailable += hardwareSpecs.map { .unavailable($0.name, source: .pmu, reason: why) }
                hardwareSpecs = []
                hardwareFailure = why
            }
        } else {
            let why = mode == .none ? "counters disabled" : "not used by the \(mode.rawValue) backend"
            unavailable += hardware.map { .unavailable($0.label, source: .pmu, reason: why) }
        }

        var groups: [CounterGroup] = []
        var softwareOpened = 0
        if wantsPerf {
            let (group, failures) = CounterGroup.open(software, paranoid: paranoid)
            if let group {
                groups.append(group)
                softwareOpened = group.events.count
            }
            unavailable += failures.map { .unavailable($0.event, source: .softwareEvent, reason: $0.reason) }
        } else {
            unavailable += software.map {
                .unavailable($0.name, source: .softwareEvent,
                             reason: onValgrind ? "not counted under valgrind" : "counters disabled")
            }
        }

        let choice = BackendChoice.decide(
            mode: mode, hardwareOpened: hardwareSpecs.count, hardwareFailure: hardwareFailure,
            softwareOpened: softwareOpened, onValgrind: onValgrind, reexecCommand: reexecCommand)

        if choice.backend == .pmu {
            let (group, failures) = CounterGroup.open(hardwareSpecs, paranoid: paranoid)
            if let group { groups.insert(group, at: 0) }
            unavailable += failures.map { .unavailable($0.event, source: .pmu, reason: "in a group: " + $0.reason) }
        }
        if choice.backend == .none {
            groups.removeAll()
        }
        return CounterSession(choice: choice, groups: groups, unavailable: unavailable)
    }

    /// Starts counting. Called just outside the timed bracket so the ioctls'
    /// cost is not in the timing (the counters do include the few timer-read
    /// instructions, which is negligible at >= 1 ms per sample).
    public func start() {
        if choice.backend == .callgrind {
            Callgrind.start()
            return
        }
        for group in groups { group.start() }
    }

    /// Stops counting and returns this region's totals: every opened counter
    /// (scaled for multiplexing) followed by the unavailable ones. Under
    /// callgrind, counts live in valgrind's output file, so entries say where
    /// to find them instead of carrying values.
    public func stop() -> [CounterValue] {
        if choice.backend == .callgrind {
            Callgrind.stop()
            return unavailable
        }
        var values: [CounterValue] = []
        for group in groups { group.stop() }
        for group in groups {
            switch group.read() {
            case .success(let reading):
                values += group.values(of: reading)
            case .failure(let error):
                values += group.events.map {
                    .unavailable($0.name, source: $0.source, reason: "read failed: \(error)")
                }
            }
        }
        return values + unavailable
    }

    /// Names of counters that produce values in this session.
    public var openedCounterNames: [String] { groups.flatMap { $0.events.map(\.name) } }
}
