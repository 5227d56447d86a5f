import Foundation

/// A child process run to completion, for tests that read what a script or `make -n` prints.
/// One stream is captured (the other goes to /dev/null), so a full pipe can never block it.
enum ChildProcess {
    enum Stream { case standardOutput, standardError }

    struct Outcome { var status: Int32; var text: String }

    static func run(_ executable: String, _ arguments: [String], capture: Stream,
                    environment: [String: String]? = nil, directory: URL? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = capture == .standardOutput ? pipe : FileHandle.nullDevice
        process.standardError = capture == .standardError ? pipe : FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
    }
}
