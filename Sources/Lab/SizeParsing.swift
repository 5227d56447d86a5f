import FragReplay

/// Parsing of sizes and lists on the command line: `64`, `4K`, `32K`, `1M` (binary units),
/// and comma-separated lists of them. Errors name the offending text.
package enum SizeParsing {
    package static func size(_ text: Substring) throws(SizeParseError) -> Int {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw SizeParseError(text: String(text), reason: "empty value") }
        var digits = Substring(trimmed.lowercased())
        var shift = 0
        for (suffixes, bits) in [(["kib", "kb", "k"], 10), (["mib", "mb", "m"], 20), (["gib", "gb", "g"], 30)] {
            if let suffix = suffixes.first(where: { digits.hasSuffix($0) }) {
                digits = digits.dropLast(suffix.count)
                shift = bits
                break
            }
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw SizeParseError(text: String(text), reason: "expected a number with an optional K, M or G suffix")
        }
        // Leading zeros are not magnitude; beyond 2^40 bytes no size here makes sense.
        let significant = digits.drop(while: { $0 == "0" })
        guard significant.count <= 13, let value = Int(significant.isEmpty ? "0" : significant),
              value <= (1 << 40) >> shift else {
            throw SizeParseError(text: String(text), reason: "too large (at most 1024G)")
        }
        return value << shift
    }

    package static func sizes(_ text: String) throws(SizeParseError) -> [Int] {
        var result: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let value = try size(part)
            if !result.contains(value) { result.append(value) }
        }
        return result
    }
}

package struct SizeParseError: Error, CustomStringConvertible {
    package var text: String
    package var reason: String
    package var description: String { "'\(QuotedText.escaped(text))': \(reason)" }
}

extension Substring {
    package var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
