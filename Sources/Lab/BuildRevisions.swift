import Foundation

/// The git questions `compare --build` asks of the repository it runs in.
package struct BuildRevisions {
    /// The repository's top directory (where results/ and .build-compare/ are).
    package let root: String

    package init(root: String) { self.root = root }

    /// The repository around the current directory; nil outside one.
    package static func here() throws(ValidationFailure) -> BuildRevisions? {
        let out = try ChildCommand("git", ["rev-parse", "--show-toplevel"]).run(output: .capture)
        let root = out.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return out.status == 0 && !root.isEmpty ? BuildRevisions(root: root) : nil
    }

    /// The commit `revision` names; nil when it names none.
    package func commit(_ revision: String) throws(ValidationFailure) -> String? {
        let out = try git(["rev-parse", "--verify", "--quiet", revision + "^{commit}"])
        return out.status == 0 && !out.text.isEmpty ? out.text : nil
    }

    /// A commit's 12-character name, as results/compare/ and the labels use it.
    package func short(_ commit: String) throws(ValidationFailure) -> String {
        let out = try git(["rev-parse", "--short=12", commit])
        return out.status == 0 && !out.text.isEmpty ? out.text : String(commit.prefix(12))
    }

    /// Whether tracked files differ from HEAD (untracked ones do not make a build different).
    package func isDirty() throws(ValidationFailure) -> Bool {
        try !git(["status", "--porcelain", "--untracked-files=no"]).text.isEmpty
    }

    /// A detached checkout of `commit` at `directory`.
    package func addWorktree(_ directory: String, commit: String) throws(ValidationFailure) {
        let out = try ChildCommand("git", ["-C", root, "worktree", "add", "--quiet", "--detach", directory, commit]).run(output: .inherit)
        guard out.status == 0 else { throw ValidationFailure("git worktree add \(directory) \(commit) failed (status \(out.status))") }
    }

    /// Takes a checkout away again.
    package func removeWorktree(_ directory: String) {
        _ = try? ChildCommand("git", ["-C", root, "worktree", "remove", "--force", directory]).run(output: .discard)
        pruneWorktrees()
    }

    /// Forgets checkouts whose directory is gone (a compare killed before it removed its own).
    package func pruneWorktrees() {
        _ = try? ChildCommand("git", ["-C", root, "worktree", "prune"]).run(output: .discard)
    }

    private func git(_ arguments: [String]) throws(ValidationFailure) -> (status: Int32, text: String) {
        let out = try ChildCommand("git", ["-C", root] + arguments).run(output: .capture)
        return (out.status, out.text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
