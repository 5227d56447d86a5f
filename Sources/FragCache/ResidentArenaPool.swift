#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One resident arena mapping, kept when its page allocator goes for the next one of the same
/// length in this process.
///
/// Why: `run` sets up a fresh page allocator for every point of every visit, and populating a
/// 256 MiB arena (MADV_POPULATE_WRITE) took about 100 ms and unmapping it 18 ms, about half of
/// `make bench`'s time. Letting the arena fault in as it is touched instead (what the pair
/// workers did for a few hours) changed what memory-bound points measure: prepare-commit
/// 1024 B read 3% slower at a 32 KiB max size and 7-10% at 128 KiB in the same binary (AMD
/// EPYC VM, docs/noise.md), because the pages a workload lands on sit elsewhere in physical
/// memory. A kept mapping is what one populate placed, as the populate after an unmap mostly
/// got back; a reused arena's descriptors and free lists are made afresh by its new allocator,
/// and no workload reads memory it did not write.
final class ResidentArenaPool: @unchecked Sendable {
    /// The process's pool, which every page allocator uses. Never freed.
    static let shared = ResidentArenaPool()

    /// The address as an integer, so the kept value is plain data (Sendable) under the lock.
    /// Its page size too: two geometries can map one length (16 MiB of 4 KiB pages and 4 MiB of
    /// 16 KiB pages both map 20 MiB with the largest block for alignment), and an allocator
    /// populates only its own arena, at an offset its page size sets. Matched by length alone,
    /// a 4 KiB-page arena came back 1024 of its 4096 pages resident after a 16 KiB-page one
    /// had kept the mapping. Length and page size fix the geometry, so a match is resident
    /// wherever the new arena lies.
    struct Mapping: Sendable {
        let address: UInt
        let length: Int
        let pageSize: Int
    }

    /// The kept mapping, if any.
    private let slot = SpinLock<Mapping?>(nil)

    /// A test's own pool (the shared one lives as long as the process).
    init() {}

    deinit {
        _ = take(length: -1, pageSize: 0)  // no mapping has that length: unmaps whatever is kept
        slot.deallocate()
    }

    /// A resident mapping of exactly `length` bytes kept by an allocator of `pageSize`, or nil:
    /// the caller maps and populates one. A kept mapping of another length or page size is
    /// unmapped first, so the pool never adds a second arena to a process's memory.
    func take(length: Int, pageSize: Int) -> UnsafeMutableRawPointer? {
        let kept = slot.withLock { value -> Mapping? in
            defer { value = nil }
            return value
        }
        guard let kept else { return nil }
        // Safe: a kept address came from give(), a live mapping no allocator uses.
        assert(kept.address != 0 && kept.length > 0, "ResidentArenaPool kept an empty mapping")
        let address = UnsafeMutableRawPointer(bitPattern: kept.address).unsafelyUnwrapped
        if kept.length == length && kept.pageSize == pageSize { return address }
        munmap(address, kept.length)
        return nil
    }

    /// Keeps `address` (a mapping of `length` bytes that no allocator uses any more, resident
    /// where an allocator of `pageSize` put its arena) for the next allocator, or unmaps it when
    /// one is kept already.
    func give(_ address: UnsafeMutableRawPointer, length: Int, pageSize: Int) {
        let kept = slot.withLock { value -> Bool in
            guard value == nil else { return false }
            value = Mapping(address: UInt(bitPattern: address), length: length, pageSize: pageSize)
            return true
        }
        if !kept { munmap(address, length) }
    }
}
