import Traces

/// How a trace-driven job issues the trace's requests.
public enum TraceMode: String, Sendable, CaseIterable, Codable {
    /// Open loop: each request at its recorded time (scaled by `timeScale`), whatever is in flight.
    case open
    /// Closed loop: `iodepth` requests in flight, in trace order; the recorded times are not used.
    case closed
}

/// A job that replays a native trace (docs/trace-format.md) instead of generating rw/bs requests. The trace gives
/// each request's operation and length (and, in open mode, its issue time); offsets do not matter to the model.
public struct TraceJobConfig: Sendable, Equatable {
    /// The trace file (already resolved against the scenario file's directory).
    public var path: String
    public var mode: TraceMode
    /// Multiplies the recorded times in open mode: 0.5 replays twice as fast, 2 half as fast.
    public var timeScale: Double
    /// Trace disk name -> scenario disk (a disk id, or `idN` for a copy). Empty: every request goes to the job's
    /// disk. Otherwise only the requests of the listed trace disks are replayed, each on its mapped disk.
    public var diskMap: [String: String]

    public init(path: String, mode: TraceMode = .open, timeScale: Double = 1, diskMap: [String: String] = [:]) {
        self.path = path
        self.mode = mode
        self.timeScale = timeScale
        self.diskMap = diskMap
    }

    /// Why `path` cannot be replayed (unreadable, not a native trace, a bad header), or nil. Reads only the head
    /// of the file; a malformed record further on is reported when the simulation reaches it (`traceError`).
    public static func problem(with path: String) -> String? {
        do {
            _ = try TraceReader(path: path)
            return nil
        } catch {
            return error.line.map { "line \($0): \(error.message)" } ?? error.message
        }
    }
}
