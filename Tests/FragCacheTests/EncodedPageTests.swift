import Testing
@testable import FragCache

@Suite struct EncodedPageTests {
    @Test(arguments: 0 ... 10)
    func roundTripsEveryOrder(order: Int) {
        for pfmemalloc in [false, true] {
            let address: UInt = 0x7f00_1234_5000
            let page = EncodedPage(address: address, order: order, pfmemalloc: pfmemalloc)
            #expect(page.address == address)
            #expect(page.order == order)
            #expect(page.isPfmemalloc == pfmemalloc)
            #expect(!page.isEmpty)
            #expect(page.size(pageShift: 12) == UInt32(4096 << order))
            #expect(page.size(pageShift: 16) == UInt32(65536 << order))
        }
    }

    @Test func emptyIsZero() {
        #expect(EncodedPage.empty.rawValue == 0)
        #expect(EncodedPage.empty.isEmpty)
    }

    @Test func bitsDoNotOverlap() {
        let page = EncodedPage(address: 0x1000, order: 10, pfmemalloc: true)
        #expect(page.rawValue == 0x1000 | 10 | 0x100)
    }
}
