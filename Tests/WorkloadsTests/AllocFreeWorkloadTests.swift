import Testing
@testable import FragCache
@testable import Workloads

@Suite struct AllocFreeWorkloadTests {
    @Test func keepsExactlyDepthFragmentsLive() throws {
        let workload = try AllocFreeWorkload(parameters(.allocFree) { $0.depth = 256; $0.fragsz = 64 })
        #expect(workload.ring.liveCount == 256)
        for ops in [1, 100, 10_000] {
            workload.prepareBatch(ops)
            workload.runBatch(ops)
            workload.finishBatch()
            #expect(workload.ring.liveCount == 256)
        }
        // 256 × 64 bytes live span at most one 32 KiB page, plus the one being carved.
        #expect(pagesInUse(workload.ring.allocator) <= 2 * 8)
        let figures = workload.figures()
        #expect(figures.allocations == 256 + 1 + 100 + 10_000)
        #expect(figures.bytesHandedOut == figures.allocations * 64)
        #expect(figures.refillFailures == 0)
        // About one 32 KiB refill per 512 fragments of 64 bytes.
        #expect(figures.refills >= figures.allocations / 512)
        #expect(figures.refills <= figures.allocations / 512 + 2)
        #expect(figures.bytesConsumed >= figures.bytesHandedOut)
        #expect(workload.tearDown() == nil)
        #expect(pagesInUse(workload.ring.allocator) == 0)
    }

    @Test func alignedFragmentsAreAligned() throws {
        let workload = try AllocFreeWorkload(parameters(.allocFree) { $0.depth = 64; $0.fragsz = 100; $0.align = 64 })
        workload.runBatch(3_000)
        for i in 0 ..< 64 {
            let fragment = try #require(workload.ring.slots[i])
            #expect(UInt(bitPattern: fragment) % 64 == 0)
        }
        let figures = workload.figures()
        // Padding to 64 bytes is waste: 28 bytes per 100-byte fragment.
        #expect(figures.bytesConsumed - figures.bytesHandedOut >= (figures.allocations - 1) * 28)
        #expect(workload.tearDown() == nil)
    }

    @Test func depthOneAndLargeFragments() throws {
        let workload = try AllocFreeWorkload(parameters(.allocFree) { $0.depth = 1; $0.fragsz = 4096 })
        workload.runBatch(1_000)
        #expect(workload.ring.liveCount == 1)
        #expect(workload.figures().refillFailures == 0)
        #expect(workload.tearDown() == nil)
    }

    @Test func peakDescribesTheSteadyRing() throws {
        let workload = try AllocFreeWorkload(parameters(.allocFree) { $0.depth = 512; $0.fragsz = 512 })
        workload.runBatch(20_000)
        // 512 × 512 bytes = 256 KiB live: 8 or 9 pages of 32 KiB at the peak.
        let peak = workload.figures().peakPinnedBytes
        #expect(peak >= 8 * 32_768)
        #expect(peak <= 10 * 32_768)
        #expect(workload.tearDown() == nil)
    }
}
