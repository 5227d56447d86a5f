/// Text from the input, made safe to echo in a one-line error: control characters are
/// escaped (a backslash is left as it is, so ordinary text reads as before), and anything past `limit`
/// characters is cut and marked with "…", so a 100 MB token or a run of NULs cannot flood a
/// terminal or break the line.
public enum QuotedText {
    public static let defaultLimit = 40

    public static func escaped<S: StringProtocol>(_ text: S, limit: Int = defaultLimit) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit { return out + "…" }
            count += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                // C0, DEL and C1 controls, and the Unicode line/paragraph separators.
                if scalar.value < 0x20 || (0x7F ... 0x9F).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
