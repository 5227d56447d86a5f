import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Support

/// Writes that either happen whole or not at all: the text goes to a temporary file in the
/// same directory, is flushed to disk, then renamed over the destination. A reader (or an
/// interrupted run) never sees half a file. POSIX calls throughout, so a failure says why
/// (ENOSPC, EROFS, …) and where.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let temp = try writeTemporary(text, for: path)
        try commit(temp, to: path)
    }

    /// Writes `text` to a fresh temporary file beside `path` and returns its path.
    static func writeTemporary(_ text: String, for path: String) throws -> String {
        let directory = parent(of: path)
        try Directories.create(directory)
        let name = (path as NSString).lastPathComponent
        let temp = directory + "/.\(name).tmp-\(getpid())-\(String(UInt32.random(in: 0 ... .max), radix: 16))"
        do {
            try writeWhole(Data(text.utf8), to: temp, exclusive: true)
        } catch ResultStoreError.writeFailed(_, let why) {
            // The reader knows the file by its name, not by its temporary one.
            throw ResultStoreError.writeFailed(path, why)
        }
        return temp
    }

    /// Renames a temporary file over `path`; on failure the temporary file is removed.
    static func commit(_ temp: String, to path: String) throws {
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw ResultStoreError.system(path, code)
        }
    }

    /// Creates `path` and writes all of `data`, flushed (fsync) before it is closed. On any
    /// failure the file is removed, so nothing half-written is left under the name.
    static func writeWhole(_ data: Data, to path: String, exclusive: Bool) throws {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw ResultStoreError.system(path) }
        var failure: Int32?
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                // Safe: offset < bytes.count, so the base address exists and the range is in bounds.
                switch retryingEINTR("write", { Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }) {
                case .failure(let error):
                    failure = error.code
                    return
                case .success(let written):
                    offset += written
                }
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == nil { failure = errno }
        if let failure {
            unlink(path)
            throw ResultStoreError.system(path, failure)
        }
    }

    static func parent(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }
}

/// `mkdir -p` with POSIX calls, so a failure names its errno and the directory.
enum Directories {
    static func create(_ path: String) throws {
        if mkdir(path, 0o755) == 0 { return }
        switch errno {
        case EEXIST:
            var info = stat()
            guard stat(path, &info) == 0 else { throw ResultStoreError.system(path) }
            guard info.st_mode & S_IFMT == S_IFDIR else { throw ResultStoreError.system(path, ENOTDIR) }
        case ENOENT:
            let parent = (path as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != path else { throw ResultStoreError.system(path, ENOENT) }
            try create(parent)
            if mkdir(path, 0o755) != 0 && errno != EEXIST { throw ResultStoreError.system(path) }
        default:
            throw ResultStoreError.system(path)
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
