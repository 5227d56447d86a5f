import Testing
import Measure

@Suite struct HeapLayoutDrawTests {
    /// One draw per process: a shift within a page in malloc's 16-byte steps, kept; a second
    /// call changes nothing.
    @Test func oneShiftWithinAPagePerProcess() {
        HeapLayoutDraw.draw()
        let shift = HeapLayoutDraw.shiftBytes
        #expect((16 ... 4096).contains(shift) && shift % 16 == 0)
        HeapLayoutDraw.draw()
        #expect(HeapLayoutDraw.shiftBytes == shift)
    }
}
