import Foundation
import Testing
@testable import BenchReport

@Suite struct DirectorySyncTests {
    @Test func aDirectorySyncs() throws {
        let dir = NSTemporaryDirectory() + "dirsync-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DirectorySync.sync(dir)
    }

    /// A path that is not there, or not a directory, says which and why.
    @Test func aMissingOrNonDirectoryPathIsAnErrorNamingIt() throws {
        let missing = NSTemporaryDirectory() + "dirsync-missing-\(UUID().uuidString)"
        #expect(throws: ResultStoreError.self) { try DirectorySync.sync(missing) }
        do { try DirectorySync.sync(missing) } catch { #expect("\(error)".contains(missing) && "\(error)".contains("ENOENT")) }
        let file = NSTemporaryDirectory() + "dirsync-file-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: file, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: file) }
        do { try DirectorySync.sync(file); Issue.record("a file synced as a directory") } catch { #expect("\(error)".contains("ENOTDIR")) }
    }
}
