import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Support

/// An flock(2) lock. The kernel drops it when its holder dies, kill -9 included, so a lock
/// never outlives a process; any program that speaks flock (flock(1), another FragBench, a
/// sanitizer watching syscalls) sees it. Locks on two descriptors conflict even within one
/// process, so threads publishing into one directory are serialised like processes.
final class FileLock {
    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Waits for the lock on `path` (created if missing).
    static func acquire(_ path: String, exclusive: Bool) throws -> FileLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ResultStoreError.system(path) }
        if case .failure(let error) = retryingEINTR("flock", { flock(fd, exclusive ? LOCK_EX : LOCK_SH) }) {
            close(fd)
            throw ResultStoreError.system(path, error.code)
        }
        return FileLock(fd: fd)
    }

    /// Locks a directory its caller just created, for as long as it writes into it.
    static func holdDirectory(_ path: String) throws -> FileLock {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ResultStoreError.system(path) }
        if case .failure(let error) = retryingEINTR("flock", { flock(fd, LOCK_EX) }) {
            close(fd)
            throw ResultStoreError.system(path, error.code)
        }
        return FileLock(fd: fd)
    }

    /// The lock on a directory when no live process holds it: its owner died (or finished).
    /// Nil while someone holds it, or when the directory is gone.
    static func takeAbandonedDirectory(_ path: String) -> FileLock? {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return FileLock(fd: fd)
    }

    func release() {
        guard fd >= 0 else { return }
        close(fd)  // closing the only descriptor releases the flock
        fd = -1
    }

    deinit { release() }
}

extension ResultStore {
    /// The lock file that serialises publication in this results directory.
    public var lockPath: String { root + "/.lock" }

    /// Exclusive: naming, history, latest and recovery happen under it, one process at a time.
    func lockExclusively() throws -> FileLock {
        try Directories.create(runsDirectory)
        return try FileLock.acquire(lockPath, exclusive: true)
    }
}

/// A run's files being written, invisible to readers: `runs/.staging-<name>-<pid>-<random>`.
/// Its creator holds an flock on the directory until the directory is renamed into place or
/// removed, so the next run tells a live writer's staging from a dead one's.
struct Staging {
    let path: String
    let lock: FileLock

    /// Creates the directory and locks it while holding the results lock shared: recovery
    /// (which holds it exclusively) can never see the directory before its lock is taken.
    static func create(in store: ResultStore, label: String) throws -> Staging {
        try Directories.create(store.runsDirectory)
        let shared = try FileLock.acquire(store.lockPath, exclusive: false)
        defer { shared.release() }
        let safeLabel = String(label.map { $0 == "/" ? "_" : $0 }.prefix(100))
        let path = store.runsDirectory + "/" + Staging.prefix + "\(safeLabel)-\(getpid())-\(String(UInt32.random(in: 0 ... .max), radix: 16))"
        guard mkdir(path, 0o755) == 0 else { throw ResultStoreError.system(path) }
        do {
            return Staging(path: path, lock: try FileLock.holdDirectory(path))
        } catch {
            rmdir(path)
            throw error
        }
    }

    static let prefix = ".staging-"

    func write(_ files: [String: String], store: ResultStore) throws {
        for (index, (file, text)) in files.sorted(by: { $0.key < $1.key }).enumerated() {
            try AtomicFile.write(text, to: path + "/" + file)
            if index == 0 { try store.step(.staging) }
        }
        // The files' names durable before the directory is renamed into runs/.
        try DirectorySync.sync(path)
    }

    /// Removes the directory (this process's own, after a failure) and lets go of it.
    func discard() {
        try? FileManager.default.removeItem(atPath: path)
        lock.release()
    }
}
