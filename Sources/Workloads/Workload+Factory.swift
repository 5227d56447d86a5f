/// Builds the runner for `parameters.kind`, after checking the parameters (see
/// `WorkloadParameters.validate()`); set-up problems (mmap, an unreadable or invalid trace,
/// a thread that cannot start) are reported as errors too.
public func makeWorkload(_ parameters: WorkloadParameters) throws(WorkloadError) -> any WorkloadRunner {
    try parameters.validate()
    switch parameters.kind {
    case .allocOnly: return try AllocOnlyWorkload(parameters)
    case .allocFree: return try AllocFreeWorkload(parameters)
    case .crossThread: return try CrossThreadWorkload(parameters)
    case .prepareCommit: return try PrepareCommitWorkload(parameters)
    case .mixed: return try MixedWorkload(parameters)
    case .pressure: return try PressureWorkload(parameters)
    case .replay: return try ReplayWorkload(parameters)
    }
}
