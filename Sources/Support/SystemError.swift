#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed system call as a value: measurement setup reports failures next
/// to the counters that did work instead of aborting the run.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The C function that failed, e.g. "perf_event_open".
    public let call: String
    /// The `errno` it left behind.
    public let code: Int32

    public init(call: String, code: Int32) {
        self.call = call
        self.code = code
    }

    /// The libc message for `code` (strerror), e.g. "No such file or directory".
    public var message: String { systemErrorMessage(code) }

    /// The symbolic name for the common codes, so reports are greppable.
    public var symbol: String { errnoSymbol(code) }

    public var description: String { "\(call): \(symbol) (\(message))" }
}

/// Symbolic errno names for the codes system calls here return ("errno N" for the others),
/// so reports are greppable.
public func errnoSymbol(_ code: Int32) -> String {
    errnoSymbols[code] ?? "errno \(code)"
}

/// The one table of errno names: perf_event_open and friends, and file operations.
public let errnoSymbols: [Int32: String] = [
    EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EIO: "EIO", EBADF: "EBADF", EACCES: "EACCES",
    EBUSY: "EBUSY", EEXIST: "EEXIST", EXDEV: "EXDEV", ENODEV: "ENODEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR",
    EINVAL: "EINVAL", EMFILE: "EMFILE", ENOSPC: "ENOSPC", EROFS: "EROFS", E2BIG: "E2BIG", ENOSYS: "ENOSYS",
    ENAMETOOLONG: "ENAMETOOLONG", ENOTEMPTY: "ENOTEMPTY", ELOOP: "ELOOP", EDQUOT: "EDQUOT",
    EOPNOTSUPP: "EOPNOTSUPP", EOVERFLOW: "EOVERFLOW", ESRCH: "ESRCH",
]

/// The system's sentence and the symbol to search for, e.g. "No space left on device (ENOSPC)".
public func errnoText(_ code: Int32) -> String {
    let sentence = systemErrorMessage(code)
    guard let symbol = errnoSymbols[code] else { return sentence }
    return "\(sentence) (\(symbol))"
}

/// strerror(3) copied into a Swift string. strerror's buffer may be reused by
/// the next call, so it is copied immediately.
public func systemErrorMessage(_ code: Int32) -> String {
    guard let cString = strerror(code) else { return "unknown error \(code)" }
    return String(cString: cString)
}

/// Runs a libc call that signals failure by returning -1 and setting errno,
/// retrying while it is interrupted by a signal (EINTR). This is the single
/// place errno is read, so no other code can observe a stale value.
@inline(__always)
public func retryingEINTR<T: BinaryInteger>(
    _ call: String, _ body: () -> T
) -> Result<T, SystemError> {
    while true {
        let result = body()
        if result != -1 { return .success(result) }
        let code = errno
        if code == EINTR { continue }
        return .failure(SystemError(call: call, code: code))
    }
}

/// read(2) under a name that methods called `read()` do not shadow.
@inline(__always)
public func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
