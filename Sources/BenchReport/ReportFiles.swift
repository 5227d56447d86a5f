import Foundation

/// The files one run leaves in its directory: results.csv, report.md with its SVG charts,
/// run.json and gbench.json, from the file reporters.
public enum ReportFiles {
    public static func render(_ run: BenchRun) -> [String: String] {
        var run = run
        if run.provenance.cpuPinning == nil { run.provenance.cpuPinning = Provenance.pinningSummary(run.points) }
        return Reporters.files().replay(run)
    }
}

/// The whole run as JSON for machines: schema-versioned, keys sorted so diffs are stable.
public enum JSONReport {
    public static func render(_ run: BenchRun) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Safe: every field is a plain Codable value; encoding cannot fail.
        let data = try! encoder.encode(run)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads a stored run back, refusing other schema versions clearly.
    public static func parse(_ text: String, path: String) throws -> BenchRun {
        struct Version: Decodable { var schemaVersion: Int }
        let data = Data(text.utf8)
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw ResultStoreError.malformed(path, "no schemaVersion")
        }
        guard BenchRun.readableSchemaVersions.contains(version.schemaVersion) else {
            let readable = BenchRun.readableSchemaVersions
            throw ResultStoreError.malformed(path, "schema version \(version.schemaVersion), this fragbench reads \(readable.lowerBound)...\(readable.upperBound)")
        }
        do {
            return try JSONDecoder().decode(BenchRun.self, from: data)
        } catch {
            throw ResultStoreError.malformed(path, "\(error)")
        }
    }
}
