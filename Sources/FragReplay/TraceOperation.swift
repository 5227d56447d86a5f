/// One line of a trace (SPEC 5), parsed but not yet checked against the replay's state.
public enum TraceOperation: Equatable, Sendable {
    case config(pageSize: Int?, maxSize: Int?)
    case alloc(name: String, size: Int, align: Int)
    case prepare(size: Int, align: Int)
    case probe(size: Int, align: Int)
    case commit(name: String, size: Int)
    case commitNoref(size: Int)
    case abort(name: String)
    case free(name: String)
    case drain
    case failHighOrder(Int)
    case failAny(Int)
    case pfmemalloc(Int)
}

/// Why a trace line could not be run. The replay prints it as `error line L: reason`.
public struct TraceError: Error, Equatable, CustomStringConvertible {
    public let line: Int
    public let reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "error line \(line): \(reason)" }
}
