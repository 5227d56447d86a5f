import Foundation
import Testing
@testable import FragCache

@Suite struct SpinLockTests {
    final class Box: Sendable {
        let lock = SpinLock<[Int]>([])
        deinit { lock.deallocate() }
    }

    /// More threads than this VM has CPUs, so waiters spin, yield, and find a holder that was
    /// preempted: a lost update or a duplicate would show.
    @Test func everyIncrementFromEveryThreadIsKept() async {
        let box = Box()
        let threads = 4, rounds = 20_000
        await withTaskGroup(of: Void.self) { group in
            for t in 0 ..< threads {
                group.addTask {
                    for i in 0 ..< rounds { box.lock.withLock { $0.append(t * rounds + i) } }
                }
            }
        }
        let values = box.lock.withLock { $0 }
        #expect(values.count == threads * rounds)
        #expect(Set(values).count == threads * rounds)
    }

    @Test func errorsPassThroughAndReleaseTheLock() {
        struct Refused: Error {}
        let lock = SpinLock(1)
        defer { lock.deallocate() }
        #expect(throws: Refused.self) { try lock.withLock { (_: inout Int) throws(Refused) in throw Refused() } }
        // A lock left held would spin here for ever.
        #expect(lock.withLock { value in value += 1; return value } == 2)
    }

    /// The word and the value share whole cache lines of their own, whatever the value's size.
    @Test func theWordAndTheValueShareOneAlignedAllocation() {
        struct Big { var a: (Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0) }
        #expect(SpinLock<UInt8>.valueOffset == 4 && SpinLock<UInt8>.byteCount == 64)
        #expect(SpinLock<Int>.valueOffset == 8 && SpinLock<Int>.byteCount == 64)
        #expect(SpinLock<Big>.valueOffset == 8 && SpinLock<Big>.byteCount == 128)
        let lock = SpinLock(Big())
        defer { lock.deallocate() }
        #expect(Int(bitPattern: lock.base) % 64 == 0)
        lock.withLock { $0.a.8 = 7 }
        #expect(lock.withLock { $0.a.8 } == 7)
    }
}
