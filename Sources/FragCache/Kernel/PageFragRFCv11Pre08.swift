/// The seed (the 2024 page_frag RFC v11, the API this lab models) before its patch 08/14:
/// mm/page_frag_cache.c `__page_frag_alloc_va_align` and include/linux/page_frag_cache.h
/// (`page_frag_alloc_va`, `page_frag_alloc_va_align`, `encoded_page_*`) as they stood with
/// `encoded_va` and `remaining`, the empty-cache test still at the top of the fast path.
///
///     0                    size - remaining              size
///     |  fragments handed out  |      remaining bytes      |
///
/// Deviations, each without effect on what the fast path executes:
/// - `PAGE_FRAG_CACHE_MAX_SIZE` is read from the configuration on the slow path.
/// - The lab's counters (`stats`) are bumped on the slow path only.
/// - `goto refill` is a loop in `_reloadPre08` (the same transitions).
public struct PageFragRFCv11Pre08: KernelPageFragPort {
    // MARK: struct page_frag_cache (RFC v11 before 08/14, 64-bit)
    @usableFromInline var encodedVA: UInt = 0
    @usableFromInline var _remaining: UInt32 = 0
    @usableFromInline var _pagecntBias: UInt32 = 0
    // MARK: The lab's
    @usableFromInline var env: KernelPortEnvironment

    public static var version: KernelVersion { .rfcV11Pre08 }

    public init(allocator: PageAllocator, config: FragCacheConfig, gfp: GFP = .atomic) {
        env = KernelPortEnvironment(allocator: allocator, config: config, gfp: gfp)
    }


    /// `page_frag_alloc_va`: header inline, `~0u` as the mask.
    @inlinable @inline(__always)
    public mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        __pageFragAllocVAAlign(UInt32(truncatingIfNeeded: fragsz), env.gfp, ~0)
    }

    /// `page_frag_alloc_va_align`: header inline, `-align` as the mask.
    @inlinable @inline(__always)
    public mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        __pageFragAllocVAAlign(UInt32(truncatingIfNeeded: fragsz), env.gfp, KernelPort._alignMask(align))
    }

    /// `__page_frag_alloc_va_align` (exported), in the kernel's shape: the unlikely blocks
    /// rejoin the fast path's tail (see `KernelVersion`).
    @inline(never)
    public mutating func __pageFragAllocVAAlign(_ fragsz: UInt32, _ gfp: GFP, _ alignMask: UInt32) -> UnsafeMutableRawPointer? {
        var encoded = encodedVA
        if _slowPath(encoded == 0) {
            guard _refill(gfp) else { return nil }
            encoded = encodedVA
        }
        var size = pageSize(encoded)
        var remaining = _remaining & alignMask
        if _slowPath(remaining < fragsz) {
            guard let reloaded = _reloadPre08(encoded, fragsz, gfp) else { return nil }
            (encoded, size) = reloaded
            remaining = size
        }
        _pagecntBias &-= 1
        _remaining = remaining &- fragsz
        // Safe: a held page's address (never 0) plus an offset inside the page.
        return UnsafeMutableRawPointer(bitPattern: (encoded & KernelPort._pageMask) &+ UInt(size &- remaining)).unsafelyUnwrapped
    }

    /// `page_frag_cache_page_size`.
    @inlinable @inline(__always)
    func pageSize(_ encoded: UInt) -> UInt32 {
        KernelPort._pageSize &<< UInt32(truncatingIfNeeded: encoded & KernelPort._orderMask)
    }

    /// `__page_frag_cache_refill` plus the `refill:` block.
    /// Out of line, where clang leaves the kernel's static helper (see `KernelVersion`).
    @usableFromInline @inline(never)
    mutating func _refill(_ gfp: GFP) -> Bool {
        guard let (page, order) = env.requestPage(gfp) else {
            encodedVA = 0
            return false
        }
        encodedVA = EncodedPage(address: env.arena.address(of: page), order: order,
                                pfmemalloc: env.arena.isPfmemalloc(page)).rawValue
        env.arena.addReferences(Int(env.maxSize), to: page)
        _pagecntBias = env.maxSize &+ 1
        _remaining = pageSize(encodedVA)
        return true
    }

    /// The "does not fit" branch. Returns the page word and its size (the whole page free),
    /// or nil for an oversize request (the page is kept) or when no page can be had.
    @inlinable @inline(__always)
    mutating func _reloadPre08(_ encoded: UInt, _ fragsz: UInt32, _ gfp: GFP) -> (encoded: UInt, size: UInt32)? {
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
                let size = pageSize(encoded)
                _remaining = size
                return (encoded, size)
            }
        } else {
            env.stats.pagesLeftBehind &+= 1
        }
        // goto refill: a fresh page always fits fragsz <= PAGE_SIZE.
        guard _refill(gfp) else { return nil }
        return (encodedVA, _remaining)
    }

    @discardableResult
    public mutating func drain() -> Int? {
        guard encodedVA != 0 else { return nil }
        env.stats.abandonedBytes &+= Int(_remaining)
        let left = env.arena.put(env.page(at: encodedVA & KernelPort._pageMask), count: Int(_pagecntBias))
        encodedVA = 0
        return left
    }

    public var arena: PageArena { env.arena }
    public var stats: FragCacheStats { env.stats }
    public var currentPage: Page? { encodedVA == 0 ? nil : env.page(at: encodedVA & KernelPort._pageMask) }
    public var remaining: Int { encodedVA == 0 ? 0 : Int(_remaining) }
    public var pagecntBias: Int { Int(_pagecntBias) }
}
