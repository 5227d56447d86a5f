import Testing
import Measure

@Suite struct LibcThreadModeTests {
    /// The test runner has threads of its own, so glibc has left its single-threaded mode; the
    /// reading must say so, and starting one more thread must work and change nothing.
    @Test func aProcessWithThreadsReadsMultiThreaded() {
        #expect(LibcThreadMode.leaveSingleThreaded() == nil)
        #expect(LibcThreadMode.current == "multi-threaded")
    }
}
