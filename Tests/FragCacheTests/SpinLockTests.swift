import Foundation
import Testing
import FragCache

@Suite struct SpinLockTests {
    final class Box: @unchecked Sendable {
        let lock = SpinLock<[Int]>([])
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
        #expect(throws: Refused.self) { try lock.withLock { (_: inout Int) throws(Refused) in throw Refused() } }
        // A lock left held would spin here for ever.
        #expect(lock.withLock { value in value += 1; return value } == 2)
    }
}
