import Testing
@testable import FragCache

/// Each kernel version port against the lab's layout that keeps the same placement rules:
/// v6.12 against offset-down, v6.13 and Part-2 against offset-up, the seed (before and after
/// 08/14) against remaining. The ports differ from the layouts in code shape, not in what they
/// hand out, so a long random sequence of allocations, frees and drains must give the same
/// fragments (page and offset), the same failures and the same page references.
///
/// Sizes stay within the page size: above it the kernel versions part from the lab's model
/// and from each other (KernelPortTests.oversizeRequests says how), which is the point of
/// porting them.
@Suite struct KernelPortAgreementTests {
    /// A step of the random sequence.
    enum Step { case alloc(Int, align: Int), free(Int), drain }

    static func steps(seed: UInt64, count: Int) -> [Step] {
        var state = seed
        func next() -> UInt64 {
            // A 64-bit LCG (Knuth's MMIX constants): deterministic and enough to vary the steps.
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let aligns = [1, 1, 1, 8, 64, 256, 4096]
        var result: [Step] = []
        for _ in 0 ..< count {
            let roll = next() % 100
            if roll < 60 {
                // Mostly small, sometimes up to a page.
                let size = roll < 50 ? Int(next() % 300) + 1 : Int(next() % 4096) + 1
                result.append(.alloc(size, align: aligns[Int(next() % UInt64(aligns.count))]))
            } else if roll < 98 {
                result.append(.free(Int(next() % 1000)))
            } else {
                result.append(.drain)
            }
        }
        return result
    }

    /// What one side did: per step, the fragment's (page index, offset) or nil, then the
    /// references of every page still held at the end.
    struct Trace: Equatable {
        var fragments: [String] = []
        var pagesInUse = 0

        /// The first step where two traces part, for a readable failure (nil: equal).
        func difference(from other: Trace) -> String? {
            for (i, (a, b)) in zip(fragments, other.fragments).enumerated() where a != b {
                return "step \(i): \(a) against \(b) (before it: \(fragments[max(0, i - 3) ..< i]))"
            }
            if fragments.count != other.fragments.count { return "\(fragments.count) steps against \(other.fragments.count)" }
            if pagesInUse != other.pagesInUse { return "\(pagesInUse) pages in use at the end against \(other.pagesInUse)" }
            return nil
        }
    }

    static func run<P: KernelPageFragPort>(_: P.Type, _ steps: [Step], config: FragCacheConfig,
                                           inject: (PageAllocator) -> Void = { _ in }) -> Trace {
        let allocator = makeAllocator(for: config, blocks: 256)
        inject(allocator)
        var cache = P(allocator: allocator, config: config, gfp: .atomic)
        return record(steps, allocator: allocator, alloc: { size, align in
            align == 1 ? cache.alloc(size) : cache.alloc(size, align: align)
        }, free: { cache.free($0) }, drain: { _ = cache.drain() })
    }

    static func run<L: FragLayout>(layout _: L.Type, _ steps: [Step], config: FragCacheConfig,
                                   inject: (PageAllocator) -> Void = { _ in }) -> Trace {
        let allocator = makeAllocator(for: config, blocks: 256)
        inject(allocator)
        var cache = PageFragCache<L>(allocator: allocator, config: config, gfp: .atomic)
        let trace = record(steps, allocator: allocator, alloc: { size, align in
            cache.allocVA(size, align: align)
        }, free: { cache.free($0) }, drain: { cache.drain() })
        return trace
    }

    static func record(_ steps: [Step], allocator: PageAllocator,
                       alloc: (Int, Int) -> UnsafeMutableRawPointer?,
                       free: (UnsafeMutableRawPointer) -> Void, drain: () -> Void) -> Trace {
        var trace = Trace()
        var live: [UnsafeMutableRawPointer] = []
        let arena = allocator.arena
        for step in steps {
            switch step {
            case .alloc(let size, let align):
                if let p = alloc(size, align) {
                    let page = arena.headPage(of: p)
                    trace.fragments.append("\(page.index)+\(offset(of: p, in: arena)) refs=\(arena.refcount(of: page))")
                    live.append(p)
                } else {
                    trace.fragments.append("nil")
                }
            case .free(let pick):
                guard !live.isEmpty else { continue }
                free(live.remove(at: pick % live.count))
            case .drain:
                drain()
                trace.fragments.append("drain in-use=\(allocator.stats.pagesInUse)")
            }
        }
        for p in live { free(p) }
        drain()
        trace.pagesInUse = allocator.stats.pagesInUse
        return trace
    }

    static let configs = [try! FragCacheConfig(maxSize: 32768), try! FragCacheConfig(maxSize: 4096),
                          try! FragCacheConfig(maxSize: 131072)]

    @Test(arguments: [1, 2, 3, 4])
    func v6_12PlacesAsOffsetDown(seed: UInt64) {
        for config in Self.configs {
            let steps = Self.steps(seed: seed, count: 3000)
            let port = Self.run(PageFragV6_12.self, steps, config: config)
            #expect(port.difference(from: Self.run(layout: OffsetDownLayout.self, steps, config: config)) == nil, "\(config)")
            #expect(port.pagesInUse == 0)
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func v6_13AndPart2PlaceAsOffsetUp(seed: UInt64) {
        for config in Self.configs {
            let steps = Self.steps(seed: seed, count: 3000)
            let reference = Self.run(layout: OffsetUpLayout.self, steps, config: config)
            #expect(Self.run(PageFragV6_13.self, steps, config: config).difference(from: reference) == nil, "\(config)")
            #expect(Self.run(PageFragPart2V2.self, steps, config: config).difference(from: reference) == nil, "\(config)")
            #expect(reference.pagesInUse == 0)
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func theSeedPlacesAsRemaining(seed: UInt64) {
        for config in Self.configs {
            let steps = Self.steps(seed: seed, count: 3000)
            let reference = Self.run(layout: RemainingLayout.self, steps, config: config)
            #expect(Self.run(PageFragRFCv11Pre08.self, steps, config: config).difference(from: reference) == nil, "\(config)")
            #expect(Self.run(PageFragRFCv11.self, steps, config: config).difference(from: reference) == nil, "\(config)")
        }
    }

    /// Failed high-order requests (fallback to order 0), failed refills and pfmemalloc pages
    /// take the same turns in the ports as in the layouts.
    @Test(arguments: [5, 6])
    func injectedFailuresAgree(seed: UInt64) {
        let config = try! FragCacheConfig(maxSize: 32768)
        let steps = Self.steps(seed: seed, count: 2000)
        let inject: (PageAllocator) -> Void = { allocator in
            allocator.failNextHighOrder(3)
            allocator.pfmemallocNext(2)
        }
        let down = Self.run(layout: OffsetDownLayout.self, steps, config: config, inject: inject)
        #expect(Self.run(PageFragV6_12.self, steps, config: config, inject: inject).difference(from: down) == nil)
        let up = Self.run(layout: OffsetUpLayout.self, steps, config: config, inject: inject)
        #expect(Self.run(PageFragV6_13.self, steps, config: config, inject: inject).difference(from: up) == nil)
        #expect(Self.run(PageFragPart2V2.self, steps, config: config, inject: inject).difference(from: up) == nil)
        let remaining = Self.run(layout: RemainingLayout.self, steps, config: config, inject: inject)
        #expect(Self.run(PageFragRFCv11Pre08.self, steps, config: config, inject: inject).difference(from: remaining) == nil)
        #expect(Self.run(PageFragRFCv11.self, steps, config: config, inject: inject).difference(from: remaining) == nil)
    }
}
