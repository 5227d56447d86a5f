import Lab
import ArgumentParser
import Measure

/// `fragbench counters`: what the measurement engine can use on this machine
/// and why not, before anyone trusts a `fragbench run` table. Every backend
/// and counter is listed, available or not, so a missing column in a run is
/// never a mystery.
struct CountersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counters",
        abstract: "Report which clocks, perf counters and counter backends work here, and why not."
    )

    func run() throws {
        let report = CounterAvailability.probe()
        StandardStreams.out(report.render() + "\n")
    }
}
