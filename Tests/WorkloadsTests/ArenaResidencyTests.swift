import CFragCacheC
import Glibc
import Testing
@testable import FragCache
@testable import Workloads

/// `WorkloadParameters.lazyArena`: a pair worker's arena faults in as it is touched; every
/// other arena is resident from set-up, as kernel memory is. Checked with mincore(2), on the
/// Swift model's page allocator and the C twin's.
@Suite struct ArenaResidencyTests {
    static func point(lazy: Bool?, impl: Implementation = .swift) throws -> WorkloadParameters {
        var p = WorkloadParameters(kind: .allocFree, config: try FragCacheConfig(pageSize: 4096, maxSize: 32768),
                                   arenaBytes: 16 << 20)
        p.impl = impl
        p.lazyArena = lazy
        return p
    }

    /// Resident OS pages of `bytes` bytes at `base`.
    static func residentPages(_ base: UInt, _ bytes: Int) -> Int {
        let osPage = Int(sysconf(Int32(_SC_PAGESIZE)))
        var vector = [UInt8](repeating: 0, count: bytes / osPage)
        let rc = vector.withUnsafeMutableBufferPointer {
            mincore(UnsafeMutableRawPointer(bitPattern: base), bytes, $0.baseAddress)
        }
        #expect(rc == 0)
        return vector.filter { $0 & 1 != 0 }.count
    }

    @Test(arguments: [nil, false, true] as [Bool?])
    func theModelsArenaIsResidentUnlessLazy(lazy: Bool?) throws {
        let allocator = try makeAllocator(try Self.point(lazy: lazy))
        let bytes = allocator.arena.pageCount * allocator.pageSize
        let resident = Self.residentPages(allocator.arena.base, bytes)
        if lazy == true {
            #expect(resident == 0)
            // A touched page faults in and stays (the arena goes with the allocator).
            let page = try #require(allocator.allocPages(order: 0, gfp: []))
            let address = try #require(UnsafeMutableRawPointer(bitPattern: allocator.arena.address(of: page)))
            address.storeBytes(of: 1, as: UInt8.self)
            #expect(Self.residentPages(allocator.arena.base, bytes) == 1)
        } else {
            #expect(resident == bytes / Int(sysconf(Int32(_SC_PAGESIZE))))
        }
    }

    @Test(arguments: [nil, true] as [Bool?])
    func theCTwinsArenaIsResidentUnlessLazy(lazy: Bool?) throws {
        var allocator = try CFragAllocator.make(try Self.point(lazy: lazy, impl: .c))
        let arena = allocator.arena.pointee
        let bytes = Int(arena.page_count) << Int(arena.page_shift)
        let resident = Self.residentPages(UInt(arena.base), bytes)
        #expect(lazy == true ? resident == 0 : resident == bytes / Int(sysconf(Int32(_SC_PAGESIZE))))
        _ = allocator.tearDown()
    }
}
