import Testing
@testable import Measure

/// A callgrind output in the shape `--dump-instr=yes --separate-callers=N` writes: compressed
/// names, contexts joined by "'", relative and repeated positions, a call's inclusive cost.
@Suite struct CallgrindCostsTests {
    static let text = """
        # callgrind format
        version: 1
        positions: instr line
        events: Ir Dr Dw
        summary: 0

        ob=(1) /tmp/s/fragbench-nodebug
        fl=(1) ???
        fn=(1) alloc'loop'main
        0x1000 0 3 1
        +2 0 2
        * 0 1
        cfn=(2) refill'alloc'loop'main
        calls=1 0x2000 0
        +4 0 500 9
        +1 0 4
        fn=(2)
        0x2000 0 400
        +8 0 100
        fn=(3) loop'2'main
        0x3000 0 7
        ob=(2) /usr/lib/libc.so.6
        fn=(4) memset'main
        0x50 0 1
        totals: 518 1
        """

    @Test func exclusiveCostsPerContextAndAddressSumToTheTotal() throws {
        let costs = try CallgrindCosts.parse(Self.text).get()
        #expect(costs.totalInstructions == 518)
        #expect(costs.sum == 518)
        // The call's line (500: refill's 400 + 100) is inclusive and skipped; `*` repeats 0x1002.
        #expect(costs.costs.map(\.instructions) == [3, 3, 4, 400, 100, 7, 1])
        #expect(costs.costs.map(\.address) == [0x1000, 0x1002, 0x1007, 0x2000, 0x2008, 0x3000, 0x50])
        #expect(costs.costs[0].stack == ["main", "loop", "alloc"])
        #expect(costs.costs[3].stack == ["main", "loop", "alloc", "refill"])
        #expect(costs.costs[5].stack == ["main", "loop"], "the recursion marker is dropped")
        #expect(costs.costs[6].object == "/usr/lib/libc.so.6")
    }

    @Test func missingHeadersAreErrors() {
        #expect(CallgrindCosts.parse("fn=a\n0x1 0 3\n") == .failure(.missingEvents))
        #expect(CallgrindCosts.parse("events: Ir\npositions: instr line\nfn=a\n0x1 0 3\n") == .failure(.missingTotals))
        #expect(CallgrindCosts.parse("events: Ir\npositions: instr line\nfn=a\n0x1 0 x\ntotals: 3\n") == .failure(.badNumber("0x1 0 x")))
    }
}
