import Foundation

/// Writes that either happen whole or not at all: the text goes to a temporary file in the
/// same directory, is flushed to disk, then renamed over the destination. A reader (or an
/// interrupted run) never sees half a file.
public enum AtomicFile {
    /// Test hook: runs after the temporary file is written and before the rename, so tests can
    /// simulate a run dying at the worst moment. Never set outside tests.
    nonisolated(unsafe) static var beforeRename: ((String) throws -> Void)?

    public static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temp = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        let data = Data(text.utf8)
        guard FileManager.default.createFile(atPath: temp.path, contents: data) else {
            throw ResultStoreError.writeFailed(temp.path, "cannot create the file")
        }
        // Flush before the rename so a crash cannot leave the name pointing at empty blocks.
        if let handle = FileHandle(forWritingAtPath: temp.path) {
            try? handle.synchronize()
            try? handle.close()
        }
        do {
            try beforeRename?(path)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
        if rename(temp.path, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw ResultStoreError.writeFailed(path, reason)
        }
    }
}

public enum ResultStoreError: Error, Equatable, CustomStringConvertible {
    case writeFailed(String, String)
    case unreadable(String, String)
    case malformed(String, String)

    public var description: String {
        switch self {
        case .writeFailed(let path, let why): return "cannot write \(path): \(why)"
        case .unreadable(let path, let why): return "cannot read \(path): \(why)"
        case .malformed(let path, let why): return "\(path) is not a FragBench result: \(why)"
        }
    }
}
