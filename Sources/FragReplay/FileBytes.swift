#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Support

/// Reads input files (a trace, a size histogram) without Foundation, retrying on EINTR.
public enum FileBytes {
    /// The file's bytes, or why not.
    public static func contents(of path: String) -> Result<[UInt8], FileReadError> {
        switch openForReading(path) {
        case .failure(let error): return .failure(error)
        case .success(let fd):
            let file = TraceFileDescriptor(fd: fd)
            var bytes: [UInt8] = []
            while true {
                switch file.read(upTo: 1 << 16, appendingTo: &bytes) {
                case .failure(let error): return .failure(error)
                case .success(0): return .success(bytes)
                case .success: continue
                }
            }
        }
    }

    /// Whether `path` can be opened for reading as a file (not a directory), without reading it.
    public static func readable(_ path: String) -> Result<Void, FileReadError> {
        openForReading(path).map { close($0) }
    }

    /// An open descriptor for a readable non-directory, or why not. The caller closes it.
    static func openForReading(_ path: String) -> Result<Int32, FileReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.system(String(cString: strerror(errno)))) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            return .failure(.isDirectory)
        }
        return .success(fd)
    }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// An open file descriptor, closed when the last user lets go of it.
final class TraceFileDescriptor {
    private let fd: Int32

    init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Appends up to `count` bytes; the number read (0 at end of file) or why not.
    func read(upTo count: Int, appendingTo bytes: inout [UInt8]) -> Result<Int, FileReadError> {
        // Read into a scratch buffer and append what came: growing the array by `count` zeros
        // first went element by element in debug builds (0.7 s per MemoryBudget probe).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, count)) { buffer in
            switch retryingEINTR("read", { systemRead(fd, buffer.baseAddress!, min(count, buffer.count)) }) {
            case .failure(let error):
                return .failure(.system(error.message))
            case .success(let n):
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<n]))
                return .success(n)
            }
        }
    }
}

public enum FileReadError: Error, Equatable, CustomStringConvertible {
    case isDirectory
    /// strerror's text, e.g. "No such file or directory".
    case system(String)

    public var description: String {
        switch self {
        case .isDirectory: return "is a directory"
        case .system(let reason): return reason
        }
    }
}
