import Foundation

/// Release builds of the commits a comparison needs, each through the commit-keyed cache: a
/// commit built before is not built again.
package struct BuildCompareBuilder {
    /// `.build-compare` in the repository: scratch paths, build logs, checkouts, the cache.
    package let area: String
    package let swift: String
    package let revisions: BuildRevisions
    package let cache: BuildCache
    /// Where this comparison's checkouts go (removed when it ends).
    package let work: String

    package init(area: String, swift: String, revisions: BuildRevisions, cache: BuildCache, work: String) {
        self.area = area
        self.swift = swift
        self.revisions = revisions
        self.cache = cache
        self.work = work
    }

    /// The commit's release binary, from the cache or built into it. `name` (base, head) names
    /// its scratch path and log; `label` is how the user named it. A build that has no
    /// `fragbench run` (older than the lab's runner) is refused.
    package func binary(name: String, commit: String, label: String) throws(ValidationFailure) -> String {
        if let cached = cache.binary(commit) {
            StandardStreams.err("compare: \(name): \(label) built before, reusing \(cached) (no build)\n")
            return cached
        }
        let source = "\(work)/src-\(name)"
        try revisions.addWorktree(source, commit: commit)
        defer { revisions.removeWorktree(source) }
        let built = try build(name: name, source: source)
        // Asked of the binary, not grepped from its source: what a build supports is what it runs.
        guard BuildCapabilities(binary: built).hasRun else {
            throw ValidationFailure("\(label) predates 'fragbench run': nothing to compare against (pick a newer commit)")
        }
        return try cache.store(built, commit: commit)
    }

    /// A release build of `source` with its own scratch path; its binary. SwiftPM's progress
    /// goes to the log, and a line every 20 s says the build is alive and how far it is.
    func build(name: String, source: String) throws(ValidationFailure) -> String {
        let scratch = "\(area)/\(name)", log = "\(area)/build-\(name).log"
        StandardStreams.err("compare: building \(name) (\(source)) in \(scratch); log: \(log)\n")
        let started = Date()
        var said = started
        let command = ChildCommand(swift, ["build", "-c", "release", "--package-path", source, "--scratch-path", scratch,
                                           "--product", "fragbench"])
        let status = try command.run(output: .log(log)) {
            guard Date().timeIntervalSince(said) >= 20 else { return }
            said = Date()
            StandardStreams.err("compare:   \(name): \(Int(said.timeIntervalSince(started))) s, \(Self.lastStep(log: log))\n")
        }.status
        if InterruptFlag.isRaised { throw ValidationFailure("interrupted while building \(name)") }
        guard status == 0 else {
            ChildCommand.showTail(ofLog: log, lines: 30)
            throw ValidationFailure("building \(name) failed (log above, whole log: \(log))")
        }
        StandardStreams.err("compare: built \(name) in \(Int(Date().timeIntervalSince(started))) s\n")
        return scratch + "/release/fragbench"
    }

    /// SwiftPM's last "[n/m] Compiling …" line in the log, cut to 100 characters.
    static func lastStep(log: String) -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let step = text.split(separator: "\n").last { $0.hasPrefix("[") && $0.contains("/") && $0.contains("]") }
        return String((step ?? "").prefix(100))
    }
}
