import CGSL
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A distribution was given a parameter it cannot have. The message names the parameter and its value.
public struct DistributionError: Error, Equatable, CustomStringConvertible, Sendable {
    public let distribution: String
    public let parameter: String
    public let value: String
    public let requirement: String

    public var description: String {
        "\(distribution): \(parameter) = \(value) is invalid: \(requirement)"
    }
}

/// A non-negative random quantity (a latency, a cost, an inter-arrival gap), sampled through GSL.
///
/// Every constructor validates its parameters and throws a `DistributionError` naming the bad one, so a value of
/// this type can always be sampled: draws are finite and never negative, never NaN. Units are the caller's
/// (pollsim uses nanoseconds throughout).
public struct Distribution: Sendable, Equatable, CustomStringConvertible {
    public struct Component: Sendable, Equatable {
        public let weight: Double
        public let distribution: Distribution
        public init(weight: Double, distribution: Distribution) {
            self.weight = weight
            self.distribution = distribution
        }
    }

    /// Not `indirect`: the parametric cases keep their two doubles inline, so a draw reads them without retaining a
    /// box around the GSL call (an indirect enum's payload is a heap box, retained and released once per draw; in a
    /// whole-model run that was 9 % of the time). The array cases are references anyway.
    @usableFromInline
    enum Kind: Sendable, Equatable {
        case constant(Double)
        case uniform(min: Double, max: Double)
        case exponential(mean: Double)
        case normal(mean: Double, sd: Double)
        case lognormal(mu: Double, sigma: Double)
        case gamma(shape: Double, scale: Double)
        case weibull(shape: Double, scale: Double)
        case pareto(shape: Double, scale: Double)
        /// Components with cumulative weights normalised to end at exactly 1.
        case mixture(components: [Distribution], cumulative: [Double])
        case samples([Double])
        /// Sorted (probability in (0, 1], value) knots of a piecewise-linear inverse CDF.
        case percentiles(probabilities: [Double], values: [Double])
    }

    @usableFromInline let kind: Kind

    init(_ kind: Kind) {
        // `mean` calls GSL special functions that report overflow through the error handler: make sure it is off
        // even if no RandomStream has been created yet (the default handler aborts the process).
        GSL.disableAbortingErrorHandler()
        self.kind = kind
    }

    // MARK: Construction (validated)

    public static func constant(_ value: Double) throws -> Distribution {
        try check("constant", "value", value, value >= 0, "must be a finite number >= 0")
        return Distribution(.constant(value))
    }

    public static func uniform(min: Double, max: Double) throws -> Distribution {
        try check("uniform", "min", min, min >= 0, "must be a finite number >= 0")
        try check("uniform", "max", max, max >= min, "must be finite and >= min (\(format(min)))")
        return Distribution(.uniform(min: min, max: max))
    }

    public static func exponential(mean: Double) throws -> Distribution {
        try check("exponential", "mean", mean, mean > 0, "must be a finite number > 0")
        return Distribution(.exponential(mean: mean))
    }

    /// A normal distribution truncated at 0 (negative draws are redrawn), so `mean` must be >= 0.
    public static func normal(mean: Double, sd: Double) throws -> Distribution {
        try check("normal", "mean", mean, mean >= 0, "must be a finite number >= 0")
        try check("normal", "sd", sd, sd >= 0, "must be a finite number >= 0")
        return Distribution(.normal(mean: mean, sd: sd))
    }

    /// The lognormal whose median and 99th percentile are given: mu = ln(median), sigma = ln(p99/median) / z(0.99).
    public static func lognormal(median: Double, p99: Double) throws -> Distribution {
        try check("lognormal", "median", median, median > 0, "must be a finite number > 0")
        try check("lognormal", "p99", p99, p99 >= median, "must be finite and >= median (\(format(median)))")
        let mu = log(median)
        let sigma = (log(p99) - mu) / gsl_cdf_ugaussian_Pinv(0.99)
        return Distribution(.lognormal(mu: mu, sigma: sigma))
    }

    public static func lognormal(mu: Double, sigma: Double) throws -> Distribution {
        try check("lognormal", "mu", mu, mu < 700, "must be a finite number below 700 (exp(mu) must be finite)")
        try check("lognormal", "sigma", sigma, sigma >= 0, "must be a finite number >= 0")
        return Distribution(.lognormal(mu: mu, sigma: sigma))
    }

    public static func gamma(shape: Double, scale: Double) throws -> Distribution {
        try check("gamma", "shape", shape, shape > 0, "must be a finite number > 0")
        try check("gamma", "scale", scale, scale > 0, "must be a finite number > 0")
        return Distribution(.gamma(shape: shape, scale: scale))
    }

    public static func weibull(shape: Double, scale: Double) throws -> Distribution {
        try check("weibull", "shape", shape, shape > 0, "must be a finite number > 0")
        try check("weibull", "scale", scale, scale > 0, "must be a finite number > 0")
        return Distribution(.weibull(shape: shape, scale: scale))
    }

    /// Pareto (type I): values >= scale. Its mean is infinite for shape <= 1; draws are still finite.
    public static func pareto(shape: Double, scale: Double) throws -> Distribution {
        try check("pareto", "shape", shape, shape > 0, "must be a finite number > 0")
        try check("pareto", "scale", scale, scale > 0, "must be a finite number > 0")
        return Distribution(.pareto(shape: shape, scale: scale))
    }

    /// A weighted mixture. Weights are relative: they must be >= 0 and sum to a positive number.
    public static func mixture(_ components: [Component]) throws -> Distribution {
        guard !components.isEmpty else {
            throw DistributionError(distribution: "mixture", parameter: "components", value: "[]",
                                    requirement: "must list at least one component")
        }
        for (index, component) in components.enumerated() {
            try check("mixture", "components[\(index)].weight", component.weight, component.weight >= 0,
                      "must be a finite number >= 0")
        }
        var weights = components.map(\.weight)
        var total = weights.reduce(0, +)
        if total == .infinity {
            // Every weight is finite but their sum overflowed: weights are relative, so rescale them.
            let largest = weights.max()!
            weights = weights.map { $0 / largest }
            total = weights.reduce(0, +)
        }
        try check("mixture", "sum of weights", total, total > 0, "must be positive")
        var running = 0.0
        var cumulative = weights.map { weight -> Double in
            running += weight
            return running / total
        }
        cumulative[cumulative.count - 1] = 1
        return Distribution(.mixture(components: components.map(\.distribution), cumulative: cumulative))
    }

    /// Draws uniformly from the given observations (bootstrap resampling).
    public static func empirical(samples: [Double]) throws -> Distribution {
        guard !samples.isEmpty else {
            throw DistributionError(distribution: "empirical", parameter: "samples", value: "[]",
                                    requirement: "must hold at least one value")
        }
        for (index, sample) in samples.enumerated() {
            try check("empirical", "samples[\(index)]", sample, sample >= 0, "must be a finite number >= 0")
        }
        return Distribution(.samples(samples))
    }

    /// A percentile table such as fio's clat percentiles: percentile (0, 100] -> value.
    /// Between knots the inverse CDF is linear; below the lowest percentile draws take the lowest value and above
    /// the highest the highest value (no extrapolation into tails the table does not describe).
    public static func empirical(percentiles table: [(percentile: Double, value: Double)]) throws -> Distribution {
        guard !table.isEmpty else {
            throw DistributionError(distribution: "empirical", parameter: "percentiles", value: "{}",
                                    requirement: "must hold at least one percentile")
        }
        let sorted = table.sorted { $0.percentile < $1.percentile }
        var previous: (percentile: Double, value: Double)?
        for entry in sorted {
            try check("empirical", "percentile", entry.percentile, entry.percentile > 0 && entry.percentile <= 100,
                      "must be in (0, 100]")
            try check("empirical", "percentiles[\(format(entry.percentile))]", entry.value, entry.value >= 0,
                      "must be a finite number >= 0")
            if let previous {
                if previous.percentile == entry.percentile {
                    throw DistributionError(distribution: "empirical", parameter: "percentile",
                                            value: format(entry.percentile), requirement: "appears twice")
                }
                try check("empirical", "percentiles[\(format(entry.percentile))]", entry.value,
                          entry.value >= previous.value,
                          "must be >= the value at percentile \(format(previous.percentile)) (\(format(previous.value)))")
            }
            previous = entry
        }
        return Distribution(.percentiles(probabilities: sorted.map { $0.percentile / 100 }, values: sorted.map(\.value)))
    }

    // MARK: Sampling

    /// One draw: finite and >= 0.
    @inlinable
    public func sample(_ stream: RandomStream) -> Double {
        sample(stream.source)
    }

    /// One draw from the generator `source`: finite and >= 0. The parametric distributions are sampled inline (so a
    /// caller's draw reads the parameters where they are, without retaining the enum's box); the others go through
    /// `draw`. Either way, the same GSL calls in the same order.
    @inlinable @inline(__always)
    public func sample(_ source: RandomSource) -> Double {
        let rng = source.rng
        switch kind {
        case .constant(let value):
            return value
        case .exponential(let mean):
            return Distribution.finite(gsl_ran_exponential(rng, mean))
        case .lognormal(let mu, let sigma):
            return Distribution.finite(Distribution.lognormal(rng, mu, sigma))
        case .gamma(let shape, let scale):
            return Distribution.finite(gsl_ran_gamma(rng, shape, scale))
        default:
            return Distribution.draw(kind, source)
        }
    }

    @usableFromInline
    static func draw(_ kind: Kind, _ source: RandomSource) -> Double {
        let rng = source.rng
        switch kind {
        case .constant(let value):
            return value
        case .uniform(let min, let max):
            return min + (max - min) * gsl_rng_uniform(rng)
        case .exponential(let mean):
            return finite(gsl_ran_exponential(rng, mean))
        case .normal(let mean, let sd):
            guard sd > 0 else { return mean }
            // mean >= 0, so each draw is accepted with probability >= 1/2.
            while true {
                let x = mean + gsl_ran_gaussian_ziggurat(rng, sd)
                if x >= 0 { return finite(x) }
            }
        case .lognormal(let mu, let sigma):
            return finite(lognormal(rng, mu, sigma))
        case .gamma(let shape, let scale):
            return finite(gsl_ran_gamma(rng, shape, scale))
        case .weibull(let shape, let scale):
            return finite(gsl_ran_weibull(rng, scale, shape))
        case .pareto(let shape, let scale):
            return finite(gsl_ran_pareto(rng, shape, scale))
        case .mixture(let components, let cumulative):
            let u = gsl_rng_uniform(rng)
            var low = 0, high = cumulative.count - 1
            while low < high {
                let mid = (low + high) / 2
                if u < cumulative[mid] { high = mid } else { low = mid + 1 }
            }
            return components[low].sample(source)
        case .samples(let values):
            return values[Int(gsl_rng_uniform_int(rng, UInt(values.count)))]
        case .percentiles(let probabilities, let values):
            return inversePiecewiseLinear(gsl_rng_uniform(rng), probabilities, values)
        }
    }

    /// exp(mu + sigma·Z) with Z from GSL's ziggurat (Marsaglia–Tsang) rather than `gsl_ran_lognormal`'s polar method:
    /// the same distribution, but one 32-bit draw and a table lookup per Gaussian almost every time, where the polar
    /// method takes 2.5 uniforms, a log and a square root (a quarter of the model's run time went to sampling,
    /// docs/performance.md). The draws differ from `gsl_ran_lognormal`'s, so outputs changed once when this came in.
    @inlinable @inline(__always)
    static func lognormal(_ rng: UnsafeMutablePointer<gsl_rng>, _ mu: Double, _ sigma: Double) -> Double {
        exp(mu + gsl_ran_gaussian_ziggurat(rng, sigma))
    }

    static func inversePiecewiseLinear(_ u: Double, _ probabilities: [Double], _ values: [Double]) -> Double {
        if u <= probabilities[0] { return values[0] }
        for i in 1..<probabilities.count where u <= probabilities[i] {
            let fraction = (u - probabilities[i - 1]) / (probabilities[i] - probabilities[i - 1])
            return values[i - 1] + fraction * (values[i] - values[i - 1])
        }
        return values[values.count - 1]
    }

    /// Heavy tails and huge scales can overflow to +inf; clamp so that callers never see a non-finite draw.
    @inlinable static func finite(_ x: Double) -> Double { x.isFinite ? x : Double.greatestFiniteMagnitude }

    // MARK: Properties

    /// The median of the two forms a calibrated host profile writes (a constant, a lognormal), nil for the others:
    /// what `validate` sets beside a replay's own median cost.
    public var median: Double? {
        switch kind {
        case .constant(let value): return value
        case .lognormal(let mu, _): return exp(mu)
        default: return nil
        }
    }

    /// The analytic mean (+infinity for a Pareto with shape <= 1).
    public var mean: Double {
        switch kind {
        case .constant(let value): return value
        case .uniform(let min, let max): return min + (max - min) / 2  // (min + max) / 2 can overflow
        case .exponential(let mean): return mean
        case .normal(let mean, let sd):
            guard sd > 0 else { return mean }
            let alpha = -mean / sd
            return mean + sd * gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha)
        case .lognormal(let mu, let sigma): return exp(mu + sigma * sigma / 2)
        case .gamma(let shape, let scale): return shape * scale
        case .weibull(let shape, let scale):
            // Γ(1 + 1/k) overflows for k below about 0.0058 even where λΓ(1 + 1/k) is finite: go through logarithms.
            let gamma = gsl_sf_gamma(1 + 1 / shape)
            return gamma.isFinite ? scale * gamma : exp(log(scale) + gsl_sf_lngamma(1 + 1 / shape))
        case .pareto(let shape, let scale): return shape > 1 ? scale * (shape / (shape - 1)) : .infinity
        case .mixture(let components, let cumulative):
            var previous = 0.0
            var total = 0.0
            for (component, edge) in zip(components, cumulative) {
                // A zero-weight component contributes nothing, even if its mean is infinite (0 · inf is NaN).
                if edge > previous { total += (edge - previous) * component.mean }
                previous = edge
            }
            return total
        case .samples(let values):
            // Divide before summing: the plain sum of large finite values can overflow.
            let count = Double(values.count)
            return values.reduce(0) { $0 + $1 / count }
        case .percentiles(let probabilities, let values):
            // Integral of the clamped piecewise-linear inverse CDF over u in [0, 1].
            var total = probabilities[0] * values[0]
            for i in 1..<probabilities.count {
                total += (probabilities[i] - probabilities[i - 1]) * (values[i] / 2 + values[i - 1] / 2)
            }
            return total + (1 - probabilities[probabilities.count - 1]) * values[values.count - 1]
        }
    }

    /// True when every draw is the same value (lets callers skip sampling).
    public var constantValue: Double? {
        if case .constant(let value) = kind { return value }
        return nil
    }

    public var description: String {
        switch kind {
        case .constant(let value): return "constant(\(Distribution.format(value)))"
        case .uniform(let min, let max): return "uniform(min: \(Distribution.format(min)), max: \(Distribution.format(max)))"
        case .exponential(let mean): return "exponential(mean: \(Distribution.format(mean)))"
        case .normal(let mean, let sd): return "normal(mean: \(Distribution.format(mean)), sd: \(Distribution.format(sd)))"
        case .lognormal(let mu, let sigma): return "lognormal(mu: \(Distribution.format(mu)), sigma: \(Distribution.format(sigma)))"
        case .gamma(let shape, let scale): return "gamma(shape: \(Distribution.format(shape)), scale: \(Distribution.format(scale)))"
        case .weibull(let shape, let scale): return "weibull(shape: \(Distribution.format(shape)), scale: \(Distribution.format(scale)))"
        case .pareto(let shape, let scale): return "pareto(shape: \(Distribution.format(shape)), scale: \(Distribution.format(scale)))"
        case .mixture(let components, _): return "mixture(\(components.count) components)"
        case .samples(let values): return "empirical(\(values.count) samples)"
        case .percentiles(let probabilities, _): return "empirical(\(probabilities.count) percentiles)"
        }
    }

    // MARK: Validation helpers

    private static func check(_ distribution: String, _ parameter: String, _ value: Double, _ condition: Bool,
                              _ requirement: String) throws {
        guard value.isFinite, condition else {
            throw DistributionError(distribution: distribution, parameter: parameter, value: format(value),
                                    requirement: requirement)
        }
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

