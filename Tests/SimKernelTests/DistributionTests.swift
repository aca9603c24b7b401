import XCTest
@testable import SimKernel

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Statistical tests use 10^5 draws from a fixed seed, so they are deterministic. Every tolerance is derived from a
/// standard error, not chosen as a percentage:
/// - a sample mean is checked to within 5 standard errors, 5·sd/sqrt(n), with sd the analytic standard deviation;
/// - a sample quantile x_p is checked to within 5 standard errors, 5·sqrt(p(1-p)/n) / f(x_p), with f the density.
/// An unbiased sampler fails one check with probability about 6·10^-7; a wrong formula or parameter order fails it.
final class DistributionTests: XCTestCase {
    private let drawCount = 100_000
    private let standardErrors = 5.0

    private func draws(_ distribution: Distribution, _ count: Int? = nil, entity: String = #function) -> [Double] {
        let stream = RandomStream(seed: 20_240_601, entity: "DistributionTests/\(entity)")
        return (0..<(count ?? drawCount)).map { _ in distribution.sample(stream) }
    }

    private func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

    /// The empirical p-quantile of already sorted values.
    private func quantile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.down)))]
    }

    /// Checks that the sample mean is within 5 standard errors of `expected`, given the analytic sd.
    private func assertSampleMean(_ xs: [Double], _ expected: Double, sd: Double, _ message: String = "",
                                  file: StaticString = #filePath, line: UInt = #line) {
        let tolerance = standardErrors * sd / Double(xs.count).squareRoot()
        XCTAssertEqual(mean(xs), expected, accuracy: tolerance, "sample mean \(message)", file: file, line: line)
    }

    private func assertAllFiniteNonNegative(_ xs: [Double], _ message: String = "",
                                            file: StaticString = #filePath, line: UInt = #line) {
        let bad = xs.first { !($0.isFinite && $0 >= 0) }
        XCTAssertNil(bad, "non-finite or negative draw \(message)", file: file, line: line)
    }

    // MARK: Analytic helpers independent of GSL

    private func standardNormalPDF(_ x: Double) -> Double { exp(-x * x / 2) / (2 * Double.pi).squareRoot() }
    private func standardNormalUpperTail(_ x: Double) -> Double { erfc(x / 2.0.squareRoot()) / 2 }
    /// z such that P(Z <= z) = 0.99.
    private let z99 = 2.326_347_874_040_840_8

    // MARK: Constant and uniform

    func testConstant() throws {
        let d = try Distribution.constant(250)
        XCTAssertEqual(d.mean, 250)
        XCTAssertEqual(d.constantValue, 250)
        XCTAssertEqual(Set(draws(d, 1000)), [250])
        XCTAssertEqual(d.description, "constant(250)")
        XCTAssertEqual(try Distribution.constant(0).sample(RandomStream(key: 1)), 0)
    }

    func testConstantValueIsNilForRandomDistributions() throws {
        XCTAssertNil(try Distribution.exponential(mean: 1).constantValue)
        XCTAssertNil(try Distribution.uniform(min: 1, max: 1).constantValue)
        XCTAssertNil(try Distribution.normal(mean: 1, sd: 0).constantValue)
    }

    func testUniform() throws {
        let d = try Distribution.uniform(min: 2, max: 10)
        XCTAssertEqual(d.mean, 6)
        let xs = draws(d)
        XCTAssert(xs.allSatisfy { $0 >= 2 && $0 < 10 })
        assertSampleMean(xs, 6, sd: (64.0 / 12).squareRoot())
        let sorted = xs.sorted()
        // Density 1/8: the quartile's standard error is sqrt(p(1-p)/n) · 8.
        XCTAssertEqual(quantile(sorted, 0.25), 4, accuracy: standardErrors * (0.1875 / Double(drawCount)).squareRoot() * 8)
        XCTAssertEqual(Set(draws(try Distribution.uniform(min: 3, max: 3), 100)), [3])
    }

    // MARK: Exponential, normal

    func testExponential() throws {
        let d = try Distribution.exponential(mean: 250)
        XCTAssertEqual(d.mean, 250)
        let xs = draws(d)
        assertAllFiniteNonNegative(xs)
        assertSampleMean(xs, 250, sd: 250)
        // Median 250·ln 2, density there 1/(2·250).
        XCTAssertEqual(quantile(xs.sorted(), 0.5), 250 * log(2.0),
                       accuracy: standardErrors * (0.25 / Double(drawCount)).squareRoot() * 500)
    }

    func testNormalTruncatedAtZeroStandard() throws {
        let d = try Distribution.normal(mean: 0, sd: 1)
        // Half-normal: mean sqrt(2/π), variance 1 - 2/π.
        XCTAssertEqual(d.mean, (2 / Double.pi).squareRoot(), accuracy: 1e-12)
        let xs = draws(d)
        assertAllFiniteNonNegative(xs)
        assertSampleMean(xs, (2 / Double.pi).squareRoot(), sd: (1 - 2 / Double.pi).squareRoot())
    }

    func testNormalTruncatedAtZeroGeneral() throws {
        for (mu, sigma) in [(2.0, 1.5), (100.0, 30.0), (1.0, 10.0)] {
            let d = try Distribution.normal(mean: mu, sd: sigma)
            // Normal truncated below at 0: α = -μ/σ, λ = φ(α)/(1-Φ(α)); mean μ + σλ, variance σ²(1 + αλ - λ²).
            let alpha = -mu / sigma
            let lambda = standardNormalPDF(alpha) / standardNormalUpperTail(alpha)
            let expectedMean = mu + sigma * lambda
            let expectedSD = sigma * (1 + alpha * lambda - lambda * lambda).squareRoot()
            XCTAssertEqual(d.mean, expectedMean, accuracy: 1e-12 * expectedMean, "\(d)")
            let xs = draws(d, entity: "normal \(mu) \(sigma)")
            assertAllFiniteNonNegative(xs, "\(d)")
            assertSampleMean(xs, expectedMean, sd: expectedSD, "\(d)")
        }
    }

    func testNormalWithZeroSDIsItsMean() throws {
        let d = try Distribution.normal(mean: 40, sd: 0)
        XCTAssertEqual(d.mean, 40)
        XCTAssertEqual(Set(draws(d, 100)), [40])
    }

    // MARK: Lognormal

    func testLognormalFromMedianAndP99() throws {
        let median = 100.0, p99 = 1000.0
        let d = try Distribution.lognormal(median: median, p99: p99)
        let sigma = log(p99 / median) / z99
        XCTAssertEqual(d.mean, median * exp(sigma * sigma / 2), accuracy: 1e-12 * d.mean)
        let xs = draws(d)
        assertAllFiniteNonNegative(xs)
        let sorted = xs.sorted()
        // Lognormal density at its p-quantile x_p = exp(μ + σ z_p) is φ(z_p) / (x_p σ).
        let n = Double(drawCount)
        let medianSE = (0.25 / n).squareRoot() * median * sigma / standardNormalPDF(0)
        let p99SE = (0.99 * 0.01 / n).squareRoot() * p99 * sigma / standardNormalPDF(z99)
        XCTAssertEqual(quantile(sorted, 0.5), median, accuracy: standardErrors * medianSE)
        XCTAssertEqual(try XCTUnwrap(d.median), median, accuracy: 1e-9 * median)
        XCTAssertEqual(try Distribution.constant(7).median, 7)
        XCTAssertNil(try Distribution.exponential(mean: 7).median)
        XCTAssertEqual(quantile(sorted, 0.99), p99, accuracy: standardErrors * p99SE)
        let variance = (exp(sigma * sigma) - 1) * exp(2 * log(median) + sigma * sigma)
        assertSampleMean(xs, d.mean, sd: variance.squareRoot())
    }

    func testLognormalWithP99EqualToMedianIsConstant() throws {
        let d = try Distribution.lognormal(median: 80, p99: 80)
        XCTAssertEqual(d.mean, 80, accuracy: 1e-12)
        XCTAssert(draws(d, 100).allSatisfy { abs($0 - 80) < 1e-9 })
    }

    func testLognormalFromMuAndSigma() throws {
        let mu = 3.0, sigma = 0.5
        let d = try Distribution.lognormal(mu: mu, sigma: sigma)
        XCTAssertEqual(d.mean, exp(mu + sigma * sigma / 2), accuracy: 1e-12)
        let xs = draws(d)
        assertAllFiniteNonNegative(xs)
        let variance = (exp(sigma * sigma) - 1) * exp(2 * mu + sigma * sigma)
        assertSampleMean(xs, exp(mu + sigma * sigma / 2), sd: variance.squareRoot())
        let medianSE = (0.25 / Double(drawCount)).squareRoot() * exp(mu) * sigma / standardNormalPDF(0)
        XCTAssertEqual(quantile(xs.sorted(), 0.5), exp(mu), accuracy: standardErrors * medianSE)
    }

    // MARK: Gamma, Weibull, Pareto

    func testGamma() throws {
        // shape >= 1 and shape < 1 take different paths in GSL.
        for (shape, scale) in [(2.5, 40.0), (0.3, 10.0)] {
            let d = try Distribution.gamma(shape: shape, scale: scale)
            XCTAssertEqual(d.mean, shape * scale, accuracy: 1e-12)
            let xs = draws(d, entity: "gamma \(shape)")
            assertAllFiniteNonNegative(xs, "\(d)")
            assertSampleMean(xs, shape * scale, sd: shape.squareRoot() * scale, "\(d)")
        }
    }

    func testWeibull() throws {
        for (shape, scale) in [(1.5, 100.0), (0.7, 20.0), (5.0, 3.0)] {
            let d = try Distribution.weibull(shape: shape, scale: scale)
            // Mean λΓ(1+1/k), variance λ²(Γ(1+2/k) - Γ(1+1/k)²). A swapped shape/scale fails these.
            let expectedMean = scale * tgamma(1 + 1 / shape)
            let expectedSD = scale * (tgamma(1 + 2 / shape) - pow(tgamma(1 + 1 / shape), 2)).squareRoot()
            XCTAssertEqual(d.mean, expectedMean, accuracy: 1e-12 * expectedMean, "\(d)")
            let xs = draws(d, entity: "weibull \(shape)")
            assertAllFiniteNonNegative(xs, "\(d)")
            assertSampleMean(xs, expectedMean, sd: expectedSD, "\(d)")
            // Median λ (ln 2)^(1/k).
            let median = scale * pow(log(2.0), 1 / shape)
            let density = shape / scale * pow(median / scale, shape - 1) * 0.5
            XCTAssertEqual(quantile(xs.sorted(), 0.5), median,
                           accuracy: standardErrors * (0.25 / Double(drawCount)).squareRoot() / density, "\(d)")
        }
    }

    func testPareto() throws {
        let shape = 3.0, scale = 2.0
        let d = try Distribution.pareto(shape: shape, scale: scale)
        // Mean α·x_m/(α-1); variance x_m²·α/((α-1)²(α-2)), finite for α > 2.
        XCTAssertEqual(d.mean, shape * scale / (shape - 1), accuracy: 1e-12)
        let xs = draws(d)
        XCTAssert(xs.allSatisfy { $0 >= scale && $0.isFinite })
        let variance = scale * scale * shape / ((shape - 1) * (shape - 1) * (shape - 2))
        assertSampleMean(xs, 3, sd: variance.squareRoot())
        // Median x_m·2^(1/α), density α·x_m^α / x^(α+1).
        let median = scale * pow(2, 1 / shape)
        let density = shape * pow(scale, shape) / pow(median, shape + 1)
        XCTAssertEqual(quantile(xs.sorted(), 0.5), median,
                       accuracy: standardErrors * (0.25 / Double(drawCount)).squareRoot() / density)
    }

    func testParetoMeanIsInfiniteForShapeAtMostOne() throws {
        XCTAssertEqual(try Distribution.pareto(shape: 1, scale: 5).mean, .infinity)
        XCTAssertEqual(try Distribution.pareto(shape: 0.5, scale: 5).mean, .infinity)
    }

    // MARK: Mixture

    func testMixture() throws {
        // Weights are relative: 3 : 1 is 0.75 : 0.25.
        let exponential = try Distribution.exponential(mean: 10)
        let spike = try Distribution.constant(100)
        let d = try Distribution.mixture([.init(weight: 3, distribution: exponential),
                                          .init(weight: 1, distribution: spike)])
        let expectedMean = 0.75 * 10 + 0.25 * 100
        XCTAssertEqual(d.mean, expectedMean, accuracy: 1e-12)
        // E[X²] = 0.75·(2·10²) + 0.25·100².
        let secondMoment = 0.75 * 200 + 0.25 * 10_000
        let xs = draws(d)
        assertAllFiniteNonNegative(xs)
        assertSampleMean(xs, expectedMean, sd: (secondMoment - expectedMean * expectedMean).squareRoot())
        let spikeFraction = Double(xs.filter { $0 == 100 }.count) / Double(drawCount)
        XCTAssertEqual(spikeFraction, 0.25, accuracy: standardErrors * (0.25 * 0.75 / Double(drawCount)).squareRoot())
        XCTAssertEqual(d.description, "mixture(2 components)")
    }

    func testMixtureOfThreeWithUnnormalisedWeights() throws {
        let parts: [(Double, Double)] = [(0.2, 1), (0.5, 50), (0.3, 400)]
        let d = try Distribution.mixture(parts.map {
            Distribution.Component(weight: $0.0 * 7, distribution: try .constant($0.1))
        })
        let expectedMean = parts.reduce(0) { $0 + $1.0 * $1.1 }
        XCTAssertEqual(d.mean, expectedMean, accuracy: 1e-9)
        let xs = draws(d)
        for (weight, value) in parts {
            let fraction = Double(xs.filter { $0 == value }.count) / Double(drawCount)
            XCTAssertEqual(fraction, weight, accuracy: standardErrors * (weight * (1 - weight) / Double(drawCount)).squareRoot())
        }
    }

    func testMixtureNeverDrawsZeroWeightComponents() throws {
        for order in [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]] {
            let components = try order.enumerated().map { index, weight in
                Distribution.Component(weight: weight, distribution: try .constant(Double(index)))
            }
            let d = try Distribution.mixture(components)
            let chosen = Double(order.firstIndex(of: 1)!)
            XCTAssertEqual(Set(draws(d, 5000, entity: "zero-weight \(order)")), [chosen])
            XCTAssertEqual(d.mean, chosen)
        }
    }

    /// A zero-weight component with an infinite mean contributes nothing: 0·∞ must not turn the mean into NaN.
    func testMixtureMeanIgnoresZeroWeightComponentWithInfiniteMean() throws {
        let d = try Distribution.mixture([.init(weight: 1, distribution: try .exponential(mean: 20)),
                                          .init(weight: 0, distribution: try .pareto(shape: 0.5, scale: 1))])
        XCTAssertEqual(d.mean, 20)
        let heavy = try Distribution.mixture([.init(weight: 1, distribution: try .exponential(mean: 20)),
                                              .init(weight: 1, distribution: try .pareto(shape: 0.5, scale: 1))])
        XCTAssertEqual(heavy.mean, .infinity)
    }

    // MARK: Empirical

    func testEmpiricalSamples() throws {
        let values = [1.0, 2, 3, 10]
        let d = try Distribution.empirical(samples: values)
        XCTAssertEqual(d.mean, 4)
        let xs = draws(d)
        XCTAssert(Set(xs).isSubset(of: Set(values)))
        let p = 0.25
        for value in values {
            let fraction = Double(xs.filter { $0 == value }.count) / Double(drawCount)
            XCTAssertEqual(fraction, p, accuracy: standardErrors * (p * (1 - p) / Double(drawCount)).squareRoot())
        }
        // Population variance of the values: (9 + 4 + 1 + 36) / 4.
        assertSampleMean(xs, 4, sd: 12.5.squareRoot())
        XCTAssertEqual(d.description, "empirical(4 samples)")
    }

    func testEmpiricalSingleSampleIsConstant() throws {
        XCTAssertEqual(Set(draws(try Distribution.empirical(samples: [7]), 100)), [7])
    }

    func testEmpiricalPercentiles() throws {
        // Given out of order on purpose: the constructor sorts by percentile.
        let table: [(percentile: Double, value: Double)] = [(90, 200), (1, 10), (99, 500), (50, 100), (100, 1000)]
        let d = try Distribution.empirical(percentiles: table)
        // Inverse CDF: 10 on [0, 0.01], then linear between the knots (0.01,10) (0.5,100) (0.9,200) (0.99,500) (1,1000).
        // Mean = its integral: 0.01·10 + 0.49·55 + 0.40·150 + 0.09·350 + 0.01·750 = 126.05.
        XCTAssertEqual(d.mean, 126.05, accuracy: 1e-9)
        let knots: [(u: Double, x: Double)] = [(0, 10), (0.01, 10), (0.5, 100), (0.9, 200), (0.99, 500), (1, 1000)]
        // E[X²] of a linear piece from a to b over width h is h(a² + ab + b²)/3.
        var secondMoment = 0.0
        for i in 1..<knots.count {
            let (a, b, h) = (knots[i - 1].x, knots[i].x, knots[i].u - knots[i - 1].u)
            secondMoment += h * (a * a + a * b + b * b) / 3
        }
        let xs = draws(d)
        XCTAssert(xs.allSatisfy { $0 >= 10 && $0 <= 1000 })
        assertSampleMean(xs, 126.05, sd: (secondMoment - 126.05 * 126.05).squareRoot())
        let sorted = xs.sorted()
        // Between knots the density is the reciprocal slope of the inverse CDF: 0.4/100 on (100, 200).
        XCTAssertEqual(quantile(sorted, 0.7), 150, accuracy: standardErrors * (0.21 / Double(drawCount)).squareRoot() / 0.004)
        // Below the lowest percentile the lowest value: an atom of 1 % at 10.
        let atLowest = Double(xs.filter { $0 == 10 }.count) / Double(drawCount)
        XCTAssertEqual(atLowest, 0.01, accuracy: standardErrors * (0.01 * 0.99 / Double(drawCount)).squareRoot())
        XCTAssertEqual(d.description, "empirical(5 percentiles)")
    }

    func testEmpiricalPercentilesMeanClampsAboveHighestPercentile() throws {
        // Draws above the 90th percentile take the highest value (no extrapolation).
        let d = try Distribution.empirical(percentiles: [(50, 100), (90, 300)])
        // 0.5·100 + 0.4·200 + 0.1·300.
        XCTAssertEqual(d.mean, 160, accuracy: 1e-9)
        let xs = draws(d)
        XCTAssertEqual(xs.max(), 300)
        let secondMoment: Double = 0.5 * 10_000 + 0.4 * (10_000 + 30_000 + 90_000) / 3 + 0.1 * 90_000
        assertSampleMean(xs, 160, sd: (secondMoment - 160 * 160).squareRoot())
        XCTAssertEqual(Set(draws(try Distribution.empirical(percentiles: [(50, 42)]), 100)), [42])
        XCTAssertEqual(try Distribution.empirical(percentiles: [(50, 42)]).mean, 42)
    }

    // MARK: Determinism

    func testSameStreamKeyGivesSameDraws() throws {
        let d = try Distribution.mixture([.init(weight: 1, distribution: try .lognormal(median: 50, p99: 400)),
                                          .init(weight: 2, distribution: try .gamma(shape: 0.5, scale: 30)),
                                          .init(weight: 1, distribution: try .normal(mean: 5, sd: 10))])
        let a = RandomStream(seed: 11, entity: "a"), b = RandomStream(seed: 11, entity: "a")
        XCTAssertEqual((0..<5000).map { _ in d.sample(a) }, (0..<5000).map { _ in d.sample(b) })
    }

    // MARK: Every draw finite and non-negative

    func testEveryDrawIsFiniteAndNonNegativeEvenForExtremeParameters() throws {
        let huge = Double.greatestFiniteMagnitude
        let cases: [Distribution] = [
            try .pareto(shape: 0.5, scale: 1),
            try .pareto(shape: 0.05, scale: 1),
            try .pareto(shape: 0.5, scale: 1e300),
            try .lognormal(mu: 0, sigma: 5),
            try .lognormal(mu: 699, sigma: 5),
            try .lognormal(mu: -1e300, sigma: 1e300),
            try .lognormal(median: 1e-300, p99: 1e300),
            try .exponential(mean: 1e-300),
            try .exponential(mean: 1e307),
            try .exponential(mean: huge),
            try .normal(mean: 0, sd: huge),
            try .normal(mean: huge, sd: huge),
            try .normal(mean: 0, sd: 1e-300),
            try .gamma(shape: 1e-3, scale: 1),
            try .gamma(shape: 2, scale: huge),
            try .gamma(shape: 1e300, scale: 1e10),
            try .weibull(shape: 0.001, scale: 1),
            try .weibull(shape: 0.5, scale: huge),
            try .weibull(shape: 1e6, scale: 1e-300),
            try .uniform(min: 0, max: huge),
            try .uniform(min: huge, max: huge),
            try .empirical(samples: [0, huge]),
            try .empirical(percentiles: [(1, 0), (99.9, huge / 2), (100, huge)]),
            try .mixture([.init(weight: 1, distribution: try .pareto(shape: 0.5, scale: 1)),
                          .init(weight: 1, distribution: try .lognormal(mu: 0, sigma: 5))]),
        ]
        for (index, d) in cases.enumerated() {
            assertAllFiniteNonNegative(draws(d, 20_000, entity: "extreme \(index)"), "\(d)")
            XCTAssertFalse(d.mean.isNaN, "mean of \(d)")
            XCTAssertGreaterThanOrEqual(d.mean, 0, "mean of \(d)")
        }
    }

    /// The analytic mean must not overflow when the true mean is representable.
    /// Run alone (`--filter testAnalyticMeanDoesNotOverflowSpuriously`), this also checks that `mean` is safe before
    /// any RandomStream exists: Γ(201) overflows inside GSL, whose default error handler would abort the process.
    func testAnalyticMeanDoesNotOverflowSpuriously() throws {
        XCTAssertEqual(try Distribution.uniform(min: 1e308, max: 1.5e308).mean, 1.25e308, accuracy: 1e294)
        XCTAssertEqual(try Distribution.empirical(samples: [1e308, 1.5e308]).mean, 1.25e308, accuracy: 1e294)
        XCTAssertEqual(try Distribution.empirical(percentiles: [(50, 1e308), (100, 1.5e308)]).mean,
                       0.5e308 + 0.5 * 1.25e308, accuracy: 1e294)
        // α·x_m/(α-1) with α = 1e300: the product α·x_m overflows although the mean is about x_m.
        XCTAssertEqual(try Distribution.pareto(shape: 1e300, scale: 1e10).mean, 1e10, accuracy: 1e-3)
        // λΓ(1+1/k) with Γ(201) ≈ 7.9e374 > Double.max but λ = 1e-300: the mean is about 7.9e74.
        let weibullMean = exp(log(1e-300) + lgamma(201.0))
        XCTAssert(weibullMean.isFinite && weibullMean > 7e74)
        XCTAssertEqual(try Distribution.weibull(shape: 0.005, scale: 1e-300).mean, weibullMean,
                       accuracy: 1e-9 * weibullMean)
    }

    // MARK: Validation

    private func assertRejects(_ make: @autoclosure () throws -> Distribution, _ distribution: String,
                               _ parameter: String, value: String? = nil,
                               file: StaticString = #filePath, line: UInt = #line) {
        do {
            let d = try make()
            XCTFail("accepted \(d); expected \(distribution): \(parameter) to be rejected", file: file, line: line)
        } catch let error as DistributionError {
            XCTAssertEqual(error.distribution, distribution, file: file, line: line)
            XCTAssertEqual(error.parameter, parameter, "\(error)", file: file, line: line)
            if let value { XCTAssertEqual(error.value, value, "\(error)", file: file, line: line) }
            let text = error.description
            XCTAssert(text.hasPrefix("\(distribution): \(parameter) = \(error.value) is invalid: "), text,
                      file: file, line: line)
            XCTAssertFalse(error.requirement.isEmpty, file: file, line: line)
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
    }

    func testNegativeAndZeroParametersAreRejected() {
        assertRejects(try .constant(-1), "constant", "value", value: "-1")
        assertRejects(try .uniform(min: -0.5, max: 1), "uniform", "min", value: "-0.5")
        assertRejects(try .exponential(mean: 0), "exponential", "mean", value: "0")
        assertRejects(try .exponential(mean: -3), "exponential", "mean", value: "-3")
        assertRejects(try .normal(mean: -1, sd: 1), "normal", "mean", value: "-1")
        assertRejects(try .normal(mean: 1, sd: -0.1), "normal", "sd", value: "-0.1")
        assertRejects(try .lognormal(median: 0, p99: 10), "lognormal", "median", value: "0")
        assertRejects(try .lognormal(median: -5, p99: 10), "lognormal", "median", value: "-5")
        assertRejects(try .lognormal(mu: 0, sigma: -1), "lognormal", "sigma", value: "-1")
        for (name, make) in [("gamma", Distribution.gamma), ("weibull", Distribution.weibull),
                             ("pareto", Distribution.pareto)] as [(String, (Double, Double) throws -> Distribution)] {
            assertRejects(try make(0, 1), name, "shape", value: "0")
            assertRejects(try make(-2, 1), name, "shape", value: "-2")
            assertRejects(try make(1, 0), name, "scale", value: "0")
            assertRejects(try make(1, -2), name, "scale", value: "-2")
        }
    }

    func testUniformMaxBelowMinIsRejected() {
        assertRejects(try .uniform(min: 5, max: 4.5), "uniform", "max", value: "4.5")
    }

    func testLognormalP99BelowMedianAndHugeMuAreRejected() {
        assertRejects(try .lognormal(median: 100, p99: 99), "lognormal", "p99", value: "99")
        assertRejects(try .lognormal(median: 100, p99: 0), "lognormal", "p99", value: "0")
        assertRejects(try .lognormal(mu: 700, sigma: 1), "lognormal", "mu", value: "700")
        assertRejects(try .lognormal(mu: 1e6, sigma: 0), "lognormal", "mu", value: "1000000")
        assertRejects(try .lognormal(mu: 1e300, sigma: 0), "lognormal", "mu")
    }

    func testEveryNumericParameterRejectsNaNAndInfinities() {
        for bad in [Double.nan, .infinity, -.infinity] {
            let text = bad.isNaN ? "nan" : (bad > 0 ? "inf" : "-inf")
            assertRejects(try .constant(bad), "constant", "value", value: text)
            assertRejects(try .uniform(min: bad, max: 1), "uniform", "min", value: text)
            assertRejects(try .uniform(min: 0, max: bad), "uniform", "max", value: text)
            assertRejects(try .exponential(mean: bad), "exponential", "mean", value: text)
            assertRejects(try .normal(mean: bad, sd: 1), "normal", "mean", value: text)
            assertRejects(try .normal(mean: 1, sd: bad), "normal", "sd", value: text)
            assertRejects(try .lognormal(median: bad, p99: 10), "lognormal", "median", value: text)
            assertRejects(try .lognormal(median: 1, p99: bad), "lognormal", "p99", value: text)
            assertRejects(try .lognormal(mu: bad, sigma: 1), "lognormal", "mu", value: text)
            assertRejects(try .lognormal(mu: 0, sigma: bad), "lognormal", "sigma", value: text)
            for (name, make) in [("gamma", Distribution.gamma), ("weibull", Distribution.weibull),
                                 ("pareto", Distribution.pareto)] as [(String, (Double, Double) throws -> Distribution)] {
                assertRejects(try make(bad, 1), name, "shape", value: text)
                assertRejects(try make(1, bad), name, "scale", value: text)
            }
            let one = try! Distribution.constant(1)
            assertRejects(try .mixture([.init(weight: 1, distribution: one), .init(weight: bad, distribution: one)]),
                          "mixture", "components[1].weight", value: text)
            assertRejects(try .empirical(samples: [1, 2, bad]), "empirical", "samples[2]", value: text)
            assertRejects(try .empirical(percentiles: [(bad, 1)]), "empirical", "percentile", value: text)
            // Wherever the bad percentile sits in an otherwise valid table, it is the one named: sorting a table
            // that holds a NaN must not turn it into a bogus "decreasing values" error. The long tables are
            // sorted by a different algorithm than short ones.
            let long = (1...40).map { (percentile: Double($0) * 2.5, value: Double($0)) }
            var tables: [[(percentile: Double, value: Double)]] = [[(50, 1), (bad, 2), (90, 3)], [(90, 3), (bad, 2), (50, 1)]]
            for position in [0, 7, 20, 39] {
                var table = long.reversed() as [(percentile: Double, value: Double)]
                table[position].percentile = bad
                tables.append(table)
                table = long
                table[position].percentile = bad
                tables.append(table)
            }
            for table in tables {
                assertRejects(try .empirical(percentiles: table), "empirical", "percentile", value: text)
            }
            assertRejects(try .empirical(percentiles: [(50, bad)]), "empirical", "percentiles[50]", value: text)
            assertRejects(try .empirical(percentiles: [(10, 1), (50, bad), (90, 3)]), "empirical", "percentiles[50]",
                          value: text)
        }
    }

    func testMixtureErrors() throws {
        let one = try Distribution.constant(1)
        assertRejects(try .mixture([]), "mixture", "components", value: "[]")
        assertRejects(try .mixture([.init(weight: 2, distribution: one), .init(weight: -1, distribution: one)]),
                      "mixture", "components[1].weight", value: "-1")
        assertRejects(try .mixture([.init(weight: 0, distribution: one), .init(weight: 0, distribution: one)]),
                      "mixture", "sum of weights", value: "0")
        assertRejects(try .mixture([.init(weight: 0, distribution: one)]), "mixture", "sum of weights", value: "0")
    }

    /// Weights are relative, so huge ones are as valid as small ones: their sum must not overflow into an error.
    func testMixtureAcceptsHugeRelativeWeights() throws {
        let d = try Distribution.mixture([.init(weight: 1e308, distribution: try .constant(1)),
                                          .init(weight: 1e308, distribution: try .constant(3))])
        XCTAssertEqual(d.mean, 2, accuracy: 1e-12)
    }

    func testEmpiricalSampleErrors() {
        assertRejects(try .empirical(samples: []), "empirical", "samples", value: "[]")
        assertRejects(try .empirical(samples: [3, -0.25]), "empirical", "samples[1]", value: "-0.25")
    }

    func testPercentileTableErrors() {
        assertRejects(try .empirical(percentiles: []), "empirical", "percentiles")
        for outside in [0.0, -5, 100.5, 101, 1e9] {
            assertRejects(try .empirical(percentiles: [(50, 1), (outside, 2)]), "empirical", "percentile",
                          value: Distribution.format(outside))
        }
        assertRejects(try .empirical(percentiles: [(50, 1), (90, 2), (50, 1)]), "empirical", "percentile",
                      value: "50")
        assertRejects(try .empirical(percentiles: [(99.9, 7), (99.9, 8)]), "empirical", "percentile", value: "99.9")
        // Values must not decrease as the percentile grows (the table may be given in any order).
        assertRejects(try .empirical(percentiles: [(50, 100), (90, 80)]), "empirical", "percentiles[90]", value: "80")
        assertRejects(try .empirical(percentiles: [(90, 80), (50, 100)]), "empirical", "percentiles[90]", value: "80")
        assertRejects(try .empirical(percentiles: [(50, -1)]), "empirical", "percentiles[50]", value: "-1")
    }

    func testDescriptionsNameTheDistributionAndParameters() throws {
        XCTAssertEqual(try Distribution.uniform(min: 1, max: 2.5).description, "uniform(min: 1, max: 2.5)")
        XCTAssertEqual(try Distribution.exponential(mean: 250).description, "exponential(mean: 250)")
        XCTAssertEqual(try Distribution.normal(mean: 5, sd: 1).description, "normal(mean: 5, sd: 1)")
        XCTAssertEqual(try Distribution.lognormal(mu: 0, sigma: 0.5).description, "lognormal(mu: 0, sigma: 0.5)")
        XCTAssertEqual(try Distribution.gamma(shape: 2, scale: 3).description, "gamma(shape: 2, scale: 3)")
        XCTAssertEqual(try Distribution.weibull(shape: 2, scale: 3).description, "weibull(shape: 2, scale: 3)")
        XCTAssertEqual(try Distribution.pareto(shape: 2, scale: 3).description, "pareto(shape: 2, scale: 3)")
    }
}
