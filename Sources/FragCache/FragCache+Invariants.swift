/// The whole-structure check: a list of preconditions, run after init, refill, reload and
/// drain in debug builds (FRAGCACHE_INTERNAL_CHECKS) and compiled to nothing otherwise.
/// Tests call `checkInvariants()` directly, in any build.
extension PageFragCache {
    @inlinable @inline(__always)
    func _checkInvariants() {
        #if FRAGCACHE_INTERNAL_CHECKS
        checkInvariants()
        #endif
    }

    /// Traps, naming the values, if the cache's state contradicts SPEC 3.
    public func checkInvariants() {
        let pageSize = UInt32(config.pageSize)
        if _encoded.isEmpty {
            precondition(_cursor == Layout.exhaustedCursor(pageSize: pageSize),
                         "empty cache with cursor \(_cursor)")
            return
        }
        let order = _encoded.order
        precondition(order == 0 || order == _maxOrder,
                     "page order \(order) is neither 0 nor the max order \(_maxOrder)")
        let address = _encoded.address
        precondition(_arena.contains(address), "page address \(address) is outside the arena")
        let size = _encoded.size(pageShift: _pageShift)
        precondition((address &- _arena.base) % UInt(size) == 0,
                     "page address \(address) is not aligned to its size \(size)")
        let page = _currentPage
        precondition(_arena.isAllocated(page), "\(page) is held but not allocated")
        precondition(_arena.order(of: page) == order,
                     "\(page) has order \(_arena.order(of: page)), encoded \(order)")
        precondition(_arena.isPfmemalloc(page) == _encoded.isPfmemalloc,
                     "\(page) pfmemalloc \(_arena.isPfmemalloc(page)), encoded \(_encoded.isPfmemalloc)")
        let left = Layout.remaining(cursor: _cursor, size: size)
        precondition(left <= size, "remaining \(left) exceeds the page size \(size)")
        precondition(_pagecntBias >= 1 && _pagecntBias <= _maxSize &+ 1,
                     "pagecntBias \(_pagecntBias) outside 1...\(_maxSize + 1)")
        let refs = _arena.refcount(of: page)
        precondition(refs >= Int(_pagecntBias),
                     "\(page) refcount \(refs) below the cache's bias \(_pagecntBias)")
    }
}
