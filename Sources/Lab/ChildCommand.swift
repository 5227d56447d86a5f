import Foundation
import Measure

/// One tool run to completion by `compare --build`: git, `swift build`, and the builds' own
/// fragbench. While it runs, a first Ctrl-C (`InterruptFlag`) is passed on to it, so a
/// `kill -INT` of this process alone still stops the child before this process cleans up;
/// `tick` is called about once a second (a build's progress line).
package struct ChildCommand {
    package enum Output: Equatable {
        /// This process's own standard streams.
        case inherit
        /// Standard output and error written to this file (emptied first).
        case log(String)
        /// Standard output returned as text (standard error discarded).
        case capture
        case discard
    }

    package var tool: String
    package var arguments: [String]
    package var directory: String?
    /// Set on top of this process's environment.
    package var environment: [String: String]

    package init(_ tool: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:]) {
        self.tool = tool
        self.arguments = arguments
        self.directory = directory
        self.environment = environment
    }

    /// The exit status (128 + N for death by signal N) and, with `.capture`, standard output.
    package func run(output: Output, tick: (() -> Void)? = nil) throws(ValidationFailure) -> (status: Int32, text: String) {
        guard let executable = tool.contains("/") ? tool : findExecutable(tool) else {
            throw ValidationFailure("\(tool) is not on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        // Captured output goes through a file, not a pipe: a pipe nobody reads while the child
        // runs fills up and blocks it.
        var captureFile: String?
        switch output {
        case .inherit: break
        case .discard:
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        case .log(let path):
            guard let handle = Self.emptied(path) else { throw ValidationFailure("cannot write \(path)") }
            process.standardOutput = handle
            process.standardError = handle
        case .capture:
            let path = NSTemporaryDirectory() + "fragbench-child-\(getpid())-\(UUID().uuidString)"
            guard let handle = Self.emptied(path) else { throw ValidationFailure("cannot write \(path)") }
            captureFile = path
            process.standardOutput = handle
            process.standardError = FileHandle.nullDevice
        }
        defer { if let captureFile { try? FileManager.default.removeItem(atPath: captureFile) } }
        do { try process.run() } catch { throw ValidationFailure("cannot start \(executable): \(error)") }
        var forwarded = false, lastTick = Date()
        process.waitForExit {
            if InterruptFlag.isRaised, !forwarded {
                process.interrupt()
                forwarded = true
            }
            if let tick, Date().timeIntervalSince(lastTick) >= 1 {
                lastTick = Date()
                tick()
            }
        }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        let text = captureFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        return (status, text)
    }

    /// The last `lines` lines of a failed child's log, on standard error: why it failed, where
    /// the user is looking.
    package static func showTail(ofLog path: String, lines: Int) {
        let tail = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").suffix(lines)
        StandardStreams.err(tail.joined(separator: "\n") + "\n")
    }

    private static func emptied(_ path: String) -> FileHandle? {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
        return FileHandle(forWritingAtPath: path)
    }
}
