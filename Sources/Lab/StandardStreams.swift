#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Support

/// Unbuffered writes to the standard streams through write(2): no shared `FILE*` state, so
/// they are safe under Swift 6 concurrency checking and nothing is lost in a buffer when the
/// process exits with an error.
package enum StandardStreams {
    package static func out(_ text: String) { writeAll(1, text) }
    package static func err(_ text: String) { writeAll(2, text) }

    private static func writeAll(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                guard case .success(let n) = retryingEINTR("write", { write(fd, buffer.baseAddress! + offset, buffer.count - offset) }) else {
                    return  // A closed pipe: nothing more to say to it.
                }
                offset += n
            }
        }
    }
}
