import Foundation
import Testing
import FragCache
import Workloads
@testable import Lab

/// What a worker does about page faults: a page_frag point's request asks for a lazy arena, and
/// a sample during which the process faulted is taken again, at most `faultRetakes` more times.
/// Serialized: every session reads the noise canary, whose buffer is one per process (a worker
/// has one measuring thread); two sessions at once raced on it under TSan.
@Suite(.serialized) struct WorkerSessionTests {
    static func point(_ impl: Implementation = .swift) throws -> WorkloadParameters {
        var p = WorkloadParameters(kind: .allocOnly, config: try FragCacheConfig(pageSize: 4096, maxSize: 32768),
                                   arenaBytes: 8 << 20)
        p.impl = impl
        return p
    }

    /// Page-fault counts read in turn from `script` (its last value once it runs out), and how
    /// many reads were made.
    final class FakeFaults: @unchecked Sendable {
        var script: [Int]
        var reads = 0
        init(_ script: [Int]) { self.script = script }
        func read() -> Int {
            defer { reads += 1 }
            return script[min(reads, script.count - 1)]
        }
    }

    /// A worker set up with `request`'s point and calibrated to short samples.
    static func session(_ faults: FakeFaults, _ request: WorkerProtocol.PointRequest) -> WorkerSession {
        let session = WorkerSession(cpu: nil, pageFaults: { faults.read() })
        #expect(session.handle(.point(request)).hasPrefix("ready "))
        #expect(session.handle(.calibrate(goalNanoseconds: 100_000)).hasPrefix("ops "))
        return session
    }

    @Test func aPageFragRequestLeavesItsArenaLazyAndKeepsItsName() throws {
        for impl in [Implementation.swift, .c] {
            let p = try Self.point(impl)
            let request = WorkerProtocol.PointRequest(p, args: [])
            #expect(request.spec?.parameters.lazyArena == true)
            #expect(request.label == PointLabel.text(p))
            #expect(request.spec?.name == PointLabel.benchmarkName(p))
        }
        // A general-purpose allocator has no arena.
        let request = WorkerProtocol.PointRequest(try Self.point(.malloc), args: [])
        #expect(request.spec?.parameters.lazyArena == nil)
    }

    /// A description from a build without the field decodes as resident.
    @Test func aDescriptionWithoutTheFieldIsResident() throws {
        let text = String(decoding: PointSpec(try Self.point()).encoded(), as: UTF8.self)
        #expect(!text.contains("lazyArena"))
        #expect(try PointSpec.decode(Data(text.utf8)).parameters.lazyArena == nil)
    }

    @Test func aSampleThatFaultedIsTakenAgainOnce() throws {
        // Before the first try, after it (one fault), before the retake, after it (none).
        let faults = FakeFaults([0, 1, 1, 1])
        let session = Self.session(faults, WorkerProtocol.PointRequest(try Self.point(), args: []))
        let reply = session.handle(.sample(ops: 1_000))
        #expect(WorkerProtocol.SampleReply.parse(reply) != nil, "\(reply)")
        #expect(session.retakenSamples == 1 && session.faultedSamples == 0)
        #expect(faults.reads == 4)
        #expect(session.handle(.end) == "ok")
    }

    @Test func aWorkloadThatKeepsFaultingCostsAtMostThreeRetakes() throws {
        let faults = FakeFaults(Array(0 ..< 100))
        let session = Self.session(faults, WorkerProtocol.PointRequest(try Self.point(), args: []))
        #expect(WorkerProtocol.SampleReply.parse(session.handle(.sample(ops: 1_000))) != nil)
        #expect(session.retakenSamples == WorkerSession.faultRetakes && session.faultedSamples == 1)
        // A new point starts its counts afresh.
        #expect(session.handle(.end) == "ok")
        #expect(session.handle(.point(WorkerProtocol.PointRequest(try Self.point(), args: []))).hasPrefix("ready "))
        #expect(session.retakenSamples == 0 && session.faultedSamples == 0)
        session.finish()
    }

    /// A resident arena paid for its pages at set-up: its samples are never retaken, and the
    /// fault count is not even read.
    @Test func aResidentArenasSamplesAreNotRetaken() throws {
        let faults = FakeFaults(Array(0 ..< 100))
        let session = Self.session(faults, WorkerProtocol.PointRequest(label: "x", spec: PointSpec(try Self.point())))
        #expect(WorkerProtocol.SampleReply.parse(session.handle(.sample(ops: 1_000))) != nil)
        #expect(session.retakenSamples == 0 && faults.reads == 0)
        #expect(session.handle(.end) == "ok")
    }
}
