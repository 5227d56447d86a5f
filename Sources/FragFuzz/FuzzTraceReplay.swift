import FragCache
import FragReplay

/// libFuzzer entry (`make fuzz`): every input is a trace, replayed through the parser and the
/// replayer with each cache layout. libFuzzer supplies main(), so this target is built only
/// with `--sanitize=fuzzer` (Package.swift adds it when FRAGBENCH_FUZZ is set) and this file
/// is not main.swift. Besides ASan's checks and the model's own assertions, each outcome must
/// keep the replay's contract: status 0, or status 2 with one bounded `error line L: reason`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTraceReplay(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    replay(bytes, RemainingLayout.self)
    replay(bytes, OffsetUpLayout.self)
    replay(bytes, OffsetDownLayout.self)
    return 0
}

private func replay<Layout: FragLayout>(_ bytes: [UInt8], _ layout: Layout.Type) {
    var written = 0
    // 16 MiB instead of the replay's 1 GiB: the arena's page descriptors are set up per input,
    // and a small arena also lets short inputs reach exhaustion (null results).
    let outcome = TraceFile.replay(lines: TraceLines(bytes), layout: layout, arenaBytes: 16 << 20) { written &+= $0.utf8.count }
    switch outcome.status {
    case 0:
        precondition(outcome.error == nil, "\(Layout.name): status 0 with an error")
    case 2:
        let error = outcome.error ?? ""
        precondition(error.hasPrefix("error line "), "\(Layout.name): error without its line: \(error)")
        precondition(!error.contains("\n") && !error.contains("\r") && !error.contains("\0"),
                     "\(Layout.name): error is not one line: \(error)")
        precondition(error.utf8.count < 1024, "\(Layout.name): error of \(error.utf8.count) bytes")
    default:
        preconditionFailure("\(Layout.name): status \(outcome.status)")
    }
}
