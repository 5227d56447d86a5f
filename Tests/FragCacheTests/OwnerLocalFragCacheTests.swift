import Testing
@testable import FragCache

/// The owner-local free cache on hand-worked cases (the property tests cover random ones).
/// The cache is ~Copyable, which Swift Testing's macros cannot look inside, so each figure is
/// read into a local first and the locals are checked.
@Suite struct OwnerLocalFragCacheTests {
    let config = try! FragCacheConfig(pageSize: 4096, maxSize: 32768)

    /// Runs an RX-like ring: `depth` live fragments of `fragsz` bytes, the oldest freed through
    /// the cache after each allocation. Returns the ring's fragments, still live.
    func runRing(_ cache: inout OwnerLocalFragCache<RemainingLayout>, depth: Int, fragsz: Int,
                 operations: Int) throws -> [UnsafeMutableRawPointer?] {
        var ring = [UnsafeMutableRawPointer?](repeating: nil, count: depth)
        for i in 0 ..< operations {
            let allocated = cache.allocVA(fragsz)
            let fresh = try #require(allocated)
            if let old = ring[i % depth] { cache.free(old) }
            ring[i % depth] = fresh
        }
        return ring
    }

    /// 256 live 64-byte fragments, 512 per page: every free lands on the current page or the
    /// one left before it, so after the first two pages the cache only alternates them, and no
    /// free touches a refcount.
    @Test func smallRingAlternatesTwoPages() throws {
        let allocator = makeAllocator(for: config)
        var cache = OwnerLocalFragCache<RemainingLayout>(allocator: allocator, config: config)
        let ring = try runRing(&cache, depth: 256, fragsz: 64, operations: 100_000)
        cache.checkInvariants()
        let stats = cache.stats
        #expect(stats.refills == 2)
        #expect(stats.refills + stats.reuses == (100_000 + 511) / 512)
        // Each page's refcount is still what the refill set (maxSize + 1): frees were local.
        let currentPage = cache.currentPage, left = cache.leftPages
        let current = try #require(currentPage)
        #expect(left.count == 1)
        #expect(cache.arena.refcount(of: current) == 32769)
        for l in left { #expect(cache.arena.refcount(of: l.page) == 32769) }
        for p in ring { cache.free(p!) }
        // Every fragment came back locally: the cache holds every reference on both pages.
        let bias = cache.pagecntBias, leftAfter = cache.leftPages
        #expect(bias == 32769)
        #expect(leftAfter.map(\.bias) == [32769])
        cache.drain()
        #expect(allocator.stats.pagesInUse == 0)
    }

    /// The losing point: 256 live fragments of 256 B keep 64 KiB live, two pages of
    /// 32 KiB and part of a third. The set holds every page the ring spans, so after the
    /// first three pages the cache cycles through them with no atomic.
    @Test func ringSpanningSeveralPagesCyclesWithoutAtomics() throws {
        let allocator = makeAllocator(for: config)
        var cache = OwnerLocalFragCache<RemainingLayout>(allocator: allocator, config: config)
        let ring = try runRing(&cache, depth: 256, fragsz: 256, operations: 50_000)
        cache.checkInvariants()
        let stats = cache.stats
        #expect(stats.refills == 3)
        #expect(stats.refills + stats.reuses == (50_000 + 127) / 128)
        let left = cache.leftPages
        #expect(left.count == 2)
        for l in left { #expect(cache.arena.refcount(of: l.page) == 32769) }
        for p in ring { cache.free(p!) }
        let leftAfter = cache.leftPages
        #expect(leftAfter.map(\.bias) == [32769, 32769])
        cache.drain()
        #expect(allocator.stats.pagesInUse == 0)
    }

    /// A ring far larger than the set (17 pages live on 4 KiB pages, 8 slots): the cache
    /// cannot reuse a left page before a newer one evicts it, so it refills as the kernel does,
    /// frees of evicted pages take the atomic path, and no page is lost.
    @Test func ringLargerThanTheSetLosesNoPage() throws {
        let small = try FragCacheConfig(pageSize: 4096, maxSize: 4096)
        let allocator = makeAllocator(for: small, blocks: 256)
        var cache = OwnerLocalFragCache<RemainingLayout>(allocator: allocator, config: small)
        let ring = try runRing(&cache, depth: 256, fragsz: 256, operations: 20_000)
        cache.checkInvariants()
        let stats = cache.stats
        #expect(stats.refills + stats.reuses == (20_000 + 15) / 16)
        #expect(stats.refills > 1000, "pages are evicted before they come back whole")
        let pagesHeld = allocator.stats.pagesInUse
        #expect(pagesHeld <= 1 + 16 + 1)
        for p in ring { cache.free(p!) }
        cache.drain()
        #expect(allocator.stats.pagesInUse == 0)
    }

    /// The same ring with a set of 256 slots (what the benchmark gives a 4 KiB max size): its
    /// 17 pages fit, so after the first pass every reload reuses the page left longest ago,
    /// whole again, and no free or reload touches the page allocator.
    @Test func ringOfSeventeenPagesFitsTheBenchmarksSet() throws {
        let small = try FragCacheConfig(pageSize: 4096, maxSize: 4096)
        let allocator = makeAllocator(for: small, blocks: 256)
        let slots = OwnerLocalFragCache<RemainingLayout>.leftSlots(budgetBytes: 2 << 20, maxSize: 4096)
        #expect(slots == 256)
        var cache = OwnerLocalFragCache<RemainingLayout>(allocator: allocator, config: small, leftSlots: slots)
        let ring = try runRing(&cache, depth: 256, fragsz: 256, operations: 20_000)
        cache.checkInvariants()
        let stats = cache.stats, bypass = cache.bypassReloads, order = cache.leftOrder
        #expect(stats.refills + stats.reuses == (20_000 + 15) / 16)
        #expect(stats.refills <= 18, "the ring's pages are reused, not refilled")
        #expect(bypass == 0)
        #expect(order.count == 16)
        for p in ring { cache.free(p!) }
        cache.drain()
        #expect(allocator.stats.pagesInUse == 0)
    }

    /// The slot count for a byte budget: a power of two, 8 to 256.
    @Test func leftSlotsFollowTheBudget() {
        typealias Cache = OwnerLocalFragCache<RemainingLayout>
        #expect(Cache.leftSlots(budgetBytes: 2 << 20, maxSize: 4096) == 256)
        #expect(Cache.leftSlots(budgetBytes: 2 << 20, maxSize: 16384) == 128)
        #expect(Cache.leftSlots(budgetBytes: 2 << 20, maxSize: 32768) == 64)
        #expect(Cache.leftSlots(budgetBytes: 2 << 20, maxSize: 65536) == 32)
        #expect(Cache.leftSlots(budgetBytes: 2 << 20, maxSize: 131072) == 16)
        #expect(Cache.leftSlots(budgetBytes: 2 << 20, maxSize: 1 << 20) == 8)
        #expect(Cache.leftSlots(budgetBytes: 0, maxSize: 4096) == 8)
    }

    /// A fragment of a page in the set is freed locally; once another page takes its slot, the
    /// evicted page's fragments take the atomic path. A fresh arena hands out 32 KiB blocks in
    /// address order: with blocks 0...7 taken and block 0 given back, the cache's first two
    /// pages are blocks 0 and 8, which share slot 0.
    @Test func aLeftPageIsLocalUntilEvicted() throws {
        let allocator = makeAllocator(for: config)
        var taken = (0 ... 7).compactMap { _ in allocator.allocPages(order: 3, gfp: .atomic) }
        #expect(taken.map(\.index) == [0, 8, 16, 24, 32, 40, 48, 56])
        allocator.put(taken.removeFirst())
        var cache = OwnerLocalFragCache<RemainingLayout>(allocator: allocator, config: config)
        let arena = cache.arena
        var firsts: [UnsafeMutableRawPointer] = []
        // Three pages of eight 4 KiB fragments, all kept: two are left with fragments out.
        for _ in 0 ..< 3 {
            for n in 0 ..< 8 {
                let allocated = cache.allocVA(4096)
                let p = try #require(allocated)
                if n == 0 { firsts.append(p) }
            }
        }
        let pages = firsts.map { arena.headPage(of: $0) }
        #expect(pages.map(\.index) == [0, 64, 72])
        let slots = pages.map { cache.leftSlot(of: arena.address(of: $0)) }
        #expect(slots[0] == slots[1])
        // Leaving the second page evicted the first: its references were dropped then.
        let left = cache.leftPages
        #expect(left.map(\.page) == [pages[1]])
        #expect(arena.refcount(of: pages[0]) == 8)
        cache.free(firsts[0])
        #expect(arena.refcount(of: pages[0]) == 7)       // atomic
        // The second page is in the set: its free is local, its refcount untouched.
        let bias = try #require(left.first).bias
        let refs = arena.refcount(of: pages[1])
        #expect(refs == bias + 8)
        cache.free(firsts[1])
        let leftAfter = cache.leftPages
        #expect(leftAfter.first?.bias == bias + 1)
        #expect(arena.refcount(of: pages[1]) == refs)
        cache.checkInvariants()
        cache.drain()
        #expect(arena.refcount(of: pages[1]) == 7)
        for page in taken { allocator.put(page) }
    }

    /// Frees that go back and forth between two left pages: each page's references move
    /// between its slot and the hot words (the page last freed into), and whichever holds
    /// them, the set reads exactly; no refcount moves; a reload writes the hot page's back.
    @Test func freesIntoTwoLeftPagesKeepBothBiasesExact() throws {
        let allocator = makeAllocator(for: config)
        var cache = OwnerLocalFragCache<RemainingLayout>(allocator: allocator, config: config)
        let arena = cache.arena
        // Three pages of eight 4 KiB fragments, all kept: the first two are left with all
        // their fragments out.
        var fragments: [[UnsafeMutableRawPointer]] = []
        for _ in 0 ..< 3 {
            var page: [UnsafeMutableRawPointer] = []
            for _ in 0 ..< 8 {
                let allocated = cache.allocVA(4096)
                page.append(try #require(allocated))
            }
            fragments.append(page)
        }
        let pages = fragments.map { arena.headPage(of: $0[0]) }
        let start = cache.leftPages
        #expect(start.map(\.page) == [pages[0], pages[1]])
        let full = 32769
        #expect(start.map(\.bias) == [full - 8, full - 8])
        var expected = [full - 8, full - 8]
        for (n, which) in [0, 1, 0, 0, 1, 1, 0].enumerated() {
            cache.free(fragments[which][n])
            expected[which] += 1
            let now = cache.leftPages
            #expect(now.map(\.bias) == expected, "after free \(n) into page \(which)")
            cache.checkInvariants()
        }
        #expect(arena.refcount(of: pages[0]) == full && arena.refcount(of: pages[1]) == full)
        // The current page is full: the next allocation reloads (neither left page is whole),
        // and the hot page's references are its slot's again.
        let reloaded = cache.allocVA(4096)
        #expect(reloaded != nil)
        let afterReload = cache.leftPages
        #expect(afterReload.filter { $0.page == pages[0] || $0.page == pages[1] }.map(\.bias) == expected)
        cache.checkInvariants()
        for (which, page) in fragments.enumerated() {
            for (n, p) in page.enumerated() where !(which < 2 && n < 7 && [0, 1, 0, 0, 1, 1, 0][n] == which) {
                cache.free(p)
            }
        }
        cache.drain()
        // One fragment of the fourth page is still out.
        #expect(allocator.stats.pagesInUse == 8)
    }

    /// When no left page comes back whole for as many leaves in a row as the set has slots,
    /// the set is emptied (its references dropped) and the next 1024 reloads, and the frees
    /// until then, are the kernel's; then the set is used again.
    @Test func aSetThatNeverPaysIsBypassed() throws {
        let allocator = makeAllocator(for: config, blocks: 64)
        var cache = OwnerLocalFragCache<RemainingLayout>(allocator: allocator, config: config)
        let arena = cache.arena
        var kept: [UnsafeMutableRawPointer] = []
        func fillPage(_ cache: inout OwnerLocalFragCache<RemainingLayout>, keep: Bool) throws {
            for _ in 0 ..< 8 {
                let allocated = cache.allocVA(4096)
                let p = try #require(allocated)
                if keep { kept.append(p) } else { cache.free(p) }
            }
        }
        // Eight pages filled: seven leaves so far, all futile, the set holds seven pages.
        for _ in 0 ..< 8 { try fillPage(&cache, keep: true) }
        let beforeBypass = cache.leftPages.count, bypassBefore = cache.bypassReloads
        #expect(beforeBypass == 7)
        #expect(bypassBefore == 0)
        // The eighth futile leave empties the set.
        try fillPage(&cache, keep: true)
        let atBypass = cache.leftPages.count, bypass = cache.bypassReloads
        #expect(atBypass == 0)
        #expect(bypass == 1024)
        // Every left page's references were dropped: only its fragments hold it.
        let current = cache.currentPage
        for p in kept where arena.headPage(of: p) != current {
            #expect(arena.refcount(of: arena.headPage(of: p)) == 8)
        }
        cache.checkInvariants()
        // Bypassed, a free of the current page's fragment is the kernel's atomic one.
        let refs = try arena.refcount(of: #require(current))
        cache.free(kept.removeLast())
        #expect(try arena.refcount(of: #require(current)) == refs - 1)
        // 1024 reloads the kernel's way (each page's fragments freed at once, so each reload
        // reuses the page in place), then the set is in use again.
        for _ in 0 ..< 1024 { try fillPage(&cache, keep: false) }
        let afterBypass = cache.bypassReloads, leftAfterBypass = cache.leftPages.count
        #expect(afterBypass == 0)
        #expect(leftAfterBypass == 0)
        try fillPage(&cache, keep: true)
        try fillPage(&cache, keep: true)
        let parked = cache.leftPages.count
        #expect(parked == 1)
        cache.checkInvariants()
        for p in kept { cache.free(p) }
        cache.drain()
        #expect(allocator.stats.pagesInUse == 0)
    }
}
