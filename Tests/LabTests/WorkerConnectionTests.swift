import Foundation
import Testing
@testable import Lab
import Measure

/// Starting workers. (Whether the workers of a session share a layout is checked end to end,
/// in `PairCommandTests`: starting them with one turns address randomization off in the
/// starting process for a moment, which other tests' children must not catch.)
@Suite struct WorkerConnectionTests {
    /// One binary on both sides is told by the file, through symbolic links.
    @Test func oneBinaryIsToldThroughLinks() throws {
        let dir = NSTemporaryDirectory() + "fragbench-same-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "a".write(toFile: dir + "/a", atomically: true, encoding: .utf8)
        try "a".write(toFile: dir + "/b", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/a")
        #expect(WorkerLauncher.isSameFile(dir + "/a", dir + "/link"))
        #expect(WorkerLauncher.isSameFile(dir + "/a", dir + "/./a"))
        #expect(!WorkerLauncher.isSameFile(dir + "/a", dir + "/b"), "two files with the same bytes are two builds")
    }
}
