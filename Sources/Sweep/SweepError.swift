/// A sweep, merge or comparison that cannot go on, with a message that says what and where, in the style of the
/// scenario loader's: `--vary jobs.0.iodepth=8..0: the range '8..0' is empty: its end is below its start`.
public struct SweepError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
