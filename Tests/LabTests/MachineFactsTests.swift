import Testing
@testable import Lab

@Suite struct MachineFactsTests {
    @Test func parsesWhatTheKernelWrites() {
        #expect(MachineFacts.memTotal("MemTotal:       24684084 kB\nMemFree: 1 kB\n") == 24_684_084 * 1024)
        #expect(MachineFacts.memTotal("nothing") == nil)
        #expect(MachineFacts.smt(control: "notsupported", active: "0") == "notsupported")
        #expect(MachineFacts.smt(control: "on", active: "1") == "on (on)")
        #expect(MachineFacts.smt(control: "forceoff", active: "0") == "off (forceoff)")
        #expect(MachineFacts.aslr("2") == "full (2)")
        #expect(MachineFacts.aslr("0") == "off (0)")
        #expect(MachineFacts.bracketed("always [madvise] never") == "madvise")
        #expect(MachineFacts.loadAverage("8.18 3.36 1.32 8/164 9000") == [8.18, 3.36, 1.32])
        #expect(MachineFacts.cpuTimes("cpu  10 0 5 80 5 0 0 0 0 0\ncpu0 1 2 3 4 5\n") == [10, 0, 5, 80, 5, 0, 0, 0])
    }

    @Test func cachesAsSysfsDescribesThem() {
        #expect(MachineFacts.cacheSize("48K") == 48 * 1024)
        #expect(MachineFacts.cacheSize("1M") == 1 << 20)
        #expect(MachineFacts.cacheSize("512") == 512)
        #expect(MachineFacts.cpuCount("0-1,4,6-7") == 5)
        #expect(MachineFacts.cpuCount("0") == 1)
        if let caches = MachineFacts.caches() {
            #expect(caches.contains { $0.level == 1 && $0.sizeBytes > 0 })
        }
    }

    @Test func busyShareCountsAllButIdleAndIOWait() {
        let before: [UInt64] = [100, 0, 50, 1000, 10, 0, 0, 0]
        let after: [UInt64] = [130, 0, 60, 1050, 10, 0, 0, 0]
        #expect(MachineFacts.busyShare(before: before, after: after) == 40.0 / 90.0)
        #expect(MachineFacts.busyShare(before: before, after: before) == nil)
    }

    @Test func warnsWhenOtherWorkWasRunning() throws {
        #expect(MachineFacts.loadWarning(busyShare: 0.02, loadAverage: [0.1, 0.2, 0.2], cpus: 2) == nil)
        let busy = try #require(MachineFacts.loadWarning(busyShare: 0.45, loadAverage: [0.5, 0.2, 0.2], cpus: 2))
        #expect(busy.contains("45% busy"))
        let loaded = try #require(MachineFacts.loadWarning(busyShare: nil, loadAverage: [2.5, 1, 1], cpus: 2))
        #expect(loaded.contains("load average 2.50 1.00 1.00 on 2 CPUs"))
        #expect(MachineFacts.loadWarning(busyShare: nil, loadAverage: nil, cpus: nil) == nil)
    }

    @Test func theMachineIsReadNotTheAffinity() {
        let facts = MachineFacts.read(pauseMilliseconds: 20)
        #expect((facts.onlineCPUs ?? 0) >= 1)
        #expect(facts.hostName?.isEmpty == false)
        #expect((facts.memoryBytes ?? 0) > 0)
        #expect(facts.loadAverage?.count == 3)
    }
}
