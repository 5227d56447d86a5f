import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The history as found on disk, checked record by record before anything is added to it.
struct HistoryFile {
    enum State: Equatable {
        case missing
        /// Every record complete with the expected columns: appended to as it is.
        case sound
        /// Another header (an older FragBench, or not ours at all): set aside, a new history starts.
        case otherColumns
        /// Our header, but a cut or corrupted record (a killed editor, a full disk, a bad copy):
        /// set aside byte for byte, its complete rows carried over into a new history.
        case damaged(String)
    }

    var state: State
    /// Every data record in file order: its run (first field), its bytes, and whether it is
    /// complete with the expected columns.
    var records: [(run: String, text: String, sound: Bool)] = []

    var keptRows: Int { records.filter(\.sound).count }
    var droppedRows: Int { records.count - keptRows }
    /// The runs with a complete row here.
    var runNames: Set<String> { Set(records.filter(\.sound).map(\.run)) }

    /// What the new history starts from: the header and every complete row, except that a run
    /// with a cut or malformed row has all its rows rebuilt (`rebuild`: from its run.json) when
    /// it can be. Returns the text and the runs rebuilt.
    func repaired(rebuilding rebuild: (String) -> String?) -> (text: String, rebuilt: [String]) {
        var text = CSV.row(ResultStore.historyColumns)
        var rebuilt: [String] = []
        var done = Set<String>()
        let damaged = Set(records.filter { !$0.sound }.map(\.run))
        for record in records where !done.contains(record.run) {
            if damaged.contains(record.run), let rows = rebuild(record.run) {
                text += rows
                rebuilt.append(record.run)
                done.insert(record.run)
            } else if record.sound {
                text += record.text
            }
        }
        return (text, rebuilt)
    }

    static func read(_ path: String) throws -> HistoryFile {
        let fresh = HistoryFile(state: .missing)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            var info = stat()
            if lstat(path, &info) != 0 && errno == ENOENT { return fresh }
            throw ResultStoreError.unreadable(path, ResultStore.reason(error))
        }
        if data.isEmpty { return fresh }
        guard let text = String(data: data, encoding: .utf8) else { return HistoryFile(state: .otherColumns) }
        let parsed = CSVRecords.parse(text)
        guard let first = parsed.first, first.complete, first.fields == ResultStore.historyColumns else {
            return HistoryFile(state: .otherColumns)
        }
        var history = fresh
        let bytes = Array(text.utf8)
        var problems: [String] = []
        var wrongWidth = 0
        for record in parsed.dropFirst() {
            let sound = record.complete && record.fields.count == ResultStore.historyColumns.count
            if !record.complete {
                problems.append(record.openQuote ? "its last record is cut inside a quoted field" : "its last line is cut (no final line break)")
            } else if !sound {
                wrongWidth += 1
            }
            history.records.append((record.fields[0], String(decoding: bytes[record.range], as: UTF8.self), sound))
        }
        if wrongWidth > 0 {
            problems.insert("\(wrongWidth) row(s) with other than \(ResultStore.historyColumns.count) fields", at: 0)
        }
        history.state = problems.isEmpty ? .sound : .damaged(problems.joined(separator: "; "))
        return history
    }
}

/// RFC 4180 records, scanned byte by byte: a record ends at a line break outside quotes; the last
/// one is incomplete when the text ends before its line break.
enum CSVRecords {
    struct Record {
        var fields: [String]
        /// The record's bytes, line break included.
        var range: Range<Int>
        var complete: Bool
        /// The text ended inside a quoted field.
        var openQuote: Bool
    }

    static func parse(_ text: String) -> [Record] {
        let bytes = Array(text.utf8)
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var start = 0
        var i = 0
        func endRecord(at end: Int) {
            fields.append(String(decoding: field, as: UTF8.self))
            records.append(Record(fields: fields, range: start ..< end, complete: true, openQuote: false))
            fields = []
            field = []
            start = end
        }
        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote {
                        field.append(quote)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    field.append(byte)
                }
                i += 1
                continue
            }
            switch byte {
            case quote: inQuotes = true; i += 1
            case comma: fields.append(String(decoding: field, as: UTF8.self)); field = []; i += 1
            case cr where i + 1 < bytes.count && bytes[i + 1] == lf: i += 2; endRecord(at: i)
            case lf: i += 1; endRecord(at: i)
            default: field.append(byte); i += 1
            }
        }
        if start < bytes.count {
            fields.append(String(decoding: field, as: UTF8.self))
            records.append(Record(fields: fields, range: start ..< bytes.count, complete: false, openQuote: inQuotes))
        }
        return records
    }
}

extension ResultStore {
    /// The run's columns, then the machine's (so merged histories from several machines can be
    /// told apart), then the point's.
    public static let historyColumns = ["run", "date", "commit", "dirty", "quick", "counter_backend", "host", "cpu_count",
                                        "memory_bytes", "smt", "aslr", "thp", "load_avg"] + CSVReport.pointColumns

    /// The history rows of one run, in the history's format.
    static func historyRows(_ points: [BenchPoint], runName: String, provenance: Provenance) -> String {
        let prefix = [runName, provenance.date, provenance.gitCommit ?? "", provenance.gitDirty.map { $0 ? "1" : "0" } ?? "",
                      provenance.quick ? "1" : "0", provenance.counterBackend, provenance.hostName ?? "",
                      NumberFormat.integer(provenance.cpuCount), NumberFormat.integer(provenance.memoryBytes),
                      provenance.smt ?? "", provenance.aslr ?? "", provenance.transparentHugePages ?? "",
                      provenance.loadAverage ?? ""]
        return points.map { CSV.row(prefix + CSVReport.pointFields($0)) }.joined()
    }

    /// A new history written beside the old one, not yet in place. Renaming it over
    /// `history.csv` is atomic: a kill leaves the old history or the new one, never a mix.
    /// Rewriting the whole file (it grows by a few hundred bytes per point) is chosen over
    /// appending with O_APPEND because an append can be cut short (a full disk, a kill during
    /// a large write) and leave exactly the cut record this store must never produce; and
    /// because the new history is written before the commit, a full disk fails the run before
    /// anything is visible.
    struct PreparedHistory {
        var temporary: String?
        var note: String?
    }

    /// Writes the history that `history` plus `rows` of `runName` make into a temporary file
    /// (nothing when the run is already in it). A history that cannot be appended to is first
    /// linked aside as `history-before-<run>.csv`, byte for byte, so no row is ever lost.
    func prepareHistory(_ history: HistoryFile, rows: String, runName: String) throws -> PreparedHistory {
        if history.runNames.contains(runName) { return PreparedHistory(temporary: nil, note: nil) }
        var note: String?
        var text = CSV.row(Self.historyColumns) + history.records.filter(\.sound).map(\.text).joined()
        switch history.state {
        case .missing, .sound:
            break
        case .otherColumns:
            let aside = try setHistoryAside(runName: runName)
            text = CSV.row(Self.historyColumns)
            note = "\(historyPath) had other columns (an older format, or not FragBench's): kept as \(aside), new history started"
        case .damaged(let why):
            let aside = try setHistoryAside(runName: runName)
            let repair = history.repaired(rebuilding: storedRunRows)
            text = repair.text
            note = "\(historyPath) was damaged (\(why)): kept as \(aside); its \(history.keptRows) complete row(s) carried over"
            if !repair.rebuilt.isEmpty {
                note! += "; the rows of \(repair.rebuilt.map { "runs/" + $0 }.joined(separator: ", ")) rebuilt from run.json"
            }
            let lost = history.records.filter { !$0.sound && !repair.rebuilt.contains($0.run) }.count
            if lost > 0 { note! += "; \(lost) cut or malformed row(s) only in the copy" }
        }
        let temporary = try AtomicFile.writeTemporary(text + rows, for: historyPath)
        return PreparedHistory(temporary: temporary, note: note)
    }

    /// A published run's history rows made again from its run.json (they are its points with
    /// its provenance, as publication wrote them); nil when there is no such run to read.
    func storedRunRows(_ runName: String) -> String? {
        guard !runName.isEmpty, !runName.hasPrefix("."), !runName.contains("/"),
              let data = FileManager.default.contents(atPath: runsDirectory + "/" + runName + "/run.json"),
              let run = try? JSONReport.parse(String(decoding: data, as: UTF8.self), path: runName), !run.partial else { return nil }
        return Self.historyRows(run.points, runName: runName, provenance: run.provenance)
    }

    /// A second name for the current history file (a hard link: no copy, no window in which
    /// the history has no name). A name already linked to it, left by a run killed before it
    /// replaced the history, is reused instead of making another.
    private func setHistoryAside(runName: String) throws -> String {
        var current = stat()
        guard stat(historyPath, &current) == 0 else { throw ResultStoreError.system(historyPath) }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for entry in entries.sorted() where entry.hasPrefix("history-before-") && entry.hasSuffix(".csv") {
            var info = stat()
            if stat(root + "/" + entry, &info) == 0 && info.st_ino == current.st_ino && info.st_dev == current.st_dev {
                return root + "/" + entry
            }
        }
        let base = root + "/history-before-\(runName)"
        for n in 1 ... 1000 {
            let candidate = n == 1 ? base + ".csv" : "\(base)-\(n).csv"
            if link(historyPath, candidate) == 0 { return candidate }
            if errno == EEXIST { continue }
            // No hard links here (some file systems): a copy, written whole, does as well.
            let original = try Data(contentsOf: URL(fileURLWithPath: historyPath))
            do {
                try AtomicFile.writeWhole(original, to: candidate, exclusive: true)
            } catch ResultStoreError.writeFailed(_, let why) where why.contains("EEXIST") {
                continue
            }
            return candidate
        }
        throw ResultStoreError.writeFailed(base + ".csv", "a thousand names like it are taken")
    }
}
