/// `perf script` output (samples with call chains, from `perf record -g`) folded into stacks:
/// "outermost;…;innermost" → number of samples, the input of a flame graph (the format of
/// Brendan Gregg's stackcollapse-perf.pl, written here so nothing outside the project is needed).
///
/// A sample is a header line (command, pid, time, event) followed by one indented line per
/// frame, innermost first: "  ADDRESS SYMBOL+0xOFFSET (OBJECT)"; a blank line ends it.
public enum PerfScript {
    public static func fold(_ text: String) -> [String: Int] {
        var stacks: [String: Int] = [:]
        var frames: [String] = []
        var inSample = false
        func finish() {
            if inSample && !frames.isEmpty { stacks[frames.reversed().joined(separator: ";"), default: 0] += 1 }
            frames = []
            inSample = false
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { finish(); continue }
            if line.first != " " && line.first != "\t" {
                finish()
                inSample = true
                continue
            }
            guard inSample else { continue }
            frames.append(frameName(line))
        }
        finish()
        return stacks
    }

    /// "    55d0c0ff1234 $s9FragCache…F+0x1c (/path/fragbench)" → "$s9FragCache…F"; an
    /// unresolved frame is "[unknown]" or, when the object is known, "[object name]".
    static func frameName(_ line: Substring) -> String {
        let fields = line.drop { $0 == " " || $0 == "\t" }
        guard let space = fields.firstIndex(of: " ") else { return "[unknown]" }
        var rest = fields[space...].drop { $0 == " " }
        var object = ""
        if let open = rest.lastIndex(of: "("), rest.hasSuffix(")") {
            object = String(rest[rest.index(after: open) ..< rest.index(before: rest.endIndex)])
            rest = rest[..<open]
        }
        var symbol = rest.trimmingSuffix(" ")
        if let plus = symbol.ranges(of: "+0x").last { symbol = symbol[..<plus.lowerBound] }
        if symbol.isEmpty || symbol == "[unknown]" {
            let base = object.split(separator: "/").last.map(String.init) ?? ""
            return base.isEmpty || base == "[unknown]" ? "[unknown]" : "[\(base)]"
        }
        return String(symbol)
    }
}

private extension Substring {
    func trimmingSuffix(_ c: Character) -> Substring {
        var s = self
        while s.last == c { s = s.dropLast() }
        return s
    }
}
