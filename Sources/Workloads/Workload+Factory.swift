import FragCache

/// Builds the runner for `parameters.kind` on `parameters.impl` (and, for the Swift model,
/// `parameters.variant`), after checking the parameters (see `WorkloadParameters.validate()`);
/// set-up problems (mmap, an unreadable or invalid trace, a thread that cannot start, a peer
/// library that is not installed) are reported as errors too, and a combination that makes no
/// sense as `.notApplicable` with the reason.
///
/// Each case names one concrete type, so every timed loop is specialised for one
/// implementation and one layout.
public func makeWorkload(_ parameters: WorkloadParameters) throws(WorkloadError) -> any WorkloadRunner {
    try parameters.validate()
    if let why = parameters.notApplicableReason { throw .notApplicable(why) }
    switch parameters.impl {
    case .swift where parameters.api == .localFree:
        return try makeGeneral(parameters, SwiftLocalFreeAllocator.self)
    case .swift where parameters.api == .bulk:
        return try makeGeneral(parameters, SwiftBulkAllocator.self)
    case .swift:
        switch parameters.variant {
        case .remaining: return try makeSwift(parameters, SwiftRemaining.self)
        case .offsetUp: return try makeSwift(parameters, SwiftOffsetUp.self)
        case .offsetDown: return try makeSwift(parameters, SwiftOffsetDown.self)
        case .v6_12: return try makeGeneral(parameters, SwiftV6_12.self)
        case .v6_13: return try makeGeneral(parameters, SwiftV6_13.self)
        case .rfcV11Pre08: return try makeGeneral(parameters, SwiftRFCv11Pre08.self)
        case .rfcV11: return try makeGeneral(parameters, SwiftRFCv11.self)
        case .part2V2 where parameters.kind == .prepareCommit: return try PrepareCommitRunner<Part2Sendmsg>(parameters)
        case .part2V2: return try makeGeneral(parameters, SwiftPart2V2.self)
        case .skPageFrag: return try PrepareCommitRunner<SkPageFrag>(parameters)
        }
    case .c:
        switch parameters.variant {
        case .remaining, .offsetUp, .offsetDown, .skPageFrag: return try makeGeneral(parameters, CFragAllocator.self)
        // The C twins of the kernel versions (Sources/CKernelPorts).
        case .v6_12: return try makeGeneral(parameters, CKernelV6_12.self)
        case .v6_13: return try makeGeneral(parameters, CKernelV6_13.self)
        case .rfcV11Pre08: return try makeGeneral(parameters, CKernelRFCv11Pre08.self)
        case .rfcV11: return try makeGeneral(parameters, CKernelRFCv11.self)
        case .part2V2: return try makeGeneral(parameters, CKernelPart2v2.self)
        }
    case .malloc: return try makeGeneral(parameters, GlibcAllocator.self)
    case .jemalloc: return try makeGeneral(parameters, JemallocAllocator.self)
    case .mimalloc: return try makeGeneral(parameters, MimallocAllocator.self)
    }
}

private func makeSwift<A: SwiftCacheAllocator & ~Copyable>(_ parameters: WorkloadParameters, _: A.Type) throws(WorkloadError) -> any WorkloadRunner {
    switch parameters.kind {
    case .prepareCommit: return try PrepareCommitWorkload(parameters)
    case .pressure: return try PressureRunner<A>(parameters)
    case .replay: return try ReplayWorkload(parameters)
    default: return try makeGeneral(parameters, A.self)
    }
}

/// The workloads every implementation runs.
private func makeGeneral<A: FragmentAllocator & ~Copyable>(_ parameters: WorkloadParameters, _: A.Type) throws(WorkloadError) -> any WorkloadRunner {
    switch parameters.kind {
    case .allocOnly: return try AllocOnlyRunner<A>(parameters)
    case .freeOnly: return try FreeOnlyRunner<A>(parameters)
    case .allocFree: return try AllocFreeRunner<A>(parameters)
    case .crossThread: return try CrossThreadRunner<A>(parameters)
    case .mixed: return try MixedRunner<A>(parameters)
    case .prepareCommit, .pressure, .replay:
        throw .notApplicable("\(parameters.kind.rawValue) is page_frag-only")
    }
}
