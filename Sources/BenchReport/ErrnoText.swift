import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Support

/// Why a file operation failed, as one line a reader can act on: the system's sentence and the
/// errno symbol to search for, e.g. "No space left on device (ENOSPC)".
enum ErrnoText {

    /// Foundation's Cocoa codes for the file errors it does not wrap a POSIX error for.
    static let cocoaCodes: [Int: Int32] = [4: ENOENT, 257: EACCES, 513: EACCES, 516: EEXIST, 640: ENOSPC, 642: EROFS]
}

extension ResultStoreError {
    /// A failed system call on `path`, with the errno it left.
    static func system(_ path: String, _ code: Int32 = errno) -> ResultStoreError {
        .writeFailed(path, errnoText(code))
    }

    /// Any error as one line. Foundation's file errors (an NSCocoaErrorDomain dump when printed
    /// as they are) are reduced to the path and the POSIX error underneath them.
    public static func describe(_ error: Error) -> String {
        if let error = error as? ResultStoreError { return error.description }
        if let error = error as? POSIXError { return errnoText(error.code.rawValue) }
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return "\(error)" }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo["NSURL"] as? URL)?.path
        var code: Int32?
        if ns.domain == NSPOSIXErrorDomain { code = Int32(ns.code) }
        // Linux Foundation puts a POSIXError under its Cocoa errors, Darwin an NSError.
        if code == nil, let underlying = ns.userInfo[NSUnderlyingErrorKey] {
            if let posix = underlying as? POSIXError {
                code = posix.code.rawValue
            } else if let underlying = underlying as? NSError, underlying.domain == NSPOSIXErrorDomain {
                code = Int32(underlying.code)
            }
        }
        if code == nil, ns.domain == NSCocoaErrorDomain { code = ErrnoText.cocoaCodes[ns.code] }
        let why = code.map(errnoText) ?? ns.localizedDescription
        return path.map { "cannot write \($0): \(why)" } ?? why
    }
}
