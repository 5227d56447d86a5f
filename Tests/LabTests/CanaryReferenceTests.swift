import BenchReport
import Foundation
import Testing
@testable import Lab

/// A whole run on a slowed machine is recognised against earlier runs' canaries.
@Suite struct CanaryReferenceTests {
    func point(_ ns: Double, low: Double, high: Double) -> BenchPoint {
        var p = BenchPoint(workload: "alloc-only", pageSize: 4096, maxSize: 32768, fragsz: 64, align: 1, ops: 1, samples: 1,
                           nsPerOp: ns, minNsPerOp: ns, errPct: 0, unstable: false, hint: nil, tscCyclesPerOp: nil, cpu: 0,
                           pinned: true, counters: [], counterSource: "none", counterStatus: "", refillsPerKop: nil,
                           fallbacks: nil, reuses: nil, pfmemallocDrops: nil, wastePct: nil, peakPinnedBytes: nil)
        p.nsPerOpLow = low
        p.nsPerOpHigh = high
        return p
    }

    @Test func slowdownNeedsMoreThanTheTolerance() {
        let ref = CanaryReference.Reference(baseline: 8.5, runs: 3)
        #expect(CanaryReference.slowdown(baseline: 9.0, reference: ref) == nil)
        #expect(abs(CanaryReference.slowdown(baseline: 10.2, reference: ref)! - 1.2) < 1e-12)
        #expect(CanaryReference.slowdown(baseline: 10.2, reference: nil) == nil)
        #expect(CanaryReference.slowdown(baseline: nil, reference: ref) == nil)
    }

    @Test func aSlowMachineWidensTheIntervalDownAndFlagsThePoint() {
        let widened = CanaryReference.widen([point(12, low: 11.9, high: 12.1)], slowdown: 1.2)[0]
        #expect(widened.nsPerOpLow == 10)
        #expect(widened.nsPerOpHigh == 12.1)
        #expect(widened.unstable)
        #expect(widened.hint!.contains("machine 20% slower"))
    }

    @Test func theReferenceIsTheQuietestRunOnTheSameCPUModel() throws {
        let root = NSTemporaryDirectory() + "fragbench-canary-\(UUID().uuidString)"
        func store(_ name: String, cpu: String, baseline: Double?) throws {
            var provenance = Provenance(gitCommit: nil, gitDirty: nil, date: "d", swiftVersion: nil, buildConfiguration: "release",
                                        buildFlags: nil, kernel: nil, cpuModel: cpu, cpuCount: 2, governor: nil,
                                        perfEventParanoid: nil, tscHz: nil, tscCalibration: nil, counterBackend: "none",
                                        counterReason: "", command: "", quick: false)
            provenance.canaryBaselineNs = baseline
            try FileManager.default.createDirectory(atPath: "\(root)/runs/\(name)", withIntermediateDirectories: true)
            try JSONReport.render(BenchRun(provenance: provenance, points: [])).write(toFile: "\(root)/runs/\(name)/run.json", atomically: true, encoding: .utf8)
        }
        try store("a", cpu: "Xeon", baseline: 9.1)
        try store("b", cpu: "Xeon", baseline: 8.6)
        try store("c", cpu: "EPYC", baseline: 3.0)
        try store("d", cpu: "Xeon", baseline: nil)
        try FileManager.default.createDirectory(atPath: "\(root)/runs/broken", withIntermediateDirectories: true)
        try "{".write(toFile: "\(root)/runs/broken/run.json", atomically: true, encoding: .utf8)
        #expect(CanaryReference.load(root: root, cpuModel: "Xeon") == .init(baseline: 8.6, runs: 2))
        #expect(CanaryReference.load(root: root, cpuModel: "Other") == nil)
        #expect(CanaryReference.load(root: root + "/nothing", cpuModel: "Xeon") == nil)
    }
}
