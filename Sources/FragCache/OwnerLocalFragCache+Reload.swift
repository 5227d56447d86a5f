/// The owner-local cache's slow path: the kernel's reload with left pages kept (see
/// OwnerLocalFragCache.swift for why each step keeps refcount == bias + fragments out).
extension OwnerLocalFragCache {
    @inlinable @inline(never)
    mutating func _allocAfterLocalReload(_ fragsz: Int, alignMask: UInt32) -> UnsafeMutableRawPointer? {
        // The set's steps below read and move biases: the hot page's goes back to its slot.
        _coolHot()
        let size: UInt32
        if _bypassReloads > 0 {
            // The set is off and empty (see `bypassLength`): the kernel cache's slow path, as
            // its own allocation runs it (the same body, which returns the size), plus the
            // countdown. Every reload counts, a refused one too.
            _bypassReloads &-= 1
            size = _cache._reloadBody(fragsz)
            if _slowPath(_bypassReloads == 0) { _endBypass() }
            guard size != 0 else { return nil }
        } else {
            guard _localReload(fragsz) else { return nil }
            size = _cache._encoded.size(pageShift: _cache._pageShift)
        }
        // Every path of _localReload that succeeds leaves a wholly free page (a refill or a
        // reuse, both at fullCursor), and fragsz <= pageSize <= size (see
        // PageFragCache._allocAfterReload).
        let carved = Layout.carveFresh(size: size, fragsz: fragsz, alignMask: alignMask)
        _cache._cursor = carved.cursor
        _cache._pagecntBias &-= 1
        return _cache._address(at: carved.offset)
    }

    /// SPEC 4's reload, except that a page left with fragments out keeps the cache's references
    /// (it goes into the set of left pages) and a page that has come back whole, the current
    /// one or one of the set, is reused with a load and a store. Returns whether the cache now
    /// holds a page with all of it free. Inlined into the allocation slow path (one call, as
    /// the kernel cache's `_reloadBody`).
    @inlinable @inline(__always)
    mutating func _localReload(_ fragsz: Int) -> Bool {
        if _slowPath(fragsz > _cache.config.pageSize) {
            _cache._stats.oversizeFailures &+= 1
            return false
        }
        assert(_bypassReloads == 0, "a local reload during the bypass")
        if !_cache._encoded.isEmpty {
            let current = _cache._currentPage
            let size = _cache._encoded.size(pageShift: _cache._pageShift)
            _cache._stats.abandonedBytes &+= Int(Layout.remaining(cursor: _cache._cursor, size: size))
            // Acquire: a remote free's release decrement happened before we see its result.
            if _cache._arena.refcount(of: current) == Int(_cache._pagecntBias) {
                // No fragment out, and none can appear: the references are all ours.
                if !_cache._encoded.isPfmemalloc {
                    _reuse(current, size: size)
                    return true
                }
                _cache._stats.pfmemallocDrops &+= 1
                _cache._arena.put(current, count: Int(_cache._pagecntBias))
                _cache._becomeEmpty()
                _syncCurrent()
            } else {
                // Fragments of the current page are out: it goes into the set, after the
                // best whole page has come out of it (so the two never fight for a slot).
                let leaving = _cache._encoded, bias = _cache._pagecntBias
                _cache._stats.pagesLeftBehind &+= 1
                _cache._becomeEmpty()
                _syncCurrent()
                let reused = _reuseWholeLeftPage()
                _park(leaving, bias: bias)
                _countFutility(reused: reused)
                _checkInvariantsIfDebug()
                return reused || _refillKeepingLeft()
            }
        }
        return _reuseWholeLeftPage() || _refillKeepingLeft()
    }

    /// Why a bypass. When the live fragments span more pages than the set holds (a deep ring
    /// of large fragments on small pages), or other threads free them late, no left page ever
    /// comes back whole before a newer one evicts it: the parking is pure cost, on top of the
    /// kernel's. After as many such reloads in a row as the set has slots (a ring that fits
    /// finds a whole page by then: it has visited every page it spans), the set is emptied and
    /// the next `bypassLength` reloads and every free until then are the kernel's (frees of
    /// the current page too: such a ring never frees into the current page); then the set is
    /// tried again.
    /// 128 reloads per slot (1024 for 8), so that the futile reloads (parking, evictions) that
    /// start each bypass are under 1% of the reloads of a workload the set cannot help.
    @inlinable var bypassLength: Int { 128 &* _left.count }

    /// The bypass is over: the free's range words, not read while it ran, follow the current
    /// page again (out of line: once per `bypassLength` reloads).
    @inlinable @inline(never)
    mutating func _endBypass() {
        _syncCurrent()
    }

    @inlinable
    mutating func _countFutility(reused: Bool) {
        if reused {
            _futileReloads = 0
            return
        }
        _futileReloads &+= 1
        if _futileReloads == _left.count {
            _futileReloads = 0
            _bypassReloads = bypassLength
            _emptyTheSet()
        }
    }

    /// Drops every left page's references and forgets the order they were left in.
    @inlinable
    mutating func _emptyTheSet() {
        for i in 0 ..< _left.count { _evict(slot: i) }
        _left.clearTickets()
    }

    /// Makes the page left longest ago the current page if it has come back whole: its
    /// refcount is the bias the cache holds on it (no fragment out). Tickets of pages evicted
    /// since are dropped on the way, and so are whole pfmemalloc pages (reserve pages are not
    /// kept: they go back to the allocator). Returns false, the cache still empty, when the
    /// oldest page still has fragments out or the set is empty: a ring frees its oldest
    /// fragments first, so a newer page would not be whole either.
    @inlinable
    mutating func _reuseWholeLeftPage() -> Bool {
        while let ticket = _left.oldestTicket() {
            guard _left.isCurrent(ticket) else {
                _left.dropOldest()
                continue
            }
            let slot = Int(ticket.slot) & (LeftPages.capacity &- 1)
            let left = _left.slots[slot]
            // Acquire, as for the current page in _localReload.
            guard _cache._arena.refcount(of: _page(at: left.address)) == Int(left.bias) else { return false }
            _left.dropOldest()
            if left.encoded.isPfmemalloc {
                _cache._stats.pfmemallocDrops &+= 1
                _evict(slot: slot)
                continue
            }
            _left.slots[slot] = .empty
            // The set's references on the page become the cache's, then _reuse resets them.
            _cache._encoded = left.encoded
            _reuse(_page(at: left.address), size: left.encoded.size(pageShift: _cache._pageShift))
            return true
        }
        return false
    }

    /// Puts a page left with `bias` references held (>= 1) into its slot, evicting the page
    /// there, and queues its ticket (when the queue is full, the oldest ticket goes, and with
    /// it its page if that is still in the set).
    @inlinable
    mutating func _park(_ page: EncodedPage, bias: UInt32) {
        assert(bias >= 1, "a page is left with no reference held")
        let slot = _left.slot(of: page.address)
        _evict(slot: slot)
        if _left.queued == LeftPages.capacity, let oldest = _left.oldestTicket() {
            _left.dropOldest()
            if _left.isCurrent(oldest) { _evict(slot: Int(oldest.slot)) }
        }
        let park = _left.nextPark
        _left.nextPark &+= 1
        _left.slots[slot] = LeftPage(address: page.address, size: UInt(page.size(pageShift: _cache._pageShift)),
                                     bias: bias, park: park, encoded: page)
        _left.enqueue(ParkTicket(slot: UInt32(truncatingIfNeeded: slot), park: park))
    }

    /// Drops the references held on the page in `slot`, if any (one atomic subtract; the page
    /// goes back to the allocator if its fragments have all been freed), and empties the slot
    /// (its ticket, if queued, is stale from now on).
    @inlinable
    mutating func _evict(slot: Int) {
        let left = _left.slots[slot]
        guard !left.isEmpty else { return }
        _left.slots[slot] = .empty
        _cache._arena.put(_page(at: left.address), count: Int(left.bias))
    }

    /// The kernel's refill; the set is untouched.
    @inlinable @inline(__always)
    mutating func _refillKeepingLeft() -> Bool {
        let ok = _cache._refill() != 0
        _syncCurrent()
        _checkInvariantsIfDebug()
        return ok
    }

    /// Reuses `page`, whose references are all the cache's, as the current page.
    @inlinable @inline(__always)
    mutating func _reuse(_ page: Page, size: UInt32) {
        let maxRefs = _cache._maxSize &+ 1
        // Safe: refcount == the bias the cache holds, so nobody else can see the page.
        _cache._arena.setRefcount(Int(maxRefs), of: page)
        _cache._pagecntBias = maxRefs
        _cache._cursor = Layout.fullCursor(size: size)
        _cache._stats.reuses &+= 1
        _cache._stats.bytesOpened &+= Int(size)
        _syncCurrent()
    }

    @inlinable @inline(__always)
    func _checkInvariantsIfDebug() {
        #if FRAGCACHE_INTERNAL_CHECKS
        checkInvariants()
        #endif
    }
}
