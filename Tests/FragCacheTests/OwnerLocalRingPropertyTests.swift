import PropertyBased
import Support
import Testing
@testable import FragCache

/// The owner-local cache on ring-shaped sequences, the shape its left set is for: `depth` live
/// fragments, the oldest freed after each allocation (by the owner, or by another thread:
/// atomic), drains at random points, and now and then a pfmemalloc page or a failed refill.
/// Rings of a few fragments stay on one page; rings of hundreds span more pages than the set
/// has slots (4 KiB max sizes), so reuse, eviction and the atomic path all occur. The same
/// driver as FragCachePropertyTests checks every step against the reference model: every
/// page's refcount == the references the cache holds + live fragments, the left set slot by
/// slot, no overlapping or overwritten fragment, and every page back at the end.
@Suite struct OwnerLocalRingPropertyTests {
    /// One ring: its depth, its fragment size (an index into `sizeSelectors`), the share of
    /// frees done by another thread (in 1/4), how often it drains (0: never) and injects.
    struct Ring {
        var depth: Int
        var size: Int
        var remoteQuarters: Int
        var drainEvery: Int
        var injectEvery: Int
        var operations: Int
        var seed: UInt64
    }

    /// Values of PropertyRun's `a` that it maps to 64, 256, 2048, 100 and 1000 bytes.
    static let sizeSelectors = [4, 20, 23, 5, 7]

    static let rings = zip(Gen.int(in: 1 ... 300), Gen.int(in: 0 ... 4), Gen.int(in: 0 ... 4),
                           Gen.int(in: 0 ... 3), Gen.int(in: 0 ... 3), Gen.int(in: 1 ... 1500))
        .map { Ring(depth: $0, size: $1, remoteQuarters: $2, drainEvery: [0, 0, 97, 1000][$3],
                    injectEvery: [0, 0, 53, 400][$4], operations: $5, seed: UInt64($0 * 7919 + $5)) }

    @Test func ringsMatchTheModel() async {
        await Self.check(OwnerLocalFragCache<RemainingLayout>.self, count: 60)
    }

    @Test func ringsMatchTheModelOffsetUp() async {
        await Self.check(OwnerLocalFragCache<OffsetUpLayout>.self, count: 20)
    }

    /// 16 and 256 slots: rings of up to 300 fragments fit in the set more often, so the oldest
    /// left page comes back whole and is reused; remote frees, drains and injections still
    /// leave stale tickets and pfmemalloc pages in the queue.
    @Test func ringsMatchTheModelLargerSets() async {
        await Self.check(OwnerLocalFragCache<RemainingLayout>.self, count: 20, leftSlots: 16)
        await Self.check(OwnerLocalFragCache<RemainingLayout>.self, count: 20, leftSlots: 256)
    }

    static func check<C: CacheUnderTest & ~Copyable>(_ type: C.Type, count: Int, leftSlots: Int = 8,
                                                      sourceLocation: SourceLocation = #_sourceLocation) async {
        let configs = configurations()
        var rings = 0
        var operations = 0
        await propertyCheck(count: count, input: Gen.int(in: 0 ... configs.count - 1), Self.rings) { index, ring in
            var run = PropertyRun<C>(config: configs[index], leftSlots: leftSlots)
            operations += run.run(steps(of: ring))
            rings += 1
        }
        #expect(rings == count, sourceLocation: sourceLocation)
        #expect(operations >= rings, sourceLocation: sourceLocation)
    }

    /// The ring as PropertyRun's steps: an allocation (kind 0, align 1), then, once `depth`
    /// fragments are live, a free of the oldest (kind 64 with a = 0 frees the first live
    /// fragment; b even: another thread's free, odd: the owner's).
    static func steps(of ring: Ring) -> [FragCachePropertyTests.Step] {
        var generator = SplitMix64(seed: ring.seed)
        var steps: [FragCachePropertyTests.Step] = []
        var live = 0
        for n in 1 ... ring.operations {
            steps.append((kind: 0, a: sizeSelectors[ring.size], b: 0))
            live += 1
            if live > ring.depth {
                let remote = Int.random(in: 0 ..< 4, using: &generator) < ring.remoteQuarters
                steps.append((kind: 64, a: 0, b: remote ? 0 : 1))
                live -= 1
            }
            if ring.drainEvery > 0 && n % ring.drainEvery == 0 {
                // kind 88: drain. The ring's fragments stay live: their frees then find no
                // page in the cache.
                steps.append((kind: 88, a: 0, b: 0))
            }
            if ring.injectEvery > 0 && n % ring.injectEvery == 0 {
                // kind 97: the next order-0 page is pfmemalloc; kind 92: the next request
                // fails (a = 1), so a max-order refill falls back to order 0.
                steps.append(Bool.random(using: &generator) ? (kind: 97, a: 1, b: 0) : (kind: 92, a: 1, b: 0))
            }
        }
        return steps
    }
}
