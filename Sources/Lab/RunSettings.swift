import Measure

/// How `fragbench run` measures a sweep, apart from the sweep itself: counters, sampling,
/// pinning, where it saves. Codable, so that a visit process gets exactly the parent's settings.
package struct RunSettings: Codable, Sendable, Equatable {
    package var counters: CounterMode = .auto
    /// With `.callgrind`: the counts only, nothing timed.
    package var callgrindOnly = false
    /// Callgrind children at once (nil: one per CPU).
    package var jobs: Int?
    package var quick = false
    package var samples: Int?
    package var visits: Int?
    /// Visits added, in processes of their own, to the points still unstable after the planned
    /// ones (`ProcessVisits.visits`); nil: as many as planned (none with --quick); 0: none.
    package var topUpVisits: Int?
    package var minSampleMs: Double?
    package var estimator: Estimator = .standard
    package var noCanary = false
    package var cpu: Int?
    package var noPin = false
    /// The results directory; nil: print the table, save nothing.
    package var output: String?
    package var allowDebug = false
    /// Check the run against the machine's canary reference and add to it (`CanaryReference`);
    /// off in visit processes, whose parent checks the pooled run once.
    package var machineReference = true
    /// The command line the provenance records.
    package var command = "fragbench run"

    package init() {}
}

extension CounterMode: Codable {}

extension Estimator: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Estimator(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "estimator '\(text)'"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
