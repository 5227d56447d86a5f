import Foundation
import Testing
@testable import FragCache
@testable import Workloads

@Suite struct ReplayWorkloadTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("FragReplayTests/Golden")

    func replay(_ trace: String, _ adjust: (inout WorkloadParameters) -> Void = { _ in }) throws -> ReplayWorkload {
        let path = try temporaryFile(trace, suffix: ".trace")
        return try ReplayWorkload(parameters(.replay) { $0.tracePath = path; adjust(&$0) })
    }

    @Test func replaysASmallTraceRepeatedly() throws {
        let workload = try replay("""
            alloc a 64
            alloc b 100 align=64
            prepare 200
            commit c 150
            commit_noref 20
            free a
            free c
            drain
            free b
            """)
        #expect(workload.traceLength == 9)
        #expect(workload.linesRun == 9)  // the rehearsal pass
        for ops in [1, 4, 9, 100, 1_000] { workload.runBatch(ops) }
        #expect(workload.linesRun == 9 + 1_114)
        #expect(workload.nullResults == 0)
        let figures = workload.figures()
        // Per pass: 3 fragments (a, b, c) and 64 + 100 + 150 + 20 bytes. 1123 lines = 124
        // passes and 7 lines, which include all three fragments.
        #expect(figures.allocations == 125 * 3)
        #expect(figures.bytesHandedOut == 125 * 334)
        #expect(figures.refills == 125)  // each pass starts empty: one refill, no reuse
        #expect(workload.tearDown() == nil)
        #expect(pagesInUse(workload.allocator) == 0)
    }

    @Test func leftoversAreFreedBetweenPasses() throws {
        // Leaves three fragments live and a page in the cache: the reset must return every page.
        let workload = try replay("alloc a 4000\nalloc b 4000\nalloc c 3000\nprepare 10\ncommit d 10\nabort d\n")
        workload.runBatch(6 * 1_000)
        #expect(workload.nullResults == 0)
        #expect(pagesInUse(workload.allocator) == 0)
        let figures = workload.figures()
        #expect(figures.allocations == 1_001 * 3)
        #expect(workload.tearDown() == nil)
    }

    @Test func injectionsArmTheAllocator() throws {
        let trace = """
            fail any 2
            alloc a 64
            probe 10
            fail any 1
            alloc b 64
            pfmemalloc 1
            drain
            free b
            """
        let workload = try replay(trace)
        #expect(workload.nullResults == 2)  // a and the probe
        workload.runBatch(8 * 50)
        #expect(workload.nullResults == 2 * 51)
        let figures = workload.figures()
        #expect(figures.allocations == 51)
        #expect(figures.fallbacks == 51)
        #expect(workload.tearDown() == nil)
    }

    @Test func theTracesConfigWins() throws {
        let workload = try replay("config page_size=16384\nalloc a 16384\nfree a\n") { $0.arenaBytes = 4 << 20 }
        #expect(workload.parameters.config == (try FragCacheConfig(pageSize: 16384, maxSize: 32768)))
        workload.runBatch(100)
        #expect(workload.tearDown() == nil)
    }

    @Test(arguments: [
        ("alloc a 64\nfree a\nfree b\n", "trace line 3: unknown fragment 'b'"),
        ("# c\nalloc a 64\nallocate b 64\n", "trace line 3: unknown operation 'allocate'"),
        ("alloc a 64\nfree a\nfree a\n", "trace line 3: fragment 'a' is freed twice"),
        ("alloc a 64\ncommit b 10\n", "trace line 2: commit without a prepared area (prepare or probe first)"),
        ("config page_size=8192\n", "trace line 1: config: page size 8192 is not one of 4096, 16384, 65536"),
        ("alloc a 64\nconfig page_size=4096\n", "trace line 2: config must be the first operation"),
        ("# only a comment\n\n", "has no operations"),
    ])
    func rejectsABadTraceWithItsLine(trace: String, message: String) throws {
        let path = try temporaryFile(trace, suffix: ".trace")
        let error = invalidMessage { _ = try ReplayWorkload(parameters(.replay) { $0.tracePath = path }) }
        #expect(error?.contains(message) == true, "\(error ?? "no error")")
    }

    @Test func rejectsAMissingFile() {
        #expect(invalidMessage { _ = try ReplayWorkload(parameters(.replay) { $0.tracePath = "/nonexistent/t.trace" }) }
            == "trace file /nonexistent/t.trace: No such file or directory")
    }

    /// Every golden trace of the replay tests: the good ones run as a workload, the bad ones are
    /// refused at the line `fragbench replay` names.
    @Test func goldenTraces() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.golden.path)
            .filter { $0.hasSuffix(".trace") }.sorted()
        #expect(names.count >= 20)
        for name in names {
            let path = Self.golden.appendingPathComponent(name).path
            let errPath = path.replacingOccurrences(of: ".trace", with: ".err")
            let p = parameters(.replay) { $0.tracePath = path; $0.arenaBytes = 64 << 20 }
            if let expected = try? String(contentsOfFile: errPath, encoding: .utf8) {
                let message = invalidMessage { _ = try ReplayWorkload(p) }
                let wanted = expected.trimmingCharacters(in: .newlines).replacingOccurrences(of: "error line", with: "trace line")
                #expect(message == wanted, "\(name)")
            } else {
                let workload = try ReplayWorkload(p)
                workload.runBatch(workload.traceLength * 3 + 1)
                #expect(workload.tearDown() == nil, "\(name)")
            }
        }
    }
}
