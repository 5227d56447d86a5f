import BenchReport

/// The "where it was measured" table at the top of peers.md and reproduce.md: commit, date,
/// build, CPU, host, load, the command's own rows, mode and command line.
package enum ProvenanceTable {
    package static func markdown(_ p: Provenance, extra: [(String, String)]) -> String {
        let commit = (p.gitCommit.map { String($0.prefix(12)) } ?? "unknown commit") + (p.gitDirty == true ? " (dirty)" : "")
        var out = "| | |\n|---|---|\n"
        out += "| commit | \(commit) |\n| date | \(p.date) |\n| build | \(p.buildConfiguration) |\n"
        out += "| cpu | \(p.cpuModel ?? "unknown")\(p.cpuCount.map { ", \($0) CPUs online" } ?? "") |\n"
        if let host = p.hostName { out += "| host | \(host) |\n" }
        if let load = p.loadAverage { out += "| load average | \(load) (at the start) |\n" }
        for (name, value) in extra { out += "| \(name) | \(value) |\n" }
        out += "| mode | \(p.quick ? "QUICK: short budgets, for smoke tests, not conclusions" : "standard") |\n"
        out += "| command | `\(p.command)` |\n\n"
        return out
    }
}
