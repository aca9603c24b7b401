/// The IOThread polling properties, with QEMU's names, defaults and validation (reference §7).
public struct PollParameters: Sendable, Equatable, Codable {
    /// poll-max-ns: the budget cap; 0 disables polling.
    public var maxNs: Int64
    /// poll-grow: multiplier; 0 selects the default behaviour (x2).
    public var grow: Int64
    /// poll-shrink: divisor; 0 means "reset to 0" in the classic policies and "divide by 2" in poll-weight.
    public var shrink: Int64
    /// poll-weight: EWMA shift of the poll-weight policy; 0 selects the policy's default shift.
    public var weight: Int64

    public init(maxNs: Int64 = PollParameters.defaultMaxNs, grow: Int64 = 0, shrink: Int64 = 0, weight: Int64 = 0) {
        self.maxNs = maxNs
        self.grow = grow
        self.shrink = shrink
        self.weight = weight
    }

    /// IOTHREAD_POLL_MAX_NS_DEFAULT on POSIX hosts.
    public static let defaultMaxNs: Int64 = 32768

    /// QEMU up to 10.x: poll-grow and poll-shrink default to 0 (x2 and reset).
    public static let qemuClassic = PollParameters(maxNs: 32768, grow: 0, shrink: 0, weight: 0)
    /// The poll-weight RFC v1 (2026-01-13): weight 0 meaning shift 2, shrink 0 meaning divide by 2.
    public static let pollWeightRFCv1 = PollParameters(maxNs: 32768, grow: 0, shrink: 0, weight: 0)
    /// The merged series: IOTHREAD_POLL_{MAX_NS,GROW,SHRINK,WEIGHT}_DEFAULT = 32768, 2, 2, 3.
    public static let pollWeightMerged = PollParameters(maxNs: 32768, grow: 2, shrink: 2, weight: 3)

    /// The largest poll-weight accepted: shifts of 64 or more are undefined on int64 (libvirt documents 0-63).
    public static let maxWeight: Int64 = 63
}

/// A poll parameter outside its range, with QEMU's wording.
public struct PollParameterError: Error, Equatable, CustomStringConvertible, Sendable {
    public let name: String
    public let value: Int64
    public let upperBound: Int64

    public init(name: String, value: Int64, upperBound: Int64) {
        self.name = name
        self.value = value
        self.upperBound = upperBound
    }

    /// `poll-max-ns value must be in range [0, 9223372036854775807]`, as `iothread_set_param` words it.
    public var description: String { "\(name) value must be in range [0, \(upperBound)]" }
}

extension PollParameters {
    /// Validates one property by its QEMU name, as `iothread_set_param` does: negative values are rejected for every
    /// property; poll-weight is further limited to 0...63 [INFER: the merged series' exact bound and text were not
    /// available; libvirt documents 0-63, and QEMU's message shape is kept].
    public static func validate(_ name: String, _ value: Int64) throws {
        let upper: Int64 = name == "poll-weight" ? maxWeight : Int64.max
        guard value >= 0, value <= upper else {
            throw PollParameterError(name: name, value: value, upperBound: upper)
        }
    }

    /// Validates all four properties.
    public func validated() throws -> PollParameters {
        try Self.validate("poll-max-ns", maxNs)
        try Self.validate("poll-grow", grow)
        try Self.validate("poll-shrink", shrink)
        try Self.validate("poll-weight", weight)
        return self
    }
}
