/// What the time table measured and what only the exact gate counted, from the points' names
/// (`fragbench list`): a change to code the timed points do not run must not read as "no
/// regression" in time.
package enum BuildCompareCoverage {
    /// The layouts/versions, page sizes, alignments and APIs a sweep's points exercise, one
    /// word each (`layout:remaining`, `page:4096`, `align:64`, `api:bulk`), sorted.
    package static func words(names: [String]) -> [String] {
        var words = Set<String>()
        for name in names where name.contains("/page:") {
            let parts = name.split(separator: "/").map(String.init)
            var layout = "remaining"
            if let open = parts[0].firstIndex(of: "["), let close = parts[0][open...].firstIndex(of: "]") {
                layout = String(parts[0][parts[0].index(after: open) ..< close])
            }
            words.insert("layout:" + layout)
            for part in parts.dropFirst() where ["page:", "align:", "api:"].contains(where: { part.hasPrefix($0) }) {
                words.insert(part)
            }
        }
        return words.sorted()
    }

    /// The note under the time table: what time measured, and what it did not that the gate
    /// covers (`gateRan`: the gate ran in this comparison and counted those).
    package static func note(preset: String, filter: String?, timed: [String], gated: [String], gateRan: Bool) -> String {
        let filtered = filter.map { $0.isEmpty ? "" : " filtered by `\($0)`" } ?? ""
        var out = "\n**What was timed.** Time measured the `\(preset)` preset\(filtered) (\(timed.joined(separator: ", ")))."
        let missing = gated.filter { !timed.contains($0) }
        if !missing.isEmpty {
            out += "\nIt did not time \(missing.joined(separator: ", ")): a change there shows in the instructions table only"
                + (gateRan ? " (the exact gate counted them)" : "") + "."
        }
        return out + "\n"
    }
}
