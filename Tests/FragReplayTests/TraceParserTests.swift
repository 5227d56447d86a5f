import Testing
@testable import FragReplay

@Suite struct TraceParserTests {
    @Test func parsesEveryOperation() throws {
        #expect(try TraceParser.parse("alloc a 64") == .alloc(name: "a", size: 64, align: 1))
        #expect(try TraceParser.parse("alloc b 100 align=64") == .alloc(name: "b", size: 100, align: 64))
        #expect(try TraceParser.parse("prepare 10 align=8") == .prepare(size: 10, align: 8))
        #expect(try TraceParser.parse("probe 10") == .probe(size: 10, align: 1))
        #expect(try TraceParser.parse("commit x 5") == .commit(name: "x", size: 5))
        #expect(try TraceParser.parse("commit_noref 0") == .commitNoref(size: 0))
        #expect(try TraceParser.parse("abort x") == .abort(name: "x"))
        #expect(try TraceParser.parse("free x") == .free(name: "x"))
        #expect(try TraceParser.parse("drain") == .drain)
        #expect(try TraceParser.parse("fail high_order 2") == .failHighOrder(2))
        #expect(try TraceParser.parse("fail any 0") == .failAny(0))
        #expect(try TraceParser.parse("pfmemalloc 3") == .pfmemalloc(3))
        #expect(try TraceParser.parse("config max_size=65536") == .config(pageSize: nil, maxSize: 65536))
        #expect(try TraceParser.parse("config page_size=16384 max_size=16384")
            == .config(pageSize: 16384, maxSize: 16384))
    }

    @Test func ignoresBlankLinesCommentsAndExtraSpace() throws {
        #expect(try TraceParser.parse("") == nil)
        #expect(try TraceParser.parse("   \t ") == nil)
        #expect(try TraceParser.parse("# alloc a 64") == nil)
        #expect(try TraceParser.parse("  alloc   a\t64   # trailing comment") == .alloc(name: "a", size: 64, align: 1))
        #expect(try TraceParser.parse("drain\r") == .drain)
    }

    @Test func leadingZerosAreNotMagnitude() throws {
        #expect(try TraceParser.parse("alloc a 0000000000000000001") == .alloc(name: "a", size: 1, align: 1))
        #expect(try TraceParser.parse("alloc a 00000000000000000000000064 align=0064") == .alloc(name: "a", size: 64, align: 64))
        #expect(try TraceParser.parse("commit_noref 000") == .commitNoref(size: 0))
        #expect(try TraceParser.parse("fail any 0999999999999999999") == .failAny(999_999_999_999_999_999))
    }

    @Test(arguments: [
        ("alloc a", "expected 'alloc NAME SIZE [align=A]'"),
        ("alloc a 64 align=64 extra", "expected 'alloc NAME SIZE [align=A]'"),
        ("alloc a 64 aligned=64", "unexpected 'aligned=64' (expected align=A)"),
        ("alloc a +64", "SIZE '+64' is not a decimal number"),
        ("alloc a 4K", "SIZE '4K' is not a decimal number"),
        ("alloc a 1234567890123456789", "SIZE '1234567890123456789' is too large"),
        ("alloc a 64 align=", "align '' is not a decimal number"),
        ("fail some 1", "unknown failure kind 'some' (expected high_order or any)"),
        ("config page_size", "config takes page_size=P and max_size=M, not 'page_size'"),
        ("config page_size=4096 page_size=4096", "page_size given twice"),
        ("config huge_pages=1", "unknown config key 'huge_pages' (expected page_size or max_size)"),
        ("drain now", "expected 'drain'"),
        ("ALLOC a 64", "unknown operation 'ALLOC'"),
        ("alloc a 1000000000000000000", "SIZE '1000000000000000000' is too large"),
        ("alloc a \0\0\0", "SIZE '\\0\\0\\0' is not a decimal number"),
        ("\u{1B}[2J 1", "unknown operation '\\u{1b}[2J'"),
        ("alloc a " + String(repeating: "7", count: 100) + "x",
         "SIZE '" + String(repeating: "7", count: 40) + "…' is not a decimal number"),
        ("fail " + String(repeating: "k", count: 1000) + " 1",
         "unknown failure kind '" + String(repeating: "k", count: 40) + "…' (expected high_order or any)"),
    ])
    func rejectsMalformedLines(line: String, reason: String) {
        #expect(throws: TraceSyntaxError(reason)) { try TraceParser.parse(Substring(line)) }
    }
}
