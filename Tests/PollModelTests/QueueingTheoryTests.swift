import XCTest
import PollingPolicy
@testable import PollModel
import SimKernel

/// With every host cost zero, the model reduces to its device queue, which queueing theory describes exactly.
final class QueueingTheoryTests: XCTestCase {
    private let meanService = 10_000.0  // ns: μ = 100 000/s

    private func openLoop(service: Distribution, utilisation: Double, seed: UInt64 = 1) throws -> RunResult {
        let rate = utilisation * 1e9 / meanService
        let configuration = Fixture.single(policy: .none, latency: service, parallelism: 1, profile: .ideal,
                                           iodepth: 1 << 30, rateIOPS: rate, rateProcess: .poisson,
                                           runtime: 4_000_000_000, rampTime: 100_000_000, seed: seed)
        return try Fixture.run(configuration)
    }

    func testMM1MeanLatencyMatchesTheory() throws {
        for rho in [0.5, 0.8] {
            let result = try openLoop(service: try .exponential(mean: meanService), utilisation: rho)
            let lambda = rho * 1e9 / meanService, mu = 1e9 / meanService
            let theory = 1e9 / (mu - lambda)
            XCTAssertEqual(result.latency_ns.mean, theory, accuracy: theory * 0.03, "M/M/1 at ρ = \(rho)")
            XCTAssertEqual(result.iops, lambda, accuracy: lambda * 0.02, "throughput equals the arrival rate")
        }
    }

    func testMD1MeanLatencyMatchesPollaczekKhinchine() throws {
        for rho in [0.5, 0.8] {
            let result = try openLoop(service: try .constant(meanService), utilisation: rho)
            // Pollaczek–Khinchine with deterministic service: Wq = ρ / (2μ(1 − ρ)).
            let waiting = rho * meanService / (2 * (1 - rho))
            let theory = waiting + meanService
            XCTAssertEqual(result.latency_ns.mean, theory, accuracy: theory * 0.03, "M/D/1 at ρ = \(rho)")
        }
    }
}
