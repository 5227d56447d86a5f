#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads a whole input file (a trace, a size histogram) without Foundation, retrying on EINTR.
public enum FileBytes {
    /// The file's bytes, or why not.
    public static func contents(of path: String) -> Result<[UInt8], FileReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.system(String(cString: strerror(errno)))) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            return .failure(.isDirectory)
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.system(String(cString: strerror(errno))))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0 ..< n])
        }
        return .success(bytes)
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
