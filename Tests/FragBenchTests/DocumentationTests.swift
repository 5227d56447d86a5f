import Foundation
import Testing

/// The user documentation stands on its own: a clone has no ../shared, so nothing may point
/// there, and every file the README and docs link to exists.
@Suite struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL

    func read(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Relative link targets in markdown: `](target)` without a scheme, anchors dropped.
    func links(_ text: String) -> [String] {
        text.components(separatedBy: "](").dropFirst().compactMap { rest in
            guard let end = rest.firstIndex(of: ")") else { return nil }
            let target = String(rest[..<end]).components(separatedBy: "#")[0]
            return target.isEmpty || target.contains("://") || target.hasSuffix(".svg") ? nil : target
        }
    }

    @Test(arguments: ["README.md", "docs/model.md", "docs/trace-format.md", "results/README.md"])
    func selfContained(file: String) throws {
        let text = try read(file)
        #expect(!text.contains("../shared") && !text.contains("SPEC.md"), "\(file) points outside the repository")
        let base = Self.root.appendingPathComponent(file).deletingLastPathComponent()
        for link in links(text) {
            #expect(FileManager.default.fileExists(atPath: base.appendingPathComponent(link).path), "\(file) links \(link), which is missing")
        }
    }

    @Test func theREADMEsSweepExampleStatesWhatRuns() throws {
        let readme = try read("README.md")
        // SweepPlanTests.theREADMEExampleSaysWhichCombinationsMerged checks these numbers.
        #expect(readme.contains("72 combinations and runs 48 points"))
        #expect(readme.contains("make tune QUICK=1"))
        #expect(readme.contains("times the `quick` preset unless `PRESET=default`"))
        #expect(!readme.contains("the cartesian product of the lists"))
    }

    @Test func theTraceFormatsExampleIsTheGoldenOne() throws {
        let doc = try read("docs/trace-format.md")
        let output = try read("Tests/FragReplayTests/Golden/spec-example.out")
        #expect(doc.contains("```\n" + output + "```"), "docs/trace-format.md's example output differs from the golden file")
    }
}
