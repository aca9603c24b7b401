/// Records by operation and their bytes: what an import's summary and `pollsim trace stats` both count, so that
/// the two can never disagree about a trace.
public struct OperationCounts: Sendable, Equatable {
    public var records = 0
    public var reads = 0
    public var writes = 0
    public var readBytes: Int64 = 0
    public var writeBytes: Int64 = 0

    public init() {}

    mutating func add(_ record: TraceRecord) {
        records += 1
        if record.op == .read {
            reads += 1
            readBytes += Int64(record.length)
        } else {
            writes += 1
            writeBytes += Int64(record.length)
        }
    }
}
