import Foundation
import Testing
@testable import FragCache
@testable import Workloads

/// Small arenas and counts keep the suite fast; the default configuration (4 KiB pages,
/// 32 KiB max size) unless a test says otherwise.
func parameters(_ kind: WorkloadKind, config: FragCacheConfig = try! FragCacheConfig(),
                _ adjust: (inout WorkloadParameters) -> Void = { _ in }) -> WorkloadParameters {
    var p = WorkloadParameters(kind: kind, config: config, count: 5_000, arenaBytes: 16 << 20)
    adjust(&p)
    return p
}

/// Writes `text` to a fresh file in the temporary directory and returns its path.
func temporaryFile(_ text: String, suffix: String = ".txt") throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("workloads-\(UUID().uuidString)\(suffix)")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// The `.invalid` message a throwing expression produced, or nil if it did not throw one.
func invalidMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as WorkloadError {
        if case .invalid(let message) = error { return message }
        return "not .invalid: \(error)"
    } catch {
        return "not a WorkloadError: \(error)"
    }
}

/// Base pages in use, pinned pages excluded.
func pagesInUse(_ allocator: PageAllocator) -> Int {
    let stats = allocator.stats
    return stats.pagesInUse - stats.pinnedPages
}
