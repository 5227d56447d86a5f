import Testing
@testable import FragCache

/// Hand-worked behaviour of the ports where the versions differ from each other.
@Suite struct KernelPortTests {
    let config = try! FragCacheConfig(maxSize: 32768)

    func offsets<P: KernelPageFragPort>(_: P.Type, _ requests: [(Int, Int)]) -> [Int?] {
        let allocator = makeAllocator(for: config)
        var cache = P(allocator: allocator, config: config, gfp: .atomic)
        var result: [Int?] = []
        for (size, align) in requests {
            let p = align == 1 ? cache.alloc(size) : cache.alloc(size, align: align)
            result.append(p.map { offset(of: $0, in: allocator.arena) })
        }
        _ = cache.drain()
        return result
    }

    @Test func v6_12CountsDownAndAlignsDown() {
        #expect(offsets(PageFragV6_12.self, [(12, 1), (12, 1), (12, 64), (12, 64)]) == [32756, 32744, 32704, 32640])
    }

    @Test func theOthersCountUpAndAlignUp() {
        let expected: [Int?] = [0, 12, 64, 128]
        let requests = [(12, 1), (12, 1), (12, 64), (12, 64)]
        #expect(offsets(PageFragV6_13.self, requests) == expected)
        #expect(offsets(PageFragPart2V2.self, requests) == expected)
        #expect(offsets(PageFragRFCv11Pre08.self, requests) == expected)
        #expect(offsets(PageFragRFCv11.self, requests) == expected)
    }

    /// Larger than the page (a 5000-byte request on 4 KiB pages), where the versions part:
    /// - v6.12 tests for room first and the size never: with fragments still out it leaves
    ///   its page, refills, and serves the request from the fresh 32 KiB page.
    /// - v6.13, Part-2 and the seed before 08/14 test the size only when the request does
    ///   not fit: they fail and keep their page.
    /// - On an empty cache, every version but the seed after 08/14 refills first and serves
    ///   the request from the 32 KiB page; after 08/14 an empty cache fails the fit test and
    ///   the size test refuses it (as the lab's layouts do).
    @Test func oversizeRequests() throws {
        func check<P: KernelPageFragPort>(_: P.Type, leavesPage: Bool, servesWhenEmpty: Bool) throws {
            let allocator = makeAllocator(for: config)
            var cache = P(allocator: allocator, config: config, gfp: .atomic)
            let small = try req(cache.alloc(64))
            let first = try req(cache.alloc(30000))
            let page = cache.currentPage
            let oversize = cache.alloc(5000)
            #expect((oversize != nil) == leavesPage, "\(P.version)")
            #expect((cache.currentPage != page) == leavesPage, "\(P.version)")
            #expect(cache.stats.oversizeFailures == (leavesPage ? 0 : 1), "\(P.version)")
            for p in [small, first] + (oversize.map { [$0] } ?? []) { cache.free(p) }
            _ = cache.drain()
            #expect(allocator.stats.pagesInUse == 0, "\(P.version)")
            let served = cache.alloc(5000)
            #expect((served != nil) == servesWhenEmpty, "\(P.version)")
            if let served { cache.free(served) }
            _ = cache.drain()
            #expect(allocator.stats.pagesInUse == 0, "\(P.version)")
        }
        try check(PageFragV6_12.self, leavesPage: true, servesWhenEmpty: true)
        try check(PageFragV6_13.self, leavesPage: false, servesWhenEmpty: true)
        try check(PageFragRFCv11Pre08.self, leavesPage: false, servesWhenEmpty: true)
        try check(PageFragRFCv11.self, leavesPage: false, servesWhenEmpty: false)
        try check(PageFragPart2V2.self, leavesPage: false, servesWhenEmpty: true)
    }

    /// The refcount invariant: references on the page == pagecnt_bias + fragments out.
    @Test func biasPlusFragmentsIsTheRefcount() throws {
        func check<P: KernelPageFragPort>(_: P.Type) throws {
            let allocator = makeAllocator(for: config)
            var cache = P(allocator: allocator, config: config, gfp: .atomic)
            var out: [UnsafeMutableRawPointer] = []
            for _ in 0 ..< 100 { out.append(try req(cache.alloc(100))) }
            let page = try req(cache.currentPage)
            #expect(allocator.arena.refcount(of: page) == cache.pagecntBias + out.count, "\(P.version)")
            for p in out { cache.free(p) }
            #expect(allocator.arena.refcount(of: page) == cache.pagecntBias, "\(P.version)")
            #expect(cache.drain() == 0, "\(P.version)")
            #expect(allocator.stats.pagesInUse == 0, "\(P.version)")
        }
        try check(PageFragV6_12.self)
        try check(PageFragV6_13.self)
        try check(PageFragRFCv11Pre08.self)
        try check(PageFragRFCv11.self)
        try check(PageFragPart2V2.self)
    }

    /// After 08/14 an empty (or drained) cache has remaining 0, which is what lets the fast
    /// path drop its empty test.
    @Test func theRefactoredSeedEmptiesToZero() throws {
        let allocator = makeAllocator(for: config)
        var cache = PageFragRFCv11(allocator: allocator, config: config, gfp: .atomic)
        #expect(cache._remaining == 0 && cache._pagecntBias == 0)
        let p = try req(cache.alloc(64))
        #expect(cache.remaining == 32768 - 64)
        cache.free(p)
        _ = cache.drain()
        #expect(cache._remaining == 0 && cache._pagecntBias == 0 && cache.encodedVA == 0)
        allocator.failNextAny(2)
        #expect(cache.alloc(64) == nil)
        #expect(cache._remaining == 0 && cache._pagecntBias == 0 && cache.encodedVA == 0)
    }

    /// Part-2's prepare takes no reference and moves nothing; commit takes one and moves the
    /// offset past what was used, returning the true size (alignment padding included);
    /// commit_noref moves the offset only.
    @Test func part2PrepareAndCommit() throws {
        let allocator = makeAllocator(for: config)
        var cache = PageFragPart2V2(allocator: allocator, config: config, gfp: .atomic)
        var frag = PageFragPart2V2.Frag()
        let a = try req(cache.prepare(32, &frag))
        #expect(frag.offset == 0 && frag.size == 32768)
        let bias = cache.pagecntBias
        #expect(cache.commit(&frag, used: 100) == 100)
        #expect(cache.pagecntBias == bias - 1 && cache.nextOffset == 100)
        // Coalesce 50 more bytes onto the same fragment: no reference.
        _ = try req(cache.prepare(32, &frag))
        #expect(frag.offset == 100 && frag.size == 32668)
        #expect(cache.commitNoref(&frag, used: 50) == 50)
        #expect(cache.pagecntBias == bias - 1 && cache.nextOffset == 150)
        // An aligned prepare: the padding counts in the true size.
        _ = try req(cache.__pageFragCachePrepare(10, &frag, .atomic, UInt32(truncatingIfNeeded: -64)))
        #expect(frag.offset == 192)
        #expect(cache.commit(&frag, used: 10) == 52)
        cache.free(a)
        cache.free(a.advanced(by: 192))
        #expect(cache.drain() == 0)
        #expect(allocator.stats.pagesInUse == 0)
    }

    /// Part-2's probe: room in the page held or nil, never a reload, no reference.
    @Test func part2Probe() throws {
        let allocator = makeAllocator(for: config)
        var cache = PageFragPart2V2(allocator: allocator, config: config, gfp: .atomic)
        var frag = PageFragPart2V2.Frag()
        #expect(cache.probe(1, &frag) == nil)  // empty: no reload
        #expect(allocator.stats.pagesInUse == 0)
        let p = try req(cache.alloc(100))
        let bias = cache.pagecntBias
        let q = try req(cache.probe(200, &frag))
        #expect(frag.offset == 100 && frag.size == 32668 && q == p.advanced(by: 100))
        #expect(cache.pagecntBias == bias && cache.nextOffset == 100)
        #expect(cache.probe(32669, &frag) == nil)  // does not fit: nothing moves
        #expect(cache.nextOffset == 100)
        cache.free(p)
        #expect(cache.drain() == 0)
        #expect(allocator.stats.pagesInUse == 0)
    }

    /// The socket page_frag before Part-2: a reference per new fragment (no bias), reuse from
    /// offset 0 once only the socket's reference is left, a new page when the room runs out
    /// with fragments still out.
    @Test func socketPageFrag() throws {
        let allocator = makeAllocator(for: config)
        var frag = SkPageFrag(allocator: allocator, config: config, gfp: .atomic)
        let first = try req(frag.prepare(32))
        #expect(first.offset == 0 && first.available == 32768)
        frag.commit(100)
        let page = try req(frag.currentPage)
        #expect(allocator.arena.refcount(of: page) == 2)  // the socket's and the fragment's
        let second = try req(frag.prepare(32))
        #expect(second.offset == 100 && second.address == first.address.advanced(by: 100))
        frag.commitNoref(50)  // extends the fragment: no reference
        #expect(allocator.arena.refcount(of: page) == 2)
        allocator.arena.freeFragment(first.address)  // the skb goes: only the socket's is left
        #expect(try req(frag.prepare(32)).offset == 0)  // reused in place
        #expect(frag.stats.reuses == 1)
        frag.commit(32700)
        #expect(try req(frag.prepare(100)).offset == 0)  // 68 bytes left, a fragment out: new page
        #expect(frag.currentPage != page && frag.stats.pagesLeftBehind == 1)
        allocator.arena.freeFragment(first.address)  // the old page goes with its last fragment
        #expect(frag.drain() == 0)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test func portsRefuseOtherPageSizes() throws {
        let sixteen = try FragCacheConfig(pageSize: 16384, maxSize: 32768)
        #expect(KernelPort.unsupportedReason(sixteen)?.contains("PAGE_SIZE 4096") == true)
        #expect(KernelPort.unsupportedReason(config) == nil)
    }
}
