/// Part-2 v2 of the series (2024-12-06, not merged), patch 01/10
/// <20241206122533.3589947-2-linyunsheng@huawei.com>: mainline's state (as `PageFragV6_13`),
/// with the allocation rebuilt from the prepare/commit API that TCP's sendmsg was to use:
/// - mm/page_frag_cache.c `__page_frag_cache_prepare` (exported): v6.13's fit test and reload,
///   but instead of taking the reference it fills a `struct page_frag` (page, offset, size
///   left) and returns the address; the page is decoded on every call.
/// - mm/page_frag_cache.c `__page_frag_cache_commit_noref` (exported): moves the offset to
///   the end of the bytes used and returns their true size (alignment padding included).
/// - mm/page_frag_cache.c `__page_frag_alloc_refill_probe_align` (exported, the series'
///   02/10 in v2): prepare's room check without the reload: nil when the cache is empty or
///   the request does not fit.
/// - include/linux/page_frag_cache.h `__page_frag_cache_commit` (inline): takes the reference,
///   then calls commit_noref; `__page_frag_alloc_align` (inline): prepare, then commit. So an
///   allocation is two calls where v6.13 had one.
///
/// Deviations, each without effect on what the fast paths execute:
/// - `struct page *` is our `Page` (a descriptor index); `virt_to_page` is the arena's
///   subtraction and shift.
/// - `PAGE_FRAG_CACHE_MAX_SIZE` is read from the configuration on the slow path.
/// - The lab's counters (`stats`) are bumped on the slow path only.
/// - The `VM_BUG_ON`s are debug-build assertions.
public struct PageFragPart2V2: KernelPageFragPort {
    // MARK: struct page_frag_cache (as v6.13)
    @usableFromInline var encodedPage: UInt = 0
    @usableFromInline var offset: UInt32 = 0
    @usableFromInline var _pagecntBias: UInt32 = 0
    // MARK: The lab's
    @usableFromInline var env: KernelPortEnvironment

    /// `struct page_frag`: what prepare found.
    @frozen
    public struct Frag {
        public var page = Page(index: 0)
        public var offset: UInt32 = 0
        public var size: UInt32 = 0
        @inlinable public init() {}
    }

    public static var version: KernelVersion { .part2V2 }

    public init(allocator: PageAllocator, config: FragCacheConfig, gfp: GFP = .atomic) {
        env = KernelPortEnvironment(allocator: allocator, config: config, gfp: gfp)
    }


    @inlinable @inline(__always)
    public mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        __pageFragAllocAlign(UInt32(truncatingIfNeeded: fragsz), env.gfp, ~0)
    }

    @inlinable @inline(__always)
    public mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        __pageFragAllocAlign(UInt32(truncatingIfNeeded: fragsz), env.gfp, KernelPort._alignMask(align))
    }

    /// `__page_frag_alloc_align` (header inline in Part-2): prepare, then commit what was asked.
    @inlinable @inline(__always)
    public mutating func __pageFragAllocAlign(_ fragsz: UInt32, _ gfp: GFP, _ alignMask: UInt32) -> UnsafeMutableRawPointer? {
        var frag = Frag()
        let va = __pageFragCachePrepare(fragsz, &frag, gfp, alignMask)
        if _fastPath(va != nil) { _ = __pageFragCacheCommit(&frag, fragsz) }
        return va
    }

    /// `page_frag_refill_prepare[_align]` (header inlines): room for at least `fragsz` bytes
    /// at a multiple of `align`, no reference taken.
    @inlinable @inline(__always)
    public mutating func prepare(_ fragsz: Int, _ frag: inout Frag, align: Int = 1) -> UnsafeMutableRawPointer? {
        __pageFragCachePrepare(UInt32(truncatingIfNeeded: fragsz), &frag, env.gfp, KernelPort._alignMask(align))
    }

    /// `page_frag_alloc_refill_probe`: room for `fragsz` bytes in the page held, or nil; never
    /// reloads, takes no reference.
    @inlinable @inline(__always)
    public mutating func probe(_ fragsz: Int, _ frag: inout Frag) -> UnsafeMutableRawPointer? {
        __pageFragAllocRefillProbeAlign(UInt32(truncatingIfNeeded: fragsz), &frag, ~0)
    }

    /// `__page_frag_alloc_refill_probe_align` (exported).
    @inline(never)
    public mutating func __pageFragAllocRefillProbeAlign(_ fragsz: UInt32, _ frag: inout Frag,
                                                         _ alignMask: UInt32) -> UnsafeMutableRawPointer? {
        let encoded = encodedPage
        let size = KernelPort._pageSize &<< UInt32(truncatingIfNeeded: encoded & KernelPort._orderMask)
        let offset = (self.offset &+ ~alignMask) & alignMask
        if _slowPath(encoded == 0 || offset &+ fragsz > size) { return nil }
        frag.page = env.page(at: encoded & KernelPort._pageMask)
        frag.size = size &- offset
        frag.offset = offset
        // Safe: a held page's address (never 0) plus an offset inside the page.
        return UnsafeMutableRawPointer(bitPattern: (encoded & KernelPort._pageMask) &+ UInt(offset)).unsafelyUnwrapped
    }

    /// `__page_frag_cache_commit` (header inline): one reference for the new fragment.
    @inlinable @inline(__always)
    public mutating func __pageFragCacheCommit(_ frag: inout Frag, _ usedSize: UInt32) -> UInt32 {
        assert(_pagecntBias != 0, "commit: no reference left to hand out")
        _pagecntBias &-= 1
        return __pageFragCacheCommitNoref(&frag, usedSize)
    }

    /// `page_frag_commit`: `used` bytes of the prepared area become a fragment; returns its
    /// true size (alignment padding included).
    @inlinable @inline(__always)
    @discardableResult
    public mutating func commit(_ frag: inout Frag, used: Int) -> Int {
        Int(__pageFragCacheCommit(&frag, UInt32(truncatingIfNeeded: used)))
    }

    /// `page_frag_commit_noref`: the bytes extend a fragment that holds a reference already.
    @inlinable @inline(__always)
    @discardableResult
    public mutating func commitNoref(_ frag: inout Frag, used: Int) -> Int {
        Int(__pageFragCacheCommitNoref(&frag, UInt32(truncatingIfNeeded: used)))
    }

    /// `__page_frag_cache_commit_noref` (exported).
    @inline(never)
    public mutating func __pageFragCacheCommitNoref(_ frag: inout Frag, _ usedSize: UInt32) -> UInt32 {
        assert(usedSize <= frag.size, "commit: \(usedSize) bytes but only \(frag.size) prepared")
        assert(offset <= frag.offset, "commit: the cache's offset \(offset) is past the prepared \(frag.offset)")
        let original = offset
        offset = frag.offset &+ usedSize
        return offset &- original
    }

    /// `__page_frag_cache_prepare` (exported), in the kernel's shape: the unlikely blocks
    /// rejoin the fast path's tail (see `KernelVersion`).
    @inline(never)
    public mutating func __pageFragCachePrepare(_ fragsz: UInt32, _ frag: inout Frag, _ gfp: GFP,
                                                _ alignMask: UInt32) -> UnsafeMutableRawPointer? {
        var encoded = encodedPage
        var page: Page
        if _slowPath(encoded == 0) {
            guard let fresh = _refill(gfp) else { return nil }
            page = fresh
            encoded = encodedPage
        } else {
            page = env.page(at: encoded & KernelPort._pageMask)
        }
        var size = KernelPort._pageSize &<< UInt32(truncatingIfNeeded: encoded & KernelPort._orderMask)
        var offset = (self.offset &+ ~alignMask) & alignMask
        if _slowPath(offset &+ fragsz > size) {
            guard let reloaded = _reloadPart2(encoded, page, fragsz, gfp) else { return nil }
            (encoded, page) = reloaded
            size = KernelPort._pageSize &<< UInt32(truncatingIfNeeded: encoded & KernelPort._orderMask)
            offset = 0
        }
        frag.page = page
        frag.offset = offset
        frag.size = size &- offset
        // Safe: a held page's address (never 0) plus an offset inside the page.
        return UnsafeMutableRawPointer(bitPattern: (encoded & KernelPort._pageMask) &+ UInt(offset)).unsafelyUnwrapped
    }

    /// `__page_frag_cache_refill` plus the `refill:` block; returns the new page.
    /// Out of line, where clang leaves the kernel's static helper (see `KernelVersion`).
    @usableFromInline @inline(never)
    mutating func _refill(_ gfp: GFP) -> Page? {
        guard let (page, order) = env.requestPage(gfp) else {
            encodedPage = 0
            return nil
        }
        encodedPage = EncodedPage(address: env.arena.address(of: page), order: order,
                                  pfmemalloc: env.arena.isPfmemalloc(page)).rawValue
        env.arena.addReferences(Int(env.maxSize), to: page)
        _pagecntBias = env.maxSize &+ 1
        offset = 0
        return page
    }

    /// The "does not fit" branch: reuse (offset reset to 0) or refill.
    @inlinable @inline(__always)
    mutating func _reloadPart2(_ encoded: UInt, _ page: Page, _ fragsz: UInt32, _ gfp: GFP) -> (UInt, Page)? {
        if _slowPath(fragsz > KernelPort._pageSize) {
            env.stats.oversizeFailures &+= 1
            return nil
        }
        if env.subAndTest(page, _pagecntBias) {
            if _slowPath(encoded & KernelPort._pfmemallocBit != 0) {
                env.dropPfmemalloc(page)
            } else {
                env.resetForReuse(page)
                _pagecntBias = env.maxSize &+ 1
                offset = 0
                return (encoded, page)
            }
        } else {
            env.stats.pagesLeftBehind &+= 1
        }
        guard let fresh = _refill(gfp) else { return nil }
        return (encodedPage, fresh)
    }

    @discardableResult
    public mutating func drain() -> Int? {
        guard encodedPage != 0 else { return nil }
        let size = KernelPort._pageSize &<< UInt32(truncatingIfNeeded: encodedPage & KernelPort._orderMask)
        env.stats.abandonedBytes &+= Int(size &- min(size, offset))
        let left = env.arena.put(env.page(at: encodedPage & KernelPort._pageMask), count: Int(_pagecntBias))
        encodedPage = 0
        return left
    }

    public var arena: PageArena { env.arena }
    public var stats: FragCacheStats { env.stats }
    public var currentPage: Page? { encodedPage == 0 ? nil : env.page(at: encodedPage & KernelPort._pageMask) }
    public var remaining: Int {
        guard encodedPage != 0 else { return 0 }
        let size = Int(KernelPort._pageSize) << Int(encodedPage & KernelPort._orderMask)
        return max(0, size - Int(offset))
    }
    public var pagecntBias: Int { Int(_pagecntBias) }
    public var nextOffset: Int { Int(offset) }
}
