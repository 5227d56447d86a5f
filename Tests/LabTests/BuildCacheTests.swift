import Foundation
import Testing
@testable import Lab

/// The commit-keyed cache of release binaries, and where a comparison's files are published.
@Suite struct BuildCacheTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "build-cache-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func executable(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    @Test func aStoredCommitIsFoundAgainUnderItsKey() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = BuildCache(root: dir + "/bin", toolchain: "123")
        #expect(cache.binary("abc") == nil)
        try executable(dir + "/built", "#!/bin/sh\necho one\n")
        let stored = try cache.store(dir + "/built", commit: "abc")
        #expect(stored == dir + "/bin/abc-123/fragbench")
        #expect(cache.binary("abc") == stored)
        #expect(BuildCache(root: dir + "/bin", toolchain: "456").binary("abc") == nil, "another toolchain's build is not reused")
        // A second store of the same commit keeps the first (published by someone else first).
        try executable(dir + "/built", "#!/bin/sh\necho two\n")
        _ = try cache.store(dir + "/built", commit: "abc")
        #expect(try String(contentsOfFile: stored, encoding: .utf8).contains("one"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/bin") == ["abc-123"], "no staging left behind")
    }

    @Test func keepsTheFiveMostRecentlyUsed() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = BuildCache(root: dir + "/bin", toolchain: "t")
        try executable(dir + "/built", "#!/bin/sh\n")
        for (i, commit) in ["c1", "c2", "c3", "c4", "c5"].enumerated() {
            _ = try cache.store(dir + "/built", commit: commit)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: Double(i - 100))],
                                                  ofItemAtPath: cache.directory(commit))
        }
        #expect(cache.binary("c1") != nil)  // used now: the newest
        try FileManager.default.createDirectory(atPath: dir + "/bin/old-othertoolchain", withIntermediateDirectories: true)
        _ = try cache.store(dir + "/built", commit: "c6")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/bin"))
        #expect(left == ["c1-t", "c3-t", "c4-t", "c5-t", "c6-t", "old-othertoolchain"], "\(left)")
    }

    @Test func publishingKeepsTheEarlierComparisonWhole() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let destination = dir + "/results/compare/a-vs-b"
        func comparison(_ text: String) throws -> BuildCompareOutput {
            let output = BuildCompareOutput(destination: destination, staging: dir + "/staging")
            try output.prepare()
            try text.write(toFile: output.staging + "/compare.md", atomically: true, encoding: .utf8)
            return output
        }
        try comparison("first").publish()
        try "time only".write(toFile: destination + "/extra.csv", atomically: true, encoding: .utf8)
        // An interrupted comparison leaves the published one alone.
        try comparison("interrupted").discard()
        #expect(try String(contentsOfFile: destination + "/compare.md", encoding: .utf8) == "first")
        #expect(!FileManager.default.fileExists(atPath: dir + "/staging"))
        try comparison("second").publish()
        #expect(try String(contentsOfFile: destination + "/compare.md", encoding: .utf8) == "second")
        #expect(!FileManager.default.fileExists(atPath: destination + "/extra.csv"), "files are not mixed across comparisons")
        #expect(try String(contentsOfFile: destination + ".previous/compare.md", encoding: .utf8) == "first")
        #expect(FileManager.default.fileExists(atPath: destination + ".previous/extra.csv"))
    }
}
