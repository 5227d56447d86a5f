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
    struct Mapping: Sendable {
        let address: UInt
        let length: Int
    }

    /// The kept mapping, if any.
    private let slot = SpinLock<Mapping?>(nil)

    /// A test's own pool (the shared one lives as long as the process).
    init() {}

    deinit {
        _ = take(length: -1)  // no mapping has that length: unmaps whatever is kept
        slot.deallocate()
    }

    /// A resident mapping of exactly `length` bytes, or nil: the caller maps and populates one.
    /// A kept mapping of another length is unmapped first, so the pool never adds a second
    /// arena to a process's memory.
    func take(length: Int) -> UnsafeMutableRawPointer? {
        let kept = slot.withLock { value -> Mapping? in
            defer { value = nil }
            return value
        }
        guard let kept else { return nil }
        // Safe: a kept address came from give(), a live mapping no allocator uses.
        assert(kept.address != 0 && kept.length > 0, "ResidentArenaPool kept an empty mapping")
        let address = UnsafeMutableRawPointer(bitPattern: kept.address).unsafelyUnwrapped
        if kept.length == length { return address }
        munmap(address, kept.length)
        return nil
    }

    /// Keeps `address` (a resident mapping of `length` bytes that no allocator uses any more)
    /// for the next allocator, or unmaps it when one is kept already.
    func give(_ address: UnsafeMutableRawPointer, length: Int) {
        let kept = slot.withLock { value -> Bool in
            guard value == nil else { return false }
            value = Mapping(address: UInt(bitPattern: address), length: length)
            return true
        }
        if !kept { munmap(address, length) }
    }
}
