/// The owner-local free experiment (not in the kernel; page_pool's direct recycling does the
/// like): the cache's owner, the one thread that allocates from it, frees fragments through the
/// cache. A fragment of the page the cache holds, or of the page it left last, goes back by
/// giving its reference to that page's bias: no atomic. Any other fragment, and every free from
/// another thread (`PageArena.freeFragment`), takes the kernel's atomic path.
///
/// Why the invariant still holds. For the current page C and the previous page P:
///
///     refcount(C) == pagecntBias  + fragments of C out     (SPEC 3)
///     refcount(P) == previousBias + fragments of P out
///
/// - A local free of a fragment of C moves one reference from "out" to the bias: both sides of
///   the first line stay equal, and refcount is not touched, so no atomic is needed. Likewise
///   for P. The refcount only ever falls through remote frees (one reference each, atomic).
/// - Recognising C or P by address is sound: a page goes back to the page allocator only when
///   its refcount reaches 0, that is after every fragment of it was freed, so a fragment whose
///   address lies in C or P was carved from this incarnation of that page.
/// - Leaving C with fragments out keeps its references (it becomes P, previousBias = bias),
///   instead of dropping them as the kernel does; the old P's references are dropped then (one
///   atomic subtract; its remaining fragments' frees release it as in the kernel).
/// - A page whose refcount equals the bias the cache holds on it has no fragment out, and none
///   can appear (only the owner hands fragments out), so the owner can reuse it in place with a
///   plain load and store instead of a read-modify-write. When C runs out and P has come back
///   whole, the two swap: the ring workloads then ping-pong between two pages with no atomic.
///
/// The price: the cache pins up to two pages (the kernel's one), also after a failed refill
/// and when the page left was a pfmemalloc one (never reused, but kept until the next leave).
///
/// Debug builds (FRAGCACHE_INTERNAL_CHECKS) check refcount >= bias after every local free and
/// the whole structure after every reload; the property tests check the equalities above
/// exactly against a reference model after every step.
public struct OwnerLocalFragCache<Layout: FragLayout>: ~Copyable {
    /// The kernel cache: its state, its refill and its counters.
    @usableFromInline var _cache: PageFragCache<Layout>
    /// The page left last with fragments out, whose `_previousBias` references the cache still
    /// holds; `.empty` when none.
    @usableFromInline var _previous: EncodedPage
    @usableFromInline var _previousBias: UInt32
    /// The previous page's address and size as plain words (size 0 when none), so that the
    /// local free's range check is a subtraction and a compare.
    @usableFromInline var _previousAddress: UInt
    @usableFromInline var _previousSize: UInt

    public init(allocator: PageAllocator, config: FragCacheConfig = try! FragCacheConfig(), gfp: GFP = .atomic) {
        _cache = PageFragCache(allocator: allocator, config: config, gfp: gfp)
        _previous = .empty
        _previousBias = 0
        _previousAddress = 0
        _previousSize = 0
    }

    /// Drops the references held on the previous page; the inner cache drops its own.
    deinit {
        if !_previous.isEmpty {
            _cache._arena.put(_previousPage, count: Int(_previousBias))
        }
    }

    // MARK: - Allocation: the kernel fast path, a different slow path

    @inlinable @inline(__always)
    public mutating func allocVA(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        precondition(fragsz >= 1, "allocVA: fragsz \(fragsz) must be at least 1")
        return _alloc(fragsz, alignMask: 0)
    }

    @inlinable @inline(__always)
    public mutating func allocVA(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        precondition(fragsz >= 1, "allocVA: fragsz \(fragsz) must be at least 1")
        _cache._checkAlign(align, "allocVA")
        return _alloc(fragsz, alignMask: UInt32(truncatingIfNeeded: align &- 1))
    }

    @inlinable @inline(__always)
    mutating func _alloc(_ fragsz: Int, alignMask: UInt32) -> UnsafeMutableRawPointer? {
        let size = _cache._encoded.size(pageShift: _cache._pageShift)
        let offset = Layout.carve(&_cache._cursor, size: size, fragsz: fragsz, alignMask: alignMask)
        if _fastPath(offset != nil) {
            _cache._pagecntBias &-= 1
            // Safe: checked non-nil just above.
            return _cache._address(at: offset.unsafelyUnwrapped)
        }
        return _allocAfterLocalReload(fragsz, alignMask: alignMask)
    }

    // MARK: - Free

    /// The owner's free: local (no atomic) for a fragment of the current or the previous page,
    /// the kernel's atomic free otherwise. Only the thread that allocates may call it; other
    /// threads free with `arena.freeFragment`.
    @inlinable @inline(__always)
    public mutating func free(_ address: UnsafeMutableRawPointer) {
        let a = UInt(bitPattern: address)
        // An empty cache has address 0 and a page-sized size: no arena address passes.
        if _fastPath(a &- _cache._encoded.address < UInt(_cache._encoded.size(pageShift: _cache._pageShift))) {
            _cache._pagecntBias &+= 1
            _checkLocalFree(_cache._currentPage, bias: _cache._pagecntBias)
            return
        }
        if a &- _previousAddress < _previousSize {
            _previousBias &+= 1
            _checkLocalFree(_previousPage, bias: _previousBias)
            return
        }
        _cache._arena.freeFragment(address)
    }

    /// refcount == bias + fragments out, and fragments out >= 0: a local free that pushed the
    /// bias above the refcount freed something twice or a fragment that was not out.
    @inlinable @inline(__always)
    func _checkLocalFree(_ page: Page, bias: UInt32) {
        #if FRAGCACHE_INTERNAL_CHECKS
        let refs = _cache._arena.refcount(of: page)
        precondition(refs >= Int(bias), "local free: \(page) refcount \(refs) below the bias \(bias) held on it (double free?)")
        #endif
    }

    /// Bulk free from the owner: the atomic bulk path (see `PageArena.freeFragments`).
    @inlinable @inline(__always)
    public func freeBulk(_ fragments: UnsafePointer<UnsafeMutableRawPointer?>, count: Int) {
        _cache._arena.freeFragments(fragments, count: count)
    }

    // MARK: - Drain and queries

    /// Gives back every reference the cache holds (current and previous page); the cache is
    /// empty afterwards. Returns the current page's references left, or nil if it held none.
    @discardableResult
    public mutating func drain() -> Int? {
        _dropPrevious()
        return _cache.drain()
    }

    @inlinable
    var _previousPage: Page {
        assert(!_previous.isEmpty, "no previous page")
        return Page(index: Int32(truncatingIfNeeded: (_previous.address &- _cache._arena.base) &>> _cache._pageShift))
    }

    /// The page left last with fragments out, whose references the cache still holds.
    public var previousPage: Page? { _previous.isEmpty ? nil : _previousPage }
    public var previousBias: Int { Int(_previousBias) }
    public var currentPage: Page? { _cache.currentPage }
    public var pagecntBias: Int { _cache.pagecntBias }
    public var remaining: Int { _cache.remaining }
    public var stats: FragCacheStats { _cache.stats }
    public var arena: PageArena { _cache.arena }
    public var config: FragCacheConfig { _cache.config }

    /// The kernel cache's checks, plus the previous page's: held, allocated, refcount >= bias.
    public func checkInvariants() {
        _cache.checkInvariants()
        if _previous.isEmpty {
            precondition(_previousBias == 0 && _previousSize == 0, "no previous page but bias \(_previousBias), size \(_previousSize)")
            return
        }
        let page = _previousPage
        precondition(_previous.address != _cache._encoded.address, "the previous page is the current page")
        precondition(_cache._arena.isAllocated(page), "previous \(page) is held but not allocated")
        precondition(_previousAddress == _previous.address && _previousSize == UInt(_previous.size(pageShift: _cache._pageShift)),
                     "previous page's range words disagree with its encoded word")
        let refs = _cache._arena.refcount(of: page)
        precondition(_previousBias >= 1 && refs >= Int(_previousBias),
                     "previous \(page) refcount \(refs), bias \(_previousBias)")
    }
}

extension OwnerLocalFragCache: @unchecked Sendable {}
