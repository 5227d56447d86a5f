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
        let size = _reloadBody(fragsz)
        guard size != 0 else { return nil }
        // The page is wholly free and fragsz <= pageSize <= size (_reloadBody refused larger
        // requests), so the fragment fits (carveFresh: the layout's first fragment of a page).
        let carved = Layout.carveFresh(size: size, fragsz: fragsz, alignMask: alignMask)
        _cursor = carved.cursor
        _pagecntBias &-= 1
        return _address(at: carved.offset)
    }

    /// SPEC 4, Reload. Returns whether the cache now holds a page with all of it free.
    /// (Out of line, for prepare; the allocation slow path inlines `_reloadBody` instead.)
    @inlinable @inline(never)
    mutating func _reload(_ fragsz: Int) -> Bool {
        _reloadBody(fragsz) != 0
    }

    /// `_reload`, returning the size in bytes of the page now held with all of it free, or 0
    /// when the cache could not get one (the caller then has the size without decoding it
    /// again from `_encoded`).
    @inlinable @inline(__always)
    mutating func _reloadBody(_ fragsz: Int) -> UInt32 {
        if _slowPath(fragsz > config.pageSize) {
            // Dropping the page could only make memory pressure worse: keep it.
            _stats.oversizeFailures &+= 1
            return 0
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
                    return size
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
    /// with the caller's flags, else empty. Returns the new page's size in bytes, 0 if none.
    @inlinable @inline(__always)
    mutating func _refill() -> UInt32 {
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
            return 0
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
        return size
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
