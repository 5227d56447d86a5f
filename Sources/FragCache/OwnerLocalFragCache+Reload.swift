/// The owner-local cache's slow path: the kernel's reload with the previous page kept (see
/// OwnerLocalFragCache.swift for why each step keeps refcount == bias + fragments out).
extension OwnerLocalFragCache {
    @inlinable @inline(never)
    mutating func _allocAfterLocalReload(_ fragsz: Int, alignMask: UInt32) -> UnsafeMutableRawPointer? {
        guard _localReload(fragsz) else { return nil }
        let size = _cache._encoded.size(pageShift: _cache._pageShift)
        // Every path of _localReload that succeeds leaves a wholly free page (a refill, a reuse
        // or the swap, all at fullCursor), and fragsz <= pageSize <= size (see
        // PageFragCache._allocAfterReload).
        let carved = Layout.carveFresh(size: size, fragsz: fragsz, alignMask: alignMask)
        _cache._cursor = carved.cursor
        _cache._pagecntBias &-= 1
        return _cache._address(at: carved.offset)
    }

    /// SPEC 4's reload, except that a page left with fragments out keeps the cache's references
    /// (it becomes the previous page) and a page that has come back whole is reused with a load
    /// and a store. Returns whether the cache now holds a page with all of it free.
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
                if _cache._encoded.isPfmemalloc {
                    _cache._stats.pfmemallocDrops &+= 1
                    _cache._arena.put(current, count: Int(_cache._pagecntBias))
                    _cache._becomeEmpty()
                    return _refillKeepingPrevious()
                }
                _reuse(current, size: size)
                return true
            }
            // Fragments of the current page are out.
            if !_previous.isEmpty && !_previous.isPfmemalloc
                && _cache._arena.refcount(of: _previousPage) == Int(_previousBias) {
                // The previous page came back whole: swap the two.
                let back = _previous
                let backPage = _previousPage
                _setPrevious(_cache._encoded, bias: _cache._pagecntBias)
                _cache._encoded = back
                _reuse(backPage, size: back.size(pageShift: _cache._pageShift))
                _cache._stats.pagesLeftBehind &+= 1
                _checkInvariantsIfDebug()
                return true
            }
            _dropPrevious()
            _setPrevious(_cache._encoded, bias: _cache._pagecntBias)
            _cache._stats.pagesLeftBehind &+= 1
            _cache._becomeEmpty()
        }
        return _refillKeepingPrevious()
    }

    /// The kernel's refill; the previous page is untouched.
    @inlinable
    mutating func _refillKeepingPrevious() -> Bool {
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

    @inlinable
    mutating func _setPrevious(_ page: EncodedPage, bias: UInt32) {
        _previous = page
        _previousBias = bias
        _previousAddress = page.address
        _previousSize = UInt(page.size(pageShift: _cache._pageShift))
    }

    /// Drops the references held on the previous page (one atomic subtract; the page goes back
    /// to the allocator if its fragments have all been freed) and forgets it.
    @inlinable
    mutating func _dropPrevious() {
        guard !_previous.isEmpty else { return }
        _cache._arena.put(_previousPage, count: Int(_previousBias))
        _previous = .empty
        _previousBias = 0
        _previousAddress = 0
        _previousSize = 0
    }

    @inlinable @inline(__always)
    func _checkInvariantsIfDebug() {
        #if FRAGCACHE_INTERNAL_CHECKS
        checkInvariants()
        #endif
    }
}
