import FragReplay

/// Reading distributions from the command line ("imix", "uniform:64-1500",
/// "histogram:PATH") and from histogram files.
extension SizeDistribution {
    /// The classic internet mix: 64, 576 and 1500 bytes in proportion 7:4:1.
    public static let imixWeights: [SizeWeight] = [
        SizeWeight(size: 64, weight: 7), SizeWeight(size: 576, weight: 4), SizeWeight(size: 1500, weight: 1),
    ]

    /// The largest size the distribution can draw.
    public var largestSize: Int {
        switch self {
        case .imix: return 1500
        case .uniform(let range): return range.upperBound
        case .histogram(let entries): return entries.map(\.size).max() ?? 0
        }
    }

    /// Parses the CLI form: `imix`, `uniform:MIN-MAX` or `histogram:PATH` (the file is read now).
    public static func parse(_ spec: String) throws(WorkloadError) -> SizeDistribution {
        if spec == "imix" { return .imix }
        if spec.hasPrefix("uniform:") {
            let body = spec.dropFirst("uniform:".count)
            let parts = body.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]) else {
                throw .invalid("size distribution '\(spec)': expected uniform:MIN-MAX, e.g. uniform:64-1500")
            }
            guard low >= 1, low <= high else {
                throw .invalid("size distribution '\(spec)': need 1 <= MIN <= MAX, got \(low)-\(high)")
            }
            return .uniform(low ... high)
        }
        if spec.hasPrefix("histogram:") {
            let path = String(spec.dropFirst("histogram:".count))
            guard !path.isEmpty else {
                throw .invalid("size distribution '\(spec)': expected histogram:PATH")
            }
            switch FileBytes.contents(of: path) {
            case .failure(let error):
                throw .invalid("histogram file \(path): \(error)")
            case .success(let bytes):
                do {
                    return try parseHistogram(String(decoding: bytes, as: UTF8.self))
                } catch {
                    throw .invalid("histogram file \(path): \(error)")
                }
            }
        }
        throw .invalid("unknown size distribution '\(spec)' (expected imix, uniform:MIN-MAX or histogram:PATH)")
    }

    /// Parses a histogram file: one "SIZE WEIGHT" pair per line (SIZE a whole number of bytes
    /// >= 1, WEIGHT a positive number); blank lines and text after `#` are ignored. A size
    /// given twice adds up its weights. Errors name the 1-based line.
    public static func parseHistogram(_ text: String) throws(WorkloadError) -> SizeDistribution {
        var entries: [SizeWeight] = []
        var index: [Int: Int] = [:]
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let code = rawLine.firstIndex(of: "#").map { rawLine[..<$0] } ?? rawLine
            let tokens = code.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if tokens.isEmpty { continue }
            guard tokens.count == 2 else {
                throw .invalid("histogram line \(lineNumber): expected 'SIZE WEIGHT', got '\(code.trimmingSpaces)'")
            }
            guard let size = Int(tokens[0]), size >= 1 else {
                throw .invalid("histogram line \(lineNumber): size '\(tokens[0])' is not a whole number of bytes >= 1")
            }
            guard let weight = Double(tokens[1]), weight.isFinite, weight > 0 else {
                throw .invalid("histogram line \(lineNumber): weight '\(tokens[1])' is not a positive number")
            }
            if let at = index[size] {
                entries[at].weight += weight
            } else {
                index[size] = entries.count
                entries.append(SizeWeight(size: size, weight: weight))
            }
        }
        guard !entries.isEmpty else {
            throw .invalid("histogram has no 'SIZE WEIGHT' lines")
        }
        return .histogram(entries)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first ... last]
    }
}
