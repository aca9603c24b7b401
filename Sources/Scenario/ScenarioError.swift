/// A problem with a scenario: where it is (file, line, column, counted from 1) and what is wrong.
///
/// `description` is compiler-style, so editors can jump to it:
/// `scenario.yaml:12:5: error: unknown key 'poll-wieght' in iothreads[0]; did you mean 'poll-weight'?`
/// Problems that have no line (an unreadable file, a malformed `--set`, a bad value given with `--set`) name their
/// origin instead: `--set iothreads.0.poll-wieght=3: unknown key 'poll-wieght'; did you mean 'poll-weight'?`
public struct ScenarioError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The scenario or profile file as it was named to the loader, or `--set key=value` for an override.
    public let file: String
    /// 1-based line, nil when the problem has no position in a file.
    public let line: Int?
    /// 1-based column (in Unicode scalars, as libyaml counts), nil when `line` is nil.
    public let column: Int?
    public let message: String
    /// Extra context, such as where a duplicate was first defined.
    public let note: String?

    public init(file: String, line: Int?, column: Int?, message: String, note: String? = nil) {
        self.file = file
        self.line = line
        self.column = line == nil ? nil : column
        self.message = message
        self.note = note
    }

    init(at location: SourceLocation, _ message: String, note: String? = nil) {
        self.init(file: location.source, line: location.line, column: location.column, message: message, note: note)
    }

    public var description: String {
        let head: String
        if let line, let column {
            head = "\(file):\(line):\(column): error: \(message)"
        } else {
            head = "\(file): \(message)"
        }
        guard let note else { return head }
        return head + "\nnote: " + note
    }
}

/// Where a node came from: a position in a file, or a `--set` override (which has no position).
struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    /// A file name, or `--set key=value`.
    var source: String
    var line: Int?
    var column: Int?

    static func file(_ name: String, line: Int, column: Int) -> SourceLocation {
        SourceLocation(source: name, line: line, column: column)
    }

    static func override(_ text: String) -> SourceLocation {
        SourceLocation(source: "--set \(text)", line: nil, column: nil)
    }

    var description: String {
        if let line, let column { return "\(source):\(line):\(column)" }
        return source
    }
}
