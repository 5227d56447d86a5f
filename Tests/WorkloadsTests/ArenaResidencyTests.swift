import CFragCacheC
import Foundation
import Glibc
import Testing
@testable import FragCache
@testable import Workloads

/// Every workload's arena is resident from set-up, as kernel memory is, whoever asks: builds
/// 31b5048 to 66f968e asked their pair workers for lazy arenas (`lazyArena` in the point's
/// spec), which moved what memory-bound points measure (docs/noise.md), so the key is ignored.
/// Checked with mincore(2), on the Swift model's page allocator and the C twin's.
@Suite struct ArenaResidencyTests {
    static func point(impl: Implementation = .swift, askingLazy: Bool = false) throws -> WorkloadParameters {
        var p = WorkloadParameters(kind: .allocFree, config: try FragCacheConfig(pageSize: 4096, maxSize: 32768),
                                   arenaBytes: 16 << 20)
        p.impl = impl
        guard askingLazy else { return p }
        // What an older controller sent: the point with `"lazyArena": true` in it.
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(p)) as? [String: Any])
        object["lazyArena"] = true
        return try JSONDecoder().decode(WorkloadParameters.self, from: JSONSerialization.data(withJSONObject: object))
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

    @Test(arguments: [false, true])
    func theModelsArenaIsResident(askingLazy: Bool) throws {
        let allocator = try makeAllocator(try Self.point(askingLazy: askingLazy))
        let bytes = allocator.arena.pageCount * allocator.pageSize
        #expect(Self.residentPages(allocator.arena.base, bytes) == bytes / Int(sysconf(Int32(_SC_PAGESIZE))))
    }

    @Test(arguments: [false, true])
    func theCTwinsArenaIsResident(askingLazy: Bool) throws {
        var allocator = try CFragAllocator.make(try Self.point(impl: .c, askingLazy: askingLazy))
        let arena = allocator.arena.pointee
        let bytes = Int(arena.page_count) << Int(arena.page_shift)
        #expect(Self.residentPages(UInt(arena.base), bytes) == bytes / Int(sysconf(Int32(_SC_PAGESIZE))))
        _ = allocator.tearDown()
    }

    /// As the model's (ResidentArenaPoolTests): 4 MiB of 16 KiB pages and 16 MiB of 4 KiB pages
    /// map the same length, the first populated only where its own arena lay; the second must
    /// be all resident where its own lies.
    @Test func theCTwinsKeptMappingOfAnotherPageSizeIsNotReused() throws {
        var pool = cfrag_arena_pool(lock: pthread_mutex_t(), mapping: nil, length: 0, page_size: 0)
        pthread_mutex_init(&pool.lock, nil)
        defer { cfrag_arena_pool_drain(&pool); pthread_mutex_destroy(&pool.lock) }
        let small = try #require(cfrag_arena_create_in(16384, 4 << 20, 0, &pool))
        cfrag_arena_destroy(small)
        let large = try #require(cfrag_arena_create_in(4096, 16 << 20, 0, &pool))
        defer { cfrag_arena_destroy(large) }
        #expect(Self.residentPages(UInt(large.pointee.base), 16 << 20) == (16 << 20) / Int(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// The C twin keeps a destroyed resident arena's mapping for the next one of its size
    /// (cfragcache.c, as the model's `ResidentArenaPool`); here with a pool of the test's own.
    /// A marker byte at the base tells a reused mapping from a fresh one (which reads 0).
    @Test func theCTwinsKeptMappingIsReusedResidentAndNeverGoesToALazyArena() throws {
        var pool = cfrag_arena_pool(lock: pthread_mutex_t(), mapping: nil, length: 0, page_size: 0)
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
