/// A page fragment cache hands out small fragments carved from one, possibly high-order, page
/// and keeps a single page reference per fragment, so that freeing a fragment is one atomic
/// decrement. This is a userspace model of the kernel's `page_frag_cache` (SPEC 3 and 4).
///
///     encoded  = page address | order | pfmemalloc      (one word, see EncodedPage)
///     cursor   = layout-specific (RemainingLayout: bytes free at the page's end)
///     pagecntBias = references the cache holds on the page and has not handed out
///
///     refcount(page) == pagecntBias + fragments out and not yet freed
///
/// The allocation side of one cache is single-threaded (the caller's lock or per-CPU context);
/// fragments may be freed from any thread through `PageArena.freeFragment`.
///
/// The state is 16 bytes as in the kernel; the rest of the struct is read-only environment
/// (arena view, configuration) plus slow-path counters.
public struct PageFragCache<Layout: FragLayout>: ~Copyable {
    // MARK: State
    @usableFromInline var _encoded: EncodedPage
    @usableFromInline var _cursor: UInt32
    @usableFromInline var _pagecntBias: UInt32

    // MARK: Environment
    @usableFromInline let _arena: PageArena
    @usableFromInline let _pageShift: UInt
    @usableFromInline let _maxOrder: Int
    /// `maxSize` as a refcount increment.
    @usableFromInline let _maxSize: UInt32
    @usableFromInline let _gfp: GFP
    @usableFromInline var _stats: FragCacheStats
    /// Keeps the allocator, and so the arena the raw view points into, alive.
    @usableFromInline let _owner: Unmanaged<PageAllocator>

    public let config: FragCacheConfig

    /// `page_frag_cache_init`: an empty cache over `allocator`, whose page size must match.
    /// - Parameter gfp: what the cache's callers would pass (GFP_ATOMIC by default).
    public init(allocator: PageAllocator, config: FragCacheConfig = try! FragCacheConfig(), gfp: GFP = .atomic) {
        precondition(allocator.pageSize == config.pageSize,
                     "FragCache: allocator page size \(allocator.pageSize) != configured page size \(config.pageSize)")
        _encoded = .empty
        _cursor = Layout.exhaustedCursor(pageSize: UInt32(config.pageSize))
        _pagecntBias = 0
        _arena = allocator.arena
        _pageShift = config.pageShift
        _maxOrder = config.maxOrder
        _maxSize = UInt32(config.maxSize)
        _gfp = gfp
        _stats = FragCacheStats()
        _owner = Unmanaged.passRetained(allocator)
        self.config = config
        _checkInvariants()
    }

    /// Drops the cache's own references (as `drain()` would) and lets go of the allocator.
    deinit {
        if !_encoded.isEmpty {
            _arena.put(_currentPage, count: Int(_pagecntBias))
        }
        _owner.release()
    }

    // MARK: - Allocation fast path

    /// `page_frag_alloc_va`: a fragment of `fragsz` bytes, or nil when no page can be had (or
    /// `fragsz` exceeds the page size and does not fit what remains).
    @inlinable @inline(__always)
    public mutating func allocVA(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        precondition(fragsz >= 1, "allocVA: fragsz \(fragsz) must be at least 1")
        return _alloc(fragsz, alignMask: 0)
    }

    /// `page_frag_alloc_va_align`: the fragment starts at a multiple of `align` (a power of
    /// two, at most the page size). The size is not rounded up.
    @inlinable @inline(__always)
    public mutating func allocVA(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        precondition(fragsz >= 1, "allocVA: fragsz \(fragsz) must be at least 1")
        _checkAlign(align, "allocVA")
        return _alloc(fragsz, alignMask: UInt32(truncatingIfNeeded: align &- 1))
    }

    /// `page_frag_alloc_pg`: like `allocVA`, returning the page and the offset in it.
    @inlinable @inline(__always)
    public mutating func allocPage(_ fragsz: Int, align: Int = 1) -> (page: Page, offset: Int)? {
        precondition(fragsz >= 1, "allocPage: fragsz \(fragsz) must be at least 1")
        _checkAlign(align, "allocPage")
        guard let address = _alloc(fragsz, alignMask: UInt32(truncatingIfNeeded: align &- 1)) else {
            return nil
        }
        return (_currentPage, Int(UInt(bitPattern: address) &- _encoded.address))
    }

    /// The fast path, assuming `fragsz >= 1` and a valid mask: carve from the current page, or
    /// go out of line to reload.
    @inlinable @inline(__always)
    mutating func _alloc(_ fragsz: Int, alignMask: UInt32) -> UnsafeMutableRawPointer? {
        let size = _encoded.size(pageShift: _pageShift)
        let offset = Layout.carve(&_cursor, size: size, fragsz: fragsz, alignMask: alignMask)
        if _fastPath(offset != nil) {
            _pagecntBias &-= 1
            // Safe: checked non-nil just above.
            return _address(at: offset.unsafelyUnwrapped)
        }
        return _allocAfterReload(fragsz, alignMask: alignMask)
    }

    /// Address `offset` bytes into the current page.
    @inlinable @inline(__always)
    func _address(at offset: UInt32) -> UnsafeMutableRawPointer {
        // Safe: only called with a page held, whose address is never 0.
        UnsafeMutableRawPointer(bitPattern: _encoded.address &+ UInt(offset)).unsafelyUnwrapped
    }

    @inlinable @inline(__always)
    func _checkAlign(_ align: Int, _ operation: StaticString) {
        precondition(align > 0 && align & (align &- 1) == 0 && align <= config.pageSize,
                     "\(operation): align \(align) is not a power of two between 1 and the page size \(config.pageSize)")
    }

    // MARK: - Prepare, probe, commit, abort

    /// `page_frag_alloc_prepare[_align]`: find room for at least `fragsz` bytes without taking
    /// a reference, reloading if needed. With alignment, the free space is first truncated to
    /// a multiple of `align`, and that sticks.
    @inlinable
    public mutating func prepare(_ fragsz: Int, align: Int = 1) -> PreparedFragment? {
        _checkPrepareSupported("prepare")
        precondition(fragsz >= 1, "prepare: fragsz \(fragsz) must be at least 1")
        _checkAlign(align, "prepare")
        let size = _encoded.size(pageShift: _pageShift)
        Layout.alignForPrepare(&_cursor, size: size, alignMask: UInt32(truncatingIfNeeded: align &- 1))
        if _fastPath(fragsz <= Int(Layout.remaining(cursor: _cursor, size: size))) {
            return _prepared(size: size)
        }
        guard _reload(fragsz) else { return nil }
        return _prepared(size: _encoded.size(pageShift: _pageShift))
    }

    /// `page_frag_alloc_va_prepare`: the address and the bytes available there.
    @inlinable
    public mutating func prepareVA(_ fragsz: Int, align: Int = 1) -> (address: UnsafeMutableRawPointer, available: Int)? {
        prepare(fragsz, align: align).map { ($0.address, $0.available) }
    }

    /// `page_frag_alloc_pg_prepare`: the page, the offset and the bytes available there.
    @inlinable
    public mutating func preparePage(_ fragsz: Int, align: Int = 1) -> (page: Page, offset: Int, available: Int)? {
        prepare(fragsz, align: align).map { ($0.page, $0.offset, $0.available) }
    }

    /// `page_frag_alloc_probe`: like `prepare` but never reloads: nil if the cache is empty or
    /// fewer than `fragsz` bytes remain.
    @inlinable
    public mutating func probe(_ fragsz: Int, align: Int = 1) -> PreparedFragment? {
        _checkPrepareSupported("probe")
        precondition(fragsz >= 1, "probe: fragsz \(fragsz) must be at least 1")
        _checkAlign(align, "probe")
        guard !_encoded.isEmpty else { return nil }
        let size = _encoded.size(pageShift: _pageShift)
        Layout.alignForPrepare(&_cursor, size: size, alignMask: UInt32(truncatingIfNeeded: align &- 1))
        guard fragsz <= Int(Layout.remaining(cursor: _cursor, size: size)) else { return nil }
        return _prepared(size: size)
    }

    @inlinable
    func _prepared(size: UInt32) -> PreparedFragment {
        let offset = Layout.nextOffset(cursor: _cursor, size: size)
        return PreparedFragment(address: _address(at: offset), page: _currentPage, offset: Int(offset),
                                available: Int(Layout.remaining(cursor: _cursor, size: size)))
    }

    /// `page_frag_commit`: the caller used `n` (>= 1) bytes of the prepared area as a new
    /// fragment, which takes one reference. Returns the fragment's offset in the page.
    @inlinable @inline(__always)
    @discardableResult
    public mutating func commit(_ n: Int) -> Int {
        precondition(n >= 1, "commit: \(n) bytes; a fragment has at least 1 byte")
        let size = _checkCommit(n, "commit")
        precondition(_pagecntBias > 1, "commit: no reference left to hand out (pagecntBias \(_pagecntBias))")
        let offset = Layout.nextOffset(cursor: _cursor, size: size)
        Layout.consume(&_cursor, size: size, bytes: UInt32(truncatingIfNeeded: n))
        _pagecntBias &-= 1
        return Int(offset)
    }

    /// `page_frag_commit_noref`: the `n` bytes extend a fragment that already holds a
    /// reference (coalescing), so only the free space shrinks. Returns the offset they start at.
    @inlinable @inline(__always)
    @discardableResult
    public mutating func commitNoref(_ n: Int) -> Int {
        let size = _checkCommit(n, "commitNoref")
        let offset = Layout.nextOffset(cursor: _cursor, size: size)
        Layout.consume(&_cursor, size: size, bytes: UInt32(truncatingIfNeeded: n))
        return Int(offset)
    }

    /// prepare-family operations need a layout that can say where the next bytes go before
    /// their count is known (not `OffsetDownLayout`). A constant per specialisation.
    @inlinable @inline(__always)
    func _checkPrepareSupported(_ operation: StaticString) {
        precondition(Layout.supportsPrepare, "\(operation): the \(Layout.name) layout has no prepare/commit API")
    }

    @inlinable @inline(__always)
    func _checkCommit(_ n: Int, _ operation: StaticString) -> UInt32 {
        _checkPrepareSupported(operation)
        precondition(!_encoded.isEmpty, "\(operation): the cache holds no page; prepare or probe first")
        let size = _encoded.size(pageShift: _pageShift)
        let left = Layout.remaining(cursor: _cursor, size: size)
        precondition(n >= 0 && n <= Int(left), "\(operation): \(n) bytes but only \(left) remain in the page")
        return size
    }

    /// `page_frag_alloc_abort`: undo the last `commit` of `n` bytes.
    @inlinable
    public mutating func abort(_ n: Int) {
        _checkPrepareSupported("abort")
        precondition(!_encoded.isEmpty, "abort: the cache holds no page")
        let size = _encoded.size(pageShift: _pageShift)
        let used = Layout.nextOffset(cursor: _cursor, size: size)
        precondition(n >= 0 && n <= Int(used), "abort: \(n) bytes would move before the page's start (\(used) used)")
        precondition(_pagecntBias < _maxSize &+ 1, "abort: no commit to undo (pagecntBias \(_pagecntBias))")
        Layout.unconsume(&_cursor, size: size, bytes: UInt32(truncatingIfNeeded: n))
        _pagecntBias &+= 1
    }

    // MARK: - Free and drain

    /// `page_frag_free_va`: drops the fragment's reference, freeing its page at zero. Returns
    /// the page's references left.
    @inlinable @inline(__always)
    @discardableResult
    public func free(_ address: UnsafeMutableRawPointer) -> Int {
        _arena.freeFragment(address)
    }

    /// `page_frag_cache_drain`: gives back the references the cache holds; the cache is empty
    /// afterwards. Returns the page's references left, or nil if the cache held no page.
    @discardableResult
    public mutating func drain() -> Int? {
        guard !_encoded.isEmpty else { return nil }
        let page = _currentPage
        _stats.abandonedBytes &+= Int(Layout.remaining(cursor: _cursor, size: _encoded.size(pageShift: _pageShift)))
        let left = _arena.put(page, count: Int(_pagecntBias))
        _becomeEmpty()
        _checkInvariants()
        return left
    }

    /// `__page_frag_cache_drain`: drops `count` references from `page`, freeing it at zero.
    @discardableResult
    public func drain(_ page: Page, count: Int) -> Int {
        precondition(count >= 1, "drain(page:count:): count \(count) must be at least 1")
        return _arena.put(page, count: count)
    }

    // MARK: - Queries

    /// `page_frag_cache_page_offset`: where the next fragment would start.
    @inlinable public var pageOffset: Int {
        Int(Layout.nextOffset(cursor: _cursor, size: _encoded.size(pageShift: _pageShift)))
    }

    /// `page_frag_cache_is_pfmemalloc`.
    @inlinable public var isPfmemalloc: Bool { _encoded.isPfmemalloc }

    /// Bytes free from `pageOffset` to the end of the page (0 when empty).
    @inlinable public var remaining: Int {
        _encoded.isEmpty ? 0 : Int(Layout.remaining(cursor: _cursor, size: _encoded.size(pageShift: _pageShift)))
    }

    @inlinable public var pagecntBias: Int { Int(_pagecntBias) }

    @inlinable public var encoded: EncodedPage { _encoded }

    /// The page the cache holds, if any.
    @inlinable public var currentPage: Page? { _encoded.isEmpty ? nil : _currentPage }

    /// Size in bytes of the page held (0 when empty).
    @inlinable public var size: Int { _encoded.isEmpty ? 0 : Int(_encoded.size(pageShift: _pageShift)) }

    public var stats: FragCacheStats { _stats }

    public var arena: PageArena { _arena }

    @inlinable
    var _currentPage: Page {
        assert(!_encoded.isEmpty, "no page held")
        return Page(index: Int32(truncatingIfNeeded: (_encoded.address &- _arena.base) &>> _pageShift))
    }
}

extension PageFragCache: @unchecked Sendable {}

/// The kernel's current layout (SPEC 3 and 4).
public typealias FragCache = PageFragCache<RemainingLayout>

/// Room found by `prepare` or `probe`: no reference is taken until `commit`.
public struct PreparedFragment: @unchecked Sendable {
    public let address: UnsafeMutableRawPointer
    public let page: Page
    public let offset: Int
    public let available: Int

    @inlinable
    init(address: UnsafeMutableRawPointer, page: Page, offset: Int, available: Int) {
        self.address = address
        self.page = page
        self.offset = offset
        self.available = available
    }
}
