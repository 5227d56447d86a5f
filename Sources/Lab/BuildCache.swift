import Foundation

/// Release binaries of commits, one directory per commit and toolchain
/// (`.build-compare/bin/<commit>-<toolchain>/fragbench`, the layout scripts/compare.sh used),
/// so a second comparison against the same commit builds nothing. The five most recently used
/// are kept (about 20 MB each).
package struct BuildCache {
    package static let kept = 5

    package let root: String
    /// The toolchain's key: another compiler makes another binary.
    package let toolchain: String

    package init(root: String, toolchain: String) {
        self.root = root
        self.toolchain = toolchain
    }

    package func directory(_ commit: String) -> String { "\(root)/\(commit)-\(toolchain)" }

    /// The commit's cached binary, marked as just used; nil when there is none.
    package func binary(_ commit: String) -> String? {
        let path = directory(commit) + "/fragbench"
        guard FileManager.default.isExecutableFile(atPath: path) else { return nil }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: directory(commit))
        return path
    }

    /// Copies `binary` in as the commit's, then drops the least recently used beyond `kept`.
    /// Published whole (a rename), so a compare killed mid-copy, or one running beside this
    /// one, never leaves a half-written binary under a commit's name.
    package func store(_ binary: String, commit: String) throws(ValidationFailure) -> String {
        let staging = "\(root)/.staging.\(getpid()).\(UUID().uuidString.prefix(8))"
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: binary, toPath: staging + "/fragbench")
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw ValidationFailure("cannot copy \(binary) into \(root): \(error)")
        }
        // A rename onto a directory another compare published first fails: theirs is the same
        // commit's build, so it stays.
        if rename(staging, directory(commit)) != 0 { try? FileManager.default.removeItem(atPath: staging) }
        prune()
        return directory(commit) + "/fragbench"
    }

    /// Keeps the `kept` most recently used commits of this toolchain.
    package func prune() {
        let suffix = "-" + toolchain
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }
            .map { name -> (String, Date) in
                let date = (try? FileManager.default.attributesOfItem(atPath: "\(root)/\(name)")[.modificationDate] as? Date) ?? .distantPast
                return (name, date)
            }
            .sorted { $0.1 > $1.1 }
        for (name, _) in entries.dropFirst(Self.kept) { try? FileManager.default.removeItem(atPath: "\(root)/\(name)") }
    }

    /// The key scripts/compare.sh gave a toolchain (`swift --version | cksum`), so the binaries
    /// it cached are found and the other way round.
    package static func toolchainKey(swift: String) throws(ValidationFailure) -> String {
        let script = #"("$0" --version 2>/dev/null || echo "no swift") | cksum"#
        let out = try ChildCommand("/bin/sh", ["-c", script, swift]).run(output: .capture)
        guard out.status == 0, let key = out.text.split(separator: " ").first, !key.isEmpty else {
            throw ValidationFailure("cannot read the toolchain's version (\(swift) --version)")
        }
        return String(key)
    }
}
