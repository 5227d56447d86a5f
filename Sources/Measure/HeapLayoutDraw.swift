#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CFragShim
import Support

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
    ///
    /// With `seedVariable` set to a number, the draw is that number's: `pair` gives both workers
    /// of a session the same one (and each starts itself again without address
    /// randomization), so the two processes share one layout and the sessions still each draw
    /// a new one.
    public static func draw() {
        guard held == nil, !isDeterministic else { return }
        let bytes = 16 * (1 + (seededDraws()?.heap ?? Int.random(in: 0 ..< 256)))
        held = malloc(bytes)
        shiftBytes = held == nil ? 0 : bytes
    }

    /// The environment variable that carries a draw's seed.
    public static let seedVariable = "FRAGBENCH_LAYOUT_SEED"

    /// Whether this process was given a draw's seed (`pair`'s workers of one binary).
    public static var hasSeed: Bool { seededDraws() != nil }

    /// Two draws in 0..<256 from the seed in `seedVariable`, for the heap and for the stack;
    /// nil when it is unset or not a number.
    static func seededDraws() -> (heap: Int, stack: Int)? {
        draws(seed: getenv(seedVariable).map { String(cString: $0) })
    }

    /// The two draws of a seed's text, nil when there is none or it is not a number.
    static func draws(seed text: String?) -> (heap: Int, stack: Int)? {
        guard let text, let seed = UInt64(text) else { return nil }
        var generator = SplitMix64(seed: seed)
        return (generator.next(below: 256), generator.next(below: 256))
    }

    /// Runs `body` with the stack moved down by the seed's stack draw (16 to 4096 bytes, in
    /// 16-byte steps), or as it is without a seed. A seed comes with address randomization off
    /// (`pair`'s workers), which also fixes where the stack starts within its page: the kernel
    /// no longer moves it, and what is on it above `main` (the arguments, the environment, the
    /// binary's path) is the same in every session, so a path's length would stay in every
    /// session's layout of one build. With randomization on, the kernel's own offset does this.
    ///
    /// A process that must count the same instructions in every run (`isDeterministic`) gets
    /// the opposite: its stack put at the same offset within a page whatever its arguments and
    /// environment take. Two callgrind children of one point (`fragbench profile`'s and the
    /// gate's), whose arguments differ by a file name, counted 1972.83 and 1978.83 instructions
    /// per operation in a debug build under make, whose environment is longer.
    public static func withStackShift(_ body: () -> Void) {
        if isDeterministic { return atFixedStackOffset(body) }
        shifted(byDraw: seededDraws()?.stack, body)
    }

    /// `body` run with its frames at the same offset within a page from wherever it is called.
    static func atFixedStackOffset(_ body: () -> Void) {
        throughC(body) { fb_call_with_stack_aligned(4096, $0, $1) }
    }

    /// Under valgrind, or asked to be deterministic (the callgrind child's environment,
    /// `Callgrind.environment`): no draw, and a fixed stack offset.
    static var isDeterministic: Bool {
        Callgrind.isRunningOnValgrind || Callgrind.environment.keys.contains { getenv($0) != nil }
    }

    /// `body` run 16 x (1 + `draw`) bytes lower on the stack, or as it is for nil.
    static func shifted(byDraw draw: Int?, _ body: () -> Void) {
        guard let draw else { return body() }
        throughC(body) { fb_call_with_stack_shift(16 * (1 + draw), $0, $1) }
    }

    /// Runs `body` through a C function that takes a callback and its context (`call`).
    private static func throughC(_ body: () -> Void,
                                 _ call: (@convention(c) (UnsafeMutableRawPointer?) -> Void, UnsafeMutableRawPointer) -> Void) {
        withoutActuallyEscaping(body) { body in
            let box = Unmanaged.passRetained(StackShiftBody(body)).toOpaque()
            call({ context in
                // Safe: `context` is the box passed below, retained until the call returns.
                Unmanaged<StackShiftBody>.fromOpaque(context.unsafelyUnwrapped).takeUnretainedValue().body()
            }, box)
            Unmanaged<StackShiftBody>.fromOpaque(box).release()
        }
    }
}

/// The body `withStackShift` hands through C.
private final class StackShiftBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
