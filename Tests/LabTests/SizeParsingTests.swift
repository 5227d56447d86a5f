import Testing
@testable import Lab

@Suite struct SizeParsingTests {
    @Test func acceptsPlainNumbersAndBinarySuffixes() throws {
        #expect(try SizeParsing.size("64") == 64)
        #expect(try SizeParsing.size("4K") == 4096)
        #expect(try SizeParsing.size("4k") == 4096)
        #expect(try SizeParsing.size("32KiB") == 32768)
        #expect(try SizeParsing.size("1M") == 1 << 20)
        #expect(try SizeParsing.size("2MB") == 2 << 20)
        #expect(try SizeParsing.size(" 8K ") == 8192)
        #expect(try SizeParsing.sizes("4K,32K,4096") == [4096, 32768])
    }

    @Test(arguments: ["", "K", "-1", "4X", "1.5K", "0x40", "99999999999999G"])
    func rejectsWhatIsNotASize(text: String) {
        #expect(throws: SizeParseError.self) { try SizeParsing.size(Substring(text)) }
    }
}
