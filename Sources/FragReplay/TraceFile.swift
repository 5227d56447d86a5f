import FragCache

/// Reads a trace file and runs it through a `TraceReplayer`, writing result lines to one sink
/// and the error (if any) to another. Lines run in order; an error stops the replay with what
/// was written before it left standing.
public enum TraceFile {
    /// Outcome of a replay: exit status 0 on success, 2 on a bad file or trace line.
    public struct Outcome: Equatable, Sendable {
        public var status: Int32
        public var error: String?
    }

    /// Replays the trace at `path`, handing output to `write` in chunks.
    /// `variant` names the cache layout (SPEC 6): remaining (default), offset-up, offset-down.
    /// The file is read as it is replayed (bounded memory), and output goes out in chunks as
    /// it is produced.
    public static func replay(path: String, variant: String = RemainingLayout.name, write: (String) -> Void) -> Outcome {
        guard FragLayouts.names.contains(variant) else {
            return Outcome(status: 2, error: "error: unknown variant '\(QuotedText.escaped(variant))' (one of \(FragLayouts.names.joined(separator: ", ")))")
        }
        let lines: TraceLines
        switch TraceLines.open(path: path) {
        case .success(let l): lines = l
        case .failure(.isDirectory): return Outcome(status: 2, error: "error: \(path): is a directory, not a trace file")
        case .failure(let error): return Outcome(status: 2, error: "error: \(path): \(error)")
        }
        return replay(lines: lines, variant: variant, write: write)
    }

    /// Replays trace text given as bytes (UTF-8 expected, checked line by line).
    public static func replay(bytes: [UInt8], write: (String) -> Void) -> Outcome {
        replay(lines: TraceLines(bytes), layout: RemainingLayout.self, write: write)
    }

    public static func replay<Layout: FragLayout>(bytes: [UInt8], layout: Layout.Type, write: (String) -> Void) -> Outcome {
        replay(lines: TraceLines(bytes), layout: layout, write: write)
    }

    /// Replays `lines` with the layout named `variant` (one of `FragLayouts.names`).
    public static func replay(lines: TraceLines, variant: String, write: (String) -> Void) -> Outcome {
        switch variant {
        case OffsetUpLayout.name: return replay(lines: lines, layout: OffsetUpLayout.self, write: write)
        case OffsetDownLayout.name: return replay(lines: lines, layout: OffsetDownLayout.self, write: write)
        default: return replay(lines: lines, layout: RemainingLayout.self, write: write)
        }
    }

    public static func replay<Layout: FragLayout>(lines: TraceLines, layout: Layout.Type,
                                                  arenaBytes: Int = LayoutTraceReplayer<Layout>.arenaBytes,
                                                  write: (String) -> Void) -> Outcome {
        var replayer: LayoutTraceReplayer<Layout>?
        var out: [String] = []
        var pending = ""
        func flush(force: Bool) {
            for line in out {
                pending += line
                pending += "\n"
            }
            out.removeAll(keepingCapacity: true)
            if force || pending.utf8.count >= 1 << 16 {
                if !pending.isEmpty { write(pending) }
                pending = ""
            }
        }
        for (lineNumber, line) in lines {
            let text: String
            switch line {
            case .success(let t): text = t
            case .failure(let error):
                flush(force: true)
                return Outcome(status: 2, error: TraceError(line: lineNumber, reason: error.description).description)
            }
            do {
                guard let op = try TraceParser.parse(Substring(text)) else { continue }
                if let replayer {
                    try replayer.run(op, line: lineNumber, into: &out)
                } else if case .config(let pageSize, let maxSize) = op {
                    replayer = try LayoutTraceReplayer<Layout>(pageSize: pageSize ?? 4096, maxSize: maxSize ?? 32768, line: lineNumber,
                                                           arenaBytes: arenaBytes)
                } else {
                    let fresh = try LayoutTraceReplayer<Layout>(line: lineNumber, arenaBytes: arenaBytes)
                    replayer = fresh
                    try fresh.run(op, line: lineNumber, into: &out)
                }
            } catch let error as TraceSyntaxError {
                flush(force: true)
                return Outcome(status: 2, error: TraceError(line: lineNumber, reason: error.reason).description)
            } catch let error as TraceError {
                flush(force: true)
                return Outcome(status: 2, error: error.description)
            } catch {
                flush(force: true)
                return Outcome(status: 2, error: TraceError(line: lineNumber, reason: "\(error)").description)
            }
            flush(force: false)
        }
        flush(force: true)
        return Outcome(status: 0, error: nil)
    }
}
