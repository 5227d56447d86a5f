import Foundation
import Testing
@testable import Measure

@Suite(.serialized) struct HeapLayoutDrawTests {
    /// Whether a local's address is on the thread's stack: not under a sanitizer (make sanitize
    /// sets FRAGBENCH_SANITIZER), whose locals live on a fake stack of its own.
    static let realStack = ProcessInfo.processInfo.environment["FRAGBENCH_SANITIZER"] == nil

    /// One draw per process: a shift within a page in malloc's 16-byte steps, kept; a second
    /// call changes nothing.
    @Test func oneShiftWithinAPagePerProcess() {
        HeapLayoutDraw.draw()
        let shift = HeapLayoutDraw.shiftBytes
        #expect((16 ... 4096).contains(shift) && shift % 16 == 0)
        HeapLayoutDraw.draw()
        #expect(HeapLayoutDraw.shiftBytes == shift)
    }

    /// `pair` gives both workers of a session one seed: the same seed is the same draw, and
    /// seeds spread over the 256 draws; no seed, or one that is not a number, draws at random.
    /// (Pure: setting the variable here would reach the fragbench processes other tests start.)
    @Test func aSeedDecidesTheDraw() {
        var draws: Set<Int> = []
        for seed in 0 ..< 64 {
            let draw = HeapLayoutDraw.draws(seed: String(seed))
            #expect(draw != nil && draw?.heap == HeapLayoutDraw.draws(seed: String(seed))?.heap)
            if let draw { #expect((0 ..< 256).contains(draw.heap) && (0 ..< 256).contains(draw.stack)); draws.insert(draw.heap) }
        }
        #expect(draws.count > 32, "\(draws.count) distinct draws of 64 seeds")
        #expect(HeapLayoutDraw.draws(seed: "not a number") == nil)
        #expect(HeapLayoutDraw.draws(seed: nil) == nil)
    }

    /// `shifted(byDraw:)` runs its body that many 16-byte steps lower on the stack: two draws'
    /// bodies sit their difference apart, exactly.
    @Test(.enabled(if: Self.realStack, "ASan keeps locals on its fake stack"))
    func aDrawMovesTheStack() {
        @inline(never) func stackAddress() -> Int {
            var local = 0
            return withUnsafeMutablePointer(to: &local) { Int(bitPattern: $0) }
        }
        var placed: [(draw: Int, address: Int)] = []
        for draw in [0, 17, 255, 3] {
            var address = 0
            HeapLayoutDraw.shifted(byDraw: draw) { address = stackAddress() }
            placed.append((draw, address))
        }
        for (a, b) in zip(placed, placed.dropFirst()) {
            #expect(a.address - b.address == 16 * (b.draw - a.draw), "\(placed)")
        }
        var ran = false
        HeapLayoutDraw.shifted(byDraw: nil) { ran = true }
        #expect(ran)
    }

    /// A deterministic process's stack: the body's frames lie at one offset within a page,
    /// from whatever depth it is called (as if the arguments above main were longer).
    @Test(.enabled(if: Self.realStack, "ASan keeps locals on its fake stack"))
    func aFixedOffsetDoesNotDependOnWhatLiesAbove() {
        @inline(never) func stackAddress() -> Int {
            var local = 0
            return withUnsafeMutablePointer(to: &local) { Int(bitPattern: $0) }
        }
        @inline(never) func offset(after depth: Int) -> Int {
            if depth > 0 {
                return withUnsafeTemporaryAllocation(byteCount: 48, alignment: 16) { scratch in
                    scratch.initializeMemory(as: UInt8.self, repeating: UInt8(depth))
                    return offset(after: depth - 1) + Int(scratch[0]) * 0
                }
            }
            var address = 0
            HeapLayoutDraw.atFixedStackOffset { address = stackAddress() }
            return address % 4096
        }
        let offsets = Set((0 ..< 12).map { offset(after: $0) })
        #expect(offsets.count == 1, "\(offsets)")
    }
}
