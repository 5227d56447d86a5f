import Foundation
@testable import BenchReport

/// What must hold in a results directory after anything (concurrent runs, kills, damage):
/// every history row names an existing run directory whose run.json holds exactly those
/// points; a name's rows come from one run; every run directory is in the history or marked
/// partial (or, before the next run's recovery, carries its pending rows); `latest` is a
/// symlink to a run in the history. `settled`: no recovery is due, so no staging directory,
/// pending rows or temporary file is left either.
enum ResultsAudit {
    static let tokenColumn = ResultStore.historyColumns.firstIndex(of: "parameters")!

    /// The history's runs, in order of first row, each with the tokens of its rows.
    static func historyRuns(_ root: String) -> [(name: String, tokens: [String])] {
        guard let data = FileManager.default.contents(atPath: root + "/history.csv") else { return [] }
        var runs: [(name: String, tokens: [String])] = []
        for record in CSVRecords.parse(String(decoding: data, as: UTF8.self)).dropFirst() {
            let token = record.fields.count > tokenColumn ? token(inParameters: record.fields[tokenColumn]) : "?"
            if let last = runs.indices.last, runs[last].name == record.fields[0] {
                runs[last].tokens.append(token)
            } else {
                runs.append((record.fields[0], [token]))
            }
        }
        return runs
    }

    static func token(inParameters text: String) -> String {
        text.split(separator: ";").first { $0.hasPrefix("token=") }.map { String($0.dropFirst(6)) } ?? "?"
    }

    /// The tokens of a run directory's points (from run.json), nil when it has none readable.
    static func tokens(ofRun directory: String) -> [String]? {
        guard let data = FileManager.default.contents(atPath: directory + "/run.json"),
              let run = try? JSONReport.parse(String(decoding: data, as: UTF8.self), path: directory) else { return nil }
        return run.points.map { $0.parameters["token"] ?? "?" }
    }

    static func problems(in root: String, settled: Bool, liveStaging: Set<String> = []) -> [String] {
        var problems: [String] = []
        let runsDirectory = root + "/runs"
        let manager = FileManager.default
        if let data = manager.contents(atPath: root + "/history.csv") {
            let records = CSVRecords.parse(String(decoding: data, as: UTF8.self))
            if records.first?.fields != ResultStore.historyColumns { problems.append("history.csv has another header") }
            for (index, record) in records.enumerated() where !record.complete || record.fields.count != ResultStore.historyColumns.count {
                problems.append("history.csv record \(index) is cut or has \(record.fields.count) fields")
            }
        }
        let history = historyRuns(root)
        var seen = Set<String>()
        for run in history {
            if !seen.insert(run.name).inserted { problems.append("run \(run.name) has rows in two places of history.csv") }
            if Set(run.tokens).count != 1 { problems.append("run \(run.name)'s rows come from \(Set(run.tokens).count) runs") }
            guard let stored = tokens(ofRun: runsDirectory + "/" + run.name) else {
                problems.append("history names \(run.name) but runs/\(run.name) has no readable run.json")
                continue
            }
            if stored != run.tokens { problems.append("run \(run.name)'s history rows are not its run.json's points") }
        }
        let entries = (try? manager.contentsOfDirectory(atPath: runsDirectory)) ?? []
        for entry in entries {
            let path = runsDirectory + "/" + entry
            if entry.hasPrefix(".") {
                if settled && !liveStaging.contains(entry) { problems.append("runs/\(entry) left behind") }
                continue
            }
            let pending = manager.fileExists(atPath: path + "/.pending-history.csv")
            if pending && settled { problems.append("runs/\(entry) still has pending history rows") }
            if !seen.contains(entry) && !manager.fileExists(atPath: path + "/PARTIAL") && !pending {
                problems.append("runs/\(entry) is neither in history.csv nor marked partial")
            }
        }
        if settled {
            for entry in (try? manager.contentsOfDirectory(atPath: root)) ?? [] where entry.contains(".tmp-") {
                problems.append("\(entry) left behind")
            }
        }
        let latest = root + "/latest"
        if let target = try? manager.destinationOfSymbolicLink(atPath: latest) {
            let name = target.hasPrefix("runs/") ? String(target.dropFirst(5)) : ""
            if !seen.contains(name) { problems.append("latest -> \(target), not a run in history.csv") }
            if !manager.fileExists(atPath: latest + "/run.json") { problems.append("latest -> \(target), which has no run.json") }
        } else if manager.fileExists(atPath: latest) {
            problems.append("latest is not a symlink")
        } else if !history.isEmpty {
            problems.append("history.csv has runs but there is no latest")
        }
        return problems
    }
}

/// Runs the built `fragbench` as a child process.
enum Fragbench {
    static var binary: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fragbench"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/fragbench")
                .standardizedFileURL,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Child {
        let process: Process
        let out: Pipe
        let err: Pipe
    }

    struct Result {
        var status: Int32
        /// Killed by a signal (terminationStatus is then the signal number).
        var signalled: Bool
        var stdout: String
        var stderr: String
    }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Child {
        guard let binary else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "fragbench (build it first: make test does)"]) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Child(process: process, out: out, err: err)
    }

    static func wait(_ child: Child) -> Result {
        let stdout = child.out.fileHandleForReading.readDataToEndOfFile()
        let stderr = child.err.fileHandleForReading.readDataToEndOfFile()
        child.process.waitUntilExit()
        return Result(status: child.process.terminationStatus, signalled: child.process.terminationReason == .uncaughtSignal,
                      stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        wait(try start(arguments, environment: environment))
    }
}
