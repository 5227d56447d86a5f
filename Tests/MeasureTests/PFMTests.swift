import Testing
import CFragShim
import CLibPFM
@testable import Measure

@Suite struct PFMTests {
    @Test func libpfmInitialises() {
        #expect(PFM.initializationError == nil)
        #expect(PFM.presentPMUs().contains("perf"))
    }

    @Test func genericNamesEncodeForUserSpace() throws {
        let cycles = try PFM.encode("cycles").get()
        #expect(cycles.attr.type == PERF_TYPE_HARDWARE.rawValue)
        #expect(cycles.attr.config == UInt64(PERF_COUNT_HW_CPU_CYCLES.rawValue))
        #expect(cycles.attr.exclude_kernel == 1)  // PFM_PLM3 only
        #expect(cycles.encoding.contains("PERF_COUNT_HW_CPU_CYCLES"))
        #expect(cycles.source == .pmu)

        let l1 = try PFM.encode("L1-dcache-load-misses").get()
        #expect(l1.attr.type == PERF_TYPE_HW_CACHE.rawValue)
        #expect(l1.encoding.contains("L1D:READ:MISS"))

        for name in ["instructions", "LLC-load-misses", "cache-misses", "branch-misses"] {
            #expect(throws: Never.self) { try PFM.encode(name).get() }
        }
        // libpfm knows software events too, and labels them as such.
        #expect(try PFM.encode("task-clock").get().source == .softwareEvent)
    }

    @Test func unknownNameIsAReasonNotACrash() {
        guard case .failure(let error) = PFM.encode("no-such-event-xyz") else {
            Issue.record("bogus event encoded")
            return
        }
        #expect(error.reason.contains("no-such-event-xyz"))
    }
}

/// Whether any hardware event opens here; false in VMs without a virtual PMU.
let hardwareCountersPresent = HardwareProbe.probe().contains(where: \.isAvailable)

@Suite struct HardwareCounterTests {
    /// Always runs: whatever the outcome, every event reports a value or a reason.
    @Test func probeReportsEveryEvent() {
        let statuses = HardwareProbe.probe()
        #expect(statuses.count == HardwareEventRequest.defaults.count)
        for status in statuses {
            if status.isAvailable {
                #expect(status.usable != nil)
            } else {
                #expect(!(status.reason ?? "").isEmpty, "\(status.request.label) has no reason")
                #expect(!(status.hint ?? "").isEmpty)
            }
        }
        // LLC-load-misses falls back to cache-misses before giving up.
        let llc = statuses.first { $0.request.label == "LLC-load-misses" }!
        if !llc.isAvailable { #expect(llc.attempts.map(\.name) == ["LLC-load-misses", "cache-misses"]) }
    }

    /// In this VM (no PMU) hardware events fail; they must say why, not read 0.
    @Test(.disabled(if: hardwareCountersPresent, "a PMU is present; covered by countsWithPMU"))
    func unavailableHardwareIsNeverZero() {
        let session = CounterSession.open(mode: .pmu)
        session.start()
        busyWait(nanoseconds: 1_000_000)
        let values = session.stop()
        let hardware = values.filter { $0.source == .pmu }
        #expect(hardware.count == HardwareEventRequest.defaults.count)
        for value in hardware {
            #expect(value.value == nil, "\(value.name) reported \(String(describing: value.value))")
            #expect(!(value.status ?? "").isEmpty)
        }
        #expect(session.choice.backend == .software)
        #expect(session.choice.reason.contains("pmu requested"))
    }

    /// Needs a hardware PMU (bare metal, or a VM exposing one); skipped here.
    @Test(.enabled(if: hardwareCountersPresent, "no hardware PMU on this machine"))
    func countsWithPMU() throws {
        let session = CounterSession.open(mode: .pmu)
        #expect(session.choice.backend == .pmu)
        session.start()
        busyWait(nanoseconds: 2_000_000)
        let values = session.stop()
        let instructions = try #require(values.first { $0.name == "instructions" && $0.source == .pmu })
        #expect((instructions.value ?? 0) > 10_000)
    }
}
