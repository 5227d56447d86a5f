/// The pages an owner-local cache (OwnerLocalFragCache) has left with fragments out and still
/// holds references on: a small set, direct-mapped by address, so that the owner's free asks
/// one slot, not every slot, whether the fragment's page is one of them.
///
/// Why direct-mapped. Where the set cannot help (a ring far larger than it, frees from other
/// threads) the owner's free must cost no more than the kernel's, and it then misses on every
/// call: a miss here is a shift, a mask, two loads from one slot and a compare, whatever the
/// set's size. Pages of the max size at neighbouring addresses (what the buddy allocator hands
/// a cache in turn) land in neighbouring slots. Two pages that want the same slot (blocks
/// `count` max-size pages apart, or two order-0 fallback pages in one max-size block) evict
/// one another: correct, only slower (the evicted page's references are dropped as the kernel
/// drops them when it leaves a page).
@usableFromInline
struct LeftPages: Sendable {
    /// Slots in the set. 8 covers a ring of 256 fragments of 256 B on 16K pages (4 or 5 pages
    /// live), with room for the buddy allocator's address order not being perfectly
    /// sequential; a 4K page holds too few fragments for any small set (see docs/model.md).
    @inlinable static var count: Int { 8 }

    @usableFromInline var slots: InlineArray<8, LeftPage>
    /// log2 of the cache's max size: a page's slot is its max-size block number mod `count`.
    @usableFromInline let shift: UInt

    @inlinable
    init(maxSizeShift: UInt) {
        slots = InlineArray(repeating: .empty)
        shift = maxSizeShift
    }

    /// The slot a page at (or a fragment inside a page at) `address` belongs in.
    @inlinable @inline(__always)
    func slot(of address: UInt) -> Int {
        // The mask keeps the index below `count`, so the subscript's bounds check folds away.
        Int(truncatingIfNeeded: (address &>> shift) & UInt(Self.count &- 1))
    }
}

/// One slot: a left page and the references the cache holds on it (`bias`), or nothing.
///
///     refcount(page) == bias + fragments of page out       (as SPEC 3's, for the left page)
@usableFromInline
struct LeftPage: Sendable {
    /// The page's address and size as plain words, both 0 for an empty slot: then
    /// `a &- address < size` is false for every address, so an empty slot needs no test.
    @usableFromInline var address: UInt
    @usableFromInline var size: UInt
    @usableFromInline var bias: UInt32
    @usableFromInline var encoded: EncodedPage

    @inlinable static var empty: LeftPage { LeftPage(address: 0, size: 0, bias: 0, encoded: .empty) }

    @inlinable
    init(address: UInt, size: UInt, bias: UInt32, encoded: EncodedPage) {
        self.address = address
        self.size = size
        self.bias = bias
        self.encoded = encoded
    }

    @inlinable var isEmpty: Bool { size == 0 }

    /// Whether `address` lies in this slot's page.
    @inlinable @inline(__always)
    func holds(_ address: UInt) -> Bool { address &- self.address < size }
}
