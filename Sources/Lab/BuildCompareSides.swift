/// The two builds a comparison pairs: each one's binary, its label in the tables, and its
/// name in `results/compare/<base>-vs-<head>`.
package struct BuildCompareSides {
    package var baseBinary: String
    package var baseLabel: String
    package var baseName: String
    package var headBinary: String
    package var headLabel: String
    package var headName: String

    /// Resolves both revisions first (a bad HEAD is said before BASE is built), then builds
    /// each through the cache. Without a HEAD revision the head is this binary, which
    /// `make compare` built from the working tree.
    package static func resolve(_ settings: BuildCompareSettings, revisions: BuildRevisions,
                                builder: BuildCompareBuilder) throws(ValidationFailure) -> BuildCompareSides {
        func commit(_ revision: String) throws(ValidationFailure) -> String {
            guard let sha = try revisions.commit(revision) else { throw ValidationFailure("'\(revision)' is not a commit here") }
            return sha
        }
        let baseCommit = try commit(settings.base)
        let headCommit = try settings.head.map { revision throws(ValidationFailure) in try commit(revision) }
        let baseShort = try revisions.short(baseCommit)
        let baseBinary = try builder.binary(name: "base", commit: baseCommit, label: "BASE \(settings.base)")
        if let head = settings.head, let headCommit {
            let headShort = try revisions.short(headCommit)
            let headBinary = try builder.binary(name: "head", commit: headCommit, label: "HEAD \(head)")
            return BuildCompareSides(baseBinary: baseBinary, baseLabel: "\(settings.base) (\(baseShort))", baseName: baseShort,
                                     headBinary: headBinary, headLabel: "\(head) (\(headShort))", headName: headShort)
        }
        let dirty = try revisions.isDirty() ? "-dirty" : ""
        let current = try revisions.commit("HEAD").map { sha throws(ValidationFailure) in try revisions.short(sha) } ?? "no commit"
        return BuildCompareSides(baseBinary: baseBinary, baseLabel: "\(settings.base) (\(baseShort))", baseName: baseShort,
                                 headBinary: ThisBinary.path, headLabel: "working tree (\(current)\(dirty))",
                                 headName: "worktree\(dirty)")
    }
}
