import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension ResultStore {
    /// A new, empty directory `<root>/<section>/<name>` for a command's output (`reproduce/`,
    /// …), or `<name>-2`, `<name>-3`, … when that name is taken: created with mkdir(2), which
    /// fails on an existing directory, so an earlier output is never reused or clobbered, even
    /// by two commands started in the same second.
    public func freshDirectory(section: String, name: String) throws -> String {
        try Self.freshDirectory(in: root + "/" + section, name: name)
    }

    /// The same in any `parent` (`tune --output` names the tune directories' parent itself).
    public static func freshDirectory(in parent: String, name: String) throws -> String {
        try Directories.create(parent)
        for n in 1 ... 10_000 {
            let candidate = parent + "/" + (n == 1 ? name : "\(name)-\(n)")
            if mkdir(candidate, 0o755) == 0 { return candidate }
            guard errno == EEXIST else { throw ResultStoreError.system(candidate) }
        }
        throw ResultStoreError.writeFailed(parent + "/" + name, "ten thousand names like it are taken")
    }
}
