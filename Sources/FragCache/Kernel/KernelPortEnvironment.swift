/// What every port needs beside the kernel's own fields: the page allocator (the kernel's
/// buddy allocator), `PAGE_FRAG_CACHE_MAX_SIZE` (a compile-time constant in the kernel, a
/// run-time value here: it is read on the slow path only) and the lab's slow-path counters.
/// Kept after the kernel's fields in each port, so the fast path touches the same 16 or 24
/// bytes the kernel's does.
///
/// Lifetime: like `PageArena`, valid only while the `PageAllocator` it was made from is alive;
/// the port's owner keeps it (the workload allocators hold it beside the port). A port is a
/// plain value, as the kernel's struct is: copying one copies the state, so don't.
@usableFromInline
struct KernelPortEnvironment {
    @usableFromInline let arena: PageArena
    @usableFromInline let maxOrder: Int
    /// `PAGE_FRAG_CACHE_MAX_SIZE` as a refcount increment.
    @usableFromInline let maxSize: UInt32
    @usableFromInline let gfp: GFP
    @usableFromInline var stats = FragCacheStats()

    init(allocator: PageAllocator, config: FragCacheConfig, gfp: GFP) {
        precondition(allocator.pageSize == config.pageSize,
                     "kernel port: allocator page size \(allocator.pageSize) != configured page size \(config.pageSize)")
        precondition(KernelPort.unsupportedReason(config) == nil, KernelPort.unsupportedReason(config) ?? "")
        arena = allocator.arena
        maxOrder = config.maxOrder
        maxSize = UInt32(config.maxSize)
        self.gfp = gfp
    }

    /// `__page_frag_cache_refill`'s page request, the same in every version: the max-order
    /// page without reclaim, warnings, retries or reserves (when `PAGE_SIZE < MAX_SIZE`), else
    /// an order-0 page with the caller's flags. Returns the page and its order.
    /// Out of line, as the kernel's `alloc_pages_node` is to page_frag: the ports' exported
    /// functions keep only the call in their slow blocks.
    @usableFromInline @inline(never)
    mutating func requestPage(_ gfp: GFP) -> (page: Page, order: Int)? {
        if maxOrder > 0 {
            var highOrderGFP = gfp.subtracting(.directReclaim)
            highOrderGFP.formUnion([.compound, .noWarn, .noRetry, .noMemalloc])
            if let page = arena.allocPages(order: maxOrder, gfp: highOrderGFP) {
                stats.refills &+= 1
                stats.bytesOpened &+= KernelPort.pageSize &<< maxOrder
                return (page, maxOrder)
            }
            stats.highOrderFailures &+= 1
        }
        guard let page = arena.allocPages(order: 0, gfp: gfp) else {
            stats.refillFailures &+= 1
            return nil
        }
        if maxOrder > 0 { stats.fallbacks &+= 1 }
        stats.refills &+= 1
        stats.bytesOpened &+= KernelPort.pageSize
        return (page, 0)
    }

    /// `virt_to_page` of a page-aligned address inside the arena.
    @inlinable @inline(__always)
    func page(at address: UInt) -> Page {
        // Safe: the ports only pass addresses of pages they hold, inside the arena.
        Page(index: Int32(truncatingIfNeeded: (address &- arena.base) &>> KernelPort._pageShift))
    }

    /// `page_ref_sub_and_test`: drops `count` references; true when none are left.
    @inlinable @inline(__always)
    func subAndTest(_ page: Page, _ count: UInt32) -> Bool {
        arena.dropReferences(Int(count), from: page) == 0
    }

    /// `set_page_count(page, MAX_SIZE + 1)`: the page came back whole and is reused.
    @inlinable @inline(__always)
    mutating func resetForReuse(_ page: Page) {
        arena.setRefcount(Int(maxSize) &+ 1, of: page)
        stats.reuses &+= 1
        stats.bytesOpened &+= KernelPort.pageSize &<< arena.order(of: page)
    }

    /// `free_unref_page`: a pfmemalloc page goes back instead of being reused.
    @inlinable @inline(__always)
    mutating func dropPfmemalloc(_ page: Page) {
        stats.pfmemallocDrops &+= 1
        arena.freePages(page)
    }
}

/// The operations every port offers the lab (its `page_frag_alloc`, `page_frag_alloc_align`,
/// `page_frag_free`, `page_frag_cache_drain`), and what the tools read back.
public protocol KernelPageFragPort {
    static var version: KernelVersion { get }
    init(allocator: PageAllocator, config: FragCacheConfig, gfp: GFP)
    /// `page_frag_alloc(nc, fragsz, gfp)`.
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer?
    /// `page_frag_alloc_align(nc, fragsz, gfp, align)`: `align` a power of two.
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer?
    /// `page_frag_cache_drain`: the references left on the page, nil if the cache held none.
    /// Nothing drains a port implicitly: its owner drains it before letting the allocator go.
    mutating func drain() -> Int?
    var arena: PageArena { get }
    var stats: FragCacheStats { get }
    /// The page held, if any.
    var currentPage: Page? { get }
    /// Bytes still free in the page held (0 when none).
    var remaining: Int { get }
    var pagecntBias: Int { get }
}

extension KernelPageFragPort {
    /// `page_frag_free`: the same in every version.
    @inlinable @inline(__always)
    @discardableResult
    public func free(_ address: UnsafeMutableRawPointer) -> Int { arena.freeFragment(address) }
}
