import Synchronization

/// The model's `struct page`: one per base page of the arena, stored in one flat array so that
/// `address -> descriptor` is a subtraction and a shift.
///
/// Only `refcount` is touched concurrently (frees come from any thread); the other fields are
/// written by the allocator while it owns the block (under its lock, or before the block is
/// handed out) and read by the owner of a reference.
@usableFromInline
struct PageDescriptor: ~Copyable {
    @usableFromInline let refcount: Atomic<Int>
    /// While the page is allocated: index of the head page of its block (itself for a head or an
    /// order-0 page, and for every page of a non-compound high-order block).
    @usableFromInline var head: Int32
    /// Order of the block, meaningful on a head page and on the head of a free buddy block.
    @usableFromInline var order: UInt8
    @usableFromInline var flags: PageFlags
    /// Buddy free-list links (indices of free block heads), -1 for none.
    @usableFromInline var next: Int32
    @usableFromInline var prev: Int32

    @inlinable
    init(index: Int32) {
        refcount = Atomic(0)
        head = index
        order = 0
        flags = []
        next = -1
        prev = -1
    }
}

/// The flags are computed constants, not `static let`s: a `let` is a lazily initialised global,
/// read through an addressor call on every use from another module's specialised code.
@usableFromInline
struct PageFlags: OptionSet, Sendable {
    @usableFromInline let rawValue: UInt8
    @inlinable init(rawValue: UInt8) { self.rawValue = rawValue }

    /// First page of a compound (high-order, `.compound`) page.
    @inlinable static var head: PageFlags { PageFlags(rawValue: 1 << 0) }
    /// Served from the emergency reserves; callers must not keep it for long.
    @inlinable static var pfmemalloc: PageFlags { PageFlags(rawValue: 1 << 2) }
    /// Head of a block sitting on a buddy free list.
    @inlinable static var buddyFree: PageFlags { PageFlags(rawValue: 1 << 3) }
    /// Handed out by the allocator (head page only).
    @inlinable static var allocated: PageFlags { PageFlags(rawValue: 1 << 4) }
}
