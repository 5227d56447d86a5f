import Foundation
import Testing

/// The `fragbench replay` binary end to end: streams, exit status, and file errors. `make test`
/// builds the binary before the tests run.
@Suite struct ReplayCommandTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var binary: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fragbench"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/fragbench")
                .standardizedFileURL,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    func run(_ arguments: [String]) throws -> Result {
        let binary = try #require(Self.binary, "build fragbench first (make test does)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func specExampleByteForByte() throws {
        let result = try run(["replay", Self.golden.appendingPathComponent("spec-example.trace").path])
        #expect(result.status == 0)
        #expect(result.stdout == """
            refill page=1 order=3 pfmemalloc=0
            a page=1 off=0
            b page=1 off=64
            free a refs=32768
            drain refs=1
            release page=1
            free b refs=0

            """)
        #expect(result.stderr.isEmpty)
    }

    @Test func badLineStopsWithStatusTwoAndKeepsOutput() throws {
        let result = try run(["replay", Self.golden.appendingPathComponent("error-free-twice.trace").path])
        #expect(result.status == 2)
        #expect(result.stdout == "refill page=1 order=3 pfmemalloc=0\na page=1 off=0\nfree a refs=32768\n")
        #expect(result.stderr == "error line 5: fragment 'a' is freed twice\n")
    }

    @Test func missingFileIsAClearError() throws {
        let result = try run(["replay", "/nonexistent/trace.txt"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: /nonexistent/trace.txt: No such file or directory\n")
    }

    @Test func endlessInputEndsWithTheLineLengthError() throws {
        let result = try run(["replay", "/dev/zero"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error line 1: line longer than 65536 bytes\n")
    }

    @Test func hostileTokensAreQuotedCutAndEscaped() throws {
        let path = NSTemporaryDirectory() + "hostile-\(UUID().uuidString).trace"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = "alloc a 0000000000000000001\nalloc b " + String(repeating: "9", count: 60_000) + "\u{0}\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try run(["replay", path])
        #expect(result.status == 2)
        #expect(result.stdout == "refill page=1 order=3 pfmemalloc=0\na page=1 off=0\n")
        #expect(result.stderr == "error line 2: SIZE '" + String(repeating: "9", count: 40) + "…' is not a decimal number\n")
    }

    @Test func unknownVariantIsAUsageError() throws {
        let result = try run(["replay", "--variant", "sideways", Self.golden.appendingPathComponent("spec-example.trace").path])
        #expect(result.status == 64)
        #expect(result.stderr == "Error: --variant 'sideways' is not one of remaining, offset-up, offset-down (see 'fragbench replay --help')\n")
    }

    @Test func directoryIsAClearError() throws {
        let result = try run(["replay", Self.golden.path])
        #expect(result.status == 2)
        #expect(result.stderr.hasSuffix(": is a directory, not a trace file\n"))
    }
}
