import Support
import Testing
@testable import FragCache

/// `carveRun` against a loop of `carve`, every layout: same starts, same count, same cursor.
@Suite struct FragLayoutRunsTests {
    func check<L: FragLayout>(_: L.Type, sourceLocation: SourceLocation = #_sourceLocation) {
        var generator = SplitMix64(seed: 7)
        var compared = 0
        for _ in 0 ..< 20_000 {
            let size = UInt32(4096 << Int.random(in: 0 ... 3, using: &generator))
            let align = 1 << Int.random(in: 0 ... 12, using: &generator)
            let mask = UInt32(align - 1)
            let fragsz = [1, 3, 64, 100, 1000, 4095, 4096, 5000][Int.random(in: 0 ..< 8, using: &generator)]
            let limit = Int.random(in: 0 ... 70, using: &generator)
            // Any cursor a page can have: from the full page to exhausted.
            let start = L.fullCursor(size: size)
            var cursor = start
            var warmUp = Int.random(in: 0 ... 5, using: &generator)
            while warmUp > 0, L.carve(&cursor, size: size, fragsz: Int.random(in: 1 ... 3000, using: &generator), alignMask: 0) != nil {
                warmUp -= 1
            }
            var loopCursor = cursor
            var starts: [UInt32] = []
            while starts.count < limit, let offset = L.carve(&loopCursor, size: size, fragsz: fragsz, alignMask: mask) {
                starts.append(offset)
            }
            var runCursor = cursor
            let run = L.carveRun(&runCursor, size: size, fragsz: fragsz, alignMask: mask, limit: limit)
            let runStarts = (0 ..< run.count).map { UInt32(Int(run.first) + $0 * run.stride) }
            #expect(runStarts == starts, "\(L.name) size \(size) cursor \(cursor) fragsz \(fragsz) align \(align) limit \(limit)", sourceLocation: sourceLocation)
            #expect(runCursor == loopCursor, "\(L.name) cursor after the run", sourceLocation: sourceLocation)
            if !starts.isEmpty { compared += 1 }
        }
        #expect(compared > 1000, "the generator must produce runs that fit", sourceLocation: sourceLocation)
    }

    @Test func remaining() { check(RemainingLayout.self) }
    @Test func offsetUp() { check(OffsetUpLayout.self) }
    @Test func offsetDown() { check(OffsetDownLayout.self) }
}
