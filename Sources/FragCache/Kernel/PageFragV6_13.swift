/// The page_frag cache as Part-1 merged it, mainline from v6.13: mm/page_frag_cache.c
/// (`__page_frag_alloc_align`, `__page_frag_cache_refill`, `page_frag_cache_drain`,
/// `page_frag_free`) and include/linux/page_frag_cache.h (`page_frag_alloc`,
/// `page_frag_alloc_align`).
///
/// One word holds the page's address, its order (low byte) and the pfmemalloc bit; the
/// offset counts up from 0 and is aligned up before each fragment.
///
///     0                 offset                          size
///     |  fragments handed out |       free bytes          |
///
/// Deviations from v6.13, each without effect on what the fast path executes:
/// - `PAGE_FRAG_CACHE_MAX_SIZE` is read from the configuration on the slow path.
/// - The lab's counters (`stats`) are bumped on the slow path only.
/// - `goto refill` is a loop in `_reloadV6_13` (the same transitions).
public struct PageFragV6_13: KernelPageFragPort {
    // MARK: struct page_frag_cache (v6.13, 64-bit)
    @usableFromInline var encodedPage: UInt = 0
    @usableFromInline var offset: UInt32 = 0
    @usableFromInline var _pagecntBias: UInt32 = 0
    // MARK: The lab's
    @usableFromInline var env: KernelPortEnvironment

    public static var version: KernelVersion { .v6_13 }

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

    /// `__page_frag_alloc_align` (exported), in the kernel's shape: the unlikely blocks rejoin
    /// the fast path's tail (see `KernelVersion`).
    @inline(never)
    public mutating func __pageFragAllocAlign(_ fragsz: UInt32, _ gfp: GFP, _ alignMask: UInt32) -> UnsafeMutableRawPointer? {
        var encoded = encodedPage
        if _slowPath(encoded == 0) {
            guard _refill(gfp) else { return nil }
            encoded = encodedPage
        }
        let size = KernelPort._pageSize &<< UInt32(truncatingIfNeeded: encoded & KernelPort._orderMask)
        // __ALIGN_KERNEL_MASK(nc->offset, ~align_mask)
        var offset = (self.offset &+ ~alignMask) & alignMask
        if _slowPath(offset &+ fragsz > size) {
            guard let reloaded = _reloadV6_13(encoded, fragsz, gfp) else { return nil }
            encoded = reloaded
            offset = 0
        }
        _pagecntBias &-= 1
        self.offset = offset &+ fragsz
        // Safe: a held page's address (never 0) plus an offset inside the page.
        return UnsafeMutableRawPointer(bitPattern: (encoded & KernelPort._pageMask) &+ UInt(offset)).unsafelyUnwrapped
    }

    /// `__page_frag_cache_refill` plus the `refill:` block: a new page with all of it free.
    /// Out of line, where clang leaves the kernel's static helper (see `KernelVersion`).
    @usableFromInline @inline(never)
    mutating func _refill(_ gfp: GFP) -> Bool {
        guard let (page, order) = env.requestPage(gfp) else {
            encodedPage = 0
            return false
        }
        encodedPage = EncodedPage(address: env.arena.address(of: page), order: order,
                                  pfmemalloc: env.arena.isPfmemalloc(page)).rawValue
        env.arena.addReferences(Int(env.maxSize), to: page)
        _pagecntBias = env.maxSize &+ 1
        offset = 0
        return true
    }

    /// The "does not fit" branch: nil for an oversize request (the page is kept) or when no
    /// page can be had; else the page word to carve from, at offset 0.
    @inlinable @inline(__always)
    mutating func _reloadV6_13(_ encoded: UInt, _ fragsz: UInt32, _ gfp: GFP) -> UInt? {
        if _slowPath(fragsz > KernelPort._pageSize) {
            env.stats.oversizeFailures &+= 1
            return nil
        }
        let page = env.page(at: encoded & KernelPort._pageMask)
        if env.subAndTest(page, _pagecntBias) {
            if _slowPath(encoded & KernelPort._pfmemallocBit != 0) {
                env.dropPfmemalloc(page)
            } else {
                env.resetForReuse(page)
                _pagecntBias = env.maxSize &+ 1
                return encoded
            }
        } else {
            env.stats.pagesLeftBehind &+= 1
        }
        // goto refill: a fresh page always fits fragsz <= PAGE_SIZE at offset 0.
        guard _refill(gfp) else { return nil }
        return encodedPage
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
    /// Where the next fragment would start before alignment.
    public var nextOffset: Int { Int(offset) }
}
