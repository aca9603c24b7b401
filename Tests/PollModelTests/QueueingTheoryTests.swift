import XCTest
import PollingPolicy
@testable import PollModel
import SimKernel

/// With every host cost zero, the model reduces to its device queue, which queueing theory describes exactly.
final class QueueingTheoryTests: XCTestCase {
    private let meanService = 10_000.0  // ns: μ = 100 000/s

    /// Mean latency and throughput over independent replications (different seeds). A single 3 s run at ρ = 0.8
    /// scatters by about 2 % around the theory (heavy autocorrelation near saturation); six replications bring the
    /// standard error of their mean below 1 %, so the 3 % tolerance is several standard errors wide.
    private func openLoop(service: Distribution, utilisation: Double) throws -> (latency: Double, iops: Double) {
        let rate = utilisation * 1e9 / meanService
        let replications: [UInt64] = [1, 2, 3, 4, 5, 6]
        var latency = 0.0, iops = 0.0
        for seed in replications {
            let configuration = Fixture.single(policy: .none, latency: service, parallelism: 1, profile: .ideal,
                                               iodepth: 1 << 30, rateIOPS: rate, rateProcess: .poisson,
                                               runtime: 3_000_000_000, rampTime: 100_000_000, seed: seed)
            let result = try Fixture.run(configuration)
            latency += result.latency_ns.mean / Double(replications.count)
            iops += result.iops / Double(replications.count)
        }
        return (latency, iops)
    }

    func testMM1MeanLatencyMatchesTheory() throws {
        for rho in [0.5, 0.8] {
            let result = try openLoop(service: try .exponential(mean: meanService), utilisation: rho)
            let lambda = rho * 1e9 / meanService, mu = 1e9 / meanService
            let theory = 1e9 / (mu - lambda)
            XCTAssertEqual(result.latency, theory, accuracy: theory * 0.03, "M/M/1 at ρ = \(rho)")
            XCTAssertEqual(result.iops, lambda, accuracy: lambda * 0.02, "throughput equals the arrival rate")
        }
    }

    func testMD1MeanLatencyMatchesPollaczekKhinchine() throws {
        for rho in [0.5, 0.8] {
            let result = try openLoop(service: try .constant(meanService), utilisation: rho)
            // Pollaczek–Khinchine with deterministic service: Wq = ρ / (2μ(1 − ρ)).
            let waiting = rho * meanService / (2 * (1 - rho))
            let theory = waiting + meanService
            XCTAssertEqual(result.latency, theory, accuracy: theory * 0.03, "M/D/1 at ρ = \(rho)")
        }
    }
}
