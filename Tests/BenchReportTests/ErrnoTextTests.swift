import Foundation
import Testing
@testable import BenchReport
import Support

/// File errors read as one line with the reason and the path, never a Foundation dump.
@Suite struct ErrnoTextTests {
    @Test func errnoHasItsSentenceAndSymbol() {
        #expect(errnoText(ENOSPC) == "No space left on device (ENOSPC)")
        #expect(errnoText(EROFS) == "Read-only file system (EROFS)")
        #expect(ResultStoreError.system("/r/history.csv", EACCES).description == "cannot write /r/history.csv: Permission denied (EACCES)")
    }

    /// What Foundation throws: a Cocoa error with or without the POSIX error under it.
    @Test func foundationErrorsAreReducedToThePosixErrorUnderThem() {
        let readOnly = NSError(domain: NSCocoaErrorDomain, code: 642, userInfo: [NSFilePathErrorKey: "/r/runs"])
        #expect(ResultStoreError.describe(readOnly) == "cannot write /r/runs: Read-only file system (EROFS)")
        let full = NSError(domain: NSCocoaErrorDomain, code: 512, userInfo: [
            NSFilePathErrorKey: "/r/x", NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC)),
        ])
        #expect(ResultStoreError.describe(full) == "cannot write /r/x: No space left on device (ENOSPC)")
        #expect(ResultStoreError.describe(ResultStoreError.unreadable("/p", "why")) == "cannot read /p: why")
        for error in [readOnly, full] { #expect(!ResultStoreError.describe(error).contains("\n")) }
    }

    /// A real FileManager failure (not a made-up NSError) is reduced the same way.
    @Test func aRealFoundationFailureNamesItsErrno() {
        let file = NSTemporaryDirectory() + "fragbench-errno-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: file, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: file) }
        do {
            try FileManager.default.createDirectory(atPath: file + "/a/b", withIntermediateDirectories: true)
            Issue.record("a directory under a regular file was created")
        } catch {
            let line = ResultStoreError.describe(error)
            #expect(line == "cannot write \(file)/a: Not a directory (ENOTDIR)")
            #expect(!line.contains("NSCocoaErrorDomain"))
        }
    }
}
