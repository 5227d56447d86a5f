import Testing
@testable import FragCache
@testable import Workloads

/// mixed on a fragmented arena (`--fragmented`, what `tune --fragmented` runs): high-order
/// refills fail and fall back where the arena has no free block large enough, and nowhere
/// else. Fails if the option is ignored (no failures on the fragmented arena).
@Suite struct FragmentedMixedWorkloadTests {
    func figures(_ fragmented: ArenaFragmentation?, maxSize: Int = 32768) throws -> (CacheFigures, MixedWorkload) {
        let workload = try MixedWorkload(parameters(.mixed, config: try FragCacheConfig(maxSize: maxSize)) { $0.fragmented = fragmented })
        workload.runBatch(20_000)
        return (workload.figures(), workload)
    }

    @Test func aHeavilyFragmentedArenaFailsEveryHighOrderRefill() throws {
        let (fragmented, workload) = try figures(.presets[0].value)
        #expect(fragmented.refills > 0)
        #expect(fragmented.highOrderFailures == fragmented.refills, "no free block above one page: every 32 KiB refill falls back")
        #expect(fragmented.refillFailures == 0)
        #expect(workload.ring.allocator.pinnedPageCount > 0)
        #expect(workload.tearDown() == nil)
        #expect(workload.ring.allocator.pinnedPageCount == 0 && workload.ring.allocator.stats.pagesInUse == 0)

        let (plain, clean) = try figures(nil)
        #expect(plain.refills > 0 && plain.highOrderFailures == 0)
        #expect(clean.tearDown() == nil)
    }

    /// `moderate` leaves free blocks of four pages: a 16 KiB refill finds one, a 32 KiB one does not.
    @Test func moderateFragmentationFailsOnlyAboveItsFreeOrder() throws {
        let moderate = try #require(ArenaFragmentation.presets.first { $0.name == "moderate" }).value
        let (small, a) = try figures(moderate, maxSize: 16384)
        #expect(small.refills > 0 && small.highOrderFailures == 0)
        #expect(a.tearDown() == nil)
        let (large, b) = try figures(moderate, maxSize: 32768)
        #expect(large.highOrderFailures == large.refills && large.refills > 0)
        #expect(b.tearDown() == nil)
    }

    @Test func theOptionsValuesParseOrSayWhy() throws {
        #expect(try ArenaFragmentation.parse("1") == ArenaFragmentation(fraction: 1, maxFreeOrder: 0))
        #expect(try ArenaFragmentation.parse("0.5:2") == ArenaFragmentation(fraction: 0.5, maxFreeOrder: 2))
        #expect(try ArenaFragmentation.parse("heavy") == ArenaFragmentation(fraction: 1, maxFreeOrder: 0))
        for bad in ["", "2", "-0.1", "nan", "1:10", "1:x", "1:2:3", "lots"] {
            #expect(throws: ArenaFragmentation.ParseError.self, "\(bad)") { try ArenaFragmentation.parse(bad) }
        }
        #expect(throws: WorkloadError.self) { try parameters(.allocFree) { $0.fragmented = .presets[0].value }.validate() }
        #expect(parameters(.mixed) { $0.fragmented = .presets[0].value; $0.impl = .c }.notApplicableReason != nil)
    }
}
