import Foundation
import Testing
@testable import Lab

/// How compare --build and profile start tools: status (a signal's as 128 + N), captured
/// standard output, a log of both streams that starts empty, an environment on top of ours.
@Suite struct ChildCommandTests {
    @Test func captureKeepsStandardOutputAndTheStatus() throws {
        let out = try ChildCommand("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]).run(output: .capture)
        #expect(out.status == 3 && out.text == "out\n")
    }

    @Test func deathBySignalIsTheShellsStatus() throws {
        // SIGKILL: a test runner may hand its children other signals ignored.
        let status = try ChildCommand("/bin/sh", ["-c", "kill -KILL $$"]).run(output: .discard).status
        #expect(status == 128 + SIGKILL, "\(status)")
    }

    @Test func aLogHoldsBothStreamsOfThisRunOnly() throws {
        let log = NSTemporaryDirectory() + "child-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        try "an earlier run\n".write(toFile: log, atomically: true, encoding: .utf8)
        let command = ChildCommand("/bin/sh", ["-c", "echo \"$CHILD_WORD\"; echo err >&2"], environment: ["CHILD_WORD": "given"])
        #expect(try command.run(output: .log(log)).status == 0)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "given\nerr\n")
    }

    @Test func aToolNotOnPathIsAFailureNotATrap() {
        #expect(throws: ValidationFailure.self) { try ChildCommand("no-such-tool-\(UUID().uuidString)", []).run(output: .discard) }
    }

    @Test func ticksComeWhileTheChildRuns() throws {
        var ticks = 0
        _ = try ChildCommand("/bin/sh", ["-c", "sleep 2.3"]).run(output: .discard) { ticks += 1 }
        #expect(ticks >= 1 && ticks <= 3, "\(ticks)")
    }
}
