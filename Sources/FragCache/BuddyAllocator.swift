/// The buddy allocator's handle: one pointer to its `BuddyLists` (the page descriptors, how
/// many there are, the locked free lists), so that the out-of-line entry points take it in one
/// register, and each copies the three words into registers once instead of reloading them
/// after every store to a descriptor (which, to the compiler, might have changed them).
///
/// Why one word: as methods of the five-word `PageArena`, each call passed the arena through
/// memory, and the cache copied 40 bytes onto the stack before every call into the page
/// allocator (about 35 instructions a refill more than the C twin's `cfrag_alloc_slow`,
/// callgrind, alloc-free 64 B at a 4 KiB max size). A three-word handle, passed in three
/// registers, cost the timed loops that can call `freePages` two more live values, and the
/// mixed loop a spilled size mask: 2-3% slower, paired, AMD EPYC.
///
/// Like `PageArena`, a view: valid only while the `PageAllocator` that made it is alive (it
/// frees the lists' line with `deallocate()`).
@usableFromInline
struct BuddyAllocator: @unchecked Sendable {
    /// Written once by init, never changed: read from any thread without a lock.
    @usableFromInline let lists: UnsafeMutablePointer<BuddyLists>

    init(_ value: BuddyLists) {
        // A line of its own: every page allocation and free reads it, from any thread, and no
        // data written elsewhere should share it.
        let line = 64
        lists = UnsafeMutableRawPointer.allocate(byteCount: line, alignment: line)
            .bindMemory(to: BuddyLists.self, capacity: 1)
        lists.initialize(to: value)
    }

    // Safe: `lists` is initialised by init and lives until deallocate().
    @inlinable var pageCount: Int { lists.pointee.pageCount }
    @inlinable var core: SpinLock<BuddyState> { lists.pointee.core }

    /// `PageArena.allocPages`, out of line.
    @usableFromInline @inline(never)
    func allocPages(order: Int, gfp: GFP) -> Page? {
        lists.pointee.allocPages(order: order, gfp: gfp)
    }

    /// `PageArena.freePages`, out of line.
    @usableFromInline @inline(never)
    func freePages(_ page: Page) {
        lists.pointee.freePages(page)
    }

    /// Frees the lists' line (not the descriptors or the lock: their owner frees them).
    /// Invariant: nobody uses this handle, or any copy of it, afterwards.
    func deallocate() {
        lists.deinitialize(count: 1)
        UnsafeMutableRawPointer(lists).deallocate()
    }
}

/// What the buddy allocator works on, as a value: copied into registers by each entry point.
@usableFromInline
struct BuddyLists: @unchecked Sendable {
    @usableFromInline let descriptors: UnsafeMutablePointer<PageDescriptor>
    @usableFromInline let pageCount: Int
    @usableFromInline let core: SpinLock<BuddyState>
}
