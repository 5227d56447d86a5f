/// The slow path: everything that talks to the page allocator. Kept out of line so the fast
/// path stays a few instructions.
///
/// `@inlinable @inline(never)`: a client (the workloads) gets its own copy specialised for its
/// layout, called directly, instead of the generic entry point that takes the layout as
/// run-time metadata; it is still never inlined into the fast path.
extension PageFragCache {
    /// The request did not fit: reload, then carve from offset 0.
    @inlinable @inline(never)
    mutating func _allocAfterReload(_ fragsz: Int, alignMask: UInt32) -> UnsafeMutableRawPointer? {
        // Reload and refill inlined here: the allocation slow path is one call, not three.
        guard _reloadBody(fragsz) else { return nil }
        let size = _encoded.size(pageShift: _pageShift)
        // A fresh cursor always fits: fragsz <= pageSize <= size, and size is a multiple of
        // every legal alignment.
        guard let offset = Layout.carve(&_cursor, size: size, fragsz: fragsz, alignMask: alignMask) else {
            preconditionFailure("reload left no room for \(fragsz) bytes in a \(size)-byte page")
        }
        _pagecntBias &-= 1
        return _address(at: offset)
    }

    /// SPEC 4, Reload. Returns whether the cache now holds a page with all of it free.
    /// (Out of line, for prepare; the allocation slow path inlines `_reloadBody` instead.)
    @inlinable @inline(never)
    mutating func _reload(_ fragsz: Int) -> Bool {
        _reloadBody(fragsz)
    }

    @inlinable @inline(__always)
    mutating func _reloadBody(_ fragsz: Int) -> Bool {
        if _slowPath(fragsz > config.pageSize) {
            // Dropping the page could only make memory pressure worse: keep it.
            _stats.oversizeFailures &+= 1
            return false
        }
        if !_encoded.isEmpty {
            let page = _currentPage
            let size = _encoded.size(pageShift: _pageShift)
            _stats.abandonedBytes &+= Int(Layout.remaining(cursor: _cursor, size: size))
            let left = _arena.dropReferences(Int(_pagecntBias), from: page)
            if left == 0 {
                if _encoded.isPfmemalloc {
                    // Reserve pages go back at once rather than being kept for later.
                    _stats.pfmemallocDrops &+= 1
                    _arena.freePages(page)
                } else {
                    // Every fragment came back: reuse the page in place.
                    _arena.setRefcount(Int(_maxSize) + 1, of: page)
                    _pagecntBias = _maxSize &+ 1
                    _cursor = Layout.fullCursor(size: size)
                    _stats.reuses &+= 1
                    _stats.bytesOpened &+= Int(size)
                    _checkInvariants()
                    return true
                }
            } else {
                // Fragments are still out; their frees will release the page.
                _stats.pagesLeftBehind &+= 1
            }
            _becomeEmpty()
        }
        return _refill()
    }

    /// SPEC 4, Refill: the max-order page without reclaim or reserves, else an order-0 page
    /// with the caller's flags, else empty.
    @inlinable @inline(__always)
    mutating func _refill() -> Bool {
        var page: Page?
        var order = 0
        if _maxOrder > 0 {
            var highOrderGFP = _gfp.subtracting(.directReclaim)
            highOrderGFP.formUnion([.compound, .noWarn, .noRetry, .noMemalloc])
            page = _arena.allocPages(order: _maxOrder, gfp: highOrderGFP)
            if page != nil {
                order = _maxOrder
            } else {
                _stats.highOrderFailures &+= 1
            }
        }
        if page == nil {
            page = _arena.allocPages(order: 0, gfp: _gfp)
            if page != nil && _maxOrder > 0 { _stats.fallbacks &+= 1 }
        }
        guard let page else {
            _stats.refillFailures &+= 1
            _becomeEmpty()
            _checkInvariants()
            return false
        }
        _arena.addReferences(Int(_maxSize), to: page)
        _pagecntBias = _maxSize &+ 1
        _encoded = EncodedPage(address: _arena.address(of: page), order: order,
                               pfmemalloc: _arena.isPfmemalloc(page))
        let size = _encoded.size(pageShift: _pageShift)
        _cursor = Layout.fullCursor(size: size)
        _stats.refills &+= 1
        _stats.bytesOpened &+= Int(size)
        _checkInvariants()
        return true
    }

    @inlinable
    mutating func _becomeEmpty() {
        _encoded = .empty
        // Truncating: FragCacheConfig admits only 4K, 16K and 64K pages (a checked conversion
        // would cost the reload a test and a trap branch, twice).
        _cursor = Layout.exhaustedCursor(pageSize: UInt32(truncatingIfNeeded: config.pageSize))
        _pagecntBias = 0
    }
}
