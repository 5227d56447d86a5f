import Synchronization

/// A trivially copyable view of a `PageAllocator`: the arena's geometry, its page descriptors
/// and its locked buddy state, all behind raw pointers so that copying it, passing it to
/// another thread or using it on a hot path costs no reference counting.
///
/// Lifetime: a `PageArena` is valid only while the `PageAllocator` that made it is alive.
/// `FragCache` keeps its allocator alive itself; other holders (a consumer thread freeing
/// fragments) must keep the allocator alive for as long as they use the view.
public struct PageArena: @unchecked Sendable {
    /// Address of base page 0; aligned to the largest block (`pageSize << 10`), so every block
    /// is naturally aligned in absolute terms too and page addresses have their low bits free.
    @usableFromInline let base: UInt
    @usableFromInline let pageShift: UInt
    /// The same pointer as the buddy allocator's, kept here too: a free reads it on every call,
    /// and through the handle it would be one more dependent load.
    @usableFromInline let descriptors: UnsafeMutablePointer<PageDescriptor>
    /// The page allocator proper, behind one pointer (see BuddyAllocator for why).
    @usableFromInline let buddy: BuddyAllocator

    init(base: UInt, pageShift: UInt, pageCount: Int,
         descriptors: UnsafeMutablePointer<PageDescriptor>,
         core: SpinLock<BuddyState>) {
        self.base = base
        self.pageShift = pageShift
        self.descriptors = descriptors
        self.buddy = BuddyAllocator(BuddyLists(descriptors: descriptors, pageCount: pageCount, core: core))
    }

    @inlinable var pageCount: Int { buddy.pageCount }
    @inlinable var core: SpinLock<BuddyState> { buddy.core }

    @inlinable public var pageSize: Int { 1 &<< Int(pageShift) }

    /// Whether `address` lies inside the arena.
    @inlinable
    public func contains(_ address: UInt) -> Bool {
        address &- base < UInt(pageCount) &<< pageShift
    }

    // MARK: - Addresses

    @inlinable
    public func address(of page: Page) -> UInt {
        assert(page.index >= 0 && Int(page.index) < pageCount, "\(page) outside the arena")
        return base &+ (UInt(page.index) &<< pageShift)
    }

    @inlinable
    public func pointer(to page: Page) -> UnsafeMutableRawPointer {
        // Safe: `base` is a live mapping's address, never 0.
        UnsafeMutableRawPointer(bitPattern: address(of: page)).unsafelyUnwrapped
    }

    /// The head page of the block holding `address` (the kernel's `virt_to_head_page`): O(1),
    /// a subtraction, a shift and one load.
    @inlinable @inline(__always)
    public func headPage(of address: UInt) -> Page {
        assert(contains(address), "address \(address) is not inside the arena")
        // bitPattern: the shifted offset is below pageCount, so no sign check is needed (it
        // would cost two instructions per free).
        let index = Int(bitPattern: (address &- base) &>> pageShift)
        // Safe: `index < pageCount` because the address is inside the arena (asserted above).
        return Page(index: descriptors[index].head)
    }

    @inlinable
    public func headPage(of pointer: UnsafeRawPointer) -> Page {
        headPage(of: UInt(bitPattern: pointer))
    }

    // MARK: - Descriptor reads

    @inlinable
    public func order(of page: Page) -> Int {
        assertIndex(page)
        return Int(descriptors[Int(page.index)].order)
    }

    @inlinable
    public func isPfmemalloc(_ page: Page) -> Bool {
        assertIndex(page)
        return descriptors[Int(page.index)].flags.contains(.pfmemalloc)
    }

    @inlinable
    public func isAllocated(_ page: Page) -> Bool {
        assertIndex(page)
        return descriptors[Int(page.index)].flags.contains(.allocated)
    }

    @inlinable
    func assertIndex(_ page: Page) {
        assert(page.index >= 0 && Int(page.index) < pageCount, "\(page) outside the arena")
    }

    // MARK: - Reference counts

    @inlinable
    public func refcount(of page: Page) -> Int {
        assertIndex(page)
        return descriptors[Int(page.index)].refcount.load(ordering: .acquiring)
    }

    /// `page_ref_add`: the caller already holds a reference, so nobody can free the page under us.
    @inlinable @inline(__always)
    public func addReferences(_ count: Int, to page: Page) {
        assertIndex(page)
        descriptors[Int(page.index)].refcount.wrappingAdd(count, ordering: .relaxed)
    }

    /// `set_page_count`: only legal while nobody else can see the page (refcount was 0 and
    /// the caller is its only user).
    @inlinable
    func setRefcount(_ count: Int, of page: Page) {
        assertIndex(page)
        descriptors[Int(page.index)].refcount.store(count, ordering: .relaxed)
    }

    /// Drops `count` references and returns what is left, without freeing. Acquire-release so
    /// that whoever sees 0 also sees every write made through the references dropped before.
    @inlinable @inline(__always)
    public func dropReferences(_ count: Int, from page: Page) -> Int {
        assertIndex(page)
        let left = descriptors[Int(page.index)].refcount
            .wrappingSubtract(count, ordering: .acquiringAndReleasing).newValue
        assert(left >= 0, "\(page) refcount went negative (\(left)) dropping \(count)")
        return left
    }

    /// `put_page` / `page_frag_cache_drain`'s core: drop `count` references and give the page
    /// back to the allocator when none are left. Returns the references left.
    @inlinable @inline(__always)
    @discardableResult
    public func put(_ page: Page, count: Int = 1) -> Int {
        let left = dropReferences(count, from: page)
        if _slowPath(left == 0) { freePages(page) }
        return left
    }

    /// `page_frag_free_va`: free a fragment by its address, from any thread.
    @inlinable @inline(__always)
    @discardableResult
    public func freeFragment(_ address: UnsafeMutableRawPointer) -> Int {
        put(headPage(of: UInt(bitPattern: address)))
    }
}
