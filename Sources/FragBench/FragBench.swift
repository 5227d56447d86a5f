import ArgumentParser

/// `fragbench`: the FragBench lab's command line.
@main
struct FragBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fragbench",
        abstract: "A performance lab for the Linux kernel's page_frag cache, modelled in Swift.",
        subcommands: [RunCommand.self, ListCommand.self, ReplayCommand.self, CountersCommand.self, PeersCommand.self, ReportCommand.self, CompareCommand.self, TuneCommand.self,
                      PairCommand.self, WorkerCommand.self, StoreSelftestCommand.self]
    )
}
