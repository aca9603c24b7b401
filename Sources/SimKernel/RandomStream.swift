import CGSL

/// One entity's private source of randomness: a GSL Mersenne Twister (`gsl_rng_mt19937`).
///
/// Every entity (a device, a job, a host cost) owns a stream keyed by (scenario seed, entity id). Adding a disk
/// therefore leaves every other entity's draws unchanged, and two runs with the same seed draw identical numbers
/// whatever else differs. Replication k of a sweep point uses the same keys at every point (common random numbers).
///
/// mt19937 takes only the low 32 bits of its seed, so the 64-bit key is folded before seeding. Two entities collide
/// with probability about n²/2³³ (about 10⁻³ for 3 000 entities); a collision correlates two streams, it never
/// breaks determinism.
public final class RandomStream {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>

    /// The 64-bit key that seeded this stream (reported in diagnostics).
    public let key: UInt64

    /// A stream for `entity` in a run with `seed`.
    public convenience init(seed: UInt64, entity: String) {
        self.init(key: RandomStream.key(seed: seed, entity: entity))
    }

    /// A stream seeded directly with `key`.
    public init(key: UInt64) {
        GSL.disableAbortingErrorHandler()
        guard let rng = gsl_rng_alloc(pollsim_gsl_rng_mt19937()) else {
            fatalError("gsl_rng_alloc failed: out of memory")
        }
        self.rng = rng
        self.key = key
        // Fold 64 bits into the 32 that mt19937 uses; 0 is replaced by GSL's default seed, so avoid it explicitly.
        let folded = UInt32(truncatingIfNeeded: key ^ (key >> 32))
        gsl_rng_set(rng, UInt(folded == 0 ? 0x9E37_79B9 : folded))
    }

    deinit { gsl_rng_free(rng) }

    /// The stable key of (seed, entity): FNV-1a over the entity's UTF-8 bytes, mixed with the seed by SplitMix64.
    /// Stable across runs, platforms and Swift versions (unlike `Hasher`, which is randomly seeded per process).
    public static func key(seed: UInt64, entity: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in entity.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return splitMix64(hash ^ splitMix64(seed))
    }

    @inlinable static func splitMix64(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The generator as a plain value, for hot paths (see `RandomSource`). Valid while this stream is alive.
    @inlinable public var source: RandomSource { RandomSource(rng) }

    /// Uniform on [0, 1).
    @inlinable public func uniform() -> Double { source.uniform() }

    /// Uniform on (0, 1): safe to take the logarithm of.
    @inlinable public func uniformPositive() -> Double { source.uniformPositive() }

    /// Uniform integer in [0, n), n ≥ 1.
    @inlinable public func uniformInt(below n: UInt64) -> UInt64 { source.uniformInt(below: n) }

    /// Raw generator access for GSL samplers in this module.
    @usableFromInline var generator: UnsafeMutablePointer<gsl_rng> { rng }
}

/// A `RandomStream`'s generator as a plain value: the same generator, so it draws exactly what its stream would, but
/// copying and passing it involves no reference counting. A `RandomStream` read from an entity's storage and passed
/// to a draw is retained and released around the call (atomic operations); in a whole-model run that was about 3 %
/// of all instructions (docs/performance.md).
///
/// Unowned: it is valid only while the `RandomStream` it came from is alive, so whoever keeps a source must keep its
/// stream too (the simulator keeps every stream it creates for its own lifetime).
public struct RandomSource {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>

    @inlinable init(_ rng: UnsafeMutablePointer<gsl_rng>) { self.rng = rng }

    /// Uniform on [0, 1).
    @inlinable public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// Uniform on (0, 1): safe to take the logarithm of.
    @inlinable public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

    /// Uniform integer in [0, n), n ≥ 1.
    @inlinable public func uniformInt(below n: UInt64) -> UInt64 {
        precondition(n >= 1)
        if n <= UInt64(UInt32.max) { return UInt64(gsl_rng_uniform_int(rng, UInt(n))) }
        // mt19937's range is 32 bits: compose two draws for larger ranges. `wide % n` alone would favour residues
        // below 2^64 mod n (up to twice as likely), so reject the draws below that threshold: the 2^64 - threshold
        // accepted values are a whole number of copies of [0, n). At most half of the draws are rejected.
        let threshold = (0 &- n) % n
        while true {
            let wide = (UInt64(gsl_rng_get(rng)) << 32) | UInt64(gsl_rng_get(rng))
            if wide >= threshold { return wide % n }
        }
    }
}

/// `SimTime(x.rounded())`, that is to the nearest integer with halves away from zero, without libm's `round` for
/// the values a simulation meets (0 <= x < 2^52): truncate, then compare the fraction (exact in that range) with 1/2.
/// Other values (negative, huge, not finite) take the `rounded()` path, so the result and any trap are the same.
@inlinable @inline(__always)
public func roundedSimTime(_ x: Double) -> SimTime {
    guard x >= 0, x < 4_503_599_627_370_496 else { return SimTime(x.rounded()) }
    let whole = SimTime(x)  // truncates
    return x - Double(whole) >= 0.5 ? whole + 1 : whole
}

/// Process-wide GSL settings.
enum GSL {
    /// GSL's default error handler calls abort(); pollsim checks return values instead. Idempotent.
    static func disableAbortingErrorHandler() {
        _ = handlerDisabled
    }

    private static let handlerDisabled: Bool = {
        gsl_set_error_handler_off()
        return true
    }()
}
