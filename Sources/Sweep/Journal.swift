import Foundation
import PollModel
#if canImport(Glibc)
import Glibc
#endif

/// The journal of a running sweep: `<output>.partial`, one JSON line per finished row, appended and written to the
/// file (one `write(2)` per row) as each row finishes, so that a killed or interrupted sweep loses only the rows that
/// were running. Re-running the same sweep with the same output file reads it back and runs only the missing rows;
/// the final CSV is rendered from all rows in canonical order, so it is byte-identical to an uninterrupted run's.
///
/// Line 1: `{"fingerprint":"<16 hex digits>","pollsim_sweep_journal":1,"rows":<rows of the sweep>}`.
/// Then per row: `{"point":3,"replication":1,"result":{...RunResult...}}` (wall-clock fields zeroed).
/// A last line without its `\n` (the process died while writing it) is dropped when the journal is read.
public final class Journal {
    public static let version = 1

    /// `results.csv` -> `results.csv.partial`.
    public static func path(for output: String) -> String { output + ".partial" }

    public let path: String
    private let descriptor: Int32

    /// The rows a journal already holds, after checking it belongs to `plan`; empty when there is no journal.
    public static func read(path: String, plan: SweepPlan) throws -> [RowID: RunResult] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        let (rows, _) = try parse(data, path: path, plan: plan)
        return rows
    }

    /// Opens (creating or resuming) the journal at `path` for `plan`; returns it with the rows it already holds.
    /// A torn last line is cut off before anything is appended.
    public static func open(path: String, plan: SweepPlan) throws -> (journal: Journal, finished: [RowID: RunResult]) {
        var finished: [RowID: RunResult] = [:]
        var validLength = 0
        if let data = FileManager.default.contents(atPath: path) {
            (finished, validLength) = try parse(data, path: path, plan: plan)
        }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SweepError("cannot write the journal '\(path)': \(String(cString: strerror(errno)))")
        }
        let journal = Journal(path: path, descriptor: descriptor)
        if validLength == 0 {
            guard ftruncate(descriptor, 0) == 0 else { throw journal.failure("cannot truncate") }
            let header = "{\"fingerprint\":\"\(plan.fingerprint)\",\"pollsim_sweep_journal\":\(version),\"rows\":\(plan.totalRows)}\n"
            try journal.write(header)
        } else {
            guard ftruncate(descriptor, off_t(validLength)) == 0 else { throw journal.failure("cannot truncate") }
        }
        return (journal, finished)
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Appends one finished row.
    public func append(_ row: RowID, _ result: RunResult) throws {
        var result = result
        result.sim = result.sim.withoutWallClock
        let entry = Entry(point: row.point, replication: row.replication, result: result)
        let data = try Journal.encoder.encode(entry)
        guard var line = String(data: data, encoding: .utf8) else { throw failure("cannot encode a row") }
        line += "\n"
        try write(line)
    }

    /// Deletes the journal (after the final CSV is written).
    public func remove() {
        unlink(path)
    }

    private func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBufferPointer {
                Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("cannot append")
            }
            offset += written
        }
    }

    private func failure(_ what: String) -> SweepError {
        SweepError("\(what) to the journal '\(path)': \(String(cString: strerror(errno)))")
    }

    // MARK: Format

    struct Header: Codable {
        var pollsim_sweep_journal: Int
        var fingerprint: String
        var rows: Int
    }

    struct Entry: Codable {
        var point: Int
        var replication: Int
        var result: RunResult
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// The rows in `data` and the length of its valid prefix (0 when even the header is torn).
    static func parse(_ data: Data, path: String, plan: SweepPlan) throws -> ([RowID: RunResult], Int) {
        let bytes = [UInt8](data)
        var lines: [(start: Int, end: Int)] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append((start, index))
            start = index + 1
        }
        // `start` < bytes.count: a torn last line, dropped.
        guard let headerLine = lines.first else { return ([:], 0) }
        let decoder = decoder
        let mismatch = "the journal '\(path)' belongs to a different sweep (another scenario, --set, --vary, --replications, --seed or --shard); delete it to start over, or rerun the command that wrote it"
        guard let header = try? decoder.decode(Header.self, from: Data(bytes[headerLine.start..<headerLine.end])),
              header.pollsim_sweep_journal == version else {
            throw SweepError("'\(path)' is not a pollsim sweep journal; delete it or choose another --output")
        }
        guard header.fingerprint == plan.fingerprint, header.rows == plan.totalRows else { throw SweepError(mismatch) }
        let expected = Set(plan.rows)
        var rows: [RowID: RunResult] = [:]
        for (number, line) in lines.enumerated().dropFirst() {
            guard let entry = try? decoder.decode(Entry.self, from: Data(bytes[line.start..<line.end])) else {
                throw SweepError("the journal '\(path)' is damaged at line \(number + 1); delete it to start over")
            }
            let row = RowID(point: entry.point, replication: entry.replication)
            guard expected.contains(row) else { throw SweepError(mismatch) }
            rows[row] = entry.result
        }
        return (rows, lines.last.map { $0.end + 1 } ?? 0)
    }
}
