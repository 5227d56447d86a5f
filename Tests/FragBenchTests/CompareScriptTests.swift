import Foundation
import Testing

/// `make compare`'s two halves: scripts/compare.sh, now a wrapper that builds the working
/// tree's fragbench and hands every setting to it as an option, and `fragbench compare --build`,
/// whose settings and refusals are read with --dry-run (it stops before building).
@Suite struct CompareScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL

    struct Outcome { var status: Int32; var stderr: String }

    /// A directory of chosen tools (each a symlink to the system's) to be the whole PATH.
    func toolDirectory(_ tools: [String]) throws -> URL {
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("compare-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for tool in tools {
            guard let found = ["/usr/bin", "/bin"].map({ "\($0)/\(tool)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: tool])
            }
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(tool).path, withDestinationPath: found)
        }
        return bin
    }

    /// `fragbench compare --build HEAD --dry-run` plus `options`, with only `tools` on PATH.
    func dryRun(_ options: [String], tools: [String]) throws -> Outcome {
        let binary = try #require(RunCommandTests.binary, "build fragbench first (make test does)")
        let bin = try toolDirectory(tools)
        defer { try? FileManager.default.removeItem(at: bin) }
        // PATH is the chosen tools only; make sanitize's options stay, with the symbolizer its
        // leak suppressions need to read a stack (found on PATH otherwise).
        var sanitizers = ProcessInfo.processInfo.environment.filter { $0.key.hasSuffix("SAN_OPTIONS") }
        if !sanitizers.isEmpty, let symbolizer = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map({ "\($0)/llvm-symbolizer" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            sanitizers["ASAN_SYMBOLIZER_PATH"] = symbolizer
        }
        let outcome = try ChildProcess.run(binary.path, ["compare", "--build", "--dry-run"] + options + ["HEAD"], capture: .standardError,
                                           environment: sanitizers.merging(["PATH": bin.path, "HOME": NSHomeDirectory()]) { $1 },
                                           directory: Self.root)
        return Outcome(status: outcome.status, stderr: outcome.text)
    }

    @Test func timeAndTheExactGateByDefaultWhenValgrindIsThere() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/valgrind"), "make deps installs valgrind")
        let out = try dryRun([], tools: ["valgrind"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("COUNTERS=both ") && out.stderr.contains("GATE_THRESHOLD=1% ") && out.stderr.contains("THRESHOLD=2% "), "\(out.stderr)")
        #expect(out.stderr.contains("compare: plan: time: fragbench pair --preset quick --quick,")
                && out.stderr.contains("compare: plan: exact gate: one callgrind run per build, --preset gate --quick,"), "\(out.stderr)")
    }

    @Test func timeAloneWithoutValgrindAndSaysSo() throws {
        let out = try dryRun([], tools: [])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("valgrind is not installed") && out.stderr.contains("COUNTERS=auto "), "\(out.stderr)")
        #expect(!out.stderr.contains("exact gate"), "\(out.stderr)")
    }

    @Test func settingsGivenAreKept() throws {
        let out = try dryRun(["--counters", "auto", "--gate-threshold", "0.5", "--budget", "5", "--preset", "default", "--threshold", "1.5"],
                             tools: ["valgrind"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("PRESET=default ") && out.stderr.contains("COUNTERS=auto ") && out.stderr.contains(" THRESHOLD=1.5% ")
                && out.stderr.contains("GATE_THRESHOLD=0.5% ") && out.stderr.contains("BUDGET=5s"), "\(out.stderr)")
    }

    /// A bad value is a usage error (exit 64) before anything is resolved or built.
    @Test(arguments: [
        ("--counters", "cycles", "--counters must be"),
        ("--gate-threshold", "1%", "--gate-threshold '1%'"),
        ("--budget", "two", "--budget 'two'"),
        ("--budget", "0", "--budget '0'"),
        ("--rounds", "-1", "--rounds '-1'"),
        ("--threshold", "nan", "--threshold 'nan'"),
        ("--threshold", "100", "--threshold must be below 100"),
        ("--variant", "v9.9", "--variant 'v9.9'"),
        ("--align", "3", "--align '3'"),
        ("--api", "none", "--api 'none'"),
    ])
    func badSettingsAreRefusedBeforeAnythingRuns(option: String, value: String, message: String) throws {
        let out = try dryRun([option, value], tools: ["valgrind"])
        #expect(out.status == 64 && out.stderr.contains(message), "\(out.stderr)")
        #expect(!out.stderr.contains("compare: BASE="), "refused after starting: \(out.stderr)")
    }

    /// VARIANT, ALIGN and API become one point-name filter with FILTER (each a lookahead, so a
    /// point must match all), for the timed points and the gate's alike.
    @Test func variantAlignAndAPINarrowThePointsTogether() throws {
        let out = try dryRun(["--variant", "remaining,v6.13", "--align", "1,64", "--api", "kernel,local-free", "--filter", "alloc-free"],
                             tools: ["valgrind"])
        #expect(out.status == 0, "\(out.stderr)")
        let expected = #"^(?=[a-z-]+(?:/|\[(?:v6\.13)\]/))(?=.*/align:(?:1|64)(?:/|$))(?:(?!.*/api:)|(?=.*/api:(?:local-free)(?:/|$)))(?=.*?(?:alloc-free))"#
        #expect(out.stderr.contains("name filter: \(expected) "), "\(out.stderr)")
        #expect(out.stderr.contains("--preset quick --quick --filter \(expected),") && out.stderr.contains("--preset gate --quick --filter \(expected),"),
                "\(out.stderr)")
    }

    /// The build settings belong to --build, and --build to revisions: mixing is refused.
    @Test func buildOptionsNeedBuildAndTheOtherWayRound() throws {
        let binary = try #require(RunCommandTests.binary, "build fragbench first (make test does)")
        for arguments in [["compare", "--budget", "5", "a", "b"], ["compare", "--build", "--base-runs", "a", "--head-runs", "b"],
                          ["compare", "--build", "--output", "x", "HEAD"], ["compare", "--build"]] {
            let out = try ChildProcess.run(binary.path, arguments, capture: .standardError)
            #expect(out.status == 64, "\(arguments): \(out.text)")
        }
    }

    /// The wrapper builds the working tree (SWIFT) and execs its fragbench with one option per
    /// setting given, and none for a setting not given. git and swift are stand-ins here: the
    /// "build" writes a fragbench that prints its arguments.
    @Test func theWrapperPassesEachSettingAsItsOption() throws {
        let bin = try toolDirectory(["mkdir", "tail"])
        let fakeRoot = FileManager.default.temporaryDirectory.appendingPathComponent("compare-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: fakeRoot, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: bin)
            try? FileManager.default.removeItem(at: fakeRoot)
        }
        func script(_ name: String, _ text: String) throws {
            let path = bin.appendingPathComponent(name).path
            try ("#!/bin/sh\n" + text).write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        try script("git", "echo \"\(fakeRoot.path)\"\n")
        try script("fake-swift", """
            while [ $# -gt 0 ]; do [ "$1" = --scratch-path ] && scratch=$2; shift; done
            /bin/mkdir -p "$scratch/release"
            printf '#!/bin/sh\\nfor a in "$@"; do echo "[$a]"; done >&2\\n' >"$scratch/release/fragbench"
            /bin/chmod +x "$scratch/release/fragbench"

            """)
        func wrapper(_ environment: [String: String], _ revisions: [String]) throws -> Outcome {
            let out = try ChildProcess.run("/bin/bash", [Self.root.appendingPathComponent("scripts/compare.sh").path] + revisions,
                                           capture: .standardError,
                                           environment: ["PATH": bin.path, "SWIFT": bin.appendingPathComponent("fake-swift").path].merging(environment) { $1 })
            return Outcome(status: out.status, stderr: out.text)
        }
        let given = try wrapper(["COUNTERS": "callgrind", "THRESHOLD": "1", "GATE_THRESHOLD": "0.5", "BUDGET": "5", "PRESET": "default",
                                 "ROUNDS": "3", "FILTER": "a|b c", "VARIANT": "v6.13", "ALIGN": "64", "API": "bulk"], ["HEAD~1", "v2"])
        #expect(given.status == 0, "\(given.stderr)")
        let arguments = given.stderr.split(separator: "\n").filter { $0.hasPrefix("[") }.map { String($0.dropFirst().dropLast()) }
        #expect(arguments == ["compare", "--build", "--counters", "callgrind", "--threshold", "1", "--gate-threshold", "0.5", "--budget", "5",
                              "--preset", "default", "--rounds", "3", "--filter", "a|b c", "--variant", "v6.13", "--align", "64",
                              "--api", "bulk", "--swift", bin.appendingPathComponent("fake-swift").path, "--", "HEAD~1", "v2"], "\(given.stderr)")
        let plain = try wrapper([:], ["HEAD"])
        let plainArguments = plain.stderr.split(separator: "\n").filter { $0.hasPrefix("[") }.map { String($0.dropFirst().dropLast()) }
        #expect(plainArguments == ["compare", "--build", "--swift", bin.appendingPathComponent("fake-swift").path, "--", "HEAD"], "\(plain.stderr)")
    }
}
