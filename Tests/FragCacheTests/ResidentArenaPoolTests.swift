import Glibc
import Testing
@testable import FragCache

/// `ResidentArenaPool`: one populated mapping kept between page allocators of one size, so a
/// run's points do not each populate 256 MiB; never a lazy mapping handed out as resident, and
/// never a second arena held.
@Suite struct ResidentArenaPoolTests {
    static let osPage = Int(sysconf(Int32(_SC_PAGESIZE)))

    static func map(_ pages: Int) throws -> UnsafeMutableRawPointer {
        let p = try #require(mmap(nil, pages * osPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        try #require(p != MAP_FAILED)
        return p
    }

    /// Whether [p, p + pages) is mapped: mincore fails with ENOMEM on an unmapped range.
    static func isMapped(_ p: UnsafeMutableRawPointer, _ pages: Int) -> Bool {
        var vector = [UInt8](repeating: 0, count: pages)
        return vector.withUnsafeMutableBufferPointer { mincore(p, pages * osPage, $0.baseAddress) } == 0
    }

    @Test func aKeptMappingGoesToTheNextTakerOfItsLengthOnly() throws {
        let pool = ResidentArenaPool()
        #expect(pool.take(length: 4 * Self.osPage, pageSize: 4096) == nil, "nothing kept yet")
        let a = try Self.map(4)
        pool.give(a, length: 4 * Self.osPage, pageSize: 4096)
        #expect(pool.take(length: 4 * Self.osPage, pageSize: 4096) == a)
        #expect(pool.take(length: 4 * Self.osPage, pageSize: 4096) == nil, "handed out once")
        // Another length: the kept one is unmapped, not held beside a new arena.
        pool.give(a, length: 4 * Self.osPage, pageSize: 4096)
        #expect(pool.take(length: 8 * Self.osPage, pageSize: 4096) == nil)
        #expect(!Self.isMapped(a, 4))
        #expect(pool.take(length: 4 * Self.osPage, pageSize: 4096) == nil)
    }

    @Test func aSecondMappingGivenIsUnmappedAndThePoolsOwnAtItsEnd() throws {
        let a = try Self.map(2), b = try Self.map(2)
        do {
            let pool = ResidentArenaPool()
            pool.give(a, length: 2 * Self.osPage, pageSize: 4096)
            pool.give(b, length: 2 * Self.osPage, pageSize: 4096)
            #expect(!Self.isMapped(b, 2), "one kept at most")
            #expect(Self.isMapped(a, 2))
        }
        #expect(!Self.isMapped(a, 2), "a pool that ends unmaps what it kept")
    }

    /// Through the page allocator, with a pool of the test's own. A marker byte written at an
    /// arena's base tells a reused mapping from a fresh one (which reads 0): a resident arena
    /// reuses the mapping its predecessor kept and is all resident; a lazy mapping is never
    /// kept, and a kept one never handed to a lazy arena; two live allocators never share one.
    @Test func residentStaysResidentAndLazyStaysLazy() throws {
        let pool = ResidentArenaPool()
        let bytes = 4 << 20
        func byte(_ a: PageAllocator) -> UnsafeMutablePointer<UInt8> {
            UnsafeMutablePointer<UInt8>(bitPattern: a.arena.base)!
        }
        func make(prefault: Bool) throws -> PageAllocator {
            try PageAllocator(pageSize: 4096, arenaBytes: bytes, prefault: prefault, pool: pool)
        }
        do {
            let lazy = try make(prefault: false)
            byte(lazy).pointee = 0x5A
        }
        do {
            let resident = try make(prefault: true)
            #expect(byte(resident).pointee == 0, "a lazy mapping was never kept")
            #expect(Self.residentPages(resident) == bytes / Self.osPage)
            let other = try make(prefault: true)
            #expect(other.arena.base != resident.arena.base)
            byte(resident).pointee = 0xA5
            byte(other).pointee = 0xA5
        }
        do {
            let again = try make(prefault: true)
            #expect(byte(again).pointee == 0xA5, "the kept mapping was reused, not a fresh one populated")
            #expect(Self.residentPages(again) == bytes / Self.osPage)
        }
        let lazy = try make(prefault: false)
        #expect(byte(lazy).pointee == 0, "a kept resident mapping is not handed to a lazy arena")
        #expect(Self.residentPages(lazy) <= 1)
    }

    /// Two geometries, one mapping length: 16 MiB of 4 KiB pages and 4 MiB of 16 KiB pages
    /// both map 20 MiB (the arena and one largest block for alignment), but the second
    /// populates only its own 4 MiB, at another offset. The first must still be all resident.
    /// (Under the slow ASan run a 4 KiB-page arena came back 1024 of 4096 pages resident: a
    /// 16 KiB-page allocator had kept the mapping just before.) The pool also says why at the
    /// level of its own calls.
    @Test func aKeptMappingOfAnotherPageSizeIsNotHandedOut() throws {
        let pool = ResidentArenaPool()
        do {
            let small = try PageAllocator(pageSize: 16384, arenaBytes: 4 << 20, prefault: true, pool: pool)
            #expect(Self.residentPages(small) == (4 << 20) / Self.osPage)
        }
        let large = try PageAllocator(pageSize: 4096, arenaBytes: 16 << 20, prefault: true, pool: pool)
        #expect(Self.residentPages(large) == (16 << 20) / Self.osPage)
        let a = try Self.map(4)
        let other = ResidentArenaPool()
        other.give(a, length: 4 * Self.osPage, pageSize: 16384)
        #expect(other.take(length: 4 * Self.osPage, pageSize: 4096) == nil)
        #expect(!Self.isMapped(a, 4), "a mapping of another geometry is unmapped, not kept beside a new arena")
    }

    static func residentPages(_ allocator: PageAllocator) -> Int {
        let bytes = allocator.pageCount * allocator.pageSize
        var vector = [UInt8](repeating: 0, count: bytes / osPage)
        let rc = vector.withUnsafeMutableBufferPointer {
            mincore(UnsafeMutableRawPointer(bitPattern: allocator.arena.base), bytes, $0.baseAddress)
        }
        #expect(rc == 0)
        return vector.filter { $0 & 1 != 0 }.count
    }
}
