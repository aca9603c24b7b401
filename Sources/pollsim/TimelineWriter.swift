#if canImport(Glibc)
import Glibc
#endif

/// Streams `time_ns,iothread,poll_ns,budget_ns` rows to a CSV file as the simulation runs (constant memory).
final class TimelineWriter {
    private let path: String
    private let file: UnsafeMutablePointer<FILE>

    init(path: String) throws {
        guard let file = fopen(path, "w") else {
            throw CommandFailure(message: "cannot write timeline '\(path)': \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.file = file
        fputs("time_ns,iothread,poll_ns,budget_ns\n", file)
    }

    func record(_ time: Int64, _ thread: String, _ pollNs: Int64, _ budget: Int64) {
        fputs("\(time),\(thread),\(pollNs),\(budget == .max ? -1 : budget)\n", file)
    }

    func close() throws {
        guard fclose(file) == 0 else {
            throw CommandFailure(message: "cannot finish timeline '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}
