import Testing
@testable import BenchReport

@Suite struct NumberFormatTests {
    @Test func significantFigures() {
        #expect(NumberFormat.significant(1.23456) == "1.23")
        #expect(NumberFormat.significant(12.3456) == "12.3")
        #expect(NumberFormat.significant(123.456) == "123")
        #expect(NumberFormat.significant(0.012345) == "0.012")
        #expect(NumberFormat.significant(nil) == "")
        #expect(NumberFormat.significant(.nan) == "")
    }

    @Test func binaryBytes() {
        #expect(NumberFormat.bytes(4096) == "4 KiB")
        #expect(NumberFormat.bytes(1_572_864) == "1.5 MiB")
        #expect(NumberFormat.bytes(100) == "100 B")
        #expect(NumberFormat.bytes(nil) == "")
    }
}
