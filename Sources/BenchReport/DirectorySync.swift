import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// fsync(2) on a directory. A rename is durable only once the directory holding the new name
/// is on disk: without this, a power loss after "saved" could bring back the results as they
/// were before the rename (ext4 and XFS journal the data of a renamed file, not the directory
/// entry's position in time). Each file is already flushed before it is renamed
/// (`AtomicFile.writeWhole`); this flushes the names.
enum DirectorySync {
    static func sync(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ResultStoreError.system(path) }
        var failure: Int32?
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            // Some file systems cannot sync a directory (EINVAL): nothing more can be done there.
            if errno != EINVAL { failure = errno }
            break
        }
        close(fd)
        if let failure { throw ResultStoreError.system(path, failure) }
    }
}
