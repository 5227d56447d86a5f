import Foundation
import Testing

/// `fragbench run` end to end, on the debug binary `make test` builds (hence --allow-debug):
/// bad input is refused before anything runs, a run publishes its files, and Ctrl-C keeps
/// earlier results intact.
@Suite(.serialized) struct RunCommandTests {
    static var binary: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fragbench"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/fragbench")
                .standardizedFileURL,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// Runs fragbench; `interruptAfterStderr` sends SIGINT once stderr contains that text.
    func run(_ arguments: [String], interruptAfterStderr marker: String? = nil) throws -> Result {
        let binary = try #require(Self.binary, "build fragbench first (make test does)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var stderr = Data()
        if let marker {
            while process.isRunning {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                stderr.append(chunk)
                if String(decoding: stderr, as: UTF8.self).contains(marker) {
                    kill(process.processIdentifier, SIGINT)
                    break
                }
            }
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        stderr.append(err.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "fragbench-run-\(UUID().uuidString)"
    }

    static let fast = ["--allow-debug", "--quick", "--samples", "3", "--min-sample-ms", "0.2", "--arena", "16M"]

    @Test(arguments: [
        (["--align", "48"], "--align 48 is not a power of two"),
        (["--page-size", "8K"], "--page-size 8192 is not one of 4K, 16K, 64K"),
        (["--max-size", "12K"], "--max-size 12288 with --page-size 4096"),
        (["--fragsz", "abc"], "--fragsz 'abc': expected a number"),
        (["--workload", "alloc-everything"], "--workload 'alloc-everything' is not one of"),
        (["--workload", "replay"], "--workload replay needs --trace FILE"),
        (["--counters", "magic"], "--counters 'magic' is not one of"),
        (["--preset", "huge"], "--preset 'huge' is not one of default, quick"),
        (["--workload", "alloc-free", "--depth", "0"], "--depth '0': must be between 1 and"),
    ])
    func invalidValuesAreRefusedBeforeAnythingRuns(arguments: [String], message: String) throws {
        let output = temporaryDirectory()
        let result = try run(["run", "--output", output] + Self.fast + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// A results directory that cannot take the run is refused before the first point is
    /// measured, for a plain run and a run in visit processes alike.
    @Test func anUnwritableOutputIsRefusedBeforeMeasuring() throws {
        for extra in [[], ["--process-per-visit", "--visits", "2"]] {
            let result = try run(["run", "--allow-debug", "--quick", "--workload", "alloc-only", "--arena", "16M",
                                  "--output", "/dev/null/x"] + extra)
            #expect(result.status == 1, "\(extra): \(result.stderr)")
            #expect(result.stderr.contains("results directory /dev/null/x: /dev/null is not a directory"), "\(result.stderr)")
            #expect(!result.stderr.contains("ns/op") && !result.stderr.contains("visit 1/"), "nothing measured: \(result.stderr)")
        }
    }

    @Test func aDebugBuildIsRefusedUnlessAllowed() throws {
        let output = temporaryDirectory()
        let result = try run(["run", "--output", output, "--quick"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("this is a debug build"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func aRunPublishesItsFilesAndTheHistory() throws {
        let output = temporaryDirectory()
        let result = try run(["run", "--output", output, "--workload", "alloc-free,mixed", "--fragsz", "64,256"] + Self.fast)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let latest = output + "/latest"
        for file in ["results.csv", "report.md", "run.json"] {
            #expect(FileManager.default.fileExists(atPath: latest + "/" + file))
        }
        let csv = try String(contentsOfFile: latest + "/results.csv", encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1 + 3)
        let report = try String(contentsOfFile: latest + "/report.md", encoding: .utf8)
        #expect(report.contains("DEBUG BUILD"))
        // One name per point: `fragbench list`'s, in the progress lines, the printed table,
        // report.md's table and the first column of results.csv.
        let listed = try run(["list", "--workload", "alloc-free,mixed", "--fragsz", "64,256"]).stdout.split(separator: "\n").map(String.init)
        #expect(listed.count == 3 && listed.contains("alloc-free/page:4096/max:32768/fragsz:256/align:1/depth:256"))
        for name in listed {
            #expect(result.stderr.contains(name + ": "), "progress line of \(name)")
            #expect(result.stdout.contains("| \(name) | "), "printed table row of \(name)")
            #expect(report.contains("| \(name) | "), "report.md row of \(name)")
            #expect(csv.contains("\r\n\(name),"), "results.csv row of \(name)")
        }
        let history = try String(contentsOfFile: output + "/history.csv", encoding: .utf8)
        #expect(history.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1 + 3)
    }

    @Test func ctrlCKeepsEarlierResultsAndMarksThePartialRun() throws {
        let output = temporaryDirectory()
        let first = try run(["run", "--output", output, "--workload", "alloc-free"] + Self.fast)
        #expect(first.status == 0)
        let history = try String(contentsOfFile: output + "/history.csv", encoding: .utf8)
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: output + "/latest")

        let sizes = (1 ... 40).map { String($0 * 8) }.joined(separator: ",")
        let second = try run(["run", "--output", output, "--workload", "alloc-free", "--fragsz", sizes] + Self.fast,
                             interruptAfterStderr: "[2/")
        #expect(second.status == 130, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("partial results kept in"))
        #expect(try String(contentsOfFile: output + "/history.csv", encoding: .utf8) == history)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output + "/latest") == latest)
        let runs = try FileManager.default.contentsOfDirectory(atPath: output + "/runs")
        let partial = try #require(runs.first { $0.hasSuffix("-partial") })
        #expect(FileManager.default.fileExists(atPath: output + "/runs/" + partial + "/PARTIAL"))
        let report = try String(contentsOfFile: output + "/runs/" + partial + "/report.md", encoding: .utf8)
        #expect(report.contains("PARTIAL RUN"))
    }
}
