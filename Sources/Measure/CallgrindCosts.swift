/// The exclusive costs of a callgrind output file, instruction by instruction, for profiles:
/// which function (in which calling context) and which instruction address executed how many
/// instructions. `CallgrindTotals` reads only the whole-run sums; this reads the cost lines.
///
/// Expects a run with `--dump-instr=yes` (positions "instr line": each cost line starts with an
/// address, then a line number) and `--separate-callers=N` (a function's name carries its
/// callers: "callee'caller'caller's caller", so the context is a call stack). The format
/// (valgrind's "Callgrind Format Specification"): `fn=`/`cfn=` name functions, `(id) name`
/// defines a compressed name and `(id)` reuses it; a cost line's positions are absolute (0x…,
/// decimal), relative (+n, -n) or `*` (unchanged); the cost line right after `calls=` is the
/// inclusive cost of that call, already counted in the callee, so it is skipped here.
public struct CallgrindCosts: Sendable, Equatable {
    public struct Cost: Sendable, Equatable {
        /// The call stack, outermost caller first, the function that executed last. A
        /// recursion marker ("'2") is dropped.
        public var stack: [String]
        /// The object file (ob=), e.g. the executable or libc.
        public var object: String
        /// The instruction address as in the object file (callgrind removes the load offset).
        public var address: UInt64
        /// Instructions executed there (Ir).
        public var instructions: UInt64
    }

    /// One entry per (context, object, address), in file order.
    public var costs: [Cost]
    /// The `totals:` (or `summary:`) Ir: what the costs must add up to.
    public var totalInstructions: UInt64

    public var sum: UInt64 { costs.reduce(0) { $0 + $1.instructions } }

    public static func parse(_ text: String) -> Result<CallgrindCosts, CallgrindParseError> {
        var names: [String: String] = [:]
        var objects: [String: String] = [:]
        var object = ""
        var function = ""
        var address: UInt64 = 0
        var line: Int64 = 0
        var positions = 1
        var skipNext = false
        var irColumn: Int?
        var costByKey: [String: Int] = [:]
        var costs: [Cost] = []
        var totals: UInt64?
        var summary: UInt64?

        func resolve(_ value: Substring, in table: inout [String: String]) -> String {
            let value = value.drop { $0 == " " }
            guard value.hasPrefix("("), let close = value.firstIndex(of: ")") else { return String(value) }
            let id = String(value[value.index(after: value.startIndex) ..< close])
            let rest = value[value.index(after: close)...].drop { $0 == " " }
            if !rest.isEmpty { table[id] = String(rest) }
            return table[id] ?? "(\(id))"
        }
        func position(_ field: Substring, previous: Int64) -> Int64? {
            if field == "*" { return previous }
            if field.hasPrefix("+") { return Int64(field.dropFirst()).map { previous + $0 } }
            if field.hasPrefix("-") { return Int64(field.dropFirst()).map { previous - $0 } }
            if field.hasPrefix("0x") { return UInt64(field.dropFirst(2), radix: 16).map { Int64(bitPattern: $0) } }
            return Int64(field)
        }

        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let l = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            guard let first = l.first else { continue }
            if first.isNumber || first == "+" || first == "-" || first == "*" {
                let fields = l.split(separator: " ")
                guard fields.count >= positions else { return .failure(.badNumber(String(l))) }
                guard let a = position(fields[0], previous: Int64(bitPattern: address)) else { return .failure(.badNumber(String(l))) }
                address = UInt64(bitPattern: a)
                if positions > 1, let n = position(fields[1], previous: line) { line = n }
                if skipNext { skipNext = false; continue }
                guard let column = irColumn else { return .failure(.missingEvents) }
                let index = positions + column
                guard index < fields.count else { continue }  // trailing zero columns are omitted
                guard let ir = UInt64(fields[index]) else { return .failure(.badNumber(String(l))) }
                guard ir > 0 else { continue }
                let key = "\(function)\u{1}\(object)\u{1}\(address)"
                if let at = costByKey[key] {
                    costs[at].instructions += ir
                } else {
                    costByKey[key] = costs.count
                    var stack = function.split(separator: "'").map(String.init).filter { !$0.allSatisfy(\.isNumber) }
                    stack.reverse()
                    costs.append(Cost(stack: stack, object: object, address: address, instructions: ir))
                }
            } else if l.hasPrefix("fn=") {
                function = resolve(l.dropFirst(3), in: &names)
            } else if l.hasPrefix("cfn=") {
                _ = resolve(l.dropFirst(4), in: &names)
            } else if l.hasPrefix("ob=") {
                object = resolve(l.dropFirst(3), in: &objects)
            } else if l.hasPrefix("cob=") {
                _ = resolve(l.dropFirst(4), in: &objects)
            } else if l.hasPrefix("calls=") {
                skipNext = true
            } else if l.hasPrefix("positions:") {
                positions = l.dropFirst("positions:".count).split(separator: " ").count
            } else if l.hasPrefix("events:") {
                irColumn = l.dropFirst("events:".count).split(separator: " ").firstIndex(of: "Ir")
            } else if l.hasPrefix("totals:") || l.hasPrefix("summary:") {
                // One totals: line per dump part (summed); summary: only where there is none.
                let fields = l.drop { $0 != ":" }.dropFirst().split(separator: " ")
                guard let column = irColumn else { return .failure(.missingEvents) }
                let ir = column < fields.count ? UInt64(fields[column]) : 0
                guard let ir else { return .failure(.badNumber(String(l))) }
                if l.hasPrefix("totals:") { totals = (totals ?? 0) + ir } else { summary = ir }
            }
        }
        guard irColumn != nil else { return .failure(.missingEvents) }
        guard let total = totals ?? summary else { return .failure(.missingTotals) }
        return .success(CallgrindCosts(costs: costs, totalInstructions: total))
    }
}
