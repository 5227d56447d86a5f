import Foundation

/// paired.json: written by `tune` beside points.json, read back by `tune --from`. A file that
/// is not one, or holds values no measurement gives, is refused with where and why: a
/// recommendation must not rest on evidence that was damaged on disk.
extension TuningPairs {
    public static let fileName = "paired.json"

    public struct Malformed: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var why: String
        public var description: String { "\(path) is not a readable paired.json: \(why)" }
    }

    /// Throws when a value cannot be written as JSON (a non-finite figure): the measurement
    /// keeps only finite estimates, so this is a bug to report, not a file to write half.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    public static func parse(_ text: String, path: String) throws -> TuningPairs {
        struct Header: Decodable {
            var format: String?
            var version: Int?
        }
        let data = Data(text.utf8)
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw Malformed(path: path, why: "not a JSON object")
        }
        guard header.format == formatName else {
            throw Malformed(path: path, why: "its format is \(header.format.map { "'\($0)'" } ?? "missing"), not '\(formatName)'")
        }
        guard header.version == formatVersion else {
            throw Malformed(path: path, why: "version \(header.version.map(String.init) ?? "missing"), this fragbench reads \(formatVersion)")
        }
        let pairs: TuningPairs
        do {
            pairs = try JSONDecoder().decode(TuningPairs.self, from: data)
        } catch let error as DecodingError {
            throw Malformed(path: path, why: describe(error))
        } catch {
            throw Malformed(path: path, why: "\(error)")
        }
        if let why = pairs.problem { throw Malformed(path: path, why: why) }
        return pairs
    }

    /// Which field, and what is wrong with it (DecodingError's own text is a debug dump).
    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            guard !path.isEmpty else { return "the top level" }
            return path.reduce("") { text, key in
                key.intValue.map { text + "[\($0)]" } ?? (text.isEmpty ? key.stringValue : text + "." + key.stringValue)
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "'\(key.stringValue)' is missing at \(at(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(at(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "\(at(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// What no measurement writes: the first such value, or nil.
    var problem: String? {
        guard budgetSeconds.isFinite, budgetSeconds >= 0 else { return "budgetSeconds \(budgetSeconds) is not a duration" }
        guard sampleMs.isFinite, sampleMs > 0, thresholdPercent.isFinite, thresholdPercent >= 0 else {
            return "sampleMs or thresholdPercent is not a positive finite number"
        }
        guard minSessions >= 0, minPairs >= 0, maxReferenceChanges >= 0 else { return "a negative count in its settings" }
        for (i, c) in comparisons.enumerated() {
            let which = "comparison \(i + 1) (\(c.workload), max \(c.head) vs max \(c.base))"
            guard c.pageSize > 0, c.base > 0, c.head > 0, c.base != c.head else {
                return "\(which): page and max sizes must be positive and the two max sizes different"
            }
            guard c.pairs >= 0, c.sessions >= 0 else { return "\(which): negative pair or session count" }
            if let e = c.estimate {
                let figures = [e.ratio, e.lower, e.upper]
                guard figures.allSatisfy({ $0.isFinite && $0 > 0 }), e.lower <= e.ratio, e.ratio <= e.upper else {
                    return "\(which): ratio \(e.ratio) [\(e.lower), \(e.upper)] is not a positive ratio within its interval"
                }
            } else if c.missing == nil {
                return "\(which): neither an estimate nor why it is missing"
            }
        }
        return nil
    }
}
