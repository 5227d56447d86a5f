/// The seed (page_frag RFC v11) after its patch 08/14, "some minor refactoring before adding
/// new API" (reposted as v13 08/14, <20240808123714.462740-9-linyunsheng@huawei.com>):
/// mm/page_frag_cache.c `__page_frag_alloc_va_align` with `__page_frag_cache_reuse`,
/// `__page_frag_cache_refill` and `__page_frag_cache_reload`.
///
/// What the patch changed in the fast path: an empty cache now has `remaining == 0` (init,
/// drain and a failed refill clear the whole struct), so the fit test alone sends it to the
/// slow path and the empty test is gone; the reload is one static function behind the fit
/// test, and the fragment carved after a reload starts at 0 without recomputing the size.
///
/// Deviations, each without effect on what the fast path executes:
/// - `PAGE_FRAG_CACHE_MAX_SIZE` is read from the configuration on the slow path.
/// - The lab's counters (`stats`) are bumped on the slow path only.
public struct PageFragRFCv11: KernelPageFragPort {
    // MARK: struct page_frag_cache (RFC v11 after 08/14, 64-bit)
    @usableFromInline var encodedVA: UInt = 0
    @usableFromInline var _remaining: UInt32 = 0
    @usableFromInline var _pagecntBias: UInt32 = 0
    // MARK: The lab's
    @usableFromInline var env: KernelPortEnvironment

    public static var version: KernelVersion { .rfcV11 }

    public init(allocator: PageAllocator, config: FragCacheConfig, gfp: GFP = .atomic) {
        env = KernelPortEnvironment(allocator: allocator, config: config, gfp: gfp)
    }


    @inlinable @inline(__always)
    public mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        __pageFragAllocVAAlign(UInt32(truncatingIfNeeded: fragsz), env.gfp, ~0)
    }

    @inlinable @inline(__always)
    public mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        __pageFragAllocVAAlign(UInt32(truncatingIfNeeded: fragsz), env.gfp, KernelPort._alignMask(align))
    }

    /// `__page_frag_alloc_va_align` (exported).
    @inline(never)
    public mutating func __pageFragAllocVAAlign(_ fragsz: UInt32, _ gfp: GFP, _ alignMask: UInt32) -> UnsafeMutableRawPointer? {
        let encoded = encodedVA
        let remaining = _remaining & alignMask
        // remaining is 0 on an empty cache, so this test alone says there is room.
        if _fastPath(remaining >= fragsz) {
            _pagecntBias &-= 1
            _remaining = remaining &- fragsz
            // Safe: remaining > 0 means a page is held (its address is never 0).
            return UnsafeMutableRawPointer(bitPattern: (encoded & KernelPort._pageMask) &+ UInt(pageSize(encoded) &- remaining)).unsafelyUnwrapped
        }
        return _allocAfterReload(fragsz, gfp)
    }

    /// The rest of `__page_frag_alloc_va_align` after the fit test: refuse an oversize
    /// request, reload, carve at offset 0 (inlined into it, as gcc inlines the static reload).
    @inlinable @inline(__always)
    mutating func _allocAfterReload(_ fragsz: UInt32, _ gfp: GFP) -> UnsafeMutableRawPointer? {
        if _slowPath(fragsz > KernelPort._pageSize) {
            env.stats.oversizeFailures &+= 1
            return nil
        }
        guard _reload(gfp) else { return nil }
        // Counting up from a just-reloaded page: the fragment starts at 0.
        _pagecntBias &-= 1
        _remaining &-= fragsz
        return UnsafeMutableRawPointer(bitPattern: encodedVA & KernelPort._pageMask).unsafelyUnwrapped
    }

    @inlinable @inline(__always)
    func pageSize(_ encoded: UInt) -> UInt32 {
        KernelPort._pageSize &<< UInt32(truncatingIfNeeded: encoded & KernelPort._orderMask)
    }

    /// `__page_frag_cache_reuse`: whether the page came back whole and may be carved again.
    @inlinable @inline(__always)
    mutating func _reuse(_ encoded: UInt, _ pagecntBias: UInt32) -> Bool {
        let page = env.page(at: encoded & KernelPort._pageMask)
        guard env.subAndTest(page, pagecntBias) else {
            env.stats.pagesLeftBehind &+= 1
            return false
        }
        if _slowPath(encoded & KernelPort._pfmemallocBit != 0) {
            env.dropPfmemalloc(page)
            return false
        }
        env.resetForReuse(page)
        return true
    }

    /// `__page_frag_cache_refill`: a new page with `MAX_SIZE` references added; on failure
    /// the whole struct is cleared (so `remaining` is 0 again).
    @inlinable @inline(__always)
    mutating func _refill(_ gfp: GFP) -> Bool {
        guard let (page, order) = env.requestPage(gfp) else {
            encodedVA = 0
            _remaining = 0
            _pagecntBias = 0
            return false
        }
        encodedVA = EncodedPage(address: env.arena.address(of: page), order: order,
                                pfmemalloc: env.arena.isPfmemalloc(page)).rawValue
        env.arena.addReferences(Int(env.maxSize), to: page)
        return true
    }

    /// `__page_frag_cache_reload`: reuse the page if possible, else refill; then the whole
    /// page is free.
    /// Out of line, where clang leaves the kernel's static helper (see `KernelVersion`).
    @usableFromInline @inline(never)
    mutating func _reload(_ gfp: GFP) -> Bool {
        if _fastPath(encodedVA != 0) && _reuse(encodedVA, _pagecntBias) {
            // out:
        } else if _slowPath(!_refill(gfp)) {
            return false
        }
        _pagecntBias = env.maxSize &+ 1
        _remaining = pageSize(encodedVA)
        return true
    }

    /// `page_frag_cache_drain`: the struct is cleared.
    @discardableResult
    public mutating func drain() -> Int? {
        guard encodedVA != 0 else { return nil }
        env.stats.abandonedBytes &+= Int(_remaining)
        let left = env.arena.put(env.page(at: encodedVA & KernelPort._pageMask), count: Int(_pagecntBias))
        encodedVA = 0
        _remaining = 0
        _pagecntBias = 0
        return left
    }

    public var arena: PageArena { env.arena }
    public var stats: FragCacheStats { env.stats }
    public var currentPage: Page? { encodedVA == 0 ? nil : env.page(at: encodedVA & KernelPort._pageMask) }
    public var remaining: Int { encodedVA == 0 ? 0 : Int(_remaining) }
    public var pagecntBias: Int { Int(_pagecntBias) }
}
