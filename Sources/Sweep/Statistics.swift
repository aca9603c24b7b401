import Foundation

/// Means and Student-t confidence intervals over replications.
public enum Statistics {
    /// A mean and the half-width of its confidence interval: the interval is `mean ± halfWidth`.
    public struct Interval: Sendable, Equatable {
        public var mean: Double
        /// NaN with fewer than two values (no spread to estimate).
        public var halfWidth: Double
        public var count: Int

        public init(mean: Double, halfWidth: Double, count: Int) {
            self.mean = mean
            self.halfWidth = halfWidth
            self.count = count
        }

        public var lower: Double { mean - halfWidth }
        public var upper: Double { mean + halfWidth }
    }

    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation (n − 1 in the denominator); NaN below two values.
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return .nan }
        let m = mean(values)
        let squares = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// The mean of `values` and the half-width of its two-sided `level` confidence interval,
    /// `t(1 − (1 − level)/2, n − 1) · s / √n`.
    public static func confidenceInterval(_ values: [Double], level: Double = 0.95) -> Interval {
        let n = values.count
        guard n >= 2 else { return Interval(mean: mean(values), halfWidth: .nan, count: n) }
        let t = tQuantile(1 - (1 - level) / 2, degreesOfFreedom: Double(n - 1))
        return Interval(mean: mean(values), halfWidth: t * standardDeviation(values) / Double(n).squareRoot(), count: n)
    }

    // MARK: Student's t

    /// The `p` quantile of Student's t distribution with `dof` degrees of freedom (dof > 0, 0 < p < 1), to about
    /// 1e-12 relative: the CDF is inverted by bisection. t(0.975, 1) = 12.7062, t(0.975, 2) = 4.3027,
    /// t(0.975, 3) = 3.1824, t(0.975, ∞) = 1.9600.
    public static func tQuantile(_ p: Double, degreesOfFreedom dof: Double) -> Double {
        precondition(p > 0 && p < 1 && dof > 0, "tQuantile needs 0 < p < 1 and dof > 0")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -tQuantile(1 - p, degreesOfFreedom: dof) }
        if dof == 1 { return tan(Double.pi * (p - 0.5)) }
        if dof == 2 { return (2 * p - 1) / (2 * p * (1 - p)).squareRoot() }
        var low = 0.0, high = 1.0
        while tCDF(high, degreesOfFreedom: dof) < p { low = high; high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if tCDF(middle, degreesOfFreedom: dof) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// P(T ≤ t) for Student's t with `dof` degrees of freedom: 1 − I_x(dof/2, 1/2) / 2 with x = dof / (dof + t²),
    /// for t ≥ 0 (and by symmetry below).
    public static func tCDF(_ t: Double, degreesOfFreedom dof: Double) -> Double {
        let x = dof / (dof + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(x, a: dof / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// I_x(a, b), by the continued fraction of Numerical Recipes (§6.4), evaluated with the modified Lentz method.
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logGammas + logPowers
        let front = exp(logFront)
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * betaContinuedFraction(1 - x, a: b, b: a) / b
    }

    private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }
}
