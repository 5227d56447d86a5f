import Foundation
import Support

/// Fixed, locale-independent number text for every reporter, so the same value always prints
/// the same way (golden files, diffs between runs).
public enum NumberFormat {
    /// `value` with `digits` decimals; "" for nil or non-finite values (unavailable).
    public static func fixed(_ value: Double?, _ digits: Int) -> String {
        guard let value, value.isFinite else { return "" }
        return formatFixed(value, digits: digits)
    }

    public static func integer(_ value: Int?) -> String { value.map(String.init) ?? "" }

    /// Three significant figures for tables (1.23, 12.3, 123, 1234).
    public static func significant(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        let magnitude = abs(value)
        let digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3
        return fixed(value, digits)
    }

    /// Bytes in binary units: 4096 -> "4 KiB", 1572864 -> "1.5 MiB".
    public static func bytes(_ value: Int?) -> String {
        guard let value else { return "" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(value)
        var unit = 0
        while v >= 1024 && unit < units.count - 1 {
            v /= 1024
            unit += 1
        }
        let text = v == v.rounded() ? String(Int(v)) : fixed(v, 1)
        return "\(text) \(units[unit])"
    }
}

extension NumberFormat {
    /// For progress lines: three significant figures, or "n/a".
    public static func text(_ value: Double?) -> String {
        let s = significant(value)
        return s.isEmpty ? "n/a" : s
    }
}
