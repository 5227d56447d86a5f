import Testing
@testable import FragCache
@testable import Workloads

@Suite struct FreeOnlyWorkloadTests {
    /// Every API frees exactly what prepareBatch allocated: no page left after each batch
    /// (the cache's own page aside), none after tear-down.
    @Test(arguments: FragAPI.allCases)
    func freesEverythingItAllocated(api: FragAPI) throws {
        let runner = try makeWorkload(parameters(.freeOnly) { $0.api = api; $0.fragsz = 64; $0.bulk = 7 })
        for ops in [1, 500, 20_000] {
            runner.prepareBatch(ops)
            runner.runBatch(ops)
            runner.finishBatch()
        }
        let figures = runner.figures()
        #expect(figures.allocations == 1 + 500 + 20_000)
        #expect(figures.bytesHandedOut == figures.allocations * 64)
        let leak = runner.tearDown()
        #expect(leak == nil)
    }

    /// Between prepare and run the batch's pages are pinned by its fragments; the timed frees
    /// give them back (for the kernel cache: all but the page the cache holds).
    @Test func theTimedRegionIsTheFrees() throws {
        let workload = try FreeOnlyWorkload(parameters(.freeOnly) { $0.fragsz = 1024 })
        workload.prepareBatch(4096)  // 4 MiB of fragments: 128 pages of 32 KiB
        let allocator = workload.cache.pageAllocator
        let pinned = pagesInUse(allocator)
        #expect(pinned >= 128 * 8)
        workload.runBatch(4096)
        let afterFrees = pagesInUse(allocator)
        #expect(afterFrees <= 8)
        let leak = workload.tearDown()
        #expect(leak == nil)
        let afterTearDown = pagesInUse(allocator)
        #expect(afterTearDown == 0)
    }

    @Test func peersRunIt() throws {
        let p = parameters(.freeOnly) { $0.impl = .malloc }
        #expect(p.notApplicableReason == nil)
        let runner = try makeWorkload(p)
        runner.prepareBatch(1000)
        runner.runBatch(1000)
        let leak = runner.tearDown()
        #expect(leak == nil)
    }
}
