import Testing
@testable import FragCache
@testable import Workloads

@Suite struct PressureWorkloadTests {
    @Test func fullyFragmentedArenaFallsBackEveryTime() throws {
        let workload = try PressureWorkload(parameters(.pressure) {
            $0.pressureFraction = 1.0
            $0.pressureMaxFreeOrder = 0
            $0.fragsz = 256
        })
        #expect(workload.pinnedPages == 4096 / 2)
        workload.runBatch(20_000)
        let figures = workload.figures()
        #expect(figures.refills > 0)
        #expect(figures.fallbacks > 0)
        // No free block above order 0: every refill is a fallback to a 4 KiB page.
        #expect(figures.fallbacks == figures.refills)
        #expect(figures.highOrderFailures == figures.refills)
        #expect(figures.refillFailures == 0)
        // Pinned pages are not the cache's: the peak is the ring's few pages.
        #expect(figures.peakPinnedBytes <= 20 * 4096)
        #expect(workload.tearDown() == nil)
        #expect(workload.ring.allocator.pinnedPageCount == 0)
        #expect(workload.ring.allocator.stats.pagesInUse == 0)
        // Figures stay the same after the pins are gone.
        #expect(workload.figures().peakPinnedBytes == figures.peakPinnedBytes)
    }

    @Test func noFragmentationNoFallbacks() throws {
        let workload = try PressureWorkload(parameters(.pressure) { $0.pressureFraction = 0; $0.fragsz = 256 })
        #expect(workload.pinnedPages == 0)
        workload.runBatch(20_000)
        let figures = workload.figures()
        #expect(figures.refills > 0)
        #expect(figures.fallbacks == 0)
        #expect(workload.tearDown() == nil)
    }

    @Test func freeOrderAtTheMaxOrderLetsHighOrderThrough() throws {
        // Free blocks of order 3 are exactly the cache's 32 KiB pages.
        let workload = try PressureWorkload(parameters(.pressure) { $0.pressureMaxFreeOrder = 3; $0.fragsz = 256 })
        #expect(workload.pinnedPages == 4096 / 16)
        workload.runBatch(20_000)
        #expect(workload.figures().fallbacks == 0)
        #expect(workload.tearDown() == nil)
    }

    @Test func deinitWithoutTearDownUnpins() throws {
        var workload: PressureWorkload? = try PressureWorkload(parameters(.pressure))
        workload?.runBatch(100)
        workload = nil
    }
}
