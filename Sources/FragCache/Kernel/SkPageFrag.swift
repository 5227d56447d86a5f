/// What TCP's sendmsg used before Part-2 (and still uses in mainline): the socket's own
/// `struct page_frag` (`sk->sk_frag`), refilled by net/core/sock.c `skb_page_frag_refill`
/// (through `sk_page_frag_refill`) and consumed by net/ipv4/tcp.c `tcp_sendmsg_locked`, v6.13.
/// Part-2 replaced it with the page_frag cache's prepare/commit (`PageFragPart2V2`); this is
/// the "before" of that change, for prepare-commit (`--variant sk-page-frag`).
///
/// No bias: the socket holds one reference on its page and every new fragment takes another
/// with `page_ref_inc` (an atomic add), which the skb's free drops. A page whose count is back
/// to 1 holds nothing but the socket's reference and is reused from offset 0.
///
///     refill(sz): page held and count == 1 → offset = 0
///                 page held and offset + sz <= size → keep it
///                 else drop the socket's reference, allocate SKB_FRAG_PAGE_ORDER (no reclaim,
///                 no warning, no retry), else one page; nil when neither
///     commit(n):  page_ref_inc(page); offset += n       (a new skb frag)
///     noref(n):   offset += n                           (the frag before it extended)
///
/// Deviations, each without effect on what a prepare or commit executes:
/// - `SKB_FRAG_PAGE_ORDER` is `get_order(32768)` in the kernel; here it is the configuration's
///   max order (`--max-size`), so the two schemes get pages of the same size.
/// - The lab's counters (`stats`) are bumped on the refill path only.
public struct SkPageFrag {
    // MARK: struct page_frag (64-bit)
    @usableFromInline var page: Page? = nil
    @usableFromInline var offset: UInt32 = 0
    @usableFromInline var size: UInt32 = 0
    // MARK: The lab's
    @usableFromInline var env: KernelPortEnvironment

    public init(allocator: PageAllocator, config: FragCacheConfig, gfp: GFP = .atomic) {
        env = KernelPortEnvironment(allocator: allocator, config: config, gfp: gfp)
    }

    /// `sk_page_frag_refill` (exported; `skb_page_frag_refill(32U, pfrag, sk->sk_allocation)`,
    /// inlined into it as gcc does in net/core/sock.c).
    @inline(never)
    public mutating func skPageFragRefill(_ sz: UInt32) -> Bool {
        if let page {
            if env.arena.refcount(of: page) == 1 {
                offset = 0
                env.stats.reuses &+= 1
                env.stats.bytesOpened &+= Int(size)
                return true
            }
            if offset &+ sz <= size { return true }
            env.stats.pagesLeftBehind &+= 1
            env.stats.abandonedBytes &+= Int(size &- min(size, offset))
            env.arena.put(page)
        }
        offset = 0
        guard let (fresh, order) = env.requestPage(env.gfp) else {
            page = nil
            return false
        }
        page = fresh
        size = KernelPort._pageSize &<< UInt32(truncatingIfNeeded: order)
        return true
    }

    /// tcp_sendmsg's room: after a refill for at least `minimum` bytes, the address, the
    /// offset in the page and the bytes left there.
    @inlinable @inline(__always)
    public mutating func prepare(_ minimum: Int) -> (address: UnsafeMutableRawPointer, offset: Int, available: Int)? {
        guard skPageFragRefill(UInt32(truncatingIfNeeded: minimum)), let page else { return nil }
        let address = env.arena.pointer(to: page).advanced(by: Int(offset))
        return (address, Int(offset), Int(size &- offset))
    }

    /// A new skb frag over the next `n` bytes: `page_ref_inc`, then the offset moves.
    @inlinable @inline(__always)
    public mutating func commit(_ n: Int) {
        // Safe: only after a successful prepare, which leaves a page held.
        env.arena.addReferences(1, to: page.unsafelyUnwrapped)
        offset &+= UInt32(truncatingIfNeeded: n)
    }

    /// The last skb frag extended (`skb_frag_size_add`): no reference.
    @inlinable @inline(__always)
    public mutating func commitNoref(_ n: Int) {
        offset &+= UInt32(truncatingIfNeeded: n)
    }

    /// The socket lets its page go (`sk_destruct`'s `put_page(sk->sk_frag.page)`): the
    /// references left on it, nil if none was held.
    @discardableResult
    public mutating func drain() -> Int? {
        guard let page else { return nil }
        env.stats.abandonedBytes &+= Int(size &- min(size, offset))
        self.page = nil
        return env.arena.put(page)
    }

    public var arena: PageArena { env.arena }
    public var stats: FragCacheStats { env.stats }
    public var currentPage: Page? { page }
    public var remaining: Int { page == nil ? 0 : Int(size &- min(size, offset)) }
}
