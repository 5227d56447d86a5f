import Lab
import ArgumentParser

/// Parsers for numeric options, used as `@Option(transform:)`: each says what is wrong with a
/// value (ArgumentParser prefixes the option's name), so a negative, NaN, infinite or huge
/// value is refused before anything uses it. Options that take them are declared with
/// `parsing: .unconditional`, so `--cpu -1` reaches here instead of being taken for a flag.
enum OptionValues {
    /// The largest CPU number a cpu_set_t holds (CPU_SETSIZE - 1).
    static let largestCPU = 1023
    /// More samples than this per point is a typo, and each one is stored.
    static let largestSampleCount = 100_000
    /// An hour per sample: far beyond any useful value, and well inside UInt64 nanoseconds.
    static let longestSampleMs = 3_600_000.0

    /// A whole number within `range`.
    static func integer(_ range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
        { text in
            let trimmed = text.trimmingSpaces
            guard !trimmed.isEmpty else { throw OptionValueError("empty value: expected a whole number") }
            let digits = trimmed.first == "-" || trimmed.first == "+" ? trimmed.dropFirst() : Substring(trimmed)
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw OptionValueError("expected a whole number")
            }
            guard let value = Int(trimmed), range.contains(value) else {
                throw OptionValueError(outOfRange(range))
            }
            return value
        }
    }

    /// A seed: any whole number from 0 to 2^64-1.
    static func seed(_ text: String) throws -> UInt64 {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw OptionValueError("expected a whole number from 0 to \(UInt64.max)")
        }
        guard let value = UInt64(trimmed) else { throw OptionValueError("too large (at most \(UInt64.max))") }
        return value
    }

    /// A finite decimal number within `range`; `open` excludes the lower bound.
    static func decimal(_ range: ClosedRange<Double>, excludingLower open: Bool = false) -> @Sendable (String) throws -> Double {
        { text in
            let trimmed = text.trimmingSpaces
            guard !trimmed.isEmpty else { throw OptionValueError("empty value: expected a number") }
            guard let value = Double(trimmed) else { throw OptionValueError("expected a number") }
            guard value.isFinite else { throw OptionValueError("not a finite number") }
            let lowerOK = open ? value > range.lowerBound : value >= range.lowerBound
            guard lowerOK, value <= range.upperBound else {
                throw OptionValueError("must be \(open ? "above" : "at least") \(format(range.lowerBound)) and at most \(format(range.upperBound))")
            }
            return value
        }
    }

    /// A non-empty text (a path, a label): an empty one is almost always a shell variable that
    /// was not set.
    static func nonEmpty(_ text: String) throws -> String {
        guard !text.trimmingSpaces.isEmpty else { throw OptionValueError("empty value") }
        return text
    }

    static func outOfRange(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "must be at least \(range.lowerBound)" }
        return "must be between \(range.lowerBound) and \(range.upperBound)"
    }

    static func format(_ value: Double) -> String { BuildCompareSettings.shortest(value) }
}

struct OptionValueError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    var trimmingSpaces: Substring { Substring(self).trimmingSpaces }
}
