import Synchronization

/// The page allocator's lock (the kernel's zone->lock). Benchmarks use `Mutex`: its uncontended
/// lock and unlock are inlined, while `PThreadLock` costs two calls into libc per acquisition,
/// measured at +20 callgrind instructions per op on alloc-only 4K/2048 (158 -> 178, one
/// refill every second op). `make sanitize` builds with -DFRAGCACHE_PTHREAD_LOCK, because
/// ThreadSanitizer cannot see `Mutex` (see PThreadLock.swift) but does see pthread mutexes.
#if FRAGCACHE_PTHREAD_LOCK
public typealias ArenaLock<Value> = PThreadLock<Value>
#else
public typealias ArenaLock<Value> = Mutex<Value>
#endif
