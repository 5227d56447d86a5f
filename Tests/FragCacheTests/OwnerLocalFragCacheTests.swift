import Testing
@testable import FragCache

/// The owner-local free cache on hand-worked cases (the property test covers random ones).
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
            let fresh = try req(cache.allocVA(64))
            if let old = ring[i % 256] { cache.free(old) }
            ring[i % 256] = fresh
        }
        cache.checkInvariants()
        expectEq(cache.stats.refills, 2)
        // Every page opened after the first two is a swap: 512 fragments per page.
        expectEq(cache.stats.refills + cache.stats.reuses, (100_000 + 511) / 512)
        // Each page's refcount is still what the refill set (maxSize + 1): frees were local.
        let current = try req(cache.currentPage)
        let previous = try req(cache.previousPage)
        expectEq(cache.arena.refcount(of: current), 32769)
        expectEq(cache.arena.refcount(of: previous), 32769)
        for p in ring { cache.free(p!) }
        // Every fragment came back locally: the cache holds every reference on both pages.
        expectEq(cache.pagecntBias, 32769)
        expectEq(cache.previousBias, 32769)
        cache.drain()
        expectEq(allocator.stats.pagesInUse, 0)
    }

    /// A fragment of neither page takes the atomic path; a fragment of the previous page does not.
    @Test func onlyTheCurrentAndPreviousPageAreLocal() throws {
        let allocator = makeAllocator(for: config)
        var cache = OwnerLocalFragCache<RemainingLayout>(allocator: allocator, config: config)
        let first = try req(cache.allocVA(4096))   // page A
        for _ in 0 ..< 7 { _ = cache.allocVA(4096) }
        let second = try req(cache.allocVA(4096))  // page B; A becomes previous
        let pageA = cache.arena.headPage(of: first)
        expectEq(cache.previousPage, pageA)
        for _ in 0 ..< 7 { _ = cache.allocVA(4096) }
        let third = try req(cache.allocVA(4096))   // page C; B previous; A dropped
        let pageB = cache.arena.headPage(of: second)
        expectEq(cache.previousPage, pageB)
        // A's references: 8 fragments out, the cache's bias dropped.
        expectEq(cache.arena.refcount(of: pageA), 8)
        cache.free(first)
        expectEq(cache.arena.refcount(of: pageA), 7)   // atomic
        let biasB = cache.previousBias
        cache.free(second)
        expectEq(cache.previousBias, biasB + 1)         // local: refcount unchanged
        expectEq(cache.arena.refcount(of: pageB), biasB + 8)
        let bias = cache.pagecntBias
        cache.free(third)
        expectEq(cache.pagecntBias, bias + 1)
        cache.checkInvariants()
        _ = allocator
    }
}
