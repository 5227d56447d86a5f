#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A value guarded by a pthread mutex: the page allocator's lock, and any other state several
/// threads share. Why not `Synchronization.Mutex`: on this toolchain its lock lives in the
/// uninstrumented standard library, so ThreadSanitizer sees none of its acquire/release edges
/// and reports every access it guards as a race; pthread_mutex_lock/unlock are intercepted by
/// TSan, so `make sanitize` checks the real locking. It is on the refill slow path only.
///
/// Noncopyable: one lock, destroyed once. The mutex and the value live in their own heap
/// allocations, so their addresses never change while threads use them.
public struct PThreadLock<Value>: ~Copyable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline let value: UnsafeMutablePointer<Value>

    public init(_ initial: consuming Value) {
        mutex = .allocate(capacity: 1)
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
        value = .allocate(capacity: 1)
        value.initialize(to: initial)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Runs `body` with exclusive access to the value. The same signature as `Mutex.withLock`
    /// (`sending`), so that code written against `ArenaLock` compiles with either.
    @inlinable
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        // A default (non-robust, non-error-checking) mutex that we initialised: lock and
        // unlock cannot fail except on misuse, which the debug build checks.
        let locked = pthread_mutex_lock(mutex)
        assert(locked == 0, "pthread_mutex_lock failed: \(locked)")
        defer {
            let unlocked = pthread_mutex_unlock(mutex)
            assert(unlocked == 0, "pthread_mutex_unlock failed: \(unlocked)")
        }
        // Safe: `value` is initialised from init to deinit, and the mutex makes this the only
        // access to it for the duration of `body`.
        return try body(&value.pointee)
    }
}

// Safe: every access to the value goes through withLock, under the mutex.
extension PThreadLock: @unchecked Sendable {}
