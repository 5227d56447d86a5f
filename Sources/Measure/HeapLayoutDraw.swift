#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One random draw of the heap's layout per process. The heap starts at a random page, but
/// where each object falls within a page is the same in every process of one binary started
/// the same way: it depends on what was allocated before it, down to the length of the
/// executable's path. Two hot objects 4 KiB apart modulo a page then alias in every session of
/// a comparison, and fresh processes do not help. Seen on the AMD EPYC VM, 2026-12-06: one
/// build of HEAD run from a 77-character path read mixed 32K 1.50 [1.42, 1.58] times slower,
/// paired, than the same file run from paths of 76, 81, 85 or 89 characters (0.99-1.00),
/// which made `make compare BASE=HEAD` report a regression. Mytkowicz et al. (ASPLOS 2009) and
/// Stabilizer (ASPLOS 2013) found the same: layout alone moves results. Shifting every later
/// small allocation by a random multiple of 16 bytes within a page makes each process its own
/// draw, so a layout's luck spreads over sessions and visits instead of biasing them all.
public enum HeapLayoutDraw {
    /// The shift drawn for this process, in bytes (16...4096), once `draw()` ran.
    public private(set) nonisolated(unsafe) static var shiftBytes = 0
    /// Held for the process's life: freeing it would give the bytes back to the next request.
    nonisolated(unsafe) static var held: UnsafeMutableRawPointer?

    /// Allocates and keeps a block of 16 to 4096 bytes, in steps of 16 (malloc's granule).
    /// Call once, first thing in the process; later calls do nothing. Not under valgrind, nor
    /// where the process was asked to be deterministic (the callgrind child's environment,
    /// `Callgrind.environment`): instruction counts must come out the same in every run, and
    /// they move with the layout too (malloc's and memcpy's paths depend on it).
    public static func draw() {
        guard held == nil, !Callgrind.isRunningOnValgrind else { return }
        for name in Callgrind.environment.keys where getenv(name) != nil { return }
        let bytes = 16 * Int.random(in: 1 ... 256)
        held = malloc(bytes)
        shiftBytes = held == nil ? 0 : bytes
    }
}
