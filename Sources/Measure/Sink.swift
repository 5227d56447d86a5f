import CFragShim

/// Keeps a result alive as far as the optimiser knows, so a benchmarked
/// computation whose result is otherwise unused is not deleted. Costs no
/// instructions (an empty asm with a memory clobber, see CFragShim.h).
@inline(__always)
public func blackHole(_ value: UInt64) {
    fb_sink_u64(value)
}

/// As `blackHole(_: UInt64)` for any value: its bytes are made observable
/// through a pointer. The pointer is only valid inside the call, which is
/// all the asm needs.
@inline(__always)
public func blackHole<T>(_ value: T) {
    withUnsafePointer(to: value) { fb_sink(UnsafeRawPointer($0)) }
}

/// Forces all prior writes to memory to be treated as observed (a compiler
/// barrier, not a CPU fence).
@inline(__always)
public func clobberMemory() {
    fb_sink(nil)
}
