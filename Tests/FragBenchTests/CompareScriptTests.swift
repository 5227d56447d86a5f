import Foundation
import Testing

/// scripts/compare.sh's settings, read with COMPARE_DRY_RUN=1 (it stops before building), and
/// its refusals of bad settings. PATH is a directory of chosen tools, so the test decides
/// whether valgrind is there.
@Suite struct CompareScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL

    struct Outcome { var status: Int32; var stderr: String }

    /// Runs the script with only `tools` on PATH (each a symlink to the system's).
    func compare(_ environment: [String: String], tools: [String]) throws -> Outcome {
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("compare-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bin) }
        for tool in tools {
            guard let found = ["/usr/bin", "/bin"].map({ "\($0)/\(tool)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: tool])
            }
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(tool).path, withDestinationPath: found)
        }
        let outcome = try ChildProcess.run(
            "/bin/bash", [Self.root.appendingPathComponent("scripts/compare.sh").path, "HEAD"], capture: .standardError,
            environment: ["PATH": bin.path, "HOME": NSHomeDirectory(), "COMPARE_DRY_RUN": "1"].merging(environment) { $1 },
            directory: Self.root)
        return Outcome(status: outcome.status, stderr: outcome.text)
    }

    static let basicTools = ["git", "mkdir", "mktemp", "rm", "dirname"]

    @Test func timeAndTheExactGateByDefaultWhenValgrindIsThere() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/valgrind"), "make deps installs valgrind")
        let out = try compare([:], tools: Self.basicTools + ["valgrind"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("COUNTERS=both ") && out.stderr.contains("GATE_THRESHOLD=1% ") && out.stderr.contains("THRESHOLD=2% "), "\(out.stderr)")
    }

    @Test func timeAloneWithoutValgrindAndSaysSo() throws {
        let out = try compare([:], tools: Self.basicTools)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("valgrind is not installed") && out.stderr.contains("COUNTERS=auto "), "\(out.stderr)")
    }

    @Test func settingsGivenAreKept() throws {
        let out = try compare(["COUNTERS": "auto", "GATE_THRESHOLD": "0.5"], tools: Self.basicTools + ["valgrind"])
        #expect(out.status == 0 && out.stderr.contains("COUNTERS=auto ") && out.stderr.contains("GATE_THRESHOLD=0.5% "), "\(out.stderr)")
    }

    @Test(arguments: [
        ("COUNTERS", "cycles", "COUNTERS must be"),
        ("GATE_THRESHOLD", "1%", "GATE_THRESHOLD must be a number"),
        ("BUDGET", "two", "BUDGET must be a number"),
        ("ROUNDS", "-1", "ROUNDS must be a number"),
    ])
    func badSettingsAreRefusedBeforeAnythingRuns(name: String, value: String, message: String) throws {
        let out = try compare([name: value], tools: Self.basicTools + ["valgrind"])
        #expect(out.status == 1 && out.stderr.contains(message), "\(out.stderr)")
        #expect(!out.stderr.contains("compare: BASE="), "refused after starting: \(out.stderr)")
    }

    /// VARIANT, ALIGN and API become one point-name filter with FILTER (each a lookahead, so a
    /// point must match all); a value outside the known names is refused, exit 64.
    @Test func variantAlignAndAPINarrowThePointsTogether() throws {
        let out = try compare(["VARIANT": "remaining,v6.13", "ALIGN": "1,64", "API": "kernel,local-free", "FILTER": "alloc-free"],
                              tools: Self.basicTools + ["valgrind", "sed"])
        #expect(out.status == 0, "\(out.stderr)")
        let expected = #"name filter: ^(?=[a-z-]+(?:/|\[(?:v6\.13)\]/))(?=.*/align:(?:1|64)(?:/|$))(?:(?!.*/api:)|(?=.*/api:(?:local-free)(?:/|$)))(?=.*?(?:alloc-free)) "#
        #expect(out.stderr.contains(expected), "\(out.stderr)")
        for (name, value) in [("VARIANT", "v9.9"), ("ALIGN", "3"), ("API", "none")] {
            let bad = try compare([name: value], tools: Self.basicTools + ["valgrind", "sed"])
            #expect(bad.status == 64 && bad.stderr.contains("\(name) '\(value)'"), "\(bad.stderr)")
            #expect(!bad.stderr.contains("compare: BASE="), "refused after starting: \(bad.stderr)")
        }
    }
}
