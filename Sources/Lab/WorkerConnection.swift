import Foundation
import Measure
import Support

/// How to start one build's worker (`fragbench pair` starts fresh ones for every session).
package struct WorkerLauncher {
    package let name: String
    package let binary: String
    package let arguments: [String]
    package let log: String?

    package func launch() throws -> WorkerConnection {
        try Self.launch([self])[0]
    }

    /// This launcher with its worker started from `binary` (a session's copy of it).
    package func running(_ binary: String) -> WorkerLauncher {
        WorkerLauncher(name: name, binary: binary, arguments: arguments, log: log)
    }

    /// Whether two paths name one file (symbolic links followed): one binary on both sides.
    package static func isSameFile(_ a: String, _ b: String) -> Bool {
        ExecutableCopies.identity(of: a) == ExecutableCopies.identity(of: b)
    }

    /// Starts one worker per launcher, all before any greeting is read, so that their start-ups
    /// (about 10 ms each) overlap. With `sharedLayout`, each gets that heap-and-stack layout
    /// draw (`HeapLayoutDraw.seedVariable`) and starts itself again without address
    /// randomization (`AddressRandomization`): one layout for all of them.
    package static func launch(_ launchers: [WorkerLauncher], sharedLayout seed: UInt64? = nil) throws -> [WorkerConnection] {
        var started: [WorkerConnection] = []
        let environment = seed.map { [HeapLayoutDraw.seedVariable: String($0)] } ?? [:]
        do {
            for l in launchers {
                started.append(try WorkerConnection(name: l.name, binary: l.binary, arguments: l.arguments, log: l.log,
                                                    environment: environment))
            }
            for w in started { try w.awaitGreeting() }
        } catch {
            WorkerConnection.stop(started)
            throw error
        }
        return started
    }

    /// Starts the worker once to check it speaks the protocol; returns its workloads revision,
    /// whether it draws its layout from a given seed, and whether its build aligns functions.
    package func probe() throws -> (workloads: Int, drawsLayoutFromSeed: Bool, alignsFunctions: Bool) {
        let worker = try launch()
        defer { worker.stop() }
        return (worker.workloadsRevision, worker.drawsLayoutFromSeed, worker.alignsFunctions)
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
    /// Whether the worker's greeting says it draws its layout from a given seed.
    private(set) var drawsLayoutFromSeed = false
    /// Whether the worker's greeting says its build starts every function on 64 bytes.
    private(set) var alignsFunctions = false
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer: [UInt8] = []

    /// Starts `binary worker ...` (`awaitGreeting` reads its greeting); throws when the binary
    /// cannot start.
    package init(name: String, binary: String, arguments: [String], log: String?, environment: [String: String] = [:]) throws {
        _ = Self.brokenPipesAreErrors
        self.name = name
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["worker"] + arguments
        process.standardInput = input
        process.standardOutput = output
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        // Appended: a pairing starts fresh workers for every session, all logging to one file.
        if let log, FileManager.default.fileExists(atPath: log) || FileManager.default.createFile(atPath: log, contents: nil),
           let handle = FileHandle(forWritingAtPath: log) {
            _ = try? handle.seekToEnd()
            process.standardError = handle
        }
        do { try process.run() } catch { throw Failure.start("\(name): cannot start \(binary): \(error)") }
    }

    /// Reads the worker's greeting: throws when it does not speak the protocol (a build from
    /// before the worker existed). Separate from starting, so that two workers start at once.
    package func awaitGreeting() throws {
        let binary = process.executableURL?.path ?? "the worker"
        guard let greeting = readLine() else {
            throw Failure.start("\(name): \(binary) has no 'worker' command (a build from before pairing), or it exited")
        }
        guard let (version, workloads) = WorkerProtocol.parseGreeting(greeting), version == WorkerProtocol.version else {
            throw Failure.start("\(name): \(binary) answered '\(greeting.prefix(80))', not '\(WorkerProtocol.greeting)'")
        }
        workloadsRevision = workloads
        drawsLayoutFromSeed = WorkerProtocol.drawsLayoutFromSeed(greeting)
        alignsFunctions = WorkerProtocol.alignsFunctions(greeting)
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

    /// A worker that exited (crashed, or a binary without the protocol) must not kill the
    /// controller when the controller next writes to it: SIGPIPE is ignored, so the write fails
    /// with EPIPE and reads as "the worker stopped listening". (The controller's own output
    /// already treats EPIPE as the end: `StandardStreams`.)
    private static let brokenPipesAreErrors: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    package func stop() {
        Self.stop([self])
    }

    /// Stops `workers`, all told before any is waited for: a worker that held a 256 MiB arena
    /// takes about 25 ms to exit (the kernel frees its pages), and each unpins itself first
    /// (`WorkerSession.finish`), so the exits run on both CPUs at once.
    package static func stop(_ workers: [WorkerConnection]) {
        for w in workers {
            try? w.send(.quit)
            try? w.input.fileHandleForWriting.close()
        }
        for w in workers { w.process.waitForExit() }
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
