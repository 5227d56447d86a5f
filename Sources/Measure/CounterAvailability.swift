/// One line of `fragbench counters`: a backend, clock or counter, whether it
/// works here, and if not why and what to do.
public struct AvailabilityEntry: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case backend, clock, hardwareEvent = "hardware event", softwareEvent = "software event", tool
    }

    public let kind: Kind
    public let name: String
    public let available: Bool
    /// What was found when available (encoding, value read, path).
    public let detail: String
    /// Why not, when unavailable.
    public let reason: String?
    /// How to fix or work around it, when unavailable.
    public let hint: String?

    public init(kind: Kind, name: String, available: Bool, detail: String = "",
                reason: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.name = name
        self.available = available
        self.detail = detail
        self.reason = reason
        self.hint = hint
    }
}

/// Everything the measurement engine can and cannot use on this machine.
public struct CounterAvailability: Sendable {
    public let entries: [AvailabilityEntry]
    public let tsc: TSCCalibration
    public let perfEventParanoid: Int?
    public let valgrindPath: String?
    /// What `--counters auto` resolves to here.
    public let autoChoice: BackendChoice
    /// What every mode resolves to here, in `CounterMode.allCases` order.
    public let choices: [BackendChoice]
    public let pmuModels: [String]
    public let isDebugBuild: Bool
    public let allowedCPUs: Int?

    /// Probes every clock, counter and backend. Opens and closes each perf
    /// event; takes ~0.1 s for TSC calibration.
    ///
    /// - Parameter reexecArguments: the arguments shown in the suggested
    ///   callgrind re-exec command line (this executable's, under valgrind).
    public static func probe(hardware: [HardwareEventRequest] = HardwareEventRequest.defaults,
                             software: [PerfEventSpec] = PerfEventSpec.defaultSoftware,
                             reexecArguments: [String] = ["run", "--counters", "callgrind"]) -> CounterAvailability {
        let paranoid = PerfSettings.paranoid()
        let tsc = TSC.calibrate()
        let valgrind = Callgrind.valgrindPath()
        var entries: [AvailabilityEntry] = []

        // Clocks.
        if let hz = tsc.hz {
            entries.append(.init(
                kind: .clock, name: "TSC", available: true,
                detail: "\(formatFixed(hz / 1e6, digits: 3)) MHz (\(tsc.method); spread "
                    + "\(tsc.spreadPercent.map { formatFixed($0, digits: 4) } ?? "?")%); "
                    + "constant_tsc=\(tsc.flags.constantTSC) nonstop_tsc=\(tsc.flags.nonstopTSC)",
                reason: tsc.isInvariant ? nil : "TSC is not invariant; ticks are not time",
                hint: tsc.isInvariant ? nil : "rely on ns/op from CLOCK_MONOTONIC, not TSC cycles"))
        } else {
            entries.append(.init(kind: .clock, name: "TSC", available: false, reason: tsc.method,
                                 hint: "ns/op still comes from CLOCK_MONOTONIC"))
        }
        let resolution = MonotonicClock.resolutionNanoseconds()
        entries.append(.init(kind: .clock, name: "CLOCK_MONOTONIC", available: true,
                             detail: "resolution \(resolution.map { "\($0) ns" } ?? "unknown")"))

        // Hardware events.
        let hardwareStatus = HardwareProbe.probe(hardware, paranoid: paranoid)
        for status in hardwareStatus {
            let used = status.attempts.last
            let detail = status.isAvailable
                ? "opened as \(used?.name ?? "?") = \(status.usable?.encoding ?? "?")"
                : status.attempts.compactMap { $0.encoding.map { "encoded \($0)" } }.first ?? "not encodable"
            entries.append(.init(kind: .hardwareEvent, name: status.request.label,
                                 available: status.isAvailable, detail: detail,
                                 reason: status.reason, hint: status.hint))
        }

        // The counters that open are trusted only once they count a known loop right.
        let calibration = CounterCalibration.run(paranoid: paranoid)
        entries.append(.init(kind: .hardwareEvent, name: "calibration", available: calibration.isTrusted,
                             detail: calibration.isTrusted ? calibration.text : "",
                             reason: calibration.isTrusted ? nil : calibration.text,
                             hint: calibration.isTrusted ? nil : "use --counters software or --counters callgrind"))

        // Software events: open as a group, run a short busy loop, read.
        let (group, failures) = CounterGroup.open(software, paranoid: paranoid)
        var softwareValues: [String: CounterValue] = [:]
        if let group {
            group.start()
            busyWait(nanoseconds: 2_000_000)
            group.stop()
            if case .success(let reading) = group.read() {
                for value in group.values(of: reading) { softwareValues[value.name] = value }
            }
        }
        for spec in software {
            if let failure = failures.first(where: { $0.event == spec.name }) {
                entries.append(.init(kind: .softwareEvent, name: spec.name, available: false,
                                     reason: failure.reason, hint: failure.hint))
            } else if let value = softwareValues[spec.name], let v = value.value {
                entries.append(.init(kind: .softwareEvent, name: spec.name, available: true,
                                     detail: "read \(formatFixed(v, digits: 0)) over a 2 ms busy loop"))
            } else {
                entries.append(.init(kind: .softwareEvent, name: spec.name, available: false,
                                     reason: softwareValues[spec.name]?.status ?? "opened but could not be read",
                                     hint: "see perf_event_open(2)"))
            }
        }

        // Tools.
        entries.append(.init(
            kind: .tool, name: "valgrind", available: valgrind != nil, detail: valgrind ?? "",
            reason: valgrind == nil ? "valgrind not found on PATH" : nil,
            hint: valgrind == nil ? "apt-get install valgrind" : nil))
        entries.append(.init(
            kind: .tool, name: "callgrind client requests", available: Callgrind.isCompiledIn,
            detail: Callgrind.isCompiledIn ? "compiled in from <valgrind/callgrind.h>" : "",
            reason: Callgrind.isCompiledIn ? nil : "<valgrind/callgrind.h> was absent at build time",
            hint: Callgrind.isCompiledIn ? nil : "apt-get install valgrind, then rebuild"))
        let pfmError = PFM.initializationError
        entries.append(.init(kind: .tool, name: "libpfm4", available: pfmError == nil,
                             detail: pfmError == nil ? "initialised" : "", reason: pfmError,
                             hint: pfmError == nil ? nil : "apt-get install libpfm4"))

        // Backends.
        // Events that opened but count wrong are no better than events that did not open; where
        // none opened, their own failure is the more specific reason.
        let hwOpenedUntested = hardwareStatus.filter(\.isAvailable).count
        let hwOpened = calibration.isTrusted ? hwOpenedUntested : 0
        let hwFailure = hwOpenedUntested > 0 && !calibration.isTrusted ? calibration.text
            : hardwareStatus.first(where: { !$0.isAvailable })?.reason
        let swOpened = group?.events.count ?? 0
        let onValgrind = Callgrind.isRunningOnValgrind
        // `fragbench run --counters callgrind` does the re-exec itself, per point (on a copy
        // without DWARF 5 debug info, which valgrind 3.19 cannot read); say so rather than
        // suggest a hand-made valgrind command line.
        let reexec = valgrind.map { _ in
            "fragbench " + reexecArguments.joined(separator: " ")
                + " (re-runs each point under valgrind --tool=callgrind --cache-sim=yes --instr-atstart=no "
                + Callgrind.cacheGeometry.joined(separator: " ") + ", SWIFT_DETERMINISTIC_HASHING=1)"
        }
        func choose(_ mode: CounterMode) -> BackendChoice {
            BackendChoice.decide(mode: mode, hardwareOpened: hwOpened, hardwareFailure: hwFailure,
                                 softwareOpened: swOpened, onValgrind: onValgrind, reexecCommand: reexec)
        }
        entries.append(.init(kind: .backend, name: "pmu", available: hwOpened > 0,
                             detail: "\(hwOpened)/\(hardwareStatus.count) hardware events open",
                             reason: hwOpened > 0 ? nil : hwFailure ?? "no hardware events requested",
                             hint: hwOpened > 0 ? nil : hardwareStatus.first(where: { !$0.isAvailable })?.hint))
        entries.append(.init(kind: .backend, name: "software", available: swOpened > 0,
                             detail: "\(swOpened)/\(software.count) software events + TSC",
                             reason: swOpened > 0 ? nil : failures.first?.reason,
                             hint: swOpened > 0 ? nil : failures.first?.hint))
        let callgrindUsable = valgrind != nil && Callgrind.isCompiledIn
        entries.append(.init(
            kind: .backend, name: "callgrind", available: callgrindUsable,
            detail: onValgrind ? "running under valgrind now"
                : (reexec.map { "by re-exec: \($0)" } ?? ""),
            reason: callgrindUsable ? nil
                : (valgrind == nil ? "valgrind not on PATH" : "client requests not compiled in"),
            hint: callgrindUsable ? nil : "apt-get install valgrind, then rebuild"))
        entries.append(.init(kind: .backend, name: "none", available: true,
                             detail: "TSC + CLOCK_MONOTONIC timing only"))

        return CounterAvailability(
            entries: entries, tsc: tsc, perfEventParanoid: paranoid, valgrindPath: valgrind,
            autoChoice: choose(.auto), choices: CounterMode.allCases.map(choose), pmuModels: PFM.presentPMUs(), isDebugBuild: Measure.isDebugBuild,
            allowedCPUs: CPUAffinity.allowedCount())
    }

    /// Plain-text report, one line per entry plus the context needed to
    /// interpret it.
    public func render() -> String {
        var lines: [String] = []
        if isDebugBuild { lines.append("!! \(Measure.debugBuildWarning)") }
        lines.append("perf_event_paranoid: \(perfEventParanoid.map(String.init) ?? "unreadable")")
        lines.append("TSC frequency: "
            + (tsc.hz.map { "\(formatFixed($0 / 1e6, digits: 3)) MHz, \(tsc.method)" } ?? tsc.method))
        lines.append("TSC flags: constant_tsc=\(tsc.flags.constantTSC) nonstop_tsc=\(tsc.flags.nonstopTSC) "
            + "rdtscp=\(tsc.flags.rdtscp) tsc_known_freq=\(tsc.flags.tscKnownFreq) "
            + "hypervisor=\(tsc.flags.hypervisor) (from \(tsc.flags.source))")
        lines.append("valgrind: \(valgrindPath ?? "not found on PATH")")
        lines.append("libpfm PMU models: \(pmuModels.isEmpty ? "none" : pmuModels.joined(separator: ", "))")
        lines.append("CPUs allowed: \(allowedCPUs.map(String.init) ?? "unknown")")
        lines.append("auto backend: \(autoChoice.backend.rawValue) (\(autoChoice.reason))")
        lines.append("")
        lines.append("--counters MODE resolves to:")
        // `fragbench run --counters callgrind` re-executes each point under valgrind itself, so
        // where valgrind and the client requests are here, callgrind works: say so, rather than
        // what this process alone (not under valgrind) would fall back to.
        let callgrindEntry = entries.first { $0.kind == .backend && $0.name == "callgrind" }
        for choice in choices {
            if choice.requested == .callgrind, choice.backend != .callgrind, let entry = callgrindEntry, entry.available {
                lines.append("  callgrind -> callgrind: works \(entry.detail); times are measured natively beside the counts")
                continue
            }
            lines.append("  \(choice.requested.rawValue) -> \(choice.backend.rawValue): \(choice.reason)")
        }
        for kind in [AvailabilityEntry.Kind.backend, .clock, .hardwareEvent, .softwareEvent, .tool] {
            let group = entries.filter { $0.kind == kind }
            guard !group.isEmpty else { continue }
            lines.append("")
            lines.append("\(kind.rawValue)s:")
            let width = group.map(\.name.count).max() ?? 0
            for e in group {
                let pad = String(repeating: " ", count: width - e.name.count)
                let mark = e.available ? "yes" : "NO "
                var line = "  \(e.name)\(pad)  \(mark)"
                if !e.detail.isEmpty { line += "  \(e.detail)" }
                lines.append(line)
                if let reason = e.reason { lines.append("    reason: \(reason)") }
                if let hint = e.hint { lines.append("    hint:   \(hint)") }
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Spins on CLOCK_MONOTONIC for `nanoseconds` (user-space work for probes).
func busyWait(nanoseconds: UInt64) {
    let start = MonotonicClock.nanoseconds()
    var spins: UInt64 = 0
    while MonotonicClock.nanoseconds() &- start < nanoseconds { spins &+= 1 }
    blackHole(spins)
}
