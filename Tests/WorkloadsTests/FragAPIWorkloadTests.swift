import Testing
@testable import FragCache
@testable import Workloads

/// The API experiments inside the workloads: the same work as the kernel API (same live
/// fragments, same figures where they must agree), no page lost.
@Suite struct FragAPIWorkloadTests {
    @Test(arguments: [FragAPI.localFree, .bulk])
    func ringKeepsDepthFragmentsLiveAndLosesNoPage(api: FragAPI) throws {
        for kind in [WorkloadKind.allocFree, .mixed] {
            let runner = try makeWorkload(parameters(kind) { $0.api = api; $0.depth = 100; $0.bulk = 16 })
            for ops in [1, 37, 5_000] {
                runner.prepareBatch(ops)
                runner.runBatch(ops)
                runner.finishBatch()
            }
            let figures = runner.figures()
            #expect(figures.allocations == 100 + 1 + 37 + 5_000, "\(kind) \(api)")
            #expect(figures.refillFailures == 0)
            let leak = runner.tearDown()
            #expect(leak == nil, "\(kind) \(api)")
        }
    }

    /// alloc-only through allocBulk: the fragments are where allocVA would put them (the same
    /// refills), in runs of `bulk` with a short last run.
    @Test func bulkAllocOnlyMatchesTheKernelAPI() throws {
        let kernel = try AllocOnlyRunner<SwiftRemaining>(parameters(.allocOnly) { $0.fragsz = 100; $0.align = 64 })
        let bulk = try AllocOnlyRunner<SwiftBulkAllocator>(parameters(.allocOnly) { $0.fragsz = 100; $0.align = 64; $0.api = .bulk; $0.bulk = 16 })
        for runner in [kernel as any WorkloadRunner, bulk] { runner.prepareBatch(10_001); runner.runBatch(10_001) }
        // (Plain values in the expectations: the runners hold ~Copyable caches, which the
        // testing library cannot reflect.)
        let kernelBase = kernel.cache.pageAllocator.arena.base, bulkBase = bulk.cache.pageAllocator.arena.base
        var mismatches: [Int] = []
        for i in 0 ..< 10_001 {
            let k = UInt(bitPattern: kernel.slots[i]) &- kernelBase, b = UInt(bitPattern: bulk.slots[i]) &- bulkBase
            if k != b || kernel.slots[i] == nil { mismatches.append(i) }
        }
        #expect(mismatches.isEmpty, "first mismatch at \(mismatches.first ?? -1)")
        kernel.finishBatch()
        bulk.finishBatch()
        let same = kernel.figures() == bulk.figures()
        #expect(same)
        let leaks = [kernel.tearDown(), bulk.tearDown()]
        #expect(leaks == [nil, nil])
    }

    /// The owner-local ring (256 × 64 B, 512 per 32 KiB page) ping-pongs between two pages.
    @Test func localFreeRingNeedsTwoPages() throws {
        let workload = try AllocFreeRunner<SwiftLocalFreeAllocator>(parameters(.allocFree) { $0.api = .localFree; $0.depth = 256; $0.fragsz = 64 })
        workload.runBatch(100_000)
        let figures = workload.figures()
        #expect(figures.refills == 2)
        #expect(figures.reuses > 100_000 / 512 - 2)
        let leak = workload.tearDown()
        #expect(leak == nil)
    }

    /// cross-thread with a bulk producer and a bulk consumer, and with the owner-local cache
    /// (whose frees all come from the consumer, so all atomic): every fragment comes back.
    @Test(arguments: [FragAPI.localFree, .bulk])
    func crossThreadLosesNoPage(api: FragAPI) throws {
        let runner = try makeWorkload(parameters(.crossThread) { $0.api = api; $0.bulk = 16; $0.count = 20_003 })
        for _ in 0 ..< 3 {
            runner.prepareBatch(20_003)
            runner.runBatch(20_003)
            runner.finishBatch()
        }
        let allocations = runner.figures().allocations
        #expect(allocations == 3 * 20_003)
        let leak = runner.tearDown()
        #expect(leak == nil)
    }

    @Test func theExperimentsAreForTheSwiftCacheRemainingLayout() {
        #expect(parameters(.allocFree) { $0.api = .bulk; $0.impl = .mimalloc }.notApplicableReason != nil)
        #expect(parameters(.allocFree) { $0.api = .localFree; $0.variant = .offsetUp }.notApplicableReason != nil)
        #expect(parameters(.pressure) { $0.api = .bulk }.notApplicableReason != nil)
        #expect(parameters(.crossThread) { $0.api = .bulk; $0.usePrepare = true }.notApplicableReason != nil)
        #expect(parameters(.mixed) { $0.api = .localFree }.notApplicableReason == nil)
        #expect(invalidMessage { try parameters(.allocFree) { $0.bulk = 0 }.validate() } != nil)
    }

    /// The split of a ring point: both halves measured, positive, on every API.
    @Test(arguments: FragAPI.allCases)
    func splitTimesBothHalves(api: FragAPI) throws {
        let runner = try makeWorkload(parameters(.allocFree) { $0.api = api })
        guard let splitter = runner.allocFreeSplitting else {
            Issue.record("alloc-free does not split")
            return
        }
        let measured = splitter.measureSplit(ops: 20_000, repeats: 3)
        let split = try #require(measured)
        #expect(split.allocNanosecondsPerOp > 0 && split.allocNanosecondsPerOp.isFinite)
        #expect(split.freeNanosecondsPerOp > 0 && split.freeNanosecondsPerOp.isFinite)
        #expect(split.method.contains("phases of 64"))
        let leak = runner.tearDown()
        #expect(leak == nil)
    }
}
