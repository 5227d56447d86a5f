#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CFragShim  // see PerfEvent.swift: perf_event.h declarations are shared
import CLibPFM

/// pfm_initialize() must run once per process before any other libpfm call.
/// A global `let` is initialised exactly once, atomically, on first use.
private let pfmInitResult: Int32 = pfm_initialize()

/// libpfm4: turns event names ("cycles", "L1-dcache-load-misses", or
/// CPU-specific names) into perf_event_attr, so the tool accepts the names
/// users know from `perf list` without a hand-maintained table.
public enum PFM {
    /// nil when libpfm initialised, otherwise why not.
    public static var initializationError: String? {
        pfmInitResult == PFM_SUCCESS ? nil : "pfm_initialize: \(message(pfmInitResult))"
    }

    /// pfm_strerror(code) as a Swift string.
    public static func message(_ code: Int32) -> String {
        guard let text = pfm_strerror(code) else { return "libpfm error \(code)" }
        return String(cString: text)
    }

    /// The libpfm PMU models present on this machine (e.g. "perf", "amd64_fam19h_zen4").
    /// A present CPU model does not imply the kernel exposes the PMU: VMs
    /// usually do not.
    public static func presentPMUs() -> [String] {
        guard initializationError == nil else { return [] }
        var names: [String] = []
        for raw in 0..<Int32(PFM_PMU_MAX.rawValue) {
            var info = pfm_pmu_info_t()
            info.size = MemoryLayout<pfm_pmu_info_t>.size
            guard pfm_get_pmu_info(pfm_pmu_t(rawValue: UInt32(raw)), &info) == PFM_SUCCESS,
                  info.is_present != 0, let name = info.name else { continue }
            names.append(String(cString: name))
        }
        return names
    }

    /// Encodes `name` for perf_event_open, counting user space only
    /// (PFM_PLM3). Returns the spec with libpfm's canonical event string as
    /// its encoding, or libpfm's reason.
    public static func encode(_ name: String) -> Result<PerfEventSpec, PFMError> {
        if let error = initializationError { return .failure(PFMError(event: name, reason: error)) }
        var attr = perf_event_attr()
        var fstr: UnsafeMutablePointer<CChar>? = nil
        var arg = pfm_perf_encode_arg_t()
        arg.size = MemoryLayout<pfm_perf_encode_arg_t>.size
        // Invariant: `attr` and `fstr` outlive the call; libpfm writes the
        // attr through arg.attr and stores a malloc'd string in *arg.fstr,
        // which is freed below.
        let code: Int32 = withUnsafeMutablePointer(to: &attr) { attrPointer in
            withUnsafeMutablePointer(to: &fstr) { fstrPointer in
                arg.attr = attrPointer
                arg.fstr = fstrPointer
                return pfm_get_os_event_encoding(name, Int32(PFM_PLM3), PFM_OS_PERF_EVENT_EXT, &arg)
            }
        }
        defer { free(fstr) }
        guard code == PFM_SUCCESS else {
            return .failure(PFMError(event: name, reason: "libpfm cannot encode \"\(name)\": \(message(code))"))
        }
        let canonical = fstr.map { String(cString: $0) } ?? name
        let source: CounterSource = attr.type == PERF_TYPE_SOFTWARE.rawValue ? .softwareEvent : .pmu
        return .success(PerfEventSpec(name: name, source: source, encoding: canonical, attr: attr))
    }
}

/// libpfm could not translate an event name.
public struct PFMError: Error, Sendable, Equatable {
    public let event: String
    public let reason: String
}

/// A hardware event to count, with names to try in order: the first that
/// both encodes and opens is used (e.g. AMD parts often lack LLC-load-misses
/// but have cache-misses).
public struct HardwareEventRequest: Sendable, Equatable {
    public let label: String
    public let candidates: [String]

    public init(_ label: String, candidates: [String]? = nil) {
        self.label = label
        self.candidates = candidates ?? [label]
    }

    /// perf's generic names, all accepted by libpfm 4.13's "perf" PMU.
    public static let defaults: [HardwareEventRequest] = [
        .init("cycles"),
        .init("instructions"),
        .init("L1-dcache-load-misses"),
        .init("LLC-load-misses", candidates: ["LLC-load-misses", "cache-misses"]),
        .init("branch-misses"),
    ]
}
