import Testing
@testable import Measure

@Suite struct BackendDecisionTests {
    func decide(_ mode: CounterMode, hw: Int = 0, sw: Int = 4, valgrind: Bool = false) -> BackendChoice {
        BackendChoice.decide(mode: mode, hardwareOpened: hw, hardwareFailure: hw > 0 ? nil : "cycles: no PMU",
                             softwareOpened: sw, onValgrind: valgrind, reexecCommand: "valgrind ... fragbench")
    }

    @Test func autoPrefersPMUThenSoftware() {
        #expect(decide(.auto, hw: 3).backend == .pmu)
        let noPMU = decide(.auto)
        #expect(noPMU.backend == .software)
        #expect(noPMU.reason.contains("cycles: no PMU"))
        #expect(decide(.auto, sw: 0).backend == .none)
        #expect(decide(.auto, hw: 3, valgrind: true).backend == .callgrind)
    }

    @Test func explicitRequestsDegradeWithAReason() {
        let pmu = decide(.pmu)
        #expect(pmu.backend == .software && pmu.reason.contains("pmu requested"))
        let cg = decide(.callgrind)
        #expect(cg.backend == .software && cg.reason.contains("use: valgrind"))
        #expect(decide(.callgrind, valgrind: true).backend == .callgrind)
        #expect(decide(.software).backend == .software)
        #expect(decide(.software, sw: 0).backend == .none)
        #expect(decide(.none, hw: 5).backend == .none)
        for mode in CounterMode.allCases { #expect(!decide(mode).reason.isEmpty) }
    }
}

@Suite struct CounterSessionTests {
    @Test func autoOnThisMachineReportsEverything() {
        let session = CounterSession.open(mode: .auto)
        #expect(!session.choice.reason.isEmpty)
        session.start()
        busyWait(nanoseconds: 1_000_000)
        let values = session.stop()
        // Every requested counter appears, as a value or with a reason.
        let names = Set(values.map(\.name))
        for request in HardwareEventRequest.defaults { #expect(names.contains(request.label) || session.openedCounterNames.contains { request.candidates.contains($0) }) }
        for spec in PerfEventSpec.defaultSoftware { #expect(names.contains(spec.name)) }
        for value in values where value.value == nil { #expect(!(value.status ?? "").isEmpty) }
        #expect(values.first { $0.name == "task-clock" }?.value ?? 0 > 0)
    }

    @Test func noneModeCountsNothingButSaysSo() {
        let session = CounterSession.open(mode: .none)
        #expect(session.choice.backend == .none)
        session.start()
        let values = session.stop()
        #expect(values.allSatisfy { $0.value == nil && $0.status == "counters disabled" })
    }
}

@Suite struct AvailabilityReportTests {
    @Test func reportCoversBackendsClocksAndCounters() {
        let report = CounterAvailability.probe()
        for backend in ["pmu", "software", "callgrind", "none"] {
            #expect(report.entries.contains { $0.kind == .backend && $0.name == backend })
        }
        for event in HardwareEventRequest.defaults {
            #expect(report.entries.contains { $0.kind == .hardwareEvent && $0.name == event.label })
        }
        for entry in report.entries where !entry.available {
            #expect(!(entry.reason ?? "").isEmpty, "\(entry.name) unavailable without reason")
            #expect(!(entry.hint ?? "").isEmpty, "\(entry.name) unavailable without hint")
        }
        let software = report.entries.filter { $0.kind == .softwareEvent }
        #expect(software.allSatisfy { $0.available }, "\(software)")
        let text = report.render()
        #expect(text.contains("perf_event_paranoid:"))
        #expect(text.contains("TSC frequency:"))
        #expect(text.contains("auto backend:"))
        #expect(text.contains("valgrind:"))
    }

    /// Where valgrind and the client requests are here, `run --counters callgrind` works (it
    /// re-executes each point under valgrind): the report says so instead of a fallback.
    @Test func callgrindIsSaidToWorkThroughRun() {
        let report = CounterAvailability.probe()
        let usable = report.entries.contains { $0.kind == .backend && $0.name == "callgrind" && $0.available }
        let line = report.render().split(separator: "\n").first { $0.hasPrefix("  callgrind -> ") }.map(String.init) ?? ""
        if usable {
            #expect(line.hasPrefix("  callgrind -> callgrind: works by re-exec: fragbench run --counters callgrind"), "\(line)")
        } else {
            #expect(line.hasPrefix("  callgrind -> software"), "\(line)")
        }
    }
}
