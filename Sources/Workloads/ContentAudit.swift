/// Hooks the prepare-commit loop calls as fragments are made, extended and freed. The
/// production loop is specialised with `NoAudit`, whose hooks are empty and vanish; tests use
/// `ContentAudit` to check that the bytes copied into each fragment survive until it is freed.
protocol CopyAudit {
    mutating func committed(slot: Int, streamOffset: Int, length: Int)
    mutating func extended(by bytes: Int)
    mutating func releasing(slot: Int, fragment: UnsafeMutableRawPointer)
}

struct NoAudit: CopyAudit {
    // One stored byte: an empty struct passed inout has no real address, and TSan's access
    // instrumentation then computed shadow memory for a made-up one and crashed (SEGV in
    // StoreShadow, every run of WorkloadFactoryTests under make sanitize).
    private var unused: UInt8 = 0
    @inline(__always) func committed(slot: Int, streamOffset: Int, length: Int) {}
    @inline(__always) func extended(by bytes: Int) {}
    @inline(__always) func releasing(slot: Int, fragment: UnsafeMutableRawPointer) {}
}

/// Remembers where in the source stream each ring slot's fragment starts and how long it has
/// grown, and compares its bytes with the stream when it is freed.
struct ContentAudit: CopyAudit {
    private var starts: [Int]
    private var lengths: [Int]
    private var newest = -1
    /// Fragments checked, bytes checked and fragments whose bytes differed.
    private(set) var fragmentsChecked = 0
    private(set) var bytesChecked = 0
    private(set) var mismatches = 0
    /// Fragments that grew by coalescing at least once.
    private(set) var extensions = 0

    init(depth: Int) {
        starts = [Int](repeating: 0, count: depth)
        lengths = [Int](repeating: 0, count: depth)
    }

    mutating func committed(slot: Int, streamOffset: Int, length: Int) {
        starts[slot] = streamOffset
        lengths[slot] = length
        newest = slot
    }

    mutating func extended(by bytes: Int) {
        precondition(newest >= 0, "ContentAudit: an extension before any fragment")
        lengths[newest] += bytes
        extensions += 1
    }

    mutating func releasing(slot: Int, fragment: UnsafeMutableRawPointer) {
        let period = PrepareCommitWorkload.streamPeriod
        var same = true
        for k in 0 ..< lengths[slot] where fragment.load(fromByteOffset: k, as: UInt8.self) != PrepareCommitWorkload.streamByte((starts[slot] + k) % period) {
            same = false
            break
        }
        fragmentsChecked += 1
        bytesChecked += lengths[slot]
        if !same { mismatches += 1 }
    }
}
