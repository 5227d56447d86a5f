/// The owner-local cache's slow path: the kernel's reload with left pages kept (see
/// OwnerLocalFragCache.swift for why each step keeps refcount == bias + fragments out).
extension OwnerLocalFragCache {
    @inlinable @inline(never)
    mutating func _allocAfterLocalReload(_ fragsz: Int, alignMask: UInt32) -> UnsafeMutableRawPointer? {
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
    /// comes back whole before a newer one evicts it: the scan and the parking are pure cost,
    /// on top of the kernel's. After `LeftPages.count` such reloads in a row (a ring that fits
    /// finds a whole page by then: it has visited every page it spans), the set is emptied and
    /// the next `bypassLength` reloads and every free until then are the kernel's (frees of
    /// the current page too: such a ring never frees into the current page); then the set is
    /// tried again.
    /// Long, so that the 8 futile reloads (scans, parking, evictions) that start each bypass
    /// are under 1% of the reloads of a workload the set cannot help.
    @inlinable static var bypassLength: Int { 1024 }

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
        if _futileReloads == LeftPages.count {
            _futileReloads = 0
            _bypassReloads = Self.bypassLength
            for i in 0 ..< LeftPages.count { _evict(slot: i) }
        }
    }

    /// Makes the best whole page of the set the current page: one whose refcount is the bias
    /// the cache holds on it (no fragment out), the largest if several (a high-order page
    /// before an order-0 fallback). Whole pfmemalloc pages met on the way go back to the
    /// allocator (reserve pages are not kept). Returns false, the cache still empty, if none.
    @inlinable
    mutating func _reuseWholeLeftPage() -> Bool {
        var best = -1
        var bestSize: UInt = 0
        for i in 0 ..< LeftPages.count {
            let left = _left.slots[i]
            guard !left.isEmpty else { continue }
            // Acquire, as for the current page above.
            guard _cache._arena.refcount(of: _page(at: left.address)) == Int(left.bias) else { continue }
            if left.encoded.isPfmemalloc {
                _cache._stats.pfmemallocDrops &+= 1
                _evict(slot: i)
            } else if left.size > bestSize {
                best = i
                bestSize = left.size
            }
        }
        guard best >= 0 else { return false }
        let back = _left.slots[best].encoded
        _left.slots[best] = .empty
        // The set's references on the page become the cache's, then _reuse resets them.
        _cache._encoded = back
        _reuse(_page(at: back.address), size: back.size(pageShift: _cache._pageShift))
        return true
    }

    /// Puts a page left with `bias` references held (>= 1) into its slot, evicting the page
    /// there.
    @inlinable
    mutating func _park(_ page: EncodedPage, bias: UInt32) {
        assert(bias >= 1, "a page is left with no reference held")
        let slot = _left.slot(of: page.address)
        _evict(slot: slot)
        _left.slots[slot] = LeftPage(address: page.address, size: UInt(page.size(pageShift: _cache._pageShift)),
                                     bias: bias, encoded: page)
    }

    /// Drops the references held on the page in `slot`, if any (one atomic subtract; the page
    /// goes back to the allocator if its fragments have all been freed), and empties the slot.
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
