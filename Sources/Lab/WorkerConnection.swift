import Foundation
import Support

/// How to start one build's worker (`fragbench pair` starts fresh ones for every session).
package struct WorkerLauncher {
    package let name: String
    package let binary: String
    package let arguments: [String]
    package let log: String?

    package func launch() throws -> WorkerConnection {
        try WorkerConnection(name: name, binary: binary, arguments: arguments, log: log)
    }

    /// Starts the worker once to check it speaks the protocol; returns its workloads revision.
    package func probe() throws -> Int {
        let worker = try launch()
        defer { worker.stop() }
        return worker.workloadsRevision
    }

    package init(name: String, binary: String, arguments: [String], log: String? = nil) {
        self.name = name
        self.binary = binary
        self.arguments = arguments
        self.log = log
    }
}

/// One running `fragbench worker` of a build: its process and a line channel to it.
package final class WorkerConnection {
    package enum Failure: Error, CustomStringConvertible {
        case start(String)
        case protocolError(String)
        package var description: String {
            switch self {
            case .start(let why), .protocolError(let why): return why
            }
        }
    }

    package let name: String
    /// The workloads revision the worker announced (`WorkerProtocol.workloadsRevision`).
    private(set) var workloadsRevision = 1
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer: [UInt8] = []

    /// Starts `binary worker ...`; throws when the binary cannot start or does not greet with
    /// the protocol (a build from before the worker existed).
    package init(name: String, binary: String, arguments: [String], log: String?) throws {
        self.name = name
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["worker"] + arguments
        process.standardInput = input
        process.standardOutput = output
        // Appended: a pairing starts fresh workers for every session, all logging to one file.
        if let log, FileManager.default.fileExists(atPath: log) || FileManager.default.createFile(atPath: log, contents: nil),
           let handle = FileHandle(forWritingAtPath: log) {
            _ = try? handle.seekToEnd()
            process.standardError = handle
        }
        do { try process.run() } catch { throw Failure.start("\(name): cannot start \(binary): \(error)") }
        guard let greeting = readLine() else {
            throw Failure.start("\(name): \(binary) has no 'worker' command (a build from before pairing), or it exited")
        }
        guard let (version, workloads) = WorkerProtocol.parseGreeting(greeting), version == WorkerProtocol.version else {
            throw Failure.start("\(name): \(binary) answered '\(greeting.prefix(80))', not '\(WorkerProtocol.greeting)'")
        }
        workloadsRevision = workloads
    }

    /// Sends one request and returns the reply line.
    package func request(_ request: WorkerProtocol.Request) throws -> String {
        try send(request)
        return try reply()
    }

    /// Sends one request without waiting for its reply (`reply()` reads it), so that two
    /// workers can work on theirs at once.
    package func send(_ request: WorkerProtocol.Request) throws {
        let line = WorkerProtocol.encode(request) + "\n"
        do {
            try input.fileHandleForWriting.write(contentsOf: Data(line.utf8))
        } catch {
            throw Failure.protocolError("\(name): the worker stopped listening (\(error))")
        }
    }

    /// The reply line to the request sent last.
    package func reply() throws -> String {
        guard let reply = readLine() else { throw Failure.protocolError("\(name): the worker exited") }
        return reply
    }

    package func stop() {
        _ = try? input.fileHandleForWriting.write(contentsOf: Data((WorkerProtocol.encode(.quit) + "\n").utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Reads up to the next newline straight from the pipe (no FileHandle buffering, so a reply
    /// is seen as soon as it is written).
    private func readLine() -> String? {
        let fd = output.fileHandleForReading.fileDescriptor
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { b in retryingEINTR("read") { read(fd, b.baseAddress, 4096) } }
            guard case .success(let count) = n, count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
