/// A plain-text table with aligned columns: titles on the first line, two spaces between columns, no trailing
/// whitespace. Widths count Characters, so names in wide scripts may misalign; the content is never truncated.
package struct TextTable {
    package enum Alignment { case left, right }

    struct Column {
        var title: String
        var alignment: Alignment
    }

    var columns: [Column]
    var rows: [[String]] = []

    package init(_ columns: [(String, Alignment)]) {
        self.columns = columns.map { Column(title: $0.0, alignment: $0.1) }
    }

    package mutating func append(_ row: [String]) {
        precondition(row.count == columns.count, "a TextTable row needs \(columns.count) cells, got \(row.count)")
        rows.append(row)
    }

    /// The title line and one line per row, each prefixed by `indent`.
    package func lines(indent: String = "") -> [String] {
        let all = [columns.map(\.title)] + rows
        let widths = columns.indices.map { index in all.map { $0[index].count }.max() ?? 0 }
        return all.map { cells in
            var line = indent
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                if index > 0 { line += "  " }
                line += columns[index].alignment == .left ? cell + padding : padding + cell
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
