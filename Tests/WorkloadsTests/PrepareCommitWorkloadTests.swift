import Testing
@testable import FragCache
@testable import Workloads

@Suite struct PrepareCommitWorkloadTests {
    /// Runs `messages` messages in a few batches with the content audit on, then tears down.
    func run(_ p: WorkloadParameters, messages: Int) throws -> (CacheFigures, ContentAudit, PrepareCommitWorkload) {
        let workload = try PrepareCommitWorkload(p)
        workload.audit = ContentAudit(depth: p.depth)
        var left = messages
        for batch in [1, 99, 900, messages] where left > 0 {
            let ops = min(batch, left)
            workload.runBatch(ops)
            left -= ops
        }
        let figures = workload.figures()
        #expect(workload.tearDown() == nil)
        #expect(pagesInUse(workload.allocator) == 0)
        return (figures, try #require(workload.audit), workload)
    }

    /// The same writer over Part-2's prepare/commit and over the socket page_frag it was to
    /// replace: every byte survives until its fragment is freed, coalescing works, nothing
    /// leaks, and the seed, Part-2 and the socket scheme hand out the same fragments (they
    /// place bytes the same way: count up from 0, reuse a page that came back whole).
    @Test(arguments: [64, 700])
    func part2AndTheSocketPageFragWriteWhatTheSeedWrites(fragsz: Int) throws {
        let p = parameters(.prepareCommit) { $0.fragsz = fragsz; $0.depth = 32 }
        func run<C: SendmsgCache & ~Copyable>(_: C.Type) throws -> (CacheFigures, ContentAudit) {
            let workload = try PrepareCommitRunner<C>(p)
            workload.audit = ContentAudit(depth: p.depth)
            for ops in [1, 99, 900, 3_000] { workload.runBatch(ops) }
            let figures = workload.figures()
            #expect(workload.tearDown() == nil)
            #expect(pagesInUse(workload.allocator) == 0)
            return (figures, try #require(workload.audit))
        }
        let (seed, seedAudit) = try run(FragCache.self)
        for (figures, audit) in [try run(Part2Sendmsg.self), try run(SkPageFrag.self)] {
            #expect(audit.bytesChecked == figures.bytesHandedOut)
            #expect(figures.bytesHandedOut == seed.bytesHandedOut)
            #expect(audit.extensions == seedAudit.extensions)
            #expect(figures.allocations == seed.allocations)
        }
    }

    @Test func theSocketPageFragRunsPrepareCommitOnly() throws {
        var p = parameters(.prepareCommit) { $0.variant = .skPageFrag }
        #expect(p.notApplicableReason == nil)
        p.kind = .allocOnly
        #expect(p.notApplicableReason?.contains("prepare-commit only") == true)
        p = parameters(.prepareCommit) { $0.variant = .skPageFrag; $0.align = 64 }
        #expect(p.notApplicableReason?.contains("no alignment") == true)
        p = parameters(.prepareCommit) { $0.variant = .offsetUp }
        #expect(p.notApplicableReason?.contains("sk-page-frag") == true)
        #expect(try makeWorkload(parameters(.prepareCommit) { $0.variant = .part2V2 }) is PrepareCommitRunner<Part2Sendmsg>)
    }

    @Test func smallMessagesCoalesce() throws {
        let p = parameters(.prepareCommit) { $0.fragsz = 64; $0.depth = 32 }
        let (figures, audit, workload) = try run(p, messages: 5_000)
        // Sizes 1...128: consecutive messages extend the same fragment until the page is full.
        #expect(audit.extensions > 4_000)
        #expect(figures.allocations < 5_000 / 10)
        #expect(figures.allocations == workload.writer.commits)
        // Every byte of every message was copied: bytes handed out are the message sizes.
        #expect(figures.bytesHandedOut == workload.table.bytes(ofFirst: 5_000))
        #expect(audit.bytesChecked == figures.bytesHandedOut)
        // No alignment, so the only waste is page tails too short to matter.
        #expect(figures.bytesConsumed - figures.bytesHandedOut < figures.refills * 32)
    }

    /// refills/1k op counts per message (the operation ns/op counts), not per fragment: with
    /// coalescing there is about one fragment per refill, so per fragment it would read ~1000.
    @Test func refillsArePerThousandMessages() throws {
        let p = parameters(.prepareCommit) { $0.fragsz = 64; $0.depth = 32 }
        let (figures, _, _) = try run(p, messages: 5_000)
        #expect(figures.operations == 5_000)
        let perKiloOp = try #require(figures.refillsPerKiloOp)
        #expect(perKiloOp == Double(figures.refills) * 1000 / 5_000)
        #expect(perKiloOp < 100, "64 B messages on 32 KiB pages: a refill every few hundred messages")
        #expect(Double(figures.refills) * 1000 / Double(figures.allocations) > 500, "per fragment it would be near 1000")
    }

    @Test func copiedBytesSurviveUntilFreed() throws {
        for (fragsz, depth, align) in [(64, 8, 1), (700, 64, 1), (1500, 16, 64), (40_000, 4, 1)] {
            let p = parameters(.prepareCommit) { $0.fragsz = fragsz; $0.depth = depth; $0.align = align }
            let (figures, audit, _) = try run(p, messages: 2_000)
            #expect(audit.fragmentsChecked == figures.allocations)
            #expect(audit.mismatches == 0, "fragsz \(fragsz) depth \(depth) align \(align)")
            #expect(audit.bytesChecked == figures.bytesHandedOut)
        }
    }

    @Test func largeMessagesSpanPages() throws {
        // Messages of up to 80000 bytes need several 32 KiB pages each: more commits than messages.
        let p = parameters(.prepareCommit) { $0.fragsz = 40_000; $0.depth = 8 }
        let (figures, _, _) = try run(p, messages: 500)
        #expect(figures.allocations > 500)
        #expect(figures.refillFailures == 0)
    }

    @Test func alignedChunksStartAligned() throws {
        let p = parameters(.prepareCommit) { $0.fragsz = 100; $0.depth = 64; $0.align = 64 }
        let workload = try PrepareCommitWorkload(p)
        workload.runBatch(3_000)
        for slot in 0 ..< 64 {
            let fragment = try #require(workload.ring[slot])
            #expect(UInt(bitPattern: fragment) % 64 == 0)
        }
        #expect(workload.tearDown() == nil)
    }

    @Test func sameSeedSameWork() throws {
        let p = parameters(.prepareCommit) { $0.fragsz = 300; $0.depth = 16 }
        let a = try PrepareCommitWorkload(p)
        let b = try PrepareCommitWorkload(p)
        a.runBatch(1_000)
        b.runBatch(1_000)
        #expect(a.figures() == b.figures())
        #expect(a.tearDown() == nil)
        #expect(b.tearDown() == nil)
    }
}
