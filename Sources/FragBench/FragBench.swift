
import ArgumentParser
import Foundation
import FragReplay
import Lab
import Measure

/// `fragbench`: the FragBench lab's command line.
@main
struct FragBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fragbench",
        abstract: "A performance lab for the Linux kernel's page_frag cache, modelled in Swift.",
        subcommands: [RunCommand.self, ListCommand.self, ReplayCommand.self, CountersCommand.self, PeersCommand.self, ReportCommand.self, CompareCommand.self, TuneCommand.self, ReproduceCommand.self,
                      PairCommand.self, ProfileCommand.self, HistoryCommand.self, ProbeCommand.self, WorkerCommand.self, CallgrindChildCommand.self, VisitCommand.self, StoreSelftestCommand.self]
    )

    /// ArgumentParser's own main, except that a usage error (exit 64) is one line naming the
    /// option and what is wrong with it, and where help is, without the usage screen after it,
    /// and with the offending text escaped so it cannot break the line.
    static func main() {
        // A worker given a layout draw runs without address randomization (AddressRandomization):
        // it starts itself again first, before anything else is set up.
        if HeapLayoutDraw.hasSeed { AddressRandomization.turnOffByStartingAgain() }
        // Every fragbench process measures as a process with threads (LibcThreadMode): a
        // worker would otherwise run glibc's locks without atomics and a visit process with.
        LibcThreadMode.leaveSingleThreaded()
        // Each process its own draw of the heap's layout (HeapLayoutDraw), or, for pair's
        // workers, the session's draw for the heap and the stack.
        HeapLayoutDraw.draw()
        HeapLayoutDraw.withStackShift(run)
    }

    private static func run() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let status as ExitStatus {
            exit(withError: ExitCode(status.code))
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            StandardStreams.err("Error: " + UsageErrorText.oneLine(message(for: error))
                                + UsageErrorText.helpPointer(fullMessage(for: error)) + "\n")
            exit(withError: ExitCode.validationFailure)
        }
    }
}

/// A usage error's message as one printable line of bounded length. ArgumentParser's "The
/// value 'V' is invalid for '--x <x>': why" becomes "--x 'V': why", the form the commands'
/// own checks use, with the value cut to a few dozen characters so the option's name and the
/// reason survive a huge value.
enum UsageErrorText {
    static let limit = 600

    static func oneLine(_ message: String) -> String {
        let prefix = "The value '", marker = "' is invalid for '"
        if message.hasPrefix(prefix), let cut = message.range(of: marker, options: .backwards),
           cut.lowerBound >= message.index(message.startIndex, offsetBy: prefix.count) {
            let value = message[message.index(message.startIndex, offsetBy: prefix.count) ..< cut.lowerBound]
            let rest = message[cut.upperBound...]
            // rest: "--x <x>': why" (or "<x>': why" for an argument).
            if let end = rest.range(of: "'") {
                let synopsis = rest[..<end.lowerBound]
                let name = synopsis.hasPrefix("-") ? synopsis.prefix(while: { $0 != " " }) : synopsis
                let reason = rest[end.upperBound...]
                return QuotedText.escaped(name + " '", limit: limit) + QuotedText.escaped(value)
                    + QuotedText.escaped("'" + reason, limit: limit)
            }
        }
        return QuotedText.escaped(message, limit: limit)
    }

    /// " (see 'fragbench list --help')", taken from ArgumentParser's full message.
    static func helpPointer(_ fullMessage: String) -> String {
        guard let start = fullMessage.range(of: "See '"),
              let end = fullMessage[start.upperBound...].firstIndex(of: "'") else { return "" }
        return " (see '" + QuotedText.escaped(fullMessage[start.upperBound ..< end], limit: 80) + "')"
    }
}
