import PollModel

/// Renders `RunResult`s as JSON, a human table or CSV.
///
/// Every output is a pure function of its input: no locale, no clock, no hash-order dependence, so equal inputs give
/// byte-identical output. Non-finite Doubles never crash a formatter: JSON writes them as `0` (the schema stays
/// numeric and decodable), CSV leaves the cell empty (a missing value for R and pandas), the table prints `n/a`.
/// docs/output-format.md documents the formats.
public enum ResultFormatter {
    /// Pretty JSON, keys sorted, stable number formatting, trailing newline. Byte-identical for equal inputs.
    ///
    /// Numbers: integers as integers; Doubles as the shortest decimal that reads back to the same Double (`0.1`,
    /// `163417`, `1e-05`), negative zero as `0`, NaN and ±infinity as `0`.
    public static func json(_ result: RunResult) -> String {
        JSONOutput.render(result)
    }

    /// A human summary that reads at a glance, in the spirit of fio's: per job IOPS, bandwidth and latency with a
    /// unit chosen per line (nsec/usec/msec), per IOThread the CPU split and the polling statistics, and a last line
    /// with the simulator's own speed.
    public static func table(_ result: RunResult) -> String {
        TableOutput.render(result)
    }

    /// Tidy CSV: one header and one row per result, columns as docs/output-format.md lists them. `extraColumns`
    /// (ordered key/value pairs, e.g. the varied sweep keys) come first. Fields are quoted as RFC 4180 says; lines end
    /// with `\n`.
    public static func csv(_ results: [(result: RunResult, extraColumns: [(String, String)])]) -> String {
        CSVOutput.render(results)
    }

    /// One RFC 4180 record: fields joined by commas, each quoted (inner quotes doubled) when it holds a comma, a quote,
    /// CR or LF, terminated by `\n`. For the other CSV files pollsim writes (comparisons, validations).
    public static func csvRecord(_ fields: [String]) -> String {
        CSVOutput.line(fields)
    }

    /// One result in the given format; CSV gets a header and a single row without extra columns.
    public static func format(_ result: RunResult, as format: OutputFormat) -> String {
        switch format {
        case .table: return table(result)
        case .json: return json(result)
        case .csv: return csv([(result: result, extraColumns: [])])
        }
    }
}
