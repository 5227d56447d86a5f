import Foundation
import Testing

/// docs/architecture.md's import rule, enforced: every `import` of our modules (and of
/// ArgumentParser) in Sources/<Module> must be one the table there allows. SwiftPM lets a
/// module import any module already built, declared dependency or not, so only a check like
/// this keeps the engine free of the command line and the model free of the lab.
@Suite struct ArchitectureTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The table in docs/architecture.md: module → the modules of ours it may import.
    static func allowedImports() throws -> [String: Set<String>] {
        let doc = try String(contentsOf: repository.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        var table: [String: Set<String>] = [:]
        var inTable = false
        for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## Allowed imports") { inTable = true; continue }
            guard inTable, line.hasPrefix("| ") else { continue }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2, cells[0] != "module", !cells[0].hasPrefix("-") else { continue }
            table[cells[0]] = Set(cells[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0 != "—" && !$0.isEmpty })
        }
        return table
    }

    /// Imports of `names` in one file's text.
    static func imports(in text: String, of names: Set<String>) -> Set<String> {
        var found = Set<String>()
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let at = words.firstIndex(of: "import"), at + 1 < words.count,
                  words[..<at].allSatisfy({ $0.hasPrefix("@") }) else { continue }
            if names.contains(words[at + 1]) { found.insert(words[at + 1]) }
        }
        return found
    }

    @Test func everyImportIsAllowedByTheTable() throws {
        let table = try Self.allowedImports()
        let sources = Self.repository.appendingPathComponent("Sources")
        let ours = Set(try FileManager.default.contentsOfDirectory(atPath: sources.path)).union(["ArgumentParser"])
        #expect(table.count >= 8, "the table in docs/architecture.md was not found")
        var violations: [String] = []
        for module in try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted() {
            let dir = sources.appendingPathComponent(module)
            guard let files = FileManager.default.enumerator(atPath: dir.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                let used = Self.imports(in: text, of: ours)
                guard let allowed = table[module] else {
                    if !used.isEmpty { violations.append("\(module) is not in docs/architecture.md's table") }
                    continue
                }
                for name in used.subtracting(allowed) { violations.append("\(module)/\(file) imports \(name)") }
            }
        }
        #expect(violations.isEmpty, "\(violations.sorted())")
    }

    @Test func theCheckSeesAForbiddenImport() {
        let text = "import Foundation\n@testable import Lab\nimport ArgumentParser\n// import FragBench\n"
        #expect(Self.imports(in: text, of: ["Lab", "ArgumentParser", "FragBench"]) == ["Lab", "ArgumentParser"])
    }
}
