import ArgumentParser
import Reporting
#if canImport(Glibc)
import Glibc
#endif

extension OutputFormat: ExpressibleByArgument {}

/// Where and how results are written.
struct OutputOptions: ParsableArguments {
    @Option(help: "table, json or csv.")
    var outputFormat: OutputFormat = .table

    @Option(name: .shortAndLong, help: "Write the results to this file instead of standard output.")
    var output: String?

    @Flag(help: "Zero the wall-clock fields (sim.wall_s, sim.events_per_s, sim.sim_per_wall) so that outputs compare byte for byte.")
    var reproducible = false

    /// Writes `text` to the output file (atomically: a temporary file renamed into place) or to standard output.
    func emit(_ text: String) throws {
        guard let output else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            return
        }
        try FileOutput.writeAtomically(text, to: output)
    }
}

/// A command failed for a reason the user can fix; the message says what and where.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

enum FileOutput {
    static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        guard let file = fopen(temporary, "w") else {
            throw CommandFailure(message: "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CommandFailure(message: "cannot write '\(path)': \(reason)")
        }
    }
}
