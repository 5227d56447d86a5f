/// The buddy allocator's handle: one pointer to what `allocPages` and `freePages` need (the
/// page descriptors, how many there are, the locked free lists), so that their out-of-line
/// entry points take it in one register.
///
/// Why one word: as methods of the five-word `PageArena`, each call passed the arena through
/// memory, and the cache copied 40 bytes onto the stack before every call into the page
/// allocator (about 35 instructions a refill more than the C twin's `cfrag_alloc_slow`,
/// callgrind, alloc-free 64 B at a 4 KiB max size). A three-word handle, passed in three
/// registers, cost the timed loops that can call `freePages` two more live values, and the
/// mixed loop a spilled size mask: 2-3% slower, paired, AMD EPYC.
///
/// Like `PageArena`, a view: valid only while the `PageAllocator` that made it is alive (it
/// frees the header with `deallocate()`).
@usableFromInline
struct BuddyAllocator: @unchecked Sendable {
    @usableFromInline
    struct Header {
        @usableFromInline let descriptors: UnsafeMutablePointer<PageDescriptor>
        @usableFromInline let pageCount: Int
        @usableFromInline let core: SpinLock<BuddyState>
    }

    /// Written once by init, never changed: read from any thread without a lock.
    @usableFromInline let header: UnsafeMutablePointer<Header>

    init(descriptors: UnsafeMutablePointer<PageDescriptor>, pageCount: Int, core: SpinLock<BuddyState>) {
        // A line of its own, so that no data written elsewhere shares it.
        let line = 64
        header = UnsafeMutableRawPointer.allocate(byteCount: line, alignment: line)
            .bindMemory(to: Header.self, capacity: 1)
        header.initialize(to: Header(descriptors: descriptors, pageCount: pageCount, core: core))
    }

    // Safe: `header` is initialised by init and lives until deallocate().
    @inlinable var descriptors: UnsafeMutablePointer<PageDescriptor> { header.pointee.descriptors }
    @inlinable var pageCount: Int { header.pointee.pageCount }
    @inlinable var core: SpinLock<BuddyState> { header.pointee.core }

    /// Frees the header (not the descriptors or the lock: their owner frees them). Invariant:
    /// nobody uses this handle, or any copy of it, afterwards.
    func deallocate() {
        header.deinitialize(count: 1)
        header.deallocate()
    }
}
