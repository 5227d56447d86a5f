import Testing
@testable import FragCache
@testable import Lab
@testable import Workloads

/// What a worker answers while it sets a point up. It makes the workload before it pins itself
/// (the pairer sets both workers up at once, so their arenas populate on both CPUs), so a pin
/// that fails must leave no workload behind.
@Suite(.serialized) struct WorkerSessionTests {
    static func request(_ kind: WorkloadKind = .allocFree) throws -> WorkerProtocol.PointRequest {
        let p = WorkloadParameters(kind: kind, config: try FragCacheConfig(pageSize: 4096, maxSize: 32768), arenaBytes: 4 << 20)
        return WorkerProtocol.PointRequest(p, args: [])
    }

    @Test func aPinThatFailsLeavesNoWorkload() throws {
        let session = WorkerSession(cpu: 4095)
        let reply = session.handle(.point(try Self.request()))
        #expect(reply.hasPrefix("error cannot pin to CPU 4095"), "\(reply)")
        #expect(session.handle(.calibrate(goalNanoseconds: 100_000)) == "error no point set up")
        #expect(session.handle(.sample(ops: 10)) == "error no point set up")
    }

    @Test func aPointIsReadyAndSamplesWhenNoPinIsAsked() throws {
        let session = WorkerSession(cpu: nil)
        defer { session.finish() }
        let reply = session.handle(.point(try Self.request()))
        #expect(reply.hasPrefix("ready "), "\(reply)")
        let calibrated = session.handle(.calibrate(goalNanoseconds: 100_000))
        let ops = try #require(Int(calibrated.dropFirst(4)), "\(calibrated)")
        #expect(WorkerProtocol.SampleReply.parse(session.handle(.sample(ops: ops))) != nil)
        #expect(session.handle(.end) == "ok")
    }
}
