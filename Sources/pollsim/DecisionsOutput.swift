import ArgumentParser
import PollModel
import Reporting

/// `--decisions FILE` of `run` and `replay`: every aio_poll iteration's policy inputs and budget as CSV, in the same
/// columns from the simulator and from the real loop (`scripts/iteration-compare.py` compares two such files).
enum DecisionsOutput {
    /// Iterations written at most (the real loop keeps them in memory while it runs).
    static let limit = 100_000

    static let help = ArgumentHelp(
        "Write the first \(limit) aio_poll iterations' policy inputs and budgets as CSV to this file.",
        valueName: "FILE")

    static func write(_ records: [IterationRecord], to path: String) throws {
        var text = ResultFormatter.csvRecord(IterationRecord.csvColumns)
        for (index, record) in records.enumerated() {
            text += ResultFormatter.csvRecord(record.csvFields(iteration: index))
        }
        try FileOutput.writeAtomically(text, to: path)
    }
}
