import Testing
@testable import FragCache

/// Behaviour of the cache, SPEC 4, one rule at a time, over every page size and max size.
@Suite struct FragCacheTests {
    @Test(arguments: configurations())
    func firstAllocationRefillsAtMaxOrder(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        expectEq(cache.currentPage, nil)
        let a = try req(cache.allocVA(64))
        let page = try req(cache.currentPage)
        expectEq(cache.size, config.maxSize)
        expectEq(cache.encoded.order, config.maxOrder)
        expectEq(offset(of: a, in: cache.arena), 0)
        expectEq(cache.pagecntBias, config.maxSize)
        expectEq(cache.arena.refcount(of: page), config.maxSize + 1)
        expectEq(cache.remaining, config.maxSize - 64)
        expectEq(cache.pageOffset, 64)
        cache.checkInvariants()
        expectEq(cache.drain(), 1)
        expectEq(cache.free(a), 0)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test(arguments: configurations())
    func fragmentsAreCarvedUpwardAndNeverOverlap(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        var previousEnd = 0
        var fragments: [UnsafeMutableRawPointer] = []
        for size in [1, 7, 64, 100, 1000] {
            let p = try req(cache.allocVA(size))
            expectEq(offset(of: p, in: cache.arena), previousEnd)
            previousEnd += size
            fragments.append(p)
        }
        cache.drain()
        for p in fragments { cache.free(p) }
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test(arguments: configurations())
    func alignmentRoundsTheStartNotTheSize(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        let a = try req(cache.allocVA(3))
        var align = 1
        var fragments = [a]
        while align <= config.pageSize {
            let p = try req(cache.allocVA(5, align: align))
            #expect(UInt(bitPattern: p) % UInt(align) == 0)
            fragments.append(p)
            align <<= 1
        }
        // Not rounded up: the next unaligned fragment starts right after the last one.
        let last = fragments.last!
        if let next = cache.allocVA(1), cache.arena.headPage(of: next) == cache.arena.headPage(of: last) {
            #expect(next == last + 5)
            fragments.append(next)
        }
        cache.drain()
        for p in fragments { cache.free(p) }
        #expect(allocator.stats.pagesInUse == 0)
    }

    // MARK: Reload, branch by branch

    @Test(arguments: configurations())
    func reloadReusesThePageWhenEveryFragmentCameBack(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        let a = try req(cache.allocVA(config.pageSize))
        let page = cache.currentPage
        cache.free(a)
        // Exhaust what is left, then free it, so the next request must reload.
        var rest: [UnsafeMutableRawPointer] = []
        while cache.remaining >= config.pageSize { rest.append(try req(cache.allocVA(config.pageSize))) }
        if cache.remaining > 0 { rest.append(try req(cache.allocVA(cache.remaining))) }
        for p in rest { cache.free(p) }
        let b = try req(cache.allocVA(1))
        expectEq(cache.currentPage, page)
        expectEq(offset(of: b, in: cache.arena), 0)
        expectEq(cache.stats.reuses, 1)
        expectEq(cache.stats.refills, 1)
        expectEq(cache.arena.refcount(of: page!), config.maxSize + 1)
        expectEq(cache.pagecntBias, config.maxSize)
        cache.drain()
        cache.free(b)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test(arguments: configurations())
    func reloadForgetsThePageWhileFragmentsAreOut(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        let a = try req(cache.allocVA(config.pageSize))
        let first = try req(cache.currentPage)
        var rest: [UnsafeMutableRawPointer] = []
        while cache.remaining > 0 { rest.append(try req(cache.allocVA(min(cache.remaining, config.pageSize)))) }
        let b = try req(cache.allocVA(1))
        let second = try req(cache.currentPage)
        #expect(second != first)
        expectEq(cache.stats.pagesLeftBehind, 1)
        // The old page now holds exactly its fragments' references.
        expectEq(cache.arena.refcount(of: first), 1 + rest.count)
        cache.free(a)
        for p in rest { cache.free(p) }
        expectTrue(!cache.arena.isAllocated(first))
        cache.drain()
        cache.free(b)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test(arguments: pageSizes)
    func reloadReleasesAPfmemallocPageInsteadOfReusingIt(pageSize: Int) throws {
        let config = try FragCacheConfig(pageSize: pageSize, maxSize: pageSize * 4)
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        allocator.failNextHighOrder(1)
        allocator.pfmemallocNext(1)
        let a = try req(cache.allocVA(pageSize))
        expectTrue(cache.isPfmemalloc)
        expectEq(cache.encoded.order, 0)
        let reserve = try req(cache.currentPage)
        cache.free(a)
        let b = try req(cache.allocVA(1))
        expectEq(cache.stats.pfmemallocDrops, 1)
        expectEq(cache.stats.reuses, 0)
        expectTrue(cache.currentPage != nil)
        expectTrue(!cache.isPfmemalloc)
        expectEq(cache.encoded.order, 2)
        expectTrue(!cache.arena.isAllocated(reserve) || cache.currentPage == reserve)
        cache.drain()
        cache.free(b)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test(arguments: configurations())
    func refillFallsBackToOrderZero(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        allocator.failNextHighOrder(1)
        let a = try req(cache.allocVA(8))
        expectEq(cache.encoded.order, 0)
        expectEq(cache.size, config.pageSize)
        // Even an order-0 page carries the max-size bias.
        expectEq(cache.pagecntBias, config.maxSize)
        expectEq(cache.stats.fallbacks, (config.maxOrder > 0 ? 1 : 0))
        expectEq(cache.stats.highOrderFailures, (config.maxOrder > 0 ? 1 : 0))
        #expect(allocator.stats.requests[config.maxOrder] >= 1)
        cache.drain()
        cache.free(a)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test(arguments: configurations())
    func totalFailureEmptiesTheCache(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        let a = try req(cache.allocVA(config.pageSize))
        while cache.remaining > 0 { cache.free(try req(cache.allocVA(min(cache.remaining, config.pageSize)))) }
        // A refill makes two requests when it tries a high order first, else one.
        allocator.failNextAny(config.maxOrder > 0 ? 2 : 1)
        expectEq(cache.allocVA(1), nil)
        expectEq(cache.currentPage, nil)
        expectEq(cache.remaining, 0)
        expectEq(cache.stats.refillFailures, 1)
        expectEq(cache.drain(), nil)
        cache.checkInvariants()
        // The forgotten page is released by its last fragment.
        expectEq(cache.free(a), 0)
        #expect(allocator.stats.pagesInUse == 0)
        // And the cache recovers once memory is back.
        let b = try req(cache.allocVA(1))
        cache.drain()
        cache.free(b)
    }

    @Test(arguments: configurations())
    func oversizeRequestsKeepThePage(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        // On an empty cache: nil without asking the allocator for anything.
        expectEq(cache.allocVA(config.pageSize + 1), nil)
        #expect(allocator.stats.requests.reduce(0, +) == 0)
        var held = [try req(cache.allocVA(16))]
        let page = cache.currentPage
        if config.maxOrder > 0 {
            // Larger than a base page but it fits what remains: served, no reload.
            let big = try req(cache.allocVA(config.pageSize + 1))
            expectEq(offset(of: big, in: cache.arena), 16)
            held.append(big)
        }
        while cache.remaining > config.pageSize { held.append(try req(cache.allocVA(config.pageSize))) }
        expectEq(cache.allocVA(config.pageSize + 1), nil)
        expectEq(cache.currentPage, page)
        expectEq(cache.stats.oversizeFailures, 2)
        expectEq(cache.stats.refills, 1)
        cache.drain()
        for p in held { cache.free(p) }
        #expect(allocator.stats.pagesInUse == 0)
    }

    // MARK: Prepare, probe, commit, abort

    @Test(arguments: configurations())
    func prepareTruncatesForAlignmentAndTheTruncationSticks(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        let area = try req(cache.prepare(1))
        #expect(area.offset == 0)
        #expect(area.available == config.maxSize)
        cache.commit(3)
        let aligned = try req(cache.prepare(1, align: 64))
        #expect(aligned.offset == 64)
        #expect(aligned.available == config.maxSize - 64)
        // A plain probe sees the truncated remaining: the move stuck.
        let again = try req(cache.probe(1))
        #expect(again.offset == 64)
        expectEq(cache.pageOffset, 64)
        // Prepare takes no reference.
        expectEq(cache.pagecntBias, config.maxSize)
        cache.drain()
        // The committed 3 bytes still pin the page.
        #expect(allocator.stats.pagesInUse == config.maxSize / config.pageSize)
        allocator.put(area.page)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test(arguments: configurations())
    func commitNorefAndAbortKeepTheBooks(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        let area = try req(cache.prepare(100))
        let page = area.page
        expectEq(cache.commit(40), 0)
        expectEq(cache.pagecntBias, config.maxSize)
        expectEq(cache.commitNoref(10), 40)
        expectEq(cache.pagecntBias, config.maxSize)
        expectEq(cache.remaining, config.maxSize - 50)
        expectEq(cache.commit(20), 50)
        cache.abort(20)
        expectEq(cache.remaining, config.maxSize - 50)
        expectEq(cache.pagecntBias, config.maxSize)
        expectEq(cache.arena.refcount(of: page), config.maxSize + 1)
        cache.checkInvariants()
        cache.drain()
        expectEq(cache.arena.refcount(of: page), 1)
        expectEq(cache.free(area.address), 0)
    }

    @Test(arguments: configurations())
    func probeNeverReloads(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        expectTrue(cache.probe(1) == nil)
        #expect(allocator.stats.requests.reduce(0, +) == 0)
        let area = try req(cache.prepare(config.pageSize))
        cache.commit(config.maxSize)
        expectTrue(cache.probe(1) == nil)
        expectEq(cache.currentPage, area.page)
        cache.drain()
        cache.free(area.address)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test(arguments: configurations())
    func prepareReloadsWhenTooLittleRemains(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        let first = try req(cache.prepare(8))
        cache.commit(config.maxSize - 4)
        let second = try req(cache.preparePage(8))
        #expect(second.page != first.page)
        #expect(second.offset == 0)
        #expect(second.available == config.maxSize)
        let va = try req(cache.prepareVA(8))
        #expect(va.available == config.maxSize)
        expectEq(cache.prepare(config.pageSize + 1) != nil, config.maxSize > config.pageSize)
        cache.drain()
        cache.free(first.address)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test(arguments: configurations())
    func allocPageReportsPageAndOffset(config: FragCacheConfig) throws {
        let allocator = makeAllocator(for: config)
        var cache = FragCache(allocator: allocator, config: config)
        let a = try req(cache.allocPage(10))
        let b = try req(cache.allocPage(10, align: 32))
        #expect(a.offset == 0)
        #expect(b.offset == 32)
        #expect(a.page == b.page)
        expectEq(cache.drain(a.page, count: 1), config.maxSize)
        cache.drain()
        expectEq(cache.drain(b.page, count: 1), 0)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test func dropTheCacheDrainsIt() throws {
        let config = try FragCacheConfig()
        let allocator = makeAllocator(for: config)
        do {
            var cache = FragCache(allocator: allocator, config: config)
            let p = try req(cache.allocVA(64))
            p.storeBytes(of: 1, as: UInt8.self)
        }
        // The cache's bias is gone; the one fragment still pins the page.
        #expect(allocator.stats.pagesInUse == config.maxSize / config.pageSize)
    }
}
