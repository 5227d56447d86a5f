import CFragCacheC
import CKernelPorts
import Testing
@testable import Workloads
@testable import FragCache

/// The C twins of the kernel versions (Sources/CKernelPorts): where fragments land, alignment,
/// refill order and fallback, reuse, pfmemalloc, oversize requests, leaks, and part2's
/// prepare/commit; then the workloads on each.
@Suite struct CKernelPortsTests {
    enum Version: String, CaseIterable, CustomTestStringConvertible {
        case v6_12, v6_13, rfcV11Pre08, rfcV11, part2V2
        var testDescription: String { rawValue }
        /// v6.12 carves from the end of the page down; the others from 0 up.
        var countsDown: Bool { self == .v6_12 }
        var variant: LayoutVariant {
            switch self {
            case .v6_12: .v6_12
            case .v6_13: .v6_13
            case .rfcV11Pre08: .rfcV11Pre08
            case .rfcV11: .rfcV11
            case .part2V2: .part2V2
            }
        }
    }

    final class Harness {
        let version: Version
        let arena: UnsafeMutablePointer<cfrag_arena>
        let cache = UnsafeMutablePointer<kp_cache>.allocate(capacity: 1)
        init(_ version: Version, maxSize: UInt32 = 32768, bytes: Int = 8 << 20) {
            self.version = version
            arena = cfrag_arena_create(4096, bytes, 1)!
            kp_cache_init(cache, arena, maxSize)
        }
        deinit {
            cache.deallocate()
            cfrag_arena_destroy(arena)
        }
        func alloc(_ size: Int, align: Int = 1) -> UnsafeMutableRawPointer? {
            let (s, a) = (UInt32(size), UInt32(align))
            switch (version, align) {
            case (.v6_12, 1): return kp_v6_12_alloc(cache, s)
            case (.v6_12, _): return kp_v6_12_alloc_align(cache, s, a)
            case (.v6_13, 1): return kp_v6_13_alloc(cache, s)
            case (.v6_13, _): return kp_v6_13_alloc_align(cache, s, a)
            case (.rfcV11Pre08, 1): return kp_rfc_v11_pre08_alloc(cache, s)
            case (.rfcV11Pre08, _): return kp_rfc_v11_pre08_alloc_align(cache, s, a)
            case (.rfcV11, 1): return kp_rfc_v11_alloc(cache, s)
            case (.rfcV11, _): return kp_rfc_v11_alloc_align(cache, s, a)
            case (.part2V2, 1): return kp_part2_v2_alloc(cache, s)
            case (.part2V2, _): return kp_part2_v2_alloc_align(cache, s, a)
            }
        }
        func drain() {
            switch version {
            case .v6_12: kp_v6_12_drain(cache)
            case .v6_13: kp_v6_13_drain(cache)
            case .rfcV11Pre08: kp_rfc_v11_pre08_drain(cache)
            case .rfcV11: kp_rfc_v11_drain(cache)
            case .part2V2: kp_part2_v2_drain(cache)
            }
        }
        /// (head page index, offset in the block) of a fragment.
        func place(_ p: UnsafeMutableRawPointer) -> (page: Int32, offset: Int) {
            let index = Int((UInt(bitPattern: p) - arena.pointee.base) >> UInt(arena.pointee.page_shift))
            let head = arena.pointee.pages[index].head
            let start = arena.pointee.base + (UInt(head) << UInt(arena.pointee.page_shift))
            return (head, Int(UInt(bitPattern: p) - start))
        }
        func order(_ p: UnsafeMutableRawPointer) -> Int { Int(arena.pointee.pages[Int(place(p).page)].order) }
        func free(_ p: UnsafeMutableRawPointer) { kp_page_frag_free(arena, p) }
        var counts: kp_counts { cache.pointee.env.counts }
        var pagesInUse: Int { arena.pointee.pages_in_use }
    }

    @Test(arguments: Version.allCases)
    func successiveOffsetsAndAlignment(version: Version) throws {
        let h = Harness(version)
        let a = try #require(h.alloc(12))
        let b = try #require(h.alloc(12))
        let c = try #require(h.alloc(12, align: 64))
        #expect(h.order(a) == 3)
        #expect(h.place(a).page == h.place(b).page && h.place(b).page == h.place(c).page)
        if version.countsDown {
            // 32768 - 12, then - 12, then - 12 rounded down to 64.
            #expect([h.place(a).offset, h.place(b).offset, h.place(c).offset] == [32756, 32744, 32704])
        } else {
            // 0, 12, then 24 rounded up to 64.
            #expect([h.place(a).offset, h.place(b).offset, h.place(c).offset] == [0, 12, 64])
        }
        #expect(h.counts.refills == 1 && h.counts.fallbacks == 0)
        for p in [a, b, c] { h.free(p) }
        h.drain()
        #expect(h.pagesInUse == 0)
    }

    @Test(arguments: Version.allCases)
    func fallsBackToOrderZeroThenRefillsAtMaxOrder(version: Version) throws {
        let h = Harness(version)
        h.arena.pointee.fail_high_order = 1
        let first = try #require(h.alloc(1024))
        #expect(h.order(first) == 0)
        #expect(h.place(first).offset == (version.countsDown ? 3072 : 0))
        #expect(h.counts.high_order_failures == 1 && h.counts.fallbacks == 1)
        var live = [first]
        for _ in 0 ..< 3 { live.append(try #require(h.alloc(1024))) }
        #expect(Set(live.map { h.place($0).page }).count == 1)
        // The 4 KiB page is full and its fragments are out: the next refill is max order.
        let next = try #require(h.alloc(1024))
        #expect(h.order(next) == 3)
        #expect(h.counts.refills == 2 && h.counts.reuses == 0)
        for p in live + [next] { h.free(p) }
        h.drain()
        #expect(h.pagesInUse == 0)
    }

    @Test(arguments: Version.allCases)
    func reusesThePageWhenEveryFragmentCameBack(version: Version) throws {
        let h = Harness(version, maxSize: 4096)
        var live: [UnsafeMutableRawPointer] = []
        for _ in 0 ..< 4 { live.append(try #require(h.alloc(1000))) }
        let page = h.place(live[0]).page
        for p in live { h.free(p) }
        let again = try #require(h.alloc(1000))
        #expect(h.place(again).page == page)
        #expect(h.place(again).offset == (version.countsDown ? 3096 : 0))
        #expect(h.counts.reuses == 1 && h.counts.refills == 1)
        // The reused page's count is the full bias again: one fragment out, one cache bias.
        #expect(kp_page_ref_count(h.arena.pointee.pages + Int(page)) == 4097)
        h.free(again)
        h.drain()
        #expect(h.pagesInUse == 0)
    }

    @Test(arguments: Version.allCases)
    func pfmemallocPageIsNotReused(version: Version) throws {
        let h = Harness(version, maxSize: 4096)
        h.arena.pointee.pfmemalloc_next = 1
        var live: [UnsafeMutableRawPointer] = []
        for _ in 0 ..< 4 { live.append(try #require(h.alloc(1000))) }
        for p in live { h.free(p) }
        let fresh = try #require(h.alloc(1000))
        #expect(h.counts.pfmemalloc_drops == 1)
        #expect(h.counts.reuses == 0 && h.counts.refills == 2)
        #expect(h.pagesInUse == 1)
        h.free(fresh)
        h.drain()
        #expect(h.pagesInUse == 0)
    }

    /// A fragment larger than a page that the current (order-0) page cannot hold: NULL, and
    /// the page stays the cache's. v6.12 tests against the page it ends up with instead.
    @Test(arguments: Version.allCases.filter { !$0.countsDown })
    func oversizeFailsAndKeepsThePage(version: Version) throws {
        let h = Harness(version)
        h.arena.pointee.fail_high_order = 1
        let a = try #require(h.alloc(12))
        #expect(h.order(a) == 0)
        #expect(h.alloc(5000) == nil)
        #expect(h.counts.oversize_failures == 1 && h.counts.refills == 1)
        #expect(h.pagesInUse == 1)
        let b = try #require(h.alloc(12))
        #expect(h.place(b).page == h.place(a).page && h.place(b).offset == 12)
        h.free(a)
        h.free(b)
        h.drain()
        #expect(h.pagesInUse == 0)
    }

    @Test func v6_12OversizeFailsOnTheFreshPageAndKeepsIt() throws {
        let h = Harness(.v6_12, maxSize: 4096)
        #expect(h.alloc(5000) == nil)
        #expect(h.counts.oversize_failures == 1 && h.counts.refills == 1)
        #expect(h.pagesInUse == 1)
        let a = try #require(h.alloc(12))
        #expect(h.place(a).offset == 4084 && h.counts.refills == 1)
        h.free(a)
        h.drain()
        #expect(h.pagesInUse == 0)
    }

    @Test(arguments: Version.allCases)
    func refillFailureLeavesAnEmptyCache(version: Version) throws {
        let h = Harness(version)
        h.arena.pointee.fail_any = 2
        #expect(h.alloc(12) == nil)
        #expect(h.counts.refill_failures == 1)
        #expect(h.pagesInUse == 0)
        switch version {
        case .v6_12: #expect(h.cache.pointee.nc.v6_12.va == nil)
        case .v6_13: #expect(h.cache.pointee.nc.v6_13.encoded_page == 0)
        case .part2V2: #expect(h.cache.pointee.nc.part2_v2.encoded_page == 0)
        case .rfcV11Pre08: #expect(h.cache.pointee.nc.rfc_v11_pre08.encoded_va == 0)
        case .rfcV11:
            // The whole struct is zeroed, so `remaining` 0 sends the next call to reload.
            let nc = h.cache.pointee.nc.rfc_v11
            #expect(nc.encoded_va == 0 && nc.remaining == 0 && nc.pagecnt_bias == 0)
        }
        let a = try #require(h.alloc(12))
        h.free(a)
        h.drain()
        #expect(h.pagesInUse == 0)
    }

    @Test(arguments: Version.allCases)
    func noLeakAfterFreeingEverythingAndDraining(version: Version) throws {
        let h = Harness(version)
        var live: [UnsafeMutableRawPointer] = []
        for i in 0 ..< 20_000 {
            live.append(try #require(h.alloc(1 + (i * 37) % 3000, align: i % 3 == 0 ? 64 : 1)))
            if live.count > 300 { h.free(live.removeFirst()) }
        }
        #expect(h.counts.refills > 1)
        for p in live { h.free(p) }
        h.drain()
        #expect(h.pagesInUse == 0)
    }

    @Test func part2PrepareCommitAndCommitNoref() throws {
        let h = Harness(.part2V2)
        var pfrag = kp_page_frag()
        let va = try #require(kp_part2_v2_prepare(h.cache, 12, &pfrag, 1))
        let head = h.place(va).page
        #expect(h.place(va).offset == 0)
        #expect(pfrag.page == h.arena.pointee.pages + Int(head))
        #expect(pfrag.offset == 0 && pfrag.size == 32768)
        // prepare takes no reference and moves nothing.
        #expect(h.cache.pointee.nc.part2_v2.pagecnt_bias == 32769 && h.cache.pointee.nc.part2_v2.offset == 0)
        #expect(kp_part2_v2_commit(h.cache, &pfrag, 12) == 12)
        #expect(h.cache.pointee.nc.part2_v2.pagecnt_bias == 32768 && h.cache.pointee.nc.part2_v2.offset == 12)

        // Aligned: the area starts at 64; commit_noref moves the offset without a reference
        // and returns the true size, alignment padding included.
        let vb = try #require(kp_part2_v2_prepare(h.cache, 100, &pfrag, 64))
        #expect(h.place(vb).offset == 64 && pfrag.offset == 64 && pfrag.size == 32768 - 64)
        #expect(kp_part2_v2_commit_noref(h.cache, &pfrag, 100) == 152)
        #expect(h.cache.pointee.nc.part2_v2.pagecnt_bias == 32768 && h.cache.pointee.nc.part2_v2.offset == 164)

        // The rest of the page exactly: fits. Then no room is left, and a fragment is still
        // out, so the next prepare refills.
        h.free(va)
        let whole = try #require(kp_part2_v2_prepare(h.cache, 32768 - 164, &pfrag, 1))
        #expect(h.place(whole).offset == 164 && pfrag.size == 32768 - 164)
        #expect(kp_part2_v2_commit(h.cache, &pfrag, 32768 - 164) == 32768 - 164)
        let next = try #require(kp_part2_v2_prepare(h.cache, 12, &pfrag, 1))
        #expect(pfrag.offset == 0 && h.place(next).page != head && h.counts.refills == 2)
        _ = kp_part2_v2_commit(h.cache, &pfrag, 12)
        for p in [whole, next] { h.free(p) }
        h.drain()
        #expect(h.pagesInUse == 0)
    }

    @Test func part2ReusePathResetsTheOffset() throws {
        let h = Harness(.part2V2, maxSize: 4096)
        var pfrag = kp_page_frag()
        let a = try #require(kp_part2_v2_prepare(h.cache, 4000, &pfrag, 1))
        _ = kp_part2_v2_commit(h.cache, &pfrag, 4000)
        h.free(a)
        let b = try #require(kp_part2_v2_prepare(h.cache, 200, &pfrag, 1))
        #expect(h.counts.reuses == 1)
        #expect(h.place(b) == h.place(a))
        #expect(h.cache.pointee.nc.part2_v2.offset == 0 && pfrag.offset == 0 && pfrag.size == 4096)
        _ = kp_part2_v2_commit(h.cache, &pfrag, 200)
        h.free(b)
        h.drain()
        #expect(h.pagesInUse == 0)
    }

    /// The workloads run on every version's C twin and tear down without a leak.
    @Test(arguments: Version.allCases, [WorkloadKind.allocOnly, .allocFree, .freeOnly, .mixed, .crossThread])
    func workloadsRun(version: Version, kind: WorkloadKind) throws {
        for align in [1, 64] {
            var p = WorkloadParameters(kind: kind, config: try FragCacheConfig(), count: 2000, arenaBytes: 16 << 20)
            p.impl = .c
            p.variant = version.variant
            p.align = align
            #expect(p.notApplicableReason == nil)
            let runner = try makeWorkload(p)
            let ops = runner.fixedBatchSize ?? 1000
            runner.prepareBatch(ops)
            runner.runBatch(ops)
            runner.finishBatch()
            let figures = runner.figures()
            #expect(figures.allocations > 0)
            #expect(figures.refills >= 1)
            #expect(runner.tearDown() == nil)
        }
    }

    @Test func notApplicableOnTheKernelTwins() throws {
        for kind in [WorkloadKind.prepareCommit, .pressure, .replay] {
            var p = WorkloadParameters(kind: kind, config: try FragCacheConfig(), arenaBytes: 16 << 20)
            p.impl = .c
            p.variant = .v6_13
            #expect(p.notApplicableReason != nil)
        }
        var p = WorkloadParameters(kind: .allocOnly, config: try FragCacheConfig(), arenaBytes: 16 << 20)
        p.impl = .c
        p.variant = .offsetUp
        #expect(p.notApplicableReason != nil)
        // The versions run on 4 KiB pages only (PAGE_SIZE is compiled in), on both sides.
        p.variant = .v6_12
        p.config = try FragCacheConfig(pageSize: 16384, maxSize: 32768)
        for impl in [Implementation.c, .swift] {
            p.impl = impl
            #expect(p.notApplicableReason?.contains("PAGE_SIZE 4096") == true)
        }
    }
}
