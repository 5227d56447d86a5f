import Foundation
import Measure

/// Names for a profile: instruction addresses to their inlined call chains and source lines
/// (addr2line, on the unstripped binary: callgrind ran a copy without debug information, with
/// the same code at the same addresses), and Swift's mangled names to readable ones
/// (`swift demangle`). Both are one process for all names; either missing leaves the raw names.
package enum ProfileSymbols {
    /// One address's frames, innermost first: the function executing and the line in it, then
    /// each function it is inlined into with the line of the inlined call.
    package struct Frame: Equatable {
        package var function: String
        package var line: String?

        package init(function: String, line: String?) {
            self.function = function
            self.line = line
        }
    }

    /// addr2line -a -f -i over `addresses` in `binary`. Empty when addr2line is missing or fails.
    package static func inlineChains(_ addresses: [UInt64], binary: String) -> [UInt64: [Frame]] {
        guard !addresses.isEmpty, let tool = findExecutable("addr2line") else { return [:] }
        let input = addresses.map { "0x" + String($0, radix: 16) }.joined(separator: "\n") + "\n"
        guard let output = run(tool, ["-a", "-f", "-i", "-e", binary], input: input) else { return [:] }
        return parseChains(output)
    }

    /// addr2line -a -f -i output: "0x…" starts an address, then pairs of lines (function,
    /// file:line). "??" and "?" mark what the line table does not know.
    package static func parseChains(_ text: String) -> [UInt64: [Frame]] {
        var chains: [UInt64: [Frame]] = [:]
        var current: UInt64?
        var pendingFunction: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("0x"), let address = UInt64(line.dropFirst(2), radix: 16) {
                current = address
                chains[address] = []
                pendingFunction = nil
                continue
            }
            guard let address = current else { continue }
            if let function = pendingFunction {
                chains[address]!.append(Frame(function: function, line: sourceLine(String(line))))
                pendingFunction = nil
            } else {
                pendingFunction = String(line)
            }
        }
        return chains
    }

    /// "/work/x/Sources/FragCache/FragCache.swift:97" → "Sources/FragCache/FragCache.swift:97";
    /// nil for "??:?" or a compiler-generated location.
    package static func sourceLine(_ location: String) -> String? {
        guard !location.hasPrefix("??"), !location.hasSuffix(":?"), !location.hasSuffix(":0"),
              !location.contains("<compiler-generated>") else { return nil }
        if let r = location.range(of: "/Sources/", options: .backwards) { return "Sources/" + location[r.upperBound...] }
        return location
    }

    /// Readable names for `names` (mangled Swift names; others come back as they are).
    package static func demangled(_ names: Set<String>) -> [String: String] {
        let list = names.sorted()
        guard !list.isEmpty, let swift = findExecutable("swift-demangle") ?? findExecutable("swift") else { return [:] }
        let arguments = (swift.hasSuffix("/swift") ? ["demangle"] : []) + ["--simplified", "--compact"]
        guard let output = run(swift, arguments, input: list.joined(separator: "\n") + "\n") else { return [:] }
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= list.count else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(list, lines.prefix(list.count)).map { ($0, $1.isEmpty ? $0 : $1) })
    }

    /// Runs `tool` with `input` on stdin; its stdout, or nil when it cannot run or fails.
    package static func run(_ tool: String, _ arguments: [String], input: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Written from another thread: a large input must not block on a full pipe while the
        // tool waits for us to read its output.
        let data = Data(input.utf8)
        let writer = Thread {
            stdin.fileHandleForWriting.write(data)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitForExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: output, as: UTF8.self)
    }
}
