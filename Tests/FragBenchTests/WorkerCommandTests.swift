import Foundation
import Testing
import Lab
import Measure

/// `fragbench worker` started as `pair` starts one: given a layout draw's seed, it runs without
/// address randomization (it started itself again), and still greets; without one it runs as
/// it was started.
@Suite struct WorkerCommandTests {
    /// The personality word of a worker started with `environment`, read while it runs.
    private func workerPersonality(_ environment: [String: String]) throws -> UInt32? {
        let binary = try #require(RunCommandTests.binary)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["worker", "--allow-debug"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        defer {
            try? input.fileHandleForWriting.write(contentsOf: Data("quit\n".utf8))
            try? input.fileHandleForWriting.close()
            process.waitForExit()
        }
        // The greeting comes after the new start, so the word read then is the one it runs with.
        var greeting = Data()
        while !greeting.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            greeting.append(chunk)
        }
        #expect(String(decoding: greeting, as: UTF8.self).hasPrefix("fragbench-worker "))
        let word = try String(contentsOfFile: "/proc/\(process.processIdentifier)/personality", encoding: .utf8)
        return UInt32(word.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16)
    }

    @Test func aWorkerGivenALayoutDrawRunsWithoutAddressRandomization() throws {
        let seeded = try #require(try workerPersonality([HeapLayoutDraw.seedVariable: "7"]))
        #expect(seeded & 0x0040000 != 0, "\(String(seeded, radix: 16))")
        let own = try #require(try workerPersonality([:]))
        let ours = try String(contentsOfFile: "/proc/self/personality", encoding: .utf8)
        #expect(own == UInt32(ours.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16), "as started")
    }
}
