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

    /// The C twin keeps a destroyed resident arena's mapping for the next one of its size
    /// (cfragcache.c, as the model's `ResidentArenaPool`); here with a pool of the test's own.
    /// A marker byte at the base tells a reused mapping from a fresh one (which reads 0).
    @Test func theCTwinsKeptMappingIsReusedResidentAndNeverGoesToALazyArena() throws {
        var pool = cfrag_arena_pool(lock: pthread_mutex_t(), mapping: nil, length: 0)
        pthread_mutex_init(&pool.lock, nil)
        defer { cfrag_arena_pool_drain(&pool); pthread_mutex_destroy(&pool.lock) }
        let bytes = 4 << 20
        let osPage = Int(sysconf(Int32(_SC_PAGESIZE)))
        func resident(_ arena: UnsafeMutablePointer<cfrag_arena>) -> Int {
            Self.residentPages(UInt(arena.pointee.base), Int(arena.pointee.page_count) << Int(arena.pointee.page_shift))
        }
        func byte(_ arena: UnsafeMutablePointer<cfrag_arena>) -> UnsafeMutablePointer<UInt8> {
            UnsafeMutablePointer<UInt8>(bitPattern: UInt(arena.pointee.base))!
        }
        let lazy0 = try #require(cfrag_arena_create_in(4096, bytes, 1, &pool))
        byte(lazy0).pointee = 0x5A
        cfrag_arena_destroy(lazy0)
        let a = try #require(cfrag_arena_create_in(4096, bytes, 0, &pool))
        #expect(byte(a).pointee == 0, "a lazy mapping was never kept")
        #expect(resident(a) == bytes / osPage)
        let b = try #require(cfrag_arena_create_in(4096, bytes, 0, &pool))
        #expect(a.pointee.mapping != b.pointee.mapping)
        byte(a).pointee = 0xA5
        byte(b).pointee = 0xA5
        cfrag_arena_destroy(a)
        cfrag_arena_destroy(b)
        let again = try #require(cfrag_arena_create_in(4096, bytes, 0, &pool))
        #expect(byte(again).pointee == 0xA5, "the kept mapping was reused, not a fresh one populated")
        #expect(resident(again) == bytes / osPage)
        cfrag_arena_destroy(again)
        let lazy = try #require(cfrag_arena_create_in(4096, bytes, 1, &pool))
        #expect(byte(lazy).pointee == 0, "a kept resident mapping is not handed to a lazy arena")
        cfrag_arena_destroy(lazy)
    }
}
