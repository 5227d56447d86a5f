/// Turns one line of trace text into a `TraceOperation`. Syntax only: whether names exist or
/// sizes fit the cache is the replay's business. Blank and comment-only lines parse to nil.
public enum TraceParser {
    public static func parse(_ line: Substring) throws(TraceSyntaxError) -> TraceOperation? {
        let code = line.firstIndex(of: "#").map { line[..<$0] } ?? line
        let tokens = code.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard let verb = tokens.first else { return nil }
        let args = Array(tokens.dropFirst())
        switch verb {
        case "config":
            return try parseConfig(args)
        case "alloc":
            try expect(args, count: 2 ... 3, usage: "alloc NAME SIZE [align=A]")
            return .alloc(name: String(args[0]), size: try number(args[1], "SIZE"),
                          align: try align(args.dropFirst(2).first))
        case "prepare", "probe":
            try expect(args, count: 1 ... 2, usage: "\(verb) SIZE [align=A]")
            let size = try number(args[0], "SIZE")
            let a = try align(args.dropFirst().first)
            return verb == "prepare" ? .prepare(size: size, align: a) : .probe(size: size, align: a)
        case "commit":
            try expect(args, count: 2 ... 2, usage: "commit NAME SIZE")
            return .commit(name: String(args[0]), size: try number(args[1], "SIZE"))
        case "commit_noref":
            try expect(args, count: 1 ... 1, usage: "commit_noref SIZE")
            return .commitNoref(size: try number(args[0], "SIZE"))
        case "abort":
            try expect(args, count: 1 ... 1, usage: "abort NAME")
            return .abort(name: String(args[0]))
        case "free":
            try expect(args, count: 1 ... 1, usage: "free NAME")
            return .free(name: String(args[0]))
        case "drain":
            try expect(args, count: 0 ... 0, usage: "drain")
            return .drain
        case "fail":
            try expect(args, count: 2 ... 2, usage: "fail high_order N | fail any N")
            let count = try number(args[1], "N")
            switch args[0] {
            case "high_order": return .failHighOrder(count)
            case "any": return .failAny(count)
            default: throw TraceSyntaxError("unknown failure kind '\(quoted(args[0]))' (expected high_order or any)")
            }
        case "pfmemalloc":
            try expect(args, count: 1 ... 1, usage: "pfmemalloc N")
            return .pfmemalloc(try number(args[0], "N"))
        default:
            throw TraceSyntaxError("unknown operation '\(quoted(verb))'")
        }
    }

    /// A decimal number: digits only (no sign, no unit, no hex), below 10^18. Leading zeros
    /// are not magnitude: `0000000000000000001` is 1.
    static func number(_ token: Substring, _ what: String) throws(TraceSyntaxError) -> Int {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw TraceSyntaxError("\(what) '\(quoted(token))' is not a decimal number")
        }
        let significant = token.drop(while: { $0 == "0" })
        guard significant.utf8.count <= 18, let value = Int(significant.isEmpty ? "0" : significant) else {
            throw TraceSyntaxError("\(what) '\(quoted(token))' is too large")
        }
        return value
    }

    /// Input text as an error may echo it: control characters escaped, long text cut.
    static func quoted(_ text: Substring) -> String { QuotedText.escaped(text) }

    static func align(_ token: Substring?) throws(TraceSyntaxError) -> Int {
        guard let token else { return 1 }
        guard token.hasPrefix("align=") else {
            throw TraceSyntaxError("unexpected '\(quoted(token))' (expected align=A)")
        }
        return try number(token.dropFirst("align=".count), "align")
    }

    static func parseConfig(_ args: [Substring]) throws(TraceSyntaxError) -> TraceOperation {
        var pageSize: Int?
        var maxSize: Int?
        for arg in args {
            guard let eq = arg.firstIndex(of: "=") else {
                throw TraceSyntaxError("config takes page_size=P and max_size=M, not '\(quoted(arg))'")
            }
            let key = arg[..<eq]
            let value = try number(arg[arg.index(after: eq)...], quoted(key))
            switch key {
            case "page_size":
                guard pageSize == nil else { throw TraceSyntaxError("page_size given twice") }
                pageSize = value
            case "max_size":
                guard maxSize == nil else { throw TraceSyntaxError("max_size given twice") }
                maxSize = value
            default:
                throw TraceSyntaxError("unknown config key '\(quoted(key))' (expected page_size or max_size)")
            }
        }
        return .config(pageSize: pageSize, maxSize: maxSize)
    }

    static func expect(_ args: [Substring], count: ClosedRange<Int>, usage: String) throws(TraceSyntaxError) {
        guard count.contains(args.count) else {
            throw TraceSyntaxError("expected '\(usage)'")
        }
    }
}

public struct TraceSyntaxError: Error, Equatable {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
}
