import Testing
@testable import Lab

/// The worker line protocol: requests round-trip, malformed lines are refused with a reason.
@Suite struct WorkerProtocolTests {
    @Test func requestsRoundTrip() throws {
        let requests: [WorkerProtocol.Request] = [
            .point(.init(label: "alloc-only page=4096 max=32768 fragsz=64", args: ["--preset", "quick", "--trace", "a b\"c"])),
            .calibrate(goalNanoseconds: 1_000_000), .sample(ops: 12_345), .end, .quit,
        ]
        for r in requests {
            #expect(try WorkerProtocol.decode(WorkerProtocol.encode(r)) == r)
        }
    }

    @Test func malformedRequestsAreRefused() {
        for line in ["", "sample", "sample 0", "sample -3", "sample 99999999999999999999", "calibrate 0",
                     "calibrate nan", "point {", "point [1]", "frobnicate 3", String(repeating: "x", count: 10_000)] {
            #expect(throws: WorkerProtocol.ProtocolError.self) { try WorkerProtocol.decode(line) }
        }
    }

    @Test func sampleReplies() {
        let reply = WorkerProtocol.SampleReply(nanosecondsPerOp: 1.25, canaryNanosecondsPerStep: 8.5)
        #expect(WorkerProtocol.SampleReply.parse(reply.line) == reply)
        #expect(WorkerProtocol.SampleReply.parse("sample nan 1") == nil)
        #expect(WorkerProtocol.SampleReply.parse("sample 0 1") == nil)
        #expect(WorkerProtocol.SampleReply.parse("error nope") == nil)
        #expect(WorkerProtocol.SampleReply.parse("sample 1") == nil)
    }

    @Test func greetingsOfOldAndNewBuildsAreRead() {
        #expect(WorkerProtocol.parseGreeting(WorkerProtocol.greeting)! == (1, WorkerProtocol.workloadsRevision))
        // A build from before the workloads revision was announced.
        #expect(WorkerProtocol.parseGreeting("fragbench-worker 1")! == (1, 1))
        #expect(WorkerProtocol.parseGreeting("fragbench-worker 1 workloads=7")! == (1, 7))
        // This build draws its layout from a seed; older ones do not say so.
        #expect(WorkerProtocol.drawsLayoutFromSeed(WorkerProtocol.greeting))
        #expect(!WorkerProtocol.drawsLayoutFromSeed("fragbench-worker 1 workloads=3"))
        #expect(WorkerProtocol.parseGreeting("fragbench-worker 1 workloads=3 layout=1")! == (1, 3))
        // This build starts its functions on 64 bytes (Package.swift's codeAlignment); older ones do not.
        #expect(WorkerProtocol.alignsFunctions(WorkerProtocol.greeting))
        #expect(!WorkerProtocol.alignsFunctions("fragbench-worker 1 workloads=3 layout=1"))
        #expect(WorkerProtocol.parseGreeting("fragbench-worker 1 workloads=3 layout=1 codealign=64")! == (1, 3))
        for bad in ["", "hello", "fragbench-worker", "fragbench-worker x", "fragbench-worker 1 workloads=x", "usage: fragbench"] {
            #expect(WorkerProtocol.parseGreeting(bad) == nil, "\(bad)")
        }
    }

    @Test func aChangedWorkloadDefinitionIsNamed() {
        #expect(WorkerProtocol.changedWorkloads(1, 2) == ["alloc-only", "free-only"])
        #expect(WorkerProtocol.changedWorkloads(2, 1) == ["alloc-only", "free-only"])
        #expect(WorkerProtocol.changedWorkloads(2, 2).isEmpty)
        #expect(WorkerProtocol.changedWorkloads(1, 1).isEmpty)
        #expect(WorkerProtocol.changedWorkloads(2, 3) == ["cross-thread"])
        #expect(WorkerProtocol.changedWorkloads(3, 1) == ["alloc-only", "free-only", "cross-thread"])
    }
}
