import Foundation
import Testing
@testable import Measure

/// End-to-end: a C loop bracketed by callgrind client requests, run with the
/// exact command line Callgrind.commandLine builds, then parsed. Needs
/// valgrind and a C compiler on PATH.
@Suite struct CallgrindRunTests {
    static let tools: (valgrind: String, cc: String)? = {
        guard let valgrind = Callgrind.valgrindPath(),
              let cc = findExecutable("cc") ?? findExecutable("gcc") ?? findExecutable("clang")
        else { return nil }
        return (valgrind, cc)
    }()

    @Test(.enabled(if: tools != nil, "needs valgrind and a C compiler on PATH"))
    func instructionsScaleWithOperations() throws {
        let tools = try #require(Self.tools)
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("measure-callgrind-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("loop.c")
        let binary = dir.appendingPathComponent("loop").path
        try """
        #include <valgrind/callgrind.h>
        #include <stdlib.h>
        int main(int argc, char **argv) {
            long n = atol(argv[1]);
            volatile long acc = 0;
            CALLGRIND_START_INSTRUMENTATION;
            for (long i = 0; i < n; i++) acc += i;
            CALLGRIND_STOP_INSTRUMENTATION;
            return 0;
        }
        """.write(to: source, atomically: true, encoding: .utf8)
        #expect(try run(tools.cc, ["-O1", "-o", binary, source.path]) == 0)

        func instructions(ops: Int) throws -> CallgrindTotals {
            let out = dir.appendingPathComponent("cg.\(ops).out").path
            let argv = Callgrind.commandLine(binary: binary, arguments: [String(ops)], outputFile: out,
                                             valgrind: tools.valgrind)
            #expect(try run(argv[0], Array(argv.dropFirst()), environment: Callgrind.environment) == 0)
            return try CallgrindTotals.parse(file: out).get()
        }
        let small = try instructions(ops: 1_000)
        let large = try instructions(ops: 11_000)
        // Exact simulation: 10,000 extra iterations cost the same per op every run.
        let perOp = Double(large.instructions! - small.instructions!) / 10_000
        #expect(perOp >= 2 && perOp <= 20, "instructions per iteration: \(perOp)")
        #expect(large.estimatedCycles! >= large.instructions!)
        #expect(large.perOp(operations: 11_000).allSatisfy { $0.value != nil })
    }

    private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
