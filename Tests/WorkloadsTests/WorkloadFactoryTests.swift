import Testing
@testable import FragCache
@testable import Workloads

@Suite struct WorkloadFactoryTests {
    @Test func buildsEveryKind() throws {
        let trace = try temporaryFile("alloc a 64\nfree a\n", suffix: ".trace")
        for kind in WorkloadKind.allCases {
            let workload = try makeWorkload(parameters(kind) { $0.tracePath = trace; $0.count = 1_000 })
            #expect(workload.parameters.kind == kind)
            let ops = workload.fixedBatchSize ?? 1_000
            workload.prepareBatch(ops)
            workload.runBatch(ops)
            workload.finishBatch()
            #expect(workload.figures().allocations > 0, "\(kind)")
            #expect(workload.tearDown() == nil, "\(kind)")
        }
    }

    @Test(arguments: [
        (parameters(.allocFree) { $0.fragsz = 0 }, "fragsz 0 must be at least 1"),
        (parameters(.allocOnly) { $0.fragsz = 4097 }, "fragsz 4097 exceeds the page size 4096"),
        (parameters(.crossThread) { $0.fragsz = 5000 }, "fragsz 5000 exceeds the page size 4096"),
        (parameters(.prepareCommit) { $0.fragsz = 2 << 20 }, "fragsz 2097152 (the mean message size) must be at most 1048576"),
        (parameters(.allocFree) { $0.align = 3 }, "align 3 is not a power of two between 1 and the page size 4096"),
        (parameters(.mixed) { $0.align = 8192 }, "align 8192 is not a power of two between 1 and the page size 4096"),
        (parameters(.allocFree) { $0.align = 0 }, "align 0 is not a power of two"),
        (parameters(.allocFree) { $0.depth = 0 }, "depth 0 must be at least 1"),
        (parameters(.prepareCommit) { $0.depth = -1 }, "depth -1 must be at least 1"),
        (parameters(.mixed) { $0.depth = 0 }, "depth 0 must be at least 1"),
        (parameters(.allocFree) { $0.depth = 1 << 20; $0.fragsz = 4096 }, "depth 1048576 live fragments of up to 4096 bytes need about"),
        (parameters(.prepareCommit) { $0.depth = 1_000 }, "depth 1000 in-flight fragments may pin as many 32768-byte pages"),
        (parameters(.crossThread) { $0.count = 0 }, "count 0 must be at least 1"),
        (parameters(.crossThread) { $0.pushCPU = -1 }, "pushCPU -1 must be between 0 and 1023"),
        (parameters(.crossThread) { $0.popCPU = 4096 }, "popCPU 4096 must be between 0 and 1023"),
        (parameters(.replay), "the replay workload needs a trace file (tracePath)"),
        (parameters(.replay) { $0.tracePath = "" }, "the replay workload needs a trace file (tracePath)"),
        (parameters(.mixed) { $0.distribution = .histogram([]) }, "the size histogram is empty"),
        (parameters(.mixed) { $0.distribution = .histogram([.init(size: 64, weight: 0)]) }, "histogram weight 0.0 for size 64 must be a positive number"),
        (parameters(.mixed) { $0.distribution = .histogram([.init(size: 64, weight: -.infinity)]) }, "histogram weight -inf for size 64 must be a positive number"),
        (parameters(.mixed) { $0.distribution = .histogram([.init(size: 5000, weight: 1)]) }, "histogram size 5000 must lie within 1...4096"),
        (parameters(.mixed) { $0.distribution = .uniform(0 ... 10) }, "uniform sizes 0-10 must lie within 1...4096"),
        (parameters(.mixed) { $0.distribution = .uniform(64 ... 9000) }, "uniform sizes 64-9000 must lie within 1...4096"),
        (parameters(.pressure) { $0.pressureFraction = 1.5 }, "pressureFraction 1.5 must be between 0 and 1"),
        (parameters(.pressure) { $0.pressureFraction = -0.1 }, "pressureFraction -0.1 must be between 0 and 1"),
        (parameters(.pressure) { $0.pressureFraction = .nan }, "pressureFraction nan must be between 0 and 1"),
        (parameters(.pressure) { $0.pressureMaxFreeOrder = 10 }, "pressureMaxFreeOrder 10 must be between 0 and 9"),
        (parameters(.pressure) { $0.pressureMaxFreeOrder = -1 }, "pressureMaxFreeOrder -1 must be between 0 and 9"),
        (parameters(.allocFree) { $0.arenaBytes = 32_768 }, "arenaBytes 32768 must hold at least two 32768-byte pages"),
    ])
    func rejectsInvalidParameters(p: WorkloadParameters, message: String) {
        let error = invalidMessage { _ = try makeWorkload(p) }
        #expect(error?.hasPrefix(message) == true, "got: \(error ?? "no error")")
        // The sweep's up-front check applies the same rules.
        #expect(invalidMessage { try p.validate() } == error)
    }

    @Test func eachInitChecksToo() {
        let bad = parameters(.allocFree) { $0.depth = 0 }
        #expect(invalidMessage { _ = try AllocFreeWorkload(bad) } == "depth 0 must be at least 1")
        #expect(invalidMessage { _ = try PressureWorkload(bad) } == "depth 0 must be at least 1")
        #expect(invalidMessage { _ = try MixedWorkload(bad) } == "depth 0 must be at least 1")
        #expect(invalidMessage { _ = try PrepareCommitWorkload(bad) } == "depth 0 must be at least 1")
    }

    @Test func mixedIgnoresFragsz() throws {
        let workload = try makeWorkload(parameters(.mixed) { $0.fragsz = 0 })
        #expect(workload.tearDown() == nil)
    }
}
