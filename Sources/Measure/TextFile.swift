#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads a whole (small) text file such as /proc/cpuinfo or a callgrind
/// output file with plain read(2), so the Measure library needs no Foundation.
/// /proc files report size 0, hence the read-until-EOF loop instead of fstat.
public func readTextFile(_ path: String) -> Result<String, SystemError> {
    let fd: Int32
    switch retryingEINTR("open(\(path))", { open(path, O_RDONLY | O_CLOEXEC) }) {
    case .success(let opened): fd = opened
    case .failure(let error): return .failure(error)
    }
    defer { close(fd) }
    var bytes: [UInt8] = []
    let chunk = 64 * 1024
    while true {
        let oldCount = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: chunk))
        // Invariant: the array was just extended by `chunk` zeroed bytes past
        // `oldCount`, so read(2) writing at most `chunk` bytes there stays in
        // bounds; the unread tail is trimmed below.
        let readResult = bytes.withUnsafeMutableBytes { buffer in
            retryingEINTR("read(\(path))") { read(fd, buffer.baseAddress! + oldCount, chunk) }
        }
        switch readResult {
        case .failure(let error):
            return .failure(error)
        case .success(let n):
            bytes.removeLast(chunk - n)
            if n == 0 { return .success(String(decoding: bytes, as: UTF8.self)) }
        }
    }
}
