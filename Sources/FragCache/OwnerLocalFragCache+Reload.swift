/// The owner-local cache's slow path: the kernel's reload with left pages kept (see
/// OwnerLocalFragCache.swift for why each step keeps refcount == bias + fragments out).
extension OwnerLocalFragCache {
    @inlinable @inline(never)
    mutating func _allocAfterLocalReload(_ fragsz: Int, alignMask: UInt32) -> UnsafeMutableRawPointer? {
        guard _localReload(fragsz) else { return nil }
        let size = _cache._encoded.size(pageShift: _cache._pageShift)
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
    /// holds a page with all of it free.
    @inlinable
    mutating func _localReload(_ fragsz: Int) -> Bool {
        if _slowPath(fragsz > _cache.config.pageSize) {
            _cache._stats.oversizeFailures &+= 1
            return false
        }
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
            } else {
                // Fragments of the current page are out: it goes into the set, after the
                // best whole page has come out of it (so the two never fight for a slot).
                let leaving = _cache._encoded, bias = _cache._pagecntBias
                _cache._stats.pagesLeftBehind &+= 1
                _cache._becomeEmpty()
                let reused = _reuseWholeLeftPage()
                _park(leaving, bias: bias)
                _checkInvariantsIfDebug()
                return reused || _refillKeepingLeft()
            }
        }
        return _reuseWholeLeftPage() || _refillKeepingLeft()
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
    @inlinable
    mutating func _refillKeepingLeft() -> Bool {
        let ok = _cache._refill() != 0
        _checkInvariantsIfDebug()
        return ok
    }

    /// Reuses `page`, whose references are all the cache's, as the current page.
    @inlinable
    mutating func _reuse(_ page: Page, size: UInt32) {
        let maxRefs = _cache._maxSize &+ 1
        // Safe: refcount == the bias the cache holds, so nobody else can see the page.
        _cache._arena.setRefcount(Int(maxRefs), of: page)
        _cache._pagecntBias = maxRefs
        _cache._cursor = Layout.fullCursor(size: size)
        _cache._stats.reuses &+= 1
        _cache._stats.bytesOpened &+= Int(size)
    }

    @inlinable @inline(__always)
    func _checkInvariantsIfDebug() {
        #if FRAGCACHE_INTERNAL_CHECKS
        checkInvariants()
        #endif
    }
}
