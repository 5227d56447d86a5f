#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Measure

@Suite struct PerfArithmeticTests {
    @Test func multiplexScaling() {
        let full = PerfScaling.scale(raw: 1000, enabled: 500, running: 500)!
        #expect(full.value == 1000 && full.ratio == 1)
        // Counted a quarter of the time: extrapolate x4.
        let quarter = PerfScaling.scale(raw: 1000, enabled: 400, running: 100)!
        #expect(quarter.value == 4000 && quarter.ratio == 0.25)
        // Never scheduled: nothing to extrapolate, not 0.
        #expect(PerfScaling.scale(raw: 0, enabled: 400, running: 0) == nil)
    }

    @Test func groupReadFormatDecoding() {
        let reading = GroupReading(words: [2, 1000, 500, 7, 9], expectedCount: 2)
        #expect(reading == GroupReading(timeEnabled: 1000, timeRunning: 500, values: [7, 9]))
        #expect(GroupReading(words: [3, 1, 1, 7, 9], expectedCount: 2) == nil)
        #expect(GroupReading(words: [2, 1, 1, 7], expectedCount: 2) == nil)
    }

    @Test func scaledCounterValueCarriesRatio() {
        let reading = GroupReading(timeEnabled: 1000, timeRunning: 500, values: [10])
        let v = reading.counterValue(name: "cycles", source: .pmu, raw: 10)
        #expect(v.value == 20 && v.scalingRatio == 0.5)
        #expect(v.status?.contains("multiplexed") == true)
        let never = GroupReading(timeEnabled: 1000, timeRunning: 0, values: [0])
            .counterValue(name: "cycles", source: .pmu, raw: 0)
        #expect(never.value == nil && never.status?.isEmpty == false)
    }

    @Test func errnoExplanations() {
        let noPMU = PerfOpenFailure.explain(code: ENOENT, paranoid: 2)
        #expect(noPMU.reason.contains("no PMU/event not supported in this VM"))
        #expect(PerfOpenFailure.explain(code: EOPNOTSUPP, paranoid: 2).reason.contains("no PMU"))
        #expect(PerfOpenFailure.explain(code: ENODEV, paranoid: 2).reason.contains("no PMU"))
        let denied = PerfOpenFailure.explain(code: EACCES, paranoid: 3)
        #expect(denied.reason.contains("perf_event_paranoid=3"))
        #expect(denied.hint == "fix: sudo sysctl kernel.perf_event_paranoid=1")
        #expect(PerfOpenFailure.explain(code: EPERM, paranoid: nil).reason.contains("perf_event_paranoid=unknown"))
        #expect(PerfOpenFailure.explain(code: EINVAL, paranoid: 2).reason.contains("EINVAL"))
        #expect(!PerfOpenFailure.explain(code: 12345, paranoid: 2).reason.isEmpty)
    }

    @Test func attrIsUserSpaceGroupFormat() {
        let spec = PerfEventSpec.defaultSoftware[0]
        let leader = spec.attrForOpening(asLeader: true)
        #expect(leader.disabled == 1 && leader.exclude_kernel == 1 && leader.exclude_hv == 1)
        #expect(leader.size == UInt32(MemoryLayout.size(ofValue: leader)))
        #expect(spec.attrForOpening(asLeader: false).disabled == 0)
        #expect(leader.read_format == 0b1011)  // GROUP | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING
    }

    @Test func eintrIsRetried() {
        var calls = 0
        let result = retryingEINTR("fake") { () -> Int32 in
            calls += 1
            if calls < 3 { errno = EINTR; return -1 }
            return 42
        }
        #expect(calls == 3)
        #expect(try! result.get() == 42)
        let failing = retryingEINTR("fake") { () -> Int32 in errno = EACCES; return -1 }
        #expect(failing == .failure(SystemError(call: "fake", code: EACCES)))
    }
}

/// Software events need no PMU; they work in this VM and must open.
@Suite struct SoftwareEventTests {
    @Test func softwareGroupOpensAndCounts() throws {
        let (group, failures) = CounterGroup.open(PerfEventSpec.defaultSoftware)
        #expect(failures.isEmpty, "software events failed: \(failures)")
        let opened = try #require(group)
        #expect(opened.events.map(\.name) == ["task-clock", "page-faults", "context-switches", "cpu-migrations"])
        #expect(throws: Never.self) { try opened.start().get() }
        busyWait(nanoseconds: 3_000_000)
        var pages = [UInt8](repeating: 1, count: 1 << 20)  // touch fresh pages
        pages[pages.count - 1] = 2
        blackHole(UInt64(pages[pages.count - 1]))
        #expect(throws: Never.self) { try opened.stop().get() }
        let reading = try opened.read().get()
        let values = opened.values(of: reading)
        let taskClock = try #require(values.first { $0.name == "task-clock" })
        // task-clock counts ns on CPU, so the busy loop shows up. Only > 0 is
        // asserted: on a loaded 2-core box the thread may get little CPU time.
        #expect((taskClock.value ?? 0) > 0)
        #expect(taskClock.scalingRatio == 1)  // software events never multiplex
        #expect(values.allSatisfy { $0.value != nil && $0.source == .softwareEvent })
    }
}
