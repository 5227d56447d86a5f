import Testing
@testable import Lab

@Suite struct ProfileSymbolsTests {
    /// addr2line -a -f -i: an address, then (function, location) pairs, innermost first.
    @Test func inlineChainsAreReadInnermostFirst() {
        let text = """
            0x0000000000244d80
            $s9FragCache9PageArenaV04headC02ofAA0C0VSu_tF
            /work/x/Sources/FragCache/PageArena.swift:59
            $s9FragCache9PageArenaV12freeFragmentySiSvF
            /work/x/Sources/FragCache/PageArena.swift:142
            0x0000000000267200
            $s9FragCache04PageaB0V17_allocAfterReload
            //<compiler-generated>:?
            0x0000000000000010
            ??
            ??:0
            """
        let chains = ProfileSymbols.parseChains(text)
        #expect(chains[0x244d80] == [
            .init(function: "$s9FragCache9PageArenaV04headC02ofAA0C0VSu_tF", line: "Sources/FragCache/PageArena.swift:59"),
            .init(function: "$s9FragCache9PageArenaV12freeFragmentySiSvF", line: "Sources/FragCache/PageArena.swift:142"),
        ])
        #expect(chains[0x267200] == [.init(function: "$s9FragCache04PageaB0V17_allocAfterReload", line: nil)])
        #expect(chains[0x10] == [.init(function: "??", line: nil)])
    }

    @Test func sourceLinesAreRelativeToTheRepository() {
        #expect(ProfileSymbols.sourceLine("/a/b/Sources/FragCache/FragCache.swift:97") == "Sources/FragCache/FragCache.swift:97")
        #expect(ProfileSymbols.sourceLine("/usr/include/x.h:3") == "/usr/include/x.h:3")
        #expect(ProfileSymbols.sourceLine("??:?") == nil)
        #expect(ProfileSymbols.sourceLine("/a/Sources/F.swift:0") == nil)
    }
}
