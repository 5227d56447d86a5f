import Synchronization

/// The binary buddy allocator behind `PageArena`: free blocks of order k are naturally aligned
/// runs of 2^k base pages, kept on intrusive per-order lists; a block's buddy is found by
/// flipping bit k of its index. Every call takes the arena's lock, so frees from any thread
/// are safe; none of this is on the cache's fast path.
extension PageArena {
    /// Asks for a block of 2^order base pages (`alloc_pages`). The page comes back with
    /// refcount 1, set up as a compound page when `gfp` says so, and pfmemalloc when an armed
    /// injection says so. Returns nil when the request fails (no reclaim in the model).
    @inline(never)
    public func allocPages(order: Int, gfp: GFP) -> Page? {
        precondition(order >= 0 && order < BuddyState.orderCount,
                     "allocPages: order \(order) outside 0...\(BuddyState.orderCount - 1)")
        var observer: PageEventObserver?
        var pfmemalloc = false
        let compound = order > 0 && gfp.contains(.compound)
        let found: Int32? = core.pointee.withLock { state in
            // Copy the closure (a retain) only when there is one: the benchmarks run without.
            if _slowPath(state.hasObserver) { observer = state.observer }
            state.requests[order] += 1
            if state.failAny > 0 {
                state.failAny -= 1
                state.failures[order] += 1
                state.injectedFailures += 1
                return nil
            }
            if order > 0 && state.failHighOrder > 0 {
                state.failHighOrder -= 1
                state.failures[order] += 1
                state.injectedFailures += 1
                return nil
            }
            guard let block = takeBlock(order: order, state: &state) else {
                state.failures[order] += 1
                return nil
            }
            if order == 0 && !gfp.contains(.noMemalloc) && state.pfmemallocNext > 0 {
                state.pfmemallocNext -= 1
                pfmemalloc = true
            }
            state.pagesInUse += 1 << order
            state.peakPagesInUse = max(state.peakPagesInUse, state.pagesInUse)
            // The head's flags are read under the lock by frees merging with a buddy, so they
            // change only under it; the tails are nobody else's business.
            var flags: PageFlags = [.allocated]
            if compound { flags.insert(.head) }
            if pfmemalloc { flags.insert(.pfmemalloc) }
            descriptors[Int(block)].flags = flags
            descriptors[Int(block)].order = UInt8(order)
            return block
        }
        guard let index = found else { return nil }
        prepareTails(index: index, order: order, compound: compound)
        let page = Page(index: index)
        observer?(.allocated(page, order: order, pfmemalloc: pfmemalloc))
        return page
    }

    /// Gives a block back (`__free_pages`), merging it with its free buddies. The caller must
    /// hold the last reference (refcount already 0).
    @inline(never)
    public func freePages(_ page: Page) {
        let index = page.index
        let d = descriptors + Int(index)
        precondition(d.pointee.flags.contains(.allocated),
                     "freePages: \(page) is not an allocated head page (double free?)")
        assert(d.pointee.refcount.load(ordering: .relaxed) == 0,
               "freePages: \(page) still has references")
        let order = Int(d.pointee.order)
        // The tails keep their stale `head`: nobody looks a free page up by address, and the
        // next allocation of any block covering them sets every page's `head` again.
        let observer: PageEventObserver? = core.pointee.withLock { state in
            state.frees[order] += 1
            state.pagesInUse -= 1 << order
            insertMerging(index: index, order: order, state: &state)
            return _slowPath(state.hasObserver) ? state.observer : nil
        }
        observer?(.released(page, order: order))
    }

    // MARK: - Under the lock

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
            link(index: block + Int32(1 << k), order: k, state: &state)
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
        state.freeBlocks[order] += 1
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
        state.freeBlocks[order] -= 1
    }

    // MARK: - Outside the lock, on a block the caller owns

    /// Points every page of a fresh block at its head: the block's head for a compound page,
    /// each page itself otherwise (a non-compound block's pages are looked up one by one, as
    /// the kernel's are). Every allocation does this, because frees leave `head` stale.
    func prepareTails(index: Int32, order: Int, compound: Bool) {
        // Safe: the block [index, index + 2^order) lies inside the arena (the buddy allocator
        // only hands out whole blocks), so every pointer below stays inside `descriptors`.
        let head = descriptors + Int(index)
        let end = head + (1 &<< order)
        head.pointee.head = index
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
        // Release: a thread that later finds this page through an address also sees the set-up.
        descriptors[Int(index)].refcount.store(1, ordering: .releasing)
    }
}
