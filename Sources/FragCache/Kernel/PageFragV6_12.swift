/// The page_frag cache as it was before the series: v6.12's mm/page_alloc.c
/// (`__page_frag_alloc_align`, `__page_frag_cache_refill`, `page_frag_cache_drain`,
/// `page_frag_free`; Part-1 patch 02 moved the same code to mm/page_frag_cache.c unchanged).
///
/// The offset counts down: a fragment of `fragsz` bytes starts at `offset - fragsz`, rounded
/// down to the alignment, and that start becomes the new offset. A fresh page starts with
/// `offset = size`.
///
///     0                       offset                        size
///     |       free bytes        |  fragments handed out        |
///
/// Deviations from v6.12, each without effect on what the fast path executes:
/// - `offset` and `size` are 32-bit (the kernel packs them as two `__u16` when
///   `PAGE_SIZE < PAGE_FRAG_CACHE_MAX_SIZE`): the lab's max sizes go past 65535.
/// - `va` is an address word (0 for NULL) rather than a pointer.
/// - `PAGE_FRAG_CACHE_MAX_SIZE` is read from the configuration on the slow path.
/// - The lab's counters (`stats`) are bumped on the slow path only.
/// - `goto refill` is a loop in `_reloadV6_12` (the same transitions).
public struct PageFragV6_12: KernelPageFragPort {
    // MARK: struct page_frag_cache (v6.12, 64-bit)
    @usableFromInline var va: UInt = 0
    @usableFromInline var offset: UInt32 = 0
    @usableFromInline var size: UInt32 = 0
    @usableFromInline var _pagecntBias: UInt32 = 0
    @usableFromInline var pfmemalloc = false
    // MARK: The lab's
    @usableFromInline var env: KernelPortEnvironment

    public static var version: KernelVersion { .v6_12 }

    public init(allocator: PageAllocator, config: FragCacheConfig, gfp: GFP = .atomic) {
        env = KernelPortEnvironment(allocator: allocator, config: config, gfp: gfp)
    }


    /// `page_frag_alloc`: header inline, passing `~0u` as the mask.
    @inlinable @inline(__always)
    public mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        __pageFragAllocAlign(UInt32(truncatingIfNeeded: fragsz), env.gfp, ~0)
    }

    /// `page_frag_alloc_align`: header inline, passing `-align`.
    @inlinable @inline(__always)
    public mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        __pageFragAllocAlign(UInt32(truncatingIfNeeded: fragsz), env.gfp, KernelPort._alignMask(align))
    }

    /// `__page_frag_alloc_align` (exported, so a real call from its callers), in the kernel's
    /// shape: the unlikely blocks (refill, reuse) sit in the same function and rejoin the fast
    /// path's tail, as the kernel's `goto refill` does (see `KernelVersion` on why the shape is kept).
    @inline(never)
    public mutating func __pageFragAllocAlign(_ fragsz: UInt32, _ gfp: GFP, _ alignMask: UInt32) -> UnsafeMutableRawPointer? {
        if _slowPath(va == 0) {
            guard _refill(gfp) else { return nil }
        }
        // `int offset = nc->offset - fragsz`: negative when it does not fit.
        var offset = Int32(bitPattern: self.offset &- fragsz)
        if _slowPath(offset < 0) {
            guard let reloaded = _reloadV6_12(fragsz, gfp) else { return nil }
            offset = reloaded
        }
        _pagecntBias &-= 1
        offset &= Int32(bitPattern: alignMask)
        self.offset = UInt32(bitPattern: offset)
        // Safe: va is a held page's address (never 0) and offset lies inside the page.
        return UnsafeMutableRawPointer(bitPattern: va &+ UInt(UInt32(bitPattern: offset))).unsafelyUnwrapped
    }

    /// The `refill:` label: a new page, the whole of it free. False when none could be had
    /// (`va` is then NULL).
    /// Out of line, where clang leaves the kernel's static helper (see `KernelVersion`).
    @usableFromInline @inline(never)
    mutating func _refill(_ gfp: GFP) -> Bool {
        guard let (page, order) = env.requestPage(gfp) else {
            va = 0
            return false
        }
        // nc->size is set by the refill when PAGE_SIZE < MAX_SIZE, else it is PAGE_SIZE.
        size = KernelPort._pageSize &<< UInt32(truncatingIfNeeded: order)
        va = env.arena.address(of: page)
        env.arena.addReferences(Int(env.maxSize), to: page)
        pfmemalloc = env.arena.isPfmemalloc(page)
        _pagecntBias = env.maxSize &+ 1
        offset = size
        return true
    }

    /// The `offset < 0` branch: reuse the page if every fragment came back (and it is not a
    /// pfmemalloc page), else refill. Returns the new fragment's unaligned offset, or nil
    /// (no page, or `fragsz` larger than the page: the page is kept).
    @inlinable @inline(__always)
    mutating func _reloadV6_12(_ fragsz: UInt32, _ gfp: GFP) -> Int32? {
        while true {
            let page = env.page(at: va)
            if env.subAndTest(page, _pagecntBias) {
                if _slowPath(pfmemalloc) {
                    env.dropPfmemalloc(page)
                } else {
                    env.resetForReuse(page)
                    _pagecntBias = env.maxSize &+ 1
                    let offset = Int32(bitPattern: size &- fragsz)
                    if _slowPath(offset < 0) {
                        // Larger than the page: keep the page, fail the request.
                        env.stats.oversizeFailures &+= 1
                        return nil
                    }
                    return offset
                }
            } else {
                env.stats.pagesLeftBehind &+= 1
            }
            // goto refill: then the fit test runs again on the new page.
            guard _refill(gfp) else { return nil }
            let offset = Int32(bitPattern: self.offset &- fragsz)
            if offset >= 0 { return offset }
        }
    }

    /// `page_frag_cache_drain`.
    @discardableResult
    public mutating func drain() -> Int? {
        guard va != 0 else { return nil }
        env.stats.abandonedBytes &+= Int(offset)
        let left = env.arena.put(env.page(at: va), count: Int(_pagecntBias))
        va = 0
        return left
    }

    public var arena: PageArena { env.arena }
    public var stats: FragCacheStats { env.stats }
    public var currentPage: Page? { va == 0 ? nil : env.page(at: va) }
    /// The free bytes are `[0, offset)`.
    public var remaining: Int { va == 0 ? 0 : Int(offset) }
    public var pagecntBias: Int { Int(_pagecntBias) }
}
