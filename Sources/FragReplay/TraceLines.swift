/// The lines of trace text, numbered from 1, as SPEC 5 reads them: split at newlines, a UTF-8
/// byte order mark dropped from the first line. A line that is not valid UTF-8 comes back as
/// nil text, so each reader reports it in its own way.
public struct TraceLines: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var start: Int
    private var number = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    public mutating func next() -> (number: Int, text: String?)? {
        guard start < bytes.count else { return nil }
        number += 1
        let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
        let raw = bytes[start ..< end]
        start = end + 1
        return (number, String(validating: raw, as: UTF8.self))
    }
}
