/// One CPU cache of the machine, as sysfs describes it (and google-benchmark's context lists it).
public struct CPUCache: Codable, Sendable, Equatable {
    /// "Data", "Instruction" or "Unified".
    public var type: String
    public var level: Int
    public var sizeBytes: Int
    /// How many CPUs share it.
    public var sharedBy: Int

    public init(type: String, level: Int, sizeBytes: Int, sharedBy: Int) {
        self.type = type
        self.level = level
        self.sizeBytes = sizeBytes
        self.sharedBy = sharedBy
    }

    /// "L1d 48 KiB", "L3 260 MiB (shared by 2)".
    public var text: String {
        let suffix = type == "Data" ? "d" : type == "Instruction" ? "i" : ""
        return "L\(level)\(suffix) \(NumberFormat.bytes(sizeBytes))" + (sharedBy > 1 ? " (shared by \(sharedBy))" : "")
    }
}
