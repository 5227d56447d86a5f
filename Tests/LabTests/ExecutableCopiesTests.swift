import Foundation
import Testing
@testable import Lab

@Suite struct ExecutableCopiesTests {
    private func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "fragbench-copies-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aCopyIsAnotherExecutableFileWithTheSameBytesUntilRemoved() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let original = dir + "/tool"
        try "#!/bin/sh\necho hello\n".write(toFile: original, atomically: true, encoding: .utf8)
        #expect(chmod(original, 0o700) == 0)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: original)
        let copies = ExecutableCopies.make([original, dir + "/link"])
        let copy = copies.path(for: original)
        #expect(copy != original && copy.hasSuffix("-tool"))
        // One file under two names: one copy.
        #expect(copies.path(for: dir + "/link") == copy)
        #expect(FileManager.default.contents(atPath: copy) == FileManager.default.contents(atPath: original))
        #expect(FileManager.default.isExecutableFile(atPath: copy))
        var a = stat(), b = stat()
        #expect(stat(original, &a) == 0 && stat(copy, &b) == 0 && a.st_ino != b.st_ino)
        // A binary that was not copied runs from where it is.
        #expect(copies.path(for: "/bin/true") == "/bin/true")
        copies.remove()
        #expect(!FileManager.default.fileExists(atPath: copy))
        #expect(FileManager.default.fileExists(atPath: original))
    }

    @Test func aFileThatCannotBeCopiedRunsFromWhereItIs() {
        let missing = "/nonexistent/fragbench"
        let copies = ExecutableCopies.make([missing])
        #expect(copies.path(for: missing) == missing)
        copies.remove()
    }

    /// A copy whose maker is gone (killed before its clean-up) is deleted; a living maker's stays.
    @Test func copiesOfProcessesThatAreGoneAreDeleted() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A child that has exited and been waited for: its pid names no process.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let orphan = dir + "/\(ExecutableCopies.prefix)\(child.processIdentifier)-abcd1234-fragbench"
        let mine = dir + "/\(ExecutableCopies.prefix)\(getpid())-abcd1234-fragbench"
        let other = dir + "/unrelated-\(child.processIdentifier)"
        for path in [orphan, mine, other] { #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8))) }
        ExecutableCopies.removeOrphans(in: dir)
        #expect(!FileManager.default.fileExists(atPath: orphan))
        #expect(FileManager.default.fileExists(atPath: mine))
        #expect(FileManager.default.fileExists(atPath: other))
    }
}
