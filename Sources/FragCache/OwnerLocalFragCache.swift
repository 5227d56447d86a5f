/// The owner-local free experiment (not in the kernel; page_pool's direct recycling does the
/// like): the cache's owner, the one thread that allocates from it, frees fragments through the
/// cache. A fragment of the page the cache holds, or of a page it left with fragments out and
/// still holds references on (a small set, `LeftPages`), goes back by giving its reference to
/// that page's bias: no atomic. Any other fragment, and every free from another thread
/// (`PageArena.freeFragment`), takes the kernel's atomic path.
///
/// Why the invariant still holds. For the current page C and every left page L in the set:
///
///     refcount(C) == pagecntBias + fragments of C out     (SPEC 3)
///     refcount(L) == bias(L)     + fragments of L out
///
/// - A local free of a fragment of C moves one reference from "out" to the bias: both sides of
///   the first line stay equal, and refcount is not touched, so no atomic is needed. Likewise
///   for L. The refcount only ever falls through remote frees (one reference each, atomic).
/// - bias(L) of the left page the owner last freed into (the "hot" one) is `_hotBias`, kept
///   beside the current page's words; its slot's `bias` is stale until the hot page cools
///   (`_coolHot`), which every reload, drain and deinit does first, so the set's other steps
///   below always see true biases.
/// - Recognising C or L by address is sound: a page goes back to the page allocator only when
///   its refcount reaches 0, and the cache's bias (>= 1) on C and on every L keeps it above 0,
///   so a fragment whose address lies in C or L was carved from this incarnation of that page.
/// - Leaving C with fragments out keeps its references: C goes into its slot with bias(C) =
///   pagecntBias, instead of the kernel's dropping them. A page already in that slot is evicted:
///   its references are dropped (one atomic subtract, as the kernel's leave), and its remaining
///   fragments' frees release it as in the kernel.
/// - A page whose refcount equals the bias the cache holds on it has no fragment out, and none
///   can appear (only the owner hands fragments out), so the owner can reuse it in place with a
///   plain load and store instead of a read-modify-write. When C runs out, the reload asks the
///   page left longest ago, and takes it if it is whole: a ring whose live fragments span up
///   to the set's size in pages cycles through the same pages with no atomic at all.
///
/// The price: the cache pins up to 1 + `leftSlots` pages (the kernel's one), also after a
/// failed refill; a pfmemalloc page in the set is given back as soon as a reload sees it whole.
///
/// Debug builds (FRAGCACHE_INTERNAL_CHECKS) check refcount >= bias after every local free and
/// the whole structure after every reload; the property tests check the equalities above
/// exactly against a reference model after every step.
public struct OwnerLocalFragCache<Layout: FragLayout>: ~Copyable {
    /// The kernel cache: its state, its refill and its counters.
    @usableFromInline var _cache: PageFragCache<Layout>
    /// Pages left with fragments out whose references the cache still holds.
    @usableFromInline var _left: LeftPages
    /// The current page's address and size as plain words (both 0 when empty), so that the
    /// free's first range check is a subtraction and a compare, with no decoding.
    @usableFromInline var _currentAddress: UInt
    @usableFromInline var _currentSize: UInt
    /// The hot left page (the one the owner last freed into) as plain words too, and the
    /// references held on it; size 0: none. Why: a ring whose frees trail its allocations by
    /// a page or more frees into one left page for a page's worth of frees, and the set's
    /// lookup (a shift, a mask, two dependent loads) and its counter's read-modify-write
    /// through a computed address cost more than the atomic they save where an atomic is cheap
    /// (AMD EPYC model 17, 2.0 ns: local free 7-12% slower than the kernel API there). These
    /// words sit at fixed offsets, as the current page's bias does.
    @usableFromInline var _hotAddress: UInt
    @usableFromInline var _hotSize: UInt
    @usableFromInline var _hotBias: UInt32
    @usableFromInline var _hotSlot: Int
    /// Reloads in a row that left a page with fragments out and found no whole page in the set
    /// (see `_localReload`), and reloads still to run the kernel's way.
    @usableFromInline var _futileReloads: Int
    @usableFromInline var _bypassReloads: Int

    /// `leftSlots`: the set's slots, a power of two from 8 to 256 (see `leftSlots(budgetBytes:maxSize:)`).
    public init(allocator: PageAllocator, config: FragCacheConfig = try! FragCacheConfig(), gfp: GFP = .atomic,
                leftSlots: Int = 8) {
        _cache = PageFragCache(allocator: allocator, config: config, gfp: gfp)
        _left = LeftPages(maxSizeShift: config.pageShift &+ UInt(config.maxOrder), count: leftSlots)
        _currentAddress = 0
        _currentSize = 0
        _hotAddress = 0
        _hotSize = 0
        _hotBias = 0
        _hotSlot = 0
        _futileReloads = 0
        _bypassReloads = 0
    }

    /// Drops the references held on the left pages; the inner cache drops its own.
    deinit {
        for i in 0 ..< _left.count where !_left.slots[i].isEmpty {
            _cache._arena.put(_page(at: _left.slots[i].address), count: Int(_bias(ofSlot: i)))
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

    /// The owner's free: local (no atomic) for a fragment of the current page or of a left page
    /// in the set, the kernel's atomic free otherwise (and always while the set is bypassed). Only the thread that allocates may call it; other
    /// threads free with `arena.freeFragment`.
    @inlinable @inline(__always)
    public mutating func free(_ address: UnsafeMutableRawPointer) {
        let a = UInt(bitPattern: address)
        // While the set is bypassed (see `bypassLength`) the free is the kernel's, behind one
        // predictable branch: where the set cannot win, local free costs what the kernel's does.
        // Unhinted, so that a bypassed free falls through to the atomic path as the kernel
        // API's does (with `_fastPath` it took one more taken branch); the flag's load and
        // compare remain, and cost ~10% at 2 KiB fragments on 16-32 KiB pages on AMD: the
        // benchmark's set is sized so that no ring of its grid needs the bypass.
        if _bypassReloads == 0 {
            // An empty cache has address and size 0: no address passes.
            if a &- _currentAddress < _currentSize {
                _cache._pagecntBias &+= 1
                _checkLocalFree(_cache._currentPage, bias: _cache._pagecntBias)
                return
            }
            if a &- _hotAddress < _hotSize {
                _hotBias &+= 1
                _checkLocalFree(_page(at: _hotAddress), bias: _hotBias)
                return
            }
            let slot = _left.slot(of: a)
            if _left.slots[slot].holds(a) {
                _heat(slot: slot)
                _hotBias &+= 1
                _checkLocalFree(_page(at: _hotAddress), bias: _hotBias)
                return
            }
        }
        // The kernel's free, written out so that the arena view is read in place: calling
        // `_cache._arena.freeFragment` made the compiler copy the view to the stack on every
        // miss (it cannot hoist the copy out of the caller's loop, the cache being mutated).
        let page = _cache._arena.headPage(of: a)
        if _slowPath(_cache._arena.dropReferences(1, from: page) == 0) { _releasePage(page) }
    }

    /// The last reference to a page the owner freed was dropped: give it back (out of line;
    /// `mutating` only so that the cache is passed by address: a borrowed `self` was copied,
    /// all 488 bytes, at every call).
    @inlinable @inline(never)
    mutating func _releasePage(_ page: Page) {
        _cache._arena.freePages(page)
    }

    /// Makes the left page in `slot` the hot one, the hot one before it cooling (out of line:
    /// once per left page a ring frees into, not per free).
    @inlinable @inline(never)
    mutating func _heat(slot: Int) {
        _coolHot()
        let left = _left.slots[slot]
        _hotSlot = slot
        _hotAddress = left.address
        _hotSize = left.size
        _hotBias = left.bias
    }

    /// Writes the hot page's references back into its slot; no page is hot afterwards.
    @inlinable @inline(__always)
    mutating func _coolHot() {
        guard _hotSize != 0 else { return }
        _left.slots[_hotSlot & (LeftPages.capacity &- 1)].bias = _hotBias
        _hotAddress = 0
        _hotSize = 0
        _hotBias = 0
    }

    /// The references held on the page in `slot`: the hot words' while it is hot.
    @inlinable
    func _bias(ofSlot slot: Int) -> UInt32 {
        _hotSize != 0 && _hotSlot == slot ? _hotBias : _left.slots[slot].bias
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

    /// Gives back every reference the cache holds (current and left pages); the cache is
    /// empty afterwards. Returns the current page's references left, or nil if it held none.
    @discardableResult
    public mutating func drain() -> Int? {
        _coolHot()
        _emptyTheSet()
        defer { _syncCurrent() }
        return _cache.drain()
    }

    /// Copies the current page's range into the free's plain words, after the cache's page
    /// changed (a reload or a drain).
    @inlinable
    mutating func _syncCurrent() {
        _currentAddress = _cache._encoded.address
        _currentSize = _cache._encoded.isEmpty ? 0 : UInt(_cache._encoded.size(pageShift: _cache._pageShift))
    }

    /// The page whose first byte is at `address` (a held page's, so inside the arena).
    @inlinable @inline(__always)
    func _page(at address: UInt) -> Page {
        Page(index: Int32(truncatingIfNeeded: (address &- _cache._arena.base) &>> _cache._pageShift))
    }

    /// The pages left with fragments out that the cache still holds references on, with those
    /// references and their slots, in slot order.
    public var leftPages: [(slot: Int, page: Page, bias: Int)] {
        (0 ..< _left.count).compactMap { i in
            let left = _left.slots[i]
            return left.isEmpty ? nil : (i, _page(at: left.address), Int(_bias(ofSlot: i)))
        }
    }
    /// The slot of the set a page at `address` goes into when the cache leaves it.
    public func leftSlot(of address: UInt) -> Int { _left.slot(of: address) }
    /// The set's slots.
    public var leftSlotCount: Int { _left.count }
    /// The largest slot count (8...256, a power of two) whose pages of `maxSize` bytes fit in
    /// `budgetBytes`: what the set may pin besides the current page.
    public static func leftSlots(budgetBytes: Int, maxSize: Int) -> Int {
        LeftPages.count(budgetBytes: budgetBytes, maxSize: maxSize)
    }
    /// The left pages' slots in the order a reload asks them (oldest park first; stale tickets
    /// of pages evicted since left out).
    public var leftOrder: [Int] {
        (0 ..< _left.queued).compactMap { k in
            let ticket = _left.tickets[(_left.oldest &+ k) & (LeftPages.capacity &- 1)]
            return _left.isCurrent(ticket) ? Int(ticket.slot) : nil
        }
    }
    /// Reloads still to run the kernel's way (0: the set is in use).
    public var bypassReloads: Int { _bypassReloads }
    public var currentPage: Page? { _cache.currentPage }
    public var pagecntBias: Int { _cache.pagecntBias }
    public var remaining: Int { _cache.remaining }
    public var stats: FragCacheStats { _cache.stats }
    public var arena: PageArena { _cache.arena }
    public var config: FragCacheConfig { _cache.config }

    /// The kernel cache's checks, plus each left page's: in its own slot, not the current page
    /// nor in two slots (a slot per block), held, allocated, refcount >= bias >= 1.
    public func checkInvariants() {
        _cache.checkInvariants()
        // (While bypassed the free does not read them, and they are not kept up to date.)
        precondition(_bypassReloads > 0 || (_currentAddress == _cache._encoded.address
                     && _currentSize == (_cache._encoded.isEmpty ? 0 : UInt(_cache._encoded.size(pageShift: _cache._pageShift)))),
                     "the current page's range words disagree with its encoded word")
        precondition(_futileReloads >= 0 && _futileReloads < _left.count && _bypassReloads >= 0 && _bypassReloads <= bypassLength,
                     "futile reloads \(_futileReloads), bypass reloads \(_bypassReloads)")
        if _bypassReloads > 0 {
            precondition(leftPages.isEmpty, "the set holds pages while the cache reloads the kernel's way")
        }
        precondition(_left.queued >= 0 && _left.queued <= LeftPages.capacity, "\(_left.queued) tickets queued")
        if _hotSize != 0 {
            precondition(_bypassReloads == 0 && _hotSlot >= 0 && _hotSlot < _left.count
                         && !_left.slots[_hotSlot].isEmpty && _left.slots[_hotSlot].address == _hotAddress
                         && _left.slots[_hotSlot].size == _hotSize,
                         "the hot words (\(_hotAddress), \(_hotSize), slot \(_hotSlot)) name no page of the set")
        } else {
            precondition(_hotAddress == 0 && _hotBias == 0, "no hot page, but hot words \(_hotAddress), bias \(_hotBias)")
        }
        // Every page in the set has exactly one current ticket.
        var tickets = [Int](repeating: 0, count: _left.count)
        for k in 0 ..< _left.queued {
            let ticket = _left.tickets[(_left.oldest &+ k) & (LeftPages.capacity &- 1)]
            precondition(Int(ticket.slot) < _left.count, "ticket for slot \(ticket.slot) of \(_left.count)")
            if _left.isCurrent(ticket) { tickets[Int(ticket.slot)] += 1 }
        }
        for i in 0 ..< _left.count {
            let left = _left.slots[i]
            precondition(left.isEmpty ? tickets[i] == 0 : tickets[i] == 1, "slot \(i) has \(tickets[i]) current tickets")
            if left.isEmpty {
                precondition(left.address == 0 && left.bias == 0 && left.encoded.isEmpty,
                             "empty slot \(i) with address \(left.address), bias \(left.bias)")
                continue
            }
            let page = _page(at: left.address)
            precondition(_left.slot(of: left.address) == i, "\(page) sits in slot \(i), belongs in \(_left.slot(of: left.address))")
            precondition(left.address != _cache._encoded.address, "left \(page) is the current page")
            precondition(left.address == left.encoded.address && left.size == UInt(left.encoded.size(pageShift: _cache._pageShift)),
                         "slot \(i)'s range words disagree with its encoded word")
            precondition(_cache._arena.isAllocated(page), "left \(page) is held but not allocated")
            precondition(_cache._arena.isPfmemalloc(page) == left.encoded.isPfmemalloc,
                         "left \(page) pfmemalloc disagrees with its encoded word")
            let refs = _cache._arena.refcount(of: page), bias = _bias(ofSlot: i)
            precondition(bias >= 1 && refs >= Int(bias), "left \(page) refcount \(refs), bias \(bias)")
        }
    }
}

extension OwnerLocalFragCache: @unchecked Sendable {}
