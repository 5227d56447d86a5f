import Testing
@testable import FragCache

/// The owner-local free cache on hand-worked cases (the property test covers random ones).
/// The cache is ~Copyable, which Swift Testing's macros cannot look inside, so each figure is
/// read into a local first and the locals are checked.
@Suite struct OwnerLocalFragCacheTests {
    let config = try! FragCacheConfig(pageSize: 4096, maxSize: 32768)

    /// An RX-like ring (256 live 64-byte fragments, 512 per page): every free lands on the
    /// current or the previous page, so after the first two pages the cache only swaps them,
    /// and no free touches a refcount.
    @Test func ringPingPongsBetweenTwoPages() throws {
        let allocator = makeAllocator(for: config)
        var cache = OwnerLocalFragCache<RemainingLayout>(allocator: allocator, config: config)
        var ring = [UnsafeMutableRawPointer?](repeating: nil, count: 256)
        for i in 0 ..< 100_000 {
            let allocated = cache.allocVA(64)
            let fresh = try #require(allocated)
            if let old = ring[i % 256] { cache.free(old) }
            ring[i % 256] = fresh
        }
        cache.checkInvariants()
        let stats = cache.stats
        #expect(stats.refills == 2)
        // Every page opened after the first two is a swap: 512 fragments per page.
        #expect(stats.refills + stats.reuses == (100_000 + 511) / 512)
        // Each page's refcount is still what the refill set (maxSize + 1): frees were local.
        let currentPage = cache.currentPage, previousPage = cache.previousPage
        let current = try #require(currentPage)
        let previous = try #require(previousPage)
        let currentRefs = cache.arena.refcount(of: current), previousRefs = cache.arena.refcount(of: previous)
        #expect(currentRefs == 32769)
        #expect(previousRefs == 32769)
        for p in ring { cache.free(p!) }
        // Every fragment came back locally: the cache holds every reference on both pages.
        let bias = cache.pagecntBias, previousBias = cache.previousBias
        #expect(bias == 32769)
        #expect(previousBias == 32769)
        cache.drain()
        #expect(allocator.stats.pagesInUse == 0)
    }

    /// A fragment of neither page takes the atomic path; a fragment of the previous page does not.
    @Test func onlyTheCurrentAndPreviousPageAreLocal() throws {
        let allocator = makeAllocator(for: config)
        var cache = OwnerLocalFragCache<RemainingLayout>(allocator: allocator, config: config)
        let a = cache.allocVA(4096)
        let first = try #require(a)                   // page A
        for _ in 0 ..< 7 { _ = cache.allocVA(4096) }
        let b = cache.allocVA(4096)
        let second = try #require(b)                  // page B; A becomes previous
        let arena = cache.arena
        let pageA = arena.headPage(of: first)
        let previousAfterB = cache.previousPage
        #expect(previousAfterB == pageA)
        for _ in 0 ..< 7 { _ = cache.allocVA(4096) }
        let c = cache.allocVA(4096)
        let third = try #require(c)                   // page C; B previous; A dropped
        let pageB = arena.headPage(of: second)
        let previousAfterC = cache.previousPage
        #expect(previousAfterC == pageB)
        // A's references: 8 fragments out, the cache's bias dropped.
        #expect(arena.refcount(of: pageA) == 8)
        cache.free(first)
        #expect(arena.refcount(of: pageA) == 7)       // atomic
        let biasB = cache.previousBias
        cache.free(second)
        let biasBAfter = cache.previousBias
        #expect(biasBAfter == biasB + 1)              // local: refcount unchanged
        #expect(arena.refcount(of: pageB) == biasB + 8)
        let bias = cache.pagecntBias
        cache.free(third)
        let biasAfter = cache.pagecntBias
        #expect(biasAfter == bias + 1)
        cache.checkInvariants()
        _ = allocator
    }
}
