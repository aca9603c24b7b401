/// The output formats of a run's result, as the command line names them (`--format table|json|csv`).
public enum OutputFormat: String, CaseIterable, Sendable {
    /// A human summary in the spirit of fio's (see `ResultFormatter.table`).
    case table
    /// The versioned result schema of docs/output-format.md (see `ResultFormatter.json`).
    case json
    /// One tidy CSV header and row (see `ResultFormatter.csv`).
    case csv
}
