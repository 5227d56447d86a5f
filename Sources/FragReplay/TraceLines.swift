/// The lines of trace text, numbered from 1, as SPEC 5 reads them: split at newlines, a UTF-8
/// byte order mark dropped from the first line. A line that is not valid UTF-8, longer than
/// `maxLineBytes`, or cut short by a read error comes back as a `TraceLineError`, after which
/// the sequence ends, so each reader reports it in its own way.
///
/// From a file it streams: it holds at most one line (and one read chunk) at a time, so a
/// 10-million-line trace replays in bounded memory and /dev/zero ends with "line longer than".
public struct TraceLines: Sequence, IteratorProtocol {
    /// Longer lines are refused: no trace operation needs more than a few dozen bytes, and an
    /// unbounded line (a binary file, /dev/zero) would otherwise be read into memory whole.
    public static let maxLineBytes = 1 << 16

    private var buffer: [UInt8]
    private var start = 0
    /// Bytes from `start` to here hold no newline (saves rescanning a long line per chunk).
    private var scanned = 0
    private var number = 0
    private var finished = false
    private var atFileStart = true
    private let file: TraceFileDescriptor?
    private let limit: Int
    /// Bytes asked of read(2) at a time (small in tests, to cross chunk boundaries often).
    private let chunkBytes: Int

    /// The lines of text already in memory.
    public init(_ bytes: [UInt8], maxLineBytes: Int = TraceLines.maxLineBytes) {
        buffer = bytes
        file = nil
        limit = maxLineBytes
        chunkBytes = 0
    }

    /// The lines of the file at `path`, read as they are consumed.
    public static func open(path: String, maxLineBytes: Int = TraceLines.maxLineBytes) -> Result<TraceLines, FileReadError> {
        open(path: path, maxLineBytes: maxLineBytes, chunkBytes: 1 << 16)
    }

    static func open(path: String, maxLineBytes: Int, chunkBytes: Int) -> Result<TraceLines, FileReadError> {
        FileBytes.openForReading(path).map {
            TraceLines(file: TraceFileDescriptor(fd: $0), maxLineBytes: maxLineBytes, chunkBytes: chunkBytes)
        }
    }

    private init(file: TraceFileDescriptor, maxLineBytes: Int, chunkBytes: Int) {
        precondition(chunkBytes >= 1, "TraceLines: chunkBytes \(chunkBytes) must be at least 1")
        buffer = []
        self.file = file
        limit = maxLineBytes
        self.chunkBytes = chunkBytes
    }

    public mutating func next() -> (number: Int, line: Result<String, TraceLineError>)? {
        guard !finished else { return nil }
        while true {
            if atFileStart {
                atFileStart = false
                // The byte order mark needs three bytes to be recognised.
                while buffer.count - start < 3 && fileHasMore {
                    if !readMore() { return failure() }
                }
                if buffer.count - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF {
                    start += 3
                    scanned = start
                }
            }
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                return line(end: newline, next: newline + 1)
            }
            scanned = buffer.count
            if buffer.count - start > limit {
                number += 1
                finished = true
                return (number, .failure(.tooLong(limit: limit)))
            }
            guard fileHasMore else {
                guard start < buffer.count else {
                    finished = true
                    return nil
                }
                return line(end: buffer.count, next: buffer.count)
            }
            if !readMore() { return failure() }
        }
    }

    private var readError: String?
    private var endOfFile = false
    private var fileHasMore: Bool { file != nil && !endOfFile }

    private mutating func line(end: Int, next: Int) -> (number: Int, line: Result<String, TraceLineError>) {
        number += 1
        let length = end - start
        defer {
            start = next
            scanned = next
        }
        guard length <= limit else {
            finished = true
            return (number, .failure(.tooLong(limit: limit)))
        }
        guard let text = String(validating: buffer[start ..< end], as: UTF8.self) else {
            finished = true
            return (number, .failure(.notUTF8))
        }
        return (number, .success(text))
    }

    private mutating func failure() -> (number: Int, line: Result<String, TraceLineError>) {
        finished = true
        number += 1
        return (number, .failure(.readFailed(readError ?? "read failed")))
    }

    /// Drops consumed bytes and appends one chunk from the file. False on a read error.
    private mutating func readMore() -> Bool {
        guard let file, !endOfFile else { return true }
        if start > 0 {
            buffer.removeSubrange(0 ..< start)
            scanned -= start
            start = 0
        }
        switch file.read(upTo: chunkBytes, appendingTo: &buffer) {
        case .success(let count):
            if count == 0 { endOfFile = true }
            return true
        case .failure(let error):
            readError = error.description
            return false
        }
    }
}

/// Why a trace line could not be read as text.
public enum TraceLineError: Error, Equatable, CustomStringConvertible {
    case notUTF8
    case tooLong(limit: Int)
    case readFailed(String)

    public var description: String {
        switch self {
        case .notUTF8: return "the line is not valid UTF-8 text"
        case .tooLong(let limit): return "line longer than \(limit) bytes"
        case .readFailed(let reason): return "cannot read the file: \(reason)"
        }
    }
}
