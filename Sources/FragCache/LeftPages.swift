/// The pages an owner-local cache (OwnerLocalFragCache) has left with fragments out and still
/// holds references on: a small set, direct-mapped by address, so that the owner's free asks
/// one slot, not every slot, whether the fragment's page is one of them; and the order the
/// pages were left in, so that a reload asks the oldest first whether it has come back whole.
///
/// Why direct-mapped. Where the set cannot help (a ring far larger than it, frees from other
/// threads) the owner's free must cost no more than the kernel's, and it then misses on every
/// call: a miss here is a shift, two masks, two loads from one slot and a compare, whatever the
/// set's size. Pages of the max size at neighbouring addresses (what the buddy allocator hands
/// a cache in turn) land in neighbouring slots. Two pages that want the same slot (blocks
/// `count` max-size pages apart, or two order-0 fallback pages in one max-size block) evict
/// one another: correct, only slower (the evicted page's references are dropped as the kernel
/// drops them when it leaves a page).
///
/// Why the order. A ring frees its oldest fragments first, so the page left longest ago is the
/// first to come back whole: a reload looks at that one alone (tickets of pages evicted since
/// are skipped), a constant cost however many slots the set has. Scanning every slot cost a
/// refcount load per slot per reload, which a set large enough for 16-32 pages cannot afford.
@usableFromInline
struct LeftPages: Sendable {
    /// Slots the storage has; a set uses `count` of them (a power of two, 8...capacity): 256,
    /// so that a ring of 256 fragments of 2 KiB on 4 KiB pages (128 pages live) fits.
    @inlinable static var capacity: Int { 256 }
    /// The default and smallest slot count.
    @inlinable static var minimumCount: Int { 8 }

    /// The largest slot count (8...256) whose pages of `maxSize` bytes fit in `budgetBytes`.
    @inlinable
    static func count(budgetBytes: Int, maxSize: Int) -> Int {
        var count = minimumCount
        while count < capacity && (count * 2) * maxSize <= budgetBytes { count *= 2 }
        return count
    }

    @usableFromInline var slots: InlineArray<256, LeftPage>
    /// log2 of the cache's max size: a page's slot is its max-size block number mod `count`.
    @usableFromInline let shift: UInt
    /// count - 1.
    @usableFromInline let mask: UInt
    /// Tickets of the pages parked, oldest first: a ring buffer of `capacity` entries from
    /// `oldest`, `queued` long. A ticket whose slot now holds another park (or nothing) is
    /// stale and skipped.
    @usableFromInline var tickets: InlineArray<256, ParkTicket>
    @usableFromInline var oldest: Int
    @usableFromInline var queued: Int
    /// The next park's number (wraps; a stale ticket leaves the queue within `capacity`
    /// parks, long before its number comes round again).
    @usableFromInline var nextPark: UInt32

    @inlinable
    init(maxSizeShift: UInt, count: Int) {
        precondition(count >= Self.minimumCount && count <= Self.capacity && count & (count &- 1) == 0,
                     "left-page slots \(count): a power of two, \(Self.minimumCount)...\(Self.capacity)")
        slots = InlineArray(repeating: .empty)
        shift = maxSizeShift
        mask = UInt(count &- 1)
        tickets = InlineArray(repeating: ParkTicket(slot: 0, park: 0))
        oldest = 0
        queued = 0
        nextPark = 1
    }

    @inlinable @inline(__always) var count: Int { Int(mask) &+ 1 }

    /// The slot a page at (or a fragment inside a page at) `address` belongs in.
    @inlinable @inline(__always)
    func slot(of address: UInt) -> Int {
        // `& (capacity - 1)` lets the subscript's bounds check fold away.
        Int(truncatingIfNeeded: (address &>> shift) & mask & UInt(Self.capacity &- 1))
    }

    /// The oldest ticket, if any. (`mutating`: read through the stored array in place; as a
    /// getter, the reload copied the whole ticket array to the stack, twice, per call.)
    @inlinable @inline(__always)
    mutating func oldestTicket() -> ParkTicket? {
        queued == 0 ? nil : tickets[oldest & (Self.capacity &- 1)]
    }

    /// Whether `ticket` is the park that its slot holds now.
    @inlinable @inline(__always)
    func isCurrent(_ ticket: ParkTicket) -> Bool {
        let left = slots[Int(ticket.slot) & (Self.capacity &- 1)]
        return !left.isEmpty && left.park == ticket.park
    }

    @inlinable @inline(__always)
    mutating func dropOldest() {
        assert(queued > 0, "no ticket to drop")
        oldest = (oldest &+ 1) & (Self.capacity &- 1)
        queued &-= 1
    }

    /// Queues a ticket; the queue must have room (`queued < capacity`).
    @inlinable @inline(__always)
    mutating func enqueue(_ ticket: ParkTicket) {
        assert(queued < Self.capacity, "the ticket queue is full")
        tickets[(oldest &+ queued) & (Self.capacity &- 1)] = ticket
        queued &+= 1
    }

    @inlinable @inline(__always)
    mutating func clearTickets() {
        oldest = 0
        queued = 0
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
    /// Which park put the page here (its ticket's number).
    @usableFromInline var park: UInt32
    @usableFromInline var encoded: EncodedPage

    @inlinable static var empty: LeftPage { LeftPage(address: 0, size: 0, bias: 0, park: 0, encoded: .empty) }

    @inlinable
    init(address: UInt, size: UInt, bias: UInt32, park: UInt32, encoded: EncodedPage) {
        self.address = address
        self.size = size
        self.bias = bias
        self.park = park
        self.encoded = encoded
    }

    @inlinable var isEmpty: Bool { size == 0 }

    /// Whether `address` lies in this slot's page.
    @inlinable @inline(__always)
    func holds(_ address: UInt) -> Bool { address &- self.address < size }
}

/// A parked page's place in the order pages were left in: its slot and its park's number.
@usableFromInline
struct ParkTicket: Sendable {
    @usableFromInline var slot: UInt32
    @usableFromInline var park: UInt32

    @inlinable
    init(slot: UInt32, park: UInt32) {
        self.slot = slot
        self.park = park
    }
}
