#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// The page allocator the cache stands on (SPEC 2): one mmap'd arena carved into base pages,
/// a descriptor per page, and a binary buddy allocator for orders 0...10.
///
/// The class owns the memory; `arena` is the cheap view everything else uses. Allocation and
/// freeing are safe from any thread.
public final class PageAllocator: @unchecked Sendable {
    public static let maxOrder = 10

    public let arena: PageArena
    public let pageSize: Int
    public var pageCount: Int { arena.pageCount }

    private let mapping: UnsafeMutableRawPointer
    private let mappingLength: Int
    /// Where deinit keeps a resident (populated) arena's mapping; nil for a lazy one: unmapped.
    private let pool: ResidentArenaPool?
    /// Pages pinned by `fragment(...)`, released by `unfragment()`. Made after the last throw
    /// in init, as the arena's lock is: a handle's memory is freed by deinit only.
    private let pinned: SpinLock<[Page]>

    /// MADV_POPULATE_WRITE from <linux/mman.h> (not every Glibc module exports it).
    static let madvisePopulateWrite: Int32 = 23

    /// Reserves an arena of `arenaBytes` (rounded down to whole pages).
    /// - Parameter prefault: touch every page now, as kernel memory is resident; pass false to
    ///   leave the arena lazy (a large replay arena, say). A resident arena goes back to
    ///   `ResidentArenaPool` at deinit, for the next allocator of its size in this process.
    public convenience init(pageSize: Int = 4096, arenaBytes: Int = 64 << 20, prefault: Bool = true) throws(PageAllocatorError) {
        try self.init(pageSize: pageSize, arenaBytes: arenaBytes, prefault: prefault, pool: .shared)
    }

    /// `pool`: where a resident arena's mapping is kept at deinit (a test's own, or the process's).
    init(pageSize: Int, arenaBytes: Int, prefault: Bool, pool: ResidentArenaPool) throws(PageAllocatorError) {
        guard [4096, 16384, 65536].contains(pageSize) else {
            throw .invalidPageSize(pageSize)
        }
        let pageCount = arenaBytes / pageSize
        guard pageCount >= 1, pageCount <= Int(Int32.max) else {
            throw .invalidArenaSize(arenaBytes, pageSize: pageSize)
        }
        let shift = UInt(pageSize.trailingZeroBitCount)
        let maxBlock = pageSize << Self.maxOrder
        // Over-reserve by one largest block so the arena can start on a largest-block boundary.
        let length = pageCount * pageSize + maxBlock
        // A resident arena left by an earlier allocator of this geometry is resident already.
        let kept = prefault ? pool.take(length: length, pageSize: pageSize) : nil
        let raw = kept ?? mmap(nil, length, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let raw, raw != MAP_FAILED else {
            throw .mapFailed(bytes: length, errno: errno)
        }
        let start = (UInt(bitPattern: raw) + UInt(maxBlock) - 1) & ~UInt(maxBlock - 1)
        if prefault && kept == nil {
            // Resident, like kernel memory. The kernel populates the whole arena in one call
            // (MADV_POPULATE_WRITE, Linux 5.14) in about half the time of one fault per page
            // (22 vs 50 ms for 64 MiB on the Intel VM of docs/noise.md), which counts because
            // `fragbench pair` sets up fresh arenas for every session. Older kernels: one
            // write per OS page.
            // Safe: [start, start + pageCount * pageSize) lies inside the mapping just made
            // (it was over-reserved by one largest block for the alignment).
            let bytes = UnsafeMutablePointer<UInt8>(bitPattern: start).unsafelyUnwrapped
            if madvise(UnsafeMutableRawPointer(bytes), pageCount * pageSize, Self.madvisePopulateWrite) != 0 {
                let osPage = Int(sysconf(Int32(_SC_PAGESIZE)))
                for offset in stride(from: 0, to: pageCount * pageSize, by: osPage) {
                    bytes[offset] = 0
                }
            }
        }

        let descriptors = UnsafeMutablePointer<PageDescriptor>.allocate(capacity: pageCount)
        for i in 0 ..< pageCount {
            (descriptors + i).initialize(to: PageDescriptor(index: Int32(i)))
        }
        let core = SpinLock(BuddyState())
        self.pinned = SpinLock([])

        self.mapping = raw
        self.mappingLength = length
        self.pool = prefault ? pool : nil
        self.pageSize = pageSize
        self.arena = PageArena(base: start, pageShift: shift, pageCount: pageCount,
                               descriptors: descriptors, core: core)
        seedFreeLists()
    }

    deinit {
        arena.core.deallocate()
        pinned.deallocate()
        arena.descriptors.deinitialize(count: arena.pageCount)
        arena.descriptors.deallocate()
        arena.buddy.deallocate()
        if let pool {
            pool.give(mapping, length: mappingLength, pageSize: pageSize)
        } else {
            munmap(mapping, mappingLength)
        }
    }

    /// Carves the arena into the largest naturally aligned blocks that fit.
    private func seedFreeLists() {
        let arena = self.arena
        let lists = arena.buddy.lists.pointee
        arena.core.withLock { state in
            var index = 0
            while index < arena.pageCount {
                var order = Self.maxOrder
                while order > 0 && (index % (1 << order) != 0 || index + (1 << order) > arena.pageCount) {
                    order -= 1
                }
                lists.link(index: Int32(index), order: order, state: &state)
                index += 1 << order
            }
        }
    }

    // MARK: - Convenience over the arena view

    public func allocPages(order: Int, gfp: GFP) -> Page? { arena.allocPages(order: order, gfp: gfp) }

    /// Drops one reference (`put_page`), freeing the block at zero. Returns the references left.
    @discardableResult
    public func put(_ page: Page, count: Int = 1) -> Int { arena.put(page, count: count) }

    /// Installs (or removes) the observer told of every allocation and release. Set it before
    /// the allocator is shared; it runs on whichever thread allocates or frees.
    public func setObserver(_ observer: PageEventObserver?) {
        arena.core.withLock { $0.observer = observer }
    }

    // MARK: - Fragmentation (pressure)

    /// Fragments the arena the way a long-running machine is: afterwards no free block in the
    /// affected part is larger than `maxFreeOrder`, so higher-order requests that land there
    /// fail. `fraction` of the arena's groups of 2^(maxFreeOrder+1) pages get one page pinned;
    /// the rest of the arena is left whole. Returns the number of pages pinned.
    @discardableResult
    public func fragment(maxFreeOrder: Int, fraction: Double = 1.0) -> Int {
        precondition((0 ..< Self.maxOrder).contains(maxFreeOrder),
                     "fragment: maxFreeOrder \(maxFreeOrder) outside 0..<\(Self.maxOrder)")
        precondition((0.0 ... 1.0).contains(fraction), "fragment: fraction \(fraction) outside 0...1")
        let group = 1 << (maxFreeOrder + 1)
        let groups = arena.pageCount / group
        let limit = Int((Double(groups) * fraction).rounded(.down)) * group
        let pins = arena.buddy.lists.pointee.pinForFragmentation(limit: limit, group: group)
        pinned.withLock { $0.append(contentsOf: pins) }
        return pins.count
    }

    /// Releases every page `fragment` pinned, letting the arena coalesce again.
    public func unfragment() {
        let pages = pinned.withLock { pins in
            defer { pins.removeAll() }
            return pins
        }
        for page in pages { arena.buddy.lists.pointee.unpin(page) }
    }

    /// Pages currently pinned by `fragment`.
    public var pinnedPageCount: Int { pinned.withLock { $0.count } }
}

public enum PageAllocatorError: Error, Equatable, CustomStringConvertible {
    case invalidPageSize(Int)
    case invalidArenaSize(Int, pageSize: Int)
    case mapFailed(bytes: Int, errno: Int32)

    public var description: String {
        switch self {
        case .invalidPageSize(let size):
            return "page size \(size) is not one of 4096, 16384, 65536"
        case .invalidArenaSize(let bytes, let pageSize):
            return "arena of \(bytes) bytes holds no whole \(pageSize)-byte page (or too many)"
        case .mapFailed(let bytes, let code):
            return "mmap of \(bytes) bytes failed: \(String(cString: strerror(code)))"
        }
    }
}
