import Testing
@testable import FragReplay

@Suite struct QuotedTextTests {
    @Test func ordinaryTextIsUnchanged() {
        #expect(QuotedText.escaped("alloc") == "alloc")
        #expect(QuotedText.escaped("naïve\\path") == "naïve\\path")
    }

    @Test func controlCharactersAreEscaped() {
        #expect(QuotedText.escaped("\0\0\0") == "\\0\\0\\0")
        #expect(QuotedText.escaped("a\tb\r\n") == "a\\tb\\r\\n")
        #expect(QuotedText.escaped("\u{1B}[31m\u{7F}\u{85}\u{2028}") == "\\u{1b}[31m\\u{7f}\\u{85}\\u{2028}")
    }

    @Test func longTextIsCutAtTheLimit() {
        let long = String(repeating: "x", count: 100_000_000 / 1000)
        #expect(QuotedText.escaped(long) == String(repeating: "x", count: 40) + "…")
        #expect(QuotedText.escaped(String(repeating: "y", count: 40)) == String(repeating: "y", count: 40))
        #expect(QuotedText.escaped("abcdef", limit: 3) == "abc…")
    }
}
