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

    /// The reference is the machine's, per CPU model: the quietest baseline recorded, kept
    /// whatever results directory a run uses; a damaged file is not trusted.
    @Test func theReferenceIsTheQuietestRunOnTheSameCPUModel() throws {
        let dir = NSTemporaryDirectory() + "fragbench-machine-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(CanaryReference.load(directory: dir, cpuModel: "Xeon") == nil)
        #expect(CanaryReference.record(baseline: 9.1, cpuModel: "Xeon", directory: dir) == nil)
        #expect(CanaryReference.record(baseline: 8.6, cpuModel: "Xeon", directory: dir) == nil)
        #expect(CanaryReference.record(baseline: 3.0, cpuModel: "EPYC", directory: dir) == nil)
        #expect(CanaryReference.record(baseline: .nan, cpuModel: "Xeon", directory: dir) != nil)
        #expect(CanaryReference.load(directory: dir, cpuModel: "Xeon") == .init(baseline: 8.6, runs: 2))
        #expect(CanaryReference.load(directory: dir, cpuModel: "Other") == nil)
        try "{".write(toFile: CanaryReference.file(in: dir), atomically: true, encoding: .utf8)
        #expect(CanaryReference.load(directory: dir, cpuModel: "Xeon") == nil)
        #expect(CanaryReference.record(baseline: 9.5, cpuModel: "Xeon", directory: dir) == nil, "a damaged file is replaced")
        #expect(CanaryReference.load(directory: dir, cpuModel: "Xeon") == .init(baseline: 9.5, runs: 1))
    }

    @Test func aRunSlowerThanTheMachinesReferenceIsWidenedAndRecorded() throws {
        let dir = NSTemporaryDirectory() + "fragbench-machine-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CanaryReference.record(baseline: 8.0, cpuModel: "Xeon", directory: dir)
        let quiet = CanaryReference.check([point(12, low: 11.9, high: 12.1)], baseline: 8.2, cpuModel: "Xeon", directory: dir)
        #expect(quiet.warning == nil && quiet.points[0].nsPerOpLow == 11.9)
        let slow = CanaryReference.check([point(12, low: 11.9, high: 12.1)], baseline: 9.6, cpuModel: "Xeon", directory: dir)
        #expect(slow.warning?.contains("20% slower than in the quietest of 2 earlier run(s)") == true, "\(slow.warning ?? "")")
        #expect(slow.points[0].unstable)
        #expect(CanaryReference.load(directory: dir, cpuModel: "Xeon")?.runs == 3)
        #expect(CanaryReference.check([point(12, low: 11.9, high: 12.1)], baseline: 50, cpuModel: "Xeon", directory: nil).warning == nil,
                "no directory (a debug build): no reference")
    }

    @Test func theDirectoryFollowsTheEnvironment() {
        #expect(CanaryReference.directory(environment: ["FRAGBENCH_MACHINE_DIR": "/m", "HOME": "/h"]) == "/m")
        #expect(CanaryReference.directory(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"]) == "/c/fragbench")
        #expect(CanaryReference.directory(environment: ["HOME": "/h"]) == "/h/.cache/fragbench")
        #expect(CanaryReference.directory(environment: [:]) == nil)
    }
}
