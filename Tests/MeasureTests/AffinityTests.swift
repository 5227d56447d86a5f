import Foundation
import Testing
@testable import Measure

/// CPUAffinity on a thread of its own (the mask it changes is the calling thread's).
@Suite struct AffinityTests {
    private func onNewThread(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { body(); done.signal() }
        thread.start()
        done.wait()
    }

    @Test func unpinGivesBackTheMaskFromBeforeTheFirstPin() {
        onNewThread {
            guard let before = CPUAffinity.allowedCount(), let cpu = CPUAffinity.current() else {
                Issue.record("affinity unreadable")
                return
            }
            #expect(throws: Never.self) { try CPUAffinity.pin(to: cpu).get() }
            #expect(CPUAffinity.allowedCount() == 1)
            // A second pin does not replace the mask to give back.
            #expect(throws: Never.self) { try CPUAffinity.pin(to: cpu).get() }
            #expect(throws: Never.self) { try CPUAffinity.unpin().get() }
            #expect(CPUAffinity.allowedCount() == before)
        }
    }

    @Test func unpinWithoutAPinChangesNothing() {
        onNewThread {
            let before = CPUAffinity.allowedCount()
            #expect(throws: Never.self) { try CPUAffinity.unpin().get() }
            #expect(CPUAffinity.allowedCount() == before)
        }
    }
}
