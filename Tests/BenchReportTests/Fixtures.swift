@testable import BenchReport

/// Two points and a provenance with every kind of value: measured, unavailable, unstable,
/// a parameter text that needs CSV quoting.
enum Fixtures {
    static let provenance: Provenance = {
        var p = Provenance(
            gitCommit: "0123456789abcdef0123456789abcdef01234567", gitDirty: true, date: "2026-11-25T12:00:00Z",
            swiftVersion: "Swift version 6.3.1 (swift-6.3.1-RELEASE)", buildConfiguration: "release",
            buildFlags: "-O", kernel: "6.18.44", cpuModel: "AMD EPYC", cpuCount: 2, governor: nil,
            perfEventParanoid: 2, tscHz: 2_596_132_000, tscCalibration: "median of 5 x 20 ms windows",
            counterBackend: "software", counterReason: "no hardware event opened (cycles: ENOENT); using software events + TSC",
            command: "fragbench run --quick", quick: true,
            governorStatus: "not readable: no cpufreq driver", allowedCPUs: "0-1")
        p.hostName = "bench-vm"
        p.memoryBytes = 24 << 30
        p.smt = "notsupported"
        p.aslr = "full (2)"
        p.transparentHugePages = "madvise"
        p.loadAverage = "0.12 0.30 0.25"
        p.caches = [CPUCache(type: "Data", level: 1, sizeBytes: 48 << 10, sharedBy: 1),
                    CPUCache(type: "Unified", level: 3, sizeBytes: 260 << 20, sharedBy: 2)]
        return p
    }()

    /// A schema-3 point: estimator, interval, median and disturbed samples recorded.
    static let fast: BenchPoint = {
        var p = BenchPoint(
            workload: "alloc-only", pageSize: 4096, maxSize: 32768, fragsz: 64, align: 1, parameters: [:],
            ops: 1_100_000, samples: 11, nsPerOp: 1.2345, minNsPerOp: 1.2, errPct: 0.8, unstable: false, hint: nil,
            tscCyclesPerOp: 3.2, timerOverheadNs: 70.5, overheadSubtracted: true, cpu: 1, pinned: true,
            counters: [
                CounterReading(name: "instructions", source: "callgrind simulation", perOp: 9.5),
                CounterReading(name: "estimated cycles", source: "callgrind simulation", perOp: 12.25),
                CounterReading(name: "page-faults", source: "software event", perOp: 0),
                CounterReading(name: "cycles", source: "pmu", perOp: nil, status: "no PMU/event not supported in this VM (ENOENT)"),
            ],
            counterSource: "callgrind", counterStatus: "callgrind simulation; unavailable: cycles",
            refillsPerKop: 1.953, fallbacks: 0, reuses: 3, pfmemallocDrops: 0, wastePct: 0.05, peakPinnedBytes: 32768,
            sampleNsPerOp: [1.25, 1.2345, 1.24, 1.23, 1.2, 1.26, 1.2345, 1.22, 1.9, 1.235, 1.233])
        p.estimator = "p10 of undisturbed samples"
        p.nsPerOpLow = 1.21
        p.nsPerOpHigh = 1.26
        p.medianNsPerOp = 1.2345
        p.disturbedSamples = 1
        return p
    }()

    /// Unstable, with nothing but its median (as a schema-2 run recorded it).
    static let noisy = BenchPoint(
        workload: "mixed", pageSize: 65536, maxSize: 65536, fragsz: nil, align: 64,
        parameters: ["depth": "256", "distribution": "uniform:64-1500, \"odd\""],
        ops: 5000, samples: 5, opsPerSample: 1000, sampleNs: 25_500, nsPerOp: 25.5, minNsPerOp: 20, errPct: 12.5, unstable: true,
        hint: "err% 12.5 > 5%: stop other load on this machine", tscCyclesPerOp: nil, cpu: nil, pinned: false,
        counters: [CounterReading(name: "cycles", source: "pmu", perOp: nil, status: "no PMU (ENOENT)")],
        counterSource: "software", counterStatus: "software events + TSC; unavailable: cycles",
        refillsPerKop: nil, fallbacks: nil, reuses: nil, pfmemallocDrops: nil, wastePct: nil, peakPinnedBytes: nil)

    static let crossThread: BenchPoint = {
        var p = BenchPoint(
            workload: "cross-thread", pageSize: 4096, maxSize: 32768, fragsz: 2048, align: 1,
            parameters: ["count": "200000", "prepare": "0", "push_cpu": "0", "pop_cpu": "1"],
            ops: 2_200_000, samples: 11, opsPerSample: 200_000, sampleNs: 3_500_000, nsPerOp: 17.5, minNsPerOp: 17.1,
            errPct: 0.6, unstable: false, hint: nil, tscCyclesPerOp: 45.4, cpu: 0, pinned: true, counters: [],
            counterSource: "none", counterStatus: "counters disabled by request; timing only",
            refillsPerKop: 62.0, fallbacks: 0, reuses: 0, pfmemallocDrops: 0, wastePct: 0, peakPinnedBytes: 1 << 20)
        p.estimator = "p10 of undisturbed samples"
        p.disturbedSamples = 0
        return p
    }()

    static let run = BenchRun(provenance: provenance, points: [fast, noisy, crossThread], partial: false,
                              warnings: ["No hardware PMU counters: no hardware event opened."])
}
