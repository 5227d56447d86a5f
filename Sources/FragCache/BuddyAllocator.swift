/// The buddy allocator's handle: the page descriptors, how many there are, and the locked
/// free lists; everything `allocPages` and `freePages` touch, and nothing the cache's fast
/// path needs besides (that is `PageArena`, which holds one of these).
///
/// Three words, so the out-of-line entry points get it in registers. As a method of the
/// five-word `PageArena` each call passed the arena through memory: the cache copied 40 bytes
/// onto the stack before every call into the page allocator (about 35 instructions a refill
/// more than the C twin's `cfrag_alloc_slow`, callgrind, alloc-free 64 B at a 4 KiB max size).
///
/// Like `PageArena`, a view: valid only while the `PageAllocator` that made it is alive.
@usableFromInline
struct BuddyAllocator: @unchecked Sendable {
    @usableFromInline let descriptors: UnsafeMutablePointer<PageDescriptor>
    @usableFromInline let pageCount: Int
    @usableFromInline let core: SpinLock<BuddyState>

    @inlinable
    init(descriptors: UnsafeMutablePointer<PageDescriptor>, pageCount: Int, core: SpinLock<BuddyState>) {
        self.descriptors = descriptors
        self.pageCount = pageCount
        self.core = core
    }
}
