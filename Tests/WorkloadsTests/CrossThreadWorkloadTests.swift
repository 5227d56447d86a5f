import Testing
@testable import FragCache
@testable import Workloads

@Suite struct CrossThreadWorkloadTests {
    @Test(arguments: [false, true])
    func consumerFreesEverything(usePrepare: Bool) throws {
        let workload = try CrossThreadWorkload(parameters(.crossThread) {
            $0.count = 4_000
            $0.fragsz = 128
            $0.usePrepare = usePrepare
        })
        #expect(workload.fixedBatchSize == 4_000)
        for _ in 0 ..< 3 {
            workload.prepareBatch(4_000)
            workload.runBatch(4_000)
            workload.finishBatch()
            // The batch returns only once the consumer has freed everything: only the
            // cache's own page is left.
            #expect(pagesInUse(workload.allocator) <= 8)
            #expect(workload.lastBatchNanoseconds > 0)
        }
        let figures = workload.figures()
        #expect(figures.allocations == 12_000)
        #expect(figures.bytesHandedOut == 12_000 * 128)
        #expect(figures.refillFailures == 0)
        // Every page is either refilled or reused (the consumer often frees a page's
        // fragments before the producer needs another).
        #expect(figures.refills + figures.reuses >= 12_000 * 128 / 32_768)
        #expect(workload.tearDown() == nil)
        #expect(pagesInUse(workload.allocator) == 0)
    }

    /// The kernel test module's logic (free the fragment and allocate again when the ring is
    /// full; the consumer never yields), on the lab's model and on a kernel version port:
    /// every batch completes and nothing leaks.
    @Test(arguments: [LayoutVariant.remaining, .v6_13, .v6_12])
    func kernelTestRingFullLogic(variant: LayoutVariant) throws {
        let workload = try makeWorkload(parameters(.crossThread) {
            $0.count = 20_000
            $0.fragsz = 12
            $0.ringFull = .free
            $0.variant = variant
        })
        for _ in 0 ..< 3 {
            workload.prepareBatch(20_000)
            workload.runBatch(20_000)
            workload.finishBatch()
        }
        let figures = workload.figures()
        #expect(figures.allocations == 60_000)
        // Fragments freed on a full ring were carved too: at least what was pushed.
        #expect(figures.bytesConsumed >= figures.bytesHandedOut)
        #expect(workload.tearDown() == nil)
    }

    @Test func alignedAllocationsAndPrepare() throws {
        for usePrepare in [false, true] {
            let workload = try CrossThreadWorkload(parameters(.crossThread) {
                $0.count = 2_000
                $0.fragsz = 100
                $0.align = 64
                $0.usePrepare = usePrepare
            })
            workload.runBatch(2_000)
            let figures = workload.figures()
            // Every fragment starts on a 64-byte boundary: 100 bytes use 128 (the last one
            // of the run needs no padding after it).
            #expect(figures.bytesConsumed >= (figures.allocations - 1) * 128 + 100)
            #expect(workload.tearDown() == nil)
        }
    }

    @Test func pinsBothThreadsAndRestoresTheProducer() throws {
        guard let before = ThreadAffinity.currentMask() else { return }
        let cpus = withUnsafeBytes(of: before) { bytes in (0 ..< bytes.count * 8).filter { bytes[$0 / 8] & (1 << ($0 % 8)) != 0 } }
        guard let push = cpus.first, let pop = cpus.last else { return }
        let workload = try CrossThreadWorkload(parameters(.crossThread) {
            $0.count = 3_000
            $0.pushCPU = push
            $0.popCPU = pop
        })
        workload.prepareBatch(3_000)
        #expect(workload.producerPinError == nil)
        let pinned = try #require(ThreadAffinity.currentMask())
        withUnsafeBytes(of: pinned) { bytes in
            #expect((0 ..< bytes.count * 8).filter { bytes[$0 / 8] & (1 << ($0 % 8)) != 0 } == [push])
        }
        workload.runBatch(3_000)
        #expect(workload.figures().allocations == 3_000)
        #expect(workload.tearDown() == nil)
        let after = try #require(ThreadAffinity.currentMask())
        withUnsafeBytes(of: after) { a in
            withUnsafeBytes(of: before) { b in #expect(Array(a) == Array(b)) }
        }
    }

    /// Producer and consumer on one CPU: only yielding lets the other side run.
    @Test func sharingOneCPUStillProgresses() throws {
        guard let mask = ThreadAffinity.currentMask() else { return }
        let cpu = withUnsafeBytes(of: mask) { bytes in (0 ..< bytes.count * 8).first { bytes[$0 / 8] & (1 << ($0 % 8)) != 0 } }
        let workload = try CrossThreadWorkload(parameters(.crossThread) {
            $0.count = 3_000
            $0.pushCPU = cpu
            $0.popCPU = cpu
        })
        workload.prepareBatch(3_000)
        workload.runBatch(3_000)
        workload.runBatch(3_000)
        #expect(workload.figures().allocations == 6_000)
        #expect(workload.tearDown() == nil)
    }

    @Test func batchesOfOtherSizesAndDeinitWithoutTearDown() throws {
        var workload: CrossThreadWorkload? = try CrossThreadWorkload(parameters(.crossThread) { $0.count = 1_000 })
        workload?.runBatch(1)
        workload?.runBatch(513)
        workload?.runBatch(5_000)
        #expect(workload?.figures().allocations == 5_514)
        workload = nil  // joins the consumer; must not hang
    }

    @Test func rejectsAnImpossibleCPU() {
        #expect(invalidMessage { _ = try CrossThreadWorkload(parameters(.crossThread) { $0.popCPU = 1023 }) }?
            .contains("popCPU 1023 does not exist") == true)
    }
}
