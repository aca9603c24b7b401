import Yams

/// Maps Yams' (libyaml's) errors to `ScenarioError`s at file:line:column.
enum YAMLSyntax {
    static func scenarioError(_ error: YamlError, text: String, source: String) -> ScenarioError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "YAML syntax: \(problem)"
            if let context {
                message += " (\(context.text) at \(context.mark.line):\(context.mark.column))"
            }
            return ScenarioError(file: source, line: mark.line, column: mark.column, message: message,
                                 note: tabNote(text: text, line: mark.line))
        case .reader(let problem, let offset, _, _):
            let (line, column) = position(ofCharacterOffset: offset ?? 0, in: text)
            return ScenarioError(file: source, line: line, column: column, message: "YAML syntax: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            let first = (line: context.mark.line, column: context.mark.column)
            if let second = repeatedKey(key, after: first, in: text) {
                return ScenarioError(file: source, line: second.line, column: second.column,
                                     message: "duplicate key '\(key)'",
                                     note: "first defined at \(source):\(first.line):\(first.column)")
            }
            return ScenarioError(file: source, line: first.line, column: first.column, message: "duplicate key '\(key)'")
        default:
            return ScenarioError(file: source, line: nil, column: nil, message: "cannot parse YAML: \(error)")
        }
    }

    /// libyaml reports tabs in indentation obscurely ("found character that cannot start any token").
    private static func tabNote(text: String, line: Int) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count, lines[line - 1].contains("\t") else { return nil }
        return "YAML does not allow tabs for indentation; use spaces"
    }

    /// Yams reports reader errors as a distance in Characters from the start of the text.
    static func position(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1, column = 1, seen = 0
        for character in text {
            if seen >= offset { break }
            seen += 1
            if character == "\n" || character == "\r\n" || character == "\r" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return (line, column)
    }

    /// Yams names the first occurrence of a duplicated key; the error belongs at the second one. Looks for the same
    /// key at the same column on a later line (block mappings), then later on the same line (flow mappings).
    static func repeatedKey(_ key: String, after first: (line: Int, column: Int), in text: String) -> (line: Int, column: Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array(String($0).unicodeScalars) }
        let pattern = Array(key.unicodeScalars)
        func keyAt(_ scalars: [Unicode.Scalar], _ start: Int) -> Bool {
            guard start >= 0, start + pattern.count <= scalars.count,
                  Array(scalars[start..<start + pattern.count]) == pattern else { return false }
            var index = start + pattern.count
            while index < scalars.count, scalars[index] == " " { index += 1 }
            return index < scalars.count && scalars[index] == ":"
        }
        guard first.line >= 1, first.line <= lines.count else { return nil }
        let firstLine = lines[first.line - 1]
        var start = first.column + pattern.count - 1
        while start < firstLine.count {
            if keyAt(firstLine, start), start == 0 || !isNameScalar(firstLine[start - 1]) {
                return (first.line, start + 1)
            }
            start += 1
        }
        var lineIndex = first.line
        while lineIndex < lines.count {
            if keyAt(lines[lineIndex], first.column - 1) { return (lineIndex + 1, first.column) }
            lineIndex += 1
        }
        return nil
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
    }
}
