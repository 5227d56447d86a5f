/// The one CSV writer every CSV file of FragBench goes through (results, history, compare,
/// tune, peers), so they all quote and end lines the same way: RFC 4180, CRLF line ends, a
/// field quoted only when it holds a comma, quote or line break. Unavailable values are empty
/// fields, never 0.
public enum CSV {
    /// A whole file: the header, then one line per row. Every row must have a field per column.
    public static func document(columns: [String], rows: [[String]]) -> String {
        var out = row(columns)
        for fields in rows {
            assert(fields.count == columns.count, "a CSV row has \(fields.count) fields for \(columns.count) columns")
            out += row(fields)
        }
        return out
    }

    public static func row(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
