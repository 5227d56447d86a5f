/// What happened when trying to get one requested hardware event.
public struct HardwareEventStatus: Sendable {
    /// One tried name and how far it got.
    public struct Attempt: Sendable, Equatable {
        public enum Stage: String, Sendable { case encode, open }
        public let name: String
        /// The stage that failed, nil when this attempt succeeded.
        public let failedAt: Stage?
        public let reason: String?
        public let hint: String?
        /// libpfm's canonical encoding, when encoding succeeded.
        public let encoding: String?
    }

    public let request: HardwareEventRequest
    public let attempts: [Attempt]
    /// The spec that encoded and opened, nil if none did.
    public let usable: PerfEventSpec?

    public var isAvailable: Bool { usable != nil }

    /// The last failure's reason, which is what the user needs to act on.
    public var reason: String? {
        isAvailable ? nil : attempts.map { "\($0.name): \($0.reason ?? "?")" }.joined(separator: "; ")
    }

    public var hint: String? { isAvailable ? nil : attempts.last?.hint }
}

/// Finds which hardware events actually work here, by encoding each with
/// libpfm and opening it alone (then closing it).
public enum HardwareProbe {
    public static func probe(_ requests: [HardwareEventRequest] = HardwareEventRequest.defaults,
                             paranoid: Int? = PerfSettings.paranoid()) -> [HardwareEventStatus] {
        requests.map { request in
            var attempts: [HardwareEventStatus.Attempt] = []
            for name in request.candidates {
                switch PFM.encode(name) {
                case .failure(let error):
                    attempts.append(.init(name: name, failedAt: .encode, reason: error.reason,
                                          hint: "check the name with `showevtinfo` or `perf list`",
                                          encoding: nil))
                case .success(let spec):
                    let (group, failures) = CounterGroup.open([spec], paranoid: paranoid)
                    if group != nil {
                        attempts.append(.init(name: name, failedAt: nil, reason: nil, hint: nil,
                                              encoding: spec.encoding))
                        return HardwareEventStatus(request: request, attempts: attempts, usable: spec)
                    }
                    let failure = failures.first
                    attempts.append(.init(name: name, failedAt: .open, reason: failure?.reason,
                                          hint: failure?.hint, encoding: spec.encoding))
                }
            }
            return HardwareEventStatus(request: request, attempts: attempts, usable: nil)
        }
    }
}
