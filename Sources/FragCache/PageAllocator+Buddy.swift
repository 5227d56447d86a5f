import Synchronization

/// The page allocator's entry points, as the cache and the workloads call them: forwarded to
/// the arena's `BuddyAllocator`, whose out-of-line functions take it in registers.
extension PageArena {
    /// Asks for a block of 2^order base pages (`alloc_pages`). The page comes back with
    /// refcount 1, set up as a compound page when `gfp` says so, and pfmemalloc when an armed
    /// injection says so. Returns nil when the request fails (no reclaim in the model).
    @inlinable @inline(__always)
    public func allocPages(order: Int, gfp: GFP) -> Page? {
        buddy.allocPages(order: order, gfp: gfp)
    }

    /// Gives a block back (`__free_pages`), merging it with its free buddies. The caller must
    /// hold the last reference (refcount already 0).
    @inlinable @inline(__always)
    public func freePages(_ page: Page) {
        buddy.freePages(page)
    }
}

/// The binary buddy allocator: free blocks of order k are naturally aligned runs of 2^k base
/// pages, kept on intrusive per-order lists; a block's buddy is found by flipping bit k of its
/// index. Every call takes the arena's lock, so frees from any thread are safe; none of this
/// is on the cache's fast path.
extension BuddyLists {
    /// `PageArena.allocPages`, inlined into `BuddyAllocator.allocPages`.
    ///
    /// The benchmarks run without an observer, and this path pays nothing for one: when an
    /// observer is installed, the lock is let go untouched and the request is served by
    /// `allocPagesObserved`, which takes it again, copies the observer and allocates in that
    /// one critical section (so the result is as if the request had started there).
    @inline(__always)
    func allocPages(order: Int, gfp: GFP) -> Page? {
        precondition(order >= 0 && order < BuddyState.orderCount,
                     "allocPages: order \(order) outside 0...\(BuddyState.orderCount - 1)")
        let compound = order > 0 && gfp.contains(.compound)
        // A local function rather than a closure literal, so that it can be marked: left to
        // itself the optimiser calls the critical section out of line (a call, a frame and a
        // result through memory on every refill).
        @inline(__always)
        func critical(_ state: inout sending BuddyState) -> sending LockedAllocation {
            if _slowPath(state.hasObserver) { return .observed }
            return allocateLocked(order: order, gfp: gfp, compound: compound, state: &state)
        }
        let taken = core.withLock(critical)
        switch taken {
        case .block(let index, _):
            prepareTails(index: index, order: order, compound: compound)
            return Page(index: index)
        case .failed:
            return nil
        case .observed:
            return allocPagesObserved(order: order, gfp: gfp, compound: compound)
        }
    }

    /// `allocPages` with an observer installed: the observer is copied (a retain) under the
    /// same lock as the allocation and told outside it.
    @inline(never)
    func allocPagesObserved(order: Int, gfp: GFP, compound: Bool) -> Page? {
        var observer: PageEventObserver?
        let taken: LockedAllocation = core.withLock { state in
            observer = state.observer
            return allocateLocked(order: order, gfp: gfp, compound: compound, state: &state)
        }
        guard case .block(let index, let pfmemalloc) = taken else { return nil }
        prepareTails(index: index, order: order, compound: compound)
        let page = Page(index: index)
        observer?(.allocated(page, order: order, pfmemalloc: pfmemalloc))
        return page
    }

    /// `PageArena.freePages`, inlined into `BuddyAllocator.freePages`. With an observer
    /// installed, the block is freed by `freePagesObserved` instead (as in `allocPages`).
    @inline(__always)
    func freePages(_ page: Page) {
        let index = page.index
        let d = descriptors + Int(index)
        precondition(d.pointee.flags.contains(.allocated),
                     "freePages: \(page) is not an allocated head page (double free?)")
        assert(d.pointee.refcount.load(ordering: .relaxed) == 0,
               "freePages: \(page) still has references")
        let order = Int(d.pointee.order)
        // The tails keep their stale `head`: nobody looks a free page up by address, and the
        // next allocation of any block covering them sets every page's `head` again.
        @inline(__always)
        func critical(_ state: inout sending BuddyState) -> sending Bool {
            if _slowPath(state.hasObserver) { return true }
            freeLocked(index: index, order: order, state: &state)
            return false
        }
        let observed = core.withLock(critical)
        if _slowPath(observed) { freePagesObserved(page, order: order) }
    }

    /// `freePages` with an observer installed.
    @inline(never)
    func freePagesObserved(_ page: Page, order: Int) {
        let observer: PageEventObserver? = core.withLock { state in
            freeLocked(index: page.index, order: order, state: &state)
            return state.observer
        }
        observer?(.released(page, order: order))
    }

    // MARK: - Under the lock

    /// The allocation proper (requests, injections, the buddy lists, the head's flags). The
    /// counters wrap rather than trap: a 64-bit count of requests does not overflow, and a
    /// trap check on each would be paid by every refill.
    @inline(__always)
    func allocateLocked(order: Int, gfp: GFP, compound: Bool, state: inout BuddyState) -> LockedAllocation {
        state.requests[order] &+= 1
        if state.failAny > 0 {
            state.failAny &-= 1
            state.failures[order] &+= 1
            state.injectedFailures &+= 1
            return .failed
        }
        if order > 0 && state.failHighOrder > 0 {
            state.failHighOrder &-= 1
            state.failures[order] &+= 1
            state.injectedFailures &+= 1
            return .failed
        }
        guard let block = takeBlock(order: order, state: &state) else {
            state.failures[order] &+= 1
            return .failed
        }
        var pfmemalloc = false
        if order == 0 && !gfp.contains(.noMemalloc) && state.pfmemallocNext > 0 {
            state.pfmemallocNext &-= 1
            pfmemalloc = true
        }
        state.pagesInUse &+= 1 &<< order
        state.peakPagesInUse = max(state.peakPagesInUse, state.pagesInUse)
        // The head's flags are read under the lock by frees merging with a buddy, so they
        // change only under it; the tails are nobody else's business.
        var flags: PageFlags = [.allocated]
        if compound { flags.insert(.head) }
        if pfmemalloc { flags.insert(.pfmemalloc) }
        // Safe: takeBlock returns the head of a free block, an index inside the arena.
        descriptors[Int(block)].flags = flags
        descriptors[Int(block)].order = UInt8(truncatingIfNeeded: order)
        return .block(block, pfmemalloc: pfmemalloc)
    }

    /// The free proper: counters, then the block back on the lists, merged with its buddies.
    @inline(__always)
    func freeLocked(index: Int32, order: Int, state: inout BuddyState) {
        state.frees[order] &+= 1
        state.pagesInUse &-= 1 &<< order
        insertMerging(index: index, order: order, state: &state)
    }

    /// Pops the smallest free block of at least `order` and splits it down, returning the
    /// index of a block of exactly `order`.
    @inline(__always)
    func takeBlock(order: Int, state: inout BuddyState) -> Int32? {
        var k = order
        while k < BuddyState.orderCount && state.freeHeads[k] < 0 { k += 1 }
        guard k < BuddyState.orderCount else { return nil }
        let block = state.freeHeads[k]
        unlink(index: block, order: k, state: &state)
        while k > order {
            k -= 1
            // Safe: the block is aligned to 2^(k+1) pages and lies inside the arena, so its
            // upper half starts below pageCount <= Int32.max (no trap check needed).
            link(index: block &+ Int32(truncatingIfNeeded: 1 &<< k), order: k, state: &state)
        }
        return block
    }

    @inline(__always)
    func insertMerging(index start: Int32, order start0: Int, state: inout BuddyState) {
        var index = start
        var order = start0
        while order < BuddyState.orderCount - 1 {
            let buddy = index ^ Int32(1 << order)
            guard Int(buddy) + (1 << order) <= pageCount else { break }
            let b = descriptors + Int(buddy)
            guard b.pointee.flags.contains(.buddyFree) && Int(b.pointee.order) == order else { break }
            unlink(index: buddy, order: order, state: &state)
            index = min(index, buddy)
            order += 1
        }
        link(index: index, order: order, state: &state)
    }

    @inline(__always)
    func link(index: Int32, order: Int, state: inout BuddyState) {
        let d = descriptors + Int(index)
        d.pointee.flags = .buddyFree
        d.pointee.order = UInt8(order)
        d.pointee.prev = -1
        d.pointee.next = state.freeHeads[order]
        if d.pointee.next >= 0 { descriptors[Int(d.pointee.next)].prev = index }
        state.freeHeads[order] = index
        state.freeBlocks[order] &+= 1
    }

    @inline(__always)
    func unlink(index: Int32, order: Int, state: inout BuddyState) {
        let d = descriptors + Int(index)
        assert(d.pointee.flags.contains(.buddyFree) && Int(d.pointee.order) == order,
               "unlink: block \(index) is not free at order \(order)")
        if d.pointee.prev >= 0 {
            descriptors[Int(d.pointee.prev)].next = d.pointee.next
        } else {
            state.freeHeads[order] = d.pointee.next
        }
        if d.pointee.next >= 0 { descriptors[Int(d.pointee.next)].prev = d.pointee.prev }
        d.pointee.flags = []
        d.pointee.next = -1
        d.pointee.prev = -1
        state.freeBlocks[order] &-= 1
    }

    // MARK: - Outside the lock, on a block the caller owns

    /// Points every page of a fresh block at its head: the block's head for a compound page,
    /// each page itself otherwise (a non-compound block's pages are looked up one by one, as
    /// the kernel's are). Every allocation does this, because frees leave `head` stale.
    @inline(__always)
    func prepareTails(index: Int32, order: Int, compound: Bool) {
        // Safe: the block [index, index + 2^order) lies inside the arena (the buddy allocator
        // only hands out whole blocks), so every pointer below stays inside `descriptors`.
        let head = descriptors + Int(index)
        head.pointee.head = index
        // An order-0 block (every refill at max size = page size) has no other page.
        if order > 0 {
            prepareOtherPages(head: head, index: index, order: order, compound: compound)
        }
        // Release: a thread that later finds this page through an address also sees the set-up.
        head.pointee.refcount.store(1, ordering: .releasing)
    }

    @inline(__always)
    func prepareOtherPages(head: UnsafeMutablePointer<PageDescriptor>, index: Int32, order: Int, compound: Bool) {
        // Safe: as in prepareTails, [head, head + 2^order) are the block's descriptors.
        let end = head + (1 &<< order)
        var page = head + 1
        if compound {
            while page < end {
                page.pointee.head = index
                page += 1
            }
        } else {
            var own = index
            while page < end {
                own &+= 1
                page.pointee.head = own
                page += 1
            }
        }
    }
}

/// What an allocation under the lock came to.
enum LockedAllocation: Sendable {
    /// The head of the block, and whether it is a pfmemalloc page.
    case block(Int32, pfmemalloc: Bool)
    case failed
    /// An observer is installed: nothing was done (see `allocPages`).
    case observed
}
