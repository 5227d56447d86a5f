import Foundation
import Testing
import FragCache

@Suite struct PThreadLockTests {
    final class Box: @unchecked Sendable {
        let lock = PThreadLock<[Int]>([])
    }

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
        let lock = PThreadLock(1)
        #expect(throws: Refused.self) { try lock.withLock { (_: inout Int) throws(Refused) in throw Refused() } }
        // A lock left held would deadlock here.
        #expect(lock.withLock { value in value += 1; return value } == 2)
    }
}
