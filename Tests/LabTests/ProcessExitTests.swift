import Foundation
import Testing
@testable import Lab

/// `Process.waitForExit`: returns once the child has ended, with its status set, and without
/// Foundation's 50 ms run-loop slice.
@Suite struct ProcessExitTests {
    private func started(_ script: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        return process
    }

    @Test func theStatusIsSetWhenItReturns() throws {
        for code in 0..<40 {
            let process = try started("exit \(code % 7)")
            process.waitForExit()
            #expect(!process.isRunning)
            #expect(process.terminationReason == .exit && process.terminationStatus == Int32(code % 7), "child \(code)")
        }
    }

    @Test func aSignalsDeathIsSeenToo() throws {
        let process = try started("kill -KILL $$")
        process.waitForExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
    }

    @Test func itWaitsForAChildThatLivesAWhileAndCallsBackMeanwhile() throws {
        let t0 = Date()
        let process = try started("sleep 0.4")
        var calls = 0
        process.waitForExit { calls += 1 }
        #expect(Date().timeIntervalSince(t0) >= 0.4)
        // About every 50 ms over 0.4 s: 8, fewer when the machine is slow to wake us.
        #expect(calls >= 2 && calls <= 9, "\(calls)")
    }

    @Test func aShortChildIsSeenEndingWithinFoundationsSlice() throws {
        // waitUntilExit took 50 ms at least for any child here; the fastest of five waits
        // for `true` (spawn included) stays well under that unless the wait is sliced.
        var fastest = Double.infinity
        for _ in 0..<5 {
            let t0 = Date()
            let process = try started("true")
            process.waitForExit()
            fastest = min(fastest, Date().timeIntervalSince(t0))
        }
        #expect(fastest < 0.040, "\(fastest) s")
    }
}
